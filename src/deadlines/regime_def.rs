//! What config.toml writes for a regime (and what the built-ins are): [`RegimeDef`] with
//! its parts, and the checks that make it usable ([`RegimeDef::validate`]). A checked
//! definition is joined to a calendar in [`Regime`](super::Regime).

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate, Weekday};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use super::calendar::parse_region;
use super::school::SchoolRule;

/// What a regime's period counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// Days that are not weekends, holidays in the regime's regions, or blackouts.
    WorkingDays,
    /// Every day.
    CalendarDays,
    /// Seven calendar days each.
    Weeks,
    /// Calendar months: the same day of the month, or the month's last day if shorter.
    Months,
}

impl Unit {
    /// `"20 working days"`, `"1 week"`.
    pub fn amount(self, n: u32) -> String {
        let (one, many) = match self {
            Unit::WorkingDays => ("working day", "working days"),
            Unit::CalendarDays => ("calendar day", "calendar days"),
            Unit::Weeks => ("week", "weeks"),
            Unit::Months => ("month", "months"),
        };
        format!("{n} {}", if n == 1 { one } else { many })
    }
}

/// A day of the year as `MM-DD` (`12-25`); `02-29` is allowed and simply has no day in
/// other years.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct MonthDay {
    pub(super) month: u32,
    pub(super) day: u32,
}

impl MonthDay {
    /// A month-day; `None` if no year has it (`02-30`, `13-01`).
    pub fn new(month: u32, day: u32) -> Option<MonthDay> {
        // 2000 is a leap year, so 02-29 passes.
        NaiveDate::from_ymd_opt(2000, month, day).map(|_| MonthDay { month, day })
    }

    fn of(date: NaiveDate) -> MonthDay {
        MonthDay {
            month: date.month(),
            day: date.day(),
        }
    }
}

impl FromStr for MonthDay {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || format!("`{s}` is not a day of the year (write MM-DD, e.g. 12-25)");
        let (m, d) = s.trim().split_once('-').ok_or_else(bad)?;
        let all_digits = |t: &str| t.len() == 2 && t.bytes().all(|b| b.is_ascii_digit());
        if !all_digits(m) || !all_digits(d) {
            return Err(bad());
        }
        let m = m.parse().map_err(|_| bad())?;
        let d = d.parse().map_err(|_| bad())?;
        MonthDay::new(m, d).ok_or_else(bad)
    }
}

impl TryFrom<String> for MonthDay {
    type Error = String;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<MonthDay> for String {
    fn from(md: MonthDay) -> String {
        md.to_string()
    }
}

impl fmt::Display for MonthDay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}-{:02}", self.month, self.day)
    }
}

/// A stretch of every year that never has working days, inclusive at both ends; it may
/// cross the new year (`12-25` to `01-15`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Blackout {
    /// First day.
    pub from: MonthDay,
    /// Last day.
    pub to: MonthDay,
    /// What the explanation calls it.
    pub name: String,
}

impl Blackout {
    /// Whether `date` falls in this blackout.
    pub fn contains(&self, date: NaiveDate) -> bool {
        let md = MonthDay::of(date);
        if self.from <= self.to {
            self.from <= md && md <= self.to
        } else {
            md >= self.from || md <= self.to
        }
    }
}

/// How far a regime lets a body extend its deadline beyond the period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(try_from = "ExtensionLimitRepr", into = "ExtensionLimitRepr")]
pub enum ExtensionLimit {
    /// No extension: an extension event leaves the due date alone. Written `"none"`.
    #[default]
    None,
    /// At most this many more units of the regime's period (`20` for the UK public-interest
    /// extension). Written as the number.
    UpTo(u32),
    /// Extensions without a fixed maximum (New Zealand's "reasonable period"). Written
    /// `"unbounded"`.
    Unbounded,
}

#[derive(Serialize, Deserialize)]
#[serde(untagged)]
enum ExtensionLimitRepr {
    Number(u32),
    Word(String),
}

impl TryFrom<ExtensionLimitRepr> for ExtensionLimit {
    type Error = String;

    fn try_from(r: ExtensionLimitRepr) -> Result<Self, Self::Error> {
        match r {
            ExtensionLimitRepr::Number(0) => Ok(ExtensionLimit::None),
            ExtensionLimitRepr::Number(n) => Ok(ExtensionLimit::UpTo(n)),
            ExtensionLimitRepr::Word(w) => match w.as_str() {
                "none" => Ok(ExtensionLimit::None),
                "unbounded" => Ok(ExtensionLimit::Unbounded),
                _ => Err(format!(
                    "extension `{w}` is not understood (write a number, \"none\" or \"unbounded\")"
                )),
            },
        }
    }
}

