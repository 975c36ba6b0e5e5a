//! Replying to a body from its case (`foi case reply`, the dashboard's Reply form): the
//! person's text, or a reply template with their words in it, with files attached; threaded
//! to the message it answers (In-Reply-To and References, `[REF]` in the subject, the case's
//! reply address), and queued in the durable outbox like every other email (pacing, send
//! window, retries). When it goes, the sender records its event: `reply_sent`, or
//! `clarification_sent` / `internal_review_requested` when that is what it is, so the
//! clock rules follow from `standing`.
//!
//! Sees `compose` (the sender's name and the reply address), `mime`, `reply_templates`,
//! `store`, `templates`, `text` and the settings.

use crate::casework::compose::{sender_vars, Draft};
use crate::casework::mime::{build_with_attachments, new_message_id, OutgoingAttachment, Thread};
use crate::casework::reply_templates::{choose, ReplyKind};
use crate::config::Settings;
use crate::domain::{Case, CaseStatus, EmailAddress};
use crate::store::{MessageRow, NewOutboxItem, Store};
use crate::templates::{context, ContextParts, Rendered, Renderer};
use anyhow::{bail, Context as _};
use chrono::{DateTime, NaiveDate, Utc};

/// The most one attached file may weigh.
pub const MAX_ATTACHMENT_BYTES: u64 = 10 * 1024 * 1024;
/// The most all attached files together may weigh (many servers refuse 25 MB and more).
pub const MAX_ATTACHMENTS_BYTES: u64 = 20 * 1024 * 1024;
/// The most words a reply may have.
pub const MAX_TEXT_BYTES: usize = 256 * 1024;

