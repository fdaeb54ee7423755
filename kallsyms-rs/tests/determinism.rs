//! Determinism: kallsyms-rs writes the same bytes from run to run and in any build directory.
//! The last kallsyms pass of the paths kernel (with its `--paths-*` options, which read the
//! image, the manifests, the linker script and the source tree) runs in the build directory
//! and in hard-link copies of it at paths of other lengths; every `.S` and every `--paths-report`
//! must equal the one the build wrote. (kallsyms-rs is single-threaded: no thread count to vary.)
// Test code: a panic is how a test reports a failure.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::Command;

use kpaths::testkit::{first_difference, link_copy, paths_kernel, run_ok, Scratch};

fn kallsyms_rs() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_kallsyms-rs"))
}

/// The arguments of the last kallsyms-rs pass of a build (`+ .../kallsyms-rs ARGS` in the
/// V=1 log, traced by link-vmlinux.sh's `set -x`).
fn last_pass_args(log: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(log).unwrap();
    let line = text
        .lines()
        .rev()
        .find(|l| l.starts_with("+ ") && l.contains("/kallsyms-rs ") && l.contains("--paths-"))
        .unwrap_or_else(|| panic!("no kallsyms-rs pass with --paths-* in {}", log.display()));
    let args: Vec<String> = line
        .split_whitespace()
        .skip(2)
        .map(str::to_string)
        .collect();
    assert!(
        args.last().unwrap().ends_with(".syms"),
        "unexpected kallsyms-rs command: {line}"
    );
    args
}

#[test]
fn paths_pass_does_not_depend_on_directory_or_run() {
    let fx = paths_kernel();
    let args = last_pass_args(&fx.logs.join("build-V1.log"));
    let map = args.last().unwrap().clone();
    let want = std::fs::read(fx.build.join(map.replace(".syms", ".kallsyms.S"))).unwrap();
    let scratch = Scratch::new("kallsyms-determinism");
    for dir in ["a", "a-much-longer-directory-name/b", "c/d/e/f"] {
        let tree = scratch.join(dir);
        link_copy(&fx.build, &tree);
        let mut outputs = Vec::new();
        for run in 0..2 {
            let report = tree.join(format!("report-{run}.txt"));
            let mut all = args.clone();
            all.insert(0, format!("--paths-report={}", report.display()));
            // Kbuild exports srctree; the pass resolves the linker script's and other
            // sources against it.
            let r = run_ok(
                Command::new(kallsyms_rs())
                    .args(&all)
                    .env("srctree", &fx.src)
                    .current_dir(&tree),
            );
            if let Some(why) = first_difference(&want, &r.stdout) {
                panic!("{dir}, run {run}: the .S differs from the build's: {why}");
            }
            outputs.push(std::fs::read(&report).unwrap());
        }
        assert!(!outputs[0].is_empty(), "{dir}: empty report");
        assert_eq!(
            outputs[0], outputs[1],
            "{dir}: the reports of two runs differ"
        );
    }
}
