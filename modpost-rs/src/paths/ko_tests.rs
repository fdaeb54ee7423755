//! Tests of the ko pass: differential checks on the real fixture modules (paths against the
//! member objects, read with binutils' `nm`), byte preservation, idempotence, staleness,
//! strip refresh, and the append on gcc-built objects (64/32-bit, big-endian, SHN_XINDEX).

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use super::*;
use crate::paths::elf::ElfFile;

/// The fixture's WORK directory: `$MODPOST_RS_FIXTURE`, else `WORK=` of `kbuild/oracle.sh env`.
/// Panics (fails the test) with a clear message when the oracle build is missing.
fn fixture_work() -> PathBuf {
    let work = match std::env::var_os("MODPOST_RS_FIXTURE") {
        Some(w) => PathBuf::from(w),
        None => {
            let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
            let out = Command::new("bash")
                .arg("kbuild/oracle.sh")
                .arg("env")
                .current_dir(&root)
                .output()
                .expect("running kbuild/oracle.sh env");
            let text = String::from_utf8_lossy(&out.stdout).into_owned();
            let line = text
                .lines()
                .find_map(|l| l.strip_prefix("WORK="))
                .unwrap_or_else(|| panic!("kbuild/oracle.sh env printed no WORK=: {text}"));
            PathBuf::from(line.trim_matches('\''))
        }
    };
    let build = work.join("build-6.12");
    assert!(
        work.join(".done-build").exists() && build.join("modules.order").exists(),
        "fixture kernel build missing at {} (run kbuild/oracle.sh prepare, or set MODPOST_RS_FIXTURE)",
        work.display()
    );
    work
}

/// Source tree of an O= build directory, from the Makefile Kbuild generates there.
fn srctree_of(build: &Path) -> PathBuf {
    let text = std::fs::read_to_string(build.join("Makefile")).expect("O= Makefile");
    let inc = text
        .lines()
        .find_map(|l| l.strip_prefix("include "))
        .expect("include line in the O= Makefile");
    PathBuf::from(inc.trim().trim_end_matches("/Makefile"))
}

fn fixture_opts(build: &Path) -> KoOptions {
    let trees = Trees::new(&srctree_of(build), build, None).unwrap();
    KoOptions { trees, from: None }
}

fn fixture_modules(build: &Path) -> Vec<PathBuf> {
    std::fs::read_to_string(build.join("modules.order"))
        .unwrap()
        .lines()
        .map(|l| PathBuf::from(l).with_extension("ko"))
        .collect()
}

/// Per-symbol paths decoded from a module's bytes (the section must be fresh).
fn decoded_paths(bytes: &[u8]) -> Vec<(String, u8, Option<String>)> {
    decoded_paths_values(bytes)
        .into_iter()
        .map(|(n, b, _, p)| (n, b, p))
        .collect()
}

/// Like [`decoded_paths`], with each symbol's value.
fn decoded_paths_values(bytes: &[u8]) -> Vec<(String, u8, u64, Option<String>)> {
    let elf = ElfFile::parse(bytes).unwrap();
    let (symtab, section) = read_fresh_section(&elf).unwrap();
    symtab
        .symbols
        .iter()
        .enumerate()
        .map(|(i, s)| {
            (
                String::from_utf8_lossy(s.name).into_owned(),
                s.bind,
                s.value,
                section
                    .path_of(i)
                    .map(|p| String::from_utf8_lossy(p).into_owned()),
            )
        })
        .collect()
}

/// What `nm -a` says an object defines: (locals, strong globals, weak globals).
type NmSymbols = (HashSet<String>, HashSet<String>, HashSet<String>);

fn nm_symbols(object: &Path) -> NmSymbols {
    let out = Command::new("nm")
        .arg("-a")
        .arg(object)
        .output()
        .expect("running nm");
    assert!(out.status.success(), "nm {} failed", object.display());
    let (mut locals, mut strong, mut weak) = (HashSet::new(), HashSet::new(), HashSet::new());
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let fields: Vec<&str> = line.split_whitespace().collect();
        let (kind, name) = match fields.as_slice() {
            [_, k, n] => (*k, *n),
            [k, n] => (*k, *n),
            _ => continue,
        };
        let c = kind.chars().next().unwrap_or('?');
        match c {
            'U' | 'w' | 'v' => {}
            'W' | 'V' => {
                weak.insert(name.to_string());
            }
            c if c.is_ascii_uppercase() => {
                strong.insert(name.to_string());
            }
            _ => {
                locals.insert(name.to_string());
            }
        }
    }
    (locals, strong, weak)
}

