//! The `.kallsyms_paths` section of a loadable module: for every `.symtab` entry, the source
//! path of the object that defined it (see docs/kallsyms-paths-format.md).
//!
//! The section mirrors the symbol table by index, so it is only meaningful together with the
//! exact `.symtab` and `.strtab` bytes it was made for. Its header therefore carries the symbol
//! count and a CRC-32 of those bytes; a consumer (the kernel's module loader, `modpost-rs
//! verify`, kallsyms-rs) must ignore a section whose count or CRC do not match, so that a stale
//! section never puts a wrong path on a symbol.
//!
//! Layout (all integers in the byte order of the ELF file that holds the section):
//!
//! ```text
//! 0   u32 magic         KALLSYMS_PATHS_MAGIC
//! 4   u16 version       1
//! 6   u16 header_size   24; a multiple of 4 (readers skip anything between 24 and it)
//! 8   u32 num_syms      == number of .symtab entries, including entry 0
//! 12  u32 crc           CRC-32 (IEEE, as crc32fast / zlib) of .symtab bytes then .strtab bytes
//! 16  u32 pathtab_off   offset of the path table from the start of the section, multiple of 4
//! 20  u32 pathtab_size  size of the path table in bytes
//! 24  u16 index[num_syms]  path table index per symbol; 0 = no path
//!     (zero padding up to pathtab_off)
//! pathtab_off: u32 num_paths; u32 str_off[num_paths]; NUL-terminated strings
//!     str_off is relative to the start of the path table; path 0 is always "".
//! ```

use std::fmt;

use object::Endian;
use object::Endianness;

use crate::elf::ElfFile;
use crate::elf::SymbolTable;

/// Name of the section in a `.ko`.
pub const SECTION_NAME: &str = ".kallsyms_paths";

/// First word of the section, read in the file's byte order ("KPTH" when read big-endian).
pub const MAGIC: u32 = 0x4b50_5448;

/// The only version this code writes and reads.
pub const VERSION: u16 = 1;

/// Size of the fixed header written by this version.
pub const HEADER_SIZE: usize = 24;

/// The most distinct paths one section can name (index 0 is the empty "no path").
pub const MAX_PATHS: usize = u16::MAX as usize;

/// Why a `.kallsyms_paths` payload could not be built or decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormatError {
    /// Offset inside the section where the problem was found.
    pub offset: usize,
    /// What was wrong, in words.
    pub what: String,
}

impl fmt::Display for FormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "at section offset {:#x}: {}", self.offset, self.what)
    }
}

impl std::error::Error for FormatError {}

fn err(offset: usize, what: impl Into<String>) -> FormatError {
    FormatError {
        offset,
        what: what.into(),
    }
}

/// CRC-32 that binds a section to the symbol table it mirrors: `.symtab` bytes, then `.strtab`
/// bytes, each exactly `sh_size` long, as they are in the file.
pub fn symtab_crc(symtab: &[u8], strtab: &[u8]) -> u32 {
    let mut hasher = crc32fast::Hasher::new();
    hasher.update(symtab);
    hasher.update(strtab);
    hasher.finalize()
}

fn u16_at(e: Endianness, data: &[u8], off: usize) -> Result<u16, FormatError> {
    data.get(off..off.wrapping_add(2))
        .and_then(|s| s.try_into().ok())
        .map(|b| e.read_u16(b))
        .ok_or_else(|| err(off, "truncated (u16 past the end)"))
}

fn u32_at(e: Endianness, data: &[u8], off: usize) -> Result<u32, FormatError> {
    data.get(off..off.wrapping_add(4))
        .and_then(|s| s.try_into().ok())
        .map(|b| e.read_u32(b))
        .ok_or_else(|| err(off, "truncated (u32 past the end)"))
}

