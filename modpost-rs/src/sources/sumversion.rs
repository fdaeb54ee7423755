//! srcversion: the MD4 of a module's normalised sources (C: scripts/mod/sumversion.c).
//! The algorithm and its quirks are described in docs/srcversion.md.

use super::c_str;
use super::cmd_file_name;
use super::find;
use super::is_c_space;
use super::read_text_file;
use super::PATH_MAX;
use crate::diag;
use crate::diag::cat;
use crate::diag::Diags;
use md4::block_api::Md4Core;
use md4::digest::block_api::UpdateCore;
use md4::digest::common::hazmat::SerializableState;
use std::path::Path;

/// Length of the srcversion string: C prints 32 hex digits into `char[24]` with
/// `snprintf(out, 24, ...)`, which keeps 23 of them.
const SRCVERSION_LEN: usize = 23;

/// MD4 block size in bytes.
const BLOCK_LEN: usize = 64;

/// sumversion.c's MD4, which is not RFC 1320 MD4 on a little-endian host: its
/// `le32_to_cpu_array` is `ntohl`, so message words are loaded big-endian (the two length
/// words of the last block are stored as numbers and not swapped), and its final
/// `cpu_to_le32_array` (`htonl`) byte-swaps the state words before they are printed.
///
/// The compression function is the `md4` crate's; we only arrange the bytes of each block
/// so that its little-endian word loads see the words C's transform sees.
struct SumversionMd4 {
    /// Compression state (of `md4`, fed with word-reversed blocks).
    core: Md4Core,
    /// The block being filled, in message byte order.
    block: [u8; BLOCK_LEN],
    /// Bytes of `block` in use.
    filled: usize,
    /// Total message length in bytes (C's `byte_count`).
    byte_count: u64,
}

impl SumversionMd4 {
    fn new() -> Self {
        SumversionMd4 {
            core: Md4Core::default(),
            block: [0; BLOCK_LEN],
            filled: 0,
            byte_count: 0,
        }
    }

    fn update(&mut self, mut data: &[u8]) {
        self.byte_count = self.byte_count.wrapping_add(data.len() as u64);
        while !data.is_empty() {
            let take = (BLOCK_LEN - self.filled).min(data.len());
            self.block[self.filled..self.filled + take].copy_from_slice(&data[..take]);
            self.filled += take;
            data = &data[take..];
            if self.filled == BLOCK_LEN {
                self.compress(16);
                self.filled = 0;
            }
        }
    }

    /// Compress `self.block`, loading its first `swapped_words` words big-endian (C's
    /// `ntohl` pass) and the rest as stored (they already hold native numbers).
    fn compress(&mut self, swapped_words: usize) {
        let mut block = md4::digest::block_api::Block::<Md4Core>::default();
        for (word, (out, chunk)) in block
            .chunks_exact_mut(4)
            .zip(self.block.chunks_exact(4))
            .enumerate()
        {
            out.copy_from_slice(chunk);
            if word < swapped_words {
                out.reverse();
            }
        }
        self.core.update_blocks(std::slice::from_ref(&block));
    }

    /// C's `md4_final_ascii`: pad, then print the byte-swapped state words with `%08X`.
    fn finish(mut self) -> String {
        self.block[self.filled] = 0x80;
        self.block[self.filled + 1..].fill(0);
        if self.filled + 1 > 56 {
            self.compress(16);
            self.block.fill(0);
        }
        // block[14] and block[15] are assigned as host (little-endian) numbers.
        self.block[56..60].copy_from_slice(&((self.byte_count << 3) as u32).to_le_bytes());
        self.block[60..64].copy_from_slice(&((self.byte_count >> 29) as u32).to_le_bytes());
        self.compress(14);
        let serialized = self.core.serialize();
        let mut state = [0u32; 4];
        for (word, chunk) in state.iter_mut().zip(serialized.chunks_exact(4)) {
            *word = u32::from_le_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]);
        }
        srcversion_text(state)
    }
}

/// The srcversion string (23 upper-case hex chars, C's truncation quirk) for module
/// `<modname>` (path without `.o`), computed from `<modname>.mod`, the `.cmd` files and the
/// sources they name. `Ok(None)` when C leaves `mod->srcversion` empty (a malformed
/// `source_` line, after its warning), so no `MODULE_INFO(srcversion, ...)` is written.
#[allow(dead_code)]
pub(crate) fn get_src_version(modname: &[u8], diags: &mut Diags) -> diag::Result<Option<String>> {
    get_src_version_in(Path::new(""), modname, diags)
}

