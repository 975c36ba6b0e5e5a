//! Connection plumbing shared by the sender (SMTP) and ingest (IMAP): TLS trust, the IMAP connection
//! with its login, and errors that tell the user what to check.
//!
//! Owns: [`TlsMode`], the rustls client configuration ([`tls`]), the IMAP session ([`imap`]) and
//! the OAuth2 sign-in whose access tokens IMAP and SMTP log in with ([`oauth`]).
//! Sees no store and no domain type: it must not import `store`, `domain`, `sender` or `ingest`, so that
//! both of those can use it and tests can drive it against a bare server.

pub mod imap;
pub mod oauth;
pub mod tls;

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// How a connection to a mail server is protected.
///
/// In config files: `"implicit"` (TLS from the first byte: IMAPS 993, SMTPS 465), `"starttls"`
/// (plain greeting, then upgraded: IMAP 143, submission 587) or `"none"` (plain text: loopback and
/// test servers only; passwords cross the wire in clear).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TlsMode {
    /// TLS from the first byte.
    Implicit,
    /// Plain greeting, then `STARTTLS`; a server that refuses it is an error, never a fallback.
    Starttls,
    /// No TLS at all.
    None,
}

impl TlsMode {
    /// The name used in config files and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            TlsMode::Implicit => "implicit",
            TlsMode::Starttls => "starttls",
            TlsMode::None => "none",
        }
    }
}

impl fmt::Display for TlsMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The text is not one of `implicit`, `starttls`, `none`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown tls mode {0:?}: use \"implicit\", \"starttls\" or \"none\"")]
pub struct UnknownTlsMode(String);

impl FromStr for TlsMode {
    type Err = UnknownTlsMode;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "implicit" => Ok(TlsMode::Implicit),
            "starttls" => Ok(TlsMode::Starttls),
            "none" => Ok(TlsMode::None),
            other => Err(UnknownTlsMode(other.to_owned())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize, Serialize)]
    struct Wrapper {
        tls: TlsMode,
    }

    #[test]
    fn tls_mode_uses_lowercase_names_in_config_and_text() {
        for (mode, name) in [
            (TlsMode::Implicit, "implicit"),
            (TlsMode::Starttls, "starttls"),
            (TlsMode::None, "none"),
        ] {
            let json = format!(r#"{{"tls":"{name}"}}"#);
            let parsed: Wrapper = serde_json::from_str(&json).unwrap();
            assert_eq!(parsed.tls, mode);
            assert_eq!(serde_json::to_string(&Wrapper { tls: mode }).unwrap(), json);
            assert_eq!(name.parse::<TlsMode>().unwrap(), mode);
            assert_eq!(mode.to_string(), name);
        }
    }

    #[test]
    fn unknown_tls_mode_names_the_choices() {
        let err = "ssl".parse::<TlsMode>().unwrap_err();
        assert!(err.to_string().contains("\"starttls\""), "{err}");
        assert!(serde_json::from_str::<Wrapper>(r#"{"tls":"STARTTLS"}"#).is_err());
    }
}
