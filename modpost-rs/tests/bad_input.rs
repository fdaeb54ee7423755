//! Malformed inputs: modpost-rs must never panic, must stop with a clear message naming the
//! file and what was wrong, and must leave no output (complete or partial) behind.
//!
//! The bad objects are made at test time by patching bytes of good objects compiled from
//! `testdata/modpost/`. Where the C tool's behaviour on the same input is well-defined (a
//! fatal check of its own, or text it parses deterministically) the case is differential:
//! same stderr, exit code and files. Where C would read outside its mapping (undefined
//! behaviour: garbage, a crash or a hang), only modpost-rs is run and held to the rules above.
// Test code: a panic is how a test reports a failure.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use std::path::Path;
use std::path::PathBuf;

/// How a bad input must be handled.
enum Expect<'a> {
    /// C is well-defined here: identical behaviour.
    SameAsC,
    /// C is not: modpost-rs must fail with a message containing the file name and this text.
    CleanError(&'a str),
}

/// A scratch directory with a good object (`good.o`) and room for bad ones.
struct Bench {
    scratch: Scratch,
    dir: PathBuf,
    runs: std::cell::Cell<usize>,
}

impl Bench {
    fn new(tag: &str) -> Bench {
        let scratch = Scratch::new(&format!("bad-{tag}"));
        let dir = scratch.path().join("src");
        std::fs::create_dir_all(&dir).unwrap();
        compile(
            &modpost_testdata().join("license/described.c"),
            &dir.join("good.o"),
            &[],
        );
        Bench {
            scratch,
            dir,
            runs: std::cell::Cell::new(0),
        }
    }

    /// Compile a fixture and return its bytes.
    fn object(&self, fixture: &str) -> Vec<u8> {
        let name = fixture.replace('/', "_");
        let out = self.dir.join(format!("{name}.o"));
        compile(&modpost_testdata().join(fixture), &out, &[]);
        let data = std::fs::read(&out).unwrap();
        std::fs::remove_file(&out).unwrap();
        data
    }

    fn file(&self, rel: &str, data: impl AsRef<[u8]>) {
        std::fs::write(self.dir.join(rel), data).unwrap();
    }

    /// Run with `args` (in fresh copies of the directory) and check the outcome.
    fn check(&self, args: &[&str], file: &str, expect: Expect) {
        let n = self.runs.get();
        self.runs.set(n + 1);
        let rs_dir = self.scratch.path().join(format!("rs{n}"));
        copy_tree(&self.dir, &rs_dir);
        let rs = run(&modpost_rs(), args, &rs_dir);
        let what = format!("modpost-rs {} (bad file {file})", args.join(" "));
        let err = String::from_utf8_lossy(&rs.stderr).into_owned();
        assert!(!err.contains("panicked"), "{what}: panicked:\n{err}");
        let temps = leftover_temp_files(&rs_dir);
        assert!(temps.is_empty(), "{what}: temp files left: {temps:?}");
        match expect {
            Expect::SameAsC => {
                let c_dir = self.scratch.path().join(format!("c{n}"));
                copy_tree(&self.dir, &c_dir);
                let c = run(&c_modpost(), args, &c_dir);
                assert_same_outcome(&what, &c, &rs, &c_dir, &rs_dir);
            }
            Expect::CleanError(fragment) => {
                assert_ne!(rs.code, 0, "{what}: exit status 0; stderr:\n{err}");
                assert!(
                    err.contains(file),
                    "{what}: the message does not name the file:\n{err}"
                );
                assert!(
                    err.contains(fragment),
                    "{what}: expected {fragment:?} in:\n{err}"
                );
                assert!(
                    err.starts_with("ERROR: modpost: ") || err.contains(&format!("{file}: ")),
                    "{what}: not a modpost-style message:\n{err}"
                );
                // Nothing may be written after a fatal input error.
                let before = tree_files(&self.dir);
                let after = tree_files(&rs_dir);
                let new: Vec<&String> = after.keys().filter(|k| !before.contains_key(*k)).collect();
                assert!(new.is_empty(), "{what}: wrote {new:?}");
            }
        }
    }

    /// Write `data` as `name` and check a run over `good.o name` (and the reverse order).
    fn object_case(&self, name: &str, data: Vec<u8>, expect: Expect) {
        self.file(name, data);
        let args = ["-M", "-w", "-o", "Module.symvers", "good.o", name];
        match expect {
            Expect::SameAsC => self.check(&args, name, Expect::SameAsC),
            Expect::CleanError(f) => {
                self.check(&args, name, Expect::CleanError(f));
                self.check(&["-M", "-w", name, "good.o"], name, Expect::CleanError(f));
            }
        }
    }
}

