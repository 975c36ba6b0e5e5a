//! The public body's own reference for a request ("Our ref: FOI-2024-1234"), which later
//! replies may carry instead of ours.

use super::phrases::automaton;
use crate::text::{truncate_bytes, MAX_FRESH_CHARS};

/// Labels public bodies put before their own reference (lower case).
const REFERENCE_LABELS: &[&str] = &[
    "our reference",
    "our ref",
    "foi reference",
    "foi ref",
    "foi request reference",
    "foi request number",
    "foi number",
    "eir reference",
    "request reference",
    "request number",
    "request no",
    "request id",
    "case reference",
    "case number",
    "case no",
    "case ref",
    "reference number",
    "reference no",
    "ref no",
    "reference",
    "ref",
    "unser zeichen",
    "unser aktenzeichen",
    "aktenzeichen",
    "geschäftszeichen",
    "vorgangsnummer",
    "az",
];

/// The body's own reference, looked for in the subject, then the text: first after a
/// label such as "Our ref:", "Reference:", "Request number", "Aktenzeichen:", then as a
/// bare `FOI-2024-1234`-style token. The requester's reference ("Your ref") is skipped.
pub fn body_reference(subject: &str, text: &str) -> Option<String> {
    let subject = truncate_bytes(subject, MAX_FRESH_CHARS);
    let text = truncate_bytes(text, MAX_FRESH_CHARS * 4);
    let (subject_lower, text_lower) = (subject.to_ascii_lowercase(), text.to_ascii_lowercase());
    labelled_reference(subject, &subject_lower)
        .or_else(|| labelled_reference(text, &text_lower))
        .or_else(|| bare_reference(subject, &subject_lower))
        .or_else(|| bare_reference(text, &text_lower))
}

/// Every label of [`REFERENCE_LABELS`], looked for in one pass.
static REFERENCE_LABELS_AC: std::sync::LazyLock<aho_corasick::AhoCorasick> =
    std::sync::LazyLock::new(|| automaton(REFERENCE_LABELS));

/// The reference after the earliest label that has one (at the same place, the label
/// listed first), found in one pass over the text for all labels.
/// (`lower`: `text` in ASCII lower case)
fn labelled_reference(text: &str, lower: &str) -> Option<String> {
    let mut found: Vec<(usize, usize)> = REFERENCE_LABELS_AC
        .find_overlapping_iter(lower)
        .map(|m| (m.start(), m.pattern().as_usize()))
        .collect();
    found.sort_unstable();
    for (start, i) in found {
        let label = REFERENCE_LABELS[i];
        let end = start + label.len();
        let word_start = start == 0
            || lower
                .as_bytes()
                .get(start - 1)
                .is_some_and(|b| !b.is_ascii_alphanumeric());
        let word_end = lower
            .as_bytes()
            .get(end)
            .is_none_or(|b| !b.is_ascii_alphabetic());
        if !word_start || !word_end {
            continue;
        }
        let before = lower.get(..start).unwrap_or("").trim_end();
        if ["your", "ihr", "ihre", "ihr zeichen"]
            .iter()
            .any(|w| before.ends_with(w))
        {
            continue;
        }
        if let Some(reference) = reference_after(text.get(end..).unwrap_or(""), label) {
            return Some(reference);
        }
    }
    None
}

/// The reference token after a label: `: FOI/24/0042`, ` number 12345`, `# 77-A`.
fn reference_after(rest: &str, label: &str) -> Option<String> {
    let mut rest = rest;
    // Short labels must be followed by punctuation, not just a word: "Ref: 12", not
    // "Ref. 505" (German for a department) or "reference to".
    let trimmed = rest.trim_start_matches([' ', '\t']);
    if label == "ref" && !trimmed.starts_with([':', '#']) {
        return None;
    }
    if label == "az" && !trimmed.starts_with([':', '.']) {
        return None;
    }
    if label == "reference" && !trimmed.starts_with([':', '#']) {
        let lower = trimmed.to_ascii_lowercase();
        if !(lower.starts_with("number") || lower.starts_with("no")) {
            return None;
        }
    }
    for _ in 0..4 {
        let trimmed = rest.trim_start_matches([' ', '\t', ':', '.', '#', '-', '\u{a0}']);
        let lower = trimmed.to_ascii_lowercase();
        let skip = ["number", "no.", "no ", "nr.", "is "]
            .iter()
            .find(|w| lower.starts_with(**w))
            .map(|w| w.len());
        rest = match skip {
            Some(len) => trimmed.get(len..).unwrap_or(""),
            None => trimmed,
        };
        if skip.is_none() {
            break;
        }
    }
    let token: String = rest
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '-' | '_' | '.'))
        .take(41)
        .collect();
    let token = token.trim_end_matches(['.', '-', '/', '_']).to_string();
    let plausible = (3..=40).contains(&token.len()) && token.chars().any(|c| c.is_ascii_digit());
    plausible.then_some(token)
}

