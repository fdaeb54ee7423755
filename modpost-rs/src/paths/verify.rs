//! `modpost-rs verify <tree>...`: check that every `.ko` under the trees carries a present,
//! well-formed, fresh (count and CRC match its symtab) and complete `.kallsyms_paths` section.
//!
//! One line per problem on stdout (`<file>: <problem>`), a summary on stderr, exit status 1 if
//! there was any problem. "Complete" means every defined, named symbol that is not a section
//! or file symbol has a path, which is what the emit pass guarantees for Kbuild-built modules.

use std::path::{Path, PathBuf};

use super::elf::ElfFile;

/// Problems found in one module, each a full line without the newline.
pub(crate) fn check_module(path: &Path) -> Vec<String> {
    let shown = path.display();
    let data = match std::fs::read(path) {
        Ok(d) => d,
        Err(e) => return vec![format!("{shown}: {}", crate::diag::strerror(&e))],
    };
    let data = &data[..super::elf::unsigned_len(&data).unwrap_or(data.len())];
    let elf = match ElfFile::parse(data) {
        Ok(e) => e,
        Err(e) => return vec![format!("{shown}: not a valid ELF file: {e}")],
    };
    let (symtab, section) = match super::ko::read_fresh_section(&elf) {
        Ok(x) => x,
        Err(e) => return vec![format!("{shown}: {e}")],
    };
    let mut problems = Vec::new();
    for (i, sym) in symtab.symbols.iter().enumerate() {
        if super::ko::needs_path(sym) && section.path_of(i).is_none() {
            problems.push(format!(
                "{shown}: symbol {i} '{}' has no path",
                String::from_utf8_lossy(sym.name)
            ));
        }
    }
    problems
}

/// All `.ko` files under `root` (or `root` itself), sorted for a stable report.
fn find_modules(root: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let meta = std::fs::metadata(root)?;
    if meta.is_file() {
        out.push(root.to_path_buf());
        return Ok(());
    }
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir)? {
            let entry = entry?;
            let kind = entry.file_type()?;
            let p = entry.path();
            if kind.is_dir() {
                stack.push(p);
            } else if kind.is_file() && p.extension().is_some_and(|e| e == "ko") {
                out.push(p);
            }
        }
    }
    Ok(())
}

/// Run `verify` over `roots`; returns the exit status.
pub(crate) fn run(roots: &[String]) -> i32 {
    use std::io::Write;
    let mut modules = Vec::new();
    for root in roots {
        if let Err(e) = find_modules(Path::new(root), &mut modules) {
            eprintln!("modpost-rs verify: {root}: {}", crate::diag::strerror(&e));
            return 2;
        }
    }
    modules.sort();
    let mut stdout = std::io::stdout().lock();
    let mut total = 0usize;
    let mut bad_modules = 0usize;
    for m in &modules {
        let problems = check_module(m);
        if !problems.is_empty() {
            bad_modules += 1;
        }
        for p in problems {
            total += 1;
            let _ = writeln!(stdout, "{p}");
        }
    }
    let _ = stdout.flush();
    eprintln!(
        "modpost-rs verify: {} modules, {} with problems, {} problems",
        modules.len(),
        bad_modules,
        total
    );
    if total > 0 || modules.is_empty() {
        1
    } else {
        0
    }
}
