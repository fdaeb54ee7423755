//! `--help` and `--version` alone are kallsyms-rs's own; any other use keeps getopt_long's
//! behaviour of the C tool (unrecognized option, the usage line, exit 1).
// Test code: a panic is how a test reports a failure.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use kpaths::testkit::run;
use std::path::Path;

fn run_tool(args: &[&str]) -> (i32, String, String) {
    let r = run(
        Path::new(env!("CARGO_BIN_EXE_kallsyms-rs")),
        args,
        Path::new("."),
    );
    (r.code, r.out(), r.err())
}

#[test]
fn help_and_version() {
    let (code, out, _) = run_tool(&["--help"]);
    assert_eq!(code, 0);
    assert!(out.starts_with("Usage: kallsyms-rs "), "{out}");
    let (code, out, _) = run_tool(&["--version"]);
    assert_eq!(code, 0);
    assert!(out.starts_with("kallsyms-rs "), "{out}");
}

#[test]
fn help_with_a_map_argument_is_the_c_usage_error() {
    let (code, out, err) = run_tool(&["--help", "in.map"]);
    assert_eq!(code, 1);
    assert!(out.is_empty());
    assert!(err.contains("unrecognized option '--help'"), "{err}");
    assert!(
        err.ends_with("Usage: kallsyms [--all-symbols] [--absolute-percpu] in.map > out.S\n"),
        "{err}"
    );
}
