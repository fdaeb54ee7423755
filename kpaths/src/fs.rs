//! File access shared by every tool: reading with the file named in the error, mapping large
//! inputs, and the one atomic writer.

use std::io::Write;
use std::path::Path;
use std::path::PathBuf;

use crate::error::Error;
use crate::error::Result;

/// The whole file; the error names it.
pub fn read(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(|e| Error::io(path.display(), &e))
}

/// A read-only map of a file (a distro vmlinux with DWARF is hundreds of MB, of which a reader
/// of its symbols and kallsyms tables touches a few).
pub struct Mapped {
    /// The map; `None` for an empty file, which cannot be mapped.
    map: Option<memmap2::Mmap>,
}

impl Mapped {
    /// The file's bytes.
    pub fn bytes(&self) -> &[u8] {
        self.map.as_deref().unwrap_or_default()
    }
}

/// Maps `path` read-only.
pub fn map(path: &Path) -> Result<Mapped> {
    let file = std::fs::File::open(path).map_err(|e| Error::io(path.display(), &e))?;
    let len = file
        .metadata()
        .map_err(|e| Error::io(path.display(), &e))?
        .len();
    if len == 0 {
        return Ok(Mapped { map: None });
    }
    // The build never rewrites an input in place while a tool reads it: Kbuild writes every
    // output through a new file (and our writer renames), so the mapped bytes stay stable.
    #[allow(unsafe_code)]
    // SAFETY: see above; the map is read-only and lives as long as the returned value.
    let map = unsafe { memmap2::Mmap::map(&file) }.map_err(|e| Error::io(path.display(), &e))?;
    Ok(Mapped { map: Some(map) })
}

/// The temporary file [`write_atomically`] writes before renaming it over `path`: a hidden
/// name in the same directory (the same file system, so the rename is atomic).
pub fn temporary_name(path: &Path) -> PathBuf {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let mut name = std::ffi::OsString::from(".");
    name.push(path.file_name().unwrap_or_default());
    name.push(format!(".tmp.{}", std::process::id()));
    dir.join(name)
}

/// Writes `bytes` to `path` so that a reader (or a run killed half way) sees either the old
/// file or the new one, never a part: a temporary file beside it, then a rename. A file being
/// replaced keeps its permissions, as C's `fopen(path, "w")` keeps them. On error the
/// temporary file is removed and `path` is untouched.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = temporary_name(path);
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        if let Ok(meta) = std::fs::metadata(path) {
            f.set_permissions(meta.permissions())?;
        }
        drop(f);
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// [`write_atomically`] unless `path` already holds exactly `bytes` (its mtime then stays, so
/// make sees nothing new). Returns whether the file was written.
pub fn write_if_changed(path: &Path, bytes: &[u8]) -> Result<bool> {
    if std::fs::read(path).is_ok_and(|old| old == bytes) {
        return Ok(false);
    }
    write_atomically(path, bytes).map_err(|e| Error::io(path.display(), &e))?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(tag: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("kpaths-fs-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    #[test]
    fn replaces_keeping_permissions_and_leaves_no_temporary() {
        use std::os::unix::fs::PermissionsExt;
        let d = scratch("perm");
        let p = d.join("m.ko");
        std::fs::write(&p, b"old").unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o600)).unwrap();
        write_atomically(&p, b"new").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"new");
        let mode = std::fs::metadata(&p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        assert_eq!(std::fs::read_dir(&d).unwrap().count(), 1);
        std::fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn unchanged_file_is_not_rewritten() {
        let d = scratch("same");
        let p = d.join("x");
        assert!(write_if_changed(&p, b"a").unwrap());
        assert!(!write_if_changed(&p, b"a").unwrap());
        assert!(write_if_changed(&p, b"b").unwrap());
        std::fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn failure_names_the_file_and_keeps_nothing_behind() {
        let d = scratch("fail");
        let p = d.join("no/such/dir/x");
        let e = write_if_changed(&p, b"a").unwrap_err();
        assert!(e.message().ends_with("x: No such file or directory"), "{e}");
        std::fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn maps_empty_and_full_files() {
        let d = scratch("map");
        std::fs::write(d.join("e"), b"").unwrap();
        std::fs::write(d.join("f"), b"abc").unwrap();
        assert_eq!(map(&d.join("e")).unwrap().bytes(), b"");
        assert_eq!(map(&d.join("f")).unwrap().bytes(), b"abc");
        assert!(map(&d.join("g")).is_err());
        std::fs::remove_dir_all(&d).unwrap();
    }
}
