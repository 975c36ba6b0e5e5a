//! `foi chasers`: the escalation ladder's steps, taken and waiting.

mod approve;
mod now;
mod pending;
mod run;
mod show;
mod skip;

use super::{App, Printer};
use crate::casework::chasers::SweepSummary;
use anyhow::bail;
use clap::Subcommand;
use std::io::Write;

#[derive(Debug, Subcommand)]
pub enum ChasersCommand {
    /// Take every chaser step that is due now (what `foi run` does on each turn): queue
    /// `auto` steps, keep `approve` steps for `foi chasers approve`, store complaint drafts.
    Run(run::RunCommand),
    /// Chase these cases now: take each one's chaser step without waiting for its day, and
    /// queue it (an `approve` step too: asking is approving); a complaint is drafted. A step
    /// taken already, or whose trigger does not apply yet (e.g. not overdue), is not taken.
    Now(now::NowCommand),
    /// Chasers waiting for a person: emails to approve or skip, complaint drafts to send
    /// to the regulator yourself.
    Pending(pending::PendingCommand),
    /// Show one chaser's email (or draft) as it would go.
    Show(show::ShowCommand),
    /// Queue chasers awaiting approval (their emails as shown by `foi chasers show`).
    Approve(approve::ApproveCommand),
    /// Do not send a chaser awaiting approval (or drop a complaint draft).
    Skip(skip::SkipCommand),
}

impl ChasersCommand {
    pub async fn execute(self, app: &App, out: &mut Printer) -> anyhow::Result<()> {
        match self {
            Self::Run(c) => c.execute(app, out).await,
            Self::Now(c) => c.execute(app, out).await,
            Self::Pending(c) => c.execute(app, out).await,
            Self::Show(c) => c.execute(app, out).await,
            Self::Approve(c) => c.execute(app, out).await,
            Self::Skip(c) => c.execute(app, out).await,
        }
    }
}

/// A sweep's (or a chase's) steps, problems and totals.
fn print_sweep(
    out: &mut Printer,
    s: &SweepSummary,
    dry_run: bool,
    json: bool,
) -> anyhow::Result<()> {
    if json {
        return Ok(out.json(s)?);
    }
    for t in &s.taken {
        let with = if t.with.is_empty() {
            String::new()
        } else {
            format!(", in one email with {}", t.with.join(", "))
        };
        writeln!(
            out,
            "{} {:<20} {:<8} campaign {} (step fell due {}{with})",
            t.reference, t.step, t.state, t.campaign, t.due_on
        )?;
    }
    if s.consolidated > 0 {
        writeln!(
            out,
            "{} email(s) chase several cases of one body each (consolidate_chasers)",
            s.consolidated
        )?;
    }
    for e in &s.errors {
        eprintln!("error: {e}");
    }
    if s.reviews_opened > 0 {
        writeln!(
            out,
            "{} case(s) now in internal_review: their review request went out",
            s.reviews_opened
        )?;
    }
    if s.waiting_to_read > 0 {
        writeln!(
            out,
            "{} case(s) not chased: a reply on them waits to be read (`foi message show ID`, \
             then `foi message classify ID KIND`)",
            s.waiting_to_read
        )?;
    }
    let verb = if dry_run { "would take" } else { "took" };
    writeln!(
        out,
        "{verb} {} chaser(s): {} queued, {} awaiting approval, {} complaint draft(s) ({} cases in {} campaigns with a ladder){}",
        s.taken.len(),
        s.queued,
        s.pending,
        s.drafted,
        s.cases,
        s.campaigns,
        if dry_run { "; nothing was changed" } else { "" }
    )?;
    if !s.errors.is_empty() {
        bail!(
            "{} problem(s) stopped some chasers: see above",
            s.errors.len()
        );
    }
    Ok(())
}
