//! The per-archive path manifest (specified in docs/manifest-format.md).
//!
//! Kbuild makes `built-in.a`, `lib.a` and `vmlinux.a` as thin archives of compiler-written
//! objects. When CONFIG_KALLSYMS_PATHS=y, `modpost-rs manifest` writes `<archive>.manifest`
//! beside each of them: for every member object, in archive order, its objtree-relative path,
//! its source path (srctree-relative, or objtree-relative for generated sources) and its defined
//! symbols in symtab order. kallsyms-rs reads the manifest of `vmlinux.a` to give every symbol of
//! the linked image its source path, so no object ever needs rewriting.
//!
//! This module holds the format (parse / serialise), the ELF symbol reader shared by the
//! manifest writer and the kallsyms resolver, and the `.cmd`-file source lookup with its path
//! normalisation.

use std::collections::HashMap;
use std::fmt;
use std::path::Component;
use std::path::Path;
use std::path::PathBuf;

use object::elf;
use object::read::elf::FileHeader;
use object::read::elf::SectionHeader;
use object::read::elf::Sym;
use object::Endianness;

/// First line of every manifest; the number is the format version.
pub const MANIFEST_MAGIC: &str = "modpost-rs-manifest 1";

/// Suffix appended to an archive's file name to name its manifest (`built-in.a.manifest`).
pub const MANIFEST_SUFFIX: &str = ".manifest";

/// An error with enough context to find the bad input (file, line or offset, what was wrong).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// The complete message, starting with the file it is about.
    pub message: String,
}

impl Error {
    /// Wraps a message.
    pub fn new(message: impl Into<String>) -> Self {
        Error {
            message: message.into(),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

/// Result type of this module.
pub type Result<T> = std::result::Result<T, Error>;

/// One symbol line of a manifest object entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ManifestSymbol {
    /// An `STT_FILE` symbol (`file <name>`): it opens the group of local symbols that follow.
    File(Vec<u8>),
    /// A defined symbol (`<type> <name>`).
    Defined {
        /// The nm-style type letter: lower case for locals, `W`/`V` for weak definitions, `u` for
        /// `STB_GNU_UNIQUE`, other upper case letters for strong globals.
        type_char: u8,
        /// The symbol name as in the object's string table.
        name: Vec<u8>,
    },
}

impl ManifestSymbol {
    /// True for a local (`STB_LOCAL`) definition.
    pub fn is_local(type_char: u8) -> bool {
        type_char.is_ascii_lowercase() && type_char != b'u'
    }

    /// True for a weak definition (nm's `W` and `V`).
    pub fn is_weak(type_char: u8) -> bool {
        type_char == b'W' || type_char == b'V'
    }
}

/// One member object of an archive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectEntry {
    /// The object's path relative to objtree, as Kbuild names it (`kernel/fork.o`).
    pub object: String,
    /// The source path: srctree-relative, objtree-relative for generated sources; `None` when
    /// the object has no `.cmd` file or no `source_` line in it.
    pub source: Option<String>,
    /// `STT_FILE` and defined symbols (no section symbols, no undefined ones), in symtab order.
    pub symbols: Vec<ManifestSymbol>,
}

/// A whole manifest: the member objects of one archive, in archive order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Manifest {
    /// The member objects in archive order (the link order for `vmlinux.a`).
    pub objects: Vec<ObjectEntry>,
}

/// The manifest file name for `archive` (`foo/built-in.a` -> `foo/built-in.a.manifest`).
pub fn manifest_path_for(archive: &Path) -> PathBuf {
    let mut name = archive.as_os_str().to_owned();
    name.push(MANIFEST_SUFFIX);
    PathBuf::from(name)
}

fn check_field(what: &str, value: &[u8], object: &str) -> Result<()> {
    if value.is_empty() || value.contains(&b'\n') || value.contains(&0) {
        return Err(Error::new(format!(
            "{object}: {what} {:?} is empty or contains a newline or NUL; it cannot be stored in a manifest",
            String::from_utf8_lossy(value)
        )));
    }
    Ok(())
}

