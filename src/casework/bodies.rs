//! The directory of public bodies: importing a CSV file (`foi bodies import`: checked
//! whole, every bad row named, nothing changed; then added and updated in one
//! transaction), optionally with an emails file for a WhatDoTheyKnow export; marking a
//! body excluded from campaigns; giving a body a new address (`foi bodies set-email`).
//!
//! Sees `store`, `deadlines` (known regimes) and `domain` (the CSV formats, the plan).

use crate::deadlines::Regimes;
use crate::domain::body_csv::{check_directory, CheckedDirectory, CsvRules, Problems};
use crate::domain::body_duplicates::{DuplicateFinder, DuplicateWarning, FirstSeen};
use crate::domain::body_emails::{parse_emails_file, unused_keys_by};
use crate::domain::id::BodyId;
use crate::domain::{plan_batch, Body, EmailAddress, NewBody};
use crate::store::{BodyImport, ImportSummary, Store};
use anyhow::{bail, Context};
use chrono::{DateTime, Utc};
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

/// Which file a refused import's problems are in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportFile {
    Directory,
    Emails,
}

/// What an import did (or, in a dry run, would do).
pub enum Imported {
    /// Bad rows: nothing was changed.
    Refused(ImportFile, Problems),
    WouldImport(ImportReport),
    Imported(ImportReport),
}

/// The counts and the warnings of an import that went (or would go) ahead.
pub struct ImportReport {
    pub summary: ImportSummary,
    /// Likely duplicate bodies: reported, not refused (the first
    /// [`crate::domain::body_duplicates::MAX_WARNINGS_KEPT`]).
    pub warnings: Vec<DuplicateWarning>,
    /// How many warnings there are in all.
    pub warnings_total: usize,
    /// Rows left out for want of an address (only with an emails file).
    pub without_email: usize,
}

/// The files of an import: the directory (read twice, as a stream: checked whole, then
/// written) and an optional `key,email` file (small: read whole).
pub struct ImportFiles {
    pub directory: PathBuf,
    pub emails: Option<Vec<u8>>,
}

/// Rows looked up and written together.
const BATCH: usize = 500;
/// Stored bodies read at a time for the duplicate warnings.
const STORED_PAGE: usize = 5_000;

/// Import a bodies CSV file: all or nothing. The file is read twice as a stream, never
/// held: first every row is checked (keeping only a hash of each key), then the rows are
/// compared with the stored bodies that have their keys and written, 500 at a time, in one
/// transaction. Unchanged rows are not written.
pub async fn import_bodies(
    store: &Store,
    regimes: &Regimes,
    default_regime: &str,
    files: ImportFiles,
    dry_run: bool,
    now: DateTime<Utc>,
) -> anyhow::Result<Imported> {
    let emails = match files.emails.as_deref().map(parse_emails_file).transpose() {
        Ok(e) => e,
        Err(errors) => return Ok(Imported::Refused(ImportFile::Emails, errors.into())),
    };
    let known = |r: &str| regimes.get(r).is_some();
    let rules = CsvRules {
        default_regime,
        regime_known: &known,
        emails: emails.as_ref().map(|e| &e.emails),
    };
    let path = &files.directory;
    let meta =
        std::fs::metadata(path).with_context(|| format!("cannot read {}", path.display()))?;
    if !meta.is_file() {
        bail!(
            "{} is not a file (a pipe or a device?): the import reads it twice, so save it to a file first and import that",
            path.display()
        );
    }
    let open =
        || std::fs::File::open(path).with_context(|| format!("cannot read {}", path.display()));
    let mut checked = match check_directory(open()?, &rules) {
        Ok(c) => c,
        Err(problems) => return Ok(Imported::Refused(ImportFile::Directory, problems)),
    };
    if let Some(emails) = &emails {
        let unused = unused_keys_by(emails, |k| checked.has_key(k.as_str()));
        if !unused.is_empty() {
            return Ok(Imported::Refused(ImportFile::Emails, unused.into()));
        }
    }
    let mut import = store.begin_body_import(!dry_run, now).await?;
    let stored = import.stored_count().await?;
    let mut finder = DuplicateFinder::default();
    add_stored_bodies(&mut import, &checked, &mut finder).await?;
    // (the keys' hashes go before the rows' names and addresses come: one at a time)
    checked.forget_keys();
    finder.reserve(checked.rows);

    let mut writer = BatchWriter {
        import,
        dry_run,
        batch: Vec::with_capacity(BATCH),
        matched: HashSet::new(),
        summary: ImportSummary::default(),
        seen: 0,
    };
    for row in checked.rows(open()?, &rules).map_err(changed)? {
        let (line, body) = row.map_err(|e| changed(vec![e].into()))?;
        finder.row(line, &body.name, &body.email);
        writer.push(body).await?;
    }
    writer.flush().await?;
    let mut summary = writer.summary;
    summary.not_in_file = stored.saturating_sub(writer.seen);
    let mut import = writer.import;

    let wanted = finder.wanted();
    let stored_names = describe_stored(&mut import, &wanted).await?;
    let line_names = describe_lines(&checked, open()?, &rules, &wanted);
    let duplicates = finder.finish(&stored_names, &line_names);
    let report = ImportReport {
        summary,
        warnings: duplicates.warnings,
        warnings_total: duplicates.total,
        without_email: checked.without_email,
    };
    if dry_run {
        return Ok(Imported::WouldImport(report));
    }
    import.commit().await?;
    Ok(Imported::Imported(report))
}

