//! Overdue: open cases past their due date, most working days overdue first (the same list
//! as `foi overdue`), filtered by campaign, tag and assignee, 100 to a page; bulk actions on
//! the cases ticked: assign, approve their chasers awaiting approval, or chase them now.

use super::{enc, words, Nav};
use crate::casework::overdue::{self, OverdueFilter, OverdueRow};
use crate::domain::CaseId;
use crate::store::StoreError;
use crate::web::auth::{see_other, EditForm, User};
use crate::web::error::{html, WebError, WebResult};
use crate::web::state::WebState;
use askama::Template;
use axum::extract::{Query, State};
use std::collections::HashMap;
use std::sync::Arc;

pub const PAGE_SIZE: usize = 100;

/// The filters, as in the query string.
#[derive(Debug, Default, serde::Deserialize)]
pub struct Filters {
    #[serde(default)]
    pub campaign: String,
    #[serde(default)]
    pub tag: String,
    /// A user name, `-` for unassigned cases, empty for all.
    #[serde(default)]
    pub assignee: String,
    #[serde(default)]
    pub page: Option<usize>,
    #[serde(default)]
    pub ok: String,
    #[serde(default)]
    pub n: usize,
}

impl Filters {
    fn query(&self, page: usize) -> String {
        format!(
            "/overdue?campaign={}&tag={}&assignee={}&page={page}",
            enc(&self.campaign),
            enc(&self.tag),
            enc(&self.assignee)
        )
    }
}

pub struct Row {
    pub case: OverdueRow,
    pub assignee: String,
}

#[derive(Template)]
#[template(path = "overdue.html")]
struct Page {
    nav: Nav,
    f: Filters,
    campaigns: Vec<String>,
    users: Vec<String>,
    rows: Vec<Row>,
    total: usize,
    first: usize,
    page: usize,
    pages: usize,
    prev: Option<String>,
    next: Option<String>,
    back: String,
    notice: String,
}

fn notice(code: &str, n: usize) -> String {
    match code {
        "assigned" => "The cases ticked are assigned.".into(),
        "approved" => format!(
            "{n} chaser(s) awaiting approval are queued; `foi send` or `foi run` delivers them."
        ),
        "none" => "None of the cases ticked had a chaser awaiting approval.".into(),
        "chased" => format!(
            "{n} chaser(s) taken now: queued (or a complaint drafted); `foi send` or `foi run` delivers them."
        ),
        "nochase" => "None of the cases ticked has a chaser step to take now: taken already (one awaiting approval is queued with \"approve\"), or its trigger does not apply yet.".into(),
        "swept" => {
            format!("Chaser sweep done: {n} step(s) taken (queued, awaiting approval or drafted).")
        }
        _ => String::new(),
    }
}

pub async fn page(
    State(state): State<WebState>,
    user: User,
    Query(f): Query<Filters>,
) -> WebResult {
    let campaign_id = match f.campaign.as_str() {
        "" => None,
        name => Some(
            state
                .store
                .campaign_by_name(name)
                .await?
                .ok_or_else(|| WebError::NotFound(format!("There is no campaign named '{name}'.")))?
                .id,
        ),
    };
    let tag = Some(f.tag.trim().to_string()).filter(|t| !t.is_empty());
    // The version is read before the list: a commit in between makes the next request
    // compute again rather than keep a list older than its version.
    let version = state.change_version().await;
    let key = (campaign_id, tag.clone(), state.clock.now().timestamp() / 60);
    let all = match version.and_then(|v| state.overdue_cache.get(&key, v)) {
        Some(rows) => rows,
        None => {
            let rows = Arc::new(
                overdue::overdue(
                    &state.store,
                    &state.settings.regimes,
                    state.clock.as_ref(),
                    &OverdueFilter {
                        campaign_id,
                        tag,
                        min_days: 1,
                    },
                )
                .await?,
            );
            if let Some(v) = version {
                state.overdue_cache.put(key, v, rows.clone());
            }
            rows
        }
    };
    let assignees: HashMap<CaseId, String> = state.store.case_assignees(campaign_id).await?;
    let rows: Vec<&OverdueRow> = all
        .iter()
        .filter(|r| {
            let who = assignees.get(&r.case_id).map(String::as_str).unwrap_or("");
            match f.assignee.as_str() {
                "" => true,
                "-" => who.is_empty(),
                name => who == name,
            }
        })
        .collect();
    let total = rows.len();
    let pages = total.div_ceil(PAGE_SIZE).max(1);
    let page = f.page.unwrap_or(1).clamp(1, pages);
    let first = (page - 1) * PAGE_SIZE;
    let rows: Vec<Row> = rows
        .into_iter()
        .skip(first)
        .take(PAGE_SIZE)
        .map(|r| Row {
            assignee: assignees.get(&r.case_id).cloned().unwrap_or_default(),
            case: r.clone(),
        })
        .collect();
    let campaigns = super::campaign_names(&state.store).await?;
    let users = super::user_names(&state.store).await?;
    let back = f.query(page);
    html(&Page {
        nav: Nav::new(user, "overdue"),
        prev: (page > 1).then(|| f.query(page - 1)),
        next: (page < pages).then(|| f.query(page + 1)),
        notice: notice(&f.ok, f.n),
        f,
        campaigns,
        users,
        rows,
        total,
        first,
        page,
        pages,
        back,
    })
}

