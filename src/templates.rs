//! Request templates: a campaign folder's `subject.hbs`, `body.txt.hbs` and optional
//! `body.html.hbs`, rendered with handlebars in strict mode (a missing variable is an error,
//! never a blank). Plain text and subjects are never HTML-escaped; the HTML part is.
//!
//! Sees `domain` only. The render context is built here so that preview, launch and the
//! chasers all give templates the same variables.

use crate::domain::{Body, Campaign, Reference};
use handlebars::{
    Context, Handlebars, Helper, Output, RenderContext, RenderError, RenderErrorReason,
};
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub const SUBJECT_FILE: &str = "subject.hbs";
pub const TEXT_FILE: &str = "body.txt.hbs";
pub const HTML_FILE: &str = "body.html.hbs";
pub const CAMPAIGN_FILE: &str = "campaign.toml";

/// Why a template folder cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum TemplateError {
    #[error(
        "cannot read {path}: {source} (a template folder needs {SUBJECT_FILE} and {TEXT_FILE})"
    )]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{file}{}: {reason}", .line.map(|(l, c)| format!(" line {l}, column {c}")).unwrap_or_default())]
    Syntax {
        file: String,
        line: Option<(usize, usize)>,
        reason: String,
    },
    #[error("{file}: {reason}")]
    CampaignFile { file: String, reason: String },
}

/// A failure to render for one case.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, thiserror::Error)]
#[error("{template}: {problem}")]
pub struct RenderFailure {
    /// Which template file failed.
    pub template: String,
    /// What is wrong, naming the variable when one is missing.
    pub problem: String,
    /// The missing variable, when that is the problem.
    pub variable: Option<String>,
}

/// The loaded text of a campaign folder.
#[derive(Debug, Clone)]
pub struct TemplateSet {
    pub dir: PathBuf,
    pub subject: String,
    pub text: String,
    pub html: Option<String>,
    /// Top-level plain values of `campaign.toml`, available as `campaign.<key>`.
    pub campaign_fields: BTreeMap<String, Value>,
}

fn read(path: &Path) -> Result<String, TemplateError> {
    std::fs::read_to_string(path).map_err(|source| TemplateError::Read {
        path: path.to_path_buf(),
        source,
    })
}

impl TemplateSet {
    /// Read a campaign folder.
    pub fn load(dir: &Path) -> Result<Self, TemplateError> {
        let html_path = dir.join(HTML_FILE);
        let campaign_path = dir.join(CAMPAIGN_FILE);
        let campaign_fields = if campaign_path.exists() {
            parse_campaign_fields(&read(&campaign_path)?)?
        } else {
            BTreeMap::new()
        };
        Ok(Self {
            dir: dir.to_path_buf(),
            subject: read(&dir.join(SUBJECT_FILE))?,
            text: read(&dir.join(TEXT_FILE))?,
            html: html_path.exists().then(|| read(&html_path)).transpose()?,
            campaign_fields,
        })
    }

    /// A digest of everything that shapes the emails, to tell whether a check is current.
    pub fn digest(&self) -> String {
        let mut h = Sha256::new();
        for part in [
            self.subject.as_str(),
            self.text.as_str(),
            self.html.as_deref().unwrap_or(""),
        ] {
            h.update((part.len() as u64).to_le_bytes());
            h.update(part.as_bytes());
        }
        h.update(serde_json::to_string(&self.campaign_fields).unwrap_or_default());
        crate::domain::to_hex(&h.finalize())
    }
}

fn parse_campaign_fields(text: &str) -> Result<BTreeMap<String, Value>, TemplateError> {
    let table: toml::Table = toml::from_str(text).map_err(|e| TemplateError::CampaignFile {
        file: CAMPAIGN_FILE.into(),
        reason: e.to_string(),
    })?;
    Ok(table
        .into_iter()
        .filter_map(|(k, v)| {
            let v = match v {
                toml::Value::String(s) => Value::String(s),
                toml::Value::Integer(i) => json!(i),
                toml::Value::Float(f) => json!(f),
                toml::Value::Boolean(b) => json!(b),
                // tables (questions, chasers) are read by their own features
                _ => return None,
            };
            Some((k, v))
        })
        .collect())
}

/// Compiled templates, ready to render for each case.
pub struct Renderer {
    text: Handlebars<'static>,
    html: Handlebars<'static>,
    has_html: bool,
}

impl std::fmt::Debug for Renderer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Renderer")
            .field("has_html", &self.has_html)
            .finish()
    }
}

/// What one body would receive.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: Option<String>,
}

