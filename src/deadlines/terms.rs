//! School term dates as data: the stretches on which a school holds no session (holidays,
//! half terms, closures), one file per school or per local authority. They matter only to
//! a regime with a [`SchoolRule`](super::SchoolRule): a *school day* is a working day on
//! which the school holds a session (SI 2004/3364 reg 3(3)), so a working day inside one
//! of these breaks is not a school day.
//!
//! The file is CSV, `from,to,name` (inclusive dates, `YYYY-MM-DD`), with an optional
//! header, `#` comment lines and blank lines; breaks may cross the new year and may
//! overlap. Days the file does not cover (before its first break or after its last) are
//! counted as school days, and a deadline that reaches them says so
//! ([`Warning::BeyondTermDates`](super::Warning::BeyondTermDates)).

use std::fmt;

use chrono::NaiveDate;
use serde::Serialize;

use super::calendar::{parse_date, parse_region, split_fields, HolidayError};

/// The default term dates shipped with the project: a typical England pattern for the
/// school years 2025-26 to 2027-28, not any one authority's published dates (see
/// `data/README.md`). Replace it with your schools' own.
const DEFAULT_CSV: &str = include_str!("../../data/school-terms-england-default.csv");

/// The name the shipped default term dates go by.
pub const DEFAULT_TERMS: &str = "england-default";

/// One stretch without sessions, both days included.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Break {
    /// First day.
    pub from: NaiveDate,
    /// Last day.
    pub to: NaiveDate,
    /// What the explanation calls it (`Christmas holidays`).
    pub name: String,
}

/// A school's (or a local authority's) term dates: the breaks between its sessions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TermDates {
    name: String,
    /// Sorted by `from`.
    breaks: Vec<Break>,
}

/// A term-dates file that cannot be read: where and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {reason}")]
pub struct TermsError {
    /// 1-based line number (0: the name, not a line, is wrong).
    pub line: usize,
    /// What is wrong, and how to write it.
    pub reason: String,
}

impl TermDates {
    /// The shipped default: a typical England pattern, [`DEFAULT_TERMS`].
    pub fn england_default() -> TermDates {
        match TermDates::from_csv(DEFAULT_TERMS, DEFAULT_CSV) {
            Ok(t) => t,
            // Compiled in and parsed by a unit test, so this cannot happen at run time.
            Err(e) => panic!("the embedded data/school-terms-england-default.csv is invalid: {e}"),
        }
    }

    /// Reads `from,to,name` rows; `name` (lowercase letters, digits, hyphens) is what a
    /// regime name's `@` suffix calls these term dates (`uk-foia-school@camford`).
    pub fn from_csv(name: &str, text: &str) -> Result<TermDates, TermsError> {
        let name = parse_region(name).map_err(|_| TermsError {
            line: 0,
            reason: format!(
                "`{name}` is not a name for term dates (use lowercase letters, digits and hyphens, e.g. camford)"
            ),
        })?;
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut breaks = Vec::new();
        let mut first = true;
        for (i, raw) in text.lines().enumerate() {
            let line = i + 1;
            let trimmed = raw.trim();
            if trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
            let at = |reason: String| TermsError { line, reason };
            let fields = split_fields(trimmed).map_err(|e| at(e.to_string()))?;
            let is_header = first
                && fields
                    .first()
                    .is_some_and(|f| f.trim().eq_ignore_ascii_case("from"));
            first = false;
            if is_header {
                continue;
            }
            let get = |i: usize, what: &str| {
                fields
                    .get(i)
                    .map(|f| f.trim())
                    .filter(|f| !f.is_empty())
                    .ok_or_else(|| at(format!("the {what} is missing (each row is from,to,name)")))
            };
            let date = |i: usize, what: &str| {
                let raw = get(i, what)?;
                parse_date(raw).map_err(|e: HolidayError| at(format!("{what}: {e}")))
            };
            let from = date(0, "from date")?;
            let to = date(1, "to date")?;
            let break_name = get(2, "name")?.to_string();
            if to < from {
                return Err(at(format!(
                    "the break ends ({to}) before it starts ({from}): write from,to"
                )));
            }
            breaks.push(Break {
                from,
                to,
                name: break_name,
            });
        }
        if breaks.is_empty() {
            return Err(TermsError {
                line: 0,
                reason: "no break is given (each row is from,to,name)".into(),
            });
        }
        breaks.sort_by_key(|b| (b.from, b.to));
        Ok(TermDates { name, breaks })
    }

