//! Add (or replace) one non-allocated section at the end of an ELF file without moving any
//! other byte: the file is kept up to the end of its last section, then the section-name table
//! (if it was at the tail or needs the new name), the new contents and a new section header
//! table follow, and `e_shoff`/`e_shnum` are patched.
//!
//! Rebuilding the file with a writer would renumber string tables and re-lay out every section;
//! appending keeps `.symtab`/`.strtab` (which the new section's CRC covers) and all relocations
//! byte-identical, and is several times faster. Replacing rather than adding when the section
//! already exists makes the pass idempotent: a second run produces the same bytes.

use super::elf::{elf_err, ElfError, ElfFile, SectionHeader, SHN_LORESERVE, SHN_XINDEX};

/// SHT_PROGBITS: opaque contents.
const SHT_PROGBITS: u32 = 1;

/// Return a copy of `file` that holds `payload` in a section called `name` (no SHF_ALLOC,
/// alignment 4). An existing section of that name keeps its index and gets the new contents.
pub(crate) fn with_section(
    file: &ElfFile<'_>,
    name: &[u8],
    payload: &[u8],
) -> Result<Vec<u8>, ElfError> {
    let layout = file.layout;
    let existing = file.find_section(name)?;
    let shstrndx = file.shstrndx as usize;

    // Everything that is not ours to rewrite stays where it is: the kept prefix ends after the
    // last section other than the name table and the replaced section. Old copies of those
    // two, and the old header table, are dropped if they lie beyond that point and otherwise
    // stay behind as unreferenced bytes (a valid file either way).
    let mut cut = file.ehsize.max(file.phdrs_end);
    for (i, s) in file.sections.iter().enumerate() {
        if i == 0 || i == shstrndx || Some(i) == existing {
            continue;
        }
        cut = cut.max(s.file_end());
    }
    let cut = usize::try_from(cut)
        .ok()
        .filter(|&c| c <= file.data.len())
        .ok_or_else(|| elf_err(cut, "a section ends past the end of the file"))?;

    let old_names = file.section_data(shstrndx)?;
    let (names, name_off) = match existing {
        Some(i) => (old_names.to_vec(), file.sections[i].sh_name),
        None => {
            let off = u32::try_from(old_names.len()).map_err(|_| {
                elf_err(
                    file.sections[shstrndx].sh_offset,
                    "section name table too large",
                )
            })?;
            let mut names = old_names.to_vec();
            names.extend_from_slice(name);
            names.push(0);
            (names, off)
        }
    };

    let mut out = Vec::with_capacity(
        cut + names.len() + payload.len() + (file.sections.len() + 1) * layout.shdr_size() + 16,
    );
    out.extend_from_slice(file.data.get(..cut).unwrap_or_default());
    let names_off = out.len() as u64;
    out.extend_from_slice(&names);
    out.resize(out.len().next_multiple_of(4), 0);
    let payload_off = out.len() as u64;
    out.extend_from_slice(payload);
    out.resize(
        out.len().next_multiple_of(if layout.is_64 { 8 } else { 4 }),
        0,
    );
    let shoff = out.len() as u64;

    let mut headers: Vec<SectionHeader> = file.sections.clone();
    if let Some(h) = headers.get_mut(shstrndx) {
        h.sh_offset = names_off;
        h.sh_size = names.len() as u64;
    }
    let new_header = SectionHeader {
        sh_name: name_off,
        sh_type: SHT_PROGBITS,
        sh_flags: 0,
        sh_addr: 0,
        sh_offset: payload_off,
        sh_size: payload.len() as u64,
        sh_link: 0,
        sh_info: 0,
        sh_addralign: 4,
        sh_entsize: 0,
    };
    match existing {
        Some(i) => headers[i] = new_header,
        None => headers.push(new_header),
    }

    // Extended numbering: once the count reaches SHN_LORESERVE it lives in section 0's sh_size
    // and e_shnum is 0 (the input may already be in that form).
    let count = headers.len() as u64;
    let extended = file.raw_shnum == 0 || count >= u64::from(SHN_LORESERVE);
    let raw_shnum = if extended { 0 } else { count as u16 };
    if let Some(h0) = headers.first_mut() {
        h0.sh_size = if extended { count } else { 0 };
        if file.raw_shstrndx == SHN_XINDEX {
            h0.sh_link = file.shstrndx;
        }
    }

    if !layout.is_64 && (shoff + count * layout.shdr_size() as u64) > u64::from(u32::MAX) {
        return Err(elf_err(
            0,
            "the result would exceed the 4 GiB limit of ELF32",
        ));
    }
    for h in &headers {
        h.encode(layout, &mut out);
    }

    let (shoff_at, shnum_at) = if layout.is_64 { (40, 60) } else { (32, 48) };
    layout.put_word(&mut out, shoff_at, shoff);
    layout.put_u16(&mut out, shnum_at, raw_shnum);
    Ok(out)
}

/// Write `bytes` to `path` atomically: a temporary file in the same directory, then rename,
/// keeping the permissions of the file being replaced.
pub(crate) fn write_atomically(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{file_name}.paths-tmp.{}", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        if let Ok(meta) = std::fs::metadata(path) {
            f.set_permissions(meta.permissions())?;
        }
        drop(f);
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}
