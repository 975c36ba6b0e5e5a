//! `foi deadline` (the calculator), `foi case deadline`, `foi case event`, `foi overdue`,
//! `foi deadlines --ics`, and the due-date columns of `foi cases list`.

use super::output::{print_aligned, print_csv, print_json, FormatArgs};
use super::App;
use crate::casework::overdue::{self, unknown_regime};
use crate::config::Config;
use crate::deadlines::{Calendar, Deadline, Regime, Regimes};
use crate::domain::Case;
use crate::standing::{self, standing, Standing};
use anyhow::{bail, Context};
use chrono::NaiveDate;
use clap::Args;
use std::borrow::Cow;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// `foi deadline`: the calculator.
#[derive(Debug, Args)]
pub struct DeadlineArgs {
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

/// `foi overdue`.
#[derive(Debug, Args)]
pub struct OverdueArgs {
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

/// `foi deadlines`.
#[derive(Debug, Args)]
pub struct DeadlinesArgs {
    /// Write an iCalendar file (RFC 5545): one all-day event per open case's due date.
    #[arg(long, required = true)]
    pub ics: bool,
    /// Only this campaign's cases.
    #[arg(long)]
    pub campaign: Option<String>,
    /// Write to FILE instead of stdout.
    #[arg(long)]
    pub out: Option<PathBuf>,
}

fn parse_date(s: &str, what: &str) -> anyhow::Result<NaiveDate> {
    s.trim()
        .parse()
        .with_context(|| format!("{what} '{s}' is not a date: use YYYY-MM-DD, e.g. 2026-03-02"))
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
    Regimes::new(&cal, extra).context("a [[regime]] in the configuration is not valid")
}

fn deadline_json(regime: &Regime, d: &Deadline, steps: Option<Vec<String>>) -> serde_json::Value {
    let mut v = serde_json::to_value(d).unwrap_or_default();
    if let Some(map) = v.as_object_mut() {
        map.insert("regime".into(), regime.name().into());
        map.insert("period".into(), regime.def().period.into());
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

fn day(d: NaiveDate) -> String {
    d.format("%a %Y-%m-%d").to_string()
}

fn print_deadline(regime: &Regime, d: &Deadline) {
    println!("regime:   {} ({})", regime.name(), regime.def().description);
    println!("received: {} (day 0)", day(d.received()));
    if d.start() != d.received() {
        println!("restart:  {} (day 0 after clarification)", day(d.start()));
    }
    match d.due() {
        Some(due) => println!(
            "due:      {} ({})",
            day(due),
            regime.def().unit.amount(regime.def().period)
        ),
        None => println!("due:      none while the clock is {:?}", d.state()),
    }
    if let Some(l) = d.latest() {
        println!("latest:   {} (with the longest extension allowed)", day(l));
    }
    if let Some(r) = d.review() {
        println!(
            "review:   requested {}, due {}{}",
            day(r.requested),
            day(r.due),
            r.answered
                .map(|a| format!(", answered {}", day(a)))
                .unwrap_or_default()
        );
    }
    for w in d.warnings() {
        println!("warning:  {w}");
    }
}

/// `foi deadline --received DATE ...`
pub fn calculator(config_path: &Path, args: DeadlineArgs) -> anyhow::Result<()> {
    let config = if config_path.exists() {
        Some(Config::load(config_path)?)
    } else {
        None
    };
    let received = parse_date(&args.received, "--received")?;
    let regimes = calculator_regimes(config.as_ref(), args.calendar.as_deref())?;
    let name = args
        .regime
        .clone()
        .or_else(|| config.as_ref().map(|c| c.defaults.regime.clone()))
        .unwrap_or_else(|| "uk-foia".into());
    let mut regime = regimes
        .get(&name)
        .ok_or_else(|| unknown_regime(&name))?
        .clone();
    if let Some(n) = args.days {
        regime = regime
            .with_period(n)
            .with_context(|| format!("--days {n} is not a period for {name}"))?;
    }
    let explanation = regime.explain(received, &[])?;
    let d = explanation.deadline();
    if args.json {
        let steps = args
            .explain
            .then(|| explanation.steps().iter().map(|s| s.to_string()).collect());
        return print_json(&deadline_json(&regime, d, steps));
    }
    print_deadline(&regime, d);
    if args.explain {
        println!();
        println!("{explanation:#}");
    }
    Ok(())
}

fn days_text(s: &Standing) -> String {
    match s.working_days_overdue {
        n if n > 0 => format!("{n} overdue"),
        0 => "due today".into(),
        n => format!("{} left", -n),
    }
}

/// The due date and days left/overdue of each case, for `foi cases list`.
pub async fn standings(
    app: &App,
    campaign_id: Option<i64>,
) -> anyhow::Result<HashMap<i64, Standing>> {
    overdue::standings(&app.store, app.regimes()?, app.clock.as_ref(), campaign_id).await
}

/// The `foi cases list` rows with their due columns.
#[derive(Debug, serde::Serialize)]
pub struct ListedCase<'a> {
    #[serde(flatten)]
    pub case: &'a Case,
    pub due_date: Option<NaiveDate>,
    pub working_days_overdue: Option<i64>,
}

/// Cells for the due columns of `foi cases list`.
pub fn due_cells(s: Option<&Standing>) -> [String; 2] {
    match s {
        Some(s) => [s.due_date.to_string(), days_text(s)],
        None => [String::new(), String::new()],
    }
}

/// `foi case deadline REF`.
pub async fn case_deadline(
    app: &App,
    reference: &str,
    explain: bool,
    json: bool,
) -> anyhow::Result<()> {
    let case = app.store.require_case(reference).await?;
    let (t, clocks) = overdue::case_timeline(&app.store, app.regimes()?, case.id)
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
    if json {
        let mut v = deadline_json(
            regime,
            d,
            explain.then(|| explanation.steps().iter().map(|s| s.to_string()).collect()),
        );
        if let Some(map) = v.as_object_mut() {
            map.insert("reference".into(), case.reference.as_str().into());
            map.insert("status".into(), case.status.as_str().into());
            map.insert(
                "standing".into(),
                serde_json::to_value(&st).unwrap_or_default(),
            );
        }
        return print_json(&v);
    }
    println!(
        "case {} ({}, {})",
        case.reference, case.body_name, case.status
    );
    print_deadline(regime, d);
    if let Some(s) = &st {
        let owed = s.owed.as_str().replace('_', " ");
        let n = s.working_days_overdue;
        let plural = |n: i64| if n == 1 { "" } else { "s" };
        let where_ = match n {
            n if n > 0 => format!("{owed} {n} working day{} overdue", plural(n)),
            0 => format!("{owed} due today"),
            n => format!("{owed} due in {} working day{}", -n, plural(-n)),
        };
        println!("today:    {} ({where_})", day(today));
    }
    if explain {
        println!();
        println!("{explanation:#}");
    }
    Ok(())
}

/// `foi case event REF KIND [--date D] [--note TEXT]`.
pub async fn case_event(
    app: &App,
    reference: &str,
    kind: &str,
    date: Option<String>,
    note: Option<String>,
    by: Option<String>,
) -> anyhow::Result<()> {
    let kind = crate::casework::events::parse_recordable(kind).map_err(anyhow::Error::msg)?;
    let case = app.store.require_case(reference).await?;
    let date = date.map(|s| parse_date(&s, "--date")).transpose()?;
    let actor = by
        .or_else(|| std::env::var("USER").ok())
        .filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| "staff".into());
    let done = crate::casework::events::record_event(
        &app.store,
        &app.regimes()?,
        &case,
        kind.clone(),
        date,
        note,
        &actor,
        app.clock.now(),
    )
    .await?;
    println!(
        "recorded {kind} on {} ({}){}",
        case.reference,
        done.on,
        done.status
            .map(|s| format!("; status {} -> {s}", case.status))
            .unwrap_or_default()
    );
    if done.cancelled_chasers > 0 {
        println!("cancelled {} pending chaser(s)", done.cancelled_chasers);
    }
    Ok(())
}

/// `foi overdue`.
pub async fn overdue(app: &App, args: OverdueArgs) -> anyhow::Result<()> {
    let campaign_id = match &args.campaign {
        Some(name) => Some(app.store.require_campaign(name).await?.id),
        None => None,
    };
    let rows = overdue::overdue(
        &app.store,
        app.regimes()?,
        app.clock.as_ref(),
        &overdue::OverdueFilter {
            campaign_id,
            tag: args.tag.clone(),
            min_days: args.min_days,
        },
    )
    .await?;
    if args.format.json {
        // Buffered: 100,000 rows of pretty JSON are a million lines.
        use std::io::Write;
        let mut out = std::io::BufWriter::new(std::io::stdout().lock());
        serde_json::to_writer_pretty(&mut out, &rows)?;
        writeln!(out)?;
        out.flush()?;
        return Ok(());
    }
    if !args.format.csv && rows.is_empty() {
        println!("nothing is overdue");
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
                if r.long_overdue { "long overdue" } else { "" }.into(),
            ]
        })
        .collect();
    if args.format.csv {
        print_csv(&headers, &cells)
    } else {
        print_aligned(&headers, &cells)
    }
}

/// `foi deadlines --ics`.
pub async fn ics(app: &App, args: DeadlinesArgs) -> anyhow::Result<()> {
    let campaign_id = match &args.campaign {
        Some(name) => Some(app.store.require_campaign(name).await?.id),
        None => None,
    };
    let events = overdue::due_events(&app.store, app.regimes()?, campaign_id).await?;
    let name = args
        .campaign
        .as_deref()
        .map(|c| format!("FOI deadlines: {c}"))
        .unwrap_or_else(|| "FOI deadlines".into());
    let text = crate::report::ics::calendar(&name, &events, app.clock.now());
    match &args.out {
        Some(path) => {
            std::fs::write(path, &text)
                .with_context(|| format!("cannot write {}", path.display()))?;
            eprintln!("wrote {} due dates to {}", events.len(), path.display());
        }
        None => {
            use std::io::Write;
            std::io::stdout().lock().write_all(text.as_bytes())?;
        }
    }
    Ok(())
}
