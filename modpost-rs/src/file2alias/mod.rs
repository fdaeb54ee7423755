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

// Temporary stub on main until the file2alias branch is merged.
use crate::diag::Diags;

/// Target properties a device-table handler needs.
pub(crate) struct DevTableTarget {
    /// ELFCLASS64: `kernel_ulong_t` is 8 bytes.
    pub(crate) is_64: bool,
    /// ELFDATA2MSB.
    pub(crate) big_endian: bool,
}

pub(crate) fn handle_moddevtable(
    _target: DevTableTarget,
    _modname: &str,
    _symname: &[u8],
    _data: &mut [u8],
    _aliases: &mut String,
    _diags: &mut Diags,
) -> crate::diag::Result<()> {
    Ok(())
}
