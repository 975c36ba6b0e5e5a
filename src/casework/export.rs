//! Exports: a campaign's cases as one CSV row each (body fields, status, assignee, dates,
//! confirmed answers), and a case's evidence folder for a complaint to the regulator (every
//! raw email byte for byte, its attachments, and a timeline with the deadline explained).
//!
//! Sees `domain`, `deadlines`, `store`, `standing`, `chasers` (which chaser steps are
//! reviews), `answers`, `text` (attachment file names) and `clock`.

use crate::clock::Clock;
use crate::deadlines::Regimes;
use crate::domain::question::RESERVED_KEYS;
use crate::domain::Event;
use crate::domain::{Body, Campaign, Case, Questions};
use crate::domain::{BodyId, CaseId};
use crate::standing;
use crate::store::{CaseFilter, Store, TimelineFilter};
use crate::text::CsvCells;
use anyhow::Context;
use chrono::NaiveDate;
use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::path::{Path, PathBuf};

/// One case as exported.
#[derive(Debug, Clone, serde::Serialize)]
pub struct CaseExport {
    pub case: Case,
    pub body: Option<Body>,
    pub assignee: Option<String>,
    /// The date of receipt of the request (its first `sent` event).
    pub sent_on: Option<NaiveDate>,
    /// The date that matters now (a pending review's, else the request's).
    pub due_on: Option<NaiveDate>,
    /// The first response, partial response, refusal or "not held" that still counts.
    pub answered_on: Option<NaiveDate>,
    /// Working days past the due date of its most overdue running clock (0 when none is).
    pub days_overdue: Option<i64>,
    /// Confirmed answers by question key.
    pub answers: BTreeMap<String, String>,
}

/// The date the body first answered, as the one derivation has it (from the case's
/// effective events: an answer a person's correction superseded, or took back, has none).
pub fn answered_on(
    status: crate::domain::CaseStatus,
    events: &[Event],
    review: &dyn Fn(&str) -> bool,
) -> Option<NaiveDate> {
    standing::derive(status, events, review)
        .answer
        .map(|a| a.first_on)
}

/// The review steps of a campaign's chaser ladder (none when it has no valid ladder).
fn review_steps(campaign: &Campaign) -> Vec<String> {
    crate::casework::chasers::review_steps(Path::new(&campaign.template_dir))
}

/// Every case of a campaign with its body, dates and confirmed answers, in case order.
pub async fn case_rows(
    store: &Store,
    regimes: &Regimes,
    clock: &dyn Clock,
    campaign: &Campaign,
) -> anyhow::Result<Vec<CaseExport>> {
    let cases = store
        .cases(&CaseFilter {
            campaign_id: Some(campaign.id),
            ..Default::default()
        })
        .await?;
    let mut bodies: HashMap<BodyId, Body> = store.bodies_by_id().await?;
    let timelines: HashMap<CaseId, Vec<Event>> = store
        .case_timelines(&TimelineFilter {
            campaign_id: Some(campaign.id),
            ..Default::default()
        })
        .await?
        .into_iter()
        .map(|t| (t.id, t.events))
        .collect();
    let mut assignees = store.case_assignees(Some(campaign.id)).await?;
    let mut answers = crate::casework::answers::confirmed_answers(store, campaign.id).await?;
    let steps = review_steps(campaign);
    let review = |s: &str| steps.iter().any(|x| x == s);
    let mut out = Vec::with_capacity(cases.len());
    for case in cases {
        let events = timelines.get(&case.id).map(Vec::as_slice).unwrap_or(&[]);
        let regime = regimes.get(&case.regime).with_context(|| {
            format!(
                "case {}: unknown regime '{}' (`foi regimes` lists them)",
                case.reference, case.regime
            )
        })?;
        let deadline = standing::deadline(regime, events, &review)
            .with_context(|| format!("case {}", case.reference))?;
        let current = deadline.as_ref().and_then(standing::current_due);
        let due_on = current
            .map(|(d, _)| d)
            .or_else(|| deadline.as_ref().and_then(|d| d.due()));
        // As `foi overdue`: the most overdue of the running clocks.
        let days_overdue = match &deadline {
            Some(d) if standing::clocks_run(case.status) => {
                let today = clock.today_in(regime.time_zone());
                standing::standings(regime, d, events, today)
                    .into_iter()
                    .map(|s| s.working_days_overdue.max(0))
                    .max()
            }
            _ => None,
        };
        out.push(CaseExport {
            body: bodies.remove(&case.body_id),
            assignee: assignees.remove(&case.id),
            sent_on: standing::received(events),
            due_on,
            answered_on: answered_on(case.status, events, &review),
            days_overdue,
            answers: answers.remove(&case.id).unwrap_or_default(),
            case,
        });
    }
    Ok(out)
}

