//! kallsyms-rs in paths mode (`--paths-*`, docs/vmlinux-paths.md) on the fixture kernel's
//! `.tmp_vmlinux1`: every name gets its path, the address-side tables are those of the C tool,
//! and `kallsyms_seqs_of_names` is ordered by bare name, then full name.

use std::path::Path;
use std::path::PathBuf;
use std::process::Command;

use modpost::manifest::build_archive_manifest;
use modpost::manifest::Trees;

/// The fixture's build directory (`$MODPOST_RS_FIXTURE/build-6.12`, else from
/// `kbuild/oracle.sh env`); fails clearly when the oracle is missing.
fn fixture_build() -> PathBuf {
    let work = match std::env::var_os("MODPOST_RS_FIXTURE") {
        Some(w) => PathBuf::from(w),
        None => {
            let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
            let out = Command::new("bash")
                .arg(root.join("kbuild/oracle.sh"))
                .arg("env")
                .current_dir(&root)
                .output()
                .expect("cannot run kbuild/oracle.sh env");
            let text = String::from_utf8_lossy(&out.stdout).into_owned();
            let work = text
                .lines()
                .find_map(|l| l.strip_prefix("WORK="))
                .expect("kbuild/oracle.sh env printed no WORK=")
                .trim_matches('\'')
                .to_owned();
            PathBuf::from(work)
        }
    };
    let build = work.join("build-6.12");
    assert!(
        work.join(".done-build").exists() && build.join(".tmp_vmlinux1.kallsyms.S").exists(),
        "fixture oracle missing: {} has no finished build; run kbuild/oracle.sh prepare or set \
         MODPOST_RS_FIXTURE",
        work.display()
    );
    build
}

/// The lines of one table of a kallsyms `.S` file (from its label to the blank line).
fn table<'a>(s: &'a str, label: &str) -> Vec<&'a str> {
    let start = s
        .find(&format!("\n{label}:\n"))
        .unwrap_or_else(|| panic!("no {label}"));
    s[start + label.len() + 3..]
        .lines()
        .take_while(|l| !l.is_empty())
        .collect()
}

/// The text of a `/* ... */` comment at the end of a line.
fn comment(line: &str) -> &str {
    let start = line.find("/* ").map(|i| i + 3).unwrap_or(line.len());
    line[start..].trim_end_matches(" */")
}

fn bare(name: &str) -> &str {
    name.split_once(':').map_or(name, |(_, b)| b)
}

#[test]
fn paths_mode_on_the_fixture() {
    let build = fixture_build();
    let srctree = std::fs::canonicalize(build.join("source")).unwrap();
    let trees = Trees::new(&srctree, &build).unwrap();
    let mut warnings = Vec::new();
    let manifest =
        build_archive_manifest(&trees, Path::new("vmlinux.a"), &[], &mut warnings).unwrap();
    let dir = std::env::temp_dir().join(format!("vmpaths-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mpath = dir.join("vmlinux.a.manifest");
    std::fs::write(&mpath, manifest.to_bytes().unwrap()).unwrap();
    let report = dir.join("report.txt");

    let out = Command::new(env!("CARGO_BIN_EXE_kallsyms-rs"))
        .current_dir(&build)
        .args([
            "--all-symbols",
            "--absolute-percpu",
            "--paths-image=.tmp_vmlinux1",
        ])
        .arg(format!("--paths-manifest={}", mpath.display()))
        .args([
            "--paths-object=.vmlinux.export.o",
            "--paths-object=init/version-timestamp.o",
            "--paths-object=.tmp_vmlinux0.kallsyms.o=kernel/kallsyms_internal.h",
            "--paths-lds=arch/x86/kernel/vmlinux.lds",
        ])
        .arg(format!("--paths-srctree={}", srctree.display()))
        .arg(format!("--paths-report={}", report.display()))
        .arg(".tmp_vmlinux1.syms")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let ours = String::from_utf8(out.stdout).unwrap();
    let c = std::fs::read_to_string(build.join(".tmp_vmlinux1.kallsyms.S")).unwrap();

    // Same symbols in the same order with the same addresses: the offsets (without comments),
    // the relative base and the count equal the C tool's.
    let values = |t: Vec<&str>| -> Vec<String> {
        t.iter()
            .map(|l| l.split('\t').take(3).collect::<Vec<_>>().join("\t"))
            .collect()
    };
    assert_eq!(
        values(table(&ours, "kallsyms_offsets")),
        values(table(&c, "kallsyms_offsets"))
    );
    assert_eq!(
        table(&ours, "kallsyms_relative_base"),
        table(&c, "kallsyms_relative_base")
    );
    assert_eq!(
        table(&ours, "kallsyms_num_syms"),
        table(&c, "kallsyms_num_syms")
    );

    // Every name has a path, and its bare part is the C tool's name at the same index.
    let ours_names: Vec<&str> = table(&ours, "kallsyms_names")
        .into_iter()
        .map(comment)
        .collect();
    let c_names: Vec<&str> = table(&c, "kallsyms_names")
        .into_iter()
        .map(comment)
        .collect();
    assert_eq!(ours_names.len(), 30040);
    for (o, c) in ours_names.iter().zip(&c_names) {
        assert!(o.contains(':'), "{o} has no path");
        assert_eq!(&o[..1], &c[..1], "type");
        assert_eq!(bare(&o[1..]), &c[1..]);
    }
    assert!(ours_names.contains(&"Tlib/dump_stack.c:dump_stack_lvl"));
    assert!(ours_names.contains(&"Tarch/x86/kernel/vmlinux.lds.S:_text"));

    // The seqs table is ordered by bare name, then full name (strcmp = byte order).
    let seqs: Vec<&str> = table(&ours, "kallsyms_seqs_of_names")
        .into_iter()
        .map(|l| &comment(l)[1..])
        .collect();
    assert_eq!(seqs.len(), 30040);
    for w in seqs.windows(2) {
        let key = |n: &str| (bare(n).as_bytes().to_vec(), n.as_bytes().to_vec());
        assert!(key(w[0]) <= key(w[1]), "{} before {}", w[0], w[1]);
    }

    let report = std::fs::read_to_string(&report).unwrap();
    assert!(
        report.starts_with("symbols: 30040\nwith a path: 30040\n"),
        "{report}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn no_paths_options_is_the_drop_in() {
    let build = fixture_build();
    let out = Command::new(env!("CARGO_BIN_EXE_kallsyms-rs"))
        .current_dir(&build)
        .args(["--all-symbols", "--absolute-percpu", ".tmp_vmlinux1.syms"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let c = std::fs::read(build.join(".tmp_vmlinux1.kallsyms.S")).unwrap();
    assert!(out.stdout == c, "drop-in output differs from the C tool's");
}

#[test]
fn bad_paths_option_is_an_error() {
    let build = fixture_build();
    let out = Command::new(env!("CARGO_BIN_EXE_kallsyms-rs"))
        .current_dir(&build)
        .args(["--paths-manifest=x", ".tmp_vmlinux1.syms"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "kallsyms: --paths-* options need --paths-image=<linked image>\n"
    );
    let out = Command::new(env!("CARGO_BIN_EXE_kallsyms-rs"))
        .current_dir(&build)
        .args([
            "--paths-image=.tmp_vmlinux1",
            "--paths-manifest=/nonexistent/m",
        ])
        .arg(".tmp_vmlinux1.syms")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).starts_with("kallsyms: paths: /nonexistent/m: "),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
