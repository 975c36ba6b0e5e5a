//! The OAuth2 exchanges, through the `oauth2` crate over our own HTTP client ([`super::http`]):
//! the device authorisation grant (RFC 8628), the authorisation-code grant with PKCE (RFC 7636)
//! and a loopback redirect (RFC 8252, [`super::redirect`]) for providers whose device grant
//! cannot give the mail scope (Google), the refresh grant (RFC 6749 6) and revocation
//! (RFC 7009). Errors never carry a token: the provider's error code and description only.

use std::time::Duration;

use chrono::{DateTime, Utc};
use oauth2::basic::{BasicClient, BasicErrorResponseType, BasicTokenResponse};
use oauth2::{
    AuthUrl, AuthorizationCode, ClientId, ClientSecret, CsrfToken, DeviceAuthorizationUrl,
    DeviceCodeErrorResponseType, EndpointMaybeSet, EndpointNotSet, EndpointSet, EndpointState,
    ErrorResponse, PkceCodeChallenge, RedirectUrl, RefreshToken, RequestTokenError, RevocationUrl,
    Scope, StandardDeviceAuthorizationResponse, TokenResponse, TokenUrl,
};
use secrecy::ExposeSecret;

use super::http::{self, HttpError};
use super::provider::{OAuthSettings, ProviderKind};
use super::redirect::Redirect;
use super::store::Tokens;
use super::OAuthError;

type Client =
    BasicClient<EndpointNotSet, EndpointSet, EndpointNotSet, EndpointMaybeSet, EndpointSet>;
/// A client for the authorisation-code grant: the authorize and token endpoints.
type CodeClient =
    BasicClient<EndpointSet, EndpointNotSet, EndpointNotSet, EndpointNotSet, EndpointSet>;

fn bad_url(what: &str, e: oauth2::url::ParseError) -> OAuthError {
    OAuthError::Config(format!("[oauth2] {what} is not a URL: {e}"))
}

/// The client secret, when the settings name one (read now, once per process).
fn with_secret<A, D, I, R, T>(
    c: BasicClient<A, D, I, R, T>,
    s: &OAuthSettings,
) -> Result<BasicClient<A, D, I, R, T>, OAuthError>
where
    A: EndpointState,
    D: EndpointState,
    I: EndpointState,
    R: EndpointState,
    T: EndpointState,
{
    if let Some(secret) = &s.client_secret {
        if let Some(secret) = (secret.0)().map_err(OAuthError::Config)? {
            return Ok(c.set_client_secret(ClientSecret::new(secret.expose_secret().to_owned())));
        }
    }
    Ok(c)
}

/// How long an access token lives when the provider does not say (RFC 6749 makes
/// `expires_in` optional); short, so that a token is refreshed rather than refused.
const DEFAULT_LIFETIME: Duration = Duration::from_secs(600);

fn client(s: &OAuthSettings) -> Result<Client, OAuthError> {
    let bad = bad_url;
    let c = BasicClient::new(ClientId::new(s.client_id.clone()))
        .set_device_authorization_url(
            DeviceAuthorizationUrl::new(s.endpoints.device.clone())
                .map_err(|e| bad("device_url", e))?,
        )
        .set_token_uri(TokenUrl::new(s.endpoints.token.clone()).map_err(|e| bad("token_url", e))?)
        .set_revocation_url_option(
            s.endpoints
                .revocation
                .clone()
                .map(RevocationUrl::new)
                .transpose()
                .map_err(|e| bad("revocation_url", e))?,
        );
    with_secret(c, s)
}

fn code_client(s: &OAuthSettings) -> Result<CodeClient, OAuthError> {
    let authorize = s.endpoints.authorize.clone().ok_or_else(|| {
        OAuthError::Config(
            "[oauth2] a browser sign-in needs authorize_url (the provider's authorization endpoint)"
                .into(),
        )
    })?;
    let c = BasicClient::new(ClientId::new(s.client_id.clone()))
        .set_auth_uri(AuthUrl::new(authorize).map_err(|e| bad_url("authorize_url", e))?)
        .set_token_uri(
            TokenUrl::new(s.endpoints.token.clone()).map_err(|e| bad_url("token_url", e))?,
        );
    with_secret(c, s)
}

