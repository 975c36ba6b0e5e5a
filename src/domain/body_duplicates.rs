//! Likely duplicate bodies in a directory file: the same normalised name, or the same
//! address. Only warnings: a shared FOI service answers for several councils, and two
//! schools may share a name in different towns; a person decides.

use super::{Body, BodyId, BodyKey, EmailAddress, NewBody};
use std::collections::HashMap;

/// One likely duplicate, said as a person reads it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DuplicateWarning {
    /// The line of the later row.
    pub line: u64,
    pub message: String,
}

/// A name as compared: lower case, words of letters and digits, `&` as `and`, without a
/// leading `the` (`The Camford  Council` and `camford council` are one name).
pub fn normalise_name(name: &str) -> String {
    let lowered = name.to_lowercase().replace('&', " and ");
    let words: Vec<&str> = lowered
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let words = match words.split_first() {
        Some((&"the", rest)) if !rest.is_empty() => rest,
        _ => &words[..],
    };
    words.join(" ")
}

/// A 64-bit hash of a text: what the import keeps of a key, a name or an address, so a
/// file of a million rows holds a few maps of numbers, not a million strings. (Two
/// different texts share a hash about once in 2^64; in a file of a million keys the chance
/// that any two do is about 1 in 40 million.)
pub fn text_hash(text: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    text.hash(&mut h);
    h.finish()
}

/// A hasher for keys that are hashes already ([`text_hash`]): it passes them through.
#[derive(Default)]
pub struct PreHashed(u64);

impl std::hash::Hasher for PreHashed {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        // (only `u64`s are hashed with it; any other key is folded in, still correct)
        for b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(*b);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// A map keyed by [`text_hash`]es.
pub type HashedMap<V> = HashMap<u64, V, std::hash::BuildHasherDefault<PreHashed>>;
/// A set of [`text_hash`]es.
pub type HashedSet = std::collections::HashSet<u64, std::hash::BuildHasherDefault<PreHashed>>;

/// The most warnings kept as sentences (the rest are counted).
pub const MAX_WARNINGS_KEPT: usize = 1_000;

/// Where a name or an address was first seen: a stored body's id (with this bit set) or a
/// row's line, packed in one number.
const STORED: u64 = 1 << 63;

/// What a warning compares a row with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FirstSeen {
    Stored(BodyId),
    Line(u64),
}

impl FirstSeen {
    fn unpack(packed: u64) -> Self {
        if packed & STORED != 0 {
            Self::Stored(BodyId::new((packed & !STORED) as i64))
        } else {
            Self::Line(packed)
        }
    }
}

/// A warning found, its first sighting not yet described.
struct Found {
    line: u64,
    name: String,
    /// The shared address (a warning for an address), or `None` (for a name).
    email: Option<String>,
    first: FirstSeen,
}

/// Finds likely duplicates as rows stream past: stored bodies the file does not update go
/// in first ([`Self::stored`]), then each row ([`Self::row`]). A warning names the row it
/// compares with, which has gone by then: [`Self::wanted`] says which stored bodies and
/// lines to describe, and [`Self::finish`] writes the sentences.
#[derive(Default)]
pub struct DuplicateFinder {
    names: HashedMap<u64>,
    emails: HashedMap<u64>,
    found: Vec<Found>,
    total: usize,
}

/// The warnings of an import: the first [`MAX_WARNINGS_KEPT`] and how many in all.
#[derive(Debug, Clone, Default)]
pub struct Duplicates {
    pub warnings: Vec<DuplicateWarning>,
    pub total: usize,
}

impl DuplicateFinder {
    /// Room for `n` more names and addresses.
    pub fn reserve(&mut self, n: usize) {
        self.names.reserve(n);
        self.emails.reserve(n);
    }

    /// A stored body that the file does not update.
    pub fn stored(&mut self, id: BodyId, name: &str, email: &str) {
        let at = id.get() as u64 | STORED;
        self.names
            .entry(text_hash(&normalise_name(name)))
            .or_insert(at);
        self.emails
            .entry(text_hash(&email.to_lowercase()))
            .or_insert(at);
    }

    /// A row of the file, at `line`; one warning at most.
    pub fn row(&mut self, line: u64, name: &str, email: &EmailAddress) {
        let name_hash = text_hash(&normalise_name(name));
        let email_hash = text_hash(&email.as_str().to_lowercase());
        let found = if let Some(first) = self.names.get(&name_hash) {
            Some((None, *first))
        } else {
            self.emails
                .get(&email_hash)
                .map(|first| (Some(email.as_str().to_string()), *first))
        };
        if let Some((email, first)) = found {
            self.total += 1;
            if self.found.len() < MAX_WARNINGS_KEPT {
                self.found.push(Found {
                    line,
                    name: name.to_string(),
                    email,
                    first: FirstSeen::unpack(first),
                });
            }
        }
        self.names.entry(name_hash).or_insert(line);
        self.emails.entry(email_hash).or_insert(line);
    }

