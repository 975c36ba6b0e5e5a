//! The reusable replies shipped with foi (`templates/replies/`, built into the binary):
//! answer a clarification, accept or contest a fee, refine a request refused under the cost
//! limit, ask for an internal review, and say that the law accepts requests by email. A
//! reply template is a folder like a campaign's (`subject.hbs`, `body.txt.hbs`); it sees
//! the campaign's variables and `text`, the person's own words.

use crate::templates::TemplateSet;
use std::path::{Path, PathBuf};

/// What a reply is, for the case's clock: the outbox kind it is queued as, from which the
/// sender records its event ([`crate::domain::event::EventKind::sent_for`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReplyKind {
    /// A reply that is no clock event (`reply_sent`).
    Plain,
    /// Our clarification: its date of receipt restarts the clock (`clarification_sent`).
    Clarification,
    /// A request for internal review: starts the review's clock (`internal_review_requested`).
    InternalReview,
}

impl ReplyKind {
    pub fn outbox_kind(self) -> &'static str {
        match self {
            Self::Plain => "reply",
            Self::Clarification => "reply:clarification",
            Self::InternalReview => "reply:internal_review",
        }
    }

    /// `reply`, `clarification`, `internal-review` (as typed or posted).
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_lowercase().replace('_', "-").as_str() {
            "reply" | "plain" => Some(Self::Plain),
            "clarification" => Some(Self::Clarification),
            "internal-review" => Some(Self::InternalReview),
            _ => None,
        }
    }
}

/// One built-in reply template.
#[derive(Debug, Clone, Copy)]
pub struct ReplyTemplate {
    pub name: &'static str,
    pub label: &'static str,
    pub kind: ReplyKind,
    /// Whether it needs the person's words (`{{text}}`: the grounds, the clarification).
    pub needs_text: bool,
    pub subject: &'static str,
    pub text: &'static str,
}

macro_rules! builtin {
    ($name:literal, $label:literal, $kind:expr, $needs:expr) => {
        ReplyTemplate {
            name: $name,
            label: $label,
            kind: $kind,
            needs_text: $needs,
            subject: include_str!(concat!("../../templates/replies/", $name, "/subject.hbs")),
            text: include_str!(concat!("../../templates/replies/", $name, "/body.txt.hbs")),
        }
    };
}

/// The built-in reply templates, in the order the dashboard offers them.
pub const BUILTIN: [ReplyTemplate; 6] = [
    builtin!(
        "clarification",
        "Answer a request for clarification",
        ReplyKind::Clarification,
        true
    ),
    builtin!(
        "fee-accept",
        "Accept a fees notice",
        ReplyKind::Plain,
        false
    ),
    builtin!(
        "fee-contest",
        "Contest a fees notice",
        ReplyKind::Plain,
        true
    ),
    builtin!(
        "refine-cost-limit",
        "Refine a request refused under the cost limit",
        ReplyKind::Plain,
        true
    ),
    builtin!(
        "internal-review",
        "Ask for an internal review, with grounds",
        ReplyKind::InternalReview,
        true
    ),
    builtin!(
        "email-is-valid",
        "Say the law accepts requests by email",
        ReplyKind::Plain,
        false
    ),
];

/// A reply template to render: a built-in, or a folder of the person's own.
#[derive(Debug, Clone)]
pub struct Chosen {
    pub set: TemplateSet,
    /// The built-in's kind (`None` for a folder: the case decides).
    pub kind: Option<ReplyKind>,
    pub needs_text: bool,
    pub name: String,
}

/// `name` as a built-in's name, else as a folder holding `subject.hbs` and `body.txt.hbs`.
pub fn choose(name: &str) -> anyhow::Result<Chosen> {
    if let Some(t) = BUILTIN.iter().find(|t| t.name == name) {
        return Ok(Chosen {
            set: TemplateSet {
                dir: PathBuf::from(format!("(built-in reply {})", t.name)),
                subject: t.subject.to_string(),
                text: t.text.to_string(),
                html: None,
                campaign_fields: Default::default(),
            },
            kind: Some(t.kind),
            needs_text: t.needs_text,
            name: t.name.to_string(),
        });
    }
    let dir = Path::new(name);
    if !dir.is_dir() {
        let names: Vec<&str> = BUILTIN.iter().map(|t| t.name).collect();
        anyhow::bail!(
            "no reply template '{name}': use one of {} or a folder with subject.hbs and body.txt.hbs",
            names.join(", ")
        );
    }
    let set = TemplateSet::load(dir)?;
    Ok(Chosen {
        needs_text: set.text.contains("{{text}}"),
        set,
        kind: None,
        name: name.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_compiles_and_says_whether_it_needs_words() {
        for t in BUILTIN {
            let chosen = choose(t.name).unwrap();
            crate::templates::Renderer::new(&chosen.set).unwrap();
            assert_eq!(t.needs_text, t.text.contains("{{text}}\n\n"), "{}", t.name);
        }
        assert!(choose("no-such-template").is_err());
        assert_eq!(
            ReplyKind::parse("internal_review"),
            Some(ReplyKind::InternalReview)
        );
        assert_eq!(
            ReplyKind::Clarification.outbox_kind(),
            "reply:clarification"
        );
    }
}
