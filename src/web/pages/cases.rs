//! Cases: every case, filtered by campaign, status, tag, assignee, body and reference, a
//! page at a time in a stable order (campaign, then sequence number), each linking to its
//! case page. And the case page's event form: a person records what a body did, as
//! `foi case event` does (the same kinds, the same checks).

use super::{enc, Nav};
use crate::casework::events::{parse_recordable, record_event};
use crate::domain::CaseStatus;
use crate::store::{AssigneeFilter, CaseListFilter, CaseListRow};
use crate::web::auth::{see_other, EditForm, User};
use crate::web::error::{html, invalid, WebError, WebResult};
use crate::web::extract::CaseRef;
use crate::web::state::WebState;
use askama::Template;
use axum::extract::{Query, State};

/// Cases on a page unless the query asks for another size.
pub const DEFAULT_PAGE_SIZE: u32 = 50;
/// The sizes offered; any size from 1 to [`MAX_PAGE_SIZE`] is taken.
pub const PAGE_SIZES: [u32; 4] = [25, 50, 100, 200];
pub const MAX_PAGE_SIZE: u32 = 200;

/// The filters, as in the query string (all text: a bad value is said on the page).
#[derive(Debug, Default, serde::Deserialize)]
pub struct Filters {
    #[serde(default)]
    pub campaign: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub tag: String,
    /// A user name, `-` for unassigned cases, empty for all.
    #[serde(default)]
    pub assignee: String,
    /// Part of the body's name, key or address.
    #[serde(default)]
    pub body: String,
    /// Part of the reference.
    #[serde(default)]
    pub reference: String,
    #[serde(default)]
    pub page: String,
    #[serde(default)]
    pub size: String,
}

impl Filters {
    fn query(&self, page: u64, size: u32) -> String {
        format!(
            "/cases?campaign={}&status={}&tag={}&assignee={}&body={}&reference={}&size={size}&page={page}",
            enc(&self.campaign),
            enc(&self.status),
            enc(&self.tag),
            enc(&self.assignee),
            enc(&self.body),
            enc(&self.reference),
        )
    }

    fn any(&self) -> bool {
        [
            &self.campaign,
            &self.status,
            &self.tag,
            &self.assignee,
            &self.body,
            &self.reference,
        ]
        .iter()
        .any(|s| !s.trim().is_empty())
    }
}

/// A positive number from the query string, or the sentence that says what to give.
fn number(s: &str, what: &str, default: u64) -> Result<u64, WebError> {
    match s.trim() {
        "" => Ok(default),
        t => t.parse::<u64>().ok().filter(|n| *n >= 1).ok_or_else(|| {
            WebError::Invalid(format!(
                "The {what} '{t}' is not a number from 1 up: correct it in the address."
            ))
        }),
    }
}

fn text(s: &str) -> Option<String> {
    Some(s.trim().to_string()).filter(|s| !s.is_empty())
}

#[derive(Template)]
#[template(path = "cases.html")]
struct Page {
    nav: Nav,
    f: Filters,
    campaigns: Vec<String>,
    statuses: Vec<CaseStatus>,
    users: Vec<String>,
    sizes: Vec<u32>,
    size: u32,
    rows: Vec<CaseListRow>,
    total: u64,
    first: u64,
    page: u64,
    pages: u64,
    prev: Option<String>,
    next: Option<String>,
}

pub async fn page(
    State(state): State<WebState>,
    user: User,
    Query(f): Query<Filters>,
) -> WebResult {
    let mut filter = CaseListFilter::default();
    if let Some(name) = text(&f.campaign) {
        let c =
            state.store.campaign_by_name(&name).await?.ok_or_else(|| {
                WebError::NotFound(format!("There is no campaign named '{name}'."))
            })?;
        filter.campaign_id = Some(c.id);
    }
    if let Some(s) = text(&f.status) {
        filter.status = Some(CaseStatus::parse(&s).ok_or_else(|| {
            let known: Vec<&str> = CaseStatus::ALL.iter().map(|s| s.as_str()).collect();
            WebError::Invalid(format!(
                "'{s}' is not a status: choose one of {}.",
                known.join(", ")
            ))
        })?);
    }
    filter.tag = text(&f.tag);
    filter.assignee = match f.assignee.trim() {
        "" => None,
        "-" => Some(AssigneeFilter::Nobody),
        name => Some(AssigneeFilter::Named(name.to_string())),
    };
    filter.body = text(&f.body);
    filter.reference = text(&f.reference);
    let size =
        number(&f.size, "page size", DEFAULT_PAGE_SIZE.into())?.min(MAX_PAGE_SIZE.into()) as u32;
    let asked = number(&f.page, "page", 1)?;
    let at = |page: u64| (page - 1).saturating_mul(u64::from(size));
    let (mut rows, total) = state.store.case_list(&filter, at(asked), size).await?;
    let pages = total.div_ceil(size.into()).max(1);
    let page = asked.min(pages);
    if page != asked {
        // (a page past the end shows the last one)
        rows = state.store.case_list(&filter, at(page), size).await?.0;
    }
    let first = at(page);
    let campaigns = super::campaign_names(&state.store).await?;
    let users = super::user_names(&state.store).await?;
    html(&Page {
        nav: Nav::new(user, "cases"),
        prev: (page > 1).then(|| f.query(page - 1, size)),
        next: (page < pages).then(|| f.query(page + 1, size)),
        f,
        campaigns,
        statuses: CaseStatus::ALL.to_vec(),
        users,
        sizes: PAGE_SIZES.to_vec(),
        size,
        rows,
        total,
        first,
        page,
        pages,
    })
}

/// Record an event on a case from its page (kind, date, note), as `foi case event` does.
pub async fn record(
    State(state): State<WebState>,
    CaseRef(reference): CaseRef,
    form: EditForm,
) -> WebResult {
    let case = super::case::load_case(&state, &reference).await?;
    let kind = parse_recordable(form.get("kind")).map_err(WebError::Invalid)?;
    let date = match form.get("date") {
        "" => None,
        d => Some(d.parse().map_err(|_| {
            WebError::Invalid(format!(
                "The date '{d}' is not a date: use YYYY-MM-DD, e.g. 2026-03-02."
            ))
        })?),
    };
    let note = Some(form.get("note").to_string()).filter(|n| !n.is_empty());
    record_event(
        &state.store,
        &state.settings.regimes,
        &case,
        kind,
        date,
        note,
        &form.user.name,
        state.clock.now(),
    )
    .await
    // (the library's refusals are one sentence for a person; `--date`, `--note` are the
    // command line's words for the form's fields)
    .map_err(|e| match invalid(e) {
        WebError::Invalid(m) => WebError::Invalid(
            m.replace("'s --note", "'s note")
                .replace("--date", "the date")
                .replace("--note", "the note"),
        ),
        e => e,
    })?;
    Ok(see_other(&format!("/cases/{}?ok=event", case.reference)))
}
