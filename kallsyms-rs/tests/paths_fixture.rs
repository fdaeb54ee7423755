//! kallsyms-rs in paths mode (`--paths-*`, docs/vmlinux-paths.md) on the C oracle's
//! `.tmp_vmlinux1`: the output is the C tool's `.S` byte for byte, followed by the path side
//! table, which gives every symbol its path; and the kernel built with the option (the `paths`
//! variant) shows the same names as the one built without it.
// Test code: a panic is how a test reports a failure.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::path::Path;
use std::path::PathBuf;

use kpaths::manifest::build_archive_manifest;
use kpaths::testkit;
use kpaths::testkit::run;
use kpaths::testkit::Scratch;
use kpaths::tree::Trees;

fn kallsyms_rs() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_kallsyms-rs"))
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

/// The number after the tab of each `.long`/`.short` line of a table.
fn numbers(s: &str, label: &str) -> Vec<u64> {
    table(s, label)
        .iter()
        .map(|l| l.rsplit('\t').next().unwrap().parse().unwrap())
        .collect()
}

/// The text of a `/* ... */` comment at the end of a line.
fn comment(line: &str) -> &str {
    let start = line.find("/* ").map(|i| i + 3).unwrap_or(line.len());
    line[start..].trim_end_matches(" */")
}

#[test]
fn paths_mode_on_the_fixture() {
    let oracle = testkit::oracle();
    let build = oracle.build.clone();
    let trees = Trees::new(&oracle.src, &build, None).unwrap();
    let mut warnings = Vec::new();
    let manifest =
        build_archive_manifest(&trees, Path::new("vmlinux.a"), &[], &mut warnings).unwrap();
    assert!(warnings.is_empty(), "{warnings:?}");
    let scratch = Scratch::new("kallsyms-paths-fixture");
    let mpath = scratch.join("vmlinux.a.manifest");
    std::fs::write(&mpath, manifest.to_bytes().unwrap()).unwrap();
    let report = scratch.join("report.txt");
    let out = run(
        &kallsyms_rs(),
        &[
            "--all-symbols".to_string(),
            "--absolute-percpu".into(),
            "--paths-image=.tmp_vmlinux1".into(),
            format!("--paths-manifest={}", mpath.display()),
            "--paths-object=.vmlinux.export.o".into(),
            "--paths-object=init/version-timestamp.o".into(),
            "--paths-object=.tmp_vmlinux0.kallsyms.o=kernel/kallsyms_internal.h".into(),
            "--paths-lds=arch/x86/kernel/vmlinux.lds".into(),
            format!("--paths-srctree={}", oracle.src.display()),
            format!("--paths-report={}", report.display()),
            ".tmp_vmlinux1.syms".into(),
        ],
        &build,
    );
    assert_eq!(out.code, 0, "{}", out.err());
    assert_eq!(out.err(), "", "no warnings");
    let ours = out.out();
    let c = std::fs::read_to_string(build.join(".tmp_vmlinux1.kallsyms.S")).unwrap();

    // The C tool's tables, byte for byte: names bare, same tokens, same order.
    assert!(
        ours.starts_with(&c),
        "the output does not start with the C tool's .S"
    );
    let rest = &ours[c.len()..];
    assert!(
        rest.starts_with(".globl kallsyms_path_num_runs\n"),
        "{}",
        &rest[..200.min(rest.len())]
    );

    // The side table gives every symbol a path.
    let names: Vec<&str> = table(&c, "kallsyms_names")
        .into_iter()
        .map(comment)
        .collect();
    let starts = numbers(rest, "kallsyms_path_run_start");
    let ids = numbers(rest, "kallsyms_path_run_path");
    assert_eq!(
        numbers(rest, "kallsyms_path_num_runs"),
        [starts.len() as u64]
    );
    let paths: Vec<&str> = table(rest, "kallsyms_path_strings")
        .iter()
        .map(|l| l.trim_start_matches("\t.asciz\t\"").trim_end_matches('"'))
        .collect();
    assert_eq!(
        numbers(rest, "kallsyms_path_num_paths"),
        [paths.len() as u64]
    );
    assert_eq!(paths[0], "");
    assert!(!ids.contains(&0), "a run without a path");
    let path_of = |i: usize| {
        let run = starts.partition_point(|&s| s as usize <= i) - 1;
        paths[ids[run] as usize]
    };
    let mut by_name: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (i, n) in names.iter().enumerate() {
        by_name.entry(&n[1..]).or_default().push(path_of(i));
    }
    assert_eq!(by_name["dump_stack_lvl"], ["lib/dump_stack.c"]);
    assert_eq!(by_name["__pfx_dump_stack_lvl"], ["lib/dump_stack.c"]);
    assert_eq!(by_name["_text"], ["arch/x86/kernel/vmlinux.lds.S"]);
    assert_eq!(by_name["entry_SYSCALL_64"], ["arch/x86/entry/entry_64.S"]);
    let prefixes = names
        .iter()
        .filter(|n| n[1..].starts_with("__pfx_"))
        .count();
    assert!(prefixes > 10000, "{prefixes} prefix symbols");
    // Runs are few: symbols of one object are contiguous within each output section.
    assert!(
        starts.len() * 5 < names.len(),
        "{} runs for {} symbols",
        starts.len(),
        names.len()
    );

    // The report counts the map's lines (before kallsyms drops the 'A' ones): all with a path.
    let report = std::fs::read_to_string(&report).unwrap();
    let head: Vec<&str> = report.lines().take(2).collect();
    let total = head[0].strip_prefix("symbols: ").unwrap();
    assert_eq!(head[1], format!("with a path: {total}"), "{report}");
}

