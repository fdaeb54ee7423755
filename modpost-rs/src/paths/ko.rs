//! `modpost-rs ko-paths`: writes the `.kallsyms_paths` section into final `.ko` files.
//!
//! ```text
//! modpost-rs ko-paths [--srctree DIR] [--objtree DIR] [--extmod DIR] [--from BUILT.ko]
//!                     [--quiet] MODULE.ko...
//! ```
//!
//! Two modes:
//! * **emit** (Makefile.modfinal, after the `.ko` is linked and BTF is added): the paths come
//!   from the module's link inputs, the way Makefile.modfinal links them: `<mod>.o` (expanded
//!   to the objects its `<mod>.mod` file lists, in link order), `<mod>.mod.o` and
//!   `<extmod or objtree>/.module-common.o`. Each input's source comes from its `.cmd` file
//!   through the one resolver, `kpaths::tree`.
//! * **refresh** (`--from BUILT.ko`, Makefile.modinst after `strip` and before signing): strip
//!   renumbers the symtab and drops `STT_FILE`, so the installed copy's paths are carried over
//!   from the build-tree `.ko`'s (fresh) section, matching entries by (name, value, binding and
//!   type, section name); entries with equal keys in the same number match in order (strip
//!   keeps the order). Otherwise an entry that matches two different paths gets none: a bare
//!   name is better than a wrong path.
//!
//! Attribution in emit mode:
//! * A local symbol belongs to the input whose locals it is. `ld -r` copies each input's local
//!   symbols as one run, in the input's own order, but the runs come in the order in which
//!   the inputs' sections first appear in the output, not in input order: on arm64 the
//!   output starts with `.note.Linux`, which `.module-common.o` alone has, so its locals come
//!   first. So the `.ko`'s locals are matched greedily by name, run by run: a local continues
//!   the current input's run while that input has the name further on; otherwise a new run
//!   starts in the input whose remaining locals match the longest stretch from there (ties:
//!   the earlier input). An input's `STT_FILE` symbol (gcc writes only the basename) is just
//!   one more name to match, and inputs without one (assembly) still match by their other
//!   locals. Symbols that `ld` dropped (discarded sections) are skipped over. Mapping
//!   symbols (`$x`, `$d`, ... of arm64, ARM, RISC-V) take no part: the linker adds and merges
//!   them, so matching by their names would derail the runs, and the kernel never prints them.
//! * A defined global belongs to the input that defines it (a strong definition beats a weak
//!   one; among equals, the first in link order, as ld resolves them).
//! * A defined global that no input defines was defined by the module linker script
//!   (`__start_alloc_tags`, ...) and gets the script's source, `scripts/module.lds.S`; so does
//!   a local that no input defines, made by the linker (ppc64's `_savegpr0_N`/`_restgpr0_N`
//!   from `ld --save-restore-funcs`).
//! * A prefix symbol that no input defines (`__pfx_<f>` or `__cfi_<f>`: objtool adds them to the
//!   linked `<mod>.o` of a multi-object module) belongs to the function it precedes.
//! * Undefined, unnamed, section and mapping symbols get no path.

use std::collections::HashMap;
use std::ffi::OsString;
use std::path::Path;
use std::path::PathBuf;

use kpaths::elf::ElfFile;
use kpaths::elf::Symbol;
use kpaths::elf::SymbolTable;
use kpaths::module_section;
use kpaths::tree::Trees;
use kpaths::Context;
use kpaths::Error;
use kpaths::Result;

const USAGE: &str = "usage: modpost-rs ko-paths [--srctree DIR] [--objtree DIR] [--extmod DIR] \
[--from BUILT.ko] [--quiet] MODULE.ko...";

/// Options of one `ko-paths` run.
#[derive(Debug)]
pub(crate) struct KoOptions {
    /// Source/object/external-module trees for path resolution.
    pub(crate) trees: Trees,
    /// Refresh mode: carry paths over from this (build-tree) `.ko`.
    pub(crate) from: Option<PathBuf>,
}

