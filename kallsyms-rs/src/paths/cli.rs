//! The `--paths-*` command line of kallsyms-rs and the glue the core calls in paths mode.
//!
//! ```text
//! kallsyms-rs [--all-symbols] [--absolute-percpu]
//!     --paths-image=.tmp_vmlinux1            the image the map was made from (turns paths on)
//!     --paths-manifest=vmlinux.a.manifest    repeatable, in link order
//!     --paths-object=OBJ[=PATH]              repeatable: loose link inputs; PATH fixes their path
//!     --paths-lds=arch/x86/kernel/vmlinux.lds  linker-generated symbols get its source's path
//!     --paths-srctree=DIR                    default: $srctree, else "."
//!     --paths-report=FILE                    write the coverage/duplicates report
//!     --paths-dump=FILE                      write "<address> <type> <name> <path or ->" per symbol
//!     .tmp_vmlinux1.syms
//! ```
//!
//! The core removes these options with [`take_path_options`] before its own getopt-compatible
//! parsing, so without them kallsyms-rs stays the byte-identical drop-in. In paths mode it calls
//! [`resolve_paths`] on the table it read (names are never changed) and writes the path side
//! table after the C tool's tables.

use std::ffi::OsString;
use std::path::Path;
use std::path::PathBuf;
use std::rc::Rc;

use kpaths::kallsyms::layout::KSYM_NAME_LEN;
use kpaths::tree::Trees;

use super::report::duplicates_report;
use super::resolve;
use super::InputSymbol;
use super::LooseObject;
use super::PathOptions;
use crate::error::Fatal;
use crate::table::SymbolTable;

/// The paths-mode options taken from the command line.
#[derive(Debug, Clone)]
pub(crate) struct PathArgs {
    /// What the resolver reads.
    pub(crate) options: PathOptions,
    /// Where to write the report, if anywhere.
    pub(crate) report: Option<PathBuf>,
    /// Where to write `<address> <type> <name> <path>` per symbol, if anywhere.
    pub(crate) dump: Option<PathBuf>,
}

/// Removes every `--paths-*` argument from `args` and returns the options they give, or `None`
/// when there were none (drop-in mode). Errors name the bad argument.
pub(crate) fn take_path_options(args: &mut Vec<OsString>) -> Result<Option<PathArgs>, String> {
    let mut image = None;
    let mut manifests = Vec::new();
    let mut objects = Vec::new();
    let mut lds = None;
    let mut srctree = None;
    let mut report = None;
    let mut dump = None;
    let mut any = false;
    let mut rest = Vec::with_capacity(args.len());
    for os_arg in args.drain(..) {
        let Some(arg) = os_arg.to_str().filter(|a| a.starts_with("--paths-")) else {
            rest.push(os_arg);
            continue;
        };
        let arg = arg.to_owned();
        let opt = arg.get("--paths-".len()..).unwrap_or_default();
        any = true;
        let (key, value) = opt
            .split_once('=')
            .ok_or_else(|| format!("{arg}: expected --paths-<option>=<value>"))?;
        if value.is_empty() {
            return Err(format!("{arg}: empty value"));
        }
        match key {
            "image" => image = Some(PathBuf::from(value)),
            "manifest" => manifests.push(PathBuf::from(value)),
            "object" => objects.push(match value.split_once('=') {
                Some((obj, path)) if !path.is_empty() => LooseObject {
                    object: obj.into(),
                    path: Some(path.to_owned()),
                },
                _ => LooseObject {
                    object: value.into(),
                    path: None,
                },
            }),
            "lds" => lds = Some(value.to_owned()),
            "srctree" => srctree = Some(PathBuf::from(value)),
            "report" => report = Some(PathBuf::from(value)),
            "dump" => dump = Some(PathBuf::from(value)),
            _ => return Err(format!("{arg}: unknown option")),
        }
    }
    *args = rest;
    if !any {
        return Ok(None);
    }
    let image = image.ok_or("--paths-* options need --paths-image=<linked image>")?;
    let srctree = srctree
        .or_else(|| std::env::var_os("srctree").map(PathBuf::from))
        .unwrap_or_else(|| PathBuf::from("."));
    let trees = Trees::new(&srctree, Path::new("."), None).map_err(|e| e.to_string())?;
    let linker_script_path = match lds {
        Some(lds) => Some(
            trees
                .source_of(Path::new(&lds))
                .map_err(|e| e.to_string())?
                .unwrap_or(lds),
        ),
        None => None,
    };
    Ok(Some(PathArgs {
        options: PathOptions {
            image,
            manifests,
            objects,
            linker_script_path,
            trees,
        },
        report,
        dump,
    }))
}

