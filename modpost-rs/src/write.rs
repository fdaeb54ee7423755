//! Phase 3, write outputs: `<module>.mod.c`, `.vmlinux.export.c`, the symvers dump and the
//! nsdeps file (C: `write_mod_c_file` and friends).
//!
//! Text is generated as C does, one `buf_printf()` piece at a time: a single piece of 500 bytes
//! or more is fatal in C, and so here. Files are written through a temporary file and a rename,
//! so an interrupted run never leaves a torn output; `write_if_changed` leaves an identical file
//! (and its mtime) alone. Once any error has been reported, nothing more is written.

use crate::diag::cat;
use crate::diag::Diags;
use crate::diag::Result;
use crate::symbols::Module;
use crate::symbols::SymbolDb;
use std::io::Write;
use std::os::unix::ffi::OsStrExt;

/// C's `SZ`: the largest single `buf_printf()` piece is `SZ - 1` bytes.
const SZ: usize = 500;

/// C's `struct buffer` with `buf_printf()`/`buf_write()`.
#[derive(Debug, Default)]
pub(crate) struct CBuf {
    pub(crate) bytes: Vec<u8>,
}

impl CBuf {
    /// One `buf_printf()` call.
    pub(crate) fn printf(&mut self, piece: impl AsRef<[u8]>, diags: &mut Diags) -> Result<()> {
        let b = piece.as_ref();
        if b.len() >= SZ {
            return Err(diags.fatal(cat!(
                "buf_printf output truncated for string ",
                b.get(..SZ - 1).unwrap_or(b),
                ": ",
                b.len() + 1,
                " bytes needed, ",
                SZ,
                " available\n"
            )));
        }
        self.bytes.extend_from_slice(b);
        Ok(())
    }

    /// `buf_write()`: no length limit.
    pub(crate) fn write(&mut self, s: &[u8]) {
        self.bytes.extend_from_slice(s);
    }
}

/// C's `%08x`, as a [`cat!`] piece (no temporary string in the per-line hot path).
struct Hex08(u32);

impl crate::diag::Piece for Hex08 {
    fn put(&self, out: &mut Vec<u8>) {
        let _ = write!(out, "{:08x}", self.0);
    }
}

/// C's `%#8x`: `0x`-prefixed hex right-aligned in 8 columns, but a bare `0` for zero.
pub(crate) fn c_alt_hex8(v: u32) -> String {
    if v == 0 {
        format!("{:>8}", "0")
    } else {
        format!("{:>8}", format!("0x{v:x}"))
    }
}

/// What the writers need from the command line.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct WriteOptions {
    /// `-e`: no `MODULE_INFO(intree, "Y")`.
    pub(crate) external_module: bool,
    /// `-m`: CRC tables.
    pub(crate) modversions: bool,
    /// `-t`: leave out unused exports.
    pub(crate) trim_unused_exports: bool,
}

fn add_header(b: &mut CBuf, m: &Module, opts: &WriteOptions, d: &mut Diags) -> Result<()> {
    for line in [
        "#include <linux/module.h>\n",
        "#include <linux/export-internal.h>\n",
        "#include <linux/compiler.h>\n",
        "\n",
        "MODULE_INFO(name, KBUILD_MODNAME);\n",
        "\n",
        "__visible struct module __this_module\n",
        "__section(\".gnu.linkonce.this_module\") = {\n",
        "\t.name = KBUILD_MODNAME,\n",
    ] {
        b.printf(line, d)?;
    }
    if m.has_init {
        b.printf("\t.init = init_module,\n", d)?;
    }
    if m.has_cleanup {
        b.printf(
            "#ifdef CONFIG_MODULE_UNLOAD\n\t.exit = cleanup_module,\n#endif\n",
            d,
        )?;
    }
    b.printf("\t.arch = MODULE_ARCH_INIT,\n", d)?;
    b.printf("};\n", d)?;
    if !opts.external_module {
        b.printf("\nMODULE_INFO(intree, \"Y\");\n", d)?;
    }
    if m.name.starts_with(b"drivers/staging") {
        b.printf("\nMODULE_INFO(staging, \"Y\");\n", d)?;
    }
    if m.name.starts_with(b"tools/testing") {
        b.printf("\nMODULE_INFO(test, \"Y\");\n", d)?;
    }
    Ok(())
}

