//! A campaign's escalation ladder: its own `[[chasers]]` in `campaign.toml`, or with
//! `ladder = "regime"` each case's regime's ladder (data: `deadlines::builtin_ladder`, or a
//! `[[regime]]`'s `ladder`), its templates compiled; and the check that every step renders.
//! The sweep that takes the steps is `chasers`.
//!
//! Sees `deadlines`, `standing`, `templates`, `compose` and the settings.

use crate::casework::compose::compose_followup;
use crate::config::Settings;
use crate::deadlines::{Calendar, Regime, Regimes, ReviewLimit, ReviewOn};
pub use crate::deadlines::{Mode, Trigger};
use crate::domain::event::EventKind;
use crate::domain::{Body, Campaign};
use crate::standing;
use crate::templates::{Renderer, TemplateSet, CAMPAIGN_FILE};
use anyhow::{bail, Context as _};
use chrono::NaiveDate;
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// One `[[chasers]]` table as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct StepDef {
    step: String,
    trigger: Trigger,
    after: Option<u32>,
    after_refusal: Option<u32>,
    #[serde(default)]
    on: ReviewOn,
    #[serde(default)]
    review_limit: ReviewLimit,
    template: PathBuf,
    #[serde(default)]
    mode: Mode,
}

/// One step of a ladder, its templates compiled.
pub struct Step {
    pub name: String,
    pub trigger: Trigger,
    pub after: u32,
    pub after_refusal: u32,
    /// For `internal_review`: whether it answers a non-response too.
    pub on: ReviewOn,
    /// For `complaint`: the review's date its wait counts from.
    pub review_limit: ReviewLimit,
    pub mode: Mode,
    pub template_dir: PathBuf,
    /// The law or guidance it rests on (a regime's ladder says; a campaign's does not).
    pub basis: String,
    pub(super) renderer: Arc<Renderer>,
}

/// A campaign's escalation ladder, in order.
pub struct Ladder {
    /// The campaign's own `[[chasers]]`, for every case.
    pub steps: Vec<Step>,
    /// With `ladder = "regime"`: each regime's ladder (by regime name, without an `@`
    /// suffix), for the cases of that regime.
    by_regime: BTreeMap<String, Vec<Step>>,
    /// The campaign folder's plain values (`campaign.<key>` in the chaser templates).
    pub(super) campaign_fields: BTreeMap<String, serde_json::Value>,
}

/// The ICO's window for asking for an internal review: 40 working days.
pub const REVIEW_WINDOW: u32 = 40;

impl Ladder {
    /// Read the ladder of a campaign folder's `campaign.toml` (no file, no ladder), the
    /// regime ladders being the built-in regimes' (enough to tell review steps apart).
    pub fn load(campaign_dir: &Path) -> anyhow::Result<Ladder> {
        static BUILTIN: std::sync::OnceLock<Option<Regimes>> = std::sync::OnceLock::new();
        let builtin = BUILTIN.get_or_init(|| Regimes::new(&Calendar::uk(), Vec::new()).ok());
        match builtin {
            Some(regimes) => Ladder::load_for(campaign_dir, regimes),
            None => bail!("the built-in regimes cannot be built"),
        }
    }