impl Manifest {
    /// Serialises the manifest (the exact bytes of the file).
    pub fn to_bytes(&self) -> Result<Vec<u8>> {
        let mut out = Vec::with_capacity(64 + self.objects.len() * 512);
        out.extend_from_slice(MANIFEST_MAGIC.as_bytes());
        out.push(b'\n');
        for obj in &self.objects {
            check_field("object path", obj.object.as_bytes(), &obj.object)?;
            out.extend_from_slice(b"object ");
            out.extend_from_slice(obj.object.as_bytes());
            out.push(b'\n');
            if let Some(source) = &obj.source {
                check_field("source path", source.as_bytes(), &obj.object)?;
                out.extend_from_slice(b"source ");
                out.extend_from_slice(source.as_bytes());
                out.push(b'\n');
            }
            for sym in &obj.symbols {
                match sym {
                    ManifestSymbol::File(name) => {
                        check_field("file symbol", name, &obj.object)?;
                        out.extend_from_slice(b"file ");
                        out.extend_from_slice(name);
                    }
                    ManifestSymbol::Defined { type_char, name } => {
                        check_field("symbol name", name, &obj.object)?;
                        if !type_char.is_ascii_graphic() {
                            return Err(Error::new(format!(
                                "{}: symbol type {:#04x} is not a printable character",
                                obj.object, type_char
                            )));
                        }
                        out.push(*type_char);
                        out.push(b' ');
                        out.extend_from_slice(name);
                    }
                }
                out.push(b'\n');
            }
        }
        Ok(out)
    }

    /// Parses manifest bytes; `file` names the input in error messages.
    pub fn parse(data: &[u8], file: &str) -> Result<Manifest> {
        let mut manifest = Manifest::default();
        let mut lines = data.split(|&b| b == b'\n');
        let first = lines.next().unwrap_or_default();
        if first != MANIFEST_MAGIC.as_bytes() {
            return Err(Error::new(format!(
                "{file}:1: not a manifest: expected {MANIFEST_MAGIC:?}, found {:?}",
                String::from_utf8_lossy(first)
            )));
        }
        if !data.ends_with(b"\n") {
            return Err(Error::new(format!(
                "{file}: truncated: the last line has no newline"
            )));
        }
        for (index, line) in lines.enumerate() {
            let line_no = index + 2;
            if line.is_empty() {
                // The split after the final newline yields one empty piece; any other empty
                // line is malformed.
                if index + 2 == data.split(|&b| b == b'\n').count() {
                    break;
                }
                return Err(Error::new(format!("{file}:{line_no}: empty line")));
            }
            let bad = |what: &str| {
                Error::new(format!(
                    "{file}:{line_no}: {what}: {:?}",
                    String::from_utf8_lossy(line)
                ))
            };
            if let Some(path) = line.strip_prefix(b"object ") {
                let path = std::str::from_utf8(path)
                    .map_err(|_| bad("object path is not UTF-8"))?
                    .to_owned();
                if path.is_empty() {
                    return Err(bad("empty object path"));
                }
                manifest.objects.push(ObjectEntry {
                    object: path,
                    source: None,
                    symbols: Vec::new(),
                });
                continue;
            }
            let Some(current) = manifest.objects.last_mut() else {
                return Err(bad("record before the first 'object' line"));
            };
            if let Some(path) = line.strip_prefix(b"source ") {
                if current.source.is_some() || !current.symbols.is_empty() {
                    return Err(bad("'source' must follow its 'object' line directly, once"));
                }
                let path =
                    std::str::from_utf8(path).map_err(|_| bad("source path is not UTF-8"))?;
                if path.is_empty() {
                    return Err(bad("empty source path"));
                }
                current.source = Some(path.to_owned());
            } else if let Some(name) = line.strip_prefix(b"file ") {
                if name.is_empty() {
                    return Err(bad("empty file symbol name"));
                }
                current.symbols.push(ManifestSymbol::File(name.to_vec()));
            } else if line.len() > 2 && line[1] == b' ' && line[0].is_ascii_graphic() {
                current.symbols.push(ManifestSymbol::Defined {
                    type_char: line[0],
                    name: line[2..].to_vec(),
                });
            } else {
                return Err(bad("unknown record"));
            }
        }
        Ok(manifest)
    }
}

/// The binding of an ELF symbol, as far as path resolution cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Binding {
    /// `STB_LOCAL`.
    Local,
    /// `STB_GLOBAL` or `STB_GNU_UNIQUE`.
    Global,
    /// `STB_WEAK`.
    Weak,
}

/// A symbol read from an ELF symtab, in symtab order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ElfSymbol {
    /// The name from the linked string table.
    pub name: Vec<u8>,
    /// `st_value`.
    pub value: u64,
    /// Local, global or weak.
    pub binding: Binding,
    /// True for `STT_FILE`.
    pub is_file: bool,
    /// True for `STT_SECTION`.
    pub is_section: bool,
    /// False for `SHN_UNDEF`.
    pub is_defined: bool,
    /// The nm-style type letter (see [`nm_type`]).
    pub type_char: u8,
}

