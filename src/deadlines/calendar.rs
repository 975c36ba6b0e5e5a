//! Holiday calendars as data: named holidays per region, read from CSV, merged or replaced.

use std::collections::BTreeMap;
use std::fmt;

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use super::table::in_range;

/// The UK bank holidays 2015-2030 shipped with the project (see `data/README.md`).
const UK_CSV: &str = include_str!("../../data/uk-bank-holidays.csv");

/// One public holiday in one region, e.g. 2026-11-30 St Andrew's Day in `scotland`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Holiday {
    date: NaiveDate,
    region: String,
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    source: Option<String>,
}

impl Holiday {
    /// A holiday; the region must be lowercase letters, digits and hyphens
    /// (`england-and-wales`, `new-zealand`) and the date within 1900-2199.
    pub fn new(date: NaiveDate, region: &str, name: &str) -> Result<Holiday, HolidayError> {
        if !in_range(date) {
            return Err(HolidayError::DateOutOfRange(date));
        }
        let region = parse_region(region)?;
        let name = name.trim();
        if name.is_empty() {
            return Err(HolidayError::Empty);
        }
        Ok(Holiday {
            date,
            region,
            name: name.to_string(),
            source: None,
        })
    }

    /// The holiday's date.
    pub fn date(&self) -> NaiveDate {
        self.date
    }

    /// The region it belongs to (`scotland`).
    pub fn region(&self) -> &str {
        &self.region
    }

    /// Its name as published (`St Andrew’s Day`).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Where the row came from, when the file says (`published`, `computed`).
    pub fn source(&self) -> Option<&str> {
        self.source.as_deref()
    }
}

/// Checks and normalises a region name: trimmed, lowercased, `[a-z0-9-]+`.
pub(crate) fn parse_region(raw: &str) -> Result<String, HolidayError> {
    let region = raw.trim().to_lowercase();
    if region.is_empty() {
        return Err(HolidayError::Empty);
    }
    if !region
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        return Err(HolidayError::BadRegion(raw.trim().to_string()));
    }
    Ok(region)
}

/// Why a holiday (or one field of a calendar CSV row) is not acceptable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HolidayError {
    /// The date is not `YYYY-MM-DD` or does not exist.
    #[error("`{0}` is not a date (write YYYY-MM-DD, e.g. 2026-12-25)")]
    BadDate(String),
    /// The date is outside the years the engine counts.
    #[error("{0} is outside the supported years 1900-2199")]
    DateOutOfRange(NaiveDate),
    /// A required field is empty.
    #[error("is empty")]
    Empty,
    /// The region name has characters other than lowercase letters, digits and hyphens.
    #[error("`{0}` is not a region name (use lowercase letters, digits and hyphens, e.g. northern-ireland)")]
    BadRegion(String),
    /// The row has fewer fields than the header asks for.
    #[error("is missing (each row needs date,region,name and may add source)")]
    Missing,
    /// A quoted field has no closing quote on its line.
    #[error("has a quote that is never closed")]
    UnclosedQuote,
    /// Text follows a closing quote before the next comma.
    #[error("has text after its closing quote")]
    TextAfterQuote,
    /// The header row lacks a required column.
    #[error("the header has no `{0}` column (expected date,region,name[,source])")]
    NoSuchColumn(&'static str),
    /// The header row names a column twice.
    #[error("the header names `{0}` twice")]
    DuplicateColumn(String),
}

/// A column of the calendar CSV, as the error reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    /// 1-based position in the row.
    pub number: usize,
    /// Its header name (`date`, `region`, `name`, `source`).
    pub name: &'static str,
}

/// A calendar CSV that cannot be read: where (line, column) and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarError {
    /// 1-based line number in the file.
    pub line: usize,
    /// The column at fault, when one is.
    pub column: Option<Column>,
    /// What is wrong.
    pub reason: HolidayError,
}

impl fmt::Display for CalendarError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}", self.line)?;
        if let Some(c) = self.column {
            write!(f, ", column {} ({})", c.number, c.name)?;
        }
        write!(f, ": {}", self.reason)
    }
}

impl std::error::Error for CalendarError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.reason)
    }
}

