//! `modpost-rs manifest`: writes `<archive>.manifest` beside an archive Kbuild has just made.
//!
//! ```text
//! modpost-rs manifest [--srctree DIR] [--objtree DIR] [-o OUT] ARCHIVE [INPUT...]
//! ```
//!
//! The entries follow ARCHIVE's own member list, so whatever ar did (flattening nested thin
//! archives, the `ar mPiT` head-object reorder of vmlinux.a) is what the manifest says. An entry
//! is copied from the manifest of an INPUT archive that lists the member (nested archives are
//! not read twice); otherwise the member is read and its source looked up in its `.cmd` file.
//! INPUTs that are not archives are ignored, so Kbuild can pass `$(real-prereqs)` unchanged, and
//! an INPUT archive without a manifest (a toolchain `libgcc.a`) is tolerated: its members are
//! read directly. The format is kpaths::manifest's (docs/manifest-format.md); the file is written
//! atomically.

use std::ffi::OsString;
use std::path::Path;
use std::path::PathBuf;

use kpaths::manifest::build_archive_manifest;
use kpaths::manifest::manifest_path_for;
use kpaths::tree::Trees;
use kpaths::Error;
use kpaths::Result;

const USAGE: &str =
    "usage: modpost-rs manifest [--srctree DIR] [--objtree DIR] [-o OUT] ARCHIVE [INPUT...]";

/// The parsed command line.
#[derive(Debug, Default, PartialEq, Eq)]
struct ManifestArgs {
    /// `--srctree`; defaults to `$srctree` (exported by Kbuild), else `.`.
    srctree: Option<PathBuf>,
    /// `--objtree`; defaults to the current directory.
    objtree: Option<PathBuf>,
    /// `-o`; defaults to `<ARCHIVE>.manifest`.
    output: Option<PathBuf>,
    /// The archive to describe.
    archive: PathBuf,
    /// Archives whose manifests may already describe members.
    inputs: Vec<PathBuf>,
}

fn parse_args(args: Vec<OsString>) -> std::result::Result<ManifestArgs, lexopt::Error> {
    use lexopt::prelude::*;
    let mut out = ManifestArgs::default();
    let mut archive = None;
    let mut p = lexopt::Parser::from_args(args);
    while let Some(arg) = p.next()? {
        match arg {
            Long("srctree") => out.srctree = Some(p.value()?.into()),
            Long("objtree") => out.objtree = Some(p.value()?.into()),
            Short('o') | Long("output") => out.output = Some(p.value()?.into()),
            Value(v) if archive.is_none() => archive = Some(PathBuf::from(v)),
            Value(v) => out.inputs.push(v.into()),
            _ => return Err(arg.unexpected()),
        }
    }
    out.archive = archive.ok_or("no ARCHIVE given")?;
    Ok(out)
}

/// Entry point: the exit status (0 ok, 1 error, 2 usage).
pub(super) fn run(args: Vec<OsString>) -> i32 {
    let parsed = match parse_args(args) {
        Ok(p) => p,
        Err(e) => return super::usage_error("manifest", USAGE, e),
    };
    match write_manifest(&parsed) {
        Ok(warnings) => {
            for w in warnings {
                eprintln!("modpost-rs manifest: warning: {w}");
            }
            0
        }
        Err(e) => {
            eprintln!("modpost-rs manifest: error: {e}");
            1
        }
    }
}

fn write_manifest(args: &ManifestArgs) -> Result<Vec<String>> {
    let srctree = args
        .srctree
        .clone()
        .or_else(|| std::env::var_os("srctree").map(PathBuf::from))
        .unwrap_or_else(|| PathBuf::from("."));
    let objtree = args.objtree.clone().unwrap_or_else(|| PathBuf::from("."));
    let trees = Trees::new(&srctree, &objtree, None)?;
    let mut warnings = Vec::new();
    let manifest = build_archive_manifest(&trees, &args.archive, &args.inputs, &mut warnings)?;
    let output = args
        .output
        .clone()
        .unwrap_or_else(|| manifest_path_for(&args.archive));
    kpaths::fs::write_atomically(&output, &manifest.to_bytes()?)
        .map_err(|e| Error::io(Path::new(&output).display(), &e))?;
    Ok(warnings)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(v: &[&str]) -> Vec<OsString> {
        v.iter().map(OsString::from).collect()
    }

    #[test]
    fn options() {
        let p = parse_args(args(&[
            "--srctree=/s",
            "-o",
            "x.m",
            "k/built-in.a",
            "k/a.o",
            "k/s/built-in.a",
        ]))
        .unwrap();
        assert_eq!(p.srctree.as_deref(), Some(Path::new("/s")));
        assert_eq!(p.output.as_deref(), Some(Path::new("x.m")));
        assert_eq!(p.archive, Path::new("k/built-in.a"));
        assert_eq!(p.inputs.len(), 2);
        // the other spelling of the same options
        let q = parse_args(args(&["--srctree", "/s", "-ox.m", "k/built-in.a"])).unwrap();
        assert_eq!((q.srctree, q.output), (p.srctree, p.output));
        assert!(parse_args(args(&[])).is_err());
        assert!(parse_args(args(&["--bogus", "a"])).is_err());
        assert_eq!(run(args(&["--bogus"])), 2);
    }
}
