//! Coding a campaign's answers: a campaign's questions (read from its folder), a person's
//! answers case by case or from a CSV file (all or nothing), keyword suggestions from the
//! replies' text, and confirming them.
//!
//! The library API the CLI, the report and the dashboard share. Sees `domain`, `store`,
//! `templates` (the campaign file's name) and `text::fresh_text` (the new part
//! of a reply, without the quoted request: our own request names the very keywords the
//! rules look for). Time comes in as an argument.
//!
//! Semantics:
//! - `key=value` sets a confirmed answer (validated and made canonical); `key=` clears it.
//! - Setting a confirmed answer drops that question's suggestion; a suggestion is never
//!   made for a question a person has answered.
//! - In a CSV file an empty cell leaves the answer unchanged (clearing is `foi case answer
//!   REF key=`), columns of `foi export cases` that are not questions are ignored, any other
//!   column is an error, so a typo never goes unnoticed.

use crate::domain::body_csv::RowError;
use crate::domain::csv_lines::{record_line, LineIndex};
use crate::domain::question::RESERVED_KEYS;
use crate::domain::{Campaign, Case, Questions};
use crate::domain::{CampaignId, CaseId, MessageId};
use crate::store::{
    AnswerChange, AnswerFilter, AnswerRow, AnswerState, CaseDocumentUnit, InboundText,
    NewSuggestion, Store,
};
use anyhow::Context;
use chrono::{DateTime, Utc};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

/// The questions of a campaign: the `[[questions]]` of its folder's `campaign.toml` (none
/// when the file does not exist).
pub fn campaign_questions(campaign: &Campaign) -> anyhow::Result<Questions> {
    let path = Path::new(&campaign.template_dir).join(crate::templates::CAMPAIGN_FILE);
    if !path.exists() {
        return Ok(Questions::default());
    }
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    Questions::parse(&text).with_context(|| {
        format!(
            "the questions of campaign '{}' ({}) are not valid",
            campaign.name,
            path.display()
        )
    })
}

/// Questions by campaign, each folder read once.
#[derive(Debug, Default)]
pub struct QuestionBook {
    by_name: HashMap<String, Questions>,
}

impl QuestionBook {
    /// The questions of the campaign named `name`.
    pub async fn get(&mut self, store: &Store, name: &str) -> anyhow::Result<&Questions> {
        if !self.by_name.contains_key(name) {
            let campaign = store.require_campaign(name).await?;
            let q = campaign_questions(&campaign)?;
            self.by_name.insert(name.to_string(), q);
        }
        Ok(&self.by_name[name])
    }
}

/// Split `key=value` arguments (the value may contain `=`; an empty value clears).
pub fn parse_assignments(args: &[String]) -> Result<Vec<(String, String)>, String> {
    args.iter()
        .map(|a| {
            a.split_once('=')
                .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
                .filter(|(k, _)| !k.is_empty())
                .ok_or_else(|| format!("'{a}' is not key=value (e.g. camera_count=12)"))
        })
        .collect()
}

