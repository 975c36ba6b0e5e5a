//! `[oauth2]`: the sign-in that `auth = "oauth2"` in `[imap]` or `[smtp]` uses, checked at
//! load and resolved into the settings of [`crate::net::oauth`] (a preset's endpoints and
//! scopes, the account, the token file, the client secret read only when needed).

use anyhow::{bail, Context};
use serde::Deserialize;
use std::path::PathBuf;

use super::{AuthKind, Config, Password, PasswordSource};

/// `[oauth2]`: the provider, the application registered with it, and whose mailbox.
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OAuth2 {
    /// `microsoft`, `google` or `generic` (every endpoint below).
    pub provider: crate::net::oauth::ProviderKind,
    /// The application (client) id registered with the provider.
    pub client_id: String,
    /// Where the client secret comes from, for providers that want one (Google): an
    /// environment variable or a command, never this file.
    pub client_secret_env: Option<String>,
    pub client_secret_command: Option<String>,
    /// Microsoft's directory: `organizations` (the default), or a tenant id or domain.
    pub tenant: Option<String>,
    /// Endpoints (the generic provider needs device_url and token_url; they override a preset).
    pub authorize_url: Option<String>,
    pub device_url: Option<String>,
    pub token_url: Option<String>,
    pub revocation_url: Option<String>,
    /// Scopes to ask for (default: the preset's).
    pub scopes: Option<Vec<String>>,
    /// The mailbox login (default: `[imap] username`, else `[smtp] username`).
    pub account: Option<String>,
    /// `xoauth2` (the default) or `oauthbearer`.
    #[serde(default)]
    pub mechanism: crate::net::oauth::Sasl,
    /// Where the tokens are kept, mode 0600 (default: `oauth2-token.json` in the data folder).
    pub token_file: Option<PathBuf>,
    /// A CA certificate (PEM) to trust for the provider, in addition to the system's.
    pub ca_cert: Option<PathBuf>,
}

impl std::fmt::Debug for OAuth2 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // the client secret's source is named, never run
        f.debug_struct("OAuth2")
            .field("provider", &self.provider)
            .field("client_id", &self.client_id)
            .field("client_secret_env", &self.client_secret_env)
            .field(
                "client_secret_command",
                &self.client_secret_command.as_ref().map(|_| "<command>"),
            )
            .field("account", &self.account)
            .finish_non_exhaustive()
    }
}

impl Config {
    pub(super) fn validate_oauth2(&self) -> anyhow::Result<()> {
        let imap = self.imap.as_ref().filter(|i| i.auth == AuthKind::Oauth2);
        let smtp = self.smtp.as_ref().filter(|s| s.auth == AuthKind::Oauth2);
        if (imap.is_some() || smtp.is_some()) && self.oauth2.is_none() {
            bail!("auth = \"oauth2\" needs an [oauth2] section (provider, client_id): see the README, OAuth2");
        }
        if let Some(s) = smtp {
            if s.username.is_none() {
                bail!("[smtp] auth = \"oauth2\" needs [smtp] username (the mailbox that signs in)");
            }
        }
        if let (Some(i), Some(s)) = (imap, smtp) {
            if Some(&i.username) != s.username.as_ref() {
                bail!("[imap] and [smtp] both use the one [oauth2] sign-in: their username must be the same");
            }
        }
        if let Some(o) = &self.oauth2 {
            self.oauth_settings(o)?;
        }
        Ok(())
    }

    /// The `[oauth2]` settings resolved: the preset's endpoints and scopes (overridden by any
    /// given), the account, the token file. The client secret is read later, when needed.
    pub fn oauth_settings(&self, o: &OAuth2) -> anyhow::Result<crate::net::oauth::OAuthSettings> {
        use crate::net::oauth::{provider, ProviderKind};
        let tenant = o.tenant.as_deref().unwrap_or("organizations");
        let preset = provider::preset(o.provider, tenant);
        let need = |given: &Option<String>, preset: Option<String>, key: &str| {
            given.clone().or(preset).with_context(|| {
                format!("[oauth2] provider = \"generic\" needs {key} (the provider's endpoint URL)")
            })
        };
        let endpoints = provider::Endpoints {
            authorize: o
                .authorize_url
                .clone()
                .or_else(|| preset.as_ref().and_then(|p| p.authorize.clone())),
            device: need(
                &o.device_url,
                preset.as_ref().map(|p| p.device.clone()),
                "device_url",
            )?,
            token: need(
                &o.token_url,
                preset.as_ref().map(|p| p.token.clone()),
                "token_url",
            )?,
            revocation: o
                .revocation_url
                .clone()
                .or_else(|| preset.as_ref().and_then(|p| p.revocation.clone())),
            scopes: preset
                .as_ref()
                .map(|p| p.scopes.clone())
                .unwrap_or_default(),
        };
        for url in [
            Some(&endpoints.device),
            Some(&endpoints.token),
            endpoints.revocation.as_ref(),
        ]
        .into_iter()
        .flatten()
        {
            let parsed = oauth2::url::Url::parse(url)
                .with_context(|| format!("[oauth2] {url} is not a URL"))?;
            crate::net::oauth::http::target(&parsed)
                .map_err(|e| anyhow::anyhow!("[oauth2] {e}"))?;
        }
        let scopes = o.scopes.clone().unwrap_or_else(|| endpoints.scopes.clone());
        if scopes.is_empty() && o.provider == ProviderKind::Generic {
            bail!("[oauth2] provider = \"generic\" needs scopes (what the mail servers ask for)");
        }
        let account = o
            .account
            .clone()
            .or_else(|| self.imap.as_ref().map(|i| i.username.clone()))
            .or_else(|| self.smtp.as_ref().and_then(|s| s.username.clone()))
            .context(
                "[oauth2] needs account (the mailbox login), or an [imap] or [smtp] username",
            )?;
        let secret = Password::named(
            "oauth2",
            "client_secret",
            PasswordSource {
                password_env: o.client_secret_env.clone(),
                password_command: o.client_secret_command.clone(),
            },
        );
        let client_secret = (o.client_secret_env.is_some() || o.client_secret_command.is_some())
            .then(|| {
                crate::net::oauth::provider::LazySecret(std::sync::Arc::new(move || {
                    secret.get().map_err(|e| format!("{e:#}"))
                }))
            });
        Ok(crate::net::oauth::OAuthSettings {
            provider: o.provider,
            client_id: o.client_id.clone(),
            client_secret,
            endpoints,
            scopes,
            account,
            mechanism: o.mechanism,
            token_file: o
                .token_file
                .as_ref()
                .map(|p| self.resolve(p))
                .unwrap_or_else(|| self.data_dir().join("oauth2-token.json")),
            ca_cert: o.ca_cert.as_ref().map(|p| self.resolve(p)),
        })
    }
}