/// [`get_src_version`] with relative paths resolved against `base` instead of the cwd.
pub(crate) fn get_src_version_in(
    base: &Path,
    modname: &[u8],
    diags: &mut Diags,
) -> diag::Result<Option<String>> {
    // C: snprintf into char[PATH_MAX + 1] without a check, so a long name is silently cut
    // to PATH_MAX bytes (and then fails to open with ENAMETOOLONG).
    let mut filelist = [modname, b".mod"].concat();
    filelist.truncate(PATH_MAX);
    let list = read_text_file(base, &filelist, diags)?;
    let mut md4 = SumversionMd4::new();
    let mut normalised = Vec::new();
    // C: strsep on "\n", skipping empty pieces (unlike mod_set_crcs, which stops at them).
    for object in c_str(&list).split(|&b| b == b'\n') {
        if object.is_empty() || is_static_library(object) {
            continue;
        }
        if !parse_source_files(base, object, &mut md4, &mut normalised, diags)? {
            return Ok(None);
        }
    }
    Ok(Some(md4.finish()))
}

/// C's `is_static_library`: the name ends in `.a`. (For a one-byte name C reads the byte
/// before it, which is never `.`, so such a name is not a library.)
fn is_static_library(object: &[u8]) -> bool {
    object.ends_with(b".a")
}

/// Hash the sources named in `dir/.base.o.cmd` for object `dir/base.o`: the `source_` line's
/// file and the `deps_` entries in the object's own directory. `Ok(false)` after a
/// "malformed line" warning (C returns 0 and the srcversion is abandoned).
fn parse_source_files(
    base: &Path,
    object: &[u8],
    md4: &mut SumversionMd4,
    normalised: &mut Vec<u8>,
    diags: &mut Diags,
) -> diag::Result<bool> {
    let dir_len = object
        .iter()
        .rposition(|&b| b == b'/')
        .map_or(0, |slash| slash + 1);
    let dir = &object[..dir_len];
    let cmd = read_text_file(base, &cmd_file_name(object), diags)?;
    let (files, malformed) = source_files_of_cmd(c_str(&cmd), dir);
    // C hashes each file as it meets it and stops at a malformed line; hashing the files in
    // order and then warning prints the same messages in the same order.
    for path in files {
        hash_file(base, path, md4, normalised, diags)?;
    }
    if let Some(line) = malformed {
        diags.warn(cat!("malformed line: ", line, "\n"));
        return Ok(false);
    }
    Ok(true)
}

/// The files C's `parse_source_files` hashes for a `.cmd` text (cut at its first NUL) of an
/// object in directory `dir` (with its trailing `/`, or empty), in order; and the `source_`
/// line without a space that ended the scan ("malformed line"), if any.
pub(crate) fn source_files_of_cmd<'c>(
    cmd: &'c [u8],
    dir: &[u8],
) -> (Vec<&'c [u8]>, Option<&'c [u8]>) {
    let mut files = Vec::new();
    let mut check_files = false;
    for raw_line in c_lines(cmd) {
        let skip = raw_line.iter().take_while(|&&b| is_c_space(b)).count();
        let line = &raw_line[skip..];
        if line.starts_with(b"source_") {
            let Some(space) = line.iter().rposition(|&b| b == b' ') else {
                return (files, Some(line));
            };
            files.push(&line[space + 1..]);
            continue;
        }
        if line.starts_with(b"deps_") {
            check_files = true;
            continue;
        }
        if !check_files {
            continue;
        }
        // The list goes on while lines end in '\'. C reads the byte before an empty
        // (trimmed) line here: the skipped whitespace or the NUL that replaced the previous
        // newline, never a '\', so an empty line ends the list too.
        if line.last() != Some(&b'\\') {
            break;
        }
        let path_len = line
            .iter()
            .position(|&b| is_c_space(b))
            .unwrap_or(line.len());
        let path = &line[..path_len];
        if is_in_object_dir(path, dir) {
            files.push(path);
        }
    }
    (files, None)
}

/// C's `get_line` over a string: pieces between newlines, except that the empty piece after
/// a final newline (or of an empty text) is not a line. Empty lines in between are.
fn c_lines(text: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut pieces: Vec<&[u8]> = text.split(|&b| b == b'\n').collect();
    if pieces.last().is_some_and(|last| last.is_empty()) {
        pieces.pop();
    }
    pieces.into_iter()
}

