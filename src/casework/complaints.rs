//! Complaint packs (`foi export complaints`): for each case to take to the regulator, a
//! folder with the request as sent, every message as text, the emails themselves with their
//! attachments (the evidence export), the deadline counted day by day, the chasers sent, and
//! a letter for the regulator's complaint form made from a template
//! (`templates/complaint-letter/`, built in; a campaign folder's `complaint-letter/` or
//! `--letter DIR` overrides it) that states only facts from the case record.
//!
//! Which cases: one (`--case`), or every case of the campaign overdue today (any running
//! clock: the request's, a review's, a compliance date), only those overdue since a date
//! (`--overdue-since`: the clock's due date was passed by then), and, without a date, also
//! every case at the regulator stage (a complaint recorded).
//!
//! The pack is written beside its folder and renamed into place when complete, so a
//! failure leaves no half pack; the folder must not hold anything yet. Texts from emails are
//! hostile: control characters are dropped and each text is cut at [`MAX_TEXT`]; file names
//! are made safe; a pack holds at most [`MAX_CASES`] cases.
//!
//! Sees `store`, `standing`, `deadlines`, `domain`, `templates`, `export` (the evidence
//! folder), `compose` (the sender's variables) and `clock`.

use crate::casework::compose::sender_vars;
use crate::casework::export::{eml_name, is_non_empty_dir, write_evidence};
use crate::clock::Clock;
use crate::config::Settings;
use crate::deadlines::{Deadline, Regime};
use crate::domain::event::EventKind;
use crate::domain::regulator::StageNote;
use crate::domain::{Body, Campaign, Case, CaseId, Event, Reference};
use crate::standing::{self, Owed};
use crate::store::{CaseFilter, CaseTimeline, MessageRow, OutboxRow, Store, TimelineFilter};
use crate::templates::{context, ContextParts, Renderer, TemplateSet};
use anyhow::{bail, Context as _};
use chrono::NaiveDate;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The most cases one pack holds (a bigger selection is refused: narrow it).
pub const MAX_CASES: usize = 2000;
/// The most bytes of one message's text written to `messages.txt` and `request.txt`.
pub const MAX_TEXT: usize = 256 * 1024;
/// The folder of the built-in letter, and of a campaign's own.
pub const LETTER_DIR: &str = "complaint-letter";

const BUILTIN_SUBJECT: &str = include_str!("../../templates/complaint-letter/subject.hbs");
const BUILTIN_LETTER: &str = include_str!("../../templates/complaint-letter/body.txt.hbs");

/// What to pack.
#[derive(Debug, Clone)]
pub struct PackRequest {
    pub campaign: String,
    pub overdue_since: Option<NaiveDate>,
    pub case: Option<Reference>,
    /// A folder with `subject.hbs` and `body.txt.hbs` for the letter.
    pub letter: Option<PathBuf>,
    pub out: PathBuf,
}

/// One case's folder.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PackedCase {
    pub reference: String,
    pub body: String,
    pub folder: String,
    /// Why it is in the pack: the overdue clocks, or the regulator stage.
    pub why: String,
    pub emails: usize,
    pub attachments: usize,
}

/// A case chosen, with what the letter and the folder need.
struct Chosen<'a> {
    t: &'a CaseTimeline,
    regime: &'a Regime,
    deadline: Option<Deadline>,
    /// Running clocks past their due date today: (due, which, working days overdue).
    overdue: Vec<(NaiveDate, Owed, i64)>,
    why: String,
}

