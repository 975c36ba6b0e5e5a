//! A campaign: one request text sent to a selection of bodies.

use serde::Serialize;
use std::fmt;

/// The prefix of a campaign's case references (`CCTV24` in `CCTV24-0042`): 2 to 16 ASCII
/// letters and digits, starting with a letter, stored in upper case. Unique across campaigns,
/// because replies are matched by reference.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct ReferencePrefix(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("reference prefix '{0}' is not valid: use 2 to 16 letters and digits starting with a letter, e.g. CCTV24")]
pub struct PrefixError(pub String);

impl ReferencePrefix {
    pub fn parse(s: &str) -> Result<Self, PrefixError> {
        let t = s.trim();
        let ok = (2..=16).contains(&t.len())
            && t.starts_with(|c: char| c.is_ascii_alphabetic())
            && t.chars().all(|c| c.is_ascii_alphanumeric());
        if ok {
            Ok(Self(t.to_ascii_uppercase()))
        } else {
            Err(PrefixError(s.to_string()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ReferencePrefix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&self.0)
    }
}

/// Where a campaign is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CampaignState {
    /// Cases exist; nothing is queued yet.
    Draft,
    /// Requests are queued or sent.
    Launched,
    /// Sending is held; queued emails wait.
    Paused,
    /// Unsent emails were withdrawn from the outbox.
    Cancelled,
}

impl CampaignState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Launched => "launched",
            Self::Paused => "paused",
            Self::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Draft, Self::Launched, Self::Paused, Self::Cancelled]
            .into_iter()
            .find(|v| v.as_str() == s)
    }
}

impl fmt::Display for CampaignState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

/// A stored campaign.
#[derive(Debug, Clone, Serialize)]
pub struct Campaign {
    pub id: super::CampaignId,
    pub name: String,
    pub reference_prefix: ReferencePrefix,
    /// The folder holding `subject.hbs`, `body.txt.hbs`, optional `body.html.hbs` and
    /// `campaign.toml`. Read at preview and launch time.
    pub template_dir: String,
    /// Regime for every case, overriding each body's own.
    pub regime: Option<String>,
    /// The selection expressions the campaign was created with.
    pub selection: Vec<String>,
    pub state: CampaignState,
    /// Digest of the templates that last passed the check for every case, if any.
    pub checked_digest: Option<String>,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_rules() {
        assert_eq!(ReferencePrefix::parse("cctv24").unwrap().as_str(), "CCTV24");
        for bad in ["", "C", "24CCTV", "CC-24", "CCTV 24", "ABCDEFGHIJKLMNOPQ"] {
            assert!(ReferencePrefix::parse(bad).is_err(), "{bad}");
        }
    }
}
