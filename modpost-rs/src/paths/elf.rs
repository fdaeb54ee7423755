//! A small ELF reader for the path passes: section headers and the symbol table of relocatable
//! objects and modules, 32/64-bit, either byte order, with extended section numbering
//! (`e_shnum == 0`, `SHN_XINDEX`).
//!
//! The passes need raw offsets and raw header fields (to append a section without touching any
//! other byte) more than a high-level view, so this reads the structures directly and reports
//! every inconsistency as an error naming the file offset, never panicking on bad input.

use std::fmt;

pub(crate) const SHT_SYMTAB: u32 = 2;
pub(crate) const SHT_NOBITS: u32 = 8;
pub(crate) const SHT_SYMTAB_SHNDX: u32 = 18;
pub(crate) const SHN_UNDEF: u16 = 0;
pub(crate) const SHN_LORESERVE: u16 = 0xff00;
pub(crate) const SHN_ABS: u16 = 0xfff1;
pub(crate) const SHN_COMMON: u16 = 0xfff2;
pub(crate) const SHN_XINDEX: u16 = 0xffff;
pub(crate) const STT_SECTION: u8 = 3;
pub(crate) const STT_FILE: u8 = 4;
pub(crate) const STB_LOCAL: u8 = 0;
pub(crate) const STB_WEAK: u8 = 2;

/// Trailer that `scripts/sign-file` appends after a module signature.
pub(crate) const MODULE_SIG_MAGIC: &[u8] = b"~Module signature appended~\n";

/// A problem in an input file, with the offset where it was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ElfError {
    /// Byte offset in the file (or 0 when the problem is not tied to one place).
    pub(crate) offset: u64,
    /// What was wrong.
    pub(crate) what: String,
}

impl fmt::Display for ElfError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "offset {:#x}: {}", self.offset, self.what)
    }
}

pub(crate) fn elf_err(offset: u64, what: impl Into<String>) -> ElfError {
    ElfError {
        offset,
        what: what.into(),
    }
}

/// Class and byte order of a file: how to read its words.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Layout {
    /// ELFCLASS64.
    pub(crate) is_64: bool,
    /// ELFDATA2MSB.
    pub(crate) big_endian: bool,
}

impl Layout {
    pub(crate) fn u16_at(self, data: &[u8], off: u64) -> Result<u16, ElfError> {
        let b = bytes_at::<2>(data, off)?;
        Ok(if self.big_endian {
            u16::from_be_bytes(b)
        } else {
            u16::from_le_bytes(b)
        })
    }

    pub(crate) fn u32_at(self, data: &[u8], off: u64) -> Result<u32, ElfError> {
        let b = bytes_at::<4>(data, off)?;
        Ok(if self.big_endian {
            u32::from_be_bytes(b)
        } else {
            u32::from_le_bytes(b)
        })
    }

    pub(crate) fn u64_at(self, data: &[u8], off: u64) -> Result<u64, ElfError> {
        let b = bytes_at::<8>(data, off)?;
        Ok(if self.big_endian {
            u64::from_be_bytes(b)
        } else {
            u64::from_le_bytes(b)
        })
    }

    /// An address-sized field (`Elf_Addr`/`Elf_Off`/`Elf_Xword` in ELF64, 32 bits in ELF32).
    pub(crate) fn word_at(self, data: &[u8], off: u64) -> Result<u64, ElfError> {
        if self.is_64 {
            self.u64_at(data, off)
        } else {
            self.u32_at(data, off).map(u64::from)
        }
    }

    pub(crate) fn put_u16(self, out: &mut [u8], off: usize, v: u16) {
        let b = if self.big_endian {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        };
        if let Some(dst) = out.get_mut(off..off + 2) {
            dst.copy_from_slice(&b);
        }
    }

    pub(crate) fn put_u32(self, out: &mut [u8], off: usize, v: u32) {
        let b = if self.big_endian {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        };
        if let Some(dst) = out.get_mut(off..off + 4) {
            dst.copy_from_slice(&b);
        }
    }