/// Named holidays per region. The shipped UK list is [`Calendar::uk`]; users add their own
/// rows with [`Calendar::merge`] or swap whole regions with [`Calendar::replace_regions`].
///
/// Regions are free names: `england-and-wales`, `scotland` and `northern-ireland` come with
/// the project; `ireland`, `us-federal`, `new-zealand` (or any other) are supplied by users.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Calendar {
    /// Sorted by (date, region), at most one holiday per (date, region).
    holidays: Vec<Holiday>,
}

impl Calendar {
    /// The shipped UK bank holidays, 2015-2030, for `england-and-wales`, `scotland` and
    /// `northern-ireland` (2029-2030 computed from the usual rules, not yet published).
    pub fn uk() -> Calendar {
        match Calendar::from_csv(UK_CSV) {
            Ok(calendar) => calendar,
            // The file is compiled in and parsed by a unit test, so this cannot happen at run
            // time; failing loudly beats counting deadlines without bank holidays.
            Err(e) => panic!("the embedded data/uk-bank-holidays.csv is invalid: {e}"),
        }
    }

    /// A calendar with no holidays (only weekends and blackouts then count as non-working).
    pub fn empty() -> Calendar {
        Calendar::default()
    }

    /// Reads `date,region,name[,source]` rows. A header row is optional (when present its
    /// column order is used and unknown columns are ignored); a UTF-8 BOM, CRLF line ends,
    /// blank lines, `#` comment lines and double-quoted fields are accepted. Names are kept
    /// as written, curly apostrophes included. A later row for the same date and region
    /// replaces an earlier one.
    pub fn from_csv(text: &str) -> Result<Calendar, CalendarError> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut layout: Option<Layout> = None;
        let mut holidays = Vec::new();
        for (i, raw) in text.lines().enumerate() {
            let line = i + 1;
            let trimmed = raw.trim();
            if trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
            let fields = split_fields(trimmed).map_err(|reason| CalendarError {
                line,
                column: None,
                reason,
            })?;
            let layout = match &layout {
                Some(layout) => layout,
                None => {
                    if is_header(&fields) {
                        layout = Some(Layout::from_header(&fields, line)?);
                        continue;
                    }
                    layout.insert(Layout::POSITIONAL)
                }
            };
            holidays.push(layout.row(&fields, line)?);
        }
        Ok(Calendar::from_vec(holidays))
    }

    fn from_vec(mut holidays: Vec<Holiday>) -> Calendar {
        // Stable sort keeps file order among equal keys; keep the last one given.
        holidays.reverse();
        holidays.sort_by(|a, b| (a.date, &a.region).cmp(&(b.date, &b.region)));
        holidays.dedup_by(|later, earlier| {
            later.date == earlier.date && later.region == earlier.region
        });
        Calendar { holidays }
    }

    /// Adds `other`'s holidays to these; where both name the same date and region,
    /// `other`'s name wins.
    pub fn merge(&mut self, other: Calendar) {
        let mut all = std::mem::take(&mut self.holidays);
        all.extend(other.holidays);
        *self = Calendar::from_vec(all);
    }

    /// For every region that `other` mentions, drops this calendar's holidays in that
    /// region and takes `other`'s instead; other regions are kept.
    pub fn replace_regions(&mut self, other: Calendar) {
        let theirs: std::collections::BTreeSet<&str> =
            other.holidays.iter().map(|h| h.region.as_str()).collect();
        self.holidays
            .retain(|h| !theirs.contains(h.region.as_str()));
        self.merge(other);
    }

    /// Every holiday, sorted by date then region.
    pub fn holidays(&self) -> &[Holiday] {
        &self.holidays
    }

    /// The holidays on `date`, in any region.
    pub fn holidays_on(&self, date: NaiveDate) -> &[Holiday] {
        let from = self.holidays.partition_point(|h| h.date < date);
        let to = self.holidays.partition_point(|h| h.date <= date);
        &self.holidays[from..to]
    }

    /// The region names that have at least one holiday, sorted.
    pub fn regions(&self) -> Vec<&str> {
        let set: std::collections::BTreeSet<&str> =
            self.holidays.iter().map(|h| h.region.as_str()).collect();
        set.into_iter().collect()
    }

    /// The first and last years with holidays in `region`, if any.
    pub fn years(&self, region: &str) -> Option<(i32, i32)> {
        let mut years = self
            .holidays
            .iter()
            .filter(|h| h.region == region)
            .map(|h| h.date.year());
        let first = years.next()?;
        Some(years.fold((first, first), |(lo, hi), y| (lo.min(y), hi.max(y))))
    }

    /// Number of holidays (one per date and region).
    pub fn len(&self) -> usize {
        self.holidays.len()
    }

    /// Whether there is no holiday at all.
    pub fn is_empty(&self) -> bool {
        self.holidays.is_empty()
    }
}

