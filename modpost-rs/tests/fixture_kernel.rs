//! Differential tests on the real fixture kernel build: modpost-rs and the C modpost built from
//! the same tree run with the exact command lines Kbuild used, on the same inputs; every output
//! file, stderr and the exit code must be identical.
// Test code: a panic is how a test reports a failure.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use std::path::Path;

fn remove_all(tree: &Path, rels: &[String]) {
    for r in rels {
        let _ = std::fs::remove_file(tree.join(r));
    }
}

/// Move the outputs aside so the second tool starts from the same state as the first.
fn stash(tree: &Path, rels: &[String], to: &Path) {
    for r in rels {
        let src = tree.join(r);
        if src.exists() {
            let dst = to.join(r);
            std::fs::create_dir_all(dst.parent().unwrap()).unwrap();
            std::fs::rename(&src, &dst).unwrap();
        }
    }
}

#[test]
fn in_tree_build_matches_c_modpost() {
    let fx = oracle();
    let scratch = Scratch::new("intree");
    let tree = scratch.path().join("build");
    link_copy(&fx.build, &tree);
    let outs = in_tree_outputs(&tree);
    remove_all(&tree, &outs);
    let args = kbuild_modpost_args(&fx.logs.join("build-V1.log"));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();

    let c = run(&tree.join("scripts/mod/modpost"), &args, &tree);
    let c_out = scratch.path().join("c-out");
    stash(&tree, &outs, &c_out);
    let rs = run(&modpost_rs(), &args, &tree);
    assert_same_run("modpost", &c, &rs);
    let diffs: Vec<String> = outs
        .iter()
        .filter_map(|r| compare_file(&c_out, &tree, r))
        .collect();
    assert!(
        diffs.is_empty(),
        "{} of {} outputs differ:\n{}",
        diffs.len(),
        outs.len(),
        diffs.join("\n")
    );
    // The outputs equal the ones the real build wrote.
    for r in &outs {
        assert!(
            compare_file(&fx.build, &tree, r).is_none(),
            "{r} differs from the build's"
        );
    }

    // A second run changes nothing: unchanged .mod.c files keep their mtime (make relies on it).
    let mtime = |r: &str| std::fs::metadata(tree.join(r)).unwrap().modified().unwrap();
    let before: Vec<_> = outs.iter().skip(1).map(|r| mtime(r)).collect();
    std::thread::sleep(std::time::Duration::from_millis(20));
    let again = run(&modpost_rs(), &args, &tree);
    assert_same_run("second modpost run", &c, &again);
    let after: Vec<_> = outs.iter().skip(1).map(|r| mtime(r)).collect();
    assert_eq!(before, after, "write-if-changed rewrote an unchanged file");
}

#[test]
fn external_module_matches_c_modpost() {
    let fx = oracle();
    let build = fx.build.clone();
    let scratch = Scratch::new("extmod");
    let kdir = scratch.path().join("kotest");
    let args = copy_external_module(&kdir);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let outs = vec!["Module.symvers".to_string(), "kotest.mod.c".to_string()];
    remove_all(&kdir, &outs);

    let c = run(&build.join("scripts/mod/modpost"), &args, &build);
    let c_out = scratch.path().join("c-out");
    stash(&kdir, &outs, &c_out);
    let rs = run(&modpost_rs(), &args, &build);
    assert_same_run("modpost", &c, &rs);
    let diffs: Vec<String> = outs
        .iter()
        .filter_map(|r| compare_file(&c_out, &kdir, r))
        .collect();
    assert!(diffs.is_empty(), "outputs differ:\n{}", diffs.join("\n"));
}
