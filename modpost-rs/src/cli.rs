//! Command line: a GNU getopt-compatible parser for modpost's `ei:MmnT:to:au:WwENd:`.
//!
//! modpost calls glibc `getopt(argc, argv, "ei:MmnT:to:au:WwENd:")` and exits 1 on the first
//! `'?'` it returns. We reproduce what that loop leaves behind: the option variables of
//! modpost's `main`, and the positional arguments in the order getopt's argv permutation
//! puts them (`argv[optind..]`).
//!
//! glibc behaviour reproduced here:
//! * Permutation: non-option arguments may come before, between and after options; they keep
//!   their relative order. With `POSIXLY_CORRECT` in the environment (any value, even empty),
//!   the first non-option ends option processing instead (REQUIRE_ORDER).
//! * An element is an option element when it starts with `-` and is longer than `-`; a lone
//!   `-` (and the empty string) is a positional argument.
//! * The first `--` not consumed as an option argument ends option processing and is dropped.
//! * Flags cluster (`-Mm`); an option with an argument takes the rest of its element
//!   (`-oFILE`, `-MoFILE`) or else the whole next element, whatever it looks like (`-o -x`).
//! * Without long options, `--foo` is the cluster `-`, `f`, `o`, `o`: `-` is not in the
//!   optstring, so it is "invalid option -- '-'". `:` is never an option character.
//! * Error texts are glibc's (C locale): `<argv0>: invalid option -- '<c>'` and
//!   `<argv0>: option requires an argument -- '<c>'`, with argv\[0\] and the option byte
//!   printed as raw bytes.
//!
//! Paths are kept as [`OsString`] so that non-UTF-8 file names pass through unchanged.

use std::ffi::OsStr;
use std::ffi::OsString;
use std::io::Write;
use std::os::unix::ffi::OsStrExt;

/// The option string modpost passes to getopt (only used in comments and tests).
#[allow(dead_code)]
pub(crate) const MODPOST_OPTSTRING: &str = "ei:MmnT:to:au:WwENd:";

/// modpost's option variables after the getopt loop.
#[allow(dead_code)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Options {
    /// `external_module` (`-e`): building external modules (M=).
    pub(crate) external_module: bool,
    /// `dump_lists` (`-i FILE`, repeatable): symvers files to read, in command-line order.
    pub(crate) dump_lists: Vec<OsString>,
    /// `module_enabled` (`-M`): CONFIG_MODULES; exports are collected.
    pub(crate) module_enabled: bool,
    /// `modversions` (`-m`): CONFIG_MODVERSIONS; CRCs are read and written.
    pub(crate) modversions: bool,
    /// `ignore_missing_files` (`-n`): an unopenable ELF is reported and skipped.
    pub(crate) ignore_missing_files: bool,
    /// `files_source` (`-T FILE`, the last one wins): the modules.order-style object list.
    pub(crate) files_source: Option<OsString>,
    /// `trim_unused_exports` (`-t`): CONFIG_TRIM_UNUSED_KSYMS.
    pub(crate) trim_unused_exports: bool,
    /// `dump_write` (`-o FILE`, the last one wins): the Module.symvers file to write.
    pub(crate) dump_write: Option<OsString>,
    /// `all_versions` (`-a`): srcversion for every module (MODULE_SRCVERSION_ALL).
    pub(crate) all_versions: bool,
    /// `unused_exports_white_list` (`-u FILE`, the last one wins): symbols kept when trimming.
    pub(crate) unused_exports_white_list: Option<OsString>,
    /// `extra_warn` (`-W`): W=1 extra warnings.
    pub(crate) extra_warn: bool,
    /// `warn_unresolved` (`-w`): unresolved symbols are warnings, not errors.
    pub(crate) warn_unresolved: bool,
    /// `sec_mismatch_warn_only` (true unless `-E`): section mismatches do not fail the run.
    pub(crate) sec_mismatch_warn_only: bool,
    /// `allow_missing_ns_imports` (`-N`): a missing namespace import is only a warning.
    pub(crate) allow_missing_ns_imports: bool,
    /// `missing_namespace_deps` (`-d FILE`, the last one wins): the nsdeps file to write.
    pub(crate) missing_namespace_deps: Option<OsString>,
    /// `argv[optind..argc]` after getopt's permutation: the ELF objects read before `-T`.
    pub(crate) files: Vec<OsString>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            external_module: false,
            dump_lists: Vec::new(),
            module_enabled: false,
            modversions: false,
            ignore_missing_files: false,
            files_source: None,
            trim_unused_exports: false,
            dump_write: None,
            all_versions: false,
            unused_exports_white_list: None,
            extra_warn: false,
            warn_unresolved: false,
            sec_mismatch_warn_only: true,
            allow_missing_ns_imports: false,
            missing_namespace_deps: None,
            files: Vec::new(),
        }
    }
}