impl FromIterator<Holiday> for Calendar {
    fn from_iter<I: IntoIterator<Item = Holiday>>(iter: I) -> Calendar {
        Calendar::from_vec(iter.into_iter().collect())
    }
}

/// Where each column sits in a row (0-based).
struct Layout {
    date: usize,
    region: usize,
    name: usize,
    source: Option<usize>,
}

const NAMES: [&str; 4] = ["date", "region", "name", "source"];

impl Layout {
    const POSITIONAL: Layout = Layout {
        date: 0,
        region: 1,
        name: 2,
        source: Some(3),
    };

    fn from_header(fields: &[String], line: usize) -> Result<Layout, CalendarError> {
        let mut found: BTreeMap<&'static str, usize> = BTreeMap::new();
        for (i, field) in fields.iter().enumerate() {
            let key = field.trim().to_lowercase();
            if let Some(name) = NAMES.iter().find(|n| **n == key) {
                if found.insert(name, i).is_some() {
                    return Err(CalendarError {
                        line,
                        column: Some(Column {
                            number: i + 1,
                            name,
                        }),
                        reason: HolidayError::DuplicateColumn(key),
                    });
                }
            }
        }
        let need = |name: &'static str| {
            found.get(name).copied().ok_or(CalendarError {
                line,
                column: None,
                reason: HolidayError::NoSuchColumn(name),
            })
        };
        Ok(Layout {
            date: need("date")?,
            region: need("region")?,
            name: need("name")?,
            source: found.get("source").copied(),
        })
    }

    fn row(&self, fields: &[String], line: usize) -> Result<Holiday, CalendarError> {
        let at = |index: usize, name: &'static str, reason| CalendarError {
            line,
            column: Some(Column {
                number: index + 1,
                name,
            }),
            reason,
        };
        let get = |index: usize, name: &'static str| {
            fields
                .get(index)
                .map(|f| f.trim())
                .ok_or_else(|| at(index, name, HolidayError::Missing))
        };
        let raw_date = get(self.date, "date")?;
        let date = parse_date(raw_date).map_err(|r| at(self.date, "date", r))?;
        let region =
            parse_region(get(self.region, "region")?).map_err(|r| at(self.region, "region", r))?;
        let name = get(self.name, "name")?;
        if name.is_empty() {
            return Err(at(self.name, "name", HolidayError::Empty));
        }
        let source = self
            .source
            .and_then(|i| fields.get(i))
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
            .map(str::to_string);
        Ok(Holiday {
            date,
            region,
            name: name.to_string(),
            source,
        })
    }
}

/// A first row is a header when it names one of our columns and does not start with a
/// date, so that a data row with a bad date is reported as such.
fn is_header(fields: &[String]) -> bool {
    let starts_with_date = fields
        .first()
        .is_some_and(|f| f.trim().bytes().next().is_some_and(|b| b.is_ascii_digit()));
    !starts_with_date
        && fields
            .iter()
            .any(|f| NAMES.contains(&f.trim().to_lowercase().as_str()))
}

/// Strict `YYYY-MM-DD` within the supported years.
pub(super) fn parse_date(raw: &str) -> Result<NaiveDate, HolidayError> {
    let bad = || HolidayError::BadDate(raw.to_string());
    let bytes = raw.as_bytes();
    let shape_ok = bytes.len() == 10
        && bytes.iter().enumerate().all(|(i, b)| match i {
            4 | 7 => *b == b'-',
            _ => b.is_ascii_digit(),
        });
    if !shape_ok {
        return Err(bad());
    }
    let date = NaiveDate::parse_from_str(raw, "%Y-%m-%d").map_err(|_| bad())?;
    if in_range(date) {
        Ok(date)
    } else {
        Err(HolidayError::DateOutOfRange(date))
    }
}

