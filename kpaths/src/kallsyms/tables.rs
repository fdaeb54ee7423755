//! Decoding of the tables `scripts/kallsyms` (Linux 6.12) writes into vmlinux, and the checks
//! the kernel's own lookups (kernel/kallsyms.c) silently rely on.
//!
//! Everything here works on byte slices that `image` cut out of the ELF file, so it is the same
//! for a 64-bit little-endian vmlinux, a 32-bit one, or a hand-made test table. Reads are
//! bounds-checked: a table that ends too early is an error naming the table, the entry and its
//! offset, never a panic.

use std::fmt;

use object::Endian;
use object::Endianness;

use super::layout::KSYM_NAME_LEN;
use super::path_table::PathTable;
use super::path_table::RawPathTables;

/// One table as found in the image: its bytes from its label to the point it cannot pass.
#[derive(Debug, Clone)]
pub struct Table<'a> {
    /// The label naming the table, e.g. `kallsyms_names`.
    pub label: &'static str,
    /// Link-time address of the label.
    pub addr: u64,
    /// The bytes from the label up to `limit`.
    pub bytes: &'a [u8],
    /// What ends `bytes`, for messages: the next table's label or the end of the section.
    pub limit: String,
    /// True when `limit` is the next kallsyms label, so bytes left over after the table's
    /// entries (beyond alignment padding) mean the entry count is wrong.
    pub limit_is_label: bool,
}

/// Why a table could not be decoded at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    /// What was wrong, naming the table, the entry, its offset and address.
    pub what: String,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.what)
    }
}

impl std::error::Error for DecodeError {}

pub(crate) fn error(what: String) -> DecodeError {
    DecodeError { what }
}

impl<'a> Table<'a> {
    /// `len` bytes at `off`, or an error saying which entry did not fit.
    fn get(
        &self,
        off: usize,
        len: usize,
        entry: impl FnOnce() -> String,
    ) -> Result<&'a [u8], DecodeError> {
        off.checked_add(len)
            .and_then(|end| self.bytes.get(off..end))
            .ok_or_else(|| {
                error(format!(
                    "{}: {} at offset {:#x} (address {:#x}) needs {} byte(s), but the table ends \
                     after {:#x} bytes ({})",
                    self.label,
                    entry(),
                    off,
                    self.addr.wrapping_add(off as u64),
                    len,
                    self.bytes.len(),
                    self.limit
                ))
            })
    }
}

/// Byte order and word size of the image the tables come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Target {
    /// The image's byte order.
    pub endian: Endianness,
    /// 64-bit image (`unsigned long` is 8 bytes); otherwise 4.
    pub is_64: bool,
}

impl Target {
    /// Mask of an `unsigned long`, for the kernel's wrapping address arithmetic.
    pub fn ulong_mask(self) -> u64 {
        if self.is_64 {
            u64::MAX
        } else {
            u64::from(u32::MAX)
        }
    }

    /// Hex digits of a `%px` pointer: 16 on 64-bit, 8 on 32-bit.
    pub fn pointer_digits(self) -> usize {
        if self.is_64 {
            16
        } else {
            8
        }
    }

    /// `ALGN` in the generated .S: `.balign 8` on 64-bit, `.balign 4` on 32-bit.
    pub(crate) fn table_align(self) -> usize {
        if self.is_64 {
            8
        } else {
            4
        }
    }
}

pub(crate) fn read_u16(
    t: Target,
    table: &Table<'_>,
    off: usize,
    entry: impl FnOnce() -> String,
) -> Result<u16, DecodeError> {
    let b = table.get(off, 2, entry)?;
    Ok(t.endian.read_u16([b[0], b[1]]))
}

pub(crate) fn read_u32(
    t: Target,
    table: &Table<'_>,
    off: usize,
    entry: impl FnOnce() -> String,
) -> Result<u32, DecodeError> {
    let b = table.get(off, 4, entry)?;
    Ok(t.endian.read_u32([b[0], b[1], b[2], b[3]]))
}

