//! `--help` and `--version` alone are modpost-rs's own; any other use of them keeps C getopt's
//! behaviour (an invalid-option error, exit 1), so Kbuild command lines are unaffected.
// Test code: a panic is how a test reports a failure.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Command;

fn run(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_modpost-rs"))
        .args(args)
        .output()
        .unwrap();
    let s = |b: Vec<u8>| String::from_utf8_lossy(&b).into_owned();
    (
        out.status.code().unwrap_or(-1),
        s(out.stdout),
        s(out.stderr),
    )
}

#[test]
fn help_and_version() {
    let (code, out, _) = run(&["--help"]);
    assert_eq!(code, 0);
    assert!(out.starts_with("Usage: modpost-rs "), "{out}");
    let (code, out, _) = run(&["--version"]);
    assert_eq!(code, 0);
    assert!(out.starts_with("modpost-rs "), "{out}");
}

#[test]
fn help_with_other_arguments_is_a_getopt_error_as_in_c() {
    let (code, out, err) = run(&["--help", "vmlinux.o"]);
    assert_eq!(code, 1);
    assert!(out.is_empty());
    assert!(err.ends_with("invalid option -- '-'\n"), "{err}");
}
