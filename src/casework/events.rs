//! Recording what a body did on a case (`foi case event`): a dated event, the status it
//! implies, and, for a reply (or a withdrawal), the cancelling of the case's pending
//! chasers. The event must fall between the request's date of receipt and today.
//!
//! A person's answer or clarification request supersedes the answers the classifier
//! inferred (they stay, marked superseded); the case's status is derived again from its
//! effective events.
//!
//! Sees `store`, `state` (the one derivation of the status), `deadlines` and `domain`.

use crate::casework::overdue::unknown_regime;
use crate::casework::state::StatusRule;
use crate::deadlines::Regimes;
use crate::domain::event::{EventKind, ExtensionNote};
use crate::domain::regulator::{DecisionOutcome, StageNote};
use crate::domain::{Case, CaseStatus};
use crate::store::{NewEvent, Store, Supersede, TimelineFilter};
use anyhow::{bail, Context};
use chrono::{DateTime, NaiveDate, Utc};

/// What recording an event did.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub on: NaiveDate,
    /// The case's new status, when the event changed it.
    pub status: Option<CaseStatus>,
    /// Automatic events it superseded (a person's answer corrects the classifier's).
    pub superseded: u64,
    /// Pending chasers cancelled by the event.
    pub cancelled_chasers: u64,
}

/// The event kinds a person may record, or the sentence that lists them.
pub fn parse_recordable(typed: &str) -> Result<EventKind, String> {
    EventKind::parse(typed)
        .filter(EventKind::is_recordable)
        .ok_or_else(|| {
            let known: Vec<String> = crate::domain::event::RECORDABLE
                .iter()
                .map(|k| k.as_str().into_owned())
                .collect();
            format!("unknown event '{typed}': use one of {}", known.join(", "))
        })
}

/// Record `kind` on `case`, dated `date` (default: today in the case's regime) with an
/// optional note (an extension's is `+N` or the new due date; `+20` when none).
#[allow(clippy::too_many_arguments)]
pub async fn record_event(
    store: &Store,
    regimes: &Regimes,
    case: &Case,
    kind: EventKind,
    date: Option<NaiveDate>,
    note: Option<String>,
    actor: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<Recorded> {
    if !kind.is_recordable() {
        bail!("{}", parse_recordable(&kind.as_str()).unwrap_err());
    }
    let regime = regimes
        .get(&case.regime)
        .ok_or_else(|| unknown_regime(&case.regime))?;
    let today = regime.local_date(now);
    let on = date.unwrap_or(today);
    if on > today {
        bail!("--date {on} is in the future: record an event on or after the day it happens");
    }
    let t = store
        .case_timelines(&TimelineFilter {
            case_id: Some(case.id),
            ..Default::default()
        })
        .await?
        .pop()
        .context("the case vanished")?;
    let Some(received) = crate::standing::received(&t.events) else {
        bail!(
            "case {} has not been sent yet ({}): events count from the request's receipt",
            case.reference,
            case.status
        );
    };
    if on < received {
        bail!("--date {on} is before the request was received ({received}): check the date");
    }
    let note = match (&kind, note) {
        (EventKind::Extension, None) => Some("+20".to_string()),
        (EventKind::Extension, Some(n)) => {
            if ExtensionNote::parse(&n).is_none() {
                bail!("an extension's --note must be +N (working days) or the new due date, e.g. --note +20 or --note 2026-05-11");
            }
            Some(n)
        }
        (EventKind::RegulatorDecision, n) => {
            if n.as_deref()
                .and_then(crate::standing::compliance_date)
                .is_none()
            {
                bail!("a regulator's decision needs its compliance date first in --note, e.g. --note \"2026-07-15 decision notice IC-1234\"");
            }
            n
        }
        (k, n) if k.is_regulator_stage() => regulator_note(k, on, n)?,
        (_, n) => n.filter(|n| !n.trim().is_empty()),
    };
    let cancel = kind.is_reply() || kind == EventKind::Withdrawn;
    // A person's answer (or clarification request) corrects what the classifier inferred.
    let supersede = if kind.is_answer() || kind == EventKind::ClarificationRequested {
        Supersede::AutomaticAnswers
    } else {
        Supersede::Nothing
    };
    let rule = StatusRule::load(store).await?;
    let derive = |c, before, events: &[_]| rule.status(c, before, events);
    let done = store
        .record_event(
            &NewEvent {
                case_id: case.id,
                kind: kind.clone(),
                on,
                note,
                actor: actor.to_string(),
                message_id: None,
            },
            supersede,
            &derive,
            cancel,
            now,
        )
        .await?;
    Ok(Recorded {
        on,
        status: done.status,
        superseded: done.superseded,
        cancelled_chasers: done.cancelled_chasers,
    })
}

/// Check a regulator-stage event's note ([`StageNote`]): a decision notice must say its
/// outcome, and its compliance date (if any) must fall on or after the notice and go with
/// an outcome that orders something. The note is stored in its fixed form.
pub fn regulator_note(
    kind: &EventKind,
    on: NaiveDate,
    note: Option<String>,
) -> anyhow::Result<Option<String>> {
    let n = StageNote::parse(note.as_deref().unwrap_or(""));
    if *kind == EventKind::DecisionNotice {
        let Some(outcome) = n.outcome else {
            bail!("a decision notice needs its outcome: --outcome upheld, partly or not_upheld (and --ref FS50..., --comply-by DATE when it orders the body to act)");
        };
        if let Some(by) = n.comply_by {
            if outcome == DecisionOutcome::NotUpheld {
                bail!("a decision notice that is not upheld orders nothing: leave out --comply-by");
            }
            if by < on {
                bail!("--comply-by {by} is before the decision notice ({on}): check the dates");
            }
        }
    } else {
        if n.outcome.is_some() || n.comply_by.is_some() {
            bail!("--outcome and --comply-by belong to a decision_notice, not to {kind}");
        }
        if n.appellant.is_some() && *kind != EventKind::TribunalAppeal {
            bail!("--appellant belongs to a tribunal_appeal, not to {kind}");
        }
    }
    Ok(n.render())
}
