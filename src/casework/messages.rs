//! A campaign-wide message (`foi campaign message`): a correction or clarification sent to
//! some of a campaign's sent cases, threaded to each request. Every selected case is
//! rendered first; if any fails, nothing is queued.
//!
//! Sees `store`, `templates`, `compose`, `mime`, `chasers` (follow-up composing and
//! threading, review steps), `standing`, `deadlines`, `domain` and `settings`.

use crate::casework::chasers::{thread_to, Ladder};
use crate::casework::compose::compose_followup;
use crate::casework::compose::Draft;
use crate::casework::mime::{build, new_message_id};
use crate::config::Settings;
use crate::deadlines::Regimes;
use crate::domain::BodyId;
use crate::domain::{Body, Campaign, CaseStatus, Reference, Selection};
use crate::store::{CaseTimeline, NewOutboxItem, Store, TimelineFilter};
use crate::templates::{RenderFailure, Renderer, TemplateSet};
use anyhow::{bail, Context};
use chrono::{DateTime, NaiveDate, Utc};
use std::collections::HashMap;
use std::path::Path;

/// `status:S` terms (negated or not) of one selection expression.
type StatusTerms = Vec<(bool, CaseStatus)>;

/// Split `status:S` terms (and `!status:S`) from body selection terms in each expression.
pub fn parse_case_selection(exprs: &[String]) -> anyhow::Result<Vec<(StatusTerms, Selection)>> {
    if exprs.is_empty() {
        bail!("no --select given: say which cases, e.g. --select status:clarification_requested (or --select all)");
    }
    let mut out = Vec::new();
    for expr in exprs {
        let mut statuses = Vec::new();
        let mut rest = Vec::new();
        for raw in expr.split(',').map(str::trim).filter(|t| !t.is_empty()) {
            let (negated, t) = match raw.strip_prefix('!') {
                Some(r) => (true, r.trim()),
                None => (false, raw),
            };
            match t.split_once(':') {
                Some((k, v)) if k.trim().eq_ignore_ascii_case("status") => {
                    let Some(s) = CaseStatus::parse(v) else {
                        let known: Vec<_> = CaseStatus::ALL.iter().map(|s| s.as_str()).collect();
                        bail!(
                            "unknown status '{v}' in --select: use one of {}",
                            known.join(", ")
                        );
                    };
                    statuses.push((negated, s));
                }
                _ => rest.push(raw.to_string()),
            }
        }
        let body_expr = if rest.is_empty() {
            "all".to_string()
        } else {
            rest.join(",")
        };
        let selection = Selection::parse(&[body_expr], &|path| {
            std::fs::read_to_string(path).map_err(|e| e.to_string())
        })?;
        out.push((statuses, selection));
    }
    Ok(out)
}

/// The first selected case's email, as it will go.
pub struct Preview {
    pub reference: Reference,
    pub body_name: String,
    pub draft: Draft,
}

/// What became of a campaign message.
pub enum Outcome {
    /// Some selected cases do not render (reference, body name, why): nothing was queued.
    NotRendered(Vec<(Reference, String, RenderFailure)>),
    /// No sent case matches the selection.
    NoneSelected,
    /// A dry run: every selected case renders; this many emails would be queued.
    WouldQueue(usize),
    /// This many emails were queued.
    Queued(usize),
}

/// A campaign message's preview, the selected cases left out because their request has not
/// been sent, and what was done.
pub struct CampaignMessage {
    pub preview: Option<Preview>,
    pub unsent: usize,
    pub rendered: usize,
    pub outcome: Outcome,
}

/// What every case's message shares: the template, the campaign's fields and ladder,
/// the sender's domain (for Message-IDs), the time.
struct Message<'a> {
    settings: &'a Settings,
    campaign: &'a Campaign,
    renderer: Renderer,
    campaign_fields: std::collections::BTreeMap<String, serde_json::Value>,
    ladder: Option<Ladder>,
    sender_domain: String,
    now: DateTime<Utc>,
    today: NaiveDate,
}