    /// Read the ladder of a campaign folder's `campaign.toml`: its `[[chasers]]`, or with
    /// `ladder = "regime"` the ladder of each of `regimes` that has one, templates read
    /// from the folder `chasers_dir` names (default `../chasers`, relative to the
    /// campaign folder). Both at once is an error.
    pub fn load_for(campaign_dir: &Path, regimes: &Regimes) -> anyhow::Result<Ladder> {
        let path = campaign_dir.join(CAMPAIGN_FILE);
        let campaign_fields = TemplateSet::load(campaign_dir)
            .map(|s| s.campaign_fields)
            .unwrap_or_default();
        let mut ladder = Ladder {
            steps: Vec::new(),
            by_regime: BTreeMap::new(),
            campaign_fields,
        };
        if !path.exists() {
            return Ok(ladder);
        }
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        let mut table: toml::Table = toml::from_str(&text)
            .with_context(|| format!("{} is not valid TOML", path.display()))?;
        let defs: Vec<StepDef> = match table.remove("chasers") {
            None => Vec::new(),
            Some(v) => v.try_into().with_context(|| {
                format!(
                    "{}: [[chasers]] needs step, trigger (no_acknowledgement, overdue, internal_review, \
                     complaint or complaint_no_response), template, and optionally after, after_refusal, \
                     on (any or refusal), review_limit (due or latest) and mode (auto or approve)",
                    path.display()
                )
            })?,
        };
        if table
            .iter()
            .any(|(k, v)| k != "chasers" && nested_key(v, &["ladder", "chasers_dir"]))
        {
            bail!(
                "{}: ladder and chasers_dir are read only at the top of the file: move them \
                 above the first [table]",
                path.display()
            );
        }
        let from_regime = match table.get("ladder") {
            None => false,
            Some(toml::Value::String(s)) if s == "regime" => true,
            Some(other) => bail!(
                "{}: ladder = {other} is not understood: write ladder = \"regime\" (each case \
                 follows its regime's ladder) or leave it out and write [[chasers]]",
                path.display()
            ),
        };
        if from_regime && !defs.is_empty() {
            bail!(
                "{}: ladder = \"regime\" and [[chasers]] both given: keep one (the [[chasers]] \
                 are the campaign's own ladder)",
                path.display()
            );
        }
        if from_regime {
            let dir = match table.get("chasers_dir") {
                Some(toml::Value::String(s)) => campaign_dir.join(s),
                Some(_) => bail!("{}: chasers_dir must be a folder path", path.display()),
                None => campaign_dir.join("../chasers"),
            };
            ladder.by_regime = regime_ladders(&dir, regimes, &path)?;
            return Ok(ladder);
        }
        ladder.steps = own_steps(campaign_dir, &path, defs)?;
        Ok(ladder)
    }

    /// The steps a case of `regime` follows: the campaign's own, or its regime's (a
    /// regime with term dates, `uk-foia-school@camford`, follows `uk-foia-school`'s).
    pub fn steps_for(&self, regime: &str) -> &[Step] {
        if self.by_regime.is_empty() {
            return &self.steps;
        }
        let base = regime.split_once('@').map_or(regime, |(b, _)| b);
        self.by_regime
            .get(base)
            .map(Vec::as_slice)
            .unwrap_or_default()
    }

    /// Whether the ladder has no step for any case.
    pub fn is_empty(&self) -> bool {
        self.steps.is_empty() && self.by_regime.values().all(Vec::is_empty)
    }

    /// The names of the steps that request an internal review, each once.
    pub fn review_step_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .all_steps()
            .filter(|s| s.trigger == Trigger::InternalReview)
            .map(|s| s.name.clone())
            .collect();
        names.sort();
        names.dedup();
        names
    }

    /// Every step of every regime's ladder (or the campaign's own).
    fn all_steps(&self) -> impl Iterator<Item = &Step> {
        self.steps.iter().chain(self.by_regime.values().flatten())
    }

    /// Render every step for one case as the sweep would, with the dates of a request
    /// received `today` (and, for a complaint, a review asked for today): the failures,
    /// each naming its step. A case without a known regime renders with no dates.
    pub fn check_case(
        &self,
        settings: &Settings,
        campaign: &Campaign,
        regime: Option<&Regime>,
        case: &crate::domain::Case,
        body: &Body,
        today: NaiveDate,
    ) -> Vec<crate::templates::RenderFailure> {
        let ev = |kind| crate::domain::Event {
            kind,
            on: today,
            note: None,
        };
        let reply = settings.reply.address(&case.token);
        let mut failures = Vec::new();
        for step in self.steps_for(&case.regime) {
            let mut events = vec![ev(EventKind::Sent)];
            if step.trigger == Trigger::Complaint {
                events.push(ev(EventKind::InternalReviewRequested));
            }
            let deadline = regime
                .and_then(|r| standing::deadline(r, &events, &standing::no_review_steps).ok())
                .flatten();
            // A review or complaint text may argue a refusal or say nothing came: both.
            let refused = standing::Answer {
                outcome: standing::Outcome::Refusal,
                first_on: today,
                first_index: 0,
            };
            let answers: &[Option<&standing::Answer>] = match step.trigger {
                Trigger::InternalReview | Trigger::Complaint => &[None, Some(&refused)],
                _ => &[None],
            };
            for answer in answers {
                let drafted = compose_followup(
                    settings,
                    campaign,
                    &self.campaign_fields,
                    &step.renderer,
                    body,
                    &case.reference,
                    &reply,
                    deadline.as_ref(),
                    *answer,
                    today,
                );
                if let Err(mut f) = drafted {
                    f.template = format!("chaser step '{}': {}", step.name, f.template);
                    failures.push(f);
                    break;
                }
            }
        }
        failures
    }

    /// Whether `step` requests an internal review (its email starts the review clock).
    pub fn is_review_step(&self, step: &str) -> bool {
        self.all_steps()
            .any(|s| s.name == step && s.trigger == Trigger::InternalReview)
    }
}

