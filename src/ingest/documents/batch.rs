//! Reading the attachments that wait: a batch at a time from the store, a few children at
//! once (one per core), each attachment's state and text recorded as soon as it is read.
//! Nothing here can stop ingestion: a child that hangs, crashes or floods is a `failed`
//! state with its reason, and the next attachment goes on.

use super::first_page::{self, FirstPages};
use super::sandbox::Sandbox;
use crate::clock::Clock;
use crate::domain::id::CampaignId;
use crate::domain::{DocumentState, Extraction};
use crate::store::{PendingDocument, Store};
use futures_util::stream::{self, StreamExt};
use std::sync::Arc;

/// Images shown inline and smaller than this are logos and signatures, not pages.
const SMALL_INLINE_IMAGE: i64 = 20 << 10;

/// What a run of extraction did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Tally {
    pub done: usize,
    pub ocr: usize,
    pub failed: usize,
    pub skipped: usize,
    pub retried: u64,
}

impl Tally {
    pub fn total(&self) -> usize {
        self.done + self.ocr + self.failed + self.skipped
    }

    fn add(&mut self, s: DocumentState) {
        match s {
            DocumentState::Done | DocumentState::Pending => self.done += 1,
            DocumentState::Ocr => self.ocr += 1,
            DocumentState::Failed => self.failed += 1,
            DocumentState::Skipped => self.skipped += 1,
        }
    }
}

/// How to read: the sandbox, and how many children at once.
#[derive(Debug, Clone)]
pub struct Extractor {
    pub sandbox: Sandbox,
    pub parallel: usize,
}

impl Extractor {
    /// The running `foi` binary as the child, default limits, one child per core.
    pub fn current_exe() -> anyhow::Result<Self> {
        let exe = std::env::current_exe()?;
        Ok(Self::new(Sandbox::foi(exe, super::Limits::default())))
    }

    pub fn new(sandbox: Sandbox) -> Self {
        let parallel = std::thread::available_parallelism().map_or(1, usize::from);
        Self { sandbox, parallel }
    }
}

/// Read the attachments waiting (of a campaign), at most `limit` of them (`None`: all),
/// `--retry-failed` first queueing the failed ones again. With `pages`, each reply that
/// said only "please find attached" is classified from its document's first page (see
/// [`first_page`]).
pub async fn extract(
    store: &Store,
    extractor: &Extractor,
    clock: &Arc<dyn Clock>,
    pages: Option<&FirstPages<'_>>,
    campaign: Option<CampaignId>,
    retry_failed: bool,
    limit: Option<usize>,
) -> anyhow::Result<Tally> {
    let mut tally = Tally::default();
    if retry_failed {
        tally.retried = store.retry_failed_documents(campaign, clock.now()).await?;
    }
    let batch = extractor.parallel.max(1) * 8;
    loop {
        let left = limit.map_or(batch, |l| l.saturating_sub(tally.total()).min(batch));
        if left == 0 {
            break;
        }
        let pending = store.documents_to_extract(campaign, left as i64).await?;
        if pending.is_empty() {
            break;
        }
        let results: Vec<anyhow::Result<DocumentState>> = stream::iter(pending)
            .map(|doc| one(store, extractor, clock, pages, doc))
            .buffer_unordered(extractor.parallel.max(1))
            .collect()
            .await;
        for r in results {
            tally.add(r?);
        }
    }
    Ok(tally)
}

/// Read one attachment and record it.
async fn one(
    store: &Store,
    extractor: &Extractor,
    clock: &Arc<dyn Clock>,
    pages: Option<&FirstPages<'_>>,
    doc: PendingDocument,
) -> anyhow::Result<DocumentState> {
    let x = if doc.size > extractor.sandbox.limits.max_input as i64 {
        Extraction::skipped(format!(
            "too large: {} MB (at most {} MB are read)",
            doc.size >> 20,
            extractor.sandbox.limits.max_input >> 20
        ))
    } else if doc.inline && doc.content_type.starts_with("image/") && doc.size < SMALL_INLINE_IMAGE
    {
        Extraction::skipped("a small inline image (a logo or signature)")
    } else {
        match store.attachment(doc.id).await {
            // (a damaged pack is this attachment's failure, not the batch's)
            Err(e) => Extraction::failed(format!("its bytes cannot be read: {e}")),
            Ok(None) => Extraction::failed("its bytes are not stored"),
            Ok(Some((_, bytes))) => {
                let sandbox = extractor.sandbox.clone();
                let (name, ct) = (doc.file_name.clone(), doc.content_type.clone());
                tokio::task::spawn_blocking(move || sandbox.extract(&bytes, &name, &ct))
                    .await
                    .unwrap_or_else(|e| {
                        Extraction::failed(format!("the extraction task failed: {e}"))
                    })
            }
        }
    };
    if let (DocumentState::Failed, Some(r)) = (x.state, &x.reason) {
        tracing::warn!(
            "attachment {} ({}) could not be read: {r}",
            doc.id,
            doc.file_name
        );
    }
    store.record_extraction(doc.id, &x, clock.now()).await?;
    if let (Some(pages), DocumentState::Done | DocumentState::Ocr) = (pages, x.state) {
        // (a classification that cannot be made leaves the system's; the text is kept)
        match first_page::consider(store, pages, doc.id, &doc.file_name, &x.units, clock.now())
            .await
        {
            Ok(Some(kind)) => tracing::info!(
                "attachment {} ({}): its email classified as {kind} from its first page",
                doc.id,
                doc.file_name
            ),
            Ok(None) => {}
            Err(e) => tracing::warn!(
                "attachment {} ({}): no classification from its first page: {e:#}",
                doc.id,
                doc.file_name
            ),
        }
    }
    Ok(x.state)
}
