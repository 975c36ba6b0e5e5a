//! Arbitrary bytes as an OAuth2 provider's HTTP answer (our HTTP parser, then the token,
//! device and error JSON the flows read) and as a token file: no panic, and a body is never
//! longer than the answer it came in.

#![no_main]

use foi::net::oauth::{flow, http, Tokens};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(response) = http::parse_response(data) {
        assert!(response.body().len() <= data.len());
    }
    let _ = flow::read_answer(data);
    let _ = Tokens::parse(data);
});