/// Paths mode of the core: the source path of every symbol of `table` (read by
/// `read::read_map`, still in input order), indexed like it. Diagnostics go to stderr as
/// warnings; the report and the dump are written if asked for. An unreadable input is fatal.
/// An empty map (pass 0 of link-vmlinux.sh, before any image exists) reads nothing.
pub(crate) fn resolve_paths(
    args: &PathArgs,
    table: &SymbolTable,
) -> Result<Vec<Option<Rc<str>>>, Fatal> {
    if table.symbols.is_empty() {
        return Ok(Vec::new());
    }
    let fatal = |e: String| Fatal::new(format!("kallsyms: paths: {e}\n"));
    let syms: Vec<InputSymbol<'_>> = table
        .symbols
        .iter()
        .map(|s| InputSymbol {
            address: s.addr,
            type_char: table.type_char(s),
            name: table.name(s),
        })
        .collect();
    let resolution = resolve(&args.options, &syms).map_err(|e| fatal(e.to_string()))?;
    for d in &resolution.diagnostics {
        eprintln!("kallsyms: warning: paths: {d}");
    }
    if let Some(report) = &args.report {
        let (text, _) = duplicates_report(&syms, &resolution);
        kpaths::fs::write_atomically(report, text.as_bytes())
            .map_err(|e| fatal(kpaths::Error::io(report.display(), &e).to_string()))?;
    }
    // The kernel prints `path:name` only where it fits its name buffer.
    for (sym, path) in syms.iter().zip(&resolution.paths) {
        if let Ok(p) = path {
            if p.len() + 1 + sym.name.len() >= KSYM_NAME_LEN {
                eprintln!(
                    "kallsyms: warning: paths: {p}:{} is too long for KSYM_NAME_LEN; the \
                     kernel prints it bare",
                    String::from_utf8_lossy(sym.name)
                );
            }
        }
    }
    if let Some(dump) = &args.dump {
        let mut text = Vec::with_capacity(syms.len() * 64);
        for (sym, path) in syms.iter().zip(&resolution.paths) {
            text.extend_from_slice(
                format!("{:016x} {} ", sym.address, sym.type_char as char).as_bytes(),
            );
            text.extend_from_slice(sym.name);
            text.push(b' ');
            text.extend_from_slice(path.as_deref().unwrap_or("-").as_bytes());
            text.push(b'\n');
        }
        kpaths::fs::write_atomically(dump, &text)
            .map_err(|e| fatal(kpaths::Error::io(dump.display(), &e).to_string()))?;
    }
    Ok(resolution.paths.into_iter().map(Result::ok).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(v: &[&str]) -> Vec<OsString> {
        v.iter().map(OsString::from).collect()
    }

    #[test]
    fn no_paths_options_leave_args_alone() {
        let mut a = strings(&["kallsyms", "--all-symbols", "x.syms"]);
        assert!(take_path_options(&mut a).unwrap().is_none());
        assert_eq!(a, strings(&["kallsyms", "--all-symbols", "x.syms"]));
    }

    #[test]
    fn paths_options_are_taken() {
        let mut a = strings(&[
            "kallsyms",
            "--all-symbols",
            "--paths-image=.tmp_vmlinux1",
            "--paths-manifest=vmlinux.a.manifest",
            "--paths-object=.vmlinux.export.o",
            "--paths-object=.tmp_vmlinux0.kallsyms.o=kernel/kallsyms_internal.h",
            "--paths-srctree=/nonexistent-src",
            "--paths-lds=arch/x86/kernel/vmlinux.lds",
            ".tmp_vmlinux1.syms",
        ]);
        let p = take_path_options(&mut a).unwrap().unwrap();
        assert_eq!(
            a,
            strings(&["kallsyms", "--all-symbols", ".tmp_vmlinux1.syms"])
        );
        assert_eq!(p.options.image, PathBuf::from(".tmp_vmlinux1"));
        assert_eq!(p.options.manifests, [PathBuf::from("vmlinux.a.manifest")]);
        assert_eq!(p.options.objects[0].path, None);
        assert_eq!(
            p.options.objects[1].path.as_deref(),
            Some("kernel/kallsyms_internal.h")
        );
        // No .cmd for the linker script here: its own name is used.
        assert_eq!(
            p.options.linker_script_path.as_deref(),
            Some("arch/x86/kernel/vmlinux.lds")
        );
    }

    #[test]
    fn bad_paths_options() {
        let mut a = strings(&["k", "--paths-manifest=m"]);
        assert!(take_path_options(&mut a)
            .unwrap_err()
            .contains("--paths-image"));
        let mut a = strings(&["k", "--paths-bogus=1"]);
        assert!(take_path_options(&mut a)
            .unwrap_err()
            .contains("unknown option"));
        let mut a = strings(&["k", "--paths-image"]);
        assert!(take_path_options(&mut a).is_err());
    }
}
