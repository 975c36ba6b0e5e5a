//! `foi export`: a campaign's cases as CSV, a case's evidence folder.

mod cases;
mod complaints;
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
    /// A complaint pack for the regulator: per case, a folder with the request as sent,
    /// every message as text, the emails and attachments, the deadline counted day by
    /// day, the chasers sent and a letter for the regulator's form (from
    /// templates/complaint-letter, or the campaign folder's complaint-letter/). Picks the
    /// cases overdue now (and those at the regulator stage), --overdue-since DATE, or
    /// --case REF.
    Complaints(complaints::ComplaintsCommand),
}

impl ExportCommand {
    pub async fn execute(self, app: &App, out: &mut Printer) -> anyhow::Result<()> {
        match self {
            Self::Cases(c) => c.execute(app, out).await,
            Self::Evidence(c) => c.execute(app, out).await,
            Self::Complaints(c) => c.execute(app, out).await,
        }
    }
}
