//! What the tests of every crate share (feature `testkit`, a dev-dependency only): one way to
//! find the kernel builds and the distro inputs, scratch directories, running a tool, the
//! first difference between two outputs, and the C-vs-Rust verdict.
//!
//! A test that needs a kernel build asks [`kernel`] for it. The builds come from
//! `kbuild/kernel.sh`, the same route `kbuild/test.sh` takes, keyed by source, patches and
//! config under the cache root (`MODPOST_RS_CACHE`); a build that is not there fails the test
//! with the command that makes it. The distro-scale inputs ([`distro`]) are a 1.2 GB
//! download: the tests that use them are `#[ignore = "..."]` and run with `--ignored`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::path::Path;
use std::path::PathBuf;
use std::process::Command;

/// The repository's top directory.
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("kpaths lives in the repository")
        .to_path_buf()
}

/// `<repo>/testdata/<rel>`.
pub fn testdata(rel: &str) -> PathBuf {
    repo().join("testdata").join(rel)
}

/// A kernel build made by `kbuild/kernel.sh`.
#[derive(Debug, Clone)]
pub struct Kernel {
    /// The variant (`oracle`, `paths`, ...).
    pub variant: String,
    /// The source tree it was built from (never written to).
    pub src: PathBuf,
    /// The variant's cache directory (`build-6.12/`, `logs/`, `kotest/`).
    pub work: PathBuf,
    /// The `O=` build directory.
    pub build: PathBuf,
    /// Build logs (`build-V1.log`, `commands.txt`, ...).
    pub logs: PathBuf,
}

impl Kernel {
    /// The external test module's directory (`make M=`), built with the kernel.
    pub fn kotest(&self) -> PathBuf {
        self.work.join("kotest")
    }
}

/// The build of `variant` (see `bash kbuild/kernel.sh help`). Fails the test, naming the
/// command that makes it, if it has not been built.
pub fn kernel(variant: &str) -> Kernel {
    let out = Command::new("bash")
        .arg(repo().join("kbuild/kernel.sh"))
        .args(["env", variant])
        .output()
        .expect("run kbuild/kernel.sh env");
    assert!(
        out.status.success(),
        "kbuild/kernel.sh env {variant}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let var = |name: &str| -> PathBuf {
        let prefix = format!("{name}=");
        let value = text
            .lines()
            .find_map(|l| l.strip_prefix(&prefix))
            .unwrap_or_else(|| panic!("kbuild/kernel.sh env {variant} printed no {name}=: {text}"));
        PathBuf::from(value.trim_matches('\''))
    };
    let kernel = Kernel {
        variant: variant.to_owned(),
        src: var("SRC"),
        work: var("WORK"),
        build: var("BUILD"),
        logs: var("LOGS"),
    };
    assert!(
        kernel.work.join(".done").exists(),
        "the {variant} kernel is not built at {}: run `bash kbuild/kernel.sh build {variant}` \
         (kbuild/test.sh does)",
        kernel.work.display()
    );
    kernel
}

/// The C oracle: Debian's linux-source-6.12 built with the C modpost and kallsyms.
pub fn oracle() -> Kernel {
    kernel("oracle")
}

/// The kernel with CONFIG_KALLSYMS_PATHS=y, built with modpost-rs and kallsyms-rs.
pub fn paths_kernel() -> Kernel {
    kernel("paths")
}

/// Debian's 6.12 amd64 packages as a distro-scale input set (kbuild/distro.sh); fails the
/// test with the command that fetches them if they are absent.
pub fn distro() -> PathBuf {
    let out = Command::new("bash")
        .arg(repo().join("kbuild/distro.sh"))
        .arg("env")
        .output()
        .expect("run kbuild/distro.sh env");
    let text = String::from_utf8_lossy(&out.stdout);
    let dest = text
        .lines()
        .find_map(|l| l.strip_prefix("DEST="))
        .map(|d| PathBuf::from(d.trim_matches('\'')))
        .unwrap_or_else(|| panic!("kbuild/distro.sh env printed no DEST=: {text}"));
    assert!(
        dest.join(".done").exists(),
        "the distro inputs are not at {}: run `bash kbuild/distro.sh fetch` (a 1.2 GB download)",
        dest.display()
    );
    dest
}

