//! Publishing a campaign (`foi publish`): gather its report, its cases with their dates and
//! confirmed answers, and every email on them; redact each case's text with the rules of
//! [`crate::text::redact`] (keeping the body's published FOI address); render the static
//! site and data package ([`crate::publish`]) into a folder beside the output, each case's
//! page as soon as its case is made (memory holds one batch of correspondence, never the
//! site), and rename it into place in one step. `check` lists what would be redacted and
//! what is left for a person to review.
//!
//! The figures are the report's ([`super::report::campaign_report`]) and the case rows the
//! export's ([`super::export::case_rows`]): nothing here counts anew. Sees `store`,
//! `ingest` (the hardened parser, for the text of what we sent and the From of replies),
//! `report`, `publish`, `text`, `deadlines` and `clock`.

use super::export::{case_rows, CaseExport};
use crate::clock::Clock;
use crate::deadlines::Regimes;
use crate::domain::{Campaign, CaseId};
use crate::ingest::parse::Limits;
use crate::publish::{Licence, Methods, PublishedCase, PublishedDocument, PublishedMessage, Site};
use crate::report::{compare, GroupBy, Report};
use crate::store::{AnswerState, CampaignDocument, CampaignMessage, Store};
use crate::text::redact::{Redacted, Redactor};
use anyhow::{bail, Context};
use chrono::NaiveDate;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

/// The marker file that says a folder was written by `foi publish` (and may be replaced).
pub const MARKER: &str = ".foi-publish";

/// The cases whose messages are read in one query.
const MESSAGE_BATCH: usize = 500;

/// The raw emails read in one query hold at most this many bytes together.
const RAW_CHUNK_BYTES: u64 = 8 << 20;

/// A published document's text is cut at this many characters.
const MAX_DOCUMENT_CHARS: usize = 2_000_000;

/// What a publication is made with.
pub struct Options<'a> {
    pub title: Option<String>,
    pub by: Option<GroupBy>,
    /// Terms a person listed for redaction (`--redact-file`).
    pub terms: Vec<String>,
    pub licence: Option<Licence>,
    /// Publish the attachments a person marked (`foi attachment publish`).
    pub include_documents: bool,
    pub regimes: &'a Regimes,
    pub limits: Limits,
}

/// One redaction made, or one candidate left, on a case: for `foi publish --check`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CheckRow {
    pub reference: String,
    /// `email`, `phone`, `name`, `term`, or `candidate` (left for a person to judge).
    pub kind: String,
    pub text: String,
}

/// What `publish` wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    pub files: usize,
    pub cases: usize,
    pub redactions: usize,
    pub candidates: usize,
}

/// Read the terms of a redaction file: one per line; blank lines and `#` comments skipped.
pub fn read_terms(path: &Path) -> anyhow::Result<Vec<String>> {
    let text = std::fs::read_to_string(path).with_context(|| {
        format!(
            "cannot read the redaction list {}: give a text file with one term per line",
            path.display()
        )
    })?;
    Ok(text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(String::from)
        .collect())
}

/// What gathering made: the site's cases (their correspondence no longer held: each case's
/// page went to the sink as it was made), the methods and the redaction log.
struct Gathered {
    cases: Vec<PublishedCase>,
    methods: Methods,
    checks: Vec<CheckRow>,
}

/// Where each case goes as soon as it is gathered, with the original documents published
/// on it as files of the site: `publish` writes its page, `check` drops it.
type Sink<'s> = dyn FnMut(&PublishedCase, Vec<crate::publish::File>) -> anyhow::Result<()> + 's;

/// The redactions and candidates publishing `campaign` would make.
pub async fn check(
    store: &Store,
    clock: &dyn Clock,
    campaign: &Campaign,
    opts: &Options<'_>,
) -> anyhow::Result<Vec<CheckRow>> {
    let report =
        super::report::campaign_report(store, opts.regimes, campaign, opts.by, clock.now()).await?;
    let mut drop_it = |_: &PublishedCase, _: Vec<crate::publish::File>| Ok(());
    Ok(gather(store, clock, campaign, opts, &report, &mut drop_it)
        .await?
        .checks)
}

