//! The search page (`/search`): the same ranked hits as `foi search`, each linked to its
//! case, and for a document to its extracted text (`/attachments/{id}/text`), shown as
//! escaped text; the original stays a download (`/attachments/{id}`), never shown inline.

use super::Nav;
use crate::casework::search::{search, Hit, SearchError, SearchRequest};
use crate::domain::AttachmentId;
use crate::store::DocumentText;
use crate::web::auth::User;
use crate::web::error::{html, WebError, WebResult};
use crate::web::state::WebState;
use askama::Template;
use axum::extract::{Path, Query, State};

/// Hits shown on the page.
const PAGE_HITS: u32 = 50;
/// Units of a document's text shown on its page (a spreadsheet may have a million cells).
const PAGE_UNITS: u32 = 2000;

#[derive(Default, serde::Deserialize)]
pub struct SearchForm {
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub campaign: String,
    #[serde(default)]
    pub tag: String,
    #[serde(default)]
    pub class: String,
}

#[derive(Template)]
#[template(path = "search.html")]
struct Page {
    nav: Nav,
    f: SearchForm,
    campaigns: Vec<String>,
    classes: Vec<&'static str>,
    searched: bool,
    error: String,
    hits: Vec<Hit>,
}

pub async fn page(
    State(state): State<WebState>,
    user: User,
    Query(f): Query<SearchForm>,
) -> WebResult {
    let searched = !f.q.trim().is_empty();
    let mut error = String::new();
    let mut hits = Vec::new();
    if searched {
        let request = SearchRequest {
            query: f.q.clone(),
            campaign: Some(f.campaign.clone()),
            tag: Some(f.tag.clone()),
            class: Some(f.class.clone()),
            limit: PAGE_HITS,
        };
        match search(&state.store, &request).await {
            Ok(h) => hits = h,
            Err(SearchError::Input(why)) => error = why,
            Err(SearchError::Other(e)) => return Err(e.into()),
        }
    }
    html(&Page {
        nav: Nav::new(user, "search"),
        campaigns: super::campaign_names(&state.store).await?,
        classes: crate::ingest::classify::Kind::ALL
            .iter()
            .map(|k| k.as_str())
            .collect(),
        f,
        searched,
        error,
        hits,
    })
}

#[derive(Template)]
#[template(path = "document_text.html")]
struct DocumentPage {
    nav: Nav,
    doc: DocumentText,
    /// Whether only the first units are shown.
    cut: bool,
}

/// The text extracted from an attachment, unit by unit (page, cell), as text.
pub async fn document(
    State(state): State<WebState>,
    user: User,
    Path(id): Path<AttachmentId>,
) -> WebResult {
    let Some(doc) = state.store.document_text(id, PAGE_UNITS).await? else {
        return Err(WebError::NotFound(format!("There is no attachment {id}.")));
    };
    html(&DocumentPage {
        nav: Nav::new(user, "search"),
        cut: (doc.units.len() as i64) < doc.total_units,
        doc,
    })
}
