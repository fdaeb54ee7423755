//! Distro-scale differential test (ignored unless asked for): Debian's 4,230 amd64 modules of
//! Linux 6.12.117, run as `make M=` runs modpost, against Debian's packaged C modpost. The
//! inputs (a 1.2 GB download, cached) come from `bash kbuild/distro.sh fetch`.
// Test code: a panic is how a test reports a failure.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use std::process::Command;

#[test]
#[ignore = "distro scale: needs Debian's packages (bash kbuild/distro.sh fetch, 1.2 GB); run with --ignored"]
fn distro_modules_match_c_modpost() {
    let dest = distro();
    let kbuild = std::fs::read_dir(dest.join("root/usr/lib"))
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .find(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("linux-kbuild-")
        })
        .expect("linux-kbuild package extracted");
    let c_modpost = kbuild.join("scripts/mod/modpost");
    let scratch = Scratch::new("distro");
    let symvers_in = dest.join("modpost/Module.symvers");
    let order = std::fs::read_to_string(dest.join("modpost/tree/modules.order")).unwrap();
    let mut results = Vec::new();
    for (tag, tool) in [("c", c_modpost.clone()), ("rs", modpost_rs())] {
        let tree = scratch.path().join(tag);
        let st = Command::new("cp")
            .arg("-a")
            .arg(dest.join("modpost/tree"))
            .arg(&tree)
            .status()
            .unwrap();
        assert!(st.success());
        let out = scratch.path().join(format!("{tag}.symvers"));
        let args = [
            "-M",
            "-m",
            "-e",
            "-i",
            symvers_in.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
            "-T",
            "modules.order",
        ];
        results.push(run(&tool, &args, &tree));
    }
    let (c, rs) = (&results[0], &results[1]);
    assert_eq!(c.code, rs.code, "exit codes differ");
    if let Some(d) = first_difference(&c.stderr, &rs.stderr) {
        panic!("stderr differs: {d}");
    }
    let a = std::fs::read(scratch.path().join("c.symvers")).unwrap();
    let b = std::fs::read(scratch.path().join("rs.symvers")).unwrap();
    assert!(first_difference(&a, &b).is_none(), "symvers differ");
    let mut n = 0;
    for l in order.lines() {
        let rel = format!("{}.mod.c", l.trim_end_matches(".o"));
        if let Some(d) = compare_file(&scratch.path().join("c"), &scratch.path().join("rs"), &rel) {
            panic!("{d}");
        }
        n += 1;
    }
    assert_eq!(n, 4230);
}