/// File types a reply may carry, by extension, with the type they are sent as.
const ALLOWED_TYPES: &[(&str, &str)] = &[
    ("pdf", "application/pdf"),
    ("txt", "text/plain"),
    ("csv", "text/csv"),
    ("png", "image/png"),
    ("jpg", "image/jpeg"),
    ("jpeg", "image/jpeg"),
    ("doc", "application/msword"),
    (
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    ("xls", "application/vnd.ms-excel"),
    (
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    ("odt", "application/vnd.oasis.opendocument.text"),
    ("ods", "application/vnd.oasis.opendocument.spreadsheet"),
];

/// A file to attach, as given (a path's name and bytes, or an upload).
#[derive(Debug, Clone)]
pub struct GivenFile {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// Check the files before anything is queued: each has a safe name, an allowed type, and
/// the sizes are within bounds. One sentence per problem.
pub fn check_attachments(files: Vec<GivenFile>) -> anyhow::Result<Vec<OutgoingAttachment>> {
    let mut total = 0u64;
    let mut out = Vec::with_capacity(files.len());
    for f in files {
        let Some(name) = crate::text::sanitize_file_name(&f.name) else {
            bail!(
                "'{}' is not a file name that can be attached: rename it",
                f.name
            );
        };
        let ext = name
            .rsplit_once('.')
            .map(|(_, e)| e.to_ascii_lowercase())
            .unwrap_or_default();
        let Some((_, content_type)) = ALLOWED_TYPES.iter().find(|(e, _)| *e == ext) else {
            let allowed: Vec<&str> = ALLOWED_TYPES.iter().map(|(e, _)| *e).collect();
            bail!(
                "{name}: .{ext} files cannot be attached; attach one of: {} (convert it, or zip nothing: bodies' filters drop archives)",
                allowed.join(", ")
            );
        };
        let size = f.bytes.len() as u64;
        if size == 0 {
            bail!("{name} is empty: attach the file with its content");
        }
        if size > MAX_ATTACHMENT_BYTES {
            bail!(
                "{name} is {} MB: a file may be at most {} MB (send a link, or split it)",
                size / (1024 * 1024),
                MAX_ATTACHMENT_BYTES / (1024 * 1024)
            );
        }
        total += size;
        if total > MAX_ATTACHMENTS_BYTES {
            bail!(
                "the files together are more than {} MB: attach fewer, or send a link",
                MAX_ATTACHMENTS_BYTES / (1024 * 1024)
            );
        }
        out.push(OutgoingAttachment {
            file_name: name,
            content_type: content_type.to_string(),
            bytes: f.bytes,
        });
    }
    Ok(out)
}

/// What to reply with.
pub struct ReplyAsked {
    /// The person's words (the whole reply, or `text` in the template).
    pub text: Option<String>,
    /// A built-in reply template's name, or a folder.
    pub template: Option<String>,
    /// What the reply is, when the person says; else the template's, else the case's
    /// (answering a clarification request makes it the clarification).
    pub kind: Option<ReplyKind>,
    pub attachments: Vec<GivenFile>,
}

/// When, by whom, and whether only to check.
pub struct ReplyBy<'a> {
    pub actor: &'a str,
    pub now: DateTime<Utc>,
    pub today: NaiveDate,
    pub dry_run: bool,
}

/// A reply built (and, unless a dry run, queued).
#[derive(Debug, Clone, serde::Serialize)]
pub struct Replied {
    pub reference: String,
    pub to: String,
    pub subject: String,
    pub text: String,
    pub kind: ReplyKind,
    pub message_id: String,
    pub in_reply_to: Option<String>,
    pub attachments: Vec<String>,
    pub queued: bool,
}

fn bare_id(id: &str) -> String {
    id.trim()
        .trim_start_matches('<')
        .trim_end_matches('>')
        .to_string()
}

/// The thread a reply joins: it answers the newest email from the body (else our newest),
/// and References name the request first, then the one it answers.
fn thread_of(messages: &[MessageRow]) -> Thread {
    let ids = |outbound: bool| {
        messages.iter().filter(move |m| {
            (m.direction == "outbound") == outbound && !m.message_id.trim().is_empty()
        })
    };
    let answered = ids(false)
        .max_by_key(|m| (m.at, m.id))
        .or_else(|| ids(true).max_by_key(|m| (m.at, m.id)));
    let first = ids(true).min_by_key(|m| (m.at, m.id));
    let mut references: Vec<String> = Vec::new();
    for m in [first, answered].into_iter().flatten() {
        let id = bare_id(&m.message_id);
        if !references.contains(&id) {
            references.push(id);
        }
    }
    Thread {
        in_reply_to: answered.map(|m| bare_id(&m.message_id)),
        references,
    }
}

/// Reply to the body of `case`: checked whole (text, template, files) before anything is
/// queued; nothing is queued in a dry run.
pub async fn reply(
    store: &Store,
    settings: &Settings,
    case: &Case,
    asked: ReplyAsked,
    by: &ReplyBy<'_>,
) -> anyhow::Result<Replied> {
    if CaseStatus::NOT_SENT.contains(&case.status) {
        bail!(
            "case {} is {}: its request has not been sent yet, so there is nothing to reply to",
            case.reference,
            case.status
        );
    }
    let text = asked
        .text
        .map(|t| t.replace("\r\n", "\n"))
        .filter(|t| !t.trim().is_empty());
    if text.as_ref().is_some_and(|t| t.len() > MAX_TEXT_BYTES) {
        bail!(
            "the reply's text is longer than {} KB: shorten it, or attach it as a file",
            MAX_TEXT_BYTES / 1024
        );
    }
    let attachments = check_attachments(asked.attachments)?;
    let messages = store.case_messages(case.id).await?;
    let (rendered, template_kind) = match &asked.template {
        Some(name) => {
            let (r, k) =
                render_template(store, settings, case, name, text.as_deref(), by.today).await?;
            (r, k)
        }
        None => {
            let Some(text) = text else {
                bail!("write the reply: --text FILE (or choose a reply template)");
            };
            (plain(case, &messages, text), None)
        }
    };
    let kind = asked.kind.or(template_kind).unwrap_or(
        if case.status == CaseStatus::ClarificationRequested {
            ReplyKind::Clarification
        } else {
            ReplyKind::Plain
        },
    );
    let to = EmailAddress::parse(&case.body_email)?;
    let draft = Draft {
        from_name: settings.sender.name.clone(),
        from_addr: settings.sender.email.clone(),
        to_name: case.body_name.clone(),
        to_addr: to.to_string(),
        reply_to: settings.reply.address(&case.token),
        rendered,
    };
    let thread = thread_of(&messages);
    let sender_domain = settings.sender.domain()?;
    let message_id = new_message_id(&sender_domain);
    let raw = build_with_attachments(
        &draft,
        &message_id,
        case.reference.as_str(),
        by.now,
        &thread,
        &attachments,
    )?;
    let replied = Replied {
        reference: case.reference.to_string(),
        to: draft.to_addr.clone(),
        subject: draft.rendered.subject.clone(),
        text: draft.rendered.text.clone(),
        kind,
        message_id: message_id.clone(),
        in_reply_to: thread.in_reply_to.clone(),
        attachments: attachments.iter().map(|a| a.file_name.clone()).collect(),
        queued: !by.dry_run,
    };
    if by.dry_run {
        return Ok(replied);
    }
    let item = NewOutboxItem {
        case_id: case.id,
        kind: kind.outbox_kind().into(),
        message_id,
        envelope_from: draft.reply_to.clone(),
        recipient: draft.to_addr.clone(),
        subject: draft.rendered.subject.clone(),
        raw,
        not_before: by.now,
    };
    store
        .queue(&[item], by.now)
        .await
        .context("the reply was not queued")?;
    tracing::info!(reference = %case.reference, actor = by.actor, kind = kind.outbox_kind(), "reply queued");
    Ok(replied)
}

/// A reply without a template: `Re:` the subject it answers, with `[REF]`.
fn plain(case: &Case, messages: &[MessageRow], text: String) -> Rendered {
    let base = messages
        .iter()
        .filter(|m| m.direction != "outbound")
        .max_by_key(|m| (m.at, m.id))
        .or_else(|| messages.iter().find(|m| m.direction == "outbound"))
        .map(|m| m.subject.trim().to_string())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "Freedom of Information request".into());
    let base: String = base.chars().filter(|c| !c.is_control()).take(200).collect();
    let mut subject = if base.to_lowercase().starts_with("re:") {
        base
    } else {
        format!("Re: {base}")
    };
    let tag = format!("[{}]", case.reference);
    if !subject.contains(&tag) {
        subject = format!("{subject} {tag}");
    }
    let mut text = text;
    if !text.ends_with('\n') {
        text.push('\n');
    }
    Rendered {
        subject,
        text,
        html: None,
    }
}

/// A reply template rendered for the case, with the person's words as `text`.
async fn render_template(
    store: &Store,
    settings: &Settings,
    case: &Case,
    name: &str,
    text: Option<&str>,
    today: NaiveDate,
) -> anyhow::Result<(Rendered, Option<ReplyKind>)> {
    let chosen = choose(name)?;
    if chosen.needs_text && text.is_none() {
        bail!(
            "the reply template '{}' needs your words (the grounds, the clarification ...): give them with --text FILE",
            chosen.name
        );
    }
    let renderer = Renderer::new(&chosen.set)?;
    let campaign = store.require_campaign(&case.campaign).await?;
    let Some(body) = store.body_by_key(case.body_key.as_str()).await? else {
        bail!("case {}'s body is not in the database", case.reference);
    };
    let reply_address = settings.reply.address(&case.token);
    let sender = sender_vars(&settings.sender);
    let mut ctx = context(&ContextParts {
        body: &body,
        campaign: &campaign,
        campaign_fields: &Default::default(),
        reference: &case.reference,
        reply_address: &reply_address,
        sender: &sender,
        today,
    });
    if let Some(map) = ctx.as_object_mut() {
        map.insert(
            "text".into(),
            serde_json::Value::String(text.unwrap_or("").trim_end().to_string()),
        );
    }
    let rendered = renderer.render(&ctx, &case.reference).map_err(|f| {
        anyhow::anyhow!("the reply template '{}' does not render: {f}", chosen.name)
    })?;
    Ok((rendered, chosen.kind))
}