/// Parse modpost's argv (`args[0]` is the program name, as given). On a getopt error the
/// glibc message is printed on stderr and `Err(1)` is returned: modpost's `default:` branch
/// is `exit(1)`.
#[allow(dead_code)]
pub(crate) fn parse_args(args: &[OsString]) -> Result<Options, i32> {
    let posixly_correct = std::env::var_os("POSIXLY_CORRECT").is_some();
    let mut stderr = std::io::stderr().lock();
    parse_args_to(args, posixly_correct, &mut stderr)
}

/// [`parse_args`] with the environment and stderr made explicit (for tests).
pub(crate) fn parse_args_to(
    args: &[OsString],
    posixly_correct: bool,
    err: &mut dyn Write,
) -> Result<Options, i32> {
    let mut opts = Options::default();
    let argv0: &[u8] = args.first().map_or(b"", |a| a.as_bytes());
    let mut index = 1;
    while let Some(arg) = args.get(index) {
        let bytes = arg.as_bytes();
        if bytes == b"--" {
            opts.files.extend(args.iter().skip(index + 1).cloned());
            break;
        }
        if bytes.len() < 2 || bytes[0] != b'-' {
            if posixly_correct {
                opts.files.extend(args.iter().skip(index).cloned());
                break;
            }
            opts.files.push(arg.clone());
            index += 1;
            continue;
        }
        index += 1;
        // Walk the cluster after the leading '-'.
        let mut pos = 1;
        while let Some(&c) = bytes.get(pos) {
            pos += 1;
            let Some(takes_arg) = option_takes_argument(c) else {
                report(err, argv0, b"invalid option", c);
                return Err(1);
            };
            let optarg = if !takes_arg {
                None
            } else if pos < bytes.len() {
                let rest = OsStr::from_bytes(&bytes[pos..]).to_os_string();
                pos = bytes.len();
                Some(rest)
            } else if let Some(next) = args.get(index) {
                index += 1;
                Some(next.clone())
            } else {
                report(err, argv0, b"option requires an argument", c);
                return Err(1);
            };
            apply_option(&mut opts, c, optarg);
        }
    }
    Ok(opts)
}

/// `Some(takes_argument)` for a character of modpost's optstring, `None` for anything else
/// (getopt treats `:` and `;` as invalid even though `:` occurs in the string).
fn option_takes_argument(c: u8) -> Option<bool> {
    match c {
        b'e' | b'M' | b'm' | b'n' | b't' | b'a' | b'W' | b'w' | b'E' | b'N' => Some(false),
        b'i' | b'T' | b'o' | b'u' | b'd' => Some(true),
        _ => None,
    }
}