impl From<ExtensionLimit> for ExtensionLimitRepr {
    fn from(l: ExtensionLimit) -> Self {
        match l {
            ExtensionLimit::None => ExtensionLimitRepr::Word("none".into()),
            ExtensionLimit::UpTo(n) => ExtensionLimitRepr::Number(n),
            ExtensionLimit::Unbounded => ExtensionLimitRepr::Word("unbounded".into()),
        }
    }
}

/// What a request for clarification does to the clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClarificationRule {
    /// The clock stops; the clarification's receipt is day 0 of a full new period
    /// (UK FOIA s.1(3) as the ICO applies it, and likewise the EIR, FOISA and the NZ OIA).
    #[default]
    Restart,
    /// The clock pauses and resumes where it was (US FOIA "tolling", 5 U.S.C. 552(a)(6)).
    Pause,
}

/// The internal review (appeal) clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReviewRule {
    /// Due this many units after the review request's receipt (day 0).
    pub period: u32,
    /// At the latest this many units after it; absent when equal to `period`.
    #[serde(default)]
    pub latest: Option<u32>,
    /// Unit of both; the regime's unit when absent.
    #[serde(default)]
    pub unit: Option<Unit>,
}

/// A regime as data: the built-ins are written this way and config.toml can add others.
///
/// ```toml
/// name = "nz-oia"
/// period = 20
/// unit = "working_days"
/// regions = ["new-zealand"]
/// time_zone = "Pacific/Auckland"
/// extension = "unbounded"
/// blackouts = [{ from = "12-25", to = "01-15", name = "summer holiday period" }]
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegimeDef {
    /// Lowercase letters, digits and hyphens (`uk-foia`).
    pub name: String,
    /// One line for people: the law it follows.
    #[serde(default)]
    pub description: String,
    /// How many units after the date of receipt the answer is due.
    pub period: u32,
    /// What `period` counts.
    pub unit: Unit,
    /// Calendar regions whose holidays are not working days (all of them: a holiday in any
    /// listed region is a non-working day).
    #[serde(default)]
    pub regions: Vec<String>,
    /// IANA time zone in which the date of receipt is read (`Europe/London`).
    pub time_zone: String,
    /// For calendar units: a due date on a non-working day moves to the next working day.
    #[serde(default = "yes")]
    pub roll_forward: bool,
    /// Days of the week that are never working days.
    #[serde(default = "saturday_and_sunday")]
    pub weekend: Vec<Weekday>,
    /// Periods of every year that are never working days.
    #[serde(default)]
    pub blackouts: Vec<Blackout>,
    /// How far a deadline may be extended, in the regime's unit.
    #[serde(default)]
    pub extension: ExtensionLimit,
    /// What a clarification request does to the clock.
    #[serde(default)]
    pub clarification: ClarificationRule,
    /// Whether a fees notice pauses the clock until payment (FOIA s.10(2)); where it does
    /// not, fees notices are recorded but change no date.
    #[serde(default = "yes")]
    pub fees_pause: bool,
    /// The internal review clock, if the regime has one.
    #[serde(default)]
    pub review: Option<ReviewRule>,
    /// For schools: due at the earlier of so many school days and so many working days
    /// (then `period` is not used for the due date). Needs `unit = "working_days"`.
    #[serde(default)]
    pub school: Option<SchoolRule>,
    /// The escalation ladder the law suggests, in order (see [`Rung`](super::Rung)); a
    /// campaign with `ladder = "regime"` follows it.
    #[serde(default)]
    pub ladder: Vec<super::ladder::Rung>,
}

fn yes() -> bool {
    true
}

pub(super) fn saturday_and_sunday() -> Vec<Weekday> {
    vec![Weekday::Sat, Weekday::Sun]
}

