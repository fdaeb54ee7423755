//! `modpost-rs ko-paths`: write the `.kallsyms_paths` section into final `.ko` files.
//!
//! Two modes:
//! * **emit** (Makefile.modfinal, after the `.ko` is linked and BTF is added): the paths come
//!   from the module's link inputs, the way Makefile.modfinal links them: `<mod>.o` (expanded
//!   to the objects its `<mod>.mod` file lists, in link order), `<mod>.mod.o` and
//!   `<extmod or objtree>/.module-common.o`. Each input's source comes from its `.cmd` file.
//! * **refresh** (`--from <built.ko>`, Makefile.modinst after `strip` and before signing): strip
//!   renumbers the symtab and drops `STT_FILE`, so the installed copy's paths are carried over
//!   from the build-tree `.ko`'s (fresh) section, matching entries by (name, value, binding and
//!   type, section name). An entry that matches two different paths gets none: a bare name is
//!   better than a wrong path.
//!
//! Attribution in emit mode:
//! * A local symbol belongs to the input whose locals it is. `ld -r` copies each input's local
//!   symbols in input order, so the `.ko`'s locals are a subsequence of the concatenated
//!   locals of the inputs. They are matched greedily by name against that sequence; an input's
//!   `STT_FILE` symbol (gcc writes only the basename) is just one more name to match, and
//!   inputs without one (assembly) still match by their other locals. Symbols that `ld`
//!   dropped (discarded sections) are skipped over.
//! * A defined global belongs to the input that defines it (a strong definition beats a weak
//!   one; among equals, the first in link order, as ld resolves them).
//! * A defined global that no input defines was defined by the module linker script
//!   (`__start_alloc_tags`, ...) and gets the script's source, `scripts/module.lds.S`.
//! * Undefined, unnamed and section symbols get no path.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::elf::{ElfFile, SymbolTable, STB_LOCAL, STB_WEAK, STT_SECTION};
use super::srcpath::{self, Trees};
use modpost::kallsyms_paths;

/// Options of one `ko-paths` run.
#[derive(Debug)]
pub(crate) struct KoOptions {
    /// Source/object/external-module trees for path resolution.
    pub(crate) trees: Trees,
    /// Refresh mode: carry paths over from this (build-tree) `.ko`.
    pub(crate) from: Option<PathBuf>,
}

/// What one input object contributes.
#[derive(Debug, Default)]
struct Member {
    /// Path stored for its symbols (`None`: its `.cmd` names no source).
    path: Option<String>,
    /// Its local, named, non-section symbols in symtab order.
    locals: Vec<Vec<u8>>,
    /// Positions in `locals` of each name.
    positions: HashMap<Vec<u8>, Vec<usize>>,
}

/// The globals defined by all inputs: name -> (input index, strong).
type GlobalMap = HashMap<Vec<u8>, (usize, bool)>;

/// Result of processing one module.
#[derive(Debug, Default, PartialEq, Eq, Clone)]
pub(crate) struct KoReport {
    /// Symbols in the symtab.
    pub(crate) symbols: usize,
    /// Symbols that got a path.
    pub(crate) with_path: usize,
    /// Defined, named, non-section symbols left without a path.
    pub(crate) unmatched: Vec<String>,
}

/// The input objects of `ko` as Makefile.modfinal links them.
pub(crate) fn link_inputs(trees: &Trees, ko: &Path) -> Result<Vec<PathBuf>, String> {
    let stem = ko.with_extension("");
    let module_object = stem.with_extension("o");
    let mut inputs = srcpath::members_of(trees, &module_object)?;
    inputs.push(PathBuf::from(format!("{}.mod.o", stem.display())));
    let common = match &trees.extmod {
        Some(dir) => dir.join(".module-common.o"),
        None => PathBuf::from(".module-common.o"),
    };
    inputs.push(common);
    Ok(inputs)
}