/// Reads an `unsigned long` (4 or 8 bytes by target).
pub fn read_ulong(t: Target, table: &Table<'_>) -> Result<u64, DecodeError> {
    if t.is_64 {
        let b = table.get(0, 8, || "the value".into())?;
        Ok(t.endian
            .read_u64([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]))
    } else {
        read_u32(t, table, 0, || "the value".into()).map(u64::from)
    }
}

/// The raw tables of one image, before decoding.
#[derive(Debug, Clone)]
pub struct RawTables<'a> {
    /// Byte order and word size.
    pub target: Target,
    /// `kallsyms_num_syms`.
    pub num_syms: Table<'a>,
    /// `kallsyms_names`.
    pub names: Table<'a>,
    /// `kallsyms_markers`.
    pub markers: Table<'a>,
    /// `kallsyms_token_table`.
    pub token_table: Table<'a>,
    /// `kallsyms_token_index`.
    pub token_index: Table<'a>,
    /// `kallsyms_offsets`.
    pub offsets: Table<'a>,
    /// `kallsyms_relative_base`.
    pub relative_base: Table<'a>,
    /// `kallsyms_seqs_of_names`.
    pub seqs_of_names: Table<'a>,
    /// The path tables (CONFIG_KALLSYMS_PATHS), if the image has them.
    pub paths: Option<RawPathTables<'a>>,
}

/// How `kallsyms_offsets` encodes addresses (scripts/kallsyms.c write_src,
/// kernel/kallsyms.c kallsyms_sym_address).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OffsetMode {
    /// Without CONFIG_KALLSYMS_ABSOLUTE_PERCPU: `relative_base + (u32)offset`.
    Relative,
    /// With CONFIG_KALLSYMS_ABSOLUTE_PERCPU: a non-negative offset is the absolute address (the
    /// per-CPU symbols), a negative one means `relative_base - 1 - offset`.
    AbsolutePercpu,
}

impl OffsetMode {
    /// The address the kernel computes for `offset`.
    pub fn address(self, offset: i32, relative_base: u64, t: Target) -> u64 {
        let addr = match self {
            OffsetMode::Relative => relative_base.wrapping_add(u64::from(offset as u32)),
            OffsetMode::AbsolutePercpu if offset >= 0 => offset as u64,
            // `int` converted to `unsigned long` sign-extends, so this adds |offset|.
            OffsetMode::AbsolutePercpu => relative_base
                .wrapping_sub(1)
                .wrapping_sub(i64::from(offset) as u64),
        };
        addr & t.ulong_mask()
    }
}

/// One entry of `kallsyms_names`, expanded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Offset of the entry (its length byte) in `kallsyms_names`.
    pub offset: u32,
    /// The type character, as kernel/kallsyms.c kallsyms_get_symbol_type reads it: the first
    /// character of the first byte's token (0 if that token is empty).
    pub kind: u8,
    /// The name: the expansion minus its first character, cut to `KSYM_NAME_LEN - 1` bytes as
    /// kernel/kallsyms.c kallsyms_expand_symbol cuts it.
    pub name: Vec<u8>,
    /// The length of the whole name, uncut.
    pub name_len: usize,
    /// Number of compressed bytes (the ULEB128 length).
    pub compressed_len: usize,
    /// True if the second length byte had its high bit set (a 3-byte ULEB128 the kernel
    /// does not understand).
    pub long_uleb: bool,
    /// True if the first compressed byte's token is empty, which shifts the type character.
    pub empty_first_token: bool,
    /// True if some compressed byte maps to an empty token.
    pub empty_token: bool,
}

/// The expanded token table: 256 NUL-terminated strings located through `kallsyms_token_index`.
#[derive(Debug, Clone)]
pub struct Tokens {
    /// `kallsyms_token_index`.
    pub index: Vec<u16>,
    /// The string each index points at.
    pub strings: Vec<Vec<u8>>,
}

