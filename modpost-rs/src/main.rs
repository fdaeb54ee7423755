//! modpost-rs: a drop-in replacement for Linux 6.12 `scripts/mod/modpost`.
//! See docs/design.md for the phase-to-file map.

mod cli;
mod diag;
mod file2alias;
mod paths;
mod sources;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(code) = paths::run_subcommand(&args) {
        std::process::exit(code);
    }
    std::process::exit(0);
}
