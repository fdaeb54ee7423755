//! Device tables -> `MODULE_ALIAS("...")` lines (C: scripts/mod/file2alias.c, Linux 6.12).
//!
//! `MODULE_DEVICE_TABLE(type, name)` leaves a symbol `__mod_<type>__<name>_device_table` in a
//! module object. For each such symbol the core hands us its bytes; we check the table's shape,
//! turn every entry but the all-zero terminator into udev/kmod alias patterns, and append
//! `MODULE_ALIAS("...");\n` lines to the module's buffer, which ends up in `<module>.mod.c`.
//! All 56 kinds of 6.12 are handled: `usb`, `of`, `pnp` and `pnp_card` specially (in
//! [`special`]), the other 52 through one generic table walk (in [`generic`]).
//!
//! Struct layouts come from the kernel build's `devicetable-offsets.h` (see [`offsets`]); values
//! are read in the target's byte order and `kernel_ulong_t` size. The docs are in
//! docs/file2alias.md.
//!
//! Interface used by the core (do not change without telling the core):
//!
//! ```text
//! pub(crate) struct DevTableTarget { pub(crate) is_64: bool, pub(crate) big_endian: bool }
//! /// Called for each STT_OBJECT symbol with a valid st_shndx, in symtab order, with the
//! /// name after remove_dot(). `data` is exactly st_size bytes (zero-filled for SHT_NOBITS),
//! /// a private copy that may be byte-swapped in place as C does.
//! pub(crate) fn handle_moddevtable(target: DevTableTarget, modname: &[u8], symname: &[u8],
//!     data: &mut [u8], aliases: &mut Vec<u8>, diags: &mut Diags) -> diag::Result<()>
//! ```
//!
//! Module names, messages and aliases are bytes: strings inside device tables and file names
//! need not be UTF-8, and C copies them through unchanged.

mod generic;
pub(crate) mod offsets;
mod special;
#[cfg(test)]
mod tests;

use std::fmt::Write as _;

use crate::diag::{cat, Diags, Fatal, Result};
use offsets::{DeviceTableOffsets, Layout};

/// The ELF class and byte order of the objects being read (C: `KERNEL_ELFCLASS`, `TO_NATIVE`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct DevTableTarget {
    /// ELFCLASS64: `kernel_ulong_t` is 8 bytes (else 4).
    pub(crate) is_64: bool,
    /// ELFDATA2MSB: multi-byte fields are big-endian.
    pub(crate) big_endian: bool,
}

impl DevTableTarget {
    /// `sizeof(kernel_ulong_t)` on the target.
    pub(crate) fn ulong_size(self) -> usize {
        if self.is_64 {
            8
        } else {
            4
        }
    }
}

/// C's `buf_printf` formats into a 500-byte buffer and stops the run if the text does not fit
/// (modpost.c `SZ`).
const BUF_PRINTF_SIZE: usize = 500;

/// Where diagnostics go. [`Diags`] in the tool; a recorder in the tests, which compare the
/// exact stderr bytes with the C tool's.
pub(crate) trait Report {
    /// `WARNING: modpost: <msg>`.
    fn warn(&mut self, msg: Vec<u8>);
    /// Unprefixed stderr text (C's raw `fprintf(stderr, ...)`).
    fn raw(&mut self, msg: Vec<u8>);
    /// `ERROR: modpost: <msg>`, then the run stops.
    fn fatal(&mut self, msg: Vec<u8>) -> Fatal;
}

impl Report for Diags {
    fn warn(&mut self, msg: Vec<u8>) {
        Diags::warn(self, msg);
    }
    fn raw(&mut self, msg: Vec<u8>) {
        Diags::raw(self, msg);
    }
    fn fatal(&mut self, msg: Vec<u8>) -> Fatal {
        Diags::fatal(self, msg)
    }
}

/// Create `MODULE_ALIAS()` lines for one symbol if it is a device table (C: `handle_moddevtable`).
///
/// The core has already checked what C checks first (a section-relative `STT_OBJECT` symbol).
/// Other symbols, and tables of types file2alias does not know, are ignored without a message.
/// `data` is left unchanged: C byte-swaps input bitmaps and pcmcia hashes in place, but only
/// to read them once; reading them in target order gives the same text.
#[allow(dead_code)] // called by the core
pub(crate) fn handle_moddevtable(
    target: DevTableTarget,
    modname: &[u8],
    symname: &[u8],
    data: &mut [u8],
    aliases: &mut Vec<u8>,
    diags: &mut Diags,
) -> Result<()> {
    handle_with(
        target,
        modname,
        symname,
        data,
        aliases,
        diags,
        DeviceTableOffsets::for_target,
    )
}