    /// Write an address-sized field; the caller has checked that `v` fits an ELF32 word.
    pub(crate) fn put_word(self, out: &mut [u8], off: usize, v: u64) {
        if self.is_64 {
            let b = if self.big_endian {
                v.to_be_bytes()
            } else {
                v.to_le_bytes()
            };
            if let Some(dst) = out.get_mut(off..off + 8) {
                dst.copy_from_slice(&b);
            }
        } else {
            self.put_u32(out, off, v as u32);
        }
    }

    /// Size of one section header.
    pub(crate) fn shdr_size(self) -> usize {
        if self.is_64 {
            64
        } else {
            40
        }
    }

    /// Size of one symbol.
    pub(crate) fn sym_size(self) -> u64 {
        if self.is_64 {
            24
        } else {
            16
        }
    }
}

fn bytes_at<const N: usize>(data: &[u8], off: u64) -> Result<[u8; N], ElfError> {
    usize::try_from(off)
        .ok()
        .and_then(|o| data.get(o..o.checked_add(N)?))
        .and_then(|s| s.try_into().ok())
        .ok_or_else(|| {
            elf_err(
                off,
                format!(
                    "truncated: {N} bytes needed, file is {:#x} long",
                    data.len()
                ),
            )
        })
}

/// One section header, all fields widened to u64.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct SectionHeader {
    /// Offset of the name in the section-name string table.
    pub(crate) sh_name: u32,
    /// Section type (SHT_*).
    pub(crate) sh_type: u32,
    /// Flags (SHF_*).
    pub(crate) sh_flags: u64,
    /// Address (0 in relocatable files).
    pub(crate) sh_addr: u64,
    /// File offset of the contents.
    pub(crate) sh_offset: u64,
    /// Size of the contents (for index 0 with `e_shnum == 0`: the real section count).
    pub(crate) sh_size: u64,
    /// Linked section (for index 0 with `e_shstrndx == SHN_XINDEX`: the real shstrndx).
    pub(crate) sh_link: u32,
    /// Extra information, type-dependent.
    pub(crate) sh_info: u32,
    /// Alignment of the contents.
    pub(crate) sh_addralign: u64,
    /// Size of one entry for table sections.
    pub(crate) sh_entsize: u64,
}

impl SectionHeader {
    /// Encode into `layout.shdr_size()` bytes.
    pub(crate) fn encode(&self, layout: Layout, out: &mut Vec<u8>) {
        let start = out.len();
        out.resize(start + layout.shdr_size(), 0);
        let o = &mut out[start..];
        layout.put_u32(o, 0, self.sh_name);
        layout.put_u32(o, 4, self.sh_type);
        if layout.is_64 {
            layout.put_word(o, 8, self.sh_flags);
            layout.put_word(o, 16, self.sh_addr);
            layout.put_word(o, 24, self.sh_offset);
            layout.put_word(o, 32, self.sh_size);
            layout.put_u32(o, 40, self.sh_link);
            layout.put_u32(o, 44, self.sh_info);
            layout.put_word(o, 48, self.sh_addralign);
            layout.put_word(o, 56, self.sh_entsize);
        } else {
            layout.put_word(o, 8, self.sh_flags);
            layout.put_word(o, 12, self.sh_addr);
            layout.put_word(o, 16, self.sh_offset);
            layout.put_word(o, 20, self.sh_size);
            layout.put_u32(o, 24, self.sh_link);
            layout.put_u32(o, 28, self.sh_info);
            layout.put_word(o, 32, self.sh_addralign);
            layout.put_word(o, 36, self.sh_entsize);
        }
    }

    /// End of the contents in the file (0 for SHT_NOBITS, which occupies no file bytes).
    pub(crate) fn file_end(&self) -> u64 {
        if self.sh_type == SHT_NOBITS {
            0
        } else {
            self.sh_offset.saturating_add(self.sh_size)
        }
    }
}

/// One symbol-table entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Symbol<'data> {
    /// Name bytes (without NUL); empty for unnamed symbols.
    pub(crate) name: &'data [u8],
    /// st_value.
    pub(crate) value: u64,
    /// st_size.
    pub(crate) size: u64,
    /// ELF_ST_BIND(st_info).
    pub(crate) bind: u8,
    /// ELF_ST_TYPE(st_info).
    pub(crate) kind: u8,
    /// Raw st_shndx.
    pub(crate) shndx: u16,
    /// The section index with SHN_XINDEX resolved; `None` for undefined, ABS, COMMON.
    pub(crate) section: Option<u32>,
}

