//! ELF reading for the path half: objects, modules and linked images, 32- and 64-bit, either
//! byte order, on `object`'s generic `FileHeader`/`SectionHeader`/`SymbolTable`. `object`
//! resolves extended numbering (`e_shnum == 0`, `e_shstrndx == SHN_XINDEX`,
//! `.symtab_shndx`); this module keeps the raw header fields besides, because the section
//! appender ([`append`]) must write the file back exactly as it found it.
//!
//! Every read is bounds-checked by `object`; a malformed file is an [`Error`] (the caller adds
//! the file name), never a panic. Names are borrowed from the input (zero-copy).
//!
//! modpost-rs keeps its own reader (`modpost-rs/src/elf.rs`): the drop-in must fail in the C
//! tool's order with the C tool's messages.

pub mod append;

use object::elf;
use object::read::elf::FileHeader;
use object::read::elf::SectionHeader as _;
use object::read::elf::Sym as _;
use object::Endianness;
use object::SectionIndex;
use object::SymbolIndex;

use crate::error::Context;
use crate::error::Error;
use crate::error::Result;

/// One section header, widened to the ELF64 form (ELF32 fields are zero-extended).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SectionHeader {
    /// `sh_name`: offset of the name in the section-name string table.
    pub sh_name: u32,
    /// `sh_type`.
    pub sh_type: elf::SectionType,
    /// `sh_flags`.
    pub sh_flags: elf::SectionFlags,
    /// `sh_addr`: the address at run time (0 in relocatable files).
    pub sh_addr: u64,
    /// `sh_offset`: where the contents start in the file.
    pub sh_offset: u64,
    /// `sh_size`: the size of the contents (for section 0 with extended numbering, the count).
    pub sh_size: u64,
    /// `sh_link` (for section 0 with extended numbering, the real `e_shstrndx`).
    pub sh_link: u32,
    /// `sh_info`.
    pub sh_info: u32,
    /// `sh_addralign`.
    pub sh_addralign: u64,
    /// `sh_entsize`: the size of one entry of a table section.
    pub sh_entsize: u64,
}

impl SectionHeader {
    /// The first file byte after the contents (a `SHT_NOBITS` section takes none).
    pub fn file_end(&self) -> u64 {
        if self.sh_type == elf::SHT_NOBITS {
            self.sh_offset
        } else {
            self.sh_offset.saturating_add(self.sh_size)
        }
    }

    /// `SHF_ALLOC`: the section is part of the loaded image.
    pub fn is_alloc(&self) -> bool {
        self.sh_flags.0 & elf::SHF_ALLOC.0 != 0
    }
}

/// An ELF file: its headers decoded, its bytes borrowed.
#[derive(Clone, Debug)]
pub struct ElfFile<'data> {
    /// The whole file.
    pub data: &'data [u8],
    /// `ELFCLASS64`.
    pub is_64: bool,
    /// `EI_DATA`.
    pub endian: Endianness,
    /// `e_type`.
    pub e_type: elf::FileType,
    /// `e_machine`.
    pub e_machine: elf::Machine,
    /// `e_shoff`.
    pub e_shoff: u64,
    /// `e_shnum` as stored: 0 with extended numbering.
    pub raw_shnum: u16,
    /// `e_shstrndx` as stored: `SHN_XINDEX` with extended numbering.
    pub raw_shstrndx: u16,
    /// The section-name table, extended numbering resolved.
    pub shstrndx: SectionIndex,
    /// The first byte after the ELF header and the program headers.
    pub headers_end: u64,
    /// Every section header, by index (index 0 included).
    pub sections: Vec<SectionHeader>,
    /// The contents of the section-name table.
    section_names: &'data [u8],
}

