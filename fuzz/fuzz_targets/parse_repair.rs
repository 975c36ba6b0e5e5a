//! Arbitrary bytes through the MIME repair step on its own (behind `parse` a panic in it
//! would be caught): no panic; an email left alone is borrowed unchanged and one that
//! was mended says so; mending rewrites one header and appends closing boundaries, so
//! it never drops the body and grows the email by a bounded amount.

#![no_main]

use foi::ingest::parse::fuzzing::repair;
use libfuzzer_sys::fuzz_target;
use memchr::memmem;

/// Boundaries closed at most (`repair`'s `MAX_BOUNDARIES`), each at most 200 bytes.
const MAX_GROWTH: usize = 64 * (200 + 6) + 512;

/// Where the top-level header block ends (as `repair` reads it).
fn body_start(raw: &[u8]) -> usize {
    let crlf = memmem::find(raw, b"\r\n\r\n").map(|i| i + 4);
    let lf = memmem::find(raw, b"\n\n").map(|i| i + 2);
    match (crlf, lf) {
        (Some(a), Some(b)) => a.min(b),
        (a, b) => a.or(b).unwrap_or(raw.len()),
    }
}

fuzz_target!(|data: &[u8]| {
    for root_unsplit in [false, true] {
        let (mended, notes) = repair(data, root_unsplit);
        let Some(out) = mended else {
            assert!(notes.is_empty(), "{notes:?}");
            continue;
        };
        assert!((1..=2).contains(&notes.len()), "{notes:?}");
        assert!(notes.iter().all(|n| !n.is_empty()));
        assert!(
            out.len() <= 2 * data.len() + MAX_GROWTH,
            "{} > {}",
            out.len(),
            data.len()
        );
        let body = &data[body_start(data)..];
        assert!(memmem::find(&out, body).is_some(), "the body was dropped");
        if !root_unsplit {
            // Only closing boundaries can be added: the email is kept as it came.
            assert!(out.starts_with(data));
            assert!(out.ends_with(b"--\r\n"));
        }
    }
});