fn registry(escape: bool) -> Handlebars<'static> {
    let mut hb = Handlebars::new();
    hb.set_strict_mode(true);
    if !escape {
        hb.register_escape_fn(handlebars::no_escape);
    }
    hb.register_helper("date", Box::new(date_helper));
    hb
}

fn syntax_error(file: &str, e: handlebars::TemplateError) -> TemplateError {
    TemplateError::Syntax {
        file: file.to_string(),
        line: e.pos(),
        reason: e.reason().to_string(),
    }
}

impl Renderer {
    /// Compile a template set; a syntax error names the file, line and column.
    pub fn new(set: &TemplateSet) -> Result<Self, TemplateError> {
        let mut text = registry(false);
        text.register_template_string(SUBJECT_FILE, &set.subject)
            .map_err(|e| syntax_error(SUBJECT_FILE, e))?;
        text.register_template_string(TEXT_FILE, &set.text)
            .map_err(|e| syntax_error(TEXT_FILE, e))?;
        let mut html = registry(true);
        if let Some(h) = &set.html {
            html.register_template_string(HTML_FILE, h)
                .map_err(|e| syntax_error(HTML_FILE, e))?;
        }
        Ok(Self {
            text,
            html,
            has_html: set.html.is_some(),
        })
    }

    /// Render one email. The subject is folded onto one line and always carries
    /// `[REFERENCE]`, added at the end when the template leaves it out.
    pub fn render(&self, ctx: &Value, reference: &Reference) -> Result<Rendered, RenderFailure> {
        let subject = self
            .text
            .render(SUBJECT_FILE, ctx)
            .map_err(|e| failure(SUBJECT_FILE, e))?;
        let mut subject = subject
            .split(|c: char| c.is_control())
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        let tag = format!("[{reference}]");
        if !subject.contains(&tag) {
            subject = if subject.is_empty() {
                tag
            } else {
                format!("{subject} {tag}")
            };
        }
        let text = self
            .text
            .render(TEXT_FILE, ctx)
            .map_err(|e| failure(TEXT_FILE, e))?;
        let html = if self.has_html {
            Some(
                self.html
                    .render(HTML_FILE, ctx)
                    .map_err(|e| failure(HTML_FILE, e))?,
            )
        } else {
            None
        };
        Ok(Rendered {
            subject,
            text: normalise_newlines(&text),
            html,
        })
    }
}

fn normalise_newlines(s: &str) -> String {
    s.replace("\r\n", "\n")
}

fn failure(template: &str, e: RenderError) -> RenderFailure {
    let line = e
        .line_no
        .map(|l| format!(" (line {l})"))
        .unwrap_or_default();
    match e.reason() {
        RenderErrorReason::MissingVariable(var) => RenderFailure {
            template: template.into(),
            problem: format!(
                "no value for variable '{}'{line}",
                var.as_deref().unwrap_or("?")
            ),
            variable: var.clone(),
        },
        other => RenderFailure {
            template: template.into(),
            problem: format!("{other}{line}"),
            variable: None,
        },
    }
}

/// `{{date today}}` or `{{date today "%-d %B %Y"}}`: format an ISO date (or RFC 3339 time)
/// with a strftime pattern. The default pattern writes "2 March 2026".
fn date_helper(
    h: &Helper,
    _: &Handlebars,
    _: &Context,
    _: &mut RenderContext,
    out: &mut dyn Output,
) -> Result<(), RenderError> {
    let value = h
        .param(0)
        .filter(|p| !p.is_value_missing())
        .ok_or(RenderErrorReason::ParamNotFoundForIndex("date", 0))?;
    let text = value.value().as_str().unwrap_or_default();
    let date = text
        .parse::<chrono::NaiveDate>()
        .ok()
        .or_else(|| {
            chrono::DateTime::parse_from_rfc3339(text)
                .ok()
                .map(|t| t.date_naive())
        })
        .ok_or_else(|| {
            RenderErrorReason::Other(format!("date: '{text}' is not a date (YYYY-MM-DD)"))
        })?;
    let pattern = h
        .param(1)
        .and_then(|p| p.value().as_str())
        .unwrap_or("%-d %B %Y");
    let items: Vec<_> = chrono::format::StrftimeItems::new(pattern).collect();
    if items
        .iter()
        .any(|i| matches!(i, chrono::format::Item::Error))
    {
        return Err(RenderErrorReason::Other(format!(
            "date: '{pattern}' is not a valid date format"
        ))
        .into());
    }
    out.write(&date.format_with_items(items.into_iter()).to_string())?;
    Ok(())
}

/// Everything a template may use for one case.
pub struct ContextParts<'a> {
    pub body: &'a Body,
    pub campaign: &'a Campaign,
    pub campaign_fields: &'a BTreeMap<String, Value>,
    pub reference: &'a Reference,
    pub reply_address: &'a str,
    pub sender: &'a BTreeMap<String, String>,
    pub today: chrono::NaiveDate,
}

