//! ELF input: a relocatable object as modpost sees it.
//!
//! The headers and tables are decoded through the `object` crate's ELF types (both classes, both
//! byte orders, chosen at run time from `e_ident`). The checks run in the order of C's
//! `parse_elf()` so the same malformed input gives the same fatal message; where C would read
//! out of bounds we stop with a message naming the file and the offending offset instead.
//!
//! C modpost maps the file `MAP_PRIVATE` and writes into it: `remove_dot()` cuts `foo.123` to
//! `foo` by storing a NUL in `.strtab`, which every later name lookup sees (including other
//! symbols whose names share the string's tail). We keep a private copy of the string table
//! and apply the same writes to it ([`ElfObject::remove_dot`]).

use crate::diag::cat;
use crate::diag::Diags;
use crate::diag::Result;
use object::elf;
use object::read::elf::FileHeader;
use object::read::elf::SectionHeader as _;
use object::read::elf::Sym as _;
use object::Endianness;

/// `SHN_XINDEX`: the real section index is in `.symtab_shndx`.
const SHN_XINDEX: u16 = 0xffff;
const SHN_LORESERVE: u16 = 0xff00;
pub(crate) const SHN_UNDEF: u16 = 0;
pub(crate) const SHN_COMMON: u16 = 0xfff2;

/// One section header, decoded to native values.
#[derive(Debug, Clone)]
pub(crate) struct Section {
    /// `sh_name`: offset of the name in the section-name string table.
    pub(crate) sh_name: u32,
    /// `sh_type`: one of the `SHT_*` constants.
    pub(crate) sh_type: u32,
    /// `sh_flags`: `SHF_*` bits.
    pub(crate) sh_flags: u64,
    /// `sh_offset`: file offset of the contents.
    pub(crate) sh_offset: u64,
    /// `sh_size`: size of the contents in bytes.
    pub(crate) sh_size: u64,
    /// `sh_link`: a section index whose meaning depends on `sh_type`.
    pub(crate) sh_link: u32,
    /// `sh_info`: for relocation sections, the index of the section they apply to.
    pub(crate) sh_info: u32,
}

/// One `.symtab` entry, decoded to native values.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Symbol {
    /// `st_name`: offset of the name in the symbol string table.
    pub(crate) st_name: u32,
    /// `st_info`: binding (high nibble) and type (low nibble).
    pub(crate) st_info: u8,
    /// `st_shndx` as stored (may be `SHN_XINDEX` or another reserved index).
    pub(crate) st_shndx: u16,
    /// C's `get_secindex()`: the real section index, with reserved indices moved to
    /// `u32::MAX - 255 ..= u32::MAX` so they never equal a real section.
    pub(crate) secindex: u32,
    /// `st_value`: for a relocatable object, the offset within the section.
    pub(crate) st_value: u64,
    /// `st_size`: size of the object or function.
    pub(crate) st_size: u64,
}

impl Symbol {
    pub(crate) fn bind(&self) -> u8 {
        self.st_info >> 4
    }
    pub(crate) fn kind(&self) -> u8 {
        self.st_info & 0xf
    }
}

/// A relocation entry, decoded as C's `get_rel_type_and_sym()` does.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Reloc {
    /// `r_offset`: offset in the section the relocation applies to.
    pub(crate) r_offset: u64,
    /// Symbol index from `r_info`.
    pub(crate) r_sym: u32,
    /// Relocation type from `r_info`.
    pub(crate) r_type: u32,
    /// `r_addend` for RELA; `None` for REL (the addend is in the relocated word).
    pub(crate) r_addend: Option<i64>,
}

/// A parsed relocatable object.
pub(crate) struct ElfObject<'data> {
    /// The file as read from disk.
    pub(crate) data: &'data [u8],
    /// Path, for messages: raw bytes, printed as C prints its `char *`.
    pub(crate) filename: &'data [u8],
    /// `e_ident[EI_CLASS] == ELFCLASS64`.
    pub(crate) is_64: bool,
    /// `e_ident[EI_DATA] == ELFDATA2MSB`.
    pub(crate) big_endian: bool,
    /// `e_machine`.
    pub(crate) machine: u16,
    /// All section headers; `sections.len()` is C's `num_sections`.
    pub(crate) sections: Vec<Section>,
    /// Index of the section-name string table (`e_shstrndx`, or `sh_link` of section 0).
    pub(crate) secindex_strings: u32,
    /// `.symtab` entries, index 0 included.
    pub(crate) symbols: Vec<Symbol>,
    /// Private copy of the symbol string table (`sh_link` of `.symtab`), written by remove_dot.
    pub(crate) strtab: Vec<u8>,
    /// Contents of `.modinfo`, if present.
    pub(crate) modinfo: Option<&'data [u8]>,
    /// Index of `.export_symbol`; 0 when absent, as C leaves it.
    pub(crate) export_symbol_secndx: u32,
}

