//! Entry points for the fuzz targets in `fuzz/`: each takes the bytes of one untrusted input
//! file and runs it through the same code the tool uses for that file, in memory, with every
//! message buffered and dropped (nothing is printed or written).
//!
//! A fatal error of the tool is a value here as everywhere in modpost-rs ([`crate::diag::Fatal`],
//! which `main` turns into exit status 1): these functions simply return when they meet one,
//! so only a panic, an abort, a hang or unbounded memory is a finding.

use std::collections::HashSet;

use crate::diag::Diags;
use crate::file2alias;
use crate::file2alias::offsets::DeviceTableOffsets;
use crate::file2alias::DevTableTarget;
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

/// Entries of more bytes than this get no table of their own size in [`devtable_offsets`],
/// only the fixed one (see there).
const DEVTABLE_MAX_ENTRY: usize = 4096;

/// The length of the table every type gets whose entry size is 0 or over
/// [`DEVTABLE_MAX_ENTRY`] (the handlers must refuse it: no size divides it that is not itself
/// checked).
const DEVTABLE_FIXED_LEN: usize = 96;

/// The header text of a `devicetable-offsets.h` through the reader modpost-rs uses in place of
/// C's compiled-in layouts, then, if it parses, every one of the 56 table types through
/// file2alias's handler with those layouts, for a 64-bit little-endian and a 32-bit big-endian
/// target. Each type's table is one entry filled with a fixed pattern and the all-zero
/// terminator, entries of `SIZE_<struct>` bytes (three patterns: all bits set, a byte sequence,
/// short ASCII strings), so that every `OFF_*` is read; a size of 0 or over
/// [`DEVTABLE_MAX_ENTRY`] gets a fixed table of [`DEVTABLE_FIXED_LEN`] bytes instead. Offsets or
/// sizes that do not fit must give the handler's fatal error, never a panic.
pub fn devtable_offsets(data: &[u8]) {
    let Ok(offsets) = DeviceTableOffsets::parse(data, "fuzz/devicetable-offsets.h") else {
        return;
    };
    let patterns: [fn(usize) -> u8; 3] = [
        |_| 0xff,
        |i| (i as u8).wrapping_mul(0x25).wrapping_add(1),
        |i| if i % 8 == 7 { 0 } else { b'a' + (i % 26) as u8 },
    ];
    let targets = [(true, false), (false, true)]
        .map(|(is_64, big_endian)| DevTableTarget { is_64, big_endian });
    for target in targets {
        for kind in file2alias::kinds() {
            let Some(layout) = file2alias::kind_layout(kind.as_bytes()) else {
                continue;
            };
            let size = layout(&offsets).size();
            let (entry, len) = match size {
                1..=DEVTABLE_MAX_ENTRY => (size, 2 * size),
                _ => (DEVTABLE_FIXED_LEN / 2, DEVTABLE_FIXED_LEN),
            };
            let symname = [b"__mod_", kind.as_bytes(), b"__fuzz_device_table"].concat();
            for pattern in patterns {
                let mut table = vec![0u8; len];
                for (i, byte) in table.iter_mut().take(entry).enumerate() {
                    *byte = pattern(i);
                }
                let mut aliases = Vec::new();
                let mut diags = Diags::buffered();
                let _ = file2alias::handle_with(
                    target,
                    b"fuzz",
                    &symname,
                    &table,
                    &mut aliases,
                    &mut diags,
                    |_| Ok(&offsets),
                );
            }
        }
    }
}

/// What separates the two files of the [`modversions`] input: the `.cmd` text before it, the
/// Module.symvers text after it.
pub const MODVERSIONS_SPLIT: &[u8] = b"\0Module.symvers\0";

