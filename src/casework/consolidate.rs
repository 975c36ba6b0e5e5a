//! One chaser per body: when a sweep finds several cases of one body due a chaser (in
//! several campaigns, or several cases of one), it can send ONE email that lists them all
//! instead of one email each. A campaign allows it in its folder's `campaign.toml`:
//!
//! ```toml
//! consolidate_chasers = true
//! ```
//!
//! Only steps that would be queued at once (`auto`, or asked for now by a person) of the
//! triggers `no_acknowledgement` and `overdue` are gathered: an internal review request
//! is a formal request with its own grounds and clock, and a complaint is a draft for a
//! person. Cases whose campaigns do not allow it are chased one email each, as before.
//!
//! The email: to the body, `[REF]` of every case in the subject, each case's own chaser
//! text under its reference, `In-Reply-To` the first case's request and `References` every
//! case's request, `Reply-To` every case's reply address (an answer reaches each case), the
//! first case's reply address as envelope sender. It is one outbox item, with a chaser row
//! for every case's step pointing at it: when it goes, the sender records it on every case
//! (its message and the case's own `chaser_<step>_sent` event); a reply on any of the
//! cases cancels it as a whole, and the others are chased again at the next sweep.
//!
//! Sees `compose`, `mime` and `store` (`chasers` calls it).

use super::compose::Draft;
use super::mime::{build, new_message_id, thread_to, Thread};
use crate::config::Settings;
use crate::domain::{BodyId, CaseId, Reference};
use crate::store::{NewChaser, NewOutboxItem, Store};
use crate::templates::{Rendered, CAMPAIGN_FILE};
use anyhow::{bail, Context as _};
use chrono::{DateTime, NaiveDate, Utc};
use std::collections::HashMap;
use std::path::Path;

/// The `campaign.toml` key that lets a campaign's chasers share one email per body.
pub const SETTING: &str = "consolidate_chasers";

/// Subject lines name at most this many references (then "and N more").
const SUBJECT_REFERENCES: usize = 6;

/// Whether the campaign folder allows consolidated chasers (`consolidate_chasers = true`
/// in its `campaign.toml`; no file or no key: no).
pub fn allowed(campaign_dir: &Path) -> anyhow::Result<bool> {
    let path = campaign_dir.join(CAMPAIGN_FILE);
    if !path.exists() {
        return Ok(false);
    }
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    let table: toml::Table =
        toml::from_str(&text).with_context(|| format!("{} is not valid TOML", path.display()))?;
    match table.get(SETTING) {
        None => Ok(false),
        Some(toml::Value::Boolean(b)) => Ok(*b),
        Some(other) => bail!(
            "{}: {SETTING} must be true or false, not {other}",
            path.display()
        ),
    }
}

/// One case's chaser step, composed, not stored yet.
pub struct Held {
    pub case_id: CaseId,
    pub body_id: BodyId,
    pub reference: Reference,
    pub campaign: String,
    pub step: String,
    /// The step's trigger and mode, as stored (`overdue`, `auto`...).
    pub trigger: &'static str,
    pub mode: &'static str,
    /// `queued`, `pending` or `draft` (a complaint for a person).
    pub state: &'static str,
    pub due_on: NaiveDate,
    /// The case's own chaser email.
    pub draft: Draft,
    /// The Message-ID of the request it answers.
    pub thread: Option<String>,
    /// The case's reply address.
    pub reply: String,
    /// The request's date of receipt and due date.
    pub sent: NaiveDate,
    pub due: Option<NaiveDate>,
}

/// The triggers whose steps may share an email.
const SHARED_TRIGGERS: [&str; 2] = ["no_acknowledgement", "overdue"];

impl Held {
    /// Whether this step may share an email with the body's other cases: queued at once,
    /// and not an internal review (its own grounds and clock) or complaint (a draft).
    pub fn may_share(&self) -> bool {
        self.state == "queued" && SHARED_TRIGGERS.contains(&self.trigger)
    }

    fn chaser(&self, message_id: &str, recipient: &str, subject: &str, raw: &[u8]) -> NewChaser {
        NewChaser {
            case_id: self.case_id,
            step: self.step.clone(),
            trigger: self.trigger.into(),
            mode: self.mode.into(),
            state: self.state.into(),
            due_on: self.due_on,
            message_id: message_id.into(),
            recipient: recipient.into(),
            subject: subject.into(),
            raw: raw.to_vec(),
        }
    }
}

/// Store one case's step as a sweep takes it: its email queued (`queued`), kept for
/// approval (`pending`), or the complaint draft kept for a person (`draft`). `false` when
/// the step was taken already.
pub async fn store_one(
    store: &Store,
    settings: &Settings,
    now: DateTime<Utc>,
    held: &Held,
) -> anyhow::Result<bool> {
    let message_id = new_message_id(&settings.sender.domain()?);
    let (raw, recipient) = if held.state == "draft" {
        (
            held.draft.preview_text().into_bytes(),
            settings.sender.email.clone(),
        )
    } else {
        let thread = thread_to(held.thread.as_ref());
        (
            build(
                &held.draft,
                &message_id,
                held.reference.as_str(),
                now,
                &thread,
            )?,
            held.draft.to_addr.clone(),
        )
    };
    let subject = &held.draft.rendered.subject;
    let new = held.chaser(&message_id, &recipient, subject, &raw);
    let item = (held.state == "queued").then(|| NewOutboxItem {
        case_id: held.case_id,
        kind: format!("chaser:{}", held.step),
        message_id,
        envelope_from: held.reply.clone(),
        recipient,
        subject: subject.clone(),
        raw,
        not_before: now,
    });
    Ok(store.add_chaser(&new, item.as_ref(), now).await?)
}

