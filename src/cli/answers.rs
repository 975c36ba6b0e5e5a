//! `foi answers import|suggest|suggestions|confirm|questions`, and the case work commands
//! `foi case status|note|assign|answer|answers`.

use super::output::{emit, print_json, FormatArgs, Table};
use super::App;
use crate::casework::answers::{self, QuestionBook, SuggestScope};
use crate::casework::staff;
use crate::domain::Questions;
use crate::store::{AnswerFilter, AnswerState};
use anyhow::{bail, Context};
use clap::Subcommand;
use std::path::PathBuf;

#[derive(Debug, Subcommand)]
pub enum AnswersCommand {
    /// Code many cases at once from a CSV file: a `reference` column and one column per
    /// question key (an empty cell leaves that answer as it is; other columns of
    /// `foi export cases` are ignored). All or nothing: every bad cell is reported as
    /// `line N, column K: what is wrong`, and then nothing is changed.
    Import {
        /// The CSV file.
        file: PathBuf,
        /// Who codes the answers (default: $USER).
        #[arg(long)]
        by: Option<String>,
    },
    /// Run the questions' keyword rules over the replies (the new part of each inbound
    /// email's text) and store what they suggest. `foi fetch` and `foi import-mail` do this
    /// for the emails they store. A suggestion counts only once confirmed.
    Suggest {
        /// Only this campaign's cases (default: all).
        campaign: Option<String>,
        /// Print the summary as JSON.
        #[arg(long)]
        json: bool,
    },
    /// List suggested answers waiting for a person, with the words that matched.
    Suggestions {
        /// Only this campaign's cases (default: all).
        campaign: Option<String>,
        #[command(flatten)]
        format: FormatArgs,
    },
    /// Confirm a suggestion: `foi answers confirm REF KEY`, or every suggestion of a
    /// campaign with `--all CAMPAIGN`.
    Confirm {
        /// The case reference, e.g. CCTV24-0042.
        #[arg(required_unless_present = "all", conflicts_with = "all")]
        reference: Option<String>,
        /// The question's key.
        #[arg(required_unless_present = "all")]
        key: Option<String>,
        /// Confirm every pending suggestion of this campaign.
        #[arg(long, value_name = "CAMPAIGN")]
        all: Option<String>,
        /// Who confirms (default: $USER).
        #[arg(long)]
        by: Option<String>,
    },
    /// A campaign's questions: key, type, label and rules.
    Questions {
        /// The campaign's name.
        campaign: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

/// The person doing it: `--by`, else $USER, else "staff".
pub fn actor(by: Option<String>) -> String {
    by.or_else(|| std::env::var("USER").ok())
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "staff".into())
}

pub async fn run(app: &App, cmd: AnswersCommand) -> anyhow::Result<()> {
    match cmd {
        AnswersCommand::Import { file, by } => {
            let bytes =
                std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?;
            match answers::import(&app.store, &bytes, &actor(by), app.clock.now()).await? {
                Ok(o) => {
                    println!(
                        "{} rows: {} answers changed, {} unchanged",
                        o.rows, o.changed, o.unchanged
                    );
                    Ok(())
                }
                Err(errors) => {
                    for e in &errors {
                        eprintln!("{}: {e}", file.display());
                    }
                    bail!(
                        "{} problem(s) in {}: nothing was changed; fix the lines above and import again",
                        errors.len(),
                        file.display()
                    )
                }
            }
        }
        AnswersCommand::Suggest { campaign, json } => {
            let campaign_id = campaign_id(app, campaign.as_deref()).await?;
            let s = answers::suggest(
                &app.store,
                SuggestScope {
                    campaign_id,
                    after_message: None,
                },
                app.clock.now(),
            )
            .await?;
            for w in &s.skipped {
                eprintln!("skipped {w}");
            }
            if json {
                return print_json(&s);
            }
            println!(
                "read {} replies: {} suggestions ({} new or changed); `foi answers suggestions` lists them",
                s.messages, s.found, s.stored
            );
            Ok(())
        }
        AnswersCommand::Suggestions { campaign, format } => {
            let campaign_id = campaign_id(app, campaign.as_deref()).await?;
            let rows = app
                .store
                .answers(&AnswerFilter {
                    campaign_id,
                    state: Some(AnswerState::Suggested),
                    ..Default::default()
                })
                .await?;
            let mut table = Table::new(vec![
                "reference",
                "question",
                "suggested",
                "message",
                "evidence",
            ]);
            for a in &rows {
                table.push(vec![
                    a.reference.clone(),
                    a.question.clone(),
                    a.value.clone(),
                    a.message_id.map(|m| m.to_string()).unwrap_or_default(),
                    a.evidence.clone().unwrap_or_default(),
                ]);
            }
            if rows.is_empty() && !format.json && !format.csv {
                eprintln!("no suggestions waiting");
                return Ok(());
            }
            emit(format, &rows, table)
        }
        AnswersCommand::Confirm {
            reference,
            key,
            all,
            by,
        } => {
            let keys: Vec<(i64, String)> = match (all, reference, key) {
                (Some(name), _, _) => {
                    let c = app.store.require_campaign(&name).await?;
                    app.store
                        .answers(&AnswerFilter {
                            campaign_id: Some(c.id),
                            state: Some(AnswerState::Suggested),
                            ..Default::default()
                        })
                        .await?
                        .into_iter()
                        .map(|a| (a.case_id, a.question))
                        .collect()
                }
                (None, Some(r), Some(k)) => {
                    let case = app.store.require_case(&r).await?;
                    let found = app
                        .store
                        .answers(&AnswerFilter {
                            case_id: Some(case.id),
                            state: Some(AnswerState::Suggested),
                            ..Default::default()
                        })
                        .await?;
                    if !found.iter().any(|a| a.question == k) {
                        bail!(
                            "case {} has no suggestion for '{k}': `foi case answers {}` shows its answers; set one with `foi case answer {} {k}=VALUE`",
                            case.reference,
                            case.reference,
                            case.reference
                        );
                    }
                    vec![(case.id, k)]
                }
                _ => bail!("name a case and a question (REF KEY), or --all CAMPAIGN"),
            };
            let n = app
                .store
                .confirm_suggestions(&keys, &actor(by), app.clock.now())
                .await?;
            println!("confirmed {n} answer(s)");
            Ok(())
        }
        AnswersCommand::Questions { campaign, json } => {
            let c = app.store.require_campaign(&campaign).await?;
            let qs = answers::campaign_questions(&c)?;
            if json {
                return print_json(&qs);
            }
            if qs.is_empty() {
                println!(
                    "campaign '{}' declares no [[questions]] in {}/campaign.toml",
                    c.name, c.template_dir
                );
            }
            print_questions(&qs);
            Ok(())
        }
    }
}

fn print_questions(qs: &Questions) {
    for q in qs {
        println!("{q}: {}", q.label);
        for r in &q.rules {
            let mut words = Vec::new();
            if !r.any.is_empty() {
                words.push(format!("any of {}", r.any.join(", ")));
            }
            if !r.all.is_empty() {
                words.push(format!("all of {}", r.all.join(", ")));
            }
            println!("    suggests {} on {}", r.answer, words.join(" and "));
        }
    }
}

async fn campaign_id(app: &App, name: Option<&str>) -> anyhow::Result<Option<i64>> {
    Ok(match name {
        Some(n) => Some(app.store.require_campaign(n).await?.id),
        None => None,
    })
}

/// Where the messages stood before `foi fetch` / `foi import-mail`, to suggest answers
/// from the replies it stores.
pub struct IngestMark(Option<i64>);

impl IngestMark {
    pub async fn take(app: &App) -> anyhow::Result<Self> {
        Ok(Self(app.store.last_message_id().await?))
    }

