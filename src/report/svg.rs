//! Inline SVG charts for the HTML report: the response funnel, answers over time against
//! the deadline, and stacked bars per group. Plain SVG 1.1 with `<title>` tooltips: no
//! script, no external font or image. Every label passes through [`escape`].

use super::{escape, number_text, percent, Group};
use std::fmt::Write;

/// Colours that stay apart for colour-blind readers (Okabe-Ito, darkened for contrast).
pub const PALETTE: [&str; 8] = [
    "#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#999999", "#f0e442",
];

/// The colour of a value: yes blue, no orange, unknown grey; others by position.
fn value_colour(value: &str, i: usize) -> &'static str {
    match value {
        "yes" => "#0072b2",
        "no" => "#e69f00",
        "unknown" | "not disclosed" => "#999999",
        _ => PALETTE[i % PALETTE.len()],
    }
}

/// At most `n` characters, with an ellipsis when cut (before escaping).
fn cut(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        s.chars().take(n - 1).chain(std::iter::once('…')).collect()
    }
}

fn open(out: &mut String, w: u32, h: u32, title: &str) {
    let _ = write!(
        out,
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" role="img" aria-label="{t}" font-family="system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif" font-size="13"><title>{t}</title>"##,
        t = escape(title)
    );
}

/// The response funnel of one group: sent, delivered, acknowledged, answered (and on time).
pub fn funnel(g: &Group) -> String {
    let f = &g.figures;
    let stages = [
        ("sent", f.sent),
        ("delivered", f.delivered),
        ("acknowledged", f.acknowledged),
        ("answered", f.answered),
        ("answered on time", f.answered_on_time),
    ];
    let (w, label_w, bar_w, row_h) = (820u32, 150u32, 470u32, 40u32);
    let h = row_h * stages.len() as u32 + 30;
    let mut out = String::new();
    open(&mut out, w, h, &format!("Response funnel: {}", g.name));
    let max = f.sent.max(1);
    for (i, (name, n)) in stages.iter().enumerate() {
        let y = 10 + row_h * i as u32;
        let len = (*n as f64 / max as f64 * bar_w as f64).round() as u32;
        // Centred bars make the funnel shape.
        let x = label_w + (bar_w - len) / 2;
        let colour = PALETTE[i.min(PALETTE.len() - 1)];
        let share = percent(*n, f.sent)
            .map(|p| format!(" ({}% of sent)", number_text(p.round())))
            .unwrap_or_default();
        let _ = write!(
            out,
            r##"<text x="{lx}" y="{ty}" text-anchor="end" fill="#222">{name}</text><rect x="{x}" y="{y}" width="{len}" height="{bh}" rx="3" fill="{colour}"><title>{name}: {n}{share}</title></rect><text x="{vx}" y="{ty}" fill="#222">{n}{share}</text>"##,
            lx = label_w - 10,
            ty = y + 20,
            bh = row_h - 12,
            vx = label_w + bar_w + 10,
        );
    }
    let _ = write!(
        out,
        r##"<text x="{label_w}" y="{}" fill="#555" font-size="11">Bars are centred and scaled to the requests sent. A body may answer without acknowledging.</text></svg>"##,
        h - 6
    );
    out
}

/// Cumulative share of sent requests answered by working day since receipt, one line per
/// group, with the statutory deadline (day 20) and the long-overdue mark (day 40).
pub fn over_time(groups: &[&Group]) -> String {
    let last_day = groups
        .iter()
        .flat_map(|g| g.answer_days.iter().map(|d| d.working_days))
        .max()
        .unwrap_or(0);
    let x_max = (last_day + 2).clamp(45, 120);
    let (w, h) = (840u32, 360u32);
    let (left, right, top, bottom) = (60.0, 230.0, 20.0, 50.0);
    let pw = w as f64 - left - right;
    let ph = h as f64 - top - bottom;
    let sx = |d: f64| left + d / x_max as f64 * pw;
    let sy = |p: f64| top + (1.0 - p / 100.0) * ph;
    let mut out = String::new();
    open(
        &mut out,
        w,
        h,
        "Answers over time: share of sent requests answered, by working day since receipt",
    );
    // Grid and axes.
    for p in [0.0, 25.0, 50.0, 75.0, 100.0] {
        let y = sy(p);
        let _ = write!(
            out,
            r##"<line x1="{left}" y1="{y:.1}" x2="{x2:.1}" y2="{y:.1}" stroke="#e3e3e3"/><text x="{tx}" y="{ty:.1}" text-anchor="end" fill="#444" font-size="11">{p}%</text>"##,
            x2 = left + pw,
            tx = left - 6.0,
            ty = y + 4.0,
        );
    }
    let mut d = 0;
    while d <= x_max {
        let x = sx(d as f64);
        let _ = write!(
            out,
            r##"<line x1="{x:.1}" y1="{y1:.1}" x2="{x:.1}" y2="{y2:.1}" stroke="#888"/><text x="{x:.1}" y="{ty:.1}" text-anchor="middle" fill="#444" font-size="11">{d}</text>"##,
            y1 = top + ph,
            y2 = top + ph + 4.0,
            ty = top + ph + 17.0,
        );
        d += 5;
    }
    let _ = write!(
        out,
        r##"<line x1="{left}" y1="{b:.1}" x2="{r:.1}" y2="{b:.1}" stroke="#444"/><text x="{cx:.1}" y="{ly:.1}" text-anchor="middle" fill="#222">working days since receipt</text>"##,
        b = top + ph,
        r = left + pw,
        cx = left + pw / 2.0,
        ly = h as f64 - 12.0,
    );
    // The deadline markers.
    for (day, label, colour) in [(20, "due (day 20)", "#b00020"), (40, "day 40", "#7a4b00")] {
        let x = sx(day as f64);
        let _ = write!(
            out,
            r##"<line x1="{x:.1}" y1="{top}" x2="{x:.1}" y2="{b:.1}" stroke="{colour}" stroke-width="1.5" stroke-dasharray="5 4"/><text x="{tx:.1}" y="{ty}" fill="{colour}" font-size="11">{label}</text>"##,
            b = top + ph,
            tx = x + 4.0,
            ty = top + 12.0,
        );
    }
    // One step line per group.
    for (i, g) in groups.iter().enumerate() {
        let colour = PALETTE[i % PALETTE.len()];
        let base = g.figures.sent;
        let mut points = format!("{:.1},{:.1}", sx(0.0), sy(0.0));
        let mut cum = 0usize;
        let mut y_prev = sy(0.0);
        for dc in &g.answer_days {
            let day = dc.working_days.clamp(0, x_max) as f64;
            cum += dc.cases;
            let y = sy(percent(cum, base).unwrap_or(0.0));
            let _ = write!(points, " {:.1},{y_prev:.1} {:.1},{y:.1}", sx(day), sx(day));
            y_prev = y;
        }
        let _ = write!(points, " {:.1},{y_prev:.1}", sx(x_max as f64));
        let final_share = percent(cum, base).unwrap_or(0.0);
        let width = if i == 0 { 3 } else { 2 };
        let _ = write!(
            out,
            r##"<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="{width}"><title>{name}: {cum} of {base} sent answered ({share}%)</title></polyline>"##,
            name = escape(&g.name),
            share = number_text(final_share),
        );
        legend(
            &mut out,
            (left + pw + 16.0, top + 10.0 + 20.0 * i as f64),
            colour,
            g,
            final_share,
        );
    }
    out.push_str("</svg>");
    out
}