/// Reads every symbol of the `SHT_SYMTAB` of an ELF file (32/64-bit, either endianness, with
/// `SHN_XINDEX`). Index 0 is skipped. `file` names the input in error messages.
pub fn read_elf_symbols(data: &[u8], file: &str) -> Result<Vec<ElfSymbol>> {
    match object::FileKind::parse(data) {
        Ok(object::FileKind::Elf32) => read_symbols_of::<elf::FileHeader32<Endianness>>(data, file),
        Ok(object::FileKind::Elf64) => read_symbols_of::<elf::FileHeader64<Endianness>>(data, file),
        Ok(kind) => Err(Error::new(format!("{file}: not an ELF file ({kind:?})"))),
        Err(e) => Err(Error::new(format!("{file}: not an ELF file: {e}"))),
    }
}

fn read_symbols_of<H: FileHeader<Endian = Endianness>>(
    data: &[u8],
    file: &str,
) -> Result<Vec<ElfSymbol>> {
    let err = |e: object::Error| Error::new(format!("{file}: bad ELF: {e}"));
    let header = H::parse(data).map_err(err)?;
    let endian = header.endian().map_err(err)?;
    let sections = header.sections(endian, data).map_err(err)?;
    let symtab = sections
        .symbols(endian, data, elf::SHT_SYMTAB)
        .map_err(err)?;
    let mut out = Vec::with_capacity(symtab.len());
    for (index, sym) in symtab.enumerate().skip(1) {
        let name = symtab
            .symbol_name(endian, sym)
            .map_err(|e| Error::new(format!("{file}: symbol {}: bad name: {e}", index.0)))?;
        let bind = sym.st_bind();
        let binding = if bind == elf::STB_LOCAL {
            Binding::Local
        } else if bind == elf::STB_WEAK {
            Binding::Weak
        } else {
            Binding::Global
        };
        let shndx = sym.st_shndx(endian);
        let section = symtab.symbol_section(endian, sym, index).map_err(|e| {
            Error::new(format!(
                "{file}: symbol {}: bad section index: {e}",
                index.0
            ))
        })?;
        let is_defined = shndx != elf::SHN_UNDEF;
        let section_flags = match section {
            Some(i) => {
                let sh = sections.section(i).map_err(|e| {
                    Error::new(format!(
                        "{file}: symbol {} ({}): section {}: {e}",
                        index.0,
                        String::from_utf8_lossy(name),
                        i.0
                    ))
                })?;
                Some((sh.sh_type(endian), sh.sh_flags(endian).0))
            }
            None => None,
        };
        let st_type = sym.st_type();
        let type_char = nm_type(bind, st_type, shndx, section_flags);
        out.push(ElfSymbol {
            name: name.to_vec(),
            value: sym.st_value(endian).into(),
            binding,
            is_file: st_type == elf::STT_FILE,
            is_section: st_type == elf::STT_SECTION,
            is_defined,
            type_char,
        });
    }
    Ok(out)
}

/// An nm-like type letter. Only its case and `W`/`V`/`u` carry meaning for path resolution;
/// the letter itself is informational (it follows binutils' flag-based rules, not its
/// section-name table, so e.g. `.init.data` is `d` here and in nm alike, but exotic sections
/// may differ).
pub fn nm_type(
    bind: elf::SymbolBind,
    st_type: elf::SymbolType,
    shndx: elf::SymbolSection,
    section: Option<(elf::SectionType, u64)>,
) -> u8 {
    if shndx == elf::SHN_COMMON {
        return b'C';
    }
    if shndx == elf::SHN_UNDEF {
        return if bind == elf::STB_WEAK {
            if st_type == elf::STT_OBJECT {
                b'v'
            } else {
                b'w'
            }
        } else {
            b'U'
        };
    }
    if bind == elf::STB_WEAK {
        return if st_type == elf::STT_OBJECT {
            b'V'
        } else {
            b'W'
        };
    }
    if bind == elf::STB_GNU_UNIQUE {
        return b'u';
    }
    let letter = if shndx == elf::SHN_ABS {
        b'a'
    } else if st_type == elf::STT_GNU_IFUNC {
        b'i'
    } else {
        match section {
            Some((sh_type, flags)) => {
                let alloc = flags & elf::SHF_ALLOC.0 != 0;
                if flags & elf::SHF_EXECINSTR.0 != 0 {
                    b't'
                } else if alloc && sh_type == elf::SHT_NOBITS {
                    b'b'
                } else if alloc && flags & elf::SHF_WRITE.0 != 0 {
                    b'd'
                } else if alloc {
                    b'r'
                } else {
                    b'n'
                }
            }
            None => b'?',
        }
    };
    if bind == elf::STB_LOCAL || letter == b'i' {
        letter
    } else {
        letter.to_ascii_uppercase()
    }
}

