//! `foi message show ID [--raw] [--json]`; and how a message is shown (`foi triage show`
//! shows it the same way).

use crate::cli::{App, Printer};
use crate::domain::MessageId;
use crate::store::MessageRow;
use anyhow::Context;
use clap::Args;
use std::io::Write;

#[derive(Debug, Args)]
pub struct ShowCommand {
    pub id: MessageId,
    /// Print the exact bytes as received (or sent).
    #[arg(long)]
    pub raw: bool,
    #[arg(long)]
    pub json: bool,
}

/// A message for people: headers, classification, cases, attachments, its text (at most
/// 200 lines, control characters replaced: mail text is hostile).
pub fn print_message(out: &mut Printer, m: &MessageRow) -> std::io::Result<()> {
    print_message_read(out, m, None)
}

/// [`print_message`], saying under its class whether a person has read it.
fn print_message_read(
    out: &mut Printer,
    m: &MessageRow,
    reading: Option<&str>,
) -> std::io::Result<()> {
    writeln!(out, "message {} ({})", m.id, m.direction)?;
    writeln!(out, "  from:      {}", m.from_addr)?;
    writeln!(out, "  to:        {}", m.to_addr)?;
    writeln!(out, "  subject:   {}", m.subject)?;
    writeln!(out, "  date:      {}", m.at.format("%Y-%m-%d %H:%M UTC"))?;
    writeln!(out, "  id:        <{}>", m.message_id)?;
    if let Some(c) = &m.classification {
        writeln!(
            out,
            "  kind:      {c} ({}){}",
            m.classified_by.as_deref().unwrap_or("auto"),
            m.reason
                .as_deref()
                .map(|r| format!(": {r}"))
                .unwrap_or_default()
        )?;
    }
    if let Some(r) = reading {
        writeln!(out, "  {r}")?;
    }
    if let Some(r) = &m.body_reference {
        writeln!(out, "  their ref: {r}")?;
    }
    if let Some(t) = &m.triage {
        writeln!(out, "  triage:    {t}")?;
    }
    if let Some(p) = &m.problem {
        writeln!(out, "  PROBLEM:   {p}")?;
    }
    for (r, how) in &m.cases {
        writeln!(out, "  case:      {r} (by {how})")?;
    }
    for a in &m.attachments {
        writeln!(
            out,
            "  attachment {}: {} ({}, {} bytes)",
            a.id, a.file_name, a.content_type, a.size
        )?;
    }
    if let Some(t) = &m.text_body {
        writeln!(out)?;
        for line in t.lines().take(200) {
            let clean: String = line
                .chars()
                .map(|c| {
                    if c.is_control() && c != '\t' {
                        '\u{fffd}'
                    } else {
                        c
                    }
                })
                .collect();
            writeln!(out, "  | {clean}")?;
        }
    }
    Ok(())
}

/// Stored message `id`, or an error that says so (and `hint`, what to do).
pub async fn load(app: &App, id: MessageId, hint: &str) -> anyhow::Result<MessageRow> {
    app.store
        .message(id)
        .await?
        .with_context(|| format!("no message {id}{hint}"))
}

impl ShowCommand {
    pub async fn execute(self, app: &App, out: &mut Printer) -> anyhow::Result<()> {
        let m = load(app, self.id, "").await?;
        if self.raw {
            let bytes = app
                .store
                .blob(&m.raw_sha256)
                .await?
                .context("the raw email is missing")?;
            out.write_all(&bytes)?;
            return Ok(());
        }
        let read = app.store.read_by(m.id).await?;
        if self.json {
            let mut v = serde_json::to_value(&m)?;
            v["read_by"] = read.as_ref().map(|(by, _)| by.as_str()).into();
            v["read_at"] = read.as_ref().map(|(_, at)| at.to_rfc3339()).into();
            return Ok(out.json(&v)?);
        }
        let reading = match read {
            Some((by, at)) => Some(format!("read by {by}, {}", at.format("%Y-%m-%d %H:%M UTC"))),
            None if m.classification.as_deref() == Some("reply") => Some(format!(
                "TO READ: nobody has read it yet, and its cases are not chased until someone \
                 does (then `foi message classify {} KIND`)",
                m.id
            )),
            None => None,
        };
        Ok(print_message_read(out, &m, reading.as_deref())?)
    }
}
