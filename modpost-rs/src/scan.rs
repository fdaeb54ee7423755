//! Phase 1, read inputs: scan one object file (C: `read_symbols()`).
//!
//! Objects are independent, so they are scanned in parallel. A scan never touches the global
//! symbol table: it records what C would have done to it (exports, in order, interleaved with
//! the messages around them) and the merge phase ([`crate::symbols`]) replays that in module-list
//! order, so stderr and every table come out as C's sequential loop makes them.

use crate::diag::cat;
use crate::diag::Diags;
use crate::diag::Fatal;
use crate::diag::Result;
use crate::elf;
use crate::elf::ElfObject;
use crate::file2alias;
use crate::section_check;
use crate::sources;
use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

const STB_GLOBAL: u8 = 1;
const STB_WEAK: u8 = 2;
const STT_OBJECT: u8 = 1;
const STT_SPARC_REGISTER: u8 = 13;
const SHT_NOBITS: u32 = 8;
const EM_SPARC: u16 = 2;
const EM_PPC: u16 = 20;
const EM_PPC64: u16 = 21;
const EM_SPARCV9: u16 = 43;

/// The flags that change how an object is read.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct ScanOptions {
    /// `-M`: collect exports from `.export_symbol`.
    pub(crate) module_enabled: bool,
    /// `-m`: add `module_layout` and read `#SYMVER` CRCs.
    pub(crate) modversions: bool,
    /// `-a`: srcversion for every module.
    pub(crate) all_versions: bool,
    /// `-W`: warn about a missing MODULE_DESCRIPTION().
    pub(crate) extra_warn: bool,
    /// `-n`: an unreadable object is reported and skipped.
    pub(crate) ignore_missing_files: bool,
}

/// One `EXPORT_SYMBOL*` found in `.export_symbol`.
#[derive(Debug, Clone)]
pub(crate) struct ExportDecl {
    /// The symbol name, as raw bytes.
    pub(crate) name: Vec<u8>,
    /// EXPORT_SYMBOL_GPL.
    pub(crate) is_gpl_only: bool,
    /// Namespace string ("" for none).
    pub(crate) namespace: Vec<u8>,
    /// STT_FUNC (KSYMTAB_FUNC rather than KSYMTAB_DATA).
    pub(crate) is_func: bool,
}

/// An undefined symbol the module needs.
#[derive(Debug, Clone)]
pub(crate) struct UnresolvedDecl {
    /// The symbol name, as raw bytes.
    pub(crate) name: Vec<u8>,
    /// STB_WEAK: never reported when missing.
    pub(crate) weak: bool,
}

/// Everything C's `read_symbols()` produces for one object.
#[derive(Debug, Default)]
pub(crate) struct ModuleScan {
    /// Messages in emission order (buffered).
    pub(crate) diags: Diags,
    /// Whether C would have created a `struct module` (it does not for skipped files).
    pub(crate) module: Option<ScannedModule>,
    /// A fatal error ended the scan after the buffered messages.
    pub(crate) fatal: bool,
    /// Section mismatches counted (reported ones only).
    pub(crate) sec_mismatch_count: u32,
    /// Exports with the number of messages emitted before each, for ordered replay.
    pub(crate) exports: Vec<(usize, ExportDecl)>,
}

/// The module-level facts of a scanned object.
#[derive(Debug, Default)]
pub(crate) struct ScannedModule {
    /// Path without `.o`, e.g. `fs/fat/fat`, as raw bytes.
    pub(crate) name: Vec<u8>,
    /// ELFCLASS64 (MODULE_NAME_LEN is 64 - sizeof(Elf_Addr)).
    pub(crate) is_64: bool,
    pub(crate) has_init: bool,
    pub(crate) has_cleanup: bool,
    pub(crate) is_gpl_compatible: bool,
    /// `import_ns=` tags, de-duplicated, in order.
    pub(crate) imported_namespaces: Vec<Vec<u8>>,
    /// Undefined symbols in symtab order (`module_layout` last with -m).
    pub(crate) unresolved: Vec<UnresolvedDecl>,
    /// `MODULE_ALIAS(...)` lines from device tables.
    pub(crate) dev_table_buf: Vec<u8>,
    /// srcversion, when computed.
    pub(crate) srcversion: Option<String>,
    /// `#SYMVER` pairs from the objects' `.cmd` files.
    pub(crate) crcs: Vec<(Vec<u8>, u32)>,
}