/// Write the rows as CSV: the columns of [`RESERVED_KEYS`], then one per question (in the
/// campaign's order). The answer columns import back unchanged with `foi answers import`.
/// Text cells are guarded from spreadsheets as `cells` says (names, answers and tags come
/// from outside); `foi answers import` takes the guard off again.
pub fn write_cases_csv<W: Write>(
    out: W,
    rows: &[CaseExport],
    questions: &Questions,
    cells: CsvCells,
) -> anyhow::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    let header: Vec<&str> = RESERVED_KEYS
        .iter()
        .copied()
        .chain(questions.iter().map(|q| q.key.as_str()))
        .collect();
    w.write_record(&header)?;
    let date = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    for r in rows {
        let b = r.body.as_ref();
        let mut record: Vec<String> = Vec::with_capacity(header.len());
        for col in RESERVED_KEYS {
            record.push(match *col {
                "reference" => r.case.reference.to_string(),
                "campaign" => r.case.campaign.clone(),
                "body_key" => r.case.body_key.to_string(),
                "body_name" => r.case.body_name.clone(),
                "body_email" => r.case.body_email.clone(),
                "tags" => b.map(|b| b.tags.join(";")).unwrap_or_default(),
                "region" => b.and_then(|b| b.region.clone()).unwrap_or_default(),
                "regime" => r.case.regime.clone(),
                "status" => r.case.status.to_string(),
                "assignee" => r.assignee.clone().unwrap_or_default(),
                "sent_on" => date(r.sent_on),
                "due_on" => date(r.due_on),
                "answered_on" => date(r.answered_on),
                "days_overdue" => r.days_overdue.map(|n| n.to_string()).unwrap_or_default(),
                other => unreachable!("RESERVED_KEYS has no column '{other}' in the export"),
            });
        }
        for q in questions {
            record.push(r.answers.get(&q.key).cloned().unwrap_or_default());
        }
        let guarded: Vec<_> = record.iter().map(|c| cells.cell(c)).collect();
        w.write_record(guarded.iter().map(|c| c.as_bytes()))?;
    }
    w.flush()?;
    Ok(())
}

/// What an evidence export wrote.
#[derive(Debug, Default, serde::Serialize)]
pub struct EvidenceSummary {
    pub dir: PathBuf,
    pub emails: usize,
    pub attachments: usize,
    pub files: Vec<String>,
}

/// Whether a folder exists and holds anything.
pub fn is_non_empty_dir(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|mut d| d.next().is_some())
}

/// The file name of a case's `n`th email (from 1) in its evidence folder.
pub fn eml_name(n: usize, m: &crate::store::MessageRow) -> String {
    format!("{n:03}-{}-{}.eml", m.direction, m.at.format("%Y-%m-%d"))
}

/// Write a case's evidence into `dir` (created if needed): `NNN-<direction>-<date>.eml`
/// for every email of the case (the stored bytes), `NNN-<attachment name>` for each
/// attachment (names sanitised), and `timeline.txt`. The caller decides about overwriting.
pub async fn write_evidence(
    store: &Store,
    regimes: &Regimes,
    clock: &dyn Clock,
    case: &Case,
    dir: &Path,
) -> anyhow::Result<EvidenceSummary> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut summary = EvidenceSummary {
        dir: dir.to_path_buf(),
        ..Default::default()
    };
    let write = |files: &mut Vec<String>, name: String, bytes: &[u8]| -> anyhow::Result<()> {
        let path = dir.join(&name);
        std::fs::write(&path, bytes).with_context(|| format!("cannot write {}", path.display()))?;
        files.push(name);
        Ok(())
    };
    let messages = store.case_messages(case.id).await?;
    let mut lines_messages = Vec::new();
    for (i, m) in messages.iter().enumerate() {
        let n = i + 1;
        let raw = store
            .blob(&m.raw_sha256)
            .await?
            .with_context(|| format!("the raw bytes of message {} are missing", m.id))?;
        let name = eml_name(n, m);
        write(&mut summary.files, name.clone(), &raw)?;
        lines_messages.push(format!(
            "{name}  {} {} {}  from {}  to {}  \"{}\"",
            m.at.format("%Y-%m-%d %H:%M UTC"),
            m.direction,
            m.classification.as_deref().unwrap_or(""),
            m.from_addr,
            m.to_addr,
            m.subject
        ));
        let mut used = std::collections::HashSet::new();
        for a in &m.attachments {
            let (row, bytes) = store
                .attachment(a.id)
                .await?
                .with_context(|| format!("attachment {} is missing", a.id))?;
            // As `foi attachment save` does: the stored name is sanitised already, sanitise
            // again in case it came from elsewhere.
            let base = crate::text::sanitize_file_name(&row.file_name)
                .unwrap_or_else(|| format!("attachment-{}", row.id));
            let mut name = format!("{n:03}-{base}");
            if !used.insert(name.clone()) {
                name = format!("{n:03}-{}-{base}", row.id);
                used.insert(name.clone());
            }
            write(&mut summary.files, name.clone(), &bytes)?;
            lines_messages.push(format!("    attachment {name} ({} bytes)", row.size));
            summary.attachments += 1;
        }
        summary.emails += 1;
    }
    let timeline = timeline_text(store, regimes, clock, case, &lines_messages).await?;
    write(
        &mut summary.files,
        "timeline.txt".into(),
        timeline.as_bytes(),
    )?;
    Ok(summary)
}

