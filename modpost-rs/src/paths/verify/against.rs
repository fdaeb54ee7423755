//! `verify --against C_MODPOST`: rerun the tree's modpost command with the C tool and with this
//! binary and compare everything they produce.
//!
//! The command line is the one Kbuild recorded in `<tree>/.Module.symvers.cmd`. Each tool runs
//! in its own scratch copy of the tree (hard links, so it is cheap) with the outputs deleted
//! first: both tools then create new files instead of writing through a link into the tree,
//! which is never written to.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::{Kind, Problem};

/// The outputs of one tool run.
struct RunResult {
    /// Exit status (-1 when killed by a signal).
    code: i32,
    /// What it printed on stdout.
    stdout: Vec<u8>,
    /// What it printed on stderr.
    stderr: Vec<u8>,
}

/// A scratch directory under the system temp dir, removed on drop.
struct Scratch(PathBuf);

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Problems found comparing the two tools on `tree`.
pub(super) fn check(tree: &Path, c_modpost: &Path) -> Vec<Problem> {
    match compare(tree, c_modpost) {
        Ok(p) => p,
        Err((file, why)) => vec![Problem::new(&file, Kind::AgainstFailed, why)],
    }
}

/// Kbuild's `make-cmd` escaping in `.cmd` files: `$` doubled, `#` as `$(pound)`.
fn unescape_make(s: &str) -> String {
    s.replace("$(pound)", "#").replace("$$", "$")
}

/// Split a plain shell command into words (quotes and backslashes handled; anything that
/// needs a shell — pipes, redirections, several commands — is refused).
fn shell_words(cmd: &str) -> Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut cur: Option<String> = None;
    let mut chars = cmd.chars();
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' => {
                if let Some(w) = cur.take() {
                    words.push(w);
                }
            }
            '\'' => {
                let w = cur.get_or_insert_with(String::new);
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(c) => w.push(c),
                        None => return Err("unterminated ' quote".into()),
                    }
                }
            }
            '"' => {
                let w = cur.get_or_insert_with(String::new);
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => w.extend(chars.next()),
                        Some('$' | '`') => {
                            return Err("shell expansion inside double quotes".into())
                        }
                        Some(c) => w.push(c),
                        None => return Err("unterminated \" quote".into()),
                    }
                }
            }
            '\\' => cur.get_or_insert_with(String::new).extend(chars.next()),
            '|' | ';' | '&' | '<' | '>' | '$' | '`' | '(' | ')' => {
                return Err(format!(
                    "needs a shell ('{c}'); only a plain modpost command can be rerun"
                ))
            }
            c => cur.get_or_insert_with(String::new).push(c),
        }
    }
    words.extend(cur);
    Ok(words)
}

/// The modpost arguments (without the program) recorded in `<tree>/.Module.symvers.cmd`.
fn recorded_args(tree: &Path) -> Result<Vec<String>, (PathBuf, String)> {
    let cmd_file = tree.join(".Module.symvers.cmd");
    let fail = |why: String| (cmd_file.clone(), why);
    let text = std::fs::read_to_string(&cmd_file).map_err(|e| {
        fail(format!(
            "cannot read the recorded modpost command: {}",
            kpaths::error::strerror(&e)
        ))
    })?;
    // `savedcmd_<target> := <command>` (`cmd_` before Linux 6.4).
    let (target, line) = text
        .lines()
        .find_map(|l| {
            let rest = l
                .strip_prefix("savedcmd_")
                .or_else(|| l.strip_prefix("cmd_"))?;
            rest.split_once(" :=")
        })
        .ok_or_else(|| fail("no savedcmd_Module.symvers line".into()))?;
    if target != "Module.symvers" {
        // An external module: modpost ran in the kernel build directory on absolute paths
        // into this tree, which a scratch copy of the tree cannot reproduce.
        return Err(fail(format!(
            "the command was recorded for {target} (an external-module build); \
             --against needs a kernel build tree"
        )));
    }
    let words = shell_words(&unescape_make(line)).map_err(fail)?;
    match words.split_first() {
        // `make MODPOST=/abs/modpost-rs` records the Rust tool; the arguments are what matter.
        Some((prog, args)) if prog.ends_with("modpost") || prog.ends_with("modpost-rs") => {
            Ok(args.to_vec())
        }
        _ => Err(fail(format!("not a modpost command: {}", line.trim()))),
    }
}

