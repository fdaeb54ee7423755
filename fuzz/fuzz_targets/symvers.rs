// SPDX-License-Identifier: GPL-2.0-only
//! A Module.symvers file (`-i`, also read as a `-u` whitelist) through modpost-rs's reader.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    modpost_rs::fuzz_entry::symvers(data);
});
