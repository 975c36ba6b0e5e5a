//! `foi case show REF [--json]`.

use crate::cli::{App, Printer};
use crate::domain::Reference;
use crate::store::MessageRow;
use clap::Args;
use std::io::Write;

#[derive(Debug, Args)]
pub struct ShowCommand {
    /// The case reference, e.g. CCTV24-0042.
    #[arg(value_parser = crate::cli::args::reference)]
    pub reference: Reference,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// One line of a case's thread.
fn thread_line(m: &MessageRow) -> String {
    let attach = if m.attachments.is_empty() {
        String::new()
    } else {
        format!(
            " [{}]",
            m.attachments
                .iter()
                .map(|a| a.file_name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    format!(
        "{} #{} {} {:<22} {}{attach}",
        m.at.format("%Y-%m-%d %H:%M"),
        m.id,
        if m.direction == "outbound" {
            "->"
        } else {
            "<-"
        },
        m.classification.clone().unwrap_or_else(|| "sent".into()),
        m.subject
    )
}

impl ShowCommand {
    pub async fn execute(self, app: &App, out: &mut Printer) -> anyhow::Result<()> {
        let case = app.store.require_case(&self.reference).await?;
        let body = app.store.body_by_key(case.body_key.as_str()).await?;
        let events = app.store.events(case.id).await?;
        let reply = app.settings.reply.address(&case.token);
        let assignee = app.store.case_assignee(case.id).await?;
        let answers = crate::casework::answers::case_answers(&app.store, case.id).await?;
        let messages = app.store.case_messages(case.id).await?;
        if self.json {
            return Ok(out.json(&serde_json::json!({
                "case": case, "body": body, "reply_address": reply, "events": events,
                "messages": messages,
                "assignee": assignee, "answers": answers,
            }))?);
        }
        writeln!(out, "case {} ({})", case.reference, case.campaign)?;
        writeln!(out, "  status:        {}", case.status)?;
        writeln!(
            out,
            "  assignee:      {}",
            assignee.as_deref().unwrap_or("(nobody)")
        )?;
        writeln!(
            out,
            "  body:          {} ({})",
            case.body_name, case.body_key
        )?;
        writeln!(out, "  email:         {}", case.body_email)?;
        if let Some(flag) = body.as_ref().and_then(|b| b.email_flag.as_ref()) {
            writeln!(out, "  FLAGGED:       {flag}")?;
        }
        writeln!(out, "  regime:        {}", case.regime)?;
        writeln!(out, "  reply address: {reply}")?;
        writeln!(
            out,
            "  created:       {}",
            case.created_at.format("%Y-%m-%d %H:%M UTC")
        )?;
        if !messages.is_empty() {
            writeln!(out, "  messages:")?;
            for m in &messages {
                writeln!(out, "    {}", thread_line(m))?;
            }
        }
        if events.is_empty() {
            writeln!(out, "  events:        none yet")?;
        } else {
            writeln!(out, "  events:")?;
            for e in &events {
                let note = e
                    .note
                    .as_deref()
                    .map(|n| format!(" — {n}"))
                    .unwrap_or_default();
                // A superseded event stays visible, marked: a person's correction replaced it.
                let gone = if e.superseded_by.is_some() {
                    " [superseded by a correction]"
                } else {
                    ""
                };
                writeln!(
                    out,
                    "    {} {:<24} ({}){note}{gone}",
                    e.occurred_on, e.kind, e.actor
                )?;
            }
        }
        // A campaign folder that cannot be read hides no stored answer: list them bare.
        let questions = app
            .store
            .require_campaign(&case.campaign)
            .await
            .map_err(anyhow::Error::from)
            .and_then(|c| crate::casework::answers::campaign_questions(&c))
            .unwrap_or_default();
        let lines = super::answers::answer_lines(&questions, &answers);
        if !lines.is_empty() {
            writeln!(out, "  answers:")?;
            for line in lines {
                writeln!(out, "    {line}")?;
            }
        }
        Ok(())
    }
}
