//! Differential tests: kallsyms-rs against the C `scripts/kallsyms` built by the fixture kernel
//! build, on the build's own inputs, on the project's edge-case maps (`testdata/kallsyms/`) and,
//! on Debian's System.map (ignored unless asked for). stdout, stderr and the exit status must
//! be identical.
// Test code: a panic is how a test reports a failure.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::ffi::OsStr;
use std::ffi::OsString;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::path::PathBuf;
use std::process::Command;

/// The flag sets every input is run with; the last is what Kbuild passes on x86_64 SMP.
const FLAG_SETS: [&[&str]; 4] = [
    &[],
    &["--all-symbols"],
    &["--absolute-percpu"],
    &["--all-symbols", "--absolute-percpu"],
];

/// Both tools get this argv[0], which getopt's messages print.
const ARGV0: &str = "scripts/kallsyms";

fn repo_root() -> PathBuf {
    kpaths::testkit::repo()
}

fn build_dir() -> PathBuf {
    kpaths::testkit::oracle().build
}

/// The C oracle.
fn c_kallsyms() -> PathBuf {
    build_dir().join("scripts/kallsyms")
}

fn rust_kallsyms() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_kallsyms-rs"))
}

/// What one run produced.
#[derive(PartialEq, Eq)]
struct Outcome {
    /// Everything written to stdout.
    stdout: Vec<u8>,
    /// Everything written to stderr.
    stderr: Vec<u8>,
    /// Exit code, or None when killed by a signal.
    code: Option<i32>,
}

fn run(tool: &Path, args: &[OsString], posixly_correct: bool) -> Outcome {
    let mut command = Command::new(tool);
    command.arg0(ARGV0).args(args).env_remove("POSIXLY_CORRECT");
    if posixly_correct {
        command.env("POSIXLY_CORRECT", "1");
    }
    let output = command
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", tool.display()));
    Outcome {
        stdout: output.stdout,
        stderr: output.stderr,
        code: output.status.code(),
    }
}

/// The first line where two outputs differ, both sides shown.
fn first_difference(what: &str, c: &[u8], rust: &[u8]) -> String {
    let c_lines: Vec<&[u8]> = c.split(|&b| b == b'\n').collect();
    let r_lines: Vec<&[u8]> = rust.split(|&b| b == b'\n').collect();
    let show = |l: Option<&&[u8]>| match l {
        Some(l) => {
            let text = String::from_utf8_lossy(l);
            let mut text: String = text.chars().take(200).collect();
            text = format!("{text:?}");
            text
        }
        None => "<end of output>".to_owned(),
    };
    let line = (0..c_lines.len().max(r_lines.len()))
        .find(|&i| c_lines.get(i) != r_lines.get(i))
        .unwrap_or(0);
    format!(
        "  {what} differs at line {} ({} vs {} bytes)\n    C:    {}\n    Rust: {}",
        line + 1,
        c.len(),
        rust.len(),
        show(c_lines.get(line)),
        show(r_lines.get(line))
    )
}

/// Runs both tools; returns a description of any difference.
fn compare(args: &[OsString], posixly_correct: bool) -> Result<Outcome, String> {
    let c = run(&c_kallsyms(), args, posixly_correct);
    let rust = run(&rust_kallsyms(), args, posixly_correct);
    if c == rust {
        return Ok(c);
    }
    let mut report = format!("kallsyms {args:?} (POSIXLY_CORRECT: {posixly_correct}):");
    if c.code != rust.code {
        report.push_str(&format!(
            "\n  exit status: C {:?}, Rust {:?}",
            c.code, rust.code
        ));
    }
    if c.stdout != rust.stdout {
        report.push('\n');
        report.push_str(&first_difference("stdout", &c.stdout, &rust.stdout));
    }
    if c.stderr != rust.stderr {
        report.push('\n');
        report.push_str(&first_difference("stderr", &c.stderr, &rust.stderr));
    }
    Err(report)
}

fn args_with(flags: &[&str], input: &Path) -> Vec<OsString> {
    let mut args: Vec<OsString> = flags.iter().map(OsString::from).collect();
    args.push(input.as_os_str().to_owned());
    args
}

