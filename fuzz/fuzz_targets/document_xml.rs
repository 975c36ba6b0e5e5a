//! Arbitrary bytes through the DOCX and ODT text readers (our own walk over quick-xml's
//! events): no panic, text within its bound, at least one page.

#![no_main]

use foi::ingest::documents::office::{xml_pages, Dialect};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for dialect in [Dialect::Docx, Dialect::Odt] {
        if let Ok((pages, _)) = xml_pages(data, dialect, 4096) {
            assert!(!pages.is_empty());
            assert!(pages.iter().map(String::len).sum::<usize>() <= 4096 + pages.len());
        }
    }
});