/// The parsed command line.
#[derive(Debug)]
struct KoArgs {
    srctree: PathBuf,
    objtree: PathBuf,
    extmod: Option<PathBuf>,
    from: Option<PathBuf>,
    quiet: bool,
    modules: Vec<PathBuf>,
}

fn parse_args(args: Vec<OsString>) -> std::result::Result<KoArgs, lexopt::Error> {
    use lexopt::prelude::*;
    let mut out = KoArgs {
        srctree: PathBuf::from("."),
        objtree: PathBuf::from("."),
        extmod: None,
        from: None,
        quiet: false,
        modules: Vec::new(),
    };
    let mut p = lexopt::Parser::from_args(args);
    while let Some(arg) = p.next()? {
        match arg {
            Long("srctree") => out.srctree = p.value()?.into(),
            Long("objtree") => out.objtree = p.value()?.into(),
            // An empty value (KBUILD_EXTMOD unset in the Makefile) means an in-tree build.
            Long("extmod") => {
                let v = p.value()?;
                out.extmod = (!v.is_empty()).then(|| v.into());
            }
            Long("from") => out.from = Some(p.value()?.into()),
            Long("quiet") => out.quiet = true,
            Value(v) => out.modules.push(v.into()),
            _ => return Err(arg.unexpected()),
        }
    }
    if out.modules.is_empty() {
        return Err("no MODULE.ko given".into());
    }
    if out.from.is_some() && out.modules.len() != 1 {
        return Err("--from takes exactly one MODULE.ko".into());
    }
    Ok(out)
}

/// Entry point: the exit status (0 ok, 1 error, 2 usage).
pub(super) fn run(args: Vec<OsString>) -> i32 {
    let args = match parse_args(args) {
        Ok(a) => a,
        Err(e) => return super::usage_error("ko-paths", USAGE, e),
    };
    let trees = match Trees::new(&args.srctree, &args.objtree, args.extmod.as_deref()) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("modpost-rs ko-paths: {e}");
            return 1;
        }
    };
    let opts = KoOptions {
        trees,
        from: args.from,
    };
    let mut status = 0;
    for m in &args.modules {
        match process(&opts, m) {
            Ok(report) => {
                if !args.quiet && !report.unmatched.is_empty() {
                    eprintln!(
                        "modpost-rs ko-paths: warning: {}: {} symbols without a path: {}",
                        m.display(),
                        report.unmatched.len(),
                        report.unmatched.join(" ")
                    );
                }
            }
            Err(e) => {
                eprintln!("modpost-rs ko-paths: {e}");
                status = 1;
            }
        }
    }
    status
}

/// What one input object contributes.
#[derive(Debug, Default)]
struct Member {
    /// Path stored for its symbols (`None`: its `.cmd` names no source).
    path: Option<String>,
    /// Positions in its sequence of local, named, non-section, non-mapping symbols, by name.
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
    /// Named definitions left without a path.
    pub(crate) unmatched: Vec<String>,
}

/// The input objects of `ko` as Makefile.modfinal links them.
pub(crate) fn link_inputs(trees: &Trees, ko: &Path) -> Result<Vec<PathBuf>> {
    let stem = ko.with_extension("");
    let mut inputs = trees.members_of(&stem.with_extension("o"))?;
    inputs.push(PathBuf::from(format!("{}.mod.o", stem.display())));
    inputs.push(match &trees.extmod {
        Some(dir) => dir.join(".module-common.o"),
        None => PathBuf::from(".module-common.o"),
    });
    Ok(inputs)
}

/// Takes part in the attribution of locals: named, not a section, not a mapping symbol.
fn matchable(sym: &Symbol<'_>) -> bool {
    !sym.name.is_empty() && !sym.is_section() && !kpaths::elf::is_mapping_symbol(sym.name)
}

