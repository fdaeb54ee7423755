//! Source paths for the symbols of a linked vmlinux (CONFIG_KALLSYMS_PATHS).
//!
//! kallsyms reads `nm -n | mksysmap` lines, which carry no file information. This module gives
//! every such line the srctree-relative path of the source that defined it, from three inputs:
//! the linked image itself (`.tmp_vmlinuxN`), the manifest of `vmlinux.a` (written at archive
//! time by `modpost-rs manifest`, see docs/manifest-format.md) and a few loose link inputs.
//! The rules, in the order they are tried (docs/vmlinux-paths.md has the reasoning):
//!
//! * **Locals** sit in `STT_FILE` groups of the image symtab: ld emits each input object's locals
//!   together after its `STT_FILE` symbol, and synthesises `<basename>.o` for an object with
//!   locals but no `STT_FILE` (assembly). The groups are *not* in archive order (ld emits an
//!   object's locals when it first meets one of its sections in output-section order), so a
//!   group is matched to a manifest object by file name and by its local names: among the
//!   not-yet-used objects with that file name, those containing the most of the group's names.
//!   Matching is repeated until it settles, so a group whose candidates narrow to one once the
//!   others are matched is still resolved; candidates with the same path need no decision. A
//!   local that its matched object does not define was added by the linker: linker rule below.
//! * **Globals** by name among the manifest definitions: the strong one; with several strong
//!   ones from different paths the symbol is ambiguous; with only weak ones, the first in link
//!   order, which is the one ld keeps.
//! * **Prefix symbols** that objtool creates in `vmlinux.o` (`__pfx_<f>` with
//!   CONFIG_PREFIX_SYMBOLS, `__cfi_<f>`), after the archives were made, are defined by no input
//!   object: each belongs to the function it precedes and gets that function's path. (Where
//!   objtool runs on each object, without IBT or LTO, the objects define them and the rules
//!   above apply.)
//! * **Linker-generated** symbols (linker-script assignments, `__start_`/`__stop_` of orphan
//!   sections, anything no input defines) get the linker script's source path when one is given
//!   (`arch/x86/kernel/vmlinux.lds.S`), else no path.
//!
//! A symbol that cannot be resolved gets no path, and the reason is returned ([`NoPath`]);
//! every ambiguity is also returned as a diagnostic naming all candidates. Names are never
//! changed: the paths go into the side table (kpaths::kallsyms::path_table).

pub(crate) mod cli;
pub(crate) mod report;
#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::collections::HashSet;
use std::fmt;
use std::path::Path;
use std::path::PathBuf;
use std::rc::Rc;

use kpaths::elf::ElfFile;
use kpaths::manifest::describe_object;
use kpaths::manifest::Manifest;
use kpaths::manifest::ManifestSymbol;
use kpaths::manifest::ObjectEntry;
use kpaths::tree::Trees;
use kpaths::Context;
use kpaths::Error;

/// A loose link input that is not in `vmlinux.a` (`.vmlinux.export.o`,
/// `init/version-timestamp.o`, the previous pass's kallsyms object).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LooseObject {
    /// The object file, relative to objtree or absolute.
    pub(crate) object: PathBuf,
    /// A fixed path for all its symbols; `None` means "from its `.cmd` file".
    pub(crate) path: Option<String>,
}

/// Everything the resolution reads besides the `.syms` lines.
#[derive(Debug, Clone)]
pub(crate) struct PathOptions {
    /// The linked image whose `nm -n` output the `.syms` lines are (`.tmp_vmlinux1`).
    pub(crate) image: PathBuf,
    /// Manifests in link order (normally just `vmlinux.a.manifest`).
    pub(crate) manifests: Vec<PathBuf>,
    /// Loose objects, linked after the manifests' objects.
    pub(crate) objects: Vec<LooseObject>,
    /// The path given to linker-generated symbols (the linker script's source).
    pub(crate) linker_script_path: Option<String>,
    /// srctree and objtree, for `.cmd` lookups of loose objects.
    pub(crate) trees: Trees,
}

/// One `.syms` line: `<address> <type> <name>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct InputSymbol<'a> {
    /// The address nm printed.
    pub(crate) address: u64,
    /// nm's type letter.
    pub(crate) type_char: u8,
    /// The bare name.
    pub(crate) name: &'a [u8],
}