fn read_member(
    trees: &Trees,
    object: &Path,
    globals: &mut GlobalMap,
    index: usize,
) -> Result<Member, String> {
    let file = trees.resolve(object);
    let data = std::fs::read(&file)
        .map_err(|e| format!("{}: {}", file.display(), crate::diag::strerror(&e)))?;
    let elf = ElfFile::parse(&data).map_err(|e| format!("{}: {e}", file.display()))?;
    let symtab = elf
        .symtab()
        .map_err(|e| format!("{}: {e}", file.display()))?
        .ok_or_else(|| format!("{}: no symbol table", file.display()))?;
    let mut member = Member {
        path: srcpath::source_of(trees, object)?,
        ..Member::default()
    };
    for sym in &symtab.symbols {
        if sym.name.is_empty() || sym.kind == STT_SECTION {
            continue;
        }
        if sym.bind == STB_LOCAL {
            member
                .positions
                .entry(sym.name.to_vec())
                .or_default()
                .push(member.locals.len());
            member.locals.push(sym.name.to_vec());
        } else if sym.is_defined() {
            let strong = sym.bind != STB_WEAK;
            match globals.get(sym.name) {
                Some(&(_, true)) => {}
                Some(&(_, false)) if !strong => {}
                _ => {
                    globals.insert(sym.name.to_vec(), (index, strong));
                }
            }
        }
    }
    Ok(member)
}

/// Which input each `.ko` symbol comes from.
/// `linker_script` is the input that owns globals no object defines (symbols the module linker
/// script defines, such as `__start_alloc_tags`).
fn attribute(
    symtab: &SymbolTable<'_>,
    members: &[Member],
    globals: &GlobalMap,
    linker_script: Option<usize>,
) -> Vec<Option<usize>> {
    let mut out = Vec::with_capacity(symtab.symbols.len());
    // Next unmatched local: (input, position in its locals).
    let (mut cur_m, mut cur_p) = (0usize, 0usize);
    for sym in &symtab.symbols {
        if sym.name.is_empty() || sym.kind == STT_SECTION || !sym.is_defined() {
            out.push(None);
            continue;
        }
        if sym.bind != STB_LOCAL {
            out.push(globals.get(sym.name).map(|&(m, _)| m).or(linker_script));
            continue;
        }
        let mut found = None;
        for (m, member) in members.iter().enumerate().skip(cur_m) {
            let from = if m == cur_m { cur_p } else { 0 };
            if let Some(&p) = member
                .positions
                .get(sym.name)
                .and_then(|ps| ps.iter().find(|&&p| p >= from))
            {
                found = Some((m, p));
                break;
            }
        }
        match found {
            Some((m, p)) => {
                cur_m = m;
                cur_p = p + 1;
                out.push(Some(m));
            }
            None => out.push(None),
        }
    }
    out
}

/// SHF_ALLOC: a section the loader maps by itself.
const SHF_ALLOC: u64 = 2;

/// Is this a symbol that must have a path for the section to be complete?
pub(crate) fn needs_path(sym: &super::elf::Symbol<'_>) -> bool {
    !sym.name.is_empty()
        && sym.kind != STT_SECTION
        && sym.kind != super::elf::STT_FILE
        && sym.is_defined()
}

/// Compute the per-symbol paths of `ko` (emit mode).
fn paths_from_inputs(
    opts: &KoOptions,
    ko: &Path,
    symtab: &SymbolTable<'_>,
) -> Result<Vec<Option<String>>, String> {
    let inputs = link_inputs(&opts.trees, ko)?;
    let mut globals = GlobalMap::new();
    let mut members = Vec::with_capacity(inputs.len());
    for (i, input) in inputs.iter().enumerate() {
        members.push(read_member(&opts.trees, input, &mut globals, i)?);
    }
    // The module linker script: Makefile.modfinal's ARCH_MODULE_LDS is scripts/module.lds
    // whenever that exists (it is generated for every CONFIG_MODULES build).
    let lds = Path::new("scripts/module.lds");
    let linker_script = match opts.trees.resolve(lds).is_file() {
        true => {
            members.push(Member {
                path: srcpath::source_of(&opts.trees, lds)?,
                ..Member::default()
            });
            Some(members.len() - 1)
        }
        false => None,
    };
    let owners = attribute(symtab, &members, &globals, linker_script);
    Ok(owners
        .into_iter()
        .map(|m| m.and_then(|m| members.get(m)).and_then(|m| m.path.clone()))
        .collect())
}

