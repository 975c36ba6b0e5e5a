//! Arbitrary bytes through the compressed-RTF decompressor and the RTF reader: no panic,
//! output within its bounds.

#![no_main]

use foi::ingest::formats::rtf;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // As a compressed stream (LZFu header forced on an odd first byte), then as RTF.
    let mut stream = data.to_vec();
    if data.first().is_some_and(|b| b & 1 == 1) && stream.len() >= 16 {
        stream[8..12].copy_from_slice(b"LZFu");
    }
    if let Ok(decompressed) = rtf::decompress(&stream, 1 << 16) {
        assert!(decompressed.len() <= 1 << 16);
        let read = rtf::to_text(&decompressed, 4096);
        assert!(read.text.len() <= 4096);
    }
    let read = rtf::to_text(data, 1024);
    assert!(read.text.len() <= 1024);
    assert!(read.html.as_deref().is_none_or(|h| h.len() <= 1024));
});
