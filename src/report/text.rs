//! The report as text for people: aligned tables, one section per kind of figure.

use super::{number_or, percent, percent_text, request_row, Group, Report, REQUEST_COLUMNS};
use std::fmt::Write;

/// Aligned columns; the first column left-aligned, the others right-aligned.
fn table(out: &mut String, headers: &[&str], rows: &[Vec<String>]) {
    let one_line = |s: &str| -> String {
        s.chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect()
    };
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|r| r.iter().map(|c| one_line(c)).collect())
        .collect();
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for r in &rows {
        for (i, c) in r.iter().enumerate() {
            widths[i] = widths[i].max(c.chars().count());
        }
    }
    let mut line = |cells: Vec<&str>| {
        let mut s = String::new();
        for (i, c) in cells.iter().enumerate() {
            let pad = " ".repeat(widths[i].saturating_sub(c.chars().count()));
            if i == 0 {
                s.push_str(c);
                s.push_str(&pad);
            } else {
                s.push_str("  ");
                s.push_str(&pad);
                s.push_str(c);
            }
        }
        out.push_str(s.trim_end());
        out.push('\n');
    };
    line(headers.to_vec());
    for r in &rows {
        line(r.iter().map(String::as_str).collect());
    }
}

fn pct(part: usize, base: usize) -> String {
    match percent(part, base) {
        Some(p) => format!("{part} ({})", percent_text(p)),
        None => part.to_string(),
    }
}

/// Render the report as text.
pub fn render(r: &Report) -> String {
    let mut out = String::new();
    let all = &r.groups[0];
    let _ = writeln!(
        out,
        "Report on campaign {}: {} cases, as of {}",
        r.campaign,
        all.cases,
        r.as_of.format("%Y-%m-%d %H:%M UTC")
    );
    if let Some(by) = r.by {
        let _ = writeln!(out, "Grouped by {}.", by.as_str());
    }
    for n in &r.notes {
        let _ = writeln!(out, "Note: {n}");
    }

    out.push_str("\nRequests (percentages of sent; on time and late of answered)\n");
    let rows: Vec<Vec<String>> = r
        .groups
        .iter()
        .map(|g| request_row(g, pct, "-").to_vec())
        .collect();
    table(&mut out, &REQUEST_COLUMNS, &rows);
    out.push_str("(median days: working days from receipt to answer, in each case's regime)\n");

    out.push_str("\nAnswers by outcome\n");
    let rows: Vec<Vec<String>> = r
        .groups
        .iter()
        .map(|g| {
            let o = &g.outcomes;
            let base = g.figures.answered;
            vec![
                g.name.clone(),
                base.to_string(),
                pct(o.response, base),
                pct(o.partial_response, base),
                pct(o.not_held, base),
                pct(o.refusal, base),
            ]
        })
        .collect();
    table(
        &mut out,
        &[
            "group", "answered", "response", "partial", "not held", "refusal",
        ],
        &rows,
    );

    out.push_str("\nEscalation (cases that reached each stage)\n");
    let rows: Vec<Vec<String>> = r
        .groups
        .iter()
        .map(|g| {
            std::iter::once(g.name.clone())
                .chain(g.stages.named().iter().map(|(_, n)| n.to_string()))
                .collect()
        })
        .collect();
    let header: Vec<&str> = std::iter::once("group")
        .chain(super::stages::STAGE_COLUMNS)
        .collect();
    table(&mut out, &header, &rows);

    out.push_str("\nRefusals by exemption cited (a refusal citing several counts under each)\n");
    let mut rows = Vec::new();
    for g in &r.groups {
        for x in &g.exemptions {
            rows.push(vec![
                g.name.clone(),
                x.value.clone(),
                format!("{} of {} refused", x.count, g.figures.refused),
            ]);
        }
    }
    if rows.is_empty() {
        out.push_str("no refusals\n");
    } else {
        table(&mut out, &["group", "exemption", "cases"], &rows);
    }

    for (qi, q) in r.questions.iter().enumerate() {
        let _ = writeln!(out, "\nQuestion {}: {} ({})", q.key, q.label, q.kind);
        for g in &r.groups {
            render_question(&mut out, g, qi);
        }
    }
    if r.questions.is_empty() {
        out.push_str("\nThis campaign declares no [[questions]] in its campaign.toml.\n");
    }
    out
}

fn render_question(out: &mut String, g: &Group, qi: usize) {
    let Some(t) = g.questions.get(qi) else {
        return;
    };
    let base = t.answered;
    let _ = write!(
        out,
        "  {}: {base} of {} cases answered, {} with no answer",
        g.name, g.cases, t.no_answer
    );
    match t.kind {
        "number" => {
            let _ = writeln!(
                out,
                "; median {}, total {}",
                number_or(t.median, "-"),
                number_or(t.total, "-")
            );
        }
        "text" => out.push('\n'),
        _ => {
            out.push('\n');
            for v in &t.values {
                let p = v.percent.map(percent_text).unwrap_or_else(|| "-".into());
                let _ = writeln!(
                    out,
                    "    {}: {p} {}, n = {} of {base} answered",
                    g.name, v.value, v.count
                );
            }
        }
    }
}
