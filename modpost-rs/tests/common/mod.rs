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
