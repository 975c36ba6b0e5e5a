//! `foi auth login [--provider P]`: the device authorisation grant (RFC 8628).

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
        let tokens = flow::device_login(&settings, crate::net::oauth::wall_clock, |p| {
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
