//! The source-path subcommands of modpost-rs (not part of the C drop-in):
//!
//! | subcommand | file | Kbuild step |
//! |---|---|---|
//! | `manifest` | [`manifest`] | after every `ar` of built-in.a/lib.a/vmlinux.a (patch 0002) |
//! | `ko-paths` | [`ko`] | Makefile.modfinal after the link; Makefile.modinst after strip (0007) |
//! | `verify` | [`verify`] | CI: a build or install tree, optionally against the C modpost |
//!
//! Every subcommand parses its options with lexopt, with one convention: long options, the
//! value as the next word or after `=` (`--srctree DIR`, `--srctree=DIR`), `--` ends the
//! options. A usage error prints the problem and the usage line and exits 2; a failure exits 1.

mod ko;
mod manifest;
mod verify;

use std::ffi::OsString;

/// Runs the subcommand `args[1]` names; `None` means "not ours, run modpost".
pub(crate) fn run_subcommand(args: &[OsString]) -> Option<i32> {
    let rest = || args.get(2..).unwrap_or_default().to_vec();
    match args.get(1).and_then(|a| a.to_str()) {
        Some("ko-paths") => Some(ko::run(rest())),
        Some("verify") => Some(verify::run(rest())),
        Some("manifest") => Some(manifest::run(rest())),
        _ => None,
    }
}

/// A usage error of `subcommand`: the message and the usage line on stderr, exit status 2.
pub(crate) fn usage_error(subcommand: &str, usage: &str, err: impl std::fmt::Display) -> i32 {
    eprintln!("modpost-rs {subcommand}: {err}\n{usage}");
    2
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(v: &[&str]) -> Vec<OsString> {
        v.iter().map(OsString::from).collect()
    }

    #[test]
    fn dispatch_and_usage_errors() {
        assert_eq!(
            run_subcommand(&args(&["modpost-rs", "-M", "-o", "x"])),
            None
        );
        assert_eq!(run_subcommand(&args(&["modpost-rs"])), None);
        assert_eq!(run_subcommand(&args(&["modpost-rs", "ko-paths"])), Some(2));
        assert_eq!(
            run_subcommand(&args(&["modpost-rs", "ko-paths", "--bogus", "a.ko"])),
            Some(2)
        );
        assert_eq!(
            run_subcommand(&args(&["modpost-rs", "ko-paths", "--srctree"])),
            Some(2)
        );
        assert_eq!(run_subcommand(&args(&["modpost-rs", "verify"])), Some(2));
        assert_eq!(run_subcommand(&args(&["modpost-rs", "manifest"])), Some(2));
        assert_eq!(
            run_subcommand(&args(&["modpost-rs", "ko-paths", "/nonexistent/x.ko"])),
            Some(1)
        );
        assert_eq!(
            run_subcommand(&args(&["modpost-rs", "verify", "/nonexistent"])),
            Some(2)
        );
    }
}