/// Reads `kallsyms_token_index` and the strings it points to in `kallsyms_token_table`.
pub fn decode_tokens(t: Target, raw: &RawTables<'_>) -> Result<Tokens, DecodeError> {
    let mut index = Vec::with_capacity(256);
    let mut strings = Vec::with_capacity(256);
    for i in 0..256 {
        let idx = read_u16(t, &raw.token_index, 2 * i, || format!("entry {i}"))?;
        let tail = raw.token_table.bytes.get(usize::from(idx)..).unwrap_or(&[]);
        let Some(nul) = tail.iter().position(|&b| b == 0) else {
            return Err(error(format!(
                "{}: token {i} (index {idx:#x} from kallsyms_token_index) has no terminating NUL \
                 before the table ends after {:#x} bytes ({})",
                raw.token_table.label,
                raw.token_table.bytes.len(),
                raw.token_table.limit
            )));
        };
        index.push(idx);
        strings.push(tail[..nul].to_vec());
    }
    Ok(Tokens { index, strings })
}

/// Decodes `count` entries of `kallsyms_names` the way kallsyms_expand_symbol does.
/// Returns the entries and the offset just past the last one.
pub fn decode_names(
    names: &Table<'_>,
    count: u32,
    tokens: &Tokens,
) -> Result<(Vec<Entry>, usize), DecodeError> {
    // Every entry takes at least one byte: a corrupt count must not size the allocation.
    let mut entries = Vec::with_capacity((count as usize).min(names.bytes.len()));
    let mut off = 0usize;
    for i in 0..count {
        let start = off;
        let what = || format!("the length of symbol #{i}");
        let b0 = names.get(off, 1, what)?[0];
        off += 1;
        let mut len = usize::from(b0);
        let mut long_uleb = false;
        if b0 & 0x80 != 0 {
            let b1 = names.get(off, 1, what)?[0];
            off += 1;
            // Quirk (kernel/kallsyms.c): the second byte is used whole, its own high bit is not
            // treated as a continuation, so lengths stop at two bytes.
            len = (len & 0x7f) | (usize::from(b1) << 7);
            long_uleb = b1 & 0x80 != 0;
        }
        let data = names.get(off, len, || {
            format!("the {len} compressed byte(s) of symbol #{i}")
        })?;
        off += len;

        // Only the type character and KSYM_NAME_LEN - 1 name bytes are kept, as the kernel
        // keeps them: a corrupt table whose entries name long tokens must not make the decoder
        // hold hundreds of times the table's size.
        let mut expanded = Vec::with_capacity(len.saturating_mul(3).min(KSYM_NAME_LEN));
        let mut expansion_len = 0usize;
        let mut empty_token = false;
        for &b in data {
            let tok = tokens
                .strings
                .get(usize::from(b))
                .map_or(&[][..], |s| &s[..]);
            empty_token |= tok.is_empty();
            expansion_len += tok.len();
            let room = KSYM_NAME_LEN.saturating_sub(expanded.len());
            expanded.extend_from_slice(&tok[..tok.len().min(room)]);
        }
        let first_tok = data
            .first()
            .and_then(|&b| tokens.strings.get(usize::from(b)))
            .map_or(&[][..], |s| &s[..]);
        let kind = first_tok.first().copied().unwrap_or(0);
        let name = expanded.get(1..).unwrap_or(&[]).to_vec();
        entries.push(Entry {
            offset: start as u32,
            kind,
            name,
            name_len: expansion_len.saturating_sub(1),
            compressed_len: len,
            long_uleb,
            empty_first_token: first_tok.is_empty(),
            empty_token,
        });
    }
    Ok((entries, off))
}

