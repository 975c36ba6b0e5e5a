//! Overdue: open cases past their due date, most working days overdue first (the same list
//! as `foi overdue`), filtered by campaign, tag and assignee, 100 to a page; bulk actions on
//! the cases ticked: assign, or approve their chasers awaiting approval.

use super::{enc, words, Nav};
use crate::overdue::{self, OverdueFilter, OverdueRow};
use crate::web::auth::{see_other, EditForm, User};
use crate::web::{html, invalid, WebError, WebResult, WebState};
use askama::Template;
use axum::extract::{Query, State};
use std::collections::HashMap;

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
    let all = overdue::overdue(
        &state.store,
        state.config.regimes()?,
        state.clock.as_ref(),
        &OverdueFilter {
            campaign_id,
            tag,
            min_days: 1,
        },
    )
    .await?;
    let mut assignees: HashMap<i64, String> = state.store.case_assignees(campaign_id).await?;
    let rows: Vec<Row> = all
        .into_iter()
        .map(|case| Row {
            assignee: assignees.remove(&case.case_id).unwrap_or_default(),
            case,
        })
        .filter(|r| match f.assignee.as_str() {
            "" => true,
            "-" => r.assignee.is_empty(),
            who => r.assignee == who,
        })
        .collect();
    let total = rows.len();
    let pages = total.div_ceil(PAGE_SIZE).max(1);
    let page = f.page.unwrap_or(1).clamp(1, pages);
    let first = (page - 1) * PAGE_SIZE;
    let rows: Vec<Row> = rows.into_iter().skip(first).take(PAGE_SIZE).collect();
    let campaigns = state
        .store
        .campaigns()
        .await?
        .into_iter()
        .map(|c| c.name)
        .collect();
    let users = state
        .store
        .users()
        .await?
        .into_iter()
        .map(|u| u.name)
        .collect();
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
        cases.push(state.store.require_case(r).await.map_err(invalid)?);
    }
    match form.get("action") {
        "assign" => {
            let who = form.get("assignee");
            for c in &cases {
                crate::staff::assign(&state.store, c, Some(who).filter(|w| *w != "-")).await?;
            }
            Ok(see_other(&back_to(&form, "assigned")))
        }
        "approve" => {
            let ids: Vec<i64> = cases.iter().map(|c| c.id).collect();
            let pending: Vec<_> = state
                .store
                .chasers(&["pending"])
                .await?
                .into_iter()
                .filter(|r| ids.contains(&r.case_id))
                .collect();
            let queued =
                crate::chasers::approve(&state.store, &state.config, &pending, state.clock.now())
                    .await?;
            let ok = if queued.is_empty() {
                "none".to_string()
            } else {
                format!("approved&n={}", queued.len())
            };
            Ok(see_other(&back_to(&form, &ok)))
        }
        other => Err(WebError::Invalid(format!(
            "Unknown action '{}': choose assign or approve.",
            words(other)
        ))),
    }
}

/// Take every chaser step that has fallen due now (as `foi chasers run`): auto steps are
/// queued, approve steps wait for approval, complaints are drafted.
pub async fn sweep(State(state): State<WebState>, form: EditForm) -> WebResult {
    let s = crate::chasers::sweep(&state.store, &state.config, state.clock.as_ref()).await?;
    for e in &s.errors {
        tracing::warn!("chaser sweep (dashboard, {}): {e}", form.user.name);
    }
    if !s.errors.is_empty() {
        return Err(WebError::Invalid(format!(
            "The sweep took {} step(s) but {} problem(s) stopped some chasers: {}",
            s.taken.len(),
            s.errors.len(),
            s.errors.join("; ")
        )));
    }
    Ok(see_other(&back_to(
        &form,
        &format!("swept&n={}", s.taken.len()),
    )))
}
