//! What a person does with received mail: attach a triage email to cases, dismiss it, and
//! override a message's classification (its cases then get the event, as if it had been
//! classified so on arrival). The CLI (`foi triage`, `foi message classify`) and the
//! dashboard both call these. Sees `store`, `deadlines` (an event's local date) and what
//! `ingest` says a classification means.

use crate::deadlines::Regimes;
use crate::domain::CaseStatus;
use crate::domain::MessageId;
use crate::ingest::classify::{exemptions_written, Classification, Kind};
use crate::ingest::pipeline::event_for;
use crate::store::{NewEvent, Store};
use anyhow::bail;
use chrono::{DateTime, Utc};

/// Attach received message `id` to the cases with these references (all or none).
pub async fn attach(
    store: &Store,
    id: MessageId,
    references: &[crate::domain::Reference],
    actor: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
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
    let mut ids = Vec::new();
    for r in references {
        ids.push(store.require_case(r).await?.id);
    }
    Ok(store.attach_message(id, &ids, actor, now).await?)
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
    let class = Classification {
        kind,
        reason: format!("classified by {actor}"),
        body_reference: m.body_reference.clone(),
        exemptions: exemptions_written(m.text_body.as_deref().unwrap_or("")),
        bounce: None,
    };
    let mut recorded = Vec::new();
    if let Some((event, note, status)) = event_for(kind, &class) {
        for (reference, _) in &m.cases {
            let case = store.require_case(reference).await?;
            let on = regimes
                .get(&case.regime)
                .map(|r| r.local_date(m.at))
                .unwrap_or_else(|| m.at.date_naive());
            let ev = NewEvent {
                case_id: case.id,
                kind: crate::domain::event::EventKind::from_stored(event),
                on,
                note: Some(format!("{note} (message {id}, classified by {actor})")),
                actor: actor.into(),
            };
            let reply = !matches!(kind, Kind::Bounce);
            store.record_event(&ev, status, reply, now).await?;
            recorded.push((reference.clone(), event, status));
        }
    }
    Ok(recorded)
}