/// Write the pack; returns its cases (none: nothing was written).
pub async fn write_complaint_pack(
    store: &Store,
    settings: &Settings,
    clock: &dyn Clock,
    req: &PackRequest,
) -> anyhow::Result<Vec<PackedCase>> {
    let out = &req.out;
    if out.exists() && !out.is_dir() {
        bail!("{} is a file: --out needs a folder", out.display());
    }
    if is_non_empty_dir(out) {
        bail!(
            "{} is not empty: choose a new folder for the pack",
            out.display()
        );
    }
    let campaign = store.require_campaign(&req.campaign).await?;
    let timelines = store
        .case_timelines(&TimelineFilter {
            campaign_id: Some(campaign.id),
            ..Default::default()
        })
        .await?;
    let steps = crate::casework::chasers::review_steps(Path::new(&campaign.template_dir));
    let review = |s: &str| steps.iter().any(|x| x == s);
    let chosen = choose(&timelines, settings, clock, req, &review)?;
    if chosen.is_empty() {
        return Ok(Vec::new());
    }
    if chosen.len() > MAX_CASES {
        bail!(
            "{} cases would go in the pack, more than {MAX_CASES}: narrow it with --overdue-since or --case",
            chosen.len()
        );
    }
    let letter = letter_renderer(Path::new(&campaign.template_dir), req.letter.as_deref())?;
    let mut cases: HashMap<CaseId, Case> = store
        .cases(&CaseFilter {
            campaign_id: Some(campaign.id),
            ..Default::default()
        })
        .await?
        .into_iter()
        .map(|c| (c.id, c))
        .collect();
    let bodies = store.bodies_by_id().await?;
    let mut outbox: HashMap<String, Vec<OutboxRow>> = HashMap::new();
    for row in store.outbox(None, None).await? {
        if row.kind.starts_with("chaser") {
            outbox.entry(row.reference.clone()).or_default().push(row);
        }
    }
    // Written beside the folder, then renamed into place: a failure leaves no half pack.
    let part = part_dir(out);
    let _ = std::fs::remove_dir_all(&part);
    std::fs::create_dir_all(&part).with_context(|| format!("cannot create {}", part.display()))?;
    let written = async {
        let mut packed = Vec::with_capacity(chosen.len());
        for c in &chosen {
            let case = cases
                .remove(&c.t.id)
                .with_context(|| format!("case {} vanished", c.t.reference))?;
            let body = bodies.get(&case.body_id);
            let chasers = outbox
                .get(c.t.reference.as_str())
                .map(Vec::as_slice)
                .unwrap_or(&[]);
            let ctx = LetterFacts {
                store,
                settings,
                clock,
                campaign: &campaign,
                letter: &letter,
                steps: &steps,
            };
            packed.push(ctx.write_case(c, &case, body, chasers, &part).await?);
        }
        std::fs::write(part.join("index.txt"), index_text(&req.campaign, &packed))
            .context("cannot write index.txt")?;
        anyhow::Ok(packed)
    }
    .await;
    let packed = match written {
        Ok(p) => p,
        Err(e) => {
            let _ = std::fs::remove_dir_all(&part);
            return Err(e);
        }
    };
    if out.is_dir() {
        // (empty, checked above)
        std::fs::remove_dir(out).with_context(|| format!("cannot replace {}", out.display()))?;
    }
    std::fs::rename(&part, out).with_context(|| format!("cannot write {}", out.display()))?;
    Ok(packed)
}

/// The folder a pack is written in before it is renamed to `out`.
fn part_dir(out: &Path) -> PathBuf {
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "pack".into());
    out.with_file_name(format!(".{name}.part"))
}

/// The cases the request picks, in case order.
fn choose<'a>(
    timelines: &'a [CaseTimeline],
    settings: &'a Settings,
    clock: &dyn Clock,
    req: &PackRequest,
    review: &dyn Fn(&str) -> bool,
) -> anyhow::Result<Vec<Chosen<'a>>> {
    if let Some(r) = &req.case {
        if !timelines.iter().any(|t| &t.reference == r) {
            bail!(
                "case {r} is not in campaign {}: check the reference (`foi cases list --campaign {}`)",
                req.campaign,
                req.campaign
            );
        }
    }
    let mut out = Vec::new();
    for t in timelines {
        if req.case.as_ref().is_some_and(|r| r != &t.reference) {
            continue;
        }
        let regime = settings.regimes.get(&t.regime).with_context(|| {
            format!(
                "case {}: unknown regime '{}' (`foi regimes` lists them)",
                t.reference, t.regime
            )
        })?;
        let deadline = standing::deadline(regime, &t.events, review)
            .with_context(|| format!("case {}", t.reference))?;
        if deadline.is_none() && req.case.is_some() {
            bail!(
                "case {} has not been sent yet ({}): there is nothing to complain about",
                t.reference,
                t.status
            );
        }
        let today = clock.today_in(regime.time_zone());
        let mut overdue = Vec::new();
        if let Some(d) = deadline.as_ref().filter(|_| standing::clocks_run(t.status)) {
            for s in standing::standings(regime, d, &t.events, today) {
                let since_ok = match req.overdue_since {
                    None => true,
                    Some(since) => regime
                        .working_days_between(s.due_date, since)
                        .is_ok_and(|n| n >= 1),
                };
                if s.working_days_overdue >= 1 && since_ok {
                    overdue.push((s.due_date, s.owed, s.working_days_overdue));
                }
            }
        }
        let complained = t.events.iter().any(|e| e.kind.is_regulator_stage());
        let why = if !overdue.is_empty() {
            let clocks: Vec<String> = overdue
                .iter()
                .map(|(due, owed, n)| {
                    format!(
                        "{} due {due}, {n} working days overdue",
                        owed.as_str().replace('_', " ")
                    )
                })
                .collect();
            clocks.join("; ")
        } else if req.case.is_some() {
            "chosen by --case".to_string()
        } else if complained && req.overdue_since.is_none() {
            "at the regulator stage".to_string()
        } else {
            continue;
        };
        out.push(Chosen {
            t,
            regime,
            deadline,
            overdue,
            why,
        });
    }
    Ok(out)
}