/// The `source_` path of an object, read straight from its `.cmd` text.
fn cmd_source(opts: &KoOptions, object: &Path) -> String {
    let cmd = opts.trees.resolve(&srcpath::cmd_file_of(object));
    let text = std::fs::read_to_string(&cmd).unwrap();
    let line = text
        .lines()
        .find(|l| l.starts_with("source_"))
        .expect("source_ line");
    opts.trees
        .display_path(Path::new(line.split(" := ").nth(1).unwrap().trim()))
}

#[test]
fn fixture_paths_agree_with_the_member_objects() {
    let build = fixture_work().join("build-6.12");
    let opts = fixture_opts(&build);
    let mut checked = 0usize;
    let mut multi_object_modules = 0usize;
    for ko in fixture_modules(&build) {
        let data = std::fs::read(build.join(&ko)).unwrap();
        let (out, report) = emit(&opts, &ko, &data).unwrap().unwrap();
        assert!(
            report.unmatched.is_empty(),
            "{}: unmatched {:?}",
            ko.display(),
            report.unmatched
        );
        let inputs = link_inputs(&opts.trees, &ko).unwrap();
        if inputs.len() > 3 {
            multi_object_modules += 1;
        }
        let members: Vec<(String, NmSymbols)> = inputs
            .iter()
            .map(|o| (cmd_source(&opts, o), nm_symbols(&opts.trees.resolve(o))))
            .collect();
        for (name, bind, path) in decoded_paths(&out) {
            let Some(path) = path else { continue };
            checked += 1;
            assert!(
                !path.starts_with('/') && !path.contains(".."),
                "{}: {name}: path {path}",
                ko.display()
            );
            if path == "scripts/module.lds.S" {
                assert!(
                    name.starts_with("__start_") || name.starts_with("__stop_"),
                    "{name}"
                );
                continue;
            }
            let owners: Vec<&String> = members
                .iter()
                .filter(|(_, (l, s, w))| match bind {
                    STB_LOCAL => l.contains(&name),
                    _ => s.contains(&name) || w.contains(&name),
                })
                .map(|(p, _)| p)
                .collect();
            assert!(
                owners.contains(&&path),
                "{}: {name} has path {path}, but it is defined by {owners:?}",
                ko.display()
            );
            // a global has exactly one strong definition, and it is the one named
            if bind != STB_LOCAL {
                let strong: Vec<&String> = members
                    .iter()
                    .filter(|(_, (_, s, _))| s.contains(&name))
                    .map(|(p, _)| p)
                    .collect();
                if !strong.is_empty() {
                    assert_eq!(strong, vec![&path], "{}: {name}", ko.display());
                }
            }
        }
    }
    assert!(checked > 5000, "only {checked} symbols checked");
    assert!(
        multi_object_modules >= 10,
        "only {multi_object_modules} multi-object modules"
    );
}

#[test]
fn fixture_statics_with_one_name_in_several_objects_get_their_own_file() {
    // fat.ko: cache.c and dir.c each have a static __func__.0, and in the .ko they follow
    // their own STT_FILE symbol.
    let build = fixture_work().join("build-6.12");
    let opts = fixture_opts(&build);
    let ko = PathBuf::from("fs/fat/fat.ko");
    let data = std::fs::read(build.join(&ko)).unwrap();
    let (out, _) = emit(&opts, &ko, &data).unwrap().unwrap();
    let decoded = decoded_paths(&out);
    let mut current_file = None;
    let mut seen: HashMap<String, HashSet<String>> = HashMap::new();
    let elf = ElfFile::parse(&out).unwrap();
    let symtab = elf.symtab().unwrap().unwrap();
    for (sym, (name, _, path)) in symtab.symbols.iter().zip(&decoded) {
        if sym.kind == crate::paths::elf::STT_FILE {
            current_file = path.clone();
            let base = Path::new(path.as_deref().unwrap())
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned();
            assert_eq!(
                &base, name,
                "STT_FILE {name} gets a path ending in its own name"
            );
        } else if sym.bind == STB_LOCAL && sym.kind != STT_SECTION && current_file.is_some() {
            assert_eq!(path, &current_file, "local {name} follows its STT_FILE");
            seen.entry(name.clone())
                .or_default()
                .insert(path.clone().unwrap());
        }
    }
    assert!(
        seen.get("__func__.0").is_some_and(|s| s.len() >= 3),
        "{:?}",
        seen.get("__func__.0")
    );
}

