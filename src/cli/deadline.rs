//! `foi deadline`: the calculator; and how a deadline is printed (`foi case deadline`
//! prints it the same way).

use super::Printer;
use crate::casework::overdue::unknown_regime;
use crate::config::Config;
use crate::deadlines::{Calendar, Deadline, Regime, Regimes};
use anyhow::Context;
use chrono::NaiveDate;
use clap::Args;
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Debug, Args)]
pub struct DeadlineCommand {
    /// The date of receipt (day 0), YYYY-MM-DD.
    #[arg(long)]
    pub received: String,
    /// The regime (default: [defaults] regime of the config, else uk-foia); `foi regimes`
    /// lists them.
    #[arg(long)]
    pub regime: Option<String>,
    /// Use this period instead of the regime's (in the regime's unit).
    #[arg(long)]
    pub days: Option<u32>,
    /// Use the holidays in FILE (the columns of the shipped data/uk-bank-holidays.csv)
    /// instead of the shipped holidays and the configured calendar.
    #[arg(long)]
    pub calendar: Option<PathBuf>,
    /// Explain the count day by day.
    #[arg(long)]
    pub explain: bool,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// Regimes for the calculator: from the config when there is one (its [[regime]]s and
/// [calendar]), else the built-ins over the shipped holidays; `--calendar` replaces the
/// holidays either way.
fn calculator_regimes(config: Option<&Config>, calendar: Option<&Path>) -> anyhow::Result<Regimes> {
    let extra = config.map(|c| c.regime.clone()).unwrap_or_default();
    let cal = match calendar {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read the calendar file {}", path.display()))?;
            Calendar::from_csv(&text).with_context(|| {
                format!(
                    "the calendar file {} is not valid (it needs the columns of data/uk-bank-holidays.csv)",
                    path.display()
                )
            })?
        }
        None => match config {
            Some(c) => c.calendar()?,
            None => Calendar::uk(),
        },
    };
    match config {
        Some(c) => c.regimes(&cal),
        None => Regimes::new(&cal, extra).context("a [[regime]] in the configuration is not valid"),
    }
}

/// A deadline as JSON: the engine's fields, the regime, its period and unit, and the
/// explanation's steps when asked.
pub fn deadline_json(
    regime: &Regime,
    d: &Deadline,
    steps: Option<Vec<String>>,
) -> serde_json::Value {
    let mut v = serde_json::to_value(d).unwrap_or_default();
    if let Some(map) = v.as_object_mut() {
        map.insert("regime".into(), regime.name().into());
        map.insert("period".into(), regime.def().period.into());
        // Schools: both counts of the earlier-of rule, and whose term dates.
        if let (Some(terms), Ok(Some(count))) =
            (regime.term_dates(), regime.school_count(d.start()))
        {
            let mut school = serde_json::to_value(count).unwrap_or_default();
            if let Some(o) = school.as_object_mut() {
                o.insert("term_dates".into(), terms.name().into());
            }
            map.insert("school".into(), school);
        }
        map.insert(
            "unit".into(),
            serde_json::to_value(regime.def().unit).unwrap_or_default(),
        );
        if let Some(steps) = steps {
            map.insert("explanation".into(), steps.into());
        }
    }
    v
}

/// A date as the deadline lines show it: `Mon 2026-03-02`.
pub fn day(d: NaiveDate) -> String {
    d.format("%a %Y-%m-%d").to_string()
}

/// The deadline's lines for people: regime, receipt, due, latest, review, warnings.
pub fn print_deadline(out: &mut Printer, regime: &Regime, d: &Deadline) -> std::io::Result<()> {
    writeln!(
        out,
        "regime:   {} ({})",
        regime.name(),
        regime.def().description
    )?;
    writeln!(out, "received: {} (day 0)", day(d.received()))?;
    if d.start() != d.received() {
        writeln!(
            out,
            "restart:  {} (day 0 after clarification)",
            day(d.start())
        )?;
    }
    match d.due() {
        Some(due) => writeln!(out, "due:      {} ({})", day(due), regime.period_text())?,
        None => writeln!(out, "due:      none while the clock is {:?}", d.state())?,
    }
    if let Some(l) = d.latest() {
        writeln!(
            out,
            "latest:   {} (with the longest extension allowed)",
            day(l)
        )?;
    }
    if let Some(r) = d.review() {
        writeln!(
            out,
            "review:   requested {}, due {}{}",
            day(r.requested),
            day(r.due),
            r.answered
                .map(|a| format!(", answered {}", day(a)))
                .unwrap_or_default()
        )?;
    }
    for w in d.warnings() {
        writeln!(out, "warning:  {w}")?;
    }
    Ok(())
}

impl DeadlineCommand {
    /// Works without a `foi.toml` too (built-in regimes, shipped holidays).
    pub fn execute(self, config_path: &Path, out: &mut Printer) -> anyhow::Result<()> {
        let config = if config_path.exists() {
            Some(Config::load(config_path)?)
        } else {
            None
        };
        let received = super::args::date(&self.received, "--received")?;
        let regimes = calculator_regimes(config.as_ref(), self.calendar.as_deref())?;
        let name = self
            .regime
            .clone()
            .or_else(|| config.as_ref().map(|c| c.defaults.regime.clone()))
            .unwrap_or_else(|| "uk-foia".into());
        let mut regime = regimes
            .get(&name)
            .ok_or_else(|| unknown_regime(&name))?
            .clone();
        if let Some(n) = self.days {
            regime = regime
                .with_period(n)
                .with_context(|| format!("--days {n} is not a period for {name}"))?;
        }
        let explanation = regime.explain(received, &[])?;
        let d = explanation.deadline();
        if self.json {
            let steps = self
                .explain
                .then(|| explanation.steps().iter().map(|s| s.to_string()).collect());
            return Ok(out.json(&deadline_json(&regime, d, steps))?);
        }
        print_deadline(out, &regime, d)?;
        if self.explain {
            writeln!(out)?;
            writeln!(out, "{explanation:#}")?;
        }
        Ok(())
    }
}
