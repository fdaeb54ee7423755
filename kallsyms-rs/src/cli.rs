//! Command line: an emulation of glibc `getopt_long(argc, argv, "", long_options, NULL)`.
//!
//! C kallsyms (kallsyms.c:760-778) knows two long options, both flags without arguments, and no
//! short ones. Any getopt error prints glibc's message, then `usage()` adds the usage line and
//! exits 1. What glibc does that we reproduce:
//! * arguments are permuted: options after the input path still count, unless the environment
//!   has `POSIXLY_CORRECT` (then the first non-option ends option parsing);
//! * `--` ends option parsing; `-` alone is a non-option;
//! * a long option may be abbreviated to any unambiguous prefix (`--all`), an exact name wins;
//!   an empty name (`--=x`) is a prefix of both options and so is ambiguous;
//! * the input is `argv[optind]`, i.e. the first non-option in command-line order; extra
//!   non-options are ignored.

use std::ffi::OsString;
use std::os::unix::ffi::OsStrExt;

use crate::error::Fatal;
use crate::error::USAGE;

/// The long options, in the order of C's `long_options[]` (the ambiguity message lists them so).
const LONG_OPTIONS: [&[u8]; 2] = [b"all-symbols", b"absolute-percpu"];

/// What the command line asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Options {
    /// `--all-symbols` (CONFIG_KALLSYMS_ALL): keep symbols outside the text ranges.
    pub(crate) all_symbols: bool,
    /// `--absolute-percpu` (CONFIG_KALLSYMS_ABSOLUTE_PERCPU): percpu symbols become absolute.
    pub(crate) absolute_percpu: bool,
    /// The input map, `argv[optind]`.
    pub(crate) input: OsString,
}

/// Parses `args` (including `argv[0]`) like C kallsyms' `main`.
pub(crate) fn parse_args(args: &[OsString], posixly_correct: bool) -> Result<Options, Fatal> {
    let argv0 = args.first().map(|a| a.as_bytes()).unwrap_or(b"");
    let mut flags = [false; 2];
    let mut non_options: Vec<&OsString> = Vec::new();
    let mut rest = args.get(1..).unwrap_or(&[]).iter();
    while let Some(arg) = rest.next() {
        let bytes = arg.as_bytes();
        if bytes == b"--" {
            non_options.extend(rest);
            break;
        }
        let Some(option) = bytes.strip_prefix(b"-").filter(|o| !o.is_empty()) else {
            if posixly_correct {
                // REQUIRE_ORDER: getopt returns -1 at the first non-option.
                non_options.push(arg);
                non_options.extend(rest);
                break;
            }
            non_options.push(arg);
            continue;
        };
        match option.strip_prefix(b"-") {
            Some(long) => {
                let index = match_long_option(argv0, long)?;
                flags[index] = true;
            }
            None => {
                // The option string is empty, so the first letter is already invalid.
                let letter = option.first().copied().unwrap_or(b'-');
                let mut message = getopt_prefix(argv0);
                message.extend_from_slice(b"invalid option -- '");
                message.push(letter);
                message.extend_from_slice(b"'\n");
                return Err(usage_after(message));
            }
        }
    }
    let Some(input) = non_options.first() else {
        return Err(usage_after(Vec::new()));
    };
    Ok(Options {
        all_symbols: flags[0],
        absolute_percpu: flags[1],
        input: (*input).clone(),
    })
}