#[test]
fn fixture_emission_is_idempotent_and_keeps_every_other_byte() {
    let build = fixture_work().join("build-6.12");
    let opts = fixture_opts(&build);
    for ko in fixture_modules(&build) {
        let data = std::fs::read(build.join(&ko)).unwrap();
        let (once, _) = emit(&opts, &ko, &data).unwrap().unwrap();
        let (twice, _) = emit(&opts, &ko, &once).unwrap().unwrap();
        assert!(
            once == twice,
            "{}: second run changed the bytes",
            ko.display()
        );
        let before = ElfFile::parse(&data).unwrap();
        let after = ElfFile::parse(&once).unwrap();
        assert_eq!(after.sections.len(), before.sections.len() + 1);
        for (i, (b, a)) in before.sections.iter().zip(&after.sections).enumerate() {
            if i == before.shstrndx as usize {
                assert_eq!(a.sh_name, b.sh_name);
                continue;
            }
            assert_eq!(a, b, "{}: section header {i} changed", ko.display());
            assert_eq!(
                before.section_data(i).unwrap(),
                after.section_data(i).unwrap()
            );
        }
        let old_names = before.section_data(before.shstrndx as usize).unwrap();
        let new_names = after.section_data(after.shstrndx as usize).unwrap();
        assert!(new_names.starts_with(old_names));
        // every byte up to the old section-name table is where it was, but e_shoff/e_shnum
        let names_off = before.sections[before.shstrndx as usize].sh_offset as usize;
        assert_eq!(once[64..names_off], data[64..names_off], "{}", ko.display());
    }
}