/// `cp -a src dst`.
fn copy_tree(src: &Path, dst: &Path) {
    let st = std::process::Command::new("cp")
        .arg("-a")
        .arg(src)
        .arg(dst)
        .status()
        .expect("cp -a");
    assert!(st.success());
}

fn rd_u64(d: &[u8], off: usize) -> u64 {
    u64::from_le_bytes(d[off..off + 8].try_into().unwrap())
}

/// Offset of the `index`th symbol's Elf64_Sym whose name is `name`.
fn symbol_entry(d: &[u8], name: &str) -> usize {
    let symtab = elf64_section(d, ".symtab");
    let strtab = elf64_sections(d)
        .into_iter()
        .find(|s| s.index == symtab.sh_link as usize)
        .unwrap();
    let n = symtab.sh_size as usize / 24;
    for i in 0..n {
        let e = symtab.sh_offset as usize + i * 24;
        let st_name = u32::from_le_bytes(d[e..e + 4].try_into().unwrap()) as usize;
        let s = strtab.sh_offset as usize + st_name;
        let end = s + d[s..].iter().position(|&b| b == 0).unwrap();
        if &d[s..end] == name.as_bytes() {
            return e;
        }
    }
    panic!("no symbol {name}");
}

// ---------------------------------------------------------------------------------------
// Truncation and section headers
// ---------------------------------------------------------------------------------------

#[test]
fn truncated_objects() {
    let b = Bench::new("trunc");
    let obj = b.object("mismatch/rules.c");
    let shoff = rd_u64(&obj, 0x28) as usize;
    // Shorter than an ELF header: skipped silently by both.
    b.object_case("tiny.o", obj[..40].to_vec(), Expect::SameAsC);
    // Cut before the section headers: C's own e_shoff check.
    b.object_case("half.o", obj[..obj.len() / 2].to_vec(), Expect::SameAsC);
    // Cut exactly at, or in the middle of, the section header table.
    b.object_case(
        "noshdr.o",
        obj[..shoff].to_vec(),
        Expect::CleanError("section header"),
    );
    b.object_case(
        "midshdr.o",
        obj[..shoff + 64 * 3 + 10].to_vec(),
        Expect::CleanError("section header"),
    );
}

#[test]
fn section_headers_past_the_end() {
    let b = Bench::new("shdr");
    let obj = b.object("mismatch/rules.c");
    let len = obj.len() as u64;
    let mut d = obj.clone();
    put_u16(&mut d, 0x3c, 0xfff0); // e_shnum
    b.object_case("shnum.o", d, Expect::CleanError("section header"));
    let mut d = obj.clone();
    put_u64(&mut d, 0x28, len - 10); // e_shoff inside the file, table beyond it
    b.object_case("shoff.o", d, Expect::CleanError("section header"));
    // e_shoff past the end is C's own check.
    let mut d = obj.clone();
    put_u64(&mut d, 0x28, u64::MAX);
    b.object_case("shoffmax.o", d, Expect::SameAsC);
    // A section whose contents start past the end of the file: C's "is truncated".
    let mut d = obj.clone();
    let s = elf64_section(&d, ".rela.text");
    put_u64(&mut d, s.header_offset + 24, u64::MAX - 8);
    b.object_case("shoffsec.o", d, Expect::SameAsC);
}

#[test]
fn section_sizes_past_the_end() {
    let b = Bench::new("sizes");
    let obj = b.object("mismatch/rules.c");
    for (name, sec, size) in [
        ("relasize.o", ".rela.text", 1u64 << 40),
        ("relawrap.o", ".rela.data", u64::MAX),
        ("symsize.o", ".symtab", 1u64 << 33),
        ("strsize.o", ".strtab", 1u64 << 33),
        ("modinfosize.o", ".modinfo", 1u64 << 33),
    ] {
        let mut d = obj.clone();
        let s = elf64_section(&d, sec);
        put_u64(&mut d, s.header_offset + 32, size);
        b.object_case(name, d, Expect::CleanError(sec));
    }
}

// ---------------------------------------------------------------------------------------
// Links and indices
// ---------------------------------------------------------------------------------------

