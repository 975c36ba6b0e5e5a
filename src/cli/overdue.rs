//! `foi overdue`: open cases past their due date, most overdue first.

use super::{App, FormatArgs, Printer};
use crate::casework::overdue::{overdue, OverdueFilter};
use clap::Args;
use std::borrow::Cow;
use std::io::Write;

#[derive(Debug, Args)]
pub struct OverdueCommand {
    /// Only this campaign's cases.
    #[arg(long)]
    pub campaign: Option<String>,
    /// Only cases of bodies with this tag.
    #[arg(long)]
    pub tag: Option<String>,
    /// Only cases at least this many working days overdue.
    #[arg(long, default_value_t = 1)]
    pub min_days: i64,
    #[command(flatten)]
    pub format: FormatArgs,
}

/// The flag column: "reply to read" (do not chase: read it first), "long overdue".
fn flag(r: &crate::casework::overdue::OverdueRow) -> Cow<'static, str> {
    match (r.reply_to_read, r.long_overdue) {
        (true, true) => "reply to read; long overdue".into(),
        (true, false) => "reply to read".into(),
        (false, true) => "long overdue".into(),
        (false, false) => "".into(),
    }
}

impl OverdueCommand {
    pub async fn execute(self, app: &App, out: &mut Printer) -> anyhow::Result<()> {
        let campaign_id = super::args::campaign_id(app, self.campaign.as_deref()).await?;
        let rows = overdue(
            &app.store,
            app.regimes(),
            app.clock.as_ref(),
            &OverdueFilter {
                campaign_id,
                tag: self.tag.clone(),
                min_days: self.min_days,
            },
        )
        .await?;
        if self.format.json {
            return Ok(out.json(&rows)?);
        }
        if !self.format.csv && rows.is_empty() {
            writeln!(out, "nothing is overdue")?;
            return Ok(());
        }
        // The cells borrow the rows' texts (100,000 rows: no copies).
        let headers = [
            "reference",
            "overdue",
            "due",
            "owed",
            "body",
            "status",
            "campaign",
            "flag",
        ];
        let cells: Vec<[Cow<str>; 8]> = rows
            .iter()
            .map(|r| {
                [
                    r.reference.as_str().into(),
                    r.working_days_overdue.to_string().into(),
                    r.due_date.to_string().into(),
                    r.owed.as_str().into(),
                    r.body.as_str().into(),
                    r.status.as_str().into(),
                    r.campaign.as_str().into(),
                    flag(r),
                ]
            })
            .collect();
        if self.format.csv {
            Ok(out.csv(&headers, &cells)?)
        } else {
            Ok(out.aligned(&headers, &cells)?)
        }
    }
}
