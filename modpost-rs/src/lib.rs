//! Formats shared by modpost-rs and kallsyms-rs: the per-archive path manifest, the
//! `.kallsyms_paths` module section, and the reader of the kallsyms tables of a built image
//! (used by `kallsyms-rs decode` and `modpost-rs verify`). The modpost drop-in itself lives in
//! the binary crate.

pub mod kallsyms_paths;
pub mod kallsyms_tables;
pub mod manifest;
