//! `--help` and `--version` alone are modpost-rs's own; any other use of them keeps C getopt's
//! behaviour (an invalid-option error, exit 1), so Kbuild command lines are unaffected.
// Test code: a panic is how a test reports a failure.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use kpaths::testkit::run;
use std::path::Path;

fn run_tool(args: &[&str]) -> (i32, String, String) {
    let r = run(
        Path::new(env!("CARGO_BIN_EXE_modpost-rs")),
        args,
        Path::new("."),
    );
    (r.code, r.out(), r.err())
}

#[test]
fn help_and_version() {
    let (code, out, _) = run_tool(&["--help"]);
    assert_eq!(code, 0);
    assert!(out.starts_with("Usage: modpost-rs "), "{out}");
    let (code, out, _) = run_tool(&["--version"]);
    assert_eq!(code, 0);
    assert!(out.starts_with("modpost-rs "), "{out}");
}

#[test]
fn help_with_other_arguments_is_a_getopt_error_as_in_c() {
    let (code, out, err) = run_tool(&["--help", "vmlinux.o"]);
    assert_eq!(code, 1);
    assert!(out.is_empty());
    assert!(err.ends_with("invalid option -- '-'\n"), "{err}");
}
