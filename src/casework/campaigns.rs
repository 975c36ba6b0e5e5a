//! Creating a campaign (`foi campaign create`): one case per selected body, each with its
//! reference and an unguessable reply token, then the check that every case's email
//! renders. Launching and pausing are in [`super::launch`].
//!
//! Sees `store`, `templates`, `compose`, `deadlines` and `domain`.

use crate::casework::check::{check_campaign, CheckReport};
use crate::config::Settings;
use crate::deadlines::Regimes;
use crate::domain::{Body, BodyId, Reference, ReferencePrefix, ReplyToken, Selection};
use crate::store::{EarlierRequest, NewCampaign, NewCase, Store};
use crate::templates::{Renderer, TemplateSet};
use anyhow::{bail, Context};
use chrono::{DateTime, NaiveDate, Utc};
use std::collections::HashMap;
use std::path::Path;

/// A campaign to create, as a person asked for it.
pub struct CampaignRequest<'a> {
    pub name: &'a str,
    pub template: &'a Path,
    pub select: &'a [String],
    pub reference_prefix: &'a str,
    /// One regime for every case instead of each body's own.
    pub regime: Option<&'a str>,
}

/// What creating a campaign did. Both carry the earlier requests to the same bodies
/// under the same regime within [`AGGREGATION_WORKING_DAYS`]: a warning, not a refusal.
pub enum Created {
    /// A dry run: this many cases would be created, up to this reference.
    WouldCreate {
        cases: usize,
        prefix: ReferencePrefix,
        last: Reference,
        earlier: Vec<EarlierRequest>,
    },
    /// Created with this many cases; the check of every case's email.
    Created {
        cases: usize,
        prefix: ReferencePrefix,
        check: CheckReport,
        earlier: Vec<EarlierRequest>,
    },
}

/// Requests for the same or similar information made to one body within 60 working days
/// may be added together against the cost limit (FOIA s.12(4) and the Freedom of
/// Information and Data Protection (Appropriate Limit and Fees) Regulations 2004, reg. 5;
/// FOISA s.12(2) and the Scottish fees regulations work the same way).
pub const AGGREGATION_WORKING_DAYS: i64 = 60;

/// The earlier requests (other campaigns', queued or sent) to the bodies of `cases` under
/// the same regime, made within [`AGGREGATION_WORKING_DAYS`] working days of `today` (the
/// regime's own working days).
async fn earlier_requests(
    store: &Store,
    regimes: &Regimes,
    cases: &[NewCase],
    today: NaiveDate,
) -> anyhow::Result<Vec<EarlierRequest>> {
    let wanted: HashMap<BodyId, &str> = cases
        .iter()
        .map(|c| (c.body_id, c.regime.as_str()))
        .collect();
    Ok(store
        .earlier_requests()
        .await?
        .into_iter()
        .filter(|e| {
            wanted.get(&e.body_id) == Some(&e.regime.as_str())
                && regimes.get(&e.regime).is_some_and(|r| {
                    r.working_days_between(e.sent_on, today)
                        .is_ok_and(|d| d <= AGGREGATION_WORKING_DAYS)
                })
        })
        .collect())
}

/// 80 random bits as a reply token.
fn random_token() -> ReplyToken {
    let bytes = uuid::Uuid::new_v4().into_bytes();
    let mut ten = [0u8; 10];
    // v4 UUIDs fix 6 bits (version, variant) in bytes 6 and 8: take the 10 bytes around them.
    ten[..6].copy_from_slice(&bytes[..6]);
    ten[6..].copy_from_slice(&bytes[12..16]);
    ReplyToken::from_random(ten)
}

/// The body column that names a school's term dates (a file in `[calendar] terms`).
pub const TERM_DATES_COLUMN: &str = "term_dates";

