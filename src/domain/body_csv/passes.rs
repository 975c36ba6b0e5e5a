//! The two passes over a directory file read as a stream: [`check_directory`] checks
//! every row and keeps, compactly, what the second needs; [`CheckedDirectory::rows`] reads
//! the rows again with their final keys.

use super::{CsvRules, DirectoryReader, Parsed, Problems, RowError};
use crate::domain::body_duplicates::{text_hash, HashedMap, HashedSet};
use crate::domain::NewBody;
use std::io::Read;

/// What the first pass over a directory file keeps for the second, compactly: the hash of
/// each body's key (and of the address key an earlier version gave a row without an id),
/// and the rows whose key made from the name was numbered.
#[derive(Default)]
pub struct CheckedDirectory {
    keys: HashedMap<u64>,
    legacy_keys: HashedSet,
    /// (line, n): that row's key is its name's key with `-n`.
    renumbered: Vec<(u64, usize)>,
    /// The bodies the file gives.
    pub rows: usize,
    /// Rows left out: an emails file was given and it has no address for them, nor the row.
    pub without_email: usize,
}

impl CheckedDirectory {
    /// Whether a body of the file has this key.
    pub fn has_key(&self, key: &str) -> bool {
        self.keys.contains_key(&text_hash(key))
    }

    /// Whether a stored body with this key is one the file updates (by its key, or by the
    /// address key an earlier version gave it).
    pub fn updates(&self, key: &str) -> bool {
        let h = text_hash(key);
        self.keys.contains_key(&h) || self.legacy_keys.contains(&h)
    }

    /// Free the keys once the stored bodies were compared with them.
    pub fn forget_keys(&mut self) {
        self.keys = HashedMap::default();
        self.legacy_keys = HashedSet::default();
    }

    /// The second pass: the bodies of the same file, each with its line and final key. A
    /// row that does not parse now is an error (the file changed since it was checked).
    pub fn rows<'c, R: Read>(
        &'c self,
        input: R,
        rules: &'c CsvRules<'c>,
    ) -> Result<DirectoryRows<'c, R>, Problems> {
        Ok(DirectoryRows {
            reader: DirectoryReader::open(input, rules)?,
            renumbered: &self.renumbered,
            problems: Problems::default(),
            done: false,
        })
    }
}

/// Check a whole directory file, read as a stream: either every row is good, or every
/// problem is returned (lines that are not UTF-8 alone, when there are any).
pub fn check_directory<R: Read>(input: R, rules: &CsvRules) -> Result<CheckedDirectory, Problems> {
    let mut reader = DirectoryReader::open(input, rules)?;
    let mut problems = Problems::default();
    let mut checked = CheckedDirectory::default();
    while let Some((line, parsed)) = reader.next_row(&mut problems) {
        let mut key = match parsed {
            Parsed::Body(body) => {
                if let Some(legacy) = &body.legacy_key {
                    checked.legacy_keys.insert(text_hash(legacy.as_str()));
                }
                body.key
            }
            Parsed::WithoutEmail => {
                checked.without_email += 1;
                continue;
            }
            Parsed::Bad => continue,
        };
        if let Some(first) = checked.keys.get(&text_hash(key.as_str())) {
            if let Some(column) = reader.id_column() {
                problems.push(RowError {
                    line,
                    column: Some(column.to_string()),
                    reason: format!("duplicate key '{key}': line {first} has the same one"),
                });
                continue;
            }
            // (a key made from the name: the n-th body of that name gets `-n`)
            let n = (2..)
                .find(|n| !checked.has_key(key.numbered(*n).as_str()))
                .unwrap_or(2);
            key = key.numbered(n);
            checked.renumbered.push((line, n));
        }
        checked.keys.insert(text_hash(key.as_str()), line);
        checked.rows += 1;
    }
    if let Some(bad) = reader.utf8_problems() {
        return Err(bad);
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(checked)
}

/// The rows of a checked directory file, read again (see [`CheckedDirectory::rows`]).
pub struct DirectoryRows<'c, R: Read> {
    reader: DirectoryReader<'c, R>,
    renumbered: &'c [(u64, usize)],
    problems: Problems,
    done: bool,
}

impl<R: Read> Iterator for DirectoryRows<'_, R> {
    type Item = Result<(u64, NewBody), RowError>;

    fn next(&mut self) -> Option<Self::Item> {
        let changed = |line| RowError {
            line,
            column: None,
            reason: "the file changed while it was imported: import it again".into(),
        };
        while !self.done {
            let Some((line, parsed)) = self.reader.next_row(&mut self.problems) else {
                self.done = true;
                return self.problems.errors.first().cloned().map(Err);
            };
            match parsed {
                Parsed::Body(mut body) => {
                    if let Some(((at, n), rest)) = self.renumbered.split_first() {
                        if *at == line {
                            body.key = body.key.numbered(*n);
                            self.renumbered = rest;
                        }
                    }
                    return Some(Ok((line, body)));
                }
                Parsed::WithoutEmail => continue,
                Parsed::Bad => {
                    self.done = true;
                    let e = self.problems.errors.first().cloned();
                    return Some(Err(e.unwrap_or_else(|| changed(line))));
                }
            }
        }
        None
    }
}