    /// Suggest answers from the replies stored since the mark. A problem here is logged,
    /// never fails the fetch: the emails are stored already, and `foi answers suggest` can
    /// be run again.
    pub async fn suggest(self, app: &App) {
        suggest_after_ingest(app, self.0).await
    }
}

async fn suggest_after_ingest(app: &App, after: Option<i64>) {
    let scope = SuggestScope {
        campaign_id: None,
        after_message: Some(after.unwrap_or(0)),
    };
    match answers::suggest(&app.store, scope, app.clock.now()).await {
        Ok(s) => {
            for w in &s.skipped {
                tracing::warn!("answer suggestions skipped {w}");
            }
            if s.stored > 0 {
                eprintln!(
                    "suggested {} answer(s) from the replies: `foi answers suggestions` lists them",
                    s.stored
                );
            }
        }
        Err(e) => tracing::warn!("answer suggestions failed: {e:#} (run `foi answers suggest`)"),
    }
}

// ---------------------------------------------------------------------------------------
// foi case status | note | assign | answer | answers
// ---------------------------------------------------------------------------------------

/// `foi case status REF STATUS [--note] [--by]`.
pub async fn case_status(
    app: &App,
    reference: &str,
    status: &str,
    note: Option<String>,
    by: Option<String>,
) -> anyhow::Result<()> {
    let to = staff::parse_settable(status).map_err(anyhow::Error::msg)?;
    let case = app.store.require_case(reference).await?;
    let change = staff::set_status(
        &app.store,
        &case,
        to,
        note.as_deref(),
        &actor(by),
        app.clock.today_in(app.config.case_time_zone(&case.regime)?),
        app.clock.now(),
    )
    .await?;
    println!(
        "{}: status {} -> {}",
        case.reference, change.from, change.to
    );
    if change.cancelled_chasers > 0 {
        println!("cancelled {} pending chaser(s)", change.cancelled_chasers);
    }
    Ok(())
}

/// `foi case note REF TEXT [--by]`.
pub async fn case_note(
    app: &App,
    reference: &str,
    text: &str,
    by: Option<String>,
) -> anyhow::Result<()> {
    let case = app.store.require_case(reference).await?;
    let today = app.clock.today_in(app.config.case_time_zone(&case.regime)?);
    match staff::add_note(&app.store, &case, text, &actor(by), today, app.clock.now()).await {
        Err(staff::StaffError::EmptyNote) => bail!(
            "the note is empty: write what you want to keep, e.g. foi case note {} \"phoned, they will reply Friday\"",
            case.reference
        ),
        r => r?,
    }
    println!("noted on {}", case.reference);
    Ok(())
}

/// `foi case assign REF NAME | --clear`.
pub async fn case_assign(
    app: &App,
    reference: &str,
    name: Option<String>,
    clear: bool,
) -> anyhow::Result<()> {
    let name = name.map(|n| n.trim().to_string()).filter(|n| !n.is_empty());
    if name.is_some() == clear {
        bail!("give a name (foi case assign REF NAME) or --clear, not both or neither");
    }
    let case = app.store.require_case(reference).await?;
    staff::assign(&app.store, &case, name.as_deref()).await?;
    match name {
        Some(n) => println!("{} assigned to {n}", case.reference),
        None => println!("{} is unassigned", case.reference),
    }
    Ok(())
}

/// `foi case answer REF key=value... [--by]`.
pub async fn case_answer(
    app: &App,
    reference: &str,
    assignments: &[String],
    by: Option<String>,
) -> anyhow::Result<()> {
    let case = app.store.require_case(reference).await?;
    let mut book = QuestionBook::default();
    let questions = book.get(&app.store, &case.campaign).await?;
    // Report every problem at once: malformed arguments and invalid values alike.
    let mut errors = Vec::new();
    let mut pairs = Vec::new();
    for a in assignments {
        match answers::parse_assignments(std::slice::from_ref(a)) {
            Ok(p) => pairs.extend(p),
            Err(e) => errors.push(e),
        }
    }
    let plan = answers::plan_case_answers(questions, case.id, &pairs);
    if let Err(e) = &plan {
        errors.extend(e.iter().cloned());
    }
    let changes = match plan {
        Ok(c) if errors.is_empty() => c,
        _ => {
            for e in &errors {
                eprintln!("{}: {e}", case.reference);
            }
            bail!(
                "{} answer(s) not valid: nothing was changed; fix them and try again (`foi answers questions {}` lists the questions)",
                errors.len(),
                case.campaign
            );
        }
    };
    let n = app
        .store
        .apply_answers(&changes, &actor(by), app.clock.now())
        .await?;
    for c in &changes {
        match &c.value {
            Some(v) => println!("{} {} = {v}", case.reference, c.question),
            None => println!("{} {} cleared", case.reference, c.question),
        }
    }
    if n == 0 {
        println!("(nothing changed: the answers were already so)");
    }
    Ok(())
}

/// `foi case answers REF [--json]`: every question with its confirmed answer and any
/// pending suggestion.
pub async fn case_answers(app: &App, reference: &str, json: bool) -> anyhow::Result<()> {
    let case = app.store.require_case(reference).await?;
    let a = answers::case_answers(&app.store, case.id).await?;
    if json {
        return print_json(&a);
    }
    let mut book = QuestionBook::default();
    let questions = book.get(&app.store, &case.campaign).await?;
    for line in answer_lines(questions, &a) {
        println!("{line}");
    }
    Ok(())
}

/// One line per question (and per stored answer to a question no longer declared).
pub fn answer_lines(questions: &Questions, a: &answers::CaseAnswers) -> Vec<String> {
    let mut out = Vec::new();
    let mut line = |key: &str| {
        let confirmed = a
            .confirmed
            .get(key)
            .map(|r| format!("{} ({})", r.value, r.actor))
            .unwrap_or_else(|| "-".into());
        let suggested = a
            .suggested
            .get(key)
            .map(|r| {
                format!(
                    "  [suggested: {} from message {}: \"{}\"]",
                    r.value,
                    r.message_id.map(|m| m.to_string()).unwrap_or_default(),
                    r.evidence.as_deref().unwrap_or("")
                )
            })
            .unwrap_or_default();
        out.push(format!("{key:<28} {confirmed}{suggested}"));
    };
    for q in questions {
        line(&q.key);
    }
    let undeclared: Vec<&String> = a
        .confirmed
        .keys()
        .chain(a.suggested.keys())
        .filter(|k| questions.get(k).is_none())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    for k in undeclared {
        line(k);
    }
    out
}
