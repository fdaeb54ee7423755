//! Reading the input map (`read_map`/`read_symbol`, kallsyms.c:121-286).
//!
//! Each line is `<hex address> <type> <name>`, as `nm -n | sed -f scripts/mksysmap` writes it.
//! C quirks reproduced here:
//! * the address is parsed by `strtoull(buf, &p, 16)`: leading C-locale whitespace, one sign
//!   (`-` negates modulo 2^64), an optional `0x`/`0X`, and saturation at `ULLONG_MAX` on
//!   overflow are all accepted;
//! * then exactly one space, one ASCII type char (any byte below 0x80, even NUL) and one space
//!   are required, otherwise `line format error` and exit 1; an empty line is such an error;
//! * the line is a C string: it ends at its first NUL byte, and only a final `\n` is removed
//!   (a `\r` stays part of the name);
//! * when the C string ends right after `<address> ` the type is its NUL terminator, and the
//!   next byte checked, and the name, come from *past* the terminator: from the rest of the line
//!   after an embedded NUL, or from the previous, longer line still in getline's buffer. We keep
//!   a buffer with getline's reuse semantics so this matches too (bytes the C buffer never held
//!   are assumed to be zero, as fresh heap memory is);
//! * names of 512 bytes or more get a two-line message on stderr and are skipped (not fatal);
//! * `_text` is recorded before the ignore check; range markers only from kept symbols; the
//!   last occurrence of a marker wins.

use std::ffi::OsStr;
use std::fs::File;
use std::io::BufRead;
use std::io::BufReader;
use std::io::Write;
use std::os::unix::ffi::OsStrExt;

use crate::error::Fatal;
use crate::table::AddrRange;
use crate::table::Symbol;
use crate::table::SymbolTable;

/// KSYM_NAME_LEN (kallsyms.c:34): names this long or longer are skipped.
pub(crate) const KSYM_NAME_LEN: usize = 512;

/// Absolute symbols that are kept (kallsyms.c:92-95).
const KEPT_ABSOLUTE: [&[u8]; 4] = [
    b"__kernel_syscall_via_break",
    b"__kernel_syscall_via_epc",
    b"__kernel_sigtramp",
    b"__gp",
];

/// Reads the map at `path`. Too-long-name messages go to `stderr` as they happen, like C's
/// unbuffered stderr.
pub(crate) fn read_map(path: &OsStr, stderr: &mut dyn Write) -> Result<SymbolTable, Fatal> {
    let file = File::open(path).map_err(|e| Fatal::perror(path.as_bytes(), &e))?;
    read_symbols(BufReader::with_capacity(1 << 16, file), stderr)
}

/// The loop of `read_map` over any reader.
pub(crate) fn read_symbols(
    mut input: impl BufRead,
    stderr: &mut dyn Write,
) -> Result<SymbolTable, Fatal> {
    let mut table = SymbolTable::new();
    let mut raw = Vec::with_capacity(256);
    let mut line = GetlineBuffer::default();
    loop {
        raw.clear();
        match input.read_until(b'\n', &mut raw) {
            Ok(0) => break,
            Ok(_) => {}
            Err(e) => return Err(Fatal::perror(b"read_symbol", &e)),
        }
        line.load(&raw);
        let parsed = parse_line(&line)?;
        let name = parsed.name;
        if name.len() >= KSYM_NAME_LEN {
            let mut message = Vec::with_capacity(name.len() + 120);
            message.extend_from_slice(b"Symbol ");
            message.extend_from_slice(name);
            message.extend_from_slice(
                format!(
                    " too long for kallsyms ({} >= {KSYM_NAME_LEN}).\nPlease increase \
                     KSYM_NAME_LEN both in kernel and kallsyms.c\n",
                    name.len()
                )
                .as_bytes(),
            );
            // C ignores stderr write errors, and so do we.
            let _ = stderr.write_all(&message);
            continue;
        }
        let bare = name;
        if bare == b"_text" {
            table.text_base = parsed.addr;
        }
        if is_ignored_symbol(bare, parsed.type_char) {
            continue;
        }
        check_symbol_range(bare, parsed.addr, &mut table.text_ranges);
        check_symbol_range(
            bare,
            parsed.addr,
            std::slice::from_mut(&mut table.percpu_range),
        );
        push_symbol(&mut table, parsed.addr, parsed.type_char, name)?;
    }
    Ok(table)
}

