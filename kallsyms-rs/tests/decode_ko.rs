//! `kallsyms-rs decode module.ko`: the `.kallsyms_paths` section read back per symtab entry.
//!
//! A fixture module gets a section made with `kpaths::module_section::encode` (the producer's
//! own encoder) and synthetic paths, attached with objcopy and then filled in with the CRC of
//! the symtab objcopy wrote; the decoder must give every named entry its path, and report a
//! missing, stale or malformed section.
// Test code: a panic is how a test reports a failure.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::path::PathBuf;
use std::process::Command;

use kpaths::elf::ElfFile;
use kpaths::module_section;
use kpaths::testkit::run;
use kpaths::testkit::Run;
use kpaths::testkit::Scratch;

fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_kallsyms-rs"))
}

fn fixture_module() -> PathBuf {
    kpaths::testkit::oracle().build.join("fs/fat/fat.ko")
}

fn decode(args: &[&str], file: &Path) -> Run {
    let mut all = vec!["decode"];
    all.extend_from_slice(args);
    all.push(file.to_str().unwrap());
    let out = run(&bin(), &all, Path::new("."));
    assert!(!out.err().contains("panicked"), "panic");
    out
}

/// Synthetic path of symtab entry `i`: `None` for unnamed and undefined entries.
fn path_for(i: usize, name: &[u8], undefined: bool) -> Option<Vec<u8>> {
    if name.is_empty() || undefined {
        None
    } else {
        Some(format!("dir{}/file{}.c", i % 3, i % 5).into_bytes())
    }
}

/// CRC of symtab+strtab, every entry (index, value, name, undefined), the entry count, and
/// the file offset of `.kallsyms_paths` if present.
#[allow(clippy::type_complexity)]
fn inspect(data: &[u8]) -> (u32, Vec<(usize, u64, Vec<u8>, bool)>, usize, Option<usize>) {
    let f = ElfFile::parse(data).unwrap();
    let st = f.symbols().unwrap().unwrap();
    let crc = module_section::symtab_crc(st.bytes, st.strtab);
    let syms = st
        .symbols
        .iter()
        .enumerate()
        .map(|(i, s)| (i, s.st_value, s.name.to_vec(), !s.is_defined()))
        .collect();
    let kp = f
        .section_by_name(b".kallsyms_paths")
        .map(|i| f.sections[i.0].sh_offset as usize);
    (crc, syms, st.symbols.len(), kp)
}

fn payload(data: &[u8], crc: u32) -> Vec<u8> {
    let (_, syms, n, _) = inspect(data);
    let mut paths: Vec<Option<Vec<u8>>> = vec![None; n];
    for (i, _, name, undef) in &syms {
        paths[*i] = path_for(*i, name, *undef);
    }
    let view: Vec<Option<&[u8]>> = paths.iter().map(|p| p.as_deref()).collect();
    module_section::encode(&view, crc, object::Endianness::Little).unwrap()
}

/// A copy of the fixture module with a fresh `.kallsyms_paths`.
fn with_section(dir: &Path) -> PathBuf {
    let src = fixture_module();
    let data = std::fs::read(&src).unwrap();
    std::fs::write(dir.join("placeholder.bin"), payload(&data, 0)).unwrap();
    let out = dir.join("paths.ko");
    let st = Command::new("objcopy")
        .arg("--add-section")
        .arg(format!(
            ".kallsyms_paths={}",
            dir.join("placeholder.bin").display()
        ))
        .arg(&src)
        .arg(&out)
        .status()
        .unwrap();
    assert!(st.success(), "objcopy failed");
    let mut data = std::fs::read(&out).unwrap();
    let (crc, _, _, off) = inspect(&data);
    let real = payload(&data, crc);
    let off = off.expect("objcopy added the section");
    data[off..off + real.len()].copy_from_slice(&real);
    std::fs::write(&out, &data).unwrap();
    out
}

