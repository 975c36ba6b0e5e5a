//! Provider presets (Microsoft 365, Google Workspace) and the generic provider whose endpoints
//! come from the configuration; the SASL mechanism the mail servers are spoken to with.

use std::path::PathBuf;

use secrecy::SecretString;

/// Who issues the tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ProviderKind {
    /// Microsoft 365 / Exchange Online (Entra ID, v2.0 endpoints).
    Microsoft,
    /// Google Workspace and Gmail.
    Google,
    /// Any RFC 8628 provider: every endpoint from the configuration.
    Generic,
}

impl ProviderKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ProviderKind::Microsoft => "microsoft",
            ProviderKind::Google => "google",
            ProviderKind::Generic => "generic",
        }
    }
}

/// The SASL mechanism that carries the access token to IMAP and SMTP.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Sasl {
    /// Google's and Microsoft's `XOAUTH2`.
    #[default]
    Xoauth2,
    /// RFC 7628 `OAUTHBEARER`.
    Oauthbearer,
}

impl Sasl {
    /// The mechanism's name in `AUTHENTICATE` / `AUTH`.
    pub fn name(self) -> &'static str {
        match self {
            Sasl::Xoauth2 => "XOAUTH2",
            Sasl::Oauthbearer => "OAUTHBEARER",
        }
    }
}

/// A provider's endpoints and default scopes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoints {
    pub authorize: Option<String>,
    pub device: String,
    pub token: String,
    pub revocation: Option<String>,
    pub scopes: Vec<String>,
}

/// Scopes Microsoft 365 needs for IMAP and SMTP AUTH, and a refresh token.
pub const MICROSOFT_SCOPES: [&str; 3] = [
    "https://outlook.office.com/IMAP.AccessAsUser.All",
    "https://outlook.office.com/SMTP.Send",
    "offline_access",
];
/// Google's one scope for IMAP and SMTP.
pub const GOOGLE_SCOPES: [&str; 1] = ["https://mail.google.com/"];

/// The preset endpoints of `kind` (`tenant` is Microsoft's directory: `organizations`, or the
/// tenant's id or domain). `None` for the generic provider, which has no preset.
pub fn preset(kind: ProviderKind, tenant: &str) -> Option<Endpoints> {
    let owned = |s: &[&str]| s.iter().map(|s| (*s).to_owned()).collect();
    match kind {
        ProviderKind::Microsoft => {
            let base = format!("https://login.microsoftonline.com/{tenant}/oauth2/v2.0");
            Some(Endpoints {
                authorize: Some(format!("{base}/authorize")),
                device: format!("{base}/devicecode"),
                token: format!("{base}/token"),
                // Microsoft has no RFC 7009 endpoint: a sign-in is ended in the account's settings.
                revocation: None,
                scopes: owned(&MICROSOFT_SCOPES),
            })
        }
        ProviderKind::Google => Some(Endpoints {
            authorize: Some("https://accounts.google.com/o/oauth2/v2/auth".into()),
            device: "https://oauth2.googleapis.com/device/code".into(),
            token: "https://oauth2.googleapis.com/token".into(),
            revocation: Some("https://oauth2.googleapis.com/revoke".into()),
            scopes: owned(&GOOGLE_SCOPES),
        }),
        ProviderKind::Generic => None,
    }
}

/// A secret read when first needed (`Ok(None)`: none configured); `Debug` never shows it.
#[derive(Clone)]
pub struct LazySecret(
    pub std::sync::Arc<dyn Fn() -> Result<Option<SecretString>, String> + Send + Sync>,
);

impl std::fmt::Debug for LazySecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LazySecret(..)")
    }
}

/// Everything the OAuth2 flows and the token refresh need, resolved from `[oauth2]`.
#[derive(Debug, Clone)]
pub struct OAuthSettings {
    pub provider: ProviderKind,
    pub client_id: String,
    /// Some providers (Google) want a client secret even for a device sign-in: read when a
    /// flow first needs it (a command that never talks to the provider never runs its command).
    pub client_secret: Option<LazySecret>,
    pub endpoints: Endpoints,
    /// The scopes asked for.
    pub scopes: Vec<String>,
    /// The mailbox login the tokens are for (SASL's user).
    pub account: String,
    pub mechanism: Sasl,
    /// Where the tokens are kept (mode 0600).
    pub token_file: PathBuf,
    /// Extra root certificates for the provider's HTTPS (as for the mail servers).
    pub ca_cert: Option<PathBuf>,
}

/// The SASL `XOAUTH2` initial response (before base64).
pub fn xoauth2(user: &str, token: &str) -> String {
    format!("user={user}\x01auth=Bearer {token}\x01\x01")
}

/// The RFC 7628 `OAUTHBEARER` initial response (before base64): the GS2 header with the
/// authorisation identity (`,` and `=` escaped), then host, port and the bearer token.
pub fn oauthbearer(user: &str, host: &str, port: u16, token: &str) -> String {
    let user = user.replace('=', "=3D").replace(',', "=2C");
    format!("n,a={user},\x01host={host}\x01port={port}\x01auth=Bearer {token}\x01\x01")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sasl_initial_responses() {
        assert_eq!(
            xoauth2("foi@example.org", "tok"),
            "user=foi@example.org\x01auth=Bearer tok\x01\x01"
        );
        assert_eq!(
            oauthbearer("a,b=c@example.org", "127.0.0.1", 143, "tok"),
            "n,a=a=2Cb=3Dc@example.org,\x01host=127.0.0.1\x01port=143\x01auth=Bearer tok\x01\x01"
        );
    }

    #[test]
    fn presets_name_https_endpoints_and_mail_scopes() {
        let ms = preset(ProviderKind::Microsoft, "organizations").unwrap();
        assert_eq!(
            ms.device,
            "https://login.microsoftonline.com/organizations/oauth2/v2.0/devicecode"
        );
        assert!(ms.scopes.iter().any(|s| s == "offline_access"));
        let g = preset(ProviderKind::Google, "").unwrap();
        assert_eq!(g.scopes, ["https://mail.google.com/"]);
        assert!(preset(ProviderKind::Generic, "").is_none());
    }
}