/// Why a symbol has no path (it then keeps its bare name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum NoPath {
    /// The image's symtab has no symbol with this name (and address, for locals).
    NotInImage,
    /// Several candidates with different paths; each is `object (path)`.
    Ambiguous(Vec<String>),
    /// The defining object is known but has no source path (no `.cmd` / `source_` line).
    NoSource(String),
    /// Defined by no input and no linker-script path was given.
    LinkerGenerated,
    /// A local whose `STT_FILE` group matched no object of the manifests.
    UnmatchedGroup(String),
}

impl fmt::Display for NoPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NoPath::NotInImage => f.write_str("not in the image's symtab"),
            NoPath::Ambiguous(c) => write!(f, "ambiguous: {}", c.join(" / ")),
            NoPath::NoSource(o) => write!(f, "{o} has no source path"),
            NoPath::LinkerGenerated => f.write_str("linker-generated, no linker script path given"),
            NoPath::UnmatchedGroup(file) => {
                write!(f, "its STT_FILE group {file} matches no manifest object")
            }
        }
    }
}

/// The path of every input symbol, plus the diagnostics (one per ambiguity).
#[derive(Debug, Clone)]
pub(crate) struct Resolution {
    /// Parallel to the input symbols.
    pub(crate) paths: Vec<Result<Rc<str>, NoPath>>,
    /// Human-readable reports of ambiguous groups, globals and locals.
    pub(crate) diagnostics: Vec<String>,
}

/// An object of the manifests or a loose object.
#[derive(Debug)]
struct LinkObject {
    /// objtree-relative object path.
    object: String,
    /// Its source path, or `None`.
    path: Option<Rc<str>>,
}

/// One `STT_FILE` group of an input object: the locals ld will emit together.
#[derive(Debug)]
struct Unit {
    /// The `STT_FILE` name (or ld's synthesised `<basename>.o`).
    file: Vec<u8>,
    /// Its local symbol names.
    locals: HashSet<Vec<u8>>,
    /// Index into the object list.
    object: usize,
}

/// A global definition of an input object.
#[derive(Debug, Clone, Copy)]
struct GlobalDef {
    /// Index into the object list.
    object: usize,
    /// `W`/`V`.
    weak: bool,
}

/// All input objects, their local units and global definitions, in link order.
#[derive(Debug, Default)]
struct Inputs {
    /// Objects in link order.
    objects: Vec<LinkObject>,
    /// Units in link order.
    units: Vec<Unit>,
    /// Unit indices by file name.
    units_by_file: HashMap<Vec<u8>, Vec<usize>>,
    /// Global definitions by name, in link order.
    globals: HashMap<Vec<u8>, Vec<GlobalDef>>,
}

impl Inputs {
    fn add(&mut self, entry: ObjectEntry, path: Option<Rc<str>>) {
        let object = self.objects.len();
        let basename = entry
            .object
            .rsplit('/')
            .next()
            .unwrap_or(&entry.object)
            .as_bytes()
            .to_vec();
        self.objects.push(LinkObject {
            object: entry.object,
            path,
        });
        let mut current: Option<usize> = None;
        for sym in entry.symbols {
            match sym {
                ManifestSymbol::File(name) => {
                    self.units.push(Unit {
                        file: name,
                        locals: HashSet::new(),
                        object,
                    });
                    current = Some(self.units.len() - 1);
                }
                ManifestSymbol::Defined { type_char, name } => {
                    if ManifestSymbol::is_local(type_char) {
                        let unit = match current {
                            Some(u) => u,
                            None => {
                                // ld names the group of an object without STT_FILE after the
                                // object's file name.
                                self.units.push(Unit {
                                    file: basename.clone(),
                                    locals: HashSet::new(),
                                    object,
                                });
                                let u = self.units.len() - 1;
                                current = Some(u);
                                u
                            }
                        };
                        if let Some(u) = self.units.get_mut(unit) {
                            u.locals.insert(name);
                        }
                    } else {
                        self.globals.entry(name).or_default().push(GlobalDef {
                            object,
                            weak: ManifestSymbol::is_weak(type_char),
                        });
                    }
                }
            }
        }
    }

    fn index_units(&mut self) {
        for (i, u) in self.units.iter().enumerate() {
            self.units_by_file
                .entry(u.file.clone())
                .or_default()
                .push(i);
        }
    }

    fn describe(&self, object: usize) -> String {
        match self.objects.get(object) {
            Some(o) => format!(
                "{} ({})",
                o.object,
                o.path.as_deref().unwrap_or("no source")
            ),
            None => "?".into(),
        }
    }