/// A fresh scratch directory under the system temp dir, one per test (tag) and process,
/// removed on drop.
pub struct Scratch(PathBuf);

impl Scratch {
    /// Makes the directory `modpost-rs-test-<tag>-<pid>`.
    pub fn new(tag: &str) -> Scratch {
        let dir =
            std::env::temp_dir().join(format!("modpost-rs-test-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create scratch dir");
        Scratch(dir)
    }

    /// The directory.
    pub fn path(&self) -> &Path {
        &self.0
    }

    /// `<dir>/<rel>`.
    pub fn join(&self, rel: impl AsRef<Path>) -> PathBuf {
        self.0.join(rel)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Hard-link copy of `src` at `dst` (`cp -al`): cheap, and safe because the tools only create
/// or replace files (never write into an existing inode). Creates `dst`'s parent directories.
pub fn link_copy(src: &Path, dst: &Path) {
    if let Some(parent) = dst.parent() {
        std::fs::create_dir_all(parent)
            .unwrap_or_else(|e| panic!("create {}: {e}", parent.display()));
    }
    let st = Command::new("cp")
        .arg("-al")
        .arg(src)
        .arg(dst)
        .status()
        .expect("cp -al");
    assert!(st.success(), "cp -al {} {}", src.display(), dst.display());
}

/// Result of one tool run.
#[derive(Debug, Clone)]
pub struct Run {
    /// Exit status (-1 if killed by a signal).
    pub code: i32,
    /// Everything it printed on stdout.
    pub stdout: Vec<u8>,
    /// Everything it printed on stderr.
    pub stderr: Vec<u8>,
}

impl Run {
    /// stdout as text (lossy).
    pub fn out(&self) -> String {
        String::from_utf8_lossy(&self.stdout).into_owned()
    }

    /// stderr as text (lossy).
    pub fn err(&self) -> String {
        String::from_utf8_lossy(&self.stderr).into_owned()
    }
}

/// Runs `tool args...` in `cwd`.
pub fn run<S: AsRef<OsStr>>(tool: &Path, args: &[S], cwd: &Path) -> Run {
    run_cmd(Command::new(tool).args(args).current_dir(cwd))
}

/// Runs a prepared command.
pub fn run_cmd(cmd: &mut Command) -> Run {
    let out = cmd.output().unwrap_or_else(|e| panic!("run {cmd:?}: {e}"));
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: out.stdout,
        stderr: out.stderr,
    }
}

/// Runs `cmd` and fails the test with its stderr unless it succeeds.
pub fn run_ok(cmd: &mut Command) -> Run {
    let r = run_cmd(cmd);
    assert_eq!(r.code, 0, "{cmd:?} failed:\n{}", r.err());
    r
}

/// The first line where `c` (the C tool's output) and `rust` differ, `None` if they are equal.
pub fn first_difference(c: &[u8], rust: &[u8]) -> Option<String> {
    if c == rust {
        return None;
    }
    let la: Vec<&[u8]> = c.split(|&b| b == b'\n').collect();
    let lb: Vec<&[u8]> = rust.split(|&b| b == b'\n').collect();
    let show = |l: Option<&[u8]>| match l {
        Some(l) => format!("{:?}", String::from_utf8_lossy(l)),
        None => "<end of file>".to_string(),
    };
    for i in 0..la.len().max(lb.len()) {
        let (x, y) = (la.get(i).copied(), lb.get(i).copied());
        if x != y {
            return Some(format!(
                "first difference at line {}:\n  C:    {}\n  Rust: {}",
                i + 1,
                show(x),
                show(y)
            ));
        }
    }
    Some("the bytes differ (no line difference found)".into())
}

/// The same relative file in two trees; a description of the difference, if any.
pub fn compare_file(c_root: &Path, rs_root: &Path, rel: &str) -> Option<String> {
    match (
        std::fs::read(c_root.join(rel)),
        std::fs::read(rs_root.join(rel)),
    ) {
        (Ok(a), Ok(b)) => first_difference(&a, &b).map(|d| format!("{rel}: {d}")),
        (Err(_), Err(_)) => None,
        (Ok(_), Err(e)) => Some(format!("{rel}: C wrote it, Rust did not ({e})")),
        (Err(e), Ok(_)) => Some(format!("{rel}: Rust wrote it, C did not ({e})")),
    }
}

/// Every regular file under `root`, by relative path (symlinks are not followed).
pub fn tree_files(root: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
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
    let mut out = BTreeMap::new();
    walk(root, root, &mut out);
    out
}

/// Differences between two directory trees (files in one only, or with other bytes).
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
    diffs.extend(
        b.keys()
            .filter(|rel| !a.contains_key(*rel))
            .map(|rel| format!("{rel}: Rust wrote it, C did not")),
    );
    diffs
}

/// Temporary files an atomic writer may leave behind (`.<name>.tmp.<pid>`).
pub fn leftover_temp_files(root: &Path) -> Vec<String> {
    tree_files(root)
        .into_keys()
        .filter(|rel| rel.contains(".tmp."))
        .collect()
}

/// The C-vs-Rust verdict: the Rust tool did not panic, and its stderr, exit status and
/// resulting directory equal the C tool's. `what` names the case.
pub fn assert_same_outcome(what: &str, c: &Run, rs: &Run, c_dir: &Path, rs_dir: &Path) {
    assert_same_run(what, c, rs);
    let diffs = compare_trees(c_dir, rs_dir);
    assert!(
        diffs.is_empty(),
        "{what}: files differ after the run:\n{}",
        diffs.join("\n")
    );
}

/// The C-vs-Rust verdict for one run: no panic, and stdout, stderr and exit status equal.
pub fn assert_same_run(what: &str, c: &Run, rs: &Run) {
    let rs_err = rs.err();
    assert!(
        !rs_err.contains("panicked"),
        "{what}: the Rust tool panicked:\n{rs_err}"
    );
    if let Some(d) = first_difference(&c.stderr, &rs.stderr) {
        panic!(
            "{what}: stderr differs: {d}\n--- C stderr ---\n{}--- Rust stderr ---\n{rs_err}",
            c.err()
        );
    }
    if let Some(d) = first_difference(&c.stdout, &rs.stdout) {
        panic!("{what}: stdout differs: {d}");
    }
    assert_eq!(c.code, rs.code, "{what}: exit codes differ");
}

/// The command line Kbuild ran for `tool` (`scripts/mod/modpost`, ...), as recorded in a V=1
/// build log: its arguments after the tool.
pub fn kbuild_command(log: &Path, tool: &str) -> Vec<String> {
    let text =
        std::fs::read_to_string(log).unwrap_or_else(|e| panic!("read {}: {e}", log.display()));
    let prefix = format!("{tool} ");
    let line = text
        .lines()
        .map(str::trim_start)
        .find(|l| l.starts_with(&prefix))
        .unwrap_or_else(|| panic!("no {tool} command in {}", log.display()));
    line.split_whitespace()
        .skip(1)
        .map(str::to_string)
        .collect()
}

/// `tool --help` and `tool --version` as the only argument: exit 0, the usage (`Usage: <name> `)
/// and the version (`<name> `) on stdout. Both binaries' own options (kpaths::tool).
pub fn assert_help_and_version(tool: &Path, name: &str) {
    let r = run(tool, &["--help"], Path::new("."));
    assert_eq!(r.code, 0, "{name} --help: {}", r.err());
    assert!(
        r.out().starts_with(&format!("Usage: {name} ")),
        "{}",
        r.out()
    );
    let r = run(tool, &["--version"], Path::new("."));
    assert_eq!(r.code, 0, "{name} --version: {}", r.err());
    assert!(r.out().starts_with(&format!("{name} ")), "{}", r.out());
}

/// `tool --help ARG`: with another argument `--help` is not the tool's own but goes to the C
/// drop-in's getopt emulation, which rejects it (exit 1, nothing on stdout). Returns stderr.
pub fn help_with_argument(tool: &Path, arg: &str) -> String {
    let r = run(tool, &["--help", arg], Path::new("."));
    assert_eq!(r.code, 1, "--help {arg}: {}", r.err());
    assert!(r.stdout.is_empty(), "--help {arg} printed {}", r.out());
    r.err()
}
