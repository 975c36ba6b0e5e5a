//! Campaigns: each campaign's progress (cases by status, and the response funnel from the
//! report's tally), a pilot's bounces and replies, the expected finish of the queue, with
//! launch, release (of a pilot's held cases), pause and resume for admins.

use super::{words, Nav};
use crate::casework::finish::{describe, finish_estimate};
use crate::casework::launch::{self, Launch, StateChange};
use crate::casework::pilot::Release;
use crate::casework::report::campaign_report;
use crate::domain::{CampaignState, CaseStatus};
use crate::report::svg;
use crate::web::auth::{see_other, EditForm, User};
use crate::web::error::{html, invalid, WebError, WebResult};
use crate::web::state::WebState;
use askama::Template;
use axum::extract::{Path, Query, State};

pub struct Card {
    pub name: String,
    pub state: CampaignState,
    pub prefix: String,
    pub cases: i64,
    pub counts: Vec<(CaseStatus, i64)>,
    /// (label, count) of the funnel stages.
    pub funnel: Vec<(&'static str, usize)>,
    /// The funnel chart (SVG built by `report::svg`, every label escaped there).
    pub chart: String,
    pub error: Option<String>,
    /// A pilot launch: how its cases fared, and the cases still held.
    pub pilot: Option<PilotCard>,
    /// The expected finish of the queue, in lines (see `casework::finish::describe`).
    pub finish: Vec<String>,
}

pub struct PilotCard {
    pub progress: crate::store::PilotProgress,
    /// When the held cases were released (local time), if they were.
    pub released: Option<String>,
}

#[derive(Template)]
#[template(path = "campaigns.html")]
struct Page {
    nav: Nav,
    cards: Vec<Card>,
    notice: String,
}

#[derive(serde::Deserialize)]
pub struct Done {
    #[serde(default)]
    ok: String,
    #[serde(default)]
    n: usize,
}

pub async fn page(State(state): State<WebState>, user: User, Query(d): Query<Done>) -> WebResult {
    let regimes = &state.settings.regimes;
    let mut cards = Vec::new();
    for c in state.store.campaigns().await? {
        let counts = state.store.status_counts(c.id).await?;
        let cases = counts.iter().map(|(_, n)| n).sum();
        let (funnel, chart, error) =
            match campaign_report(&state.store, regimes, &c, None, state.clock.now()).await {
                Ok(r) => match r.groups.first() {
                    Some(all) => {
                        let f = &all.figures;
                        (
                            vec![
                                ("cases", all.cases),
                                ("sent", f.sent),
                                ("delivered", f.delivered),
                                ("acknowledged", f.acknowledged),
                                ("answered", f.answered),
                                ("overdue now", f.overdue),
                            ],
                            if f.sent > 0 {
                                svg::funnel(all)
                            } else {
                                String::new()
                            },
                            None,
                        )
                    }
                    None => (Vec::new(), String::new(), None),
                },
                Err(e) => (Vec::new(), String::new(), Some(format!("{e:#}"))),
            };
        let pilot = match state.store.pilot(c.id).await? {
            Some(p) => Some(PilotCard {
                progress: state.store.pilot_progress(c.id).await?,
                released: p.released_at.map(|t| {
                    t.with_timezone(&state.settings.timezone)
                        .format("%Y-%m-%d %H:%M %Z")
                        .to_string()
                }),
            }),
            None => None,
        };
        let finish = match c.state {
            CampaignState::Launched => {
                let e =
                    finish_estimate(&state.store, &state.settings, c.id, state.clock.now()).await?;
                describe(&e, state.settings.timezone)
            }
            _ => Vec::new(),
        };
        cards.push(Card {
            pilot,
            finish,
            name: c.name,
            state: c.state,
            prefix: c.reference_prefix.as_str().to_string(),
            cases,
            counts,
            funnel,
            chart,
            error,
        });
    }
    let notice = match d.ok.as_str() {
        "launched" => format!(
            "Launched: {} emails queued; `foi send` or `foi run` delivers them.",
            d.n
        ),
        "pause" => "Paused: queued emails wait until you resume.".into(),
        "resume" => "Resumed: queued emails go out as pacing allows.".into(),
        "released" => format!(
            "Released: the {} held emails are queued; `foi send` or `foi run` delivers them.",
            d.n
        ),
        _ => String::new(),
    };
    html(&Page {
        nav: Nav::new(user, "campaigns"),
        cards,
        notice,
    })
}

/// Launch, pause or resume: admins only (checked here, whatever the page showed).
pub async fn change(
    State(state): State<WebState>,
    Path((name, action)): Path<(String, String)>,
    form: EditForm,
) -> WebResult {
    form.user.require_admin()?;
    let campaign = state
        .store
        .campaign_by_name(&name)
        .await?
        .ok_or_else(|| WebError::NotFound(format!("There is no campaign named '{name}'.")))?;
    let back = |ok: &str, n: usize| see_other(&format!("/campaigns?ok={ok}&n={n}"));
    match action.as_str() {
        "launch" => {
            let now = state.clock.now();
            let launched = launch::launch(
                &state.store,
                &state.settings,
                &campaign,
                now,
                now,
                state.clock.today_in(state.settings.timezone),
                false,
            )
            .await
            .map_err(invalid)?;
            match launched {
                Launch::Queued(n) => {
                    tracing::info!("dashboard: {} launched '{name}' ({n} emails)", form.user.name);
                    Ok(back("launched", n))
                }
                Launch::WouldQueue(n) => Ok(back("launched", n)),
                Launch::NotRendered(report) => Err(WebError::Invalid(format!(
                    "Not launched: {} (first: {} {}); fix the templates or the bodies' data first (`foi campaign preview {name}`). Nothing was queued.",
                    report.summary(),
                    report.failures.first().map(|f| f.0.reference.as_str()).unwrap_or(""),
                    report.failures.first().map(|f| f.2.to_string()).unwrap_or_default(),
                ))),
            }
        }
        "release" => {
            let now = state.clock.now();
            let released = crate::casework::pilot::release(
                &state.store,
                &state.settings,
                &campaign,
                now,
                now,
                state.clock.today_in(state.settings.timezone),
                false,
            )
            .await
            .map_err(invalid)?;
            match released {
                Release::Queued { queued, .. } => {
                    tracing::info!(
                        "dashboard: {} released '{name}' ({queued} emails)",
                        form.user.name
                    );
                    Ok(back("released", queued))
                }
                Release::NotRendered { report, .. } => Err(WebError::Invalid(format!(
                    "Not released: {}; fix the templates or the bodies' data first (`foi campaign preview {name}`). Nothing was queued.",
                    report.summary()
                ))),
            }
        }
        "pause" | "resume" => {
            let change = StateChange::parse(&action).expect("pause or resume");
            launch::change_state(&state.store, &campaign, change)
                .await
                .map_err(invalid)?;
            tracing::info!("dashboard: {} {action}d '{name}'", form.user.name);
            Ok(back(&action, 0))
        }
        other => Err(WebError::NotFound(format!(
            "There is no campaign action '{}'.",
            words(other)
        ))),
    }
}
