//! Finding the kallsyms tables in a linked vmlinux: the `kallsyms_*` labels in `.symtab`, and
//! their bytes through the section headers (address to file offset).
//!
//! scripts/kallsyms gives its labels no size, so each table is cut at the next kallsyms label
//! in the same section, or at the section's end: a table whose entry count runs past that is
//! reported rather than read into whatever follows.

use object::elf;
use object::read::elf::{ElfFile, FileHeader, SectionHeader, Sym};
use object::{Endianness, FileKind, ReadRef};

use super::tables::{RawTables, Table, Target, TABLE_LABELS};

/// An allocated section with file contents.
struct Loaded<'a> {
    /// Section name, for messages.
    name: String,
    /// Link-time address.
    addr: u64,
    /// Contents.
    bytes: &'a [u8],
}

/// Word size of an ELF file, or an error if it is not ELF.
pub fn elf_class<'a, R: ReadRef<'a>>(data: R) -> Result<bool, String> {
    match FileKind::parse(data) {
        Ok(FileKind::Elf64) => Ok(true),
        Ok(FileKind::Elf32) => Ok(false),
        Ok(k) => Err(format!("not an ELF file (looks like {k:?})")),
        Err(e) => Err(format!("not an ELF file: {e}")),
    }
}

/// The tables of a vmlinux, or `None` if its symtab has no `kallsyms_num_syms`. `data` may be
/// a `ReadCache` over the file: only the headers, the symbol table and the sections holding the
/// tables are read (a distro vmlinux with DWARF is 350 MB, its tables a few).
pub fn find_tables<'a, R: ReadRef<'a>>(data: R) -> Result<Option<RawTables<'a>>, String> {
    if elf_class(data)? {
        find_tables_in::<elf::FileHeader64<Endianness>, R>(data)
    } else {
        find_tables_in::<elf::FileHeader32<Endianness>, R>(data)
    }
}

fn find_tables_in<'a, Elf: FileHeader<Endian = Endianness>, R: ReadRef<'a>>(
    data: R,
) -> Result<Option<RawTables<'a>>, String> {
    let file = ElfFile::<Elf, R>::parse(data).map_err(|e| format!("cannot parse ELF: {e}"))?;
    let endian = file.endian();
    let target = Target {
        big_endian: endian == Endianness::Big,
        is_64: file.elf_header().is_class_64(),
    };

    // Label addresses. A defined global wins over a local of the same name (kernel/kallsyms.c
    // has static functions called kallsyms_*, but none collides with a table label; this keeps
    // a future one from being picked).
    let symtab = file.elf_symbol_table();
    let sections = file.elf_section_table();
    // One read of the whole string table: names looked up one by one through a ReadCache cost
    // a cache entry each (200k symbols in a distro vmlinux).
    let strtab: &[u8] = sections
        .section(symtab.string_section())
        .ok()
        .and_then(|sh| sh.data(endian, data).ok())
        .unwrap_or(&[]);
    let mut found: [Option<(u64, bool)>; 8] = [None; 8];
    for sym in symtab.iter() {
        if sym.is_undefined(endian) {
            continue;
        }
        let start = sym.st_name(endian) as usize;
        let Some(name) = strtab
            .get(start..)
            .and_then(|t| t.split(|&b| b == 0).next())
        else {
            continue;
        };
        let Some(i) = TABLE_LABELS.iter().position(|l| l.as_bytes() == name) else {
            continue;
        };
        let global = !sym.is_local();
        let addr: u64 = sym.st_value(endian).into();
        match found[i] {
            Some((_, true)) if !global => {}
            Some((_, g)) if g == global => {}
            _ => found[i] = Some((addr, global)),
        }
    }
    if found[0].is_none() {
        return Ok(None);
    }
    if file.elf_header().e_type(endian) == elf::ET_REL {
        // In a .tmp_vmlinuxN.kallsyms.o every section sits at 0 and kallsyms_relative_base is
        // still a relocation against _text: there are no addresses to decode yet.
        return Err(
            "a relocatable object with kallsyms tables (a .kallsyms.o?): decode reads \
                    the linked image (vmlinux, .tmp_vmlinuxN)"
                .into(),
        );
    }
    let mut addrs = [0u64; 8];
    for (i, f) in found.iter().enumerate() {
        match f {
            Some((a, _)) => addrs[i] = *a,
            None => {
                return Err(format!(
                    "the symbol table has kallsyms_num_syms but no {} (not a 6.12 kallsyms \
                     layout?)",
                    TABLE_LABELS[i]
                ))
            }
        }
    }

    let mut loaded = Vec::new();
    for sh in sections.iter() {
        let flags = sh.sh_flags(endian).0;
        if flags & elf::SHF_ALLOC.0 == 0 || sh.sh_type(endian) == elf::SHT_NOBITS {
            continue;
        }
        let name = sections
            .section_name(endian, sh)
            .map(|n| String::from_utf8_lossy(n).into_owned())
            .unwrap_or_else(|_| "<bad name>".into());
        let bytes = sh
            .data(endian, data)
            .map_err(|_| format!("section {name}: contents lie outside the file"))?;
        loaded.push(Loaded {
            name,
            addr: sh.sh_addr(endian).into(),
            bytes,
        });
    }

    let mut tables = Vec::with_capacity(8);
    for (i, &label) in TABLE_LABELS.iter().enumerate() {
        let addr = addrs[i];
        // An empty table (pass 0 of link-vmlinux.sh) may sit right at the end of its section.
        let sec = loaded
            .iter()
            .find(|s| addr >= s.addr && addr - s.addr < s.bytes.len() as u64)
            .or_else(|| {
                loaded
                    .iter()
                    .find(|s| addr == s.addr.saturating_add(s.bytes.len() as u64))
            })
            .ok_or_else(|| {
                format!("{label} at {addr:#x} is not inside any allocated section with contents")
            })?;
        let sec_end = sec.addr.saturating_add(sec.bytes.len() as u64);
        // The nearest other label at or after this one, within the same section.
        let next = TABLE_LABELS
            .iter()
            .zip(addrs)
            .enumerate()
            .filter(|&(j, (_, a))| j != i && a >= addr && a < sec_end)
            .filter(|&(j, (_, a))| a > addr || j > i)
            .min_by_key(|&(j, (_, a))| (a, j));
        let (end, limit, limit_is_label) = match next {
            Some((_, (l, a))) => (a, format!("where {l} starts at {a:#x}"), true),
            None => (
                sec_end,
                format!("end of section {} at {sec_end:#x}", sec.name),
                false,
            ),
        };
        let from = (addr - sec.addr) as usize;
        let to = (end - sec.addr) as usize;
        tables.push(Table {
            label,
            addr,
            bytes: sec.bytes.get(from..to).unwrap_or(&[]),
            limit,
            limit_is_label,
        });
    }
    let mut it = tables.into_iter();
    let mut next = || it.next().ok_or_else(|| "internal: table count".to_string());
    Ok(Some(RawTables {
        target,
        num_syms: next()?,
        names: next()?,
        markers: next()?,
        token_table: next()?,
        token_index: next()?,
        offsets: next()?,
        relative_base: next()?,
        seqs_of_names: next()?,
    }))
}
