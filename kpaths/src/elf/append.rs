//! Adds (or replaces) one non-allocated section at the end of an ELF file without moving any
//! other byte: the file is kept up to the end of its last section, then the section-name table
//! (if it was at the tail or needs the new name), the new contents and a new section header
//! table follow, and `e_shoff`/`e_shnum` are patched. Headers are written through `object`'s
//! `SectionHeader32`/`SectionHeader64` and `FileHeader32`/`FileHeader64`, the same `pod` types
//! the reader reads.
//!
//! Rebuilding the file with a writer would renumber string tables and re-lay out every section;
//! appending keeps `.symtab`/`.strtab` (which a `.kallsyms_paths` CRC covers) and all
//! relocations byte-identical, and is several times faster. Replacing rather than adding when
//! the section already exists makes the pass idempotent: a second run produces the same bytes.

use object::elf;
use object::endian::U16;
use object::endian::U32;
use object::endian::U64;
use object::pod;
use object::Endianness;
use object::SectionIndex;

use super::ElfFile;
use super::SectionHeader;
use crate::error::Error;
use crate::error::Result;

/// A copy of `file` that holds `payload` in a section called `name` (`SHT_PROGBITS`, no
/// flags, alignment 4). An existing section of that name keeps its index and its place in the
/// name table and gets the new contents.
pub fn with_section(file: &ElfFile<'_>, name: &[u8], payload: &[u8]) -> Result<Vec<u8>> {
    if file.sections.is_empty() {
        return Err(Error::new("the file has no section header table"));
    }
    let existing = file.section_by_name(name);
    let shstrndx = file.shstrndx;
    // The new name goes into the section-name table, and every section must keep its name (one
    // whose name cannot be read could come out named like the new section).
    if existing == Some(shstrndx) {
        return Err(Error::new(format!(
            "the section-name table is called {}",
            String::from_utf8_lossy(name)
        )));
    }
    if shstrndx.0 == 0 {
        return Err(Error::new(
            "the file has no section-name table (e_shstrndx is 0)",
        ));
    }
    for i in 1..file.sections.len() {
        file.section_name(SectionIndex(i))?;
    }

    // Everything that is not ours to rewrite stays where it is: the kept prefix ends after the
    // last section other than the name table and the replaced section. Old copies of those
    // two, and the old header table, are dropped if they lie beyond that point and otherwise
    // stay behind as unreferenced bytes (a valid file either way).
    // The ELF header is rewritten (e_shoff, e_shnum), so no kept section may lie in it.
    let ehdr_size: u64 = if file.is_64 { 64 } else { 52 };
    // The kept prefix holds the whole ELF header even when e_ehsize says less.
    let mut cut = file.headers_end.max(ehdr_size);
    for (i, s) in file.sections.iter().enumerate() {
        if i == 0 || i == shstrndx.0 || Some(i) == existing.map(|e| e.0) {
            continue;
        }
        if s.file_end() > s.sh_offset && s.sh_offset < ehdr_size {
            return Err(Error::new(format!(
                "section {i} (contents at {:#x}) overlaps the ELF header",
                s.sh_offset
            )));
        }
        cut = cut.max(s.file_end());
    }
    let cut = usize::try_from(cut)
        .ok()
        .filter(|&c| c <= file.data.len())
        .ok_or_else(|| {
            Error::new(format!(
                "a section ends at {cut:#x}, past the end of the file ({:#x} bytes)",
                file.data.len()
            ))
        })?;

    let old_names = file.section_data(shstrndx)?;
    let (names, name_off) = match existing {
        Some(i) => (old_names.to_vec(), file.section(i)?.sh_name),
        None => {
            let off = u32::try_from(old_names.len())
                .map_err(|_| Error::new("the section-name table is larger than 4 GiB"))?;
            let mut names = old_names.to_vec();
            names.extend_from_slice(name);
            names.push(0);
            (names, off)
        }
    };

    let shdr_size = if file.is_64 { 64 } else { 40 };
    let mut out = Vec::with_capacity(
        cut + names.len() + payload.len() + (file.sections.len() + 1) * shdr_size + 16,
    );
    out.extend_from_slice(file.data.get(..cut).unwrap_or_default());
    let names_off = out.len() as u64;
    out.extend_from_slice(&names);
    out.resize(out.len().next_multiple_of(4), 0);
    let payload_off = out.len() as u64;
    out.extend_from_slice(payload);
    out.resize(
        out.len().next_multiple_of(if file.is_64 { 8 } else { 4 }),
        0,
    );
    let shoff = out.len() as u64;

    let mut headers = file.sections.clone();
    if let Some(h) = headers.get_mut(shstrndx.0) {
        h.sh_offset = names_off;
        h.sh_size = names.len() as u64;
    }
    let new_header = SectionHeader {
        sh_name: name_off,
        sh_type: elf::SHT_PROGBITS,
        sh_flags: elf::SectionFlags(0),
        sh_addr: 0,
        sh_offset: payload_off,
        sh_size: payload.len() as u64,
        sh_link: 0,
        sh_info: 0,
        sh_addralign: 4,
        sh_entsize: 0,
    };
    match existing {
        Some(i) => headers[i.0] = new_header,
        None => headers.push(new_header),
    }

    // Extended numbering: once the count reaches SHN_LORESERVE it lives in section 0's sh_size
    // and e_shnum is 0 (the input may already be in that form).
    let count = headers.len() as u64;
    let extended = file.raw_shnum == 0 || count >= u64::from(elf::SHN_LORESERVE);
    let raw_shnum = if extended { 0 } else { count as u16 };
    if let Some(h0) = headers.first_mut() {
        h0.sh_size = if extended { count } else { 0 };
        if file.raw_shstrndx == elf::SHN_XINDEX.0 {
            h0.sh_link = shstrndx.0 as u32;
        }
    }

    if !file.is_64 && shoff + count * shdr_size as u64 > u64::from(u32::MAX) {
        return Err(Error::new(
            "the result would exceed the 4 GiB limit of ELF32",
        ));
    }
    let e = file.endian;
    for h in &headers {
        if file.is_64 {
            out.extend_from_slice(pod::bytes_of(&header64(e, h)));
        } else {
            out.extend_from_slice(pod::bytes_of(&header32(e, h)?));
        }
    }

    if file.is_64 {
        let (fh, _) = pod::from_bytes_mut::<elf::FileHeader64<Endianness>>(&mut out)
            .map_err(|()| Error::new("the ELF header is truncated"))?;
        fh.e_shoff = U64::new(e, shoff);
        fh.e_shnum = U16::new(e, raw_shnum);
    } else {
        let (fh, _) = pod::from_bytes_mut::<elf::FileHeader32<Endianness>>(&mut out)
            .map_err(|()| Error::new("the ELF header is truncated"))?;
        fh.e_shoff = U32::new(e, shoff as u32);
        fh.e_shnum = U16::new(e, raw_shnum);
    }
    Ok(out)
}

