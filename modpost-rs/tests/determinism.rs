//! Determinism: every file modpost-rs writes is the same bytes from run to run, in any build
//! directory and with any number of worker threads (RAYON_NUM_THREADS=1, 2, 16). Each case runs
//! the tool on hard-link copies of a real kernel build placed at paths of different lengths, and
//! compares every output with the others and with the one the real build wrote.
// Test code: a panic is how a test reports a failure.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The thread counts each case runs with, and the directory (under the scratch directory) of
/// the tree copy each one runs in: different depths, so no output can depend on the path.
const RUNS: [(&str, &str); 3] = [
    ("1", "a"),
    ("2", "a-much-longer-directory-name/b"),
    ("16", "c/d/e/f"),
];

/// `modpost-rs args...` in `cwd` with `threads` worker threads; fails the test unless it
/// succeeds.
fn modpost_rs_in(cwd: &Path, threads: &str, args: &[String]) -> Run {
    run_ok(modpost_rs_command(args, cwd).env("RAYON_NUM_THREADS", threads))
}

/// Asserts that every run wrote the same bytes as the first and as `reference` (where it has
/// the file).
fn assert_all_equal(
    what: &str,
    runs: &[(String, BTreeMap<String, Vec<u8>>)],
    reference: &BTreeMap<String, Vec<u8>>,
) {
    let (first_label, first) = &runs[0];
    assert!(!first.is_empty(), "{what}: no outputs to compare");
    for (label, files) in runs {
        for (rel, data) in files {
            if let Some(why) = first_difference(&first[rel], data) {
                panic!("{what}: {rel} differs between {first_label} and {label}: {why}");
            }
            if let Some(want) = reference.get(rel) {
                if let Some(why) = first_difference(want, data) {
                    panic!("{what}: {rel} of {label} differs from the build's: {why}");
                }
            }
        }
    }
}

#[test]
fn modpost_outputs_do_not_depend_on_directory_or_threads() {
    let fx = oracle();
    let scratch = Scratch::new("determinism-modpost");
    let args = kbuild_modpost_args(&fx.logs.join("build-V1.log"));
    let outs = in_tree_outputs(&fx.build);
    let mut runs = Vec::new();
    for (threads, dir) in RUNS {
        let tree = scratch.join(dir);
        link_copy(&fx.build, &tree);
        for r in &outs {
            let _ = std::fs::remove_file(tree.join(r));
        }
        modpost_rs_in(&tree, threads, &args);
        runs.push((
            format!("RAYON_NUM_THREADS={threads} in {dir}"),
            read_files(&tree, &outs),
        ));
    }
    // A second run in the first tree, over the first run's outputs.
    let tree = scratch.join(RUNS[0].1);
    modpost_rs_in(&tree, "2", &args);
    runs.push(("a second run in a".into(), read_files(&tree, &outs)));
    assert_all_equal("modpost", &runs, &read_files(&fx.build, &outs));
}

#[test]
fn ko_paths_sections_do_not_depend_on_directory_or_threads() {
    let fx = oracle();
    let scratch = Scratch::new("determinism-ko-paths");
    let modules = modules_of(&fx.build);
    let args = ko_paths_args(&fx, &modules);
    let mut runs = Vec::new();
    for (threads, dir) in RUNS {
        let tree = scratch.join(dir);
        link_copy(&fx.build, &tree);
        modpost_rs_in(&tree, threads, &args);
        runs.push((
            format!("RAYON_NUM_THREADS={threads} in {dir}"),
            read_files(&tree, &modules),
        ));
    }
    // The oracle's modules have no section: every run added one.
    for (rel, data) in &runs[0].1 {
        let old = std::fs::read(fx.build.join(rel)).unwrap();
        assert!(data.len() > old.len(), "{rel}: ko-paths added nothing");
    }
    // A second run finds the sections fresh and writes nothing.
    let tree = scratch.join(RUNS[0].1);
    modpost_rs_in(&tree, "16", &args);
    runs.push(("a second run in a".into(), read_files(&tree, &modules)));
    assert_all_equal("ko-paths", &runs, &BTreeMap::new());
}

#[test]
fn manifests_do_not_depend_on_directory_or_threads() {
    let fx = paths_kernel();
    let scratch = Scratch::new("determinism-manifest");
    let cmds = manifest_commands(&fx.build);
    let manifests: Vec<String> = cmds.iter().map(|(m, _)| m.clone()).collect();
    let mut runs = Vec::new();
    for (threads, dir) in RUNS {
        let tree: PathBuf = scratch.join(dir);
        link_copy(&fx.build, &tree);
        for (manifest, args) in &cmds {
            std::fs::remove_file(tree.join(manifest)).unwrap();
            let mut all = vec![
                "manifest".to_string(),
                "--srctree".into(),
                fx.src.display().to_string(),
            ];
            all.extend(args.iter().cloned());
            modpost_rs_in(&tree, threads, &all);
        }
        runs.push((
            format!("RAYON_NUM_THREADS={threads} in {dir}"),
            read_files(&tree, &manifests),
        ));
    }
    assert_all_equal("manifest", &runs, &read_files(&fx.build, &manifests));
}
