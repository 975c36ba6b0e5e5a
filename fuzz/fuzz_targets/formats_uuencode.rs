//! Arbitrary text through the uuencode decoder: no panic, output within its bounds, and
//! the text it gives back is never longer than what came in.

#![no_main]

use foi::ingest::formats::{uuencode, Bounds};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // An odd first byte selects tiny bounds, so the limit paths get fuzzed too.
    let bounds = if data.first().is_some_and(|b| b & 1 == 1) {
        Bounds {
            max_files: 2,
            max_output_bytes: 64,
            max_depth: 1,
        }
    } else {
        Bounds::default()
    };
    let text = String::from_utf8_lossy(data);
    let out = uuencode::extract(&text, &bounds);
    assert!(out.files.len() <= bounds.max_files);
    let total: usize = out.files.iter().map(|f| f.bytes.len()).sum();
    assert!(total <= bounds.max_output_bytes);
    assert!(out.text.len() <= text.len());
    assert!(out.damage.len() <= uuencode::MAX_DAMAGE_NOTES);
    for file in &out.files {
        assert!(file.name.chars().count() <= foi::ingest::formats::MAX_NAME_CHARS);
        assert!(!file.name.chars().any(char::is_control));
    }
    if !uuencode::has_block(&text) {
        assert!(out.files.is_empty());
        assert_eq!(out.text, text);
    }
});
