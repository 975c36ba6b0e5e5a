//! The one derivation of a case's state ([`crate::standing::derive`]) with what it needs
//! from outside the events: which chaser steps of each campaign's ladder request an
//! internal review. Every path that records an event rewrites the case's stored status
//! through [`StatusRule`] in the transaction that records it (ingestion too: each batch's
//! cases), so every listing reads the same state the report derives.
//!
//! Sees `store`, `standing` and `chasers` (the ladders).

use crate::domain::{CampaignId, CaseStatus, Event};
use crate::standing;
use crate::store::Store;
use std::collections::HashMap;
use std::path::Path;

/// The status rule of every campaign: the derivation with each ladder's review steps.
#[derive(Debug, Clone, Default)]
pub struct StatusRule {
    review_steps: HashMap<CampaignId, Vec<String>>,
}

impl StatusRule {
    /// Learn every campaign's review steps (a bad ladder counts as none: the chaser sweep
    /// reports it).
    pub async fn load(store: &Store) -> anyhow::Result<Self> {
        let mut review_steps = HashMap::new();
        for c in store.campaigns().await? {
            let steps = crate::casework::chasers::review_steps(Path::new(&c.template_dir));
            review_steps.insert(c.id, steps);
        }
        Ok(Self { review_steps })
    }

    /// Whether `step` of `campaign`'s ladder requests an internal review.
    pub fn is_review_step(&self, campaign: CampaignId, step: &str) -> bool {
        self.review_steps
            .get(&campaign)
            .is_some_and(|v| v.iter().any(|x| x == step))
    }

    /// The status a case of `campaign` has after its effective `events` (`before`: its
    /// stored status, what a case with no event keeps).
    pub fn status(&self, campaign: CampaignId, before: CaseStatus, events: &[Event]) -> CaseStatus {
        let review = |s: &str| self.is_review_step(campaign, s);
        standing::derive(before, events, &review).status
    }
}
