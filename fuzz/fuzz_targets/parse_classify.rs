//! Arbitrary bytes through `parse` and `classify`: no panic, and the promises of the
//! parsed structure hold (bounded text, safe file names, no script in the HTML).

#![no_main]

use foi::ingest::classify::classify;
use foi::ingest::parse::{parse, Limits};
use foi::ingest::sanitize::MAX_FILE_NAME_BYTES;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // An odd first byte selects tiny limits, so the truncation paths get fuzzed too.
    let limits = if data.first().is_some_and(|b| b & 1 == 1) {
        Limits {
            max_attachments: 2,
            max_text_chars: 64,
            max_html_bytes: 256,
            max_header_chars: 32,
            max_list_items: 3,
            ..Limits::default()
        }
    } else {
        Limits::default()
    };

    let parsed = parse(data, &limits);
    let classification = classify(&parsed);

    assert!(!classification.reason.is_empty());
    assert!(parsed.text_body.chars().count() <= limits.max_text_chars);
    assert!(parsed.attachments.len() <= limits.max_attachments);
    for attachment in &parsed.attachments {
        let name = &attachment.file_name;
        assert!(!name.is_empty());
        assert!(name.len() <= MAX_FILE_NAME_BYTES, "{name:?}");
        assert!(!name.contains(['/', '\\']), "{name:?}");
        assert!(!name.starts_with(['.', ' ']), "{name:?}");
        assert!(!name.chars().any(char::is_control), "{name:?}");
        assert!(!name.contains('\u{202E}'), "{name:?}");
        assert_eq!(attachment.size, attachment.bytes.len());
    }
    if let Some(html) = &parsed.html_body {
        let lower = html.to_ascii_lowercase();
        assert!(!lower.contains("<script"), "{html}");
        assert!(!lower.contains("javascript:"), "{html}");
    }
});