/// Describes one object for a manifest: its `STT_FILE` and defined non-section symbols in
/// symtab order. `object` is the objtree-relative name recorded in the entry.
pub fn describe_object(data: &[u8], object: &str, source: Option<String>) -> Result<ObjectEntry> {
    let symbols = read_elf_symbols(data, object)?;
    let mut entry = ObjectEntry {
        object: object.to_owned(),
        source,
        symbols: Vec::new(),
    };
    for sym in symbols {
        if sym.is_file {
            if !sym.name.is_empty() {
                entry.symbols.push(ManifestSymbol::File(sym.name));
            }
        } else if sym.is_defined && !sym.is_section && !sym.name.is_empty() {
            entry.symbols.push(ManifestSymbol::Defined {
                type_char: sym.type_char,
                name: sym.name,
            });
        }
    }
    Ok(entry)
}

/// Lexically normalises a path: drops `.`, folds `dir/..` (never above the root or a leading
/// run of `..`), keeps it absolute or relative as it was.
pub fn normalize_lexically(path: &Path) -> PathBuf {
    let mut out: Vec<Component<'_>> = Vec::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => match out.last() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                Some(Component::RootDir) | Some(Component::Prefix(_)) => {}
                _ => out.push(c),
            },
            _ => out.push(c),
        }
    }
    let p: PathBuf = out.iter().collect();
    if p.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        p
    }
}

/// The two trees a source path is made relative to. Both are absolute and normalised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trees {
    /// `$(srctree)`, made absolute.
    pub srctree: PathBuf,
    /// `$(objtree)`: the directory Kbuild runs in (the O= directory), made absolute.
    pub objtree: PathBuf,
}

impl Trees {
    /// Builds the pair from possibly relative paths, resolved against the current directory.
    pub fn new(srctree: &Path, objtree: &Path) -> Result<Trees> {
        let cwd = std::env::current_dir()
            .map_err(|e| Error::new(format!("cannot read the current directory: {e}")))?;
        Ok(Trees {
            srctree: normalize_lexically(&cwd.join(srctree)),
            objtree: normalize_lexically(&cwd.join(objtree)),
        })
    }

    /// Makes a source path as written in a `.cmd` file (`source_<obj> := <path>`) relative:
    /// to srctree when it lies there, else to objtree (generated sources), else it is returned
    /// absolute (a file outside both trees). A relative path is taken relative to objtree,
    /// which is where make runs. srctree is tried first so an in-tree build (srctree ==
    /// objtree) and an O= build give the same string for every source file.
    pub fn relative_source(&self, source: &str) -> String {
        let abs = normalize_lexically(&self.objtree.join(source));
        for base in [&self.srctree, &self.objtree] {
            if let Ok(rel) = abs.strip_prefix(base) {
                if !rel.as_os_str().is_empty() {
                    return rel.to_string_lossy().into_owned();
                }
            }
        }
        // Symlinked trees: compare canonical forms as a fallback.
        if let Ok(canon) = abs.canonicalize() {
            for base in [&self.srctree, &self.objtree] {
                if let Ok(base) = base.canonicalize() {
                    if let Ok(rel) = canon.strip_prefix(&base) {
                        return rel.to_string_lossy().into_owned();
                    }
                }
            }
        }
        abs.to_string_lossy().into_owned()
    }

    /// The `.cmd` file Kbuild writes for `object` (`kernel/fork.o` -> `kernel/.fork.o.cmd`).
    pub fn cmd_file_for(&self, object: &str) -> PathBuf {
        let obj = Path::new(object);
        let name = obj
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let dir = obj.parent().unwrap_or(Path::new(""));
        self.objtree.join(dir).join(format!(".{name}.cmd"))
    }

    /// The relative source path of `object` from its `.cmd` file, or `None` when there is no
    /// `.cmd` file or no `source_<object> := ` line in it.
    pub fn source_of(&self, object: &str) -> Result<Option<String>> {
        let cmd = self.cmd_file_for(object);
        let data = match std::fs::read(&cmd) {
            Ok(d) => d,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(Error::new(format!("{}: {e}", cmd.display()))),
        };
        Ok(source_from_cmd(&data, object).map(|s| self.relative_source(&s)))
    }
}