/// The HTTP client the `oauth2` crate calls, with the settings' extra CA certificate.
fn http_client(
    s: &OAuthSettings,
) -> impl Fn(
    oauth2::HttpRequest,
) -> std::pin::Pin<
    Box<dyn std::future::Future<Output = Result<oauth2::HttpResponse, HttpError>> + Send>,
> + '_ {
    move |request| Box::pin(http::send(request, s.ca_cert.clone()))
}

/// What the person must do to sign in: open `url`, enter `code`.
#[derive(Debug, Clone)]
pub struct DevicePrompt {
    pub url: String,
    pub code: String,
    /// A URL that carries the code already (where the provider gives one).
    pub url_complete: Option<String>,
    pub expires_in: Duration,
}

/// Runs the device authorisation grant: asks for a code, hands it to `show`, then polls the
/// token endpoint at the interval the provider asks for until the person has signed in (or
/// refused, or the code expired). Returns the tokens, not yet saved.
pub async fn device_login(
    s: &OAuthSettings,
    now: impl Fn() -> DateTime<Utc>,
    show: impl FnOnce(&DevicePrompt) -> std::io::Result<()>,
) -> Result<Tokens, OAuthError> {
    let client = client(s)?;
    let http = http_client(s);
    let details: StandardDeviceAuthorizationResponse = client
        .exchange_device_code()
        .add_scopes(s.scopes.iter().cloned().map(Scope::new))
        .request_async(&http)
        .await
        .map_err(|e| request_error("the device authorisation request", e))?;
    let prompt = DevicePrompt {
        url: details.verification_uri().to_string(),
        code: details.user_code().secret().clone(),
        url_complete: details
            .verification_uri_complete()
            .map(|u| u.secret().clone()),
        expires_in: details.expires_in(),
    };
    show(&prompt).map_err(|e| OAuthError::Config(format!("cannot show the sign-in code: {e}")))?;
    let token = client
        .exchange_device_access_token(&details)
        .request_async(&http, tokio::time::sleep, Some(details.expires_in()))
        .await
        .map_err(device_error)?;
    tokens_from(s, &token, None, now())
}

/// What the person must do to sign in in a browser: open `url`; the provider then sends the
/// browser back to `redirect` (this process, on loopback) within `timeout`.
#[derive(Debug, Clone)]
pub struct BrowserPrompt {
    pub url: String,
    pub redirect: String,
    pub timeout: Duration,
}

/// Runs the authorisation-code grant with PKCE (S256) and a loopback redirect: listens on
/// 127.0.0.1 at a free port, hands the provider's sign-in URL to `show`, waits (at most
/// `timeout`) for the redirect that carries the code and our `state`, then trades the code
/// and the PKCE verifier for tokens. Returns the tokens, not yet saved.
pub async fn browser_login(
    s: &OAuthSettings,
    now: impl Fn() -> DateTime<Utc>,
    timeout: Duration,
    show: impl FnOnce(&BrowserPrompt) -> std::io::Result<()>,
) -> Result<Tokens, OAuthError> {
    let client = code_client(s)?;
    let redirect = Redirect::bind().await?;
    let redirect_url = RedirectUrl::new(redirect.uri()).map_err(|e| bad_url("redirect", e))?;
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let mut request = client
        .authorize_url(CsrfToken::new_random)
        .add_scopes(s.scopes.iter().cloned().map(Scope::new))
        .set_pkce_challenge(challenge)
        .set_redirect_uri(std::borrow::Cow::Borrowed(&redirect_url))
        .add_extra_param("login_hint", &s.account);
    if s.provider == ProviderKind::Google {
        // Google gives a refresh token only when asked for offline access, and again only
        // with the consent screen shown.
        request = request
            .add_extra_param("access_type", "offline")
            .add_extra_param("prompt", "consent");
    }
    let (url, state) = request.url();
    show(&BrowserPrompt {
        url: url.to_string(),
        redirect: redirect.uri(),
        timeout,
    })
    .map_err(|e| OAuthError::Config(format!("cannot show the sign-in address: {e}")))?;
    let code = tokio::time::timeout(timeout, redirect.code(state.secret()))
        .await
        .map_err(|_| {
            OAuthError::Provider(format!(
                "no sign-in came back from the browser within {} s: run `foi auth login` again \
                 and finish the sign-in in the browser",
                timeout.as_secs()
            ))
        })??;
    let http = http_client(s);
    let token = client
        .exchange_code(AuthorizationCode::new(code))
        .set_pkce_verifier(verifier)
        .set_redirect_uri(std::borrow::Cow::Borrowed(&redirect_url))
        .request_async(&http)
        .await
        .map_err(|e| request_error("the sign-in's code exchange", e))?;
    tokens_from(s, &token, None, now())
}

