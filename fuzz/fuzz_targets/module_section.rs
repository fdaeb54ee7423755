// SPDX-License-Identifier: GPL-2.0-only
//! A `.kallsyms_paths` payload through kpaths::module_section::decode in both byte orders (what
//! decodes must encode and decode back to the same table), and the same bytes as a module
//! ELF file through read_section (the loader's checks) and the signature trailer.
#![no_main]

use kpaths::elf::ElfFile;
use kpaths::module_section;
use libfuzzer_sys::fuzz_target;
use object::Endianness;

fuzz_target!(|data: &[u8]| {
    for e in [Endianness::Little, Endianness::Big] {
        let Ok(section) = module_section::decode(data, e) else {
            continue;
        };
        let paths: Vec<Option<&[u8]>> = (0..section.index.len())
            .map(|i| section.path_of(i))
            .collect();
        if let Ok(bytes) = module_section::encode(&paths, section.crc, e) {
            let again = module_section::decode(&bytes, e).expect("encode output decodes");
            let again_paths: Vec<Option<&[u8]>> =
                (0..again.index.len()).map(|i| again.path_of(i)).collect();
            assert_eq!(again_paths, paths, "encode/decode changed the paths");
            assert_eq!((again.num_syms, again.crc), (section.num_syms, section.crc));
        }
    }
    let unsigned = module_section::unsigned(data);
    for bytes in [data, unsigned] {
        if let Ok(file) = ElfFile::parse(bytes) {
            let _ = module_section::read_section(&file);
        }
    }
});