fn header64(e: Endianness, h: &SectionHeader) -> elf::SectionHeader64<Endianness> {
    elf::SectionHeader64 {
        sh_name: U32::new(e, h.sh_name),
        sh_type: U32::new(e, h.sh_type),
        sh_flags: U64::new(e, h.sh_flags),
        sh_addr: U64::new(e, h.sh_addr),
        sh_offset: U64::new(e, h.sh_offset),
        sh_size: U64::new(e, h.sh_size),
        sh_link: U32::new(e, h.sh_link),
        sh_info: U32::new(e, h.sh_info),
        sh_addralign: U64::new(e, h.sh_addralign),
        sh_entsize: U64::new(e, h.sh_entsize),
    }
}

fn header32(e: Endianness, h: &SectionHeader) -> Result<elf::SectionHeader32<Endianness>> {
    // Fields read from an ELF32 file fit; only the new offsets could grow past 4 GiB, which
    // the caller has checked.
    let word = |v: u64, what: &str| {
        u32::try_from(v).map_err(|_| Error::new(format!("{what} {v:#x} does not fit ELF32")))
    };
    Ok(elf::SectionHeader32 {
        sh_name: U32::new(e, h.sh_name),
        sh_type: U32::new(e, h.sh_type),
        sh_flags: U32::new_u64(e, h.sh_flags)
            .map_err(|_| Error::new("sh_flags does not fit ELF32"))?,
        sh_addr: U32::new(e, word(h.sh_addr, "sh_addr")?),
        sh_offset: U32::new(e, word(h.sh_offset, "sh_offset")?),
        sh_size: U32::new(e, word(h.sh_size, "sh_size")?),
        sh_link: U32::new(e, h.sh_link),
        sh_info: U32::new(e, h.sh_info),
        sh_addralign: U32::new(e, word(h.sh_addralign, "sh_addralign")?),
        sh_entsize: U32::new(e, word(h.sh_entsize, "sh_entsize")?),
    })
}

/// The promise of [`with_section`], checked (by its tests and its fuzz target): `appended`, made
/// from `original`, parses, holds `payload` in the section `name`, and every other section of
/// `original` whose name and contents can be read keeps both. The first broken promise, if any.
pub fn check_appended(
    original: &ElfFile<'_>,
    appended: &[u8],
    name: &[u8],
    payload: &[u8],
) -> std::result::Result<(), String> {
    let new = ElfFile::parse(appended).map_err(|e| format!("the output does not parse: {e}"))?;
    let index = new
        .section_by_name(name)
        .ok_or("the new section is missing")?;
    if new.section_data(index).ok() != Some(payload) {
        return Err("the new section does not hold the payload".into());
    }
    let replaced = original.section_by_name(name);
    for i in (1..original.sections.len()).map(SectionIndex) {
        if Some(i) == replaced || i == original.shstrndx {
            continue;
        }
        let (Ok(old_name), Ok(old_data)) = (original.section_name(i), original.section_data(i))
        else {
            continue;
        };
        if new.section_name(i).ok() != Some(old_name) {
            return Err(format!("section {} renamed", i.0));
        }
        if new.section_data(i).ok() != Some(old_data) {
            return Err(format!("section {} changed", i.0));
        }
    }
    Ok(())
}
