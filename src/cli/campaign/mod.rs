//! `foi campaign`: create, list, show, preview; launch (or a pilot), release, pause, resume,
//! cancel; message.

mod cancel;
mod create;
mod launch;
mod list;
mod message;
mod pause;
mod preview;
mod release;
mod resend;
mod resume;
mod show;

use super::{App, Printer};
use crate::casework::launch::{change_state, StateChange};
use clap::Subcommand;
use std::io::Write;

#[derive(Debug, Subcommand)]
pub enum CampaignCommand {
    /// Create a campaign: one case per selected body, each with its reference and reply token.
    /// Every case's email is rendered as a check; a campaign whose check fails cannot be
    /// launched until its templates are fixed.
    Create(create::CreateCommand),
    /// List campaigns.
    List(list::ListCommand),
    /// Show a campaign with its case counts by status.
    Show(show::ShowCommand),
    /// Check every case again, then queue one email per case (in one transaction); with
    /// `--pilot N`, queue only N cases and hold the rest until `foi campaign release`.
    Launch(launch::LaunchCommand),
    /// Queue the cases a pilot held back: the templates must be the pilot's, or every
    /// case is checked again.
    Release(release::ReleaseCommand),
    /// Hold a launched campaign's queued emails.
    Pause(pause::PauseCommand),
    /// Let a paused campaign's emails go again.
    Resume(resume::ResumeCommand),
    /// Withdraw every unsent email of a campaign (sent ones stay sent).
    Cancel(cancel::CancelCommand),
    /// Send a correction or clarification to some of a campaign's cases, threaded to each
    /// request: every selected case is rendered and checked first, and the first is shown.
    Message(message::MessageCommand),
    /// Show exactly what bodies would receive, and check that every case renders.
    Preview(preview::PreviewCommand),
    /// Send again, in one go, the cases whose delivery failed and whose body has a corrected
    /// address (`foi bodies set-email`): `foi campaign resend NAME --bounced`.
    Resend(resend::ResendCommand),
}

impl CampaignCommand {
    pub async fn execute(self, app: &App, out: &mut Printer) -> anyhow::Result<()> {
        match self {
            Self::Create(c) => c.execute(app, out).await,
            Self::List(c) => c.execute(app, out).await,
            Self::Show(c) => c.execute(app, out).await,
            Self::Launch(c) => c.execute(app, out).await,
            Self::Release(c) => c.execute(app, out).await,
            Self::Pause(c) => c.execute(app, out).await,
            Self::Resume(c) => c.execute(app, out).await,
            Self::Cancel(c) => c.execute(app, out).await,
            Self::Message(c) => c.execute(app, out).await,
            Self::Preview(c) => c.execute(app, out).await,
            Self::Resend(c) => c.execute(app, out).await,
        }
    }
}

/// Pause, resume or cancel the campaign named, and say what was done.
async fn change(
    app: &App,
    out: &mut Printer,
    name: &str,
    change: StateChange,
) -> anyhow::Result<()> {
    let c = app.store.require_campaign(name).await?;
    let withdrawn = change_state(&app.store, &c, change).await?;
    if change == StateChange::Cancel {
        writeln!(
            out,
            "cancelled '{name}': {withdrawn} unsent emails withdrawn"
        )?;
    } else {
        writeln!(out, "{}d '{name}'", change.as_str())?;
    }
    Ok(())
}
