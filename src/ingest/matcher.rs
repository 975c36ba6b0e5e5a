//! Matching an inbound email to its case(s), strongest evidence first (DESIGN.md):
//! the reply token in a recipient address; In-Reply-To/References naming one of our
//! Message-IDs (a bounce: the original message it carries); the case reference in the
//! subject or text; the body's own reference learnt earlier; the sender's address or
//! domain with exactly one open case. When two cases fit equally, it does not guess.

use super::classify::Classification;
use super::parse::ParsedMessage;
use crate::domain::id::CaseId;
use crate::domain::{Reference, ReplyToken};
use crate::store::{CaseHit, Evidence, MatchKeys};
use std::collections::HashMap;

/// Where an email belongs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Match {
    /// These cases, and how they were found.
    Cases(Vec<CaseId>, &'static str),
    /// Triage, with the reason and any cases worth suggesting.
    Triage(String, Vec<CaseId>),
}

/// The reply-address pattern split around `{token}`.
pub fn token_in(address: &str, pattern: &str) -> Option<ReplyToken> {
    let (pre, post) = pattern.split_once("{token}")?;
    let a = address
        .trim()
        .trim_matches(|c| c == '<' || c == '>')
        .to_ascii_lowercase();
    let rest = a.strip_prefix(&pre.to_ascii_lowercase())?;
    let token = rest.strip_suffix(&post.to_ascii_lowercase())?;
    ReplyToken::parse(token)
}

/// Candidate case references in free text: `PREFIX-0042` words.
pub fn references_in(text: &str) -> Vec<Reference> {
    // A word is a run of ASCII letters, digits and dashes, and a reference has a dash: the
    // text is searched for dashes, and only the words around them are looked at.
    let bytes = text.as_bytes();
    let in_word = |b: &u8| b.is_ascii_alphanumeric() || *b == b'-';
    let mut out: Vec<Reference> = Vec::new();
    let (mut words, mut from) = (0, 0);
    while let Some(i) = memchr::memchr(b'-', &bytes[from..]) {
        let dash = from + i;
        // (`from` is past the last word, so neither scan goes back over one)
        let start = bytes[from..dash]
            .iter()
            .rposition(|b| !in_word(b))
            .map_or(from, |p| from + p + 1);
        let end = bytes[dash..]
            .iter()
            .position(|b| !in_word(b))
            .map_or(bytes.len(), |p| dash + p);
        // (ASCII on both sides: these are character boundaries)
        let word = &text[start..end];
        if (7..=30).contains(&word.len()) {
            words += 1;
            if words > 10_000 {
                break;
            }
            if let Some(r) = Reference::parse(word) {
                if !out.contains(&r) {
                    out.push(r);
                }
            }
        }
        from = end;
    }
    out
}