/// Reads `count` signed entries of `kallsyms_offsets`.
pub fn decode_offsets(t: Target, raw: &RawTables<'_>, count: u32) -> Result<Vec<i32>, DecodeError> {
    (0..count as usize)
        .map(|i| read_u32(t, &raw.offsets, 4 * i, || format!("entry {i}")).map(|v| v as i32))
        .collect()
}

/// Guesses the offset encoding from the offsets and type characters; `None` if both or neither
/// fit.
///
/// scripts/kallsyms sorts symbols by address and takes relative_base from the first one that is
/// not an absolute per-CPU symbol. So without --absolute-percpu the first offset is 0 and the
/// offsets never decrease; with it, the first negative offset is -1 (relative_base itself), the
/// decoded addresses never decrease, and every non-negative (absolute) entry has type 'A'.
/// Two relative symbols at different addresses, or one relative symbol that is not 'A', already
/// rule one of the readings out.
pub fn detect_mode(offsets: &[i32], kinds: &[u8]) -> Option<OffsetMode> {
    let relative_fits = offsets.first().is_none_or(|&o| o == 0)
        && offsets.windows(2).all(|w| (w[0] as u32) <= (w[1] as u32));
    // Order of absolute-percpu addresses without a base: absolute values first (they are small,
    // per-CPU offsets from 0), then relative ones in order of decreasing offset.
    let key = |o: i32| -> (bool, i64) {
        if o >= 0 {
            (false, i64::from(o))
        } else {
            (true, -i64::from(o))
        }
    };
    let absolute_fits = offsets.iter().find(|&&o| o < 0).is_none_or(|&o| o == -1)
        && offsets.windows(2).all(|w| key(w[0]) <= key(w[1]))
        && offsets.iter().zip(kinds).all(|(&o, &k)| o < 0 || k == b'A');
    match (relative_fits, absolute_fits) {
        (true, false) => Some(OffsetMode::Relative),
        (false, true) => Some(OffsetMode::AbsolutePercpu),
        _ => None,
    }
}

/// Reads `count` entries of `kallsyms_seqs_of_names` (24-bit big-endian symbol indexes,
/// kernel/kallsyms.c get_symbol_seq). Returns as many as fit and whether the table was short.
pub fn decode_seqs(raw: &RawTables<'_>, count: u32) -> (Vec<u32>, bool) {
    let mut seqs = Vec::with_capacity((count as usize).min(raw.seqs_of_names.bytes.len() / 3));
    for i in 0..count as usize {
        match raw.seqs_of_names.bytes.get(3 * i..3 * i + 3) {
            Some(b) => seqs.push(u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2])),
            None => return (seqs, true),
        }
    }
    (seqs, false)
}

/// One decoded vmlinux symbol.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Symbol {
    /// Address as the kernel computes it.
    pub addr: u64,
    /// Type character.
    pub kind: u8,
    /// Name, untruncated.
    pub name: Vec<u8>,
}

/// Everything decoded from one image.
#[derive(Debug, Clone)]
pub struct Decoded {
    /// Byte order and word size.
    pub target: Target,
    /// The symbols in table (address) order.
    pub symbols: Vec<Symbol>,
    /// The offset encoding used for `symbols`.
    pub mode: OffsetMode,
    /// `kallsyms_relative_base`.
    pub relative_base: u64,
    /// The source-path side table (CONFIG_KALLSYMS_PATHS), if the image has one.
    pub paths: Option<PathTable>,
    /// One line per inconsistency found (empty if the tables are consistent).
    pub problems: Vec<String>,
}

/// Everything read from the tables before the offset mode is known.
#[derive(Debug, Clone)]
pub struct Parsed {
    /// Byte order and word size.
    pub target: Target,
    /// `kallsyms_num_syms`.
    pub num_syms: u32,
    /// The expanded names.
    pub entries: Vec<Entry>,
    /// Offset just past the last name entry.
    pub names_end: usize,
    /// `kallsyms_offsets`.
    pub offsets: Vec<i32>,
    /// `kallsyms_relative_base`.
    pub relative_base: u64,
    /// The token table.
    pub tokens: Tokens,
}