/// Build the section payload. `paths[i]` is the source path of symbol `i` (`None` or an empty
/// path: no path). Paths are stored once each, in order of first use, so the output depends
/// only on the inputs.
pub fn encode(paths: &[Option<&[u8]>], crc: u32, e: Endianness) -> Result<Vec<u8>, FormatError> {
    let num_syms = u32::try_from(paths.len()).map_err(|_| {
        err(
            8,
            format!("{} symbols do not fit the u32 count", paths.len()),
        )
    })?;
    let mut table: Vec<&[u8]> = vec![b""];
    let mut lookup: std::collections::HashMap<&[u8], u16> = std::collections::HashMap::new();
    let mut index = Vec::with_capacity(paths.len());
    for path in paths {
        let path = match path {
            Some(p) if !p.is_empty() => *p,
            _ => {
                index.push(0u16);
                continue;
            }
        };
        if path.contains(&0) {
            return Err(err(HEADER_SIZE, "a path contains a NUL byte"));
        }
        let next = table.len();
        let slot = match lookup.get(path) {
            Some(&slot) => slot,
            None => {
                let slot = u16::try_from(next)
                    .ok()
                    .filter(|&s| usize::from(s) <= MAX_PATHS)
                    .ok_or_else(|| {
                        err(HEADER_SIZE, format!("more than {MAX_PATHS} distinct paths"))
                    })?;
                table.push(path);
                lookup.insert(path, slot);
                slot
            }
        };
        index.push(slot);
    }

    let pathtab_off = (HEADER_SIZE + 2 * paths.len()).next_multiple_of(4);
    let strings_off = 4 + 4 * table.len();
    let mut strings = Vec::new();
    let mut offsets = Vec::with_capacity(table.len());
    for path in &table {
        offsets.push(strings_off + strings.len());
        strings.extend_from_slice(path);
        strings.push(0);
    }
    let pathtab_size = strings_off + strings.len();
    let too_big = || err(16, "section larger than 4 GiB");
    let mut out = Vec::with_capacity(pathtab_off + pathtab_size);
    out.extend_from_slice(&e.write_u32(MAGIC));
    out.extend_from_slice(&e.write_u16(VERSION));
    out.extend_from_slice(&e.write_u16(HEADER_SIZE as u16));
    out.extend_from_slice(&e.write_u32(num_syms));
    out.extend_from_slice(&e.write_u32(crc));
    out.extend_from_slice(&e.write_u32(u32::try_from(pathtab_off).map_err(|_| too_big())?));
    out.extend_from_slice(&e.write_u32(u32::try_from(pathtab_size).map_err(|_| too_big())?));
    for slot in index {
        out.extend_from_slice(&e.write_u16(slot));
    }
    out.resize(pathtab_off, 0);
    out.extend_from_slice(&e.write_u32(table.len() as u32));
    for off in offsets {
        out.extend_from_slice(&e.write_u32(u32::try_from(off).map_err(|_| too_big())?));
    }
    out.extend_from_slice(&strings);
    Ok(out)
}

/// A decoded, fully validated section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KallsymsPaths {
    /// Symbol count recorded in the header (must equal the symtab's entry count).
    pub num_syms: u32,
    /// CRC recorded in the header (must equal [`symtab_crc`] of the symtab it mirrors).
    pub crc: u32,
    /// Path table index per symbol; 0 means no path.
    pub index: Vec<u16>,
    /// The path table; entry 0 is the empty path.
    pub paths: Vec<Vec<u8>>,
}

impl KallsymsPaths {
    /// Path of symbol `i`, or `None` if it has none (or `i` is out of range).
    pub fn path_of(&self, i: usize) -> Option<&[u8]> {
        let slot = usize::from(*self.index.get(i)?);
        let path = self.paths.get(slot)?;
        if path.is_empty() {
            None
        } else {
            Some(path)
        }
    }

    /// True if the section was made for a symbol table with these bytes and this count.
    pub fn matches(&self, num_syms: usize, crc: u32) -> bool {
        usize::try_from(self.num_syms).ok() == Some(num_syms) && self.crc == crc
    }
}

