//! Likely duplicate bodies in a directory file: the same normalised name, or the same
//! address. Only warnings: a shared FOI service answers for several councils, and two
//! schools may share a name in different towns; a person decides.

use super::{Body, BodyKey, NewBody};
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

/// Where a name or an address was first seen: kept as an index, not as a sentence, so a
/// file of a million rows holds two small maps, not two million formatted strings.
#[derive(Clone, Copy)]
enum Seen {
    Stored(usize),
    Row(usize),
}

/// Warnings for the rows of a file (`lines[i]` is the line of `bodies[i]`), against each
/// other and against stored bodies the file does not update (other keys).
pub fn likely_duplicates(
    bodies: &[NewBody],
    lines: &[u64],
    stored: &[Body],
) -> Vec<DuplicateWarning> {
    let describe = |seen: Seen| match seen {
        Seen::Stored(i) => format!("stored body '{}' ({})", stored[i].key, stored[i].name),
        Seen::Row(i) => format!("line {} ({})", lines[i], bodies[i].name),
    };
    let mut warnings = Vec::new();
    let mut names: HashMap<String, Seen> = HashMap::new();
    let mut emails: HashMap<String, Seen> = HashMap::new();
    {
        // (a stored body keyed by its address is the one a row without an id updates)
        let in_file: std::collections::HashSet<&BodyKey> = bodies
            .iter()
            .flat_map(|b| std::iter::once(&b.key).chain(&b.legacy_key))
            .collect();
        for (i, b) in stored.iter().enumerate() {
            if in_file.contains(&b.key) {
                continue;
            }
            names
                .entry(normalise_name(&b.name))
                .or_insert(Seen::Stored(i));
            emails
                .entry(b.email.as_str().to_lowercase())
                .or_insert(Seen::Stored(i));
        }
    }
    for (i, (body, line)) in bodies.iter().zip(lines).enumerate() {
        let name = normalise_name(&body.name);
        let email = body.email.as_str().to_lowercase();
        if let Some(first) = names.get(&name) {
            warnings.push(DuplicateWarning {
                line: *line,
                message: format!(
                    "line {line}: '{}' has the same name as {}: the same body twice? (both were kept)",
                    body.name,
                    describe(*first)
                ),
            });
        } else if let Some(first) = emails.get(&email) {
            warnings.push(DuplicateWarning {
                line: *line,
                message: format!(
                    "line {line}: '{}' shares the address {} with {} (fine for a shared FOI team; both were kept)",
                    body.name,
                    body.email,
                    describe(*first)
                ),
            });
        }
        names.entry(name).or_insert(Seen::Row(i));
        emails.entry(email).or_insert(Seen::Row(i));
    }
    warnings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::EmailAddress;

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
