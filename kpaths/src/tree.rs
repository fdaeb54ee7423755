//! The source-tree resolver: which path a source file is given in kallsyms, and where Kbuild
//! recorded it (`.cmd` and `.mod` files).
//!
//! **The rule.** A source file named in a `.cmd` file (absolute, or relative to objtree where
//! make runs, possibly through `..`) is normalised lexically and made relative to the
//! *deepest* of the trees that contain it: the external module directory (`make M=`), objtree
//! (`O=`) and srctree. Deepest matters when one tree lies inside another: with `O=build` inside
//! the source tree, a generated `<srctree>/build/arch/x86/entry/vdso/vdso-image-64.c` is
//! `arch/x86/entry/vdso/vdso-image-64.c` (objtree-relative), not `build/arch/...`; an
//! in-tree build (srctree == objtree) and any `O=` build give every file the same string, so
//! two builds of one source in different directories get identical tables. If no tree contains
//! the lexical path (trees reached through symlinks), the canonical paths are compared the same
//! way. A file outside every tree (a toolchain header, say) keeps its absolute path, which is
//! at least truthful.
//!
//! vmlinux (`modpost-rs manifest`, kallsyms-rs) and modules (`modpost-rs ko-paths`) use this
//! one resolver, so a file gets the same path wherever it is linked.

use std::path::Component;
use std::path::Path;
use std::path::PathBuf;

use crate::error::Error;
use crate::error::Result;

/// The trees a source path may be relative to; absolute and normalised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trees {
    /// `$(srctree)`.
    pub srctree: PathBuf,
    /// `$(objtree)`: where make runs; relative names in `.cmd`/`.mod` files start here.
    pub objtree: PathBuf,
    /// `$(KBUILD_EXTMOD)` of a `make M=` build.
    pub extmod: Option<PathBuf>,
}

impl Trees {
    /// The trees from command-line values; relative ones are taken from the current directory.
    pub fn new(srctree: &Path, objtree: &Path, extmod: Option<&Path>) -> Result<Trees> {
        let cwd = std::env::current_dir()
            .map_err(|e| Error::io("cannot read the current directory", &e))?;
        let abs = |p: &Path| normalize(&cwd.join(p));
        Ok(Trees {
            srctree: abs(srctree),
            objtree: abs(objtree),
            extmod: extmod.map(abs),
        })
    }

    /// A file named in a `.cmd`/`.mod` file or on the command line, as an absolute path.
    pub fn resolve(&self, p: &Path) -> PathBuf {
        normalize(&self.objtree.join(p))
    }

    /// The path kallsyms shows for source file `p` (see the module comment for the rule).
    pub fn relative(&self, p: &Path) -> String {
        let abs = self.resolve(p);
        if let Some(rel) = self.relative_to_deepest(&abs, |root| root.to_path_buf()) {
            return rel;
        }
        if let Ok(canon) = abs.canonicalize() {
            let canon_root = |root: &Path| root.canonicalize().unwrap_or_else(|_| root.into());
            if let Some(rel) = self.relative_to_deepest(&canon, canon_root) {
                return rel;
            }
        }
        abs.to_string_lossy().into_owned()
    }

    fn relative_to_deepest(
        &self,
        abs: &Path,
        root_of: impl Fn(&Path) -> PathBuf,
    ) -> Option<String> {
        let roots = [
            Some(&self.srctree),
            Some(&self.objtree),
            self.extmod.as_ref(),
        ];
        let mut best: Option<(usize, String)> = None;
        for root in roots.into_iter().flatten().map(|r| root_of(r)) {
            let Ok(rel) = abs.strip_prefix(&root) else {
                continue;
            };
            if rel.as_os_str().is_empty() {
                continue;
            }
            let depth = root.components().count();
            if best.as_ref().is_none_or(|(d, _)| depth > *d) {
                best = Some((depth, rel.to_string_lossy().into_owned()));
            }
        }
        best.map(|(_, rel)| rel)
    }