/// Validate a person's answers for one case: every problem, or the changes to make.
pub fn plan_case_answers(
    questions: &Questions,
    case_id: CaseId,
    pairs: &[(String, String)],
) -> Result<Vec<AnswerChange>, Vec<String>> {
    let mut errors = Vec::new();
    let mut changes: Vec<AnswerChange> = Vec::new();
    let mut seen = HashSet::new();
    for (key, raw) in pairs {
        if !seen.insert(key.as_str()) {
            errors.push(format!("{key}: given twice"));
            continue;
        }
        let q = match questions.require(key) {
            Ok(q) => q,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        let value = if raw.trim().is_empty() {
            None
        } else {
            match q.validate(raw) {
                Ok(v) => Some(v),
                Err(why) => {
                    errors.push(format!("{key}: {why}"));
                    continue;
                }
            }
        };
        changes.push(AnswerChange {
            case_id,
            question: key.clone(),
            value,
        });
    }
    if errors.is_empty() {
        Ok(changes)
    } else {
        Err(errors)
    }
}

/// A CSV file of answers, checked: the changes it makes and what it leaves as it is.
#[derive(Debug, Default, serde::Serialize)]
pub struct ImportPlan {
    /// Rows read (cases named).
    pub rows: usize,
    /// Answers that are new or different.
    #[serde(skip)]
    pub changes: Vec<AnswerChange>,
    /// Non-empty cells equal to the stored answer.
    pub unchanged: usize,
}

/// A row error at `line`, in `column` if it is one cell's.
fn row_error(line: u64, column: Option<&str>, reason: String) -> RowError {
    RowError {
        line,
        column: column.map(String::from),
        reason,
    }
}

/// Check a CSV file of answers (`reference` and one column per question key) against the
/// stored cases and their campaigns' questions. Every problem is reported with its line
/// and column; nothing is written.
pub async fn plan_import(
    store: &Store,
    csv_bytes: &[u8],
) -> anyhow::Result<Result<ImportPlan, Vec<RowError>>> {
    let bytes = csv_bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(csv_bytes);
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .trim(csv::Trim::All)
        .from_reader(bytes);
    let headers: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(|c| c.trim().to_string()).collect(),
        Err(e) => {
            let why = format!("cannot read the header: {e}");
            return Ok(Err(vec![row_error(1, None, why)]));
        }
    };
    let Some(ref_col) = headers.iter().position(|h| h == "reference") else {
        return Ok(Err(vec![row_error(
            1,
            None,
            "there is no 'reference' column: the first line must name the columns, e.g. reference,camera_count".into(),
        )]));
    };
    let mut check = ImportCheck::new(store, headers, ref_col).await?;
    let mut record = csv::StringRecord::new();
    // (lines counted from byte offsets: right for CRLF files too)
    let index = LineIndex::new(bytes);
    loop {
        let line = index.record_line_of(reader.position().byte());
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let line = record_line(&index, e.position(), line);
                check
                    .errors
                    .push(row_error(line, None, format!("not valid CSV: {e}")));
                break;
            }
        }
        let line = record_line(&index, record.position(), line);
        check.row(store, line, &record).await;
    }
    Ok(check.finish())
}

/// An answers file being checked, row by row.
struct ImportCheck {
    headers: Vec<String>,
    ref_col: usize,
    /// Every case, by reference.
    cases: HashMap<String, Case>,
    /// The confirmed answers stored, by case and question.
    current: HashMap<(CaseId, String), String>,
    book: QuestionBook,
    plan: ImportPlan,
    errors: Vec<RowError>,
    /// Columns some row's campaign asks.
    matched_columns: HashSet<usize>,
    /// Values in columns the row's campaign does not ask.
    misplaced: Vec<RowError>,
    campaigns_seen: Vec<String>,
    first_line: HashMap<CaseId, u64>,
}

impl ImportCheck {
    async fn new(store: &Store, headers: Vec<String>, ref_col: usize) -> anyhow::Result<Self> {
        let mut errors = Vec::new();
        let mut dup = HashSet::new();
        for h in &headers {
            if !dup.insert(h.as_str()) {
                errors.push(row_error(1, Some(h), "this column appears twice".into()));
            }
        }
        let cases = store
            .cases(&Default::default())
            .await?
            .into_iter()
            .map(|c| (c.reference.as_str().to_string(), c))
            .collect();
        let current = store
            .answers(&AnswerFilter {
                state: Some(AnswerState::Confirmed),
                ..Default::default()
            })
            .await?
            .into_iter()
            .map(|a| ((a.case_id, a.question), a.value))
            .collect();
        Ok(Self {
            headers,
            ref_col,
            cases,
            current,
            book: QuestionBook::default(),
            plan: ImportPlan::default(),
            errors,
            matched_columns: HashSet::new(),
            misplaced: Vec::new(),
            campaigns_seen: Vec::new(),
            first_line: HashMap::new(),
        })
    }

