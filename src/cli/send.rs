//! `foi campaign launch|pause|resume|cancel`, `foi send`, `foi outbox`, `foi run`.

use super::output::{print_json, Table};
use super::App;
use crate::casework::launch::{Launch, StateChange};
use crate::sender::{Idle, SendStop, Sender, SenderLock, Summary, Transport};
use crate::store::OutboxState;
use anyhow::{bail, Context};
use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use clap::{Args, Subcommand};
use std::io::IsTerminal;
use tokio::sync::watch;

/// Parse `--at`: RFC 3339, or `YYYY-MM-DD HH:MM` in the configured time zone.
pub fn parse_at(s: &str, tz: chrono_tz::Tz) -> anyhow::Result<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(s.trim()) {
        return Ok(t.with_timezone(&Utc));
    }
    let naive = NaiveDateTime::parse_from_str(s.trim(), "%Y-%m-%d %H:%M").with_context(|| {
        format!("'{s}' is not a time: use \"2026-03-02 09:00\" (local) or RFC 3339")
    })?;
    tz.from_local_datetime(&naive)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .with_context(|| format!("{s} does not exist in {tz} (a clock change)"))
}

/// Launch: check every case, then queue one email per case in one transaction.
pub async fn launch(
    app: &App,
    name: &str,
    at: Option<String>,
    dry_run: bool,
) -> anyhow::Result<()> {
    let campaign = app.store.require_campaign(name).await?;
    let now = app.clock.now();
    let not_before = match at {
        Some(s) => parse_at(&s, app.config.timezone())?,
        None => now,
    };
    let launched = crate::casework::launch::launch(
        &app.store,
        &app.config,
        &campaign,
        not_before,
        now,
        app.today(),
        dry_run,
    )
    .await?;
    match launched {
        Launch::NotRendered(report) => {
            for (c, name, f) in &report.failures {
                eprintln!("{} {name}: {f}", c.reference);
            }
            bail!(
                "not launched: {} of {} cases do not render; fix the templates (or the bodies' data) first; nothing was queued",
                report.failures.len(),
                report.checked
            );
        }
        Launch::WouldQueue(n) => {
            println!("dry run: every case renders; would queue {n} emails; nothing was changed");
        }
        Launch::Queued(n) => println!(
            "launched '{name}': {n} emails queued{}; `foi send` or `foi run` delivers them",
            if not_before > now {
                format!(" for {}", not_before.format("%Y-%m-%d %H:%M UTC"))
            } else {
                String::new()
            }
        ),
    }
    Ok(())
}

pub async fn set_state(app: &App, name: &str, action: &str) -> anyhow::Result<()> {
    let c = app.store.require_campaign(name).await?;
    let change =
        StateChange::parse(action).ok_or_else(|| anyhow::anyhow!("unknown action {action}"))?;
    let withdrawn = crate::casework::launch::change_state(&app.store, &c, change).await?;
    if change == StateChange::Cancel {
        println!("cancelled '{name}': {withdrawn} unsent emails withdrawn");
    } else {
        println!("{action}d '{name}'");
    }
    Ok(())
}

#[derive(Debug, Args)]
pub struct SendArgs {
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

#[derive(Debug, Args)]
pub struct OutboxArgs {
    #[command(subcommand)]
    pub action: Option<OutboxAction>,
    /// Only emails in this state: queued, claimed, sent, failed, uncertain, cancelled (or sending).
    #[arg(long)]
    pub state: Option<String>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum OutboxAction {
    /// Show one email: its state and history, or with --raw its exact bytes.
    Show {
        id: i64,
        /// Print the exact bytes that are (or were) sent.
        #[arg(long)]
        raw: bool,
    },
    /// Settle an uncertain email (it was in flight when a run stopped): say whether the
    /// body received it (check the Sent folder or the server's log).
    Resolve {
        id: i64,
        /// It was sent: record it as sent (with its `sent` event).
        #[arg(long, conflicts_with = "resend", required_unless_present = "resend")]
        sent: bool,
        /// It was not sent: queue it again.
        #[arg(long)]
        resend: bool,
    },
}

async fn start_sender(app: &App) -> anyhow::Result<(Sender, SenderLock)> {
    let lock = SenderLock::acquire(&app.config.data_dir())?;
    let transport = Transport::from_config(&app.config)?;
    let window = app.config.send_window.window()?;
    let sender = Sender::start(
        app.store.clone(),
        transport,
        app.clock.clone(),
        &app.config,
        window,
        app.regimes()?,
    )
    .await?;
    Ok((sender, lock))
}

/// A watch that turns true on SIGINT or SIGTERM.
pub fn shutdown_signal() -> watch::Receiver<bool> {
    let (tx, rx) = watch::channel(false);
    tokio::spawn(async move {
        #[cfg(unix)]
        let term = async {
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(mut s) => {
                    s.recv().await;
                }
                Err(_) => std::future::pending::<()>().await,
            }
        };
        #[cfg(not(unix))]
        let term = std::future::pending::<()>();
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term => {}
        }
        tracing::warn!("stopping: in-flight emails finish and are recorded");
        let _ = tx.send(true);
    });
    rx
}

fn summary_line(s: &Summary) -> String {
    format!(
        "sent {}, retried {}, failed {}, uncertain {}",
        s.sent, s.retried, s.failed, s.uncertain
    )
}

