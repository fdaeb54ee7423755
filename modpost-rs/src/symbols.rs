//! Phase 2, the symbol database: modules in list order, exports by name, and the checks that
//! need all of them (C: `sym_add_exported`, `read_dump`, `check_exports`, `check_modname_len`,
//! the `-u` whitelist).
//!
//! C keeps exports in a hash table whose buckets are pushed at the front, so a lookup by name
//! returns the most recent export; [`SymbolDb::find_symbol`] returns the last one added.

use crate::diag::cat;
use crate::diag::Diags;
use crate::diag::Result;
use crate::scan::ExportDecl;
use crate::scan::ModuleScan;
use crate::scan::ScannedModule;
use crate::write::basename;
use std::collections::HashMap;
use std::os::unix::ffi::OsStrExt;

/// Index of a module in [`SymbolDb::modules`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ModuleId(pub(crate) usize);

/// Index of an export in [`SymbolDb::exports`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ExportId(pub(crate) usize);

/// C's `struct module`.
#[derive(Debug, Default)]
pub(crate) struct Module {
    /// Path without `.o` (or the module field of a symvers line), as raw bytes.
    pub(crate) name: Vec<u8>,
    /// Loaded from a `-i` symvers file: never checked or written.
    pub(crate) from_dump: bool,
    /// `name == "vmlinux"`.
    pub(crate) is_vmlinux: bool,
    /// ELFCLASS64; decides MODULE_NAME_LEN (56 or 60).
    pub(crate) is_64: bool,
    pub(crate) has_init: bool,
    pub(crate) has_cleanup: bool,
    pub(crate) is_gpl_compatible: bool,
    /// Exports in relocation order.
    pub(crate) exported: Vec<ExportId>,
    /// Undefined symbols in symtab order, `module_layout` last.
    pub(crate) unresolved: Vec<Unresolved>,
    pub(crate) imported_namespaces: Vec<Vec<u8>>,
    /// Namespaces used without an import (for `-d` nsdeps).
    pub(crate) missing_namespaces: Vec<Vec<u8>>,
    pub(crate) dev_table_buf: Vec<u8>,
    pub(crate) srcversion: Option<String>,
}

/// An undefined symbol of a module, resolved by `check_exports`.
#[derive(Debug, Clone)]
pub(crate) struct Unresolved {
    pub(crate) name: Vec<u8>,
    pub(crate) weak: bool,
    /// The module that exports it, once resolved.
    pub(crate) module: Option<ModuleId>,
    /// Its CRC, if the export has one.
    pub(crate) crc: Option<u32>,
}

/// An exported symbol (C's `struct symbol` on a module's `exported_symbols` list).
#[derive(Debug, Clone)]
pub(crate) struct Export {
    pub(crate) name: Vec<u8>,
    pub(crate) module: ModuleId,
    pub(crate) namespace: Vec<u8>,
    pub(crate) crc: Option<u32>,
    pub(crate) is_func: bool,
    pub(crate) is_gpl_only: bool,
    /// Some module uses it, or it is on the `-u` whitelist.
    pub(crate) used: bool,
}

/// C's `MAX_UNRESOLVED_REPORTS`.
const MAX_UNRESOLVED_REPORTS: u32 = 10;

#[derive(Debug, Default)]
pub(crate) struct SymbolDb {
    pub(crate) modules: Vec<Module>,
    pub(crate) exports: Vec<Export>,
    by_name: HashMap<Vec<u8>, Vec<ExportId>>,
    /// `-e`: "exported twice" only against vmlinux or the same module.
    pub(crate) external_module: bool,
    /// Section mismatches reported so far.
    pub(crate) sec_mismatch_count: u32,
    /// Undefined-symbol reports so far, printed or not.
    pub(crate) nr_unresolved: u32,
}

impl SymbolDb {
    pub(crate) fn new(external_module: bool) -> Self {
        SymbolDb {
            external_module,
            ..Default::default()
        }
    }

    fn new_module(&mut self, name: &[u8]) -> ModuleId {
        self.modules.push(Module {
            name: name.to_vec(),
            is_vmlinux: name == b"vmlinux",
            is_gpl_compatible: true,
            ..Default::default()
        });
        ModuleId(self.modules.len() - 1)
    }

    /// `sym_find_with_module()`: the newest export of `name` (one leading `.` ignored), optionally
    /// restricted to one module.
    pub(crate) fn find(&self, name: &[u8], module: Option<ModuleId>) -> Option<ExportId> {
        let name = name.strip_prefix(b".").unwrap_or(name);
        let ids = self.by_name.get(name)?;
        ids.iter()
            .rev()
            .copied()
            .find(|id| module.is_none_or(|m| self.exports[id.0].module == m))
    }

    pub(crate) fn find_symbol(&self, name: &[u8]) -> Option<ExportId> {
        self.find(name, None)
    }