/// Decode and validate a section payload: every check the kernel loader makes, so a payload
/// accepted here is accepted there (freshness, i.e. count and CRC, is checked separately with
/// [`KallsymsPaths::matches`]).
pub fn decode(data: &[u8], e: Endianness) -> Result<KallsymsPaths, FormatError> {
    if data.len() < HEADER_SIZE {
        return Err(err(
            0,
            format!(
                "{} bytes, shorter than the {HEADER_SIZE}-byte header",
                data.len()
            ),
        ));
    }
    let magic = u32_at(e, data, 0)?;
    if magic != MAGIC {
        return Err(err(
            0,
            format!("bad magic {magic:#010x} (expected {MAGIC:#010x})"),
        ));
    }
    let version = u16_at(e, data, 4)?;
    if version != VERSION {
        return Err(err(
            4,
            format!("unsupported version {version} (this reader knows {VERSION})"),
        ));
    }
    let header_size = usize::from(u16_at(e, data, 6)?);
    if header_size < HEADER_SIZE || header_size % 4 != 0 {
        return Err(err(
            6,
            format!("header size {header_size} (must be a multiple of 4, at least {HEADER_SIZE})"),
        ));
    }
    let num_syms = u32_at(e, data, 8)?;
    let crc = u32_at(e, data, 12)?;
    let pathtab_off = u32_at(e, data, 16)? as usize;
    let pathtab_size = u32_at(e, data, 20)? as usize;
    let n = num_syms as usize;
    let index_end = n.checked_mul(2).and_then(|b| b.checked_add(header_size));
    match index_end {
        Some(end) if end <= pathtab_off => {}
        _ => {
            return Err(err(
                16,
                format!("path table offset {pathtab_off:#x} overlaps the {n} index entries"),
            ));
        }
    }
    if pathtab_off % 4 != 0 {
        return Err(err(
            16,
            format!("path table offset {pathtab_off:#x} is not a multiple of 4"),
        ));
    }
    let table = pathtab_off
        .checked_add(pathtab_size)
        .and_then(|end| data.get(pathtab_off..end))
        .ok_or_else(|| {
            err(
                20,
                format!(
                    "path table {pathtab_off:#x}+{pathtab_size:#x} runs past the section end {:#x}",
                    data.len()
                ),
            )
        })?;
    let num_paths =
        u32_at(e, table, 0).map_err(|_| err(pathtab_off, "path table has no count"))? as usize;
    if num_paths == 0 || num_paths > MAX_PATHS + 1 || 4 + 4 * num_paths >= table.len() {
        return Err(err(
            pathtab_off,
            format!(
                "path count {num_paths} out of range for a {}-byte table",
                table.len()
            ),
        ));
    }
    // A NUL at the very end terminates every string in the table (the kernel relies on it).
    if table.last() != Some(&0) {
        return Err(err(
            pathtab_off + table.len().saturating_sub(1),
            "path table does not end in a NUL",
        ));
    }
    let mut paths = Vec::with_capacity(num_paths);
    for p in 0..num_paths {
        let at = 4 + 4 * p;
        let off = u32_at(e, table, at)
            .map_err(|_| err(pathtab_off + at, "path offset table truncated"))?
            as usize;
        let rest = table.get(off..).ok_or_else(|| {
            err(
                pathtab_off + at,
                format!("path {p} offset {off:#x} outside the table"),
            )
        })?;
        let len = rest
            .iter()
            .position(|&b| b == 0)
            .ok_or_else(|| err(pathtab_off + off, format!("path {p} is not NUL-terminated")))?;
        paths.push(rest[..len].to_vec());
    }
    if paths.first().is_some_and(|p| !p.is_empty()) {
        return Err(err(pathtab_off + 4, "path 0 must be empty"));
    }
    let mut index = Vec::with_capacity(n);
    for i in 0..n {
        let at = header_size + 2 * i;
        let slot = u16_at(e, data, at)?;
        if usize::from(slot) >= num_paths {
            return Err(err(
                at,
                format!("symbol {i} names path {slot}, but there are only {num_paths}"),
            ));
        }
        index.push(slot);
    }
    Ok(KallsymsPaths {
        num_syms,
        crc,
        index,
        paths,
    })
}

/// Trailer that `scripts/sign-file` appends after a module signature.
pub const MODULE_SIG_MAGIC: &[u8] = b"~Module signature appended~\n";

