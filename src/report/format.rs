//! How the renderings write figures for people (numbers, percentages, the requests table's
//! row) and escape text for HTML and SVG.

use super::Group;

/// Escape text for HTML and SVG (element content and quoted attributes): the sanitiser's
/// escaping, after replacing the control characters XML forbids (all but tab and newline).
pub fn escape(s: &str) -> String {
    let forbidden = |c: char| c.is_control() && c != '\n' && c != '\t';
    if s.chars().any(forbidden) {
        let clean: String = s
            .chars()
            .map(|c| if forbidden(c) { '\u{fffd}' } else { c })
            .collect();
        crate::text::escape_html(&clean)
    } else {
        crate::text::escape_html(s)
    }
}

/// A number for people: whole numbers without a decimal point, others to two decimals.
pub fn number_text(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{n:.0}")
    } else {
        let s = format!("{n:.2}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// [`number_text`], or `missing` where there is no number.
pub fn number_or(n: Option<f64>, missing: &str) -> String {
    n.map(number_text).unwrap_or_else(|| missing.into())
}

/// A percentage for people, rounded to a whole number: "67%".
pub fn percent_text(p: f64) -> String {
    format!("{}%", number_text(p.round()))
}

/// The columns of the requests table of the text and HTML reports.
pub const REQUEST_COLUMNS: [&str; 13] = [
    "group",
    "cases",
    "sent",
    "delivered",
    "failed",
    "acknowledged",
    "answered",
    "on time",
    "late",
    "overdue now",
    "long overdue",
    "refused",
    "median days",
];

/// A group's row of the requests table, in [`REQUEST_COLUMNS`] order: its name as it is,
/// a figure with a share as `share(part, base)` writes it (on time and late of the
/// answered, failed and sent of the cases, the rest of the sent), and `missing` for no
/// median.
pub fn request_row(g: &Group, share: fn(usize, usize) -> String, missing: &str) -> [String; 13] {
    let f = &g.figures;
    [
        g.name.clone(),
        g.cases.to_string(),
        f.sent.to_string(),
        share(f.delivered, f.sent),
        share(f.delivery_failed, g.cases),
        share(f.acknowledged, f.sent),
        share(f.answered, f.sent),
        share(f.answered_on_time, f.answered),
        share(f.answered_late, f.answered),
        share(f.overdue, f.sent),
        f.long_overdue.to_string(),
        share(f.refused, f.sent),
        number_or(g.median_working_days_to_answer, missing),
    ]
}
