//! Full-text search over what the bodies sent (issue 21): emails and the text of their
//! documents, one ranked list (bm25) for `foi search` and the dashboard's search page.
//! What a person typed is parsed by `domain::search_query` (one clear sentence when it is
//! malformed, never an index error); names typed for filters are checked here.

use crate::domain::search_query::{snippet_parts, snippet_text, SearchQuery};
use crate::domain::{AttachmentId, MessageId};
use crate::ingest::classify::Kind;
use crate::store::{SearchFilter, Store};
use chrono::{DateTime, Utc};

/// The most hits one search returns.
pub const MAX_LIMIT: u32 = 1000;

/// A search as a person asked it.
#[derive(Debug, Clone, Default)]
pub struct SearchRequest {
    pub query: String,
    pub campaign: Option<String>,
    pub tag: Option<String>,
    pub class: Option<String>,
    pub limit: u32,
}

/// Why a search was not run: the person's input (say what to change), or a failure.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("{0}")]
    Input(String),
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

impl From<crate::store::StoreError> for SearchError {
    fn from(e: crate::store::StoreError) -> Self {
        Self::Other(e.into())
    }
}

/// One hit, ready to show.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Hit {
    pub reference: Option<String>,
    pub campaign: Option<String>,
    pub body: Option<String>,
    pub message_id: MessageId,
    pub at: DateTime<Utc>,
    pub subject: String,
    pub class: Option<String>,
    pub attachment_id: Option<AttachmentId>,
    pub attachment: Option<String>,
    pub locator: Option<String>,
    /// The words around the match, matches between « and ».
    pub snippet: String,
    /// The same, as (text, is a match) parts (the dashboard marks the matches).
    #[serde(skip)]
    pub parts: Vec<(String, bool)>,
    pub rank: f64,
}

/// Index what is queued for search: the emails recorded or changed (and the documents'
/// text) since the last call. Reading mail only queues what it records, in the transaction
/// that records it; the index is brought up to date by whoever needs it next: a search
/// before it answers ([`search`]), and `foi run` after each fetch so that a search does not
/// wait. So a fetch spends its time on the mail (indexing is about a sixth of the CPU an
/// email costs), and the queue is crash-safe. Returns how many were queued.
pub async fn bring_index_up_to_date(store: &Store) -> anyhow::Result<u64> {
    let started = std::time::Instant::now();
    let n = store.index_pending_messages().await?;
    if n > 0 {
        tracing::debug!(
            "indexed {n} emails for search in {} ms",
            started.elapsed().as_millis()
        );
    }
    Ok(n)
}

/// Run a search: the hits, best first.
pub async fn search(store: &Store, request: &SearchRequest) -> Result<Vec<Hit>, SearchError> {
    let query = SearchQuery::parse(&request.query)
        .map_err(|why| SearchError::Input(format!("cannot search for that: {why}")))?;
    if request.limit == 0 || request.limit > MAX_LIMIT {
        return Err(SearchError::Input(format!(
            "the limit is from 1 to {MAX_LIMIT}"
        )));
    }
    let campaign_id = match request.campaign.as_deref().filter(|c| !c.is_empty()) {
        Some(name) => match store.campaign_by_name(name).await? {
            Some(c) => Some(c.id),
            None => {
                return Err(SearchError::Input(format!(
                    "there is no campaign '{name}' (`foi campaign list` names them)"
                )))
            }
        },
        None => None,
    };
    let class = match request.class.as_deref().filter(|c| !c.is_empty()) {
        Some(c) => Some(
            c.parse::<Kind>()
                .map_err(|e| SearchError::Input(e.to_string()))?
                .as_str()
                .to_string(),
        ),
        None => None,
    };
    let filter = SearchFilter {
        campaign_id,
        tag: request
            .tag
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_string),
        class,
        limit: request.limit,
    };
    // (a search is never stale: what is queued is indexed first)
    bring_index_up_to_date(store).await?;
    Ok(store
        .search(&query, &filter)
        .await?
        .into_iter()
        .map(|h| Hit {
            snippet: snippet_text(&h.snippet),
            parts: snippet_parts(&h.snippet),
            reference: h.reference,
            campaign: h.campaign,
            body: h.body,
            message_id: h.message_id,
            at: h.at,
            subject: h.subject,
            class: h.class,
            attachment_id: h.attachment_id,
            attachment: h.attachment,
            locator: h.locator,
            rank: h.rank,
        })
        .collect())
}
