//! The duplicates and coverage report of a resolution (acceptance item 3 of the paths issue):
//! bare names that occur more than once with their paths, `path:name` pairs that are still not
//! unique, and every symbol without a path with its reason.

use std::collections::BTreeMap;
use std::fmt::Write;

use super::InputSymbol;
use super::Resolution;

/// Counts of a report, for tests and summaries.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ReportCounts {
    /// Input symbols.
    pub(crate) symbols: usize,
    /// Symbols that got a path.
    pub(crate) with_path: usize,
    /// Bare names that occur more than once.
    pub(crate) duplicate_names: usize,
    /// Of those, names whose occurrences still collide as `path:name`.
    pub(crate) duplicate_qualified: usize,
}

/// Writes the report as text and returns it with its counts.
pub(crate) fn duplicates_report(
    syms: &[InputSymbol<'_>],
    resolution: &Resolution,
) -> (String, ReportCounts) {
    let mut out = String::new();
    let mut counts = ReportCounts {
        symbols: syms.len(),
        ..Default::default()
    };
    let mut by_name: BTreeMap<&[u8], Vec<usize>> = BTreeMap::new();
    for (i, s) in syms.iter().enumerate() {
        by_name.entry(s.name).or_default().push(i);
    }
    let path_of = |i: usize| -> String {
        match resolution.paths.get(i) {
            Some(Ok(p)) => p.to_string(),
            Some(Err(e)) => format!("<no path: {e}>"),
            None => "<missing>".into(),
        }
    };
    counts.with_path = resolution.paths.iter().filter(|p| p.is_ok()).count();

    let mut dup_lines = String::new();
    let mut still = String::new();
    for (name, idx) in &by_name {
        if idx.len() < 2 {
            continue;
        }
        counts.duplicate_names += 1;
        let name = String::from_utf8_lossy(name);
        let _ = write!(dup_lines, "{name} x{}:", idx.len());
        let mut per_path: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for &i in idx {
            let p = path_of(i);
            let sym = syms.get(i);
            let _ = write!(
                dup_lines,
                " {}[{} {:x}]",
                p,
                sym.map(|s| s.type_char as char).unwrap_or('?'),
                sym.map(|s| s.address).unwrap_or(0)
            );
            per_path.entry(p).or_default().push(i);
        }
        dup_lines.push('\n');
        let colliding: Vec<_> = per_path.iter().filter(|(_, v)| v.len() > 1).collect();
        if !colliding.is_empty() {
            counts.duplicate_qualified += 1;
            for (p, v) in colliding {
                let addrs: Vec<String> = v
                    .iter()
                    .filter_map(|&i| syms.get(i))
                    .map(|s| format!("{}@{:x}", s.type_char as char, s.address))
                    .collect();
                let _ = writeln!(still, "{p}:{name} x{}: {}", v.len(), addrs.join(" "));
            }
        }
    }

    let _ = writeln!(
        out,
        "symbols: {}\nwith a path: {}\nwithout a path: {}\nbare names occurring more than once: {}\n\
         of those still not unique as path:name: {}",
        counts.symbols,
        counts.with_path,
        counts.symbols - counts.with_path,
        counts.duplicate_names,
        counts.duplicate_qualified
    );
    let _ = writeln!(out, "\n== diagnostics ({})", resolution.diagnostics.len());
    for d in &resolution.diagnostics {
        let _ = writeln!(out, "{d}");
    }
    let _ = writeln!(out, "\n== symbols without a path");
    for (i, s) in syms.iter().enumerate() {
        if let Some(Err(e)) = resolution.paths.get(i) {
            let _ = writeln!(
                out,
                "{:016x} {} {}: {e}",
                s.address,
                s.type_char as char,
                String::from_utf8_lossy(s.name)
            );
        }
    }
    let _ = writeln!(
        out,
        "\n== path:name pairs still not unique (name x count: addresses)"
    );
    out.push_str(&still);
    let _ = writeln!(
        out,
        "\n== bare names occurring more than once (path[type address] ...)"
    );
    out.push_str(&dup_lines);
    (out, counts)
}
