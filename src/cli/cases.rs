//! `foi cases list`, `foi case show|event|deadline|status|note|assign|answer|answers`,
//! `foi regimes`.

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
        /// Only cases assigned to this person (`foi case assign`).
        #[arg(long)]
        assignee: Option<String>,
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
    /// Record a dated event on a case (a reply's gist, a phone call, a letter) and set the
    /// status it implies. Kinds: acknowledged, clarification_requested, clarification_sent,
    /// fees_notice, fee_paid, extension (--note +20 or the new due date), response,
    /// refusal, partial_response, not_held, internal_review_requested,
    /// internal_review_response, complaint_to_regulator, withdrawn.
    Event {
        /// The case reference, e.g. CCTV24-0042.
        reference: String,
        /// What happened (see above).
        kind: String,
        /// The day it happened or was received, YYYY-MM-DD (default: today).
        #[arg(long)]
        date: Option<String>,
        /// A note; for an extension, +N working days or the new due date.
        #[arg(long)]
        note: Option<String>,
        /// Who records it (default: $USER).
        #[arg(long)]
        by: Option<String>,
    },
    /// A case's due date and where its clock stands; --explain counts it day by day.
    Deadline {
        /// The case reference, e.g. CCTV24-0042.
        reference: String,
        /// Explain the count day by day.
        #[arg(long)]
        explain: bool,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Set a case's status by hand (recorded as a `status_set` event with your note).
    /// Statuses: awaiting_response, acknowledged, clarification_requested, successful,
    /// partially_successful, not_held, refused, internal_review, complaint_to_regulator,
    /// withdrawn, delivery_failed. Overdue is computed, not set (`foi overdue`). To record
    /// what the body did, and move its deadline, use `foi case event` instead.
    Status {
        /// The case reference, e.g. CCTV24-0042.
        reference: String,
        /// The new status.
        status: String,
        /// Why (kept on the event).
        #[arg(long)]
        note: Option<String>,
        /// Who sets it (default: $USER).
        #[arg(long)]
        by: Option<String>,
    },
    /// Add a note to a case (a `note` event: it changes no status and no deadline).
    Note {
        /// The case reference, e.g. CCTV24-0042.
        reference: String,
        /// The note.
        text: String,
        /// Who writes it (default: $USER).
        #[arg(long)]
        by: Option<String>,
    },
    /// Assign a case to a person (or --clear); `foi cases list --assignee NAME` lists theirs.
    Assign {
        /// The case reference, e.g. CCTV24-0042.
        reference: String,
        /// Who works on it.
        #[arg(required_unless_present = "clear", conflicts_with = "clear")]
        name: Option<String>,
        /// Unassign the case.
        #[arg(long)]
        clear: bool,
    },
    /// Code a case's answers: `foi case answer CCTV24-0042 camera_count=12 supplier="Acme"`.
    /// Each value is checked against its question's type (yes/no/unknown, number, text,
    /// choice); if any is wrong, none is saved. `key=` clears an answer.
    Answer {
        /// The case reference, e.g. CCTV24-0042.
        reference: String,
        /// key=value pairs (keys: `foi answers questions CAMPAIGN`).
        #[arg(required = true)]
        assignments: Vec<String>,
        /// Who codes them (default: $USER).
        #[arg(long)]
        by: Option<String>,
    },
    /// A case's answers: each question's confirmed answer and any pending suggestion.
    Answers {
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
        assignee,
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
    let mut cases = app.store.cases(&filter).await?;
    if let Some(who) = assignee {
        let assigned = app.store.case_assignees(filter.campaign_id).await?;
        cases.retain(|c| {
            assigned
                .get(&c.id)
                .is_some_and(|a| a.eq_ignore_ascii_case(who.trim()))
        });
    }
    let standings = super::deadlines::standings(app, filter.campaign_id).await?;
    let mut table = Table::new(vec![
        "reference",
        "status",
        "body",
        "email",
        "campaign",
        "regime",
        "due",
        "working days",
    ]);
    let mut items = Vec::with_capacity(cases.len());
    for c in &cases {
        let st = standings.get(&c.id);
        let [due, days] = super::deadlines::due_cells(st);
        table.push(vec![
            c.reference.to_string(),
            c.status.to_string(),
            c.body_name.clone(),
            c.body_email.clone(),
            c.campaign.clone(),
            c.regime.clone(),
            due,
            days,
        ]);
        items.push(super::deadlines::ListedCase {
            case: c,
            due_date: st.map(|s| s.due_date),
            working_days_overdue: st.map(|s| s.working_days_overdue),
        });
    }
    emit(format, &items, table)
}

pub async fn run_case(app: &App, cmd: CaseCommand) -> anyhow::Result<()> {
    let (reference, json) = match cmd {
        CaseCommand::Show { reference, json } => (reference, json),
        CaseCommand::Event {
            reference,
            kind,
            date,
            note,
            by,
        } => return super::deadlines::case_event(app, &reference, &kind, date, note, by).await,
        CaseCommand::Deadline {
            reference,
            explain,
            json,
        } => return super::deadlines::case_deadline(app, &reference, explain, json).await,
        CaseCommand::Status {
            reference,
            status,
            note,
            by,
        } => return super::answers::case_status(app, &reference, &status, note, by).await,
        CaseCommand::Note {
            reference,
            text,
            by,
        } => return super::answers::case_note(app, &reference, &text, by).await,
        CaseCommand::Assign {
            reference,
            name,
            clear,
        } => return super::answers::case_assign(app, &reference, name, clear).await,
        CaseCommand::Answer {
            reference,
            assignments,
            by,
        } => return super::answers::case_answer(app, &reference, &assignments, by).await,
        CaseCommand::Answers { reference, json } => {
            return super::answers::case_answers(app, &reference, json).await
        }
    };
    let case = app.store.require_case(&reference).await?;
    let body = app.store.body_by_key(case.body_key.as_str()).await?;
    let events = app.store.events(case.id).await?;
    let reply = reply_address(&app.config.sender.reply_address, &case.token);
    let assignee = app.store.case_assignee(case.id).await?;
    let answers = crate::casework::answers::case_answers(&app.store, case.id).await?;
    if json {
        return print_json(&serde_json::json!({
            "case": case, "body": body, "reply_address": reply, "events": events,
            "messages": app.store.case_messages(case.id).await?,
            "assignee": assignee, "answers": answers,
        }));
    }
    println!("case {} ({})", case.reference, case.campaign);
    println!("  status:        {}", case.status);
    println!(
        "  assignee:      {}",
        assignee.as_deref().unwrap_or("(nobody)")
    );
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
    let thread = super::ingest::thread_lines(app, case.id).await?;
    if !thread.is_empty() {
        println!("  messages:");
        for line in thread {
            println!("    {line}");
        }
    }
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
    // A campaign folder that cannot be read hides no stored answer: list them bare.
    let questions = app
        .store
        .require_campaign(&case.campaign)
        .await
        .map_err(anyhow::Error::from)
        .and_then(|c| crate::casework::answers::campaign_questions(&c))
        .unwrap_or_default();
    let lines = super::answers::answer_lines(&questions, &answers);
    if !lines.is_empty() {
        println!("  answers:");
        for line in lines {
            println!("    {line}");
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
