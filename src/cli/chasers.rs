//! `foi chasers run|pending|show|approve|skip`, `foi campaign message`, and `foi run` with
//! the chaser sweep.

use super::output::{print_json, Table};
use super::App;
use crate::casework::chasers::{
    chase_now, compose_followup, sweep_with, thread_to, Ladder, SweepSummary,
};
use crate::casework::mime::{build, new_message_id};
use crate::domain::case::reply_address;
use crate::domain::{Body, CaseStatus, EmailAddress, Reference, ReplyToken, Selection};
use crate::store::{ChaserRow, NewOutboxItem, TimelineFilter};
use crate::templates::{Renderer, TemplateSet};
use anyhow::{bail, Context};
use clap::Subcommand;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

#[derive(Debug, Subcommand)]
pub enum ChasersCommand {
    /// Take every chaser step that is due now (what `foi run` does on each turn): queue
    /// `auto` steps, keep `approve` steps for `foi chasers approve`, store complaint drafts.
    Run {
        /// Say what would be taken; change nothing.
        #[arg(long)]
        dry_run: bool,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Chase these cases now: take each one's chaser step without waiting for its day, and
    /// queue it (an `approve` step too: asking is approving); a complaint is drafted. A step
    /// taken already, or whose trigger does not apply yet (e.g. not overdue), is not taken.
    Now {
        /// Case references.
        #[arg(required = true)]
        references: Vec<String>,
        /// Say what would be taken; change nothing.
        #[arg(long)]
        dry_run: bool,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Chasers waiting for a person: emails to approve or skip, complaint drafts to send
    /// to the regulator yourself.
    Pending {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Show one chaser's email (or draft) as it would go.
    Show {
        id: i64,
        /// Print the exact bytes.
        #[arg(long)]
        raw: bool,
    },
    /// Queue chasers awaiting approval (their emails as shown by `foi chasers show`).
    Approve {
        /// Chaser ids (see `foi chasers pending`).
        #[arg(required_unless_present = "all", conflicts_with = "all")]
        ids: Vec<i64>,
        /// Every chaser awaiting approval.
        #[arg(long)]
        all: bool,
        /// Say what would be queued; change nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Do not send a chaser awaiting approval (or drop a complaint draft).
    Skip { id: i64 },
}

fn summary_text(s: &SweepSummary, dry_run: bool) -> String {
    let verb = if dry_run { "would take" } else { "took" };
    format!(
        "{verb} {} chaser(s): {} queued, {} awaiting approval, {} complaint draft(s) ({} cases in {} campaigns with a ladder){}",
        s.taken.len(),
        s.queued,
        s.pending,
        s.drafted,
        s.cases,
        s.campaigns,
        if dry_run { "; nothing was changed" } else { "" }
    )
}

pub async fn run(app: &App, cmd: ChasersCommand) -> anyhow::Result<()> {
    match cmd {
        ChasersCommand::Run { dry_run, json } => {
            let s = sweep_with(&app.store, &app.config, app.clock.as_ref(), dry_run).await?;
            print_sweep(&s, dry_run, json)
        }
        ChasersCommand::Now {
            references,
            dry_run,
            json,
        } => {
            let mut ids = Vec::new();
            for r in &references {
                ids.push(app.store.require_case(r).await?.id);
            }
            let s = chase_now(&app.store, &app.config, app.clock.as_ref(), &ids, dry_run).await?;
            if !json && s.taken.len() < ids.len() {
                eprintln!(
                    "note: {} of the {} case(s) had no step to take now (taken already, awaiting \
                     approval: see `foi chasers pending`, or its trigger does not apply yet)",
                    ids.len() - s.taken.len(),
                    ids.len()
                );
            }
            print_sweep(&s, dry_run, json)
        }
        ChasersCommand::Pending { json } => {
            let rows = app.store.chasers(&["pending", "draft"]).await?;
            if json {
                return print_json(&rows);
            }
            if rows.is_empty() {
                println!("no chaser is waiting for a person");
                return Ok(());
            }
            let mut table = Table::new(vec![
                "id",
                "reference",
                "step",
                "state",
                "due",
                "recipient",
                "subject",
            ]);
            for r in &rows {
                table.push(vec![
                    r.id.to_string(),
                    r.reference.clone(),
                    r.step.clone(),
                    r.state.clone(),
                    r.due_on.to_string(),
                    r.recipient.clone(),
                    r.subject.clone(),
                ]);
            }
            table.print()
        }
        ChasersCommand::Show { id, raw } => {
            let (row, bytes) = app
                .store
                .chaser(id)
                .await?
                .with_context(|| format!("no chaser {id}: `foi chasers pending` lists them"))?;
            if raw {
                use std::io::Write;
                std::io::stdout().lock().write_all(&bytes)?;
                return Ok(());
            }
            println!(
                "chaser {} for {} ({}): step {}, {}, {}",
                row.id, row.reference, row.campaign, row.step, row.mode, row.state
            );
            print!("{}", String::from_utf8_lossy(&bytes).replace("\r\n", "\n"));
            Ok(())
        }
        ChasersCommand::Approve { ids, all, dry_run } => approve(app, ids, all, dry_run).await,
        ChasersCommand::Skip { id } => {
            if app.store.skip_chaser(id, app.clock.now()).await? {
                println!("skipped chaser {id}");
                Ok(())
            } else {
                bail!("chaser {id} is not awaiting approval: `foi chasers pending` lists those that are")
            }
        }
    }
}

async fn approve(app: &App, ids: Vec<i64>, all: bool, dry_run: bool) -> anyhow::Result<()> {
    let pending = app.store.chasers(&["pending"]).await?;
    let chosen: Vec<&ChaserRow> = if all {
        pending.iter().collect()
    } else {
        let mut out = Vec::new();
        for id in &ids {
            match pending.iter().find(|r| r.id == *id) {
                Some(r) => out.push(r),
                None => bail!(
                    "chaser {id} is not awaiting approval: `foi chasers pending` lists those that are; nothing was queued"
                ),
            }
        }
        out
    };
    if dry_run {
        for r in &chosen {
            println!("{} {} {} -> {}", r.id, r.reference, r.step, r.recipient);
        }
        println!(
            "dry run: would queue {} chaser(s); nothing was changed",
            chosen.len()
        );
        return Ok(());
    }
    let chosen: Vec<ChaserRow> = chosen.into_iter().cloned().collect();
    let queued =
        crate::casework::chasers::approve(&app.store, &app.config, &chosen, app.clock.now())
            .await?;
    for r in chosen.iter().filter(|r| queued.contains(&r.id)) {
        println!("queued chaser {} ({} {})", r.id, r.reference, r.step);
    }
    println!(
        "{} chaser(s) queued; `foi send` or `foi run` delivers them",
        queued.len()
    );
    Ok(())
}

/// Split `status:S` terms (and `!status:S`) from body selection terms in each expression.
type StatusTerms = Vec<(bool, CaseStatus)>;

fn parse_case_selection(exprs: &[String]) -> anyhow::Result<Vec<(StatusTerms, Selection)>> {
    if exprs.is_empty() {
        bail!("no --select given: say which cases, e.g. --select status:clarification_requested (or --select all)");
    }
    let mut out = Vec::new();
    for expr in exprs {
        let mut statuses = Vec::new();
        let mut rest = Vec::new();
        for raw in expr.split(',').map(str::trim).filter(|t| !t.is_empty()) {
            let (negated, t) = match raw.strip_prefix('!') {
                Some(r) => (true, r.trim()),
                None => (false, raw),
            };
            match t.split_once(':') {
                Some((k, v)) if k.trim().eq_ignore_ascii_case("status") => {
                    let Some(s) = CaseStatus::parse(v) else {
                        let known: Vec<_> = CaseStatus::ALL.iter().map(|s| s.as_str()).collect();
                        bail!(
                            "unknown status '{v}' in --select: use one of {}",
                            known.join(", ")
                        );
                    };
                    statuses.push((negated, s));
                }
                _ => rest.push(raw.to_string()),
            }
        }
        let body_expr = if rest.is_empty() {
            "all".to_string()
        } else {
            rest.join(",")
        };
        let selection = Selection::parse(&[body_expr], &|path| {
            std::fs::read_to_string(path).map_err(|e| e.to_string())
        })?;
        out.push((statuses, selection));
    }
    Ok(out)
}

/// `foi campaign message NAME --template DIR --select EXPR... [--dry-run]`.
pub async fn campaign_message(
    app: &App,
    name: &str,
    template: PathBuf,
    select: Vec<String>,
    dry_run: bool,
) -> anyhow::Result<()> {
    let campaign = app.store.require_campaign(name).await?;
    let selection = parse_case_selection(&select)?;
    let dir = std::fs::canonicalize(&template)
        .with_context(|| format!("cannot find the template folder {}", template.display()))?;
    let set = TemplateSet::load(&dir)?;
    let renderer = Renderer::new(&set)?;
    let ladder = Ladder::load(Path::new(&campaign.template_dir)).ok();
    let review = |s: &str| ladder.as_ref().is_some_and(|l| l.is_review_step(s));
    let regimes = app.regimes()?;
    let bodies: HashMap<i64, Body> = app
        .store
        .bodies()
        .await?
        .into_iter()
        .map(|b| (b.id, b))
        .collect();
    let timelines = app
        .store
        .case_timelines(&TimelineFilter {
            campaign_id: Some(campaign.id),
            ..Default::default()
        })
        .await?;
    let first_ids = app.store.first_outbound_ids(campaign.id).await?;
    let campaign_fields = TemplateSet::load(Path::new(&campaign.template_dir))
        .map(|s| s.campaign_fields)
        .unwrap_or_default();
    let sender_domain = EmailAddress::parse(&app.config.sender.email)?
        .domain()
        .to_string();
    let now = app.clock.now();
    let today = app.today();
    let mut items = Vec::new();
    let mut failures = Vec::new();
    let mut unsent = 0;
    let mut shown = false;
    for t in &timelines {
        let Some(body) = bodies.get(&t.body_id) else {
            bail!("case {} has no body in the database", t.reference);
        };
        let hit = selection.iter().any(|(statuses, sel)| {
            statuses.iter().all(|(neg, s)| (t.status == *s) != *neg) && sel.matches(body)
        });
        if !hit {
            continue;
        }
        let Some(first_id) = first_ids.get(&t.id) else {
            unsent += 1;
            continue;
        };
        let regime = regimes
            .get(&t.regime)
            .with_context(|| format!("case {}: unknown regime '{}'", t.reference, t.regime))?;
        let deadline = crate::standing::deadline(regime, &t.events, &review)?;
        let token = ReplyToken::parse(&t.token).context("the case has a malformed reply token")?;
        let reply = reply_address(&app.config.sender.reply_address, &token);
        let reference = Reference::from_stored(t.reference.clone());
        match compose_followup(
            &app.config,
            &campaign,
            &campaign_fields,
            &renderer,
            body,
            &reference,
            &reply,
            deadline.as_ref(),
            today,
        ) {
            Ok(draft) => {
                if !shown {
                    shown = true;
                    println!("# {} — {}", t.reference, t.body_name);
                    print!("{}", draft.preview_text());
                    println!();
                }
                let message_id = new_message_id(&sender_domain);
                let raw = build(
                    &draft,
                    &message_id,
                    &t.reference,
                    now,
                    &thread_to(Some(first_id)),
                )
                .with_context(|| format!("case {}", t.reference))?;
                items.push(NewOutboxItem {
                    case_id: t.id,
                    kind: "message".into(),
                    message_id,
                    envelope_from: reply,
                    recipient: draft.to_addr.clone(),
                    subject: draft.rendered.subject.clone(),
                    raw,
                    not_before: now,
                });
            }
            Err(f) => failures.push((t.reference.clone(), t.body_name.clone(), f)),
        }
    }
    if unsent > 0 {
        eprintln!("note: {unsent} selected case(s) have no sent request yet and are left out");
    }
    if !failures.is_empty() {
        for (r, name, f) in &failures {
            eprintln!("{r} {name}: {f}");
        }
        bail!(
            "not queued: {} of {} selected cases do not render; fix the template (or the bodies' data) first; nothing was queued",
            failures.len(),
            failures.len() + items.len()
        );
    }
    if items.is_empty() {
        bail!(
            "no sent case of campaign '{name}' matches {}: check `foi cases list --campaign {name}`",
            select.join(" ")
        );
    }
    if dry_run {
        println!(
            "dry run: every selected case renders; would queue {} emails; nothing was changed",
            items.len()
        );
        return Ok(());
    }
    app.store.queue(&items, now).await?;
    println!(
        "queued {} messages for campaign '{name}'; `foi send` or `foi run` delivers them",
        items.len()
    );
    Ok(())
}

/// A sweep's (or a chase's) steps, problems and totals.
fn print_sweep(s: &SweepSummary, dry_run: bool, json: bool) -> anyhow::Result<()> {
    if json {
        return print_json(s);
    }
    for t in &s.taken {
        println!(
            "{} {:<20} {:<8} campaign {} (step fell due {})",
            t.reference, t.step, t.state, t.campaign, t.due_on
        );
    }
    for e in &s.errors {
        eprintln!("error: {e}");
    }
    if s.reviews_opened > 0 {
        println!(
            "{} case(s) now in internal_review: their review request went out",
            s.reviews_opened
        );
    }
    println!("{}", summary_text(s, dry_run));
    if !s.errors.is_empty() {
        bail!(
            "{} problem(s) stopped some chasers: see above",
            s.errors.len()
        );
    }
    Ok(())
}