impl ModuleScan {
    pub(crate) fn export(&mut self, decl: ExportDecl) {
        self.exports.push((self.diags.len(), decl));
    }
}

/// Licences that make a module GPL-compatible (include/linux/license.h).
fn license_is_gpl_compatible(license: &[u8]) -> bool {
    matches!(
        license,
        b"GPL"
            | b"GPL v2"
            | b"GPL and additional rights"
            | b"Dual BSD/GPL"
            | b"Dual MIT/GPL"
            | b"Dual MPL/GPL"
    )
}

/// Iterator over `.modinfo` values for `tag`, with C's `next_string()` arithmetic.
fn modinfo_values<'a>(modinfo: Option<&'a [u8]>, tag: &str) -> Vec<&'a [u8]> {
    let Some(info) = modinfo else {
        return Vec::new();
    };
    let byte = |i: usize| info.get(i).copied().unwrap_or(0);
    let tag = tag.as_bytes();
    let mut out = Vec::new();
    // `size` counts down as C's `*secsize` does; a string is examined while size > 0.
    let mut pos = 0usize;
    let mut size = info.len() as i64;
    loop {
        let s = elf::c_str_at(info, pos as u64);
        if s.len() > tag.len() && &s[..tag.len()] == tag && s[tag.len()] == b'=' {
            out.push(&s[tag.len() + 1..]);
            // get_next_modinfo(prev): size -= prev - modinfo, then next_string(prev).
            let value_pos = pos + tag.len() + 1;
            size = info.len() as i64 - value_pos as i64;
            pos = value_pos;
        }
        // next_string(): skip non-NUL bytes, then NUL padding, stopping when size runs out.
        let mut end = false;
        while byte(pos) != 0 {
            pos += 1;
            let old = size;
            size -= 1;
            if old <= 1 {
                end = true;
                break;
            }
        }
        if !end {
            while byte(pos) == 0 {
                pos += 1;
                let old = size;
                size -= 1;
                if old <= 1 {
                    end = true;
                    break;
                }
            }
        }
        if end {
            break;
        }
    }
    out
}

/// Open and map `path` the way C's `grab_file()` does, reproducing its errno for the cases
/// where mmap fails on a file that opened fine (empty file: EINVAL, directory: ENODEV).
#[allow(unsafe_code)] // the one mmap of the drop-in; justified below
fn grab_file(path: &[u8]) -> std::io::Result<memmap2::Mmap> {
    let file = std::fs::File::open(OsStr::from_bytes(path))?;
    let meta = file.metadata()?;
    if meta.is_dir() {
        // open(O_RDONLY) on a directory succeeds; mmap() then fails with ENODEV.
        return Err(std::io::Error::from_raw_os_error(libc::ENODEV));
    }
    if meta.len() == 0 {
        return Err(std::io::Error::from_raw_os_error(libc::EINVAL));
    }
    // SAFETY: the mapping is read-only and private to this process. Kbuild does not rewrite an
    // object while modpost runs on it (make orders the steps); like the C tool, we accept that a
    // concurrent truncation would be a fault rather than an error.
    unsafe { memmap2::Mmap::map(&file) }
}

/// Scan one object named on the command line or in the `-T` list.
/// `path` is raw bytes, as C's `char *`: names that are not UTF-8 work and print unchanged.
pub(crate) fn scan_object(path: &[u8], opts: &ScanOptions) -> ModuleScan {
    let mut scan = ModuleScan {
        diags: Diags::buffered(),
        ..Default::default()
    };
    if let Err(Fatal) = scan_into(path, opts, &mut scan) {
        scan.fatal = true;
    }
    scan
}

fn scan_into(path: &[u8], opts: &ScanOptions, scan: &mut ModuleScan) -> Result<()> {
    let Some(name) = path.strip_suffix(b".o") else {
        scan.diags
            .error(cat!(path, ": filename must be suffixed with .o\n"));
        return Ok(());
    };
    let data = match grab_file(path) {
        Ok(d) => d,
        Err(e) if opts.ignore_missing_files => {
            scan.diags
                .raw(cat!(path, ": ", crate::diag::strerror(&e), " (ignored)\n"));
            return Ok(());
        }
        Err(e) => return Err(scan.diags.perror_fatal(path, &e)),
    };
    let module = scan_data(path, name, &data, opts, scan)?;
    // The object is unmapped before its CRCs are read (scans run in parallel; keep the peak low).
    drop(data);
    match module {
        Some(module) => read_crcs(name, module, opts, scan),
        None => Ok(()),
    }
}