/// A bare FOI/EIR reference such as `FOI-2024-1234`, `FOI/24/0042`, `EIR 12345`.
fn bare_reference(text: &str, lower: &str) -> Option<String> {
    for prefix in ["foir", "foia", "foi", "eir"] {
        let mut from = 0usize;
        while let Some(found) = lower
            .get(from..)
            .and_then(|rest| memchr::memmem::find(rest.as_bytes(), prefix.as_bytes()))
        {
            let start = from + found;
            from = start + prefix.len();
            let word_start = start == 0
                || lower
                    .as_bytes()
                    .get(start - 1)
                    .is_some_and(|b| !b.is_ascii_alphanumeric());
            if !word_start {
                continue;
            }
            let token: String = text
                .get(start..)
                .unwrap_or("")
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '-' | '_' | ' '))
                .take(41)
                .collect();
            // Allow one space right after the prefix ("FOI 12345"), no other spaces.
            let after = token.get(prefix.len()..).unwrap_or("");
            let (sep, body) = match after.strip_prefix(' ') {
                Some(body) => (" ", body),
                None => ("", after),
            };
            let body: String = body.chars().take_while(|c| *c != ' ').collect();
            let body = body
                .trim_start_matches(['-', '/'])
                .trim_end_matches(['-', '/', '_']);
            let digits = body.chars().filter(char::is_ascii_digit).count();
            let sep_ok = sep.is_empty() || body.chars().all(|c| c.is_ascii_digit());
            let glued = after.starts_with(|c: char| c.is_ascii_alphanumeric());
            // "FOI2024/77" is a reference, "FOIA" or "FOIs" is a word.
            let glued_to_word = glued && !after.starts_with(|c: char| c.is_ascii_digit());
            if digits >= 3 && sep_ok && !glued_to_word {
                let prefix_text = text.get(start..start + prefix.len()).unwrap_or(prefix);
                let joiner = after
                    .chars()
                    .next()
                    .filter(|c| matches!(c, '-' | '/' | ' '))
                    .map(String::from)
                    .unwrap_or_default();
                return Some(format!("{prefix_text}{joiner}{body}"));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_are_found_after_labels_or_bare() {
        let text = |t: &str| body_reference("", t);
        assert_eq!(
            text("Our Ref: FOI-2024-1234.").as_deref(),
            Some("FOI-2024-1234")
        );
        assert_eq!(
            text("Reference: FOI/24/0042").as_deref(),
            Some("FOI/24/0042")
        );
        assert_eq!(
            text("Request number 12345 refers").as_deref(),
            Some("12345")
        );
        assert_eq!(
            text("Your ref: ABC-999; our ref: 77/2026").as_deref(),
            Some("77/2026")
        );
        assert_eq!(
            text("Unser Zeichen: 13000382 KD/Ne").as_deref(),
            Some("13000382")
        );
        assert_eq!(text("RE: FOI 12345 CCTV").as_deref(), Some("FOI 12345"));
        assert_eq!(text("EIR-2025-77 decision").as_deref(), Some("EIR-2025-77"));
        assert_eq!(text("with reference to your letter"), None);
        assert_eq!(text("FOI request about CCTV"), None);
        assert_eq!(text("Your ref: CCTV24-0042"), None);
        // A labelled reference in the text beats a bare one in the subject.
        assert_eq!(
            body_reference("RE: FOI 12345", "Case reference: FOI/2026/12345").as_deref(),
            Some("FOI/2026/12345")
        );
    }
}
