//! Matching an inbound email to its case(s), strongest evidence first (DESIGN.md):
//! the reply token in a recipient address; In-Reply-To/References naming one of our
//! Message-IDs (a bounce: the original message it carries); the case reference in the
//! subject or text; the body's own reference learnt earlier; the sender's address or
//! domain with exactly one open case. When two cases fit equally, it does not guess.

use super::classify::Classification;
use super::parse::ParsedMessage;
use crate::domain::{Reference, ReplyToken};
use crate::store::Store;

/// Where an email belongs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Match {
    /// These cases, and how they were found.
    Cases(Vec<i64>, &'static str),
    /// Triage, with the reason and any cases worth suggesting.
    Triage(String, Vec<i64>),
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

fn distinct(mut ids: Vec<i64>) -> Vec<i64> {
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// Find the case(s) of an email.
pub async fn find_cases(
    store: &Store,
    parsed: &ParsedMessage,
    class: &Classification,
    reply_pattern: &str,
) -> anyhow::Result<Match> {
    // A bounce belongs to the message it carries.
    if let Some(b) = &class.bounce {
        if let Some(orig) = &b.original_message_id {
            let ids = distinct(
                store
                    .case_ids_by_outbound_ids(std::slice::from_ref(orig))
                    .await?,
            );
            if ids.len() == 1 {
                return Ok(Match::Cases(ids, "bounce"));
            }
        }
    }
    // 1. The reply token in any recipient address (To, Cc, Delivered-To, X-Original-To,
    // Received). Tokens are explicit: an email naming two tokens answers both cases.
    let mut by_token = Vec::new();
    for r in &parsed.recipients {
        if let Some(t) = token_in(&r.address, reply_pattern) {
            if let Some(id) = store.case_id_by_token(t.as_str()).await? {
                by_token.push(id);
            }
        }
    }
    let by_token = distinct(by_token);
    if !by_token.is_empty() {
        return Ok(Match::Cases(by_token, "token"));
    }
    // 2. Threading headers naming our Message-IDs.
    let mut ids: Vec<String> = parsed.in_reply_to.clone();
    ids.extend(parsed.references.iter().cloned());
    let by_thread = distinct(store.case_ids_by_outbound_ids(&ids).await?);
    match by_thread.len() {
        1 => return Ok(Match::Cases(by_thread, "thread")),
        n if n > 1 => {
            return Ok(Match::Triage(
                format!("its threading headers name requests of {n} cases"),
                by_thread,
            ))
        }
        _ => {}
    }
    // 3. The case reference in the subject, else in the text.
    for text in [
        parsed.subject.as_deref().unwrap_or(""),
        parsed.text_body.as_str(),
    ] {
        let mut found = Vec::new();
        for r in references_in(text) {
            if let Some(id) = store.case_id_by_reference(r.as_str()).await? {
                found.push(id);
            }
        }
        let found = distinct(found);
        match found.len() {
            1 => return Ok(Match::Cases(found, "reference")),
            n if n > 1 => {
                return Ok(Match::Triage(
                    format!("it names {n} case references"),
                    found,
                ))
            }
            _ => {}
        }
    }
    // 4. The body's own reference, learnt from earlier emails on the case.
    if let Some(bref) = &class.body_reference {
        let found = distinct(store.case_ids_by_body_reference(bref).await?);
        if found.len() == 1 {
            return Ok(Match::Cases(found, "body_reference"));
        }
    }
    // 5. The sender: a body with exactly one open case.
    if let Some(from) = &parsed.from {
        let domain = from.address.rsplit_once('@').map(|(_, d)| d).unwrap_or("");
        let (by_addr, by_domain) = store
            .open_case_ids_for_sender(&from.address, domain)
            .await?;
        if by_addr.len() == 1 {
            return Ok(Match::Cases(by_addr, "sender"));
        }
        if by_addr.is_empty() && by_domain.len() == 1 {
            return Ok(Match::Cases(by_domain, "sender_domain"));
        }
        let suggestions = if by_addr.is_empty() {
            by_domain
        } else {
            by_addr
        };
        if !suggestions.is_empty() {
            return Ok(Match::Triage(
                format!(
                    "no token, thread or reference; the sender {} has {} open cases",
                    from.address,
                    suggestions.len()
                ),
                suggestions.into_iter().take(20).collect(),
            ));
        }
        return Ok(Match::Triage(
            format!(
                "no token, thread or reference, and {} is not a known body's address",
                from.address
            ),
            Vec::new(),
        ));
    }
    Ok(Match::Triage(
        "no token, thread, reference or sender".into(),
        Vec::new(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
