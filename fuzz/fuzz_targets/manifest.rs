// SPDX-License-Identifier: GPL-2.0-only
//! An archive manifest through kpaths::manifest::Manifest::parse. What parses must serialise
//! and parse back to the same manifest (a difference is a finding).
#![no_main]

use kpaths::manifest::Manifest;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(manifest) = Manifest::parse(data, "fuzz.a.manifest") else {
        return;
    };
    if let Ok(bytes) = manifest.to_bytes() {
        let again = Manifest::parse(&bytes, "fuzz.a.manifest");
        assert_eq!(
            again.ok().as_ref(),
            Some(&manifest),
            "to_bytes does not parse back"
        );
    }
});
