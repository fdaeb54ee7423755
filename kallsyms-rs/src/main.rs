//! kallsyms-rs: a drop-in replacement for Linux 6.12 `scripts/kallsyms`.

mod paths;

fn main() {}
