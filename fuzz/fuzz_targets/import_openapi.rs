//! Arbitrary bytes into the openapi importer: it must return (an error is fine), never panic or hang.
#![no_main]

use libfuzzer_sys::fuzz_target;
use patchbay_core::import::{convert, ImportFormat};

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = convert("fuzz-input", text, ImportFormat::Openapi);
    }
});
