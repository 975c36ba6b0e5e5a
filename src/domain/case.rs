//! A case: one campaign's request to one body.

use super::{BodyKey, ReferencePrefix};
use serde::Serialize;
use std::fmt;

/// A case reference, `PREFIX-0042`: the prefix, a hyphen and a sequence number padded to at
/// least four digits. It goes in every subject line as `[PREFIX-0042]`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct Reference(String);

impl Reference {
    pub fn new(prefix: &ReferencePrefix, seq: u32) -> Self {
        Self(format!("{}-{:04}", prefix.as_str(), seq))
    }

    /// Parse a reference typed by a person (case-insensitive, surrounding brackets allowed).
    pub fn parse(s: &str) -> Option<Self> {
        let t = s.trim().trim_start_matches('[').trim_end_matches(']');
        let (prefix, seq) = t.rsplit_once('-')?;
        let prefix = ReferencePrefix::parse(prefix).ok()?;
        let ok = (4..=9).contains(&seq.len()) && seq.chars().all(|c| c.is_ascii_digit());
        ok.then(|| Self(format!("{}-{}", prefix.as_str(), seq)))
    }

    pub fn from_stored(s: String) -> Self {
        Self(s)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Reference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&self.0)
    }
}

/// The unguessable token that goes in a case's reply address (`foi+<token>@org.example`):
/// 80 random bits as 16 lower-case base32 characters, so it survives mail systems that
/// lower-case addresses and cannot be guessed from the reference.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct ReplyToken(String);

const BASE32: &[u8; 32] = b"abcdefghijklmnopqrstuvwxyz234567";

impl ReplyToken {
    /// Encode 10 random bytes (the caller supplies randomness: this module does no IO).
    pub fn from_random(bytes: [u8; 10]) -> Self {
        let mut bits: u128 = 0;
        for b in bytes {
            bits = (bits << 8) | u128::from(b);
        }
        let s = (0..16)
            .rev()
            .map(|i| BASE32[((bits >> (i * 5)) & 31) as usize] as char)
            .collect();
        Self(s)
    }

    /// A token as the store holds it (lower case already): checked, not lower-cased.
    pub fn from_stored(s: &str) -> Option<Self> {
        // (the alphabet of BASE32: a-z, 2-7)
        let ok = |b: u8| b.is_ascii_lowercase() || (b'2'..=b'7').contains(&b);
        (s.len() == 16 && s.bytes().all(ok)).then(|| Self(s.to_string()))
    }

    /// Recognise a token (e.g. found in a recipient address).
    pub fn parse(s: &str) -> Option<Self> {
        let t = s.trim().to_ascii_lowercase();
        (t.len() == 16 && t.bytes().all(|b| BASE32.contains(&b))).then_some(Self(t))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ReplyToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&self.0)
    }
}

/// The configured reply address pattern (`foi+{token}@example.org`), checked: it holds
/// `{token}` and, with a token in it, makes a valid address. A case's replies and bounces
/// come back to its address, which finds the case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplyPattern(String);

impl ReplyPattern {
    /// Check a pattern; the error says what is wrong with `reply_address`.
    pub fn parse(pattern: &str) -> Result<Self, String> {
        if !pattern.contains("{token}") {
            return Err(
                "reply_address must contain {token}, e.g. \"foi+{token}@example.org\"".into(),
            );
        }
        let probe = pattern.replace("{token}", "abcdefghijklmnop");
        super::EmailAddress::parse(&probe)
            .map_err(|e| format!("reply_address does not make a valid address: {e}"))?;
        Ok(Self(pattern.to_string()))
    }