/// The letter's templates: `--letter DIR`, else the campaign folder's
/// `complaint-letter/`, else the built-in one.
fn letter_renderer(campaign_dir: &Path, letter: Option<&Path>) -> anyhow::Result<Renderer> {
    let own = campaign_dir.join(LETTER_DIR);
    let dir = letter
        .map(Path::to_path_buf)
        .or_else(|| own.is_dir().then_some(own));
    let set = match dir {
        Some(dir) => TemplateSet::load(&dir)
            .with_context(|| format!("the complaint letter in {}", dir.display()))?,
        None => TemplateSet {
            dir: PathBuf::from(LETTER_DIR),
            subject: BUILTIN_SUBJECT.into(),
            text: BUILTIN_LETTER.into(),
            html: None,
            campaign_fields: Default::default(),
        },
    };
    Renderer::new(&set).context("the complaint letter")
}

/// What writing one case's folder needs.
struct LetterFacts<'a> {
    store: &'a Store,
    settings: &'a Settings,
    clock: &'a dyn Clock,
    campaign: &'a Campaign,
    letter: &'a Renderer,
    /// The campaign's chaser steps that request an internal review.
    steps: &'a [String],
}

impl LetterFacts<'_> {
    async fn write_case(
        &self,
        c: &Chosen<'_>,
        case: &Case,
        body: Option<&Body>,
        chasers: &[OutboxRow],
        part: &Path,
    ) -> anyhow::Result<PackedCase> {
        let folder = folder_name(&case.reference, case.body_key.as_str());
        let dir = part.join(&folder);
        let evidence = write_evidence(
            self.store,
            &self.settings.regimes,
            self.clock,
            case,
            &dir.join("emails"),
        )
        .await?;
        let messages = self.store.case_messages(case.id).await?;
        let write = |name: &str, text: &str| {
            let path = dir.join(name);
            std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))
        };
        let request = messages.iter().position(|m| m.direction == "outbound");
        let mut all = String::new();
        let mut request_text = None;
        for (i, m) in messages.iter().enumerate() {
            let text = message_text(i + 1, m, self.text_of(m).await?.as_deref());
            all.push_str(&text);
            all.push('\n');
            if Some(i) == request {
                request_text = Some(text);
            }
        }
        if messages.is_empty() {
            all.push_str("(no emails)\n");
        }
        write(
            "request.txt",
            request_text
                .as_deref()
                .unwrap_or("No email of the request is stored (sent by hand, or not sent).\n"),
        )?;
        write("messages.txt", &all)?;
        let review = |s: &str| self.steps.iter().any(|x| x == s);
        write("deadline.txt", &deadline_text(c, &review)?)?;
        write(
            "chasers.txt",
            &chasers_text(&c.t.events, chasers, &messages),
        )?;
        let letter = self.letter(c, case, body, &messages, request)?;
        write("letter.txt", &letter)?;
        Ok(PackedCase {
            reference: case.reference.to_string(),
            body: case.body_name.clone(),
            folder,
            why: c.why.clone(),
            emails: evidence.emails,
            attachments: evidence.attachments,
        })
    }

    /// A message's text: kept at ingestion (a reply), kept when the case page first showed
    /// it, or read from its raw email with the configured bounds (an email we sent).
    async fn text_of(&self, m: &MessageRow) -> anyhow::Result<Option<String>> {
        if m.text_body.is_some() {
            return Ok(m.text_body.clone());
        }
        if let Some(kept) = self.store.message_display(m.id).await? {
            if kept.text.is_some() {
                return Ok(kept.text);
            }
        }
        let Some(raw) = self.store.blob(&m.raw_sha256).await? else {
            return Ok(None);
        };
        let limits = crate::ingest::pipeline::limits(&self.settings.fetch);
        let parsed =
            tokio::task::spawn_blocking(move || crate::ingest::parse::parse(&raw, &limits))
                .await
                .map_err(|e| anyhow::anyhow!("parsing an email failed: {e}"))?;
        Ok(Some(parsed.text_body))
    }

    /// Render the letter (its subject as the first line).
    fn letter(
        &self,
        c: &Chosen<'_>,
        case: &Case,
        body: Option<&Body>,
        messages: &[MessageRow],
        request: Option<usize>,
    ) -> anyhow::Result<String> {
        let today = self.clock.today_in(c.regime.time_zone());
        let body = body.cloned().with_context(|| {
            format!(
                "case {}: its body is no longer in the directory",
                case.reference
            )
        })?;
        let sender = sender_vars(&self.settings.sender);
        let reply = self.settings.reply.address(&case.token);
        let mut ctx = context(&ContextParts {
            body: &body,
            campaign: self.campaign,
            campaign_fields: &Default::default(),
            reference: &case.reference,
            reply_address: &reply,
            sender: &sender,
            today,
        });
        let subject = request.map(|i| clean(&messages[i].subject, 500));
        if let Some(obj) = ctx.as_object_mut() {
            let review = |s: &str| self.steps.iter().any(|x| x == s);
            for (k, v) in case_facts(c, subject, &review) {
                match (obj.get_mut(&k), v) {
                    (Some(Value::Object(have)), Value::Object(more)) => have.extend(more),
                    (_, v) => {
                        obj.insert(k, v);
                    }
                }
            }
        }
        let r = self
            .letter
            .render(&ctx, &case.reference)
            .map_err(|e| anyhow::anyhow!("case {}: the complaint letter's {e}", case.reference))?;
        Ok(format!("{}\n\n{}", r.subject, r.text))
    }
}