/// The file read the second time is not the one checked: nothing is saved.
fn changed(problems: Problems) -> anyhow::Error {
    let what = problems
        .errors
        .first()
        .map_or_else(String::new, |e| format!(" ({e})"));
    anyhow::anyhow!(
        "the file changed while it was imported{what}: nothing was changed; import it again"
    )
}

/// The stored bodies the file does not update go into the duplicate check first.
async fn add_stored_bodies(
    import: &mut BodyImport,
    checked: &CheckedDirectory,
    finder: &mut DuplicateFinder,
) -> anyhow::Result<()> {
    let mut after = BodyId::new(0);
    loop {
        let page = import.identities_after(after, STORED_PAGE).await?;
        // (by the largest id: the order of a page's rows is not promised)
        let Some(last) = page.iter().map(|b| b.id).max() else {
            return Ok(());
        };
        after = last;
        for b in page.iter().filter(|b| !checked.updates(&b.key)) {
            finder.stored(b.id, &b.name, &b.email);
        }
    }
}

/// The keys and names of the stored bodies the warnings name.
async fn describe_stored(
    import: &mut BodyImport,
    wanted: &[FirstSeen],
) -> anyhow::Result<HashMap<BodyId, (String, String)>> {
    let ids: Vec<BodyId> = wanted
        .iter()
        .filter_map(|w| match w {
            FirstSeen::Stored(id) => Some(*id),
            FirstSeen::Line(_) => None,
        })
        .collect();
    Ok(import
        .identities_by_id(&ids)
        .await?
        .into_iter()
        .map(|b| (b.id, (b.key, b.name)))
        .collect())
}

/// The names on the lines the warnings name: a third read of the file, only as far as the
/// last of them (and only when there is a warning). A warning without the name is still
/// right, so a file that cannot be read again only loses the names.
fn describe_lines(
    checked: &CheckedDirectory,
    input: std::fs::File,
    rules: &CsvRules,
    wanted: &[FirstSeen],
) -> HashMap<u64, String> {
    let lines: HashSet<u64> = wanted
        .iter()
        .filter_map(|w| match w {
            FirstSeen::Line(l) => Some(*l),
            FirstSeen::Stored(_) => None,
        })
        .collect();
    let mut names = HashMap::new();
    let Some(last) = lines.iter().max().copied() else {
        return names;
    };
    let Ok(rows) = checked.rows(input, rules) else {
        return names;
    };
    for (line, body) in rows.map_while(Result::ok) {
        if lines.contains(&line) {
            names.insert(line, body.name);
        }
        if line >= last {
            break;
        }
    }
    names
}

/// Rows gathered into batches, each compared with the stored bodies of its keys and
/// written (unless a dry run).
struct BatchWriter {
    import: BodyImport,
    dry_run: bool,
    batch: Vec<NewBody>,
    /// Bodies keyed by an address that a row found (see [`plan_batch`]).
    matched: HashSet<BodyId>,
    summary: ImportSummary,
    seen: usize,
}

impl BatchWriter {
    async fn push(&mut self, body: NewBody) -> anyhow::Result<()> {
        self.batch.push(body);
        if self.batch.len() >= BATCH {
            self.flush().await?;
        }
        Ok(())
    }

    async fn flush(&mut self) -> anyhow::Result<()> {
        if self.batch.is_empty() {
            return Ok(());
        }
        let keys: Vec<&str> = self
            .batch
            .iter()
            .flat_map(|b| std::iter::once(&b.key).chain(&b.legacy_key))
            .map(|k| k.as_str())
            .collect();
        let existing = self.import.bodies_by_keys(&keys).await?;
        let plan = plan_batch(
            &existing,
            std::mem::take(&mut self.batch),
            &mut self.matched,
        );
        self.summary.added += plan.added.len();
        self.summary.updated += plan.updated.len();
        self.summary.unchanged += plan.unchanged;
        self.seen += plan.seen();
        if !self.dry_run {
            self.import.write(&plan).await?;
        }
        Ok(())
    }
}

/// Exclude a body from campaigns (`reason`: not covered by FOI, closed, merged ...), or
/// include it again (`None`). Campaigns created afterwards skip it; cases it has stay.
pub async fn set_excluded(
    store: &Store,
    key: &str,
    reason: Option<&str>,
    now: DateTime<Utc>,
) -> anyhow::Result<Body> {
    let body = require_body(store, key).await?;
    if let Some(r) = reason {
        if r.trim().is_empty() {
            bail!("say why the body is excluded: --reason \"closed in 2025\", for example");
        }
    }
    store
        .set_body_excluded(body.id, reason.map(str::trim), now)
        .await?;
    Ok(body)
}

/// A body by its key (or its address, when only one body has it), or the sentence that
/// says how to find it.
pub async fn require_body(store: &Store, key: &str) -> anyhow::Result<Body> {
    match store.body_by_key(key).await? {
        Some(b) => Ok(b),
        None => bail!(
            "no body with key '{key}' (nor one body alone with that address): `foi bodies list` shows the keys"
        ),
    }
}

/// What giving a body a new address did.
pub struct NewAddress {
    pub body: Body,
    /// `false`: the body had this address already (nothing changed).
    pub changed: bool,
}

/// Give a body a new address; the old one (and its flag) is kept in its history.
pub async fn set_email(
    store: &Store,
    key: &str,
    address: &str,
    note: Option<&str>,
    actor: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<NewAddress> {
    let email = EmailAddress::parse(address)
        .map_err(|e| anyhow::anyhow!("'{address}' is not an email address: {e}"))?;
    let body = require_body(store, key).await?;
    let changed = store
        .set_body_email(body.id, &email, note, actor, now)
        .await?;
    let body = require_body(store, body.key.as_str()).await?;
    Ok(NewAddress { body, changed })
}
