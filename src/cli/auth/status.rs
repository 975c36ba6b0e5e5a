//! `foi auth status [--json]`: the stored sign-in, without showing a token.

use crate::cli::{App, Printer};
use crate::net::oauth::{store::StoreError, wall_clock, Tokens};
use clap::Args;
use serde::Serialize;
use std::io::Write;

#[derive(Debug, Args)]
pub struct StatusCommand {
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Serialize)]
struct Status {
    signed_in: bool,
    account: String,
    provider: String,
    scopes: Vec<String>,
    expires_at: Option<chrono::DateTime<chrono::Utc>>,
    expired: bool,
    has_refresh_token: bool,
    token_file: String,
}

impl StatusCommand {
    pub async fn execute(self, app: &App, out: &mut Printer) -> anyhow::Result<()> {
        let source = super::source(app)?;
        let settings = source.settings();
        let file = settings.token_file.display().to_string();
        let status = match Tokens::load(&settings.token_file) {
            Ok(t) => Status {
                signed_in: true,
                expired: t.expires_at <= wall_clock(),
                has_refresh_token: t.refresh_token.is_some(),
                account: t.account,
                provider: t.provider,
                scopes: t.scopes,
                expires_at: Some(t.expires_at),
                token_file: file,
            },
            Err(StoreError::Missing(_)) => Status {
                signed_in: false,
                account: settings.account.clone(),
                provider: settings.provider.as_str().into(),
                scopes: Vec::new(),
                expires_at: None,
                expired: false,
                has_refresh_token: false,
                token_file: file,
            },
            Err(e) => return Err(e.into()),
        };
        if self.json {
            return Ok(out.json(&status)?);
        }
        if !status.signed_in {
            writeln!(
                out,
                "{} is not signed in ({}): run `foi auth login`",
                status.account, status.provider
            )?;
            return Ok(());
        }
        let when = status
            .expires_at
            .map(|t| t.format("%Y-%m-%d %H:%M:%S UTC").to_string())
            .unwrap_or_default();
        writeln!(out, "account:   {}", status.account)?;
        writeln!(out, "provider:  {}", status.provider)?;
        writeln!(out, "scopes:    {}", status.scopes.join(" "))?;
        writeln!(
            out,
            "expires:   {when}{}",
            if status.expired {
                " (expired: foi refreshes it when it next logs in)"
            } else {
                " (foi refreshes it before then)"
            }
        )?;
        writeln!(
            out,
            "refresh:   {}",
            if status.has_refresh_token {
                "kept"
            } else {
                "none: sign in again when the access token expires"
            }
        )?;
        writeln!(out, "file:      {}", status.token_file)?;
        Ok(())
    }
}
