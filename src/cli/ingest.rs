//! `foi fetch`, `foi import-mail`, `foi triage`, `foi message`, `foi attachment`.

use super::output::{print_json, Table};
use super::App;
use crate::ingest::classify::Kind;
use crate::ingest::fetch::{fetch_configured, import_files, Ctx, FetchSummary};
use crate::ingest::staff;
use crate::store::MessageRow;
use anyhow::{bail, Context};
use clap::{Args, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct FetchArgs {
    /// Print the summary as JSON.
    #[arg(long)]
    pub json: bool,
    /// Benchmark reference: fetch the IMAP folders the same way but parse and store
    /// nothing (scripts/bench-ingest.sh).
    #[arg(long, hide = true)]
    pub plain_reference: bool,
}

#[derive(Debug, Args)]
pub struct ImportMailArgs {
    /// `.eml` files, or mbox files (a file starting with a `From ` line).
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum TriageCommand {
    /// Emails that matched no case, with the reason and suggestions.
    List {
        #[arg(long)]
        json: bool,
    },
    /// One triage email.
    Show { id: i64 },
    /// Attach an email to one or more cases (one email may answer several).
    Attach {
        id: i64,
        #[arg(required = true)]
        references: Vec<String>,
    },
    /// Set an email aside, saying why.
    Dismiss {
        id: i64,
        #[arg(long)]
        reason: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum MessageCommand {
    /// Show a message: headers, classification and why, cases, attachments, text.
    Show {
        id: i64,
        /// Print the exact bytes as received (or sent).
        #[arg(long)]
        raw: bool,
        #[arg(long)]
        json: bool,
    },
    /// Override the classification: bounce, auto-reply, acknowledgement,
    /// clarification-request, refusal, response, unknown.
    Classify { id: i64, kind: String },
}

#[derive(Debug, Subcommand)]
pub enum AttachmentCommand {
    /// Save an attachment (under its sanitised name, or --out PATH).
    Save {
        id: i64,
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

fn summary_line(s: &FetchSummary) -> String {
    format!(
        "new {}, matched {}, triage {}, already stored {}",
        s.new, s.matched, s.triage, s.duplicates
    )
}

pub async fn fetch(app: &App, args: FetchArgs) -> anyhow::Result<()> {
    if args.plain_reference {
        let settings = crate::ingest::fetch::imap_settings(&app.config)?;
        let (n, bytes) = crate::ingest::fetch::fetch_imap_plain(
            &settings,
            &app.config.fetch.folders,
            app.config.fetch.batch_size,
        )
        .await?;
        println!("fetched {n} emails, {bytes} bytes (nothing stored)");
        return Ok(());
    }
    let regimes = app.regimes()?;
    let c = Ctx {
        store: &app.store,
        config: &app.config,
        regimes: &regimes,
        clock: app.clock.as_ref(),
    };
    let mark = super::answers::IngestMark::take(app).await?;
    let s = fetch_configured(&c).await?;
    mark.suggest(app).await;
    if args.json {
        return print_json(&s);
    }
    println!("{}", summary_line(&s));
    Ok(())
}

pub async fn import_mail(app: &App, args: ImportMailArgs) -> anyhow::Result<()> {
    let regimes = app.regimes()?;
    let c = Ctx {
        store: &app.store,
        config: &app.config,
        regimes: &regimes,
        clock: app.clock.as_ref(),
    };
    let mark = super::answers::IngestMark::take(app).await?;
    let s = import_files(&c, &args.files).await?;
    mark.suggest(app).await;
    println!("{}", summary_line(&s));
    Ok(())
}

fn print_message(m: &MessageRow) {
    println!("message {} ({})", m.id, m.direction);
    println!("  from:      {}", m.from_addr);
    println!("  to:        {}", m.to_addr);
    println!("  subject:   {}", m.subject);
    println!("  date:      {}", m.at.format("%Y-%m-%d %H:%M UTC"));
    println!("  id:        <{}>", m.message_id);
    if let Some(c) = &m.classification {
        println!(
            "  kind:      {c} ({}){}",
            m.classified_by.as_deref().unwrap_or("auto"),
            m.reason
                .as_deref()
                .map(|r| format!(": {r}"))
                .unwrap_or_default()
        );
    }
    if let Some(r) = &m.body_reference {
        println!("  their ref: {r}");
    }
    if let Some(t) = &m.triage {
        println!("  triage:    {t}");
    }
    if let Some(p) = &m.problem {
        println!("  PROBLEM:   {p}");
    }
    for (r, how) in &m.cases {
        println!("  case:      {r} (by {how})");
    }
    for a in &m.attachments {
        println!(
            "  attachment {}: {} ({}, {} bytes)",
            a.id, a.file_name, a.content_type, a.size
        );
    }
    if let Some(t) = &m.text_body {
        println!();
        for line in t.lines().take(200) {
            // Mail text is hostile: no terminal control characters reach the screen.
            let clean: String = line
                .chars()
                .map(|c| {
                    if c.is_control() && c != '\t' {
                        '\u{fffd}'
                    } else {
                        c
                    }
                })
                .collect();
            println!("  | {clean}");
        }
    }
}

pub async fn triage(app: &App, cmd: TriageCommand) -> anyhow::Result<()> {
    match cmd {
        TriageCommand::List { json } => {
            let rows = app.store.inbound_messages(true).await?;
            if json {
                return print_json(&rows);
            }
            let mut t = Table::new(vec!["id", "date", "from", "subject", "kind", "why"]);
            for m in &rows {
                t.push(vec![
                    m.id.to_string(),
                    m.at.format("%Y-%m-%d").to_string(),
                    m.from_addr.clone(),
                    m.subject.clone(),
                    m.classification.clone().unwrap_or_default(),
                    m.reason.clone().unwrap_or_default(),
                ]);
            }
            t.print()
        }
        TriageCommand::Show { id } => {
            let m = app
                .store
                .message(id)
                .await?
                .with_context(|| format!("no message {id}: `foi triage list` shows them"))?;
            print_message(&m);
            Ok(())
        }
        TriageCommand::Attach { id, references } => {
            staff::attach(&app.store, id, &references, "staff", app.clock.now()).await?;
            println!("attached message {id} to {}", references.join(", "));
            Ok(())
        }
        TriageCommand::Dismiss { id, reason } => {
            staff::dismiss(&app.store, id, &reason).await?;
            println!("dismissed message {id}");
            Ok(())
        }
    }
}

pub async fn message(app: &App, cmd: MessageCommand) -> anyhow::Result<()> {
    match cmd {
        MessageCommand::Show { id, raw, json } => {
            let m = app
                .store
                .message(id)
                .await?
                .with_context(|| format!("no message {id}"))?;
            if raw {
                use std::io::Write;
                let bytes = app
                    .store
                    .blob(&m.raw_sha256)
                    .await?
                    .context("the raw email is missing")?;
                std::io::stdout().write_all(&bytes)?;
                return Ok(());
            }
            if json {
                return print_json(&m);
            }
            print_message(&m);
            Ok(())
        }
        MessageCommand::Classify { id, kind } => {
            let k: Kind = kind.parse().map_err(|e| anyhow::anyhow!("{e}"))?;
            let recorded =
                staff::reclassify(&app.store, &app.regimes()?, id, k, "staff", app.clock.now())
                    .await?;
            for (reference, event, status) in recorded {
                println!(
                    "{reference}: {event}{}",
                    status.map(|s| format!(", now {s}")).unwrap_or_default()
                );
            }
            println!("message {id} is now classified as {}", k.as_str());
            Ok(())
        }
    }
}

pub async fn attachment(app: &App, cmd: AttachmentCommand) -> anyhow::Result<()> {
    let AttachmentCommand::Save { id, out } = cmd;
    let (a, bytes) = app
        .store
        .attachment(id)
        .await?
        .with_context(|| format!("no attachment {id}"))?;
    // The stored name is sanitised already; sanitise again in case it came from elsewhere.
    let name = crate::text::sanitize_file_name(&a.file_name)
        .unwrap_or_else(|| format!("attachment-{}", a.id));
    let path = out.unwrap_or_else(|| PathBuf::from(name));
    if path.exists() {
        bail!("{} exists already: choose another --out", path.display());
    }
    std::fs::write(&path, bytes).with_context(|| format!("cannot write {}", path.display()))?;
    println!("saved {} ({} bytes)", path.display(), a.size);
    Ok(())
}

/// Short list of a case's thread for `foi case show`.
pub async fn thread_lines(app: &App, case_id: i64) -> anyhow::Result<Vec<String>> {
    Ok(app
        .store
        .case_messages(case_id)
        .await?
        .iter()
        .map(|m| {
            let attach = if m.attachments.is_empty() {
                String::new()
            } else {
                format!(
                    " [{}]",
                    m.attachments
                        .iter()
                        .map(|a| a.file_name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            };
            format!(
                "{} #{} {} {:<22} {}{attach}",
                m.at.format("%Y-%m-%d %H:%M"),
                m.id,
                if m.direction == "outbound" {
                    "->"
                } else {
                    "<-"
                },
                m.classification.clone().unwrap_or_else(|| "sent".into()),
                m.subject
            )
        })
        .collect())
}
