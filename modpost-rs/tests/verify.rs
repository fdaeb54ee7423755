//! `modpost-rs verify` on real trees: the fixture kernel build (hard-link copies, files that a
//! case changes are replaced by new files, never written through a link), its modules given
//! `.kallsyms_paths` by `modpost-rs ko-paths`, and a vmlinux built with source paths.
// Test code: a panic is how a test reports a failure.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use std::path::{Path, PathBuf};
use std::process::Command;

/// `modpost-rs verify ARGS...` run in `cwd`.
fn verify(args: &[&str], cwd: &Path) -> Run {
    let mut all = vec!["verify"];
    all.extend_from_slice(args);
    run(&modpost_rs(), &all, cwd)
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Replace `path` (possibly a hard link into the fixture) with a new file holding `data`.
fn replace(path: &Path, data: &[u8]) {
    let _ = std::fs::remove_file(path);
    std::fs::write(path, data).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
}

/// A hard-link copy of the fixture build at `<scratch>/build`.
fn fixture_copy(scratch: &Scratch) -> PathBuf {
    let tree = scratch.path().join("build");
    link_copy(&build_dir(), &tree);
    tree
}

/// Turn CONFIG_KALLSYMS_PATHS on in the tree's `.config` (a new file).
fn enable_paths_config(tree: &Path) {
    let mut config = std::fs::read(tree.join(".config")).expect(".config");
    config.extend_from_slice(b"CONFIG_KALLSYMS_PATHS=y\n");
    replace(&tree.join(".config"), &config);
}

/// A build tree with source paths on and every module given a fresh, complete
/// `.kallsyms_paths` by `modpost-rs ko-paths` (which writes new files, so the fixture is not
/// touched). Its vmlinux has no paths, so it is removed unless the case brings its own.
fn paths_tree(scratch: &Scratch) -> PathBuf {
    let tree = fixture_copy(scratch);
    enable_paths_config(&tree);
    let args = ko_paths_args(&oracle(), &modules_of(&tree));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let r = run(&modpost_rs(), &args, &tree);
    assert_eq!(r.code, 0, "ko-paths failed: {}", text(&r.stderr));
    std::fs::remove_file(tree.join("vmlinux")).unwrap();
    tree
}

/// The summary line and the problem lines of a text-mode run.
fn problem_lines(r: &Run) -> Vec<String> {
    let out = text(&r.stdout);
    let mut lines: Vec<String> = out.lines().map(str::to_string).collect();
    let summary = lines.pop().expect("no summary line");
    assert!(
        summary.starts_with("modpost-rs verify: "),
        "last line is not the summary: {summary}"
    );
    lines
}

/// Run python3 on the `--json` output: it must parse; returns what `script` prints.
fn json_query(json: &[u8], script: &str) -> String {
    let mut child = Command::new("python3")
        .arg("-c")
        .arg(format!("import json,sys\nd=json.load(sys.stdin)\n{script}"))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("python3 (needed to check the JSON output)");
    use std::io::Write;
    child.stdin.take().unwrap().write_all(json).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "the --json output does not parse: {}\n{}",
        text(&out.stderr),
        text(json)
    );
    text(&out.stdout).trim().to_string()
}

/// The summary line of a clean run over `tree` with `vmlinux` images.
fn clean_summary(tree: &Path, vmlinux: usize) -> String {
    format!(
        "modpost-rs verify: {} modules, 0 with problems, {vmlinux} vmlinux, 0 problems\n",
        modules_of(tree).len()
    )
}

#[test]
fn good_trees_pass() {
    let scratch = Scratch::new("verify-good");
    let tree = paths_tree(&scratch);
    let r = verify(&["build"], scratch.path());
    assert_eq!(r.code, 0, "{}{}", r.out(), r.err());
    assert_eq!(r.out(), clean_summary(&tree, 0));
    // An install-style tree (modules only) passes too.
    let r = verify(&[tree.join("lib").to_str().unwrap()], scratch.path());
    assert_eq!(r.code, 0, "{}", r.out());

    // The fixture as built (paths off): modules without sections are fine, and the vmlinux
    // tables decode without a problem. verify only reads, so the fixture itself is the tree.
    let r = verify(&[build_dir().to_str().unwrap()], scratch.path());
    assert_eq!(r.code, 0, "{}{}", r.out(), r.err());
    assert_eq!(r.out(), clean_summary(&build_dir(), 1));
}

