//! Reading attachments for casework: `ingest::documents::batch::extract` with what
//! classification from a document's first page needs (the regimes, and the status rule
//! from the campaigns' ladders, loaded once per call).

use crate::casework::state::StatusRule;
use crate::clock::Clock;
use crate::deadlines::Regimes;
use crate::domain::id::CampaignId;
use crate::ingest::documents::batch::{self, Extractor, Tally};
use crate::ingest::documents::first_page::FirstPages;
use crate::store::Store;
use std::sync::Arc;

/// Read the attachments waiting (see [`batch::extract`]), classifying each reply that said
/// only "please find attached" from its document's first page.
pub async fn extract(
    store: &Store,
    regimes: &Regimes,
    extractor: &Extractor,
    clock: &Arc<dyn Clock>,
    campaign: Option<CampaignId>,
    retry_failed: bool,
    limit: Option<usize>,
) -> anyhow::Result<Tally> {
    let rule = StatusRule::load(store).await?;
    let derive = |c, before, events: &[_]| rule.status(c, before, events);
    let pages = FirstPages {
        regimes,
        derive: &derive,
    };
    batch::extract(
        store,
        extractor,
        clock,
        Some(&pages),
        campaign,
        retry_failed,
        limit,
    )
    .await
}
