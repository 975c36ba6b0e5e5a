//! The bodies directory format: our own columns (`name`, `email`, `id`, `tags`, `regime`,
//! `region`, anything else as a custom field) and WhatDoTheyKnow's authority export
//! (`Name`, `Short name`, `URL name`, `Tags`, `Home page`, plus a request email column).
//!
//! Parsing is all-or-nothing: every bad row is reported with its line, column and reason.
//! A body's key is its `id`, else its `URL name`, else made from its name: never its address
//! alone, since several bodies may share one FOI address. A separate `key,email` file
//! ([`super::body_emails`]) may give the addresses a WhatDoTheyKnow export lacks.

use super::body::parse_tags;
use super::csv_lines::LineTracker;
use super::{BodyKey, EmailAddress, NewBody};
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::io::Read;

mod passes;
pub use passes::{check_directory, CheckedDirectory, DirectoryRows};

/// One problem in a directory file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RowError {
    /// 1-based line number in the file.
    pub line: u64,
    pub column: Option<String>,
    pub reason: String,
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.column {
            Some(c) => write!(f, "line {}, column '{}': {}", self.line, c, self.reason),
            None => write!(f, "line {}: {}", self.line, self.reason),
        }
    }
}

/// What the parser needs to know from configuration.
pub struct CsvRules<'a> {
    /// Regime for rows that leave `regime` blank.
    pub default_regime: &'a str,
    /// Whether a regime name is known (built-in or defined in the config).
    pub regime_known: &'a dyn Fn(&str) -> bool,
    /// Addresses by key from an emails file: they take the place of the row's own (and a
    /// row with neither is left out, counted in [`Directory::without_email`]).
    pub emails: Option<&'a HashMap<BodyKey, EmailAddress>>,
}

/// A directory file, parsed.
#[derive(Debug, Clone, Default)]
pub struct Directory {
    pub bodies: Vec<NewBody>,
    /// The line of each body, in the same order.
    pub lines: Vec<u64>,
    /// Rows left out: an emails file was given and it has no address for them, nor the row.
    pub without_email: usize,
}

/// Column names that hold the request address, ours first, then common spellings.
const EMAIL_COLUMNS: &[&str] = &[
    "email",
    "request_email",
    "foi_email",
    "email_address",
    "e_mail",
    "foi_request_email",
];
const ID_COLUMNS: &[&str] = &["id", "key"];
/// WhatDoTheyKnow's stable key; used as the id only when there is no `id` column.
const WDTK_ID: &str = "url_name";

/// `Short name` -> `short_name`, `Home page` -> `home_page`, `E-mail` -> `e_mail`.
pub fn normalise_column(name: &str) -> String {
    let mut out = String::new();
    for c in name.trim().chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    out.trim_matches('_').to_string()
}

struct Columns {
    name: usize,
    email: Option<usize>,
    id: Option<usize>,
    tags: Option<usize>,
    regime: Option<usize>,
    region: Option<usize>,
    /// (index, field name) of every other column.
    fields: Vec<(usize, String)>,
}

fn find(headers: &[String], names: &[&str]) -> Option<usize> {
    names
        .iter()
        .find_map(|n| headers.iter().position(|h| h == n))
}

