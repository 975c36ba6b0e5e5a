//! `[calendar]`: holidays beyond the shipped UK list, and school term dates; and the
//! regimes built over them.

use super::Config;
use anyhow::Context;
use serde::Deserialize;
use std::path::PathBuf;

/// Holiday data beyond the shipped UK list.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct CalendarSettings {
    /// A CSV of holidays (columns `date,region,name`), added to the shipped UK list.
    pub holidays: Option<PathBuf>,
    /// Replace the shipped list's regions that the file covers, instead of adding to them.
    #[serde(default)]
    pub replace: bool,
    /// A folder of school term dates, one `NAME.csv` per school or local authority
    /// (`from,to,name` rows: the breaks without sessions). A body's regime
    /// `uk-foia-school@NAME` (or its `term_dates` column) counts that file's school days.
    pub terms: Option<PathBuf>,
    /// The term dates the plain `uk-foia-school` counts: a NAME from `terms`; the shipped
    /// `england-default` (a typical England pattern) when absent.
    pub default_terms: Option<String>,
}

impl Config {
    /// The holiday calendar: the shipped UK list plus (or replaced by) the configured file.
    pub fn calendar(&self) -> anyhow::Result<crate::deadlines::Calendar> {
        let mut cal = crate::deadlines::Calendar::uk();
        if let Some(file) = &self.calendar.holidays {
            let path = self.resolve(file);
            let text = std::fs::read_to_string(&path).with_context(|| {
                format!("[calendar] cannot read holidays file {}", path.display())
            })?;
            let extra = crate::deadlines::Calendar::from_csv(&text)
                .with_context(|| format!("[calendar] holidays file {}", path.display()))?;
            if self.calendar.replace {
                cal.replace_regions(extra);
            } else {
                cal.merge(extra);
            }
        }
        Ok(cal)
    }

    /// The school term dates of the `[calendar] terms` folder: every `*.csv` in it, named
    /// by its file name (`camford.csv` is `camford`), in name order.
    pub fn term_dates(&self) -> anyhow::Result<Vec<crate::deadlines::TermDates>> {
        let Some(dir) = &self.calendar.terms else {
            return Ok(Vec::new());
        };
        let dir = self.resolve(dir);
        let entries = std::fs::read_dir(&dir).with_context(|| {
            format!(
                "[calendar] cannot read the term dates folder {}",
                dir.display()
            )
        })?;
        let mut files = Vec::new();
        for entry in entries {
            let path = entry
                .with_context(|| format!("[calendar] cannot list {}", dir.display()))?
                .path();
            if path
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("csv"))
            {
                files.push(path);
            }
        }
        files.sort();
        files
            .iter()
            .map(|path| {
                let name = path
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_default();
                let text = std::fs::read_to_string(path).with_context(|| {
                    format!("[calendar] cannot read term dates {}", path.display())
                })?;
                crate::deadlines::TermDates::from_csv(&name, &text).with_context(|| {
                    format!(
                        "[calendar] term dates {} (rows of from,to,name: the breaks without sessions)",
                        path.display()
                    )
                })
            })
            .collect()
    }

    /// Every regime: the built-ins and `[[regime]]` over the calendar, with the term dates.
    pub fn regimes(
        &self,
        calendar: &crate::deadlines::Calendar,
    ) -> anyhow::Result<crate::deadlines::Regimes> {
        crate::deadlines::Regimes::new(calendar, self.regime.clone())
            .context("a [[regime]] in the configuration is not valid")?
            .with_term_dates(self.term_dates()?, self.calendar.default_terms.as_deref())
            .context("[calendar] default_terms")
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Config, EXAMPLE};

    #[test]
    fn the_example_calendar_and_regime_parse_and_resolve_once_uncommented() {
        // The example's [calendar] keys and [[regime]] are written commented out as `#key`
        // (explanations as `# text`): switch them on, with the files they name.
        let text: String = EXAMPLE
            .lines()
            .map(|l| match l.strip_prefix('#') {
                Some(rest) if rest.starts_with(|c: char| c.is_ascii_lowercase() || c == '[') => {
                    rest
                }
                _ => l,
            })
            .collect::<Vec<_>>()
            .join("\n");
        assert!(
            text.contains("\n[[regime]]\nname = \"jersey-foi\""),
            "{text}"
        );
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("holidays.csv"),
            "date,region,name\n2026-05-09,jersey,Liberation Day\n",
        )
        .unwrap();
        std::fs::create_dir(dir.path().join("terms")).unwrap();
        std::fs::write(
            dir.path().join("terms/camford.csv"),
            "from,to,name\n2026-12-21,2027-01-01,Christmas holidays\n",
        )
        .unwrap();
        let c = Config::parse(&text, dir.path()).unwrap();
        assert_eq!(c.calendar.default_terms.as_deref(), Some("camford"));
        let regimes = c.regimes(&c.calendar().unwrap()).unwrap();
        let jersey = regimes.get("jersey-foi").expect("the example regime");
        assert_eq!(jersey.def().period, 20);
        let date = chrono::NaiveDate::from_ymd_opt(2026, 5, 9).unwrap();
        assert!(!jersey.is_working_day(date), "Liberation Day is a holiday");
        let school = regimes.get("uk-foia-school").expect("built in");
        assert_eq!(school.term_dates().map(|t| t.name()), Some("camford"));
        assert!(regimes.get("uk-foia-school@england-default").is_some());
        // A term-dates file that names nothing is one clear error.
        std::fs::write(dir.path().join("terms/bad.csv"), "2027-01-01\n").unwrap();
        let e = format!("{:#}", c.regimes(&c.calendar().unwrap()).unwrap_err());
        assert!(e.contains("bad.csv") && e.contains("line 1"), "{e}");
    }
}