    /// The srctree-relative source of `target` from its `.cmd` file; `None` when there is no
    /// `.cmd` file or it has no `source_` line (an object not compiled from one source). An
    /// object that `objcopy` made from another object (arm64's `pi/%.pi.o`, whose symbols
    /// get the `__pi_` prefix) has the source of that object.
    pub fn source_of(&self, target: &Path) -> Result<Option<String>> {
        let mut target = target.to_path_buf();
        // a chain of copies is short; the bound only stops a cycle of .cmd files
        for _ in 0..8 {
            let cmd = self.resolve(&cmd_file_of(&target));
            let text = match std::fs::read(&cmd) {
                Ok(t) => t,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
                Err(e) => return Err(Error::io(cmd.display(), &e)),
            };
            if let Some(s) = source_from_cmd(&text) {
                return Ok(Some(self.relative(Path::new(s))));
            }
            match objcopy_input_from_cmd(&text) {
                Some(input) => target = PathBuf::from(input),
                None => return Ok(None),
            }
        }
        Ok(None)
    }

    /// The objects a module object is linked from, in link order: those its `.mod` file lists,
    /// or the object itself when there is no `.mod` file.
    pub fn members_of(&self, object: &Path) -> Result<Vec<PathBuf>> {
        let mod_file = self.resolve(&object.with_extension("mod"));
        match std::fs::read(&mod_file) {
            Ok(text) => {
                let list = objects_of_mod(&text);
                if list.is_empty() {
                    return Err(Error::new(format!(
                        "{}: lists no objects",
                        mod_file.display()
                    )));
                }
                Ok(list)
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(vec![object.to_path_buf()]),
            Err(e) => Err(Error::io(mod_file.display(), &e)),
        }
    }
}

/// The objects a `.mod` file lists: whitespace-separated words, in order.
pub fn objects_of_mod(text: &[u8]) -> Vec<PathBuf> {
    text.split(|b| b.is_ascii_whitespace())
        .filter(|w| !w.is_empty())
        .map(|w| PathBuf::from(String::from_utf8_lossy(w).into_owned()))
        .collect()
}

/// Lexical normalisation: drops `.`, folds `dir/..`, never above the root (a relative path
/// keeps its leading `..`s). Symlinks are not followed: Kbuild names files lexically.
pub fn normalize(p: &Path) -> PathBuf {
    let mut out: Vec<Component<'_>> = Vec::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => match out.last() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                Some(Component::RootDir | Component::Prefix(_)) => {}
                _ => out.push(c),
            },
            _ => out.push(c),
        }
    }
    if out.is_empty() {
        return PathBuf::from(".");
    }
    out.iter().collect()
}

/// The `.cmd` file Kbuild writes for `target`: `dir/.name.cmd` (`kernel/fork.o` ->
/// `kernel/.fork.o.cmd`).
pub fn cmd_file_of(target: &Path) -> PathBuf {
    let mut name = std::ffi::OsString::from(".");
    name.push(target.file_name().unwrap_or_default());
    name.push(".cmd");
    target.with_file_name(name)
}

/// The source path of a `.cmd` file, as written there: the value of its `source_<target> := `
/// line (Kbuild writes one, for the file's own target, whose spelling depends on how make
/// named it: `fs/fat/cache.o`, or an absolute path in `M=` builds). `None` when there is no
/// such line or it is empty.
pub fn source_from_cmd(cmd: &[u8]) -> Option<&str> {
    cmd.split(|&b| b == b'\n').find_map(|line| {
        let rest = line.strip_prefix(b"source_")?;
        let at = rest.windows(4).position(|w| w == b" := ")?;
        let value = std::str::from_utf8(&rest[at + 4..]).ok()?.trim();
        (!value.is_empty()).then_some(value)
    })
}

