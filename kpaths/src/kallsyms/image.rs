//! Finding the kallsyms tables in a linked vmlinux: their labels in `.symtab`, their bytes
//! through the section headers (address to file offset).
//!
//! The writer gives its labels no size, so each table is cut at the next kallsyms label in the
//! same section, or at the section's end: a table whose entry count runs past that is reported
//! rather than read into whatever follows.

use object::elf;

use super::layout::PATH_TABLE_LABELS;
use super::layout::TABLE_LABELS;
use super::path_table::RawPathTables;
use super::tables::RawTables;
use super::tables::Table;
use super::tables::Target;
use crate::elf::ElfFile;
use crate::error::Error;
use crate::error::Result;

/// An allocated section with file contents.
struct Loaded<'a> {
    /// Section name, for messages.
    name: String,
    /// Link-time address.
    addr: u64,
    /// Contents.
    bytes: &'a [u8],
}

/// The tables of a linked image, or `None` if its symtab has no `kallsyms_num_syms`.
pub fn find_tables<'a>(file: &ElfFile<'a>) -> Result<Option<RawTables<'a>>> {
    let target = Target {
        endian: file.endian,
        is_64: file.is_64,
    };
    let Some(symtab) = file.symbols()? else {
        return Ok(None);
    };
    let labels: Vec<&str> = TABLE_LABELS
        .iter()
        .chain(&PATH_TABLE_LABELS)
        .copied()
        .collect();
    // A defined global wins over a local of the same name (kernel/kallsyms.c has static
    // functions called kallsyms_*; none collides with a label, and this keeps a future one
    // from being picked).
    let mut found: Vec<Option<(u64, bool)>> = vec![None; labels.len()];
    for sym in &symtab.symbols {
        if !sym.is_defined() {
            continue;
        }
        let Some(i) = labels.iter().position(|l| l.as_bytes() == sym.name) else {
            continue;
        };
        let global = !sym.is_local();
        match found[i] {
            Some((_, true)) if !global => {}
            Some((_, g)) if g == global => {}
            _ => found[i] = Some((sym.st_value, global)),
        }
    }
    if found[0].is_none() {
        return Ok(None);
    }
    if file.e_type == elf::ET_REL {
        // In a .tmp_vmlinuxN.kallsyms.o every section sits at 0 and kallsyms_relative_base is
        // still a relocation against _text: there are no addresses to decode yet.
        return Err(Error::new(
            "a relocatable object with kallsyms tables (a .kallsyms.o?): decode reads the \
             linked image (vmlinux, .tmp_vmlinuxN)",
        ));
    }
    let c_tables = TABLE_LABELS.len();
    for (i, f) in found.iter().enumerate().take(c_tables) {
        if f.is_none() {
            return Err(Error::new(format!(
                "the symbol table has kallsyms_num_syms but no {} (not a 6.12 kallsyms layout?)",
                labels[i]
            )));
        }
    }
    let path_labels = found[c_tables..].iter().filter(|f| f.is_some()).count();
    if path_labels != 0 && path_labels != PATH_TABLE_LABELS.len() {
        return Err(Error::new(format!(
            "the symbol table has {path_labels} of the {} path table labels ({})",
            PATH_TABLE_LABELS.len(),
            PATH_TABLE_LABELS.join(", ")
        )));
    }

    let mut loaded = Vec::new();
    for (i, sh) in file.sections.iter().enumerate() {
        if !sh.is_alloc() || sh.sh_type == elf::SHT_NOBITS {
            continue;
        }
        let index = object::SectionIndex(i);
        let name = file
            .section_name(index)
            .map(|n| String::from_utf8_lossy(n).into_owned())
            .unwrap_or_else(|_| "<bad name>".into());
        let bytes = file
            .section_data(index)
            .map_err(|e| e.context(format!("section {name}")))?;
        loaded.push(Loaded {
            name,
            addr: sh.sh_addr,
            bytes,
        });
    }

    let addrs: Vec<Option<u64>> = found.iter().map(|f| f.map(|(a, _)| a)).collect();
    let mut tables: Vec<Option<Table<'a>>> = Vec::with_capacity(labels.len());
    for (i, &label) in labels.iter().enumerate() {
        let Some(addr) = addrs[i] else {
            tables.push(None);
            continue;
        };
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
                Error::new(format!(
                    "{label} at {addr:#x} is not inside any allocated section with contents"
                ))
            })?;
        let sec_end = sec.addr.saturating_add(sec.bytes.len() as u64);
        // The nearest other label at or after this one, within the same section.
        let next = labels
            .iter()
            .zip(&addrs)
            .enumerate()
            .filter_map(|(j, (l, a))| a.map(|a| (j, l, a)))
            .filter(|&(j, _, a)| j != i && a >= addr && a < sec_end)
            .filter(|&(j, _, a)| a > addr || j > i)
            .min_by_key(|&(j, _, a)| (a, j));
        let (end, limit, limit_is_label) = match next {
            Some((_, l, a)) => (a, format!("where {l} starts at {a:#x}"), true),
            None => (
                sec_end,
                format!("end of section {} at {sec_end:#x}", sec.name),
                false,
            ),
        };
        let from = (addr - sec.addr) as usize;
        let to = (end - sec.addr) as usize;
        tables.push(Some(Table {
            label,
            addr,
            bytes: sec.bytes.get(from..to).unwrap_or_default(),
            limit,
            limit_is_label,
        }));
    }
    let mut it = tables.into_iter();
    let mut next = || -> Result<Table<'a>> {
        it.next()
            .flatten()
            .ok_or_else(|| Error::new("internal: a table label went missing"))
    };
    let mut raw = RawTables {
        target,
        num_syms: next()?,
        names: next()?,
        markers: next()?,
        token_table: next()?,
        token_index: next()?,
        offsets: next()?,
        relative_base: next()?,
        seqs_of_names: next()?,
        paths: None,
    };
    if path_labels != 0 {
        raw.paths = Some(RawPathTables {
            num_runs: next()?,
            run_start: next()?,
            run_path: next()?,
            num_paths: next()?,
            offsets: next()?,
            strings: next()?,
        });
    }
    Ok(Some(raw))
}
