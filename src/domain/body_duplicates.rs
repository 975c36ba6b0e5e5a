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

/// Warnings for the rows of a file (`lines[i]` is the line of `bodies[i]`), against each
/// other and against stored bodies the file does not update (other keys).
pub fn likely_duplicates(
    bodies: &[NewBody],
    lines: &[u64],
    stored: &[Body],
) -> Vec<DuplicateWarning> {
    let mut warnings = Vec::new();
    let mut names: HashMap<String, String> = HashMap::new();
    let mut emails: HashMap<String, String> = HashMap::new();
    // (a stored body keyed by its address is the one a row without an id updates)
    let in_file: std::collections::HashSet<&BodyKey> = bodies
        .iter()
        .flat_map(|b| std::iter::once(&b.key).chain(&b.legacy_key))
        .collect();
    for b in stored.iter().filter(|b| !in_file.contains(&b.key)) {
        let seen = format!("stored body '{}' ({})", b.key, b.name);
        names.entry(normalise_name(&b.name)).or_insert(seen.clone());
        emails
            .entry(b.email.as_str().to_lowercase())
            .or_insert(seen);
    }
    for (body, line) in bodies.iter().zip(lines) {
        let this = format!("line {line} ({})", body.name);
        let name = normalise_name(&body.name);
        let email = body.email.as_str().to_lowercase();
        if let Some(first) = names.get(&name) {
            warnings.push(DuplicateWarning {
                line: *line,
                message: format!(
                    "line {line}: '{}' has the same name as {first}: the same body twice? (both were kept)",
                    body.name
                ),
            });
        } else if let Some(first) = emails.get(&email) {
            warnings.push(DuplicateWarning {
                line: *line,
                message: format!(
                    "line {line}: '{}' shares the address {} with {first} (fine for a shared FOI team; both were kept)",
                    body.name, body.email
                ),
            });
        }
        names.entry(name).or_insert(this.clone());
        emails.entry(email).or_insert(this);
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