/// [`handle_moddevtable`] with the layouts supplied by `offsets` (called only for known types).
pub(crate) fn handle_with<'o>(
    target: DevTableTarget,
    modname: &[u8],
    symname: &[u8],
    data: &[u8],
    aliases: &mut Vec<u8>,
    report: &mut dyn Report,
    offsets: impl FnOnce(DevTableTarget) -> std::result::Result<&'o DeviceTableOffsets, String>,
) -> Result<()> {
    let Some(kind) = table_kind(symname) else {
        return Ok(());
    };
    if !is_known_kind(kind) {
        return Ok(());
    }
    let offsets = match offsets(target) {
        Ok(offsets) => offsets,
        Err(msg) => return Err(report.fatal(msg.into())),
    };
    let mut table = Table {
        target,
        modname,
        data,
        offsets,
        aliases,
        report,
    };
    table.dispatch(kind)
}

/// The `<type>` of a `__mod_<type>__<identifier>_device_table` name, or `None` if the name has
/// another shape. As in C, `<type>` ends at the first `__` after `__mod_`, and that search
/// runs over the whole rest of the name, suffix included.
pub(crate) fn table_kind(symname: &[u8]) -> Option<&[u8]> {
    let name = symname.strip_prefix(b"__mod_")?;
    if !name.ends_with(b"_device_table") {
        return None;
    }
    let end = name.windows(2).position(|pair| pair == b"__")?;
    name.get(..end)
}

/// Picks the layout of one device-id struct out of a build's layouts.
pub(crate) type LayoutOf = fn(&DeviceTableOffsets) -> &dyn Layout;

/// The four table types C handles outside `devtable[]` (in [`special`]), with their structs.
const SPECIAL_KINDS: [(&str, LayoutOf); 4] = [
    ("usb", |o| &o.usb_device_id),
    ("of", |o| &o.of_device_id),
    ("pnp", |o| &o.pnp_device_id),
    ("pnp_card", |o| &o.pnp_card_device_id),
];

/// The 56 table types of 6.12 (C: the special cases, then `devtable[]` in its order).
pub(crate) fn kinds() -> impl Iterator<Item = &'static str> {
    SPECIAL_KINDS
        .iter()
        .map(|&(kind, _)| kind)
        .chain(generic::names())
}

/// The entry struct of table type `kind`; `None` for a type file2alias does not know.
pub(crate) fn kind_layout(kind: &[u8]) -> Option<LayoutOf> {
    match SPECIAL_KINDS.iter().find(|(k, _)| k.as_bytes() == kind) {
        Some(&(_, layout)) => Some(layout),
        None => generic::find(kind).map(|devtable| devtable.layout),
    }
}

/// One of the 56 table types of 6.12.
fn is_known_kind(kind: &[u8]) -> bool {
    kind_layout(kind).is_some()
}

/// One device table being converted.
pub(crate) struct Table<'a> {
    /// Class and byte order of the object.
    pub(crate) target: DevTableTarget,
    /// `mod->name`, which C prints in most messages (its "filename").
    pub(crate) modname: &'a [u8],
    /// The symbol's bytes (`st_size` of them).
    pub(crate) data: &'a [u8],
    /// Struct layouts of the kernel build.
    pub(crate) offsets: &'a DeviceTableOffsets,
    /// The module's `dev_table_buf`.
    pub(crate) aliases: &'a mut Vec<u8>,
    /// Diagnostics sink.
    pub(crate) report: &'a mut dyn Report,
}

impl<'a> Table<'a> {
    fn dispatch(&mut self, kind: &[u8]) -> Result<()> {
        match kind {
            b"usb" => special::do_usb_table(self),
            b"of" => special::do_of_table(self),
            b"pnp" => special::do_pnp_device_entry(self),
            b"pnp_card" => special::do_pnp_card_entries(self),
            _ => match generic::find(kind) {
                Some(devtable) => generic::do_table(self, devtable),
                None => Ok(()),
            },
        }
    }