fn add_exported_symbols(
    b: &mut CBuf,
    db: &SymbolDb,
    m: &Module,
    opts: &WriteOptions,
    d: &mut Diags,
) -> Result<()> {
    b.printf("\n", d)?;
    let exports = m
        .exported
        .iter()
        .map(|id| &db.exports[id.0])
        .filter(|e| !opts.trim_unused_exports || e.used);
    for e in exports.clone() {
        b.printf(
            cat!(
                "KSYMTAB_",
                if e.is_func { "FUNC" } else { "DATA" },
                "(",
                e.name,
                ", \"",
                if e.is_gpl_only { "_gpl" } else { "" },
                "\", \"",
                e.namespace,
                "\");\n"
            ),
            d,
        )?;
    }
    if !opts.modversions {
        return Ok(());
    }
    b.printf("\n", d)?;
    for e in exports {
        if e.crc.is_none() {
            d.warn(cat!(
                "EXPORT symbol \"",
                e.name,
                "\" [",
                m.name,
                if m.is_vmlinux { "" } else { ".ko" },
                "] version generation failed, symbol will not be versioned.\n\
                 Is \"",
                e.name,
                "\" prototyped in <asm/asm-prototypes.h>?\n"
            ));
        }
        b.printf(
            cat!(
                "SYMBOL_CRC(",
                e.name,
                ", 0x",
                Hex08(e.crc.unwrap_or(0)),
                ", \"",
                if e.is_gpl_only { "_gpl" } else { "" },
                "\");\n"
            ),
            d,
        )?;
    }
    Ok(())
}

fn add_versions(b: &mut CBuf, m: &Module, opts: &WriteOptions, d: &mut Diags) -> Result<()> {
    if !opts.modversions {
        return Ok(());
    }
    b.printf("\n", d)?;
    b.printf("static const struct modversion_info ____versions[]\n", d)?;
    b.printf("__used __section(\"__versions\") = {\n", d)?;
    let module_name_len = if m.is_64 { 56 } else { 60 };
    for u in &m.unresolved {
        if u.module.is_none() {
            continue;
        }
        let Some(crc) = u.crc else {
            d.warn(cat!("\"", u.name, "\" [", m.name, ".ko] has no CRC!\n"));
            continue;
        };
        if u.name.len() >= module_name_len {
            d.error(cat!("too long symbol \"", u.name, "\" [", m.name, ".ko]\n"));
            break;
        }
        b.printf(cat!("\t{ ", c_alt_hex8(crc), ", \"", u.name, "\" },\n"), d)?;
    }
    b.printf("};\n", d)
}

fn add_depends(b: &mut CBuf, db: &SymbolDb, m: &Module, d: &mut Diags) -> Result<()> {
    // C's per-module `seen` flag: vmlinux counts as already seen.
    let mut seen = vec![false; db.modules.len()];
    for u in &m.unresolved {
        if let Some(owner) = u.module {
            seen[owner.0] = db.modules[owner.0].is_vmlinux;
        }
    }
    b.printf("\n", d)?;
    b.printf("MODULE_INFO(depends, \"", d)?;
    let mut first = true;
    for u in &m.unresolved {
        let Some(owner) = u.module else { continue };
        if seen[owner.0] {
            continue;
        }
        seen[owner.0] = true;
        let name = &db.modules[owner.0].name;
        b.printf(cat!(if first { "" } else { "," }, basename(name)), d)?;
        first = false;
    }
    b.printf("\");\n", d)
}

/// The part of a module name after its last `/` (C: `strrchr(name, '/')`).
pub(crate) fn basename(name: &[u8]) -> &[u8] {
    name.rsplit(|&b| b == b'/').next().unwrap_or(name)
}

/// Generate the text of `<module>.mod.c`; messages go to `d` (buffered per module).
pub(crate) fn gen_mod_c(
    db: &SymbolDb,
    m: &Module,
    opts: &WriteOptions,
    d: &mut Diags,
) -> Result<CBuf> {
    let mut b = CBuf::default();
    add_header(&mut b, m, opts, d)?;
    add_exported_symbols(&mut b, db, m, opts, d)?;
    add_versions(&mut b, m, opts, d)?;
    add_depends(&mut b, db, m, d)?;
    // add_moddevtable(): a newline, then the buffered aliases without a length limit.
    b.printf("\n", d)?;
    b.write(&m.dev_table_buf);
    if let Some(v) = &m.srcversion {
        b.printf("\n", d)?;
        b.printf(cat!("MODULE_INFO(srcversion, \"", v, "\");\n"), d)?;
    }
    Ok(b)
}

