//! `foi auth logout`: delete the stored tokens, revoking the refresh token first where the
//! provider has a revocation endpoint (a failed revocation does not keep the file).

use crate::cli::{App, Printer};
use crate::net::oauth::{flow, store::StoreError, Tokens};
use clap::Args;
use std::io::Write;

#[derive(Debug, Args)]
pub struct LogoutCommand {}

impl LogoutCommand {
    pub async fn execute(self, app: &App, out: &mut Printer) -> anyhow::Result<()> {
        let source = super::source(app)?;
        let settings = source.settings();
        let tokens = match Tokens::load(&settings.token_file) {
            Ok(t) => Some(t),
            Err(StoreError::Missing(_)) => None,
            // a damaged file is deleted all the same
            Err(_) => None,
        };
        let revoked = match &tokens {
            Some(t) => match flow::revoke(settings, t).await {
                Ok(done) => done,
                Err(e) => {
                    eprintln!("warning: the provider did not revoke the sign-in ({e}); the tokens are deleted here all the same");
                    false
                }
            },
            None => false,
        };
        let deleted = Tokens::delete(&settings.token_file)?;
        if deleted {
            writeln!(
                out,
                "signed out {}: deleted {}{}",
                settings.account,
                settings.token_file.display(),
                if revoked {
                    "; the provider revoked the refresh token"
                } else {
                    ""
                }
            )?;
        } else {
            writeln!(out, "{} was not signed in", settings.account)?;
        }
        Ok(())
    }
}