#[test]
fn an_empty_map_gets_empty_path_tables_and_reads_nothing() {
    // Pass 0 of link-vmlinux.sh: no image exists yet.
    let scratch = Scratch::new("kallsyms-paths-empty");
    std::fs::write(scratch.join("empty.syms"), "").unwrap();
    let out = run(
        &kallsyms_rs(),
        &[
            "--paths-image=/nonexistent/image",
            "--paths-manifest=/nonexistent/m",
            "empty.syms",
        ],
        scratch.path(),
    );
    assert_eq!(out.code, 0, "{}", out.err());
    let s = out.out();
    assert!(s.contains("kallsyms_path_num_runs:\n\t.long\t0\n"), "{s}");
    assert!(s.contains("kallsyms_path_num_paths:\n\t.long\t1\n"), "{s}");
    assert!(
        s.contains("kallsyms_path_strings:\n\t.asciz\t\"\"\n"),
        "{s}"
    );
}

#[test]
fn no_paths_options_is_the_drop_in() {
    let build = testkit::oracle().build;
    let out = run(
        &kallsyms_rs(),
        &["--all-symbols", "--absolute-percpu", ".tmp_vmlinux1.syms"],
        &build,
    );
    assert_eq!(out.code, 0);
    let c = std::fs::read(build.join(".tmp_vmlinux1.kallsyms.S")).unwrap();
    assert!(out.stdout == c, "drop-in output differs from the C tool's");
}

#[test]
fn bad_paths_option_is_an_error() {
    let build = testkit::oracle().build;
    let out = run(
        &kallsyms_rs(),
        &["--paths-manifest=x", ".tmp_vmlinux1.syms"],
        &build,
    );
    assert_eq!(out.code, 1);
    assert_eq!(
        out.err(),
        "kallsyms: --paths-* options need --paths-image=<linked image>\n"
    );
    let out = run(
        &kallsyms_rs(),
        &[
            "--paths-image=.tmp_vmlinux1",
            "--paths-manifest=/nonexistent/m",
            ".tmp_vmlinux1.syms",
        ],
        &build,
    );
    assert_eq!(out.code, 1);
    assert!(
        out.err().starts_with("kallsyms: paths: /nonexistent/m: "),
        "{}",
        out.err()
    );
}

/// The kernel built with CONFIG_KALLSYMS_PATHS=y by Kbuild with both Rust tools against the
/// oracle built without it: the same (type, name) for every symbol both have (the names the
/// rest of the kernel sees), the only extra names those of the code the option adds, and a
/// path for every symbol of the option's kernel.
#[test]
fn the_paths_kernel_has_the_oracles_names_and_a_path_for_each() {
    let decode = |vmlinux: &Path, paths: bool| -> Vec<String> {
        let mut args = vec!["decode"];
        if paths {
            args.push("--paths");
        }
        args.push(vmlinux.to_str().unwrap());
        let r = run(&kallsyms_rs(), &args, Path::new("."));
        assert_eq!(r.code, 0, "decode {}: {}", vmlinux.display(), r.err());
        r.out().lines().map(|l| l[17..].to_string()).collect()
    };
    let on = testkit::paths_kernel().build.join("vmlinux");
    let off = testkit::oracle().build.join("vmlinux");
    let count = |v: Vec<String>| {
        let mut m: BTreeMap<String, usize> = BTreeMap::new();
        for l in v {
            *m.entry(l).or_default() += 1;
        }
        m
    };
    let on_names = count(decode(&on, false));
    let off_names = count(decode(&off, false));
    let mut missing = Vec::new();
    let mut extra = Vec::new();
    for (name, &n) in &off_names {
        if on_names.get(name).copied().unwrap_or(0) < n {
            missing.push(name.clone());
        }
    }
    for (name, &n) in &on_names {
        if off_names.get(name).copied().unwrap_or(0) < n {
            extra.push(name.clone());
        }
    }
    assert!(missing.is_empty(), "names the option loses: {missing:?}");
    // The option's own: its six tables, and the path lookups of kernel/kallsyms.c,
    // kernel/module/kallsyms.c, the selftest and /proc/kallsyms_paths.
    for table in kpaths::kallsyms::layout::PATH_TABLE_LABELS {
        assert!(
            extra.iter().any(|e| e[2..] == *table),
            "no {table} among the names the option adds: {extra:?}"
        );
    }
    for name in &extra {
        assert!(
            name[2..].contains("path"),
            "unexpected extra name: {name} (all extras: {extra:?})"
        );
    }
    // Every vmlinux symbol of the option's kernel has a path.
    let with_paths = decode(&on, true);
    let bare: Vec<&String> = with_paths
        .iter()
        .filter(|l| !l[2..].contains(':'))
        .collect();
    assert!(
        bare.is_empty(),
        "{} symbols without a path, e.g. {:?}",
        bare.len(),
        &bare[..bare.len().min(5)]
    );
}
