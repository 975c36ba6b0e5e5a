//! A campaign as a self-contained static site and a data package: the pages and files of
//! `foi publish`, rendered from what the use case (`casework::publish`) gathered and
//! redacted. Pure: no database, clock or file system; [`render`] returns the files, or
//! the use case writes them one at a time ([`case_file`], [`PAGES`], [`DATA_FILES`]).
//!
//! The site: `index.html` (the figures per question and group with base, non-response and
//! 95% Wilson interval, the response funnel and the report's charts, the comparisons
//! between groups), `bodies.html` (every body: answers, status, dates, days taken),
//! `cases/REF.html` (the request as sent, the replies and the published documents, all
//! redacted), `methods.html`, and the data package in `data/` (`cases.csv`, `answers.csv`,
//! `bodies.csv`, `datapackage.json`). Static HTML with inline CSS and SVG, no script,
//! relative links only: it works from a `file://` folder and on any static host. Every
//! value is escaped ([`crate::report::escape`]).
//!
//! Sees `report` (the figures and their renderings), `text` and `domain`; like `report`,
//! it is pure.

mod data;
mod pages;

use crate::report::compare::Comparison;
use crate::report::Report;
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use std::io::Write;

/// Everything a site is made from, redacted already.
#[derive(Debug, Clone)]
pub struct Site<'a> {
    pub title: String,
    pub report: &'a Report,
    pub comparisons: Vec<Comparison>,
    /// Every case. When `foi publish` renders the site-wide pages and the data package,
    /// their case pages are written already and the cases' correspondence is not held
    /// (`messages` empty, documents without their text): those pages do not show it.
    pub cases: Vec<PublishedCase>,
    pub methods: Methods,
    pub licence: Licence,
    /// When the site was made.
    pub made_at: DateTime<Utc>,
}

/// The licence the data package is published under (named in `foi.toml`, `[publish]`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Licence {
    /// An SPDX identifier or the licence's short name (`CC-BY-4.0`, `OGL-UK-3.0`).
    pub name: String,
    pub title: Option<String>,
    /// Where the licence text is.
    pub path: Option<String>,
}

/// One case as it is published.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublishedCase {
    pub reference: String,
    pub body_key: String,
    pub body_name: String,
    /// The body's published FOI address.
    pub body_email: String,
    pub tags: Vec<String>,
    pub region: Option<String>,
    pub regime: String,
    pub status: String,
    pub sent_on: Option<NaiveDate>,
    pub due_on: Option<NaiveDate>,
    pub answered_on: Option<NaiveDate>,
    /// Working days from receipt (day 0) to the first answer, in the case's regime.
    pub days_taken: Option<i64>,
    /// Confirmed answers (question key, value), in the campaign's question order.
    pub answers: Vec<(String, String)>,
    pub messages: Vec<PublishedMessage>,
    pub documents: Vec<PublishedDocument>,
}

/// A message on a case page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublishedMessage {
    /// The request or a chaser we sent (else a reply).
    pub outbound: bool,
    pub at: DateTime<Utc>,
    pub subject: String,
    pub text: String,
}

/// A document a person marked publishable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublishedDocument {
    pub file_name: String,
    /// The extracted text, redacted (when only the text is published).
    pub text: Option<String>,
    /// The original file's path in the site (when the original is published).
    pub original: Option<String>,
}

/// What the methods page says about how the figures were made.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Methods {
    /// The campaign's selection rules (`tag:council` ...).
    pub selection: Vec<String>,
    /// Regimes of the cases: (name, description, period: "20 working days").
    pub regimes: Vec<(String, String, String)>,
    pub first_sent: Option<NaiveDate>,
    pub last_sent: Option<NaiveDate>,
    pub last_answer: Option<NaiveDate>,
    /// Who confirmed answers, with how many each.
    pub confirmed_by: Vec<(String, usize)>,
    /// Confirmed answers that began as a keyword suggestion.
    pub suggestions_accepted: usize,
    /// Suggestions never confirmed (not counted).
    pub suggestions_pending: usize,
    /// Confirmed answers to questions the campaign does not declare (not counted).
    pub unknown_answers: usize,
    pub documents_published: usize,
}

/// A file of the site: its path under the output folder (`/`-separated) and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct File {
    pub path: String,
    pub bytes: Vec<u8>,
}

/// The file name of a case's page: its reference with anything but letters, digits, `-`
/// and `_` replaced (references are made so, but a page name must never climb out).
pub fn case_page(reference: &str) -> String {
    let safe: String = reference
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("cases/{safe}.html")
}

/// A page of the site that is not a case's: its path and how it is made.
pub type Page = (&'static str, fn(&Site) -> String);

/// The site's own pages (every case page is [`case_file`]).
pub const PAGES: [Page; 3] = [
    ("index.html", pages::summary),
    ("bodies.html", pages::bodies),
    ("methods.html", pages::methods),
];

/// A file of the data package: its path and how its bytes are written.
pub type DataFile = (
    &'static str,
    fn(&Site, &mut dyn Write) -> anyhow::Result<()>,
);

/// The data package's files, each written row by row to the writer it is given.
pub const DATA_FILES: [DataFile; 4] = [
    ("data/cases.csv", data::cases),
    ("data/answers.csv", data::answers),
    ("data/bodies.csv", data::bodies),
    ("data/datapackage.json", data::write_descriptor),
];

/// A case's page. The use case writes each as soon as its case is gathered, so that the
/// correspondence of one case at a time is held, never the whole site's.
pub fn case_file(site: &Site, c: &PublishedCase) -> File {
    File {
        path: case_page(&c.reference),
        bytes: pages::case(site, c).into_bytes(),
    }
}

/// Every file of the site, in memory (for a small site and the tests; `foi publish` writes
/// the same files one by one).
pub fn render(site: &Site) -> anyhow::Result<Vec<File>> {
    let mut files: Vec<File> = PAGES
        .iter()
        .map(|(path, page)| File {
            path: (*path).into(),
            bytes: page(site).into_bytes(),
        })
        .collect();
    files.extend(site.cases.iter().map(|c| case_file(site, c)));
    for (path, write) in DATA_FILES {
        let mut bytes = Vec::new();
        write(site, &mut bytes)?;
        files.push(File {
            path: path.into(),
            bytes,
        });
    }
    Ok(files)
}

#[cfg(test)]
mod tests;