    /// `sym_add_exported()`.
    fn add_export(&mut self, module: ModuleId, decl: ExportDecl, diags: &mut Diags) -> ExportId {
        if let Some(prev) = self.find_symbol(&decl.name) {
            let pm = &self.modules[self.exports[prev.0].module.0];
            if !self.external_module || pm.is_vmlinux || self.exports[prev.0].module == module {
                diags.error(cat!(
                    self.modules[module.0].name,
                    ": '",
                    decl.name,
                    "' exported twice. Previous export was in ",
                    pm.name,
                    if pm.is_vmlinux { "" } else { ".ko" },
                    "\n"
                ));
            }
        }
        let id = ExportId(self.exports.len());
        self.by_name.entry(decl.name.clone()).or_default().push(id);
        self.exports.push(Export {
            name: decl.name,
            module,
            namespace: decl.namespace,
            crc: None,
            is_func: decl.is_func,
            is_gpl_only: decl.is_gpl_only,
            used: false,
        });
        self.modules[module.0].exported.push(id);
        id
    }

    /// `read_dump()`: load a Module.symvers-format file given with `-i`.
    pub(crate) fn read_dump(&mut self, fname: &[u8], diags: &mut Diags) -> Result<()> {
        let buf = match std::fs::read(std::ffi::OsStr::from_bytes(fname)) {
            Ok(b) => b,
            Err(e) => return Err(diags.perror_fatal(fname, &e)),
        };
        self.read_dump_bytes(&buf, diags)
    }

    /// [`SymbolDb::read_dump`] on the file's contents (also the fuzz target's entry).
    pub(crate) fn read_dump_bytes(&mut self, buf: &[u8], diags: &mut Diags) -> Result<()> {
        // read_text_file() stops at the first NUL (the buffer is used as a C string).
        let text = match buf.iter().position(|&b| b == 0) {
            Some(n) => &buf[..n],
            None => buf,
        };
        let mut rest = text;
        while !rest.is_empty() {
            // get_line(): split at '\n'; a last line without '\n' is still a line.
            let (line, next) = match rest.iter().position(|&b| b == b'\n') {
                Some(n) => (&rest[..n], &rest[n + 1..]),
                None => (rest, &rest[rest.len()..]),
            };
            rest = next;
            let mut fields = line.splitn(5, |&b| b == b'\t');
            let (Some(crc), Some(sym), Some(modname), Some(export), Some(ns)) = (
                fields.next(),
                fields.next(),
                fields.next(),
                fields.next(),
                fields.next(),
            ) else {
                return Err(diags.fatal("parse error in symbol dump file\n"));
            };
            let Some(crc) = crate::cnum::strtoul_whole(crc, 16) else {
                return Err(diags.fatal("parse error in symbol dump file\n"));
            };
            if sym.is_empty() || modname.is_empty() {
                return Err(diags.fatal("parse error in symbol dump file\n"));
            }
            let is_gpl_only = match export {
                b"EXPORT_SYMBOL_GPL" => true,
                b"EXPORT_SYMBOL" => false,
                other => {
                    // No newline in C's message: the next message continues this line.
                    diags.error(cat!(sym, ": unknown license ", other, ". skip"));
                    continue;
                }
            };
            let module = match self.modules.iter().position(|m| m.name == modname) {
                Some(i) => ModuleId(i),
                None => {
                    let id = self.new_module(modname);
                    self.modules[id.0].from_dump = true;
                    id
                }
            };
            let decl = ExportDecl {
                name: sym.to_vec(),
                is_gpl_only,
                namespace: ns.to_vec(),
                is_func: false,
            };
            let id = self.add_export(module, decl, diags);
            self.exports[id.0].crc = Some(crc as u32);
        }
        Ok(())
    }

    /// Replay one object's scan in list order: its messages, interleaved with its exports
    /// (whose "exported twice" errors depend on everything before), then attach its CRCs.
    pub(crate) fn merge_scan(&mut self, scan: ModuleScan, diags: &mut Diags) -> Result<()> {
        self.sec_mismatch_count += scan.sec_mismatch_count;
        // The module exists before its first export in C (new_module precedes the symtab loop).
        let module = scan.module.as_ref().map(|m| self.new_module(&m.name));
        let mut exports = scan.exports.into_iter().peekable();
        let mut fatal = false;
        for (i, (level, msg)) in scan.diags.into_messages().into_iter().enumerate() {
            while let Some((_, decl)) = exports.next_if(|(pos, _)| *pos == i) {
                if let Some(m) = module {
                    self.add_export(m, decl, diags);
                }
            }
            fatal |= level == crate::diag::Level::Fatal;
            diags.emit(level, msg);
        }
        for (_, decl) in exports {
            if let Some(m) = module {
                self.add_export(m, decl, diags);
            }
        }
        if let (Some(id), Some(scanned)) = (module, scan.module) {
            self.fill_module(id, scanned);
        }
        if fatal || scan.fatal {
            return Err(crate::diag::Fatal);
        }
        Ok(())
    }