/// One symbol-table entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Symbol<'data> {
    /// Its index in the table.
    pub index: SymbolIndex,
    /// The name (`st_name` resolved in the linked string table).
    pub name: &'data [u8],
    /// `st_value`.
    pub st_value: u64,
    /// `st_size`.
    pub st_size: u64,
    /// `ELF_ST_BIND(st_info)`.
    pub st_bind: elf::SymbolBind,
    /// `ELF_ST_TYPE(st_info)`.
    pub st_type: elf::SymbolType,
    /// `st_shndx` as stored (`SHN_XINDEX` when the index is in `.symtab_shndx`).
    pub st_shndx: elf::SymbolSection,
    /// The section the symbol is defined in, `SHN_XINDEX` resolved; `None` for undefined,
    /// absolute and common symbols.
    pub section: Option<SectionIndex>,
}

impl Symbol<'_> {
    /// Not `SHN_UNDEF`.
    pub fn is_defined(&self) -> bool {
        self.st_shndx != elf::SHN_UNDEF
    }

    /// `STB_LOCAL`.
    pub fn is_local(&self) -> bool {
        self.st_bind == elf::STB_LOCAL
    }

    /// `STB_WEAK`.
    pub fn is_weak(&self) -> bool {
        self.st_bind == elf::STB_WEAK
    }

    /// `STT_SECTION`.
    pub fn is_section(&self) -> bool {
        self.st_type == elf::STT_SECTION
    }

    /// `STT_FILE`.
    pub fn is_file(&self) -> bool {
        self.st_type == elf::STT_FILE
    }

    /// A defined symbol with a name that is neither a section nor a file symbol: what a stack
    /// trace or `/proc/kallsyms` can show, and so what should carry a source path.
    pub fn is_named_definition(&self) -> bool {
        !self.name.is_empty() && self.is_defined() && !self.is_section() && !self.is_file()
    }
}

/// The `SHT_SYMTAB` of a file.
#[derive(Clone, Debug)]
pub struct SymbolTable<'data> {
    /// The symbol table section.
    pub section: SectionIndex,
    /// Every entry, by index (entry 0 included).
    pub symbols: Vec<Symbol<'data>>,
    /// The raw `.symtab` bytes.
    pub bytes: &'data [u8],
    /// The raw bytes of the linked string table.
    pub strtab: &'data [u8],
}

impl<'data> ElfFile<'data> {
    /// Parses the ELF header and the section headers.
    pub fn parse(data: &'data [u8]) -> Result<ElfFile<'data>> {
        match object::FileKind::parse(data) {
            Ok(object::FileKind::Elf32) => parse_as::<elf::FileHeader32<Endianness>>(data),
            Ok(object::FileKind::Elf64) => parse_as::<elf::FileHeader64<Endianness>>(data),
            Ok(kind) => Err(Error::new(format!("not an ELF file ({kind:?})"))),
            Err(e) => Err(Error::new(format!("not an ELF file: {e}"))),
        }
    }

    /// `ELFDATA2MSB`.
    pub fn is_big_endian(&self) -> bool {
        self.endian == Endianness::Big
    }

    /// The header of section `index`.
    pub fn section(&self, index: SectionIndex) -> Result<&SectionHeader> {
        self.sections.get(index.0).ok_or_else(|| {
            Error::new(format!(
                "section index {} out of range ({} sections)",
                index.0,
                self.sections.len()
            ))
        })
    }

    /// The name of section `index`.
    pub fn section_name(&self, index: SectionIndex) -> Result<&'data [u8]> {
        let off = self.section(index)?.sh_name as usize;
        let tail = self.section_names.get(off..).unwrap_or_default();
        tail.iter()
            .position(|&b| b == 0)
            .map(|end| &tail[..end])
            .ok_or_else(|| {
                Error::new(format!(
                    "section {}: name offset {off:#x} outside the section-name table",
                    index.0
                ))
            })
    }

    /// The first section called `name`.
    pub fn section_by_name(&self, name: &[u8]) -> Option<SectionIndex> {
        (1..self.sections.len())
            .map(SectionIndex)
            .find(|&i| self.section_name(i).is_ok_and(|n| n == name))
    }

