//! `foi bodies`: import, list and show the directory of public bodies.

use super::output::{emit, print_json, FormatArgs, Table};
use super::App;
use crate::domain::body_csv::{parse_bodies_csv, CsvRules};
use crate::domain::plan_import;
use crate::store::CaseFilter;
use anyhow::{bail, Context};
use clap::Subcommand;
use std::path::PathBuf;

#[derive(Debug, Subcommand)]
pub enum BodiesCommand {
    /// Import or update bodies from a CSV file (ours or WhatDoTheyKnow's export), all or
    /// nothing: any bad row is reported with its line and column and nothing is changed.
    Import {
        /// The CSV file: `name` and `email` required; `id`, `tags`, `regime`, `region`
        /// optional; every other column becomes a custom field for templates.
        file: PathBuf,
        /// Check the file and report what would change, without changing anything.
        #[arg(long)]
        dry_run: bool,
    },
    /// List bodies.
    List {
        /// Only bodies with this tag.
        #[arg(long)]
        tag: Option<String>,
        #[command(flatten)]
        format: FormatArgs,
    },
    /// Show one body by its key (or email address), with its custom fields and cases.
    Show {
        key: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

/// How many row errors to print before summarising the rest.
const MAX_ERRORS_SHOWN: usize = 200;

pub async fn run(app: &App, cmd: BodiesCommand) -> anyhow::Result<()> {
    match cmd {
        BodiesCommand::Import { file, dry_run } => import(app, file, dry_run).await,
        BodiesCommand::List { tag, format } => list(app, tag, format).await,
        BodiesCommand::Show { key, json } => show(app, &key, json).await,
    }
}

async fn import(app: &App, file: PathBuf, dry_run: bool) -> anyhow::Result<()> {
    let bytes = std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?;
    let regimes = app.regimes()?;
    let known = |r: &str| regimes.get(r).is_some();
    let rules = CsvRules {
        default_regime: &app.config.defaults.regime,
        regime_known: &known,
    };
    let incoming = match parse_bodies_csv(&bytes, &rules) {
        Ok(b) => b,
        Err(errors) => {
            for e in errors.iter().take(MAX_ERRORS_SHOWN) {
                eprintln!("{}: {e}", file.display());
            }
            if errors.len() > MAX_ERRORS_SHOWN {
                eprintln!("... and {} more", errors.len() - MAX_ERRORS_SHOWN);
            }
            bail!(
                "the import was refused: {} problem{} in {}; fix them and import again (nothing was changed)",
                errors.len(),
                if errors.len() == 1 { "" } else { "s" },
                file.display()
            );
        }
    };
    let existing = app.store.bodies().await?;
    let plan = plan_import(&existing, incoming);
    let s = plan.summary();
    if dry_run {
        println!(
            "dry run: would add {}, update {}, leave {} unchanged ({} stored bodies not in the file stay as they are); nothing was changed",
            s.added, s.updated, s.unchanged, s.not_in_file
        );
        return Ok(());
    }
    let s = app.store.apply_import(&plan, app.clock.now()).await?;
    println!(
        "added {}, updated {}, unchanged {} ({} stored bodies not in the file stay as they are)",
        s.added, s.updated, s.unchanged, s.not_in_file
    );
    Ok(())
}

async fn list(app: &App, tag: Option<String>, format: FormatArgs) -> anyhow::Result<()> {
    let mut bodies = app.store.bodies().await?;
    if let Some(tag) = tag {
        let tag = tag.to_lowercase();
        bodies.retain(|b| b.has_tag(&tag));
    }
    let mut table = Table::new(vec![
        "key", "name", "email", "tags", "regime", "region", "flag",
    ]);
    for b in &bodies {
        table.push(vec![
            b.key.to_string(),
            b.name.clone(),
            b.email.to_string(),
            b.tags.join(" "),
            b.regime.clone(),
            b.region.clone().unwrap_or_default(),
            b.email_flag.clone().unwrap_or_default(),
        ]);
    }
    emit(format, &bodies, table)
}

async fn show(app: &App, key: &str, json: bool) -> anyhow::Result<()> {
    let Some(body) = app.store.body_by_key(key).await? else {
        bail!("no body with key or address '{key}': `foi bodies list` shows them");
    };
    let filter = CaseFilter {
        body_id: Some(body.id),
        ..Default::default()
    };
    let cases = app.store.cases(&filter).await?;
    if json {
        return print_json(&serde_json::json!({ "body": body, "cases": cases }));
    }
    println!("{} ({})", body.name, body.key);
    println!("  email:   {}", body.email);
    if let Some(flag) = &body.email_flag {
        println!("  FLAGGED: {flag}");
    }
    println!("  tags:    {}", body.tags.join(" "));
    println!("  regime:  {}", body.regime);
    println!("  region:  {}", body.region.as_deref().unwrap_or("-"));
    for (k, v) in &body.fields {
        println!("  {k}: {v}");
    }
    if cases.is_empty() {
        println!("  no cases");
    }
    for c in cases {
        println!("  case {} ({}): {}", c.reference, c.campaign, c.status);
    }
    Ok(())
}