    /// Stop with a fatal error if the header's layout does not fit the target (not a C
    /// check: C has the layout compiled in). Returns the struct size.
    pub(crate) fn layout_size(
        &mut self,
        pick: fn(&DeviceTableOffsets) -> &dyn Layout,
    ) -> Result<usize> {
        let layout = pick(self.offsets);
        match layout.check(self.target, &self.offsets.origin) {
            Ok(()) => Ok(layout.size()),
            Err(msg) => Err(self.report.fatal(msg.into())),
        }
    }

    /// C's `device_id_check`: the size must be a non-zero multiple of the entry size, and the
    /// last entry must be all zero. `device_id` is the name C prints (`pnp` for pnp_card too).
    /// Returns the number of entries before the terminator.
    pub(crate) fn device_id_check(&mut self, device_id: &str, id_size: usize) -> Result<usize> {
        let size = self.data.len();
        let modname = self.modname;
        if size % id_size != 0 || size < id_size {
            return Err(self.report.fatal(cat!(
                modname,
                format!(": sizeof(struct {device_id}_device_id)={id_size} is not a modulo of the size of section __mod_{device_id}__<identifier>_device_table={size}.\nFix definition of struct {device_id}_device_id in mod_devicetable.h\n")
            )));
        }
        let last = self.data.get(size - id_size..).unwrap_or_default();
        if last.iter().any(|&b| b != 0) {
            let mut dump = format!(
                ": struct {device_id}_device_id is {id_size} bytes.  The last of {} is:\n",
                size / id_size
            );
            for byte in last {
                let _ = write!(dump, "0x{byte:02x} ");
            }
            dump.push('\n');
            self.report.raw(cat!(modname, dump));
            return Err(self.report.fatal(cat!(
                modname,
                format!(": struct {device_id}_device_id is not terminated with a NULL entry!\n")
            )));
        }
        Ok(size / id_size - 1)
    }

    /// Entry `index` of a table of `id_size`-byte entries.
    pub(crate) fn entry(&self, index: usize, id_size: usize) -> Entry<'a> {
        let start = index.saturating_mul(id_size);
        Entry {
            bytes: self.data.get(start..).unwrap_or_default(),
            target: self.target,
        }
    }

    /// `buf_printf(&mod->dev_table_buf, "MODULE_ALIAS(\"%s\");\n", alias)`, with its 500-byte
    /// limit: a longer line is fatal, and the message shows the first 499 bytes.
    /// (C's 500-byte alias buffers can overflow before this check; we have no such limit, so
    /// an over-long alias always ends in this message.)
    pub(crate) fn emit(&mut self, alias: &[u8]) -> Result<()> {
        let mut line = Vec::with_capacity(alias.len() + 18);
        line.extend_from_slice(b"MODULE_ALIAS(\"");
        line.extend_from_slice(alias);
        line.extend_from_slice(b"\");\n");
        if line.len() >= BUF_PRINTF_SIZE {
            let shown = line.get(..BUF_PRINTF_SIZE - 1).unwrap_or_default();
            return Err(self.report.fatal(cat!(
                "buf_printf output truncated for string ",
                shown,
                ": ",
                line.len() + 1,
                " bytes needed, ",
                BUF_PRINTF_SIZE,
                " available\n"
            )));
        }
        self.aliases.extend_from_slice(&line);
        Ok(())
    }
}

/// Reader for one table entry. `bytes` runs from the entry to the end of the table, so that a C
/// string without a NUL in its own field continues into the next bytes exactly as C's `%s`
/// does; the all-zero terminator guarantees it ends inside the table.
#[derive(Clone, Copy)]
pub(crate) struct Entry<'a> {
    /// From this entry's first byte to the end of the table.
    bytes: &'a [u8],
    /// Byte order and `kernel_ulong_t` size.
    target: DevTableTarget,
}

impl<'a> Entry<'a> {
    /// `N` bytes at `offset`; zeros past the end (the layout check keeps fields inside entries,
    /// so this only guards against bad input).
    fn array<const N: usize>(&self, offset: usize) -> [u8; N] {
        let mut out = [0u8; N];
        if let Some(src) = self.bytes.get(offset..).and_then(|rest| rest.get(..N)) {
            out.copy_from_slice(src);
        }
        out
    }

    pub(crate) fn u8(&self, offset: usize) -> u8 {
        self.bytes.get(offset).copied().unwrap_or(0)
    }

