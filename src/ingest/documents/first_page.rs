//! Classification from a document's first page (issue 21): a reply whose own text is only
//! a covering note ("Please find attached our response.") was classified by what came
//! attached, not by what it said. Once an attachment's text is read, its first page is
//! judged by the same content rules as an email's text; a definite class there (the
//! letter inside the PDF is the refusal) replaces the system's, with the reason naming the
//! document and page. A person's classification, and a class the email's own words
//! decided, are never changed.

use crate::deadlines::Regimes;
use crate::domain::event::EventKind;
use crate::domain::id::AttachmentId;
use crate::domain::TextUnit;
use crate::ingest::classify::{classify_first_page, covering_note_only, Kind};
use crate::ingest::pipeline::event_for;
use crate::store::{DeriveStatus, NewEvent, Store};
use chrono::{DateTime, Utc};

/// What classification from first pages needs beyond the store: the regimes (an event's
/// local date) and how a case's status follows from its events.
pub struct FirstPages<'a> {
    pub regimes: &'a Regimes,
    pub derive: &'a DeriveStatus<'a>,
}

/// The classes an email that says only "please find attached" may have been given by the
/// system: a response (documents attached) or a reply to read (nothing recognised).
const COVERING_CLASSES: [Kind; 2] = [Kind::Response, Kind::Reply];

/// After attachment `id` was read into `units`: classify its email from the document's
/// first page when that email may be (see the module); the new class, when it changed.
pub async fn consider(
    store: &Store,
    pages: &FirstPages<'_>,
    id: AttachmentId,
    file_name: &str,
    units: &[TextUnit],
    now: DateTime<Utc>,
) -> anyhow::Result<Option<Kind>> {
    let Some(first) = units.iter().find(|u| !u.text.trim().is_empty()) else {
        return Ok(None);
    };
    let Some(message_id) = store.attachment_message(id).await? else {
        return Ok(None);
    };
    let Some(m) = store.message(message_id).await? else {
        return Ok(None);
    };
    let was = m
        .classification
        .as_deref()
        .and_then(|k| k.parse::<Kind>().ok());
    let automatic = m.classified_by.as_deref() == Some("auto");
    let Some(was) = was.filter(|k| automatic && COVERING_CLASSES.contains(k)) else {
        return Ok(None);
    };
    if m.direction != "inbound"
        || m.cases.is_empty()
        || !covering_note_only(&m.subject, m.text_body.as_deref().unwrap_or(""))
    {
        return Ok(None);
    }
    let Some(mut class) = classify_first_page(file_name, &first.locator, &first.text) else {
        return Ok(None);
    };
    if class.kind == was {
        return Ok(None);
    }
    if class.body_reference.is_none() {
        class.body_reference = m.body_reference.clone();
    }
    let Some((event, note, _)) = event_for(class.kind, &class) else {
        return Ok(None);
    };
    let mut events = Vec::new();
    for (reference, _) in &m.cases {
        let case = store.require_case(reference).await?;
        let on = pages
            .regimes
            .get(&case.regime)
            .map(|r| r.local_date(m.at))
            .unwrap_or_else(|| m.at.date_naive());
        events.push(NewEvent {
            case_id: case.id,
            kind: EventKind::from_stored(event),
            on,
            note: Some(format!("{note} ({})", class.reason)),
            actor: "system".into(),
            message_id: Some(m.id),
        });
    }
    let changed = store
        .reclassify_from_document(
            m.id,
            was.as_str(),
            class.kind.as_str(),
            &class.reason,
            &events,
            pages.derive,
            now,
        )
        .await?;
    Ok(changed.then_some(class.kind))
}
