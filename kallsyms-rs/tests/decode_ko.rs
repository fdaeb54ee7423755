//! `kallsyms-rs decode module.ko`: the `.kallsyms_paths` section read back per symtab entry.
//!
//! A fixture module gets a section made with `modpost::kallsyms_paths::encode` (the producer's
//! own encoder) and synthetic paths, attached with objcopy and then filled in with the CRC of
//! the symtab objcopy wrote; the decoder must give every named entry its path, and report a
//! missing, stale or malformed section.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use object::read::elf::{ElfFile64, SectionHeader, Sym};
use object::{Endianness, Object, ObjectSection};

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_kallsyms-rs")
}

fn fixture_module() -> PathBuf {
    let work = match std::env::var_os("MODPOST_RS_FIXTURE") {
        Some(w) => PathBuf::from(w),
        None => {
            let root = Path::new(env!("CARGO_MANIFEST_DIR"))
                .parent()
                .expect("root");
            let out = Command::new("bash")
                .arg(root.join("kbuild/oracle.sh"))
                .arg("env")
                .output()
                .expect("run kbuild/oracle.sh env");
            let text = String::from_utf8_lossy(&out.stdout).into_owned();
            let w = text
                .lines()
                .find_map(|l| l.trim_start_matches("export ").strip_prefix("WORK="))
                .unwrap_or_else(|| panic!("oracle missing: kbuild/oracle.sh env printed no WORK="))
                .trim_matches(|c| c == '\'' || c == '"')
                .to_string();
            PathBuf::from(w)
        }
    };
    let ko = work.join("build-6.12/fs/fat/fat.ko");
    assert!(
        ko.exists(),
        "oracle missing: {} (run kbuild/oracle.sh prepare)",
        ko.display()
    );
    ko
}

fn tmp(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!(
        "kallsyms-rs-decode-ko-{}-{tag}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn decode(args: &[&str], file: &Path) -> Output {
    let out = Command::new(bin())
        .arg("decode")
        .args(args)
        .arg(file)
        .output()
        .unwrap();
    assert!(
        !String::from_utf8_lossy(&out.stderr).contains("panicked"),
        "panic"
    );
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
    let f = ElfFile64::<Endianness>::parse(data).unwrap();
    let e = f.endian();
    let sections = f.elf_section_table();
    let st = f.elf_symbol_table();
    let bytes = |i| sections.section(i).unwrap().data(e, data).unwrap();
    let crc = modpost::kallsyms_paths::symtab_crc(bytes(st.section()), bytes(st.string_section()));
    let syms = st
        .enumerate()
        .map(|(i, s)| {
            (
                i.0,
                s.st_value(e),
                st.symbol_name(e, s).unwrap().to_vec(),
                s.is_undefined(e),
            )
        })
        .collect();
    let kp = f
        .section_by_name(".kallsyms_paths")
        .map(|s| s.file_range().unwrap().0 as usize);
    (crc, syms, st.len(), kp)
}

fn payload(data: &[u8], crc: u32) -> Vec<u8> {
    let (_, syms, n, _) = inspect(data);
    let mut paths: Vec<Option<Vec<u8>>> = vec![None; n];
    for (i, _, name, undef) in &syms {
        paths[*i] = path_for(*i, name, *undef);
    }
    let view: Vec<Option<&[u8]>> = paths.iter().map(|p| p.as_deref()).collect();
    modpost::kallsyms_paths::encode(&view, crc, false).unwrap()
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
    let dir = tmp("fresh");
    let ko = with_section(&dir);
    let data = std::fs::read(&ko).unwrap();
    let (_, syms, n, _) = inspect(&data);
    let out = decode(&[], &ko);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
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
    let out = decode(&["--check"], &ko);
    assert!(out.status.success());
    let s = String::from_utf8(out.stdout).unwrap();
    assert!(s.contains(&format!("named symbols of {n}, ")), "{s}");
    assert!(s.ends_with(" with a path (15 distinct paths)\n"), "{s}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn missing_stale_and_malformed_sections_are_reported() {
    let dir = tmp("bad");
    let out = decode(&[], &fixture_module());
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains(": no .kallsyms_paths section"));
    assert!(
        !String::from_utf8_lossy(&out.stdout).contains(".c:"),
        "bare names only"
    );

    let ko = with_section(&dir);
    let mut data = std::fs::read(&ko).unwrap();
    let (_, _, _, off) = inspect(&data);
    let off = off.unwrap();

    // Stale: one symtab value changed after the section was made.
    let mut stale = data.clone();
    {
        let f = ElfFile64::<Endianness>::parse(&*data).unwrap();
        let st = f.elf_symbol_table();
        let sh = f.elf_section_table().section(st.section()).unwrap();
        let symoff = sh.sh_offset(f.endian()) as usize + 24 * 5 + 8;
        stale[symoff] ^= 1;
    }
    std::fs::write(dir.join("stale.ko"), &stale).unwrap();
    let out = decode(&[], &dir.join("stale.ko"));
    assert_eq!(out.status.code(), Some(1));
    let e = String::from_utf8_lossy(&out.stderr);
    assert!(e.contains(": stale .kallsyms_paths: made for "), "{e}");
    assert!(
        !String::from_utf8_lossy(&out.stdout).contains(".c:"),
        "stale paths are not used"
    );

    // Malformed: bad magic.
    data[off] ^= 0xff;
    std::fs::write(dir.join("magic.ko"), &data).unwrap();
    let out = decode(&[], &dir.join("magic.ko"));
    assert_eq!(out.status.code(), Some(1));
    let e = String::from_utf8_lossy(&out.stderr);
    assert!(
        e.contains(": .kallsyms_paths at section offset 0x0: bad magic"),
        "{e}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
