// SPDX-License-Identifier: GPL-2.0-only
//! A linked image (vmlinux, .tmp_vmlinuxN) through the kallsyms table reader of
//! `kallsyms-rs decode` and `modpost-rs verify`: kpaths::kallsyms::image::find_tables, then
//! tables::parse, the offset-mode detection and tables::finish (every consistency check and the
//! path side table) in both offset modes.
#![no_main]

use kpaths::elf::ElfFile;
use kpaths::kallsyms::image;
use kpaths::kallsyms::tables;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(file) = ElfFile::parse(data) else {
        return;
    };
    let Ok(Some(raw)) = image::find_tables(&file) else {
        return;
    };
    let Ok(parsed) = tables::parse(&raw) else {
        return;
    };
    let kinds: Vec<u8> = parsed.entries.iter().map(|e| e.kind).collect();
    let _ = tables::detect_mode(&parsed.offsets, &kinds);
    let _ = tables::finish(&raw, parsed.clone(), tables::OffsetMode::Relative);
    let _ = tables::finish(&raw, parsed, tables::OffsetMode::AbsolutePercpu);
});