/// The body of modpost's `switch (opt)`.
fn apply_option(opts: &mut Options, c: u8, optarg: Option<OsString>) {
    match c {
        b'e' => opts.external_module = true,
        b'i' => opts.dump_lists.extend(optarg),
        b'M' => opts.module_enabled = true,
        b'm' => opts.modversions = true,
        b'n' => opts.ignore_missing_files = true,
        b'o' => opts.dump_write = optarg,
        b'a' => opts.all_versions = true,
        b'T' => opts.files_source = optarg,
        b't' => opts.trim_unused_exports = true,
        b'u' => opts.unused_exports_white_list = optarg,
        b'W' => opts.extra_warn = true,
        b'w' => opts.warn_unresolved = true,
        b'E' => opts.sec_mismatch_warn_only = false,
        b'N' => opts.allow_missing_ns_imports = true,
        b'd' => opts.missing_namespace_deps = optarg,
        _ => {}
    }
}

/// glibc's `"%s: <what> -- '%c'\n"`, written as raw bytes.
fn report(err: &mut dyn Write, argv0: &[u8], what: &[u8], c: u8) {
    let mut line = Vec::with_capacity(argv0.len() + what.len() + 12);
    line.extend_from_slice(argv0);
    line.extend_from_slice(b": ");
    line.extend_from_slice(what);
    line.extend_from_slice(b" -- '");
    line.push(c);
    line.extend_from_slice(b"'\n");
    // A closed stderr must not turn into a panic; the exit status still reports the error.
    let _ = err.write_all(&line);
    let _ = err.flush();
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::process::CommandExt;
    use std::path::PathBuf;
    use std::process::Command;

    fn os(v: &[&[u8]]) -> Vec<OsString> {
        v.iter()
            .map(|b| OsStr::from_bytes(b).to_os_string())
            .collect()
    }

    fn parse(v: &[&[u8]], posix: bool) -> (Result<Options, i32>, Vec<u8>) {
        let mut err = Vec::new();
        let r = parse_args_to(&os(v), posix, &mut err);
        (r, err)
    }

    #[test]
    fn kbuild_lines() {
        let (r, e) = parse(
            &[
                b"modpost",
                b"-M",
                b"-m",
                b"-a",
                b"-E",
                b"-o",
                b"Module.symvers",
                b"-T",
                b"modules.order",
                b"vmlinux.o",
            ],
            false,
        );
        let o = r.unwrap();
        assert!(e.is_empty());
        assert!(o.module_enabled && o.modversions && o.all_versions);
        assert!(!o.sec_mismatch_warn_only);
        assert_eq!(o.dump_write, Some("Module.symvers".into()));
        assert_eq!(o.files_source, Some("modules.order".into()));
        assert_eq!(o.files, os(&[b"vmlinux.o"]));
    }

    #[test]
    fn permutation_cluster_attached_and_dashdash() {
        let (r, _) = parse(
            &[
                b"m", b"a.o", b"-MmoX", b"b.o", b"-i", b"-x", b"--", b"-e", b"-",
            ],
            false,
        );
        let o = r.unwrap();
        assert!(o.module_enabled && o.modversions && !o.external_module);
        assert_eq!(o.dump_write, Some("X".into()));
        assert_eq!(o.dump_lists, os(&[b"-x"]));
        assert_eq!(o.files, os(&[b"a.o", b"b.o", b"-e", b"-"]));
    }

    #[test]
    fn posixly_correct_stops_at_first_non_option() {
        let (r, _) = parse(&[b"m", b"-e", b"a.o", b"-M", b"--"], true);
        let o = r.unwrap();
        assert!(o.external_module && !o.module_enabled);
        assert_eq!(o.files, os(&[b"a.o", b"-M", b"--"]));
    }

    #[test]
    fn errors_use_argv0_and_raw_bytes() {
        let (r, e) = parse(&[b"./x/modpost", b"-M", b"--foo"], false);
        assert_eq!(r, Err(1));
        assert_eq!(e, b"./x/modpost: invalid option -- '-'\n");
        let (r, e) = parse(&[b"mp", b"-Mo"], false);
        assert_eq!(r, Err(1));
        assert_eq!(e, b"mp: option requires an argument -- 'o'\n");
        let (r, e) = parse(&[b"\xff", b"-\xfe"], false);
        assert_eq!(r, Err(1));
        assert_eq!(e, b"\xff: invalid option -- '\xfe'\n");
    }

    #[test]
    fn non_utf8_paths_are_kept() {
        let (r, _) = parse(&[b"m", b"-o\xff.symvers", b"\xfe.o"], false);
        let o = r.unwrap();
        assert_eq!(o.dump_write.unwrap().as_bytes(), b"\xff.symvers");
        assert_eq!(o.files[0].as_bytes(), b"\xfe.o");
    }

    fn repo_root() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
    }

    /// Build our own getopt probe (testdata/sources/cli/getopt_probe.c: plain glibc getopt
    /// with modpost's optstring and modpost's switch, printing the resulting variables).
    fn build_probe() -> PathBuf {
        let src = repo_root().join("testdata/sources/cli/getopt_probe.c");
        let dir = std::env::temp_dir().join(format!("modpost-rs-cli-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let exe = dir.join("getopt_probe");
        let st = Command::new("gcc")
            .arg("-O1")
            .arg("-o")
            .arg(&exe)
            .arg(&src)
            .status()
            .expect("gcc is needed to build the getopt probe");
        assert!(st.success(), "gcc failed on {}", src.display());
        exe
    }

    /// The probe's output format, produced from our [`Options`].
    fn render(o: &Options) -> Vec<u8> {
        fn hex(v: Option<&OsString>) -> String {
            match v {
                None => "(null)".into(),
                Some(s) => s.as_bytes().iter().map(|b| format!("{b:02x}")).collect(),
            }
        }
        let mut out = String::new();
        for i in &o.dump_lists {
            out += &format!("i={}\n", hex(Some(i)));
        }
        let flags = [
            ('e', o.external_module),
            ('M', o.module_enabled),
            ('m', o.modversions),
            ('n', o.ignore_missing_files),
            ('t', o.trim_unused_exports),
            ('a', o.all_versions),
            ('W', o.extra_warn),
            ('w', o.warn_unresolved),
            ('E', o.sec_mismatch_warn_only),
            ('N', o.allow_missing_ns_imports),
        ];
        for (c, v) in flags {
            out += &format!("{c}={}\n", v as u8);
        }
        out += &format!("T={}\n", hex(o.files_source.as_ref()));
        out += &format!("o={}\n", hex(o.dump_write.as_ref()));
        out += &format!("u={}\n", hex(o.unused_exports_white_list.as_ref()));
        out += &format!("d={}\n", hex(o.missing_namespace_deps.as_ref()));
        for f in &o.files {
            out += &format!("file={}\n", hex(Some(f)));
        }
        out.into_bytes()
    }

    fn argv_cases() -> Vec<Vec<&'static [u8]>> {
        let cases: Vec<Vec<&'static [u8]>> = vec![
            vec![],
            vec![
                b"-M",
                b"-m",
                b"-a",
                b"-E",
                b"-o",
                b"Module.symvers",
                b"-T",
                b"modules.order",
                b"vmlinux.o",
            ],
            vec![
                b"-M",
                b"-m",
                b"-a",
                b"-E",
                b"-o",
                b"/x/Module.symvers",
                b"-T",
                b"/x/modules.order",
                b"-i",
                b"Module.symvers",
                b"-e",
            ],
            vec![b"-Mm", b"-oFILE", b"vmlinux.o", b"-ta"],
            vec![
                b"a.o", b"b.o", b"-e", b"c.o", b"-i", b"x", b"-i", b"y", b"d.o",
            ],
            vec![b"-", b"-e", b"-", b""],
            vec![b"-e", b"--", b"-M", b"x.o"],
            vec![b"x.o", b"--", b"-M", b"--"],
            vec![b"-o", b"--", b"-o", b"-e", b"y.o"],
            vec![b"-MoT", b"-Tq", b"-TZ", b"-ud", b"-d", b"nsdeps", b"-WwEN"],
            vec![b"-n", b"-u", b"", b"-i", b"", b"z.o"],
            vec![b"-x"],
            vec![b"a.o", b"-Mx", b"-e"],
            vec![b"--foo"],
            vec![b"--help"],
            vec![b"-M", b"-o"],
            vec![b"-Mi"],
            vec![b"a.o", b"-T"],
            vec![b"-:"],
            vec![b"-;"],
            vec![b"-W;"],
            vec![b"-\xff"],
            vec![b"-o\xff\xfe", b"\xc3(.o"],
            vec![b"-e", b"x.o", b"-o"],
            vec![b"---"],
            vec![b"-e-"],
            vec![b"a.o", b"-", b"--", b"--", b"-x"],
        ];
        cases
    }

    /// The real C modpost on argv vectors that fail in getopt (it exits before reading any
    /// file): same stderr bytes and exit status.
    #[test]
    fn errors_match_c_modpost() {
        let modpost = crate::sources::tests::fixture_work().join("build-6.12/scripts/mod/modpost");
        assert!(
            modpost.exists(),
            "C modpost oracle missing at {}",
            modpost.display()
        );
        let cases: [&[&[u8]]; 6] = [
            &[b"-x"],
            &[b"--foo"],
            &[b"-M", b"-m", b"-o"],
            &[b"vmlinux.o", b"-Mi"],
            &[b"-e", b"-:", b"-o", b"x"],
            &[b"-T"],
        ];
        for argv0 in [&b"scripts/mod/modpost"[..], b"modpost"] {
            for case in cases {
                let c = Command::new(&modpost)
                    .arg0(OsStr::from_bytes(argv0))
                    .args(case.iter().map(|a| OsStr::from_bytes(a)))
                    .env_remove("POSIXLY_CORRECT")
                    .output()
                    .unwrap();
                let mut argv = vec![argv0];
                argv.extend(case.iter().copied());
                let (r, e) = parse(&argv, false);
                assert_eq!(r.err(), c.status.code(), "exit status for {:?}", os(&argv));
                assert_eq!(e, c.stderr, "stderr for {:?}", os(&argv));
            }
        }
    }

    /// Differential test: our parser against glibc getopt on the same argv vectors, with and
    /// without POSIXLY_CORRECT: same variables, same stderr bytes, same exit status.
    #[test]
    fn matches_glibc_getopt() {
        let probe = build_probe();
        let mut compared = 0;
        for argv0 in [&b"modpost"[..], b"./scripts/mod/modpost", b"/x y/mp\xff"] {
            for posix in [false, true] {
                for case in argv_cases() {
                    let mut cmd = Command::new(&probe);
                    cmd.arg0(OsStr::from_bytes(argv0));
                    for a in &case {
                        cmd.arg(OsStr::from_bytes(a));
                    }
                    if posix {
                        cmd.env("POSIXLY_CORRECT", "");
                    } else {
                        cmd.env_remove("POSIXLY_CORRECT");
                    }
                    let c = cmd.output().unwrap();
                    let mut argv = vec![argv0];
                    argv.extend(case.iter().copied());
                    let (r, e) = parse(&argv, posix);
                    let (code, out) = match &r {
                        Ok(o) => (0, render(o)),
                        Err(code) => (*code, Vec::new()),
                    };
                    let what = format!("argv {:?} posix={posix}", os(&argv));
                    assert_eq!(Some(code), c.status.code(), "exit status, {what}");
                    assert_eq!(
                        String::from_utf8_lossy(&e),
                        String::from_utf8_lossy(&c.stderr),
                        "stderr, {what}"
                    );
                    assert_eq!(e, c.stderr, "stderr bytes, {what}");
                    // On error the probe may have printed -i lines before exiting; we print
                    // nothing, so only compare stdout for successful parses.
                    if r.is_ok() {
                        assert_eq!(
                            String::from_utf8_lossy(&out),
                            String::from_utf8_lossy(&c.stdout),
                            "parsed options, {what}"
                        );
                    }
                    compared += 1;
                }
            }
        }
        assert_eq!(compared, 3 * 2 * argv_cases().len());
    }
}