/// The length of a module without its appended signature, if it has one (the loader cuts the
/// signature off before it parses the ELF file, and so do the readers here).
pub fn unsigned_len(data: &[u8]) -> Option<usize> {
    let magic_at = data.len().checked_sub(MODULE_SIG_MAGIC.len())?;
    if data.get(magic_at..)? != MODULE_SIG_MAGIC {
        return None;
    }
    // struct module_signature (12 bytes) precedes the magic; its last field is the big-endian
    // signature length, and the signature itself precedes the struct.
    let info_at = magic_at.checked_sub(12)?;
    let sig_len = u32::from_be_bytes(data.get(info_at + 8..info_at + 12)?.try_into().ok()?);
    info_at.checked_sub(sig_len as usize)
}

/// The module's bytes without an appended signature.
pub fn unsigned(data: &[u8]) -> &[u8] {
    data.get(..unsigned_len(data).unwrap_or(data.len()))
        .unwrap_or(data)
}

/// Why a module's section cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SectionProblem {
    /// The module has no symbol table.
    NoSymtab,
    /// The module has no `.kallsyms_paths` section.
    Missing,
    /// The section exists but the loader would not use it (its words say why).
    Malformed(String),
    /// Well formed, but made for another symbol table (the module was changed after the
    /// section was written, e.g. by `strip`).
    Stale {
        /// Count and CRC in the section.
        section: (u32, u32),
        /// Count and CRC of the symbol table.
        symtab: (usize, u32),
    },
}

impl fmt::Display for SectionProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SectionProblem::NoSymtab => f.write_str("no symbol table"),
            SectionProblem::Missing => write!(f, "no {SECTION_NAME} section"),
            SectionProblem::Malformed(what) => write!(f, "{SECTION_NAME} {what}"),
            SectionProblem::Stale { section, symtab } => write!(
                f,
                "stale {SECTION_NAME}: made for {} symbols with crc {:#010x}, symtab has {} with crc {:#010x}",
                section.0, section.1, symtab.0, symtab.1
            ),
        }
    }
}

