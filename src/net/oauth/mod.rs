//! OAuth2 for the mailboxes organisations have (Microsoft 365, Google Workspace, or any provider
//! with RFC 8628 device sign-in): sign in once with the device authorisation grant
//! ([`flow::device_login`], `foi auth login`) or, where the device grant cannot give the mail
//! scope (Google), in a browser with the authorisation-code grant, PKCE and a loopback
//! redirect ([`flow::browser_login`], [`redirect`]), keep the refresh token in a file only its owner
//! can read ([`store`]), and hand IMAP and SMTP a fresh access token whenever they log in
//! ([`TokenSource`]), refreshing it before it expires, in `foi run` too.
//!
//! Owns: provider presets ([`provider`]), the token file, the HTTP client the flows run on
//! ([`http`]: our rustls trust, no second TLS stack), the SASL `XOAUTH2` and `OAUTHBEARER`
//! initial responses. Sees `clock` and `net::tls` only (like the rest of `net`).
//!
//! Tokens and client secrets are [`SecretString`]s: never logged, never in an error, `Debug`
//! redacted. Token lifetimes are the provider's real time: they are measured with the system
//! clock, never with a fixed `FOI_NOW` (a rehearsal at a fixed date still talks to a real
//! provider).

pub mod flow;
pub mod http;
pub mod provider;
pub mod redirect;
pub mod store;

pub use provider::{OAuthSettings, ProviderKind, Sasl};
pub use store::Tokens;

use std::sync::Arc;

use chrono::{DateTime, Utc};
use secrecy::SecretString;

use crate::clock::Clock;

/// Why no access token could be had. Every message says what to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OAuthError {
    /// Nobody has signed in yet (or `foi auth logout` ran).
    #[error("no OAuth2 sign-in for {account} ({file}): run `foi auth login` first")]
    NotSignedIn { account: String, file: String },
    /// The provider refused the refresh token: revoked, expired, the password changed, consent
    /// withdrawn. Only a new sign-in helps.
    #[error("the OAuth2 sign-in of {account} is no longer valid (the provider refused the refresh token: {reason}): run `foi auth login` to sign in again; nothing was sent or fetched")]
    Revoked { account: String, reason: String },
    /// The provider could not be reached: worth trying again later.
    #[error("{0}: check the network; foi tries again later")]
    Unreachable(String),
    /// The provider answered with an error other than a refused refresh token.
    #[error("{0}")]
    Provider(String),
    /// The `[oauth2]` settings or the token file are not usable.
    #[error("{0}")]
    Config(String),
}

impl OAuthError {
    /// Only a person can fix this (sign in again, fix the configuration): stop, mark nothing failed.
    pub fn needs_a_person(&self) -> bool {
        !matches!(self, OAuthError::Unreachable(_))
    }
}

impl From<store::StoreError> for OAuthError {
    fn from(e: store::StoreError) -> Self {
        OAuthError::Config(e.to_string())
    }
}

/// Hands out access tokens for one account, refreshing them before they expire. Shared
/// (`Arc`) by every IMAP and SMTP connection of a process; a refresh is done by one caller at a
/// time and saved to the token file at once (providers that rotate refresh tokens spend the old
/// one). Before refreshing it re-reads the file, so a token another `foi` process refreshed
/// meanwhile is used instead of spending the refresh token twice.
#[derive(Debug)]
pub struct TokenSource {
    settings: OAuthSettings,
    current: tokio::sync::Mutex<Option<Tokens>>,
}

impl TokenSource {
    pub fn new(settings: OAuthSettings) -> Arc<Self> {
        Arc::new(Self {
            settings,
            current: tokio::sync::Mutex::new(None),
        })
    }

    pub fn settings(&self) -> &OAuthSettings {
        &self.settings
    }

    /// The SASL user.
    pub fn account(&self) -> &str {
        &self.settings.account
    }

    pub fn mechanism(&self) -> Sasl {
        self.settings.mechanism
    }

