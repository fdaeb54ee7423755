//! `--help` and `--version` alone are kallsyms-rs's own; any other use keeps getopt_long's
//! behaviour of the C tool (unrecognized option, the usage line, exit 1).
// Test code: a panic is how a test reports a failure.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use kpaths::testkit::{assert_help_and_version, help_with_argument};
use std::path::Path;

const TOOL: &str = env!("CARGO_BIN_EXE_kallsyms-rs");

#[test]
fn help_and_version() {
    assert_help_and_version(Path::new(TOOL), "kallsyms-rs");
}

#[test]
fn help_with_a_map_argument_is_the_c_usage_error() {
    let err = help_with_argument(Path::new(TOOL), "in.map");
    assert!(err.contains("unrecognized option '--help'"), "{err}");
    assert!(
        err.ends_with("Usage: kallsyms [--all-symbols] [--absolute-percpu] in.map > out.S\n"),
        "{err}"
    );
}