/// A regime definition that cannot be used, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RegimeError {
    /// Names are used on the command line and in CSV files.
    #[error("regime name `{0}` must be lowercase letters, digits and hyphens (e.g. uk-foia)")]
    BadName(String),
    /// A zero or absurd period.
    #[error("regime `{name}`: period {period} is not allowed (between 1 and {max} {unit})")]
    BadPeriod {
        /// The regime.
        name: String,
        /// The period given.
        period: u32,
        /// The largest allowed for its unit.
        max: u32,
        /// The unit, in words.
        unit: String,
    },
    /// The time zone is not in the IANA database.
    #[error("regime `{name}`: `{zone}` is not an IANA time zone (e.g. Europe/London)")]
    BadTimeZone {
        /// The regime.
        name: String,
        /// The zone given.
        zone: String,
    },
    /// A region name is not a region name.
    #[error("regime `{name}`: region `{region}` must be lowercase letters, digits and hyphens")]
    BadRegion {
        /// The regime.
        name: String,
        /// The region given.
        region: String,
    },
    /// Every day of the week is a weekend.
    #[error("regime `{0}`: the weekend covers the whole week, so no day would ever count")]
    NoWorkingDays(String),
    /// The review's latest is before its due date, or its period is zero or absurd.
    #[error("regime `{0}`: the review period must be between 1 and the period's maximum, and `latest` at least `period`")]
    BadReview(String),
    /// The extension limit is absurd.
    #[error("regime `{name}`: extension {extension} is not allowed (at most {max})")]
    BadExtension {
        /// The regime.
        name: String,
        /// The extension given.
        extension: u32,
        /// The largest allowed for its unit.
        max: u32,
    },
    /// Two definitions share a name.
    #[error("regime `{0}` is defined twice")]
    Duplicate(String),
    /// The school rule is not in working days, or its counts are zero or absurd.
    #[error("regime `{0}`: `school` needs unit = \"working_days\", school_days of at least 1 and working_days at least school_days (at most 2600)")]
    BadSchool(String),
    /// A ladder step's name or template is not a name, or a step is named twice.
    #[error("regime `{name}`: ladder step `{step}` needs a unique name and a template, both lowercase letters, digits and hyphens")]
    BadRung {
        /// The regime.
        name: String,
        /// The step.
        step: String,
    },
    /// A regime name's `@` suffix names term dates nobody defined.
    #[error("regime `{regime}`: no term dates are called `{terms}` (add {terms}.csv to the [calendar] terms folder)")]
    UnknownTerms {
        /// The regime.
        regime: String,
        /// The term dates named.
        terms: String,
    },
}

/// Largest period per unit: about ten years, enough for any law and far from the
/// supported years' edge.
fn max_period(unit: Unit) -> u32 {
    match unit {
        Unit::WorkingDays => 2600,
        Unit::CalendarDays => 3660,
        Unit::Weeks => 520,
        Unit::Months => 120,
    }
}

impl RegimeDef {
    /// Checks the definition; the error says which field is wrong and how to fix it.
    pub fn validate(&self) -> Result<(), RegimeError> {
        self.parsed().map(|_| ())
    }

    /// Validates and returns the parsed time zone and normalised regions.
    pub(super) fn parsed(&self) -> Result<(Tz, Vec<String>), RegimeError> {
        let name = &self.name;
        if parse_region(name).ok().as_deref() != Some(name.as_str()) {
            return Err(RegimeError::BadName(name.clone()));
        }
        let max = max_period(self.unit);
        let bad_period = |period| RegimeError::BadPeriod {
            name: name.clone(),
            period,
            max,
            unit: Unit::amount(self.unit, 2)
                .trim_start_matches("2 ")
                .to_string(),
        };
        if self.period == 0 || self.period > max {
            return Err(bad_period(self.period));
        }
        if let ExtensionLimit::UpTo(n) = self.extension {
            if n > max {
                return Err(RegimeError::BadExtension {
                    name: name.clone(),
                    extension: n,
                    max,
                });
            }
        }
        if let Some(r) = self.review {
            let rmax = max_period(r.unit.unwrap_or(self.unit));
            let latest = r.latest.unwrap_or(r.period);
            if r.period == 0 || r.period > rmax || latest < r.period || latest > rmax {
                return Err(RegimeError::BadReview(name.clone()));
            }
        }
        if let Some(rule) = self.school {
            let max = max_period(Unit::WorkingDays);
            if self.unit != Unit::WorkingDays
                || rule.school_days == 0
                || rule.working_days < rule.school_days
                || rule.working_days > max
            {
                return Err(RegimeError::BadSchool(name.clone()));
            }
        }
        for (i, r) in self.ladder.iter().enumerate() {
            let is_name = |t: &str| {
                !t.is_empty()
                    && t.len() <= 40
                    && t.chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            };
            let twice = self.ladder[..i].iter().any(|o| o.step == r.step);
            if !is_name(&r.step) || !is_name(&r.template) || twice {
                return Err(RegimeError::BadRung {
                    name: name.clone(),
                    step: r.step.clone(),
                });
            }
        }
        let tz = Tz::from_str(self.time_zone.trim()).map_err(|_| RegimeError::BadTimeZone {
            name: name.clone(),
            zone: self.time_zone.clone(),
        })?;
        let regions = self
            .regions
            .iter()
            .map(|r| {
                parse_region(r).map_err(|_| RegimeError::BadRegion {
                    name: name.clone(),
                    region: r.clone(),
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let mut regions_once: Vec<String> = Vec::with_capacity(regions.len());
        for r in regions {
            if !regions_once.contains(&r) {
                regions_once.push(r);
            }
        }
        let mut weekend = self.weekend.clone();
        weekend.sort_by_key(|d| d.num_days_from_monday());
        weekend.dedup();
        if weekend.len() >= 7 {
            return Err(RegimeError::NoWorkingDays(name.clone()));
        }
        Ok((tz, regions_once))
    }
}