/// What `parse_elf` found: a usable object, or a file C skips without creating a module.
pub(crate) enum Parsed<'data> {
    Object(Box<ElfObject<'data>>),
    /// Too small for an ELF header or no ELF magic: silently ignored, as in C.
    NotElf,
}

fn bad(diags: &mut Diags, filename: &[u8], what: impl AsRef<[u8]>) -> crate::diag::Fatal {
    diags.fatal(cat!(filename, ": ", what.as_ref(), "\n"))
}

/// Parse `data` (the contents of `filename`) the way C's `parse_elf()` does.
pub(crate) fn parse<'data>(
    data: &'data [u8],
    filename: &'data [u8],
    diags: &mut Diags,
) -> Result<Parsed<'data>> {
    // sizeof(Elf_Ehdr) of the class C was compiled for; we accept either class, so use the
    // smaller header for the "too small" test and check the larger one below.
    if data.len() < 52 || &data[0..4] != b"\x7fELF" {
        return Ok(Parsed::NotElf);
    }
    let big_endian = match data[5] {
        1 => false,
        2 => true,
        _ => return Err(diags.fatal("target endian is unknown\n")),
    };
    match data[4] {
        2 => parse_class::<elf::FileHeader64<Endianness>>(data, filename, big_endian, diags),
        1 => parse_class::<elf::FileHeader32<Endianness>>(data, filename, big_endian, diags),
        c => Err(bad(
            diags,
            filename,
            format!("unsupported ELF class {c} (e_ident[EI_CLASS])"),
        )),
    }
}

