//! `foi chasers run|pending|show|approve|skip`, `foi campaign message`, and `foi run` with
//! the chaser sweep.

use super::output::{print_json, Table};
use super::App;
use crate::casework::chasers::{chase_now, sweep_with, SweepSummary};
use crate::store::ChaserRow;
use anyhow::{bail, Context};
use clap::Subcommand;
use std::path::PathBuf;

#[derive(Debug, Subcommand)]
pub enum ChasersCommand {
    /// Take every chaser step that is due now (what `foi run` does on each turn): queue
    /// `auto` steps, keep `approve` steps for `foi chasers approve`, store complaint drafts.
    Run {
        /// Say what would be taken; change nothing.
        #[arg(long)]
        dry_run: bool,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Chase these cases now: take each one's chaser step without waiting for its day, and
    /// queue it (an `approve` step too: asking is approving); a complaint is drafted. A step
    /// taken already, or whose trigger does not apply yet (e.g. not overdue), is not taken.
    Now {
        /// Case references.
        #[arg(required = true)]
        references: Vec<String>,
        /// Say what would be taken; change nothing.
        #[arg(long)]
        dry_run: bool,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Chasers waiting for a person: emails to approve or skip, complaint drafts to send
    /// to the regulator yourself.
    Pending {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Show one chaser's email (or draft) as it would go.
    Show {
        id: i64,
        /// Print the exact bytes.
        #[arg(long)]
        raw: bool,
    },
    /// Queue chasers awaiting approval (their emails as shown by `foi chasers show`).
    Approve {
        /// Chaser ids (see `foi chasers pending`).
        #[arg(required_unless_present = "all", conflicts_with = "all")]
        ids: Vec<i64>,
        /// Every chaser awaiting approval.
        #[arg(long)]
        all: bool,
        /// Say what would be queued; change nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Do not send a chaser awaiting approval (or drop a complaint draft).
    Skip { id: i64 },
}

fn summary_text(s: &SweepSummary, dry_run: bool) -> String {
    let verb = if dry_run { "would take" } else { "took" };
    format!(
        "{verb} {} chaser(s): {} queued, {} awaiting approval, {} complaint draft(s) ({} cases in {} campaigns with a ladder){}",
        s.taken.len(),
        s.queued,
        s.pending,
        s.drafted,
        s.cases,
        s.campaigns,
        if dry_run { "; nothing was changed" } else { "" }
    )
}

pub async fn run(app: &App, cmd: ChasersCommand) -> anyhow::Result<()> {
    match cmd {
        ChasersCommand::Run { dry_run, json } => {
            let s = sweep_with(&app.store, &app.config, app.clock.as_ref(), dry_run).await?;
            print_sweep(&s, dry_run, json)
        }
        ChasersCommand::Now {
            references,
            dry_run,
            json,
        } => {
            let mut ids = Vec::new();
            for r in &references {
                ids.push(app.store.require_case(r).await?.id);
            }
            let s = chase_now(&app.store, &app.config, app.clock.as_ref(), &ids, dry_run).await?;
            if !json && s.taken.len() < ids.len() {
                eprintln!(
                    "note: {} of the {} case(s) had no step to take now (taken already, awaiting \
                     approval: see `foi chasers pending`, or its trigger does not apply yet)",
                    ids.len() - s.taken.len(),
                    ids.len()
                );
            }
            print_sweep(&s, dry_run, json)
        }
        ChasersCommand::Pending { json } => {
            let rows = app.store.chasers(&["pending", "draft"]).await?;
            if json {
                return print_json(&rows);
            }
            if rows.is_empty() {
                println!("no chaser is waiting for a person");
                return Ok(());
            }
            let mut table = Table::new(vec![
                "id",
                "reference",
                "step",
                "state",
                "due",
                "recipient",
                "subject",
            ]);
            for r in &rows {
                table.push(vec![
                    r.id.to_string(),
                    r.reference.clone(),
                    r.step.clone(),
                    r.state.clone(),
                    r.due_on.to_string(),
                    r.recipient.clone(),
                    r.subject.clone(),
                ]);
            }
            table.print()
        }
        ChasersCommand::Show { id, raw } => {
            let (row, bytes) = app
                .store
                .chaser(id)
                .await?
                .with_context(|| format!("no chaser {id}: `foi chasers pending` lists them"))?;
            if raw {
                use std::io::Write;
                std::io::stdout().lock().write_all(&bytes)?;
                return Ok(());
            }
            println!(
                "chaser {} for {} ({}): step {}, {}, {}",
                row.id, row.reference, row.campaign, row.step, row.mode, row.state
            );
            print!("{}", String::from_utf8_lossy(&bytes).replace("\r\n", "\n"));
            Ok(())
        }
        ChasersCommand::Approve { ids, all, dry_run } => approve(app, ids, all, dry_run).await,
        ChasersCommand::Skip { id } => {
            if app.store.skip_chaser(id, app.clock.now()).await? {
                println!("skipped chaser {id}");
                Ok(())
            } else {
                bail!("chaser {id} is not awaiting approval: `foi chasers pending` lists those that are")
            }
        }
    }
}

async fn approve(app: &App, ids: Vec<i64>, all: bool, dry_run: bool) -> anyhow::Result<()> {
    let pending = app.store.chasers(&["pending"]).await?;
    let chosen: Vec<&ChaserRow> = if all {
        pending.iter().collect()
    } else {
        let mut out = Vec::new();
        for id in &ids {
            match pending.iter().find(|r| r.id == *id) {
                Some(r) => out.push(r),
                None => bail!(
                    "chaser {id} is not awaiting approval: `foi chasers pending` lists those that are; nothing was queued"
                ),
            }
        }
        out
    };
    if dry_run {
        for r in &chosen {
            println!("{} {} {} -> {}", r.id, r.reference, r.step, r.recipient);
        }
        println!(
            "dry run: would queue {} chaser(s); nothing was changed",
            chosen.len()
        );
        return Ok(());
    }
    let chosen: Vec<ChaserRow> = chosen.into_iter().cloned().collect();
    let queued =
        crate::casework::chasers::approve(&app.store, &app.config, &chosen, app.clock.now())
            .await?;
    for r in chosen.iter().filter(|r| queued.contains(&r.id)) {
        println!("queued chaser {} ({} {})", r.id, r.reference, r.step);
    }
    println!(
        "{} chaser(s) queued; `foi send` or `foi run` delivers them",
        queued.len()
    );
    Ok(())
}

/// `foi campaign message NAME --template DIR --select EXPR... [--dry-run]`.
pub async fn campaign_message(
    app: &App,
    name: &str,
    template: PathBuf,
    select: Vec<String>,
    dry_run: bool,
) -> anyhow::Result<()> {
    use crate::casework::messages::{send_campaign_message, Outcome};
    let campaign = app.store.require_campaign(name).await?;
    let done = send_campaign_message(
        &app.store,
        &app.config,
        &app.regimes()?,
        &campaign,
        &template,
        &select,
        dry_run,
        app.clock.now(),
        app.today(),
    )
    .await?;
    if let Some(p) = &done.preview {
        println!("# {} — {}", p.reference, p.body_name);
        print!("{}", p.draft.preview_text());
        println!();
    }
    if done.unsent > 0 {
        eprintln!(
            "note: {} selected case(s) have no sent request yet and are left out",
            done.unsent
        );
    }
    match done.outcome {
        Outcome::NotRendered(failures) => {
            for (r, name, f) in &failures {
                eprintln!("{r} {name}: {f}");
            }
            bail!(
                "not queued: {} of {} selected cases do not render; fix the template (or the bodies' data) first; nothing was queued",
                failures.len(),
                failures.len() + done.rendered
            );
        }
        Outcome::NoneSelected => bail!(
            "no sent case of campaign '{name}' matches {}: check `foi cases list --campaign {name}`",
            select.join(" ")
        ),
        Outcome::WouldQueue(n) => println!(
            "dry run: every selected case renders; would queue {n} emails; nothing was changed"
        ),
        Outcome::Queued(n) => println!(
            "queued {n} messages for campaign '{name}'; `foi send` or `foi run` delivers them"
        ),
    }
    Ok(())
}

/// A sweep's (or a chase's) steps, problems and totals.
fn print_sweep(s: &SweepSummary, dry_run: bool, json: bool) -> anyhow::Result<()> {
    if json {
        return print_json(s);
    }
    for t in &s.taken {
        println!(
            "{} {:<20} {:<8} campaign {} (step fell due {})",
            t.reference, t.step, t.state, t.campaign, t.due_on
        );
    }
    for e in &s.errors {
        eprintln!("error: {e}");
    }
    if s.reviews_opened > 0 {
        println!(
            "{} case(s) now in internal_review: their review request went out",
            s.reviews_opened
        );
    }
    println!("{}", summary_text(s, dry_run));
    if !s.errors.is_empty() {
        bail!(
            "{} problem(s) stopped some chasers: see above",
            s.errors.len()
        );
    }
    Ok(())
}
