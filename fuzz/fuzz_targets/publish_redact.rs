//! Arbitrary text through the redactor that `foi publish` runs over every reply: no
//! panic, and what it promises holds. The input is split on `\x01` into an address to
//! keep, listed terms (one a line), the body's name, a From display name and the reply
//! text (names are learnt from the last two). Between the redactions of the output:
//! - no listed term is left, in any letter case;
//! - no address it redacted is left anywhere else,
//! unless that stretch holds the kept address (which nothing may cut).

#![no_main]

use foi::text::redact::{Kind, Redactor, REDACTED};
use libfuzzer_sys::fuzz_target;

/// As the redactor lowers text: character by character, the final sigma as sigma.
fn lower(text: &str) -> String {
    text.chars()
        .flat_map(char::to_lowercase)
        .map(|c| if c == 'ς' { 'σ' } else { c })
        .collect()
}

fuzz_target!(|data: &[u8]| {
    let input = String::from_utf8_lossy(data);
    let mut parts = input.splitn(5, '\x01');
    let keep = parts.next().unwrap_or_default().trim();
    let terms: Vec<String> = parts
        .next()
        .unwrap_or_default()
        .lines()
        .map(String::from)
        .collect();
    let organisation = parts.next().unwrap_or_default();
    let display = parts.next().unwrap_or_default();
    let text = parts.next().unwrap_or_default();

    let mut redactor = Redactor::new(&[keep], &terms, organisation);
    redactor.learn_display_name(display);
    redactor.learn_from_text(text);
    let out = redactor.redact(text);

    assert!(out.redactions.iter().all(|r| !r.found.is_empty()));
    assert!(out.text.len() <= text.len().max(1) * REDACTED.len());
    let keep_lower = lower(keep);
    for stretch in out.text.split(REDACTED) {
        let stretch_lower = lower(stretch);
        if !keep_lower.is_empty() && stretch_lower.contains(&keep_lower) {
            continue;
        }
        for term in &terms {
            let term = lower(term.trim());
            assert!(
                term.is_empty() || !stretch_lower.contains(&term),
                "term {term:?} left in {stretch:?}"
            );
        }
        for r in out.redactions.iter().filter(|r| r.kind == Kind::Email) {
            assert!(
                !stretch.contains(&r.found),
                "{:?} left in {stretch:?}",
                r.found
            );
        }
    }
});
