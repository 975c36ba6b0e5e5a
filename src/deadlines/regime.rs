//! Regimes ready to count: [`Regime`] is a checked definition (`regime_def.rs`, what
//! config.toml writes) joined to a calendar.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use chrono::{DateTime, Datelike, Days, Months, NaiveDate, Utc, Weekday};
use chrono_tz::Tz;
use serde::Serialize;

use super::calendar::{Calendar, Holiday};
use super::regime_def::{RegimeDef, RegimeError, Unit};
use super::school::School;
use super::table::{in_range, WorkTable, FIRST_DATE, LAST_DATE};
use super::terms::TermDates;
use super::DeadlineError;

/// Why a day is not a working day under a regime (one day can have several reasons).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Reason {
    /// One of the regime's weekend days.
    Weekend {
        /// Which day.
        day: Weekday,
    },
    /// A holiday in one or more of the regime's regions.
    Holiday {
        /// Its name.
        name: String,
        /// The regions in which it is a holiday, in the regime's order.
        regions: Vec<String>,
    },
    /// Inside one of the regime's blackout periods.
    Blackout {
        /// The blackout's name.
        name: String,
    },
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::Weekend { .. } => f.write_str("weekend"),
            Reason::Holiday { name, regions } => write!(f, "{name} ({})", regions.join(", ")),
            Reason::Blackout { name } => f.write_str(name),
        }
    }
}

/// All the reasons a day does not count; never empty.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct NonWorking(pub Vec<Reason>);

/// As an explanation writes a skipped day: `(weekend)`, `Good Friday (scotland)`.
impl fmt::Display for NonWorking {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, r) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            match r {
                Reason::Holiday { .. } => write!(f, "{r}")?,
                Reason::Weekend { .. } | Reason::Blackout { .. } => write!(f, "({r})")?,
            }
        }
        Ok(())
    }
}

/// A checked regime joined to the holidays of its regions: it counts days, computes
/// deadlines ([`Regime::deadline`]) and explains them ([`Regime::explain`]).
#[derive(Debug, Clone)]
pub struct Regime {
    def: RegimeDef,
    tz: Tz,
    weekend: [bool; 7],
    /// The calendar's holidays in this regime's regions, sorted by date.
    holidays: Arc<[Holiday]>,
    table: Arc<WorkTable>,
    /// Regions the calendar has no holiday for.
    missing: Vec<String>,
    /// Years for which every region has holiday data.
    covered: Option<(NaiveDate, NaiveDate)>,
    /// The school days, for a regime with a school rule.
    pub(super) school: Option<School>,
}

impl Regime {
    /// Checks `def` and precomputes its working days from `calendar`. Regions the calendar
    /// does not know are allowed (their holidays may come later) and reported by
    /// [`Regime::missing_regions`] and in every deadline's warnings.
    pub fn new(def: RegimeDef, calendar: &Calendar) -> Result<Regime, RegimeError> {
        let (tz, regions) = def.parsed()?;
        let def = RegimeDef { regions, ..def };
        let mut weekend = [false; 7];
        for d in &def.weekend {
            weekend[d.num_days_from_monday() as usize] = true;
        }
        let holidays: Arc<[Holiday]> = calendar
            .holidays()
            .iter()
            .filter(|h| def.regions.iter().any(|r| r == h.region()))
            .cloned()
            .collect();
        let blackouts = def.blackouts.clone();
        let mut next_holiday = 0;
        let table = WorkTable::build(|date| {
            // Dates arrive in order, so one cursor walks the sorted holidays.
            while next_holiday < holidays.len() && holidays[next_holiday].date() < date {
                next_holiday += 1;
            }
            let holiday = holidays.get(next_holiday).is_some_and(|h| h.date() == date);
            !holiday
                && !weekend[date.weekday().num_days_from_monday() as usize]
                && !blackouts.iter().any(|b| b.contains(date))
        });
        let mut missing = Vec::new();
        let mut covered: Option<(NaiveDate, NaiveDate)> = None;
        for region in &def.regions {
            match calendar.years(region) {
                None => missing.push(region.clone()),
                Some((first, last)) => {
                    let from = NaiveDate::from_ymd_opt(first, 1, 1).unwrap_or(FIRST_DATE);
                    let to = NaiveDate::from_ymd_opt(last, 12, 31).unwrap_or(LAST_DATE);
                    covered = Some(match covered {
                        None => (from, to),
                        Some((a, b)) => (a.max(from), b.min(to)),
                    });
                }
            }
        }
        let table = Arc::new(table);
        let school = def
            .school
            .map(|_| School::build(&table, Arc::new(TermDates::england_default())));
        Ok(Regime {
            def,
            tz,
            weekend,
            holidays,
            table,
            missing,
            covered,
            school,
        })
    }

    /// The same regime with another period (the calculator's `--days N`).
    pub fn with_period(&self, period: u32) -> Result<Regime, RegimeError> {
        // `--days N` means N working days: the school rule no longer applies.
        let def = RegimeDef {
            period,
            school: None,
            ..self.def.clone()
        };
        def.validate()?;
        Ok(Regime {
            def,
            school: None,
            ..self.clone()
        })
    }

    /// The working-day table (the schools' rule builds its school days from it).
    pub(super) fn work_table(&self) -> &WorkTable {
        &self.table
    }

    /// Its name (`uk-foia`).
    pub fn name(&self) -> &str {
        &self.def.name
    }

    /// Its definition, regions normalised.
    pub fn def(&self) -> &RegimeDef {
        &self.def
    }

    /// The time zone in which dates of receipt are read.
    pub fn time_zone(&self) -> Tz {
        self.tz
    }