impl Symbol<'_> {
    /// Defined in this file (has a section, or is absolute or common).
    pub(crate) fn is_defined(&self) -> bool {
        self.section.is_some() || self.shndx == SHN_ABS || self.shndx == SHN_COMMON
    }
}

/// A parsed ELF file: header fields and section headers; contents are read on demand.
#[derive(Debug)]
pub(crate) struct ElfFile<'data> {
    /// The file bytes (a module signature, if any, already cut off).
    pub(crate) data: &'data [u8],
    /// Class and byte order.
    pub(crate) layout: Layout,
    /// e_shoff.
    pub(crate) e_shoff: u64,
    /// End of the program header table (0 if none).
    pub(crate) phdrs_end: u64,
    /// Size of the ELF header.
    pub(crate) ehsize: u64,
    /// Section headers, index 0 included; the count honours `e_shnum == 0`.
    pub(crate) sections: Vec<SectionHeader>,
    /// Index of the section-name string table (SHN_XINDEX resolved).
    pub(crate) shstrndx: u32,
    /// Raw e_shnum (0 when the count lives in section 0).
    pub(crate) raw_shnum: u16,
    /// Raw e_shstrndx (SHN_XINDEX when it lives in section 0).
    pub(crate) raw_shstrndx: u16,
}

/// Length of the file without an appended module signature, if it has one.
pub(crate) fn unsigned_len(data: &[u8]) -> Option<usize> {
    if !data.ends_with(MODULE_SIG_MAGIC) {
        return None;
    }
    // struct module_signature (12 bytes) precedes the magic; its last field is the big-endian
    // signature length, and the signature itself precedes the struct.
    let magic_at = data.len() - MODULE_SIG_MAGIC.len();
    let info_at = magic_at.checked_sub(12)?;
    let sig_len = u32::from_be_bytes(data.get(info_at + 8..info_at + 12)?.try_into().ok()?);
    info_at.checked_sub(sig_len as usize)
}

