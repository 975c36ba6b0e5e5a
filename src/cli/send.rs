//! `foi send`: deliver the emails that are due now, then exit. Also how a sender is started
//! and how its stop is said (`foi run` shares both).

use super::{App, Printer, Table};
use crate::sender::{Idle, SendStop, Sender, SenderLock, Summary, Transport};
use crate::store::OutboxState;
use chrono::{DateTime, Utc};
use clap::Args;
use std::io::{IsTerminal, Write};

#[derive(Debug, Args)]
pub struct SendCommand {
    /// Show what would be sent now, and send nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Attempt at most N emails.
    #[arg(long)]
    pub limit: Option<usize>,
    /// Print the summary as JSON.
    #[arg(long)]
    pub json: bool,
}

/// The sender, with the lock that makes it the only one.
pub async fn start_sender(app: &App) -> anyhow::Result<(Sender, SenderLock)> {
    let lock = SenderLock::acquire(&app.settings.send.data_dir)?;
    let transport = Transport::new(&app.settings.send.transport)?;
    let sender = Sender::start(
        app.store.clone(),
        transport,
        app.clock.clone(),
        &app.settings.send,
        app.regimes().clone(),
    )
    .await?;
    Ok((sender, lock))
}

/// A stopped run in one sentence.
pub fn stop_error(e: SendStop) -> anyhow::Error {
    match e {
        SendStop::Fatal(m) => anyhow::anyhow!("stopped: {m}; nothing was marked failed"),
        SendStop::Unreachable(m) => anyhow::anyhow!("nothing was sent: {m}"),
        SendStop::Store(e) => e,
    }
}

/// Why nothing more went, for people: the sender's reason, and the emails waiting to be
/// tried again after a temporary failure ("nothing is queued" is never said while some
/// wait).
pub async fn idle_text(app: &App, idle: Option<Idle>) -> anyhow::Result<Option<String>> {
    let waiting = app.store.waiting_retries(app.clock.now()).await?;
    Ok(merge_idle(idle, waiting))
}

/// [`idle_text`]'s sentence from the sender's reason and the retries waiting.
fn merge_idle(idle: Option<Idle>, waiting: Option<(u64, DateTime<Utc>)>) -> Option<String> {
    let Some((n, next)) = waiting else {
        return idle.map(Idle::describe);
    };
    let retry = format!(
        "{n} waiting to retry, next at {}",
        next.format("%a %Y-%m-%d %H:%M UTC")
    );
    match idle {
        // (the next email due is a retry: said once)
        None | Some(Idle::Empty) => Some(retry),
        Some(Idle::NotDue(t)) if t >= next => Some(retry),
        Some(i) => Some(format!("{}; {retry}", i.describe())),
    }
}

fn summary_line(s: &Summary) -> String {
    format!(
        "sent {}, retried {}, failed {}, uncertain {}",
        s.sent, s.retried, s.failed, s.uncertain
    )
}

/// A progress bar on stderr when it is a terminal.
async fn progress_bar(app: &App) -> anyhow::Result<Option<indicatif::ProgressBar>> {
    if !std::io::stderr().is_terminal() {
        return Ok(None);
    }
    let queued: i64 = app
        .store
        .outbox_counts()
        .await?
        .iter()
        .filter(|(s, _)| *s == OutboxState::Queued)
        .map(|(_, n)| n)
        .sum();
    let pb = indicatif::ProgressBar::new(queued.max(0) as u64);
    pb.set_style(
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} {msg}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    Ok(Some(pb))
}

