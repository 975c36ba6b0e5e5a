//! The bodies directory format: our own columns (`name`, `email`, `id`, `tags`, `regime`,
//! `region`, anything else as a custom field) and WhatDoTheyKnow's authority export
//! (`Name`, `Short name`, `URL name`, `Tags`, `Home page`, plus a request email column).
//!
//! Parsing is all-or-nothing: every bad row is reported with its line, column and reason.

use super::body::parse_tags;
use super::{BodyKey, EmailAddress, NewBody};
use std::collections::{BTreeMap, HashMap};
use std::fmt;

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
    email: usize,
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

fn map_columns(headers: &[String]) -> Result<Columns, Vec<RowError>> {
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
    if email.is_none() {
        let hint = if headers.iter().any(|h| h == WDTK_ID) {
            " (WhatDoTheyKnow's export has no request addresses: add an 'email' column)"
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
    let (name, email) = (name.unwrap_or(0), email.unwrap_or(0));
    let id = find(headers, ID_COLUMNS).or_else(|| find(headers, &[WDTK_ID]));
    let tags = find(headers, &["tags"]);
    let regime = find(headers, &["regime"]);
    let region = find(headers, &["region"]);
    let taken = [Some(name), Some(email), id, tags, regime, region];
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

/// Lines that are not valid UTF-8, so the user learns which rows to fix.
fn utf8_errors(bytes: &[u8]) -> Vec<RowError> {
    bytes
        .split(|b| *b == b'\n')
        .enumerate()
        .filter(|(_, line)| std::str::from_utf8(line).is_err())
        .map(|(i, _)| RowError {
            line: i as u64 + 1,
            column: None,
            reason:
                "not valid UTF-8: save the file as 'CSV UTF-8' (from Excel: Save As, CSV UTF-8)"
                    .into(),
        })
        .collect()
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

/// Parse a whole directory file. Either every row is good, or every problem is returned.
pub fn parse_bodies_csv(bytes: &[u8], rules: &CsvRules) -> Result<Vec<NewBody>, Vec<RowError>> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let bad_utf8 = utf8_errors(bytes);
    if !bad_utf8.is_empty() {
        return Err(bad_utf8);
    }
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::None)
        .from_reader(bytes);
    let headers: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(normalise_column).collect(),
        Err(e) => {
            return Err(vec![RowError {
                line: 1,
                column: None,
                reason: format!("cannot read the header row: {e}"),
            }])
        }
    };
    if headers.iter().all(|h| h.is_empty()) {
        return Err(vec![RowError {
            line: 1,
            column: None,
            reason: "the file is empty: the first row must name the columns".into(),
        }]);
    }
    let cols = map_columns(&headers)?;
    let mut errors = Vec::new();
    let mut bodies = Vec::new();
    let mut keys: HashMap<BodyKey, u64> = HashMap::new();
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map(|p| p.line()).unwrap_or(0);
                errors.push(RowError {
                    line,
                    column: None,
                    reason: format!("cannot read this row ({e}); check its quotes"),
                });
                continue;
            }
        };
        let line = record.position().map(|p| p.line()).unwrap_or(0);
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        if record.len() != headers.len() {
            errors.push(RowError {
                line,
                column: None,
                reason: format!(
                    "has {} fields but the header has {}: check for a stray comma or quote",
                    record.len(),
                    headers.len()
                ),
            });
            continue;
        }
        let Some(body) = parse_row(&record, line, &headers, &cols, rules, &mut errors) else {
            continue;
        };
        let key = body.key.clone();
        if let Some(first) = keys.insert(key.clone(), line) {
            let column = cols
                .id
                .map(|i| headers[i].clone())
                .unwrap_or("email".into());
            errors.push(RowError {
                line,
                column: Some(column),
                reason: format!("duplicate key '{key}': line {first} has the same one"),
            });
            continue;
        }
        bodies.push(body);
    }
    if errors.is_empty() {
        Ok(bodies)
    } else {
        errors.sort_by_key(|e| e.line);
        Err(errors)
    }
}

/// One row's body, checked (its problems go to `errors`; `None` when it has any). The
/// key's uniqueness is the caller's to check.
fn parse_row(
    record: &csv::StringRecord,
    line: u64,
    headers: &[String],
    cols: &Columns,
    rules: &CsvRules,
    errors: &mut Vec<RowError>,
) -> Option<NewBody> {
    let get = |i: usize| record.get(i).unwrap_or("").trim();
    let errors_before = errors.len();
    for (i, header) in headers.iter().enumerate() {
        let free_text = cols.fields.iter().any(|(f, _)| *f == i);
        if let Some(why) = field_problem(get(i), i == cols.name, free_text) {
            errors.push(RowError {
                line,
                column: Some(header.clone()),
                reason: why,
            });
        }
    }
    if errors.len() > errors_before {
        return None;
    }
    let mut err = |column: &str, reason: String| {
        errors.push(RowError {
            line,
            column: Some(column.to_string()),
            reason,
        })
    };
    let name = get(cols.name);
    if name.is_empty() {
        err("name", "the name is empty".into());
    }
    let email = match EmailAddress::parse(get(cols.email)) {
        Ok(e) => Some(e),
        Err(e) => {
            err(&headers[cols.email], format!("invalid email address: {e}"));
            None
        }
    };
    let regime = cols
        .regime
        .map(get)
        .filter(|r| !r.is_empty())
        .map(|r| r.to_lowercase())
        .unwrap_or_else(|| rules.default_regime.to_string());
    if !(rules.regime_known)(&regime) {
        err(
            "regime",
            format!("unknown regime '{regime}' (see `foi regimes` for the known ones)"),
        );
    }
    let email = email?;
    if name.is_empty() || !(rules.regime_known)(&regime) {
        return None;
    }
    let key = cols
        .id
        .and_then(|i| BodyKey::from_id(get(i)))
        .unwrap_or_else(|| BodyKey::from_email(&email));
    Some(NewBody {
        key,
        name: name.to_string(),
        email,
        tags: cols.tags.map(|i| parse_tags(get(i))).unwrap_or_default(),
        regime,
        region: cols
            .region
            .map(get)
            .filter(|r| !r.is_empty())
            .map(|r| r.to_lowercase()),
        fields: cols
            .fields
            .iter()
            .map(|(i, h)| (h.clone(), get(*i).to_string()))
            .collect::<BTreeMap<_, _>>(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> CsvRules<'static> {
        CsvRules {
            default_regime: "uk-foia",
            regime_known: &|r| ["uk-foia", "scotland-foisa"].contains(&r),
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
        let csv = "name,email,regime\n\
                   Good,good@a.example,\n\
                   ,nobody@a.example,\n\
                   Bad Email,not-an-address,\n\
                   Dup,good@a.example,\n\
                   Regime,r@a.example,narnia-foi\n\
                   Short,only-two@a.example\n";
        let e = parse_bodies_csv(csv.as_bytes(), &rules()).unwrap_err();
        let lines: Vec<u64> = e.iter().map(|e| e.line).collect();
        assert_eq!(lines, vec![3, 4, 5, 6, 7], "{e:?}");
        assert_eq!(e[0].column.as_deref(), Some("name"));
        assert_eq!(e[1].column.as_deref(), Some("email"));
        assert!(e[2].reason.contains("line 2"), "{}", e[2]);
        assert!(e[3].reason.contains("narnia-foi"));
        assert!(e[4].reason.contains("has 2 fields"));
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
