//! The vmlinux check of `verify`: its kallsyms tables decode cleanly (the shared decoder's
//! consistency checks, the same ones `kallsyms-rs decode --check` runs) and, with source paths
//! on, every name carries a `path:` prefix.

use std::path::Path;

use modpost::kallsyms_tables::{image, tables};

use super::{Kind, Problem, TreeConfig};

/// How many names without a path are listed one per line; the rest are only counted, since a
/// vmlinux built without the feature would otherwise print a line for each of ~100k symbols.
const LISTED_BARE_NAMES: usize = 50;

/// Problems of the vmlinux at `image_path`.
pub(super) fn check(
    image_path: &Path,
    config: &TreeConfig,
    paths_on: bool,
    paths_reason: &str,
) -> Vec<Problem> {
    let problem = |kind: Kind, detail: String| Problem::new(image_path, kind, detail);
    let file = match std::fs::File::open(image_path) {
        Ok(f) => f,
        Err(e) => return vec![problem(Kind::Unreadable, crate::diag::strerror(&e))],
    };
    // Through a cache: only the headers, the symtab and the table sections are read.
    let cache = object::ReadCache::new(file);
    let raw = match image::find_tables(&cache) {
        Ok(Some(raw)) => raw,
        // A kernel without CONFIG_KALLSYMS has no tables and needs none.
        Ok(None) if !config.kallsyms && !paths_on => return Vec::new(),
        Ok(None) => {
            return vec![problem(
                Kind::KallsymsTables,
                "no kallsyms tables (no kallsyms_num_syms in the symbol table)".into(),
            )]
        }
        Err(e) => return vec![problem(Kind::KallsymsTables, e)],
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
    // The kernel prints these names as they are; an empty one is skipped by /proc/kallsyms.
    let bare: Vec<&tables::Symbol> = decoded
        .symbols
        .iter()
        .filter(|s| !s.name.is_empty() && !s.name.contains(&b':'))
        .collect();
    if bare.is_empty() {
        return out;
    }
    out.push(problem(
        Kind::NoPath,
        format!(
            "{} of {} kallsyms names have no path: prefix ({paths_reason}){}",
            bare.len(),
            decoded.symbols.len(),
            if bare.len() > LISTED_BARE_NAMES {
                format!("; the first {LISTED_BARE_NAMES} follow")
            } else {
                String::new()
            }
        ),
    ));
    let digits = decoded.target.pointer_digits();
    for s in bare.iter().take(LISTED_BARE_NAMES) {
        out.push(problem(
            Kind::NoPath,
            format!(
                "symbol '{}' ({:0digits$x} {}) has no path",
                String::from_utf8_lossy(&s.name),
                s.addr,
                char::from(s.kind)
            ),
        ));
    }
    out
}