/// Publish `campaign` to the folder `out` (new, or one an earlier publish wrote, which is
/// replaced whole). The files are written to a folder beside it and renamed into place,
/// so a failure leaves `out` as it was. Each case's page is written as soon as the case
/// is gathered and redacted, and the data package row by row, so that memory holds one
/// case's correspondence at a time, not the site (README "Performance").
pub async fn publish(
    store: &Store,
    clock: &dyn Clock,
    campaign: &Campaign,
    opts: &Options<'_>,
    out: &Path,
) -> anyhow::Result<Written> {
    let licence = opts.licence.clone().context(
        "name the data's licence before publishing: add to foi.toml\n[publish]\nlicence = \"CC-BY-4.0\"\nlicence_path = \"https://creativecommons.org/licenses/by/4.0/\"",
    )?;
    let replacing = check_out(out)?;
    let report =
        super::report::campaign_report(store, opts.regimes, campaign, opts.by, clock.now()).await?;
    let mut site = Site {
        title: opts
            .title
            .clone()
            .unwrap_or_else(|| format!("Campaign {}", campaign.name)),
        comparisons: compare::comparisons(&report),
        report: &report,
        cases: Vec::new(),
        methods: Methods::default(),
        licence,
        made_at: clock.now(),
    };
    let tmp = sibling(out, "partial");
    let mut written = 0;
    let result = async {
        start_site(&tmp).with_context(|| format!("cannot write the site in {}", tmp.display()))?;
        let g = {
            let page_site = &site;
            let mut write_case = |case: &PublishedCase, originals: Vec<crate::publish::File>| {
                write_file(&tmp, &crate::publish::case_file(page_site, case))?;
                for f in &originals {
                    write_file(&tmp, f)?;
                }
                written += 1 + originals.len();
                anyhow::Ok(())
            };
            gather(store, clock, campaign, opts, &report, &mut write_case).await?
        };
        site.cases = g.cases;
        site.methods = g.methods;
        written += finish_site(&tmp, &site)?;
        anyhow::Ok(g.checks)
    }
    .await;
    let checks = match result {
        Ok(checks) => checks,
        Err(e) => {
            let _ = std::fs::remove_dir_all(&tmp);
            return Err(e);
        }
    };
    if replacing {
        let old = sibling(out, "old");
        std::fs::rename(out, &old).with_context(|| format!("cannot replace {}", out.display()))?;
        std::fs::rename(&tmp, out)
            .with_context(|| format!("cannot move the site to {}", out.display()))?;
        std::fs::remove_dir_all(&old)
            .with_context(|| format!("cannot remove the old site {}", old.display()))?;
    } else {
        std::fs::rename(&tmp, out)
            .with_context(|| format!("cannot move the site to {}", out.display()))?;
    }
    let candidates = checks.iter().filter(|c| c.kind == "candidate").count();
    Ok(Written {
        files: written,
        cases: site.cases.len(),
        redactions: checks.len() - candidates,
        candidates,
    })
}

/// Whether `out` holds an earlier publication (to replace); an error when it holds anything else.
fn check_out(out: &Path) -> anyhow::Result<bool> {
    if !out.exists() {
        return Ok(false);
    }
    let empty = out.is_dir()
        && std::fs::read_dir(out)
            .with_context(|| format!("cannot read {}", out.display()))?
            .next()
            .is_none();
    if out.join(MARKER).is_file() {
        return Ok(true);
    }
    if empty {
        std::fs::remove_dir(out).with_context(|| format!("cannot use {}", out.display()))?;
        return Ok(false);
    }
    bail!(
        "{} exists and was not written by foi publish: choose a new folder for --out",
        out.display()
    )
}

fn sibling(out: &Path, what: &str) -> PathBuf {
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "site".into());
    out.with_file_name(format!(".{name}.{what}-{}", std::process::id()))
}

/// A new, empty site folder at `dir` with its marker.
fn start_site(dir: &Path) -> anyhow::Result<()> {
    if dir.exists() {
        std::fs::remove_dir_all(dir)?;
    }
    std::fs::create_dir_all(dir.join("cases"))?;
    std::fs::create_dir_all(dir.join("data"))?;
    std::fs::write(dir.join(MARKER), "written by foi publish\n")?;
    Ok(())
}

/// The path of a site file (`/`-separated, made by [`crate::publish`]) under `dir`.
fn site_path(dir: &Path, path: &str) -> anyhow::Result<PathBuf> {
    let path = path.split('/').fold(dir.to_path_buf(), |p, s| p.join(s));
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot make the site's folder {}", parent.display()))?;
    }
    Ok(path)
}

fn write_file(dir: &Path, f: &crate::publish::File) -> anyhow::Result<()> {
    let path = site_path(dir, &f.path)?;
    std::fs::write(&path, &f.bytes)
        .with_context(|| format!("cannot write the site's file {}", path.display()))
}