/// The facts of a case the letter may state (`null` where the record has none).
fn case_facts(
    c: &Chosen<'_>,
    subject: Option<String>,
    review_step: &dyn Fn(&str) -> bool,
) -> serde_json::Map<String, Value> {
    let events = &c.t.events;
    let d = c.deadline.as_ref();
    let date = |x: Option<NaiveDate>| x.map(|d| d.to_string());
    let late = |owed: &[Owed]| {
        c.overdue
            .iter()
            .find(|(_, o, _)| owed.contains(o))
            .map(|(_, _, n)| *n)
    };
    let answer = standing::derive(c.t.status, events, review_step).answer;
    let answered_late = answer.and_then(|a| {
        let d = standing::deadline(c.regime, &events[..=a.first_index], review_step).ok()??;
        d.due().map(|due| a.first_on > due)
    });
    let review = d.and_then(|d| d.review());
    let complaint = events
        .iter()
        .find(|e| e.kind == EventKind::ComplaintToRegulator);
    let regulator_ref = events
        .iter()
        .filter(|e| e.kind.is_regulator_stage() && e.kind != EventKind::DecisionNotice)
        .find_map(|e| StageNote::parse(e.note.as_deref()?).reference);
    let decision = events
        .iter()
        .rev()
        .find(|e| e.kind == EventKind::DecisionNotice);
    let dn = decision.map(|e| StageNote::parse(e.note.as_deref().unwrap_or("")));
    let chasers: Vec<Value> = events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::ChaserSent { step } => Some(json!({"step": step, "date": e.on.to_string()})),
            _ => None,
        })
        .collect();
    let (name, law) = regulator_of(c.t.regime.as_str());
    let def = c.regime.def();
    let facts = json!({
        "case": {
            "regime": c.t.regime,
            "status": c.t.status.as_str(),
            "subject": subject,
            "sent_date": date(d.map(|d| d.received())),
            "due_date": date(d.and_then(|d| d.due())),
            "limit": def.unit.amount(def.period),
            "answered_date": date(answer.map(|a| a.first_on)),
            "outcome": answer.map(|a| outcome_words(a.outcome)),
            "answered_late": answered_late.unwrap_or(false),
            "working_days_overdue": late(&[Owed::Response, Owed::ResponseAfterClarification]),
        },
        "review": {
            "requested_date": date(review.map(|r| r.requested)),
            "due_date": date(review.map(|r| r.due)),
            "answered_date": date(review.and_then(|r| r.answered)),
            "working_days_overdue": late(&[Owed::InternalReview]),
        },
        "complaint": {
            "date": date(complaint.map(|e| e.on)),
            "regulator_ref": regulator_ref,
        },
        "decision": {
            "date": date(decision.map(|e| e.on)),
            "reference": dn.as_ref().and_then(|n| n.reference.clone()),
            "outcome": dn.as_ref().and_then(|n| n.outcome).map(|o| o.label()),
            "comply_by": date(dn.as_ref().and_then(|n| n.comply_by)),
            "working_days_overdue": late(&[Owed::RegulatorCompliance]),
        },
        "chasers": chasers,
        "regulator": { "name": name, "law": law },
    });
    match facts {
        Value::Object(m) => m,
        _ => unreachable!("json! of an object"),
    }
}