/// Generate `.vmlinux.export.c`.
pub(crate) fn gen_vmlinux_export_c(
    db: &SymbolDb,
    m: &Module,
    opts: &WriteOptions,
    d: &mut Diags,
) -> Result<CBuf> {
    let mut b = CBuf::default();
    b.printf("#include <linux/export-internal.h>\n", d)?;
    add_exported_symbols(&mut b, db, m, opts, d)?;
    Ok(b)
}

/// The symvers dump (`-o`).
pub(crate) fn gen_dump(db: &SymbolDb, opts: &WriteOptions, d: &mut Diags) -> Result<CBuf> {
    let mut b = CBuf::default();
    for m in db.modules.iter().filter(|m| !m.from_dump) {
        for e in m.exported.iter().map(|id| &db.exports[id.0]) {
            if opts.trim_unused_exports && !e.used {
                continue;
            }
            b.printf(
                cat!(
                    "0x",
                    Hex08(e.crc.unwrap_or(0)),
                    "\t",
                    e.name,
                    "\t",
                    m.name,
                    "\tEXPORT_SYMBOL",
                    if e.is_gpl_only { "_GPL" } else { "" },
                    "\t",
                    e.namespace,
                    "\n"
                ),
                d,
            )?;
        }
    }
    Ok(b)
}

/// The nsdeps file (`-d`).
pub(crate) fn gen_nsdeps(db: &SymbolDb, d: &mut Diags) -> Result<CBuf> {
    let mut b = CBuf::default();
    for m in db
        .modules
        .iter()
        .filter(|m| !m.from_dump && !m.missing_namespaces.is_empty())
    {
        b.printf(cat!(m.name, ".ko:"), d)?;
        for ns in &m.missing_namespaces {
            b.printf(cat!(" ", ns), d)?;
        }
        b.printf("\n", d)?;
    }
    Ok(b)
}

/// C's `write_buf()`: skipped once an error occurred; written atomically.
pub(crate) fn write_buf(b: &CBuf, fname: &[u8], d: &mut Diags) -> Result<()> {
    if crate::diag::error_occurred() {
        return Ok(());
    }
    write_atomically(fname, &b.bytes).map_err(|e| d.perror_fatal(fname, &e))
}

/// C's `write_if_changed()`: an identical file is left untouched.
pub(crate) fn write_if_changed(b: &CBuf, fname: &[u8], d: &mut Diags) -> Result<()> {
    if let Ok(old) = std::fs::read(std::ffi::OsStr::from_bytes(fname)) {
        if old == b.bytes {
            return Ok(());
        }
    }
    write_buf(b, fname, d)
}

/// Write `bytes` to `path` atomically (kpaths::fs::write_atomically). `path` is raw bytes
/// (C's `char *`): a non-UTF-8 name is used as it is.
pub(crate) fn write_atomically(path: &[u8], bytes: &[u8]) -> std::io::Result<()> {
    kpaths::fs::write_atomically(
        std::path::Path::new(std::ffi::OsStr::from_bytes(path)),
        bytes,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alt_hex_matches_printf() {
        assert_eq!(c_alt_hex8(0), "       0");
        assert_eq!(c_alt_hex8(0x1), "     0x1");
        assert_eq!(c_alt_hex8(0x69dd3b5b), "0x69dd3b5b");
    }

    #[test]
    fn oversized_piece_is_fatal() {
        let mut d = Diags::buffered();
        let mut b = CBuf::default();
        assert!(b.printf("x".repeat(499), &mut d).is_ok());
        assert!(b.printf("x".repeat(500), &mut d).is_err());
    }

    #[test]
    fn oversized_piece_message_keeps_raw_bytes() {
        let mut d = Diags::buffered();
        let mut b = CBuf::default();
        let piece = [0xffu8; 600];
        assert!(b.printf(piece, &mut d).is_err());
        let mut want = b"ERROR: modpost: buf_printf output truncated for string ".to_vec();
        want.extend_from_slice(&[0xff; 499]);
        want.extend_from_slice(b": 601 bytes needed, 500 available\n");
        assert_eq!(d.rendered_bytes(), want);
    }

    #[test]
    fn atomic_write_uses_the_raw_name() {
        let dir = std::env::temp_dir().join(format!("modpost-rs-write-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let mut path = dir.as_os_str().as_bytes().to_vec();
        path.extend_from_slice(b"/caf\xe9.mod.c");
        write_atomically(&path, b"x").unwrap();
        assert_eq!(
            std::fs::read(std::ffi::OsStr::from_bytes(&path)).unwrap(),
            b"x"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