/// Appends a kept symbol: its slot is the type char, the name and a NUL, as C's malloc.
fn push_symbol(
    table: &mut SymbolTable,
    addr: u64,
    type_char: u8,
    name: &[u8],
) -> Result<(), Fatal> {
    let too_big = || Fatal::new("kallsyms-rs: input map too large\n");
    let slot = u32::try_from(table.names.len()).map_err(|_| too_big())?;
    let seq = u32::try_from(table.symbols.len()).map_err(|_| too_big())?;
    // name.len() < KSYM_NAME_LEN, so this fits in u16.
    let len = u16::try_from(name.len() + 1).map_err(|_| too_big())?;
    table.names.push(type_char);
    table.names.extend_from_slice(name);
    table.names.push(0);
    table.symbols.push(Symbol {
        addr,
        slot,
        seq,
        len,
        tie_key: 0,
        percpu_absolute: false,
    });
    Ok(())
}

/// `is_ignored_symbol` (kallsyms.c:85).
fn is_ignored_symbol(name: &[u8], type_char: u8) -> bool {
    if type_char == b'u' || type_char == b'n' {
        return true;
    }
    type_char.eq_ignore_ascii_case(&b'A') && !KEPT_ABSOLUTE.contains(&name)
}

/// `check_symbol_range` (kallsyms.c:102): the first range naming `name` takes `addr`.
fn check_symbol_range(name: &[u8], addr: u64, ranges: &mut [AddrRange]) {
    for range in ranges {
        if name == range.start_sym {
            range.start = addr;
            return;
        } else if name == range.end_sym {
            range.end = addr;
            return;
        }
    }
}

/// getline()'s buffer: the line, then a NUL, then whatever earlier lines left behind.
#[derive(Default)]
struct GetlineBuffer {
    /// The buffer contents; never shrinks, like the C buffer that getline reuses.
    bytes: Vec<u8>,
}

impl GetlineBuffer {
    /// Stores a line as getline does and strips a final `\n` as `read_symbol` does.
    fn load(&mut self, raw: &[u8]) {
        // +2: the terminator, and the one byte past it that `read_symbol` may inspect.
        if self.bytes.len() < raw.len() + 2 {
            self.bytes.resize(raw.len() + 2, 0);
        }
        self.bytes[..raw.len()].copy_from_slice(raw);
        self.bytes[raw.len()] = 0;
        if raw.last() == Some(&b'\n') {
            self.bytes[raw.len() - 1] = 0;
        }
    }

    /// The byte at `i`, as C reads it (past the buffer counts as NUL).
    fn at(&self, i: usize) -> u8 {
        self.bytes.get(i).copied().unwrap_or(0)
    }

    /// The C string that starts at `i`.
    fn c_str(&self, i: usize) -> &[u8] {
        let tail = self.bytes.get(i..).unwrap_or(&[]);
        &tail[..memchr::memchr(0, tail).unwrap_or(tail.len())]
    }
}

/// One parsed line.
struct ParsedLine<'a> {
    /// The address as `strtoull` returned it.
    addr: u64,
    /// The type char.
    type_char: u8,
    /// The name (bytes up to the first NUL).
    name: &'a [u8],
}

/// The checks of `read_symbol` up to the name (kallsyms.c:142-150).
fn parse_line(line: &GetlineBuffer) -> Result<ParsedLine<'_>, Fatal> {
    let format_error = || Fatal::new("line format error\n");
    let (addr, end) = strtoull_hex(|i| line.at(i));
    if end == 0 || line.at(end) != b' ' {
        return Err(format_error());
    }
    let type_char = line.at(end + 1);
    // isascii() of a (signed) char: bytes >= 0x80 are negative and fail.
    if !type_char.is_ascii() || line.at(end + 2) != b' ' {
        return Err(format_error());
    }
    Ok(ParsedLine {
        addr,
        type_char,
        name: line.c_str(end + 3),
    })
}