/// The files the command writes, relative to the tree: `-o`, `-d`, `.vmlinux.export.c` when
/// vmlinux.o is an input, and `<module>.mod.c` for each object of the `-T` list.
fn outputs(tree: &Path, args: &[String]) -> Result<Vec<String>, (PathBuf, String)> {
    let mut outs = Vec::new();
    let mut lists = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        // modpost's options with a value: -i -T -o -u -d (also attached: -oFILE).
        let with_value = ["-i", "-T", "-o", "-u", "-d"];
        let found = with_value
            .iter()
            .find_map(|f| a.strip_prefix(f).map(|rest| (*f, rest)));
        let (flag, value) = match found {
            Some((f, "")) => (f, it.next().cloned()),
            Some((f, rest)) => (f, Some(rest.to_string())),
            None => {
                if a == "vmlinux.o" || a.ends_with("/vmlinux.o") {
                    outs.push(".vmlinux.export.c".to_string());
                }
                continue;
            }
        };
        let Some(value) = value else { continue };
        match flag {
            "-o" | "-d" => outs.push(value),
            "-T" => lists.push(value),
            _ => {}
        }
    }
    for list in lists {
        if list == "-" {
            return Err((
                tree.join(".Module.symvers.cmd"),
                "the -T list comes from stdin; cannot rerun".into(),
            ));
        }
        let path = tree.join(&list);
        let text = std::fs::read_to_string(&path)
            .map_err(|e| (path.clone(), kpaths::error::strerror(&e)))?;
        for line in text.lines().filter(|l| !l.is_empty()) {
            let stem = line.strip_suffix(".o").unwrap_or(line);
            outs.push(format!("{stem}.mod.c"));
        }
    }
    // Outputs are deleted in the scratch copies before the runs: a path leaving the copy
    // would delete a file of the real tree (or elsewhere).
    let leaves_tree = |rel: &String| {
        let p = Path::new(rel);
        p.is_absolute() || p.components().any(|c| c == std::path::Component::ParentDir)
    };
    if let Some(bad) = outs.iter().find(|r| leaves_tree(r)) {
        return Err((
            tree.join(".Module.symvers.cmd"),
            format!("output {bad} is outside the tree; --against only reruns commands that write inside it"),
        ));
    }
    Ok(outs)
}

/// `cp -al src dst`: directories recreated, files hard-linked (copied when linking fails, e.g.
/// across file systems), symbolic links recreated with the same target.
fn link_copy(src: &Path, dst: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dst)?;
    let mut stack = vec![(src.to_path_buf(), dst.to_path_buf())];
    while let Some((from, to)) = stack.pop() {
        for entry in std::fs::read_dir(&from)? {
            let entry = entry?;
            let kind = entry.file_type()?;
            let target = to.join(entry.file_name());
            if kind.is_dir() {
                std::fs::create_dir(&target)?;
                stack.push((entry.path(), target));
            } else if kind.is_symlink() {
                std::os::unix::fs::symlink(std::fs::read_link(entry.path())?, &target)?;
            } else if std::fs::hard_link(entry.path(), &target).is_err() {
                std::fs::copy(entry.path(), &target)?;
            }
        }
    }
    Ok(())
}

fn run_tool(tool: &Path, args: &[String], cwd: &Path) -> std::io::Result<RunResult> {
    let out = Command::new(tool).args(args).current_dir(cwd).output()?;
    Ok(RunResult {
        code: out.status.code().unwrap_or(-1),
        stdout: out.stdout,
        stderr: out.stderr,
    })
}

/// The lines of a text; a final newline ends the last line rather than starting an empty one.
fn lines(text: &[u8]) -> impl Iterator<Item = &[u8]> {
    let body = text.strip_suffix(b"\n").unwrap_or(text);
    let empty = text.is_empty();
    body.split(|&b| b == b'\n').filter(move |_| !empty)
}

/// The first differing line of two texts: `line N: C has "...", modpost-rs has "..."`.
fn first_difference(c: &[u8], rs: &[u8]) -> Option<String> {
    if c == rs {
        return None;
    }
    let show = |l: Option<&[u8]>| match l {
        Some(l) => format!("{:?}", String::from_utf8_lossy(l)),
        None => "<end of file>".to_string(),
    };
    let mut a = lines(c);
    let mut b = lines(rs);
    let mut n = 0usize;
    loop {
        n += 1;
        let (x, y) = (a.next(), b.next());
        if x != y {
            return Some(format!(
                "line {n}: C has {}, modpost-rs has {}",
                show(x),
                show(y)
            ));
        }
        if x.is_none() {
            return Some("the files differ".into());
        }
    }
}