/// The regime a body's case counts in: the one asked for, else the body's own. A school
/// regime takes the body's `term_dates` column as its term dates (`uk-foia-school` and
/// `term_dates` `camford` give `uk-foia-school@camford`), unless the regime names its
/// own after an `@`; term dates nobody defined are an error that names the body.
fn case_regime(regimes: &Regimes, asked: Option<&str>, b: &Body) -> anyhow::Result<String> {
    let base = asked.unwrap_or(&b.regime);
    let terms = b
        .fields
        .get(TERM_DATES_COLUMN)
        .map(|t| t.trim())
        .filter(|t| !t.is_empty());
    let school = regimes.get(base).is_some_and(|r| r.def().school.is_some());
    let (Some(terms), true, false) = (terms, school, base.contains('@')) else {
        return Ok(base.to_string());
    };
    let name = format!("{base}@{}", terms.to_lowercase());
    if regimes.get(&name).is_none() {
        bail!(
            "body {} ({}): its {TERM_DATES_COLUMN} `{terms}` names no term dates: add {terms}.csv \
             to the [calendar] terms folder, or correct the column",
            b.key,
            b.name
        );
    }
    Ok(name)
}

/// Create a campaign with one case per body `select` picks (nothing when `dry_run`), then
/// check every case's email. A bad name, prefix, regime, template or selection changes
/// nothing; a check that fails leaves the campaign unlaunchable until it passes.
#[allow(clippy::too_many_arguments)]
pub async fn create_campaign(
    store: &Store,
    settings: &Settings,
    regimes: &Regimes,
    asked: &CampaignRequest<'_>,
    dry_run: bool,
    now: DateTime<Utc>,
    today: NaiveDate,
) -> anyhow::Result<Created> {
    let name = asked.name.trim().to_string();
    if name.is_empty() || name.chars().any(char::is_control) {
        bail!("give the campaign a name (letters, digits, spaces), e.g. cctv-2024");
    }
    if store.campaign_by_name(&name).await?.is_some() {
        bail!("a campaign named '{name}' exists already: choose another name");
    }
    let prefix = ReferencePrefix::parse(asked.reference_prefix)?;
    if store.prefix_in_use(&prefix).await? {
        bail!("reference prefix {prefix} is used by another campaign: choose another");
    }
    if let Some(r) = asked.regime {
        if regimes.get(r).is_none() {
            if let Some(e) = regimes.unknown_terms(r) {
                bail!("{e}");
            }
            bail!("unknown regime '{r}': `foi regimes` lists the known ones");
        }
    }
    let template = std::fs::canonicalize(asked.template).with_context(|| {
        format!(
            "cannot find the template folder {}",
            asked.template.display()
        )
    })?;
    // A syntax error in a template stops here, before anything is created.
    Renderer::new(&TemplateSet::load(&template)?)?;
    let selection = Selection::parse(asked.select, &|path| {
        std::fs::read_to_string(path).map_err(|e| e.to_string())
    })?;
    let bodies: Vec<_> = store
        .bodies()
        .await?
        .into_iter()
        // (excluded bodies: not covered by FOI, closed, merged)
        .filter(|b| b.excluded.is_none() && selection.matches(b))
        .collect();
    if bodies.is_empty() {
        bail!(
            "no body matches {}: check `foi bodies list` and the --select expressions",
            asked.select.join(" ")
        );
    }
    let cases: Vec<NewCase> = bodies
        .iter()
        .zip(1u32..)
        .map(|(b, seq)| {
            Ok(NewCase {
                body_id: b.id,
                seq,
                reference: Reference::new(&prefix, seq),
                token: random_token(),
                regime: case_regime(regimes, asked.regime, b)?,
            })
        })
        .collect::<anyhow::Result<_>>()?;
    let earlier = earlier_requests(store, regimes, &cases, today).await?;
    if dry_run {
        let last = cases
            .last()
            .map(|c| c.reference.clone())
            .unwrap_or_else(|| Reference::new(&prefix, 1));
        return Ok(Created::WouldCreate {
            cases: cases.len(),
            prefix,
            last,
            earlier,
        });
    }
    let new = NewCampaign {
        name: name.clone(),
        reference_prefix: prefix.clone(),
        template_dir: template.to_string_lossy().into_owned(),
        regime: asked.regime.map(String::from),
        selection: asked.select.to_vec(),
    };
    store.create_campaign(&new, &cases, now).await?;
    let campaign = store.require_campaign(&name).await?;
    let check = check_campaign(store, settings, &campaign, today, None, &mut |_, _, _| {
        Ok(())
    })
    .await?;
    Ok(Created::Created {
        cases: cases.len(),
        prefix,
        check,
        earlier,
    })
}
