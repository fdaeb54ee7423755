// SPDX-License-Identifier: GPL-2.0-only
//! A module (`.ko`) through `kallsyms-rs decode`'s module printer: its `.symtab` and
//! `.kallsyms_paths` (the loader's checks, the signature trailer), printed to memory with and
//! without `--paths`, and with `--check`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    kallsyms_rs::fuzz_entry::decode_ko(data);
});