    /// The stored bodies and the lines the kept warnings compare with.
    pub fn wanted(&self) -> Vec<FirstSeen> {
        let mut wanted: Vec<FirstSeen> = self.found.iter().map(|f| f.first).collect();
        wanted.sort_by_key(|w| match w {
            FirstSeen::Stored(id) => (0, id.get() as u64),
            FirstSeen::Line(l) => (1, *l),
        });
        wanted.dedup();
        wanted
    }

    /// The warnings, each first sighting described: `stored[id]` is a stored body's key
    /// and name, `lines[line]` a row's name.
    pub fn finish(
        self,
        stored: &HashMap<BodyId, (String, String)>,
        lines: &HashMap<u64, String>,
    ) -> Duplicates {
        let describe = |seen: FirstSeen| match seen {
            FirstSeen::Stored(id) => match stored.get(&id) {
                Some((key, name)) => format!("stored body '{key}' ({name})"),
                None => format!("stored body #{id}"),
            },
            FirstSeen::Line(l) => match lines.get(&l) {
                Some(name) => format!("line {l} ({name})"),
                None => format!("line {l}"),
            },
        };
        let warnings = self
            .found
            .into_iter()
            .map(|f| {
                let line = f.line;
                let name = &f.name;
                let message = match &f.email {
                    None => format!(
                        "line {line}: '{name}' has the same name as {}: the same body twice? (both were kept)",
                        describe(f.first)
                    ),
                    Some(email) => format!(
                        "line {line}: '{name}' shares the address {email} with {} (fine for a shared FOI team; both were kept)",
                        describe(f.first)
                    ),
                };
                DuplicateWarning { line, message }
            })
            .collect();
        Duplicates {
            warnings,
            total: self.total,
        }
    }
}

/// Warnings for the rows of a file held whole (`lines[i]` is the line of `bodies[i]`),
/// against each other and against stored bodies the file does not update (other keys).
pub fn likely_duplicates(
    bodies: &[NewBody],
    lines: &[u64],
    stored: &[Body],
) -> Vec<DuplicateWarning> {
    // (a stored body keyed by its address is the one a row without an id updates)
    let in_file: std::collections::HashSet<&BodyKey> = bodies
        .iter()
        .flat_map(|b| std::iter::once(&b.key).chain(&b.legacy_key))
        .collect();
    let mut finder = DuplicateFinder::default();
    for b in stored.iter().filter(|b| !in_file.contains(&b.key)) {
        finder.stored(b.id, &b.name, b.email.as_str());
    }
    for (body, line) in bodies.iter().zip(lines) {
        finder.row(*line, &body.name, &body.email);
    }
    let stored = stored
        .iter()
        .map(|b| (b.id, (b.key.to_string(), b.name.clone())))
        .collect();
    let lines = bodies
        .iter()
        .zip(lines)
        .map(|(b, l)| (*l, b.name.clone()))
        .collect();
    finder.finish(&stored, &lines).warnings
}

#[cfg(test)]
mod tests {
    use super::*;

    fn new(key: &str, name: &str, email: &str) -> NewBody {
        NewBody {
            key: BodyKey::from_id(key).unwrap(),
            name: name.into(),
            email: EmailAddress::parse(email).unwrap(),
            tags: vec![],
            regime: "uk-foia".into(),
            region: None,
            fields: Default::default(),
            legacy_key: None,
        }
    }

    #[test]
    fn names_compare_without_case_punctuation_or_a_leading_the() {
        assert_eq!(normalise_name("The Camford  Council"), "camford council");
        assert_eq!(
            normalise_name("Camford & Glen N.H.S. Trust"),
            "camford and glen n h s trust"
        );
        assert_eq!(normalise_name("The"), "the");
    }

    #[test]
    fn same_name_or_same_address_warns_once_per_row() {
        let bodies = vec![
            new("a", "Camford Council", "foi@shared.example"),
            new("b", "Glenmuir Council", "foi@shared.example"),
            new("c", "The Camford Council", "other@camford.example"),
            new("d", "Elsewhere", "d@x.example"),
        ];
        let w = likely_duplicates(&bodies, &[2, 3, 4, 5], &[]);
        assert_eq!(w.len(), 2, "{w:?}");
        assert!(w[0]
            .message
            .contains("shares the address foi@shared.example with line 2"));
        assert!(w[1].message.contains("same name as line 2"));
    }
}
