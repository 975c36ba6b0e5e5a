//! Arbitrary bytes through `parse`, `classify` and the matcher's pure half (the keys it
//! looks up, and the weighing of evidence): no panic, and the promises of the parsed
//! structure hold (bounded text, safe file names, no script in the HTML).

#![no_main]

use foi::domain::id::CaseId;
use foi::ingest::classify::classify;
use foi::ingest::matcher::{keys_of, weigh, Found, Learnt, Match};
use foi::ingest::parse::{parse, Limits};
use foi::store::{CaseHit, Evidence};
use foi::text::MAX_FILE_NAME_BYTES;
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
    let mut classification = classify(&parsed);

    // The matcher: what it would look up, then the weighing, as if every case reference,
    // token and Message-ID it names existed (case ids 1, 2, ... in turn).
    let keys = keys_of(&parsed, &classification, "foi+{token}@example.org");
    assert!(keys.thread_ids.len() <= 100);
    let named = [
        (Evidence::Token, &keys.tokens),
        (Evidence::Thread, &keys.thread_ids),
        (Evidence::SubjectReference, &keys.subject_references),
        (Evidence::TextReference, &keys.text_references),
    ];
    let hits: Vec<CaseHit> = named
        .iter()
        .flat_map(|(evidence, values)| values.iter().map(move |v| (*evidence, v)))
        .enumerate()
        .map(|(i, (evidence, v))| CaseHit {
            evidence,
            case_id: CaseId::new(i as i64 + 1),
            reference: v.clone(),
            regime: "uk-foia".into(),
        })
        .collect();
    let mut found = Found::default();
    let weighed = weigh(hits, &mut classification, &Learnt::new(), &mut found);
    if let Some(Match::Cases(ids, _)) = &weighed {
        assert!(!ids.is_empty());
        assert!(ids.iter().all(|id| found.cases.contains_key(id)));
    }

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