impl<'data> ElfFile<'data> {
    pub(crate) fn parse(data: &'data [u8]) -> Result<Self, ElfError> {
        if data.len() < 16 || &data[..4] != b"\x7fELF" {
            return Err(elf_err(0, "not an ELF file (bad magic)"));
        }
        let is_64 = match data[4] {
            1 => false,
            2 => true,
            c => return Err(elf_err(4, format!("unknown ELF class {c}"))),
        };
        let big_endian = match data[5] {
            1 => false,
            2 => true,
            d => return Err(elf_err(5, format!("unknown ELF data encoding {d}"))),
        };
        let layout = Layout { is_64, big_endian };
        let (phoff_at, shoff_at, rest_at) = if is_64 { (32, 40, 52) } else { (28, 32, 40) };
        let e_phoff = layout.word_at(data, phoff_at)?;
        let e_shoff = layout.word_at(data, shoff_at)?;
        let ehsize = u64::from(layout.u16_at(data, rest_at)?);
        let phentsize = u64::from(layout.u16_at(data, rest_at + 2)?);
        let phnum = u64::from(layout.u16_at(data, rest_at + 4)?);
        let shentsize = u64::from(layout.u16_at(data, rest_at + 6)?);
        let raw_shnum = layout.u16_at(data, rest_at + 8)?;
        let raw_shstrndx = layout.u16_at(data, rest_at + 10)?;
        let phdrs_end = if phnum == 0 {
            0
        } else {
            e_phoff.saturating_add(phentsize * phnum)
        };
        if e_shoff == 0 {
            return Err(elf_err(shoff_at, "no section header table (e_shoff is 0)"));
        }
        if shentsize != layout.shdr_size() as u64 {
            return Err(elf_err(
                rest_at + 6,
                format!("e_shentsize {shentsize} (expected {})", layout.shdr_size()),
            ));
        }
        let read_shdr = |i: u64| -> Result<SectionHeader, ElfError> {
            let at = e_shoff
                .checked_add(i * shentsize)
                .ok_or_else(|| elf_err(shoff_at, "section header offset overflows"))?;
            let s = if is_64 {
                SectionHeader {
                    sh_name: layout.u32_at(data, at)?,
                    sh_type: layout.u32_at(data, at + 4)?,
                    sh_flags: layout.u64_at(data, at + 8)?,
                    sh_addr: layout.u64_at(data, at + 16)?,
                    sh_offset: layout.u64_at(data, at + 24)?,
                    sh_size: layout.u64_at(data, at + 32)?,
                    sh_link: layout.u32_at(data, at + 40)?,
                    sh_info: layout.u32_at(data, at + 44)?,
                    sh_addralign: layout.u64_at(data, at + 48)?,
                    sh_entsize: layout.u64_at(data, at + 56)?,
                }
            } else {
                SectionHeader {
                    sh_name: layout.u32_at(data, at)?,
                    sh_type: layout.u32_at(data, at + 4)?,
                    sh_flags: layout.u32_at(data, at + 8)?.into(),
                    sh_addr: layout.u32_at(data, at + 12)?.into(),
                    sh_offset: layout.u32_at(data, at + 16)?.into(),
                    sh_size: layout.u32_at(data, at + 20)?.into(),
                    sh_link: layout.u32_at(data, at + 24)?,
                    sh_info: layout.u32_at(data, at + 28)?,
                    sh_addralign: layout.u32_at(data, at + 32)?.into(),
                    sh_entsize: layout.u32_at(data, at + 36)?.into(),
                }
            };
            Ok(s)
        };
        let first = read_shdr(0)?;
        let count = if raw_shnum == 0 {
            first.sh_size
        } else {
            u64::from(raw_shnum)
        };
        let table_bytes = count.saturating_mul(shentsize);
        if e_shoff.saturating_add(table_bytes) > data.len() as u64 {
            return Err(elf_err(
                e_shoff,
                format!(
                    "{count} section headers run past the end of the file ({:#x})",
                    data.len()
                ),
            ));
        }
        let mut sections = Vec::with_capacity(count as usize);
        sections.push(first);
        for i in 1..count {
            sections.push(read_shdr(i)?);
        }
        let shstrndx = if raw_shstrndx == SHN_XINDEX {
            sections.first().map(|s| s.sh_link).unwrap_or(0)
        } else {
            u32::from(raw_shstrndx)
        };
        if shstrndx as usize >= sections.len() || shstrndx == 0 {
            return Err(elf_err(
                rest_at + 10,
                format!("bad section name table index {shstrndx}"),
            ));
        }
        Ok(ElfFile {
            data,
            layout,
            e_shoff,
            phdrs_end,
            ehsize,
            sections,
            shstrndx,
            raw_shnum,
            raw_shstrndx,
        })
    }

