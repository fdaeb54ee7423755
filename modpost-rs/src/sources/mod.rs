//! `.cmd` / `.mod` readers: `#SYMVER` CRCs and the srcversion source walk (C: modpost.c
//! `mod_set_crcs`/`extract_crcs_for_object`, sumversion.c).
//!
//! Paths are bytes (`&[u8]`), as modpost's are: Linux file names need not be UTF-8. All files
//! are read whole with C's `read_text_file` rules (an unreadable file is `perror(path)` and
//! `exit(1)`), and everything after the first NUL byte is invisible, because C only ever
//! looks at the buffer through `strstr`/`strsep`/`strlen`.
//!
//! Relative paths are resolved against the current directory, like the C tool's; the `_in`
//! variants take an explicit base directory instead (used by tests, which must not `chdir`),
//! while diagnostics still print the path as C would have.

mod sumversion;
#[cfg(test)]
pub(crate) mod tests;

use crate::diag;
use crate::diag::cat;
use crate::diag::Diags;
use std::ffi::OsStr;
use std::io::Read;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::path::PathBuf;

#[allow(unused_imports)]
pub(crate) use sumversion::get_src_version;
pub(crate) use sumversion::normalise_source;
pub(crate) use sumversion::source_files_of_cmd;

/// `PATH_MAX` of Linux: the size of the C path buffers (`char objlist[PATH_MAX]`).
const PATH_MAX: usize = 4096;

/// `#SYMVER` pairs: symbol name, CRC.
pub(crate) type Crcs = Vec<(Vec<u8>, u32)>;

/// All `#SYMVER <name> <crc>` pairs of the module's objects, in file order (`.vmlinux.objs`
/// for vmlinux, else `<modname>.mod`); the core attaches each to that module's export of the
/// same name (C: `sym_find_with_module` + `sym_set_crc`, so a later pair for the same name
/// overrides an earlier one, and names without an export are ignored).
///
/// Names are bytes as they appear in the `.cmd` file. A too-long path is a non-fatal
/// `ERROR:` (recorded in `diags`) that skips the object, or the whole list, as in C.
#[allow(dead_code)]
pub(crate) fn read_module_crcs(
    modname: &[u8],
    is_vmlinux: bool,
    diags: &mut Diags,
) -> diag::Result<Crcs> {
    read_module_crcs_in(Path::new(""), modname, is_vmlinux, diags)
}

/// [`read_module_crcs`] with relative paths resolved against `base` instead of the cwd.
pub(crate) fn read_module_crcs_in(
    base: &Path,
    modname: &[u8],
    is_vmlinux: bool,
    diags: &mut Diags,
) -> diag::Result<Crcs> {
    read_module_crcs_with(
        modname,
        is_vmlinux,
        &mut |path, diags| read_text_file(base, path, diags),
        diags,
    )
}

/// Reads one file by its path as C names it, with [`read_text_file`]'s contract (the fuzz
/// target of the CRC path reads from memory).
pub(crate) type ReadFile<'a> = dyn FnMut(&[u8], &mut Diags) -> diag::Result<Vec<u8>> + 'a;

/// [`read_module_crcs`] with the files read by `read`.
pub(crate) fn read_module_crcs_with(
    modname: &[u8],
    is_vmlinux: bool,
    read: &mut ReadFile<'_>,
    diags: &mut Diags,
) -> diag::Result<Crcs> {
    let objlist = if is_vmlinux {
        b".vmlinux.objs".to_vec()
    } else {
        let objlist = [modname, b".mod"].concat();
        // C: snprintf into char[PATH_MAX]; a result that did not fit is reported (with the
        // truncated text) and the module gets no CRCs at all.
        if objlist.len() >= PATH_MAX {
            diags.error(cat!(
                objlist.get(..PATH_MAX - 1).unwrap_or(&objlist),
                ": too long path was truncated\n"
            ));
            return Ok(Vec::new());
        }
        objlist
    };
    let list = read(&objlist, diags)?;
    let mut crcs = Vec::new();
    // C: `while ((obj = strsep(&p, "\n")) && obj[0])`: the first empty line ends the list
    // (so does the empty piece after a final newline).
    for object in c_str(&list).split(|&b| b == b'\n') {
        if object.is_empty() {
            break;
        }
        extract_crcs_for_object(read, object, &mut crcs, diags)?;
    }
    Ok(crcs)
}

/// The `#SYMVER` lines of `dir/.base.o.cmd` for object `dir/base.o`, appended to `crcs`.
fn extract_crcs_for_object(
    read: &mut ReadFile<'_>,
    object: &[u8],
    crcs: &mut Crcs,
    diags: &mut Diags,
) -> diag::Result<()> {
    let cmd_file = cmd_file_name(object);
    if cmd_file.len() >= PATH_MAX {
        diags.error(cat!(
            cmd_file.get(..PATH_MAX - 1).unwrap_or(&cmd_file),
            ": too long path was truncated\n"
        ));
        return Ok(());
    }
    let text = read(&cmd_file, diags)?;
    crcs.extend(parse_symver_lines(c_str(&text)));
    Ok(())
}

