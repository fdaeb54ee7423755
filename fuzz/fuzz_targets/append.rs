// SPDX-License-Identifier: GPL-2.0-only
//! kpaths::elf::append::with_section on an ELF file: when it succeeds, the output must keep
//! the function's promise (`append::check_appended`: it parses, holds the new section with
//! exactly the payload, and keeps every other original section's name and bytes); a broken
//! promise is a finding.
#![no_main]

use kpaths::elf::append;
use kpaths::elf::ElfFile;
use libfuzzer_sys::fuzz_target;

const NAME: &[u8] = b".kallsyms_paths";
const PAYLOAD: &[u8] = b"KPTH fuzz payload\0\x01\x02\x03";

fuzz_target!(|data: &[u8]| {
    let Ok(file) = ElfFile::parse(data) else {
        return;
    };
    let Ok(out) = append::with_section(&file, NAME, PAYLOAD) else {
        return;
    };
    if let Err(broken) = append::check_appended(&file, &out, NAME, PAYLOAD) {
        panic!("with_section: {broken}");
    }
});
