//! `.cmd` / `.mod` readers: `#SYMVER` CRCs and the srcversion source walk (C: modpost.c
//! mod_set_crcs, sumversion.c).
//!
//! OWNER: sources helper. Interface used by the core:
//!
//! ```ignore
//! /// All `#SYMVER <name> <crc>` pairs of the module's objects, in file order
//! /// (`.vmlinux.objs` for vmlinux, else `<modname>.mod`).
//! pub(crate) fn read_module_crcs(modname: &str, is_vmlinux: bool, diags: &mut Diags)
//!     -> diag::Result<Vec<(String, u32)>>
//! /// The 23-character srcversion of `<modname>` (path without `.o`).
//! pub(crate) fn get_src_version(modname: &str, diags: &mut Diags) -> diag::Result<Option<String>>
//! ```

// Temporary stub on main until the sources branch is merged.
use crate::diag::Diags;

pub(crate) fn read_module_crcs(
    _modname: &str,
    _is_vmlinux: bool,
    _diags: &mut Diags,
) -> crate::diag::Result<Vec<(String, u32)>> {
    Ok(Vec::new())
}

pub(crate) fn get_src_version(
    _modname: &str,
    _diags: &mut Diags,
) -> crate::diag::Result<Option<String>> {
    Ok(None)
}
