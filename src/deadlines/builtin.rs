//! The regimes that ship with the project, as data (see [`builtin_regimes`]), and the
//! registry of every regime an installation knows ([`Regimes`]: the built-ins and those a
//! configuration defines).

use std::collections::BTreeMap;
use std::sync::Arc;

use super::calendar::Calendar;
use super::ladder::builtin_ladder;
use super::regime::Regime;
use super::regime_def::{
    saturday_and_sunday, Blackout, ClarificationRule, ExtensionLimit, MonthDay, RegimeDef,
    RegimeError, ReviewRule, Unit,
};
use super::school::SchoolRule;
use super::terms::TermDates;

fn uk_regions() -> Vec<String> {
    vec![
        "england-and-wales".into(),
        "scotland".into(),
        "northern-ireland".into(),
    ]
}

/// The regimes that ship with the project.
///
/// - `uk-foia`: FOIA 2000 s.10: 20 working days; a working day is not a Saturday, Sunday,
///   Christmas Day, Good Friday or a bank holiday in any part of the UK (s.10(6)), so the
///   three regions together. Public-interest extension: +20 working days at most (ICO).
///   Internal review: 20 working days, 40 at most (s.45 Code of Practice).
/// - `uk-eir`: EIR 2004 reg 5(2) and 7(1): 20 working days, extendable to 40. Internal
///   review (reconsideration, reg 11(4)): due within 40 working days, which is also its
///   maximum.
/// - `scotland-foisa`: FOISA 2002 s.10: 20 working days, Scottish bank holidays only
///   (s.73); no extension; review (s.21) 20 working days.
/// - `uk-foia-school`: FOIA as above, with the Freedom of Information (Time for Compliance
///   with Request) Regulations: SI 2004/3364 reg 3 (maintained schools and nursery schools),
///   SI 2009/1369 reg 2 (Northern Ireland's schools and pupil referral units) and
///   SI 2010/2768 (academies): due on the earlier of the 20th school day (a working day on
///   which the school holds a session) and the 60th working day. School days come from
///   term dates ([`TermDates`]): the shipped default is a typical England pattern
///   ([`DEFAULT_TERMS`](super::DEFAULT_TERMS)), replaced per school or local authority by naming term dates
///   after an `@` (`uk-foia-school@camford`, see [`Regimes::with_term_dates`]). A
///   public-interest extension runs from that due date, at most 20 working days (ICO).
/// - `ireland-foi`: FOI Act 2014 s.13: 4 weeks after receipt, rolled forward off a day the
///   office is closed (Interpretation Act 2005); extension up to 4 weeks (s.14);
///   internal review 3 weeks (s.21). Irish public holidays are not shipped: add them to
///   your calendar under the region `ireland`.
/// - `us-foia`: 5 U.S.C. 552(a)(6): 20 working days excluding weekends and federal
///   holidays (region `us-federal`, not shipped: add them); 10 more in unusual
///   circumstances; clarification tolls (pauses) the clock; appeal 20 working days.
///   The time zone is Washington's; define your own regime for an agency elsewhere.
/// - `nz-oia`: Official Information Act 1982 s.15: 20 working days; s.2 excludes weekends,
///   NZ public holidays (region `new-zealand`, not shipped: add them) and 25 December to
///   15 January; extensions "for a reasonable period" (s.15A) have no fixed cap; a charge
///   does not pause the clock (the decision, charge included, is due in the period); no
///   internal review (complaints go to the Ombudsman).
///
/// The UK regimes follow the statutes and the ICO's guidance; the Irish, US and New
/// Zealand ones are working definitions to check against local advice, and, being data,
/// are replaced by a config definition of the same name.
///
/// Each carries its escalation ladder ([`builtin_ladder`], empty for the last three).
pub fn builtin_regimes() -> Vec<RegimeDef> {
    regime_table()
        .into_iter()
        .map(|def| RegimeDef {
            ladder: builtin_ladder(&def.name),
            ..def
        })
        .collect()
}

