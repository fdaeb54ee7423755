//! Tests of the ko pass: differential checks on the real fixture modules (paths against the
//! member objects, read with binutils' `nm`), byte preservation, idempotence, staleness, strip
//! refresh, and a synthetic module with an assembly member, prefix and mapping symbols. (The
//! appender itself is tested in kpaths on 64/32-bit, big-endian and SHN_XINDEX objects.)

use std::collections::HashMap;
use std::collections::HashSet;
use std::path::Path;
use std::path::PathBuf;
use std::process::Command;

use kpaths::testkit;
use kpaths::testkit::run_ok;
use kpaths::testkit::Scratch;

use super::*;

/// The O= build directory of the C oracle.
fn fixture_build() -> PathBuf {
    testkit::oracle().build
}

fn fixture_opts(build: &Path) -> KoOptions {
    let trees = Trees::new(&testkit::oracle().src, build, None).unwrap();
    KoOptions { trees, from: None }
}

fn fixture_modules(build: &Path) -> Vec<PathBuf> {
    std::fs::read_to_string(build.join("modules.order"))
        .unwrap()
        .lines()
        .map(|l| PathBuf::from(l).with_extension("ko"))
        .collect()
}

/// Per symbol of a module with a fresh section: (name, local?, value, path).
type DecodedPaths = Vec<(String, bool, u64, Option<String>)>;

fn decoded_paths(bytes: &[u8]) -> DecodedPaths {
    let elf = ElfFile::parse(bytes).unwrap();
    let (symtab, section) = module_section::read_section(&elf).unwrap();
    symtab
        .symbols
        .iter()
        .enumerate()
        .map(|(i, s)| {
            (
                String::from_utf8_lossy(s.name).into_owned(),
                s.is_local(),
                s.st_value,
                section
                    .path_of(i)
                    .map(|p| String::from_utf8_lossy(p).into_owned()),
            )
        })
        .collect()
}

/// The paths of the symbols called `name`, in symtab order (`-` for none).
fn paths_named(decoded: &DecodedPaths, name: &str) -> Vec<String> {
    decoded
        .iter()
        .filter(|(n, _, _, _)| n == name)
        .map(|(_, _, _, p)| p.clone().unwrap_or_else(|| "-".into()))
        .collect()
}

/// What `nm -a` says an object defines: (locals, strong globals, weak globals).
type NmSymbols = (HashSet<String>, HashSet<String>, HashSet<String>);

