//! `foi campaign`: create, list, show and preview campaigns.

use super::output::{print_json, FormatArgs, Table};
use super::App;
use crate::casework::compose::check_campaign;
use crate::domain::{Campaign, CaseStatus, Reference, ReferencePrefix, ReplyToken, Selection};
use crate::store::{NewCampaign, NewCase};
use crate::templates::{Renderer, TemplateSet};
use anyhow::{bail, Context};
use clap::Subcommand;
use std::path::PathBuf;

#[derive(Debug, Subcommand)]
pub enum CampaignCommand {
    /// Create a campaign: one case per selected body, each with its reference and reply token.
    /// Every case's email is rendered as a check; a campaign whose check fails cannot be
    /// launched until its templates are fixed.
    Create {
        /// The campaign's name (used in every other command).
        name: String,
        /// Folder with subject.hbs, body.txt.hbs, optional body.html.hbs and campaign.toml.
        #[arg(long)]
        template: PathBuf,
        /// Which bodies: `all`, `tag:T`, `regime:R`, `region:R`, `key:K`, `keys:FILE`;
        /// comma-separated terms must all match (`tag:school,region:scotland`); repeat
        /// --select for alternatives; `!` negates a term.
        #[arg(long = "select", required = true)]
        select: Vec<String>,
        /// The prefix of case references, e.g. CCTV24 gives CCTV24-0001, CCTV24-0002, ...
        #[arg(long)]
        reference_prefix: String,
        /// Use this regime for every case instead of each body's own.
        #[arg(long)]
        regime: Option<String>,
        /// Show what would be created without creating anything.
        #[arg(long)]
        dry_run: bool,
    },
    /// List campaigns.
    List {
        #[command(flatten)]
        format: FormatArgs,
    },
    /// Show a campaign with its case counts by status.
    Show {
        name: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Check every case again, then queue one email per case (in one transaction).
    Launch {
        name: String,
        /// Send no earlier than this: "2026-03-02 09:00" (config time zone) or RFC 3339.
        #[arg(long)]
        at: Option<String>,
        /// Check and count, queue nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Hold a launched campaign's queued emails.
    Pause { name: String },
    /// Let a paused campaign's emails go again.
    Resume { name: String },
    /// Withdraw every unsent email of a campaign (sent ones stay sent).
    Cancel { name: String },
    /// Send a correction or clarification to some of a campaign's cases, threaded to each
    /// request: every selected case is rendered and checked first, and the first is shown.
    Message {
        name: String,
        /// Folder with subject.hbs and body.txt.hbs (they also see case.sent_date and
        /// case.due_date).
        #[arg(long)]
        template: PathBuf,
        /// Which cases: `status:S` (e.g. status:clarification_requested) and the body terms
        /// of `campaign create` (`tag:T`, `region:R` ...); comma-separated terms must all
        /// match; repeat --select for alternatives; `!` negates a term.
        #[arg(long = "select", required = true)]
        select: Vec<String>,
        /// Check and preview, queue nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Show exactly what bodies would receive, and check that every case renders.
    Preview {
        name: String,
        /// Show this case's email (default: the first case).
        #[arg(long, conflicts_with = "all")]
        case: Option<String>,
        /// Write every case's email into --out DIR (one REFERENCE.txt each, .html too).
        #[arg(long, requires = "out")]
        all: bool,
        /// The folder for --all.
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

pub async fn run(app: &App, cmd: CampaignCommand) -> anyhow::Result<()> {
    match cmd {
        CampaignCommand::Create {
            name,
            template,
            select,
            reference_prefix,
            regime,
            dry_run,
        } => {
            create(
                app,
                name,
                template,
                select,
                reference_prefix,
                regime,
                dry_run,
            )
            .await
        }
        CampaignCommand::List { format } => list(app, format).await,
        CampaignCommand::Show { name, json } => show(app, &name, json).await,
        CampaignCommand::Preview {
            name,
            case,
            all,
            out,
        } => preview(app, &name, case, all, out).await,
        CampaignCommand::Launch { .. }
        | CampaignCommand::Pause { .. }
        | CampaignCommand::Resume { .. }
        | CampaignCommand::Cancel { .. }
        | CampaignCommand::Message { .. } => unreachable!("dispatched by cli::run"),
    }
}

fn random_token() -> ReplyToken {
    let bytes = uuid::Uuid::new_v4().into_bytes();
    let mut ten = [0u8; 10];
    // v4 UUIDs fix 6 bits (version, variant) in bytes 6 and 8: take the 10 bytes around them.
    ten[..6].copy_from_slice(&bytes[..6]);
    ten[6..].copy_from_slice(&bytes[12..16]);
    ReplyToken::from_random(ten)
}

#[allow(clippy::too_many_arguments)]
async fn create(
    app: &App,
    name: String,
    template: PathBuf,
    select: Vec<String>,
    prefix: String,
    regime: Option<String>,
    dry_run: bool,
) -> anyhow::Result<()> {
    let name = name.trim().to_string();
    if name.is_empty() || name.chars().any(char::is_control) {
        bail!("give the campaign a name (letters, digits, spaces), e.g. cctv-2024");
    }
    if app.store.campaign_by_name(&name).await?.is_some() {
        bail!("a campaign named '{name}' exists already: choose another name");
    }
    let prefix = ReferencePrefix::parse(&prefix)?;
    if app.store.prefix_in_use(&prefix).await? {
        bail!("reference prefix {prefix} is used by another campaign: choose another");
    }
    if let Some(r) = &regime {
        if app.regimes()?.get(r).is_none() {
            bail!("unknown regime '{r}': `foi regimes` lists the known ones");
        }
    }
    let template = std::fs::canonicalize(&template)
        .with_context(|| format!("cannot find the template folder {}", template.display()))?;
    // A syntax error in a template stops here, before anything is created.
    Renderer::new(&TemplateSet::load(&template)?)?;
    let selection = Selection::parse(&select, &|path| {
        std::fs::read_to_string(path).map_err(|e| e.to_string())
    })?;
    let bodies: Vec<_> = app
        .store
        .bodies()
        .await?
        .into_iter()
        .filter(|b| selection.matches(b))
        .collect();
    if bodies.is_empty() {
        bail!(
            "no body matches {}: check `foi bodies list` and the --select expressions",
            select.join(" ")
        );
    }
    let cases: Vec<NewCase> = bodies
        .iter()
        .zip(1u32..)
        .map(|(b, seq)| NewCase {
            body_id: b.id,
            seq,
            reference: Reference::new(&prefix, seq),
            token: random_token(),
            regime: regime.clone().unwrap_or_else(|| b.regime.clone()),
        })
        .collect();
    if dry_run {
        println!(
            "dry run: would create campaign '{name}' with {} cases ({}-0001 to {}); nothing was changed",
            cases.len(),
            prefix,
            cases.last().map(|c| c.reference.to_string()).unwrap_or_default()
        );
        return Ok(());
    }
    let new = NewCampaign {
        name: name.clone(),
        reference_prefix: prefix.clone(),
        template_dir: template.to_string_lossy().into_owned(),
        regime,
        selection: select,
    };
    app.store
        .create_campaign(&new, &cases, app.clock.now())
        .await?;
    println!(
        "created campaign '{name}' with {} cases ({prefix}-0001 ...)",
        cases.len()
    );
    let campaign = app.store.require_campaign(&name).await?;
    let report = check_campaign(
        &app.store,
        &app.config,
        &campaign,
        app.today(),
        None,
        &mut |_, _, _| Ok(()),
    )
    .await?;
    if report.passed() {
        println!("checked: every case renders");
    } else {
        print_failures(&report);
        eprintln!(
            "warning: {} of {} cases do not render; fix the templates or the bodies' data, then run \
             `foi campaign preview {name}`: the campaign cannot be launched until every case renders",
            report.failures.len(),
            report.checked
        );
    }
    Ok(())
}

async fn list(app: &App, format: FormatArgs) -> anyhow::Result<()> {
    let campaigns = app.store.campaigns().await?;
    let mut table = Table::new(vec![
        "name", "prefix", "state", "cases", "checked", "created",
    ]);
    let mut items = Vec::new();
    for c in &campaigns {
        let counts = app.store.status_counts(c.id).await?;
        let total: i64 = counts.iter().map(|(_, n)| n).sum();
        table.push(vec![
            c.name.clone(),
            c.reference_prefix.to_string(),
            c.state.to_string(),
            total.to_string(),
            if c.checked_digest.is_some() {
                "yes"
            } else {
                "no"
            }
            .into(),
            c.created_at.format("%Y-%m-%d").to_string(),
        ]);
        items.push(serde_json::json!({ "campaign": c, "cases": total }));
    }
    super::output::emit(format, &items, table)
}

fn counts_json(counts: &[(CaseStatus, i64)]) -> serde_json::Value {
    counts
        .iter()
        .map(|(s, n)| (s.to_string(), serde_json::json!(n)))
        .collect::<serde_json::Map<_, _>>()
        .into()
}

async fn show(app: &App, name: &str, json: bool) -> anyhow::Result<()> {
    let c: Campaign = app.store.require_campaign(name).await?;
    let counts = app.store.status_counts(c.id).await?;
    let total: i64 = counts.iter().map(|(_, n)| n).sum();
    if json {
        return print_json(&serde_json::json!({
            "campaign": c, "cases": total, "by_status": counts_json(&counts)
        }));
    }
    println!("campaign {} ({})", c.name, c.state);
    println!("  reference prefix: {}", c.reference_prefix);
    println!("  templates:        {}", c.template_dir);
    println!("  selection:        {}", c.selection.join(" | "));
    println!(
        "  regime:           {}",
        c.regime.as_deref().unwrap_or("each body's own")
    );
    println!(
        "  check:            {}",
        if c.checked_digest.is_some() {
            "every case renders"
        } else {
            "not passed (run `foi campaign preview`)"
        }
    );
    println!("  cases:            {total}");
    for (status, n) in counts {
        println!("    {status:<24} {n}");
    }
    Ok(())
}

async fn preview(
    app: &App,
    name: &str,
    case: Option<String>,
    all: bool,
    out: Option<PathBuf>,
) -> anyhow::Result<()> {
    let campaign = app.store.require_campaign(name).await?;
    if let Some(r) = &case {
        let found = app.store.require_case(r).await?;
        if found.campaign != campaign.name {
            bail!(
                "case {r} belongs to campaign '{}', not '{name}'",
                found.campaign
            );
        }
    }
    let wanted = case.as_deref().map(|r| {
        Reference::parse(r)
            .map(|r| r.to_string())
            .unwrap_or(r.to_string())
    });
    let dir = out.filter(|_| all);
    if let Some(dir) = &dir {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let mut shown = false;
    let mut written = 0;
    let report = check_campaign(
        &app.store,
        &app.config,
        &campaign,
        app.today(),
        None,
        &mut |c, _, d| {
            if let Some(dir) = &dir {
                std::fs::write(dir.join(format!("{}.txt", c.reference)), d.preview_text())?;
                if let Some(html) = &d.rendered.html {
                    std::fs::write(dir.join(format!("{}.html", c.reference)), html)?;
                }
                written += 1;
            } else if !shown && wanted.as_deref().is_none_or(|w| c.reference.as_str() == w) {
                shown = true;
                println!("# {} — {}", c.reference, c.body_name);
                print!("{}", d.preview_text());
                if let Some(html) = &d.rendered.html {
                    println!("\n# HTML part\n{html}");
                }
            }
            Ok(())
        },
    )
    .await?;
    if let Some(dir) = &dir {
        println!("wrote {written} previews to {}", dir.display());
    } else if !shown {
        match report
            .failures
            .iter()
            .find(|(c, _, _)| wanted.as_deref().is_none_or(|w| c.reference.as_str() == w))
        {
            Some((c, name, f)) => println!("# {} — {name}: cannot render: {f}", c.reference),
            None => println!("the campaign has no cases"),
        }
    }
    if report.passed() {
        eprintln!("checked {} cases: every case renders", report.checked);
        return Ok(());
    }
    print_failures(&report);
    bail!(
        "{} of {} cases do not render: fix the templates (or the bodies' data) and preview again; \
         the campaign cannot be launched until every case renders",
        report.failures.len(),
        report.checked
    )
}

fn print_failures(report: &crate::casework::compose::CheckReport) {
    for (case, name, f) in &report.failures {
        eprintln!("{} {name}: {f}", case.reference);
    }
}
