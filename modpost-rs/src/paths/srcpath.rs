//! Where an object came from: the `source_<obj> := <path>` line of its `.<obj>.cmd` file, made
//! relative to the tree it lives in, and the member list of a module's `.mod` file.
//!
//! Paths in the section must not depend on where the build happened (reproducible builds), so
//! `../`-prefixed and absolute sources are resolved lexically and made relative to the deepest of
//! the external module directory, the object tree and the source tree that contains them.
//! "Deepest" matters when one tree lies inside another (`O=build` inside the source tree, or an
//! external module inside either): a generated `fs/fat/fat.mod.c` in `<srctree>/build` must come
//! out as `fs/fat/fat.mod.c`, not `build/fs/fat/fat.mod.c`.

use std::path::{Component, Path, PathBuf};

/// The trees a source path may be relative to (all absolute and normalised).
#[derive(Debug, Clone)]
pub(crate) struct Trees {
    /// `$(srctree)`.
    pub(crate) srctree: PathBuf,
    /// `$(objtree)`; relative paths in `.cmd` and `.mod` files are relative to it.
    pub(crate) objtree: PathBuf,
    /// `$(KBUILD_EXTMOD)` for `make M=` builds.
    pub(crate) extmod: Option<PathBuf>,
}

impl Trees {
    /// Build from command-line values; relative ones are taken from the current directory.
    pub(crate) fn new(
        srctree: &Path,
        objtree: &Path,
        extmod: Option<&Path>,
    ) -> std::io::Result<Self> {
        let cwd = std::env::current_dir()?;
        let abs = |p: &Path| normalize(&cwd.join(p));
        Ok(Trees {
            srctree: abs(srctree),
            objtree: abs(objtree),
            extmod: extmod.map(abs),
        })
    }

    /// A file named in a `.cmd`/`.mod` file, as an absolute path.
    pub(crate) fn resolve(&self, p: &Path) -> PathBuf {
        normalize(&self.objtree.join(p))
    }

    /// The path stored in the section for source file `p` (as written in a `.cmd` file).
    pub(crate) fn display_path(&self, p: &Path) -> String {
        let abs = self.resolve(p);
        let mut best: Option<(usize, &Path)> = None;
        for root in [
            Some(self.srctree.as_path()),
            Some(self.objtree.as_path()),
            self.extmod.as_deref(),
        ]
        .into_iter()
        .flatten()
        {
            if let Ok(rel) = abs.strip_prefix(root) {
                let depth = root.components().count();
                if best.is_none_or(|(d, _)| depth > d) {
                    best = Some((depth, rel));
                }
            }
        }
        match best {
            Some((_, rel)) => rel.to_string_lossy().into_owned(),
            // Outside every tree (e.g. a toolchain file): keep the absolute path, which is at
            // least truthful.
            None => abs.to_string_lossy().into_owned(),
        }
    }
}

/// Lexical normalisation: drop `.`, apply `..` (never above the root). Symlinks are not
/// followed: Kbuild itself names files lexically.
pub(crate) fn normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// `dir/.name.cmd` for target `dir/name`.
pub(crate) fn cmd_file_of(target: &Path) -> PathBuf {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    target.with_file_name(format!(".{name}.cmd"))
}

/// The source path recorded for `target` in its `.cmd` file, as written there (`Ok(None)` if the
/// file has no `source_` line, e.g. an object that was not compiled from one source).
pub(crate) fn source_of(trees: &Trees, target: &Path) -> Result<Option<String>, String> {
    let cmd = trees.resolve(&cmd_file_of(target));
    let text = std::fs::read(&cmd)
        .map_err(|e| format!("{}: {}", cmd.display(), crate::diag::strerror(&e)))?;
    for line in text.split(|&b| b == b'\n') {
        let Some(rest) = line.strip_prefix(b"source_") else {
            continue;
        };
        let Some(pos) = rest.windows(4).position(|w| w == b" := ") else {
            continue;
        };
        let value = String::from_utf8_lossy(&rest[pos + 4..]).trim().to_string();
        if value.is_empty() {
            return Ok(None);
        }
        return Ok(Some(trees.display_path(Path::new(&value))));
    }
    Ok(None)
}

/// The objects a module object is linked from, in link order: the `.mod` file next to it if it
/// names other objects, else the object itself.
pub(crate) fn members_of(trees: &Trees, object: &Path) -> Result<Vec<PathBuf>, String> {
    let mod_file = trees.resolve(&object.with_extension("mod"));
    match std::fs::read(&mod_file) {
        Ok(text) => {
            let list: Vec<PathBuf> = text
                .split(|b| b.is_ascii_whitespace())
                .filter(|w| !w.is_empty())
                .map(|w| PathBuf::from(String::from_utf8_lossy(w).into_owned()))
                .collect();
            if list.is_empty() {
                return Err(format!("{}: lists no objects", mod_file.display()));
            }
            Ok(list)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(vec![object.to_path_buf()]),
        Err(e) => Err(format!(
            "{}: {}",
            mod_file.display(),
            crate::diag::strerror(&e)
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trees(src: &str, obj: &str, ext: Option<&str>) -> Trees {
        Trees::new(Path::new(src), Path::new(obj), ext.map(Path::new)).unwrap()
    }

    #[test]
    fn absolute_source_in_srctree_with_o_equals() {
        let t = trees("/src/linux", "/build/o", None);
        assert_eq!(
            t.display_path(Path::new("/src/linux/fs/fat/cache.c")),
            "fs/fat/cache.c"
        );
        assert_eq!(
            t.display_path(Path::new("fs/fat/fat.mod.c")),
            "fs/fat/fat.mod.c"
        );
    }

    #[test]
    fn dotdot_srctree_when_objtree_is_a_subdirectory() {
        let t = trees("/src/linux", "/src/linux/build", None);
        assert_eq!(
            t.display_path(Path::new("../fs/fat/cache.c")),
            "fs/fat/cache.c"
        );
        // generated in the objtree, which lies inside the srctree: objtree wins (deeper)
        assert_eq!(
            t.display_path(Path::new("fs/fat/fat.mod.c")),
            "fs/fat/fat.mod.c"
        );
        assert_eq!(
            t.display_path(Path::new("./lib/../lib/crc32.c")),
            "lib/crc32.c"
        );
    }

    #[test]
    fn in_tree_build() {
        let t = trees("/src/linux", "/src/linux", None);
        assert_eq!(t.display_path(Path::new("lib/crc32.c")), "lib/crc32.c");
    }

    #[test]
    fn external_module_relative_to_its_directory() {
        let t = trees("/src/linux", "/build/o", Some("/home/me/kotest"));
        assert_eq!(
            t.display_path(Path::new("/home/me/kotest/kotest.c")),
            "kotest.c"
        );
        assert_eq!(
            t.display_path(Path::new("/home/me/kotest/sub/b.c")),
            "sub/b.c"
        );
        assert_eq!(
            t.display_path(Path::new("/src/linux/scripts/module-common.c")),
            "scripts/module-common.c"
        );
    }

    #[test]
    fn cmd_file_name() {
        assert_eq!(
            cmd_file_of(Path::new("fs/fat/cache.o")),
            Path::new("fs/fat/.cache.o.cmd")
        );
        assert_eq!(
            cmd_file_of(Path::new(".module-common.o")),
            Path::new("..module-common.o.cmd")
        );
    }
}