#[test]
fn paths_round_trip_on_a_fixture_module() {
    let scratch = Scratch::new("decode-ko-fresh");
    let dir = scratch.path();
    let ko = with_section(dir);
    let data = std::fs::read(&ko).unwrap();
    let (_, syms, n, _) = inspect(&data);
    let out = decode(&["--paths"], &ko);
    assert_eq!(out.code, 0, "{}", out.err());
    let text = out.out();
    let mut want = Vec::new();
    for (i, value, name, undef) in &syms {
        if name.is_empty() {
            continue;
        }
        let full = match path_for(*i, name, *undef) {
            Some(p) => format!(
                "{}:{}",
                String::from_utf8_lossy(&p),
                String::from_utf8_lossy(name)
            ),
            None => String::from_utf8_lossy(name).into_owned(),
        };
        want.push((format!("{value:016x}"), full));
    }
    let got: Vec<(String, String)> = text
        .lines()
        .map(|l| {
            let mut it = l.splitn(3, ' ');
            let a = it.next().unwrap().to_string();
            let _type = it.next().unwrap();
            (a, it.next().unwrap().to_string())
        })
        .collect();
    assert_eq!(got, want);
    // A few types as the module loader (and nm) gives them.
    for (name, kind) in [
        ("fat_fill_super", 'T'),
        ("__this_module", 'D'),
        ("_printk", 'U'),
    ] {
        // Defined symbols carry a path, the undefined one is bare.
        let sep = if kind == 'U' { ' ' } else { ':' };
        let l = text
            .lines()
            .find(|l| l.ends_with(&format!("{sep}{name}")))
            .unwrap_or_else(|| panic!("no line for {name}"));
        assert_eq!(l.as_bytes()[17], kind as u8, "{l}");
    }
    // Without --paths: the bare names, as /proc/kallsyms shows them.
    let bare = decode(&[], &ko);
    assert_eq!(bare.code, 0);
    assert!(!bare.out().contains(".c:"), "names stay bare");
    assert_eq!(bare.out().lines().count(), got.len());
    let out = decode(&["--check"], &ko);
    assert_eq!(out.code, 0);
    let s = out.out();
    assert!(s.contains(&format!("named symbols of {n}, ")), "{s}");
    assert!(s.ends_with(" with a path (15 distinct paths)\n"), "{s}");
}

#[test]
fn missing_stale_and_malformed_sections_are_reported() {
    let scratch = Scratch::new("decode-ko-bad");
    let dir = scratch.path();
    let out = decode(&["--paths"], &fixture_module());
    assert_eq!(out.code, 1);
    assert!(
        out.err().contains(": no .kallsyms_paths section"),
        "{}",
        out.err()
    );
    assert!(!out.out().contains(".c:"), "bare names only");

    let ko = with_section(dir);
    let mut data = std::fs::read(&ko).unwrap();
    let (_, _, _, off) = inspect(&data);
    let off = off.unwrap();

    // Stale: one symtab value changed after the section was made.
    let mut stale = data.clone();
    {
        let f = ElfFile::parse(&data).unwrap();
        let st = f.symbols().unwrap().unwrap();
        let symoff = f.sections[st.section.0].sh_offset as usize + 24 * 5 + 8;
        stale[symoff] ^= 1;
    }
    std::fs::write(dir.join("stale.ko"), &stale).unwrap();
    let out = decode(&["--paths"], &dir.join("stale.ko"));
    assert_eq!(out.code, 1);
    assert!(
        out.err().contains(": stale .kallsyms_paths: made for "),
        "{}",
        out.err()
    );
    assert!(!out.out().contains(".c:"), "stale paths are not used");

    // Malformed: bad magic.
    data[off] ^= 0xff;
    std::fs::write(dir.join("magic.ko"), &data).unwrap();
    let out = decode(&["--paths"], &dir.join("magic.ko"));
    assert_eq!(out.code, 1);
    assert!(
        out.err()
            .contains(": .kallsyms_paths at section offset 0x0: bad magic"),
        "{}",
        out.err()
    );
}
