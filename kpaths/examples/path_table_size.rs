// SPDX-License-Identifier: GPL-2.0-only
//! The size of the vmlinux path side table for a list of per-symbol paths, built by the same
//! code kallsyms-rs writes it with: `kbuild/bench-path-table.sh` feeds it the DWARF-derived
//! paths of Debian's kernel, whose build trees (and so manifests) we do not have.
//!
//! ```text
//! path_table_size < PATHS     one line per kallsyms symbol in table (address) order:
//!                             its source path, or "-" for none
//! ```
//!
//! Prints `symbols runs paths string_bytes table_bytes` (table_bytes: the six tables with
//! their 8-byte alignment, as in a 64-bit image).

use std::io::BufRead;
use std::process::ExitCode;

use kpaths::kallsyms::path_table::PathTable;

fn main() -> ExitCode {
    let lines: Vec<Vec<u8>> = match std::io::stdin().lock().split(b'\n').collect() {
        Ok(lines) => lines,
        Err(e) => {
            eprintln!("path_table_size: reading stdin: {e}");
            return ExitCode::FAILURE;
        }
    };
    let paths = lines
        .iter()
        .map(|l| (l.as_slice() != b"-").then_some(l.as_slice()));
    let table = match PathTable::build(paths) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("path_table_size: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!(
        "{} {} {} {} {}",
        lines.len(),
        table.run_start.len(),
        table.paths.len() - 1,
        table.strings().len(),
        table.size_in_image(8)
    );
    ExitCode::SUCCESS
}
