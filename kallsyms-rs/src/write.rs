//! The assembler output (`write_src`, kallsyms.c:288-498), byte for byte.
//!
//! C printf details reproduced:
//! * `%#x`/`%#llx` print `0` for zero, not `0x0`;
//! * the offset is a `long long` printed through `(int)` with `%#x`, i.e. its low 32 bits as
//!   unsigned hex;
//! * names and tokens are printed with `%s`: raw bytes, no escaping, cut at the first NUL;
//! * the `kallsyms_names` loop restores each name with `strcpy` from its expansion, so a name
//!   whose expansion starts with a NUL (type char NUL) keeps its compressed bytes after the
//!   first byte, and the later comments and the name sort see exactly what C sees;
//! * C writes stdout with stdio and never checks for errors; we buffer the same way and ignore
//!   write errors too. A fatal error keeps what was printed before it (C's `exit` flushes).

use std::io::Write;

use kpaths::kallsyms::layout;
use kpaths::kallsyms::path_table::PathTable;

use crate::compress::TokenTable;
use crate::error::Fatal;
use crate::sort::sort_symbols_by_name;
use crate::table::SymbolTable;

/// Buffered stdout that, like stdio without error checks, drops write errors.
///
/// Output goes out in whole multiples of C stdio's buffer size, the way glibc writes a fully
/// buffered stream, so that when a fatal message interrupts the output and stdout and stderr
/// are the same file, the message lands at the same offset as with C (see
/// [`Out::flush_before_exit_message`]).
pub(crate) struct Out<'a> {
    /// Pending bytes.
    buf: Vec<u8>,
    /// Where full buffers go.
    sink: &'a mut dyn Write,
    /// The stdio buffer size C would use for this stdout.
    stdio_block: usize,
    /// stdout is a terminal, which stdio line-buffers.
    line_buffered: bool,
}

/// Flush threshold for [`Out`].
const OUT_CHUNK: usize = 1 << 16;

/// glibc's BUFSIZ, the stdio buffer size unless `st_blksize` is smaller.
pub(crate) const STDIO_BUFSIZ: usize = 8192;

