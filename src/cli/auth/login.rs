//! `foi auth login [--provider P] [--browser | --device] [--timeout SECS]`: the device
//! authorisation grant (RFC 8628), or for Google (whose device grant cannot give the mail
//! scope) the browser sign-in: the authorisation-code grant with PKCE and a loopback redirect.

use crate::cli::{App, Printer};
use crate::net::oauth::{flow, provider, ProviderKind};
use clap::Args;
use std::io::Write;

#[derive(Debug, Args)]
pub struct LoginCommand {
    /// Sign in with this provider instead of `[oauth2] provider`: microsoft or google (their
    /// preset endpoints and scopes), or generic (the endpoints in `[oauth2]`).
    #[arg(long, value_parser = parse_provider)]
    pub provider: Option<ProviderKind>,
    /// Sign in in a browser (the authorisation-code grant with PKCE; foi listens on
    /// 127.0.0.1 for the provider's redirect). The default for Google.
    #[arg(long, conflicts_with = "device")]
    pub browser: bool,
    /// Sign in with a code shown here (the device grant). The default except for Google.
    #[arg(long)]
    pub device: bool,
    /// How long a browser sign-in may take, in seconds.
    #[arg(long, default_value_t = 300, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub timeout: u64,
}

fn parse_provider(s: &str) -> Result<ProviderKind, String> {
    match s {
        "microsoft" => Ok(ProviderKind::Microsoft),
        "google" => Ok(ProviderKind::Google),
        "generic" => Ok(ProviderKind::Generic),
        other => Err(format!(
            "unknown provider {other:?}: use microsoft, google or generic"
        )),
    }
}

impl LoginCommand {
    pub async fn execute(self, app: &App, out: &mut Printer) -> anyhow::Result<()> {
        let source = super::source(app)?;
        let mut settings = source.settings().clone();
        if let Some(kind) = self.provider.filter(|k| *k != settings.provider) {
            let preset = provider::preset(kind, "organizations").ok_or_else(|| {
                anyhow::anyhow!(
                    "--provider generic needs its endpoints in [oauth2] (device_url, token_url): \
                     set [oauth2] provider = \"generic\" there"
                )
            })?;
            settings.provider = kind;
            settings.scopes = preset.scopes.clone();
            settings.endpoints = preset;
        }
        let browser = self.browser || (settings.provider == ProviderKind::Google && !self.device);
        let tokens = if browser {
            let timeout = std::time::Duration::from_secs(self.timeout);
            flow::browser_login(&settings, crate::net::oauth::wall_clock, timeout, |p| {
                // (stderr: an instruction for the person at the terminal; at once)
                let mut err = std::io::stderr().lock();
                writeln!(
                    err,
                    "To sign in {} with {}, open this address in a browser:\n{}\n(foi waits up to {} s for the provider to send the browser back to {})",
                    settings.account,
                    settings.provider.as_str(),
                    p.url,
                    p.timeout.as_secs(),
                    p.redirect
                )?;
                err.flush()
            })
            .await?
        } else {
            device(&settings).await?
        };
        tokens.save(&settings.token_file)?;
        writeln!(
            out,
            "signed in as {} ({}); scopes: {}; the refresh token is kept in {} (readable only by you)",
            tokens.account,
            tokens.provider,
            tokens.scopes.join(" "),
            settings.token_file.display()
        )?;
        Ok(())
    }
}

/// The device sign-in: the code and its address shown on stderr.
async fn device(
    settings: &crate::net::oauth::OAuthSettings,
) -> anyhow::Result<crate::net::oauth::Tokens> {
    let tokens = flow::device_login(settings, crate::net::oauth::wall_clock, |p| {
        // (stderr: an instruction for the person at the terminal, not data; at once)
        let mut err = std::io::stderr().lock();
        writeln!(
            err,
            "To sign in {} with {}, open {}\nand enter the code {}\n(the code is valid for {} minutes; waiting for you ...)",
            settings.account,
            settings.provider.as_str(),
            p.url,
            p.code,
            p.expires_in.as_secs().div_ceil(60)
        )?;
        err.flush()
    })
    .await?;
    Ok(tokens)
}