/// The site-wide pages and the data package (each written through a buffer, row by row),
/// once every case is gathered; how many files.
fn finish_site(dir: &Path, site: &Site) -> anyhow::Result<usize> {
    let cannot = |path: &Path| format!("cannot write the site's file {}", path.display());
    for (path, page) in crate::publish::PAGES {
        let path = site_path(dir, path)?;
        std::fs::write(&path, page(site)).with_context(|| cannot(&path))?;
    }
    for (path, write) in crate::publish::DATA_FILES {
        let path = site_path(dir, path)?;
        let file = std::fs::File::create(&path).with_context(|| cannot(&path))?;
        let mut w = std::io::BufWriter::new(file);
        write(site, &mut w).with_context(|| cannot(&path))?;
        w.into_inner()
            .map_err(|e| e.into_error())
            .with_context(|| cannot(&path))?;
    }
    Ok(crate::publish::PAGES.len() + crate::publish::DATA_FILES.len())
}

/// Every case of the campaign, redacted, each given to `sink` as soon as it is made (with
/// its original documents) and then kept without its correspondence.
async fn gather(
    store: &Store,
    clock: &dyn Clock,
    campaign: &Campaign,
    opts: &Options<'_>,
    report: &Report,
    sink: &mut Sink<'_>,
) -> anyhow::Result<Gathered> {
    let rows = case_rows(store, opts.regimes, clock, campaign).await?;
    let mut documents: HashMap<CaseId, Vec<CampaignDocument>> = HashMap::new();
    if opts.include_documents {
        for d in store.campaign_documents(campaign.id).await? {
            documents.entry(d.case_id).or_default().push(d);
        }
    }
    let order: Vec<&str> = report.questions.iter().map(|q| q.key.as_str()).collect();
    let mut cases = Vec::with_capacity(rows.len());
    let mut checks = Vec::new();
    let mut messages: HashMap<CaseId, Vec<(CampaignMessage, Text)>> = HashMap::new();
    for (i, row) in rows.iter().enumerate() {
        if i % MESSAGE_BATCH == 0 {
            // The correspondence of the next batch of cases: never the campaign's at once.
            let batch: Vec<CaseId> = rows[i..]
                .iter()
                .take(MESSAGE_BATCH)
                .map(|r| r.case.id)
                .collect();
            messages.clear();
            let msgs = store.campaign_messages(campaign.id, &batch).await?;
            let texts = texts_of(store, &msgs, &opts.limits).await?;
            for (m, t) in msgs.into_iter().zip(texts) {
                messages.entry(m.case_id).or_default().push((m, t));
            }
        }
        let (msgs, texts): (Vec<_>, Vec<_>) = messages
            .remove(&row.case.id)
            .unwrap_or_default()
            .into_iter()
            .unzip();
        let (mut case, redactor) = publish_case(row, &msgs, texts, &order, opts, &mut checks)?;
        let mut originals = Vec::new();
        for d in documents.remove(&row.case.id).unwrap_or_default() {
            let doc = document(store, &d, &case.reference, &redactor, &mut checks).await?;
            if let Some((published, file)) = doc {
                originals.extend(file);
                case.documents.push(published);
            }
        }
        sink(&case, originals)?;
        case.messages = Vec::new();
        for d in &mut case.documents {
            d.text = None;
        }
        cases.push(case);
    }
    let mut methods = methods(store, campaign, report, &rows, opts).await?;
    methods.documents_published = cases.iter().map(|c| c.documents.len()).sum();
    Ok(Gathered {
        cases,
        methods,
        checks,
    })
}

/// A message's text and the display name it came from.
type Text = (String, Option<String>);

/// Each message's text and the display name it came from: the stored text of a reply, the
/// parsed raw email of what we sent (whose text is not stored). The raw emails are read a
/// chunk at a time, up to [`RAW_CHUNK_BYTES`] a query (a larger one alone), so that neither
/// a query per message nor a batch's raw emails at once.
async fn texts_of(
    store: &Store,
    msgs: &[CampaignMessage],
    limits: &Limits,
) -> anyhow::Result<Vec<Text>> {
    let mut out = Vec::with_capacity(msgs.len());
    let mut start = 0;
    while start < msgs.len() {
        let (mut end, mut bytes) = (start, 0u64);
        while end < msgs.len() && (end == start || bytes + msgs[end].raw_size <= RAW_CHUNK_BYTES) {
            bytes += msgs[end].raw_size;
            end += 1;
        }
        let chunk = &msgs[start..end];
        let shas: Vec<&str> = chunk.iter().map(|m| m.raw_sha256.as_str()).collect();
        let raws = store.blobs(&shas).await?;
        for m in chunk {
            let raw = raws.get(&m.raw_sha256).map_or(&[][..], Vec::as_slice);
            let parsed = crate::ingest::parse::parse(raw, limits);
            let name = parsed.from.and_then(|f| f.name);
            let text = m.text_body.clone().unwrap_or(parsed.text_body);
            out.push((text, name));
        }
        start = end;
    }
    Ok(out)
}