impl<'a> Out<'a> {
    /// `stdio_block` is the buffer size glibc picks for the stream (`st_blksize` if it is
    /// below BUFSIZ, else BUFSIZ), `line_buffered` whether the stream is a terminal.
    pub(crate) fn new(sink: &'a mut dyn Write, stdio_block: usize, line_buffered: bool) -> Out<'a> {
        Out {
            buf: Vec::with_capacity(OUT_CHUNK + STDIO_BUFSIZ),
            sink,
            stdio_block: stdio_block.max(1),
            line_buffered,
        }
    }

    fn bytes(&mut self, b: &[u8]) {
        self.buf.extend_from_slice(b);
        if self.buf.len() >= OUT_CHUNK {
            self.write_whole_blocks();
        }
    }

    /// Writes the buffered bytes up to the last multiple of the stdio block size (the output
    /// written so far always ends on such a multiple).
    fn write_whole_blocks(&mut self) {
        let n = self.buf.len() / self.stdio_block * self.stdio_block;
        let _ = self.sink.write_all(&self.buf[..n]);
        self.buf.drain(..n);
    }

    /// Writes what C's stdio would have written by the time C prints a fatal message: whole
    /// buffers, or whole lines on a terminal. The caller then prints the message and calls
    /// [`Out::flush`], as C's `exit` flushes the rest.
    pub(crate) fn flush_before_exit_message(&mut self) {
        if self.line_buffered {
            let n = memchr::memrchr(b'\n', &self.buf).map_or(0, |i| i + 1);
            let _ = self.sink.write_all(&self.buf[..n]);
            self.buf.drain(..n);
        } else {
            self.write_whole_blocks();
        }
        let _ = self.sink.flush();
    }

    /// Writes out everything buffered (C: the flush in `exit`).
    pub(crate) fn flush(&mut self) {
        let _ = self.sink.write_all(&self.buf);
        let _ = self.sink.flush();
        self.buf.clear();
    }

    /// `printf("%u")`.
    fn decimal(&mut self, v: u64) {
        let mut digits = [0u8; 20];
        let mut i = digits.len();
        let mut v = v;
        loop {
            i -= 1;
            digits[i] = b'0' + (v % 10) as u8;
            v /= 10;
            if v == 0 {
                break;
            }
        }
        self.bytes(&digits[i..]);
    }

    /// `printf("%#x")` / `printf("%#llx")`.
    fn alt_hex(&mut self, v: u64) {
        if v == 0 {
            self.bytes(b"0");
            return;
        }
        let mut digits = [0u8; 18];
        let mut i = digits.len();
        let mut v = v;
        while v != 0 {
            i -= 1;
            digits[i] = HEX_DIGITS[(v & 0xf) as usize];
            v >>= 4;
        }
        i -= 2;
        digits[i] = b'0';
        digits[i + 1] = b'x';
        self.bytes(&digits[i..]);
    }

    /// `printf("0x%02x")`.
    fn byte_hex(&mut self, v: u8) {
        let [hi, lo] = hex2(v);
        self.bytes(&[b'0', b'x', hi, lo]);
    }

    /// `output_label` (kallsyms.c:288).
    fn label(&mut self, label: &str) {
        self.bytes(b".globl ");
        self.bytes(label.as_bytes());
        self.bytes(b"\n\tALGN\n");
        self.bytes(label.as_bytes());
        self.bytes(b":\n");
    }
}

const HEX_DIGITS: &[u8; 16] = b"0123456789abcdef";

fn hex2(v: u8) -> [u8; 2] {
    [
        HEX_DIGITS[usize::from(v >> 4)],
        HEX_DIGITS[usize::from(v & 0xf)],
    ]
}

/// The bytes of a C string: up to the first NUL.
fn c_str(b: &[u8]) -> &[u8] {
    &b[..memchr::memchr(0, b).unwrap_or(b.len())]
}

/// The `kallsyms_names` length prefix: ULEB128 in one or two bytes (kallsyms.c:386-411).
/// Returns the bytes and how many are used.
pub(crate) fn uleb128_length(len: usize) -> Result<([u8; 2], usize), Fatal> {
    if len == 0 {
        return Err(Fatal::new(
            "kallsyms failure: unexpected zero symbol length\n",
        ));
    }
    if len > 0x3FFF {
        return Err(Fatal::new(
            "kallsyms failure: unexpected huge symbol length\n",
        ));
    }
    if len <= 0x7F {
        Ok(([len as u8, 0], 1))
    } else {
        Ok(([(len & 0x7F) as u8 | 0x80, ((len >> 7) & 0x7F) as u8], 2))
    }
}

/// What goes into `kallsyms_offsets` for one symbol, or the overflow (kallsyms.c:457-476).
pub(crate) fn symbol_offset(
    addr: u64,
    absolute: bool,
    absolute_percpu: bool,
    relative_base: u64,
) -> Result<u32, Fatal> {
    let (offset, overflow) = if !absolute_percpu {
        let offset = addr.wrapping_sub(relative_base) as i64;
        (offset, offset < 0 || offset > i64::from(u32::MAX))
    } else if absolute {
        let offset = addr as i64;
        (offset, offset < 0 || offset > i64::from(i32::MAX))
    } else {
        let offset = relative_base.wrapping_sub(addr).wrapping_sub(1) as i64;
        (offset, offset < i64::from(i32::MIN) || offset >= 0)
    };
    if overflow {
        let kind = if absolute { "absolute" } else { "relative" };
        let mut message = format!("kallsyms failure: {kind} symbol value ");
        message.push_str(&if addr == 0 {
            "0".to_owned()
        } else {
            format!("{addr:#x}")
        });
        message.push_str(" out of range in relative mode\n");
        return Err(Fatal::new(message));
    }
    // C prints `(int)offset` with %#x: the low 32 bits.
    Ok(offset as u32)
}

/// `write_src`. `table` is in table order; `seq` is renumbered and the names are restored.
pub(crate) fn write_src(
    out: &mut Out,
    table: &mut SymbolTable,
    tokens: &TokenTable,
    relative_base: u64,
    absolute_percpu: bool,
) -> Result<(), Fatal> {
    out.bytes(
        b"#include <asm/bitsperlong.h>\n#if BITS_PER_LONG == 64\n#define PTR .quad\n\
          #define ALGN .balign 8\n#else\n#define PTR .long\n#define ALGN .balign 4\n#endif\n\
          \t.section .rodata, \"a\"\n",
    );

    let count = table.symbols.len();
    out.label(layout::NUM_SYMS);
    out.bytes(b"\t.long\t");
    out.decimal(count as u64);
    out.bytes(b"\n\n");

    let expansions = tokens.expansions();
    let mut markers = Vec::with_capacity(count.div_ceil(256));
    out.label(layout::NAMES);
    // C's `unsigned int off`.
    let mut off: u32 = 0;
    let mut expanded = Vec::with_capacity(1024);
    for i in 0..count {
        if i & 0xFF == 0 {
            markers.push(off);
        }
        let sym = &mut table.symbols[i];
        // i < count <= u32::MAX (read_map numbers symbols with u32).
        sym.seq = i as u32;
        let sym = *sym;
        let stored = table.stored(&sym);
        let (prefix, prefix_len) = uleb128_length(stored.len())?;
        out.bytes(b"\t.byte ");
        out.byte_hex(prefix[0]);
        if prefix_len == 2 {
            out.bytes(b", ");
            out.byte_hex(prefix[1]);
        }
        off = off.wrapping_add(u32::from(sym.len) + prefix_len as u32);
        expanded.clear();
        for &c in stored {
            let [hi, lo] = hex2(c);
            out.bytes(&[b',', b' ', b'0', b'x', hi, lo]);
            expanded.extend_from_slice(&expansions[usize::from(c)]);
        }
        // strcpy(sym->sym, buf): the expansion up to its first NUL, and the NUL. The slot
        // holds the original name and a NUL, and the expansion is the original name.
        // (C expands into `char buf[KSYM_NAME_LEN]`, one byte short for the NUL after a
        // 511-byte name; that overflow does not show in the output, see name-lengths.map.)
        let restored = c_str(&expanded);
        let start = sym.slot as usize;
        table.names[start..start + restored.len()].copy_from_slice(restored);
        table.names[start + restored.len()] = 0;
        out.bytes(b"\t/* ");
        out.bytes(table.c_str_at(&sym, 0));
        out.bytes(b" */\n");
    }
    out.bytes(b"\n");

    out.label(layout::MARKERS);
    for &marker in &markers {
        out.bytes(b"\t.long\t");
        out.decimal(u64::from(marker));
        out.bytes(b"\n");
    }
    out.bytes(b"\n");

    out.label(layout::TOKEN_TABLE);
    let mut token_index = [0u32; 256];
    let mut off: u32 = 0;
    for (index, expansion) in token_index.iter_mut().zip(&expansions) {
        *index = off;
        let text = c_str(expansion);
        out.bytes(b"\t.asciz\t\"");
        out.bytes(text);
        out.bytes(b"\"\n");
        off += text.len() as u32 + 1;
    }
    out.bytes(b"\n");

    out.label(layout::TOKEN_INDEX);
    for &index in &token_index {
        out.bytes(b"\t.short\t");
        out.decimal(u64::from(index));
        out.bytes(b"\n");
    }
    out.bytes(b"\n");

    out.label(layout::OFFSETS);
    for sym in &table.symbols {
        let offset = symbol_offset(
            sym.addr,
            sym.percpu_absolute,
            absolute_percpu,
            relative_base,
        )?;
        out.bytes(b"\t.long\t");
        out.alt_hex(u64::from(offset));
        out.bytes(b"\t/* ");
        out.bytes(table.c_str_at(sym, 0));
        out.bytes(b" */\n");
    }
    out.bytes(b"\n");

    out.label(layout::RELATIVE_BASE);
    // Relocatable relative to `_text`.
    if table.text_base <= relative_base {
        out.bytes(b"\tPTR\t_text + ");
        out.alt_hex(relative_base - table.text_base);
    } else {
        out.bytes(b"\tPTR\t_text - ");
        out.alt_hex(table.text_base - relative_base);
    }
    out.bytes(b"\n\n");

    sort_symbols_by_name(table);
    out.label(layout::SEQS_OF_NAMES);
    for sym in &table.symbols {
        let [_, b2, b1, b0] = sym.seq.to_be_bytes();
        out.bytes(b"\t.byte ");
        out.byte_hex(b2);
        out.bytes(b", ");
        out.byte_hex(b1);
        out.bytes(b", ");
        out.byte_hex(b0);
        out.bytes(b"\t/* ");
        out.bytes(table.c_str_at(sym, 0));
        out.bytes(b" */\n");
    }
    out.bytes(b"\n");
    Ok(())
}

/// The path side table (CONFIG_KALLSYMS_PATHS), after the C tool's tables in the same section;
/// the layout is docs/kallsyms-paths-format.md's, the labels kpaths::kallsyms::layout's.
pub(crate) fn write_path_tables(out: &mut Out, table: &PathTable) {
    let count = |n: usize| [n as u64];
    number_table(
        out,
        layout::PATH_NUM_RUNS,
        ".long",
        count(table.run_start.len()),
    );
    number_table(
        out,
        layout::PATH_RUN_START,
        ".long",
        table.run_start.iter().map(|&s| u64::from(s)),
    );
    number_table(
        out,
        layout::PATH_RUN_PATH,
        ".short",
        table.run_path.iter().map(|&p| u64::from(p)),
    );
    number_table(
        out,
        layout::PATH_NUM_PATHS,
        ".long",
        count(table.paths.len()),
    );
    number_table(
        out,
        layout::PATH_OFFSETS,
        ".long",
        table.offsets().into_iter().map(u64::from),
    );

    out.label(layout::PATH_STRINGS);
    for path in &table.paths {
        out.bytes(b"\t.asciz\t\"");
        out.bytes(&asm_string(path));
        out.bytes(b"\"\n");
    }
    out.bytes(b"\n");
}

/// `label`, then one `directive` line per value in decimal, then a blank line.
fn number_table(
    out: &mut Out,
    label: &str,
    directive: &str,
    values: impl IntoIterator<Item = u64>,
) {
    out.label(label);
    for value in values {
        out.bytes(b"\t");
        out.bytes(directive.as_bytes());
        out.bytes(b"\t");
        out.decimal(value);
        out.bytes(b"\n");
    }
    out.bytes(b"\n");
}

/// The bytes of `s` inside a GNU as string literal: `"` and `\\` escaped, other bytes outside
/// printable ASCII as three-digit octal escapes.
fn asm_string(s: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len());
    for &b in s {
        match b {
            b'"' | b'\\' => out.extend_from_slice(&[b'\\', b]),
            0x20..=0x7e => out.push(b),
            _ => out.extend_from_slice(format!("\\{b:03o}").as_bytes()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_tables_in_assembly() {
        let a: &[u8] = b"init/main.c";
        let odd: &[u8] = b"dir/q\"u\\o\tte.c";
        let table = PathTable::build([Some(a), Some(a), None, Some(odd)]).unwrap();
        let mut sink = Vec::new();
        let mut out = Out::new(&mut sink, STDIO_BUFSIZ, false);
        write_path_tables(&mut out, &table);
        out.flush();
        let text = String::from_utf8(sink).unwrap();
        assert!(
            text.starts_with(
                ".globl kallsyms_path_num_runs\n\tALGN\nkallsyms_path_num_runs:\n\t.long\t3\n"
            ),
            "{text}"
        );
        assert!(
            text.contains("kallsyms_path_run_start:\n\t.long\t0\n\t.long\t2\n\t.long\t3\n"),
            "{text}"
        );
        assert!(
            text.contains("kallsyms_path_run_path:\n\t.short\t1\n\t.short\t0\n\t.short\t2\n"),
            "{text}"
        );
        assert!(
            text.contains("kallsyms_path_offsets:\n\t.long\t0\n\t.long\t1\n\t.long\t13\n"),
            "{text}"
        );
        assert!(
            text.contains("\t.asciz\t\"dir/q\\\"u\\\\o\\011te.c\"\n"),
            "{text}"
        );
    }

    #[test]
    fn uleb128_boundaries() {
        assert_eq!(uleb128_length(1).unwrap(), ([0x01, 0], 1));
        assert_eq!(uleb128_length(0x7f).unwrap(), ([0x7f, 0], 1));
        assert_eq!(uleb128_length(0x80).unwrap(), ([0x80, 0x01], 2));
        assert_eq!(uleb128_length(0x81).unwrap(), ([0x81, 0x01], 2));
        assert_eq!(uleb128_length(512).unwrap(), ([0x80, 0x04], 2));
        assert_eq!(uleb128_length(0x3fff).unwrap(), ([0xff, 0x7f], 2));
        assert_eq!(
            uleb128_length(0x4000).unwrap_err().message,
            b"kallsyms failure: unexpected huge symbol length\n".to_vec()
        );
        assert_eq!(
            uleb128_length(0).unwrap_err().message,
            b"kallsyms failure: unexpected zero symbol length\n".to_vec()
        );
    }

    #[test]
    fn printf_forms() {
        let mut sink = Vec::new();
        let mut out = Out::new(&mut sink, 4096, false);
        out.alt_hex(0);
        out.bytes(b" ");
        out.alt_hex(0x1f);
        out.bytes(b" ");
        out.alt_hex(u64::MAX);
        out.bytes(b" ");
        out.decimal(0);
        out.bytes(b" ");
        out.decimal(4_294_967_295);
        out.bytes(b" ");
        out.byte_hex(0x0a);
        out.flush();
        assert_eq!(
            sink,
            b"0 0x1f 0xffffffffffffffff 0 4294967295 0x0a".to_vec()
        );
    }

    #[test]
    fn offsets_and_overflow() {
        // Relative mode: 0..=UINT_MAX above the base.
        assert_eq!(symbol_offset(0x1000, false, false, 0x1000).unwrap(), 0);
        assert_eq!(
            symbol_offset(0x1_0000_0fff, false, false, 0x1000).unwrap(),
            u32::MAX
        );
        assert!(symbol_offset(0x1_0000_1000, false, false, 0x1000).is_err());
        let below = symbol_offset(0xfff, false, false, 0x1000).unwrap_err();
        assert_eq!(
            below.message,
            b"kallsyms failure: relative symbol value 0xfff out of range in relative mode\n"
                .to_vec()
        );
        // Absolute percpu: absolute values up to INT_MAX, others base - addr - 1 < 0.
        assert_eq!(
            symbol_offset(0x7fff_ffff, true, true, 0).unwrap(),
            0x7fff_ffff
        );
        assert!(symbol_offset(0x8000_0000, true, true, 0).is_err());
        assert_eq!(
            symbol_offset(0x1000, false, true, 0x1000).unwrap(),
            0xffff_ffff
        );
        assert_eq!(
            symbol_offset(0x1000 + 0x7fff_ffff, false, true, 0x1000).unwrap(),
            0x8000_0000
        );
        let err = symbol_offset(0x1000 + 0x8000_0000, false, true, 0x1000).unwrap_err();
        assert_eq!(
            err.message,
            b"kallsyms failure: relative symbol value 0x80001000 out of range in relative mode\n"
                .to_vec()
        );
        assert!(symbol_offset(0xfff, false, true, 0x1000).is_err());
    }
}