fn fail_on(failures: Vec<String>, cases: usize) {
    assert!(
        failures.is_empty(),
        "{} of {cases} cases differ from the C tool:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn fixture_syms_files_with_every_flag_set() {
    let build = build_dir();
    let c = c_kallsyms();
    let mut inputs: Vec<PathBuf> = std::fs::read_dir(&build)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", build.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            let name = p.file_name().map(OsStr::as_bytes).unwrap_or(b"");
            name.starts_with(b".tmp_vmlinux") && name.ends_with(b".syms")
        })
        .collect();
    inputs.sort();
    for required in [
        ".tmp_vmlinux.kallsyms0.syms",
        ".tmp_vmlinux1.syms",
        ".tmp_vmlinux2.syms",
    ] {
        assert!(
            inputs.iter().any(|p| p.ends_with(required)),
            "{required} missing in {} (is the fixture build complete?); oracle {}",
            build.display(),
            c.display()
        );
    }
    let mut failures = Vec::new();
    let mut cases = 0;
    for input in &inputs {
        for flags in FLAG_SETS {
            cases += 1;
            if let Err(e) = compare(&args_with(flags, input), false) {
                failures.push(e);
            }
        }
    }
    fail_on(failures, cases);
}

/// What the build itself produced (`.tmp_vmlinuxN.kallsyms.S`, made by link-vmlinux.sh with the
/// C tool) must come out of kallsyms-rs too.
#[test]
fn fixture_build_outputs_are_reproduced() {
    let build = build_dir();
    let _ = c_kallsyms();
    let pairs = [
        (".tmp_vmlinux.kallsyms0.syms", ".tmp_vmlinux0.kallsyms.S"),
        (".tmp_vmlinux1.syms", ".tmp_vmlinux1.kallsyms.S"),
        (".tmp_vmlinux2.syms", ".tmp_vmlinux2.kallsyms.S"),
    ];
    for (syms, asm) in pairs {
        let expected = std::fs::read(build.join(asm))
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", build.join(asm).display()));
        let args = args_with(&["--all-symbols", "--absolute-percpu"], &build.join(syms));
        let got = run(&rust_kallsyms(), &args, false);
        assert_eq!(
            got.code,
            Some(0),
            "{syms}: {}",
            String::from_utf8_lossy(&got.stderr)
        );
        assert!(
            got.stdout == expected,
            "{syms}:\n{}",
            first_difference("output vs the build's .S", &expected, &got.stdout)
        );
    }
}

#[test]
fn edge_case_maps_with_every_flag_set() {
    let dir = repo_root().join("testdata/kallsyms");
    let mut maps: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "map"))
        .collect();
    maps.sort();
    assert!(
        maps.len() >= 30,
        "expected the edge-case maps in {}",
        dir.display()
    );
    let mut failures = Vec::new();
    let mut cases = 0;
    let mut fatal_cases = 0;
    for map in &maps {
        for flags in FLAG_SETS {
            cases += 1;
            match compare(&args_with(flags, map), false) {
                Ok(outcome) => fatal_cases += usize::from(outcome.code != Some(0)),
                Err(e) => failures.push(e),
            }
        }
    }
    fail_on(failures, cases);
    // The malformed maps must really fail (13 maps x 4 flag sets, plus the range errors).
    assert!(
        fatal_cases >= 13 * 4,
        "only {fatal_cases} runs failed; the bad-*.map files must"
    );
}

#[test]
fn missing_and_unreadable_inputs() {
    let nowhere = std::env::temp_dir().join("kallsyms-rs-no-such-file.map");
    let cases: Vec<Vec<OsString>> = vec![
        vec![nowhere.into_os_string()],
        vec!["--all-symbols".into(), "/".into()],
        vec!["".into()],
        vec!["-".into()],
    ];
    let mut failures = Vec::new();
    for args in &cases {
        match compare(args, false) {
            Ok(outcome) => assert_eq!(outcome.code, Some(1), "{args:?} must fail"),
            Err(e) => failures.push(e),
        }
    }
    fail_on(failures, cases.len());
}