/// The MODVERSIONS path of modpost (`-m`): the CRCs of a module's own exports from the
/// `#SYMVER` lines of its objects' `.cmd` files, the CRCs of other modules' exports from a
/// Module.symvers (`-i`), and the texts that carry them: `SYMBOL_CRC()` lines and the
/// `__versions` table of `*.mod.c`, `.vmlinux.export.c`, the symvers output.
///
/// The input is a `.cmd` file, then [`MODVERSIONS_SPLIT`] and a Module.symvers file (without
/// the separator, all of it is the `.cmd` file). The symvers text is read first, as `-i` is
/// (if it is refused, the run goes on without it). Then a module that exports every name the
/// `.cmd` file has a `#SYMVER` line for, plus one name it has none for, is scanned with `-m`:
/// the CRC reader ([`scan::read_crcs_with`]) reads `<module>.mod` (or `.vmlinux.objs`),
/// which lists one object, and that object's `.cmd` file, both from memory. Once as
/// `fuzz/exporter` and once as vmlinux. Then a 64-bit and a 32-bit module (whose `.cmd` files
/// are empty) import every export known and one undefined name; `check_exports` resolves them
/// with their CRCs, and every output text is written (to memory).
pub fn modversions(data: &[u8]) {
    let (cmd, symvers) = match sources::find(data, MODVERSIONS_SPLIT) {
        Some(at) => (&data[..at], &data[at + MODVERSIONS_SPLIT.len()..]),
        None => (data, &[][..]),
    };
    let opts = scan::ScanOptions {
        module_enabled: true,
        modversions: true,
        ..Default::default()
    };
    let mut exported: Vec<Vec<u8>> = Vec::new();
    let mut seen = HashSet::new();
    for (name, _) in sources::parse_symver_lines(sources::c_str(cmd)) {
        if seen.insert(name.clone()) {
            exported.push(name);
        }
    }
    exported.push(b"fuzz_export_without_crc".to_vec());

    for exporter in [&b"fuzz/exporter"[..], b"vmlinux"] {
        let mut db = symbols::SymbolDb::new(false);
        let mut diags = Diags::buffered();
        if db.read_dump_bytes(symvers, &mut diags).is_err() {
            db = symbols::SymbolDb::new(false);
        }
        let mut s = scan::ModuleScan {
            diags: Diags::buffered(),
            ..Default::default()
        };
        for (i, name) in exported.iter().enumerate() {
            s.export(scan::ExportDecl {
                name: name.clone(),
                is_gpl_only: i % 2 == 1,
                namespace: Vec::new(),
                is_func: i % 3 != 2,
            });
        }
        let module = scan::ScannedModule {
            name: exporter.to_vec(),
            is_64: true,
            is_gpl_compatible: true,
            ..Default::default()
        };
        s.fatal =
            scan::read_crcs_with(exporter, module, &opts, &mut s, crcs_from_memory(cmd)).is_err();
        if db.merge_scan(s, &mut diags).is_err() {
            continue;
        }
        let mut imported: Vec<scan::UnresolvedDecl> = db
            .exports
            .iter()
            .map(|e| scan::UnresolvedDecl {
                name: e.name.clone(),
                weak: false,
            })
            .collect();
        imported.push(scan::UnresolvedDecl {
            name: b"fuzz_undefined".to_vec(),
            weak: false,
        });
        for (importer, is_64) in [(&b"fuzz/importer64"[..], true), (b"fuzz/importer32", false)] {
            let mut s = scan::ModuleScan {
                diags: Diags::buffered(),
                ..Default::default()
            };
            let module = scan::ScannedModule {
                name: importer.to_vec(),
                is_64,
                is_gpl_compatible: true,
                unresolved: imported.clone(),
                ..Default::default()
            };
            s.fatal = scan::read_crcs_with(importer, module, &opts, &mut s, crcs_from_memory(b""))
                .is_err();
            if db.merge_scan(s, &mut diags).is_err() {
                break;
            }
        }
        db.check_modules(&symbols::CheckOptions::default(), &mut diags);
        write_all(&db, &mut diags);
    }
}

/// The `#SYMVER` reader of [`scan::read_crcs_with`] on files in memory: every object list
/// (`<module>.mod`, `.vmlinux.objs`) names the module's one object, and every `.cmd` file is
/// `cmd`.
fn crcs_from_memory(
    cmd: &[u8],
) -> impl FnOnce(&[u8], bool, &mut Diags) -> crate::diag::Result<sources::Crcs> + '_ {
    move |name, is_vmlinux, diags| {
        let list = [name, b".o\n"].concat();
        sources::read_module_crcs_with(
            name,
            is_vmlinux,
            &mut |path: &[u8], _: &mut Diags| {
                Ok(if path.ends_with(b".cmd") {
                    cmd.to_vec()
                } else {
                    list.clone()
                })
            },
            diags,
        )
    }
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
