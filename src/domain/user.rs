//! Dashboard users: a name and a role. Passwords and tokens never appear here.

use serde::Serialize;
use std::fmt;

/// What a user may do in the dashboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Reads every page; changes nothing.
    Viewer,
    /// Casework: triage, statuses, notes, answers, assignments, chasers.
    Staff,
    /// Staff, plus launching, pausing and resuming campaigns.
    Admin,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Admin, Role::Staff, Role::Viewer];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Viewer => "viewer",
            Self::Staff => "staff",
            Self::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|r| r.as_str() == s.trim().to_lowercase())
    }

    /// Whether this role may change data (every POST but sign-out).
    pub fn can_edit(self) -> bool {
        self >= Role::Staff
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

/// A user name: 1 to 64 letters, digits, `.`, `_`, `-` or `@` (it appears in event rows
/// and URLs, so nothing else).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct UserName(String);

impl UserName {
    pub fn parse(s: &str) -> Result<Self, String> {
        let s = s.trim();
        if s.is_empty() || s.chars().count() > 64 {
            return Err("a user name has 1 to 64 characters".into());
        }
        if !s
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'))
        {
            return Err(format!(
                "'{s}' is not a user name: use letters, digits, '.', '_', '-' or '@'"
            ));
        }
        Ok(Self(s.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for UserName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_order_and_parse() {
        assert!(Role::Admin.can_edit() && Role::Staff.can_edit() && !Role::Viewer.can_edit());
        assert_eq!(Role::parse(" Admin"), Some(Role::Admin));
        assert_eq!(Role::parse("root"), None);
    }

    #[test]
    fn user_names() {
        assert_eq!(UserName::parse(" ana.b ").unwrap().as_str(), "ana.b");
        for bad in ["", "a b", "<script>", "x/y"] {
            assert!(UserName::parse(bad).is_err(), "{bad}");
        }
    }
}
