//! Formats shared by modpost-rs and kallsyms-rs: the per-archive path manifest and the
//! `.kallsyms_paths` module section. The modpost drop-in itself lives in the binary crate.

pub mod kallsyms_paths;
pub mod kallsyms_tables;
pub mod manifest;