/// The input object of a `.cmd` file whose command is an `objcopy` of one object into this
/// one (`savedcmd_<target> := <prefix>objcopy [OPTIONS] IN.o OUT.o [&& ...]`): the first
/// operand, if it is another `.o` file. Options must be written `--opt=value` (Kbuild's are),
/// since a separate option argument cannot be told from an operand.
pub fn objcopy_input_from_cmd(cmd: &[u8]) -> Option<&str> {
    cmd.split(|&b| b == b'\n').find_map(|line| {
        let rest = line.strip_prefix(b"savedcmd_")?;
        let at = rest.windows(4).position(|w| w == b" := ")?;
        let target = std::str::from_utf8(&rest[..at]).ok()?;
        let command = std::str::from_utf8(&rest[at + 4..]).ok()?;
        let first = command.split(['&', ';', '|']).next()?;
        let mut words = first.split_ascii_whitespace();
        if !words.next()?.ends_with("objcopy") {
            return None;
        }
        let input = words.find(|w| !w.starts_with('-'))?;
        (input.ends_with(".o") && input != target).then_some(input)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trees(src: &str, obj: &str, ext: Option<&str>) -> Trees {
        Trees::new(Path::new(src), Path::new(obj), ext.map(Path::new)).unwrap()
    }

    #[test]
    fn o_outside_the_source_tree() {
        let t = trees("/src/linux", "/build/o", None);
        assert_eq!(
            t.relative(Path::new("/src/linux/fs/fat/cache.c")),
            "fs/fat/cache.c"
        );
        assert_eq!(
            t.relative(Path::new("/src/linux/./kernel/../kernel/fork.c")),
            "kernel/fork.c"
        );
        // generated in the object tree: objtree-relative
        assert_eq!(
            t.relative(Path::new("fs/fat/fat.mod.c")),
            "fs/fat/fat.mod.c"
        );
        assert_eq!(t.relative(Path::new("/build/o/lib/gen.c")), "lib/gen.c");
        // O= given relative to the source, the old `../` style
        assert_eq!(
            t.relative(Path::new("../../src/linux/mm/slub.c")),
            "mm/slub.c"
        );
    }

    #[test]
    fn o_inside_the_source_tree() {
        // the case the two old resolvers disagreed on: objtree lies inside srctree
        let t = trees("/src/linux", "/src/linux/build", None);
        assert_eq!(t.relative(Path::new("../fs/fat/cache.c")), "fs/fat/cache.c");
        assert_eq!(t.relative(Path::new("/src/linux/mm/slub.c")), "mm/slub.c");
        // generated in objtree, which lies inside srctree: objtree wins (it is deeper)
        assert_eq!(
            t.relative(Path::new("fs/fat/fat.mod.c")),
            "fs/fat/fat.mod.c"
        );
        assert_eq!(
            t.relative(Path::new("arch/x86/entry/vdso/vdso-image-64.c")),
            "arch/x86/entry/vdso/vdso-image-64.c"
        );
        assert_eq!(
            t.relative(Path::new(
                "/src/linux/build/arch/x86/entry/vdso/vdso-image-64.c"
            )),
            "arch/x86/entry/vdso/vdso-image-64.c"
        );
        assert_eq!(t.relative(Path::new("./lib/../lib/crc32.c")), "lib/crc32.c");
    }

    #[test]
    fn in_tree_build() {
        let t = trees("/src/linux", "/src/linux", None);
        assert_eq!(t.relative(Path::new("lib/crc32.c")), "lib/crc32.c");
        assert_eq!(
            t.relative(Path::new("/src/linux/lib/crc32.c")),
            "lib/crc32.c"
        );
        assert_eq!(
            t.relative(Path::new("fs/fat/fat.mod.c")),
            "fs/fat/fat.mod.c"
        );
    }

    #[test]
    fn parent_directories() {
        let t = trees("/src/linux", "/build/o", None);
        // more `..` than depth stops at the root
        assert_eq!(
            t.relative(Path::new("../../../../../src/linux/init/main.c")),
            "init/main.c"
        );
        assert_eq!(
            normalize(Path::new("../a/../../b")),
            PathBuf::from("../../b")
        );
        assert_eq!(normalize(Path::new("/../a")), PathBuf::from("/a"));
        assert_eq!(normalize(Path::new("a/..")), PathBuf::from("."));
    }

    #[test]
    fn external_module_relative_to_its_directory() {
        let t = trees("/src/linux", "/build/o", Some("/home/me/kotest"));
        assert_eq!(
            t.relative(Path::new("/home/me/kotest/kotest.c")),
            "kotest.c"
        );
        assert_eq!(t.relative(Path::new("/home/me/kotest/sub/b.c")), "sub/b.c");
        assert_eq!(
            t.relative(Path::new("/src/linux/scripts/module-common.c")),
            "scripts/module-common.c"
        );
        // an external module inside the source tree is still relative to itself
        let t = trees("/src/linux", "/build/o", Some("/src/linux/samples/x"));
        assert_eq!(t.relative(Path::new("/src/linux/samples/x/x.c")), "x.c");
    }

    #[test]
    fn outside_every_tree_stays_absolute() {
        let t = trees("/src/linux", "/build/o", None);
        assert_eq!(t.relative(Path::new("/elsewhere/x.c")), "/elsewhere/x.c");
    }

    #[test]
    fn symlinked_tree_is_resolved_canonically() {
        let d = std::env::temp_dir().join(format!("kpaths-tree-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(d.join("real/lib")).unwrap();
        std::fs::write(d.join("real/lib/x.c"), "").unwrap();
        std::os::unix::fs::symlink(d.join("real"), d.join("link")).unwrap();
        let t = Trees::new(&d.join("real"), Path::new("/build/o"), None).unwrap();
        assert_eq!(t.relative(&d.join("link/lib/x.c")), "lib/x.c");
        std::fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn objcopy_copies_have_the_source_of_their_input() {
        let d = std::env::temp_dir().join(format!("kpaths-objcopy-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(d.join("src/pi")).unwrap();
        std::fs::create_dir_all(d.join("obj/pi")).unwrap();
        let src = d.join("src");
        let write = |name: &str, text: String| std::fs::write(d.join("obj/pi").join(name), text);
        write(
            ".a.o.cmd",
            format!(
                "savedcmd_pi/a.o := gcc -c\n\nsource_pi/a.o := {}/pi/a.c\n",
                src.display()
            ),
        )
        .unwrap();
        write(
            ".a.pi.o.cmd",
            "savedcmd_pi/a.pi.o := objcopy --prefix-symbols=__pi_ pi/a.o pi/a.pi.o\n".into(),
        )
        .unwrap();
        // a cycle of copies ends without a source
        write(
            ".x.o.cmd",
            "savedcmd_pi/x.o := objcopy pi/y.o pi/x.o\n".into(),
        )
        .unwrap();
        write(
            ".y.o.cmd",
            "savedcmd_pi/y.o := objcopy pi/x.o pi/y.o\n".into(),
        )
        .unwrap();
        let t = Trees::new(&src, &d.join("obj"), None).unwrap();
        assert_eq!(
            t.source_of(Path::new("pi/a.pi.o")).unwrap().as_deref(),
            Some("pi/a.c")
        );
        assert_eq!(t.source_of(Path::new("pi/x.o")).unwrap(), None);
        std::fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn cmd_files() {
        assert_eq!(
            cmd_file_of(Path::new("fs/fat/cache.o")),
            Path::new("fs/fat/.cache.o.cmd")
        );
        assert_eq!(
            cmd_file_of(Path::new(".module-common.o")),
            Path::new("..module-common.o.cmd")
        );
        let cmd = b"savedcmd_kernel/fork.o := gcc -c\n\nsource_kernel/fork.o := /s/kernel/fork.c\n\ndeps_kernel/fork.o := \\\n";
        assert_eq!(source_from_cmd(cmd), Some("/s/kernel/fork.c"));
        assert_eq!(source_from_cmd(b"savedcmd_x := ld -r\n"), None);
        assert_eq!(source_from_cmd(b"source_x := \n"), None);
        let ext = b"source_/home/me/kotest/kotest.o := /home/me/kotest/kotest.c\n";
        assert_eq!(source_from_cmd(ext), Some("/home/me/kotest/kotest.c"));
        // arm64's early code: objcopy --prefix-symbols=__pi_ of a compiled object
        let pi = b"savedcmd_arch/arm64/kernel/pi/map_range.pi.o := aarch64-linux-gnu-objcopy \
            --prefix-symbols=__pi_ --remove-section=.note.gnu.property  \
            arch/arm64/kernel/pi/map_range.o arch/arm64/kernel/pi/map_range.pi.o && \
            arch/arm64/kernel/pi/relacheck arch/arm64/kernel/pi/map_range.pi.o \
            arch/arm64/kernel/pi/map_range.o\n";
        assert_eq!(source_from_cmd(pi), None);
        assert_eq!(
            objcopy_input_from_cmd(pi),
            Some("arch/arm64/kernel/pi/map_range.o")
        );
        assert_eq!(
            objcopy_input_from_cmd(b"savedcmd_x.o := ld -r -o x.o a.o\n"),
            None
        );
        assert_eq!(
            objcopy_input_from_cmd(b"savedcmd_x.o := objcopy -O binary x.o\n"),
            None
        );
        assert_eq!(
            objcopy_input_from_cmd(b"savedcmd_x.o := objcopy a.bin x.o\n"),
            None
        );
    }
}