pub async fn send(app: &App, args: SendArgs) -> anyhow::Result<()> {
    let (mut sender, _lock) = start_sender(app).await?;
    if args.dry_run {
        let (ids, idle) = sender.plan(args.limit.unwrap_or(usize::MAX)).await?;
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
        table.print()?;
        println!(
            "dry run: {} emails would be sent now{}; nothing was sent",
            ids.len(),
            idle.map(|i| format!(" ({})", i.describe()))
                .unwrap_or_default()
        );
        return Ok(());
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
    let bar = if std::io::stderr().is_terminal() {
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
        Some(pb)
    } else {
        None
    };
    let recovered = sender.recovered as usize;
    let mut progress = |s: &Summary| {
        if let Some(pb) = &bar {
            // (each email attempted in this run: the uncertain ones got no answer)
            let done = s.sent + s.failed + s.retried + s.uncertain.saturating_sub(recovered);
            pb.set_position(done as u64);
            pb.set_message(summary_line(s));
        }
    };
    // Wait out pacing holds up to a minute (`foi run` is for longer); a fixed clock never moves.
    let wait = if app.clock.is_fixed() {
        std::time::Duration::ZERO
    } else {
        std::time::Duration::from_secs(60)
    };
    let result = sender
        .send_due(args.limit, shutdown_signal(), &mut progress, wait)
        .await;
    if let Some(pb) = &bar {
        pb.finish_and_clear();
    }
    let (summary, idle) = result.map_err(stop_error)?;
    if args.json {
        return print_json(&serde_json::json!({
            "summary": summary,
            "next": idle.map(Idle::describe),
        }));
    }
    println!(
        "{}{}",
        summary_line(&summary),
        idle.map(|i| format!("; {}", i.describe()))
            .unwrap_or_default()
    );
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

fn stop_error(e: SendStop) -> anyhow::Error {
    match e {
        SendStop::Fatal(m) => anyhow::anyhow!("stopped: {m}; nothing was marked failed"),
        SendStop::Unreachable(m) => anyhow::anyhow!("nothing was sent: {m}"),
        SendStop::Store(e) => e,
    }
}

pub async fn outbox(app: &App, args: OutboxArgs) -> anyhow::Result<()> {
    match args.action {
        Some(OutboxAction::Resolve { id, sent, resend }) => {
            return resolve(app, id, sent, resend).await
        }
        Some(OutboxAction::Show { id, raw }) => return show(app, id, raw, args.json).await,
        None => {}
    }
    let state = match args.state {
        Some(s) => Some(OutboxState::parse(&s).with_context(|| {
            format!(
                "unknown state '{s}': use queued, claimed, sent, failed, uncertain, cancelled or sending"
            )
        })?),
        None => None,
    };
    let rows = app.store.outbox(state, None).await?;
    if args.json {
        return print_json(&rows);
    }
    let mut table = Table::new(vec![
        "id",
        "reference",
        "kind",
        "recipient",
        "state",
        "attempts",
        "when",
        "error",
    ]);
    for r in &rows {
        let when = r.sent_at.unwrap_or(r.not_before);
        table.push(vec![
            r.id.to_string(),
            r.reference.clone(),
            r.kind.clone(),
            r.recipient.clone(),
            r.state.to_string(),
            r.attempts.to_string(),
            when.format("%Y-%m-%d %H:%M").to_string(),
            r.last_error.clone().unwrap_or_default(),
        ]);
    }
    table.print()
}

async fn show(app: &App, id: i64, raw: bool, json: bool) -> anyhow::Result<()> {
    let Some((_, claimed)) = app.store.outbox_item(id).await? else {
        bail!("no outbox email {id}: `foi outbox` lists them");
    };
    if raw {
        use std::io::Write;
        std::io::stdout().write_all(&claimed.raw)?;
        return Ok(());
    }
    let rows = app.store.outbox(None, Some(id)).await?;
    let Some(r) = rows.first() else {
        bail!("no outbox email {id}")
    };
    if json {
        return print_json(r);
    }
    println!("outbox email {} ({}, {})", r.id, r.reference, r.kind);
    println!("  to:         {}", r.recipient);
    println!("  message-id: <{}>", r.message_id);
    println!("  state:      {} after {} attempts", r.state, r.attempts);
    println!(
        "  due:        {}",
        r.not_before.format("%Y-%m-%d %H:%M UTC")
    );
    if let Some(t) = r.sent_at {
        println!("  sent:       {}", t.format("%Y-%m-%d %H:%M:%S UTC"));
    }
    if let Some(e) = &r.last_error {
        println!("  last error: {e}");
    }
    Ok(())
}

async fn resolve(app: &App, id: i64, sent: bool, resend: bool) -> anyhow::Result<()> {
    let _lock = SenderLock::acquire(&app.config.data_dir())?;
    let Some((state, claimed)) = app.store.outbox_item(id).await? else {
        bail!("no outbox email {id}: `foi outbox --state uncertain` lists the ones to settle");
    };
    if state != OutboxState::Uncertain {
        bail!("outbox email {id} is {state}, not uncertain: nothing to settle");
    }
    if sent {
        let at = app
            .store
            .outbox(None, Some(id))
            .await?
            .first()
            .and_then(|r| r.claimed_at)
            .unwrap_or_else(|| app.clock.now());
        let on = crate::sender::receipt_date(&app.regimes()?, &claimed, at);
        app.store.record_sent(&claimed, at, on).await?;
        println!("recorded {id} ({}) as sent on {on}", claimed.reference);
    } else if resend && app.store.requeue_uncertain(id, app.clock.now()).await? {
        println!("queued {id} ({}) to be sent again", claimed.reference);
    }
    Ok(())
}

/// `foi run`: the long-running scheduler.
pub async fn run(app: &App, turns: crate::scheduler::Turns) -> anyhow::Result<()> {
    let (mut sender, _lock) = start_sender(app).await?;
    let shutdown = shutdown_signal();
    crate::scheduler::run(
        &mut sender,
        &app.store,
        &app.config,
        app.clock.clone(),
        shutdown,
        turns,
    )
    .await
    .map_err(stop_error)
}
