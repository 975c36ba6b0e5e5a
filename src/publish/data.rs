//! The data package: `data/cases.csv`, `data/answers.csv`, `data/bodies.csv` and the
//! `data/datapackage.json` (Frictionless Data, tabular data package) describing them.

use super::Site;
use serde_json::{json, Value};
use std::io::Write;

const CASES: [&str; 11] = [
    "reference",
    "body_key",
    "body_name",
    "tags",
    "region",
    "regime",
    "status",
    "sent_on",
    "due_on",
    "answered_on",
    "working_days_taken",
];
const ANSWERS: [&str; 3] = ["reference", "question", "value"];
const BODIES: [&str; 6] = ["key", "name", "foi_email", "tags", "region", "regime"];

fn date(d: Option<chrono::NaiveDate>) -> String {
    d.map(|d| d.to_string()).unwrap_or_default()
}

/// `data/cases.csv`: one row per case.
pub fn cases(site: &Site, w: &mut dyn Write) -> anyhow::Result<()> {
    let mut out = csv::Writer::from_writer(w);
    out.write_record(CASES)?;
    for c in &site.cases {
        out.write_record([
            c.reference.as_str(),
            &c.body_key,
            &c.body_name,
            &c.tags.join(";"),
            c.region.as_deref().unwrap_or_default(),
            &c.regime,
            &c.status,
            &date(c.sent_on),
            &date(c.due_on),
            &date(c.answered_on),
            &c.days_taken.map(|d| d.to_string()).unwrap_or_default(),
        ])?;
    }
    out.flush()?;
    Ok(())
}

/// `data/answers.csv`: one row per case and confirmed answer.
pub fn answers(site: &Site, w: &mut dyn Write) -> anyhow::Result<()> {
    let mut out = csv::Writer::from_writer(w);
    out.write_record(ANSWERS)?;
    for c in &site.cases {
        for (q, v) in &c.answers {
            out.write_record([c.reference.as_str(), q, v])?;
        }
    }
    out.flush()?;
    Ok(())
}

/// `data/bodies.csv`: one row per body (its first case's).
pub fn bodies(site: &Site, w: &mut dyn Write) -> anyhow::Result<()> {
    let mut out = csv::Writer::from_writer(w);
    out.write_record(BODIES)?;
    let mut seen = std::collections::HashSet::new();
    for c in site
        .cases
        .iter()
        .filter(|c| seen.insert(c.body_key.as_str()))
    {
        out.write_record([
            c.body_key.as_str(),
            &c.body_name,
            &c.body_email,
            &c.tags.join(";"),
            c.region.as_deref().unwrap_or_default(),
            &c.regime,
        ])?;
    }
    out.flush()?;
    Ok(())
}

/// `data/datapackage.json`.
pub fn write_descriptor(site: &Site, w: &mut dyn Write) -> anyhow::Result<()> {
    serde_json::to_writer_pretty(&mut *w, &descriptor(site))?;
    Ok(())
}

fn field(name: &str, kind: &str, description: &str) -> Value {
    json!({ "name": name, "type": kind, "description": description })
}

fn resource(name: &str, description: &str, schema: Value) -> Value {
    json!({
        "name": name,
        "path": format!("{name}.csv"),
        "profile": "tabular-data-resource",
        "description": description,
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "schema": schema,
    })
}

/// A package name: lower-case letters, digits, `-`, `.` and `_` (the spec's pattern).
fn package_name(campaign: &str) -> String {
    let s: String = campaign
        .to_lowercase()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-._".contains(c) {
                c
            } else {
                '-'
            }
        })
        .collect();
    if s.is_empty() {
        "campaign".into()
    } else {
        s
    }
}

/// `datapackage.json`.
pub fn descriptor(site: &Site) -> Value {
    let l = &site.licence;
    let mut licence = json!({ "name": l.name });
    if let Some(t) = &l.title {
        licence["title"] = json!(t);
    }
    if let Some(p) = &l.path {
        licence["path"] = json!(p);
    }
    let questions: Vec<String> = site
        .report
        .questions
        .iter()
        .map(|q| format!("{}: {}", q.key, q.label))
        .collect();
    json!({
        "profile": "tabular-data-package",
        "name": package_name(&site.report.campaign),
        "title": site.title,
        "description": format!(
            "Freedom of Information requests of the campaign {}: one row per request in cases.csv, its confirmed answers in answers.csv, the bodies asked in bodies.csv. Questions: {}.",
            site.report.campaign,
            questions.join("; ")
        ),
        "created": site.made_at.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        "licenses": [licence],
        "resources": [
            resource("cases", "One row per request.", json!({
                "fields": [
                    field("reference", "string", "The request's reference."),
                    field("body_key", "string", "The body asked (bodies.csv key)."),
                    field("body_name", "string", "The body's name."),
                    field("tags", "string", "The body's tags, separated by ';'."),
                    field("region", "string", "The body's region."),
                    field("regime", "string", "The law and clock the request is under."),
                    field("status", "string", "Where the request stands."),
                    field("sent_on", "date", "The date of receipt of the request (day 0)."),
                    field("due_on", "date", "The statutory due date that applies now."),
                    field("answered_on", "date", "The date of the first answer."),
                    field("working_days_taken", "integer", "Working days from receipt to the first answer."),
                ],
                "primaryKey": ["reference"],
                "foreignKeys": [{
                    "fields": ["body_key"],
                    "reference": { "resource": "bodies", "fields": ["key"] }
                }],
            })),
            resource("answers", "The answers a person confirmed, one row per request and question.", json!({
                "fields": [
                    field("reference", "string", "The request (cases.csv reference)."),
                    field("question", "string", "The question's key."),
                    field("value", "string", "The answer."),
                ],
                "primaryKey": ["reference", "question"],
                "foreignKeys": [{
                    "fields": ["reference"],
                    "reference": { "resource": "cases", "fields": ["reference"] }
                }],
            })),
            resource("bodies", "The public bodies asked.", json!({
                "fields": [
                    field("key", "string", "The body's key in the campaign's directory."),
                    field("name", "string", "The body's name."),
                    field("foi_email", "string", "The body's published FOI address."),
                    field("tags", "string", "Tags, separated by ';'."),
                    field("region", "string", "Region."),
                    field("regime", "string", "The law and clock its requests are under."),
                ],
                "primaryKey": ["key"],
            })),
        ],
    })
}
