//! Entry points for the fuzz targets `kallsyms_map` and `decode_ko` in `fuzz/`: an untrusted
//! map through the tool's whole pipeline, and an untrusted module through `decode`'s printer,
//! in memory.
//!
//! A fatal error of the tool (`line format error`, a name or table too large, ...) is a
//! [`crate::error::Fatal`] value that `main` prints and turns into the exit status, and a
//! module `decode` cannot read is an error value it prints; here either just ends the run, so
//! only a panic, an abort, a hang or unbounded memory is a finding.

use kpaths::elf::ElfFile;

use crate::decode;
use crate::read;
use crate::write;

/// The map's bytes as `kallsyms [--all-symbols] [--absolute-percpu] map` reads them: `read`
/// (getline and strtoull semantics, over-long names), `filter`, the sort keys, the token
/// compression, the sort, the relative base and the `.S` text (written to a buffer). Runs
/// without options and with both.
pub fn map(data: &[u8]) {
    for (all_symbols, absolute_percpu) in [(false, false), (true, true)] {
        let mut stderr = Vec::new();
        let Ok(mut table) = read::read_symbols(std::io::Cursor::new(data), &mut stderr) else {
            return;
        };
        let (tokens, relative_base) = crate::build_tables(&mut table, all_symbols, absolute_percpu);
        let mut sink = Vec::new();
        let mut out = write::Out::new(&mut sink, write::STDIO_BUFSIZ, false);
        let result = write::write_src(
            &mut out,
            &mut table,
            &tokens,
            relative_base,
            absolute_percpu,
        );
        out.flush();
        drop(result);
    }
}

/// A module's bytes as `kallsyms-rs decode [--paths] [--check] module.ko` reads them when the
/// file has no kallsyms tables: the ELF reader, the signature trailer, `.symtab`, the
/// `.kallsyms_paths` section with all the loader's checks, and the printer (written to a
/// buffer). Runs as `decode`, `decode --paths` and `decode --check --paths`.
pub fn decode_ko(data: &[u8]) {
    let Ok(file) = ElfFile::parse(data) else {
        return;
    };
    for (check, paths) in [(false, false), (false, true), (true, true)] {
        let mut sink = Vec::new();
        let _ = decode::module::run(&file, check, paths, &mut sink);
    }
}
