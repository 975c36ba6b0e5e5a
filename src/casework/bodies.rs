//! Importing the directory of public bodies (`foi bodies import`): the CSV file checked
//! whole (every bad row named, nothing changed), then added and updated in one
//! transaction.
//!
//! Sees `store`, `deadlines` (known regimes) and `domain` (the CSV format, the plan).

use crate::deadlines::Regimes;
use crate::domain::body_csv::{parse_bodies_csv, CsvRules, RowError};
use crate::domain::plan_import;
use crate::store::{ImportSummary, Store};
use chrono::{DateTime, Utc};

/// What an import did (or, in a dry run, would do).
pub enum Imported {
    /// Bad rows: nothing was changed.
    Refused(Vec<RowError>),
    WouldImport(ImportSummary),
    Imported(ImportSummary),
}

/// Import a bodies CSV file's bytes: all or nothing.
pub async fn import_bodies(
    store: &Store,
    regimes: &Regimes,
    default_regime: &str,
    csv: &[u8],
    dry_run: bool,
    now: DateTime<Utc>,
) -> anyhow::Result<Imported> {
    let known = |r: &str| regimes.get(r).is_some();
    let rules = CsvRules {
        default_regime,
        regime_known: &known,
    };
    let incoming = match parse_bodies_csv(csv, &rules) {
        Ok(b) => b,
        Err(errors) => return Ok(Imported::Refused(errors)),
    };
    let existing = store.bodies().await?;
    let plan = plan_import(&existing, incoming);
    if dry_run {
        return Ok(Imported::WouldImport(plan.summary()));
    }
    Ok(Imported::Imported(store.apply_import(&plan, now).await?))
}