#[test]
fn the_paths_kernel_passes() {
    // The kernel built with CONFIG_KALLSYMS_PATHS=y by Kbuild with both Rust tools: every
    // module got its section from Makefile.modfinal, vmlinux its path side table from
    // link-vmlinux.sh.
    let build = paths_kernel().build;
    let r = verify(&[build.to_str().unwrap()], &build);
    assert_eq!(r.code, 0, "{}{}", r.out(), r.err());
    assert_eq!(r.out(), clean_summary(&build, 1));
    // modpost-rs also matches the C modpost on this (differently configured) build.
    let scratch = Scratch::new("verify-kbuild");
    let tree = scratch.path().join("build");
    link_copy(&build, &tree);
    let c = c_modpost();
    let r = verify(&["--against", c.to_str().unwrap(), "build"], scratch.path());
    assert_eq!(r.code, 0, "{}{}", r.out(), r.err());
}

#[test]
fn missing_section_is_reported() {
    let scratch = Scratch::new("verify-missing");
    let tree = paths_tree(&scratch);
    let ko = tree.join("lib/crc32.ko");
    let out = scratch.path().join("crc32-nopaths.ko");
    let st = Command::new("objcopy")
        .arg("--remove-section=.kallsyms_paths")
        .arg(&ko)
        .arg(&out)
        .status()
        .expect("objcopy");
    assert!(st.success());
    replace(&ko, &std::fs::read(&out).unwrap());
    let r = verify(&["build"], scratch.path());
    assert_eq!(r.code, 1);
    assert_eq!(
        problem_lines(&r),
        ["build/lib/crc32.ko: built without source paths: no .kallsyms_paths section"]
    );
    let modules = modules_of(&tree).len();
    assert!(text(&r.stdout).ends_with(&format!(
        "{modules} modules, 1 with problems, 0 vmlinux, 1 problems\n"
    )));
    // Paths off: a module without the section is what the build is meant to produce.
    let r = verify(&["--no-paths", "build"], scratch.path());
    assert_eq!(r.code, 0, "{}", text(&r.stdout));
}

#[test]
fn stale_section_is_reported() {
    // `strip --strip-unneeded` (INSTALL_MOD_STRIP without `ko-paths --from`) renumbers the
    // symtab after the section was written.
    let scratch = Scratch::new("verify-stale");
    let tree = paths_tree(&scratch);
    let ko = tree.join("crypto/crypto_hash.ko");
    let out = scratch.path().join("stripped.ko");
    let st = Command::new("strip")
        .arg("--strip-unneeded")
        .arg("-o")
        .arg(&out)
        .arg(&ko)
        .status()
        .expect("strip");
    assert!(st.success());
    replace(&ko, &std::fs::read(&out).unwrap());
    let r = verify(&["--json", "build"], scratch.path());
    assert_eq!(r.code, 1);
    let got = json_query(
        &r.stdout,
        "print([(p['file'], p['kind'], p['detail'].split(':')[0]) for p in d['problems']])",
    );
    assert_eq!(
        got,
        "[('build/crypto/crypto_hash.ko', 'stale', 'stale .kallsyms_paths')]"
    );
    // The same in text form, and it survives --no-paths: a present section must be fresh.
    let r = verify(&["--no-paths", "build"], scratch.path());
    assert_eq!(r.code, 1);
    let lines = problem_lines(&r);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(
        lines[0].starts_with("build/crypto/crypto_hash.ko: stale .kallsyms_paths: made for "),
        "{lines:?}"
    );
}

#[test]
fn modules_built_without_paths_are_reported_as_such() {
    // The fixture modules have no section; with the option on, each is "built without source
    // paths", never "stale". The vmlinux (C kallsyms: no side table) is reported too.
    let scratch = Scratch::new("verify-nopaths");
    let tree = fixture_copy(&scratch);
    enable_paths_config(&tree);
    let n = modules_of(&tree).len();
    assert!(n > 50, "only {n} fixture modules");
    let r = verify(&["--json", "build"], scratch.path());
    assert_eq!(r.code, 1);
    let got = json_query(
        &r.stdout,
        "c=d['counts']; print(c['modules'], c['modules_with_problems'], sorted(c['by_kind'].items()), \
         len([p for p in d['problems'] if p['kind']=='built-without-paths' and p['file'].endswith('.ko')]))",
    );
    assert_eq!(
        got,
        format!("{n} {n} [('built-without-paths', {n}), ('no-path', 1)] {n}")
    );
}