    /// The name these term dates go by (`england-default`, `camford`).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The breaks, by start date.
    pub fn breaks(&self) -> &[Break] {
        &self.breaks
    }

    /// The break `date` falls in, if any.
    pub fn break_on(&self, date: NaiveDate) -> Option<&Break> {
        // Breaks may overlap, so every break starting on or before `date` is a candidate.
        let upto = self.breaks.partition_point(|b| b.from <= date);
        self.breaks[..upto].iter().rev().find(|b| b.to >= date)
    }

    /// The first and last days the file speaks for: the first break's start and the last
    /// break's end.
    pub fn covers(&self) -> (NaiveDate, NaiveDate) {
        let from = self.breaks.first().map(|b| b.from);
        let to = self.breaks.iter().map(|b| b.to).max();
        match (from, to) {
            (Some(f), Some(t)) => (f, t),
            // A TermDates always has a break (from_csv refuses an empty file).
            _ => (super::FIRST_DATE, super::LAST_DATE),
        }
    }
}

impl fmt::Display for Break {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({} to {})", self.name, self.from, self.to)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().expect("test date")
    }

    #[test]
    fn the_shipped_default_parses_and_covers_three_school_years() {
        let t = TermDates::england_default();
        assert_eq!(t.name(), DEFAULT_TERMS);
        assert_eq!(t.covers(), (d("2025-07-23"), d("2028-08-31")));
        assert_eq!(
            t.break_on(d("2026-12-24")).map(|b| b.name.as_str()),
            Some("Christmas holidays")
        );
        assert_eq!(t.break_on(d("2027-01-04")), None);
        assert_eq!(t.break_on(d("2026-12-18")), None);
    }

    #[test]
    fn a_header_comments_quotes_and_overlaps_are_accepted() {
        let text = "\u{feff}from,to,name\r\n# Camford LA 2026-27\r\n2026-12-21,2027-01-01,\"Christmas, New Year\"\r\n2026-12-30,2027-01-05,Boiler works\r\n";
        let t = TermDates::from_csv("camford", text).expect("valid");
        assert_eq!(t.breaks().len(), 2);
        assert_eq!(
            t.break_on(d("2027-01-05")).map(|b| b.name.as_str()),
            Some("Boiler works")
        );
        assert_eq!(
            t.break_on(d("2026-12-22")).map(|b| b.name.as_str()),
            Some("Christmas, New Year")
        );
        assert_eq!(t.covers(), (d("2026-12-21"), d("2027-01-05")));
    }

    #[test]
    fn mistakes_name_the_line_and_say_how_to_write_it() {
        let cases = [
            (
                "2026-12-21,2027-01-01\n",
                1,
                "the name is missing (each row is from,to,name)",
            ),
            (
                "# c\n2026-12-21,2026-12-01,Oops\n",
                2,
                "the break ends (2026-12-01) before it starts (2026-12-21): write from,to",
            ),
            (
                "from,to,name\n21/12/2026,2027-01-01,Xmas\n",
                2,
                "from date: `21/12/2026` is not a date (write YYYY-MM-DD, e.g. 2026-12-25)",
            ),
            (
                "# nothing\n",
                0,
                "no break is given (each row is from,to,name)",
            ),
        ];
        for (text, line, reason) in cases {
            let e = TermDates::from_csv("x", text).expect_err(text);
            assert_eq!((e.line, e.reason.as_str()), (line, reason), "{text}");
        }
        assert!(TermDates::from_csv("Camford LA", "2026-12-21,2027-01-01,X\n").is_err());
    }
}