fn map_columns(headers: &[String], with_emails: bool) -> Result<Columns, Vec<RowError>> {
    let mut errors = Vec::new();
    let mut seen = HashMap::new();
    for (i, h) in headers.iter().enumerate() {
        if h.is_empty() {
            errors.push(RowError {
                line: 1,
                column: Some(format!("#{}", i + 1)),
                reason: "the header is blank: give every column a name".into(),
            });
        } else if let Some(first) = seen.insert(h.clone(), i) {
            errors.push(RowError {
                line: 1,
                column: Some(h.clone()),
                reason: format!(
                    "column {} has the same name as column {}: rename one",
                    i + 1,
                    first + 1
                ),
            });
        }
    }
    let name = find(headers, &["name"]);
    let email = find(headers, EMAIL_COLUMNS);
    if name.is_none() {
        errors.push(RowError {
            line: 1,
            column: Some("name".into()),
            reason: "there is no 'name' column: the header row must name one".into(),
        });
    }
    let id = find(headers, ID_COLUMNS).or_else(|| find(headers, &[WDTK_ID]));
    if with_emails && id.is_none() {
        errors.push(RowError {
            line: 1,
            column: None,
            reason:
                "an emails file is joined on the key: this file needs an 'id' or 'URL name' column"
                    .into(),
        });
    }
    if email.is_none() && !with_emails {
        let hint = if headers.iter().any(|h| h == WDTK_ID) {
            " (WhatDoTheyKnow's export has no request addresses: add an 'email' column, or give them with --emails FILE)"
        } else {
            ""
        };
        errors.push(RowError {
            line: 1,
            column: Some("email".into()),
            reason: format!("there is no 'email' column{hint}"),
        });
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let name = name.unwrap_or(0);
    let tags = find(headers, &["tags"]);
    let regime = find(headers, &["regime"]);
    let region = find(headers, &["region"]);
    let taken = [Some(name), email, id, tags, regime, region];
    let fields = headers
        .iter()
        .enumerate()
        .filter(|(i, _)| !taken.contains(&Some(*i)))
        .map(|(i, h)| (i, h.clone()))
        .collect();
    Ok(Columns {
        name,
        email,
        id,
        tags,
        regime,
        region,
        fields,
    })
}

/// The longest name a body may have, in characters (it goes into the To header).
pub const MAX_NAME_CHARS: usize = 300;
/// The longest value of any other column, in characters.
pub const MAX_FIELD_CHARS: usize = 10_000;

/// What is wrong with a cell, if anything: too long, or a control character (a line break
/// or NUL in a name would forge or break an email header). Custom fields (`free_text`) may
/// hold line breaks and tabs (an address), never other control characters.
fn field_problem(cell: &str, is_name: bool, free_text: bool) -> Option<String> {
    let max = if is_name {
        MAX_NAME_CHARS
    } else {
        MAX_FIELD_CHARS
    };
    let chars = cell.chars().count();
    if chars > max {
        return Some(format!(
            "{chars} characters: at most {max} are allowed; shorten it"
        ));
    }
    let allowed = |c: char| free_text && matches!(c, '\n' | '\r' | '\t');
    let (at, c) = cell
        .chars()
        .enumerate()
        .find(|(_, c)| c.is_control() && !allowed(*c))?;
    Some(format!(
        "a control character (U+{:04X}) at character {}: remove line breaks, tabs and other control characters",
        u32::from(c),
        at + 1
    ))
}

/// The most problems kept as sentences (the rest are counted): a file of a million bad
/// rows must not become a million sentences in memory.
pub const MAX_ERRORS_KEPT: usize = 1_000;

/// The problems of a refused file: the first [`MAX_ERRORS_KEPT`], in line order, and how
/// many there are in all.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Problems {
    pub errors: Vec<RowError>,
    pub total: usize,
}

impl Problems {
    pub fn push(&mut self, e: RowError) {
        self.total += 1;
        if self.errors.len() < MAX_ERRORS_KEPT {
            self.errors.push(e);
        }
    }

    pub fn is_empty(&self) -> bool {
        self.total == 0
    }
}

impl From<Vec<RowError>> for Problems {
    fn from(errors: Vec<RowError>) -> Self {
        let mut p = Self::default();
        errors.into_iter().for_each(|e| p.push(e));
        p
    }
}

/// Parse a whole directory file. Either every row is good, or every problem is returned.
pub fn parse_bodies_csv(bytes: &[u8], rules: &CsvRules) -> Result<Vec<NewBody>, Vec<RowError>> {
    parse_directory(bytes, rules).map(|d| d.bodies)
}