#[test]
fn vmlinux_without_a_side_table_while_paths_on_is_reported() {
    // The fixture's vmlinux (the C kallsyms wrote no path side table) with --paths forced.
    let scratch = Scratch::new("verify-no-table");
    let r = verify(&["--paths", build_dir().to_str().unwrap()], scratch.path());
    assert_eq!(r.code, 1);
    let vmlinux = format!("{}/vmlinux: ", build_dir().display());
    let lines: Vec<String> = problem_lines(&r)
        .into_iter()
        .filter_map(|l| l.strip_prefix(&vmlinux).map(str::to_string))
        .collect();
    assert_eq!(
        lines,
        ["no path side table (kallsyms_path_num_runs) although --paths"]
    );
    // The same from the tree's .config.
    let tree = fixture_copy(&scratch);
    enable_paths_config(&tree);
    std::fs::remove_dir_all(tree.join("lib")).unwrap();
    let r = verify(&["build"], scratch.path());
    assert!(
        problem_lines(&r).contains(
            &"build/vmlinux: no path side table (kallsyms_path_num_runs) although \
              CONFIG_KALLSYMS_PATHS=y in build/.config"
                .to_string()
        ),
        "{}",
        r.out()
    );
}

/// The paths kernel's vmlinux, its decoded tables, and the file offsets of two path tables.
struct PathsImage {
    image: Vec<u8>,
    decoded: kpaths::kallsyms::tables::Decoded,
    run_start_at: usize,
    run_path_at: usize,
}

fn paths_image() -> PathsImage {
    use kpaths::kallsyms::{image, tables};
    let image = std::fs::read(paths_kernel().build.join("vmlinux")).unwrap();
    let decoded = {
        let file = kpaths::elf::ElfFile::parse(&image).unwrap();
        let raw = image::find_tables(&file).unwrap().expect("kallsyms tables");
        let parsed = tables::parse(&raw).unwrap();
        let kinds: Vec<u8> = parsed.entries.iter().map(|e| e.kind).collect();
        let mode =
            tables::detect_mode(&parsed.offsets, &kinds).unwrap_or(tables::OffsetMode::Relative);
        tables::finish(&raw, parsed, mode)
    };
    assert!(decoded.problems.is_empty(), "{:?}", decoded.problems);
    assert!(
        decoded.paths.is_some(),
        "the paths kernel has no side table"
    );
    PathsImage {
        run_start_at: symbol_file_offset(&image, "kallsyms_path_run_start"),
        run_path_at: symbol_file_offset(&image, "kallsyms_path_run_path"),
        image,
        decoded,
    }
}

/// `verify --paths` on a directory holding only `vmlinux` = `image`; its problem lines with
/// the `vmlinux: ` prefix removed.
fn verify_image(scratch: &Scratch, image: &[u8]) -> Vec<String> {
    let dir = scratch.path().join("image");
    std::fs::create_dir_all(&dir).unwrap();
    replace(&dir.join("vmlinux"), image);
    let r = verify(&["--paths", "image"], scratch.path());
    assert_eq!(r.code, 1, "{}{}", r.out(), r.err());
    problem_lines(&r)
        .into_iter()
        .map(|l| l.strip_prefix("image/vmlinux: ").unwrap_or(&l).to_string())
        .collect()
}

#[test]
fn side_table_symbols_without_a_path_are_reported() {
    // One run of the paths kernel's side table loses its path (id 0): exactly its symbols are
    // reported, counted and the first 50 listed by name.
    let p = paths_image();
    let table = p.decoded.paths.as_ref().unwrap();
    let k = (1..table.run_start.len() - 1)
        .find(|&k| table.run_start[k + 1] - table.run_start[k] > 60)
        .expect("a run of more than 60 symbols");
    let (first, end) = (table.run_start[k] as usize, table.run_start[k + 1] as usize);
    let mut image = p.image.clone();
    put_u16(&mut image, p.run_path_at + 2 * k, 0);
    let lines = verify_image(&Scratch::new("verify-no-path"), &image);
    let total = p.decoded.symbols.len();
    assert_eq!(
        lines[0],
        format!(
            "{} of {total} kallsyms symbols have no path (--paths); the first 50 follow",
            end - first
        )
    );
    let named: Vec<&String> = lines
        .iter()
        .filter(|l| l.ends_with(") has no path"))
        .collect();
    assert_eq!(named.len(), 50, "{lines:?}");
    let first_name = String::from_utf8_lossy(&p.decoded.symbols[first].name).into_owned();
    assert!(
        named[0].starts_with(&format!("symbol '{first_name}' (")),
        "{}",
        named[0]
    );
}