/// C-locale isspace().
fn is_c_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// glibc `strtoull(s, &end, 16)` over a NUL-terminated string given by `at`; returns the value
/// and the index `end` points to (0 when nothing was converted).
pub(crate) fn strtoull_hex(at: impl Fn(usize) -> u8) -> (u64, usize) {
    let mut i = 0;
    while is_c_space(at(i)) {
        i += 1;
    }
    let negative = at(i) == b'-';
    if negative || at(i) == b'+' {
        i += 1;
    }
    if at(i) == b'0' && at(i + 1).eq_ignore_ascii_case(&b'X') {
        i += 2;
    }
    let digits_start = i;
    let mut value: u64 = 0;
    let mut overflow = false;
    while let Some(digit) = char::from(at(i)).to_digit(16) {
        match value
            .checked_mul(16)
            .and_then(|v| v.checked_add(u64::from(digit)))
        {
            Some(v) => value = v,
            None => overflow = true,
        }
        i += 1;
    }
    if i == digits_start {
        // No digits. glibc points `end` at the 'x' of a "0x" it skipped, else at the start.
        let end = if i >= 2 && at(i - 1).eq_ignore_ascii_case(&b'X') && at(i - 2) == b'0' {
            i - 1
        } else {
            0
        };
        return (0, end);
    }
    let value = if overflow {
        u64::MAX
    } else if negative {
        value.wrapping_neg()
    } else {
        value
    };
    (value, i)
}

/// Reads from an in-memory map (tests).
#[cfg(test)]
pub(crate) fn read_bytes(map: &[u8]) -> (Result<SymbolTable, Fatal>, Vec<u8>) {
    let mut stderr = Vec::new();
    let result = read_symbols(std::io::Cursor::new(map), &mut stderr);
    (result, stderr)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> (u64, usize) {
        let b = s.as_bytes();
        strtoull_hex(|i| b.get(i).copied().unwrap_or(0))
    }

    #[test]
    fn strtoull_quirks() {
        assert_eq!(parse("ff T"), (0xff, 2));
        assert_eq!(parse(" \t0x1F x"), (0x1f, 6));
        assert_eq!(parse("-1 "), (u64::MAX, 2));
        assert_eq!(parse("+10"), (0x10, 3));
        assert_eq!(parse("0x"), (0, 1));
        assert_eq!(parse(" 0xg"), (0, 2));
        assert_eq!(parse("g"), (0, 0));
        assert_eq!(parse("- 1"), (0, 0));
        assert_eq!(parse("1ffffffffffffffff "), (u64::MAX, 17));
        assert_eq!(parse("-1ffffffffffffffff"), (u64::MAX, 18));
    }

    #[test]
    fn stale_getline_bytes_after_embedded_nul() {
        // "ADDR " then NUL: the type is the terminator, the rest of the line supplies the name.
        let (table, _) = read_bytes(b"10 \0 name\n");
        let table = table.unwrap();
        assert_eq!(table.symbols.len(), 1);
        assert_eq!(table.stored(&table.symbols[0]), b"\0name");
        // The same text at the end of a file without '\n': the byte after the terminator
        // comes from the previous, longer line.
        let (table, _) = read_bytes(b"20 T ab cdefgh\n10 ");
        let table = table.unwrap();
        assert_eq!(table.symbols.len(), 2);
        assert_eq!(table.stored(&table.symbols[1]), b"\0ab cdefgh");
    }

    #[test]
    fn format_errors() {
        for bad in [
            &b"\n"[..],
            b"10T x\n",
            b"10 T\n",
            b"10 \xc3 x\n",
            b"x T a\n",
            b"10  T a\n",
        ] {
            let (result, _) = read_bytes(bad);
            assert_eq!(result.unwrap_err().message, b"line format error\n".to_vec());
        }
    }
}