    /// Check one row (at `line`): its case, then each of its cells.
    async fn row(&mut self, store: &Store, line: u64, record: &csv::StringRecord) {
        let raw_ref = record.get(self.ref_col).unwrap_or("");
        let reference = crate::domain::Reference::parse(raw_ref)
            .map(|r| r.as_str().to_string())
            .unwrap_or_else(|| raw_ref.to_string());
        let Some(case) = self.cases.get(&reference) else {
            let why = if raw_ref.is_empty() {
                "the reference is empty".to_string()
            } else {
                format!("no case with reference '{raw_ref}'")
            };
            self.errors.push(row_error(line, Some("reference"), why));
            return;
        };
        if let Some(first) = self.first_line.insert(case.id, line) {
            let why = format!("{reference} is on line {first} already");
            self.errors.push(row_error(line, Some("reference"), why));
            return;
        }
        self.plan.rows += 1;
        if !self.campaigns_seen.contains(&case.campaign) {
            self.campaigns_seen.push(case.campaign.clone());
        }
        let questions = match self.book.get(store, &case.campaign).await {
            Ok(q) => q,
            Err(e) => {
                let why = format!("{e:#}");
                self.errors.push(row_error(line, Some("reference"), why));
                return;
            }
        };
        for (i, column) in self.headers.iter().enumerate() {
            if i == self.ref_col {
                continue;
            }
            // An export guards formula-like cells with a leading ': the answer is without it.
            let cell = crate::text::restore_formula(record.get(i).unwrap_or(""));
            let Some(q) = questions.get(column) else {
                if !cell.is_empty() && !RESERVED_KEYS.contains(&column.as_str()) {
                    self.misplaced.push(row_error(
                        line,
                        Some(column),
                        format!(
                            "not a question of campaign '{}' (questions: {})",
                            case.campaign,
                            questions.keys().join(", ")
                        ),
                    ));
                }
                continue;
            };
            self.matched_columns.insert(i);
            if cell.is_empty() {
                continue;
            }
            match q.validate(cell) {
                Ok(v) if self.current.get(&(case.id, q.key.clone())) == Some(&v) => {
                    self.plan.unchanged += 1
                }
                Ok(v) => self.plan.changes.push(AnswerChange {
                    case_id: case.id,
                    question: q.key.clone(),
                    value: Some(v),
                }),
                Err(why) => self.errors.push(row_error(line, Some(column), why)),
            }
        }
    }

    /// The plan, or every problem (by line).
    fn finish(mut self) -> Result<ImportPlan, Vec<RowError>> {
        // A column no row's campaign asks is a typo or the wrong file, even when it is
        // empty; a value in a column only another row's campaign asks is a mistake on its
        // line.
        let unknown: Vec<&String> = self
            .headers
            .iter()
            .enumerate()
            .filter(|(i, c)| {
                *i != self.ref_col
                    && !self.matched_columns.contains(i)
                    && !RESERVED_KEYS.contains(&c.as_str())
            })
            .map(|(_, c)| c)
            .collect();
        self.errors.extend(self.misplaced.into_iter().filter(|e| {
            !unknown
                .iter()
                .any(|u| e.column.as_deref() == Some(u.as_str()))
        }));
        for column in unknown {
            if self.plan.rows > 0 {
                let why = format!(
                    "not a question of campaign {}",
                    self.campaigns_seen.join(", ")
                );
                self.errors.push(row_error(1, Some(column), why));
            }
        }
        self.errors.sort_by_key(|e| e.line);
        if self.errors.is_empty() {
            Ok(self.plan)
        } else {
            Err(self.errors)
        }
    }
}

/// What an import did.
#[derive(Debug, serde::Serialize)]
pub struct ImportOutcome {
    pub rows: usize,
    pub changed: u64,
    pub unchanged: usize,
}