/// [`scan_object`] past `grab_file()` and up to the CRCs: the object's bytes `data`, read from
/// `path` (`name` is `path` without `.o`). `None` for a file that is not ELF (skipped, as in C).
/// The fuzz target of the object scan starts here.
pub(crate) fn scan_data(
    path: &[u8],
    name: &[u8],
    data: &[u8],
    opts: &ScanOptions,
    scan: &mut ModuleScan,
) -> Result<Option<ScannedModule>> {
    let mut elf = match elf::parse(data, path, &mut scan.diags)? {
        elf::Parsed::NotElf => return Ok(None),
        elf::Parsed::Object(o) => o,
    };
    let is_vmlinux = name == b"vmlinux";
    let mut module = ScannedModule {
        name: name.to_vec(),
        is_64: elf.is_64,
        is_gpl_compatible: true,
        ..Default::default()
    };
    if !is_vmlinux {
        let licenses = modinfo_values(elf.modinfo, "license");
        if licenses.is_empty() {
            scan.diags
                .error(cat!("missing MODULE_LICENSE() in ", path, "\n"));
        }
        if licenses.iter().any(|l| !license_is_gpl_compatible(l)) {
            module.is_gpl_compatible = false;
        }
        for ns in modinfo_values(elf.modinfo, "import_ns") {
            if !ns.is_empty() && !module.imported_namespaces.iter().any(|i| i == ns) {
                module.imported_namespaces.push(ns.to_vec());
            }
        }
        if opts.extra_warn && modinfo_values(elf.modinfo, "description").is_empty() {
            scan.diags
                .warn(cat!("missing MODULE_DESCRIPTION() in ", path, "\n"));
        }
    }
    read_symtab(&mut elf, name, &mut module, scan)?;
    let ctx = section_check::CheckContext {
        elf: &elf,
        search: std::cell::OnceCell::new(),
        modname: name,
        module_enabled: opts.module_enabled,
    };
    section_check::check_sec_ref(&ctx, scan)?;
    if !is_vmlinux && (!modinfo_values(elf.modinfo, "version").is_empty() || opts.all_versions) {
        module.srcversion = sources::get_src_version(name, &mut scan.diags)?;
    }
    Ok(Some(module))
}

/// The last step of the scan: the module's CRCs (with modversions), from its `.cmd` file. The
/// module exists from here on even if reading its CRCs fails fatally.
pub(crate) fn read_crcs(
    name: &[u8],
    module: ScannedModule,
    opts: &ScanOptions,
    scan: &mut ModuleScan,
) -> Result<()> {
    read_crcs_with(name, module, opts, scan, sources::read_module_crcs)
}

/// [`read_crcs`] with the reader of the `#SYMVER` pairs given (the fuzz target's reads from
/// memory).
pub(crate) fn read_crcs_with(
    name: &[u8],
    mut module: ScannedModule,
    opts: &ScanOptions,
    scan: &mut ModuleScan,
    read_module_crcs: impl FnOnce(&[u8], bool, &mut Diags) -> Result<sources::Crcs>,
) -> Result<()> {
    let is_vmlinux = name == b"vmlinux";
    let result = if opts.modversions {
        module.unresolved.push(UnresolvedDecl {
            name: b"module_layout".to_vec(),
            weak: false,
        });
        read_module_crcs(name, is_vmlinux, &mut scan.diags).map(|crcs| module.crcs = crcs)
    } else {
        Ok(())
    };
    scan.module = Some(module);
    result
}