fn distinct(mut ids: Vec<CaseId>) -> Vec<CaseId> {
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// The cases an email's evidence named, with what the pipeline needs of each.
#[derive(Debug, Clone, Default)]
pub struct Found {
    pub matched: Option<Match>,
    /// case id -> (reference, regime), for every case the evidence named.
    pub cases: HashMap<CaseId, (String, String)>,
}

impl Found {
    pub fn reference(&self, case_id: CaseId) -> Option<&str> {
        self.cases.get(&case_id).map(|(r, _)| r.as_str())
    }

    pub fn regime(&self, case_id: CaseId) -> Option<&str> {
        self.cases.get(&case_id).map(|(_, g)| g.as_str())
    }
}

/// Case ids (with reference and regime) that emails earlier in the same batch linked to
/// their body reference: not stored yet, but evidence for the emails after them.
pub type Learnt = HashMap<String, Vec<(CaseId, String, String)>>;

/// Weigh an email's evidence except the sender's (read for many emails in one round trip
/// to the store, `Store::match_evidence`), strongest first. `None`: only the sender can
/// still decide. A body reference that is really one of our case references quoted back
/// ("Reference: CCTV24-0042") is dropped from `class`.
pub fn weigh(
    hits: Vec<CaseHit>,
    class: &mut Classification,
    learnt: &Learnt,
    found: &mut Found,
) -> Option<Match> {
    let mut by: HashMap<Evidence, Vec<CaseId>> = HashMap::new();
    for h in hits {
        by.entry(h.evidence).or_default().push(h.case_id);
        found.cases.insert(h.case_id, (h.reference, h.regime));
    }
    if by.contains_key(&Evidence::OwnReference) {
        class.body_reference = None;
        by.remove(&Evidence::BodyReference);
    }
    if let Some(earlier) = class.body_reference.as_ref().and_then(|r| learnt.get(r)) {
        for (id, reference, regime) in earlier {
            by.entry(Evidence::BodyReference).or_default().push(*id);
            found.cases.insert(*id, (reference.clone(), regime.clone()));
        }
    }
    decide(&by)
}

/// 5. The sender: a body with exactly one open case (`Store::sender_evidence`).
pub fn weigh_sender(from: &str, hits: Vec<CaseHit>, found: &mut Found) -> Match {
    let mut by_addr = Vec::new();
    let mut by_domain = Vec::new();
    for h in hits {
        match h.evidence {
            Evidence::Sender => by_addr.push(h.case_id),
            _ => by_domain.push(h.case_id),
        }
        found.cases.insert(h.case_id, (h.reference, h.regime));
    }
    let (by_addr, by_domain) = (distinct(by_addr), distinct(by_domain));
    if by_addr.len() == 1 {
        return Match::Cases(by_addr, "sender");
    }
    if by_addr.is_empty() && by_domain.len() == 1 {
        return Match::Cases(by_domain, "sender_domain");
    }
    let suggestions = if by_addr.is_empty() {
        by_domain
    } else {
        by_addr
    };
    if suggestions.is_empty() {
        return Match::Triage(
            format!("no token, thread or reference, and {from} is not a known body's address"),
            Vec::new(),
        );
    }
    Match::Triage(
        format!(
            "no token, thread or reference; the sender {from} has {} open cases",
            suggestions.len()
        ),
        suggestions.into_iter().take(20).collect(),
    )
}

/// Nothing decided and no sender to ask about.
pub fn no_evidence() -> Match {
    Match::Triage("no token, thread, reference or sender".into(), Vec::new())
}

/// Whether evidence of this kind lets an email change its cases by itself. Our case
/// reference in the subject or text anyone can write (references are sequential and often
/// published): such an email changes a case only when it comes from the body's address or
/// domain. (The body's own reference is learnt from its verified mail and is not ours to
/// publish.) A bounce changes a case only when it carries our original (its Message-ID, a
/// reply token, or our Message-ID in its threading headers).
pub fn needs_sender_check(method: &str) -> bool {
    method == "reference"
}

/// A claim on cases checked against who sent it (see [`needs_sender_check`]): the match
/// stands, or the email goes to triage as "unverified" with the claimed cases suggested.
/// `bodies` holds each claimed case's body address.
pub fn verify_claim(
    matched: Match,
    is_bounce: bool,
    from: Option<&str>,
    bodies: &HashMap<CaseId, String>,
) -> Match {
    let Match::Cases(ids, method) = matched else {
        return matched;
    };
    if is_bounce && !matches!(method, "bounce" | "token" | "thread") {
        return Match::Triage(
            "unverified: a bounce that does not carry our original message (its Message-ID or reply token) changes no case by itself".into(),
            ids,
        );
    }
    if !needs_sender_check(method) {
        return Match::Cases(ids, method);
    }
    let from = from.unwrap_or("").trim().to_ascii_lowercase();
    let all_known = ids.iter().all(|id| {
        bodies
            .get(id)
            .is_some_and(|body| same_sender(&from, &body.to_ascii_lowercase()))
    });
    if all_known {
        return Match::Cases(ids, method);
    }
    let shown = if from.is_empty() {
        "no sender"
    } else {
        from.as_str()
    };
    Match::Triage(
        format!(
            "unverified: it names a case by its reference only, and {shown} is not the body's address or domain"
        ),
        ids,
    )
}

/// `from` is the body's address, or an address at its domain or a subdomain of it.
fn same_sender(from: &str, body: &str) -> bool {
    if from.is_empty() {
        return false;
    }
    if from == body {
        return true;
    }
    let domain = |a: &str| a.rsplit_once('@').map(|(_, d)| d.to_string());
    match (domain(from), domain(body)) {
        (Some(f), Some(b)) if !b.is_empty() => f == b || f.ends_with(&format!(".{b}")),
        _ => false,
    }
}

/// What to look up for an email.
pub fn keys_of(parsed: &ParsedMessage, class: &Classification, reply_pattern: &str) -> MatchKeys {
    let mut thread_ids: Vec<String> = parsed.in_reply_to.clone();
    thread_ids.extend(parsed.references.iter().cloned());
    thread_ids.truncate(100);
    let refs = |text: &str| -> Vec<String> {
        references_in(text)
            .into_iter()
            .map(|r| r.as_str().to_string())
            .collect()
    };
    MatchKeys {
        bounce_original: class
            .bounce
            .as_ref()
            .and_then(|b| b.original_message_id.clone()),
        // A bounce also carries our own address (with its token) in the original it
        // returns or quotes.
        tokens: parsed
            .recipients
            .iter()
            .map(|r| r.address.as_str())
            .chain(
                parsed
                    .delivery_report
                    .iter()
                    .flat_map(|r| r.original.senders.iter().map(String::as_str)),
            )
            .filter_map(|address| token_in(address, reply_pattern))
            .map(|t| t.as_str().to_string())
            .fold(Vec::new(), |mut tokens, token| {
                if !tokens.contains(&token) {
                    tokens.push(token);
                }
                tokens
            }),
        thread_ids,
        subject_references: refs(parsed.subject.as_deref().unwrap_or("")),
        text_references: refs(&parsed.text_body),
        // "Reference: CCTV24-0042" quotes our reference, not the body's own.
        own_reference: class
            .body_reference
            .as_deref()
            .and_then(crate::domain::Reference::parse)
            .map(|r| r.as_str().to_string()),
        body_reference: class.body_reference.clone(),
    }
}

/// Weigh the evidence, strongest first (steps 1-4 and a bounce's original message);
/// `None` when only the sender can still decide.
fn decide(by: &HashMap<Evidence, Vec<CaseId>>) -> Option<Match> {
    let get = |e: Evidence| distinct(by.get(&e).cloned().unwrap_or_default());
    // A bounce belongs to the message it carries.
    let bounce = get(Evidence::BounceOriginal);
    if bounce.len() == 1 {
        return Some(Match::Cases(bounce, "bounce"));
    }
    // 1. The reply token in any recipient address (To, Cc, Delivered-To, X-Original-To,
    // Received). Tokens are explicit: an email naming two tokens answers both cases.
    let by_token = get(Evidence::Token);
    if !by_token.is_empty() {
        return Some(Match::Cases(by_token, "token"));
    }
    // 2. Threading headers naming our Message-IDs.
    let by_thread = get(Evidence::Thread);
    match by_thread.len() {
        0 => {}
        1 => return Some(Match::Cases(by_thread, "thread")),
        n => {
            return Some(Match::Triage(
                format!("its threading headers name requests of {n} cases"),
                by_thread,
            ))
        }
    }
    // 3. The case reference in the subject, else in the text.
    for e in [Evidence::SubjectReference, Evidence::TextReference] {
        let found = get(e);
        match found.len() {
            0 => {}
            1 => return Some(Match::Cases(found, "reference")),
            n => {
                return Some(Match::Triage(
                    format!("it names {n} case references"),
                    found,
                ))
            }
        }
    }
    // 4. The body's own reference, learnt from earlier emails on the case.
    let found = get(Evidence::BodyReference);
    if found.len() == 1 {
        return Some(Match::Cases(found, "body_reference"));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reference_claim_stands_only_from_the_bodys_address_or_domain() {
        let bodies: HashMap<CaseId, String> =
            [(CaseId::new(1), "FOI@Council.example".to_string())].into();
        let claim = || Match::Cases(vec![CaseId::new(1)], "reference");
        for ok in [
            "foi@council.example",
            "jo.bloggs@council.example",
            "x@mail.council.example",
        ] {
            assert_eq!(
                verify_claim(claim(), false, Some(ok), &bodies),
                claim(),
                "{ok}"
            );
        }
        for forged in [
            Some("spam@evil.example"),
            Some("x@council.example.evil"),
            Some("x@notcouncil.example"),
            None,
        ] {
            match verify_claim(claim(), false, forged, &bodies) {
                Match::Triage(why, ids) => {
                    assert!(why.starts_with("unverified"), "{why}");
                    assert_eq!(ids, vec![CaseId::new(1)]);
                }
                other => panic!("{forged:?}: {other:?}"),
            }
        }
        // A token or our Message-ID needs no check: only the body (or its mail system) has it.
        let token = Match::Cases(vec![CaseId::new(1)], "token");
        assert_eq!(
            verify_claim(token.clone(), false, Some("spam@evil.example"), &bodies),
            token
        );
    }

    #[test]
    fn a_bounce_changes_a_case_only_with_our_original() {
        let bodies: HashMap<CaseId, String> =
            [(CaseId::new(1), "foi@council.example".to_string())].into();
        for method in ["reference", "sender", "sender_domain", "body_reference"] {
            let m = verify_claim(
                Match::Cases(vec![CaseId::new(1)], method),
                true,
                Some("mailer-daemon@council.example"),
                &bodies,
            );
            assert!(
                matches!(m, Match::Triage(ref why, _) if why.contains("bounce")),
                "{method}: {m:?}"
            );
        }
        for method in ["bounce", "token", "thread"] {
            let m = Match::Cases(vec![CaseId::new(1)], method);
            assert_eq!(
                verify_claim(m.clone(), true, Some("mailer-daemon@x.example"), &bodies),
                m
            );
        }
    }

    #[test]
    fn tokens_are_found_in_plus_addresses_whatever_the_case() {
        let p = "foi+{token}@example.org";
        let t = token_in("<FOI+abcdefghijklmnop@Example.ORG>", p).unwrap();
        assert_eq!(t.as_str(), "abcdefghijklmnop");
        assert!(token_in("foi@example.org", p).is_none());
        assert!(token_in("foi+short@example.org", p).is_none());
        assert!(token_in("foi+abcdefghijklmnop@other.example", p).is_none());
    }

    #[test]
    fn references_are_found_in_text() {
        let r = references_in("Re: FOI request [CCTV24-0042] and cctv24-0043, not FOI-2024 or A-1");
        let r: Vec<&str> = r.iter().map(|r| r.as_str()).collect();
        // FOI-2024 is a candidate too: only a reference that exists in the store matches.
        assert_eq!(r, vec!["CCTV24-0042", "CCTV24-0043", "FOI-2024"]);
    }

    /// The word-by-word reading the dash search replaced: the same references, in the
    /// same order, whatever the text.
    fn references_word_by_word(text: &str) -> Vec<Reference> {
        let mut out: Vec<Reference> = Vec::new();
        for word in text
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
            .filter(|w| w.len() >= 7 && w.len() <= 30 && w.contains('-'))
            .take(10_000)
        {
            if let Some(r) = Reference::parse(word) {
                if !out.contains(&r) {
                    out.push(r);
                }
            }
        }
        out
    }

    proptest::proptest! {
        #[test]
        fn the_dash_search_finds_what_reading_every_word_finds(
            parts in proptest::collection::vec(
                proptest::sample::select(vec![
                    "CCTV24-0042", "cctv24-0043", "FOI-2024", "A-1", "-", "--", "0042", "abc",
                    "XYZ", " ", "[", "]", ".", "\n", "é", "€", "Ref:", "POL-0001-", "aaaaaaaaaaaaaaaa",
                ]),
                0..60,
            )
        ) {
            let text = parts.concat();
            proptest::prop_assert_eq!(references_in(&text), references_word_by_word(&text));
        }
    }
}