/// Key that survives `strip`: everything about a symbol but its index and name offset.
type CarryKey = (Vec<u8>, u64, u8, u8, Vec<u8>);

fn carry_key(elf: &ElfFile<'_>, sym: &super::elf::Symbol<'_>) -> CarryKey {
    let section = match sym.section {
        Some(s) => elf
            .section_name(s as usize)
            .map(<[u8]>::to_vec)
            .unwrap_or_default(),
        None => format!("#{}", sym.shndx).into_bytes(),
    };
    (sym.name.to_vec(), sym.value, sym.bind, sym.kind, section)
}

/// Why refresh mode could not use the build-tree module.
enum FromError {
    /// It cannot be read or parsed: an error.
    Fatal(String),
    /// It has no fresh section (built without the tool): nothing to carry over.
    Unusable(String),
}

/// Compute the per-symbol paths of `ko` from the fresh section of `from` (refresh mode).
fn paths_from_built(
    from: &Path,
    elf: &ElfFile<'_>,
    symtab: &SymbolTable<'_>,
) -> Result<Vec<Option<String>>, FromError> {
    let data = std::fs::read(from).map_err(|e| {
        FromError::Fatal(format!("{}: {}", from.display(), crate::diag::strerror(&e)))
    })?;
    let data = data
        .get(..super::elf::unsigned_len(&data).unwrap_or(data.len()))
        .unwrap_or_default();
    let built =
        ElfFile::parse(data).map_err(|e| FromError::Fatal(format!("{}: {e}", from.display())))?;
    let (built_symtab, section) = read_fresh_section(&built)
        .map_err(|e| FromError::Unusable(format!("{}: {e}", from.display())))?;
    let mut map: HashMap<CarryKey, Option<Vec<u8>>> = HashMap::new();
    for (i, sym) in built_symtab.symbols.iter().enumerate() {
        let Some(path) = section.path_of(i) else {
            continue;
        };
        map.entry(carry_key(&built, sym))
            .and_modify(|p| {
                if p.as_deref() != Some(path) {
                    *p = None;
                }
            })
            .or_insert_with(|| Some(path.to_vec()));
    }
    Ok(symtab
        .symbols
        .iter()
        .map(|sym| {
            map.get(&carry_key(elf, sym))
                .cloned()
                .flatten()
                .map(|p| String::from_utf8_lossy(&p).into_owned())
        })
        .collect())
}

/// The symtab of `elf` and its `.kallsyms_paths`, which must be present, valid and fresh.
pub(crate) fn read_fresh_section<'d>(
    elf: &ElfFile<'d>,
) -> Result<(SymbolTable<'d>, kallsyms_paths::KallsymsPaths), String> {
    let symtab = elf
        .symtab()
        .map_err(|e| e.to_string())?
        .ok_or("no symbol table")?;
    let index = elf
        .find_section(kallsyms_paths::SECTION_NAME.as_bytes())
        .map_err(|e| e.to_string())?
        .ok_or("no .kallsyms_paths section")?;
    let header = &elf.sections[index];
    // The loader's conditions for using the section at all.
    if header.sh_type == super::elf::SHT_NOBITS
        || header.sh_flags & SHF_ALLOC != 0
        || header.sh_offset % 4 != 0
    {
        return Err(format!(
            ".kallsyms_paths has type {}, flags {:#x}, offset {:#x} (needs contents, no SHF_ALLOC, 4-aligned)",
            header.sh_type, header.sh_flags, header.sh_offset
        ));
    }
    let data = elf.section_data(index).map_err(|e| e.to_string())?;
    let section = kallsyms_paths::decode(data, elf.layout.big_endian)
        .map_err(|e| format!(".kallsyms_paths {e}"))?;
    let crc = kallsyms_paths::symtab_crc(symtab.data, symtab.strtab);
    if !section.matches(symtab.symbols.len(), crc) {
        return Err(format!(
            "stale .kallsyms_paths: made for {} symbols with crc {:#010x}, symtab has {} with crc {crc:#010x}",
            section.num_syms,
            section.crc,
            symtab.symbols.len()
        ));
    }
    Ok((symtab, section))
}

