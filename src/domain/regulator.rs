//! The regulator stage's facts as a case's events carry them: the regulator's case
//! reference on a complaint, a decision notice's reference, outcome and compliance date, who
//! appealed to the tribunal. They live in the event's note, in a fixed form a person can
//! read on the case page and type into a form:
//!
//! ```text
//! ref=FS50123456 outcome=partly comply_by=2026-07-15 -- anything else the person wrote
//! ```
//!
//! `key=value` words first (any order, each at most once), then, after `--`, free text.
//! A note without the words is all free text (so older notes read as they were written).
//! Pure: no IO.

use chrono::NaiveDate;
use std::fmt;

/// How a decision notice decided the complaint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DecisionOutcome {
    /// The complaint was upheld: the body breached the law.
    Upheld,
    /// Upheld in part.
    Partly,
    /// Not upheld: the body acted lawfully.
    NotUpheld,
}

impl DecisionOutcome {
    pub const ALL: [Self; 3] = [Self::Upheld, Self::Partly, Self::NotUpheld];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Upheld => "upheld",
            Self::Partly => "partly",
            Self::NotUpheld => "not_upheld",
        }
    }

    /// `upheld`, `partly` (or `partly_upheld`), `not_upheld` (`-` and spaces as `_`).
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_lowercase().replace(['-', ' '], "_").as_str() {
            "upheld" => Some(Self::Upheld),
            "partly" | "partly_upheld" | "partially_upheld" => Some(Self::Partly),
            "not_upheld" => Some(Self::NotUpheld),
            _ => None,
        }
    }

    /// For people: "upheld", "partly upheld", "not upheld".
    pub fn label(self) -> &'static str {
        match self {
            Self::Upheld => "upheld",
            Self::Partly => "partly upheld",
            Self::NotUpheld => "not upheld",
        }
    }
}

impl fmt::Display for DecisionOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

/// Who appealed a decision notice to the tribunal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Appellant {
    /// We (the requester) appealed.
    Requester,
    /// The body appealed: the notice need not be complied with while the appeal is pending
    /// (FOIA s.50(6)), so its compliance date stops running.
    Body,
}

impl Appellant {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Requester => "requester",
            Self::Body => "body",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_lowercase().as_str() {
            "requester" | "us" | "we" => Some(Self::Requester),
            "body" | "authority" | "public_authority" => Some(Self::Body),
            _ => None,
        }
    }
}

/// The longest regulator or tribunal reference accepted.
pub const MAX_REFERENCE: usize = 40;

/// Check a regulator's reference (`IC-123456-A1B2`, `FS50123456`, `EA/2026/0001`): 1 to 40
/// letters, digits, `-`, `/`, `.` or `_`, so it reads back from a note and is safe in a
/// file name's neighbourhood. Returns it trimmed.
pub fn parse_reference(s: &str) -> Result<String, String> {
    let t = s.trim();
    let ok = !t.is_empty()
        && t.len() <= MAX_REFERENCE
        && t.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '/' | '.' | '_'));
    if ok {
        Ok(t.to_string())
    } else {
        Err(format!(
            "'{s}' is not a regulator reference: use up to {MAX_REFERENCE} letters, digits, '-', '/', '.' or '_', e.g. IC-123456-A1B2 or FS50123456"
        ))
    }
}

/// What a regulator-stage event's note says.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct StageNote {
    /// The regulator's (or tribunal's) reference.
    pub reference: Option<String>,
    pub outcome: Option<DecisionOutcome>,
    /// The date by which a decision notice orders the body to comply.
    pub comply_by: Option<NaiveDate>,
    pub appellant: Option<Appellant>,
    /// The person's own words.
    pub text: Option<String>,
}

impl StageNote {
    /// Read a note (never fails: words that are not the fixed form are free text).
    pub fn parse(note: &str) -> Self {
        let mut out = Self::default();
        let mut rest = note.trim_start();
        loop {
            let word_end = rest.find(char::is_whitespace).unwrap_or(rest.len());
            let word = &rest[..word_end];
            if word == "--" {
                rest = &rest[word_end..];
                break;
            }
            if !out.take_word(word) {
                break;
            }
            rest = rest[word_end..].trim_start();
            if rest.is_empty() {
                break;
            }
        }
        let text = rest.trim();
        out.text = (!text.is_empty()).then(|| text.to_string());
        out
    }