/// The symtab loop of `read_symbols()`: remove_dot, handle_symbol, handle_moddevtable.
fn read_symtab(
    elf: &mut ElfObject,
    name: &[u8],
    module: &mut ScannedModule,
    scan: &mut ModuleScan,
) -> Result<()> {
    for i in 0..elf.symbols.len() {
        elf.remove_dot(i);
        let sym = elf.symbols[i];
        let symname = elf.sym_name(&sym).to_vec();
        match sym.st_shndx {
            elf::SHN_COMMON => {
                if !symname.starts_with(b"__gnu_lto_") {
                    scan.diags
                        .warn(cat!("\"", symname, "\" [", name, "] is COMMON symbol\n"));
                }
            }
            elf::SHN_UNDEF => {
                if sym.bind() != STB_GLOBAL && sym.bind() != STB_WEAK {
                    continue;
                }
                if ignore_undef_symbol(elf.machine, &symname) {
                    continue;
                }
                let mut uname = symname.clone();
                if elf.machine == EM_SPARC || elf.machine == EM_SPARCV9 {
                    if sym.kind() == STT_SPARC_REGISTER {
                        continue;
                    }
                    if uname.first() == Some(&b'.') {
                        uname[0] = b'_';
                        if let Some(c) = uname.get_mut(1) {
                            *c = c.to_ascii_uppercase();
                        }
                    }
                }
                module.unresolved.push(UnresolvedDecl {
                    name: uname,
                    weak: sym.bind() == STB_WEAK,
                });
                continue;
            }
            _ => {
                if symname == b"init_module" {
                    module.has_init = true;
                }
                if symname == b"cleanup_module" {
                    module.has_cleanup = true;
                }
            }
        }
        // handle_moddevtable(): only section-relative objects named like a device table.
        if sym.st_shndx == 0
            || sym.secindex as usize >= elf.sections.len()
            || sym.kind() != STT_OBJECT
            || !symname.starts_with(b"__mod_")
            || !symname.ends_with(b"_device_table")
        {
            continue;
        }
        let sec = &elf.sections[sym.secindex as usize];
        let mut table = if sec.sh_type & SHT_NOBITS != 0 {
            // C tests the type bitwise, so any type with bit 3 set reads as zeros.
            vec![0u8; sym.st_size as usize]
        } else {
            let start = sec.sh_offset.checked_add(sym.st_value);
            let end = start.and_then(|s| s.checked_add(sym.st_size));
            match (start, end) {
                (Some(s), Some(e)) if e <= elf.data.len() as u64 => {
                    elf.data[s as usize..e as usize].to_vec()
                }
                _ => {
                    return Err(scan.diags.fatal(cat!(
                        elf.filename,
                        ": device table '",
                        symname,
                        format!("' (offset {:#x}, size ", sym.st_value),
                        sym.st_size,
                        ") lies outside the file\n"
                    )))
                }
            }
        };
        let target = file2alias::DevTableTarget {
            is_64: elf.is_64,
            big_endian: elf.big_endian,
        };
        file2alias::handle_moddevtable(
            target,
            name,
            &symname,
            &mut table,
            &mut module.dev_table_buf,
            &mut scan.diags,
        )?;
    }
    Ok(())
}

/// `ignore_undef_symbol()`.
fn ignore_undef_symbol(machine: u16, name: &[u8]) -> bool {
    if name == b"__this_module" || name == b"_GLOBAL_OFFSET_TABLE_" {
        return true;
    }
    let starts = |prefixes: &[&str]| prefixes.iter().any(|p| name.starts_with(p.as_bytes()));
    if machine == EM_PPC
        && starts(&[
            "_restgpr_",
            "_savegpr_",
            "_rest32gpr_",
            "_save32gpr_",
            "_restvr_",
            "_savevr_",
        ])
    {
        return true;
    }
    if machine == EM_PPC64
        && (starts(&[
            "_restgpr0_",
            "_savegpr0_",
            "_restgpr1_",
            "_savegpr1_",
            "_restfpr_",
            "_savefpr_",
            "_restvr_",
            "_savevr_",
        ]) || name == b".TOC.")
    {
        return true;
    }
    false
}

/// Does `path` exist as a regular file? (Used by callers that probe optional inputs.)
#[allow(dead_code)]
pub(crate) fn is_file(path: &[u8]) -> bool {
    Path::new(OsStr::from_bytes(path)).is_file()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modinfo_iteration_matches_c() {
        let info = b"license=GPL\0\0\0import_ns=A\0import_ns=B\0description=x\0";
        assert_eq!(modinfo_values(Some(info), "license"), vec![&b"GPL"[..]]);
        assert_eq!(
            modinfo_values(Some(info), "import_ns"),
            vec![&b"A"[..], &b"B"[..]]
        );
        assert!(modinfo_values(Some(info), "version").is_empty());
        assert!(modinfo_values(None, "license").is_empty());
        // A tag must be followed by '='.
        assert!(modinfo_values(Some(b"licenseX=1\0"), "license").is_empty());
    }
}
