//! Source-path passes (subcommands of modpost-rs that are not part of the C drop-in):
//! `.kallsyms_paths` emission for `.ko` files, `verify`, and the per-archive manifests.
//! OWNER: module-paths helper (ko/verify) and vmlinux-paths helper (manifest).

mod manifest;

/// Runs `modpost-rs <subcommand> ...` when `args[1]` names one of the source-path passes and
/// returns its exit status; `None` means "not a subcommand": the C drop-in handles `args`.
pub(crate) fn run_subcommand(args: &[String]) -> Option<i32> {
    match args.get(1).map(String::as_str) {
        Some("manifest") => Some(manifest::run(&args[2..])),
        _ => None,
    }
}