    /// The contents of section `index` (empty for `SHT_NOBITS`).
    pub fn section_data(&self, index: SectionIndex) -> Result<&'data [u8]> {
        let sh = self.section(index)?;
        if sh.sh_type == elf::SHT_NOBITS {
            return Ok(&[]);
        }
        usize::try_from(sh.sh_offset)
            .ok()
            .zip(usize::try_from(sh.sh_size).ok())
            .and_then(|(off, size)| self.data.get(off..off.checked_add(size)?))
            .ok_or_else(|| {
                Error::new(format!(
                    "section {}: contents {:#x}+{:#x} lie outside the file ({:#x} bytes)",
                    index.0,
                    sh.sh_offset,
                    sh.sh_size,
                    self.data.len()
                ))
            })
    }

    /// The symbol table, or `None` if the file has none.
    pub fn symbols(&self) -> Result<Option<SymbolTable<'data>>> {
        if self.is_64 {
            symbols_as::<elf::FileHeader64<Endianness>>(self)
        } else {
            symbols_as::<elf::FileHeader32<Endianness>>(self)
        }
    }
}

fn parse_as<'data, H: FileHeader<Endian = Endianness>>(
    data: &'data [u8],
) -> Result<ElfFile<'data>> {
    let header = H::parse(data)?;
    let endian = header.endian()?;
    let section_headers = header.section_headers(endian, data)?;
    let shstrndx = header.shstrndx(endian, data)?;
    let sections: Vec<SectionHeader> = section_headers
        .iter()
        .map(|sh| SectionHeader {
            sh_name: sh.sh_name(endian),
            sh_type: sh.sh_type(endian),
            sh_flags: sh.sh_flags(endian),
            sh_addr: sh.sh_addr(endian).into(),
            sh_offset: sh.sh_offset(endian).into(),
            sh_size: sh.sh_size(endian).into(),
            sh_link: sh.sh_link(endian),
            sh_info: sh.sh_info(endian),
            sh_addralign: sh.sh_addralign(endian).into(),
            sh_entsize: sh.sh_entsize(endian).into(),
        })
        .collect();
    let e_phoff: u64 = header.e_phoff(endian).into();
    let phnum = header.phnum(endian, data)?;
    let phdrs_end = if phnum == 0 {
        0
    } else {
        e_phoff.saturating_add(u64::from(phnum) * u64::from(header.e_phentsize(endian)))
    };
    let mut file = ElfFile {
        data,
        is_64: header.is_class_64(),
        endian,
        e_type: header.e_type(endian),
        e_machine: header.e_machine(endian),
        e_shoff: header.e_shoff(endian).into(),
        raw_shnum: header.e_shnum(endian),
        raw_shstrndx: header.e_shstrndx(endian).0,
        shstrndx: SectionIndex(shstrndx as usize),
        headers_end: u64::from(header.e_ehsize(endian)).max(phdrs_end),
        sections,
        section_names: &[],
    };
    if file.sections.is_empty() {
        return Ok(file);
    }
    file.section_names = file
        .section_data(file.shstrndx)
        .context("section-name table")?;
    Ok(file)
}

fn symbols_as<'data, H: FileHeader<Endian = Endianness>>(
    file: &ElfFile<'data>,
) -> Result<Option<SymbolTable<'data>>> {
    let endian = file.endian;
    let header = H::parse(file.data)?;
    let sections = header.sections(endian, file.data)?;
    if !sections
        .iter()
        .any(|s| s.sh_type(endian) == elf::SHT_SYMTAB)
    {
        return Ok(None);
    }
    let table = sections.symbols(endian, file.data, elf::SHT_SYMTAB)?;
    let strtab = file
        .section_data(table.string_section())
        .context(".strtab")?;
    let bytes = file.section_data(table.section()).context(".symtab")?;
    let mut symbols = Vec::with_capacity(table.len());
    for (index, sym) in table.enumerate() {
        let name = table.symbol_name(endian, sym).map_err(|e| {
            Error::new(format!(
                ".symtab: symbol {}: name offset {:#x}: {e}",
                index.0,
                sym.st_name(endian)
            ))
        })?;
        let section = table
            .symbol_section(endian, sym, index)
            .map_err(|e| Error::new(format!(".symtab: symbol {}: {e}", index.0)))?;
        if let Some(s) = section {
            if s.0 >= file.sections.len() {
                return Err(Error::new(format!(
                    ".symtab: symbol {} ({}): section index {} out of range",
                    index.0,
                    String::from_utf8_lossy(name),
                    s.0
                )));
            }
        }
        symbols.push(Symbol {
            index,
            name,
            st_value: sym.st_value(endian).into(),
            st_size: sym.st_size(endian).into(),
            st_bind: sym.st_bind(),
            st_type: sym.st_type(),
            st_shndx: sym.st_shndx(endian),
            section,
        });
    }
    Ok(Some(SymbolTable {
        section: table.section(),
        symbols,
        bytes,
        strtab,
    }))
}

