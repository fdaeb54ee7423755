//! What the two binaries do the same way before their own command lines are parsed.

use std::ffi::OsString;

/// `--help` or `--version` as the only argument: prints `help`, or `version` and a newline,
/// and returns true. Any other use of them is left to the drop-in's getopt emulation, which
/// rejects them as the C tool does, so Kbuild command lines behave as with the C tools.
pub fn help_or_version(args: &[OsString], help: &str, version: &str) -> bool {
    match args {
        [_, a] if a == "--help" => print!("{help}"),
        [_, a] if a == "--version" => println!("{version}"),
        _ => return false,
    }
    true
}