/// Parse a whole directory file held in memory, keeping each body's line: the two passes
/// of [`check_directory`] and [`CheckedDirectory::rows`] over the same bytes.
pub fn parse_directory(bytes: &[u8], rules: &CsvRules) -> Result<Directory, Vec<RowError>> {
    let checked = check_directory(bytes, rules).map_err(|p| p.errors)?;
    let mut dir = Directory {
        without_email: checked.without_email,
        ..Directory::default()
    };
    for row in checked.rows(bytes, rules).map_err(|p| p.errors)? {
        let (line, body) = row.map_err(|e| vec![e])?;
        dir.bodies.push(body);
        dir.lines.push(line);
    }
    Ok(dir)
}

/// A directory file read row by row through a [`LineTracker`]: what is held is one record
/// and the reader's buffer, whatever the size of the file.
pub struct DirectoryReader<'a, R: Read> {
    reader: csv::Reader<LineTracker<R>>,
    record: csv::StringRecord,
    headers: Vec<String>,
    cols: Columns,
    rules: &'a CsvRules<'a>,
}

impl<'a, R: Read> DirectoryReader<'a, R> {
    /// Read the header row. A bad header (or a file with lines that are not UTF-8) is
    /// refused with every problem found.
    pub fn open(input: R, rules: &'a CsvRules<'a>) -> Result<Self, Problems> {
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .trim(csv::Trim::None)
            .buffer_capacity(64 * 1024)
            .from_reader(LineTracker::new(input));
        let header_error = |reason: String| {
            vec![RowError {
                line: 1,
                column: None,
                reason,
            }]
        };
        let headers: Vec<String> = match reader.headers() {
            Ok(h) => h.iter().map(normalise_column).collect(),
            Err(e) => {
                let e = header_error(format!("cannot read the header row: {e}"));
                return Err(refuse_header(reader, e));
            }
        };
        if headers.iter().all(|h| h.is_empty()) {
            let e = header_error("the file is empty: the first row must name the columns".into());
            return Err(refuse_header(reader, e));
        }
        let cols = match map_columns(&headers, rules.emails.is_some()) {
            Ok(c) => c,
            Err(e) => return Err(refuse_header(reader, e)),
        };
        Ok(Self {
            reader,
            record: csv::StringRecord::new(),
            headers,
            cols,
            rules,
        })
    }

    /// The name of the `id` (or `URL name`) column, if the file has one.
    pub fn id_column(&self) -> Option<&str> {
        self.cols.id.map(|i| self.headers[i].as_str())
    }

    /// The next row that is not blank, and its line; `None` at the end of the file. Its
    /// problems go to `problems`. (A row with bytes that are not UTF-8 is skipped: the
    /// reader names its line, see [`Self::utf8_problems`].)
    pub fn next_row(&mut self, problems: &mut Problems) -> Option<(u64, Parsed)> {
        loop {
            match self.reader.read_record(&mut self.record) {
                Ok(false) => return None,
                Ok(true) => {}
                Err(e) => {
                    let line = e
                        .position()
                        .map_or(0, |p| self.reader.get_mut().record_line(p.byte()));
                    match e.kind() {
                        csv::ErrorKind::Utf8 { .. } => continue,
                        csv::ErrorKind::Io(_) => {
                            problems.push(RowError {
                                line,
                                column: None,
                                reason: format!("cannot read the file ({e})"),
                            });
                            return None;
                        }
                        _ => {
                            problems.push(RowError {
                                line,
                                column: None,
                                reason: format!("cannot read this row ({e}); check its quotes"),
                            });
                            continue;
                        }
                    }
                }
            }
            let line = self
                .record
                .position()
                .map_or(0, |p| self.reader.get_mut().record_line(p.byte()));
            if self.record.iter().all(|f| f.trim().is_empty()) {
                continue;
            }
            if self.record.len() != self.headers.len() {
                problems.push(RowError {
                    line,
                    column: None,
                    reason: format!(
                        "has {} fields but the header has {}: check for a stray comma or quote",
                        self.record.len(),
                        self.headers.len()
                    ),
                });
                return Some((line, Parsed::Bad));
            }
            let row = Row {
                record: &self.record,
                line,
                headers: &self.headers,
                cols: &self.cols,
            };
            return Some((line, row.parse(self.rules, problems)));
        }
    }