/// Finds `source_<object> := <path>` in the bytes of a `.cmd` file and returns the raw path.
pub fn source_from_cmd(cmd: &[u8], object: &str) -> Option<String> {
    let key = format!("source_{object} := ");
    cmd.split(|&b| b == b'\n').find_map(|line| {
        let rest = line.strip_prefix(key.as_bytes())?;
        let rest = std::str::from_utf8(rest).ok()?.trim();
        (!rest.is_empty()).then(|| rest.to_owned())
    })
}

/// Builds the manifest of `archive` (a path relative to objtree or absolute), following the
/// archive's own member list. `inputs` are the archives ar was given: a member listed in one of
/// their manifests is copied from it; every other member is read (from disk for thin members)
/// and its source looked up in its `.cmd` file. Non-archive inputs and archives without a
/// manifest are skipped. Members that are not ELF are recorded without symbols, with a warning.
pub fn build_archive_manifest(
    trees: &Trees,
    archive: &Path,
    inputs: &[PathBuf],
    warnings: &mut Vec<String>,
) -> Result<Manifest> {
    let mut known: HashMap<String, ObjectEntry> = HashMap::new();
    for input in inputs {
        if input.extension().is_none_or(|e| e != "a") {
            continue;
        }
        let path = manifest_path_for(&trees.objtree.join(input));
        let data = match std::fs::read(&path) {
            Ok(d) => d,
            // An archive without a manifest (libgcc.a): its members are read directly.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(Error::new(format!("{}: {e}", path.display()))),
        };
        let sub = Manifest::parse(&data, &path.to_string_lossy())?;
        for entry in sub.objects {
            known.entry(entry.object.clone()).or_insert(entry);
        }
    }

    let archive_abs = trees.objtree.join(archive);
    let data = std::fs::read(&archive_abs)
        .map_err(|e| Error::new(format!("{}: {e}", archive.display())))?;
    let file = object::read::archive::ArchiveFile::parse(&*data)
        .map_err(|e| Error::new(format!("{}: not an archive: {e}", archive.display())))?;
    let archive_dir = archive.parent().unwrap_or(Path::new(""));
    let mut manifest = Manifest::default();
    for member in file.members() {
        let member = member
            .map_err(|e| Error::new(format!("{}: bad member header: {e}", archive.display())))?;
        let name = String::from_utf8_lossy(member.name()).into_owned();
        // Thin members are stored relative to the archive's directory; regular members with
        // `P` keep the name they were given (relative to where ar ran, i.e. objtree).
        let object = if member.is_thin() || !name.contains('/') {
            normalize_lexically(&archive_dir.join(&name))
        } else {
            normalize_lexically(Path::new(&name))
        };
        let object = object.to_string_lossy().into_owned();
        if let Some(entry) = known.get(&object) {
            manifest.objects.push(entry.clone());
            continue;
        }
        let owned;
        let bytes: &[u8] = if member.is_thin() {
            owned = std::fs::read(trees.objtree.join(&object))
                .map_err(|e| Error::new(format!("{}: member {object}: {e}", archive.display())))?;
            &owned
        } else {
            member
                .data(&*data)
                .map_err(|e| Error::new(format!("{}: member {object}: {e}", archive.display())))?
        };
        let source = trees.source_of(&object)?;
        match describe_object(bytes, &object, source.clone()) {
            Ok(entry) => manifest.objects.push(entry),
            Err(e) => {
                // Not fatal: the object keeps its place (link order) without symbols, and its
                // symbols later get no path, which the resolver reports.
                warnings.push(format!(
                    "{}: {e}; recorded without symbols",
                    archive.display()
                ));
                manifest.objects.push(ObjectEntry {
                    object,
                    source,
                    symbols: Vec::new(),
                });
            }
        }
    }
    Ok(manifest)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Manifest {
        Manifest {
            objects: vec![
                ObjectEntry {
                    object: "kernel/fork.o".into(),
                    source: Some("kernel/fork.c".into()),
                    symbols: vec![
                        ManifestSymbol::File(b"fork.c".to_vec()),
                        ManifestSymbol::Defined {
                            type_char: b't',
                            name: b"copy_process".to_vec(),
                        },
                        ManifestSymbol::Defined {
                            type_char: b'T',
                            name: b"kernel_clone".to_vec(),
                        },
                        ManifestSymbol::Defined {
                            type_char: b'W',
                            name: b"arch_fork".to_vec(),
                        },
                    ],
                },
                ObjectEntry {
                    object: "arch/x86/lib/memcpy_64.o".into(),
                    source: None,
                    symbols: vec![],
                },
            ],
        }
    }

    #[test]
    fn round_trip() {
        let m = sample();
        let bytes = m.to_bytes().unwrap();
        assert_eq!(
            String::from_utf8(bytes.clone()).unwrap(),
            "modpost-rs-manifest 1\nobject kernel/fork.o\nsource kernel/fork.c\nfile fork.c\n\
             t copy_process\nT kernel_clone\nW arch_fork\nobject arch/x86/lib/memcpy_64.o\n"
        );
        assert_eq!(Manifest::parse(&bytes, "m").unwrap(), m);
    }

    #[test]
    fn parse_errors_name_the_line() {
        let e = Manifest::parse(b"modpost-rs-manifest 1\nT foo\n", "x.manifest").unwrap_err();
        assert!(
            e.message
                .starts_with("x.manifest:2: record before the first"),
            "{e}"
        );
        let e = Manifest::parse(b"modpost-rs-manifest 1\nobject a.o\nbogus\n", "x").unwrap_err();
        assert!(e.message.starts_with("x:3: unknown record"), "{e}");
        let e = Manifest::parse(b"modpost-rs-manifest 1\nobject a.o\n\nT f\n", "x").unwrap_err();
        assert!(e.message.starts_with("x:3: empty line"), "{e}");
        let e = Manifest::parse(b"garbage\n", "x").unwrap_err();
        assert!(e.message.starts_with("x:1: not a manifest"), "{e}");
        let e = Manifest::parse(b"modpost-rs-manifest 1\nobject a.o", "x").unwrap_err();
        assert!(e.message.contains("truncated"), "{e}");
        let e = Manifest::parse(b"modpost-rs-manifest 1\nobject a.o\nT f\nsource a.c\n", "x")
            .unwrap_err();
        assert!(e.message.starts_with("x:4: 'source' must follow"), "{e}");
    }

    #[test]
    fn refuses_newlines_in_names() {
        let mut m = sample();
        m.objects[0].symbols.push(ManifestSymbol::Defined {
            type_char: b'T',
            name: b"a\nb".to_vec(),
        });
        assert!(m.to_bytes().unwrap_err().message.contains("newline"));
    }

    #[test]
    fn source_paths_are_tree_relative() {
        let t = Trees {
            srctree: "/src/linux".into(),
            objtree: "/build/o".into(),
        };
        assert_eq!(
            t.relative_source("/src/linux/kernel/fork.c"),
            "kernel/fork.c"
        );
        assert_eq!(
            t.relative_source("/src/linux/./kernel/../kernel/fork.c"),
            "kernel/fork.c"
        );
        // Generated in the object tree: objtree-relative.
        assert_eq!(
            t.relative_source("arch/x86/entry/vdso/vdso-image-64.c"),
            "arch/x86/entry/vdso/vdso-image-64.c"
        );
        assert_eq!(t.relative_source("/build/o/lib/gen.c"), "lib/gen.c");
        // O= given relative to the source, the old `../` style.
        assert_eq!(t.relative_source("../../src/linux/mm/slub.c"), "mm/slub.c");
        // Outside both trees: stays absolute.
        assert_eq!(t.relative_source("/elsewhere/x.c"), "/elsewhere/x.c");
        // In-tree build: srctree == objtree.
        let t = Trees {
            srctree: "/src/linux".into(),
            objtree: "/src/linux".into(),
        };
        assert_eq!(t.relative_source("kernel/fork.c"), "kernel/fork.c");
    }

    #[test]
    fn cmd_source_line() {
        let cmd = b"savedcmd_kernel/fork.o := gcc -c\n\nsource_kernel/fork.o := /s/kernel/fork.c\n\ndeps_kernel/fork.o := \\\n";
        assert_eq!(
            source_from_cmd(cmd, "kernel/fork.o").as_deref(),
            Some("/s/kernel/fork.c")
        );
        assert_eq!(source_from_cmd(cmd, "kernel/exit.o"), None);
        let t = Trees {
            srctree: "/s".into(),
            objtree: "/o".into(),
        };
        assert_eq!(
            t.cmd_file_for("kernel/fork.o"),
            PathBuf::from("/o/kernel/.fork.o.cmd")
        );
    }
}
