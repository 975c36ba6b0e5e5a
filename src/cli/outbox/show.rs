//! `foi outbox show ID [--raw]`.

use crate::cli::{App, Printer};
use anyhow::bail;
use clap::Args;
use std::io::Write;

#[derive(Debug, Args)]
pub struct ShowCommand {
    pub id: crate::domain::OutboxId,
    /// Print the exact bytes that are (or were) sent.
    #[arg(long)]
    pub raw: bool,
}

impl ShowCommand {
    pub async fn execute(self, app: &App, json: bool, out: &mut Printer) -> anyhow::Result<()> {
        let id = self.id;
        let Some((_, claimed)) = app.store.outbox_item(id).await? else {
            bail!("no outbox email {id}: `foi outbox` lists them");
        };
        if self.raw {
            out.write_all(&claimed.raw)?;
            return Ok(());
        }
        let rows = app.store.outbox(None, Some(id)).await?;
        let Some(r) = rows.first() else {
            bail!("no outbox email {id}")
        };
        if json {
            return Ok(out.json(r)?);
        }
        writeln!(out, "outbox email {} ({}, {})", r.id, r.reference, r.kind)?;
        writeln!(out, "  to:         {}", r.recipient)?;
        writeln!(out, "  message-id: <{}>", r.message_id)?;
        writeln!(
            out,
            "  state:      {} after {} attempts",
            r.state, r.attempts
        )?;
        writeln!(
            out,
            "  due:        {}",
            r.not_before.format("%Y-%m-%d %H:%M UTC")
        )?;
        if let Some(t) = r.sent_at {
            writeln!(out, "  sent:       {}", t.format("%Y-%m-%d %H:%M:%S UTC"))?;
        }
        if let Some(e) = &r.last_error {
            writeln!(out, "  last error: {e}")?;
        }
        Ok(())
    }
}