impl Message<'_> {
    /// Case `t`'s email, threaded to its request (`first_id`), as an outbox item with its
    /// draft; or why it does not render.
    fn for_case(
        &self,
        t: &CaseTimeline,
        body: &Body,
        regime: &crate::deadlines::Regime,
        first_id: &String,
    ) -> anyhow::Result<Result<(NewOutboxItem, Draft), RenderFailure>> {
        let review = |s: &str| self.ladder.as_ref().is_some_and(|l| l.is_review_step(s));
        let deadline = crate::standing::deadline(regime, &t.events, &review)?;
        let reply = self.settings.reply.address(&t.token);
        let reference = &t.reference;
        let draft = match compose_followup(
            self.settings,
            self.campaign,
            &self.campaign_fields,
            &self.renderer,
            body,
            reference,
            &reply,
            deadline.as_ref(),
            crate::standing::derive(t.status, &t.events, &review)
                .answer
                .as_ref(),
            self.today,
        ) {
            Ok(d) => d,
            Err(f) => return Ok(Err(f)),
        };
        let message_id = new_message_id(&self.sender_domain);
        let raw = build(
            &draft,
            &message_id,
            t.reference.as_str(),
            self.now,
            &thread_to(Some(first_id)),
        )
        .with_context(|| format!("case {}", t.reference))?;
        let item = NewOutboxItem {
            case_id: t.id,
            kind: "message".into(),
            message_id,
            envelope_from: reply,
            recipient: draft.to_addr.clone(),
            subject: draft.rendered.subject.clone(),
            raw,
            not_before: self.now,
        };
        Ok(Ok((item, draft)))
    }
}

/// Render `template` for every sent case of `campaign` that `select` picks and, unless
/// `dry_run` or a case fails to render, queue the emails in one transaction.
#[allow(clippy::too_many_arguments)]
pub async fn send_campaign_message(
    store: &Store,
    settings: &Settings,
    regimes: &Regimes,
    campaign: &Campaign,
    template: &Path,
    select: &[String],
    dry_run: bool,
    now: DateTime<Utc>,
    today: NaiveDate,
) -> anyhow::Result<CampaignMessage> {
    let selection = parse_case_selection(select)?;
    let dir = std::fs::canonicalize(template)
        .with_context(|| format!("cannot find the template folder {}", template.display()))?;
    let message = Message {
        settings,
        campaign,
        renderer: Renderer::new(&TemplateSet::load(&dir)?)?,
        campaign_fields: TemplateSet::load(Path::new(&campaign.template_dir))
            .map(|s| s.campaign_fields)
            .unwrap_or_default(),
        ladder: Ladder::load(Path::new(&campaign.template_dir)).ok(),
        sender_domain: settings.sender.domain()?,
        now,
        today,
    };
    let bodies: HashMap<BodyId, Body> = store.bodies_by_id().await?;
    let timelines = store
        .case_timelines(&TimelineFilter {
            campaign_id: Some(campaign.id),
            ..Default::default()
        })
        .await?;
    let first_ids = store.request_message_ids(campaign.id).await?;
    let mut done = CampaignMessage {
        preview: None,
        unsent: 0,
        rendered: 0,
        outcome: Outcome::NoneSelected,
    };
    let mut items = Vec::new();
    let mut failures = Vec::new();
    for t in &timelines {
        let Some(body) = bodies.get(&t.body_id) else {
            bail!("case {} has no body in the database", t.reference);
        };
        let hit = selection.iter().any(|(statuses, sel)| {
            statuses.iter().all(|(neg, s)| (t.status == *s) != *neg) && sel.matches(body)
        });
        if !hit {
            continue;
        }
        let Some(first_id) = first_ids.get(&t.id) else {
            done.unsent += 1;
            continue;
        };
        let regime = regimes
            .get(&t.regime)
            .with_context(|| format!("case {}: unknown regime '{}'", t.reference, t.regime))?;
        match message.for_case(t, body, regime, first_id)? {
            Ok((item, draft)) => {
                items.push(item);
                if done.preview.is_none() {
                    done.preview = Some(Preview {
                        reference: t.reference.clone(),
                        body_name: t.body_name.clone(),
                        draft,
                    });
                }
            }
            Err(f) => failures.push((t.reference.clone(), t.body_name.clone(), f)),
        }
    }
    done.rendered = items.len();
    done.outcome = if !failures.is_empty() {
        Outcome::NotRendered(failures)
    } else if items.is_empty() {
        Outcome::NoneSelected
    } else if dry_run {
        Outcome::WouldQueue(items.len())
    } else {
        store.queue(&items, now).await?;
        Outcome::Queued(items.len())
    };
    Ok(done)
}
