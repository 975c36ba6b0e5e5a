//! Arbitrary bytes through the charset decoder under every label mail uses, and through
//! the RFC 2047 decoder: no panic, `\n` line ends only.

#![no_main]

use foi::ingest::formats::charset;
use libfuzzer_sys::fuzz_target;

const LABELS: [&str; 16] = [
    "gb2312", "gb18030", "big5", "shift_jis", "iso-2022-jp", "euc-kr", "koi8-r", "windows-1251",
    "iso-8859-2", "utf-8", "us-ascii", "ks_c_5601-1987", "cp936", "x-unknown", "\"utf-8*en\"", "",
];

fuzz_target!(|data: &[u8]| {
    let (label, bytes) = match data.split_first() {
        Some((first, rest)) => (LABELS.get(usize::from(*first) % 17).copied(), rest),
        None => (None, data),
    };
    let decoded = charset::decode(bytes, label);
    assert!(!decoded.text.contains('\r'));
    let header = String::from_utf8_lossy(bytes);
    let words = charset::decode_encoded_words(&header);
    assert!(!words.contains(['\r', '\n']) || header.contains(['\r', '\n']));
});