/// glibc's `process_long_option` for our two `no_argument` flags; `text` is the argument
/// without its leading `--`. Returns the index into [`LONG_OPTIONS`].
fn match_long_option(argv0: &[u8], text: &[u8]) -> Result<usize, Fatal> {
    let name_end = text.iter().position(|&c| c == b'=').unwrap_or(text.len());
    let name = &text[..name_end];
    let found = match LONG_OPTIONS.iter().position(|o| *o == name) {
        Some(exact) => exact,
        None => {
            let candidates: Vec<usize> = (0..LONG_OPTIONS.len())
                .filter(|&i| LONG_OPTIONS[i].starts_with(name))
                .collect();
            match candidates.as_slice() {
                [] => {
                    let mut message = getopt_prefix(argv0);
                    message.extend_from_slice(b"unrecognized option '--");
                    message.extend_from_slice(text);
                    message.extend_from_slice(b"'\n");
                    return Err(usage_after(message));
                }
                [only] => *only,
                several => {
                    // The two options set different flags, so glibc never merges them.
                    let mut message = getopt_prefix(argv0);
                    message.extend_from_slice(b"option '--");
                    message.extend_from_slice(text);
                    message.extend_from_slice(b"' is ambiguous; possibilities:");
                    for &i in several {
                        message.extend_from_slice(b" '--");
                        message.extend_from_slice(LONG_OPTIONS[i]);
                        message.push(b'\'');
                    }
                    message.push(b'\n');
                    return Err(usage_after(message));
                }
            }
        }
    };
    if name_end < text.len() {
        // glibc names the full option here, not what the user typed.
        let mut message = getopt_prefix(argv0);
        message.extend_from_slice(b"option '--");
        message.extend_from_slice(LONG_OPTIONS[found]);
        message.extend_from_slice(b"' doesn't allow an argument\n");
        return Err(usage_after(message));
    }
    Ok(found)
}

fn getopt_prefix(argv0: &[u8]) -> Vec<u8> {
    let mut message = Vec::with_capacity(argv0.len() + 80);
    message.extend_from_slice(argv0);
    message.extend_from_slice(b": ");
    message
}

/// getopt's message (if any) followed by `usage()`'s line; exit status 1.
fn usage_after(mut message: Vec<u8>) -> Fatal {
    message.extend_from_slice(USAGE);
    Fatal::new(message)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str], posixly_correct: bool) -> Result<Options, Fatal> {
        let args: Vec<OsString> = args.iter().map(OsString::from).collect();
        parse_args(&args, posixly_correct)
    }

    fn stderr_of(args: &[&str]) -> String {
        String::from_utf8(parse(args, false).unwrap_err().message).unwrap()
    }

    #[test]
    fn prefixes_and_permutation() {
        let o = parse(&["k", "in.map", "--all", "--abs"], false).unwrap();
        assert!(o.all_symbols && o.absolute_percpu);
        assert_eq!(o.input, "in.map");
        let o = parse(&["k", "--", "--all-symbols", "x"], false).unwrap();
        assert!(!o.all_symbols);
        assert_eq!(o.input, "--all-symbols");
        let o = parse(&["k", "a", "--", "b"], false).unwrap();
        assert_eq!(o.input, "a");
        let o = parse(&["k", "-"], false).unwrap();
        assert_eq!(o.input, "-");
    }

    #[test]
    fn posixly_correct_stops_at_first_non_option() {
        let o = parse(&["k", "in.map", "--all-symbols", "--bogus"], true).unwrap();
        assert!(!o.all_symbols);
        assert_eq!(o.input, "in.map");
    }

    #[test]
    fn getopt_messages() {
        let usage = std::str::from_utf8(USAGE).unwrap();
        assert_eq!(stderr_of(&["k"]), usage);
        assert_eq!(stderr_of(&["k", "--"]), usage);
        assert_eq!(
            stderr_of(&["k", "-x"]),
            format!("k: invalid option -- 'x'\n{usage}")
        );
        assert_eq!(
            stderr_of(&["k", "--x=1"]),
            format!("k: unrecognized option '--x=1'\n{usage}")
        );
        assert_eq!(
            stderr_of(&["k", "--a"]),
            format!(
                "k: option '--a' is ambiguous; possibilities: '--all-symbols' \
                 '--absolute-percpu'\n{usage}"
            )
        );
        assert_eq!(
            stderr_of(&["k", "--all=1"]),
            format!("k: option '--all-symbols' doesn't allow an argument\n{usage}")
        );
    }
}