    fn object_path(&self, object: usize) -> Result<Rc<str>, NoPath> {
        match self.objects.get(object) {
            Some(LinkObject { path: Some(p), .. }) => Ok(p.clone()),
            Some(o) => Err(NoPath::NoSource(o.object.clone())),
            None => Err(NoPath::NotInImage),
        }
    }
}

fn load_inputs(opts: &PathOptions) -> Result<Inputs, Error> {
    let mut inputs = Inputs::default();
    let mut interned: HashMap<String, Rc<str>> = HashMap::new();
    let mut intern = |p: Option<String>| {
        p.map(|p| {
            interned
                .entry(p.clone())
                .or_insert_with(|| Rc::from(p.as_str()))
                .clone()
        })
    };
    for m in &opts.manifests {
        let data = kpaths::fs::read(m)?;
        let manifest = Manifest::parse(&data, &m.to_string_lossy())?;
        for entry in manifest.objects {
            let path = intern(entry.source.clone());
            inputs.add(entry, path);
        }
    }
    for loose in &opts.objects {
        let data = kpaths::fs::read(&opts.trees.resolve(&loose.object))?;
        let name = loose.object.to_string_lossy().into_owned();
        let path = match &loose.path {
            Some(p) => Some(p.clone()),
            None => opts.trees.source_of(Path::new(&name))?,
        };
        let entry = describe_object(&data, &name, path.clone())?;
        let path = intern(path);
        inputs.add(entry, path);
    }
    inputs.index_units();
    Ok(inputs)
}

/// An `STT_FILE` group of the image.
#[derive(Debug)]
struct Group {
    /// The `STT_FILE` name (empty for locals before the first one).
    file: Vec<u8>,
    /// Distinct local names in the group.
    names: Vec<Vec<u8>>,
    /// The matched unit, once known.
    unit: Option<usize>,
    /// Set when the group stays ambiguous: the candidate descriptions.
    ambiguous: Option<Vec<String>>,
}

/// Matches image groups to units (see the module comment).
fn match_groups(groups: &mut [Group], inputs: &Inputs, diagnostics: &mut Vec<String>) {
    let mut used = vec![false; inputs.units.len()];
    let best_candidates = |g: &Group, used: &[bool]| -> Vec<usize> {
        let Some(cands) = inputs.units_by_file.get(&g.file) else {
            return Vec::new();
        };
        let mut best = 0usize;
        let mut out = Vec::new();
        for &u in cands {
            if used.get(u).copied().unwrap_or(true) {
                continue;
            }
            let Some(unit) = inputs.units.get(u) else {
                continue;
            };
            let score = g.names.iter().filter(|n| unit.locals.contains(*n)).count();
            if score > best {
                best = score;
                out.clear();
            }
            if score == best && score > 0 {
                out.push(u);
            }
        }
        out
    };
    let same_path = |cands: &[usize]| {
        let paths: HashSet<Option<&str>> = cands
            .iter()
            .filter_map(|&u| inputs.units.get(u))
            .filter_map(|u| inputs.objects.get(u.object))
            .map(|o| o.path.as_deref())
            .collect();
        paths.len() == 1
    };
    loop {
        let mut progress = false;
        for g in groups.iter_mut() {
            if g.unit.is_some() || g.names.is_empty() {
                continue;
            }
            let cands = best_candidates(g, &used);
            if let Some(&first) = cands.first() {
                if cands.len() == 1 || same_path(&cands) {
                    g.unit = Some(first);
                    if let Some(u) = used.get_mut(first) {
                        *u = true;
                    }
                    progress = true;
                }
            }
        }
        if !progress {
            break;
        }
    }
    for g in groups.iter_mut() {
        if g.unit.is_some() || g.names.is_empty() {
            continue;
        }
        let cands = best_candidates(g, &used);
        if cands.len() > 1 {
            let described: Vec<String> = cands
                .iter()
                .filter_map(|&u| inputs.units.get(u))
                .map(|u| inputs.describe(u.object))
                .collect();
            diagnostics.push(format!(
                "STT_FILE group {} ({} locals, e.g. {}) matches several objects equally well: {}",
                String::from_utf8_lossy(&g.file),
                g.names.len(),
                g.names
                    .first()
                    .map(|n| String::from_utf8_lossy(n).into_owned())
                    .unwrap_or_default(),
                described.join(" / ")
            ));
            g.ambiguous = Some(described);
        }
    }
}

