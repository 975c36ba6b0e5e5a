//! Selecting bodies for a campaign: `--select EXPR` may be given several times (a body is
//! selected when ANY expression matches); within one expression, comma-separated terms must
//! ALL match. Terms: `all`, `tag:T`, `regime:R`, `region:R`, `key:K`, `keys:FILE` (one key per
//! line; `#` comments), each negated with a leading `!` (`tag:school,!region:scotland`).

use super::Body;
use std::collections::HashSet;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Field {
    All,
    Tag(String),
    Regime(String),
    Region(String),
    Keys(HashSet<String>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Term {
    negated: bool,
    field: Field,
}

/// A parsed selection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selection {
    any_of: Vec<Vec<Term>>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SelectionError {
    #[error("no --select given: say which bodies, e.g. --select tag:council (or --select all)")]
    Empty,
    #[error(
        "'{0}' is not a selection term: use all, tag:T, regime:R, region:R, key:K or keys:FILE"
    )]
    BadTerm(String),
    #[error("cannot read the keys file '{0}': {1}")]
    KeysFile(String, String),
}

impl Selection {
    /// Parse expressions; `read_file` loads a `keys:FILE` list (the caller does the IO).
    pub fn parse(
        exprs: &[String],
        read_file: &dyn Fn(&str) -> Result<String, String>,
    ) -> Result<Self, SelectionError> {
        if exprs.is_empty() {
            return Err(SelectionError::Empty);
        }
        let mut any_of = Vec::new();
        for expr in exprs {
            let mut all_of = Vec::new();
            for raw in expr.split(',').map(str::trim).filter(|t| !t.is_empty()) {
                let (negated, t) = match raw.strip_prefix('!') {
                    Some(rest) => (true, rest.trim()),
                    None => (false, raw),
                };
                let field = if t.eq_ignore_ascii_case("all") {
                    Field::All
                } else {
                    let (k, v) = t
                        .split_once(':')
                        .ok_or_else(|| SelectionError::BadTerm(raw.into()))?;
                    let v = v.trim();
                    if v.is_empty() {
                        return Err(SelectionError::BadTerm(raw.into()));
                    }
                    match k.trim().to_lowercase().as_str() {
                        "tag" => Field::Tag(v.to_lowercase()),
                        "regime" => Field::Regime(v.to_lowercase()),
                        "region" => Field::Region(v.to_lowercase()),
                        "key" => Field::Keys(HashSet::from([v.to_string()])),
                        "keys" => {
                            let text =
                                read_file(v).map_err(|e| SelectionError::KeysFile(v.into(), e))?;
                            Field::Keys(
                                text.lines()
                                    .map(str::trim)
                                    .filter(|l| !l.is_empty() && !l.starts_with('#'))
                                    .map(String::from)
                                    .collect(),
                            )
                        }
                        _ => return Err(SelectionError::BadTerm(raw.into())),
                    }
                };
                all_of.push(Term { negated, field });
            }
            if all_of.is_empty() {
                return Err(SelectionError::BadTerm(expr.clone()));
            }
            any_of.push(all_of);
        }
        Ok(Self { any_of })
    }

    pub fn matches(&self, body: &Body) -> bool {
        self.any_of.iter().any(|all_of| {
            all_of.iter().all(|term| {
                let hit = match &term.field {
                    Field::All => true,
                    Field::Tag(t) => body.has_tag(t),
                    Field::Regime(r) => &body.regime == r,
                    Field::Region(r) => body.region.as_deref() == Some(r.as_str()),
                    Field::Keys(keys) => {
                        keys.contains(body.key.as_str())
                            || keys.contains(&body.email.as_str().to_lowercase())
                    }
                };
                hit != term.negated
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{BodyKey, EmailAddress};

    fn body(key: &str, tags: &[&str], regime: &str, region: Option<&str>) -> Body {
        Body {
            id: crate::domain::BodyId::new(1),
            key: BodyKey::from_id(key).unwrap(),
            name: key.into(),
            email: EmailAddress::parse(&format!("{key}@x.example")).unwrap(),
            tags: tags.iter().map(|t| t.to_string()).collect(),
            regime: regime.into(),
            region: region.map(String::from),
            fields: Default::default(),
            email_flag: None,
            excluded: None,
        }
    }

    fn sel(exprs: &[&str]) -> Selection {
        let exprs: Vec<String> = exprs.iter().map(|s| s.to_string()).collect();
        Selection::parse(&exprs, &|_| Ok("k1\n# comment\n\nk3\n".into())).unwrap()
    }

    #[test]
    fn and_within_or_across() {
        let scot_school = body("k1", &["school"], "scotland-foisa", Some("scotland"));
        let eng_school = body("k2", &["school"], "uk-foia", Some("england"));
        let council = body("k3", &["council"], "uk-foia", Some("england"));
        let s = sel(&["tag:school,region:scotland", "tag:council"]);
        assert!(s.matches(&scot_school) && !s.matches(&eng_school) && s.matches(&council));
        let s = sel(&["tag:school,!region:scotland"]);
        assert!(!s.matches(&scot_school) && s.matches(&eng_school));
        let s = sel(&["keys:list.txt"]);
        assert!(s.matches(&scot_school) && !s.matches(&eng_school) && s.matches(&council));
        assert!(sel(&["all"]).matches(&eng_school));
        assert!(sel(&["regime:UK-FOIA"]).matches(&council));
    }

    #[test]
    fn bad_expressions_are_errors() {
        let none = |_: &str| Err::<String, _>("no such file".to_string());
        assert_eq!(Selection::parse(&[], &none), Err(SelectionError::Empty));
        for bad in ["council", "colour:red", "tag:", ","] {
            assert!(Selection::parse(&[bad.into()], &none).is_err(), "{bad}");
        }
        assert!(matches!(
            Selection::parse(&["keys:missing.txt".into()], &none),
            Err(SelectionError::KeysFile(..))
        ));
    }
}