    fn fill_module(&mut self, id: ModuleId, s: ScannedModule) {
        for (name, crc) in &s.crcs {
            // Orphan CRCs (no export of that name in this module) are ignored, as in C.
            if let Some(e) = self.find(name, Some(id)) {
                self.exports[e.0].crc = Some(*crc);
            }
        }
        let m = &mut self.modules[id.0];
        m.is_64 = s.is_64;
        m.has_init = s.has_init;
        m.has_cleanup = s.has_cleanup;
        m.is_gpl_compatible = s.is_gpl_compatible;
        m.imported_namespaces = s.imported_namespaces;
        m.unresolved = s
            .unresolved
            .into_iter()
            .map(|u| Unresolved {
                name: u.name,
                weak: u.weak,
                module: None,
                crc: None,
            })
            .collect();
        m.dev_table_buf = s.dev_table_buf;
        m.srcversion = s.srcversion;
    }

    /// `check_modname_len()` then `check_exports()` for every module read from an object.
    pub(crate) fn check_modules(&mut self, opts: &CheckOptions, diags: &mut Diags) {
        for i in 0..self.modules.len() {
            if self.modules[i].from_dump || self.modules[i].is_vmlinux {
                continue;
            }
            self.check_modname_len(ModuleId(i), diags);
            self.check_exports(ModuleId(i), opts, diags);
        }
    }

    fn check_modname_len(&self, id: ModuleId, diags: &mut Diags) {
        let m = &self.modules[id.0];
        let module_name_len = if m.is_64 { 56 } else { 60 };
        if basename(&m.name).len() >= module_name_len {
            diags.error(cat!("module name is too long [", m.name, ".ko]\n"));
        }
    }

    fn check_exports(&mut self, id: ModuleId, opts: &CheckOptions, diags: &mut Diags) {
        let mut unresolved = std::mem::take(&mut self.modules[id.0].unresolved);
        let mut missing = std::mem::take(&mut self.modules[id.0].missing_namespaces);
        let m = &self.modules[id.0];
        let basename = basename(&m.name);
        for u in unresolved.iter_mut() {
            let Some(exp) = self.find_symbol(&u.name) else {
                if !u.weak {
                    let n = self.nr_unresolved;
                    self.nr_unresolved += 1;
                    if n < MAX_UNRESOLVED_REPORTS {
                        let msg = cat!("\"", u.name, "\" [", m.name, ".ko] undefined!\n");
                        if opts.warn_unresolved {
                            diags.warn(msg);
                        } else {
                            diags.error(msg);
                        }
                    }
                }
                continue;
            };
            let e = &mut self.exports[exp.0];
            if e.module == id {
                diags.error(cat!(
                    "\"",
                    u.name,
                    "\" [",
                    m.name,
                    ".ko] was exported without definition\n"
                ));
                continue;
            }
            e.used = true;
            u.module = Some(e.module);
            u.crc = e.crc;
            if !e.namespace.is_empty() && !m.imported_namespaces.contains(&e.namespace) {
                let msg = cat!(
                    "module ",
                    basename,
                    " uses symbol ",
                    e.name,
                    " from namespace ",
                    e.namespace,
                    ", but does not import it.\n"
                );
                if opts.allow_missing_ns_imports {
                    diags.warn(msg);
                } else {
                    diags.error(msg);
                }
                if !missing.contains(&e.namespace) {
                    missing.push(e.namespace.clone());
                }
            }
            if !m.is_gpl_compatible && e.is_gpl_only {
                diags.error(cat!(
                    "GPL-incompatible module ",
                    basename,
                    ".ko uses GPL-only symbol '",
                    e.name,
                    "'\n"
                ));
            }
        }
        self.modules[id.0].unresolved = unresolved;
        self.modules[id.0].missing_namespaces = missing;
    }

    /// `handle_white_list_exports()`: `-u` marks the listed exports as used.
    pub(crate) fn mark_whitelisted(&mut self, fname: &[u8], diags: &mut Diags) -> Result<()> {
        let buf = match std::fs::read(std::ffi::OsStr::from_bytes(fname)) {
            Ok(b) => b,
            Err(e) => return Err(diags.perror_fatal(fname, &e)),
        };
        self.mark_whitelisted_bytes(&buf);
        Ok(())
    }

    /// [`SymbolDb::mark_whitelisted`] on the file's contents.
    pub(crate) fn mark_whitelisted_bytes(&mut self, buf: &[u8]) {
        let text = match buf.iter().position(|&b| b == 0) {
            Some(n) => &buf[..n],
            None => buf,
        };
        for name in text.split(|&b| b == b'\n') {
            if let Some(id) = self.find_symbol(name) {
                self.exports[id.0].used = true;
            }
        }
    }
}

/// The flags `check_exports` looks at.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct CheckOptions {
    /// `-w`: undefined symbols are warnings.
    pub(crate) warn_unresolved: bool,
    /// `-N`: missing namespace imports are warnings.
    pub(crate) allow_missing_ns_imports: bool,
}