/// The regimes without their ladders (those are [`builtin_ladder`]'s).
///
/// (A table of data, each regime's legal source on [`builtin_regimes`]: longer than a
/// function should be, and clearer whole.)
fn regime_table() -> Vec<RegimeDef> {
    let uk = |name: &str, description: &str, extension, review| RegimeDef {
        name: name.into(),
        description: description.into(),
        period: 20,
        unit: Unit::WorkingDays,
        regions: uk_regions(),
        time_zone: "Europe/London".into(),
        roll_forward: true,
        weekend: saturday_and_sunday(),
        blackouts: Vec::new(),
        extension,
        clarification: ClarificationRule::Restart,
        fees_pause: true,
        review: Some(review),
        school: None,
        ladder: Vec::new(),
    };
    let review = |period, latest| ReviewRule {
        period,
        latest,
        unit: None,
    };
    vec![
        uk(
            "uk-foia",
            "Freedom of Information Act 2000 (England, Wales, Northern Ireland, UK bodies)",
            ExtensionLimit::UpTo(20),
            review(20, Some(40)),
        ),
        uk(
            "uk-eir",
            "Environmental Information Regulations 2004",
            ExtensionLimit::UpTo(20),
            review(40, None),
        ),
        RegimeDef {
            regions: vec!["scotland".into()],
            ..uk(
                "scotland-foisa",
                "Freedom of Information (Scotland) Act 2002",
                ExtensionLimit::None,
                review(20, None),
            )
        },
        RegimeDef {
            school: Some(SchoolRule {
                school_days: 20,
                working_days: 60,
            }),
            ..uk(
                "uk-foia-school",
                "FOIA 2000 for schools and academies: the earlier of 20 school days and 60 working days",
                ExtensionLimit::UpTo(20),
                review(20, Some(40)),
            )
        },
        RegimeDef {
            name: "ireland-foi".into(),
            description: "Freedom of Information Act 2014 (Ireland); holidays: region `ireland`, user-supplied".into(),
            period: 4,
            unit: Unit::Weeks,
            regions: vec!["ireland".into()],
            time_zone: "Europe/Dublin".into(),
            roll_forward: true,
            weekend: saturday_and_sunday(),
            blackouts: Vec::new(),
            extension: ExtensionLimit::UpTo(4),
            clarification: ClarificationRule::Restart,
            fees_pause: true,
            review: Some(review(3, None)),
            school: None,
            ladder: Vec::new(),
        },
        RegimeDef {
            name: "us-foia".into(),
            description: "US federal FOIA, 5 U.S.C. 552; holidays: region `us-federal`, user-supplied".into(),
            period: 20,
            unit: Unit::WorkingDays,
            regions: vec!["us-federal".into()],
            time_zone: "America/New_York".into(),
            roll_forward: true,
            weekend: saturday_and_sunday(),
            blackouts: Vec::new(),
            extension: ExtensionLimit::UpTo(10),
            clarification: ClarificationRule::Pause,
            fees_pause: true,
            review: Some(review(20, Some(30))),
            school: None,
            ladder: Vec::new(),
        },
        RegimeDef {
            name: "nz-oia".into(),
            description: "Official Information Act 1982 (New Zealand); holidays: region `new-zealand`, user-supplied".into(),
            period: 20,
            unit: Unit::WorkingDays,
            regions: vec!["new-zealand".into()],
            time_zone: "Pacific/Auckland".into(),
            roll_forward: true,
            weekend: saturday_and_sunday(),
            blackouts: vec![Blackout {
                from: MonthDay { month: 12, day: 25 },
                to: MonthDay { month: 1, day: 15 },
                name: "summer holiday period, OIA s.2".into(),
            }],
            extension: ExtensionLimit::Unbounded,
            clarification: ClarificationRule::Restart,
            // A charge is part of the decision, due within the 20 working days; payment
            // only conditions the release.
            fees_pause: false,
            review: None,
            school: None,
            ladder: Vec::new(),
        },
    ]
}

impl RegimeDef {
    /// The built-in definition called `name`, if there is one.
    pub fn builtin(name: &str) -> Option<RegimeDef> {
        builtin_regimes().into_iter().find(|r| r.name == name)
    }
}

impl Regime {
    /// The built-in regime `name` (see [`builtin_regimes`]) over `calendar`.
    pub fn builtin(name: &str, calendar: &Calendar) -> Option<Regime> {
        Regime::new(RegimeDef::builtin(name)?, calendar).ok()
    }
}