/// C's `strstr(line, dir) + strlen(dir) - 1 == strrchr(line, '/')`: the first occurrence of
/// `dir` in the dependency path ends at the path's last `/`.
///
/// Quirks: with no directory (`dir` empty) the left side points before the line and never
/// matches. When `dir` does not occur, C computes `NULL + strlen(dir) - 1`, which equals
/// `strrchr`'s NULL only for `dir == "/"` and a path without any `/`.
fn is_in_object_dir(path: &[u8], dir: &[u8]) -> bool {
    let last_slash = path.iter().rposition(|&b| b == b'/');
    match find(path, dir) {
        Some(_) if dir.is_empty() => false,
        Some(start) => last_slash == Some(start + dir.len() - 1),
        None => dir.len() == 1 && last_slash.is_none(),
    }
}

/// C's `parse_file`: read the file (`perror` + exit when it cannot be read) and feed its
/// normalised text to the hash.
fn hash_file(
    base: &Path,
    path: &[u8],
    md4: &mut SumversionMd4,
    normalised: &mut Vec<u8>,
    diags: &mut Diags,
) -> diag::Result<()> {
    let text = read_text_file(base, path, diags)?;
    normalised.clear();
    normalise_source(c_str(&text), normalised);
    md4.update(&normalised[..]);
    Ok(())
}

/// The bytes C's `parse_file` hashes for a source text (already cut at its first NUL):
/// backslash-newline pairs and C-locale whitespace are dropped, `/* ... */` comments are
/// dropped, `"..."` strings are kept whole (whitespace included) up to a `"` that does not
/// follow a `\`, and every other byte is kept.
///
/// Quirks kept: `//` comments are hashed like code; in a comment the `*` that ends it may be
/// the one that opened it, so `/*/` is a whole comment; `"a\\"` does not end at its last
/// quote (the preceding byte is a backslash); an unterminated string or comment runs to the
/// end of the text; `'"'` starts a string.
pub(crate) fn normalise_source(text: &[u8], out: &mut Vec<u8>) {
    let mut i = 0;
    while let Some(&c) = text.get(i) {
        if c == b'\\' && text.get(i + 1) == Some(&b'\n') {
            i += 2;
            continue;
        }
        if is_c_space(c) {
            i += 1;
            continue;
        }
        if c == b'"' {
            out.push(c);
            let mut j = i + 1;
            while let Some(&s) = text.get(j) {
                out.push(s);
                if s == b'"' && text[j - 1] != b'\\' {
                    break;
                }
                j += 1;
            }
            i = j + 1;
            continue;
        }
        if c == b'/' && text.get(i + 1) == Some(&b'*') {
            let mut j = i + 2;
            while let Some(&s) = text.get(j) {
                if s == b'/' && text[j - 1] == b'*' {
                    break;
                }
                j += 1;
            }
            i = j + 1;
            continue;
        }
        out.push(c);
        i += 1;
    }
}