fn read_member(
    trees: &Trees,
    object: &Path,
    globals: &mut GlobalMap,
    index: usize,
) -> Result<Member> {
    let file = trees.resolve(object);
    let data = kpaths::fs::read(&file)?;
    let elf = ElfFile::parse(&data).context(file.display())?;
    let symtab = elf
        .symbols()
        .context(file.display())?
        .ok_or_else(|| Error::new(format!("{}: no symbol table", file.display())))?;
    let mut member = Member {
        path: trees.source_of(object)?,
        ..Member::default()
    };
    let mut next = 0;
    for sym in symtab.symbols.iter().filter(|s| matchable(s)) {
        if sym.is_local() {
            member
                .positions
                .entry(sym.name.to_vec())
                .or_default()
                .push(next);
            next += 1;
        } else if sym.is_defined() {
            let strong = !sym.is_weak();
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

/// How far a new run of locals is looked ahead to choose its input.
const RUN_LOOKAHEAD: usize = 32;

/// The first position at or after `from` where `member`'s locals have `name`.
fn position_from(member: &Member, name: &[u8], from: usize) -> Option<usize> {
    member
        .positions
        .get(name)?
        .iter()
        .copied()
        .find(|&p| p >= from)
}

/// How many of `names` (up to [`RUN_LOOKAHEAD`]) match `member`'s locals in order from
/// position `from` on.
fn run_length(member: &Member, names: &[&[u8]], mut from: usize) -> usize {
    let mut n = 0;
    for name in names.iter().take(RUN_LOOKAHEAD) {
        match position_from(member, name, from) {
            Some(p) => {
                from = p + 1;
                n += 1;
            }
            None => break,
        }
    }
    n
}

/// Which input each `.ko` symbol comes from. `linker_script` is the input that owns globals no
/// object defines (symbols the module linker script defines, such as `__start_alloc_tags`).
fn attribute(
    symtab: &SymbolTable<'_>,
    members: &[Member],
    globals: &GlobalMap,
    linker_script: Option<usize>,
) -> Vec<Option<usize>> {
    let mut out = vec![None; symtab.symbols.len()];
    // The named local definitions, in symtab order: the runs of the inputs' locals.
    let mut locals = Vec::new();
    for (i, sym) in symtab.symbols.iter().enumerate() {
        if !matchable(sym) || !sym.is_defined() {
            continue;
        }
        if sym.is_local() {
            locals.push(i);
        } else {
            out[i] = globals.get(sym.name).map(|&(m, _)| m).or(linker_script);
        }
    }
    let names: Vec<&[u8]> = locals.iter().map(|&i| symtab.symbols[i].name).collect();
    // Per input, the first position of its locals not matched yet.
    let mut next = vec![0usize; members.len()];
    let mut current: Option<usize> = None;
    for (k, &i) in locals.iter().enumerate() {
        let name = names[k];
        let continued =
            current.and_then(|m| position_from(&members[m], name, next[m]).map(|p| (m, p)));
        let found = continued.or_else(|| {
            let mut best: Option<(usize, usize, usize)> = None;
            for (m, member) in members.iter().enumerate() {
                let Some(p) = position_from(member, name, next[m]) else {
                    continue;
                };
                let len = run_length(member, &names[k..], p);
                if best.is_none_or(|(best_len, _, _)| len > best_len) {
                    best = Some((len, m, p));
                }
            }
            best.map(|(_, m, p)| (m, p))
        });
        if let Some((m, p)) = found {
            current = Some(m);
            next[m] = p + 1;
            out[i] = Some(m);
        }
    }
    out
}

/// The function a prefix symbol precedes: `__pfx_<f>` (objtool's padding before `<f>` with
/// CONFIG_PREFIX_SYMBOLS) or `__cfi_<f>` (the kCFI preamble), the `<f>` that starts where the
/// prefix ends in the same section (or, failing that, any `<f>` in that section).
pub(crate) fn prefixed_function(symtab: &SymbolTable<'_>, sym: &Symbol<'_>) -> Option<usize> {
    let target = kpaths::elf::prefixed_name(sym.name)?;
    let candidates: Vec<usize> = symtab
        .symbols
        .iter()
        .enumerate()
        .filter(|(_, s)| s.name == target && s.section == sym.section && s.is_defined())
        .map(|(i, _)| i)
        .collect();
    let end = sym.st_value.wrapping_add(sym.st_size);
    candidates
        .iter()
        .copied()
        .find(|&i| symtab.symbols[i].st_value == end)
        .or_else(|| candidates.first().copied())
}

/// The per-symbol paths of `ko` (emit mode).
fn paths_from_inputs(
    opts: &KoOptions,
    ko: &Path,
    symtab: &SymbolTable<'_>,
) -> Result<Vec<Option<String>>> {
    let inputs = link_inputs(&opts.trees, ko)?;
    let mut globals = GlobalMap::new();
    let mut members = Vec::with_capacity(inputs.len() + 1);
    for (i, input) in inputs.iter().enumerate() {
        members.push(read_member(&opts.trees, input, &mut globals, i)?);
    }
    // The module linker script: Makefile.modfinal's ARCH_MODULE_LDS is scripts/module.lds
    // whenever that exists (it is generated for every CONFIG_MODULES build).
    let lds = Path::new("scripts/module.lds");
    let linker_script = match opts.trees.resolve(lds).is_file() {
        true => {
            members.push(Member {
                path: opts.trees.source_of(lds)?,
                ..Member::default()
            });
            Some(members.len() - 1)
        }
        false => None,
    };
    let mut owners = attribute(symtab, &members, &globals, linker_script);
    // Prefix symbols no input defines were added to the linked object by objtool.
    for (i, sym) in symtab.symbols.iter().enumerate() {
        let unowned = owners[i].is_none() || (owners[i] == linker_script && !sym.is_local());
        if unowned && !globals.contains_key(sym.name) && matchable(sym) && sym.is_defined() {
            if let Some(f) = prefixed_function(symtab, sym) {
                owners[i] = owners[f];
            }
        }
    }
    // Locals that no input defines were made by the linker itself: ppc64's module link
    // (`ld --save-restore-funcs`, KBUILD_LDFLAGS_MODULE with BFD ld) adds the `_savegpr0_N`
    // and `_restgpr0_N` that -Os code calls to each `.ko`. Like the symbols the script
    // defines, and like kallsyms-rs's linker-made locals of vmlinux, they take the module
    // linker script's source. (STT_FILE symbols, which arm `ld -r` adds for inputs without
    // one of their own, name no code and stay without.)
    for (i, sym) in symtab.symbols.iter().enumerate() {
        if owners[i].is_none()
            && sym.is_local()
            && sym.is_defined()
            && !sym.is_file()
            && matchable(sym)
            && !members.iter().any(|m| m.positions.contains_key(sym.name))
        {
            owners[i] = linker_script;
        }
    }
    Ok(owners
        .into_iter()
        .map(|m| m.and_then(|m| members.get(m)).and_then(|m| m.path.clone()))
        .collect())
}

/// Key that survives `strip`: everything about a symbol but its index and name offset.
type CarryKey = (Vec<u8>, u64, u8, u8, Vec<u8>);

fn carry_key(elf: &ElfFile<'_>, sym: &Symbol<'_>) -> CarryKey {
    let section = match sym.section {
        Some(s) => elf.section_name(s).map(<[u8]>::to_vec).unwrap_or_default(),
        None => format!("#{}", sym.st_shndx.0).into_bytes(),
    };
    (
        sym.name.to_vec(),
        sym.st_value,
        sym.st_bind.0,
        sym.st_type.0,
        section,
    )
}

/// Why refresh mode could not use the build-tree module.
enum FromError {
    /// It cannot be read or parsed: an error.
    Fatal(Error),
    /// It has no fresh section (built without the tool): nothing to carry over.
    Unusable(String),
}

/// The per-symbol paths of `ko` from the fresh section of `from` (refresh mode).
fn paths_from_built(
    from: &Path,
    elf: &ElfFile<'_>,
    symtab: &SymbolTable<'_>,
) -> std::result::Result<Vec<Option<String>>, FromError> {
    let data = kpaths::fs::read(from).map_err(FromError::Fatal)?;
    let built = ElfFile::parse(module_section::unsigned(&data))
        .context(from.display())
        .map_err(FromError::Fatal)?;
    let (built_symtab, section) = module_section::read_section(&built)
        .map_err(|e| FromError::Unusable(format!("{}: {e}", from.display())))?;
    // Per key, the paths of the build-tree entries with it, in symtab order.
    let mut built_paths: HashMap<CarryKey, Vec<Option<&[u8]>>> = HashMap::new();
    for (i, sym) in built_symtab.symbols.iter().enumerate() {
        built_paths
            .entry(carry_key(&built, sym))
            .or_default()
            .push(section.path_of(i));
    }
    let keys: Vec<CarryKey> = symtab.symbols.iter().map(|s| carry_key(elf, s)).collect();
    let mut count: HashMap<&CarryKey, usize> = HashMap::new();
    for key in &keys {
        *count.entry(key).or_default() += 1;
    }
    // Entries with one key (zero-size objects of one name at one address, as the `__key.N`
    // of lockdep-less builds in .bss) stay in order: strip keeps the symtab's order, so the
    // k-th of them is the k-th before if there are as many. Otherwise they share a path or
    // get none.
    let mut seen: HashMap<&CarryKey, usize> = HashMap::new();
    Ok(keys
        .iter()
        .map(|key| {
            let paths = built_paths.get(key)?;
            let k = seen.entry(key).or_default();
            *k += 1;
            let path = if paths.len() == count[key] {
                paths[*k - 1]
            } else {
                paths[0].filter(|p| paths.iter().all(|q| *q == Some(*p)))
            };
            path.map(|p| String::from_utf8_lossy(p).into_owned())
        })
        .collect())
}

/// The bytes of `ko` (contents `data`) with a fresh `.kallsyms_paths`, and what went into it.
/// In refresh mode, `Ok(None)` means the build-tree module has no fresh section to carry over.
pub(crate) fn emit(
    opts: &KoOptions,
    ko: &Path,
    data: &[u8],
) -> Result<Option<(Vec<u8>, KoReport)>> {
    if module_section::unsigned_len(data).is_some() {
        return Err(Error::new(format!(
            "{}: module is signed; add .kallsyms_paths before signing (strip the signature and \
             re-sign afterwards)",
            ko.display()
        )));
    }
    let elf = ElfFile::parse(data).context(ko.display())?;
    let symtab = elf
        .symbols()
        .context(ko.display())?
        .ok_or_else(|| Error::new(format!("{}: no symbol table", ko.display())))?;
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
    let crc = module_section::symtab_crc(symtab.bytes, symtab.strtab);
    let payload = module_section::encode(&refs, crc, elf.endian)
        .map_err(|e| Error::new(format!("{}: {e}", ko.display())))?;
    let out =
        kpaths::elf::append::with_section(&elf, module_section::SECTION_NAME.as_bytes(), &payload)
            .context(ko.display())?;
    Ok(Some((out, report)))
}

/// A symbol the section must give a path for it to be complete: one the kernel can print.
pub(crate) fn needs_path(sym: &Symbol<'_>) -> bool {
    sym.is_named_definition() && !kpaths::elf::is_mapping_symbol(sym.name)
}

/// Processes one module: computes its paths and rewrites it with the section in place (the
/// file is left untouched, mtime included, if nothing changes).
pub(crate) fn process(opts: &KoOptions, ko: &Path) -> Result<KoReport> {
    let file = opts.trees.resolve(ko);
    let data = std::fs::read(&file).map_err(|e| Error::io(ko.display(), &e))?;
    let Some((out, report)) = emit(opts, ko, &data)? else {
        return Ok(KoReport::default());
    };
    if out != data {
        kpaths::fs::write_atomically(&file, &out).map_err(|e| Error::io(ko.display(), &e))?;
    }
    Ok(report)
}

#[cfg(test)]
#[path = "ko_tests.rs"]
mod tests;
