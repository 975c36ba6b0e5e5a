//! The send window: the days and hours (in a time zone) when requests may leave, so that
//! they arrive on working days; optionally skipping UK bank holidays. Pure calendar rules:
//! the configuration builds a [`Window`] once and the sender asks it whether it is open.

use super::Calendar;
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

/// Why a window's settings do not make a window (the setting's name, then what is wrong).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct WindowError(String);

fn time(s: &str, what: &str) -> Result<Option<NaiveTime>, WindowError> {
    if s.trim() == "24:00" {
        return Ok(None);
    }
    NaiveTime::parse_from_str(s.trim(), "%H:%M")
        .map(Some)
        .map_err(|_| WindowError(format!("{what} = \"{s}\" is not a time like \"09:00\"")))
}

impl Window {
    /// A window open on `days` (`mon`, `tue` ...) from `start` to `end` (`HH:MM`, `24:00`
    /// for midnight) in `timezone`, skipping the UK's bank holidays when asked.
    pub fn new(
        days: &[String],
        start: &str,
        end: &str,
        timezone: &str,
        skip_bank_holidays: bool,
    ) -> Result<Self, WindowError> {
        let days = days
            .iter()
            .map(|d| {
                weekday(d)
                    .ok_or_else(|| WindowError(format!("days: '{d}' is not a day (mon, tue, ...)")))
            })
            .collect::<Result<Vec<_>, _>>()?;
        if days.is_empty() {
            return Err(WindowError(
                "days is empty: nothing would ever be sent".into(),
            ));
        }
        let start = time(start, "start")?.unwrap_or(NaiveTime::MIN);
        let end = time(end, "end")?;
        if end.is_some_and(|e| e <= start) {
            return Err(WindowError("end must be later than start".into()));
        }
        let tz: Tz = timezone.parse().map_err(|_| {
            WindowError(format!(
                "timezone '{timezone}' is not an IANA name like Europe/London"
            ))
        })?;
        Ok(Self {
            days,
            start,
            end,
            tz,
            holidays: skip_bank_holidays.then(Calendar::uk),
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

    fn weekdays() -> Vec<String> {
        ["mon", "tue", "wed", "thu", "fri"]
            .map(String::from)
            .to_vec()
    }

    #[test]
    fn default_window_is_weekdays_nine_to_four_london_without_bank_holidays() {
        let w = Window::new(&weekdays(), "09:00", "16:00", "Europe/London", true).unwrap();
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
        let funday = vec!["funday".to_string()];
        for bad in [
            Window::new(&funday, "09:00", "16:00", "Europe/London", true),
            Window::new(&weekdays(), "09:00", "08:00", "Europe/London", true),
            Window::new(&weekdays(), "09:00", "16:00", "Mars/Base", true),
            Window::new(&[], "09:00", "16:00", "Europe/London", true),
        ] {
            assert!(bad.is_err(), "{bad:?}");
        }
        assert_eq!(
            Window::new(&funday, "09:00", "16:00", "UTC", false)
                .unwrap_err()
                .to_string(),
            "days: 'funday' is not a day (mon, tue, ...)"
        );
        assert!(Window::always().is_open(utc("2026-12-25T03:00:00Z")));
    }
}