/// The bytes of `ko` (contents `data`) with a fresh `.kallsyms_paths`, and what went into it.
/// In refresh mode, `Ok(None)` means the build-tree module has no fresh section to carry over.
pub(crate) fn emit(
    opts: &KoOptions,
    ko: &Path,
    data: &[u8],
) -> Result<Option<(Vec<u8>, KoReport)>, String> {
    if super::elf::unsigned_len(data).is_some() {
        return Err(format!(
            "{}: module is signed; add .kallsyms_paths before signing (strip the signature and re-sign afterwards)",
            ko.display()
        ));
    }
    let elf = ElfFile::parse(data).map_err(|e| format!("{}: {e}", ko.display()))?;
    let symtab = elf
        .symtab()
        .map_err(|e| format!("{}: {e}", ko.display()))?
        .ok_or_else(|| format!("{}: no symbol table", ko.display()))?;
    let paths = match &opts.from {
        Some(from) => match paths_from_built(from, &elf, &symtab) {
            Ok(p) => p,
            Err(FromError::Unusable(why)) => {
                eprintln!(
                    "modpost-rs ko-paths: warning: {}: not refreshed: {why}",
                    ko.display()
                );
                return Ok(None);
            }
            Err(FromError::Fatal(e)) => return Err(e),
        },
        None => paths_from_inputs(opts, ko, &symtab)?,
    };
    let mut report = KoReport {
        symbols: symtab.symbols.len(),
        ..KoReport::default()
    };
    for (sym, path) in symtab.symbols.iter().zip(&paths) {
        if path.is_some() {
            report.with_path += 1;
        } else if needs_path(sym) {
            report
                .unmatched
                .push(String::from_utf8_lossy(sym.name).into_owned());
        }
    }
    let refs: Vec<Option<&[u8]>> = paths
        .iter()
        .map(|p| p.as_deref().map(str::as_bytes))
        .collect();
    let crc = kallsyms_paths::symtab_crc(symtab.data, symtab.strtab);
    let payload = kallsyms_paths::encode(&refs, crc, elf.layout.big_endian)
        .map_err(|e| format!("{}: {e}", ko.display()))?;
    let out = super::append::with_section(&elf, kallsyms_paths::SECTION_NAME.as_bytes(), &payload)
        .map_err(|e| format!("{}: {e}", ko.display()))?;
    Ok(Some((out, report)))
}

/// Process one module: compute its paths and rewrite it with the section in place (the file
/// is left untouched, mtime included, if nothing changes).
pub(crate) fn process(opts: &KoOptions, ko: &Path) -> Result<KoReport, String> {
    let file = opts.trees.resolve(ko);
    let data = std::fs::read(&file)
        .map_err(|e| format!("{}: {}", ko.display(), crate::diag::strerror(&e)))?;
    let Some((out, report)) = emit(opts, ko, &data)? else {
        return Ok(KoReport::default());
    };
    if out != data {
        super::append::write_atomically(&file, &out)
            .map_err(|e| format!("{}: {}", ko.display(), crate::diag::strerror(&e)))?;
    }
    Ok(report)
}

#[cfg(test)]
#[path = "ko_tests.rs"]
mod tests;