/// C's `%08X%08X%08X%08X` of the state words after `htonl`, cut to 23 characters.
fn srcversion_text(state: [u32; 4]) -> String {
    let mut text = String::with_capacity(32);
    for word in state {
        text += &format!("{:08X}", word.swap_bytes());
    }
    text.truncate(SRCVERSION_LEN);
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(s: &[u8]) -> Vec<u8> {
        let mut v = Vec::new();
        normalise_source(s, &mut v);
        v
    }

    #[test]
    fn normaliser_whitespace_and_continuations() {
        assert_eq!(norm(b" int\ta =\r\n 1;\x0b\x0c"), b"inta=1;");
        assert_eq!(norm(b"#define X \\\n  1"), b"#defineX1");
        // A lone backslash (no newline after it) is kept; bytes >= 0x80 are not spaces.
        assert_eq!(norm(b"a\\ b\xa0\x85c"), b"a\\b\xa0\x85c");
        // Backslash at the very end.
        assert_eq!(norm(b"x\\"), b"x\\");
    }

    #[test]
    fn normaliser_strings() {
        assert_eq!(norm(b"p(\"a b\\n\" ) ;"), b"p(\"a b\\n\");");
        assert_eq!(norm(b"\"a\\\" b\" c"), b"\"a\\\" b\"c");
        // "a\\" does not end at its last quote: the byte before it is a backslash.
        assert_eq!(norm(b"\"a\\\\\" x \" y"), b"\"a\\\\\" x \"y");
        // Backslash-newline and comments inside a string are hashed as they are.
        assert_eq!(norm(b"\"a\\\n/* c */\""), b"\"a\\\n/* c */\"");
        // Unterminated string runs to the end.
        assert_eq!(norm(b"x \" a b"), b"x\" a b");
        // '"' starts a string that the next quote ends.
        assert_eq!(norm(b"c = '\"'; d e"), b"c='\"'; d e");
        assert_eq!(norm(b"\""), b"\"");
    }

    #[test]
    fn normaliser_comments() {
        assert_eq!(norm(b"a /* x y */ b"), b"ab");
        assert_eq!(norm(b"a // x y\nb"), b"a//xyb");
        // "/*/" is a complete comment in C's parse_comment.
        assert_eq!(norm(b"a /*/ b"), b"ab");
        assert_eq!(norm(b"a /**/ b"), b"ab");
        assert_eq!(norm(b"a /* unterminated"), b"a");
        assert_eq!(norm(b"a /*"), b"a");
        assert_eq!(norm(b"a /"), b"a/");
        assert_eq!(norm(b"/* \"x */ \"y z\""), b"\"y z\"");
    }

    fn kernel_md4(data: &[u8]) -> String {
        let mut md4 = SumversionMd4::new();
        // Feed in uneven pieces, to exercise the block buffer.
        for piece in data.chunks(7) {
            md4.update(piece);
        }
        md4.finish()
    }

    /// Values printed by the C modpost 6.12 (`-a`) for a module whose one source file
    /// normalises to these bytes (the empty one: an empty `.mod`).
    #[test]
    fn sumversion_md4_matches_c_vectors() {
        assert_eq!(kernel_md4(b""), "533BB7E5866E52F63B9ACCB");
        assert_eq!(kernel_md4(b"abc"), "C719445509BC140AF62F422");
        assert_eq!(kernel_md4(&[b'a'; 200]), "F44BB49D6F5B9616EE548C2");
        assert_eq!(
            kernel_md4(&b"0123456789".repeat(7)),
            "E75DBCDFD27BEF072AAF508"
        );
    }

    /// Each state word is printed byte-swapped (C's `htonl`), and only 23 digits remain.
    #[test]
    fn srcversion_text_swaps_words_and_truncates() {
        let text = srcversion_text([0x0123_4567, 0x89ab_cdef, 0, 0xffff_fffe]);
        assert_eq!(text, "67452301EFCDAB890000000");
    }

    #[test]
    fn object_dir_rule() {
        assert!(is_in_object_dir(b"fs/ext2/ext2.h", b"fs/ext2/"));
        assert!(is_in_object_dir(b"/src/fs/ext2/ext2.h", b"fs/ext2/"));
        assert!(!is_in_object_dir(b"/src/fs/ext2/sub/x.h", b"fs/ext2/"));
        assert!(!is_in_object_dir(b"include/linux/fs.h", b"fs/ext2/"));
        // Only the first occurrence counts.
        assert!(!is_in_object_dir(b"fs/ext2/fs/ext2/x.h", b"fs/ext2/"));
        assert!(!is_in_object_dir(b"x.h", b""));
        assert!(!is_in_object_dir(b"a/x.h", b""));
        // The NULL-pointer arithmetic case.
        assert!(is_in_object_dir(b"x.h", b"/"));
        assert!(is_in_object_dir(b"/x.h", b"/"));
        assert!(!is_in_object_dir(b"/a/x.h", b"/"));
    }

    #[test]
    fn c_lines_like_get_line() {
        let v: Vec<&[u8]> = c_lines(b"a\n\nb\n").collect();
        assert_eq!(v, [&b"a"[..], b"", b"b"]);
        let v: Vec<&[u8]> = c_lines(b"a\nb").collect();
        assert_eq!(v, [&b"a"[..], b"b"]);
        assert_eq!(c_lines(b"").count(), 0);
        assert_eq!(c_lines(b"\n").count(), 1);
        assert_eq!(c_lines(b"\n\n").count(), 2);
    }

    #[test]
    fn static_library() {
        assert!(is_static_library(b"lib/x.a"));
        assert!(!is_static_library(b"a"));
        assert!(!is_static_library(b"x.o"));
    }
}