fn temp_dir(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("modpaths-test-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn fixture_stale_and_missing_sections_are_reported_by_verify() {
    let build = fixture_work().join("build-6.12");
    let opts = fixture_opts(&build);
    let ko = PathBuf::from("lib/crc32.ko");
    let data = std::fs::read(build.join(&ko)).unwrap();
    let (out, _) = emit(&opts, &ko, &data).unwrap().unwrap();
    let dir = temp_dir("stale");
    let good = dir.join("good.ko");
    std::fs::write(&good, &out).unwrap();
    assert_eq!(
        super::super::verify::check_module(&good),
        Vec::<String>::new()
    );

    // one byte of .strtab changes: the CRC no longer matches
    let elf = ElfFile::parse(&out).unwrap();
    let symtab = elf.symtab().unwrap().unwrap();
    let strtab_off = elf.sections[symtab.strtab_index].sh_offset as usize;
    let mut stale = out.clone();
    stale[strtab_off + 1] ^= 0x20;
    let stale_path = dir.join("stale.ko");
    std::fs::write(&stale_path, &stale).unwrap();
    let problems = super::super::verify::check_module(&stale_path);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0].contains("stale .kallsyms_paths"),
        "{problems:?}"
    );

    let missing = dir.join("missing.ko");
    std::fs::write(&missing, &data).unwrap();
    let problems = super::super::verify::check_module(&missing);
    assert!(
        problems[0].ends_with("no .kallsyms_paths section"),
        "{problems:?}"
    );
    assert_eq!(
        super::super::verify::run(&[dir.to_string_lossy().into_owned()]),
        1
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn fixture_strip_then_refresh_carries_the_paths_over() {
    let build = fixture_work().join("build-6.12");
    let opts = fixture_opts(&build);
    let dir = temp_dir("strip");
    for ko in [
        PathBuf::from("fs/fat/fat.ko"),
        PathBuf::from("lib/crc32.ko"),
    ] {
        let data = std::fs::read(build.join(&ko)).unwrap();
        let (built, _) = emit(&opts, &ko, &data).unwrap().unwrap();
        let built_path = dir.join("built.ko");
        let installed = dir.join("installed.ko");
        std::fs::write(&built_path, &built).unwrap();
        std::fs::write(&installed, &built).unwrap();
        let st = Command::new("strip")
            .arg("--strip-debug")
            .arg(&installed)
            .status()
            .unwrap();
        assert!(st.success());
        let stripped = std::fs::read(&installed).unwrap();
        let stripped_elf = ElfFile::parse(&stripped).unwrap();
        assert!(
            read_fresh_section(&stripped_elf).is_err(),
            "strip must leave the section stale"
        );

        let refresh = KoOptions {
            trees: opts.trees.clone(),
            from: Some(built_path.clone()),
        };
        let (fresh, report) = emit(&refresh, &installed, &stripped).unwrap().unwrap();
        assert!(report.unmatched.is_empty(), "{:?}", report.unmatched);
        // (name, binding, value) identifies a symbol across strip, except for duplicates
        let mut by_key: HashMap<(String, u8, u64), Vec<Option<String>>> = HashMap::new();
        for (n, b, v, p) in decoded_paths_values(&built) {
            by_key.entry((n, b, v)).or_default().push(p);
        }
        let refreshed = decoded_paths_values(&fresh);
        assert!(
            refreshed.len() < decoded_paths(&built).len(),
            "strip dropped symbols"
        );
        let mut compared = 0;
        for (name, bind, value, path) in refreshed {
            if let Some([expected]) = by_key.get(&(name.clone(), bind, value)).map(Vec::as_slice) {
                assert_eq!(&path, expected, "{name}");
                compared += 1;
            }
        }
        assert!(compared > 40, "{compared}");
        let installed_elf = ElfFile::parse(&fresh).unwrap();
        assert!(read_fresh_section(&installed_elf).is_ok());
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn signed_modules_are_refused() {
    let build = fixture_work().join("build-6.12");
    let opts = fixture_opts(&build);
    let ko = PathBuf::from("lib/crc7.ko");
    let mut data = std::fs::read(build.join(&ko)).unwrap();
    data.extend_from_slice(&[0xaa; 8]); // "signature"
    data.extend_from_slice(&[0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 8]); // struct module_signature
    data.extend_from_slice(crate::paths::elf::MODULE_SIG_MAGIC);
    let err = emit(&opts, &ko, &data).unwrap_err();
    assert!(err.contains("module is signed"), "{err}");
}

// ---- append on objects compiled here -------------------------------------------------------

fn testdata() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../testdata/modpaths")
}

fn run(cmd: &mut Command) -> std::process::Output {
    let out = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// Append a payload and check: headers and contents of every old section unchanged, symbols
/// unchanged, the section decodes, idempotent, readelf silent, `ld -r` accepts the result.
fn check_append(object: &Path, ld_emulation: Option<&str>) {
    check_append_with(object, ld_emulation, "-aW")
}

/// [`check_append`] with the readelf options to run (`-SsW` for files whose relocations and
/// groups are not valid, such as the byte-swapped one).
fn check_append_with(object: &Path, ld_emulation: Option<&str>, readelf_opts: &str) {
    let data = std::fs::read(object).unwrap();
    let elf = ElfFile::parse(&data).unwrap();
    let symtab = elf.symtab().unwrap().unwrap();
    let paths: Vec<Option<&[u8]>> = symtab
        .symbols
        .iter()
        .map(|s| (!s.name.is_empty()).then_some(&b"dir/file.c"[..]))
        .collect();
    let crc = kallsyms_paths::symtab_crc(symtab.data, symtab.strtab);
    let payload = kallsyms_paths::encode(&paths, crc, elf.layout.big_endian).unwrap();
    let out = crate::paths::append::with_section(&elf, b".kallsyms_paths", &payload).unwrap();
    let again = crate::paths::append::with_section(
        &ElfFile::parse(&out).unwrap(),
        b".kallsyms_paths",
        &payload,
    )
    .unwrap();
    assert!(out == again, "{}: not idempotent", object.display());

    let after = ElfFile::parse(&out).unwrap();
    assert_eq!(after.sections.len(), elf.sections.len() + 1);
    for i in 1..elf.sections.len() {
        if i != elf.shstrndx as usize {
            assert_eq!(after.sections[i], elf.sections[i], "section {i}");
        }
        assert_eq!(after.section_name(i).unwrap(), elf.section_name(i).unwrap());
    }
    assert_eq!(after.symtab().unwrap().unwrap().symbols, symtab.symbols);
    let (_, section) = read_fresh_section(&after).unwrap();
    assert_eq!(section.path_of(1), paths[1]);

    let path = object.with_extension("paths.o");
    std::fs::write(&path, &out).unwrap();
    let re = run(Command::new("readelf").arg(readelf_opts).arg(&path));
    assert!(
        re.stderr.is_empty(),
        "readelf warnings: {}",
        String::from_utf8_lossy(&re.stderr)
    );
    if let Some(emulation) = ld_emulation {
        let linked = object.with_extension("ld.o");
        run(Command::new("ld")
            .args(["-r", "-m", emulation, "-o"])
            .arg(&linked)
            .arg(&path));
    }
}

fn compile(dir: &Path, extra: &[&str], out: &str) -> PathBuf {
    let obj = dir.join(out);
    run(Command::new("gcc")
        .args(["-O2", "-c"])
        .args(extra)
        .arg(testdata().join("append-sample.c"))
        .arg("-o")
        .arg(&obj));
    obj
}

#[test]
fn append_on_gcc_objects_64_and_32_bit() {
    let dir = temp_dir("gcc");
    check_append(&compile(&dir, &[], "s64.o"), Some("elf_x86_64"));
    check_append(
        &compile(&dir, &["-ffunction-sections", "-fdata-sections"], "sfs.o"),
        Some("elf_x86_64"),
    );
    check_append(&compile(&dir, &["-m32"], "s32.o"), Some("elf_i386"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn append_with_extended_section_numbering() {
    // 65300 sections: e_shnum is 0, the count lives in section 0 (and so does shstrndx if it
    // is >= SHN_LORESERVE); symbols use SHN_XINDEX and .symtab_shndx.
    let dir = temp_dir("xindex");
    let mut asm = String::new();
    for i in 0..65300 {
        asm.push_str(&format!(
            ".section .text.f{i},\"ax\",@progbits\n.globl f{i}\nf{i}: ret\n"
        ));
    }
    let src = dir.join("big.s");
    std::fs::write(&src, asm).unwrap();
    let obj = dir.join("big.o");
    run(Command::new("as").arg("-o").arg(&obj).arg(&src));
    let data = std::fs::read(&obj).unwrap();
    let elf = ElfFile::parse(&data).unwrap();
    assert_eq!(
        elf.raw_shnum, 0,
        "the test object must use extended numbering"
    );
    check_append(&obj, None);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Byte-swap the ELF header, section headers, symbols and .symtab_shndx of a little-endian
/// x86-64 object: a structurally valid big-endian file (code and relocations left alone).
fn to_big_endian(data: &[u8]) -> Vec<u8> {
    let elf = ElfFile::parse(data).unwrap();
    assert!(elf.layout.is_64 && !elf.layout.big_endian);
    let mut out = data.to_vec();
    out[5] = 2;
    let swap = |out: &mut Vec<u8>, off: usize, n: usize| out[off..off + n].reverse();
    for (off, n) in [
        (16, 2),
        (18, 2),
        (20, 4),
        (24, 8),
        (32, 8),
        (40, 8),
        (48, 4),
    ] {
        swap(&mut out, off, n);
    }
    for off in (52..64).step_by(2) {
        swap(&mut out, off, 2);
    }
    for i in 0..elf.sections.len() {
        let base = elf.e_shoff as usize + i * 64;
        for (off, n) in [
            (0, 4),
            (4, 4),
            (8, 8),
            (16, 8),
            (24, 8),
            (32, 8),
            (40, 4),
            (44, 4),
            (48, 8),
            (56, 8),
        ] {
            swap(&mut out, base + off, n);
        }
        let s = &elf.sections[i];
        let start = s.sh_offset as usize;
        if s.sh_type == crate::paths::elf::SHT_SYMTAB {
            for sym in (start..start + s.sh_size as usize).step_by(24) {
                for (off, n) in [(0, 4), (6, 2), (8, 8), (16, 8)] {
                    swap(&mut out, sym + off, n);
                }
            }
        } else if s.sh_type == crate::paths::elf::SHT_SYMTAB_SHNDX {
            for w in (start..start + s.sh_size as usize).step_by(4) {
                swap(&mut out, w, 4);
            }
        }
    }
    out
}

#[test]
fn append_on_a_big_endian_file() {
    let dir = temp_dir("be");
    let le = compile(&dir, &[], "le.o");
    let le_bytes = std::fs::read(&le).unwrap();
    let be_bytes = to_big_endian(&le_bytes);
    let be = dir.join("be.o");
    std::fs::write(&be, &be_bytes).unwrap();
    let le_elf = ElfFile::parse(&le_bytes).unwrap();
    let be_elf = ElfFile::parse(&be_bytes).unwrap();
    assert!(be_elf.layout.big_endian);
    assert_eq!(be_elf.sections, le_elf.sections);
    assert_eq!(
        be_elf.symtab().unwrap().unwrap().symbols,
        le_elf.symtab().unwrap().unwrap().symbols
    );
    check_append(&le, Some("elf_x86_64"));
    check_append_with(&be, None, "-SsW");
    // the payload itself is big-endian: magic reads "KPTH"
    let out = std::fs::read(be.with_extension("paths.o")).unwrap();
    let after = ElfFile::parse(&out).unwrap();
    let idx = after.find_section(b".kallsyms_paths").unwrap().unwrap();
    assert_eq!(&after.section_data(idx).unwrap()[..4], b"KPTH");
    // readelf sees the same sections and symbols in both byte orders
    let sections = |p: &Path| {
        let o = run(Command::new("readelf").arg("-SsW").arg(p));
        String::from_utf8_lossy(&o.stdout).replace(&p.display().to_string(), "F")
    };
    assert_eq!(
        sections(&be.with_extension("paths.o")),
        sections(&le.with_extension("paths.o"))
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn garbage_inputs_are_errors_not_panics() {
    let dir = temp_dir("garbage");
    let obj = compile(&dir, &[], "g.o");
    let data = std::fs::read(&obj).unwrap();
    // every truncation, and a flipped byte at many offsets
    for len in (0..data.len()).step_by(97) {
        let _ = ElfFile::parse(&data[..len]).and_then(|e| e.symtab().map(|_| ()));
    }
    for at in (0..data.len()).step_by(13) {
        let mut bad = data.clone();
        bad[at] ^= 0xff;
        if let Ok(elf) = ElfFile::parse(&bad) {
            if let Ok(Some(symtab)) = elf.symtab() {
                let paths: Vec<Option<&[u8]>> = vec![None; symtab.symbols.len()];
                let payload = kallsyms_paths::encode(&paths, 0, elf.layout.big_endian).unwrap();
                let _ = crate::paths::append::with_section(&elf, b".kallsyms_paths", &payload);
            }
        }
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn subcommand_dispatch_and_usage_errors() {
    let args = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert_eq!(
        crate::paths::run_subcommand(&args(&["modpost-rs", "-M", "-o", "x"])),
        None
    );
    assert_eq!(crate::paths::run_subcommand(&args(&["modpost-rs"])), None);
    assert_eq!(
        crate::paths::run_subcommand(&args(&["modpost-rs", "ko-paths"])),
        Some(2)
    );
    assert_eq!(
        crate::paths::run_subcommand(&args(&["modpost-rs", "ko-paths", "--bogus", "a.ko"])),
        Some(2)
    );
    assert_eq!(
        crate::paths::run_subcommand(&args(&["modpost-rs", "ko-paths", "--srctree"])),
        Some(2)
    );
    assert_eq!(
        crate::paths::run_subcommand(&args(&["modpost-rs", "verify"])),
        Some(2)
    );
    assert_eq!(
        crate::paths::run_subcommand(&args(&["modpost-rs", "ko-paths", "/nonexistent/x.ko"])),
        Some(1)
    );
    assert_eq!(
        crate::paths::run_subcommand(&args(&["modpost-rs", "verify", "/nonexistent"])),
        Some(2)
    );
}

#[test]
fn assembly_member_without_stt_file_keeps_its_own_locals() {
    // A three-object module whose middle object is assembly without `.file`; all three
    // define a local `helper`. Built like Kbuild does: ld -r of the .mod list, then the .ko.
    let dir = temp_dir("asm");
    let src = testdata().join("asm-member");
    let obj = dir.join("obj");
    let m = obj.join("m");
    std::fs::create_dir_all(&m).unwrap();
    let cmd_file = |target: &str, source: &str| {
        let cmd = obj.join(srcpath::cmd_file_of(Path::new(target)));
        std::fs::write(
            cmd,
            format!("savedcmd_{target} := cc\n\nsource_{target} := {source}\n"),
        )
        .unwrap();
    };
    run(Command::new("gcc")
        .args(["-O2", "-c"])
        .arg(src.join("a.c"))
        .arg("-o")
        .arg(m.join("a.o")));
    run(Command::new("as")
        .arg(src.join("b.S"))
        .arg("-o")
        .arg(m.join("b.o")));
    run(Command::new("gcc")
        .args(["-O2", "-c"])
        .arg(src.join("c.c"))
        .arg("-o")
        .arg(m.join("c.o")));
    for (name, target) in [
        ("mod", m.join("m.mod.o")),
        ("common", obj.join(".module-common.o")),
    ] {
        run(Command::new("gcc")
            .args([
                "-O2",
                "-c",
                &format!("-Dglue_global={name}_global"),
                &format!("-Dglue_local={name}_local"),
            ])
            .arg(src.join("glue.c"))
            .arg("-o")
            .arg(target));
    }
    cmd_file("m/a.o", &src.join("a.c").to_string_lossy());
    cmd_file("m/b.o", &src.join("b.S").to_string_lossy());
    cmd_file("m/c.o", &src.join("c.c").to_string_lossy());
    cmd_file("m/m.mod.o", "m/m.mod.c");
    cmd_file(".module-common.o", &src.join("glue.c").to_string_lossy());
    std::fs::write(m.join("m.mod"), "m/a.o\nm/b.o\nm/c.o\n").unwrap();
    run(Command::new("ld")
        .args(["-r", "-o"])
        .arg(m.join("m.o"))
        .args(["m/a.o", "m/b.o", "m/c.o"])
        .current_dir(&obj));
    run(Command::new("ld")
        .args([
            "-r",
            "-o",
            "m/m.ko",
            "m/m.o",
            "m/m.mod.o",
            ".module-common.o",
        ])
        .current_dir(&obj));
    let b_text =
        String::from_utf8_lossy(&run(Command::new("readelf").arg("-sW").arg(m.join("b.o"))).stdout)
            .into_owned();
    assert!(
        !b_text.contains(" FILE "),
        "b.o must have no STT_FILE:\n{b_text}"
    );

    let opts = KoOptions {
        trees: Trees::new(&src, &obj, None).unwrap(),
        from: None,
    };
    let ko = PathBuf::from("m/m.ko");
    let data = std::fs::read(obj.join(&ko)).unwrap();
    let (out, report) = emit(&opts, &ko, &data).unwrap().unwrap();
    assert!(report.unmatched.is_empty(), "{:?}", report.unmatched);
    let decoded = decoded_paths(&out);
    let helpers: Vec<&str> = decoded
        .iter()
        .filter(|(n, _, _)| n == "helper")
        .map(|(_, _, p)| p.as_deref().unwrap_or("-"))
        .collect();
    assert_eq!(helpers, ["a.c", "b.S", "c.c"]);
    let path_of = |name: &str| {
        decoded
            .iter()
            .find(|(n, _, _)| n == name)
            .and_then(|(_, _, p)| p.clone())
            .unwrap_or_default()
    };
    assert_eq!(path_of("asm_local"), "b.S");
    assert_eq!(path_of("a_global"), "a.c");
    assert_eq!(path_of("b_global"), "b.S");
    assert_eq!(path_of("c_global"), "c.c");
    assert_eq!(path_of("mod_global"), "m/m.mod.c");
    assert_eq!(path_of("mod_local"), "m/m.mod.c");
    assert_eq!(path_of("common_global"), "glue.c");
    std::fs::remove_dir_all(&dir).unwrap();
}
