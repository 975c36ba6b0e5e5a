//! Arbitrary bytes through the TNEF reader (after the signature, so that every input is
//! read as a stream): no panic, output within its bounds.

#![no_main]

use foi::ingest::formats::{tnef, Bounds};
use libfuzzer_sys::fuzz_target;

fn count(t: &tnef::Tnef) -> (usize, usize) {
    t.attachments.iter().fold((0, 0), |(files, bytes), a| {
        let (f, b) = a.embedded.as_deref().map_or((0, 0), count);
        (files + 1 + f, bytes + a.file.bytes.len() + b)
    })
}

fuzz_target!(|data: &[u8]| {
    let bounds = if data.first().is_some_and(|b| b & 1 == 1) {
        Bounds {
            max_files: 3,
            max_output_bytes: 4096,
            max_depth: 2,
        }
    } else {
        Bounds::default()
    };
    let mut stream = tnef::SIGNATURE.to_vec();
    stream.extend_from_slice(data);
    let read = tnef::read(&stream, &bounds).expect("the signature is there");
    let (files, bytes) = count(&read);
    assert!(files <= bounds.max_files);
    assert!(bytes <= bounds.max_output_bytes);
    assert!(read.damage.len() <= 20);
    // Without the signature nothing is read.
    assert!(tnef::read(data, &bounds).is_err() || data.starts_with(&tnef::SIGNATURE));
});
