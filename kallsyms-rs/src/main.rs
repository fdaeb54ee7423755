//! The `kallsyms-rs` binary: everything is in the library (`src/lib.rs`), shared with the fuzz
//! targets.

fn main() {
    kallsyms_rs::main()
}
