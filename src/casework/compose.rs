//! Composing each case's email from the campaign's templates: the render context and the
//! headers a body will see (the check that every case renders is `check.rs`).
//!
//! Sees `domain`, `store`, `templates` and the settings (who sends, the reply address);
//! used by preview, launch, chasers and campaign messages.

use crate::config::{SenderIdentity, Settings};
use crate::deadlines::Deadline;
use crate::domain::{Body, Campaign, Case, Reference};
use crate::standing::{Answer, Outcome};
use crate::templates::{context, ContextParts, RenderFailure, Rendered, Renderer, TemplateSet};
use chrono::NaiveDate;
use std::collections::BTreeMap;
use std::path::Path;

/// One composed email, before it gets a Message-ID.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Draft {
    pub from_name: String,
    pub from_addr: String,
    pub to_name: String,
    pub to_addr: String,
    /// The reply address (Reply-To), or several comma-separated (a consolidated chaser).
    pub reply_to: String,
    pub rendered: Rendered,
}

impl Draft {
    /// The headers and text, as the preview shows them.
    pub fn preview_text(&self) -> String {
        let mut s = format!(
            "From: {}\nTo: {}\nReply-To: {}\nSubject: {}\n\n{}",
            mailbox(&self.from_name, &self.from_addr),
            mailbox(&self.to_name, &self.to_addr),
            self.reply_to,
            self.rendered.subject,
            self.rendered.text
        );
        if !s.ends_with('\n') {
            s.push('\n');
        }
        s
    }
}

/// `Name <address>`, quoting the name when it holds specials.
pub fn mailbox(name: &str, address: &str) -> String {
    let name = name.replace(['"', '\\', '\r', '\n'], " ");
    if name.trim().is_empty() {
        address.to_string()
    } else if name.chars().any(|c| "()<>[]:;@,.".contains(c)) {
        format!("\"{}\" <{address}>", name.trim())
    } else {
        format!("{} <{address}>", name.trim())
    }
}

/// The sender's template variables: every `[sender]` key.
pub fn sender_vars(sender: &SenderIdentity) -> BTreeMap<String, String> {
    let mut m = sender.extra.clone();
    m.insert("name".into(), sender.name.clone());
    m.insert("email".into(), sender.email.clone());
    m
}

/// A campaign's compiled templates plus what every case shares.
pub struct Composer<'a> {
    pub set: TemplateSet,
    renderer: Renderer,
    settings: &'a Settings,
    campaign: &'a Campaign,
    sender: BTreeMap<String, String>,
    today: chrono::NaiveDate,
}

impl<'a> Composer<'a> {
    /// Load and compile the templates of `dir` (a syntax error stops here).
    pub fn new(
        settings: &'a Settings,
        campaign: &'a Campaign,
        dir: &Path,
        today: chrono::NaiveDate,
    ) -> anyhow::Result<Self> {
        let set = TemplateSet::load(dir)?;
        let renderer = Renderer::new(&set)?;
        Ok(Self {
            set,
            renderer,
            settings,
            campaign,
            sender: sender_vars(&settings.sender),
            today,
        })
    }

    /// Compose one case's email.
    pub fn compose(&self, case: &Case, body: &Body) -> Result<Draft, RenderFailure> {
        let reply = self.settings.reply.address(&case.token);
        let ctx = context(&ContextParts {
            body,
            campaign: self.campaign,
            campaign_fields: &self.set.campaign_fields,
            reference: &case.reference,
            reply_address: &reply,
            sender: &self.sender,
            today: self.today,
        });
        let rendered = self.renderer.render(&ctx, &case.reference)?;
        Ok(Draft {
            from_name: self.settings.sender.name.clone(),
            from_addr: self.settings.sender.email.clone(),
            to_name: body.name.clone(),
            to_addr: body.email.to_string(),
            reply_to: reply,
            rendered,
        })
    }
}

/// Compose a follow-up email (chaser or campaign message) for one case: the standard
/// template context plus `case.sent_date` and `case.due_date` (each present only when
/// known, so a template that needs a missing one fails the check, naming the variable),
/// and how the body answered (`answer`, from `standing::derive`).
#[allow(clippy::too_many_arguments)]
pub fn compose_followup(
    settings: &Settings,
    campaign: &Campaign,
    campaign_fields: &BTreeMap<String, serde_json::Value>,
    renderer: &Renderer,
    body: &Body,
    reference: &Reference,
    reply: &str,
    deadline: Option<&Deadline>,
    answer: Option<&Answer>,
    today: NaiveDate,
) -> Result<Draft, RenderFailure> {
    let sender = sender_vars(&settings.sender);
    let mut ctx = context(&ContextParts {
        body,
        campaign,
        campaign_fields,
        reference,
        reply_address: reply,
        sender: &sender,
        today,
    });
    if let (Some(d), Some(case)) = (
        deadline,
        ctx.get_mut("case").and_then(|c| c.as_object_mut()),
    ) {
        case.insert("sent_date".into(), d.received().to_string().into());
        if let Some(due) = d.due() {
            case.insert("due_date".into(), due.to_string().into());
        }
        if let Some(r) = d.review() {
            case.insert("review_due_date".into(), r.due.to_string().into());
        }
    }
    // How the body answered (always present, so a text can argue a refusal or say that
    // nothing came): `case.answer` (none, response, partial_response, not_held, refusal),
    // `case.refused`, `case.partly_answered`, `case.answered`, and `case.answered_date`.
    if let Some(case) = ctx.get_mut("case").and_then(|c| c.as_object_mut()) {
        let outcome = answer.map(|a| a.outcome);
        let name = match outcome {
            None => "none",
            Some(Outcome::Response) => "response",
            Some(Outcome::PartialResponse) => "partial_response",
            Some(Outcome::NotHeld) => "not_held",
            Some(Outcome::Refusal) => "refusal",
        };
        case.insert("answer".into(), name.into());
        case.insert("answered".into(), answer.is_some().into());
        case.insert("refused".into(), (outcome == Some(Outcome::Refusal)).into());
        case.insert(
            "partly_answered".into(),
            (outcome == Some(Outcome::PartialResponse)).into(),
        );
        if let Some(a) = answer {
            case.insert("answered_date".into(), a.first_on.to_string().into());
        }
    }
    let rendered = renderer.render(&ctx, reference)?;
    Ok(Draft {
        from_name: settings.sender.name.clone(),
        from_addr: settings.sender.email.clone(),
        to_name: body.name.clone(),
        to_addr: body.email.to_string(),
        reply_to: reply.to_string(),
        rendered,
    })
}
