//! The per-archive path manifest (specified in docs/manifest-format.md).
//!
//! Kbuild makes `built-in.a`, `lib.a` and `vmlinux.a` as thin archives of compiler-written
//! objects. When CONFIG_KALLSYMS_PATHS=y, `modpost-rs manifest` writes `<archive>.manifest`
//! beside each of them: for every member object, in archive order, its objtree-relative path,
//! its source path ([`crate::tree`]) and its `STT_FILE` and defined symbols in symtab order.
//! kallsyms-rs reads the manifest of `vmlinux.a` to give every symbol of the linked image its
//! source path, so no object is ever rewritten.

use std::collections::HashMap;
use std::path::Path;
use std::path::PathBuf;

use crate::elf::nm_type;
use crate::elf::ElfFile;
use crate::error::Context;
use crate::error::Error;
use crate::error::Result;
use crate::tree::normalize;
use crate::tree::Trees;

/// First line of every manifest; the number is the format version.
pub const MANIFEST_MAGIC: &str = "modpost-rs-manifest 1";

/// Suffix appended to an archive's file name to name its manifest (`built-in.a.manifest`).
pub const MANIFEST_SUFFIX: &str = ".manifest";

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

/// Describes one object for a manifest: its `STT_FILE` and defined non-section symbols in
/// symtab order. `object` is the objtree-relative name recorded in the entry.
pub fn describe_object(data: &[u8], object: &str, source: Option<String>) -> Result<ObjectEntry> {
    let file = ElfFile::parse(data).context(object)?;
    let mut entry = ObjectEntry {
        object: object.to_owned(),
        source,
        symbols: Vec::new(),
    };
    let Some(symtab) = file.symbols().context(object)? else {
        return Ok(entry);
    };
    for sym in symtab.symbols.iter().skip(1) {
        if sym.is_file() {
            if !sym.name.is_empty() {
                entry.symbols.push(ManifestSymbol::File(sym.name.to_vec()));
            }
        } else if sym.is_defined() && !sym.is_section() && !sym.name.is_empty() {
            entry.symbols.push(ManifestSymbol::Defined {
                type_char: nm_type(&file, sym),
                name: sym.name.to_vec(),
            });
        }
    }
    Ok(entry)
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
            Err(e) => return Err(Error::io(path.display(), &e)),
        };
        let sub = Manifest::parse(&data, &path.to_string_lossy())?;
        for entry in sub.objects {
            known.entry(entry.object.clone()).or_insert(entry);
        }
    }

    let archive_abs = trees.objtree.join(archive);
    let data = std::fs::read(&archive_abs).map_err(|e| Error::io(archive.display(), &e))?;
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
            normalize(&archive_dir.join(&name))
        } else {
            normalize(Path::new(&name))
        };
        let object = object.to_string_lossy().into_owned();
        if let Some(entry) = known.get(&object) {
            manifest.objects.push(entry.clone());
            continue;
        }
        let owned;
        let bytes: &[u8] = if member.is_thin() {
            owned = std::fs::read(trees.objtree.join(&object))
                .map_err(|e| Error::io(format!("{}: member {object}", archive.display()), &e))?;
            &owned
        } else {
            member
                .data(&*data)
                .map_err(|e| Error::new(format!("{}: member {object}: {e}", archive.display())))?
        };
        let source = trees.source_of(Path::new(&object))?;
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
            e.message()
                .starts_with("x.manifest:2: record before the first"),
            "{e}"
        );
        let e = Manifest::parse(b"modpost-rs-manifest 1\nobject a.o\nbogus\n", "x").unwrap_err();
        assert!(e.message().starts_with("x:3: unknown record"), "{e}");
        let e = Manifest::parse(b"modpost-rs-manifest 1\nobject a.o\n\nT f\n", "x").unwrap_err();
        assert!(e.message().starts_with("x:3: empty line"), "{e}");
        let e = Manifest::parse(b"garbage\n", "x").unwrap_err();
        assert!(e.message().starts_with("x:1: not a manifest"), "{e}");
        let e = Manifest::parse(b"modpost-rs-manifest 1\nobject a.o", "x").unwrap_err();
        assert!(e.message().contains("truncated"), "{e}");
        let e = Manifest::parse(b"modpost-rs-manifest 1\nobject a.o\nT f\nsource a.c\n", "x")
            .unwrap_err();
        assert!(e.message().starts_with("x:4: 'source' must follow"), "{e}");
    }

    #[test]
    fn refuses_newlines_in_names() {
        let mut m = sample();
        m.objects[0].symbols.push(ManifestSymbol::Defined {
            type_char: b'T',
            name: b"a\nb".to_vec(),
        });
        assert!(m.to_bytes().unwrap_err().message().contains("newline"));
    }
}
