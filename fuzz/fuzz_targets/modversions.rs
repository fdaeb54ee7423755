// SPDX-License-Identifier: GPL-2.0-only
//! modpost-rs's MODVERSIONS path: a `.cmd` file's `#SYMVER` CRCs and a Module.symvers (the
//! input holds both, split at `modpost_rs::fuzz_entry::MODVERSIONS_SPLIT`) through the CRC
//! readers, the symbol resolution and the `SYMBOL_CRC()` / `__versions` texts.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    modpost_rs::fuzz_entry::modversions(data);
});