/// Splits one CSV line into fields: commas separate, double quotes enclose a field that
/// may hold commas, `""` inside quotes is a quote. Fields cannot span lines.
pub(super) fn split_fields(line: &str) -> Result<Vec<String>, HolidayError> {
    let mut fields = Vec::new();
    let mut chars = line.chars().peekable();
    loop {
        let mut field = String::new();
        // Skip spaces before a possible opening quote.
        while chars.peek() == Some(&' ') {
            chars.next();
        }
        if chars.peek() == Some(&'"') {
            chars.next();
            loop {
                match chars.next() {
                    None => return Err(HolidayError::UnclosedQuote),
                    Some('"') if chars.peek() == Some(&'"') => {
                        chars.next();
                        field.push('"');
                    }
                    Some('"') => break,
                    Some(c) => field.push(c),
                }
            }
            while chars.peek() == Some(&' ') {
                chars.next();
            }
            match chars.next() {
                None => {
                    fields.push(field);
                    return Ok(fields);
                }
                Some(',') => fields.push(field),
                Some(_) => return Err(HolidayError::TextAfterQuote),
            }
        } else {
            loop {
                match chars.next() {
                    None => {
                        fields.push(field);
                        return Ok(fields);
                    }
                    Some(',') => break,
                    Some(c) => field.push(c),
                }
            }
            fields.push(field);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().expect("test date")
    }

    #[test]
    fn the_shipped_uk_list_parses_with_its_bom_free_header_and_curly_apostrophes() {
        let uk = Calendar::uk();
        // 442 data rows in ../shared/data/uk-bank-holidays.csv, one per (date, region).
        assert_eq!(uk.len(), 442);
        assert_eq!(
            uk.regions(),
            ["england-and-wales", "northern-ireland", "scotland"]
        );
        assert_eq!(uk.years("scotland"), Some((2015, 2030)));
        let andrew = uk.holidays_on(d("2026-11-30"));
        assert_eq!(andrew.len(), 1);
        assert_eq!(andrew[0].region(), "scotland");
        assert_eq!(andrew[0].name(), "St Andrew’s Day");
        assert_eq!(andrew[0].source(), Some("published"));
        assert_eq!(
            uk.holidays_on(d("2029-12-25"))[0].source(),
            Some("computed")
        );
        assert_eq!(uk.holidays_on(d("2022-09-19")).len(), 3);
        assert!(uk.holidays_on(d("2026-03-28")).is_empty());
    }

    #[test]
    fn a_bom_crlf_quotes_comments_and_no_header_are_accepted() {
        let text = "\u{feff}# our own days\r\n2026-03-17,Ireland,\"St Patrick’s Day, national\"\r\n\r\n2026-12-26 , ireland , \"St Stephen's \"\"Day\"\"\" \r\n";
        let cal = Calendar::from_csv(text).expect("valid");
        assert_eq!(cal.len(), 2);
        assert_eq!(cal.holidays()[0].region(), "ireland");
        assert_eq!(cal.holidays()[0].name(), "St Patrick’s Day, national");
        assert_eq!(cal.holidays()[1].name(), "St Stephen's \"Day\"");
        assert_eq!(cal.holidays()[1].source(), None);
    }

    #[test]
    fn a_header_may_reorder_columns_and_add_unknown_ones() {
        let text = "name,notes,region,date\nThanksgiving Day,4th Thursday,us-federal,2026-11-26\n";
        let cal = Calendar::from_csv(text).expect("valid");
        assert_eq!(cal.holidays()[0].date(), d("2026-11-26"));
        assert_eq!(cal.holidays()[0].region(), "us-federal");
        assert_eq!(cal.holidays()[0].name(), "Thanksgiving Day");
    }

    #[test]
    fn errors_name_the_line_the_column_and_the_reason() {
        // (file, line, (column number, column name), reason)
        type Case = (
            &'static str,
            usize,
            Option<(usize, &'static str)>,
            HolidayError,
        );
        let cases: &[Case] = &[
            (
                "date,region,name\n2026-01-01,scotland,New Year\n2026-02-30,scotland,Nope\n",
                3,
                Some((1, "date")),
                HolidayError::BadDate("2026-02-30".into()),
            ),
            (
                "2026-1-5,scotland,Short date\n",
                1,
                Some((1, "date")),
                HolidayError::BadDate("2026-1-5".into()),
            ),
            (
                "05/01/2026,scotland,British order\n",
                1,
                Some((1, "date")),
                HolidayError::BadDate("05/01/2026".into()),
            ),
            (
                "date,region,name\n2026-01-01,scotland\n",
                2,
                Some((3, "name")),
                HolidayError::Missing,
            ),
            (
                "2026-01-01\n",
                1,
                Some((2, "region")),
                HolidayError::Missing,
            ),
            (
                "2026-01-01,northern ireland,New Year\n",
                1,
                Some((2, "region")),
                HolidayError::BadRegion("northern ireland".into()),
            ),
            (
                "2026-01-01,scotland,  \n",
                1,
                Some((3, "name")),
                HolidayError::Empty,
            ),
            (
                "2300-01-01,scotland,Far future\n",
                1,
                Some((1, "date")),
                HolidayError::DateOutOfRange(d("2300-01-01")),
            ),
            (
                "date,name\n2026-01-01,New Year\n",
                1,
                None,
                HolidayError::NoSuchColumn("region"),
            ),
            (
                "date,region,name,date\n",
                1,
                Some((4, "date")),
                HolidayError::DuplicateColumn("date".into()),
            ),
            (
                "2026-01-01,scotland,\"New Year\n",
                1,
                None,
                HolidayError::UnclosedQuote,
            ),
            (
                "2026-01-01,scotland,\"New\" Year\n",
                1,
                None,
                HolidayError::TextAfterQuote,
            ),
        ];
        for (text, line, column, reason) in cases {
            let err = Calendar::from_csv(text).expect_err(text);
            assert_eq!(err.line, *line, "{text}");
            assert_eq!(err.column.map(|c| (c.number, c.name)), *column, "{text}");
            assert_eq!(&err.reason, reason, "{text}");
        }
        let err =
            Calendar::from_csv("date,region,name\n2026-02-30,scotland,Nope\n").expect_err("bad");
        assert_eq!(
            err.to_string(),
            "line 2, column 1 (date): `2026-02-30` is not a date (write YYYY-MM-DD, e.g. 2026-12-25)"
        );
    }

    #[test]
    fn merge_adds_and_overrides_names_replace_swaps_whole_regions() {
        let mut cal = Calendar::uk();
        let before = cal.len();
        let ours = Calendar::from_csv(
            "2026-03-17,ireland,St Patrick's Day\n2026-11-30,scotland,St Andrew's Day (ours)\n",
        )
        .expect("valid");
        cal.merge(ours);
        assert_eq!(cal.len(), before + 1);
        let andrew = cal.holidays_on(d("2026-11-30"));
        assert_eq!(andrew.len(), 1);
        assert_eq!(andrew[0].name(), "St Andrew's Day (ours)");

        let scotland_only_one =
            Calendar::from_csv("2026-06-15,scotland,World Cup bank holiday\n").expect("valid");
        cal.replace_regions(scotland_only_one);
        assert_eq!(cal.years("scotland"), Some((2026, 2026)));
        assert_eq!(cal.years("england-and-wales"), Some((2015, 2030)));
        assert_eq!(cal.years("ireland"), Some((2026, 2026)));
    }

    #[test]
    fn a_later_row_for_the_same_date_and_region_wins() {
        let cal = Calendar::from_csv("2026-01-01,scotland,First\n2026-01-01,scotland,Second\n")
            .expect("valid");
        assert_eq!(cal.len(), 1);
        assert_eq!(cal.holidays()[0].name(), "Second");
    }

    #[test]
    fn holidays_can_be_built_in_code() {
        let cal: Calendar = [
            Holiday::new(d("2026-02-06"), "New-Zealand", "Waitangi Day").expect("valid"),
            Holiday::new(d("2026-04-25"), "new-zealand", "ANZAC Day").expect("valid"),
        ]
        .into_iter()
        .collect();
        assert_eq!(cal.regions(), ["new-zealand"]);
        assert_eq!(
            Holiday::new(d("2026-02-06"), "new zealand", "x"),
            Err(HolidayError::BadRegion("new zealand".into()))
        );
        assert_eq!(
            Holiday::new(d("2026-02-06"), "nz", " "),
            Err(HolidayError::Empty)
        );
    }
}
