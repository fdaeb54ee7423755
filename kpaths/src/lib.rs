//! The source-path half of modpost-rs and kallsyms-rs: everything both need that is not the C
//! drop-in itself (docs/design.md has the map).
//!
//! | module | what it is |
//! |---|---|
//! | [`error`] | the one error type, with context |
//! | [`fs`] | reading, mapping, the one atomic writer |
//! | [`elf`] | ELF reading on `object` (both classes, both byte orders, extended numbering); [`elf::append`] adds a section without moving a byte |
//! | [`tree`] | the source-tree resolver (one rule for vmlinux and modules), `.cmd`/`.mod` files |
//! | [`manifest`] | the per-archive path manifest |
//! | [`module_section`] | the `.kallsyms_paths` section of a module |
//! | [`kallsyms`] | the kallsyms table layout, the image reader and the vmlinux path side table |
//! | [`tool`] | `--help`/`--version` of both binaries |
//! | `testkit` | (feature `testkit`) what the tests of every crate share |

pub mod elf;
pub mod error;
pub mod fs;
pub mod kallsyms;
pub mod manifest;
pub mod module_section;
pub mod tool;
pub mod tree;

#[cfg(feature = "testkit")]
pub mod testkit;

pub use error::Context;
pub use error::Error;
pub use error::Result;
