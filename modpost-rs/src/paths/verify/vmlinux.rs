//! The vmlinux check of `verify`: its kallsyms tables decode cleanly (the shared decoder's
//! consistency checks, the same ones `kallsyms-rs decode --check` runs) and, with source paths
//! on, its path side table gives every symbol a path, each prefix symbol (`__pfx_<f>`) that of
//! the function it precedes.

use std::collections::HashMap;
use std::path::Path;

use kpaths::elf::ElfFile;
use kpaths::kallsyms::image;
use kpaths::kallsyms::tables;

use super::Kind;
use super::Problem;
use super::TreeConfig;

/// How many symbols without a path (or with a wrong one) are listed one per line; the rest
/// are only counted, since a broken table would otherwise print ~100k lines.
const LISTED: usize = 50;

/// Problems of the vmlinux at `image_path`.
pub(super) fn check(
    image_path: &Path,
    config: &TreeConfig,
    paths_on: bool,
    paths_reason: &str,
) -> Vec<Problem> {
    let problem = |kind: Kind, detail: String| Problem::new(image_path, kind, detail);
    let mapped = match kpaths::fs::map(image_path) {
        Ok(m) => m,
        Err(e) => return vec![problem(Kind::Unreadable, e.to_string())],
    };
    let raw = match ElfFile::parse(mapped.bytes()).and_then(|f| image::find_tables(&f)) {
        Ok(Some(raw)) => raw,
        // A kernel without CONFIG_KALLSYMS has no tables and needs none.
        Ok(None) if !config.kallsyms && !paths_on => return Vec::new(),
        Ok(None) => {
            return vec![problem(
                Kind::KallsymsTables,
                "no kallsyms tables (no kallsyms_num_syms in the symbol table)".into(),
            )]
        }
        Err(e) => return vec![problem(Kind::KallsymsTables, e.to_string())],
    };
    let parsed = match tables::parse(&raw) {
        Ok(p) => p,
        Err(e) => return vec![problem(Kind::KallsymsTables, e.to_string())],
    };
    let kinds: Vec<u8> = parsed.entries.iter().map(|e| e.kind).collect();
    // The data tells the offset encoding unless every offset fits both; then the config does.
    let mode = match tables::detect_mode(&parsed.offsets, &kinds) {
        Some(m) => m,
        None if config.absolute_percpu => tables::OffsetMode::AbsolutePercpu,
        None if config.file.is_some() || parsed.offsets.is_empty() => tables::OffsetMode::Relative,
        None => {
            return vec![problem(
                Kind::KallsymsTables,
                "cannot tell whether kallsyms_offsets uses absolute per-CPU offsets, and the \
                 tree has no .config"
                    .into(),
            )]
        }
    };
    let decoded = tables::finish(&raw, parsed, mode);
    let mut out: Vec<Problem> = decoded
        .problems
        .iter()
        .map(|p| problem(Kind::KallsymsTables, p.clone()))
        .collect();
    if !paths_on {
        return out;
    }
    let Some(paths) = &decoded.paths else {
        // A decoding failure of the table is already among the problems.
        if !out.iter().any(|p| p.detail.contains("kallsyms_path_")) {
            out.push(problem(
                Kind::NoPath,
                format!("no path side table (kallsyms_path_num_runs) although {paths_reason}"),
            ));
        }
        return out;
    };
    let digits = decoded.target.pointer_digits();
    let show = |s: &tables::Symbol| {
        format!(
            "'{}' ({:0digits$x} {})",
            String::from_utf8_lossy(&s.name),
            s.addr,
            char::from(s.kind)
        )
    };

    // Every symbol the kernel shows (an empty name is skipped by /proc/kallsyms) has a path.
    let bare: Vec<&tables::Symbol> = decoded
        .symbols
        .iter()
        .enumerate()
        .filter(|(i, s)| !s.name.is_empty() && paths.path_of(*i).is_none())
        .map(|(_, s)| s)
        .collect();
    if !bare.is_empty() {
        out.push(problem(
            Kind::NoPath,
            format!(
                "{} of {} kallsyms symbols have no path ({paths_reason}){}",
                bare.len(),
                decoded.symbols.len(),
                listed_note(bare.len())
            ),
        ));
        for s in bare.iter().take(LISTED) {
            out.push(problem(
                Kind::NoPath,
                format!("symbol {} has no path", show(s)),
            ));
        }
    }

    // A prefix symbol belongs to the function it precedes: the next symbol of that name.
    let mut by_name: HashMap<&[u8], Vec<usize>> = HashMap::new();
    for (i, s) in decoded.symbols.iter().enumerate() {
        by_name.entry(&s.name).or_default().push(i);
    }
    let mut wrong = Vec::new();
    for (i, s) in decoded.symbols.iter().enumerate() {
        let Some(target) = kpaths::elf::prefixed_name(&s.name) else {
            continue;
        };
        let function = by_name.get(target).and_then(|c| {
            c.iter()
                .copied()
                .filter(|&j| decoded.symbols[j].addr > s.addr)
                .min_by_key(|&j| decoded.symbols[j].addr)
        });
        let Some(f) = function else {
            continue;
        };
        if paths.path_of(i) != paths.path_of(f) {
            wrong.push((i, f));
        }
    }
    if !wrong.is_empty() {
        out.push(problem(
            Kind::WrongPath,
            format!(
                "{} prefix symbols have another path than the function they precede{}",
                wrong.len(),
                listed_note(wrong.len())
            ),
        ));
        let path = |i: usize| {
            paths.path_of(i).map_or_else(
                || "no path".into(),
                |p| String::from_utf8_lossy(p).into_owned(),
            )
        };
        for &(i, f) in wrong.iter().take(LISTED) {
            out.push(problem(
                Kind::WrongPath,
                format!(
                    "symbol {} has path {}, its function {} has {}",
                    show(&decoded.symbols[i]),
                    path(i),
                    show(&decoded.symbols[f]),
                    path(f)
                ),
            ));
        }
    }
    out
}

fn listed_note(n: usize) -> String {
    if n > LISTED {
        format!("; the first {LISTED} follow")
    } else {
        String::new()
    }
}
