//! A public body (authority) that receives requests.

use super::EmailAddress;
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt;

/// The stable key of a body: the directory's own id when it has one, else WhatDoTheyKnow's
/// `URL name`, else one made from its name ([`BodyKey::from_name`]); never the address
/// alone, as several bodies may share one FOI address. Re-imports update bodies by this key
/// (bodies stored before, keyed by their address, keep that key).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct BodyKey(String);

impl BodyKey {
    /// A key from a directory id. Returns `None` when the id is blank.
    pub fn from_id(id: &str) -> Option<Self> {
        let id = id.trim();
        (!id.is_empty()).then(|| Self(id.to_string()))
    }

    /// The key earlier versions gave a body without an id: its address, lower-cased. Only
    /// looked for, so that re-importing an old file updates the bodies it made.
    pub fn from_email(email: &EmailAddress) -> Self {
        Self(email.as_str().to_lowercase())
    }

    /// The key made for a body without an id: its name in lower case, runs of anything but
    /// letters and digits as one `-` (`Camford City Council` -> `camford-city-council`).
    pub fn from_name(name: &str) -> Self {
        let mut out = String::new();
        for c in name.chars() {
            if c.is_alphanumeric() {
                out.extend(c.to_lowercase());
            } else if !out.is_empty() && !out.ends_with('-') {
                out.push('-');
            }
        }
        let out = out.trim_end_matches('-');
        Self(if out.is_empty() { "body" } else { out }.to_string())
    }

    /// This key with `-n` after it (the n-th body of the same name in one file).
    pub fn numbered(&self, n: usize) -> Self {
        Self(format!("{}-{n}", self.0))
    }

    /// Rebuild a key read back from storage.
    pub fn from_stored(s: String) -> Self {
        Self(s)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for BodyKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&self.0)
    }
}

/// A body as read from a directory file, before it has an id in the store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewBody {
    pub key: BodyKey,
    pub name: String,
    pub email: EmailAddress,
    /// Lower-case tags, sorted, without duplicates.
    pub tags: Vec<String>,
    pub regime: String,
    pub region: Option<String>,
    /// Every other column of the directory, by its (normalised) column name.
    pub fields: BTreeMap<String, String>,
    /// For a key made from the name: the key an earlier version gave the same row (its
    /// address), so a re-import finds the body it made.
    #[serde(skip)]
    pub legacy_key: Option<BodyKey>,
}

/// A stored body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Body {
    pub id: super::BodyId,
    pub key: BodyKey,
    pub name: String,
    pub email: EmailAddress,
    pub tags: Vec<String>,
    pub regime: String,
    pub region: Option<String>,
    pub fields: BTreeMap<String, String>,
    /// Set when mail to the address failed permanently: why it needs a person's review.
    pub email_flag: Option<String>,
    /// Set when campaigns must skip the body (not covered by FOI, closed, merged): why.
    pub excluded: Option<String>,
}

impl Body {
    pub fn has_tag(&self, tag: &str) -> bool {
        self.tags.iter().any(|t| t == tag)
    }

    /// Whether re-importing `new` would change this body.
    pub fn differs_from(&self, new: &NewBody) -> bool {
        self.name != new.name
            || self.email != new.email
            || self.tags != new.tags
            || self.regime != new.regime
            || self.region != new.region
            || self.fields != new.fields
    }
}

/// Normalise a tag list: split on commas, semicolons, pipes and white space; lower-case;
/// sort; drop duplicates and blanks.
pub fn parse_tags(input: &str) -> Vec<String> {
    let mut tags: Vec<String> = input
        .split(|c: char| c == ',' || c == ';' || c == '|' || c.is_whitespace())
        .map(|t| t.trim().to_lowercase())
        .filter(|t| !t.is_empty())
        .collect();
    tags.sort();
    tags.dedup();
    tags
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_normalised() {
        assert_eq!(
            parse_tags(" Council; london_borough, council |  school "),
            vec!["council", "london_borough", "school"]
        );
        assert!(parse_tags("  ").is_empty());
    }

    #[test]
    fn key_from_name() {
        assert_eq!(
            BodyKey::from_name(" Camford City Council (the) ").as_str(),
            "camford-city-council-the"
        );
        assert_eq!(
            BodyKey::from_name("Ysgol Gymraeg Bro Morgannwg").as_str(),
            "ysgol-gymraeg-bro-morgannwg"
        );
        assert_eq!(BodyKey::from_name("***").as_str(), "body");
        assert_eq!(BodyKey::from_name("A").numbered(2).as_str(), "a-2");
    }

    #[test]
    fn key_from_email_is_lowercase() {
        let e = EmailAddress::parse("FOI@Council.example").unwrap();
        assert_eq!(BodyKey::from_email(&e).as_str(), "foi@council.example");
        assert!(BodyKey::from_id("  ").is_none());
    }
}

/// What a re-import would do, worked out before anything is written.
#[derive(Debug, Clone, Default)]
pub struct ImportPlan {
    pub added: Vec<NewBody>,
    /// (stored id, new values)
    pub updated: Vec<(super::BodyId, NewBody)>,
    pub unchanged: usize,
    /// Stored bodies that the file does not mention (kept as they are).
    pub not_in_file: usize,
}

/// Compare a directory file with the stored bodies, by key (or, for a key made from the
/// name, by the address key an earlier version gave the row).
pub fn plan_import(existing: &[Body], incoming: Vec<NewBody>) -> ImportPlan {
    let mut matched = std::collections::HashSet::new();
    let mut plan = plan_batch(existing, incoming, &mut matched);
    plan.not_in_file = existing.len() - plan.seen();
    plan
}

impl ImportPlan {
    /// How many rows found a stored body.
    pub fn seen(&self) -> usize {
        self.updated.len() + self.unchanged
    }
}

/// [`plan_import`] for one batch of a file read in batches: `existing` holds (at least)
/// the stored bodies with the batch's keys and address keys. `matched` carries, from batch
/// to batch, the bodies keyed by an address that a row has found already (a second row
/// with that address is a new body); `not_in_file` is left for the caller to count.
pub fn plan_batch(
    existing: &[Body],
    incoming: Vec<NewBody>,
    matched: &mut std::collections::HashSet<super::BodyId>,
) -> ImportPlan {
    let by_key: std::collections::HashMap<&BodyKey, &Body> =
        existing.iter().map(|b| (&b.key, b)).collect();
    let mut plan = ImportPlan::default();
    for mut new in incoming {
        let found = by_key.get(&new.key).or_else(|| {
            let legacy = new.legacy_key.as_ref()?;
            by_key.get(legacy).filter(|b| !matched.contains(&b.id))
        });
        match found {
            None => plan.added.push(new),
            Some(old) => {
                // (only a key with an `@` is an address key: no other can be found twice)
                if old.key.as_str().contains('@') {
                    matched.insert(old.id);
                }
                new.key = old.key.clone();
                if old.differs_from(&new) {
                    plan.updated.push((old.id, new));
                } else {
                    plan.unchanged += 1;
                }
            }
        }
    }
    plan
}