/// A name guessed from an address's local part (`sam.okafor` gives "Sam Okafor"): only
/// one of two or more words joined by `.`, `_` or `-`, so that `foi@` or `info@` give none.
fn name_of_address(addr: &str) -> Option<String> {
    let local = addr.split('@').next()?;
    let parts: Vec<&str> = local.split(['.', '_', '-']).collect();
    if parts.len() < 2 || !parts.iter().all(|p| p.chars().all(char::is_alphabetic)) {
        return None;
    }
    Some(
        parts
            .iter()
            .map(|p| {
                let mut c = p.chars();
                c.next()
                    .map(|f| f.to_uppercase().chain(c).collect::<String>())
                    .unwrap_or_default()
            })
            .collect::<Vec<_>>()
            .join(" "),
    )
}

fn publish_case(
    row: &CaseExport,
    msgs: &[CampaignMessage],
    texts: Vec<Text>,
    order: &[&str],
    opts: &Options<'_>,
    log: &mut Vec<CheckRow>,
) -> anyhow::Result<(PublishedCase, Redactor)> {
    let c = &row.case;
    let mut r = Redactor::new(&[c.body_email.as_str()], &opts.terms, &c.body_name);
    for (m, (text, name)) in msgs.iter().zip(&texts) {
        if m.direction == "inbound" {
            if let Some(n) = name {
                r.learn_display_name(n);
            }
            if !m.from_addr.eq_ignore_ascii_case(&c.body_email) {
                if let Some(n) = name_of_address(&m.from_addr) {
                    r.learn_display_name(&n);
                }
            }
        }
        r.learn_from_text(text);
    }
    let reference = c.reference.to_string();
    let mut take = |x: Redacted| take_logged(x, &reference, log);
    let messages = msgs
        .iter()
        .zip(texts)
        .map(|(m, (text, _))| PublishedMessage {
            outbound: m.direction == "outbound",
            at: m.at,
            subject: take(r.redact(&m.subject)),
            text: take(r.redact(&text)),
        })
        .collect();
    let mut answers: Vec<(String, String)> = Vec::new();
    for key in order {
        if let Some(v) = row.answers.get(*key) {
            answers.push((key.to_string(), take(r.redact(v))));
        }
    }
    let days_taken = match (row.sent_on, row.answered_on) {
        (Some(s), Some(a)) => opts
            .regimes
            .get(&c.regime)
            .and_then(|reg| reg.working_days_between(s, a).ok()),
        _ => None,
    };
    let body = row.body.as_ref();
    Ok((
        PublishedCase {
            reference: c.reference.to_string(),
            body_key: c.body_key.to_string(),
            body_name: c.body_name.clone(),
            body_email: c.body_email.clone(),
            tags: body.map(|b| b.tags.clone()).unwrap_or_default(),
            region: body.and_then(|b| b.region.clone()),
            regime: c.regime.clone(),
            status: c.status.to_string(),
            sent_on: row.sent_on,
            due_on: row.due_on,
            answered_on: row.answered_on,
            days_taken,
            answers,
            messages,
            documents: Vec::new(),
        },
        r,
    ))
}

/// The redacted text, its redactions and candidates logged against the case.
fn take_logged(x: Redacted, reference: &str, log: &mut Vec<CheckRow>) -> String {
    for red in &x.redactions {
        log.push(CheckRow {
            reference: reference.to_string(),
            kind: red.kind.as_str().into(),
            text: red.found.clone(),
        });
    }
    for cand in &x.candidates {
        log.push(CheckRow {
            reference: reference.to_string(),
            kind: "candidate".into(),
            text: cand.clone(),
        });
    }
    x.text
}