fn parse_class<'data, Elf: FileHeader<Endian = Endianness>>(
    data: &'data [u8],
    filename: &'data [u8],
    big_endian: bool,
    diags: &mut Diags,
) -> Result<Parsed<'data>> {
    let Ok(hdr) = Elf::parse(data) else {
        // Shorter than this class's Ehdr: C's "too small, assume an empty .o".
        return Ok(Parsed::NotElf);
    };
    let e = if big_endian {
        Endianness::Big
    } else {
        Endianness::Little
    };
    let is_64 = hdr.is_class_64();
    if hdr.e_type(e).0 != elf::ET_REL.0 {
        return Err(diags.fatal(cat!(filename, ": not relocatable object.")));
    }
    let shoff: u64 = hdr.e_shoff(e).into();
    if shoff > data.len() as u64 {
        return Err(diags.fatal(cat!(
            format!("section header offset={shoff} in file '"),
            filename,
            format!("' is bigger than filesize={}\n", data.len())
        )));
    }
    let shentsize = if is_64 { 64u64 } else { 40u64 };
    let read_shdr = |idx: u64, diags: &mut Diags| -> Result<&'data Elf::SectionHeader> {
        let off = shoff + idx * shentsize;
        let end = off + shentsize;
        if end > data.len() as u64 {
            return Err(bad(
                diags,
                filename,
                format!("section header {idx} at offset {off} extends past the end of the file ({} bytes)", data.len()),
            ));
        }
        object::pod::from_bytes::<Elf::SectionHeader>(&data[off as usize..end as usize])
            .map(|(h, _)| h)
            .map_err(|_| {
                bad(
                    diags,
                    filename,
                    format!("misaligned section header at offset {off}"),
                )
            })
    };
    let e_shnum = hdr.e_shnum(e);
    let num_sections: u64 = if e_shnum == 0 {
        if shoff == 0 {
            0
        } else {
            read_shdr(0, diags)?.sh_size(e).into()
        }
    } else {
        e_shnum.into()
    };
    let secindex_strings: u32 = if hdr.e_shstrndx(e).0 == SHN_XINDEX {
        read_shdr(0, diags)?.sh_link(e)
    } else {
        hdr.e_shstrndx(e).0.into()
    };
    if num_sections.saturating_mul(shentsize) > data.len() as u64 {
        return Err(bad(
            diags,
            filename,
            format!("{num_sections} section headers at offset {shoff} do not fit in the file ({} bytes)", data.len()),
        ));
    }
    let mut sections = Vec::with_capacity(num_sections as usize);
    for i in 0..num_sections {
        let sh = read_shdr(i, diags)?;
        sections.push(Section {
            sh_name: sh.sh_name(e),
            sh_type: sh.sh_type(e).0,
            sh_flags: sh.sh_flags(e).0,
            sh_offset: sh.sh_offset(e).into(),
            sh_size: sh.sh_size(e).into(),
            sh_link: sh.sh_link(e),
            sh_info: sh.sh_info(e),
        });
    }
    let mut obj = ElfObject {
        data,
        filename,
        is_64,
        big_endian,
        machine: hdr.e_machine(e).0,
        sections,
        secindex_strings,
        symbols: Vec::new(),
        strtab: Vec::new(),
        modinfo: None,
        export_symbol_secndx: 0,
    };
    if obj.secindex_strings as usize >= obj.sections.len() && obj.sections.len() > 1 {
        return Err(bad(
            diags,
            filename,
            format!(
                "section name string table index {} out of range ({} sections)",
                obj.secindex_strings,
                obj.sections.len()
            ),
        ));
    }
    let mut symtab_idx: Option<usize> = None;
    let mut symtab_shndx_idx: Option<usize> = None;
    for i in 1..obj.sections.len() {
        let sec = &obj.sections[i];
        let nobits = sec.sh_type == elf::SHT_NOBITS.0;
        if !nobits && sec.sh_offset > data.len() as u64 {
            // C prints sizeof(*hdr) here, not the file size: a quirk kept verbatim.
            return Err(diags.fatal(cat!(
                filename,
                format!(
                    " is truncated. sechdrs[i].sh_offset={} > sizeof(*hrd)={}\n",
                    sec.sh_offset,
                    if is_64 { 64 } else { 52 }
                )
            )));
        }
        // C reads the name straight from its mapping: past the end of the file it faults.
        obj.check_section_name(i as u32, diags)?;
        let name = obj.section_name(i as u32);
        if name == b".modinfo" {
            if nobits {
                return Err(diags.fatal(cat!(filename, " has NOBITS .modinfo\n")));
            }
            obj.modinfo = Some(obj.section_data(i as u32, diags)?);
        } else if name == b".export_symbol" {
            obj.export_symbol_secndx = i as u32;
        }
        let sec = &obj.sections[i];
        if sec.sh_type == elf::SHT_SYMTAB.0 {
            symtab_idx = Some(i);
        }
        if sec.sh_type == elf::SHT_SYMTAB_SHNDX.0 {
            symtab_shndx_idx = Some(i);
        }
    }
    // Section 0's name is read later too (sec_name() of undefined symbols).
    if !obj.sections.is_empty() {
        obj.check_section_name(0, diags)?;
    }
    let Some(symtab_idx) = symtab_idx else {
        return Err(diags.fatal(cat!(filename, " has no symtab?\n")));
    };
    let shndx_table: Option<&[u8]> = match symtab_shndx_idx {
        Some(x) => {
            let link = obj.sections[x].sh_link;
            if link as usize != symtab_idx {
                return Err(diags.fatal(cat!(
                    filename,
                    format!(": SYMTAB_SHNDX has bad sh_link: {link}!={symtab_idx}\n")
                )));
            }
            Some(obj.section_data(x as u32, diags)?)
        }
        None => None,
    };
    let symtab_data = obj.section_data(symtab_idx as u32, diags)?;
    let strtab_idx = obj.sections[symtab_idx].sh_link;
    let strtab_offset = obj
        .sections
        .get(strtab_idx as usize)
        .map_or(0, |s| s.sh_offset);
    obj.strtab = obj.section_data(strtab_idx, diags)?.to_vec();
    let syms: &[Elf::Sym] = object::pod::slice_from_all_bytes(symtab_data)
        .or_else(|_| {
            // A trailing partial entry is ignored, like C's `sym < symtab_stop` loop.
            let n = symtab_data.len() / std::mem::size_of::<Elf::Sym>();
            object::pod::slice_from_bytes(symtab_data, n).map(|(s, _)| s)
        })
        .map_err(|_| bad(diags, filename, "misaligned .symtab"))?;
    obj.symbols.reserve_exact(syms.len());
    for (i, s) in syms.iter().enumerate() {
        // C reads every symbol name from its mapping (remove_dot() even writes to it).
        if strtab_offset.saturating_add(s.st_name(e) as u64) >= data.len() as u64 {
            return Err(bad(
                diags,
                filename,
                format!(
                    "symbol {i} name offset {} (string table at offset {strtab_offset}) is outside the file ({} bytes)",
                    s.st_name(e),
                    data.len()
                ),
            ));
        }
        let st_shndx = s.st_shndx(e).0;
        let secindex = if st_shndx == SHN_XINDEX {
            let Some(word) = shndx_table.and_then(|t| t.get(i * 4..i * 4 + 4)) else {
                return Err(bad(
                    diags,
                    filename,
                    format!("symbol {i} uses SHN_XINDEX but .symtab_shndx has no entry for it"),
                ));
            };
            let w = [word[0], word[1], word[2], word[3]];
            if big_endian {
                u32::from_be_bytes(w)
            } else {
                u32::from_le_bytes(w)
            }
        } else if st_shndx >= SHN_LORESERVE {
            // SHN_LORESERVE..=SHN_HIRESERVE -> UINT_MAX-255..=UINT_MAX (get_secindex()).
            (st_shndx as u32).wrapping_sub(0xffff).wrapping_sub(1)
        } else {
            st_shndx as u32
        };
        obj.symbols.push(Symbol {
            st_name: s.st_name(e),
            st_info: s.st_info().0,
            st_shndx,
            secindex,
            st_value: s.st_value(e).into(),
            st_size: s.st_size(e).into(),
        });
    }
    Ok(Parsed::Object(Box::new(obj)))
}