#[test]
fn bad_section_links_and_indices() {
    let b = Bench::new("links");
    let obj = b.object("mismatch/rules.c");
    // .symtab's string table does not exist.
    let mut d = obj.clone();
    let s = elf64_section(&d, ".symtab");
    put_u32(&mut d, s.header_offset + 40, 999);
    b.object_case("symlink.o", d, Expect::CleanError("999"));
    // The section-name string table index is out of range.
    let mut d = obj.clone();
    put_u16(&mut d, 0x3e, 999);
    b.object_case("shstrndx.o", d, Expect::CleanError("999"));
    // A relocation section that applies to a section that does not exist: C's sec_name()
    // gives "" for it, which is in no rule: well-defined.
    let mut d = obj.clone();
    let s = elf64_section(&d, ".rela.text");
    put_u32(&mut d, s.header_offset + 44, 999);
    b.object_case("relinfo.o", d, Expect::SameAsC);
}

#[test]
fn relocation_symbol_out_of_range() {
    let b = Bench::new("relsym");
    let obj = b.object("mismatch/rules.c");
    let mut d = obj.clone();
    let s = elf64_section(&d, ".rela.text");
    // r_info of the first entry: symbol 0xffffff, type unchanged.
    let e = s.sh_offset as usize + 8;
    let info = rd_u64(&d, e);
    put_u64(&mut d, e, (0xff_ffffu64 << 32) | (info & 0xffff_ffff));
    b.object_case("relsym.o", d, Expect::CleanError("symbol"));
    // The same in .rela.export_symbol (with -M the export path reads it).
    let exp = b.object("exports/provider.c");
    let mut d = exp.clone();
    let s = elf64_section(&d, ".rela.export_symbol");
    let e = s.sh_offset as usize + 8;
    let info = rd_u64(&d, e);
    put_u64(&mut d, e, (0x7fff_0000u64 << 32) | (info & 0xffff_ffff));
    b.object_case("expsym.o", d, Expect::CleanError("symbol"));
}

#[test]
fn bad_string_offsets() {
    let b = Bench::new("strings");
    let obj = b.object("mismatch/rules.c");
    // A section name offset far outside the file.
    let mut d = obj.clone();
    let s = elf64_section(&d, ".rela.text");
    put_u32(&mut d, s.header_offset, 0x7fff_fff0);
    b.object_case("shname.o", d, Expect::CleanError("name"));
    // A symbol name offset far outside the file.
    let mut d = obj.clone();
    let e = symbol_entry(&d, "init_fn");
    put_u32(&mut d, e, 0x7fff_fff0);
    b.object_case("stname.o", d, Expect::CleanError("name"));
}

#[test]
fn export_and_device_table_data_outside_the_file() {
    let b = Bench::new("data");
    // An export label moved far past the relocation: C finds no label at or below the
    // relocation and reports an empty "strange symbol" (well-defined).
    let exp = b.object("exports/provider.c");
    let mut d = exp.clone();
    let e = symbol_entry(&d, "__export_symbol_plain_func");
    put_u64(&mut d, e + 8, 1u64 << 40);
    b.object_case("label.o", d, Expect::SameAsC);
    // The .export_symbol contents start at the very end of the file: the licence string of
    // every label would be read past the end.
    let mut d = exp.clone();
    let s = elf64_section(&d, ".export_symbol");
    let len = d.len() as u64;
    put_u64(&mut d, s.header_offset + 24, len);
    b.object_case("expdata.o", d, Expect::CleanError("__export_symbol_"));
    // A device table larger than the file.
    let src = b.dir.join("devtab.c");
    std::fs::write(
        &src,
        "#include \"kmod.h\"\n\
         __used const unsigned char __mod_pci__big_device_table[80] = { 1 };\n\
         MODULE_LICENSE(\"GPL\");\n",
    )
    .unwrap();
    compile(&src, &b.dir.join("devtab.o"), &[]);
    let mut d = std::fs::read(b.dir.join("devtab.o")).unwrap();
    std::fs::remove_file(b.dir.join("devtab.o")).unwrap();
    std::fs::remove_file(&src).unwrap();
    let e = symbol_entry(&d, "__mod_pci__big_device_table");
    put_u64(&mut d, e + 16, 1u64 << 40);
    b.object_case(
        "devtab.o",
        d,
        Expect::CleanError("__mod_pci__big_device_table"),
    );
}

// ---------------------------------------------------------------------------------------
// Text inputs: symvers, modules.order, -u lists, .mod and .cmd files
// ---------------------------------------------------------------------------------------