/// C's scan of a `.cmd` file for `"\n#SYMVER <name> <crc>\n"`.
///
/// Quirks kept from the C loop: the pattern includes the preceding newline, so a `#SYMVER`
/// on the file's first line never counts; the name runs to the next space even across
/// newlines (`strchr`), and may be empty; the CRC must start with a decimal digit and is
/// read by `strtoul(p, &p, 0)`, so `0x` is hex, a leading `0` is octal, and an overflowing
/// value saturates to `ULONG_MAX` before the cast to `unsigned int` (0xffffffff); the CRC
/// must be followed directly by a newline, else the line is skipped. A line without a space
/// after the name ends the whole scan.
pub(crate) fn parse_symver_lines(text: &[u8]) -> Crcs {
    const PATTERN: &[u8] = b"\n#SYMVER ";
    let mut crcs = Vec::new();
    let mut pos = 0;
    while let Some(hit) = find(text.get(pos..).unwrap_or_default(), PATTERN) {
        let name_start = pos + hit + PATTERN.len();
        let rest = text.get(name_start..).unwrap_or_default();
        let Some(name_len) = rest.iter().position(|&b| b == b' ') else {
            break;
        };
        let name = &rest[..name_len];
        pos = name_start + name_len + 1;
        let number = text.get(pos..).unwrap_or_default();
        if !number.first().is_some_and(u8::is_ascii_digit) {
            continue;
        }
        let (value, used) = strtoul(number, 0);
        pos += used;
        if text.get(pos) != Some(&b'\n') {
            continue;
        }
        // C: `unsigned int crc = strtoul(...)`, a truncating conversion.
        crcs.push((name.to_vec(), value as u32));
    }
    crcs
}

/// C's `strtoul(s, &end, base)` on an LP64 host, for `base` 0 or 2..=36: the value and how
/// many bytes were consumed (0 when no number was found, as C sets `end = s` then).
/// Leading C-locale whitespace and a sign are accepted; `-` negates modulo 2^64; an
/// overflow gives `u64::MAX` (ERANGE) but still consumes every digit.
pub(crate) fn strtoul(s: &[u8], base: u32) -> (u64, usize) {
    let mut i = 0;
    while s.get(i).copied().is_some_and(is_c_space) {
        i += 1;
    }
    let negative = match s.get(i) {
        Some(b'-') => {
            i += 1;
            true
        }
        Some(b'+') => {
            i += 1;
            false
        }
        _ => false,
    };
    let has_hex_prefix = s.get(i) == Some(&b'0')
        && matches!(s.get(i + 1), Some(b'x' | b'X'))
        && s.get(i + 2).is_some_and(u8::is_ascii_hexdigit);
    let radix = match base {
        0 if has_hex_prefix => 16,
        0 if s.get(i) == Some(&b'0') => 8,
        0 => 10,
        _ => base,
    };
    // "0x" only counts as a prefix when a hex digit follows; otherwise the "0" is the
    // number and parsing stops at the 'x'.
    if radix == 16 && has_hex_prefix {
        i += 2;
    }
    let digits_start = i;
    let mut value: u64 = 0;
    let mut overflow = false;
    while let Some(digit) = s.get(i).and_then(|&b| (b as char).to_digit(36)) {
        if digit >= radix {
            break;
        }
        match value
            .checked_mul(u64::from(radix))
            .and_then(|v| v.checked_add(u64::from(digit)))
        {
            Some(v) => value = v,
            None => overflow = true,
        }
        i += 1;
    }
    if i == digits_start {
        return (0, 0);
    }
    if overflow {
        (u64::MAX, i)
    } else if negative {
        (value.wrapping_neg(), i)
    } else {
        (value, i)
    }
}

/// `dir/.base.cmd` for `dir/base` (C: `"%.*s.%s.cmd"` with the directory part kept).
pub(crate) fn cmd_file_name(object: &[u8]) -> Vec<u8> {
    let dir_len = object
        .iter()
        .rposition(|&b| b == b'/')
        .map_or(0, |slash| slash + 1);
    let (dir, file) = object.split_at(dir_len);
    [dir, b".", file, b".cmd"].concat()
}

/// C's `read_text_file`: the whole file, or `perror(path)` + `exit(1)`.
///
/// Like C, this reads `st_size` bytes (so a file that reports size 0, such as a pipe, reads
/// as empty). C would spin forever on a file that shrinks while it is read; we stop at EOF.
pub(crate) fn read_text_file(base: &Path, path: &[u8], diags: &mut Diags) -> diag::Result<Vec<u8>> {
    let full = resolve(base, path);
    let read = || -> std::io::Result<Vec<u8>> {
        let mut file = std::fs::File::open(&full)?;
        let size = file.metadata()?.len();
        let mut text = Vec::new();
        (&mut file).take(size).read_to_end(&mut text)?;
        Ok(text)
    };
    read().map_err(|e| diags.perror_fatal(path, &e))
}

/// `path` as C would open it with `base` as the current directory.
fn resolve(base: &Path, path: &[u8]) -> PathBuf {
    let path = Path::new(OsStr::from_bytes(path));
    if base.as_os_str().is_empty() || path.as_os_str().is_empty() || path.is_absolute() {
        path.to_path_buf()
    } else {
        base.join(path)
    }
}

/// The part of a buffer C sees as a string: everything before the first NUL.
pub(crate) fn c_str(text: &[u8]) -> &[u8] {
    text.iter()
        .position(|&b| b == 0)
        .map_or(text, |nul| &text[..nul])
}

/// C-locale `isspace`: space, `\t`, `\n`, `\v`, `\f`, `\r` (bytes >= 0x80 are not spaces).
pub(crate) fn is_c_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// Offset of the first occurrence of `needle` in `haystack` (C `strstr`; an empty needle
/// matches at 0). Only where the first byte matches is the rest compared (`.cmd` files are
/// read whole and are mostly dependency lines).
pub(crate) fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    let Some((&first, rest)) = needle.split_first() else {
        return Some(0);
    };
    let mut from = 0;
    while let Some(skip) = haystack.get(from..)?.iter().position(|&b| b == first) {
        let at = from + skip;
        if haystack.get(at + 1..)?.starts_with(rest) {
            return Some(at);
        }
        from = at + 1;
    }
    None
}