impl<'data> ElfObject<'data> {
    /// Mask applied to address arithmetic: C's `Elf_Addr` is 32 bits wide for ELF32 targets.
    pub(crate) fn addr_mask(&self) -> u64 {
        if self.is_64 {
            u64::MAX
        } else {
            u32::MAX as u64
        }
    }

    /// `sech_name()`: a section's name, or "" when it cannot be read.
    pub(crate) fn section_name(&self, index: u32) -> &'data [u8] {
        let Some(sec) = self.sections.get(index as usize) else {
            return b"";
        };
        let Some(strsec) = self.sections.get(self.secindex_strings as usize) else {
            return b"";
        };
        let start = strsec.sh_offset.saturating_add(sec.sh_name as u64);
        c_str_at(self.data, start)
    }

    /// Fatal if the name of section `index` starts outside the file (C would read past the end
    /// of its mapping). Names that start inside the file are read as C reads them.
    fn check_section_name(&self, index: u32, diags: &mut Diags) -> Result<()> {
        let (Some(sec), Some(strsec)) = (
            self.sections.get(index as usize),
            self.sections.get(self.secindex_strings as usize),
        ) else {
            return Ok(());
        };
        if strsec.sh_offset.saturating_add(sec.sh_name as u64) >= self.data.len() as u64 {
            return Err(bad(
                diags,
                self.filename,
                format!(
                    "section {index} name offset {} (section name table at offset {}) is outside the file ({} bytes)",
                    sec.sh_name,
                    strsec.sh_offset,
                    self.data.len()
                ),
            ));
        }
        Ok(())
    }

    /// Contents of section `index` (empty for SHT_NOBITS); an error if it lies outside the file.
    pub(crate) fn section_data(&self, index: u32, diags: &mut Diags) -> Result<&'data [u8]> {
        let Some(sec) = self.sections.get(index as usize) else {
            return Err(bad(
                diags,
                self.filename,
                format!("section index {index} out of range"),
            ));
        };
        if sec.sh_type == elf::SHT_NOBITS.0 {
            return Ok(&[]);
        }
        let end = sec.sh_offset.checked_add(sec.sh_size);
        match end {
            Some(end) if end <= self.data.len() as u64 => {
                Ok(&self.data[sec.sh_offset as usize..end as usize])
            }
            _ => Err(bad(
                diags,
                self.filename,
                cat!(
                    format!("section {index} ("),
                    self.section_name(index),
                    format!(
                        ") at offset {} size {} extends past the end of the file ({} bytes)",
                        sec.sh_offset,
                        sec.sh_size,
                        self.data.len()
                    )
                ),
            )),
        }
    }

    /// `sec_name()`: "" for indices past the section table (e.g. reserved ones).
    pub(crate) fn sec_name(&self, secindex: u32) -> &'data [u8] {
        if secindex as usize >= self.sections.len() {
            return b"";
        }
        self.section_name(secindex)
    }

    /// The current (possibly remove_dot-truncated) name of a symbol.
    pub(crate) fn sym_name(&self, sym: &Symbol) -> &[u8] {
        c_str_at(&self.strtab, sym.st_name as u64)
    }

    /// C's `remove_dot()` applied to symbol `index`'s name in the private string table:
    /// `foo.123` and `foo.123.bar` become `foo` (a NUL is written at the first '.').
    pub(crate) fn remove_dot(&mut self, index: usize) {
        let Some(sym) = self.symbols.get(index) else {
            return;
        };
        let start = sym.st_name as usize;
        let Some(tail) = self.strtab.get(start..) else {
            return;
        };
        let s = match tail.iter().position(|&b| b == 0) {
            Some(n) => &tail[..n],
            None => tail,
        };
        let Some(n) = s.iter().position(|&b| b == b'.') else {
            return;
        };
        if n == 0 {
            return;
        }
        let digits = s[n + 1..].iter().take_while(|b| b.is_ascii_digit()).count();
        if digits > 0 {
            let after = s.get(n + 1 + digits).copied().unwrap_or(0);
            if after == b'.' || after == 0 {
                self.strtab[start + n] = 0;
            }
        }
    }

    /// C's `is_valid_name()`: a non-empty name that is not a mapping symbol (`.L*`, `L0*`, `$*`).
    pub(crate) fn is_valid_name(&self, sym: &Symbol) -> bool {
        let name = self.sym_name(sym);
        !matches!(name, [] | [b'.', b'L', ..] | [b'L', b'0', ..] | [b'$', ..])
    }

    /// `sym_get_data_by_offset()`: the file bytes at `sh_offset + offset` of a section, up to the
    /// end of the file (C reads from the mapping without a length).
    pub(crate) fn data_at(&self, secindex: u32, offset: u64) -> Option<&'data [u8]> {
        let sec = self.sections.get(secindex as usize)?;
        let start = sec.sh_offset.checked_add(offset)?;
        // An empty tail would be C reading past the end of its mapping.
        self.data
            .get(usize::try_from(start).ok()?..)
            .filter(|t| !t.is_empty())
    }

    /// The relocations of section `index` (SHT_REL or SHT_RELA), decoded one at a time: a
    /// large module has millions of them, so they are never collected.
    pub(crate) fn relocations(&self, index: u32, diags: &mut Diags) -> Result<RelocIter<'data>> {
        let data = self.section_data(index, diags)?;
        let is_rela = self.sections[index as usize].sh_type == elf::SHT_RELA.0;
        let word = if self.is_64 { 8 } else { 4 };
        let entsize = if is_rela { 3 * word } else { 2 * word };
        Ok(RelocIter {
            data,
            pos: 0,
            entsize,
            is_64: self.is_64,
            is_rela,
            big_endian: self.big_endian,
            // r_info of 64-bit MIPS is {u32 r_sym; u8 ssym, type3, type2, type} in file order.
            mips64: self.machine == elf::EM_MIPS.0 && self.is_64,
        })
    }
}