/// The campaign's own ladder: its `[[chasers]]` (read from `path`), each step's name
/// checked and its templates compiled.
fn own_steps(campaign_dir: &Path, path: &Path, defs: Vec<StepDef>) -> anyhow::Result<Vec<Step>> {
    let mut steps: Vec<Step> = Vec::with_capacity(defs.len());
    for def in defs {
        let ok = !def.step.is_empty()
            && def.step.len() <= 40
            && def
                .step
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if !ok {
            bail!(
                "{}: chaser step '{}' must be a name of lower-case letters, digits and hyphens",
                path.display(),
                def.step
            );
        }
        if steps.iter().any(|s| s.name == def.step) {
            bail!(
                "{}: chaser step '{}' is declared twice",
                path.display(),
                def.step
            );
        }
        let dir = if def.template.is_absolute() {
            def.template.clone()
        } else {
            campaign_dir.join(&def.template)
        };
        let renderer = compile(&dir)
            .with_context(|| format!("chaser step '{}' in {}", def.step, path.display()))?;
        steps.push(Step {
            after: def.after.unwrap_or(def.trigger.default_after()),
            after_refusal: def.after_refusal.unwrap_or(1),
            on: def.on,
            review_limit: def.review_limit,
            name: def.step,
            trigger: def.trigger,
            mode: def.mode,
            template_dir: dir,
            basis: String::new(),
            renderer,
        });
    }
    Ok(steps)
}

/// Whether a table inside `v` (at any depth) has one of `keys`: a top-level key written
/// after a `[table]` header lands there.
fn nested_key(v: &toml::Value, keys: &[&str]) -> bool {
    match v {
        toml::Value::Table(t) => t
            .iter()
            .any(|(k, v)| keys.contains(&k.as_str()) || nested_key(v, keys)),
        toml::Value::Array(a) => a.iter().any(|v| nested_key(v, keys)),
        _ => false,
    }
}

/// One template folder, compiled.
fn compile(dir: &Path) -> anyhow::Result<Arc<Renderer>> {
    let set = TemplateSet::load(dir)?;
    Ok(Arc::new(Renderer::new(&set)?))
}