#[test]
fn prefix_symbol_with_another_path_than_its_function_is_reported() {
    // Move the start of a run that begins with a prefix symbol one symbol later: the prefix
    // symbol then gets the previous run's path while its function keeps the right one.
    let p = paths_image();
    let table = p.decoded.paths.as_ref().unwrap();
    let name = |i: usize| String::from_utf8_lossy(&p.decoded.symbols[i].name).into_owned();
    let k = (1..table.run_start.len() - 1)
        .find(|&k| {
            let i = table.run_start[k] as usize;
            name(i).starts_with("__pfx_")
                && table.run_start[k + 1] as usize > i + 1
                && name(i + 1) == name(i)["__pfx_".len()..]
                && table.run_path[k] != table.run_path[k - 1]
        })
        .expect("a run that starts with __pfx_X, X");
    let i = table.run_start[k] as usize;
    let path =
        |k: usize| String::from_utf8_lossy(&table.paths[table.run_path[k] as usize]).into_owned();
    let mut image = p.image.clone();
    put_u32(&mut image, p.run_start_at + 4 * k, i as u32 + 1);
    let lines = verify_image(&Scratch::new("verify-wrong-path"), &image);
    assert_eq!(
        lines,
        [
            "1 prefix symbols have another path than the function they precede".to_string(),
            format!(
                "symbol '{}' ({:016x} {}) has path {}, its function '{}' ({:016x} {}) has {}",
                name(i),
                p.decoded.symbols[i].addr,
                char::from(p.decoded.symbols[i].kind),
                path(k - 1),
                name(i + 1),
                p.decoded.symbols[i + 1].addr,
                char::from(p.decoded.symbols[i + 1].kind),
                path(k)
            )
        ]
    );
}

/// File offset of the symbol `name` in a 64-bit ELF vmlinux.
fn symbol_file_offset(data: &[u8], name: &str) -> usize {
    use object::{Object, ObjectSection, ObjectSymbol};
    let file = object::File::parse(data).expect("parse vmlinux");
    let sym = file
        .symbols()
        .find(|s| s.name() == Ok(name))
        .unwrap_or_else(|| panic!("no {name} in vmlinux"));
    let section = file
        .section_by_index(sym.section_index().expect("section"))
        .unwrap();
    let (start, _) = section.file_range().expect("file range");
    (start + sym.address() - section.address()) as usize
}

#[test]
fn inconsistent_kallsyms_tables_are_reported() {
    let scratch = Scratch::new("verify-tables");
    let tree = fixture_copy(&scratch);
    let mut image = std::fs::read(tree.join("vmlinux")).unwrap();
    // kallsyms_markers[1]: the offset of name entry 256 in kallsyms_names, moved by one byte.
    let at = symbol_file_offset(&image, "kallsyms_markers") + 4;
    let marker = u32::from_le_bytes(image[at..at + 4].try_into().unwrap());
    image[at..at + 4].copy_from_slice(&(marker + 1).to_le_bytes());
    replace(&tree.join("vmlinux"), &image);
    let r = verify(&["--json", "build"], scratch.path());
    assert_eq!(r.code, 1, "{}", text(&r.stdout));
    let got = json_query(
        &r.stdout,
        "print(set((p['file'], p['kind']) for p in d['problems']), any('marker' in p['detail'] for p in d['problems']))",
    );
    assert_eq!(got, "{('build/vmlinux', 'kallsyms-tables')} True");
}

/// (inode, size, mtime) of every entry under `root`: what writing into the tree would change.
fn snapshot(root: &Path) -> std::collections::BTreeMap<PathBuf, (u64, u64, i64, i64)> {
    use std::os::unix::fs::MetadataExt;
    let mut out = std::collections::BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            let m = std::fs::symlink_metadata(&p).unwrap();
            if m.is_dir() {
                stack.push(p.clone());
            }
            out.insert(p, (m.ino(), m.len(), m.mtime(), m.mtime_nsec()));
        }
    }
    out
}

