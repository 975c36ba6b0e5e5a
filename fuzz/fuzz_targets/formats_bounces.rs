//! Arbitrary text through the vendor-bounce reader: no panic, bounded results. The first
//! line is the sender, the second the subject, the rest the text.

#![no_main]

use foi::ingest::formats::bounces;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut parts = text.splitn(3, '\n');
    let from = parts.next();
    let subject = parts.next();
    let body = parts.next().unwrap_or("");
    if let Some(bounce) = bounces::recognise(from, subject, body) {
        assert!(bounce.recipients.len() <= 100);
        for r in &bounce.recipients {
            assert!(r.address.contains('@'));
            assert!(r.diagnostic.as_deref().is_none_or(|d| d.chars().count() <= 500));
        }
        assert!(bounce.original.senders.len() <= 20);
        assert!(!bounce.evidence.is_empty());
    }
});
