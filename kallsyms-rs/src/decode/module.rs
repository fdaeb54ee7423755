//! `decode` of a module: its `.symtab` with the source path that `.kallsyms_paths` gives each
//! entry (format: `modpost::kallsyms_paths`, docs/kallsyms-paths-format.md).
//!
//! One line per named symtab entry, in symtab order: `addr type path:name` (bare `name` when the
//! entry has no path), `addr` being `st_value` (section-relative in a `.ko`). The type is the
//! module loader's `elf_type()` (kernel/module/kallsyms.c), upper-cased for defined globals as
//! nm does; the loader instead upper-cases exported symbols in /proc/kallsyms, which needs the
//! module loaded. A missing, malformed or stale section is reported (exit 1) and the names are
//! printed bare, as the patched kernel prints them in that case.

use std::io::{self, Write};

use modpost::kallsyms_paths;
use object::elf;
use object::read::elf::{ElfFile, FileHeader, SectionHeader, Sym};
use object::Endianness;

use super::image::elf_class;

/// One symtab entry to print.
struct Line {
    /// `st_value`.
    value: u64,
    /// Type character.
    kind: u8,
    /// Source path from `.kallsyms_paths`, if any.
    path: Option<Vec<u8>>,
    /// Symbol name.
    name: Vec<u8>,
}

/// Decodes a module's `.kallsyms_paths` and prints `addr type path:name` per symbol; returns
/// the problems found (missing, malformed or stale section).
pub(crate) fn run(data: &[u8], check: bool) -> Result<Vec<String>, String> {
    let is_64 = elf_class(data)?;
    let (lines, problems, summary) = if is_64 {
        read::<elf::FileHeader64<Endianness>>(data)?
    } else {
        read::<elf::FileHeader32<Endianness>>(data)?
    };
    let digits = if is_64 { 16 } else { 8 };
    let mut out = io::stdout().lock();
    let res = if check {
        writeln!(out, "{summary}")
    } else {
        write_lines(&mut out, &lines, digits)
    };
    match res {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {}
        Err(e) => return Err(format!("writing the output: {e}")),
    }
    Ok(problems)
}

fn write_lines(out: impl Write, lines: &[Line], digits: usize) -> io::Result<()> {
    let mut out = io::BufWriter::new(out);
    for l in lines {
        write!(out, "{:0digits$x} ", l.value)?;
        out.write_all(&[l.kind, b' '])?;
        if let Some(p) = &l.path {
            out.write_all(p)?;
            out.write_all(b":")?;
        }
        out.write_all(&l.name)?;
        out.write_all(b"\n")?;
    }
    out.flush()
}

type Read = (Vec<Line>, Vec<String>, String);

