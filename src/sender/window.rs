//! The send window: the days and hours (in a time zone) when requests may leave, so that
//! they arrive on working days; optionally skipping UK bank holidays.

use crate::config::SendWindow;
use crate::deadlines::Calendar;
use anyhow::{anyhow, bail};
use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Utc, Weekday};
use chrono_tz::Tz;

/// A checked send window.
#[derive(Debug, Clone)]
pub struct Window {
    days: Vec<Weekday>,
    start: NaiveTime,
    /// `None` means until midnight.
    end: Option<NaiveTime>,
    tz: Tz,
    holidays: Option<Calendar>,
}

fn weekday(s: &str) -> Option<Weekday> {
    match s.trim().to_lowercase().get(..3)? {
        "mon" => Some(Weekday::Mon),
        "tue" => Some(Weekday::Tue),
        "wed" => Some(Weekday::Wed),
        "thu" => Some(Weekday::Thu),
        "fri" => Some(Weekday::Fri),
        "sat" => Some(Weekday::Sat),
        "sun" => Some(Weekday::Sun),
        _ => None,
    }
}

fn time(s: &str, what: &str) -> anyhow::Result<Option<NaiveTime>> {
    if s.trim() == "24:00" {
        return Ok(None);
    }
    NaiveTime::parse_from_str(s.trim(), "%H:%M")
        .map(Some)
        .map_err(|_| anyhow!("[send_window] {what} = \"{s}\" is not a time like \"09:00\""))
}

impl Window {
    pub fn from_config(c: &SendWindow) -> anyhow::Result<Self> {
        let days = c
            .days
            .iter()
            .map(|d| {
                weekday(d).ok_or_else(|| {
                    anyhow!("[send_window] days: '{d}' is not a day (mon, tue, ...)")
                })
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        if days.is_empty() {
            bail!("[send_window] days is empty: nothing would ever be sent");
        }
        let start = time(&c.start, "start")?.unwrap_or(NaiveTime::MIN);
        let end = time(&c.end, "end")?;
        if end.is_some_and(|e| e <= start) {
            bail!("[send_window] end must be later than start");
        }
        let tz: Tz = c.timezone.parse().map_err(|_| {
            anyhow!(
                "[send_window] timezone '{}' is not an IANA name like Europe/London",
                c.timezone
            )
        })?;
        Ok(Self {
            days,
            start,
            end,
            tz,
            holidays: c.skip_bank_holidays.then(Calendar::uk),
        })
    }

    /// A window that is always open (for tests and `--ignore-window`).
    pub fn always() -> Self {
        Self {
            days: vec![
                Weekday::Mon,
                Weekday::Tue,
                Weekday::Wed,
                Weekday::Thu,
                Weekday::Fri,
                Weekday::Sat,
                Weekday::Sun,
            ],
            start: NaiveTime::MIN,
            end: None,
            tz: chrono_tz::UTC,
            holidays: None,
        }
    }

    fn day_open(&self, d: NaiveDate) -> bool {
        self.days.contains(&d.weekday())
            && self
                .holidays
                .as_ref()
                .is_none_or(|c| c.holidays_on(d).is_empty())
    }

    /// Whether emails may leave at `now`.
    pub fn is_open(&self, now: DateTime<Utc>) -> bool {
        let local = now.with_timezone(&self.tz);
        let t = local.time();
        self.day_open(local.date_naive()) && t >= self.start && self.end.is_none_or(|e| t < e)
    }

    /// The next instant at or after `now` when the window is open.
    pub fn next_open(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        if self.is_open(now) {
            return now;
        }
        let local = now.with_timezone(&self.tz);
        let mut day = local.date_naive();
        if local.time() >= self.start {
            day = day.succ_opt().unwrap_or(day);
        }
        for _ in 0..400 {
            if self.day_open(day) {
                let naive = day.and_time(self.start);
                // In a DST gap the opening time does not exist: take the first instant after.
                let opens = self.tz.from_local_datetime(&naive).earliest().or_else(|| {
                    self.tz
                        .from_local_datetime(&(naive + Duration::hours(1)))
                        .earliest()
                });
                if let Some(o) = opens {
                    return o.with_timezone(&Utc).max(now);
                }
            }
            day = day.succ_opt().unwrap_or(day);
        }
        now + Duration::days(1)
    }

    /// The time zone the window is in.
    pub fn timezone(&self) -> Tz {
        self.tz
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn default_window_is_weekdays_nine_to_four_london_without_bank_holidays() {
        let w = Window::from_config(&SendWindow::default()).unwrap();
        // Mon 2 March 2026 (GMT): 10:00 open, 08:59 closed, 16:00 closed.
        assert!(w.is_open(utc("2026-03-02T10:00:00Z")));
        assert!(!w.is_open(utc("2026-03-02T08:59:00Z")));
        assert!(!w.is_open(utc("2026-03-02T16:00:00Z")));
        // BST: 08:30 UTC is 09:30 in London.
        assert!(w.is_open(utc("2026-06-01T08:30:00Z")));
        // Friday 16:30 -> Monday 09:00.
        assert_eq!(
            w.next_open(utc("2026-03-06T16:30:00Z")),
            utc("2026-03-09T09:00:00Z")
        );
        // Thursday before Easter 2026, after hours -> Good Friday and Easter Monday skipped.
        assert_eq!(
            w.next_open(utc("2026-04-02T17:00:00Z")),
            utc("2026-04-07T08:00:00Z")
        );
        // Before opening on a working day -> the same day.
        assert_eq!(
            w.next_open(utc("2026-03-03T07:00:00Z")),
            utc("2026-03-03T09:00:00Z")
        );
        // St Patrick's Day (Northern Ireland only) is skipped too: any UK region counts.
        assert!(!w.is_open(utc("2026-03-17T10:00:00Z")));
    }

    #[test]
    fn bad_windows_are_refused() {
        for bad in [
            SendWindow {
                days: vec!["funday".into()],
                ..SendWindow::default()
            },
            SendWindow {
                end: "08:00".into(),
                ..SendWindow::default()
            },
            SendWindow {
                timezone: "Mars/Base".into(),
                ..SendWindow::default()
            },
        ] {
            assert!(Window::from_config(&bad).is_err(), "{bad:?}");
        }
        assert!(Window::always().is_open(utc("2026-12-25T03:00:00Z")));
    }
}
