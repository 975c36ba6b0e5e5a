//! `foi campaign show NAME`.

use crate::casework::finish::{describe, finish_estimate};
use crate::cli::{App, Printer};
use crate::domain::{CampaignState, CaseStatus};
use clap::Args;
use std::io::Write;

#[derive(Debug, Args)]
pub struct ShowCommand {
    pub name: String,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

fn counts_json(counts: &[(CaseStatus, i64)]) -> serde_json::Value {
    counts
        .iter()
        .map(|(s, n)| (s.to_string(), serde_json::json!(n)))
        .collect::<serde_json::Map<_, _>>()
        .into()
}

impl ShowCommand {
    pub async fn execute(self, app: &App, out: &mut Printer) -> anyhow::Result<()> {
        let c = app.store.require_campaign(&self.name).await?;
        let counts = app.store.status_counts(c.id).await?;
        let total: i64 = counts.iter().map(|(_, n)| n).sum();
        let pilot = match app.store.pilot(c.id).await? {
            Some(p) => Some((p, app.store.pilot_progress(c.id).await?)),
            None => None,
        };
        let finish = finish_estimate(&app.store, &app.settings, c.id, app.clock.now()).await?;
        if self.json {
            let pilot = pilot
                .as_ref()
                .map(|(p, progress)| serde_json::json!({ "pilot": p, "progress": progress }));
            return Ok(out.json(&serde_json::json!({
                "campaign": c, "cases": total, "by_status": counts_json(&counts),
                "pilot": pilot, "finish": finish
            }))?);
        }
        writeln!(out, "campaign {} ({})", c.name, c.state)?;
        writeln!(out, "  reference prefix: {}", c.reference_prefix)?;
        writeln!(out, "  templates:        {}", c.template_dir)?;
        writeln!(out, "  selection:        {}", c.selection.join(" | "))?;
        writeln!(
            out,
            "  regime:           {}",
            c.regime.as_deref().unwrap_or("each body's own")
        )?;
        writeln!(
            out,
            "  check:            {}",
            if c.checked_digest.is_some() {
                "every case renders"
            } else {
                "not passed (run `foi campaign preview`)"
            }
        )?;
        if let Some((p, progress)) = &pilot {
            let mut line = format!("{} sent", progress.sent);
            if progress.queued > 0 {
                line.push_str(&format!(", {} queued", progress.queued));
            }
            match p.released_at {
                None => line.push_str(&format!(", {} held", progress.held)),
                Some(at) => line.push_str(&format!(
                    "; the rest released {}",
                    at.with_timezone(&app.settings.timezone)
                        .format("%Y-%m-%d %H:%M %Z")
                )),
            }
            line.push_str(&format!(
                " ({} bounced, {} replied)",
                progress.bounced, progress.replied
            ));
            writeln!(out, "  pilot:            {line}")?;
            if p.released_at.is_none() {
                writeln!(
                    out,
                    "                    `foi campaign release {}` queues the held cases",
                    c.name
                )?;
            }
        }
        let queue = if c.state == CampaignState::Paused {
            vec!["paused: nothing goes until `foi campaign resume`".to_string()]
        } else {
            describe(&finish, app.settings.timezone)
        };
        for (i, line) in queue.iter().enumerate() {
            let label = if i == 0 { "queue:" } else { "" };
            writeln!(out, "  {label:<17} {line}")?;
        }
        writeln!(out, "  cases:            {total}")?;
        for (status, n) in counts {
            writeln!(out, "    {status:<24} {n}")?;
        }
        Ok(())
    }
}
