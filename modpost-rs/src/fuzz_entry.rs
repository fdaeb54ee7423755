//! Entry points for the fuzz targets in `fuzz/`: each takes the bytes of one untrusted input
//! file and runs it through the same code the tool uses for that file, in memory, with every
//! message buffered and dropped (nothing is printed or written).
//!
//! A fatal error of the tool is a value here as everywhere in modpost-rs ([`crate::diag::Fatal`],
//! which `main` turns into exit status 1): these functions simply return when they meet one,
//! so only a panic, an abort, a hang or unbounded memory is a finding.

use crate::diag::Diags;
use crate::scan;
use crate::sources;
use crate::symbols;
use crate::write;

/// The paths the scanned object pretends to have: a module in a directory that does not exist
/// (so srcversion's `.mod` lookup fails cleanly instead of reading a real file), and vmlinux.
const OBJECT_PATHS: [&[u8]; 2] = [b"/nonexistent/modpost-rs-fuzz/m.o", b"vmlinux.o"];

/// One object (`.o`, as an ELF file's bytes) through C's `read_symbols()` path: ELF header and
/// sections, `.modinfo`, the symtab loop with `remove_dot()` and the device tables
/// (file2alias), the section-mismatch checks over the relocations, `.export_symbol`; then the
/// merge into the symbol table, the module checks and the `*.mod.c` / `.vmlinux.export.c` and
/// symvers texts. Runs once as a module and once as vmlinux.
pub fn object(data: &[u8]) {
    let opts = scan::ScanOptions {
        module_enabled: true,
        modversions: false,
        all_versions: false,
        extra_warn: true,
        ignore_missing_files: false,
    };
    for path in OBJECT_PATHS {
        let Some(name) = path.strip_suffix(b".o") else {
            continue;
        };
        let mut s = scan::ModuleScan {
            diags: Diags::buffered(),
            ..Default::default()
        };
        s.fatal = match scan::scan_data(path, name, data, &opts, &mut s) {
            Ok(Some(module)) => scan::read_crcs(name, module, &opts, &mut s).is_err(),
            Ok(None) => false,
            Err(_) => true,
        };
        let mut db = symbols::SymbolDb::new(false);
        let mut diags = Diags::buffered();
        if db.merge_scan(s, &mut diags).is_err() {
            continue;
        }
        db.check_modules(&symbols::CheckOptions::default(), &mut diags);
        write_all(&db, &mut diags);
    }
}

/// A Module.symvers file (`-i`) through `read_dump()`, then the same text as a `-u` whitelist,
/// then the symvers text written back.
pub fn symvers(data: &[u8]) {
    let mut db = symbols::SymbolDb::new(true);
    let mut diags = Diags::buffered();
    if db.read_dump_bytes(data, &mut diags).is_err() {
        return;
    }
    db.mark_whitelisted_bytes(data);
    db.check_modules(&symbols::CheckOptions::default(), &mut diags);
    write_all(&db, &mut diags);
}

/// A `.cmd` or `.mod` file (or a source file) through modpost's own readers: the `#SYMVER`
/// scan, srcversion's `source_`/`deps_` scan (for objects at the top, in a subdirectory and at
/// `/`), the `.mod` list splits of both readers, and the source normaliser that srcversion
/// hashes.
pub fn cmd_mod(data: &[u8]) {
    let text = sources::c_str(data);
    let _ = sources::parse_symver_lines(text);
    for dir in [&b""[..], b"drivers/net/", b"/"] {
        let _ = sources::source_files_of_cmd(text, dir);
    }
    let _ = text
        .split(|&b| b == b'\n')
        .take_while(|o| !o.is_empty())
        .map(sources::cmd_file_name)
        .count();
    let mut normalised = Vec::new();
    sources::normalise_source(text, &mut normalised);
}

/// Every output text modpost would write for `db` (the messages are dropped).
fn write_all(db: &symbols::SymbolDb, diags: &mut Diags) {
    for trim in [false, true] {
        let opts = write::WriteOptions {
            external_module: false,
            modversions: true,
            trim_unused_exports: trim,
        };
        for m in db.modules.iter().filter(|m| !m.from_dump) {
            let mut d = Diags::buffered();
            let _ = if m.is_vmlinux {
                write::gen_vmlinux_export_c(db, m, &opts, &mut d)
            } else {
                write::gen_mod_c(db, m, &opts, &mut d)
            };
        }
        let _ = write::gen_dump(db, &opts, diags);
    }
    let _ = write::gen_nsdeps(db, diags);
}