/// A mapping symbol (`$x`, `$d`, `$a`, `$t` of arm64/ARM, RISC-V's `$x<isa>`, local labels
/// `.L*`/`L0*`): the kernel's `is_mapping_symbol()` (include/linux/module_symbol.h). The
/// module loader never prints them; linkers add and merge them freely.
pub fn is_mapping_symbol(name: &[u8]) -> bool {
    name.starts_with(b".L") || name.starts_with(b"L0") || name.starts_with(b"$")
}

/// The function name a prefix symbol is named after: `__pfx_<f>` (objtool's symbol for the
/// padding before `<f>` with CONFIG_PREFIX_SYMBOLS) or `__cfi_<f>` (the kCFI preamble). These
/// symbols are created after compilation (objtool runs on vmlinux.o, or on a multi-object
/// module's linked `<mod>.o`), so no compiled object defines them; they belong to `<f>`.
pub fn prefixed_name(name: &[u8]) -> Option<&[u8]> {
    name.strip_prefix(b"__pfx_")
        .or_else(|| name.strip_prefix(b"__cfi_"))
        .filter(|f| !f.is_empty())
}

/// The nm type letter of a symbol (binutils' flag-based rules: `t` for code, `d`/`r`/`b`
/// for data, upper case for globals, `W`/`V` for weak, `u` for `STB_GNU_UNIQUE`). Only its
/// case and `W`/`V`/`u` carry meaning for path resolution; the letter itself is informational
/// (binutils also looks at section names, so exotic sections may differ).
pub fn nm_type(file: &ElfFile<'_>, sym: &Symbol<'_>) -> u8 {
    if sym.st_shndx == elf::SHN_COMMON {
        return b'C';
    }
    if !sym.is_defined() {
        return match (sym.is_weak(), sym.st_type == elf::STT_OBJECT) {
            (true, true) => b'v',
            (true, false) => b'w',
            _ => b'U',
        };
    }
    if sym.is_weak() {
        return if sym.st_type == elf::STT_OBJECT {
            b'V'
        } else {
            b'W'
        };
    }
    if sym.st_bind == elf::STB_GNU_UNIQUE {
        return b'u';
    }
    let letter = if sym.st_shndx == elf::SHN_ABS {
        b'a'
    } else if sym.st_type == elf::STT_GNU_IFUNC {
        b'i'
    } else {
        match sym.section.and_then(|s| file.section(s).ok()) {
            Some(sh) => {
                let flags = sh.sh_flags.0;
                if flags & elf::SHF_EXECINSTR.0 != 0 {
                    b't'
                } else if sh.is_alloc() && sh.sh_type == elf::SHT_NOBITS {
                    b'b'
                } else if sh.is_alloc() && flags & elf::SHF_WRITE.0 != 0 {
                    b'd'
                } else if sh.is_alloc() {
                    b'r'
                } else {
                    b'n'
                }
            }
            None => b'?',
        }
    };
    if sym.is_local() || letter == b'i' {
        letter
    } else {
        letter.to_ascii_uppercase()
    }
}

#[cfg(test)]
pub(crate) mod tests;