impl SendCommand {
    pub async fn execute(self, app: &App, out: &mut Printer) -> anyhow::Result<()> {
        let (mut sender, _lock) = start_sender(app).await?;
        if self.dry_run {
            return self.dry_run(app, &mut sender, out).await;
        }
        if sender.recovered > 0 {
            eprintln!(
                "warning: {} emails were in flight when the last run stopped and are now uncertain: \
                 `foi outbox --state uncertain`, then `foi outbox resolve ID --sent|--resend`",
                sender.recovered
            );
        }
        if app.store.next_due_at().await?.is_some() {
            sender.check().await.map_err(stop_error)?;
        }
        let bar = progress_bar(app).await?;
        let recovered = sender.recovered as usize;
        let mut progress = |s: &Summary| {
            if let Some(pb) = &bar {
                // (each email attempted in this run: the uncertain ones got no answer)
                let done = s.sent + s.failed + s.retried + s.uncertain.saturating_sub(recovered);
                pb.set_position(done as u64);
                pb.set_message(summary_line(s));
            }
        };
        // Wait out pacing holds up to a minute (`foi run` is for longer); a fixed clock never
        // moves.
        let wait = if app.clock.is_fixed() {
            std::time::Duration::ZERO
        } else {
            std::time::Duration::from_secs(60)
        };
        let result = sender
            .send_due(
                self.limit,
                super::app::shutdown_signal(),
                &mut progress,
                wait,
            )
            .await;
        if let Some(pb) = &bar {
            pb.finish_and_clear();
        }
        let (summary, idle) = result.map_err(stop_error)?;
        let next = idle_text(app, idle).await?;
        if self.json {
            let waiting = app.store.waiting_retries(app.clock.now()).await?;
            return Ok(out.json(&serde_json::json!({
                "summary": summary,
                "next": next,
                "waiting_to_retry": waiting.map(|(n, _)| n).unwrap_or(0),
                "next_retry_at": waiting.map(|(_, t)| t),
            }))?);
        }
        writeln!(
            out,
            "{}{}",
            summary_line(&summary),
            next.map(|n| format!("; {n}")).unwrap_or_default()
        )?;
        let unanswered = summary.uncertain.saturating_sub(sender.recovered as usize);
        if unanswered > 0 {
            eprintln!(
                "warning: {unanswered} emails got no answer after their message and are uncertain (the \
                 server may have taken them): `foi outbox --state uncertain`, then `foi outbox \
                 resolve ID --sent|--resend`"
            );
        }
        Ok(())
    }

    /// What would be sent now; nothing is.
    async fn dry_run(
        &self,
        app: &App,
        sender: &mut Sender,
        out: &mut Printer,
    ) -> anyhow::Result<()> {
        let (ids, idle) = sender.plan(self.limit.unwrap_or(usize::MAX)).await?;
        let rows = app.store.outbox(Some(OutboxState::Queued), None).await?;
        let mut table = Table::new(vec!["id", "reference", "recipient", "kind"]);
        for r in rows.iter().filter(|r| ids.contains(&r.id)) {
            table.push(vec![
                r.id.to_string(),
                r.reference.clone(),
                r.recipient.clone(),
                r.kind.clone(),
            ]);
        }
        out.table(&table)?;
        writeln!(
            out,
            "dry run: {} emails would be sent now{}; nothing was sent",
            ids.len(),
            idle.map(|i| format!(" ({})", i.describe()))
                .unwrap_or_default()
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_waiting_are_said_instead_of_nothing_queued() {
        let t = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
        let next = t("2026-03-02T10:01:00Z");
        assert_eq!(
            merge_idle(Some(Idle::Empty), None).as_deref(),
            Some("nothing is queued")
        );
        assert_eq!(
            merge_idle(Some(Idle::Empty), Some((2, next))).as_deref(),
            Some("2 waiting to retry, next at Mon 2026-03-02 10:01 UTC")
        );
        assert_eq!(
            merge_idle(Some(Idle::NotDue(next)), Some((2, next))).as_deref(),
            Some("2 waiting to retry, next at Mon 2026-03-02 10:01 UTC")
        );
        let earlier = t("2026-03-02T10:00:30Z");
        assert_eq!(
            merge_idle(Some(Idle::NotDue(earlier)), Some((1, next))).as_deref(),
            Some("the next email is due Mon 2026-03-02 10:00 UTC; 1 waiting to retry, next at Mon 2026-03-02 10:01 UTC")
        );
        assert_eq!(merge_idle(None, None), None);
    }
}
