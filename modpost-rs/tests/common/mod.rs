//! Shared pieces of the differential tests: find the C oracle fixture, make scratch copies of
//! its build tree, run a tool, and compare files with a readable first difference.
#![allow(dead_code)]

use std::path::Path;
use std::path::PathBuf;
use std::process::Command;

/// The fixture WORK directory (`build-6.12/`, `logs/`, `kotest/`) prepared by kbuild/oracle.sh.
pub fn fixture() -> PathBuf {
    if let Ok(p) = std::env::var("MODPOST_RS_FIXTURE") {
        return PathBuf::from(p);
    }
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let out = Command::new("bash")
        .arg(repo.join("kbuild/oracle.sh"))
        .arg("env")
        .output()
        .expect("run kbuild/oracle.sh env");
    let text = String::from_utf8_lossy(&out.stdout);
    let work = text
        .lines()
        .find_map(|l| l.strip_prefix("WORK="))
        .unwrap_or_else(|| panic!("kbuild/oracle.sh env printed no WORK=: {text}"));
    let work = PathBuf::from(work.trim_matches('\''));
    assert!(
        work.join(".done-build").exists(),
        "the C oracle fixture is not prepared at {}: run `bash kbuild/oracle.sh prepare` (or set MODPOST_RS_FIXTURE)",
        work.display()
    );
    work
}

pub fn build_dir() -> PathBuf {
    fixture().join("build-6.12")
}

/// A fresh scratch directory under the system temp dir, removed on drop.
pub struct Scratch(pub PathBuf);

impl Scratch {
    pub fn new(tag: &str) -> Scratch {
        let base =
            std::env::temp_dir().join(format!("modpost-rs-test-{}-{}", tag, std::process::id()));
        let _ = std::fs::remove_dir_all(&base);
        std::fs::create_dir_all(&base).expect("create scratch dir");
        Scratch(base)
    }
    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Hard-link copy of `src` at `dst` (`cp -al`): cheap, and safe because both tools only create
/// or replace files (we delete the outputs first, so C's fopen("w") creates new inodes).
pub fn link_copy(src: &Path, dst: &Path) {
    let st = Command::new("cp")
        .arg("-al")
        .arg(src)
        .arg(dst)
        .status()
        .expect("cp -al");
    assert!(st.success(), "cp -al {} {}", src.display(), dst.display());
}

/// Result of one tool run.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
}

pub fn run(tool: &Path, args: &[&str], cwd: &Path) -> Run {
    let out = Command::new(tool)
        .args(args)
        .current_dir(cwd)
        .output()
        .unwrap_or_else(|e| panic!("run {}: {e}", tool.display()));
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: out.stdout,
        stderr: out.stderr,
    }
}

/// Describe the first difference between two byte strings, line by line.
pub fn first_difference(a: &[u8], b: &[u8]) -> Option<String> {
    if a == b {
        return None;
    }
    let la: Vec<&[u8]> = a.split(|&c| c == b'\n').collect();
    let lb: Vec<&[u8]> = b.split(|&c| c == b'\n').collect();
    for i in 0..la.len().max(lb.len()) {
        let x = la.get(i).copied();
        let y = lb.get(i).copied();
        if x != y {
            let show = |l: Option<&[u8]>| match l {
                Some(l) => format!("{:?}", String::from_utf8_lossy(l)),
                None => "<end of file>".to_string(),
            };
            return Some(format!(
                "first difference at line {}:\n  C:    {}\n  Rust: {}",
                i + 1,
                show(x),
                show(y)
            ));
        }
    }
    Some("files differ (no line difference found)".into())
}

/// Compare the same relative file in two trees; returns a description of the difference.
pub fn compare_file(c_root: &Path, rs_root: &Path, rel: &str) -> Option<String> {
    let a = std::fs::read(c_root.join(rel));
    let b = std::fs::read(rs_root.join(rel));
    match (a, b) {
        (Ok(a), Ok(b)) => first_difference(&a, &b).map(|d| format!("{rel}: {d}")),
        (Err(_), Err(_)) => None,
        (Ok(_), Err(e)) => Some(format!("{rel}: C wrote it, Rust did not ({e})")),
        (Err(e), Ok(_)) => Some(format!("{rel}: Rust wrote it, C did not ({e})")),
    }
}

/// The modpost command line that Kbuild ran, as recorded in the V=1 build log.
pub fn kbuild_modpost_args(log: &Path) -> Vec<String> {
    let text =
        std::fs::read_to_string(log).unwrap_or_else(|e| panic!("read {}: {e}", log.display()));
    let line = text
        .lines()
        .map(str::trim_start)
        .find(|l| l.starts_with("scripts/mod/modpost "))
        .unwrap_or_else(|| panic!("no modpost command in {}", log.display()));
    line.split_whitespace()
        .skip(1)
        .map(str::to_string)
        .collect()
}

pub fn modpost_rs() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_modpost-rs"))
}

/// The project's own C fixtures: `<repo>/testdata/modpost`.
pub fn testdata() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../testdata/modpost")
}

