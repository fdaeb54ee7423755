//! What the modpost-rs integration tests share beyond kpaths::testkit: the binary, the C
//! oracle's modpost, compiling the project's C fixtures, and byte patches of ELF64 inputs.
#![allow(dead_code)] // each test binary uses a different part

use std::path::Path;
use std::path::PathBuf;
use std::process::Command;

pub use kpaths::testkit::*;

/// The O= build directory of the C oracle.
pub fn build_dir() -> PathBuf {
    oracle().build
}

/// The modpost command line Kbuild ran, from the V=1 build log.
pub fn kbuild_modpost_args(log: &Path) -> Vec<String> {
    kbuild_command(log, "scripts/mod/modpost")
}

pub fn modpost_rs() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_modpost-rs"))
}

/// The project's own C fixtures: `<repo>/testdata/modpost`.
pub fn modpost_testdata() -> PathBuf {
    testdata("modpost")
}

/// The C modpost of the fixture build; a missing oracle fails the test with a clear message.
pub fn c_modpost() -> PathBuf {
    let p = build_dir().join("scripts/mod/modpost");
    assert!(
        p.is_file(),
        "the C oracle {} is missing: run `bash kbuild/kernel.sh build oracle`",
        p.display()
    );
    p
}

/// Compile (or assemble) `src` into `out` with `cc -c`, kernel-style flags and the fixtures'
/// include directory; the test fails with the compiler's message if that does not work.
pub fn compile_with(cc: &str, src: &Path, out: &Path, extra: &[&str]) {
    if let Some(dir) = out.parent() {
        std::fs::create_dir_all(dir).expect("create object directory");
    }
    let output = Command::new(cc)
        .args([
            "-c",
            "-O2",
            "-fno-pic",
            "-fno-asynchronous-unwind-tables",
            "-fno-stack-protector",
            "-fno-common",
        ])
        .arg("-I")
        .arg(modpost_testdata().join("include"))
        .args(extra)
        .arg(src)
        .arg("-o")
        .arg(out)
        .output()
        .unwrap_or_else(|e| panic!("run {cc}: {e}"));
    assert!(
        output.status.success(),
        "{cc} -c {} failed:\n{}",
        src.display(),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// `compile_with("gcc", ...)`.
pub fn compile(src: &Path, out: &Path, extra: &[&str]) {
    compile_with("gcc", src, out, extra)
}

/// One section header of an ELF64 file, for byte-patching test inputs.
#[derive(Debug, Clone)]
pub struct Elf64Section {
    /// Section index.
    pub index: usize,
    /// File offset of this section header.
    pub header_offset: usize,
    /// Name from the section-name string table.
    pub name: String,
    /// `sh_type`.
    pub sh_type: u32,
    /// `sh_offset`.
    pub sh_offset: u64,
    /// `sh_size`.
    pub sh_size: u64,
    /// `sh_link`.
    pub sh_link: u32,
    /// `sh_info`.
    pub sh_info: u32,
}

/// The section headers of a well-formed ELF64 object (test inputs only), read with kpaths.
pub fn elf64_sections(d: &[u8]) -> Vec<Elf64Section> {
    let file = kpaths::elf::ElfFile::parse(d).expect("a well-formed ELF test input");
    assert!(file.is_64, "not ELF64");
    file.sections
        .iter()
        .enumerate()
        .map(|(i, h)| Elf64Section {
            index: i,
            header_offset: file.e_shoff as usize + i * 64,
            name: String::from_utf8_lossy(file.section_name(object::SectionIndex(i)).unwrap())
                .into_owned(),
            sh_type: h.sh_type.0,
            sh_offset: h.sh_offset,
            sh_size: h.sh_size,
            sh_link: h.sh_link,
            sh_info: h.sh_info,
        })
        .collect()
}

/// The section called `name` (panics if there is none: the fixture is wrong).
pub fn elf64_section(d: &[u8], name: &str) -> Elf64Section {
    elf64_sections(d)
        .into_iter()
        .find(|s| s.name == name)
        .unwrap_or_else(|| panic!("no section {name} in the test object"))
}

/// Little-endian stores for byte patches.
pub fn put_u16(d: &mut [u8], off: usize, v: u16) {
    d[off..off + 2].copy_from_slice(&v.to_le_bytes());
}

pub fn put_u32(d: &mut [u8], off: usize, v: u32) {
    d[off..off + 4].copy_from_slice(&v.to_le_bytes());
}

pub fn put_u64(d: &mut [u8], off: usize, v: u64) {
    d[off..off + 8].copy_from_slice(&v.to_le_bytes());
}