/// A marked document as published: its text redacted, or the original as a file of the
/// site. Text and HTML are read here; any other document (PDF, office, spreadsheet, scan)
/// gives the text `foi documents` extracted, and one with none yet is left out, and the
/// check log says so.
async fn document(
    store: &Store,
    d: &CampaignDocument,
    reference: &str,
    redactor: &Redactor,
    log: &mut Vec<CheckRow>,
) -> anyhow::Result<Option<(PublishedDocument, Option<crate::publish::File>)>> {
    let Some((_, bytes)) = store.attachment(d.attachment_id).await? else {
        return Ok(None);
    };
    let name = crate::text::sanitize_file_name(&d.file_name)
        .unwrap_or_else(|| format!("attachment-{}", d.attachment_id));
    if d.publish == "original" {
        let page = crate::publish::case_page(reference);
        let folder = page.trim_start_matches("cases/").trim_end_matches(".html");
        let path = format!("files/{folder}/{}-{name}", d.attachment_id);
        let doc = PublishedDocument {
            file_name: name,
            text: None,
            original: Some(path.clone()),
        };
        return Ok(Some((doc, Some(crate::publish::File { path, bytes }))));
    }
    let kind = d.content_type.to_ascii_lowercase();
    let text = if kind.starts_with("text/html") {
        crate::text::html_to_text(&String::from_utf8_lossy(&bytes), MAX_DOCUMENT_CHARS)
    } else if kind.starts_with("text/") {
        crate::text::truncate_chars(&String::from_utf8_lossy(&bytes), MAX_DOCUMENT_CHARS)
            .0
            .to_string()
    } else {
        // PDFs, office documents, spreadsheets, scans: the text `foi documents` extracted.
        let units = store.document_units(d.attachment_id).await?;
        if units.is_empty() {
            log.push(CheckRow {
                reference: reference.to_string(),
                kind: "not_published".into(),
                text: format!(
                    "attachment {} ({}): no text has been extracted from it (run foi documents extract; see foi documents show {}); or publish the original (foi attachment publish {} --original) after reading it",
                    d.attachment_id, name, d.attachment_id, d.attachment_id
                ),
            });
            return Ok(None);
        }
        let joined = units
            .iter()
            .map(|u| {
                if u.locator.is_empty() {
                    u.text.clone()
                } else {
                    format!("[{}]\n{}", u.locator, u.text)
                }
            })
            .collect::<Vec<_>>()
            .join("\n\n");
        crate::text::truncate_chars(&joined, MAX_DOCUMENT_CHARS)
            .0
            .to_string()
    };
    let text = take_logged(redactor.redact(&text), reference, log);
    Ok(Some((
        PublishedDocument {
            file_name: name,
            text: Some(text),
            original: None,
        },
        None,
    )))
}

async fn methods(
    store: &Store,
    campaign: &Campaign,
    report: &Report,
    rows: &[CaseExport],
    opts: &Options<'_>,
) -> anyhow::Result<Methods> {
    let tallies = store.campaign_answer_tallies(campaign.id).await?;
    let declared: Vec<&str> = report.questions.iter().map(|q| q.key.as_str()).collect();
    let mut confirmed_by: BTreeMap<String, usize> = BTreeMap::new();
    let (mut accepted, mut pending, mut unknown) = (0, 0, 0);
    for t in &tallies {
        match t.state {
            AnswerState::Confirmed if !declared.contains(&t.question.as_str()) => {
                unknown += t.count;
            }
            AnswerState::Confirmed => {
                *confirmed_by.entry(t.actor.clone()).or_default() += t.count;
                if t.from_suggestion {
                    accepted += t.count;
                }
            }
            AnswerState::Suggested => pending += t.count,
        }
    }
    let mut regimes: Vec<&str> = rows.iter().map(|r| r.case.regime.as_str()).collect();
    regimes.sort_unstable();
    regimes.dedup();
    let dates = |f: fn(&CaseExport) -> Option<NaiveDate>| rows.iter().filter_map(f);
    Ok(Methods {
        selection: campaign.selection.clone(),
        regimes: regimes
            .iter()
            .filter_map(|n| opts.regimes.get(n))
            .map(|r| {
                let d = r.def();
                (
                    d.name.clone(),
                    d.description.clone(),
                    d.unit.amount(d.period),
                )
            })
            .collect(),
        first_sent: dates(|r| r.sent_on).min(),
        last_sent: dates(|r| r.sent_on).max(),
        last_answer: dates(|r| r.answered_on).max(),
        confirmed_by: confirmed_by.into_iter().collect(),
        suggestions_accepted: accepted,
        suggestions_pending: pending,
        unknown_answers: unknown,
        documents_published: 0,
    })
}
