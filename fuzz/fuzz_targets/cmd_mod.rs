// SPDX-License-Identifier: GPL-2.0-only
//! A `.cmd` or `.mod` file through every reader of them: modpost-rs's `#SYMVER` and
//! srcversion scans (and the source normaliser), and kpaths::tree's `source_` line and `.mod`
//! list readers.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    modpost_rs::fuzz_entry::cmd_mod(data);
    let _ = kpaths::tree::source_from_cmd(data);
    let _ = kpaths::tree::objects_of_mod(data);
});