/// Reads every table the listing needs; fails only if one cannot be read at all.
pub fn parse(raw: &RawTables<'_>) -> Result<Parsed, DecodeError> {
    let t = raw.target;
    let num_syms = read_u32(t, &raw.num_syms, 0, || "the value".into())?;
    let tokens = decode_tokens(t, raw)?;
    let (entries, names_end) = decode_names(&raw.names, num_syms, &tokens)?;
    let offsets = decode_offsets(t, raw, num_syms)?;
    let relative_base = read_ulong(t, &raw.relative_base)?;
    Ok(Parsed {
        target: t,
        num_syms,
        entries,
        names_end,
        offsets,
        relative_base,
        tokens,
    })
}

/// Collects problems, keeping the first few of each kind and counting the rest.
pub(crate) struct Problems {
    /// Lines kept so far.
    lines: Vec<String>,
    /// Per kind: how many were seen.
    seen: std::collections::BTreeMap<&'static str, usize>,
}

/// Problems of one kind shown before the rest are only counted.
const SHOWN_PER_KIND: usize = 5;

impl Problems {
    pub(crate) fn add(&mut self, kind: &'static str, line: impl FnOnce() -> String) {
        let n = self.seen.entry(kind).or_insert(0);
        *n += 1;
        if *n <= SHOWN_PER_KIND {
            self.lines.push(line());
        }
    }

    fn finish(mut self) -> Vec<String> {
        for (kind, n) in self.seen {
            if n > SHOWN_PER_KIND {
                self.lines
                    .push(format!("... {} more: {kind}", n - SHOWN_PER_KIND));
            }
        }
        self.lines
    }
}

fn show(name: &[u8]) -> String {
    String::from_utf8_lossy(name).into_owned()
}

/// Checks that bytes left between a table's last entry and its limit are only alignment padding.
pub(crate) fn check_trailing(
    p: &mut Problems,
    table: &Table<'_>,
    used: usize,
    t: Target,
    entries: &str,
) {
    if !table.limit_is_label {
        return;
    }
    let rest = table.bytes.get(used..).unwrap_or(&[]);
    if rest.len() >= t.table_align() || rest.iter().any(|&b| b != 0) {
        p.add("table size", || {
            format!(
                "{}: {:#x} byte(s) after the {entries} before {} (more than alignment padding: \
                 is kallsyms_num_syms wrong?)",
                table.label,
                rest.len(),
                table.limit
            )
        });
    }
}

