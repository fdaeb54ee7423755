//! The kallsyms tables of a linked kernel image: their layout (shared by the writer,
//! kallsyms-rs, and the readers), where they are in an image, how to decode and check them,
//! and the source-path side table of CONFIG_KALLSYMS_PATHS.
//!
//! `kallsyms-rs decode` and `modpost-rs verify` both read images through this module, so they
//! report the same problems in the same words.

pub mod image;
pub mod layout;
pub mod path_table;
pub mod tables;