    /// The lines read so far that are not valid UTF-8, as problems (`None`: there are none).
    pub fn utf8_problems(&self) -> Option<Problems> {
        utf8_problems(self.reader.get_ref())
    }
}

/// A file whose header is refused: read to its end, for lines that are not UTF-8 are
/// named first (they are the likely cause, and the fix is the same for every line).
fn refuse_header<R: Read>(
    mut reader: csv::Reader<LineTracker<R>>,
    errors: Vec<RowError>,
) -> Problems {
    let mut record = csv::ByteRecord::new();
    while let Ok(true) = reader.read_byte_record(&mut record) {}
    utf8_problems(reader.get_ref()).unwrap_or_else(|| errors.into())
}

fn utf8_problems<R: Read>(tracker: &LineTracker<R>) -> Option<Problems> {
    let (lines, total) = tracker.bad_utf8_lines();
    (total > 0).then(|| Problems {
        errors: lines
            .iter()
            .map(|line| RowError {
                line: *line,
                column: None,
                reason:
                    "not valid UTF-8: save the file as 'CSV UTF-8' (from Excel: Save As, CSV UTF-8)"
                        .into(),
            })
            .collect(),
        total,
    })
}

/// What one row gave.
pub enum Parsed {
    Body(NewBody),
    /// No address for it in the row nor in the emails file: left out.
    WithoutEmail,
    /// Its problems went to the errors.
    Bad,
}

/// One row of the file and where to find its columns.
struct Row<'a> {
    record: &'a csv::StringRecord,
    line: u64,
    headers: &'a [String],
    cols: &'a Columns,
}