/// Decodes the addresses with `mode` and runs every consistency check.
pub fn finish(raw: &RawTables<'_>, parsed: Parsed, mode: OffsetMode) -> Decoded {
    let t = parsed.target;
    let n = parsed.num_syms as usize;
    let mut p = Problems {
        lines: Vec::new(),
        seen: Default::default(),
    };

    let symbols: Vec<Symbol> = parsed
        .entries
        .iter()
        .zip(&parsed.offsets)
        .map(|(e, &o)| Symbol {
            addr: mode.address(o, parsed.relative_base, t),
            kind: e.kind,
            name: e.name.clone(),
        })
        .collect();

    // kallsyms_names entries, as scripts/kallsyms writes them and the kernel expands them.
    for (i, e) in parsed.entries.iter().enumerate() {
        if e.compressed_len == 0 {
            p.add("empty entries", || {
                format!(
                    "kallsyms_names: symbol #{i} at offset {:#x} has length 0",
                    e.offset
                )
            });
        }
        if e.long_uleb {
            p.add("long lengths", || {
                format!(
                    "kallsyms_names: symbol #{i} at offset {:#x} has a length needing more than \
                     two ULEB128 bytes, which the kernel cannot read",
                    e.offset
                )
            });
        }
        if e.empty_first_token {
            p.add("empty first token", || {
                format!(
                    "kallsyms_names: symbol #{i} at offset {:#x} starts with a byte whose token is \
                     empty, so the kernel reads type NUL",
                    e.offset
                )
            });
        } else if e.empty_token {
            p.add("empty tokens", || {
                format!(
                    "kallsyms_names: symbol #{i} at offset {:#x} uses an empty token",
                    e.offset
                )
            });
        }
        if e.name.is_empty() {
            p.add("empty names", || {
                format!(
                    "kallsyms_names: symbol #{i} at offset {:#x} has an empty name \
                     (/proc/kallsyms skips it)",
                    e.offset
                )
            });
        } else if e.name_len >= KSYM_NAME_LEN {
            p.add("long names", || {
                format!(
                    "kallsyms_names: symbol #{i} ({}...) is {} bytes long; the kernel truncates \
                     names to {}",
                    show(&e.name[..40.min(e.name.len())]),
                    e.name_len,
                    KSYM_NAME_LEN - 1
                )
            });
        }
        if !(e.kind.is_ascii_graphic()) {
            p.add("type characters", || {
                format!(
                    "kallsyms_names: symbol #{i} has type byte {:#04x}, not a printable character",
                    e.kind
                )
            });
        }
    }
    check_trailing(&mut p, &raw.names, parsed.names_end, t, "last name");

    // kallsyms_markers: every 256th entry's offset (get_symbol_offset starts from these).
    let markers_cnt = n.div_ceil(256);
    for k in 0..markers_cnt {
        let want = parsed.entries.get(k * 256).map_or(0, |e| e.offset);
        match read_u32(t, &raw.markers, 4 * k, || format!("marker {k}")) {
            Ok(got) if got == want => {}
            Ok(got) => p.add("markers", || {
                format!(
                    "kallsyms_markers[{k}] = {got:#x}, but symbol #{} starts at offset {want:#x} of \
                     kallsyms_names",
                    k * 256
                )
            }),
            Err(e) => {
                p.add("markers", || e.what.clone());
                break;
            }
        }
    }
    check_trailing(&mut p, &raw.markers, 4 * markers_cnt, t, "last marker");

    // Token table: scripts/kallsyms packs the 256 strings back to back in slot order.
    let mut packed = 0usize;
    for (i, (&idx, s)) in parsed
        .tokens
        .index
        .iter()
        .zip(&parsed.tokens.strings)
        .enumerate()
    {
        if usize::from(idx) != packed {
            p.add("token layout", || {
                format!(
                    "kallsyms_token_index[{i}] = {idx:#x}, but the tokens before it end at \
                     {packed:#x} (not the layout scripts/kallsyms writes)"
                )
            });
        }
        packed = usize::from(idx) + s.len() + 1;
    }
    check_trailing(&mut p, &raw.token_table, packed, t, "last token");
    check_trailing(&mut p, &raw.token_index, 2 * 256, t, "256 entries");

    // kallsyms_offsets and relative_base, as write_src/record_relative_base produce them.
    check_trailing(&mut p, &raw.offsets, 4 * n, t, "last offset");
    check_trailing(
        &mut p,
        &raw.relative_base,
        if t.is_64 { 8 } else { 4 },
        t,
        "value",
    );
    match mode {
        OffsetMode::Relative => {
            if let Some(&o) = parsed.offsets.first() {
                if o != 0 {
                    p.add("relative base", || {
                        format!(
                            "kallsyms_offsets[0] = {:#x}: kallsyms_relative_base is not the lowest \
                             symbol address",
                            o as u32
                        )
                    });
                }
            }
        }
        OffsetMode::AbsolutePercpu => {
            if let Some(&o) = parsed.offsets.iter().find(|&&o| o < 0) {
                if o != -1 {
                    p.add("relative base", || {
                        format!(
                            "the first relative kallsyms_offsets entry is {:#x}, not -1: \
                             kallsyms_relative_base is not the lowest relative address",
                            o as u32
                        )
                    });
                }
            }
            for (i, (&o, s)) in parsed.offsets.iter().zip(&symbols).enumerate() {
                if o >= 0 && s.kind != b'A' {
                    p.add("absolute types", || {
                        format!(
                            "symbol #{i} {} is stored as absolute ({:#x}) but has type '{}', not \
                             'A' as scripts/kallsyms gives per-CPU symbols",
                            show(&s.name),
                            o,
                            char::from(s.kind)
                        )
                    });
                }
            }
        }
    }
    // get_symbol_pos binary-searches the addresses, so they must not decrease.
    for (i, w) in symbols.windows(2).enumerate() {
        if w[1].addr < w[0].addr {
            p.add("address order", || {
                format!(
                    "symbol #{} {} at {:#x} comes after #{i} {} at {:#x}: addresses must not \
                     decrease",
                    i + 1,
                    show(&w[1].name),
                    w[1].addr,
                    show(&w[0].name),
                    w[0].addr
                )
            });
        }
    }

    // kallsyms_seqs_of_names: kallsyms_lookup_names binary-searches it with strcmp.
    let (seqs, short) = decode_seqs(raw, parsed.num_syms);
    if short {
        p.add("seqs size", || {
            format!(
                "kallsyms_seqs_of_names: room for only {} of {n} entries ({})",
                seqs.len(),
                raw.seqs_of_names.limit
            )
        });
    }
    check_trailing(&mut p, &raw.seqs_of_names, 3 * n, t, "last entry");
    let mut seen = vec![false; n];
    for (k, &s) in seqs.iter().enumerate() {
        match seen.get_mut(s as usize) {
            None => p.add("seqs range", || {
                format!("kallsyms_seqs_of_names[{k}] = {s}, but there are only {n} symbols")
            }),
            Some(true) => p.add("seqs permutation", || {
                format!("kallsyms_seqs_of_names[{k}] = {s} appears twice (not a permutation)")
            }),
            Some(slot) => *slot = true,
        }
    }
    for (k, w) in seqs.windows(2).enumerate() {
        let (Some(a), Some(b)) = (symbols.get(w[0] as usize), symbols.get(w[1] as usize)) else {
            continue;
        };
        // strcmp compares unsigned bytes up to the NUL: the same as comparing the byte slices.
        match a.name.cmp(&b.name) {
            std::cmp::Ordering::Less => {}
            std::cmp::Ordering::Greater => p.add("name order", || {
                format!(
                    "kallsyms_seqs_of_names[{}] {} sorts before [{k}] {}: the kernel's name \
                     lookup needs strcmp order",
                    k + 1,
                    show(&b.name),
                    show(&a.name)
                )
            }),
            // compare_names in scripts/kallsyms: equal names go by address, then index.
            std::cmp::Ordering::Equal => {
                if (a.addr, w[0]) > (b.addr, w[1]) {
                    p.add("duplicate name order", || {
                        format!(
                            "kallsyms_seqs_of_names[{k}..{}]: the two {} symbols are not in \
                             (address, index) order as scripts/kallsyms sorts them",
                            k + 1,
                            show(&a.name)
                        )
                    });
                }
            }
        }
    }

    // The path side table: decoded with its own checks; a table that cannot be read is one
    // problem (the symbols themselves are still listed, without paths).
    let paths = raw.paths.as_ref().and_then(|raw_paths| {
        match PathTable::decode(t, raw_paths, parsed.num_syms, &mut p) {
            Ok(table) => Some(table),
            Err(e) => {
                p.add("path table", || e.what.clone());
                None
            }
        }
    });

    Decoded {
        target: t,
        symbols,
        mode,
        relative_base: parsed.relative_base,
        paths,
        problems: p.finish(),
    }
}

#[cfg(test)]
mod tests;
