//! The HTML pages of a published site. Every value is escaped; links are relative.

use super::{case_page, PublishedCase, Site};
use crate::report::html::BASE_STYLE;
use crate::report::interval::{interval_text, wilson};
use crate::report::{escape, number_or, percent, percent_text, svg, Group, QuestionInfo};
use std::fmt::Write;

/// The site's own rules, after the look it shares with the report
/// ([`crate::report::html::BASE_STYLE`]).
const STYLE: &str = r#"
nav { background: #1d2330; padding: 10px 24px; }
nav a { color: #fff; margin-right: 18px; text-decoration: none; font-weight: 600; }
p.meta, p.note { color: #555d6b; margin: 4px 0; }
p.note { font-size: 13px; }
th, td { vertical-align: top; }
span.ci { color: #6b7380; font-size: 12px; white-space: nowrap; }
article.msg { background: #fff; border: 1px solid #dde1e8; border-radius: 8px; padding: 10px 14px; margin: 12px 0; }
article.msg h3 { margin: 0 0 6px; }
pre { white-space: pre-wrap; word-wrap: break-word; font: 14px/1.45 ui-monospace, Menlo, Consolas, monospace; margin: 0; }
"#;

/// The page's head and navigation; `root` is the way back to the site's top ("" or "../").
fn open(out: &mut String, site: &Site, page: &str, root: &str) {
    let title = escape(&site.title);
    let _ = write!(
        out,
        r#"<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{page} &middot; {title}</title><style>{BASE_STYLE}{STYLE}</style></head><body>
<nav><a href="{root}index.html">Summary</a><a href="{root}bodies.html">Every body</a><a href="{root}methods.html">Methods</a><a href="{root}data/datapackage.json">Data</a></nav><main>
"#,
        page = escape(page),
    );
}

fn close(out: &mut String, site: &Site) {
    let _ = writeln!(
        out,
        "<footer>Published {} with foi publish. Personal data in the replies is replaced with [redacted]. Data licence: {}.</footer></main></body></html>",
        site.made_at.format("%Y-%m-%d"),
        escape(&site.licence.name)
    );
}

fn card(out: &mut String, n: &str, label: &str) {
    let _ = write!(
        out,
        r#"<div class="card"><div class="n">{n}</div><div class="l">{label}</div></div>"#
    );
}

/// "7 of 10 (70%) 39.7%–89.2%": a count, its share and its 95% Wilson interval.
fn share_cell(count: usize, base: usize) -> String {
    match (percent(count, base), wilson(count, base)) {
        (Some(p), Some(ci)) => format!(
            "{count} <span class=\"ci\">({}; 95% CI {})</span>",
            percent_text(p),
            interval_text(&ci)
        ),
        _ => count.to_string(),
    }
}

/// The summary page.
pub fn summary(site: &Site) -> String {
    let r = site.report;
    let all = &r.groups[0];
    let mut out = String::with_capacity(64 * 1024);
    open(&mut out, site, "Summary", "");
    let _ = write!(
        out,
        "<h1>{}</h1><p class=\"meta\">{} requests &middot; figures as of {}</p>",
        escape(&site.title),
        all.cases,
        r.as_of.format("%Y-%m-%d")
    );
    for n in &r.notes {
        let _ = write!(out, r#"<p class="note">{}</p>"#, escape(n));
    }
    out.push_str(r#"<div class="cards">"#);
    let f = &all.figures;
    card(&mut out, &f.sent.to_string(), "requests sent");
    for (n, label) in [
        (f.answered, "answered"),
        (f.answered_on_time, "answered on time"),
        (f.refused, "refused"),
        (f.overdue, "overdue now"),
    ] {
        let base = if label == "answered on time" {
            f.answered
        } else {
            f.sent
        };
        let pct = percent(n, base).map(percent_text).unwrap_or_default();
        card(&mut out, &format!("{n} <small>{pct}</small>"), label);
    }
    out.push_str("</div>");
    out.push_str("<h2>Answers to the campaign's questions</h2>");
    out.push_str(r#"<p class="note">Each share is of the base: the bodies in the group whose answer to the question was read and confirmed by a person. No answer: the rest of the group (no reply yet, a refusal, or a reply that did not say). The 95% confidence interval (Wilson score) shows how far the share could be from the true one by chance alone.</p>"#);
    for (qi, q) in r.questions.iter().enumerate() {
        question(&mut out, r, qi, q);
    }
    comparisons(&mut out, site);
    out.push_str("<h2>Response funnel</h2><figure>");
    out.push_str(&svg::funnel(all));
    out.push_str("<figcaption>Every request of the campaign; percentages of the requests sent.</figcaption></figure>");
    out.push_str("<h2>Answers over time</h2><figure>");
    let lines: Vec<&Group> = if r.groups.len() <= 8 {
        r.groups.iter().collect()
    } else {
        vec![all]
    };
    out.push_str(&svg::over_time(&lines));
    out.push_str("<figcaption>Cumulative share of the requests sent that were answered, by working day since receipt; the statutory deadline is day 20.</figcaption></figure>");
    close(&mut out, site);
    out
}

fn question(out: &mut String, r: &crate::report::Report, qi: usize, q: &QuestionInfo) {
    let _ = write!(
        out,
        "<h3>{}</h3><p class=\"note\">Question <code>{}</code> ({})</p><div class=\"scroll\"><table><tr><th>group</th><th>base</th><th>no answer</th>",
        escape(&q.label),
        escape(&q.key),
        q.kind
    );
    let values: Vec<String> = r.groups[0]
        .questions
        .get(qi)
        .map(|t| t.values.iter().map(|v| v.value.clone()).collect())
        .unwrap_or_default();
    match q.kind {
        "number" => out.push_str("<th>median</th><th>total</th>"),
        "text" => {}
        _ => {
            for v in &values {
                let _ = write!(out, "<th>{}</th>", escape(v));
            }
        }
    }
    out.push_str("</tr>");
    for g in &r.groups {
        let Some(t) = g.questions.get(qi) else {
            continue;
        };
        let _ = write!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td>",
            escape(&g.name),
            t.answered,
            t.no_answer
        );
        match q.kind {
            "number" => {
                let _ = write!(
                    out,
                    "<td>{}</td><td>{}</td>",
                    number_or(t.median, "-"),
                    number_or(t.total, "-")
                );
            }
            "text" => {}
            _ => {
                for v in &values {
                    let count = t
                        .values
                        .iter()
                        .find(|x| &x.value == v)
                        .map_or(0, |x| x.count);
                    let _ = write!(out, "<td>{}</td>", share_cell(count, t.answered));
                }
            }
        }
        out.push_str("</tr>");
    }
    out.push_str("</table></div>");
}

fn comparisons(out: &mut String, site: &Site) {
    if site.comparisons.is_empty() {
        return;
    }
    out.push_str("<h2>Differences between groups</h2>");
    out.push_str(r#"<p class="note">The difference between two groups' shares with its 95% interval (Newcombe's hybrid score method). Where the interval holds zero the difference is within noise: these answers do not show that the groups differ. Tag groups overlap (a body with two tags is in both), which makes their intervals conservative.</p><div class="scroll"><table><tr><th>question</th><th>answer</th><th>group A</th><th>share A</th><th>group B</th><th>share B</th><th>difference (A &minus; B)</th><th>95% interval</th><th>reading</th></tr>"#);
    for c in &site.comparisons {
        let d = &c.difference;
        let pct = |k: usize, n: usize| percent(k, n).map(percent_text).unwrap_or_default();
        let _ = write!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{} of {} ({})</td><td>{}</td><td>{} of {} ({})</td><td>{:+.1} points</td><td>{:+.1} to {:+.1}</td><td class=\"t\">{}</td></tr>",
            escape(&c.question),
            escape(&c.value),
            escape(&c.a),
            c.a_count,
            c.a_base,
            pct(c.a_count, c.a_base),
            escape(&c.b),
            c.b_count,
            c.b_base,
            pct(c.b_count, c.b_base),
            d.difference * 100.0,
            d.interval.low * 100.0,
            d.interval.high * 100.0,
            if d.within_noise {
                "within noise"
            } else {
                "a difference"
            }
        );
    }
    out.push_str("</table></div>");
}

fn date(d: Option<chrono::NaiveDate>) -> String {
    d.map(|d| d.to_string()).unwrap_or_default()
}

/// The table of every body.
pub fn bodies(site: &Site) -> String {
    let mut out = String::with_capacity(256 + site.cases.len() * 400);
    open(&mut out, site, "Every body", "");
    let _ = write!(
        out,
        "<h1>Every body</h1><p class=\"meta\">{} requests. Days taken: working days from receipt (day 0) to the first answer.</p><div class=\"scroll\"><table><tr><th>reference</th><th>body</th><th>status</th><th>sent</th><th>due</th><th>answered</th><th>days taken</th>",
        site.cases.len()
    );
    for q in &site.report.questions {
        let _ = write!(out, "<th>{}</th>", escape(&q.key));
    }
    out.push_str("</tr>");
    for c in &site.cases {
        let _ = write!(
            out,
            "<tr><td><a href=\"{}\">{}</a></td><td class=\"t\">{}</td><td class=\"t\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>",
            escape(&case_page(&c.reference)),
            escape(&c.reference),
            escape(&c.body_name),
            escape(&c.status),
            date(c.sent_on),
            date(c.due_on),
            date(c.answered_on),
            c.days_taken.map(|d| d.to_string()).unwrap_or_default()
        );
        for q in &site.report.questions {
            let v = c.answers.iter().find(|(k, _)| k == &q.key).map(|(_, v)| v);
            let _ = write!(out, "<td class=\"t\">{}</td>", escape(v.map_or("", |v| v)));
        }
        out.push_str("</tr>");
    }
    out.push_str("</table></div>");
    close(&mut out, site);
    out
}

/// A case's page: its facts, answers, the request as sent, the replies and documents.
pub fn case(site: &Site, c: &PublishedCase) -> String {
    let mut out = String::with_capacity(8 * 1024);
    open(&mut out, site, &c.reference, "../");
    let _ = write!(
        out,
        "<h1>{}: {}</h1><table><tr><th>FOI address</th><td class=\"t\">{}</td></tr><tr><th>tags</th><td class=\"t\">{}</td></tr><tr><th>region</th><td class=\"t\">{}</td></tr><tr><th>regime</th><td class=\"t\">{}</td></tr><tr><th>status</th><td class=\"t\">{}</td></tr><tr><th>sent</th><td class=\"t\">{}</td></tr><tr><th>due</th><td class=\"t\">{}</td></tr><tr><th>answered</th><td class=\"t\">{}</td></tr><tr><th>working days taken</th><td class=\"t\">{}</td></tr></table>",
        escape(&c.reference),
        escape(&c.body_name),
        escape(&c.body_email),
        escape(&c.tags.join(", ")),
        escape(c.region.as_deref().unwrap_or("")),
        escape(&c.regime),
        escape(&c.status),
        date(c.sent_on),
        date(c.due_on),
        date(c.answered_on),
        c.days_taken.map(|d| d.to_string()).unwrap_or_default()
    );
    if !c.answers.is_empty() {
        out.push_str("<h2>Answers</h2><table>");
        for (k, v) in &c.answers {
            let label = site
                .report
                .questions
                .iter()
                .find(|q| &q.key == k)
                .map_or(k.as_str(), |q| q.label.as_str());
            let _ = write!(
                out,
                "<tr><th>{}</th><td class=\"t\">{}</td></tr>",
                escape(label),
                escape(v)
            );
        }
        out.push_str("</table>");
    }
    out.push_str("<h2>Correspondence</h2>");
    if c.messages.is_empty() {
        out.push_str(r#"<p class="note">No email on this case.</p>"#);
    }
    for m in &c.messages {
        let who = if m.outbound {
            "Request or chaser sent".to_string()
        } else {
            format!("Reply from {}", c.body_name)
        };
        let _ = write!(
            out,
            "<article class=\"msg\"><h3>{}</h3><p class=\"meta\">{} &middot; {}</p><pre>{}</pre></article>",
            escape(&who),
            m.at.format("%Y-%m-%d %H:%M UTC"),
            escape(&m.subject),
            escape(&m.text)
        );
    }
    if !c.documents.is_empty() {
        out.push_str("<h2>Documents</h2>");
        for d in &c.documents {
            let _ = write!(
                out,
                "<article class=\"msg\"><h3>{}</h3>",
                escape(&d.file_name)
            );
            if let Some(path) = &d.original {
                let _ = write!(
                    out,
                    "<p><a href=\"../{}\">the original file</a></p>",
                    escape(path)
                );
            }
            if let Some(text) = &d.text {
                let _ = write!(out, "<pre>{}</pre>", escape(text));
            }
            out.push_str("</article>");
        }
    }
    close(&mut out, site);
    out
}

/// The methods page, generated from the campaign.
pub fn methods(site: &Site) -> String {
    let m = &site.methods;
    let r = site.report;
    let all = &r.groups[0];
    let mut out = String::with_capacity(16 * 1024);
    open(&mut out, site, "Methods", "");
    out.push_str("<h1>Methods</h1><h2>The questions</h2><table><tr><th>key</th><th>question</th><th>type</th><th>options</th></tr>");
    for q in &r.questions {
        let _ = write!(
            out,
            "<tr><td>{}</td><td class=\"t\">{}</td><td class=\"t\">{}</td><td class=\"t\">{}</td></tr>",
            escape(&q.key),
            escape(&q.label),
            q.kind,
            escape(&q.options.join(", "))
        );
    }
    out.push_str("</table><h2>The bodies</h2>");
    let _ = write!(
        out,
        "<p>{} bodies were sent the request, chosen from the directory by the rules: {}.</p>",
        all.cases,
        if m.selection.is_empty() {
            "(none recorded)".to_string()
        } else {
            m.selection
                .iter()
                .map(|s| format!("<code>{}</code>", escape(s)))
                .collect::<Vec<_>>()
                .join(", ")
        }
    );
    let _ = write!(
        out,
        "<h2>Dates</h2><p>Requests sent (dates of receipt) from {} to {}; the last answer came on {}; the figures are as of {}.</p>",
        date_or(m.first_sent),
        date_or(m.last_sent),
        date_or(m.last_answer),
        r.as_of.format("%Y-%m-%d")
    );
    out.push_str("<h2>Deadlines</h2><p>Each request's statutory due date follows its body's regime, counted from the date of receipt (day 0), with clarifications, fee notices and extensions taken into account. Days taken are working days in the regime's calendar.</p><table><tr><th>regime</th><th>law</th><th>period</th></tr>");
    for (name, description, period) in &m.regimes {
        let _ = write!(
            out,
            "<tr><td>{}</td><td class=\"t\">{}</td><td class=\"t\">{}</td></tr>",
            escape(name),
            escape(description),
            escape(period)
        );
    }
    out.push_str("</table><h2>How answers were coded</h2>");
    let confirmed: usize = m.confirmed_by.iter().map(|(_, n)| n).sum();
    let _ = write!(
        out,
        "<p>A person read each reply and confirmed its answers: {confirmed} answers were confirmed, {} of them accepted from a keyword suggestion the tool made. Only confirmed answers are counted; {} suggestions that nobody confirmed are not.</p><table><tr><th>confirmed by</th><th>answers</th></tr>",
        m.suggestions_accepted, m.suggestions_pending
    );
    for (who, n) in &m.confirmed_by {
        let _ = write!(out, "<tr><td>{}</td><td>{n}</td></tr>", escape(who));
    }
    out.push_str("</table><h2>What was excluded</h2><ul>");
    let f = &all.figures;
    let _ = write!(
        out,
        "<li>{} requests could not be delivered (bounced); {} were not sent.</li><li>{} requests had no answer yet when the figures were made ({} overdue).</li><li>For each question, bodies without a confirmed answer are shown as \"no answer\" and left out of the base.</li>",
        f.delivery_failed,
        all.cases - f.sent.min(all.cases),
        f.sent - f.answered.min(f.sent),
        f.overdue
    );
    if m.unknown_answers > 0 {
        let _ = write!(
            out,
            "<li>{} confirmed answers to questions the campaign no longer declares are not counted.</li>",
            m.unknown_answers
        );
    }
    let _ = write!(
        out,
        "<li>Personal data in the correspondence (officers' names, email addresses other than the body's FOI address, phone numbers, and terms listed by the campaign) is replaced with [redacted]. Attachments are published only where a person marked them: {} documents here.</li></ul>",
        m.documents_published
    );
    let _ = write!(
        out,
        "<h2>Data and licence</h2><p>The data package <a href=\"data/datapackage.json\">data/datapackage.json</a> (Frictionless Data) describes <a href=\"data/cases.csv\">cases.csv</a>, <a href=\"data/answers.csv\">answers.csv</a> and <a href=\"data/bodies.csv\">bodies.csv</a>. Licence: {}.</p>",
        licence_html(&site.licence)
    );
    close(&mut out, site);
    out
}

fn licence_html(l: &super::Licence) -> String {
    let name = escape(l.title.as_deref().unwrap_or(&l.name));
    match &l.path {
        Some(p) if p.starts_with("https://") || p.starts_with("http://") => {
            format!("<a href=\"{}\">{name}</a>", escape(p))
        }
        _ => name,
    }
}

fn date_or(d: Option<chrono::NaiveDate>) -> String {
    d.map_or_else(|| "-".to_string(), |d| d.to_string())
}
