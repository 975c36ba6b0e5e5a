//! The directory of public bodies: importing a CSV file (`foi bodies import`: checked
//! whole, every bad row named, nothing changed; then added and updated in one
//! transaction), optionally with an emails file for a WhatDoTheyKnow export; marking a
//! body excluded from campaigns; giving a body a new address (`foi bodies set-email`).
//!
//! Sees `store`, `deadlines` (known regimes) and `domain` (the CSV formats, the plan).

use crate::deadlines::Regimes;
use crate::domain::body_csv::{parse_directory, CsvRules, RowError};
use crate::domain::body_duplicates::{likely_duplicates, DuplicateWarning};
use crate::domain::body_emails::{parse_emails_file, unused_keys};
use crate::domain::{plan_import, Body, EmailAddress};
use crate::store::{ImportSummary, Store};
use anyhow::bail;
use chrono::{DateTime, Utc};

/// Which file a refused import's problems are in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportFile {
    Directory,
    Emails,
}

/// What an import did (or, in a dry run, would do).
pub enum Imported {
    /// Bad rows: nothing was changed.
    Refused(ImportFile, Vec<RowError>),
    WouldImport(ImportReport),
    Imported(ImportReport),
}

/// The counts and the warnings of an import that went (or would go) ahead.
pub struct ImportReport {
    pub summary: ImportSummary,
    /// Likely duplicate bodies: reported, not refused.
    pub warnings: Vec<DuplicateWarning>,
    /// Rows left out for want of an address (only with an emails file).
    pub without_email: usize,
}

/// The files of an import: the directory, and an optional `key,email` file. Owned, so
/// their bytes are freed as soon as they are parsed (before the stored bodies are read).
pub struct ImportFiles {
    pub directory: Vec<u8>,
    pub emails: Option<Vec<u8>>,
}

/// Import a bodies CSV file's bytes: all or nothing.
pub async fn import_bodies(
    store: &Store,
    regimes: &Regimes,
    default_regime: &str,
    files: ImportFiles,
    dry_run: bool,
    now: DateTime<Utc>,
) -> anyhow::Result<Imported> {
    let ImportFiles {
        directory: file,
        emails: emails_file,
    } = files;
    let emails = match emails_file.as_deref().map(parse_emails_file).transpose() {
        Ok(e) => e,
        Err(errors) => return Ok(Imported::Refused(ImportFile::Emails, errors)),
    };
    let known = |r: &str| regimes.get(r).is_some();
    let rules = CsvRules {
        default_regime,
        regime_known: &known,
        emails: emails.as_ref().map(|e| &e.emails),
    };
    let parsed = parse_directory(&file, &rules);
    // (the file's bytes are not needed past here: free them before the stored bodies come)
    drop((file, emails_file));
    let directory = match parsed {
        Ok(d) => d,
        Err(errors) => return Ok(Imported::Refused(ImportFile::Directory, errors)),
    };
    if let Some(emails) = &emails {
        let keys: Vec<_> = directory.bodies.iter().map(|b| &b.key).collect();
        let unused = unused_keys(emails, &keys);
        if !unused.is_empty() {
            return Ok(Imported::Refused(ImportFile::Emails, unused));
        }
    }
    let existing = store.bodies().await?;
    let warnings = likely_duplicates(&directory.bodies, &directory.lines, &existing);
    let plan = plan_import(&existing, directory.bodies);
    let report = |summary| ImportReport {
        summary,
        warnings,
        without_email: directory.without_email,
    };
    if dry_run {
        return Ok(Imported::WouldImport(report(plan.summary())));
    }
    Ok(Imported::Imported(report(
        store.apply_import(&plan, now).await?,
    )))
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