fn read<Elf: FileHeader<Endian = Endianness>>(data: &[u8]) -> Result<Read, String> {
    let file = ElfFile::<Elf>::parse(data).map_err(|e| format!("cannot parse ELF: {e}"))?;
    let endian = file.endian();
    let sections = file.elf_section_table();
    let symtab = file.elf_symbol_table();
    if symtab.is_empty() {
        return Err(
            "no kallsyms tables (kallsyms_num_syms) and no .symtab: nothing to decode".into(),
        );
    }
    let section_bytes = |index: object::SectionIndex| -> Result<&[u8], String> {
        let sh = sections
            .section(index)
            .map_err(|e| format!("section {}: {e}", index.0))?;
        sh.data(endian, data)
            .map_err(|_| format!("section {}: contents lie outside the file", index.0))
    };
    let symtab_bytes = section_bytes(symtab.section())?;
    let strtab_bytes = section_bytes(symtab.string_section())?;
    let num_syms = symtab.len();
    let crc = kallsyms_paths::symtab_crc(symtab_bytes, strtab_bytes);

    let mut problems = Vec::new();
    let state;
    let paths = match sections.section_by_name(endian, kallsyms_paths::SECTION_NAME.as_bytes()) {
        None => {
            problems.push(format!(
                "no {} section: symbols print without paths",
                kallsyms_paths::SECTION_NAME
            ));
            state = "no section".to_string();
            None
        }
        Some((_, sh)) => {
            let bytes = sh.data(endian, data).map_err(|_| {
                format!(
                    "{}: contents lie outside the file",
                    kallsyms_paths::SECTION_NAME
                )
            })?;
            match kallsyms_paths::decode(bytes, endian == Endianness::Big) {
                Err(e) => {
                    problems.push(format!("{} {e}", kallsyms_paths::SECTION_NAME));
                    state = "malformed section".to_string();
                    None
                }
                Ok(p) if !p.matches(num_syms, crc) => {
                    problems.push(format!(
                        "stale {}: made for {} symbols with crc {:#010x}, symtab has {} with crc \
                         {:#010x}; symbols print without paths",
                        kallsyms_paths::SECTION_NAME,
                        p.num_syms,
                        p.crc,
                        num_syms,
                        crc
                    ));
                    state = "stale section".to_string();
                    None
                }
                Ok(p) => {
                    state = format!("{} distinct paths", p.paths.len().saturating_sub(1));
                    Some(p)
                }
            }
        }
    };

    // Section index of `.data..percpu`, which elf_type() types 'a' like SHN_ABS.
    let pcpu = sections
        .section_by_name(endian, b".data..percpu")
        .map(|(i, _)| i.0);
    let mut lines = Vec::new();
    let mut with_path = 0usize;
    for (i, sym) in symtab.enumerate() {
        let name = symtab
            .symbol_name(endian, sym)
            .map_err(|e| format!("symbol {}: {e}", i.0))?;
        // s_show skips unnamed entries (index 0, section symbols).
        if name.is_empty() {
            continue;
        }
        let path = paths
            .as_ref()
            .and_then(|p| p.path_of(i.0))
            .map(<[u8]>::to_vec);
        with_path += usize::from(path.is_some());
        let mut kind = elf_type::<Elf>(endian, sym, sections, pcpu);
        if sym.st_bind() == elf::STB_GLOBAL && !sym.is_undefined(endian) {
            kind = kind.to_ascii_uppercase();
        }
        lines.push(Line {
            value: sym.st_value(endian).into(),
            kind,
            path,
            name: name.to_vec(),
        });
    }
    let summary = format!(
        "{} named symbols of {num_syms}, {with_path} with a path ({state})",
        lines.len()
    );
    Ok((lines, problems, summary))
}

/// The module loader's nm-like type (kernel/module/kallsyms.c elf_type; ARCH_SHF_SMALL is 0 on
/// the architectures this runs for, so 'g'/'s' never appear).
fn elf_type<Elf: FileHeader<Endian = Endianness>>(
    endian: Endianness,
    sym: &Elf::Sym,
    sections: &object::read::elf::SectionTable<'_, Elf>,
    pcpu: Option<usize>,
) -> u8 {
    if sym.st_bind() == elf::STB_WEAK {
        return if sym.st_type() == elf::STT_OBJECT {
            b'v'
        } else {
            b'w'
        };
    }
    let shndx = sym.st_shndx(endian);
    if shndx == elf::SHN_UNDEF {
        return b'U';
    }
    if shndx == elf::SHN_ABS || pcpu.is_some_and(|p| usize::from(shndx.0) == p) {
        return b'a';
    }
    if shndx.is_reserved() {
        return b'?';
    }
    let Ok(sh) = sections.section(object::SectionIndex(usize::from(shndx.0))) else {
        return b'?';
    };
    let flags = sh.sh_flags(endian).0;
    let nobits = sh.sh_type(endian) == elf::SHT_NOBITS;
    if flags & elf::SHF_EXECINSTR.0 != 0 {
        return b't';
    }
    if flags & elf::SHF_ALLOC.0 != 0 && !nobits {
        return if flags & elf::SHF_WRITE.0 == 0 {
            b'r'
        } else {
            b'd'
        };
    }
    if nobits {
        return b'b';
    }
    if sections
        .section_name(endian, sh)
        .is_ok_and(|n| n.starts_with(b".debug"))
    {
        return b'n';
    }
    b'?'
}