    /// A valid access token: the current one, or a refreshed one when it expires soon.
    pub async fn access_token(&self) -> Result<SecretString, OAuthError> {
        self.token(false).await
    }

    /// A new access token even if the current one looks valid: the server refused it (it was
    /// revoked, or the clocks disagree).
    pub async fn refreshed_token(&self) -> Result<SecretString, OAuthError> {
        self.token(true).await
    }

    async fn token(&self, force: bool) -> Result<SecretString, OAuthError> {
        let mut current = self.current.lock().await;
        let now = wall_clock();
        if let Some(t) = current.as_ref().filter(|t| !force && !refresh_due(t, now)) {
            return Ok(t.access_token.clone());
        }
        let on_disk = self.load()?;
        // Another process may have refreshed since we last looked.
        let newer = current
            .as_ref()
            .is_none_or(|mine| on_disk.obtained_at > mine.obtained_at);
        if newer && !refresh_due(&on_disk, now) && (!force || current.is_some()) {
            let token = on_disk.access_token.clone();
            *current = Some(on_disk);
            return Ok(token);
        }
        tracing::debug!(account = %self.settings.account, "refreshing the OAuth2 access token");
        let fresh = flow::refresh(&self.settings, &on_disk, now).await?;
        fresh.save(&self.settings.token_file)?;
        tracing::info!(
            account = %self.settings.account,
            expires_at = %fresh.expires_at,
            "OAuth2 access token refreshed"
        );
        let token = fresh.access_token.clone();
        *current = Some(fresh);
        Ok(token)
    }

    fn load(&self) -> Result<Tokens, OAuthError> {
        match Tokens::load(&self.settings.token_file) {
            Ok(t) => Ok(t),
            Err(store::StoreError::Missing(path)) => Err(OAuthError::NotSignedIn {
                account: self.settings.account.clone(),
                file: path.display().to_string(),
            }),
            Err(e) => Err(e.into()),
        }
    }
}

/// The real time, for token lifetimes (see the module's doc).
pub fn wall_clock() -> DateTime<Utc> {
    crate::clock::SystemClock.now()
}

/// A token is refreshed when less than a minute of its life is left, or less than half of it
/// for tokens that live under two minutes.
pub fn refresh_due(t: &Tokens, now: DateTime<Utc>) -> bool {
    let lifetime = t.expires_at - t.obtained_at;
    let margin = (lifetime / 2).min(chrono::Duration::seconds(60));
    now + margin >= t.expires_at
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(obtained: &str, expires: &str) -> Tokens {
        Tokens {
            account: "a@example.org".into(),
            provider: "generic".into(),
            scopes: vec![],
            access_token: "x".to_owned().into(),
            refresh_token: None,
            obtained_at: obtained.parse().unwrap(),
            expires_at: expires.parse().unwrap(),
        }
    }

    #[test]
    fn a_token_is_refreshed_a_minute_before_it_expires() {
        let t = tokens("2026-12-06T10:00:00Z", "2026-12-06T11:00:00Z");
        assert!(!refresh_due(&t, "2026-12-06T10:58:59Z".parse().unwrap()));
        assert!(refresh_due(&t, "2026-12-06T10:59:00Z".parse().unwrap()));
        assert!(refresh_due(&t, "2026-12-06T12:00:00Z".parse().unwrap()));
        // a ten-second token: at half its life
        let short = tokens("2026-12-06T10:00:00Z", "2026-12-06T10:00:10Z");
        assert!(!refresh_due(
            &short,
            "2026-12-06T10:00:04Z".parse().unwrap()
        ));
        assert!(refresh_due(&short, "2026-12-06T10:00:05Z".parse().unwrap()));
    }

    #[test]
    fn errors_say_what_to_do_and_which_need_a_person() {
        let revoked = OAuthError::Revoked {
            account: "a@example.org".into(),
            reason: "invalid_grant".into(),
        };
        assert!(revoked.to_string().contains("run `foi auth login`"));
        assert!(revoked.needs_a_person());
        assert!(!OAuthError::Unreachable("x".into()).needs_a_person());
    }
}