/// The C modpost of the fixture build; a missing oracle fails the test with a clear message.
pub fn c_modpost() -> PathBuf {
    let p = build_dir().join("scripts/mod/modpost");
    assert!(
        p.is_file(),
        "the C oracle {} is missing: run `bash kbuild/oracle.sh prepare` (or set MODPOST_RS_FIXTURE)",
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
        .arg(testdata().join("include"))
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

/// Every regular file under `root`, by relative path (symlinks are not followed).
pub fn tree_files(root: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut std::collections::BTreeMap<String, Vec<u8>>) {
        let Ok(rd) = std::fs::read_dir(dir) else {
            return;
        };
        for e in rd.flatten() {
            let p = e.path();
            let Ok(ft) = e.file_type() else { continue };
            if ft.is_dir() {
                walk(root, &p, out);
            } else if ft.is_file() {
                let rel = p
                    .strip_prefix(root)
                    .unwrap_or(&p)
                    .to_string_lossy()
                    .into_owned();
                out.insert(rel, std::fs::read(&p).unwrap_or_default());
            }
        }
    }
    let mut out = std::collections::BTreeMap::new();
    walk(root, root, &mut out);
    out
}

/// Differences between two directory trees (files present in one only, or with other bytes).
pub fn compare_trees(c_root: &Path, rs_root: &Path) -> Vec<String> {
    let a = tree_files(c_root);
    let b = tree_files(rs_root);
    let mut diffs = Vec::new();
    for (rel, data) in &a {
        match b.get(rel) {
            None => diffs.push(format!("{rel}: C wrote it, Rust did not")),
            Some(other) => {
                if let Some(d) = first_difference(data, other) {
                    diffs.push(format!("{rel}: {d}"));
                }
            }
        }
    }
    for rel in b.keys() {
        if !a.contains_key(rel) {
            diffs.push(format!("{rel}: Rust wrote it, C did not"));
        }
    }
    diffs
}

/// Temporary files an atomic writer may leave behind (`.<name>.tmp.<pid>` and friends).
pub fn leftover_temp_files(root: &Path) -> Vec<String> {
    tree_files(root)
        .into_keys()
        .filter(|rel| rel.contains(".tmp"))
        .collect()
}

/// One section header of a little-endian ELF64 file, for byte-patching test inputs.
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

fn le_u16(d: &[u8], off: usize) -> u16 {
    u16::from_le_bytes([d[off], d[off + 1]])
}

fn le_u32(d: &[u8], off: usize) -> u32 {
    u32::from_le_bytes(d[off..off + 4].try_into().unwrap())
}

fn le_u64(d: &[u8], off: usize) -> u64 {
    u64::from_le_bytes(d[off..off + 8].try_into().unwrap())
}

/// The section headers of a well-formed little-endian ELF64 object (test inputs only).
pub fn elf64_sections(d: &[u8]) -> Vec<Elf64Section> {
    assert_eq!(&d[..4], b"\x7fELF", "not an ELF file");
    assert_eq!(d[4], 2, "not ELF64");
    let shoff = le_u64(d, 0x28) as usize;
    let shnum = le_u16(d, 0x3c) as usize;
    let shstrndx = le_u16(d, 0x3e) as usize;
    let hdr = |i: usize| shoff + i * 64;
    let strtab_off = le_u64(d, hdr(shstrndx) + 24) as usize;
    (0..shnum)
        .map(|i| {
            let h = hdr(i);
            let name_off = strtab_off + le_u32(d, h) as usize;
            let end = d[name_off..].iter().position(|&b| b == 0).unwrap() + name_off;
            Elf64Section {
                index: i,
                header_offset: h,
                name: String::from_utf8_lossy(&d[name_off..end]).into_owned(),
                sh_type: le_u32(d, h + 4),
                sh_offset: le_u64(d, h + 24),
                sh_size: le_u64(d, h + 32),
                sh_link: le_u32(d, h + 40),
                sh_info: le_u32(d, h + 44),
            }
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

/// The differential verdict shared by the modpost tests: modpost-rs did not panic, and its
/// stderr, exit code and resulting directory equal the C tool's. `what` names the case.
pub fn assert_same_outcome(what: &str, c: &Run, rs: &Run, c_dir: &Path, rs_dir: &Path) {
    let rs_err = String::from_utf8_lossy(&rs.stderr);
    assert!(
        !rs_err.contains("panicked"),
        "{what}: modpost-rs panicked:\n{rs_err}"
    );
    if let Some(d) = first_difference(&c.stderr, &rs.stderr) {
        panic!(
            "{what}: stderr differs: {d}\n--- C stderr ---\n{}--- Rust stderr ---\n{rs_err}",
            String::from_utf8_lossy(&c.stderr)
        );
    }
    assert_eq!(c.code, rs.code, "{what}: exit codes differ");
    let diffs = compare_trees(c_dir, rs_dir);
    assert!(
        diffs.is_empty(),
        "{what}: files differ after the run:\n{}",
        diffs.join("\n")
    );
}
