//! The data package: `data/cases.csv`, `data/answers.csv`, `data/bodies.csv` and the
//! `data/datapackage.json` (Frictionless Data, tabular data package) describing them.

use super::{File, Site};
use serde_json::{json, Value};

fn csv_file(path: &str, header: &[&str], rows: Vec<Vec<String>>) -> anyhow::Result<File> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(header)?;
    for r in rows {
        w.write_record(&r)?;
    }
    Ok(File {
        path: path.into(),
        bytes: w.into_inner().map_err(|e| anyhow::anyhow!("{e}"))?,
    })
}

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

/// The four files.
pub fn package(site: &Site) -> anyhow::Result<Vec<File>> {
    let date = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    let cases = site
        .cases
        .iter()
        .map(|c| {
            vec![
                c.reference.clone(),
                c.body_key.clone(),
                c.body_name.clone(),
                c.tags.join(";"),
                c.region.clone().unwrap_or_default(),
                c.regime.clone(),
                c.status.clone(),
                date(c.sent_on),
                date(c.due_on),
                date(c.answered_on),
                c.days_taken.map(|d| d.to_string()).unwrap_or_default(),
            ]
        })
        .collect();
    let answers = site
        .cases
        .iter()
        .flat_map(|c| {
            c.answers
                .iter()
                .map(|(q, v)| vec![c.reference.clone(), q.clone(), v.clone()])
        })
        .collect();
    let mut seen = std::collections::HashSet::new();
    let bodies = site
        .cases
        .iter()
        .filter(|c| seen.insert(c.body_key.clone()))
        .map(|c| {
            vec![
                c.body_key.clone(),
                c.body_name.clone(),
                c.body_email.clone(),
                c.tags.join(";"),
                c.region.clone().unwrap_or_default(),
                c.regime.clone(),
            ]
        })
        .collect();
    Ok(vec![
        csv_file("data/cases.csv", &CASES, cases)?,
        csv_file("data/answers.csv", &ANSWERS, answers)?,
        csv_file("data/bodies.csv", &BODIES, bodies)?,
        File {
            path: "data/datapackage.json".into(),
            bytes: serde_json::to_vec_pretty(&descriptor(site))?,
        },
    ])
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