/// Resolves the path of every `.syms` line (see the module comment for the rules).
pub(crate) fn resolve(opts: &PathOptions, syms: &[InputSymbol<'_>]) -> Result<Resolution, Error> {
    let inputs = load_inputs(opts)?;
    let mapped = kpaths::fs::map(&opts.image)?;
    let file = ElfFile::parse(mapped.bytes()).context(opts.image.display())?;
    let image = file
        .symbols()
        .context(opts.image.display())?
        .ok_or_else(|| Error::new(format!("{}: no symbol table", opts.image.display())))?;

    // nm prints a 32-bit MIPS image's addresses sign-extended to 64 bits (BFD sign-extends
    // MIPS addresses: `ffffffff80100000` for st_value 0x80100000): compare the `.syms`
    // addresses with the symtab's in the image's address width.
    let address_mask = if file.is_64 {
        u64::MAX
    } else {
        u64::from(u32::MAX)
    };
    // Image locals -> groups; image globals by name.
    let mut groups: Vec<Group> = Vec::new();
    let mut local_at: HashMap<(&[u8], u64), Vec<usize>> = HashMap::new();
    let mut global_at: HashMap<&[u8], u64> = HashMap::new();
    let mut current: Option<usize> = None;
    let mut group_names: Vec<HashSet<&[u8]>> = Vec::new();
    for sym in image.symbols.iter().skip(1) {
        match sym.is_local() {
            true => {
                if sym.is_file() {
                    groups.push(Group {
                        file: sym.name.to_vec(),
                        names: Vec::new(),
                        unit: None,
                        ambiguous: None,
                    });
                    group_names.push(HashSet::new());
                    current = Some(groups.len() - 1);
                    continue;
                }
                if sym.is_section() || !sym.is_defined() || sym.name.is_empty() {
                    continue;
                }
                let g = match current {
                    Some(g) => g,
                    None => {
                        groups.push(Group {
                            file: Vec::new(),
                            names: Vec::new(),
                            unit: None,
                            ambiguous: None,
                        });
                        group_names.push(HashSet::new());
                        current = Some(groups.len() - 1);
                        groups.len() - 1
                    }
                };
                if let (Some(group), Some(seen)) = (groups.get_mut(g), group_names.get_mut(g)) {
                    if seen.insert(sym.name) {
                        group.names.push(sym.name.to_vec());
                    }
                }
                local_at
                    .entry((sym.name, sym.st_value))
                    .or_default()
                    .push(g);
            }
            false => {
                if sym.is_defined() {
                    global_at.insert(sym.name, sym.st_value);
                }
            }
        }
    }
    let mut diagnostics = Vec::new();
    match_groups(&mut groups, &inputs, &mut diagnostics);

    let linker = |_: ()| -> Result<Rc<str>, NoPath> {
        match &opts.linker_script_path {
            Some(p) => Ok(Rc::from(p.as_str())),
            None => Err(NoPath::LinkerGenerated),
        }
    };
    let lds: Result<Rc<str>, NoPath> = linker(());

    let local_path = |g: usize, name: &[u8]| -> Result<Rc<str>, NoPath> {
        let Some(group) = groups.get(g) else {
            return Err(NoPath::NotInImage);
        };
        if let Some(c) = &group.ambiguous {
            return Err(NoPath::Ambiguous(c.clone()));
        }
        match group.unit.and_then(|u| inputs.units.get(u)) {
            Some(unit) if unit.locals.contains(name) => inputs.object_path(unit.object),
            // A local the matched object does not define, or a group of linker-made locals.
            Some(_) => lds.clone(),
            None if group.file.is_empty() => lds.clone(),
            None => Err(NoPath::UnmatchedGroup(
                String::from_utf8_lossy(&group.file).into_owned(),
            )),
        }
    };
    let global_path = |name: &[u8], diagnostics: &mut Vec<String>| -> Result<Rc<str>, NoPath> {
        let Some(defs) = inputs.globals.get(name) else {
            return lds.clone();
        };
        let strong: Vec<&GlobalDef> = defs.iter().filter(|d| !d.weak).collect();
        let chosen: Vec<&GlobalDef> = if strong.is_empty() {
            // ld keeps the first weak definition in link order.
            defs.first().into_iter().collect()
        } else {
            strong
        };
        let paths: HashSet<Option<&str>> = chosen
            .iter()
            .filter_map(|d| inputs.objects.get(d.object))
            .map(|o| o.path.as_deref())
            .collect();
        match chosen.first() {
            Some(first) if paths.len() == 1 => inputs.object_path(first.object),
            Some(_) => {
                let c: Vec<String> = chosen.iter().map(|d| inputs.describe(d.object)).collect();
                diagnostics.push(format!(
                    "global {} has several strong definitions: {}",
                    String::from_utf8_lossy(name),
                    c.join(" / ")
                ));
                Err(NoPath::Ambiguous(c))
            }
            None => lds.clone(),
        }
    };

    // How many `.syms` lines of each (name, address) were already handed out, and how many
    // the input has: identical lines (two zero-size `__key.0` statics of different files at
    // one address) are indistinguishable, so the k-th line takes the k-th image symbol in
    // symtab order; the lines being identical, every such bijection gives the same set.
    let mut line_count: HashMap<(&[u8], u64), usize> = HashMap::new();
    for sym in syms {
        *line_count
            .entry((sym.name, sym.address & address_mask))
            .or_default() += 1;
    }
    let mut handed_out: HashMap<(&[u8], u64), usize> = HashMap::new();

    let mut paths = Vec::with_capacity(syms.len());
    for sym in syms {
        let wants_local = sym.type_char.is_ascii_lowercase() && sym.type_char != b'u';
        let address = sym.address & address_mask;
        let key = (sym.name, address);
        let nth = {
            let n = handed_out.entry(key).or_default();
            *n += 1;
            *n - 1
        };
        let local = || -> Option<Result<Rc<str>, NoPath>> {
            let gs = local_at.get(&key)?;
            let results: Vec<Result<Rc<str>, NoPath>> =
                gs.iter().map(|&g| local_path(g, sym.name)).collect();
            let first = results.first()?.clone();
            if results.iter().all(|r| *r == first) {
                return Some(first);
            }
            if line_count.get(&key) == Some(&results.len()) {
                return results.get(nth).cloned();
            }
            let c: Vec<String> = results
                .iter()
                .map(|r| match r {
                    Ok(p) => p.to_string(),
                    Err(e) => e.to_string(),
                })
                .collect();
            Some(Err(NoPath::Ambiguous(c)))
        };
        let is_global = global_at.get(sym.name) == Some(&address);
        let result = if wants_local || !is_global {
            match local() {
                Some(r) => r,
                None if is_global => global_path(sym.name, &mut diagnostics),
                None => Err(NoPath::NotInImage),
            }
        } else {
            global_path(sym.name, &mut diagnostics)
        };
        if let Err(NoPath::Ambiguous(c)) = &result {
            if wants_local {
                diagnostics.push(format!(
                    "local {} at {:#x}: {}",
                    String::from_utf8_lossy(sym.name),
                    sym.address,
                    c.join(" / ")
                ));
            }
        }
        paths.push(result);
    }

    // Prefix symbols no input defines were made by objtool in vmlinux.o: each takes the path
    // of its function, the next symbol of that name (objtool puts the prefix right before it).
    let input_locals: HashSet<&[u8]> = inputs
        .units
        .iter()
        .flat_map(|u| u.locals.iter().map(Vec::as_slice))
        .collect();
    let defined_by_inputs =
        |name: &[u8]| inputs.globals.contains_key(name) || input_locals.contains(name);
    let mut by_name: HashMap<&[u8], Vec<usize>> = HashMap::new();
    for (i, sym) in syms.iter().enumerate() {
        if !sym.name.is_empty() {
            by_name.entry(sym.name).or_default().push(i);
        }
    }
    for (i, sym) in syms.iter().enumerate() {
        let Some(function) = kpaths::elf::prefixed_name(sym.name) else {
            continue;
        };
        if defined_by_inputs(sym.name) {
            continue;
        }
        let next = by_name.get(function).and_then(|candidates| {
            candidates
                .iter()
                .copied()
                .filter(|&j| syms[j].address > sym.address)
                .min_by_key(|&j| syms[j].address)
        });
        if let Some(j) = next {
            paths[i] = paths[j].clone();
        }
    }
    diagnostics.sort();
    diagnostics.dedup();
    Ok(Resolution { paths, diagnostics })
}

/// Parses a `.syms` file into the resolver's input (tests; the core has its own reader with
/// the C tool's exact diagnostics).
#[cfg(test)]
pub(crate) fn parse_syms(data: &[u8]) -> Vec<InputSymbol<'_>> {
    data.split(|&b| b == b'\n')
        .filter_map(|line| {
            let mut parts = line.splitn(3, |&b| b == b' ');
            let addr = std::str::from_utf8(parts.next()?).ok()?;
            let address = u64::from_str_radix(addr, 16).ok()?;
            let ty = parts.next()?;
            let name = parts.next()?;
            (ty.len() == 1).then(|| InputSymbol {
                address,
                type_char: ty[0],
                name,
            })
        })
        .collect()
}