    /// The case's reply address: the token put into the pattern.
    pub fn address(&self, token: &ReplyToken) -> String {
        self.0.replace("{token}", token.as_str())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The status vocabulary of a case. `overdue` and `long overdue` are not statuses: they are
/// computed from the deadlines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseStatus {
    /// Created with its campaign; nothing queued yet.
    Draft,
    /// The request is in the outbox.
    Queued,
    AwaitingResponse,
    Acknowledged,
    ClarificationRequested,
    Successful,
    PartiallySuccessful,
    NotHeld,
    Refused,
    InternalReview,
    ComplaintToRegulator,
    Withdrawn,
    DeliveryFailed,
    /// The campaign was cancelled before this request was sent.
    Cancelled,
}

impl CaseStatus {
    pub const ALL: [CaseStatus; 14] = [
        Self::Draft,
        Self::Queued,
        Self::AwaitingResponse,
        Self::Acknowledged,
        Self::ClarificationRequested,
        Self::Successful,
        Self::PartiallySuccessful,
        Self::NotHeld,
        Self::Refused,
        Self::InternalReview,
        Self::ComplaintToRegulator,
        Self::Withdrawn,
        Self::DeliveryFailed,
        Self::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Queued => "queued",
            Self::AwaitingResponse => "awaiting_response",
            Self::Acknowledged => "acknowledged",
            Self::ClarificationRequested => "clarification_requested",
            Self::Successful => "successful",
            Self::PartiallySuccessful => "partially_successful",
            Self::NotHeld => "not_held",
            Self::Refused => "refused",
            Self::InternalReview => "internal_review",
            Self::ComplaintToRegulator => "complaint_to_regulator",
            Self::Withdrawn => "withdrawn",
            Self::DeliveryFailed => "delivery_failed",
            Self::Cancelled => "cancelled",
        }
    }

    /// The statuses of a case whose request has not gone yet (created, or in the outbox).
    pub const NOT_SENT: [CaseStatus; 2] = [Self::Draft, Self::Queued];

    /// Accepts `awaiting_response`, `awaiting-response` and `awaiting response`.
    pub fn parse(s: &str) -> Option<Self> {
        let norm = s.trim().to_lowercase().replace(['-', ' '], "_");
        Self::ALL.into_iter().find(|v| v.as_str() == norm)
    }

    /// Whether the body still owes an answer (the case is open for matching and chasing).
    pub fn is_open(self) -> bool {
        matches!(
            self,
            Self::Queued
                | Self::AwaitingResponse
                | Self::Acknowledged
                | Self::ClarificationRequested
                | Self::InternalReview
                | Self::ComplaintToRegulator
        )
    }
}

impl fmt::Display for CaseStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

/// A stored case, with the few body fields every listing shows.
#[derive(Debug, Clone, Serialize)]
pub struct Case {
    pub id: super::CaseId,
    pub reference: Reference,
    pub token: ReplyToken,
    pub campaign: String,
    pub body_id: super::BodyId,
    pub body_key: BodyKey,
    pub body_name: String,
    pub body_email: String,
    pub regime: String,
    pub status: CaseStatus,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_are_padded_and_parse_back() {
        let p = ReferencePrefix::parse("CCTV24").unwrap();
        let r = Reference::new(&p, 42);
        assert_eq!(r.as_str(), "CCTV24-0042");
        assert_eq!(Reference::parse("[cctv24-0042]"), Some(r));
        assert_eq!(Reference::new(&p, 12345).as_str(), "CCTV24-12345");
        assert_eq!(Reference::parse("CCTV24-42"), None);
        assert_eq!(Reference::parse("nonsense"), None);
    }

    #[test]
    fn tokens_are_16_base32_chars_and_distinct() {
        let a = ReplyToken::from_random([0; 10]);
        let b = ReplyToken::from_random([0xff; 10]);
        let c = ReplyToken::from_random([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
        assert_eq!(a.as_str(), "aaaaaaaaaaaaaaaa");
        assert_eq!(b.as_str(), "7777777777777777");
        assert_ne!(c, a);
        assert_eq!(
            ReplyToken::parse(&c.as_str().to_uppercase()),
            Some(c.clone())
        );
        assert_eq!(ReplyToken::parse("short"), None);
        assert_eq!(ReplyToken::from_stored(c.as_str()), Some(c.clone()));
        assert_eq!(ReplyToken::from_stored("AAAAAAAAAAAAAAAA"), None);
        assert_eq!(ReplyToken::from_stored("aaaaaaaaaaaaaaa1"), None);
        let pattern = ReplyPattern::parse("foi+{token}@example.org").unwrap();
        assert_eq!(pattern.address(&c), format!("foi+{}@example.org", c));
        assert!(ReplyPattern::parse("foi@example.org").is_err());
        assert!(ReplyPattern::parse("foi+{token}").is_err());
    }

    #[test]
    fn every_status_round_trips() {
        for s in CaseStatus::ALL {
            assert_eq!(CaseStatus::parse(s.as_str()), Some(s));
        }
        assert_eq!(
            CaseStatus::parse("Awaiting response"),
            Some(CaseStatus::AwaitingResponse)
        );
    }
}