/// Build the render context: `body.*` (name, email, key, tags, regime, region and every
/// custom field), `campaign.*`, `case.reference`, `case.reply_address`, `sender.*`, `today`.
pub fn context(p: &ContextParts) -> Value {
    let mut body = Map::new();
    for (k, v) in &p.body.fields {
        body.insert(k.clone(), Value::String(v.clone()));
    }
    body.insert("name".into(), json!(p.body.name));
    body.insert("email".into(), json!(p.body.email.as_str()));
    body.insert("key".into(), json!(p.body.key.as_str()));
    body.insert("tags".into(), json!(p.body.tags));
    body.insert("regime".into(), json!(p.body.regime));
    body.insert(
        "region".into(),
        json!(p.body.region.clone().unwrap_or_default()),
    );
    let mut campaign: Map<String, Value> = p
        .campaign_fields
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    campaign.insert("name".into(), json!(p.campaign.name));
    campaign.insert(
        "reference_prefix".into(),
        json!(p.campaign.reference_prefix.as_str()),
    );
    json!({
        "body": body,
        "campaign": campaign,
        "case": { "reference": p.reference.as_str(), "reply_address": p.reply_address },
        "sender": p.sender,
        "today": p.today.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(subject: &str, text: &str) -> TemplateSet {
        TemplateSet {
            dir: PathBuf::from("."),
            subject: subject.into(),
            text: text.into(),
            html: None,
            campaign_fields: BTreeMap::new(),
        }
    }

    fn reference() -> Reference {
        Reference::parse("CCTV24-0001").unwrap()
    }

    #[test]
    fn plain_text_is_not_escaped_and_reference_is_added() {
        let r = Renderer::new(&set("FOI: {{body.name}}", "Dear {{body.name}} & co, <b>")).unwrap();
        let out = r
            .render(
                &json!({"body": {"name": "Barking & Dagenham <LBBD>"}}),
                &reference(),
            )
            .unwrap();
        assert_eq!(out.subject, "FOI: Barking & Dagenham <LBBD> [CCTV24-0001]");
        assert_eq!(out.text, "Dear Barking & Dagenham <LBBD> & co, <b>");
    }

    #[test]
    fn html_part_is_escaped() {
        let mut s = set("x", "y");
        s.html = Some("<p>{{body.name}}</p>".into());
        let out = Renderer::new(&s)
            .unwrap()
            .render(&json!({"body": {"name": "<script>"}}), &reference())
            .unwrap();
        assert_eq!(out.html.unwrap(), "<p>&lt;script&gt;</p>");
    }

    #[test]
    fn a_missing_variable_names_the_variable() {
        let r = Renderer::new(&set("x", "Dear {{body.head_teacher}},")).unwrap();
        let e = r
            .render(&json!({"body": {"name": "A"}}), &reference())
            .unwrap_err();
        assert_eq!(e.template, TEXT_FILE);
        assert_eq!(e.variable.as_deref(), Some("body.head_teacher"));
        assert!(e.problem.contains("body.head_teacher"), "{}", e.problem);
    }

    #[test]
    fn subject_injection_is_folded() {
        let r = Renderer::new(&set("{{body.name}}", "x")).unwrap();
        let out = r
            .render(
                &json!({"body": {"name": "A\r\nBcc: evil@x.example"}}),
                &reference(),
            )
            .unwrap();
        assert_eq!(out.subject, "A Bcc: evil@x.example [CCTV24-0001]");
    }

    #[test]
    fn syntax_errors_name_file_and_line() {
        let e = Renderer::new(&set("ok", "line one\n{{#if body.name}}unclosed")).unwrap_err();
        let msg = e.to_string();
        assert!(msg.starts_with(TEXT_FILE), "{msg}");
    }

    #[test]
    fn date_helper_formats_and_rejects_bad_patterns() {
        let r = Renderer::new(&set("x", "{{date today}} | {{date today \"%d/%m/%Y\"}}")).unwrap();
        let out = r
            .render(&json!({"today": "2026-03-02"}), &reference())
            .unwrap();
        assert_eq!(out.text, "2 March 2026 | 02/03/2026");
        let r = Renderer::new(&set("x", "{{date today \"%Q\"}}")).unwrap();
        assert!(r
            .render(&json!({"today": "2026-03-02"}), &reference())
            .is_err());
        let r = Renderer::new(&set("x", "{{date nothing}}")).unwrap();
        assert!(r.render(&json!({}), &reference()).is_err());
    }
}