#[test]
fn malformed_symvers_lines() {
    let b = Bench::new("symvers");
    compile(
        &modpost_testdata().join("exports/consumer.c"),
        &b.dir.join("consumer.o"),
        &[],
    );
    let cases: &[(&str, &[u8])] = &[
        (
            "crlf.symvers",
            b"0x1\tplain_func\tprovider\tEXPORT_SYMBOL\t\r\n",
        ),
        (
            "wide.symvers",
            b"0x1ffffffff\tplain_func\tprovider\tEXPORT_SYMBOL\t\n",
        ),
        (
            "tabs.symvers",
            b"0x1\tplain_func\tprovider\tEXPORT_SYMBOL\tNS\textra\n",
        ),
        (
            "space.symvers",
            b" 0x1\tplain_func\tprovider\tEXPORT_SYMBOL\t\n",
        ),
        (
            "neg.symvers",
            b"-1\tplain_func\tprovider\tEXPORT_SYMBOL\t\n",
        ),
        (
            "empty_crc.symvers",
            b"\tplain_func\tprovider\tEXPORT_SYMBOL\t\n",
        ),
        (
            "noeol.symvers",
            b"0x1\tplain_func\tprovider\tEXPORT_SYMBOL\t",
        ),
        (
            "blank.symvers",
            b"0x1\tplain_func\tprovider\tEXPORT_SYMBOL\t\n\n",
        ),
        ("binary.symvers", b"\x7fELF\x02\x01\x01\0\0\0\t\xff\xfe\n"),
        (
            "utf8.symvers",
            b"0x1\tpl\xc3\xa4in\tprov\xffider\tEXPORT_SYMBOL\t\n",
        ),
    ];
    for (name, text) in cases {
        b.file(name, text);
        b.check(
            &["-i", name, "-w", "-N", "-o", "Module.symvers", "consumer.o"],
            name,
            Expect::SameAsC,
        );
    }
    let long = format!("0x1\t{}\tprovider\tEXPORT_SYMBOL\t\n", "s".repeat(100_000));
    b.file("long.symvers", long);
    b.check(
        &["-i", "long.symvers", "-w", "consumer.o"],
        "long.symvers",
        Expect::SameAsC,
    );
}

#[test]
fn malformed_files_source_lines() {
    let b = Bench::new("order");
    let mut long = "x".repeat(5000);
    long.push_str(".o\n");
    let cases: &[(&str, Vec<u8>)] = &[
        ("crlf.order", b"good.o\r\n".to_vec()),
        ("long.order", long.into_bytes()),
        ("nul.order", b"good.o\0junk\n".to_vec()),
        ("spaces.order", b" good.o\ngood.o \n".to_vec()),
        ("dir.order", b"./good.o\n".to_vec()),
    ];
    for (name, text) in cases {
        b.file(name, text);
        b.check(&["-w", "-T", name], name, Expect::SameAsC);
    }
    b.file("wl", b"plain\0func\n\n\xff\n");
    b.check(&["-t", "-u", "wl", "good.o"], "wl", Expect::SameAsC);
}

#[test]
fn non_utf8_file_names_are_kept_byte_exact() {
    // C prints file names as raw bytes; so must modpost-rs (no U+FFFD replacement).
    let b = Bench::new("nonutf8");
    b.file("binary.order", b"\xff\xfe\x00\x01\n");
    b.check(
        &["-w", "-T", "binary.order"],
        "binary.order",
        Expect::SameAsC,
    );
    b.file("latin1.order", b"caf\xe9.o\n");
    b.file("caf\u{e9}.o", b"");
    b.check(
        &["-n", "-T", "latin1.order"],
        "latin1.order",
        Expect::SameAsC,
    );
    non_utf8_names_in_objects_symbols_and_outputs();
}

