// SPDX-License-Identifier: GPL-2.0-only
//! A System.map / `nm` map through kallsyms-rs: read, filter, sort, compress, write (to memory).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    kallsyms_rs::fuzz_entry::map(data);
});