/// Iterator over the entries of one REL or RELA section; a trailing partial entry is ignored,
/// like C's `rel < stop` loop.
pub(crate) struct RelocIter<'data> {
    data: &'data [u8],
    pos: usize,
    entsize: usize,
    is_64: bool,
    is_rela: bool,
    big_endian: bool,
    mips64: bool,
}

impl RelocIter<'_> {
    fn word(&self, off: usize) -> u64 {
        let b = &self.data[off..];
        if self.is_64 {
            let w: [u8; 8] = [b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]];
            if self.big_endian {
                u64::from_be_bytes(w)
            } else {
                u64::from_le_bytes(w)
            }
        } else {
            let w: [u8; 4] = [b[0], b[1], b[2], b[3]];
            (if self.big_endian {
                u32::from_be_bytes(w)
            } else {
                u32::from_le_bytes(w)
            }) as u64
        }
    }
}

impl Iterator for RelocIter<'_> {
    type Item = Reloc;

    fn next(&mut self) -> Option<Reloc> {
        if self.pos + self.entsize > self.data.len() {
            return None;
        }
        let at = self.pos;
        self.pos += self.entsize;
        let w = if self.is_64 { 8 } else { 4 };
        let r_offset = self.word(at);
        let info = self.word(at + w);
        let (r_sym, r_type) = split_r_info(info, self.is_64, self.mips64, self.big_endian);
        let r_addend = if self.is_rela {
            let a = self.word(at + 2 * w);
            Some(if self.is_64 {
                a as i64
            } else {
                a as u32 as i32 as i64
            })
        } else {
            None
        };
        Some(Reloc {
            r_offset,
            r_sym,
            r_type,
            r_addend,
        })
    }
}

