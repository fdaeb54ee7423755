//! Source-path passes (subcommands of modpost-rs that are not part of the C drop-in):
//! `.kallsyms_paths` emission for `.ko` files, `verify`, and the per-archive manifests.

mod append;
mod elf;
mod ko;
mod manifest;
mod srcpath;
mod verify;

use std::path::PathBuf;

const KO_PATHS_USAGE: &str =
    "usage: modpost-rs ko-paths [--srctree DIR] [--objtree DIR] [--extmod DIR] \
[--from BUILT.ko] [--quiet] MODULE.ko...";

/// Run a path subcommand if `args[1]` names one; `None` means "not ours, run modpost".
pub(crate) fn run_subcommand(args: &[String]) -> Option<i32> {
    match args.get(1).map(String::as_str) {
        Some("ko-paths") => Some(run_ko_paths(args.get(2..).unwrap_or_default())),
        Some("verify") => Some(run_verify(args.get(2..).unwrap_or_default())),
        Some("manifest") => Some(manifest::run(args.get(2..).unwrap_or_default())),
        _ => None,
    }
}

fn run_verify(args: &[String]) -> i32 {
    // verify parses its own options (--json, --against, --paths/--no-paths).
    verify::run(args)
}

fn run_ko_paths(args: &[String]) -> i32 {
    let mut srctree = PathBuf::from(".");
    let mut objtree = PathBuf::from(".");
    let mut extmod: Option<PathBuf> = None;
    let mut from: Option<PathBuf> = None;
    let mut quiet = false;
    let mut modules = Vec::new();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = |name: &str| match it.next() {
            Some(v) => Ok(PathBuf::from(v)),
            None => Err(format!("modpost-rs ko-paths: {name} needs a value")),
        };
        let r = match arg.as_str() {
            "--srctree" => value("--srctree").map(|v| srctree = v),
            "--objtree" => value("--objtree").map(|v| objtree = v),
            // An empty value (KBUILD_EXTMOD unset in the Makefile) means an in-tree build.
            "--extmod" => {
                value("--extmod").map(|v| extmod = (!v.as_os_str().is_empty()).then_some(v))
            }
            "--from" => value("--from").map(|v| from = Some(v)),
            "--quiet" => {
                quiet = true;
                Ok(())
            }
            s if s.starts_with('-') => Err(format!("modpost-rs ko-paths: unknown option {s}")),
            s => {
                modules.push(PathBuf::from(s));
                Ok(())
            }
        };
        if let Err(e) = r {
            eprintln!("{e}\n{KO_PATHS_USAGE}");
            return 2;
        }
    }
    if modules.is_empty() || (from.is_some() && modules.len() != 1) {
        eprintln!("{KO_PATHS_USAGE}\n(--from takes exactly one MODULE.ko)");
        return 2;
    }
    let trees = match srcpath::Trees::new(&srctree, &objtree, extmod.as_deref()) {
        Ok(t) => t,
        Err(e) => {
            eprintln!(
                "modpost-rs ko-paths: current directory: {}",
                crate::diag::strerror(&e)
            );
            return 1;
        }
    };
    let opts = ko::KoOptions { trees, from };
    let mut status = 0;
    for m in &modules {
        match ko::process(&opts, m) {
            Ok(report) => {
                if !quiet && !report.unmatched.is_empty() {
                    eprintln!(
                        "modpost-rs ko-paths: warning: {}: {} symbols without a path: {}",
                        m.display(),
                        report.unmatched.len(),
                        report.unmatched.join(" ")
                    );
                }
            }
            Err(e) => {
                eprintln!("modpost-rs ko-paths: {e}");
                status = 1;
            }
        }
    }
    status
}
