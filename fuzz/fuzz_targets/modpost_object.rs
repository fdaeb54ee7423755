// SPDX-License-Identifier: GPL-2.0-only
//! One object file (the input is the file's bytes) through modpost-rs's scan of a module `.o`
//! and of vmlinux: ELF header and sections, `.modinfo`, symtab, relocations and the
//! section-mismatch checks, device tables (file2alias), then merge, checks and the outputs.
//! A fatal error (C's `exit(1)`) is an error value in modpost-rs, so it returns normally.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    modpost_rs::fuzz_entry::object(data);
});