fn nm_symbols(object: &Path) -> NmSymbols {
    let out = run_ok(Command::new("nm").arg("-a").arg(object));
    let (mut locals, mut strong, mut weak) = (HashSet::new(), HashSet::new(), HashSet::new());
    for line in out.out().lines() {
        let fields: Vec<&str> = line.split_whitespace().collect();
        let (kind, name) = match fields.as_slice() {
            [_, k, n] => (*k, *n),
            [k, n] => (*k, *n),
            _ => continue,
        };
        match kind.chars().next().unwrap_or('?') {
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

/// The `source_` path of an object, read straight from its `.cmd` text and made relative
/// the way the resolver does.
fn cmd_source(opts: &KoOptions, object: &Path) -> String {
    let cmd = opts.trees.resolve(&kpaths::tree::cmd_file_of(object));
    let text = std::fs::read(&cmd).unwrap();
    let source = kpaths::tree::source_from_cmd(&text).expect("source_ line");
    opts.trees.relative(Path::new(source))
}

#[test]
fn fixture_paths_agree_with_the_member_objects() {
    let build = fixture_build();
    let opts = fixture_opts(&build);
    let mut checked = 0usize;
    let mut prefixes = 0usize;
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
        for (name, local, _, path) in decoded_paths(&out) {
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
            let defines = |(l, s, w): &NmSymbols, name: &str| match local {
                true => l.contains(name),
                false => s.contains(name) || w.contains(name),
            };
            let mut owners: Vec<&String> = members
                .iter()
                .filter(|(_, nm)| defines(nm, &name))
                .map(|(p, _)| p)
                .collect();
            // objtool made the prefix symbols of a multi-object module in its linked
            // <mod>.o: no member defines them, they belong to a member's function
            if owners.is_empty() {
                if let Some(f) = kpaths::elf::prefixed_name(name.as_bytes()) {
                    let f = String::from_utf8_lossy(f);
                    owners = members
                        .iter()
                        .filter(|(_, (l, s, w))| {
                            l.contains(&*f) || s.contains(&*f) || w.contains(&*f)
                        })
                        .map(|(p, _)| p)
                        .collect();
                    prefixes += 1;
                }
            }
            assert!(
                owners.contains(&&path),
                "{}: {name} has path {path}, but it is defined by {owners:?}",
                ko.display()
            );
            // a global has exactly one strong definition, and it is the one named
            if !local {
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
        prefixes > 100,
        "only {prefixes} objtool prefix symbols checked"
    );
    assert!(
        multi_object_modules >= 10,
        "only {multi_object_modules} multi-object modules"
    );
}

#[test]
fn fixture_statics_with_one_name_in_several_objects_get_their_own_file() {
    // fat.ko: cache.c and dir.c each have a static __func__.0, and in the .ko they follow
    // their own STT_FILE symbol. (objtool adds the local prefix symbols to the linked fat.o
    // after every member's locals: they take their function's path, checked above.)
    let build = fixture_build();
    let opts = fixture_opts(&build);
    let ko = PathBuf::from("fs/fat/fat.ko");
    let data = std::fs::read(build.join(&ko)).unwrap();
    let (out, _) = emit(&opts, &ko, &data).unwrap().unwrap();
    let decoded = decoded_paths(&out);
    let mut current_file = None;
    let mut seen: HashMap<String, HashSet<String>> = HashMap::new();
    let elf = ElfFile::parse(&out).unwrap();
    let symtab = elf.symbols().unwrap().unwrap();
    for (sym, (name, _, _, path)) in symtab.symbols.iter().zip(&decoded) {
        if sym.is_file() {
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
        } else if sym.is_local()
            && !sym.is_section()
            && current_file.is_some()
            && kpaths::elf::prefixed_name(sym.name).is_none()
        {
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
    let build = fixture_build();
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
            let index = object::SectionIndex(i);
            if index == before.shstrndx {
                assert_eq!(a.sh_name, b.sh_name);
                continue;
            }
            assert_eq!(a, b, "{}: section header {i} changed", ko.display());
            assert_eq!(
                before.section_data(index).unwrap(),
                after.section_data(index).unwrap()
            );
        }
        let old_names = before.section_data(before.shstrndx).unwrap();
        let new_names = after.section_data(after.shstrndx).unwrap();
        assert!(new_names.starts_with(old_names));
        // every byte up to the old section-name table is where it was, but e_shoff/e_shnum
        let names_off = before.sections[before.shstrndx.0].sh_offset as usize;
        assert_eq!(once[64..names_off], data[64..names_off], "{}", ko.display());
    }
}

#[test]
fn fixture_stale_and_missing_sections_are_reported_by_verify() {
    let build = fixture_build();
    let opts = fixture_opts(&build);
    let ko = PathBuf::from("lib/crc32.ko");
    let data = std::fs::read(build.join(&ko)).unwrap();
    let (out, _) = emit(&opts, &ko, &data).unwrap().unwrap();
    let scratch = Scratch::new("ko-stale");
    let dir = scratch.path();
    let good = dir.join("good.ko");
    std::fs::write(&good, &out).unwrap();
    assert_eq!(
        super::super::verify::check_module(&good),
        Vec::<String>::new()
    );

    // one byte of .strtab changes: the CRC no longer matches
    let elf = ElfFile::parse(&out).unwrap();
    let symtab_index = elf.symbols().unwrap().unwrap().section;
    let strtab_index = elf.sections[symtab_index.0].sh_link as usize;
    let strtab_off = elf.sections[strtab_index].sh_offset as usize;
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
    assert_eq!(super::super::verify::run(vec![dir.into()]), 1);
}

#[test]
fn fixture_strip_then_refresh_carries_the_paths_over() {
    let build = fixture_build();
    let opts = fixture_opts(&build);
    let scratch = Scratch::new("ko-strip");
    let dir = scratch.path();
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
        run_ok(Command::new("strip").arg("--strip-debug").arg(&installed));
        let stripped = std::fs::read(&installed).unwrap();
        let stripped_elf = ElfFile::parse(&stripped).unwrap();
        assert!(
            module_section::read_section(&stripped_elf).is_err(),
            "strip must leave the section stale"
        );

        let refresh = KoOptions {
            trees: opts.trees.clone(),
            from: Some(built_path.clone()),
        };
        let (fresh, report) = emit(&refresh, &installed, &stripped).unwrap().unwrap();
        assert!(report.unmatched.is_empty(), "{:?}", report.unmatched);
        // (name, binding, value) identifies a symbol across strip, except for duplicates
        let mut by_key: HashMap<(String, bool, u64), Vec<Option<String>>> = HashMap::new();
        for (n, b, v, p) in decoded_paths(&built) {
            by_key.entry((n, b, v)).or_default().push(p);
        }
        let refreshed = decoded_paths(&fresh);
        assert!(
            refreshed.len() < decoded_paths(&built).len(),
            "strip dropped symbols"
        );
        let mut compared = 0;
        let mut refreshed_by_key: HashMap<(String, bool, u64), Vec<Option<String>>> =
            HashMap::new();
        for (name, bind, value, path) in refreshed {
            if let Some([expected]) = by_key.get(&(name.clone(), bind, value)).map(Vec::as_slice) {
                assert_eq!(&path, expected, "{name}");
                compared += 1;
            }
            refreshed_by_key
                .entry((name, bind, value))
                .or_default()
                .push(path);
        }
        assert!(compared > 40, "{compared}");
        // Symbols strip cannot tell apart keep their paths in order (see
        // `strip_then_refresh_keeps_equal_keys_in_order` for a module that surely has some).
        for (key, paths) in &refreshed_by_key {
            let built_paths = &by_key[key];
            if paths.len() > 1 && !key.0.is_empty() && paths.len() == built_paths.len() {
                assert_eq!(paths, built_paths, "{key:?}");
            }
        }
        let installed_elf = ElfFile::parse(&fresh).unwrap();
        assert!(module_section::read_section(&installed_elf).is_ok());
    }
}

#[test]
fn strip_then_refresh_keeps_equal_keys_in_order() {
    // a.c and c.c of the three-object module each define a zero-size static `key` in .bss:
    // after `ld -r` both sit at one address, so name, binding, type, value and section cannot
    // tell them apart once strip has dropped the STT_FILE symbols (riscv64's fat.ko has two
    // such `__key.3`, of fatent.c and inode.c). The refresh keeps them in symtab order.
    let scratch = Scratch::new("ko-strip-keys");
    let src = testkit::testdata("modpaths/asm-member");
    let obj = scratch.join("obj");
    build_three_object_module(&obj, &|t| t.to_string(), &src.join("b.S"), None, &[]);
    let built = emit_three_object_module(&obj);
    let keys: Vec<_> = decoded_paths(&built)
        .into_iter()
        .filter(|(n, _, _, _)| n == "key")
        .collect();
    assert_eq!(keys.len(), 2, "{keys:?}");
    assert_eq!(
        keys[0].2, keys[1].2,
        "the two `key` must share an address: {keys:?}"
    );
    assert_eq!(paths_named(&decoded_paths(&built), "key"), ["a.c", "c.c"]);

    let built_path = obj.join("built.ko");
    let installed = obj.join("installed.ko");
    std::fs::write(&built_path, &built).unwrap();
    std::fs::write(&installed, &built).unwrap();
    run_ok(Command::new("strip").arg("--strip-debug").arg(&installed));
    let stripped = std::fs::read(&installed).unwrap();
    let stripped_text = run_ok(Command::new("readelf").arg("-sW").arg(&installed)).out();
    assert!(
        !stripped_text.contains(" FILE "),
        "strip left STT_FILE symbols:\n{stripped_text}"
    );
    let refresh = KoOptions {
        trees: Trees::new(&src, &obj, None).unwrap(),
        from: Some(built_path),
    };
    let (fresh, report) = emit(&refresh, &installed, &stripped).unwrap().unwrap();
    assert!(report.unmatched.is_empty(), "{:?}", report.unmatched);
    assert_eq!(paths_named(&decoded_paths(&fresh), "key"), ["a.c", "c.c"]);
    assert_eq!(
        paths_named(&decoded_paths(&fresh), "helper"),
        ["a.c", "b.S", "c.c"]
    );
}

#[test]
fn signed_modules_are_refused() {
    let build = fixture_build();
    let opts = fixture_opts(&build);
    let ko = PathBuf::from("lib/crc7.ko");
    let mut data = std::fs::read(build.join(&ko)).unwrap();
    data.extend_from_slice(&[0xaa; 8]); // "signature"
    data.extend_from_slice(&[0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 8]); // struct module_signature
    data.extend_from_slice(module_section::MODULE_SIG_MAGIC);
    let err = emit(&opts, &ko, &data).unwrap_err();
    assert!(err.message().contains("module is signed"), "{err}");
}

/// Builds the three-object module `m` of testdata/modpaths/asm-member in `obj` like Kbuild
/// does: a.c, the assembly member `asm` (no `.file`: no STT_FILE symbol) and c.c, each defining
/// a local `helper`; their `.cmd` files and `m.mod`; `ld -r` of the members into `m/m.o` (with
/// `objtool`, assembled and linked in the middle though no member, if given); the `.ko` from
/// `m.o`, `m.mod.o` and `.module-common.o` (both from glue.c; the latter with a `.note.Linux`
/// section, as module-common.c has), linked with Kbuild's `--build-id=sha1`: `ld` then puts
/// the notes first, and with them the locals of `.module-common.o` (as in every arm64 and
/// x86_64 `.ko`). `tool("gcc")` names each program, so a cross toolchain can build it.
fn build_three_object_module(
    obj: &Path,
    tool: &dyn Fn(&str) -> String,
    asm: &Path,
    objtool: Option<&Path>,
    ko_ldflags: &[&str],
) {
    let src = testkit::testdata("modpaths/asm-member");
    let m = obj.join("m");
    std::fs::create_dir_all(&m).unwrap();
    let cmd_file = |target: &str, source: &Path| {
        let cmd = obj.join(kpaths::tree::cmd_file_of(Path::new(target)));
        let source = source.display();
        let text = format!("savedcmd_{target} := cc\n\nsource_{target} := {source}\n");
        std::fs::write(cmd, text).unwrap();
    };
    let cc = |source: &str, out: &Path, defines: &[&str]| {
        run_ok(
            Command::new(tool("gcc"))
                .args(["-O2", "-c"])
                .args(defines)
                .arg(src.join(source))
                .arg("-o")
                .arg(out),
        );
    };
    let assemble = |source: &Path, out: &Path| {
        run_ok(Command::new(tool("as")).arg(source).arg("-o").arg(out));
    };
    cc("a.c", &m.join("a.o"), &[]);
    assemble(asm, &m.join("b.o"));
    cc("c.c", &m.join("c.o"), &[]);
    cc(
        "glue.c",
        &m.join("m.mod.o"),
        &["-Dglue_global=mod_global", "-Dglue_local=mod_local"],
    );
    cc(
        "glue.c",
        &obj.join(".module-common.o"),
        &[
            "-Dglue_global=common_global",
            "-Dglue_local=common_local",
            "-DGLUE_NOTE",
        ],
    );
    cmd_file("m/a.o", &src.join("a.c"));
    cmd_file("m/b.o", asm);
    cmd_file("m/c.o", &src.join("c.c"));
    cmd_file("m/m.mod.o", Path::new("m/m.mod.c"));
    cmd_file(".module-common.o", &src.join("glue.c"));
    std::fs::write(m.join("m.mod"), "m/a.o\nm/b.o\nm/c.o\n").unwrap();
    let mut members = vec!["m/a.o", "m/b.o", "m/c.o"];
    if let Some(objtool) = objtool {
        assemble(objtool, &m.join("objtool.o"));
        members.insert(1, "m/objtool.o");
    }
    run_ok(
        Command::new(tool("ld"))
            .args(["-r", "-o", "m/m.o"])
            .args(members)
            .current_dir(obj),
    );
    // scripts/module.lds as Kbuild generates it, from srctree's scripts/module.lds.S
    std::fs::create_dir_all(obj.join("scripts")).unwrap();
    std::fs::write(obj.join("scripts/module.lds"), "SECTIONS { }\n").unwrap();
    cmd_file("scripts/module.lds", &src.join("scripts/module.lds.S"));
    run_ok(
        Command::new(tool("ld"))
            .args(["-r", "--build-id=sha1"])
            .args(ko_ldflags)
            .args(["-o", "m/m.ko", "m/m.o", "m/m.mod.o", ".module-common.o"])
            .current_dir(obj),
    );
}

/// `ko-paths` on the module [`build_three_object_module`] built in `obj` (srctree: asm-member):
/// the `.ko` with its section; every symbol matched.
fn emit_three_object_module(obj: &Path) -> Vec<u8> {
    let opts = KoOptions {
        trees: Trees::new(&testkit::testdata("modpaths/asm-member"), obj, None).unwrap(),
        from: None,
    };
    let ko = PathBuf::from("m/m.ko");
    let data = std::fs::read(obj.join(&ko)).unwrap();
    let (out, report) = emit(&opts, &ko, &data).unwrap().unwrap();
    assert!(report.unmatched.is_empty(), "{:?}", report.unmatched);
    out
}

#[test]
fn assembly_member_prefix_and_mapping_symbols() {
    // A three-object module whose middle object is assembly without `.file`; all three
    // define a local `helper`. Built like Kbuild does: ld -r of the .mod list, then the .ko.
    // The linked m.o also gets what objtool and the linker add and no member defines
    // (testdata/modpaths/asm-member/objtool.S): `__pfx_` symbols, global and local, and
    // mapping symbols `$x`/`$d` in the middle of the locals.
    let scratch = Scratch::new("ko-asm");
    let src = testkit::testdata("modpaths/asm-member");
    let obj = scratch.join("obj");
    let m = obj.join("m");
    // objtool.o is linked in the middle but is no member: what it defines appears in m.o only
    build_three_object_module(
        &obj,
        &|t| t.to_string(),
        &src.join("b.S"),
        Some(&src.join("objtool.S")),
        &[],
    );
    let b_text = run_ok(Command::new("readelf").arg("-sW").arg(m.join("b.o"))).out();
    assert!(
        !b_text.contains(" FILE "),
        "b.o must have no STT_FILE:\n{b_text}"
    );

    let decoded = decoded_paths(&emit_three_object_module(&obj));
    let paths_of = |name: &str| paths_named(&decoded, name);
    assert_eq!(paths_of("helper"), ["a.c", "b.S", "c.c"]);
    assert_eq!(paths_of("asm_local"), ["b.S"]);
    assert_eq!(paths_of("a_global"), ["a.c"]);
    assert_eq!(paths_of("b_global"), ["b.S"]);
    assert_eq!(paths_of("c_global"), ["c.c"]);
    assert_eq!(paths_of("mod_global"), ["m/m.mod.c"]);
    assert_eq!(paths_of("mod_local"), ["m/m.mod.c"]);
    assert_eq!(paths_of("common_global"), ["glue.c"]);
    // prefix symbols take their function's path; `__pfx_helper` (local) has three candidate
    // functions in one section and none right after it: it takes the first
    assert_eq!(paths_of("__pfx_a_global"), ["a.c"]);
    assert_eq!(paths_of("__pfx_helper"), ["a.c"]);
    // mapping symbols get none and need none
    assert_eq!(paths_of("$x"), ["-"]);
    assert_eq!(paths_of("$d"), ["-"]);
}

/// The three-object module of [`assembly_member_prefix_and_mapping_symbols`] built with a
/// cross toolchain (`<prefix>-gcc`, `-as`, `-ld`), its assembly member from
/// `asm-member/<arch>/b.S`: real mapping symbols from gcc and gas, in objects of another ELF
/// class, byte order or relocation kind. Returns the decoded paths of the emitted `.ko` and the
/// names of its `STT_FILE` symbols.
fn cross_module(prefix: &str, arch: &str, ko_ldflags: &[&str]) -> (DecodedPaths, HashSet<String>) {
    let tool = |t: &str| format!("{prefix}-{t}");
    let have = Command::new(tool("gcc")).arg("--version").output();
    assert!(
        have.is_ok_and(|o| o.status.success()),
        "{} is missing: apt-get install gcc-{prefix} (kbuild/test.sh installs it)",
        tool("gcc")
    );
    let scratch = Scratch::new(&format!("ko-cross-{arch}"));
    let src = testkit::testdata("modpaths/asm-member");
    let obj = scratch.join("obj");
    build_three_object_module(&obj, &tool, &src.join(arch).join("b.S"), None, ko_ldflags);
    let out = emit_three_object_module(&obj);
    let elf = ElfFile::parse(&out).unwrap();
    let files = elf
        .symbols()
        .unwrap()
        .unwrap()
        .symbols
        .iter()
        .filter(|s| s.is_file())
        .map(|s| String::from_utf8_lossy(s.name).into_owned())
        .collect();
    (decoded_paths(&out), files)
}

/// Every named symbol of the cross-built module has its member's path; the mapping symbols
/// that gcc and gas put among the locals (at least `min_mapping` of them) have none.
/// `ko_ldflags` go to the `.ko` link. Returns the decoded paths.
fn check_cross_module(
    prefix: &str,
    arch: &str,
    min_mapping: usize,
    ko_ldflags: &[&str],
) -> DecodedPaths {
    let (decoded, files) = cross_module(prefix, arch, ko_ldflags);
    let paths_of = |name: &str| paths_named(&decoded, name);
    // the locals of .module-common.o come first in the .ko, those of the members after
    let first_local = decoded
        .iter()
        .find(|(n, local, _, _)| *local && !n.is_empty());
    assert!(
        first_local.is_some_and(|(n, _, _, _)| n == "glue.c"),
        "{arch}: the .ko's locals do not start with .module-common.o's: {first_local:?}"
    );
    assert_eq!(paths_of("common_local"), ["glue.c"], "{arch}");
    let b = format!("{arch}/b.S");
    assert_eq!(paths_of("helper"), ["a.c", b.as_str(), "c.c"], "{arch}");
    assert_eq!(paths_of("asm_local"), [b.as_str()], "{arch}");
    assert_eq!(paths_of("a_global"), ["a.c"], "{arch}");
    assert_eq!(paths_of("b_global"), [b.as_str()], "{arch}");
    assert_eq!(paths_of("c_global"), ["c.c"], "{arch}");
    assert_eq!(paths_of("mod_local"), ["m/m.mod.c"], "{arch}");
    assert_eq!(paths_of("common_global"), ["glue.c"], "{arch}");
    let mapping: Vec<_> = decoded
        .iter()
        .filter(|(n, _, _, _)| kpaths::elf::is_mapping_symbol(n.as_bytes()))
        .collect();
    assert!(
        mapping.len() >= min_mapping,
        "{arch}: only {} mapping symbols in the module: {mapping:?}",
        mapping.len()
    );
    assert!(
        mapping.iter().all(|(_, _, _, p)| p.is_none()),
        "{arch}: a mapping symbol got a path: {mapping:?}"
    );
    // Every other named local has a path. (`STT_FILE` symbols need none: the loader never
    // keeps or prints them. The arm and arm64 `ld -r` adds one named after each input that has
    // locals but none of its own, here `b.o`.)
    let bare: Vec<_> = decoded
        .iter()
        .filter(|(n, local, _, p)| {
            *local
                && p.is_none()
                && !n.is_empty()
                && !kpaths::elf::is_mapping_symbol(n.as_bytes())
                && !files.contains(n)
        })
        .collect();
    assert!(bare.is_empty(), "{arch}: locals without a path: {bare:?}");
    decoded
}

#[test]
fn arm64_module_with_real_mapping_symbols() {
    // ELF64 little-endian RELA; $x/$d from gcc and gas (the arm64 report of issue 12)
    check_cross_module("aarch64-linux-gnu", "arm64", 4, &[]);
}

#[test]
fn arm_module_with_real_mapping_symbols() {
    // ELF32 little-endian REL; $a/$d from gcc and gas
    check_cross_module("arm-linux-gnueabi", "arm", 4, &[]);
}

#[test]
fn ppc64_module_with_linker_made_save_restore_functions() {
    // ELF64 big-endian RELA (ELFv1); no mapping symbols. The module link's
    // `--save-restore-funcs` adds `_savegpr0_29` and `_restgpr0_29` as locals that no input
    // defines: they take the module linker script's source, as linker-made symbols do.
    let decoded = check_cross_module("powerpc64-linux-gnu", "ppc64", 0, &["--save-restore-funcs"]);
    let paths_of = |name: &str| paths_named(&decoded, name);
    assert_eq!(paths_of("_savegpr0_29"), ["scripts/module.lds.S"]);
    assert_eq!(paths_of("_restgpr0_29"), ["scripts/module.lds.S"]);
}
