//! `foi cases list`, `foi case show`, `foi regimes`.

use super::output::{emit, print_json, FormatArgs, Table};
use super::App;
use crate::config::Config;
use crate::domain::case::reply_address;
use crate::domain::CaseStatus;
use crate::store::CaseFilter;
use anyhow::bail;
use clap::{Args, Subcommand};

#[derive(Debug, Subcommand)]
pub enum CasesCommand {
    /// List cases, by campaign and reference.
    List {
        /// Only this campaign's cases.
        #[arg(long)]
        campaign: Option<String>,
        /// Only cases with this status (e.g. awaiting_response, refused).
        #[arg(long)]
        status: Option<String>,
        #[command(flatten)]
        format: FormatArgs,
    },
}

#[derive(Debug, Subcommand)]
pub enum CaseCommand {
    /// Show a case: its body, reply address, status and events.
    Show {
        /// The case reference, e.g. CCTV24-0042.
        reference: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Args)]
pub struct RegimesArgs {
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

pub async fn run_cases(app: &App, cmd: CasesCommand) -> anyhow::Result<()> {
    let CasesCommand::List {
        campaign,
        status,
        format,
    } = cmd;
    let mut filter = CaseFilter::default();
    if let Some(name) = campaign {
        filter.campaign_id = Some(app.store.require_campaign(&name).await?.id);
    }
    if let Some(s) = status {
        let Some(st) = CaseStatus::parse(&s) else {
            let known: Vec<_> = CaseStatus::ALL.iter().map(|s| s.as_str()).collect();
            bail!("unknown status '{s}': use one of {}", known.join(", "));
        };
        filter.status = Some(st);
    }
    let cases = app.store.cases(&filter).await?;
    let mut table = Table::new(vec![
        "reference",
        "status",
        "body",
        "email",
        "campaign",
        "regime",
    ]);
    for c in &cases {
        table.push(vec![
            c.reference.to_string(),
            c.status.to_string(),
            c.body_name.clone(),
            c.body_email.clone(),
            c.campaign.clone(),
            c.regime.clone(),
        ]);
    }
    emit(format, &cases, table)
}

pub async fn run_case(app: &App, cmd: CaseCommand) -> anyhow::Result<()> {
    let CaseCommand::Show { reference, json } = cmd;
    let case = app.store.require_case(&reference).await?;
    let body = app.store.body_by_key(case.body_key.as_str()).await?;
    let events = app.store.events(case.id).await?;
    let reply = reply_address(&app.config.sender.reply_address, &case.token);
    if json {
        return print_json(&serde_json::json!({
            "case": case, "body": body, "reply_address": reply, "events": events,
        }));
    }
    println!("case {} ({})", case.reference, case.campaign);
    println!("  status:        {}", case.status);
    println!("  body:          {} ({})", case.body_name, case.body_key);
    println!("  email:         {}", case.body_email);
    if let Some(flag) = body.as_ref().and_then(|b| b.email_flag.as_ref()) {
        println!("  FLAGGED:       {flag}");
    }
    println!("  regime:        {}", case.regime);
    println!("  reply address: {reply}");
    println!(
        "  created:       {}",
        case.created_at.format("%Y-%m-%d %H:%M UTC")
    );
    if events.is_empty() {
        println!("  events:        none yet");
    } else {
        println!("  events:");
        for e in &events {
            let note = e
                .note
                .as_deref()
                .map(|n| format!(" — {n}"))
                .unwrap_or_default();
            println!("    {} {:<24} ({}){note}", e.occurred_on, e.kind, e.actor);
        }
    }
    Ok(())
}

pub fn run_regimes(config: &Config, args: RegimesArgs) -> anyhow::Result<()> {
    let regimes = config.regimes()?;
    if args.json {
        let v: Vec<_> = regimes
            .iter()
            .map(|r| serde_json::json!({"name": r.name(), "description": r.def().description, "time_zone": r.time_zone().name()}))
            .collect();
        return print_json(&v);
    }
    for r in regimes.iter() {
        println!("{:<16} {}", r.name(), r.def().description);
    }
    Ok(())
}
