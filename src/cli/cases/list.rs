//! `foi cases list [--campaign NAME] [--status S] [--assignee NAME] [--to-read]`, with
//! each case's due date, working days left or overdue, and "reply to read" when a reply on
//! it waits for a person.

use crate::cli::{App, FormatArgs, Printer, Table};
use crate::domain::{Case, CaseStatus};
use crate::standing::Standing;
use crate::store::CaseFilter;
use anyhow::bail;
use chrono::NaiveDate;
use clap::Args;

#[derive(Debug, Args)]
pub struct ListCommand {
    /// Only this campaign's cases.
    #[arg(long)]
    pub campaign: Option<String>,
    /// Only cases with this status (e.g. awaiting_response, refused).
    #[arg(long)]
    pub status: Option<String>,
    /// Only cases assigned to this person (`foi case assign`).
    #[arg(long)]
    pub assignee: Option<String>,
    /// Only cases with a reply nobody has read yet (`foi message classify` reads one).
    #[arg(long)]
    pub to_read: bool,
    #[command(flatten)]
    pub format: FormatArgs,
}

/// The `foi cases list` rows with their due columns.
#[derive(Debug, serde::Serialize)]
struct ListedCase<'a> {
    #[serde(flatten)]
    case: &'a Case,
    due_date: Option<NaiveDate>,
    working_days_overdue: Option<i64>,
    /// A reply on the case waits for a person to read it.
    reply_to_read: bool,
}

fn days_text(s: &Standing) -> String {
    match s.working_days_overdue {
        n if n > 0 => format!("{n} overdue"),
        0 => "due today".into(),
        n => format!("{} left", -n),
    }
}

/// Cells for the due columns.
fn due_cells(s: Option<&Standing>) -> [String; 2] {
    match s {
        Some(s) => [s.due_date.to_string(), days_text(s)],
        None => [String::new(), String::new()],
    }
}

impl ListCommand {
    pub async fn execute(self, app: &App, out: &mut Printer) -> anyhow::Result<()> {
        let mut filter = CaseFilter::default();
        if let Some(name) = &self.campaign {
            filter.campaign_id = Some(app.store.require_campaign(name).await?.id);
        }
        if let Some(s) = &self.status {
            let Some(st) = CaseStatus::parse(s) else {
                let known: Vec<_> = CaseStatus::ALL.iter().map(|s| s.as_str()).collect();
                bail!("unknown status '{s}': use one of {}", known.join(", "));
            };
            filter.status = Some(st);
        }
        let mut cases = app.store.cases(&filter).await?;
        if let Some(who) = &self.assignee {
            let assigned = app.store.case_assignees(filter.campaign_id).await?;
            cases.retain(|c| {
                assigned
                    .get(&c.id)
                    .is_some_and(|a| a.eq_ignore_ascii_case(who.trim()))
            });
        }
        let standings = crate::casework::overdue::standings(
            &app.store,
            app.regimes(),
            app.clock.as_ref(),
            filter.campaign_id,
        )
        .await?;
        let to_read = app
            .store
            .cases_with_reply_to_read(filter.campaign_id)
            .await?;
        let mut table = Table::new(vec![
            "reference",
            "status",
            "to read",
            "body",
            "email",
            "campaign",
            "regime",
            "due",
            "working days",
        ]);
        if self.to_read {
            cases.retain(|c| to_read.contains(&c.id));
        }
        let mut items = Vec::with_capacity(cases.len());
        for c in &cases {
            let st = standings.get(&c.id);
            let [due, days] = due_cells(st);
            let reply_to_read = to_read.contains(&c.id);
            table.push(vec![
                c.reference.to_string(),
                c.status.to_string(),
                if reply_to_read { "reply to read" } else { "" }.to_string(),
                c.body_name.clone(),
                c.body_email.clone(),
                c.campaign.clone(),
                c.regime.clone(),
                due,
                days,
            ]);
            items.push(ListedCase {
                case: c,
                due_date: st.map(|s| s.due_date),
                working_days_overdue: st.map(|s| s.working_days_overdue),
                reply_to_read,
            });
        }
        Ok(out.emit(self.format, &items, &table)?)
    }
}