/// A case's folder: its reference and its body's key, every character of the key that is
/// not a letter, digit, `-` or `_` as `_`, cut to 60 (the reference alone is unique; the key
/// is for people).
pub fn folder_name(reference: &Reference, key: &str) -> String {
    let key: String = key
        .chars()
        .take(60)
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if key.is_empty() {
        reference.to_string()
    } else {
        format!("{reference}-{key}")
    }
}

/// An answer's outcome as the letter says it.
fn outcome_words(o: standing::Outcome) -> &'static str {
    match o {
        standing::Outcome::Response => "a response",
        standing::Outcome::PartialResponse => "a partial response",
        standing::Outcome::NotHeld => "the information is not held",
        standing::Outcome::Refusal => "a refusal",
    }
}

/// The regulator a regime's complaints go to, and the law's name.
pub fn regulator_of(regime: &str) -> (&'static str, &'static str) {
    match regime {
        "scotland-foisa" => (
            "the Scottish Information Commissioner",
            "Freedom of Information (Scotland) Act 2002",
        ),
        "uk-eir" => (
            "the Information Commissioner's Office",
            "Environmental Information Regulations 2004",
        ),
        r if r.starts_with("uk-") => (
            "the Information Commissioner's Office",
            "Freedom of Information Act 2000",
        ),
        _ => ("the regulator", "the freedom of information law"),
    }
}

/// Drop the control characters (all but newline and tab) and cut at `max` bytes.
fn clean(s: &str, max: usize) -> String {
    let mut out: String = s
        .chars()
        .filter(|c| !c.is_control() || *c == '\n' || *c == '\t')
        .collect();
    if out.len() > max {
        let mut cut = max;
        while !out.is_char_boundary(cut) {
            cut -= 1;
        }
        let more = out.len() - cut;
        out.truncate(cut);
        let _ = write!(out, "\n[... {more} more bytes: see the email itself]");
    }
    out
}

/// One message as text: its headers and its text (its attachments named).
fn message_text(n: usize, m: &MessageRow, text: Option<&str>) -> String {
    let mut t = String::new();
    let _ = writeln!(t, "=== {} ===", eml_name(n, m));
    let _ = writeln!(t, "Date:    {}", m.at.format("%Y-%m-%d %H:%M UTC"));
    let _ = writeln!(t, "From:    {}", clean(&m.from_addr, 500));
    let _ = writeln!(t, "To:      {}", clean(&m.to_addr, 500));
    let _ = writeln!(t, "Subject: {}", clean(&m.subject, 1000));
    for a in &m.attachments {
        let _ = writeln!(
            t,
            "Attachment: {} ({} bytes)",
            clean(&a.file_name, 300),
            a.size
        );
    }
    t.push('\n');
    match text {
        Some(text) => t.push_str(&clean(text, MAX_TEXT)),
        None => t.push_str("(no text part: see the email itself)"),
    }
    t.push('\n');
    t
}

