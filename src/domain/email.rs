//! A syntactically valid email address (the subset public bodies actually use).

use serde::{Deserialize, Serialize};
use std::fmt;

/// An email address checked once: `local@domain`, domain lower-cased, no display name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct EmailAddress(String);

/// Why a string is not an email address we can send to.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EmailError {
    #[error("the address is empty")]
    Empty,
    #[error("'{0}' has no '@'")]
    NoAt(String),
    #[error("'{0}' has an empty part before the '@'")]
    EmptyLocal(String),
    #[error("'{0}' has an invalid domain (expected something like council.gov.uk)")]
    BadDomain(String),
    #[error("'{0}' contains a character not allowed in an address")]
    BadChar(String),
    #[error("'{0}' is longer than 254 characters")]
    TooLong(String),
}

impl EmailAddress {
    /// Parse and normalise (trim, lower-case the domain). Local parts keep their case.
    pub fn parse(input: &str) -> Result<Self, EmailError> {
        let s = input.trim();
        if s.is_empty() {
            return Err(EmailError::Empty);
        }
        if s.len() > 254 {
            return Err(EmailError::TooLong(s.to_string()));
        }
        let (local, domain) = s
            .rsplit_once('@')
            .ok_or_else(|| EmailError::NoAt(s.into()))?;
        if local.is_empty() {
            return Err(EmailError::EmptyLocal(s.into()));
        }
        let local_ok = local.len() <= 64
            && !local.starts_with('.')
            && !local.ends_with('.')
            && !local.contains("..")
            && local
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~.".contains(c));
        if !local_ok {
            return Err(EmailError::BadChar(s.into()));
        }
        let domain = domain.to_ascii_lowercase();
        let labels: Vec<&str> = domain.split('.').collect();
        let domain_ok = labels.len() >= 2
            && labels.iter().all(|l| {
                !l.is_empty()
                    && l.len() <= 63
                    && !l.starts_with('-')
                    && !l.ends_with('-')
                    && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            });
        if !domain_ok {
            return Err(EmailError::BadDomain(s.into()));
        }
        Ok(Self(format!("{local}@{domain}")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The part after the `@` (lower case).
    pub fn domain(&self) -> &str {
        self.0.rsplit_once('@').map(|(_, d)| d).unwrap_or("")
    }

    /// The part before the `@`.
    pub fn local(&self) -> &str {
        self.0.rsplit_once('@').map(|(l, _)| l).unwrap_or("")
    }
}

impl fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&self.0)
    }
}

impl TryFrom<String> for EmailAddress {
    type Error = EmailError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<EmailAddress> for String {
    fn from(e: EmailAddress) -> String {
        e.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_common_addresses_and_lowercases_domain() {
        let e = EmailAddress::parse(" FOI@Camden.Example ").unwrap();
        assert_eq!(e.as_str(), "FOI@camden.example");
        assert_eq!(e.domain(), "camden.example");
        assert_eq!(e.local(), "FOI");
        assert!(EmailAddress::parse("foi+abc.def@a-b.example.org").is_ok());
    }

    #[test]
    fn rejects_bad_addresses() {
        for bad in [
            "",
            "council.example",
            "@council.example",
            "foi@",
            "foi@localhost",
            "foi@-bad.example",
            "f oi@council.example",
            "foi@council..example",
            ".foi@council.example",
            "foi@coun_cil.example",
            "Council <foi@council.example>",
        ] {
            assert!(EmailAddress::parse(bad).is_err(), "{bad:?} accepted");
        }
    }
}