/// Where to go back to after a bulk action: the list as it was filtered.
fn back_to(form: &EditForm, ok: &str) -> String {
    let back = form.get("back");
    let base = if back.starts_with("/overdue?") && !back.contains("//") {
        back.to_string()
    } else {
        "/overdue?".to_string()
    };
    format!("{base}&ok={ok}")
}

pub async fn bulk(State(state): State<WebState>, form: EditForm) -> WebResult {
    let refs = form.all("case");
    if refs.is_empty() {
        return Err(WebError::Invalid(
            "No case is ticked: tick the cases to act on, then choose the action.".into(),
        ));
    }
    let mut cases = Vec::new();
    for r in &refs {
        // A ticked case that has gone is the request's fault; a store failure the server's.
        let reference = crate::domain::Reference::parse(r)
            .ok_or_else(|| WebError::Invalid(format!("'{r}' is not a case reference.")))?;
        cases.push(
            state
                .store
                .require_case(&reference)
                .await
                .map_err(|e| match e {
                    StoreError::NotFound(m) => WebError::Invalid(m),
                    e => e.into(),
                })?,
        );
    }
    match form.get("action") {
        "assign" => {
            let who = form.get("assignee");
            for c in &cases {
                crate::casework::staff::assign(&state.store, c, Some(who).filter(|w| *w != "-"))
                    .await
                    .map_err(crate::web::error::invalid)?;
            }
            Ok(see_other(&back_to(&form, "assigned")))
        }
        "approve" => {
            let ids: Vec<CaseId> = cases.iter().map(|c| c.id).collect();
            let pending: Vec<_> = state
                .store
                .chasers(&["pending"])
                .await?
                .into_iter()
                .filter(|r| ids.contains(&r.case_id))
                .collect();
            let queued = crate::casework::chasers::approve(
                &state.store,
                &state.settings,
                &pending,
                state.clock.now(),
            )
            .await?;
            let ok = if queued.is_empty() {
                "none".to_string()
            } else {
                format!("approved&n={}", queued.len())
            };
            Ok(see_other(&back_to(&form, &ok)))
        }
        "chase" => {
            let ids: Vec<CaseId> = cases.iter().map(|c| c.id).collect();
            let s = crate::casework::chasers::chase_now(
                &state.store,
                &state.settings,
                state.clock.as_ref(),
                &ids,
                false,
            )
            .await?;
            sweep_problems(&s, &form)?;
            let ok = if s.taken.is_empty() {
                "nochase".to_string()
            } else {
                format!("chased&n={}", s.taken.len())
            };
            Ok(see_other(&back_to(&form, &ok)))
        }
        other => Err(WebError::Invalid(format!(
            "Unknown action '{}': choose assign, approve or chase.",
            words(other)
        ))),
    }
}

/// Take every chaser step that has fallen due now (as `foi chasers run`): auto steps are
/// queued, approve steps wait for approval, complaints are drafted.
pub async fn sweep(State(state): State<WebState>, form: EditForm) -> WebResult {
    let s = crate::casework::chasers::sweep(&state.store, &state.settings, state.clock.as_ref())
        .await?;
    sweep_problems(&s, &form)?;
    Ok(see_other(&back_to(
        &form,
        &format!("swept&n={}", s.taken.len()),
    )))
}

/// A sweep's problems, logged and shown as one error (what was taken stays taken).
fn sweep_problems(
    s: &crate::casework::chasers::SweepSummary,
    form: &EditForm,
) -> Result<(), WebError> {
    for e in &s.errors {
        tracing::warn!("chaser sweep (dashboard, {}): {e}", form.user.name);
    }
    if s.errors.is_empty() {
        return Ok(());
    }
    Err(WebError::Invalid(format!(
        "{} step(s) were taken but {} problem(s) stopped some chasers: {}",
        s.taken.len(),
        s.errors.len(),
        s.errors.join("; ")
    )))
}
