//! `modpost-rs manifest`: writes `<archive>.manifest` beside an archive Kbuild has just made.
//!
//! ```text
//! modpost-rs manifest [--srctree=DIR] [--objtree=DIR] [-o OUT] ARCHIVE [INPUT...]
//! ```
//!
//! The entries follow ARCHIVE's own member list, so whatever ar did (flattening nested thin
//! archives, the `ar mPiT` head-object reorder of vmlinux.a) is what the manifest says. An entry
//! is copied from the manifest of an INPUT archive that lists the member (nested archives are
//! not read twice); otherwise the member is read and its source looked up in its `.cmd` file.
//! INPUTs that are not archives are ignored, so Kbuild can pass `$(real-prereqs)` unchanged, and
//! an INPUT archive without a manifest (a toolchain `libgcc.a`) is tolerated: its members are
//! read directly. The file is written atomically (temporary file and rename).

use std::io::Write;
use std::path::Path;
use std::path::PathBuf;

use modpost::manifest::build_archive_manifest;
use modpost::manifest::manifest_path_for;
use modpost::manifest::Error;
use modpost::manifest::Result;
use modpost::manifest::Trees;

const USAGE: &str =
    "usage: modpost-rs manifest [--srctree=DIR] [--objtree=DIR] [-o OUT] ARCHIVE [INPUT...]";

/// Parsed command line of the subcommand.
#[derive(Debug, Default)]
struct ManifestArgs {
    /// `--srctree`; defaults to `$srctree` (exported by Kbuild), else `.`.
    srctree: Option<PathBuf>,
    /// `--objtree`; defaults to the current directory.
    objtree: Option<PathBuf>,
    /// `-o`; defaults to `<ARCHIVE>.manifest`.
    output: Option<PathBuf>,
    /// The archive to describe.
    archive: Option<PathBuf>,
    /// Archives whose manifests may already describe members.
    inputs: Vec<PathBuf>,
}

fn parse_args(args: &[String]) -> std::result::Result<ManifestArgs, String> {
    let mut out = ManifestArgs::default();
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        if let Some(v) = arg.strip_prefix("--srctree=") {
            out.srctree = Some(v.into());
        } else if let Some(v) = arg.strip_prefix("--objtree=") {
            out.objtree = Some(v.into());
        } else if arg == "-o" {
            out.output = Some(iter.next().ok_or("-o needs a file name")?.into());
        } else if let Some(v) = arg.strip_prefix("-o").filter(|v| !v.is_empty()) {
            out.output = Some(v.into());
        } else if arg.starts_with('-') && arg.len() > 1 {
            return Err(format!("unknown option {arg}"));
        } else if out.archive.is_none() {
            out.archive = Some(arg.into());
        } else {
            out.inputs.push(arg.into());
        }
    }
    if out.archive.is_none() {
        return Err("no archive given".into());
    }
    Ok(out)
}

/// Entry point: returns the exit status (0 ok, 1 error, 2 usage).
pub(crate) fn run(args: &[String]) -> i32 {
    let parsed = match parse_args(args) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("modpost-rs manifest: {e}\n{USAGE}");
            return 2;
        }
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
    let archive = args.archive.as_deref().unwrap_or(Path::new(""));
    let srctree = args
        .srctree
        .clone()
        .or_else(|| std::env::var_os("srctree").map(PathBuf::from))
        .unwrap_or_else(|| PathBuf::from("."));
    let objtree = args.objtree.clone().unwrap_or_else(|| PathBuf::from("."));
    let trees = Trees::new(&srctree, &objtree)?;
    let mut warnings = Vec::new();
    let manifest = build_archive_manifest(&trees, archive, &args.inputs, &mut warnings)?;
    let output = args
        .output
        .clone()
        .unwrap_or_else(|| manifest_path_for(archive));
    write_atomically(&output, &manifest.to_bytes()?)?;
    Ok(warnings)
}

/// Writes `bytes` to a temporary file beside `path` and renames it into place.
pub(crate) fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(format!(".tmp{}", std::process::id()));
    let tmp = PathBuf::from(tmp);
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.flush()?;
        std::fs::rename(&tmp, path)
    })();
    result.map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        Error::new(format!("{}: {e}", path.display()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn args() {
        let a: Vec<String> = [
            "--srctree=/s",
            "-o",
            "x.m",
            "k/built-in.a",
            "k/a.o",
            "k/s/built-in.a",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let p = parse_args(&a).unwrap();
        assert_eq!(p.srctree.as_deref(), Some(Path::new("/s")));
        assert_eq!(p.output.as_deref(), Some(Path::new("x.m")));
        assert_eq!(p.archive.as_deref(), Some(Path::new("k/built-in.a")));
        assert_eq!(p.inputs.len(), 2);
        assert!(parse_args(&[]).is_err());
        assert!(parse_args(&["--bogus".to_string()]).is_err());
    }
}