/// The deadline counted day by day, and each running clock today.
fn deadline_text(c: &Chosen<'_>, review: &dyn Fn(&str) -> bool) -> anyhow::Result<String> {
    let mut t = String::new();
    writeln!(t, "Case {} ({} regime)", c.t.reference, c.t.regime)?;
    for (due, owed, n) in &c.overdue {
        writeln!(
            t,
            "{} due {due}: {n} working days overdue",
            owed.as_str().replace('_', " ")
        )?;
    }
    t.push('\n');
    match standing::explain(c.regime, &c.t.events, review)? {
        None => writeln!(t, "not sent yet: the clock starts on the date of receipt")?,
        Some(explanation) => writeln!(t, "{explanation:#}")?,
    }
    Ok(t)
}

/// The chasers sent (their events) and their outbox emails, with the email's file name.
fn chasers_text(events: &[Event], outbox: &[OutboxRow], messages: &[MessageRow]) -> String {
    let mut t = String::from("Chasers sent on this case\n\n");
    let mut any = false;
    for e in events {
        if let EventKind::ChaserSent { step } = &e.kind {
            let _ = writeln!(t, "{} {step}", e.on);
            any = true;
        }
    }
    if !any {
        t.push_str("(none)\n");
    }
    if !outbox.is_empty() {
        t.push_str("\nChaser emails in the outbox\n\n");
    }
    for o in outbox {
        let file = messages
            .iter()
            .position(|m| m.message_id == o.message_id)
            .map(|i| format!(" emails/{}", eml_name(i + 1, &messages[i])))
            .unwrap_or_default();
        let _ = writeln!(
            t,
            "{} to {} ({}{}){file}",
            o.kind,
            clean(&o.recipient, 300),
            o.state.as_str(),
            o.sent_at
                .map(|s| format!(", sent {}", s.format("%Y-%m-%d %H:%M UTC")))
                .unwrap_or_default()
        );
    }
    t
}

/// The pack's table of contents.
fn index_text(campaign: &str, packed: &[PackedCase]) -> String {
    let mut t = format!(
        "Complaint pack for campaign {campaign}: {} case(s)\n\nEach folder: letter.txt (for the regulator's form), request.txt, messages.txt, deadline.txt, chasers.txt, emails/ (each email as sent or received, its attachments, timeline.txt)\n\n",
        packed.len()
    );
    for p in packed {
        let _ = writeln!(
            t,
            "{}  {} ({}): {}",
            p.folder,
            clean(&p.body, 300),
            p.reference,
            p.why
        );
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_loses_control_characters_and_is_cut_on_a_character() {
        assert_eq!(clean("a\u{1b}[31mb\r\n\tc\u{7}", 100), "a[31mb\n\tc");
        let cut = clean(&"é".repeat(10), 5);
        assert!(cut.starts_with("éé\n[... 16 more bytes"), "{cut}");
    }

    #[test]
    fn folder_names_are_safe() {
        let r = Reference::parse("CMP-0001").unwrap();
        assert_eq!(folder_name(&r, "B/2"), "CMP-0001-B_2");
        assert_eq!(folder_name(&r, "../..\u{202e}x"), "CMP-0001-______x");
        assert_eq!(folder_name(&r, ""), "CMP-0001");
        assert_eq!(
            folder_name(&r, &"k".repeat(100)).len(),
            "CMP-0001-".len() + 60
        );
    }

    #[test]
    fn each_regime_names_its_regulator() {
        assert_eq!(
            regulator_of("scotland-foisa").0,
            "the Scottish Information Commissioner"
        );
        assert_eq!(
            regulator_of("uk-eir").1,
            "Environmental Information Regulations 2004"
        );
        assert_eq!(
            regulator_of("uk-foia-school").0,
            "the Information Commissioner's Office"
        );
        assert_eq!(regulator_of("nz-oia").0, "the regulator");
    }

    #[test]
    fn the_built_in_letter_compiles_and_a_bad_one_is_named() {
        assert!(letter_renderer(Path::new("/nonexistent"), None).is_ok());
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("subject.hbs"), "x").unwrap();
        std::fs::write(dir.path().join("body.txt.hbs"), "{{#if}").unwrap();
        let e = letter_renderer(Path::new("/nonexistent"), Some(dir.path())).unwrap_err();
        assert!(format!("{e:#}").contains("complaint letter"), "{e:#}");
    }
}
