//! Arguments several commands share, parsed at the edge into the types the library takes:
//! case references, dates, the person acting.

use crate::domain::Reference;
use anyhow::Context;
use chrono::NaiveDate;

/// A case reference typed by a person (`cctv24-0042`, `[CCTV24-0042]`), for clap.
pub fn reference(s: &str) -> Result<Reference, String> {
    Reference::parse(s).ok_or_else(|| {
        format!("'{s}' is not a case reference (a prefix, a hyphen and a number, e.g. CCTV24-0042)")
    })
}

/// A date given as `what` (a flag's name), or one sentence saying how to write it.
pub fn date(s: &str, what: &str) -> anyhow::Result<NaiveDate> {
    s.trim()
        .parse()
        .with_context(|| format!("{what} '{s}' is not a date: use YYYY-MM-DD, e.g. 2026-03-02"))
}

/// The person doing it: `--by`, else $USER, else "staff".
pub fn actor(by: Option<String>) -> String {
    by.or_else(|| std::env::var("USER").ok())
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "staff".into())
}

/// A campaign named on the command line, as its id (`None` when none was named).
pub async fn campaign_id(
    app: &super::App,
    name: Option<&str>,
) -> anyhow::Result<Option<crate::domain::CampaignId>> {
    Ok(match name {
        Some(n) => Some(app.store.require_campaign(n).await?.id),
        None => None,
    })
}
