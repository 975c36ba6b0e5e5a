//! The emails file of `foi bodies import --emails FILE`: two columns, a body's key and its
//! request address, one body a line (a header row such as `key,email` is allowed). It gives
//! the addresses WhatDoTheyKnow's export lacks, joined on its `URL name` (or on `id`).

use super::body_csv::RowError;
use super::csv_lines::{record_line, LineIndex};
use super::{BodyKey, EmailAddress};
use std::collections::HashMap;

/// The addresses by key, with the line each came from.
#[derive(Debug, Clone, Default)]
pub struct EmailsFile {
    pub emails: HashMap<BodyKey, EmailAddress>,
    pub lines: HashMap<BodyKey, u64>,
}

/// Parse an emails file: all of it or every problem in it.
pub fn parse_emails_file(bytes: &[u8]) -> Result<EmailsFile, Vec<RowError>> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let index = LineIndex::new(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut out = EmailsFile::default();
    let mut errors = Vec::new();
    for (n, record) in reader.byte_records().enumerate() {
        let error = |line, column: Option<&str>, reason: String| RowError {
            line,
            column: column.map(String::from),
            reason,
        };
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = record_line(&index, e.position(), 0);
                errors.push(error(line, None, format!("cannot read this row ({e})")));
                continue;
            }
        };
        let line = record_line(&index, record.position(), n as u64 + 1);
        let field =
            |i: usize| std::str::from_utf8(record.get(i).unwrap_or_default()).map(str::trim);
        let (Ok(key), Ok(email)) = (field(0), field(1)) else {
            errors.push(error(
                line,
                None,
                "not valid UTF-8: save the file as CSV UTF-8".into(),
            ));
            continue;
        };
        if key.is_empty() && email.is_empty() {
            continue;
        }
        if record.len() != 2 {
            let reason = format!(
                "has {} fields: give two, the key and the address",
                record.len()
            );
            errors.push(error(line, None, reason));
            continue;
        }
        let address = EmailAddress::parse(email);
        if n == 0 && address.is_err() {
            continue; // the header row
        }
        let Some(key) = BodyKey::from_id(key) else {
            errors.push(error(line, Some("key"), "the key is empty".into()));
            continue;
        };
        let address = match address {
            Ok(a) => a,
            Err(e) => {
                errors.push(error(
                    line,
                    Some("email"),
                    format!("invalid email address: {e}"),
                ));
                continue;
            }
        };
        if let Some(first) = out.lines.get(&key) {
            let reason = format!("key '{key}' is given twice: line {first} has it too");
            errors.push(error(line, Some("key"), reason));
            continue;
        }
        out.lines.insert(key.clone(), line);
        out.emails.insert(key, address);
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// Keys of the emails file that no row of the directory has: each a problem (a typo, or a
/// file meant for another export), by its line.
pub fn unused_keys(file: &EmailsFile, directory_keys: &[&BodyKey]) -> Vec<RowError> {
    let used: std::collections::HashSet<&BodyKey> = directory_keys.iter().copied().collect();
    unused_keys_by(file, |k| used.contains(k))
}

/// [`unused_keys`], asking `used` whether the directory has a key (a directory read as a
/// stream keeps no list of its keys).
pub fn unused_keys_by(file: &EmailsFile, used: impl Fn(&BodyKey) -> bool) -> Vec<RowError> {
    let mut errors: Vec<RowError> = file
        .lines
        .iter()
        .filter(|(k, _)| !used(k))
        .map(|(k, line)| RowError {
            line: *line,
            column: Some("key".into()),
            reason: format!("no body in the directory file has the key '{k}'"),
        })
        .collect();
    errors.sort_by_key(|e| e.line);
    errors
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_keys_and_addresses_with_or_without_a_header() {
        let f = parse_emails_file(
            b"key,email\r\ncamford,foi@camford.example\r\n\r\nglen,foi@glen.example\r\n",
        )
        .unwrap();
        assert_eq!(f.emails.len(), 2);
        let glen = BodyKey::from_id("glen").unwrap();
        assert_eq!(f.lines[&glen], 4);
        let f = parse_emails_file(b"camford,foi@camford.example\n").unwrap();
        assert_eq!(f.emails.len(), 1);
    }

    #[test]
    fn every_bad_line_is_named() {
        let e = parse_emails_file(
            b"key,email\na,foi@a.example\nb,not an address\na,other@a.example\nc\n,d@x.example\n",
        )
        .unwrap_err();
        let lines: Vec<u64> = e.iter().map(|e| e.line).collect();
        assert_eq!(lines, vec![3, 4, 5, 6], "{e:?}");
        assert!(e[1].reason.contains("line 2"));
    }

    #[test]
    fn unused_keys_are_problems() {
        let f = parse_emails_file(b"a,a@x.example\nb,b@x.example\n").unwrap();
        let a = BodyKey::from_id("a").unwrap();
        let e = unused_keys(&f, &[&a]);
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].line, 2);
    }
}