    /// Take one `key=value` word; false (and nothing taken) when it is not one, or its key
    /// was seen already.
    fn take_word(&mut self, word: &str) -> bool {
        let Some((key, value)) = word.split_once('=') else {
            return false;
        };
        match key.replace('-', "_").as_str() {
            "ref" if self.reference.is_none() => match parse_reference(value) {
                Ok(r) => self.reference = Some(r),
                Err(_) => return false,
            },
            "outcome" if self.outcome.is_none() => match DecisionOutcome::parse(value) {
                Some(o) => self.outcome = Some(o),
                None => return false,
            },
            "comply_by" if self.comply_by.is_none() => match value.parse() {
                Ok(d) => self.comply_by = Some(d),
                Err(_) => return false,
            },
            "appellant" if self.appellant.is_none() => match Appellant::parse(value) {
                Some(a) => self.appellant = Some(a),
                None => return false,
            },
            _ => return false,
        }
        true
    }

    /// The note as stored (`None` when it says nothing).
    pub fn render(&self) -> Option<String> {
        let mut words = Vec::new();
        if let Some(r) = &self.reference {
            words.push(format!("ref={r}"));
        }
        if let Some(o) = self.outcome {
            words.push(format!("outcome={o}"));
        }
        if let Some(d) = self.comply_by {
            words.push(format!("comply_by={d}"));
        }
        if let Some(a) = self.appellant {
            words.push(format!("appellant={}", a.as_str()));
        }
        let text = self
            .text
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty());
        match (words.is_empty(), text) {
            (true, None) => None,
            (true, Some(t)) => Some(t.to_string()),
            (false, None) => Some(words.join(" ")),
            (false, Some(t)) => Some(format!("{} -- {t}", words.join(" "))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn a_decision_notice_round_trips() {
        let n = StageNote {
            reference: Some("FS50123456".into()),
            outcome: Some(DecisionOutcome::Partly),
            comply_by: Some(d("2026-07-15")),
            appellant: None,
            text: Some("steps: disclose the log".into()),
        };
        let s = n.render().unwrap();
        assert_eq!(
            s,
            "ref=FS50123456 outcome=partly comply_by=2026-07-15 -- steps: disclose the log"
        );
        assert_eq!(StageNote::parse(&s), n);
    }

    #[test]
    fn words_in_any_order_and_typed_by_hand() {
        let n = StageNote::parse("comply-by=2026-07-15   outcome=Upheld ref=IC-1-A");
        assert_eq!(n.comply_by, Some(d("2026-07-15")));
        assert_eq!(n.outcome, Some(DecisionOutcome::Upheld));
        assert_eq!(n.reference.as_deref(), Some("IC-1-A"));
        assert_eq!(n.text, None);
        assert_eq!(
            StageNote::parse("appellant=body").appellant,
            Some(Appellant::Body)
        );
    }

    #[test]
    fn free_text_stays_free_text() {
        // An older note, or words that are not the fixed form, read as the person wrote them.
        let n = StageNote::parse("phoned the ICO, ref=IC-9 given");
        assert_eq!(n.reference, None);
        assert_eq!(n.text.as_deref(), Some("phoned the ICO, ref=IC-9 given"));
        // A bad value ends the words: nothing half read.
        let n = StageNote::parse("outcome=maybe ref=IC-9");
        assert_eq!(n.outcome, None);
        assert_eq!(n.reference, None);
        assert_eq!(n.text.as_deref(), Some("outcome=maybe ref=IC-9"));
        // A repeated key ends them too.
        let n = StageNote::parse("ref=A ref=B");
        assert_eq!(n.reference.as_deref(), Some("A"));
        assert_eq!(n.text.as_deref(), Some("ref=B"));
        assert_eq!(StageNote::parse("").render(), None);
        assert_eq!(StageNote::parse("  -- ").render(), None);
    }

    #[test]
    fn references_are_checked() {
        assert_eq!(parse_reference(" EA/2026/0001 ").unwrap(), "EA/2026/0001");
        assert!(parse_reference("").is_err());
        assert!(parse_reference("IC 123").is_err());
        assert!(parse_reference("../etc").is_ok_and(|r| r == "../etc"));
        assert!(parse_reference(&"A".repeat(41)).is_err());
        assert!(parse_reference("IC-1\n").is_ok());
        assert!(parse_reference("IC-1\u{202e}").is_err());
    }

    #[test]
    fn outcomes_parse_as_people_type_them() {
        assert_eq!(
            DecisionOutcome::parse("Not upheld"),
            Some(DecisionOutcome::NotUpheld)
        );
        assert_eq!(
            DecisionOutcome::parse("partly-upheld"),
            Some(DecisionOutcome::Partly)
        );
        assert_eq!(DecisionOutcome::parse("won"), None);
        for o in DecisionOutcome::ALL {
            assert_eq!(DecisionOutcome::parse(o.as_str()), Some(o));
        }
    }
}
