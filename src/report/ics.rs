//! iCalendar (RFC 5545) output for staff calendars: one all-day event per due date.
//!
//! Pure: the caller supplies the events and the stamp time. Lines end in CRLF, are folded
//! at 75 octets (never inside a UTF-8 character), and text values are escaped.

use chrono::{DateTime, NaiveDate, Utc};

/// One all-day event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllDay {
    /// Stable across exports (the same case's due date keeps its UID, so calendars update
    /// the event instead of adding another).
    pub uid: String,
    pub date: NaiveDate,
    pub summary: String,
    pub description: String,
}

/// Escape a TEXT value (RFC 5545 3.3.11).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Append one content line, folded at 75 octets, with CRLF.
fn line(out: &mut String, content: &str) {
    let mut width = 0;
    for c in content.chars() {
        let n = c.len_utf8();
        if width + n > 75 {
            out.push_str("\r\n ");
            // The leading space of a continuation counts towards its 75 octets.
            width = 1;
        }
        out.push(c);
        width += n;
    }
    out.push_str("\r\n");
}

/// A VCALENDAR holding `events`.
pub fn calendar(name: &str, events: &[AllDay], stamp: DateTime<Utc>) -> String {
    let mut out = String::new();
    let stamp = stamp.format("%Y%m%dT%H%M%SZ").to_string();
    line(&mut out, "BEGIN:VCALENDAR");
    line(&mut out, "VERSION:2.0");
    line(&mut out, "PRODID:-//FOI Campaigner//foi deadlines//EN");
    line(&mut out, "CALSCALE:GREGORIAN");
    line(&mut out, "METHOD:PUBLISH");
    line(&mut out, &format!("X-WR-CALNAME:{}", escape(name)));
    for e in events {
        line(&mut out, "BEGIN:VEVENT");
        line(&mut out, &format!("UID:{}", escape(&e.uid)));
        line(&mut out, &format!("DTSTAMP:{stamp}"));
        line(
            &mut out,
            &format!("DTSTART;VALUE=DATE:{}", e.date.format("%Y%m%d")),
        );
        if let Some(next) = e.date.succ_opt() {
            line(
                &mut out,
                &format!("DTEND;VALUE=DATE:{}", next.format("%Y%m%d")),
            );
        }
        line(&mut out, &format!("SUMMARY:{}", escape(&e.summary)));
        line(&mut out, &format!("DESCRIPTION:{}", escape(&e.description)));
        line(&mut out, "TRANSP:TRANSPARENT");
        line(&mut out, "END:VEVENT");
    }
    line(&mut out, "END:VCALENDAR");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_text() {
        assert_eq!(escape("a,b;c\\d\ne"), "a\\,b\\;c\\\\d\\ne");
    }

    #[test]
    fn folds_at_75_octets_without_splitting_characters() {
        let mut out = String::new();
        let long = format!("SUMMARY:{}", "é".repeat(60));
        line(&mut out, &long);
        for l in out.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(l.len() <= 75, "{} octets: {l}", l.len());
        }
        let unfolded = out.replace("\r\n ", "");
        assert_eq!(unfolded, format!("{long}\r\n"));
    }

    #[test]
    fn a_calendar_has_all_day_events_with_crlf() {
        let t = DateTime::parse_from_rfc3339("2026-03-02T10:00:00Z")
            .unwrap()
            .to_utc();
        let ics = calendar(
            "cctv",
            &[AllDay {
                uid: "CCTV24-0001-due@foi-campaigner".into(),
                date: NaiveDate::from_ymd_opt(2026, 3, 30).unwrap(),
                summary: "FOI due: Barking, Dagenham [CCTV24-0001]".into(),
                description: "x".into(),
            }],
            t,
        );
        assert!(ics.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"));
        assert!(ics.contains("DTSTART;VALUE=DATE:20260330\r\nDTEND;VALUE=DATE:20260331\r\n"));
        assert!(ics.contains("SUMMARY:FOI due: Barking\\, Dagenham [CCTV24-0001]\r\n"));
        assert!(ics.contains("DTSTAMP:20260302T100000Z\r\n"));
        assert!(ics.ends_with("END:VCALENDAR\r\n"));
        assert!(!ics.replace("\r\n", "").contains('\n'));
    }
}