/// Trades the refresh token for a new access token (and, where the provider rotates them, a new
/// refresh token). A refusal (`invalid_grant`: revoked, expired, password changed) is
/// [`OAuthError::Revoked`].
pub async fn refresh(
    s: &OAuthSettings,
    old: &Tokens,
    now: DateTime<Utc>,
) -> Result<Tokens, OAuthError> {
    let refresh = old
        .refresh_token
        .as_ref()
        .ok_or_else(|| OAuthError::Revoked {
            account: old.account.clone(),
            reason: "the provider gave no refresh token at sign-in".into(),
        })?;
    let client = client(s)?;
    let http = http_client(s);
    let token = client
        .exchange_refresh_token(&RefreshToken::new(refresh.expose_secret().to_owned()))
        .request_async(&http)
        .await
        .map_err(|e| match e {
            RequestTokenError::ServerResponse(r)
                if *r.error() == BasicErrorResponseType::InvalidGrant =>
            {
                OAuthError::Revoked {
                    account: old.account.clone(),
                    reason: describe(r.error().as_ref(), r.error_description()),
                }
            }
            other => request_error("the token refresh", other),
        })?;
    let mut fresh = tokens_from(s, &token, Some(old), now)?;
    // Keep the scopes granted at sign-in when the refresh answer does not list them.
    if token.scopes().is_none() {
        fresh.scopes = old.scopes.clone();
    }
    Ok(fresh)
}

/// Asks the provider to revoke the refresh token (RFC 7009), where it has an endpoint for it.
/// `Ok(false)`: the provider has none.
pub async fn revoke(s: &OAuthSettings, tokens: &Tokens) -> Result<bool, OAuthError> {
    let Some(refresh) = &tokens.refresh_token else {
        return Ok(false);
    };
    let Some(url) = &s.endpoints.revocation else {
        return Ok(false);
    };
    // (by hand: the oauth2 crate refuses a revocation URL that is not https, which the
    // loopback test provider is; ours allows plain http on loopback only, see `http::target`)
    let mut form = oauth2::url::form_urlencoded::Serializer::new(String::new());
    form.append_pair("token", refresh.expose_secret())
        .append_pair("token_type_hint", "refresh_token")
        .append_pair("client_id", &s.client_id);
    if let Some(secret) = &s.client_secret {
        if let Some(secret) = (secret.0)().map_err(OAuthError::Config)? {
            form.append_pair("client_secret", secret.expose_secret());
        }
    }
    let request = oauth2::http::Request::builder()
        .method("POST")
        .uri(url.as_str())
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("Accept", "application/json")
        .body(form.finish().into_bytes())
        .map_err(|e| OAuthError::Config(format!("[oauth2] revocation_url: {e}")))?;
    let answer = http::send(request, s.ca_cert.clone())
        .await
        .map_err(|e| OAuthError::Provider(format!("the revocation request failed: {e}")))?;
    if answer.status() != 200 {
        return Err(OAuthError::Provider(format!(
            "the provider refused the revocation (HTTP {})",
            answer.status()
        )));
    }
    Ok(true)
}

fn tokens_from(
    s: &OAuthSettings,
    token: &BasicTokenResponse,
    old: Option<&Tokens>,
    now: DateTime<Utc>,
) -> Result<Tokens, OAuthError> {
    let lifetime = token.expires_in().unwrap_or(DEFAULT_LIFETIME);
    let lifetime = chrono::Duration::from_std(lifetime)
        .unwrap_or(chrono::Duration::days(1))
        .min(chrono::Duration::days(366));
    let refresh_token = token
        .refresh_token()
        .map(|r| r.secret().clone().into())
        .or_else(|| old.and_then(|o| o.refresh_token.clone()));
    Ok(Tokens {
        account: s.account.clone(),
        provider: s.provider.as_str().to_owned(),
        scopes: token
            .scopes()
            .map(|v| v.iter().map(|s| s.to_string()).collect())
            .unwrap_or_else(|| s.scopes.clone()),
        access_token: token.access_token().secret().clone().into(),
        refresh_token,
        obtained_at: now,
        expires_at: now + lifetime,
    })
}

