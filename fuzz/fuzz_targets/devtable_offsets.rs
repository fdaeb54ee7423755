// SPDX-License-Identifier: GPL-2.0-only
//! A `devicetable-offsets.h` through modpost-rs's reader of it, then every device-table type's
//! handler (file2alias) on a small fixed table laid out by the parsed sizes and offsets.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    modpost_rs::fuzz_entry::devtable_offsets(data);
});