/// Every regime an installation knows: the built-ins plus those from config, all over one
/// calendar. A config definition with a built-in's name replaces the built-in.
///
/// A regime with a school rule is also known with term dates after an `@`
/// (`uk-foia-school@camford`: the school days of the term dates called `camford`, see
/// [`Regimes::with_term_dates`]); without one it counts [`DEFAULT_TERMS`](super::DEFAULT_TERMS) (or the
/// configured default).
#[derive(Debug, Clone)]
pub struct Regimes {
    by_name: BTreeMap<String, Regime>,
    /// `name@terms` for every school regime and every set of term dates.
    with_terms: BTreeMap<String, Regime>,
    /// The names of the term dates known, sorted.
    terms: Vec<String>,
}

impl Regimes {
    /// Builds the built-ins and `extra` over `calendar`; the first bad or duplicated
    /// definition in `extra` is the error.
    pub fn new(calendar: &Calendar, extra: Vec<RegimeDef>) -> Result<Regimes, RegimeError> {
        let mut seen = std::collections::BTreeSet::new();
        for def in &extra {
            if !seen.insert(def.name.clone()) {
                return Err(RegimeError::Duplicate(def.name.clone()));
            }
        }
        let mut defs: BTreeMap<String, RegimeDef> = builtin_regimes()
            .into_iter()
            .map(|d| (d.name.clone(), d))
            .collect();
        for def in extra {
            defs.insert(def.name.clone(), def);
        }
        let by_name: BTreeMap<String, Regime> = defs
            .into_iter()
            .map(|(name, def)| Ok((name, Regime::new(def, calendar)?)))
            .collect::<Result<_, RegimeError>>()?;
        let mut regimes = Regimes {
            by_name,
            with_terms: BTreeMap::new(),
            terms: Vec::new(),
        };
        regimes.add_terms(Arc::new(TermDates::england_default()));
        Ok(regimes)
    }

    /// Adds term dates: every school regime is then also known as `name@<terms name>`
    /// (a later set with the same name replaces an earlier one). With `default`, the
    /// school regimes' plain names count the term dates of that name instead of the
    /// shipped [`DEFAULT_TERMS`](super::DEFAULT_TERMS); an unknown `default` is an error.
    pub fn with_term_dates(
        mut self,
        terms: Vec<TermDates>,
        default: Option<&str>,
    ) -> Result<Regimes, RegimeError> {
        for t in terms {
            self.add_terms(Arc::new(t));
        }
        if let Some(default) = default {
            for (name, regime) in self.by_name.iter_mut() {
                if regime.def().school.is_none() {
                    continue;
                }
                let key = format!("{name}@{default}");
                let Some(chosen) = self.with_terms.get(&key) else {
                    return Err(RegimeError::UnknownTerms {
                        regime: name.clone(),
                        terms: default.to_string(),
                    });
                };
                *regime = chosen.clone();
            }
        }
        Ok(self)
    }

    fn add_terms(&mut self, terms: Arc<TermDates>) {
        for (name, regime) in &self.by_name {
            if regime.def().school.is_some() {
                self.with_terms.insert(
                    format!("{name}@{}", terms.name()),
                    regime.with_term_dates(terms.clone()),
                );
            }
        }
        if !self.terms.iter().any(|t| t == terms.name()) {
            self.terms.push(terms.name().to_string());
            self.terms.sort();
        }
    }

    /// The regime called `name` (or `name@terms`, a school regime with those term dates).
    pub fn get(&self, name: &str) -> Option<&Regime> {
        self.by_name.get(name).or_else(|| self.with_terms.get(name))
    }

    /// Why `name` is not a known regime, when it names a school regime with unknown term
    /// dates (for a clearer error than "unknown regime").
    pub fn unknown_terms(&self, name: &str) -> Option<RegimeError> {
        let (base, terms) = name.split_once('@')?;
        let regime = self.by_name.get(base)?;
        (regime.def().school.is_some() && self.get(name).is_none()).then(|| {
            RegimeError::UnknownTerms {
                regime: base.to_string(),
                terms: terms.to_string(),
            }
        })
    }

    /// All regimes, by name (without their term-dates variants).
    pub fn iter(&self) -> impl Iterator<Item = &Regime> {
        self.by_name.values()
    }

    /// All names, sorted (without their term-dates variants).
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.by_name.keys().map(String::as_str)
    }

    /// The names of the term dates known, sorted (the shipped default included).
    pub fn term_dates(&self) -> impl Iterator<Item = &str> {
        self.terms.iter().map(String::as_str)
    }
}
