//! `foi export`: a campaign's cases as CSV, a case's evidence folder.

mod cases;
mod evidence;

use super::{App, Printer};
use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum ExportCommand {
    /// One CSV row per case of a campaign: reference, campaign, body (key, name, email,
    /// tags, region), regime, status, assignee, sent_on, due_on, answered_on, days_overdue
    /// (working days, open cases), then one column per question with the confirmed answer.
    /// The file can be edited and fed back to `foi answers import`.
    Cases(cases::CasesCommand),
    /// Everything about one case for a complaint to the regulator, in a folder: each email
    /// as NNN-<direction>-<date>.eml (the exact bytes sent or received), its attachments
    /// (NNN-<name>, names made safe), and timeline.txt (events, emails and the deadline
    /// counted day by day).
    Evidence(evidence::EvidenceCommand),
}

impl ExportCommand {
    pub async fn execute(self, app: &App, out: &mut Printer) -> anyhow::Result<()> {
        match self {
            Self::Cases(c) => c.execute(app, out).await,
            Self::Evidence(c) => c.execute(app, out).await,
        }
    }
}
