//! Correcting an address and sending a case's request again (`foi case resend`, `foi
//! campaign resend --bounced`, the dashboard's Resend action): the body's new address is
//! recorded (the old one kept in its history), and the original request is rendered again
//! and queued to it as a new delivery of the same case: same reference and reply token, a
//! new Message-ID. The sender's `sent` event for it is the new date of receipt the deadline
//! counts from (see [`crate::standing::received`]).
//!
//! Sees `compose`, `mime`, `bodies`, `store` and the settings.

use crate::casework::check::check_campaign;
use crate::casework::mime::{build, new_message_id, Thread};
use crate::config::Settings;
use crate::domain::{Case, CaseStatus, EmailAddress};
use crate::store::{NewOutboxItem, Store};
use anyhow::{bail, Context};
use chrono::{DateTime, NaiveDate, Utc};

/// Who resends, when, and whether only to check.
pub struct ResendBy<'a> {
    pub actor: &'a str,
    pub note: Option<&'a str>,
    pub now: DateTime<Utc>,
    pub today: NaiveDate,
    pub dry_run: bool,
}

/// What a resend did (or would do).
#[derive(Debug, Clone, serde::Serialize)]
pub struct Resent {
    pub reference: String,
    pub to: String,
    /// The body's address before, when the resend changed it.
    pub was: Option<String>,
    pub message_id: String,
    pub queued: bool,
}

/// Send `case`'s request again, to `to` (recorded as the body's new address) or, without
/// it, to the body's current address.
pub async fn resend_case(
    store: &Store,
    settings: &Settings,
    case: &Case,
    to: Option<&str>,
    by: &ResendBy<'_>,
) -> anyhow::Result<Resent> {
    let to = match to {
        Some(a) => EmailAddress::parse(a)
            .map_err(|e| anyhow::anyhow!("--to '{a}' is not an email address: {e}"))?,
        None => EmailAddress::parse(&case.body_email)?,
    };
    let prepared = prepare(store, settings, case, &to, by).await?;
    if by.dry_run {
        return Ok(prepared.resent);
    }
    if prepared.resent.was.is_some() {
        store
            .set_body_email(case.body_id, &to, by.note, by.actor, by.now)
            .await?;
    }
    store
        .queue_requests_again(
            &[(prepared.item, prepared.note)],
            by.actor,
            by.today,
            by.now,
        )
        .await?;
    Ok(prepared.resent)
}

/// A resend checked and built, not yet queued.
struct Prepared {
    resent: Resent,
    item: NewOutboxItem,
    note: String,
}

async fn prepare(
    store: &Store,
    settings: &Settings,
    case: &Case,
    to: &EmailAddress,
    by: &ResendBy<'_>,
) -> anyhow::Result<Prepared> {
    if store.request_pending(case.id).await? {
        bail!(
            "case {}'s request is waiting in the outbox already: `foi outbox` shows it",
            case.reference
        );
    }
    if CaseStatus::NOT_SENT.contains(&case.status) {
        bail!(
            "case {} is {}: its request has not been sent yet, so there is nothing to send again",
            case.reference,
            case.status
        );
    }
    let was = (to.as_str() != case.body_email).then(|| case.body_email.clone());
    let item = request_item(store, settings, case, to, by).await?;
    let mut note = format!("request queued again to {to}");
    if let Some(w) = &was {
        note.push_str(&format!(" (was {w})"));
    }
    if let Some(n) = by.note.filter(|n| !n.trim().is_empty()) {
        note.push_str(&format!(": {}", n.trim()));
    }
    Ok(Prepared {
        resent: Resent {
            reference: case.reference.to_string(),
            to: to.to_string(),
            was,
            message_id: item.message_id.clone(),
            queued: !by.dry_run,
        },
        item,
        note,
    })
}

/// The case's request rendered again from its campaign's templates, addressed to `to`,
/// with a new Message-ID.
async fn request_item(
    store: &Store,
    settings: &Settings,
    case: &Case,
    to: &EmailAddress,
    by: &ResendBy<'_>,
) -> anyhow::Result<NewOutboxItem> {
    let campaign = store.require_campaign(&case.campaign).await?;
    let sender_domain = settings.sender.domain()?;
    let mut item = None;
    let report = check_campaign(
        store,
        settings,
        &campaign,
        by.today,
        Some(&case.reference),
        &mut |case, _, draft| {
            let mut draft = draft.clone();
            draft.to_addr = to.to_string();
            let message_id = new_message_id(&sender_domain);
            let raw = build(
                &draft,
                &message_id,
                case.reference.as_str(),
                by.now,
                &Thread::default(),
            )
            .with_context(|| format!("case {}", case.reference))?;
            item = Some(NewOutboxItem {
                case_id: case.id,
                kind: "request".into(),
                message_id,
                envelope_from: settings.reply.address(&case.token),
                recipient: draft.to_addr.clone(),
                subject: draft.rendered.subject.clone(),
                raw,
                not_before: by.now,
            });
            Ok(())
        },
    )
    .await?;
    if let Some((_, _, failure)) = report.failures.first() {
        bail!(
            "case {}'s request no longer renders from {}: {failure}; fix the templates and try again",
            case.reference,
            campaign.template_dir
        );
    }
    item.with_context(|| format!("case {} was not found in its campaign", case.reference))
}

/// What `foi campaign resend NAME --bounced` did: the cases sent again, and those left
/// because their body's address is still the one that failed.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct BouncedResent {
    pub resent: Vec<Resent>,
    /// (reference, the address that failed)
    pub still_failing: Vec<(String, String)>,
}

/// Send again every case of `campaign` whose delivery failed and whose body has a new
/// address since (`foi bodies set-email`); the others are listed, not sent.
pub async fn resend_bounced(
    store: &Store,
    settings: &Settings,
    campaign: &str,
    by: &ResendBy<'_>,
) -> anyhow::Result<BouncedResent> {
    let campaign = store.require_campaign(campaign).await?;
    let mut done = BouncedResent::default();
    let mut queue = Vec::new();
    // Every email is built before any is queued, and all are queued in one transaction.
    for bounced in store.bounced_cases(campaign.id).await? {
        let failed_to = bounced.failed_to.unwrap_or_default();
        if failed_to.eq_ignore_ascii_case(&bounced.body_email) {
            done.still_failing
                .push((bounced.reference.to_string(), failed_to));
            continue;
        }
        let case = store.require_case(&bounced.reference).await?;
        let to = EmailAddress::parse(&case.body_email)?;
        let prepared = prepare(store, settings, &case, &to, by).await?;
        done.resent.push(prepared.resent);
        queue.push((prepared.item, prepared.note));
    }
    if !by.dry_run && !queue.is_empty() {
        store
            .queue_requests_again(&queue, by.actor, by.today, by.now)
            .await?;
    }
    Ok(done)
}