fn compare(tree: &Path, c_modpost: &Path) -> Result<Vec<Problem>, (PathBuf, String)> {
    let args = recorded_args(tree)?;
    let outs = outputs(tree, &args)?;
    let fail_at = |p: &Path, what: &str, e: std::io::Error| {
        (
            p.to_path_buf(),
            format!("{what}: {}", kpaths::error::strerror(&e)),
        )
    };
    // The C tool runs in another directory, so a relative path must be made absolute here.
    let c_tool = std::path::absolute(c_modpost).map_err(|e| fail_at(c_modpost, "C modpost", e))?;
    let self_exe = std::env::current_exe()
        .map_err(|e| fail_at(Path::new("modpost-rs"), "own executable", e))?;
    let scratch = Scratch(std::env::temp_dir().join(format!(
        "modpost-rs-verify-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default()
    )));
    if let (Ok(tree_abs), Ok(tmp_abs)) = (
        std::fs::canonicalize(tree),
        std::fs::canonicalize(std::env::temp_dir()),
    ) {
        if tmp_abs.starts_with(&tree_abs) {
            return Err((
                tree.to_path_buf(),
                format!(
                    "the scratch directory {} would be inside the tree; set TMPDIR elsewhere",
                    tmp_abs.display()
                ),
            ));
        }
    }
    let mut results = Vec::new();
    for (name, tool) in [("c", &c_tool), ("rs", &self_exe)] {
        let copy = scratch.0.join(name);
        link_copy(tree, &copy).map_err(|e| fail_at(&copy, "making the scratch copy", e))?;
        for rel in &outs {
            let _ = std::fs::remove_file(copy.join(rel));
        }
        let result = run_tool(tool, &args, &copy).map_err(|e| fail_at(tool, "cannot run", e))?;
        results.push((copy, result));
    }
    let [(c_dir, c), (rs_dir, rs)] = &results[..] else {
        return Err((tree.to_path_buf(), "internal: two runs expected".into()));
    };
    let mut problems = Vec::new();
    let cmd_file = tree.join(".Module.symvers.cmd");
    if c.code != rs.code {
        problems.push(Problem::new(
            &cmd_file,
            Kind::DiffersFromC,
            format!("exit status differs: C {}, modpost-rs {}", c.code, rs.code),
        ));
    }
    for (stream, a, b) in [
        ("stderr", &c.stderr, &rs.stderr),
        ("stdout", &c.stdout, &rs.stdout),
    ] {
        if let Some(d) = first_difference(a, b) {
            problems.push(Problem::new(
                &cmd_file,
                Kind::DiffersFromC,
                format!("modpost {stream} differs at {d}"),
            ));
        }
    }
    for rel in &outs {
        let file = tree.join(rel);
        let detail = match (
            std::fs::read(c_dir.join(rel)),
            std::fs::read(rs_dir.join(rel)),
        ) {
            (Ok(a), Ok(b)) => {
                first_difference(&a, &b).map(|d| format!("differs from the C modpost's at {d}"))
            }
            (Err(_), Err(_)) => None,
            (Ok(_), Err(_)) => Some("the C modpost wrote it, modpost-rs did not".into()),
            (Err(_), Ok(_)) => Some("modpost-rs wrote it, the C modpost did not".into()),
        };
        if let Some(detail) = detail {
            problems.push(Problem::new(&file, Kind::DiffersFromC, detail));
        }
    }
    Ok(problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recorded_commands_split_like_the_shell() {
        assert_eq!(
            shell_words(" scripts/mod/modpost -M  -o 'a b' -T x\\ y").unwrap(),
            ["scripts/mod/modpost", "-M", "-o", "a b", "-T", "x y"]
        );
        assert!(shell_words("sed s/a/b/ modules.order | scripts/mod/modpost -T -").is_err());
        assert_eq!(unescape_make("a$$b$(pound)c"), "a$b#c");
    }

    #[test]
    fn outputs_must_stay_inside_the_tree() {
        let tree = Path::new("/nonexistent");
        let args = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            outputs(tree, &args(&["-M", "-oModule.symvers", "vmlinux.o"])).unwrap(),
            ["Module.symvers", ".vmlinux.export.c"]
        );
        assert!(outputs(tree, &args(&["-o", "/tmp/Module.symvers"])).is_err());
        assert!(outputs(tree, &args(&["-d", "../nsdeps"])).is_err());
    }

    #[test]
    fn first_difference_names_the_line() {
        assert_eq!(first_difference(b"a\nb\n", b"a\nb\n"), None);
        assert_eq!(
            first_difference(b"a\nb\n", b"a\nc\n").unwrap(),
            "line 2: C has \"b\", modpost-rs has \"c\""
        );
        assert_eq!(
            first_difference(b"a\n", b"a\nx").unwrap(),
            "line 2: C has <end of file>, modpost-rs has \"x\""
        );
        assert_eq!(first_difference(b"a\n", b"a").unwrap(), "the files differ");
    }
}