/// The symbol table of `file` and its `.kallsyms_paths`, checked exactly as the kernel's
/// loader checks it (section type and flags, format, count and CRC) so that what is accepted
/// here is used there.
pub fn read_section<'data>(
    file: &ElfFile<'data>,
) -> Result<(SymbolTable<'data>, KallsymsPaths), SectionProblem> {
    let symtab = file
        .symbols()
        .map_err(|e| SectionProblem::Malformed(e.to_string()))?
        .ok_or(SectionProblem::NoSymtab)?;
    let index = file
        .section_by_name(SECTION_NAME.as_bytes())
        .ok_or(SectionProblem::Missing)?;
    let sh = file
        .section(index)
        .map_err(|e| SectionProblem::Malformed(e.to_string()))?;
    // The kernel loader's checks (patch 0004): what ko-paths writes and nothing else. The
    // loader lays the section out by sh_addralign truncated to 32 bits, so a huge alignment
    // would corrupt the module's layout; it is refused like any other malformed header.
    if sh.sh_type != object::elf::SHT_PROGBITS
        || sh.is_alloc()
        || sh.sh_offset % 4 != 0
        || sh.sh_addralign > 4
        || !(sh.sh_addralign == 0 || sh.sh_addralign.is_power_of_two())
    {
        return Err(SectionProblem::Malformed(format!(
            "has type {}, flags {:#x}, offset {:#x}, alignment {} (needs PROGBITS, no \
             SHF_ALLOC, offset 4-aligned, alignment at most 4)",
            sh.sh_type.0, sh.sh_flags.0, sh.sh_offset, sh.sh_addralign
        )));
    }
    let data = file
        .section_data(index)
        .map_err(|e| SectionProblem::Malformed(e.to_string()))?;
    let section =
        decode(data, file.endian).map_err(|e| SectionProblem::Malformed(e.to_string()))?;
    let crc = symtab_crc(symtab.bytes, symtab.strtab);
    if !section.matches(symtab.symbols.len(), crc) {
        return Err(SectionProblem::Stale {
            section: (section.num_syms, section.crc),
            symtab: (symtab.symbols.len(), crc),
        });
    }
    Ok((symtab, section))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(e: Endianness) -> Vec<u8> {
        let a: &[u8] = b"fs/fat/cache.c";
        let b: &[u8] = b"fs/fat/dir.c";
        let paths = [None, Some(a), Some(b), Some(a), None, Some(&b""[..])];
        encode(&paths, 0xdead_beef, e).unwrap()
    }

    #[test]
    fn round_trip_both_byte_orders() {
        for e in [Endianness::Little, Endianness::Big] {
            let bytes = sample(e);
            let d = decode(&bytes, e).unwrap();
            assert_eq!(d.num_syms, 6);
            assert_eq!(d.crc, 0xdead_beef);
            assert_eq!(d.index, vec![0, 1, 2, 1, 0, 0]);
            assert_eq!(d.paths.len(), 3, "each path stored once");
            assert_eq!(d.path_of(3), Some(&b"fs/fat/cache.c"[..]));
            assert_eq!(d.path_of(0), None);
            assert_eq!(d.path_of(5), None);
            assert_eq!(d.path_of(99), None);
            assert!(d.matches(6, 0xdead_beef));
            assert!(!d.matches(5, 0xdead_beef));
        }
    }

    #[test]
    fn byte_order_is_the_files() {
        let le = sample(Endianness::Little);
        let be = sample(Endianness::Big);
        assert_eq!(&le[0..4], &MAGIC.to_le_bytes());
        assert_eq!(&be[0..4], b"KPTH");
        assert!(
            decode(&le, Endianness::Big).is_err(),
            "wrong byte order is rejected by the magic"
        );
    }

    #[test]
    fn layout_is_as_documented() {
        let bytes = sample(Endianness::Little);
        let u32_at = |o: usize| u32::from_le_bytes(bytes[o..o + 4].try_into().unwrap());
        assert_eq!(u32_at(16), 36, "24 + 6*2 = 36, already 4-aligned");
        let pathtab = 36usize;
        assert_eq!(u32_at(20) as usize, bytes.len() - pathtab);
        assert_eq!(u32_at(pathtab), 3);
        assert_eq!(u32_at(pathtab + 4), 16, "path 0 right after 3 offsets");
        assert_eq!(bytes[pathtab + 16], 0);
        assert_eq!(&bytes[pathtab + 17..pathtab + 31], b"fs/fat/cache.c");
        assert_eq!(*bytes.last().unwrap(), 0);
    }

    #[test]
    fn malformed_payloads_are_errors_not_panics() {
        let good = sample(Endianness::Little);
        for len in 0..good.len() {
            assert!(
                decode(&good[..len], Endianness::Little).is_err(),
                "truncated to {len}"
            );
        }
        let mut bad = good.clone();
        bad[4] = 2;
        assert!(decode(&bad, Endianness::Little)
            .unwrap_err()
            .what
            .contains("version"));
        let mut bad = good.clone();
        bad[26] = 9; // symbol 1 -> path 9
        assert!(decode(&bad, Endianness::Little)
            .unwrap_err()
            .what
            .contains("only 3"));
        let mut bad = good.clone();
        let n = bad.len();
        bad[n - 1] = b'x';
        assert!(decode(&bad, Endianness::Little)
            .unwrap_err()
            .what
            .contains("NUL"));
        let mut bad = good;
        bad[16] = 2; // misaligned / overlapping path table offset
        assert!(decode(&bad, Endianness::Little).is_err());
    }

    #[test]
    fn crc_is_zlib_crc32_of_both_tables() {
        // crc32("123456789") = 0xcbf43926, the standard check value.
        assert_eq!(symtab_crc(b"12345", b"6789"), 0xcbf4_3926);
    }

    #[test]
    fn nul_in_path_is_rejected() {
        let p: &[u8] = b"a\0b";
        assert!(encode(&[Some(p)], 0, Endianness::Little).is_err());
    }
}
