//! `foi case deadline REF [--explain] [--json]`.

use crate::casework::chasers::next_step;
use crate::casework::overdue::case_timeline;
use crate::cli::deadline::{day, deadline_json, print_deadline};
use crate::cli::{App, Printer};
use crate::domain::Reference;
use crate::standing::{self, standing};
use anyhow::{bail, Context};
use clap::Args;
use std::io::Write;

#[derive(Debug, Args)]
pub struct DeadlineCommand {
    /// The case reference, e.g. CCTV24-0042.
    #[arg(value_parser = crate::cli::args::reference)]
    pub reference: Reference,
    /// Explain the count day by day.
    #[arg(long)]
    pub explain: bool,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

impl DeadlineCommand {
    pub async fn execute(self, app: &App, out: &mut Printer) -> anyhow::Result<()> {
        let case = app.store.require_case(&self.reference).await?;
        let (t, clocks) = case_timeline(&app.store, app.regimes(), case.id)
            .await?
            .context("the case vanished")?;
        let regime = clocks.regime(&t.regime)?;
        let review = |s: &str| clocks.is_review_step(&t.campaign, s);
        let Some(explanation) = standing::explain(regime, &t.events, &review)? else {
            bail!(
                "case {} has not been sent yet ({}): its clock starts on the date of receipt",
                case.reference,
                case.status
            );
        };
        let d = explanation.deadline();
        let today = app.clock.today_in(regime.time_zone());
        let st = standing(regime, d, today);
        let next = match self.explain {
            true => next_step(&app.store, &app.settings, app.clock.as_ref(), &t, d).await?,
            false => None,
        };
        if self.json {
            let mut v = deadline_json(
                regime,
                d,
                self.explain
                    .then(|| explanation.steps().iter().map(|s| s.to_string()).collect()),
            );
            if let Some(map) = v.as_object_mut() {
                map.insert("reference".into(), case.reference.as_str().into());
                map.insert("status".into(), case.status.as_str().into());
                map.insert(
                    "standing".into(),
                    serde_json::to_value(&st).unwrap_or_default(),
                );
                if let Some(n) = &next {
                    map.insert(
                        "next_step".into(),
                        serde_json::to_value(n).unwrap_or_default(),
                    );
                }
            }
            return Ok(out.json(&v)?);
        }
        writeln!(
            out,
            "case {} ({}, {})",
            case.reference, case.body_name, case.status
        )?;
        print_deadline(out, regime, d)?;
        if let Some(s) = &st {
            let owed = s.owed.as_str().replace('_', " ");
            let n = s.working_days_overdue;
            let plural = |n: i64| if n == 1 { "" } else { "s" };
            let where_ = match n {
                n if n > 0 => format!("{owed} {n} working day{} overdue", plural(n)),
                0 => format!("{owed} due today"),
                n => format!("{owed} due in {} working day{}", -n, plural(-n)),
            };
            writeln!(out, "today:    {} ({where_})", day(today))?;
        }
        if self.explain {
            writeln!(out)?;
            writeln!(out, "{explanation:#}")?;
            if let Some(n) = &next {
                let when = if n.on <= today {
                    "due now"
                } else {
                    "falls due"
                };
                writeln!(out)?;
                writeln!(
                    out,
                    "next chaser step: {} ({when} {}): {}",
                    n.step,
                    day(n.on),
                    n.why
                )?;
            }
        }
        Ok(())
    }
}
