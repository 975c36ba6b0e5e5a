//! One inbound email, start to finish: keep the raw bytes (content-addressed, once), parse
//! (bounded), classify, match, and record messages, attachments, events and status in one
//! transaction. A parse problem or no match puts the email in triage with the reason;
//! nothing is ever dropped.

use super::classify::{classify, Classification, Kind};
use super::matcher::{find_cases, Match};
use super::parse::{parse, Limits, ParsedMessage};
use crate::config::Config;
use crate::deadlines::Regimes;
use crate::domain::CaseStatus;
use crate::store::{IngestRecord, NewAttachment, Store};
use chrono::{DateTime, Utc};

/// What happened to one email.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ingested {
    /// Stored before (same bytes): nothing done.
    Duplicate(i64),
    /// Linked to cases.
    Matched { id: i64, cases: usize, kind: Kind },
    /// In triage.
    Triage { id: i64, kind: Kind },
}

/// The event a classified reply adds to its case, and the status it implies.
pub(crate) fn event_for(
    kind: Kind,
    class: &Classification,
) -> Option<(&'static str, String, Option<CaseStatus>)> {
    let note = |s: &str| -> String {
        let mut n = s.to_string();
        if let Some(r) = &class.body_reference {
            n.push_str(&format!(" (their ref {r})"));
        }
        n
    };
    match kind {
        Kind::Bounce => match class.bounce.as_ref() {
            Some(b) if !b.permanent => None,
            Some(b) => {
                let what = b
                    .recipients
                    .first()
                    .map(|r| format!("{} {}", r.address, r.status.clone().unwrap_or_default()))
                    .unwrap_or_default();
                Some((
                    "delivery_failed",
                    format!("bounce: {what}"),
                    Some(CaseStatus::DeliveryFailed),
                ))
            }
            // A person said it is a bounce.
            None => Some((
                "delivery_failed",
                "bounce".into(),
                Some(CaseStatus::DeliveryFailed),
            )),
        },
        Kind::AutoReply | Kind::Unknown => None,
        Kind::Acknowledgement => Some((
            "acknowledged",
            note("acknowledged"),
            Some(CaseStatus::Acknowledged),
        )),
        Kind::ClarificationRequest => Some((
            "clarification_requested",
            note("clarification requested"),
            Some(CaseStatus::ClarificationRequested),
        )),
        Kind::Refusal => Some((
            "refusal",
            note(&format!(
                "refused, citing {}",
                if class.exemptions.is_empty() {
                    "no section".into()
                } else {
                    class.exemptions.join(", ")
                }
            )),
            Some(CaseStatus::Refused),
        )),
        Kind::Response => Some(("response", note("response"), Some(CaseStatus::Successful))),
    }
}

/// Parse limits from the configuration.
pub fn limits(config: &Config) -> Limits {
    Limits {
        max_message_bytes: config.fetch.max_message_mb.saturating_mul(1024 * 1024),
        ..Limits::default()
    }
}

/// Ingest one raw email from `source`.
pub async fn ingest(
    store: &Store,
    config: &Config,
    regimes: &Regimes,
    raw: &[u8],
    source: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<Ingested> {
    let (id, new) = store.store_inbound_raw(raw, source, now).await?;
    if !new {
        return Ok(Ingested::Duplicate(id));
    }
    let parsed = parse(raw, &limits(config));
    let mut class = classify(&parsed);
    // "Reference: CCTV24-0042" quotes our reference, not the body's own.
    if let Some(r) = class
        .body_reference
        .as_deref()
        .and_then(crate::domain::Reference::parse)
    {
        if store.case_id_by_reference(r.as_str()).await?.is_some() {
            class.body_reference = None;
        }
    }
    let found = find_cases(store, &parsed, &class, &config.sender.reply_address).await?;
    let record = build_record(store, regimes, id, &parsed, &class, found, now).await?;
    let matched = record.links.len();
    store.apply_ingest(&record, now).await?;
    // A real reply (not an auto-reply, a bounce or noise) cancels the chasers waiting on
    // its cases: a body that has answered is never chased.
    if matches!(
        class.kind,
        Kind::Acknowledgement | Kind::ClarificationRequest | Kind::Refusal | Kind::Response
    ) {
        for (case_id, _) in &record.links {
            store.cancel_pending_chasers(*case_id, Some(now)).await?;
        }
    }
    Ok(if matched > 0 {
        Ingested::Matched {
            id,
            cases: matched,
            kind: class.kind,
        }
    } else {
        Ingested::Triage {
            id,
            kind: class.kind,
        }
    })
}

async fn build_record(
    store: &Store,
    regimes: &Regimes,
    id: i64,
    parsed: &ParsedMessage,
    class: &Classification,
    found: Match,
    now: DateTime<Utc>,
) -> anyhow::Result<IngestRecord> {
    let mut r = IngestRecord {
        id,
        message_id: parsed.message_id.clone().unwrap_or_default(),
        subject: parsed.subject.clone().unwrap_or_default(),
        from_addr: parsed
            .from
            .as_ref()
            .map(|m| m.address.clone())
            .unwrap_or_default(),
        to_addr: parsed
            .to
            .iter()
            .map(|m| m.address.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        // A Date header in the future is not believed.
        date: parsed.date.filter(|d| *d <= now),
        text_body: parsed.text_body.clone(),
        html_body: parsed.html_body.clone(),
        problem: parsed.problem.as_ref().map(|p| p.to_string()),
        classification: class.kind.as_str().to_string(),
        reason: class.reason.clone(),
        body_reference: class.body_reference.clone(),
        attachments: parsed
            .attachments
            .iter()
            .map(|a| NewAttachment {
                file_name: a.file_name.clone(),
                content_type: a.content_type.clone(),
                bytes: a.bytes.clone(),
                inline: a.inline,
            })
            .collect(),
        ..IngestRecord::default()
    };
    match found {
        Match::Cases(ids, method) => {
            let at = r.date.unwrap_or(now);
            for case_id in ids {
                r.links.push((case_id, method.to_string()));
                if let Some((kind, note, status)) = event_for(class.kind, class) {
                    let (_, regime, _) = store.case_brief(case_id).await?;
                    let on = regimes
                        .get(&regime)
                        .map(|g| g.local_date(at))
                        .unwrap_or_else(|| at.date_naive());
                    r.events.push((
                        case_id,
                        kind.to_string(),
                        on,
                        note.clone(),
                        status.map(|s| s.as_str().to_string()),
                    ));
                    if kind == "delivery_failed" {
                        r.flag_bodies.push((case_id, note));
                    }
                }
            }
        }
        Match::Triage(reason, suggestions) => {
            let mut why = reason;
            if let Some(p) = &r.problem {
                why = format!("{why}; {p}");
            }
            if !suggestions.is_empty() {
                let mut refs = Vec::new();
                for s in suggestions.iter().take(5) {
                    refs.push(store.case_brief(*s).await?.0);
                }
                why = format!("{why}; perhaps {}", refs.join(", "));
            }
            r.triage_reason = Some(why);
        }
    }
    Ok(r)
}