fn describe(code: &str, description: Option<&String>) -> String {
    match description {
        // bounded: a provider's text is not ours to print at any length
        Some(d) => format!("{code}: {}", d.chars().take(200).collect::<String>()),
        None => code.to_owned(),
    }
}

fn request_error<T: ErrorResponse + 'static>(
    what: &str,
    e: RequestTokenError<HttpError, T>,
) -> OAuthError {
    match e {
        RequestTokenError::Request(h) if h.is_transient() => {
            OAuthError::Unreachable(format!("{what} failed: {h}"))
        }
        RequestTokenError::Request(h) => OAuthError::Provider(format!("{what} failed: {h}")),
        // The error's Display names the error code and description only.
        RequestTokenError::ServerResponse(r) => {
            OAuthError::Provider(format!("the provider refused {what}: {r}"))
        }
        // (never the body, which may hold a token)
        RequestTokenError::Parse(e, _body) => OAuthError::Provider(format!(
            "{what}: the provider's answer is not what OAuth2 specifies (at {})",
            e.path()
        )),
        RequestTokenError::Other(m) => OAuthError::Provider(format!("{what}: {m}")),
    }
}

fn device_error(e: RequestTokenError<HttpError, oauth2::DeviceCodeErrorResponse>) -> OAuthError {
    if let RequestTokenError::ServerResponse(r) = &e {
        match r.error() {
            DeviceCodeErrorResponseType::AccessDenied => return OAuthError::Provider(
                "the sign-in was refused at the provider: run `foi auth login` again and accept"
                    .into(),
            ),
            DeviceCodeErrorResponseType::ExpiredToken => {
                return OAuthError::Provider(
                    "the sign-in code expired before it was used: run `foi auth login` again"
                        .into(),
                )
            }
            _ => {}
        }
    }
    request_error("the sign-in", e)
}

/// What a provider's raw HTTP answer holds, as the flows would read it: used by the fuzz
/// target (`oauth_answers`) to drive the same parsers (ours for HTTP, the `oauth2` crate's
/// serde types for the JSON) with hostile bytes.
#[derive(Debug, PartialEq, Eq)]
pub enum ProviderAnswer {
    Token { expires_in: Option<u64> },
    Device { interval_secs: u64 },
    Error(String),
    Other(u16),
}

/// Parses one raw answer. Never panics.
pub fn read_answer(raw: &[u8]) -> Result<ProviderAnswer, String> {
    let response = http::parse_response(raw)?;
    let body = response.body();
    if let Ok(t) = serde_json::from_slice::<BasicTokenResponse>(body) {
        return Ok(ProviderAnswer::Token {
            expires_in: t.expires_in().map(|d| d.as_secs()),
        });
    }
    if let Ok(d) = serde_json::from_slice::<StandardDeviceAuthorizationResponse>(body) {
        return Ok(ProviderAnswer::Device {
            interval_secs: d.interval().as_secs(),
        });
    }
    if let Ok(e) = serde_json::from_slice::<oauth2::basic::BasicErrorResponse>(body) {
        return Ok(ProviderAnswer::Error(e.error().as_ref().to_owned()));
    }
    Ok(ProviderAnswer::Other(response.status().as_u16()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_of_a_provider_are_read() {
        let ok = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n{\"access_token\":\"a\",\"token_type\":\"Bearer\",\"expires_in\":3599,\"refresh_token\":\"r\"}";
        assert_eq!(
            read_answer(ok).unwrap(),
            ProviderAnswer::Token {
                expires_in: Some(3599)
            }
        );
        let pending = b"HTTP/1.1 400 Bad Request\r\nContent-Length: 27\r\n\r\n{\"error\":\"invalid_grant\"}\r\n";
        assert_eq!(
            read_answer(pending).unwrap(),
            ProviderAnswer::Error("invalid_grant".into())
        );
        let device = b"HTTP/1.1 200 OK\r\n\r\n{\"device_code\":\"d\",\"user_code\":\"u\",\"verification_uri\":\"https://x.example/d\",\"expires_in\":900,\"interval\":5}";
        assert_eq!(
            read_answer(device).unwrap(),
            ProviderAnswer::Device { interval_secs: 5 }
        );
        assert_eq!(
            read_answer(b"HTTP/1.1 502 Bad Gateway\r\n\r\n<html>").unwrap(),
            ProviderAnswer::Other(502)
        );
    }
}
