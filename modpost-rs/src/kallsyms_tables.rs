//! Reading back the kallsyms tables that `scripts/kallsyms` (Linux 6.12) writes into a linked
//! vmlinux: `image` finds them through the ELF symbol table, `tables` decodes them and runs the
//! consistency checks the kernel's lookups rely on.
//!
//! Shared by `kallsyms-rs decode` and `modpost-rs verify`, so both report the same problems
//! with the same words.

pub mod image;
pub mod tables;