    /// Contents of section `index` (empty for SHT_NOBITS).
    pub(crate) fn section_data(&self, index: usize) -> Result<&'data [u8], ElfError> {
        let s = self
            .sections
            .get(index)
            .ok_or_else(|| elf_err(self.e_shoff, format!("no section {index}")))?;
        if s.sh_type == SHT_NOBITS {
            return Ok(&[]);
        }
        usize::try_from(s.sh_offset)
            .ok()
            .zip(usize::try_from(s.sh_size).ok())
            .and_then(|(o, n)| self.data.get(o..o.checked_add(n)?))
            .ok_or_else(|| {
                elf_err(
                    s.sh_offset,
                    format!(
                        "section {index} ({:#x} bytes) runs past the end of the file",
                        s.sh_size
                    ),
                )
            })
    }

    /// Name of section `index`.
    pub(crate) fn section_name(&self, index: usize) -> Result<&'data [u8], ElfError> {
        let strtab = self.section_data(self.shstrndx as usize)?;
        let s = self
            .sections
            .get(index)
            .ok_or_else(|| elf_err(self.e_shoff, format!("no section {index}")))?;
        cstr_at(strtab, s.sh_name as usize).ok_or_else(|| {
            elf_err(
                self.sections[self.shstrndx as usize].sh_offset,
                format!(
                    "section {index} name offset {:#x} outside the section name table",
                    s.sh_name
                ),
            )
        })
    }

    /// Index of the first section called `name`.
    pub(crate) fn find_section(&self, name: &[u8]) -> Result<Option<usize>, ElfError> {
        for i in 1..self.sections.len() {
            if self.section_name(i)? == name {
                return Ok(Some(i));
            }
        }
        Ok(None)
    }

    /// The symbol table: (symtab section index, its string table index, symbols).
    pub(crate) fn symtab(&self) -> Result<Option<SymbolTable<'data>>, ElfError> {
        let Some(index) = self.sections.iter().position(|s| s.sh_type == SHT_SYMTAB) else {
            return Ok(None);
        };
        let sh = &self.sections[index];
        let strtab_index = sh.sh_link as usize;
        if strtab_index == 0 || strtab_index >= self.sections.len() {
            return Err(elf_err(
                sh.sh_offset,
                format!("symtab links to bad string table {strtab_index}"),
            ));
        }
        let data = self.section_data(index)?;
        let strtab = self.section_data(strtab_index)?;
        let entsize = self.layout.sym_size();
        if data.len() as u64 % entsize != 0 {
            return Err(elf_err(
                sh.sh_offset,
                format!(
                    "symtab size {:#x} is not a multiple of {entsize}",
                    data.len()
                ),
            ));
        }
        let shndx_table = match self
            .sections
            .iter()
            .position(|s| s.sh_type == SHT_SYMTAB_SHNDX && s.sh_link as usize == index)
        {
            Some(i) => Some(self.section_data(i)?),
            None => None,
        };
        let count = data.len() as u64 / entsize;
        let mut symbols = Vec::with_capacity(count as usize);
        let l = self.layout;
        for i in 0..count {
            let at = i * entsize;
            let (st_name, value, size, info, shndx) = if l.is_64 {
                (
                    l.u32_at(data, at)?,
                    l.u64_at(data, at + 8)?,
                    l.u64_at(data, at + 16)?,
                    data[at as usize + 4],
                    l.u16_at(data, at + 6)?,
                )
            } else {
                (
                    l.u32_at(data, at)?,
                    l.u32_at(data, at + 4)?.into(),
                    l.u32_at(data, at + 8)?.into(),
                    data[at as usize + 12],
                    l.u16_at(data, at + 14)?,
                )
            };
            let name = cstr_at(strtab, st_name as usize).ok_or_else(|| {
                elf_err(
                    sh.sh_offset + at,
                    format!("symbol {i} name offset {st_name:#x} outside .strtab"),
                )
            })?;
            let section = if shndx == SHN_XINDEX {
                let table = shndx_table.ok_or_else(|| {
                    elf_err(
                        sh.sh_offset + at,
                        format!("symbol {i} uses SHN_XINDEX but there is no SHT_SYMTAB_SHNDX"),
                    )
                })?;
                let x = l.u32_at(table, i * 4)?;
                (x != 0).then_some(x)
            } else if shndx == SHN_UNDEF || shndx >= SHN_LORESERVE {
                None
            } else {
                Some(u32::from(shndx))
            };
            symbols.push(Symbol {
                name,
                value,
                size,
                bind: info >> 4,
                kind: info & 0xf,
                shndx,
                section,
            });
        }
        Ok(Some(SymbolTable {
            index,
            strtab_index,
            data,
            strtab,
            symbols,
        }))
    }
}

/// A file's `.symtab` and what it links to.
#[derive(Debug)]
#[allow(dead_code)] // the indices are for tests and future callers that patch the tables
pub(crate) struct SymbolTable<'data> {
    /// Section index of the symtab.
    pub(crate) index: usize,
    /// Section index of its string table.
    pub(crate) strtab_index: usize,
    /// Raw symtab bytes.
    pub(crate) data: &'data [u8],
    /// Raw string table bytes.
    pub(crate) strtab: &'data [u8],
    /// Decoded entries, index 0 included.
    pub(crate) symbols: Vec<Symbol<'data>>,
}

fn cstr_at(table: &[u8], off: usize) -> Option<&[u8]> {
    let rest = table.get(off..)?;
    let len = rest.iter().position(|&b| b == 0)?;
    Some(&rest[..len])
}
