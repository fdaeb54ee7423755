//! modpost-rs: a drop-in replacement for Linux 6.12 `scripts/mod/modpost`.
//! See docs/design.md for the phase-to-file map.

mod cli;
mod diag;
mod file2alias;
mod paths;
mod sources;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(status) = paths::run_subcommand(&args) {
        std::process::exit(status);
    }
    std::process::exit(0);
}