/// The held steps grouped by body, each group in reference order, the groups in the
/// order their bodies first came.
pub fn by_body(held: Vec<Held>) -> Vec<Vec<Held>> {
    let mut groups: Vec<Vec<Held>> = Vec::new();
    let mut index: HashMap<BodyId, usize> = HashMap::new();
    for h in held {
        match index.get(&h.body_id) {
            Some(&i) => groups[i].push(h),
            None => {
                index.insert(h.body_id, groups.len());
                groups.push(vec![h]);
            }
        }
    }
    for g in &mut groups {
        g.sort_by(|a, b| a.reference.as_str().cmp(b.reference.as_str()));
    }
    groups
}

/// One email for several cases of one body (see the module's note), stored with a chaser
/// row per case in one transaction. `false`, and nothing stored, when any case's step was
/// taken meanwhile.
pub async fn store_group(
    store: &Store,
    settings: &Settings,
    now: DateTime<Utc>,
    group: &[Held],
) -> anyhow::Result<bool> {
    let draft = consolidated_draft(group);
    let message_id = new_message_id(&settings.sender.domain()?);
    let mut references: Vec<String> = Vec::new();
    for id in group.iter().filter_map(|h| h.thread.clone()) {
        if !references.contains(&id) {
            references.push(id);
        }
    }
    let thread = Thread {
        in_reply_to: group.iter().find_map(|h| h.thread.clone()),
        references,
    };
    let refs: Vec<&str> = group.iter().map(|h| h.reference.as_str()).collect();
    let raw = build(&draft, &message_id, &refs.join(" "), now, &thread)?;
    let subject = &draft.rendered.subject;
    let chasers: Vec<NewChaser> = group
        .iter()
        .map(|h| h.chaser(&message_id, &draft.to_addr, subject, &raw))
        .collect();
    let first = &group[0];
    let item = NewOutboxItem {
        case_id: first.case_id,
        kind: format!("chaser:{}", first.step),
        message_id,
        envelope_from: first.reply.clone(),
        recipient: draft.to_addr.clone(),
        subject: subject.clone(),
        raw,
        not_before: now,
    };
    Ok(store.add_consolidated_chaser(&chasers, &item, now).await?)
}

/// The consolidated email: a list of the cases, then each case's own chaser text under
/// its reference (so nothing a campaign's chaser says is lost).
fn consolidated_draft(group: &[Held]) -> Draft {
    let first = &group[0].draft;
    let date = |d: NaiveDate| d.format("%-d %B %Y").to_string();
    let overdue = |h: &Held| h.trigger == "overdue";
    let what = if group.iter().all(overdue) {
        "responses overdue"
    } else if group.iter().all(|h| h.trigger == "no_acknowledgement") {
        "please confirm receipt"
    } else {
        "awaiting your response"
    };
    let mut tags: Vec<String> = group
        .iter()
        .take(SUBJECT_REFERENCES)
        .map(|h| format!("[{}]", h.reference))
        .collect();
    if group.len() > SUBJECT_REFERENCES {
        tags.push(format!("and {} more", group.len() - SUBJECT_REFERENCES));
    }
    let subject = format!(
        "Re: Freedom of Information requests {}: {what}",
        tags.join(" ")
    );
    let mut text = format!(
        "Dear {},\n\nI am writing about {} requests for information I made to you that are \
         still waiting for an answer:\n\n",
        first.to_name,
        group.len()
    );
    for h in group {
        let due = match h.due {
            Some(d) if overdue(h) => format!(", response due by {} (overdue)", date(d)),
            Some(d) => format!(", response due by {}", date(d)),
            None => String::new(),
        };
        text.push_str(&format!(
            "- [{}] received on {}{due}\n",
            h.reference,
            date(h.sent)
        ));
    }
    text.push_str(
        "\nWhat I wrote about each follows, under its reference. Please answer each one, \
         quoting its reference.\n",
    );
    for h in group {
        text.push_str(&format!(
            "\n---- [{}] {} ----\n\n{}",
            h.reference, h.draft.rendered.subject, h.draft.rendered.text
        ));
        if !text.ends_with('\n') {
            text.push('\n');
        }
    }
    let replies: Vec<&str> = group.iter().map(|h| h.reply.as_str()).collect();
    Draft {
        from_name: first.from_name.clone(),
        from_addr: first.from_addr.clone(),
        to_name: first.to_name.clone(),
        to_addr: first.to_addr.clone(),
        reply_to: replies.join(","),
        rendered: Rendered {
            subject,
            text,
            html: None,
        },
    }
}