/// `get_rel_type_and_sym()`: `info` is the native value of `r_info`.
fn split_r_info(info: u64, is_64: bool, mips64: bool, big_endian: bool) -> (u32, u32) {
    if mips64 {
        // Re-create the file bytes, then read the MIPS64 layout from them.
        let bytes = if big_endian {
            info.to_be_bytes()
        } else {
            info.to_le_bytes()
        };
        let sym = [bytes[0], bytes[1], bytes[2], bytes[3]];
        let r_sym = if big_endian {
            u32::from_be_bytes(sym)
        } else {
            u32::from_le_bytes(sym)
        };
        return (r_sym, bytes[7] as u32);
    }
    if is_64 {
        ((info >> 32) as u32, (info & 0xffff_ffff) as u32)
    } else {
        ((info >> 8) as u32, (info & 0xff) as u32)
    }
}

/// The NUL-terminated string at `start` in `data` (to the end of `data` if unterminated).
pub(crate) fn c_str_at(data: &[u8], start: u64) -> &[u8] {
    let Some(tail) = usize::try_from(start).ok().and_then(|s| data.get(s..)) else {
        return b"";
    };
    match memchr(tail) {
        Some(n) => &tail[..n],
        None => tail,
    }
}

fn memchr(s: &[u8]) -> Option<usize> {
    s.iter().position(|&b| b == 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obj_with_strtab(strtab: &[u8], names: &[u32]) -> ElfObject<'static> {
        ElfObject {
            data: &[],
            filename: b"t.o",
            is_64: true,
            big_endian: false,
            machine: 62,
            sections: Vec::new(),
            secindex_strings: 0,
            symbols: names
                .iter()
                .map(|&n| Symbol {
                    st_name: n,
                    st_info: 0,
                    st_shndx: 1,
                    secindex: 1,
                    st_value: 0,
                    st_size: 0,
                })
                .collect(),
            strtab: strtab.to_vec(),
            modinfo: None,
            export_symbol_secndx: 0,
        }
    }

    #[test]
    fn remove_dot_cuts_numeric_suffixes_only() {
        let mut o = obj_with_strtab(
            b"\0foo.123\0bar.constprop.0\0baz.1.cold\0.5\0x.12a\0",
            &[1, 9, 25, 36, 39],
        );
        for i in 0..5 {
            o.remove_dot(i);
        }
        let names: Vec<&[u8]> = o.symbols.iter().map(|s| o.sym_name(s)).collect();
        assert_eq!(
            names,
            vec![&b"foo"[..], b"bar.constprop.0", b"baz", b".5", b"x.12a"]
        );
    }

    #[test]
    fn remove_dot_is_visible_through_shared_string_tails() {
        // Symbol 1 ("oo.7") shares the tail of symbol 0's "foo.7": cutting one cuts both.
        let mut o = obj_with_strtab(b"\0foo.7\0", &[1, 2]);
        o.remove_dot(0);
        assert_eq!(o.sym_name(&o.symbols[1]), b"oo");
    }

    #[test]
    fn mips64_r_info_is_read_from_file_layout() {
        // Little-endian file bytes: r_sym=5 then ssym, type3, type2, type=4.
        let bytes = [5u8, 0, 0, 0, 0, 0, 0, 4];
        let info = u64::from_le_bytes(bytes);
        assert_eq!(split_r_info(info, true, true, false), (5, 4));
        assert_eq!(
            split_r_info(0x0000_0007_0000_0002, true, false, false),
            (7, 2)
        );
        assert_eq!(split_r_info(0x0000_0302, false, false, false), (3, 2));
    }
}
