//! `--help` and `--version` alone are modpost-rs's own; any other use of them keeps C getopt's
//! behaviour (an invalid-option error, exit 1), so Kbuild command lines are unaffected.
// Test code: a panic is how a test reports a failure.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use kpaths::testkit::{assert_help_and_version, help_with_argument};
use std::path::Path;

const TOOL: &str = env!("CARGO_BIN_EXE_modpost-rs");

#[test]
fn help_and_version() {
    assert_help_and_version(Path::new(TOOL), "modpost-rs");
}

#[test]
fn help_with_other_arguments_is_a_getopt_error_as_in_c() {
    let err = help_with_argument(Path::new(TOOL), "vmlinux.o");
    assert!(err.ends_with("invalid option -- '-'\n"), "{err}");
}