#[test]
fn bad_and_unusual_options() {
    let map = repo_root().join("testdata/kallsyms/ties.map");
    let map = map.to_str().expect("repository path is UTF-8");
    let cases: Vec<Vec<&str>> = vec![
        vec![],
        vec!["--"],
        vec!["--all-symbols"],
        vec!["--a", map],
        vec!["--all", map],
        vec!["--abs", "--all", map],
        vec!["--x=1", map],
        vec!["--bogus", map],
        vec![map, "--bogus"],
        vec!["--all-symbols=1", map],
        vec!["--absolute-percpu=", map],
        vec!["--all=yes", map],
        vec!["-x", map],
        vec!["-ab", map],
        vec!["-a", map],
        vec!["--=x", map],
        vec!["--=", map],
        vec![map, "--all-symbols"],
        vec!["--", "--all-symbols"],
        vec!["--", map, "--bogus"],
        vec![map, "--", "--bogus"],
        vec![map, "also-ignored.map"],
        vec!["--all-symbols", "--all-symbols", map],
        vec!["--ALL-SYMBOLS", map],
    ];
    let mut failures = Vec::new();
    for posixly_correct in [false, true] {
        for args in &cases {
            let args: Vec<OsString> = args.iter().map(OsString::from).collect();
            if let Err(e) = compare(&args, posixly_correct) {
                failures.push(e);
            }
        }
    }
    fail_on(failures, cases.len() * 2);
}

/// Debian's System.map (163,210 symbols).
#[test]
#[ignore = "distro scale: needs Debian's packages (bash kbuild/distro.sh fetch, 1.2 GB); run with --ignored"]
fn distro_system_map() {
    let map = kpaths::testkit::distro().join("kallsyms/System.map");
    let mut failures = Vec::new();
    for flags in FLAG_SETS {
        if let Err(e) = compare(&args_with(flags, &map), false) {
            failures.push(e);
        }
    }
    fail_on(failures, FLAG_SETS.len());
}

/// C never checks its stdout writes: a full disk still gives exit status 0 and no message.
#[test]
fn stdout_write_errors_are_ignored_like_c() {
    let map = repo_root().join("testdata/kallsyms/many-symbols.map");
    let outcome = |tool: &Path| {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap_or_else(|e| panic!("cannot open /dev/full: {e}"));
        let output = Command::new(tool)
            .arg0(ARGV0)
            .arg(&map)
            .stdout(full)
            .output()
            .unwrap_or_else(|e| panic!("cannot run {}: {e}", tool.display()));
        (output.status.code(), output.stderr)
    };
    let c = outcome(&c_kallsyms());
    assert_eq!(outcome(&rust_kallsyms()), c);
    assert_eq!(c.0, Some(0));
}

/// With stdout and stderr on one file, a fatal message lands where C's does: after the whole
/// stdio buffers C wrote before it, and after the too-long-name messages.
#[test]
fn fatal_message_position_with_one_output_file() {
    let dir = repo_root().join("testdata/kallsyms");
    let cases: [(&[&str], &str); 4] = [
        (&["--all-symbols"], "name-lengths.map"),
        (&["--all-symbols"], "many-symbols.map"),
        (&[], "offset-out-of-range.map"),
        (
            &["--all-symbols", "--absolute-percpu"],
            "percpu-above-int-max.map",
        ),
    ];
    let scratch = kpaths::testkit::Scratch::new("kallsyms-fatal-position");
    let scratch = scratch.path();
    let combined = |tool: &Path, args: &[OsString], name: &str| {
        let path = scratch.join(name);
        let file = std::fs::File::create(&path)
            .unwrap_or_else(|e| panic!("cannot create {}: {e}", path.display()));
        let err = file.try_clone().expect("dup the output file");
        let status = Command::new(tool)
            .arg0(ARGV0)
            .args(args)
            .stdout(file)
            .stderr(err)
            .status()
            .unwrap_or_else(|e| panic!("cannot run {}: {e}", tool.display()));
        let bytes = std::fs::read(&path).expect("read the output back");
        (status.code(), bytes)
    };
    let mut failures = Vec::new();
    for (flags, map) in cases {
        let args = args_with(flags, &dir.join(map));
        let (c_code, c_bytes) = combined(&c_kallsyms(), &args, "c.out");
        let (r_code, r_bytes) = combined(&rust_kallsyms(), &args, "rust.out");
        if c_code != r_code || c_bytes != r_bytes {
            failures.push(format!(
                "{map} {flags:?}: exit {c_code:?} vs {r_code:?}\n{}",
                first_difference("stdout+stderr", &c_bytes, &r_bytes)
            ));
        }
    }
    fail_on(failures, cases.len());
}
