//! The reader and the appender on objects compiled here: 64- and 32-bit gcc objects (with a
//! COMDAT group), extended section numbering, a big-endian file, and corrupted inputs.

use std::path::Path;
use std::path::PathBuf;
use std::process::Command;

use object::Endianness;
use object::SectionIndex;

use super::append::with_section;
use super::ElfFile;
use crate::module_section;

fn scratch(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("kpaths-elf-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
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

fn compile(dir: &Path, extra: &[&str], out: &str) -> PathBuf {
    let obj = dir.join(out);
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../testdata/modpaths/append-sample.c");
    run(Command::new("gcc")
        .args(["-O2", "-c"])
        .args(extra)
        .arg(src)
        .arg("-o")
        .arg(&obj));
    obj
}

/// A `.kallsyms_paths` payload for every symbol of `file`, and its paths.
fn payload_for(file: &ElfFile<'_>) -> (Vec<u8>, Vec<Option<&'static [u8]>>) {
    let symtab = file.symbols().unwrap().unwrap();
    let paths: Vec<Option<&[u8]>> = symtab
        .symbols
        .iter()
        .map(|s| (!s.name.is_empty()).then_some(&b"dir/file.c"[..]))
        .collect();
    let crc = module_section::symtab_crc(symtab.bytes, symtab.strtab);
    let payload = module_section::encode(&paths, crc, file.endian).unwrap();
    (payload, paths)
}

/// Append a payload and check: headers and contents of every old section unchanged, symbols
/// unchanged, the section decodes and is fresh, idempotent, readelf silent (`readelf_opts`),
/// and `ld -r` accepts the result.
fn check_append(object: &Path, ld_emulation: Option<&str>, readelf_opts: &str) {
    let data = std::fs::read(object).unwrap();
    let file = ElfFile::parse(&data).unwrap();
    let (payload, paths) = payload_for(&file);
    let out = with_section(&file, b".kallsyms_paths", &payload).unwrap();
    let again = with_section(&ElfFile::parse(&out).unwrap(), b".kallsyms_paths", &payload).unwrap();
    assert!(out == again, "{}: not idempotent", object.display());

    let after = ElfFile::parse(&out).unwrap();
    assert_eq!(after.sections.len(), file.sections.len() + 1);
    for i in (1..file.sections.len()).map(SectionIndex) {
        if i != file.shstrndx {
            assert_eq!(after.sections[i.0], file.sections[i.0], "section {}", i.0);
        }
        assert_eq!(
            after.section_name(i).unwrap(),
            file.section_name(i).unwrap()
        );
    }
    let before = file.symbols().unwrap().unwrap();
    let (symtab, section) = module_section::read_section(&after).unwrap();
    assert_eq!(symtab.symbols, before.symbols);
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

#[test]
fn append_on_gcc_objects_64_and_32_bit() {
    let dir = scratch("gcc");
    check_append(&compile(&dir, &[], "s64.o"), Some("elf_x86_64"), "-aW");
    check_append(
        &compile(&dir, &["-ffunction-sections", "-fdata-sections"], "sfs.o"),
        Some("elf_x86_64"),
        "-aW",
    );
    check_append(&compile(&dir, &["-m32"], "s32.o"), Some("elf_i386"), "-aW");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn append_with_extended_section_numbering() {
    // 65300 sections: e_shnum is 0, the count lives in section 0 (and so does shstrndx if it
    // is >= SHN_LORESERVE); symbols use SHN_XINDEX and .symtab_shndx.
    let dir = scratch("xindex");
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
    let file = ElfFile::parse(&data).unwrap();
    assert_eq!(
        file.raw_shnum, 0,
        "the test object must use extended numbering"
    );
    let symtab = file.symbols().unwrap().unwrap();
    let last = symtab.symbols.iter().find(|s| s.name == b"f65299").unwrap();
    assert!(
        last.section.unwrap().0 > 0xff00,
        "an index past SHN_LORESERVE"
    );
    assert_eq!(
        file.section_name(last.section.unwrap()).unwrap(),
        b".text.f65299"
    );
    check_append(&obj, None, "-SsW");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Byte-swap the ELF header, section headers, symbols and .symtab_shndx of a little-endian
/// x86-64 object: a structurally valid big-endian file (code and relocations left alone).
pub(crate) fn to_big_endian(data: &[u8]) -> Vec<u8> {
    let file = ElfFile::parse(data).unwrap();
    assert!(file.is_64 && !file.is_big_endian());
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
    let fields = [
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
    ];
    for (i, s) in file.sections.iter().enumerate() {
        let base = file.e_shoff as usize + i * 64;
        for (off, n) in fields {
            swap(&mut out, base + off, n);
        }
        let start = s.sh_offset as usize;
        if s.sh_type == object::elf::SHT_SYMTAB {
            for sym in (start..start + s.sh_size as usize).step_by(24) {
                for (off, n) in [(0, 4), (6, 2), (8, 8), (16, 8)] {
                    swap(&mut out, sym + off, n);
                }
            }
        } else if s.sh_type == object::elf::SHT_SYMTAB_SHNDX {
            for w in (start..start + s.sh_size as usize).step_by(4) {
                swap(&mut out, w, 4);
            }
        }
    }
    out
}

#[test]
fn append_on_a_big_endian_file() {
    let dir = scratch("be");
    let le = compile(&dir, &[], "le.o");
    let le_bytes = std::fs::read(&le).unwrap();
    let be_bytes = to_big_endian(&le_bytes);
    let be = dir.join("be.o");
    std::fs::write(&be, &be_bytes).unwrap();
    let le_file = ElfFile::parse(&le_bytes).unwrap();
    let be_file = ElfFile::parse(&be_bytes).unwrap();
    assert_eq!(be_file.endian, Endianness::Big);
    assert_eq!(be_file.sections, le_file.sections);
    assert_eq!(
        be_file.symbols().unwrap().unwrap().symbols,
        le_file.symbols().unwrap().unwrap().symbols
    );
    check_append(&le, Some("elf_x86_64"), "-aW");
    check_append(&be, None, "-SsW");
    // the payload itself is big-endian: its magic reads "KPTH"
    let out = std::fs::read(be.with_extension("paths.o")).unwrap();
    let after = ElfFile::parse(&out).unwrap();
    let idx = after.section_by_name(b".kallsyms_paths").unwrap();
    assert_eq!(&after.section_data(idx).unwrap()[..4], b"KPTH");
    // readelf sees the same sections and symbols in both byte orders
    let listing = |p: &Path| {
        let o = run(Command::new("readelf").arg("-SsW").arg(p));
        String::from_utf8_lossy(&o.stdout).replace(&p.display().to_string(), "F")
    };
    assert_eq!(
        listing(&be.with_extension("paths.o")),
        listing(&le.with_extension("paths.o"))
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn garbage_inputs_are_errors_not_panics() {
    let dir = scratch("garbage");
    let obj = compile(&dir, &[], "g.o");
    let data = std::fs::read(&obj).unwrap();
    // every truncation, and a flipped byte at many offsets
    for len in 0..data.len() {
        if let Ok(file) = ElfFile::parse(&data[..len]) {
            let _ = file.symbols();
        }
    }
    for at in (0..data.len()).step_by(7) {
        let mut bad = data.clone();
        bad[at] ^= 0xff;
        if let Ok(file) = ElfFile::parse(&bad) {
            if let Ok(Some(symtab)) = file.symbols() {
                let paths: Vec<Option<&[u8]>> = vec![None; symtab.symbols.len()];
                let payload = module_section::encode(&paths, 0, file.endian).unwrap();
                let _ = with_section(&file, b".kallsyms_paths", &payload);
                let _ = module_section::read_section(&file);
            }
        }
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn signature_is_cut_off() {
    let mut m = b"\x7fELF-the-module".to_vec();
    let unsigned = m.len();
    m.extend_from_slice(&[0xaa; 5]); // the signature
    m.extend_from_slice(&[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5]); // struct module_signature
    m.extend_from_slice(module_section::MODULE_SIG_MAGIC);
    assert_eq!(module_section::unsigned_len(&m), Some(unsigned));
    assert_eq!(module_section::unsigned(&m), &m[..unsigned]);
    assert_eq!(module_section::unsigned_len(b"short"), None);
    let mut lying = m.clone();
    let n = lying.len() - module_section::MODULE_SIG_MAGIC.len() - 1;
    lying[n] = 0xff; // signature longer than the file
    assert_eq!(module_section::unsigned_len(&lying), None);
}

/// What the fuzz target `append` (fuzz/fuzz_targets/append.rs) asserts: when `with_section`
/// succeeds, its output keeps its promise (`check_appended`).
fn append_keeps_other_sections(data: &[u8]) {
    const NAME: &[u8] = b".kallsyms_paths";
    const PAYLOAD: &[u8] = b"KPTH fuzz payload\0\x01\x02\x03";
    let Ok(file) = ElfFile::parse(data) else {
        return;
    };
    let Ok(out) = with_section(&file, NAME, PAYLOAD) else {
        return;
    };
    super::append::check_appended(&file, &out, NAME, PAYLOAD).unwrap();
}

/// Every input the fuzz target `append` found a problem with (testdata/fuzz-regressions/append).
#[test]
fn fuzz_regressions_append() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../testdata/fuzz-regressions/append");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        append_keeps_other_sections(&std::fs::read(&path).unwrap());
        n += 1;
    }
    assert!(n > 0, "no inputs in {}", dir.display());
}

/// Found by the fuzz target `append`: a section whose contents lie in the ELF header would
/// change when e_shoff and e_shnum are rewritten, so the file is refused.
#[test]
fn a_section_inside_the_elf_header_is_refused() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../testdata/fuzz-regressions/append");
    let data = std::fs::read(dir.join("section-in-elf-header")).unwrap();
    let file = ElfFile::parse(&data).unwrap();
    let err = with_section(&file, b".kallsyms_paths", b"x").unwrap_err();
    assert!(err.to_string().contains("overlaps the ELF header"), "{err}");
}

/// Found by the fuzz target `append`: in a file whose section names cannot be read (here an
/// empty name table), every section came out named like the new one, since the new name went
/// to offset 0 of the rebuilt table; such a file is refused.
#[test]
fn sections_with_unreadable_names_are_refused() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../testdata/fuzz-regressions/append");
    let data = std::fs::read(dir.join("unreadable-section-names")).unwrap();
    let file = ElfFile::parse(&data).unwrap();
    let err = with_section(&file, b".kallsyms_paths", b"x").unwrap_err();
    assert!(
        err.to_string().contains("outside the section-name table"),
        "{err}"
    );
}

/// Found by the fuzz target `append`: with e_ehsize 0 (and no program headers) the kept prefix
/// was empty, so the output lost its ELF header; the prefix now always holds the whole header.
#[test]
fn a_zero_e_ehsize_keeps_the_elf_header() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../testdata/fuzz-regressions/append");
    let data = std::fs::read(dir.join("ehsize-zero")).unwrap();
    let file = ElfFile::parse(&data).unwrap();
    let out = with_section(&file, b".kallsyms_paths", b"x").unwrap();
    assert_eq!(out[..32], data[..32], "the header before e_shoff");
    append_keeps_other_sections(&data);
}

/// Found by the fuzz target `append`: when the section-name table itself has the new section's
/// name, replacing it lost every name; such a file is refused.
#[test]
fn a_name_table_with_the_sections_name_is_refused() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../testdata/fuzz-regressions/append");
    let data = std::fs::read(dir.join("name-table-named-like-the-section")).unwrap();
    let file = ElfFile::parse(&data).unwrap();
    assert_eq!(
        file.section_by_name(b".kallsyms_paths"),
        Some(file.shstrndx)
    );
    let err = with_section(&file, b".kallsyms_paths", b"x").unwrap_err();
    assert!(
        err.to_string().contains("section-name table is called"),
        "{err}"
    );
}

#[test]
fn section_headers_the_loader_refuses_are_malformed() {
    // The kernel loader (patch 0004) takes a .kallsyms_paths section only as ko-paths writes
    // it: PROGBITS, no SHF_ALLOC, aligned to at most 4. A huge sh_addralign crashed the
    // loader before it checked this (the crafted-module boot test, align-4g).
    let dir = scratch("loader-refuses");
    let object = compile(&dir, &[], "sample.o");
    let data = std::fs::read(object).unwrap();
    let file = ElfFile::parse(&data).unwrap();
    let (payload, _) = payload_for(&file);
    let good = with_section(&file, b".kallsyms_paths", &payload).unwrap();
    let parsed = ElfFile::parse(&good).unwrap();
    assert!(module_section::read_section(&parsed).is_ok());
    let index = parsed.section_by_name(b".kallsyms_paths").unwrap().0;
    let e_shoff = u64::from_le_bytes(good[0x28..0x30].try_into().unwrap());
    let header = usize::try_from(e_shoff).unwrap() + 64 * index;
    // (field offset in Elf64_Shdr, width, value)
    for (what, at, bytes) in [
        ("sh_addralign 2^32", 48, (1u64 << 32).to_le_bytes().to_vec()),
        ("sh_addralign 8", 48, 8u64.to_le_bytes().to_vec()),
        ("sh_addralign 3", 48, 3u64.to_le_bytes().to_vec()),
        ("SHT_NULL", 4, 0u32.to_le_bytes().to_vec()),
        ("SHT_NOBITS", 4, 8u32.to_le_bytes().to_vec()),
        ("SHF_ALLOC", 8, 2u64.to_le_bytes().to_vec()),
    ] {
        let mut bad = good.clone();
        bad[header + at..header + at + bytes.len()].copy_from_slice(&bytes);
        let parsed = ElfFile::parse(&bad).unwrap();
        match module_section::read_section(&parsed) {
            Err(module_section::SectionProblem::Malformed(_)) => {}
            other => panic!("{what}: {:?}", other.map(|_| ())),
        }
    }
}
