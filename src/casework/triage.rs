//! What a person does with received mail: attach a triage email to cases, dismiss it, and
//! override a message's classification (its cases then get the event, as if it had been
//! classified so on arrival, and the events it gave before are marked superseded). An
//! attached email's classification gives its new cases their event. The CLI (`foi triage`, `foi message classify`) and the
//! dashboard both call these. Sees `store`, `deadlines` (an event's local date) and what
//! `ingest` says a classification means.

use crate::casework::state::StatusRule;
use crate::deadlines::Regimes;
use crate::domain::Case;
use crate::domain::CaseStatus;
use crate::domain::MessageId;
use crate::ingest::classify::{exemptions_written, Classification, Kind};
use crate::ingest::pipeline::event_for;
use crate::store::{MessageRow, NewEvent, Store, Supersede};
use anyhow::bail;
use chrono::{DateTime, Utc};

/// Attach received message `id` to the cases with these references (all or none); its
/// classification then gives each case its event. Returns the events recorded.
pub async fn attach(
    store: &Store,
    regimes: &Regimes,
    id: MessageId,
    references: &[crate::domain::Reference],
    actor: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<Vec<Recorded>> {
    let Some(m) = store.message(id).await? else {
        bail!("no message {id}: `foi triage list` shows them")
    };
    if m.direction != "inbound" {
        bail!("message {id} is one we sent: only received emails can be attached");
    }
    require_processed(&m)?;
    if references.is_empty() {
        bail!("name at least one case to attach message {id} to");
    }
    let mut cases = Vec::new();
    for r in references {
        let case = store.require_case(r).await?;
        if !m.cases.iter().any(|(linked, _)| linked == r) {
            cases.push(case);
        }
    }
    let ids: Vec<_> = cases.iter().map(|c| c.id).collect();
    store.attach_message(id, &ids, actor, now).await?;
    // The email's classification applies to the cases it now belongs to, as if it had been
    // matched on arrival (an automatic classification stays the system's: a person's
    // correction supersedes it later).
    let Some(kind) = m
        .classification
        .as_deref()
        .and_then(|k| k.parse::<Kind>().ok())
    else {
        return Ok(Vec::new());
    };
    let by = m.classified_by.clone().unwrap_or_else(|| "system".into());
    apply(
        store,
        regimes,
        &m,
        kind,
        &cases,
        &by,
        Supersede::Nothing,
        now,
    )
    .await
}

/// Give each of `cases` the event classification `kind` of message `m` implies, recorded
/// by `by` with `supersede`; the cases' statuses are derived again.
#[allow(clippy::too_many_arguments)]
async fn apply(
    store: &Store,
    regimes: &Regimes,
    m: &MessageRow,
    kind: Kind,
    cases: &[Case],
    by: &str,
    supersede: Supersede,
    now: DateTime<Utc>,
) -> anyhow::Result<Vec<Recorded>> {
    let class = Classification {
        kind,
        reason: format!("classified by {by}"),
        body_reference: m.body_reference.clone(),
        exemptions: exemptions_written(m.text_body.as_deref().unwrap_or("")),
        bounce: None,
    };
    let rule = StatusRule::load(store).await?;
    let derive = |c, before, events: &[_]| rule.status(c, before, events);
    let implied = event_for(kind, &class);
    let mut recorded = Vec::new();
    for case in cases {
        let on = regimes
            .get(&case.regime)
            .map(|r| r.local_date(m.at))
            .unwrap_or_else(|| m.at.date_naive());
        let (event, note) = match &implied {
            Some((event, note, _)) => (
                *event,
                format!("{note} (message {}, classified by {by})", m.id),
            ),
            // A kind that implies no event still takes back what the message said before.
            None if supersede != Supersede::Nothing => (
                "note",
                format!("message {} classified as {} by {by}", m.id, kind.as_str()),
            ),
            None => continue,
        };
        let ev = NewEvent {
            case_id: case.id,
            kind: crate::domain::event::EventKind::from_stored(event),
            on,
            note: Some(note),
            actor: by.into(),
            message_id: Some(m.id),
        };
        let reply = implied.is_some() && !matches!(kind, Kind::Bounce);
        let done = store
            .record_event(&ev, supersede, &derive, reply, now)
            .await?;
        recorded.push((case.reference.clone(), event, done.status));
    }
    Ok(recorded)
}

/// A received email kept but not processed yet (a fetch or import cut off after keeping
/// it) is not for a person to act on: processing it later would undo what they did.
fn require_processed(m: &crate::store::MessageRow) -> anyhow::Result<()> {
    if m.direction == "inbound" && m.classification.is_none() {
        bail!(
            "message {} is not processed yet (a fetch or import stopped after keeping it): run \
             `foi fetch` (or import it again), then try again",
            m.id
        );
    }
    Ok(())
}

/// Dismiss a triage email, saying why.
pub async fn dismiss(store: &Store, id: MessageId, reason: &str) -> anyhow::Result<()> {
    if reason.trim().is_empty() {
        bail!("say why the message is dismissed");
    }
    if let Some(m) = store.message(id).await? {
        require_processed(&m)?;
    }
    if !store.dismiss_message(id, reason.trim()).await? {
        bail!("message {id} is not in triage: `foi triage list` shows them");
    }
    Ok(())
}

/// An event a reclassification recorded: (case reference, event kind, new status).
pub type Recorded = (crate::domain::Reference, &'static str, Option<CaseStatus>);

/// A person confirms or overrides received message `id`'s classification, and has read
/// it (it leaves the "to read" queue); each of its cases gets the event that kind implies.
pub async fn reclassify(
    store: &Store,
    regimes: &Regimes,
    id: MessageId,
    kind: Kind,
    actor: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<Vec<Recorded>> {
    let Some(m) = store.message(id).await? else {
        bail!("no received message {id}")
    };
    if m.direction == "inbound" {
        require_processed(&m)?;
    }
    if !store.confirm_class(id, kind.as_str(), actor, now).await? {
        bail!("message {id} is one we sent: only received emails are classified");
    }
    let mut cases = Vec::new();
    for (reference, _) in &m.cases {
        cases.push(store.require_case(reference).await?);
    }
    // A person's classification replaces every event the message gave its cases before.
    apply(
        store,
        regimes,
        &m,
        kind,
        &cases,
        actor,
        Supersede::FromMessage(id),
        now,
    )
    .await
}