/// Every regime's ladder as steps, each template folder under `dir` compiled once.
fn regime_ladders(
    dir: &Path,
    regimes: &Regimes,
    campaign_file: &Path,
) -> anyhow::Result<BTreeMap<String, Vec<Step>>> {
    let mut compiled: HashMap<String, Arc<Renderer>> = HashMap::new();
    let mut out = BTreeMap::new();
    for regime in regimes.iter() {
        let mut steps = Vec::new();
        for rung in &regime.def().ladder {
            let template_dir = dir.join(&rung.template);
            let renderer = match compiled.get(&rung.template) {
                Some(r) => r.clone(),
                None => {
                    let r = compile(&template_dir).with_context(|| {
                        format!(
                            "regime {}'s ladder step '{}' (ladder = \"regime\" in {}): its template \
                             folder {}",
                            regime.name(),
                            rung.step,
                            campaign_file.display(),
                            template_dir.display()
                        )
                    })?;
                    compiled.insert(rung.template.clone(), r.clone());
                    r
                }
            };
            steps.push(Step {
                name: rung.step.clone(),
                trigger: rung.trigger,
                after: rung.after.unwrap_or(rung.trigger.default_after()),
                after_refusal: rung.after_refusal.unwrap_or(1),
                on: rung.on,
                review_limit: rung.review_limit,
                mode: rung.mode,
                template_dir,
                basis: rung.basis.clone(),
                renderer,
            });
        }
        if !steps.is_empty() {
            out.insert(regime.name().to_string(), steps);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A campaign folder whose `campaign.toml` is `toml`, the shipped chaser texts beside.
    fn campaign(toml: &str) -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("temp dir");
        let chasers = concat!(env!("CARGO_MANIFEST_DIR"), "/templates/chasers");
        let text = toml.replace("{chasers}", chasers);
        std::fs::write(dir.path().join(CAMPAIGN_FILE), text).expect("write");
        dir
    }

    fn names(steps: &[Step]) -> Vec<&str> {
        steps.iter().map(|s| s.name.as_str()).collect()
    }

    #[test]
    fn ladder_regime_gives_each_regime_its_built_in_ladder_with_the_shipped_texts() {
        let dir = campaign("ladder = \"regime\"\nchasers_dir = \"{chasers}\"\ntitle = \"x\"\n");
        let l = Ladder::load(dir.path()).expect("every built-in ladder's template is shipped");
        let foia = [
            "acknowledgement",
            "overdue",
            "complaint-no-response",
            "internal-review",
            "complaint",
        ];
        assert_eq!(names(l.steps_for("uk-foia")), foia);
        assert_eq!(names(l.steps_for("uk-foia-school@camford")), foia);
        assert_eq!(
            names(l.steps_for("scotland-foisa")),
            ["acknowledgement", "overdue", "review", "application"]
        );
        assert_eq!(
            names(l.steps_for("uk-eir")),
            ["acknowledgement", "overdue", "reconsideration", "complaint"]
        );
        assert!(l.steps_for("nz-oia").is_empty());
        assert_eq!(
            l.review_step_names(),
            ["internal-review", "reconsideration", "review"]
        );
        let complaint = &l.steps_for("uk-foia")[4];
        assert_eq!(complaint.review_limit, ReviewLimit::Latest);
        assert!(complaint.basis.contains("40 working days"));
        assert_eq!(l.steps_for("uk-foia")[3].on, ReviewOn::Refusal);
        assert!(!l.is_empty());
    }

    #[test]
    fn a_misplaced_or_doubled_ladder_is_one_clear_error() {
        let after_table = campaign("[[questions]]\nid = \"q\"\nladder = \"regime\"\n");
        let e = format!(
            "{:#}",
            Ladder::load(after_table.path()).err().expect("error")
        );
        assert!(e.contains("move them above the first [table]"), "{e}");
        let both = campaign(
            "ladder = \"regime\"\n[[chasers]]\nstep = \"overdue\"\ntrigger = \"overdue\"\ntemplate = \"{chasers}/overdue\"\n",
        );
        let e = format!("{:#}", Ladder::load(both.path()).err().expect("error"));
        assert!(e.contains("both given"), "{e}");
        let word = campaign("ladder = \"law\"\n");
        let e = format!("{:#}", Ladder::load(word.path()).err().expect("error"));
        assert!(e.contains("write ladder = \"regime\""), "{e}");
        let missing = campaign("ladder = \"regime\"\nchasers_dir = \"nowhere\"\n");
        let e = format!("{:#}", Ladder::load(missing.path()).err().expect("error"));
        assert!(e.contains("ladder step 'acknowledgement'"), "{e}");
    }
}
