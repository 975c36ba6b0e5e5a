//! The token file: the refresh token (and the current access token) of one account, kept in a
//! JSON file readable only by its owner (mode 0600, written to a temporary file of that mode
//! and renamed over the old one, so no reader ever sees half a file and no other user ever
//! sees a token). `Debug` never shows a token: they are [`SecretString`]s.

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

/// The largest token file read (a few kilobytes in practice).
const MAX_FILE: u64 = 64 * 1024;

/// What a sign-in left: the account, the scopes granted, the tokens and when the access token
/// expires (by the provider's clock as we saw it: the real time, never `FOI_NOW`).
#[derive(Clone, Debug)]
pub struct Tokens {
    /// The mailbox login the tokens are for.
    pub account: String,
    /// `microsoft`, `google` or `generic`.
    pub provider: String,
    pub scopes: Vec<String>,
    pub access_token: SecretString,
    pub refresh_token: Option<SecretString>,
    /// When the access token was obtained and when it expires.
    pub obtained_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// The file's shape: the only place tokens exist as plain strings, on their way to the disk.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileFormat {
    version: u32,
    account: String,
    provider: String,
    scopes: Vec<String>,
    access_token: String,
    refresh_token: Option<String>,
    obtained_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
}

/// Why the token file cannot be read or written. Never holds a token.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("no OAuth2 sign-in is stored in {}", .0.display())]
    Missing(PathBuf),
    #[error("cannot read or write the OAuth2 token file {}: {reason}", path.display())]
    Io { path: PathBuf, reason: String },
    #[error("the OAuth2 token file {} is damaged ({reason}): run `foi auth login` again", path.display())]
    Damaged { path: PathBuf, reason: String },
}

impl Tokens {
    /// Parses a token file's text. Pure (fuzzed with the provider answers).
    pub fn parse(text: &[u8]) -> Result<Self, String> {
        let f: FileFormat = serde_json::from_slice(text).map_err(|e| {
            // serde_json's message names a position, never the content
            format!(
                "not a foi token file: line {} column {}",
                e.line(),
                e.column()
            )
        })?;
        if f.version != 1 {
            return Err(format!("version {} is not known", f.version));
        }
        Ok(Tokens {
            account: f.account,
            provider: f.provider,
            scopes: f.scopes,
            access_token: f.access_token.into(),
            refresh_token: f.refresh_token.map(Into::into),
            obtained_at: f.obtained_at,
            expires_at: f.expires_at,
        })
    }

    fn to_json(&self) -> Vec<u8> {
        let f = FileFormat {
            version: 1,
            account: self.account.clone(),
            provider: self.provider.clone(),
            scopes: self.scopes.clone(),
            access_token: self.access_token.expose_secret().to_owned(),
            refresh_token: self
                .refresh_token
                .as_ref()
                .map(|t| t.expose_secret().to_owned()),
            obtained_at: self.obtained_at,
            expires_at: self.expires_at,
        };
        let mut out = serde_json::to_vec_pretty(&f).unwrap_or_default();
        out.push(b'\n');
        out
    }

    /// Reads the token file at `path`.
    pub fn load(path: &Path) -> Result<Self, StoreError> {
        let io = |e: std::io::Error| StoreError::Io {
            path: path.to_owned(),
            reason: e.to_string(),
        };
        let file = match std::fs::File::open(path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(StoreError::Missing(path.to_owned()))
            }
            Err(e) => return Err(io(e)),
        };
        let mut text = Vec::new();
        std::io::Read::read_to_end(&mut std::io::Read::take(file, MAX_FILE), &mut text)
            .map_err(io)?;
        Self::parse(&text).map_err(|reason| StoreError::Damaged {
            path: path.to_owned(),
            reason,
        })
    }

    /// Writes the tokens to `path`, readable only by the owner: a temporary file made with mode
    /// 0600, then renamed over the old file.
    pub fn save(&self, path: &Path) -> Result<(), StoreError> {
        let io = |e: std::io::Error| StoreError::Io {
            path: path.to_owned(),
            reason: e.to_string(),
        };
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(io)?;
        }
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "oauth2-token.json".into());
        let tmp = path.with_file_name(format!(".{name}.{}.tmp", std::process::id()));
        let written = (|| {
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create(true).truncate(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
            let mut file = options.open(&tmp)?;
            // (an old temporary file left by a crash may have other bits)
            #[cfg(unix)]
            std::fs::set_permissions(&tmp, std::os::unix::fs::PermissionsExt::from_mode(0o600))?;
            file.write_all(&self.to_json())?;
            file.sync_all()?;
            std::fs::rename(&tmp, path)
        })();
        if written.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        written.map_err(io)
    }

    /// Deletes the token file; `false` when there was none.
    pub fn delete(path: &Path) -> Result<bool, StoreError> {
        match std::fs::remove_file(path) {
            Ok(()) => Ok(true),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
            Err(e) => Err(StoreError::Io {
                path: path.to_owned(),
                reason: e.to_string(),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Tokens {
        Tokens {
            account: "foi@example.org".into(),
            provider: "generic".into(),
            scopes: vec!["imap".into(), "smtp".into()],
            access_token: "at-SECRET-ACCESS".to_owned().into(),
            refresh_token: Some("rt-SECRET-REFRESH".to_owned().into()),
            obtained_at: "2026-12-06T10:00:00Z".parse().unwrap(),
            expires_at: "2026-12-06T11:00:00Z".parse().unwrap(),
        }
    }

    #[test]
    fn saved_tokens_read_back_and_the_file_is_the_owners_only() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/oauth2-token.json");
        sample().save(&path).unwrap();
        let back = Tokens::load(&path).unwrap();
        assert_eq!(back.account, "foi@example.org");
        assert_eq!(back.scopes, ["imap", "smtp"]);
        assert_eq!(back.access_token.expose_secret(), "at-SECRET-ACCESS");
        assert_eq!(
            back.refresh_token.as_ref().unwrap().expose_secret(),
            "rt-SECRET-REFRESH"
        );
        assert_eq!(back.expires_at, sample().expires_at);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600, "{mode:o}");
        }
        assert!(Tokens::delete(&path).unwrap());
        assert!(!Tokens::delete(&path).unwrap());
        assert!(matches!(Tokens::load(&path), Err(StoreError::Missing(_))));
    }

    #[test]
    fn debug_never_shows_a_token() {
        let shown = format!("{:?}", sample());
        assert!(!shown.contains("SECRET"), "{shown}");
        assert!(shown.contains("foi@example.org"));
    }

    #[test]
    fn a_damaged_file_is_named_and_its_content_not_repeated() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.json");
        std::fs::write(&path, "{\"version\":1,\"access_token\":\"at-SECRET\"").unwrap();
        let err = Tokens::load(&path).unwrap_err();
        let text = err.to_string();
        assert!(text.contains("foi auth login"), "{text}");
        assert!(!text.contains("SECRET"), "{text}");
        assert!(Tokens::parse(b"{\"version\":2}").is_err());
    }
}
