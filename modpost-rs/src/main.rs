//! modpost-rs: a drop-in replacement for Linux 6.12 `scripts/mod/modpost`.
//! See docs/design.md for the phase-to-file map.

mod cli;
mod diag;
mod file2alias;
mod paths;
mod sources;

fn main() {
    // args_os: a non-UTF-8 argument must not panic (it is shown lossily in messages).
    let args: Vec<String> = std::env::args_os()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    if let Some(code) = paths::run_subcommand(&args) {
        std::process::exit(code);
    }
    std::process::exit(0);
}
