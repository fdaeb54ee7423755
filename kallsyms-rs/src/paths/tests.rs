//! Resolution tests on the real fixture kernel build (differential against what the objects
//! themselves define) and on small synthetic cases.

use std::collections::HashMap;
use std::path::PathBuf;

use kpaths::manifest::build_archive_manifest;
use kpaths::manifest::Manifest;
use kpaths::manifest::ManifestSymbol;
use kpaths::testkit;
use kpaths::tree::Trees;

use super::report::duplicates_report;
use super::*;

/// The C oracle's O= build directory.
fn fixture_build() -> PathBuf {
    testkit::oracle().build
}

struct FixtureRun {
    syms_data: Vec<u8>,
    resolution: Resolution,
    manifest: Manifest,
}

fn run_fixture(pass: &str) -> FixtureRun {
    let build = fixture_build();
    let trees = Trees::new(&testkit::oracle().src, &build, None).unwrap();
    let mut warnings = Vec::new();
    let manifest = build_archive_manifest(
        &trees,
        std::path::Path::new("vmlinux.a"),
        &[],
        &mut warnings,
    )
    .unwrap();
    assert!(warnings.is_empty(), "{warnings:?}");
    // Tests run in parallel and several use the same pass: one directory per call.
    static CALLS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let call = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir =
        std::env::temp_dir().join(format!("vmpaths-test-{}-{pass}-{call}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mpath = dir.join("vmlinux.a.manifest");
    std::fs::write(&mpath, manifest.to_bytes().unwrap()).unwrap();
    let opts = PathOptions {
        image: build.join(format!(".tmp_vmlinux{pass}")),
        manifests: vec![mpath],
        objects: vec![
            LooseObject {
                object: ".vmlinux.export.o".into(),
                path: None,
            },
            LooseObject {
                object: "init/version-timestamp.o".into(),
                path: None,
            },
            LooseObject {
                object: format!(
                    ".tmp_vmlinux{}.kallsyms.o",
                    pass.parse::<u32>().unwrap() - 1
                )
                .into(),
                path: Some("kernel/kallsyms_internal.h".into()),
            },
        ],
        linker_script_path: Some("arch/x86/kernel/vmlinux.lds.S".into()),
        trees,
    };
    let syms_data = std::fs::read(build.join(format!(".tmp_vmlinux{pass}.syms"))).unwrap();
    let syms = parse_syms(&syms_data);
    let resolution = resolve(&opts, &syms).unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    FixtureRun {
        syms_data,
        resolution,
        manifest,
    }
}

fn path_of<'a>(syms: &[InputSymbol<'_>], r: &'a Resolution, name: &str) -> Vec<&'a str> {
    syms.iter()
        .zip(&r.paths)
        .filter(|(s, _)| s.name == name.as_bytes())
        .map(|(_, p)| p.as_deref().unwrap_or("<none>"))
        .collect()
}

#[test]
fn fixture_every_symbol_has_a_path() {
    let run = run_fixture("1");
    let syms = parse_syms(&run.syms_data);
    let prefixes = syms
        .iter()
        .filter(|s| s.name.starts_with(b"__pfx_"))
        .count();
    assert!(
        syms.len() > 30000,
        "{} lines in .tmp_vmlinux1.syms",
        syms.len()
    );
    assert!(
        prefixes > 10000,
        "the fixture has CONFIG_PREFIX_SYMBOLS: {prefixes} __pfx_ symbols"
    );
    let (report, counts) = duplicates_report(&syms, &run.resolution);
    // The full report is kept for the developer; it is not part of the check.
    let report_path = std::env::temp_dir().join("vmpaths-report-tmp_vmlinux1.txt");
    let _ = std::fs::write(&report_path, &report);
    eprintln!("{}", report.lines().take(6).collect::<Vec<_>>().join("\n"));
    eprintln!("full report: {}", report_path.display());
    assert!(
        run.resolution.diagnostics.is_empty(),
        "{:#?}",
        run.resolution.diagnostics
    );
    assert_eq!(
        counts.with_path, counts.symbols,
        "symbols without a path:\n{report}"
    );

    // Spot checks across the rules.
    assert_eq!(
        path_of(&syms, &run.resolution, "dump_stack_lvl"),
        ["lib/dump_stack.c"]
    );
    assert_eq!(
        path_of(&syms, &run.resolution, "copy_process"),
        ["kernel/fork.c"]
    );
    assert_eq!(
        path_of(&syms, &run.resolution, "ret_from_fork_asm"),
        ["arch/x86/entry/entry_64.S"]
    );
    assert_eq!(
        path_of(&syms, &run.resolution, "_text"),
        ["arch/x86/kernel/vmlinux.lds.S"]
    );
    assert_eq!(
        path_of(&syms, &run.resolution, "kallsyms_names"),
        ["kernel/kallsyms_internal.h"]
    );
    assert_eq!(
        path_of(&syms, &run.resolution, "vdso_image_64"),
        ["arch/x86/entry/vdso/vdso-image-64.c"],
        "a generated source gets its objtree-relative path"
    );
    assert_eq!(
        path_of(&syms, &run.resolution, "linux_banner"),
        ["init/version-timestamp.c"]
    );
    // objtool made the prefix symbols in vmlinux.o: each has its function's path, not the
    // linker script's
    assert_eq!(
        path_of(&syms, &run.resolution, "__pfx_dump_stack_lvl"),
        ["lib/dump_stack.c"]
    );
    assert_eq!(
        path_of(&syms, &run.resolution, "__pfx_copy_process"),
        ["kernel/fork.c"]
    );
}

/// Every `__pfx_<f>` has the path of `<f>`, the next symbol of that name.
#[test]
fn fixture_prefix_symbols_take_their_functions_path() {
    let run = run_fixture("1");
    let syms = parse_syms(&run.syms_data);
    let mut checked = 0;
    for (i, s) in syms.iter().enumerate() {
        let Some(f) = kpaths::elf::prefixed_name(s.name) else {
            continue;
        };
        let Some(j) = (0..syms.len())
            .filter(|&j| syms[j].name == f && syms[j].address > s.address)
            .min_by_key(|&j| syms[j].address)
        else {
            continue;
        };
        assert_eq!(
            run.resolution.paths[i],
            run.resolution.paths[j],
            "{} at {:#x}",
            String::from_utf8_lossy(s.name),
            s.address
        );
        assert!(run.resolution.paths[i].is_ok());
        checked += 1;
    }
    assert!(checked > 10000, "{checked}");
}

/// Differential check against the objects themselves: a name defined by exactly one object of
/// vmlinux.a (as local or global) must get that object's source; a name defined by several
/// must get the source of one of the objects that define it with the same binding class.
#[test]
fn fixture_paths_agree_with_the_defining_objects() {
    let run = run_fixture("1");
    let syms = parse_syms(&run.syms_data);
    let mut definers: HashMap<(&[u8], bool), Vec<&str>> = HashMap::new();
    let mut weak: std::collections::HashSet<&[u8]> = Default::default();
    for obj in &run.manifest.objects {
        let src = obj.source.as_deref().unwrap_or("<none>");
        for s in &obj.symbols {
            if let ManifestSymbol::Defined { type_char, name } = s {
                definers
                    .entry((name, ManifestSymbol::is_local(*type_char)))
                    .or_default()
                    .push(src);
                if ManifestSymbol::is_weak(*type_char) {
                    weak.insert(name);
                }
            }
        }
    }
    let mut checked_unique = 0;
    let mut checked_dups = 0;
    for (s, p) in syms.iter().zip(&run.resolution.paths) {
        let local = s.type_char.is_ascii_lowercase() && s.type_char != b'u';
        let Some(defs) = definers.get(&(s.name, local)) else {
            continue;
        };
        if weak.contains(s.name) {
            // A weak definition in vmlinux.a may be overridden by a loose object (linux_banner:
            // weak in init/version.c, strong in init/version-timestamp.c); checked by name below.
            continue;
        }
        let p = p.as_deref().unwrap_or("<none>");
        if defs.len() == 1 {
            assert_eq!(p, defs[0], "{}", String::from_utf8_lossy(s.name));
            checked_unique += 1;
        } else {
            assert!(
                defs.contains(&p),
                "{} -> {p}, defined in {defs:?}",
                String::from_utf8_lossy(s.name)
            );
            checked_dups += 1;
        }
    }
    eprintln!("unique names checked: {checked_unique}, duplicated names checked: {checked_dups}");
    assert!(checked_unique > 20000, "{checked_unique}");
    assert!(checked_dups > 100, "{checked_dups}");
}

/// Duplicated statics are told apart: every (path, name, address) triple of a local symbol
/// that occurs in several files gets distinct paths, except for the reported collisions.
#[test]
fn fixture_duplicate_report() {
    let run = run_fixture("1");
    let syms = parse_syms(&run.syms_data);
    let (report, counts) = duplicates_report(&syms, &run.resolution);
    assert!(counts.duplicate_names > 0);
    assert!(
        counts.duplicate_qualified < counts.duplicate_names,
        "{report}"
    );
    // `__initcall__...` style names never collide; a known static duplicate does not either.
    let ps = path_of(&syms, &run.resolution, "cpu_show");
    if ps.len() > 1 {
        let mut uniq = ps.clone();
        uniq.sort();
        uniq.dedup();
        assert_eq!(uniq.len(), ps.len(), "{ps:?}");
    }
}

#[test]
fn syms_lines_parse() {
    let s = parse_syms(b"ffffffff81000000 T _text\n0000000000000000 D __per_cpu_start\nbad\n");
    assert_eq!(s.len(), 2);
    assert_eq!(
        s[0],
        InputSymbol {
            address: 0xffffffff81000000,
            type_char: b'T',
            name: b"_text"
        }
    );
}

fn sh(cmd: &str, dir: &std::path::Path) {
    let st = std::process::Command::new("sh")
        .arg("-c")
        .arg(cmd)
        .current_dir(dir)
        .status()
        .expect("cannot run sh");
    assert!(st.success(), "failed: {cmd}");
}

/// Compiles each of `sources` (under testdata/vmpaths, `src`) to the object of the same index
/// in `objects` (under `obj`) with `cc` (a command with its flags), and writes the object's
/// `.cmd` file naming its source, as Kbuild does.
fn compile_objects(
    src: &std::path::Path,
    obj: &std::path::Path,
    cc: &str,
    objects: &[&str],
    sources: &[&str],
) {
    for (o, s) in objects.iter().zip(sources) {
        let dir = obj.join(o).parent().unwrap().to_path_buf();
        std::fs::create_dir_all(&dir).unwrap();
        sh(&format!("{cc} -c -o {o} {}", src.join(s).display()), obj);
        let base = o.rsplit('/').next().unwrap();
        std::fs::write(
            dir.join(format!(".{base}.cmd")),
            format!(
                "savedcmd_{o} := gcc\n\nsource_{o} := {}\n",
                src.join(s).display()
            ),
        )
        .unwrap();
    }
}

/// Compiles testdata/vmpaths into a scratch objtree and resolves a linked image of it.
#[test]
fn synthetic_image() {
    let src = std::fs::canonicalize(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../testdata/vmpaths"),
    )
    .unwrap();
    let obj = std::env::temp_dir().join(format!("vmpaths-synth-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&obj);
    let objects = ["a/dup.o", "b/dup.o", "c/dup.o", "d/strong.o", "e/asm.o"];
    let sources = ["a/dup.c", "b/dup.c", "c/dup.c", "d/strong.c", "e/asm.S"];
    compile_objects(&src, &obj, "gcc -O2 -fno-pic", &objects, &sources);
    // A thin archive like Kbuild's, a regular one without a manifest (tolerated input).
    sh(&format!("ar cDPrST built-in.a {}", objects.join(" ")), &obj);
    sh("ar rcs libother.a d/strong.o", &obj);
    let trees = Trees::new(&src, &obj, None).unwrap();
    let mut warnings = Vec::new();
    let manifest = build_archive_manifest(
        &trees,
        std::path::Path::new("built-in.a"),
        &[PathBuf::from("libother.a")],
        &mut warnings,
    )
    .unwrap();
    assert!(warnings.is_empty(), "{warnings:?}");
    let srcs: Vec<_> = manifest
        .objects
        .iter()
        .map(|o| o.source.clone().unwrap())
        .collect();
    assert_eq!(srcs, sources, "srctree-relative sources in archive order");
    std::fs::write(
        obj.join("built-in.a.manifest"),
        manifest.to_bytes().unwrap(),
    )
    .unwrap();

    // Nesting: ar flattens a thin archive given to another thin archive, and the outer
    // manifest copies the inner one's entries (a marker source proves they are not re-read).
    let sub = obj.join("sub");
    std::fs::create_dir_all(&sub).unwrap();
    sh(
        "ar cDPrST sub/inner.a a/dup.o b/dup.o && ar cDPrST top.a sub/inner.a e/asm.o",
        &obj,
    );
    let mut marked = Manifest {
        objects: manifest.objects[..2].to_vec(),
    };
    marked.objects[0].source = Some("marker/from-sub-manifest.c".into());
    std::fs::write(sub.join("inner.a.manifest"), marked.to_bytes().unwrap()).unwrap();
    let top = build_archive_manifest(
        &trees,
        std::path::Path::new("top.a"),
        &[PathBuf::from("sub/inner.a"), PathBuf::from("e/asm.o")],
        &mut warnings,
    )
    .unwrap();
    let names: Vec<_> = top.objects.iter().map(|o| o.object.as_str()).collect();
    assert_eq!(
        names,
        ["a/dup.o", "b/dup.o", "e/asm.o"],
        "flattened, in archive order"
    );
    assert_eq!(
        top.objects[0].source.as_deref(),
        Some("marker/from-sub-manifest.c")
    );
    assert_eq!(top.objects[1], manifest.objects[1]);
    assert_eq!(
        top.objects[2], manifest.objects[4],
        "read directly: not in a sub-manifest"
    );
    // A regular archive without a manifest as the archive itself works too.
    let regular = build_archive_manifest(
        &trees,
        std::path::Path::new("libother.a"),
        &[],
        &mut warnings,
    )
    .unwrap();
    // A regular archive stores the base name only (`strong.o`), so no `.cmd` file is found:
    // the member is described from the archive's own bytes, without a source path.
    assert_eq!(regular.objects.len(), 1);
    assert_eq!(regular.objects[0].object, "strong.o");
    assert_eq!(regular.objects[0].source, None);
    assert!(regular.objects[0].symbols.iter().any(
        |s| matches!(s, ManifestSymbol::Defined { type_char: b'T', name } if name == b"weakfn")
    ));

    // objtool's part, played by objcopy: prefix symbols added to vmlinux.o right before the
    // functions they pad, after the archive and its manifest were made, a global one (the
    // function's binding) and a local one
    sh(
        "ld -r -o vmlinux.o --whole-archive built-in.a --no-whole-archive && \
         a=$(nm vmlinux.o | awk '$3 == \"a_entry\" { print $1 }') && \
         c=$(nm vmlinux.o | awk '$3 == \"only_in_c\" { print $1 }') && \
         objcopy --add-symbol __pfx_a_entry=.text:0x$(printf %x $((0x$a - 1))),global,function \
                 --add-symbol __pfx_only_in_c=.text:0x$(printf %x $((0x$c - 1))),local,function \
                 vmlinux.o && \
         ld -e asm_entry -o image vmlinux.o && nm -n image > image.syms",
        &obj,
    );
    let syms_data = std::fs::read(obj.join("image.syms")).unwrap();
    let syms: Vec<_> = parse_syms(&syms_data);
    let opts = PathOptions {
        image: obj.join("image"),
        manifests: vec![obj.join("built-in.a.manifest")],
        objects: vec![],
        linker_script_path: Some("ld-default.lds".into()),
        trees,
    };
    let r = resolve(&opts, &syms).unwrap();
    let p = |name: &str| path_of(&syms, &r, name);
    assert_eq!(p("a_entry"), ["a/dup.c"]);
    assert_eq!(p("b_entry"), ["b/dup.c"]);
    assert_eq!(p("only_in_c"), ["c/dup.c"]);
    assert_eq!(p("weakfn"), ["d/strong.c"], "strong beats weak");
    assert_eq!(
        p("local_asm"),
        ["e/asm.S"],
        "ld's synthesised STT_FILE for assembly"
    );
    assert_eq!(p("asm_entry"), ["e/asm.S"]);
    assert_eq!(p("_end"), ["ld-default.lds"], "linker-generated");
    assert_eq!(
        p("__pfx_a_entry"),
        ["a/dup.c"],
        "a prefix symbol takes its function's path"
    );
    assert_eq!(p("__pfx_only_in_c"), ["c/dup.c"]);
    // The two `helper`s: reported with both candidates, never guessed.
    let helpers: Vec<_> = syms
        .iter()
        .zip(&r.paths)
        .filter(|(s, _)| s.name == b"helper")
        .collect();
    assert_eq!(helpers.len(), 2);
    for (_, res) in helpers {
        match res {
            Err(NoPath::Ambiguous(c)) => {
                assert!(c.iter().any(|c| c.contains("a/dup.c")), "{c:?}");
                assert!(c.iter().any(|c| c.contains("b/dup.c")), "{c:?}");
            }
            other => panic!("helper: expected an ambiguity, got {other:?}"),
        }
    }
    assert!(
        r.diagnostics
            .iter()
            .any(|d| d.contains("a/dup.o (a/dup.c)") && d.contains("b/dup.o (b/dup.c)")),
        "{:#?}",
        r.diagnostics
    );
    let (report, counts) = duplicates_report(&syms, &r);
    assert_eq!(counts.duplicate_names, 1, "{report}");
    assert!(report.contains("helper: ambiguous"), "{report}");
    let _ = std::fs::remove_dir_all(&obj);
}

/// A 32-bit MIPS image: its `nm` (BFD) prints addresses sign-extended to 64 bits
/// (`ffffffff80100000`) while the symtab holds 32-bit values. The resolver compares them in
/// the image's width (before, no symbol of a mips vmlinux got a path).
#[test]
fn mips32_sign_extended_nm_addresses() {
    let tool = |t: &str| format!("mips-linux-gnu-{t}");
    let have = std::process::Command::new(tool("gcc"))
        .arg("--version")
        .output();
    assert!(
        have.is_ok_and(|o| o.status.success()),
        "{} is missing: apt-get install gcc-mips-linux-gnu (kbuild/test.sh installs it)",
        tool("gcc")
    );
    let src = std::fs::canonicalize(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../testdata/vmpaths"),
    )
    .unwrap();
    let obj = std::env::temp_dir().join(format!("vmpaths-mips32-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&obj);
    let objects = ["c/dup.o", "d/strong.o"];
    let cc = format!("{} -O2 -fno-pic -mno-abicalls", tool("gcc"));
    compile_objects(&src, &obj, &cc, &objects, &["c/dup.c", "d/strong.c"]);
    sh(
        &format!("{} cDPrST built-in.a {}", tool("ar"), objects.join(" ")),
        &obj,
    );
    let trees = Trees::new(&src, &obj, None).unwrap();
    let mut warnings = Vec::new();
    let manifest = build_archive_manifest(
        &trees,
        std::path::Path::new("built-in.a"),
        &[],
        &mut warnings,
    )
    .unwrap();
    assert!(warnings.is_empty(), "{warnings:?}");
    std::fs::write(
        obj.join("built-in.a.manifest"),
        manifest.to_bytes().unwrap(),
    )
    .unwrap();
    sh(
        &format!(
            "{} -e c_entry -Ttext=0x80100000 -o image --whole-archive built-in.a && {} -n image > image.syms",
            tool("ld"),
            tool("nm")
        ),
        &obj,
    );
    let syms_data = std::fs::read(obj.join("image.syms")).unwrap();
    let syms: Vec<_> = parse_syms(&syms_data);
    let c_entry = syms.iter().find(|s| s.name == b"c_entry").unwrap();
    assert_eq!(
        c_entry.address >> 32,
        0xffff_ffff,
        "mips nm no longer sign-extends: {:#x}",
        c_entry.address
    );
    let opts = PathOptions {
        image: obj.join("image"),
        manifests: vec![obj.join("built-in.a.manifest")],
        objects: vec![],
        linker_script_path: Some("ld-default.lds".into()),
        trees,
    };
    let r = resolve(&opts, &syms).unwrap();
    let p = |name: &str| path_of(&syms, &r, name);
    assert_eq!(p("c_entry"), ["c/dup.c"], "global");
    assert_eq!(p("only_in_c"), ["c/dup.c"], "local");
    assert_eq!(p("weakfn"), ["d/strong.c"], "strong beats weak");
    let _ = std::fs::remove_dir_all(&obj);
}