impl Row<'_> {
    fn get(&self, i: usize) -> &str {
        self.record.get(i).unwrap_or("").trim()
    }

    fn error(&self, errors: &mut Problems, column: &str, reason: String) {
        errors.push(RowError {
            line: self.line,
            column: Some(column.to_string()),
            reason,
        })
    }

    /// The row's key: its id (or URL name), else made from its name; `None` when blank.
    fn key(&self, name: &str) -> Option<BodyKey> {
        match self.cols.id {
            Some(i) => BodyKey::from_id(self.get(i)),
            None => Some(BodyKey::from_name(name)),
        }
    }

    /// The row's address: from the emails file, else its own column. `Ok(None)`: neither.
    fn email(
        &self,
        key: Option<&BodyKey>,
        rules: &CsvRules,
    ) -> Result<Option<EmailAddress>, String> {
        if let Some(found) = key.and_then(|k| rules.emails?.get(k)) {
            return Ok(Some(found.clone()));
        }
        let own = self.cols.email.map(|i| self.get(i)).unwrap_or("");
        if own.is_empty() && rules.emails.is_some() {
            return Ok(None);
        }
        EmailAddress::parse(own)
            .map(Some)
            .map_err(|e| format!("invalid email address: {e}"))
    }

    /// The row's body, checked (its problems go to `errors`). The key's uniqueness is the
    /// caller's to check.
    fn parse(&self, rules: &CsvRules, errors: &mut Problems) -> Parsed {
        let errors_before = errors.total;
        for (i, header) in self.headers.iter().enumerate() {
            let free_text = self.cols.fields.iter().any(|(f, _)| *f == i);
            if let Some(why) = field_problem(self.get(i), i == self.cols.name, free_text) {
                self.error(errors, header, why);
            }
        }
        if errors.total > errors_before {
            return Parsed::Bad;
        }
        let name = self.get(self.cols.name);
        if name.is_empty() {
            self.error(errors, "name", "the name is empty".into());
        }
        let key = self.key(name);
        if key.is_none() {
            let column = &self.headers[self.cols.id.unwrap_or(0)];
            self.error(
                errors,
                column,
                "the key is empty: give every row one".into(),
            );
        }
        let email = match self.email(key.as_ref(), rules) {
            Ok(e) => Some(e),
            Err(reason) => {
                let column = self.cols.email.map_or("email", |i| &self.headers[i]);
                self.error(errors, column, reason);
                None
            }
        };
        let regime = self
            .cols
            .regime
            .map(|i| self.get(i))
            .filter(|r| !r.is_empty())
            .map(|r| r.to_lowercase())
            .unwrap_or_else(|| rules.default_regime.to_string());
        if !(rules.regime_known)(&regime) {
            self.error(
                errors,
                "regime",
                format!("unknown regime '{regime}' (see `foi regimes` for the known ones)"),
            );
            return Parsed::Bad;
        }
        let (Some(key), Some(email), false) = (key, email, name.is_empty()) else {
            return Parsed::Bad;
        };
        let Some(email) = email else {
            return Parsed::WithoutEmail;
        };
        let legacy_key = self.cols.id.is_none().then(|| BodyKey::from_email(&email));
        Parsed::Body(NewBody {
            key,
            name: name.to_string(),
            email,
            tags: self
                .cols
                .tags
                .map(|i| parse_tags(self.get(i)))
                .unwrap_or_default(),
            regime,
            region: self
                .cols
                .region
                .map(|i| self.get(i))
                .filter(|r| !r.is_empty())
                .map(|r| r.to_lowercase()),
            fields: self
                .cols
                .fields
                .iter()
                .map(|(i, h)| (h.clone(), self.get(*i).to_string()))
                .collect::<BTreeMap<_, _>>(),
            legacy_key,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> CsvRules<'static> {
        CsvRules {
            default_regime: "uk-foia",
            regime_known: &|r| ["uk-foia", "scotland-foisa"].contains(&r),
            emails: None,
        }
    }

    #[test]
    fn parses_our_columns_with_bom_and_quotes() {
        let csv = "\u{feff}id,name,email,tags,regime,region,Head Teacher\n\
                   C1,\"Camden, London Borough of\",foi@camden.example,council;london,,London,\n\
                   S1,\"St Mary's \"\"High\"\" School\",office@stmarys.example,school,scotland-foisa,Scotland,Ms Reid\n";
        let bodies = parse_bodies_csv(csv.as_bytes(), &rules()).unwrap();
        assert_eq!(bodies.len(), 2);
        assert_eq!(bodies[0].name, "Camden, London Borough of");
        assert_eq!(bodies[0].regime, "uk-foia");
        assert_eq!(bodies[0].tags, vec!["council", "london"]);
        assert_eq!(bodies[0].region.as_deref(), Some("london"));
        assert_eq!(bodies[1].name, "St Mary's \"High\" School");
        assert_eq!(bodies[1].fields["head_teacher"], "Ms Reid");
        assert_eq!(bodies[1].key.as_str(), "S1");
    }

    #[test]
    fn accepts_whatdotheyknow_columns() {
        let csv = "Name,Short name,URL name,Tags,Home page,Request email\n\
                   Example Council,EC,example_council,council london_borough,https://ec.example,foi@ec.example\n";
        let b = parse_bodies_csv(csv.as_bytes(), &rules()).unwrap();
        assert_eq!(b[0].key.as_str(), "example_council");
        assert_eq!(b[0].fields["short_name"], "EC");
        assert_eq!(b[0].fields["home_page"], "https://ec.example");
        assert_eq!(b[0].tags, vec!["council", "london_borough"]);
    }

    #[test]
    fn whatdotheyknow_without_email_says_what_to_add() {
        let csv = "Name,Short name,URL name,Tags\nX,X,x,council\n";
        let e = parse_bodies_csv(csv.as_bytes(), &rules()).unwrap_err();
        assert_eq!(e.len(), 1);
        assert!(e[0].reason.contains("add an 'email' column"), "{}", e[0]);
    }

    #[test]
    fn reports_every_bad_row_with_line_and_column() {
        let csv = "id,name,email,regime\n\
                   G,Good,good@a.example,\n\
                   N,,nobody@a.example,\n\
                   B,Bad Email,not-an-address,\n\
                   G,Dup,good@a.example,\n\
                   R,Regime,r@a.example,narnia-foi\n\
                   S,Short,only-two@a.example\n";
        let e = parse_bodies_csv(csv.as_bytes(), &rules()).unwrap_err();
        let lines: Vec<u64> = e.iter().map(|e| e.line).collect();
        assert_eq!(lines, vec![3, 4, 5, 6, 7], "{e:?}");
        assert_eq!(e[0].column.as_deref(), Some("name"));
        assert_eq!(e[1].column.as_deref(), Some("email"));
        assert!(e[2].reason.contains("line 2"), "{}", e[2]);
        assert!(e[3].reason.contains("narnia-foi"));
        assert!(e[4].reason.contains("has 3 fields"));
    }

    #[test]
    fn without_an_id_bodies_may_share_an_address_and_a_name() {
        let csv = "name,email\r\n\
                   North Shared Council,foi@shared.example\r\n\
                   South Shared Council,foi@shared.example\r\n\
                   North Shared Council,other@shared.example\r\n";
        let d = parse_directory(csv.as_bytes(), &rules()).unwrap();
        let keys: Vec<&str> = d.bodies.iter().map(|b| b.key.as_str()).collect();
        assert_eq!(
            keys,
            vec![
                "north-shared-council",
                "south-shared-council",
                "north-shared-council-2"
            ]
        );
        assert_eq!(d.lines, vec![2, 3, 4]);
        assert_eq!(
            d.bodies[0].legacy_key.as_ref().map(BodyKey::as_str),
            Some("foi@shared.example")
        );
    }

    #[test]
    fn crlf_errors_name_the_right_line() {
        let csv = "name,email\r\nA,a@x.example\r\nB,b@x.example\r\nC,not-an-address\r\n";
        let e = parse_bodies_csv(csv.as_bytes(), &rules()).unwrap_err();
        assert_eq!(e[0].line, 4, "{e:?}");
    }

    #[test]
    fn an_emails_file_fills_a_whatdotheyknow_export() {
        let csv = "Name,Short name,URL name,Tags\n\
                   Camford Council,Camford,camford_council,council\n\
                   Glenmuir Council,Glenmuir,glenmuir_council,council\n\
                   Unlisted Trust,Unlisted,unlisted_trust,nhs\n";
        let emails: HashMap<BodyKey, EmailAddress> = [
            ("camford_council", "foi@camford.example"),
            ("glenmuir_council", "foi@glenmuir.example"),
        ]
        .into_iter()
        .map(|(k, e)| {
            (
                BodyKey::from_id(k).unwrap(),
                EmailAddress::parse(e).unwrap(),
            )
        })
        .collect();
        let rules = CsvRules {
            emails: Some(&emails),
            ..rules()
        };
        let d = parse_directory(csv.as_bytes(), &rules).unwrap();
        assert_eq!(d.bodies.len(), 2);
        assert_eq!(d.without_email, 1);
        assert_eq!(d.bodies[1].email.as_str(), "foi@glenmuir.example");
        assert_eq!(d.bodies[1].key.as_str(), "glenmuir_council");
    }

    #[test]
    fn reports_invalid_utf8_lines() {
        let mut bytes = b"name,email\nGood,a@b.example\n".to_vec();
        bytes.extend_from_slice(b"Caf\xe9,c@b.example\n");
        let e = parse_bodies_csv(&bytes, &rules()).unwrap_err();
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].line, 3);
        assert!(e[0].reason.contains("UTF-8"));
    }

    #[test]
    fn missing_columns_and_duplicate_headers() {
        let e = parse_bodies_csv(b"title,address\nx,y\n", &rules()).unwrap_err();
        assert_eq!(e.len(), 2);
        let e = parse_bodies_csv(b"name,email,Name\nx,a@b.example,z\n", &rules()).unwrap_err();
        assert!(e[0].reason.contains("same name"));
        assert!(parse_bodies_csv(b"", &rules()).is_err());
    }

    #[test]
    fn blank_rows_are_skipped() {
        let csv = "name,email\nA,a@b.example\n,\n\nB,b@b.example\n";
        assert_eq!(parse_bodies_csv(csv.as_bytes(), &rules()).unwrap().len(), 2);
    }
}