/// Real objects under non-UTF-8 paths, exporting and using symbols (and a namespace) whose
/// names are not UTF-8, with non-UTF-8 `-o`/`-d` outputs: stderr, exit code, and every output
/// file (names compared as raw bytes, which the lossy `compare_trees` cannot) as C makes them.
fn non_utf8_names_in_objects_symbols_and_outputs() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;

    fn replace_all(data: &mut [u8], from: &[u8], to: &[u8]) -> usize {
        assert_eq!(from.len(), to.len());
        let mut n = 0;
        let mut i = 0;
        while i + from.len() <= data.len() {
            if &data[i..i + from.len()] == from {
                data[i..i + from.len()].copy_from_slice(to);
                n += 1;
                i += from.len();
            } else {
                i += 1;
            }
        }
        n
    }
    fn put(dir: &Path, rel: &[u8], data: &[u8]) {
        let p = dir.join(OsStr::from_bytes(rel));
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, data).unwrap();
    }
    /// Every file under `root`, keyed by its raw relative path.
    fn raw_tree(root: &Path) -> std::collections::BTreeMap<Vec<u8>, Vec<u8>> {
        let mut out = std::collections::BTreeMap::new();
        let mut dirs = vec![root.to_path_buf()];
        while let Some(dir) = dirs.pop() {
            for e in std::fs::read_dir(&dir).unwrap().flatten() {
                let p = e.path();
                if e.file_type().unwrap().is_dir() {
                    dirs.push(p);
                } else {
                    let rel = p
                        .strip_prefix(root)
                        .unwrap()
                        .as_os_str()
                        .as_bytes()
                        .to_vec();
                    out.insert(rel, std::fs::read(&p).unwrap());
                }
            }
        }
        out
    }
    fn run_raw(tool: &Path, args: &[&[u8]], cwd: &Path) -> (i32, Vec<u8>) {
        let out = std::process::Command::new(tool)
            .args(args.iter().map(|a| OsStr::from_bytes(a)))
            .current_dir(cwd)
            .output()
            .unwrap();
        (out.status.code().unwrap_or(-1), out.stderr)
    }

    let scratch = Scratch::new("nonutf8-objects");
    let src = scratch.path().join("src");
    std::fs::create_dir_all(&src).unwrap();
    let object = |fixture: &str| {
        let out = scratch.path().join("obj.o");
        compile(&modpost_testdata().join(fixture), &out, &[]);
        std::fs::read(&out).unwrap()
    };
    let mut provider = object("exports/provider.c");
    assert!(replace_all(&mut provider, b"ns_gpl_func", b"ns_gpl_f\xe9nc") >= 1);
    assert!(replace_all(&mut provider, b"OTHER_NS", b"OTH\xc9R_NS") >= 1);
    let mut consumer = object("exports/consumer.c");
    assert!(replace_all(&mut consumer, b"ns_gpl_func", b"ns_gpl_f\xe9nc") >= 1);
    put(&src, b"caf\xe9/prov\xff.o", &provider);
    put(&src, b"caf\xe9/cons\xfe.o", &consumer);
    put(&src, b"und\xe8f.o", &object("undefined/two_undef.c"));
    put(&src, b"list\xe7.order", b"und\xe8f.o\n");
    let args: &[&[u8]] = &[
        b"-M",
        b"-N",
        b"-w",
        b"-W",
        b"-o",
        b"\xfd.symvers",
        b"-d",
        b"\xfc.nsdeps",
        b"-T",
        b"list\xe7.order",
        b"caf\xe9/prov\xff.o",
        b"caf\xe9/cons\xfe.o",
    ];
    let c_dir = scratch.path().join("c");
    let rs_dir = scratch.path().join("rs");
    copy_tree(&src, &c_dir);
    copy_tree(&src, &rs_dir);
    let (c_code, c_err) = run_raw(&c_modpost(), args, &c_dir);
    let (rs_code, rs_err) = run_raw(&modpost_rs(), args, &rs_dir);
    assert!(
        c_err == rs_err,
        "stderr differs from C\n--- C ---\n{:?}\n--- Rust ---\n{:?}",
        String::from_utf8_lossy(&c_err),
        String::from_utf8_lossy(&rs_err)
    );
    // The case must exercise raw bytes in messages: names from paths and from symbols.
    for needle in [
        &b"cons\xfe"[..],
        b"ns_gpl_f\xe9nc",
        b"OTH\xc9R_NS",
        b"und\xe8f.ko",
    ] {
        assert!(
            c_err.windows(needle.len()).any(|w| w == needle),
            "C stderr lacks {needle:?}: {}",
            String::from_utf8_lossy(&c_err)
        );
    }
    assert_eq!(c_code, rs_code, "exit code differs from C");
    let (c_tree, rs_tree) = (raw_tree(&c_dir), raw_tree(&rs_dir));
    let names = |t: &std::collections::BTreeMap<Vec<u8>, Vec<u8>>| {
        t.keys()
            .map(|k| String::from_utf8_lossy(k).into_owned() + &format!(" {k:x?}"))
            .collect::<Vec<_>>()
    };
    assert!(
        c_tree.keys().eq(rs_tree.keys()),
        "file names differ:\nC: {:#?}\nRust: {:#?}",
        names(&c_tree),
        names(&rs_tree)
    );
    for (name, c_data) in &c_tree {
        if let Some(d) = first_difference(c_data, &rs_tree[name]) {
            panic!("{}: differs from C: {d}", String::from_utf8_lossy(name));
        }
    }
    assert!(c_tree.contains_key(&b"caf\xe9/prov\xff.mod.c"[..]));
    assert!(c_tree.contains_key(&b"\xfd.symvers"[..]));
}

