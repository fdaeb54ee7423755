//! `decode` of a module: its `.symtab`, with `--paths` the source path that `.kallsyms_paths`
//! gives each entry (format: kpaths::module_section, docs/kallsyms-paths-format.md).
//!
//! One line per named symtab entry, in symtab order: `addr type name`, with `--paths`
//! `addr type path:name` where the entry has a path (the form `/proc/kallsyms_paths` and stack
//! traces show), `addr` being `st_value` (section-relative in a `.ko`). The type is the module
//! loader's `elf_type()` (kernel/module/kallsyms.c), upper-cased for defined globals as nm
//! does; the loader instead upper-cases exported symbols in /proc/kallsyms, which needs the
//! module loaded. A missing, malformed or stale section is reported (exit 1) and the names are
//! printed bare, as the patched kernel prints them in that case.

use std::io;
use std::io::Write;

use kpaths::elf::ElfFile;
use kpaths::elf::Symbol;
use kpaths::module_section;
use kpaths::module_section::SectionProblem;
use object::elf;

/// Prints the module's symbols (see the module comment) to `out`; returns the problems found
/// (missing, malformed or stale section).
pub(crate) fn run(
    file: &ElfFile<'_>,
    check: bool,
    paths: bool,
    out: impl Write,
) -> Result<Vec<String>, String> {
    // An appended signature is not part of the ELF file.
    let data = module_section::unsigned(file.data);
    let file = if data.len() == file.data.len() {
        file.clone()
    } else {
        ElfFile::parse(data).map_err(|e| e.to_string())?
    };
    let symtab = file
        .symbols()
        .map_err(|e| e.to_string())?
        .ok_or("no kallsyms tables (kallsyms_num_syms) and no .symtab: nothing to decode")?;
    let mut problems = Vec::new();
    let (section, state) = match module_section::read_section(&file) {
        Ok((_, section)) => {
            let state = format!("{} distinct paths", section.paths.len().saturating_sub(1));
            (Some(section), state)
        }
        Err(e) => {
            let state = match &e {
                SectionProblem::Missing => "no section",
                SectionProblem::Stale { .. } => "stale section",
                _ => "malformed section",
            };
            problems.push(format!("{e}; symbols print without paths"));
            (None, state.to_string())
        }
    };

    // `.data..percpu`, which elf_type() types 'a' like SHN_ABS.
    let percpu = file.section_by_name(b".data..percpu");
    let digits = if file.is_64 { 16 } else { 8 };
    let mut out = io::BufWriter::new(out);
    let mut named = 0usize;
    let mut with_path = 0usize;
    let mut write = || -> io::Result<()> {
        for (i, sym) in symtab.symbols.iter().enumerate() {
            // s_show skips unnamed entries (index 0, section symbols).
            if sym.name.is_empty() {
                continue;
            }
            named += 1;
            let path = section.as_ref().and_then(|s| s.path_of(i));
            with_path += usize::from(path.is_some());
            if check {
                continue;
            }
            let mut kind = elf_type(&file, sym, percpu);
            if sym.st_bind == elf::STB_GLOBAL && sym.is_defined() {
                kind = kind.to_ascii_uppercase();
            }
            write!(out, "{:0digits$x} ", sym.st_value)?;
            out.write_all(&[kind, b' '])?;
            if let (true, Some(p)) = (paths, path) {
                out.write_all(p)?;
                out.write_all(b":")?;
            }
            out.write_all(sym.name)?;
            out.write_all(b"\n")?;
        }
        if check {
            writeln!(
                out,
                "{named} named symbols of {}, {with_path} with a path ({state})",
                symtab.symbols.len()
            )?;
        }
        out.flush()
    };
    match write() {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {}
        Err(e) => return Err(format!("writing the output: {e}")),
    }
    Ok(problems)
}

/// The module loader's nm-like type (kernel/module/kallsyms.c elf_type; ARCH_SHF_SMALL is 0 on
/// the architectures this runs for, so 'g'/'s' never appear).
fn elf_type(file: &ElfFile<'_>, sym: &Symbol<'_>, percpu: Option<object::SectionIndex>) -> u8 {
    if sym.is_weak() {
        return if sym.st_type == elf::STT_OBJECT {
            b'v'
        } else {
            b'w'
        };
    }
    if !sym.is_defined() {
        return b'U';
    }
    if sym.st_shndx == elf::SHN_ABS || (percpu.is_some() && sym.section == percpu) {
        return b'a';
    }
    let Some(sh) = sym.section.and_then(|s| file.section(s).ok()) else {
        return b'?';
    };
    let flags = sh.sh_flags.0;
    let nobits = sh.sh_type == elf::SHT_NOBITS;
    if flags & elf::SHF_EXECINSTR.0 != 0 {
        return b't';
    }
    if sh.is_alloc() && !nobits {
        return if flags & elf::SHF_WRITE.0 == 0 {
            b'r'
        } else {
            b'd'
        };
    }
    if nobits {
        return b'b';
    }
    let is_debug = sym
        .section
        .and_then(|s| file.section_name(s).ok())
        .is_some_and(|n| n.starts_with(b".debug"));
    if is_debug {
        b'n'
    } else {
        b'?'
    }
}