/// The legend's line for a group of [`over_time`], at `(lx, ly)`.
fn legend(out: &mut String, (lx, ly): (f64, f64), colour: &str, g: &Group, final_share: f64) {
    let _ = write!(
        out,
        r##"<line x1="{lx:.1}" y1="{ly:.1}" x2="{lx2:.1}" y2="{ly:.1}" stroke="{colour}" stroke-width="3"/><text x="{tx:.1}" y="{ty:.1}" fill="#222" font-size="12">{name} ({share}%)</text>"##,
        lx2 = lx + 18.0,
        tx = lx + 24.0,
        ty = ly + 4.0,
        name = escape(&cut(&g.name, 18)),
        share = number_text(final_share.round()),
    );
}

/// One stacked bar per row: each segment a value's share of the row's base.
pub struct StackedRow {
    pub label: String,
    pub counts: Vec<usize>,
    /// Shown right of the bar, e.g. "n = 8 of 12".
    pub note: String,
}

/// Stacked horizontal bars with a legend of `values`.
pub fn stacked(title: &str, values: &[String], rows: &[StackedRow]) -> String {
    let (w, label_w, bar_w, row_h) = (760u32, 150u32, 440u32, 30u32);
    let legend_h = 26u32;
    let h = legend_h + row_h * rows.len() as u32 + 10;
    let mut out = String::new();
    open(&mut out, w, h, title);
    // Legend.
    let mut lx = label_w as f64;
    for (i, v) in values.iter().enumerate() {
        let colour = value_colour(v, i);
        let text = escape(&cut(v, 20));
        let _ = write!(
            out,
            r##"<rect x="{lx:.1}" y="6" width="12" height="12" rx="2" fill="{colour}"/><text x="{tx:.1}" y="16" fill="#222" font-size="12">{text}</text>"##,
            tx = lx + 16.0,
        );
        lx += 28.0 + 7.0 * cut(v, 20).chars().count() as f64;
    }
    for (r, row) in rows.iter().enumerate() {
        let y = legend_h + row_h * r as u32;
        let base: usize = row.counts.iter().sum();
        let _ = write!(
            out,
            r##"<text x="{lx}" y="{ty}" text-anchor="end" fill="#222">{label}</text><rect x="{label_w}" y="{y}" width="{bar_w}" height="{bh}" fill="#f1f1f1"/>"##,
            lx = label_w - 10,
            ty = y + 16,
            bh = row_h - 8,
            label = escape(&cut(&row.label, 20)),
        );
        let mut x = label_w as f64;
        for (i, (v, n)) in values.iter().zip(&row.counts).enumerate() {
            if *n == 0 || base == 0 {
                continue;
            }
            let len = *n as f64 / base as f64 * bar_w as f64;
            let share = percent(*n, base).unwrap_or(0.0);
            let _ = write!(
                out,
                r##"<rect x="{x:.1}" y="{y}" width="{len:.1}" height="{bh}" fill="{colour}"><title>{label}: {value} {n} of {base} ({share}%)</title></rect>"##,
                bh = row_h - 8,
                colour = value_colour(v, i),
                label = escape(&row.label),
                value = escape(v),
                share = number_text(share),
            );
            if len >= 34.0 {
                let _ = write!(
                    out,
                    r##"<text x="{tx:.1}" y="{ty}" text-anchor="middle" fill="#fff" font-size="11" font-weight="600">{p}%</text>"##,
                    tx = x + len / 2.0,
                    ty = y + 15,
                    p = number_text(share.round()),
                );
            }
            x += len;
        }
        let _ = write!(
            out,
            r##"<text x="{nx}" y="{ty}" fill="#444" font-size="12">{note}</text>"##,
            nx = label_w + bar_w + 10,
            ty = y + 16,
            note = escape(&row.note),
        );
    }
    out.push_str("</svg>");
    out
}