#[test]
fn malformed_cmd_and_mod_files() {
    // Needs the sources module (#SYMVER parsing).
    let b = Bench::new("cmd");
    compile(
        &modpost_testdata().join("exports/provider.c"),
        &b.dir.join("provider.o"),
        &[],
    );
    // Only the first object list entry before an empty line counts (strsep loop stops).
    b.file("provider.mod", "provider.o\n\nother.o\n");
    b.file(
        ".provider.o.cmd",
        "#SYMVER plain_func 0x11111111\n\
         #SYMVER gpl_func\n\
         #SYMVER data_var 0xZZ\n\
         #SYMVER ns_func  0x2\n\
         #SYMVER ns_gpl_func 0x33333333 \n\
         #SYMVER for_mods_func 0x44444444\r\n\
         #SYMVER unused_func 99999999999\n\
         #SYMVER listed_func 0x55555555",
    );
    b.check(
        &["-M", "-m", "-N", "-o", "Module.symvers", "provider.o"],
        ".provider.o.cmd",
        Expect::SameAsC,
    );
    // A .mod file naming an object whose .cmd file is missing.
    b.file("provider.mod", "provider.o\nmissing/other.o\n");
    b.check(
        &["-M", "-m", "provider.o"],
        "missing/.other.o.cmd",
        Expect::SameAsC,
    );
}

#[test]
fn extended_section_index_without_table() {
    // A symbol with st_shndx == SHN_XINDEX in an object that has no .symtab_shndx: C indexes
    // a NULL table.
    let b = Bench::new("xindex");
    let obj = b.object("mismatch/rules.c");
    let mut d = obj.clone();
    let e = symbol_entry(&d, "init_fn");
    put_u16(&mut d, e + 6, 0xffff);
    b.object_case("xindex.o", d, Expect::CleanError("SHN_XINDEX"));
    // e_shnum == 0 and e_shstrndx == SHN_XINDEX take the real values from section 0; with a
    // zero section 0 there are no sections at all: "has no symtab?" in both.
    let mut d = obj.clone();
    put_u16(&mut d, 0x3c, 0);
    b.object_case("shnum0.o", d, Expect::SameAsC);
}

/// `(sh_offset, sh_size, header offset)` of a section of a little-endian ELF32 file.
fn elf32_section(d: &[u8], name: &str) -> (usize, usize, usize) {
    let u16_at = |o: usize| u16::from_le_bytes([d[o], d[o + 1]]) as usize;
    let u32_at = |o: usize| u32::from_le_bytes(d[o..o + 4].try_into().unwrap()) as usize;
    assert_eq!(d[4], 1, "not ELF32");
    let shoff = u32_at(0x20);
    let shnum = u16_at(0x30);
    let shstrndx = u16_at(0x32);
    let strtab = u32_at(shoff + shstrndx * 40 + 16);
    for i in 0..shnum {
        let h = shoff + i * 40;
        let n = strtab + u32_at(h);
        let end = n + d[n..].iter().position(|&b| b == 0).unwrap();
        if &d[n..end] == name.as_bytes() {
            return (u32_at(h + 16), u32_at(h + 20), h);
        }
    }
    panic!("no section {name}");
}

#[test]
fn rel_addend_word_outside_the_file() {
    // i386 REL: the addend is read from the relocated word; a relocation whose r_offset
    // points past the end of the file makes C read outside its mapping.
    let b = Bench::new("relword");
    let src = modpost_testdata().join("cross/refs.c");
    let out = b.dir.join("rel32.o");
    compile(&src, &out, &["-m32"]);
    let mut d = std::fs::read(&out).unwrap();
    std::fs::remove_file(&out).unwrap();
    let (off, size, _) = elf32_section(&d, ".rel.data");
    assert!(size >= 8, ".rel.data is empty");
    // Every entry of .rel.data reports a mismatch: move the first one's r_offset.
    d[off..off + 4].copy_from_slice(&0x7fff_fff0u32.to_le_bytes());
    b.file("rel32.o", d);
    b.check(
        &["-w", "rel32.o", "good.o"],
        "rel32.o",
        Expect::CleanError("outside the file"),
    );
}