#[test]
fn against_the_c_modpost() {
    let c = c_modpost();
    let scratch = Scratch::new("verify-against");
    let tree = fixture_copy(&scratch);
    let before = snapshot(&tree);

    // The same tool both ways: clean.
    let r = verify(
        &["--no-paths", "--against", c.to_str().unwrap(), "build"],
        scratch.path(),
    );
    assert_eq!(r.code, 0, "{}{}", text(&r.stdout), text(&r.stderr));
    assert!(text(&r.stdout).ends_with("compared with the C modpost, 0 problems\n"));

    // A "C modpost" that writes one byte more into one .mod.c and one stderr line more.
    let wrapper = scratch.path().join("modpost-plus-a-byte.sh");
    std::fs::write(
        &wrapper,
        format!(
            "#!/bin/sh\n'{}' \"$@\"\nrc=$?\nprintf x >> lib/crc32.mod.c\necho extra >&2\nexit $rc\n",
            c.display()
        ),
    )
    .unwrap();
    let st = Command::new("chmod")
        .arg("+x")
        .arg(&wrapper)
        .status()
        .unwrap();
    assert!(st.success());
    let r = verify(
        &[
            "--no-paths",
            "--against",
            wrapper.to_str().unwrap(),
            "build",
        ],
        scratch.path(),
    );
    assert_eq!(r.code, 1);
    let lines = problem_lines(&r);
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert_eq!(
        lines[0],
        "build/.Module.symvers.cmd: modpost stderr differs at line 1: C has \"extra\", modpost-rs has <end of file>"
    );
    assert!(
        lines[1].starts_with("build/lib/crc32.mod.c: differs from the C modpost's at line ")
            && lines[1].ends_with(": C has \"x\", modpost-rs has <end of file>"),
        "{lines:?}"
    );
    // The tree itself was only read.
    assert!(
        snapshot(&tree) == before,
        "verify --against changed the tree"
    );

    // No recorded command: the comparison cannot run, which is a problem, not a pass.
    std::fs::remove_file(tree.join(".Module.symvers.cmd")).unwrap();
    let r = verify(
        &[
            "--json",
            "--no-paths",
            "--against",
            c.to_str().unwrap(),
            "build",
        ],
        scratch.path(),
    );
    assert_eq!(r.code, 1);
    let got = json_query(
        &r.stdout,
        "print([(p['file'], p['kind']) for p in d['problems']])",
    );
    assert_eq!(got, "[('build/.Module.symvers.cmd', 'against-failed')]");

    // An external module's command ran in the kernel build directory: refused, with the reason.
    let kotest = oracle().kotest();
    let r = verify(
        &[
            "--no-paths",
            "--against",
            c.to_str().unwrap(),
            kotest.to_str().unwrap(),
        ],
        scratch.path(),
    );
    assert_eq!(r.code, 1);
    let lines = problem_lines(&r);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(
        lines[0].starts_with(&format!("{}/.Module.symvers.cmd: ", kotest.display()))
            && lines[0].contains("(an external-module build); --against needs a kernel build tree"),
        "{lines:?}"
    );
}

#[test]
fn json_output_parses_and_counts() {
    let scratch = Scratch::new("verify-json");
    paths_tree(&scratch);
    let r = verify(&["--json", "build"], scratch.path());
    assert_eq!(r.code, 0);
    let got = json_query(
        &r.stdout,
        "print(d['ok'], d['trees'], d['problems'], d['counts'])",
    );
    assert_eq!(
        got,
        format!(
            "True ['build'] [] {{'modules': {}, 'modules_with_problems': 0, 'vmlinux': 0, \
             'compared_with_c': 0, 'problems': 0, 'by_kind': {{}}}}",
            modules_of(&scratch.path().join("build")).len()
        )
    );
}

#[test]
fn usage_errors_exit_2() {
    let scratch = Scratch::new("verify-usage");
    for args in [
        &[][..],
        &["--bogus", "."][..],
        &["--against"][..],
        &["--json"][..],
        &["/nonexistent/tree"][..],
    ] {
        let r = verify(args, scratch.path());
        assert_eq!(r.code, 2, "{args:?}: {}", text(&r.stderr));
        assert!(
            text(&r.stderr).starts_with("modpost-rs verify: "),
            "{args:?}: {}",
            text(&r.stderr)
        );
        assert!(r.stdout.is_empty(), "{args:?}");
    }
}