/// The case, its events in order, its emails and its deadline explained day by day.
async fn timeline_text(
    store: &Store,
    regimes: &Regimes,
    clock: &dyn Clock,
    case: &Case,
    messages: &[String],
) -> anyhow::Result<String> {
    use std::fmt::Write as _;
    let mut t = String::new();
    let regime = regimes.get(&case.regime);
    let today = regime.map(|r| clock.today_in(r.time_zone()));
    writeln!(t, "Case {} ({})", case.reference, case.campaign)?;
    writeln!(t, "Body:    {} <{}>", case.body_name, case.body_email)?;
    writeln!(t, "Regime:  {}", case.regime)?;
    writeln!(t, "Status:  {}", case.status)?;
    if let Some(d) = today {
        writeln!(t, "Written: {d}")?;
    }
    writeln!(t, "\nEvents\n------")?;
    let events = store.events(case.id).await?;
    if events.is_empty() {
        writeln!(t, "(none)")?;
    }
    for e in &events {
        let note = e
            .note
            .as_deref()
            .map(|n| format!(": {n}"))
            .unwrap_or_default();
        writeln!(t, "{} {} ({}){note}", e.occurred_on, e.kind, e.actor)?;
    }
    writeln!(t, "\nEmails\n------")?;
    if messages.is_empty() {
        writeln!(t, "(none)")?;
    }
    for m in messages {
        writeln!(t, "{m}")?;
    }
    writeln!(t, "\nDeadline\n--------")?;
    let Some(regime) = regime else {
        writeln!(t, "unknown regime '{}': no deadline", case.regime)?;
        return Ok(t);
    };
    let timeline = store
        .case_timelines(&TimelineFilter {
            case_id: Some(case.id),
            ..Default::default()
        })
        .await?
        .pop();
    let events = timeline.map(|t| t.events).unwrap_or_default();
    let campaign = store.require_campaign(&case.campaign).await?;
    let steps = review_steps(&campaign);
    let review = |s: &str| steps.iter().any(|x| x == s);
    match standing::explain(regime, &events, &review)? {
        None => writeln!(t, "not sent yet: the clock starts on the date of receipt")?,
        Some(explanation) => {
            let d = explanation.deadline();
            if let Some((due, owed)) = standing::current_due(d) {
                let n = today
                    .and_then(|today| regime.working_days_between(due, today).ok())
                    .unwrap_or(0);
                let standing = match n {
                    n if n > 0 => format!("{n} working day(s) overdue"),
                    0 => "due today".into(),
                    n => format!("due in {} working day(s)", -n),
                };
                writeln!(
                    t,
                    "{} due {due}: {standing}",
                    owed.as_str().replace('_', " ")
                )?;
            }
            writeln!(t, "{explanation:#}")?;
        }
    }
    Ok(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(kind: &str, on: &str) -> Event {
        Event {
            kind: crate::domain::event::EventKind::from_stored(kind),
            on: on.parse().unwrap(),
            note: None,
        }
    }

    #[test]
    fn answered_on_is_the_first_answer_of_any_kind() {
        use crate::domain::CaseStatus as S;
        let none = crate::standing::no_review_steps;
        assert_eq!(
            answered_on(S::AwaitingResponse, &[ev("sent", "2026-03-02")], &none),
            None
        );
        let mut events = vec![
            ev("sent", "2026-03-02"),
            ev("acknowledged", "2026-03-03"),
            ev("note", "2026-03-04"),
            ev("refusal", "2026-03-20"),
            ev("response", "2026-04-20"),
        ];
        assert_eq!(
            answered_on(S::Successful, &events, &none),
            Some("2026-03-20".parse().unwrap())
        );
        // A person took the case back to awaiting its response: no answer any more.
        events.push(Event {
            note: Some("awaiting_response: not an answer".into()),
            ..ev("status_set", "2026-04-21")
        });
        assert_eq!(answered_on(S::AwaitingResponse, &events, &none), None);
    }
}
