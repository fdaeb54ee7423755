//! Device tables -> `MODULE_ALIAS("...")` lines (C: scripts/mod/file2alias.c).
//!
//! OWNER: file2alias helper. Interface used by the core (do not change without telling the core):
//!
//! ```ignore
//! pub(crate) struct DevTableTarget { pub(crate) is_64: bool, pub(crate) big_endian: bool }
//! /// Called for each STT_OBJECT symbol with a valid st_shndx, in symtab order, with the
//! /// name after remove_dot(). `data` is exactly st_size bytes (zero-filled for SHT_NOBITS),
//! /// a private copy that may be byte-swapped in place as C does.
//! pub(crate) fn handle_moddevtable(target: DevTableTarget, modname: &str, symname: &[u8],
//!     data: &mut [u8], aliases: &mut String, diags: &mut Diags) -> diag::Result<()>
//! ```