    pub(crate) fn u16(&self, offset: usize) -> u16 {
        let raw = self.array::<2>(offset);
        if self.target.big_endian {
            u16::from_be_bytes(raw)
        } else {
            u16::from_le_bytes(raw)
        }
    }

    pub(crate) fn u32(&self, offset: usize) -> u32 {
        let raw = self.array::<4>(offset);
        if self.target.big_endian {
            u32::from_be_bytes(raw)
        } else {
            u32::from_le_bytes(raw)
        }
    }

    /// A `kernel_ulong_t` (4 or 8 bytes), widened.
    pub(crate) fn ulong(&self, offset: usize) -> u64 {
        if self.target.is_64 {
            let raw = self.array::<8>(offset);
            if self.target.big_endian {
                u64::from_be_bytes(raw)
            } else {
                u64::from_le_bytes(raw)
            }
        } else {
            u64::from(self.u32(offset))
        }
    }

    /// The 16 bytes of a GUID/UUID field.
    pub(crate) fn uuid(&self, offset: usize) -> [u8; 16] {
        self.array::<16>(offset)
    }

    /// `len` raw bytes at `offset` (shorter if the table ends first).
    pub(crate) fn raw(&self, offset: usize, len: usize) -> &'a [u8] {
        let rest = self.bytes.get(offset..).unwrap_or_default();
        rest.get(..len).unwrap_or(rest)
    }

    /// The C string at `offset`: up to the first NUL, which may lie past the field (see above).
    pub(crate) fn cstr(&self, offset: usize) -> &'a [u8] {
        let rest = self.bytes.get(offset..).unwrap_or_default();
        let end = rest.iter().position(|&b| b == 0).unwrap_or(rest.len());
        rest.get(..end).unwrap_or_default()
    }

    /// Bit `bit` of a `kernel_ulong_t` bitmap at `offset` (C: `arr[i / BITS_PER_LONG] &
    /// (1ULL << (i % BITS_PER_LONG))` after `TO_NATIVE` on each word).
    pub(crate) fn bit(&self, offset: usize, bit: usize) -> bool {
        let ulong = self.target.ulong_size();
        let bits_per_long = ulong * 8;
        let word = self.ulong(offset + bit / bits_per_long * ulong);
        word & (1u64 << (bit % bits_per_long)) != 0
    }
}

/// An alias under construction. Bytes, not text: strings from tables are copied as they are.
#[derive(Default)]
pub(crate) struct Alias {
    /// The alias so far.
    pub(crate) bytes: Vec<u8>,
}

impl Alias {
    pub(crate) fn new(prefix: &str) -> Alias {
        Alias {
            bytes: prefix.as_bytes().to_vec(),
        }
    }

    pub(crate) fn push_str(&mut self, s: &str) {
        self.bytes.extend_from_slice(s.as_bytes());
    }

    pub(crate) fn push_bytes(&mut self, b: &[u8]) {
        self.bytes.extend_from_slice(b);
    }

    /// C's `ADD(str, sep, cond, field)`: `sep`, then the field in upper-case hex padded to
    /// twice its size, or `*` when `cond` is false. Quirk: an 8-byte field prints nothing
    /// (the format chosen by `sizeof(field)` is `""`).
    pub(crate) fn add(&mut self, sep: &str, cond: bool, value: u64, field_size: usize) {
        self.push_str(sep);
        if !cond {
            self.bytes.push(b'*');
            return;
        }
        let _ = match field_size {
            1 => write!(self, "{value:02X}"),
            2 => write!(self, "{value:04X}"),
            4 => write!(self, "{value:08X}"),
            _ => Ok(()),
        };
    }

    /// C's `add_wildcard`: end in `*` for future extension, unless it already does.
    pub(crate) fn add_wildcard(&mut self) {
        if self.bytes.last() != Some(&b'*') {
            self.bytes.push(b'*');
        }
    }

    /// Replace C-locale `isspace` bytes with `_` (of and vio aliases).
    pub(crate) fn spaces_to_underscores(&mut self) {
        for b in &mut self.bytes {
            if matches!(*b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r') {
                *b = b'_';
            }
        }
    }
}

impl std::fmt::Write for Alias {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.bytes.extend_from_slice(s.as_bytes());
        Ok(())
    }
}