    /// Regions this regime honours for which the calendar has no holidays at all.
    pub fn missing_regions(&self) -> &[String] {
        &self.missing
    }

    /// The dates for which every region of the regime has holiday data, if any.
    pub fn holiday_data_covers(&self) -> Option<(NaiveDate, NaiveDate)> {
        self.covered
    }

    /// The local calendar date of `instant` in the regime's time zone: the date of receipt
    /// of anything delivered then, whatever the hour.
    pub fn local_date(&self, instant: DateTime<Utc>) -> NaiveDate {
        instant.with_timezone(&self.tz).date_naive()
    }

    /// Whether `date` counts as a working day.
    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        match self.table.is_working(date) {
            Some(w) => w,
            // Calendars hold no holiday outside the supported years, so this is exact.
            None => !self.weekend_or_blackout(date),
        }
    }

    fn weekend_or_blackout(&self, date: NaiveDate) -> bool {
        self.weekend[date.weekday().num_days_from_monday() as usize]
            || self.def.blackouts.iter().any(|b| b.contains(date))
    }

    /// Why `date` is not a working day; `None` when it is one.
    pub fn why_not_working(&self, date: NaiveDate) -> Option<NonWorking> {
        let mut reasons = Vec::new();
        let wd = date.weekday();
        if self.weekend[wd.num_days_from_monday() as usize] {
            reasons.push(Reason::Weekend { day: wd });
        }
        let from = self.holidays.partition_point(|h| h.date() < date);
        // Group the day's holidays by name, regions in the regime's order.
        let mut by_name: BTreeMap<&str, Vec<String>> = BTreeMap::new();
        for h in self.holidays[from..]
            .iter()
            .take_while(|h| h.date() == date)
        {
            by_name
                .entry(h.name())
                .or_default()
                .push(h.region().to_string());
        }
        let order = |r: &String| self.def.regions.iter().position(|x| x == r);
        for (name, mut regions) in by_name {
            regions.sort_by_key(order);
            reasons.push(Reason::Holiday {
                name: name.to_string(),
                regions,
            });
        }
        for b in &self.def.blackouts {
            if b.contains(date) {
                reasons.push(Reason::Blackout {
                    name: b.name.clone(),
                });
            }
        }
        (!reasons.is_empty()).then_some(NonWorking(reasons))
    }

    /// The `n`th working day after `date` (day 0); `date` itself when `n` is 0. Day 1 is
    /// the first working day after `date`, whether or not `date` is a working day.
    pub fn add_working_days(&self, date: NaiveDate, n: u32) -> Result<NaiveDate, DeadlineError> {
        self.table
            .add_working(date, n)
            .ok_or(DeadlineError::OutOfRange(date))
    }

    /// Working days after `from` up to and including `to`; negative when `to` is earlier.
    /// With `from` = due date and `to` = today: how many working days overdue (positive) or
    /// left (negative: -1 means today is the last working day before the due date).
    pub fn working_days_between(
        &self,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<i64, DeadlineError> {
        self.table
            .between(from, to)
            .ok_or(DeadlineError::OutOfRange(if in_range(from) {
                to
            } else {
                from
            }))
    }

    /// `date` if it is a working day, else the next one.
    pub fn next_working_day_from(&self, date: NaiveDate) -> Result<NaiveDate, DeadlineError> {
        match self.table.is_working(date) {
            Some(true) => Ok(date),
            Some(false) => self.add_working_days(date, 1),
            None => Err(DeadlineError::OutOfRange(date)),
        }
    }

    /// `n` of `unit` after `from`, not rolled.
    pub(crate) fn add_units(
        &self,
        from: NaiveDate,
        n: u32,
        unit: Unit,
    ) -> Result<NaiveDate, DeadlineError> {
        let out = || DeadlineError::OutOfRange(from);
        let date = match unit {
            Unit::WorkingDays => return self.add_working_days(from, n),
            Unit::CalendarDays => from.checked_add_days(Days::new(u64::from(n))),
            Unit::Weeks => from.checked_add_days(Days::new(u64::from(n) * 7)),
            Unit::Months => from.checked_add_months(Months::new(n)),
        }
        .ok_or_else(out)?;
        if in_range(date) {
            Ok(date)
        } else {
            Err(out())
        }
    }

    /// Where a nominal due date lands: calendar-unit deadlines roll forward off a
    /// non-working day when the regime says so; working-day deadlines always do (a date
    /// given by an extension may fall on one).
    pub(crate) fn settle(&self, nominal: NaiveDate) -> Result<NaiveDate, DeadlineError> {
        if self.def.unit == Unit::WorkingDays || self.def.roll_forward {
            self.next_working_day_from(nominal)
        } else {
            Ok(nominal)
        }
    }

    /// Days in `[from, to]` that a pause takes out of the count: working days for a
    /// working-day regime, every day otherwise.
    pub(crate) fn paused_units(
        &self,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<u32, DeadlineError> {
        let n = if self.def.unit == Unit::WorkingDays {
            let before = from.pred_opt().ok_or(DeadlineError::OutOfRange(from))?;
            self.working_days_between(before, to)?
        } else {
            (to - from).num_days() + 1
        };
        Ok(u32::try_from(n.max(0)).unwrap_or(u32::MAX))
    }

    /// The unit in which pauses are added back (see [`Regime::paused_units`]).
    pub(crate) fn pause_unit(&self) -> Unit {
        match self.def.unit {
            Unit::WorkingDays => Unit::WorkingDays,
            _ => Unit::CalendarDays,
        }
    }
}
