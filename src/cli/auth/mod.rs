//! `foi auth`: the OAuth2 sign-in of the campaign mailbox (`[oauth2]`): `login` (the device
//! sign-in), `status` (account, scopes, expiry), `logout` (delete the stored tokens).

mod login;
mod logout;
mod status;

use super::{App, Printer};
use clap::Subcommand;
use std::sync::Arc;

#[derive(Debug, Subcommand)]
pub enum AuthCommand {
    /// Sign in with the provider's device sign-in: shows a code and a web address, waits
    /// until you have entered the code there and agreed, then keeps the refresh token
    /// (readable only by you; never logged).
    Login(login::LoginCommand),
    /// Whose mailbox is signed in, the scopes granted and when the access token expires.
    Status(status::StatusCommand),
    /// Delete the stored tokens (and revoke the refresh token where the provider allows it).
    Logout(logout::LogoutCommand),
}

impl AuthCommand {
    pub async fn execute(self, app: &App, out: &mut Printer) -> anyhow::Result<()> {
        match self {
            Self::Login(c) => c.execute(app, out).await,
            Self::Status(c) => c.execute(app, out).await,
            Self::Logout(c) => c.execute(app, out).await,
        }
    }
}

/// The configured sign-in, or the sentence saying how to configure one.
fn source(app: &App) -> anyhow::Result<Arc<crate::net::oauth::TokenSource>> {
    app.settings.oauth.clone().ok_or_else(|| {
        anyhow::anyhow!(
            "no [oauth2] section in the configuration: add one (provider, client_id) and set \
             auth = \"oauth2\" in [imap] and [smtp]; see the README, OAuth2"
        )
    })
}
