//! Arbitrary bytes through the mbox splitter: no panic, nothing invented (the emails
//! together are never longer than the file), and a file with no `From ` line at all is
//! one email, byte for byte.

#![no_main]

use foi::ingest::mbox::split_mbox;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let emails = split_mbox(data);
    let total: usize = emails.iter().map(Vec::len).sum();
    assert!(total <= data.len());
    let has_from = data.starts_with(b"From ") || data.windows(6).any(|w| w == b"\nFrom ");
    if !has_from && !data.is_empty() {
        assert_eq!(emails.len(), 1);
        let escaped = data.starts_with(b">From ") || data.windows(7).any(|w| w == b"\n>From ");
        if !escaped {
            assert_eq!(emails[0], data);
        }
    }
});