/// Check a CSV file of answers and, only when every line is good, apply it in one
/// transaction. `Ok(Err(problems))` means nothing was changed.
pub async fn import(
    store: &Store,
    csv_bytes: &[u8],
    actor: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<Result<ImportOutcome, Vec<RowError>>> {
    let plan = match plan_import(store, csv_bytes).await? {
        Ok(p) => p,
        Err(e) => return Ok(Err(e)),
    };
    let changed = store.apply_answers(&plan.changes, actor, now).await?;
    Ok(Ok(ImportOutcome {
        rows: plan.rows,
        changed,
        unchanged: plan.unchanged,
    }))
}

/// A person codes a case's answers (`key=value` pairs; an empty value clears): every
/// value is checked against its question first, and if any is wrong (each is named, with
/// why), or the caller found `problems` already in what was typed, none is saved and every
/// problem is returned at once. Otherwise returns the changes made and how many differed
/// from the stored answers.
pub async fn answer_case(
    store: &Store,
    case: &Case,
    pairs: &[(String, String)],
    mut problems: Vec<String>,
    actor: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<Result<(Vec<AnswerChange>, u64), Vec<String>>> {
    let campaign = store.require_campaign(&case.campaign).await?;
    let questions = campaign_questions(&campaign)?;
    let changes = match plan_case_answers(&questions, case.id, pairs) {
        Ok(c) if problems.is_empty() => c,
        Ok(_) => return Ok(Err(problems)),
        Err(more) => {
            problems.extend(more);
            return Ok(Err(problems));
        }
    };
    let n = store.apply_answers(&changes, actor, now).await?;
    Ok(Ok((changes, n)))
}

/// Why a suggestion could not be confirmed.
#[derive(Debug, thiserror::Error)]
pub enum ConfirmError {
    #[error("case {reference} has no suggestion for '{key}'")]
    NoSuggestion { reference: String, key: String },
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
}

/// A person confirms the suggested answer to `key` on `case`: from then on it counts as
/// theirs.
pub async fn confirm_suggestion(
    store: &Store,
    case: &Case,
    key: &str,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<u64, ConfirmError> {
    let found = store
        .answers(&AnswerFilter {
            case_id: Some(case.id),
            state: Some(AnswerState::Suggested),
            ..Default::default()
        })
        .await?;
    if !found.iter().any(|a| a.question == key) {
        return Err(ConfirmError::NoSuggestion {
            reference: case.reference.to_string(),
            key: key.to_string(),
        });
    }
    Ok(store
        .confirm_suggestions(&[(case.id, key.to_string())], actor, now)
        .await?)
}

/// A person confirms every pending suggestion of a campaign. Returns how many.
pub async fn confirm_campaign_suggestions(
    store: &Store,
    campaign: &Campaign,
    actor: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<u64> {
    let keys: Vec<(CaseId, String)> = store
        .answers(&AnswerFilter {
            campaign_id: Some(campaign.id),
            state: Some(AnswerState::Suggested),
            ..Default::default()
        })
        .await?
        .into_iter()
        .map(|a| (a.case_id, a.question))
        .collect();
    Ok(store.confirm_suggestions(&keys, actor, now).await?)
}

/// Which replies to read for suggestions.
#[derive(Debug, Clone, Copy, Default)]
pub struct SuggestScope {
    pub campaign_id: Option<CampaignId>,
    /// Only messages with a larger id (the ones a fetch just stored).
    pub after_message: Option<MessageId>,
}

/// What a suggestion run did.
#[derive(Debug, Default, serde::Serialize)]
pub struct SuggestSummary {
    /// Replies read.
    pub messages: usize,
    /// Units of their documents' text read (pages, cells).
    pub document_units: usize,
    /// Suggestions found (one per case and question: the latest reply's).
    pub found: usize,
    /// Suggestions new or changed in the database.
    pub stored: u64,
    /// Campaigns whose questions could not be read, with why (their replies are skipped).
    pub skipped: Vec<String>,
}

/// Run every question's keyword rules over the new part of the inbound replies in scope
/// and over the text of their documents (`attachment_texts`), count the spreadsheet rows
/// of the questions that count rows, and store what they suggest (the latest matching
/// email or document wins: a reply's documents count as later than its text). Questions
/// a person has answered get no suggestion. A suggestion from a document says where:
/// `in cameras.xlsx Sheet1!B4: …`.
pub async fn suggest(
    store: &Store,
    scope: SuggestScope,
    now: DateTime<Utc>,
) -> anyhow::Result<SuggestSummary> {
    let mut summary = SuggestSummary::default();
    let texts = store
        .inbound_texts(scope.campaign_id, scope.after_message)
        .await?;
    let units = store
        .case_document_units(scope.campaign_id, scope.after_message)
        .await?;
    let campaigns: HashMap<CampaignId, Campaign> = store
        .campaigns()
        .await?
        .into_iter()
        .map(|c| (c.id, c))
        .collect();
    let mut questions: HashMap<CampaignId, Option<Questions>> = HashMap::new();
    for id in texts
        .iter()
        .map(|t| t.campaign_id)
        .chain(units.iter().map(|u| u.campaign_id))
    {
        questions.entry(id).or_insert_with(|| {
            let c = campaigns.get(&id)?;
            match campaign_questions(c) {
                Ok(q) => Some(q),
                Err(e) => {
                    summary.skipped.push(format!("{}: {e:#}", c.name));
                    None
                }
            }
        });
    }
    let with_rules = |id: CampaignId| questions.get(&id)?.as_ref().filter(|q| q.has_rules());
    // Every source in the order it arrived: an email, then its documents, then the rows
    // counted in its spreadsheets (a stable sort keeps that order within an email).
    let mut sources: Vec<Source<'_>> = Vec::new();
    for t in &texts {
        if with_rules(t.campaign_id).is_some() {
            summary.messages += 1;
            sources.push(Source::Email(t));
        }
    }
    let mut sheets: BTreeMap<(CaseId, MessageId), Vec<&CaseDocumentUnit>> = BTreeMap::new();
    for u in &units {
        if with_rules(u.campaign_id).is_some() {
            summary.document_units += 1;
            sources.push(Source::Unit(u));
            sheets.entry((u.case_id, u.message_id)).or_default().push(u);
        }
    }
    sources.extend(sheets.into_values().map(Source::Rows));
    sources.sort_by_key(|s| s.when());
    // (case, question) -> suggestion; later sources overwrite earlier ones.
    let mut found: BTreeMap<(CaseId, String), NewSuggestion> = BTreeMap::new();
    for source in &sources {
        let (case_id, campaign_id, message_id) = source.whose();
        let Some(qs) = with_rules(campaign_id) else {
            continue;
        };
        for (key, value, evidence) in source.suggestions(qs) {
            found.insert(
                (case_id, key.clone()),
                NewSuggestion {
                    case_id,
                    question: key,
                    value,
                    message_id,
                    evidence,
                },
            );
        }
    }
    let found: Vec<NewSuggestion> = found.into_values().collect();
    summary.found = found.len();
    summary.stored = store.store_suggestions(&found, now).await?;
    Ok(summary)
}

/// Where a suggestion can come from.
enum Source<'a> {
    /// A reply's text (its new part is read).
    Email(&'a InboundText),
    /// A unit of a reply's document (a page, a cell).
    Unit(&'a CaseDocumentUnit),
    /// Every unit of a reply's documents, for the questions that count rows.
    Rows(Vec<&'a CaseDocumentUnit>),
}

/// The most cells named in a row count's evidence.
const MAX_EVIDENCE_CELLS: usize = 12;

impl Source<'_> {
    fn when(&self) -> (DateTime<Utc>, MessageId) {
        match self {
            Self::Email(t) => (t.at, t.message_id),
            Self::Unit(u) => (u.at, u.message_id),
            Self::Rows(us) => us
                .first()
                .map_or((DateTime::<Utc>::MIN_UTC, MessageId::new(0)), |u| {
                    (u.at, u.message_id)
                }),
        }
    }

    fn whose(&self) -> (CaseId, CampaignId, MessageId) {
        match self {
            Self::Email(t) => (t.case_id, t.campaign_id, t.message_id),
            Self::Unit(u) => (u.case_id, u.campaign_id, u.message_id),
            Self::Rows(us) => us.first().map_or(
                (CaseId::new(0), CampaignId::new(0), MessageId::new(0)),
                |u| (u.case_id, u.campaign_id, u.message_id),
            ),
        }
    }

    /// (question key, answer, evidence) for each question this source answers.
    fn suggestions(&self, qs: &Questions) -> Vec<(String, String, String)> {
        match self {
            Self::Email(t) => {
                let fresh = crate::text::fresh_text(&t.text);
                qs.suggest_all(&fresh)
                    .into_iter()
                    .map(|(q, v, e)| (q.key.clone(), v, e))
                    .collect()
            }
            Self::Unit(u) => qs
                .suggest_all(&u.text)
                .into_iter()
                .map(|(q, v, e)| (q.key.clone(), v, format!("in {}: {e}", where_in(u))))
                .collect(),
            Self::Rows(us) => {
                let cells: Vec<(String, &str)> =
                    us.iter().map(|u| (where_in(u), u.text.as_str())).collect();
                qs.iter()
                    .filter_map(|q| {
                        let n = q.count_rows_in(cells.iter().map(|(l, t)| (l.as_str(), *t)))?;
                        let shown = n.cells.len().min(MAX_EVIDENCE_CELLS);
                        let more = match n.cells.len() - shown {
                            0 => String::new(),
                            m => format!(" and {m} more"),
                        };
                        let evidence = format!(
                            "{} spreadsheet row(s) name {}: {}{more}",
                            n.rows,
                            q.count_rows.join(" or "),
                            n.cells[..shown].join(", ")
                        );
                        Some((q.key.clone(), n.rows.to_string(), evidence))
                    })
                    .collect()
            }
        }
    }
}

/// A document unit's place: the attachment's name and the unit's locator.
fn where_in(u: &CaseDocumentUnit) -> String {
    if u.locator.is_empty() {
        u.file_name.clone()
    } else {
        format!("{} {}", u.file_name, u.locator)
    }
}

/// A case's answers: the confirmed ones and the pending suggestions, by question key.
#[derive(Debug, Default, serde::Serialize)]
pub struct CaseAnswers {
    pub confirmed: BTreeMap<String, AnswerRow>,
    pub suggested: BTreeMap<String, AnswerRow>,
}

pub async fn case_answers(store: &Store, case_id: CaseId) -> anyhow::Result<CaseAnswers> {
    let mut out = CaseAnswers::default();
    for a in store
        .answers(&AnswerFilter {
            case_id: Some(case_id),
            ..Default::default()
        })
        .await?
    {
        let map = match a.state {
            AnswerState::Confirmed => &mut out.confirmed,
            AnswerState::Suggested => &mut out.suggested,
        };
        map.insert(a.question.clone(), a);
    }
    Ok(out)
}

/// Confirmed answers of a campaign: case id -> question key -> canonical value. What a
/// report counts.
pub async fn confirmed_answers(
    store: &Store,
    campaign_id: CampaignId,
) -> anyhow::Result<HashMap<CaseId, BTreeMap<String, String>>> {
    let mut out: HashMap<CaseId, BTreeMap<String, String>> = HashMap::new();
    for a in store
        .answers(&AnswerFilter {
            campaign_id: Some(campaign_id),
            state: Some(AnswerState::Confirmed),
            ..Default::default()
        })
        .await?
    {
        out.entry(a.case_id)
            .or_default()
            .insert(a.question, a.value);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn qs() -> Questions {
        Questions::parse(
            "[[questions]]\nkey = \"n\"\ntype = \"number\"\n[[questions]]\nkey = \"yn\"\ntype = \"yesno\"\n",
        )
        .unwrap()
    }

    #[test]
    fn assignments_split_on_the_first_equals() {
        let a = parse_assignments(&["n=12".into(), "t=a=b".into(), "yn=".into()]).unwrap();
        assert_eq!(a[1], ("t".into(), "a=b".into()));
        assert_eq!(a[2], ("yn".into(), String::new()));
        assert!(parse_assignments(&["n12".into()]).is_err());
        assert!(parse_assignments(&["=12".into()]).is_err());
    }

    #[test]
    fn a_case_plan_reports_every_problem_or_none() {
        let q = qs();
        let pairs = vec![
            ("n".to_string(), "1,200".to_string()),
            ("yn".into(), String::new()),
        ];
        let plan = plan_case_answers(&q, CaseId::new(7), &pairs).unwrap();
        assert_eq!(plan[0].value.as_deref(), Some("1200"));
        assert_eq!(plan[1].value, None, "an empty value clears");
        let bad = vec![
            ("n".to_string(), "many".to_string()),
            ("yn".into(), "perhaps".into()),
            ("nope".into(), "1".into()),
            ("n".into(), "2".into()),
        ];
        let errs = plan_case_answers(&q, CaseId::new(7), &bad).unwrap_err();
        assert_eq!(errs.len(), 4, "{errs:?}");
        assert!(errs[2].contains("questions: n, yn"));
        assert!(errs[3].contains("twice"));
    }
}
