//! Who is asking: passwords (argon2 PHC strings), sessions, CSRF tokens, roles and the
//! sign-in rate limit.
//!
//! - A session is a random 256-bit cookie value; the store keeps only its SHA-256, so a
//!   copy of the database signs nobody in. The cookie is `HttpOnly`, `SameSite=Strict`,
//!   and `Secure` with `--secure-cookies`.
//! - Every POST goes through [`Form`]: it needs a live session, and the form's `csrf` field
//!   must equal the session's synchronizer token (compared in constant time); a viewer's
//!   POST is refused (403) there, so no handler can forget it. The sign-in form, before
//!   any session exists, carries a double-submit token instead (a cookie and a field).
//! - Sign-in: at most [`MAX_FAILURES_PER_USER`] failed attempts per user name from one
//!   client address, [`MAX_FAILURES_PER_ADDRESS`] per address and
//!   [`MAX_FAILURES_PER_USER_ANYWHERE`] per user name from all addresses together, in
//!   [`FAILURE_WINDOW_MINUTES`] minutes; then the form says to wait (`foi users unlock`
//!   lifts a user's lock). An attempt is counted before its password is checked, in one
//!   transaction, so parallel guesses cannot slip under the limit; at most
//!   [`PASSWORD_CHECKS`] argon2 checks run at once (each takes ~19 MiB), so a burst
//!   queues instead of raising memory. The client address is the socket's peer, or, when
//!   that peer is one of `[web] trusted_proxies`, the last address in `X-Forwarded-For`
//!   that is not a trusted proxy.

use crate::domain::{to_hex, Role};
use crate::web::error::{html, WebError, WebResult};
use crate::web::state::WebState;
use askama::Template;
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Query, Request, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use sha2::{Digest, Sha256};
use std::net::{IpAddr, SocketAddr};

pub const SESSION_COOKIE: &str = "foi_session";
const LOGIN_COOKIE: &str = "foi_login";
pub const SESSION_HOURS: i64 = 12;
pub const MAX_FAILURES_PER_USER: i64 = 5;
pub const MAX_FAILURES_PER_ADDRESS: i64 = 10;
/// A user name guessed from many addresses locks only that user, until the window passes
/// or an admin runs `foi users unlock`.
pub const MAX_FAILURES_PER_USER_ANYWHERE: i64 = 50;
pub const FAILURE_WINDOW_MINUTES: i64 = 15;

pub use super::password_checks::{PasswordChecks, PASSWORD_CHECKS};
pub use crate::casework::users::{hash_password, verify_password};

/// A new random secret: 32 bytes, hex.
pub fn random_token() -> anyhow::Result<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("no randomness available: {e}"))?;
    Ok(to_hex(&bytes))
}

/// What the store keeps of a secret.
pub fn token_hash(token: &str) -> String {
    to_hex(&Sha256::digest(token.as_bytes()))
}

fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// A cookie's value from the request.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

fn set_cookie(state: &WebState, name: &str, value: &str, path: &str, max_age: i64) -> HeaderValue {
    let secure = if state.secure_cookies { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{name}={value}; Path={path}; Max-Age={max_age}; HttpOnly; SameSite=Strict{secure}"
    ))
    .expect("cookie text is ASCII")
}

/// The signed-in user of a request.
#[derive(Debug, Clone)]
pub struct User {
    pub id: crate::domain::UserId,
    pub name: String,
    pub role: Role,
    pub csrf: String,
}

impl User {
    /// Admin-only actions (launch, pause, resume) check this on the server.
    pub fn require_admin(&self) -> Result<(), WebError> {
        if self.role == Role::Admin {
            Ok(())
        } else {
            Err(WebError::Forbidden(
                "Only an admin can do this: ask one, or `foi users add NAME --role admin`.".into(),
            ))
        }
    }

    pub fn can_edit(&self) -> bool {
        self.role.can_edit()
    }

    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }
}

/// Where a request without a session goes: a page to the sign-in form (and back after),
/// anything else is refused.
fn unauthenticated(parts: &Parts) -> Response {
    if parts.method == Method::GET {
        let back = parts
            .uri
            .path_and_query()
            .map(|p| p.as_str())
            .unwrap_or("/");
        let next: String = form_urlencoded::byte_serialize(back.as_bytes()).collect();
        Redirect::to(&format!("/login?next={next}")).into_response()
    } else {
        WebError::Forbidden("You are not signed in (or your session ended): sign in again.".into())
            .into_response()
    }
}

impl FromRequestParts<WebState> for User {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &WebState) -> Result<Self, Response> {
        let Some(token) = cookie(&parts.headers, SESSION_COOKIE) else {
            return Err(unauthenticated(parts));
        };
        match state
            .store
            .session_user(&token_hash(token), state.clock.now())
            .await
        {
            Ok(Some(s)) => Ok(User {
                id: s.user_id,
                name: s.name,
                role: s.role,
                csrf: s.csrf_token,
            }),
            Ok(None) => Err(unauthenticated(parts)),
            Err(e) => Err(WebError::Internal(e.into()).into_response()),
        }
    }
}

/// A POSTed form from a signed-in user with the session's CSRF token. `EDIT`: the action
/// changes data, so viewers are refused.
pub struct Form<const EDIT: bool> {
    pub user: User,
    fields: Vec<(String, String)>,
    /// Files of a `multipart/form-data` form (the reply form's attachments).
    pub files: Vec<crate::web::multipart::Upload>,
}

/// A form that changes data (staff and admins).
pub type EditForm = Form<true>;

impl<const EDIT: bool> Form<EDIT> {
    /// The first value of a field, trimmed ("" when absent).
    pub fn get(&self, name: &str) -> &str {
        self.fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim())
            .unwrap_or("")
    }

    /// Every value of a repeated field (checkboxes).
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.fields
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
            .collect()
    }

    /// The fields whose names start with `prefix`, without it.
    pub fn with_prefix<'a>(&'a self, prefix: &'a str) -> impl Iterator<Item = (&'a str, &'a str)> {
        self.fields
            .iter()
            .filter_map(move |(k, v)| k.strip_prefix(prefix).map(|k| (k, v.as_str())))
    }
}

/// Forms are small; a bulk action names at most a few thousand cases.
const MAX_FORM_BYTES: usize = 1 << 20;

/// A multipart form may carry a reply's files: at most 20 MB of them, sent once with the
/// form and once more (in base64) when a previewed reply is queued.
pub const MAX_MULTIPART_BYTES: usize = 30 << 20;

impl<const EDIT: bool> FromRequest<WebState> for Form<EDIT> {
    type Rejection = Response;

    async fn from_request(req: Request, state: &WebState) -> Result<Self, Response> {
        let (mut parts, body) = req.into_parts();
        let user = User::from_request_parts(&mut parts, state).await?;
        let content_type = parts
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let multipart = crate::web::multipart::is_multipart(content_type);
        let limit = if multipart {
            MAX_MULTIPART_BYTES
        } else {
            MAX_FORM_BYTES
        };
        let bytes = axum::body::to_bytes(body, limit).await.map_err(|_| {
            let what = if multipart {
                "The form is too large: files may be 20 MB in all."
            } else {
                "The form is too large: select fewer cases."
            };
            WebError::Invalid(what.into()).into_response()
        })?;
        let (fields, files) = if multipart {
            let p = crate::web::multipart::parse(content_type, &bytes)
                .map_err(|e| WebError::Invalid(e).into_response())?;
            (p.fields, p.files)
        } else {
            let fields = form_urlencoded::parse(&bytes).into_owned().collect();
            (fields, Vec::new())
        };
        let sent = fields
            .iter()
            .find(|(k, _)| k == "csrf")
            .map(|(_, v)| v.as_str())
            .unwrap_or("");
        if !same(sent, &user.csrf) {
            return Err(WebError::Forbidden(
                "This form is out of date or did not come from this dashboard: reload the page and try again.".into(),
            )
            .into_response());
        }
        if EDIT && !user.can_edit() {
            return Err(WebError::Forbidden(
                "Viewers cannot change anything: ask an admin for a staff account.".into(),
            )
            .into_response());
        }
        Ok(Self {
            user,
            fields,
            files,
        })
    }
}

/// The client's address: the socket's peer ("unknown" without one, as in tests); when
/// the peer is a trusted proxy, the last address of `X-Forwarded-For` that is not one (the
/// one the first trusted proxy saw; anything before it the client may have written).
fn client_address(peer: Option<IpAddr>, headers: &HeaderMap, trusted: &[IpAddr]) -> String {
    let Some(peer) = peer else {
        return "unknown".into();
    };
    if !trusted.contains(&peer) {
        return peer.to_string();
    }
    let forwarded: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect();
    for entry in forwarded.iter().rev() {
        match entry.parse::<IpAddr>() {
            Ok(ip) if trusted.contains(&ip) => continue,
            Ok(ip) => return ip.to_string(),
            Err(_) => break,
        }
    }
    peer.to_string()
}

/// A user name as a log line shows it: quoted, escaped (a line break cannot forge a line),
/// and cut short.
fn shown(name: &str) -> String {
    let short: String = name.chars().take(64).collect();
    format!("{short:?}")
}

/// Only a local path (never `//host` or a scheme) is followed after signing in.
/// A browser ignores tabs and line breaks inside a URL and reads `\\` as `/`, so
/// `/\t/evil.example` is `//evil.example`: only printable ASCII without a backslash passes.
fn safe_next(next: &str) -> &str {
    let printable = next.bytes().all(|b| b.is_ascii_graphic() && b != b'\\');
    if printable && next.starts_with('/') && !next.starts_with("//") {
        next
    } else {
        "/overdue"
    }
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage<'a> {
    csrf: &'a str,
    next: &'a str,
    user: &'a str,
    error: Option<&'a str>,
}

#[derive(serde::Deserialize)]
pub struct LoginQuery {
    #[serde(default)]
    next: String,
}

fn login_form(
    state: &WebState,
    status: StatusCode,
    next: &str,
    user: &str,
    error: Option<&str>,
) -> WebResult {
    let csrf = random_token()?;
    let page = LoginPage {
        csrf: &csrf,
        next: safe_next(next),
        user,
        error,
    };
    let mut res = html(&page)?;
    *res.status_mut() = status;
    res.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(state, LOGIN_COOKIE, &csrf, "/login", 3600),
    );
    Ok(res)
}

pub async fn login_page(State(state): State<WebState>, Query(q): Query<LoginQuery>) -> WebResult {
    login_form(&state, StatusCode::OK, &q.next, "", None)
}

/// A sign-in: the form read and its CSRF token checked, the attempt counted (before the
/// password is checked), the password checked in turn, then the session made.
///
/// (Long on purpose: each step depends on the one before, and their order is the security
/// argument, which a reviewer checks by reading it top to bottom.)
pub async fn login(State(state): State<WebState>, req: Request) -> WebResult {
    let (parts, body) = req.into_parts();
    let bytes = axum::body::to_bytes(body, 64 * 1024)
        .await
        .map_err(|_| WebError::Invalid("The form is too large.".into()))?;
    let fields: Vec<(String, String)> = form_urlencoded::parse(&bytes).into_owned().collect();
    let field = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let (name, password, next) = (
        field("user").trim().to_string(),
        field("password"),
        field("next"),
    );
    let csrf_ok = cookie(&parts.headers, LOGIN_COOKIE).is_some_and(|c| same(c, &field("csrf")));
    if !csrf_ok {
        return login_form(
            &state,
            StatusCode::FORBIDDEN,
            &next,
            &name,
            Some("The sign-in form was out of date: try again."),
        );
    }
    let peer = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    let ip = client_address(peer, &parts.headers, &state.settings.web.trusted_proxies);
    let now = state.clock.now();
    let since = now - chrono::Duration::minutes(FAILURE_WINDOW_MINUTES);
    let tries = state
        .store
        .count_sign_in_attempt(&name, &ip, now, since)
        .await?;
    if tries.by_user_address > MAX_FAILURES_PER_USER
        || tries.by_address > MAX_FAILURES_PER_ADDRESS
        || tries.by_user > MAX_FAILURES_PER_USER_ANYWHERE
    {
        tracing::warn!(
            "dashboard: sign-in for {} from {ip} refused: too many failures",
            shown(&name)
        );
        return login_form(
            &state,
            StatusCode::TOO_MANY_REQUESTS,
            &next,
            &name,
            Some(&format!(
                "Too many failed sign-ins: wait {FAILURE_WINDOW_MINUTES} minutes and try again (an admin can lift the lock with `foi users unlock NAME`, or reset a forgotten password with `foi users passwd`)."
            )),
        );
    }
    let found = state.store.user_with_password(&name).await?;
    // Without such a user, verify against a fixed hash all the same: the answer takes as
    // long, so it does not tell which user names exist.
    let phc = found
        .as_ref()
        .map(|(_, h)| h.clone())
        .unwrap_or_else(|| DUMMY_HASH.to_string());
    let ok = state.password_checks.check(password, phc).await?;
    let user = match found {
        Some((user, _)) if ok => user,
        _ => {
            tracing::warn!("dashboard: failed sign-in for {} from {ip}", shown(&name));
            return login_form(
                &state,
                StatusCode::UNAUTHORIZED,
                &next,
                &name,
                Some("Wrong user name or password."),
            );
        }
    };
    state
        .store
        .forget_sign_in_attempts(&name, Some(&ip))
        .await?;
    let token = random_token()?;
    let csrf = random_token()?;
    state
        .store
        .create_session(
            &token_hash(&token),
            user.id,
            &csrf,
            now,
            now + chrono::Duration::hours(SESSION_HOURS),
        )
        .await?;
    tracing::info!("dashboard: {} signed in from {ip}", user.name);
    let mut res = Redirect::to(safe_next(&next)).into_response();
    *res.status_mut() = StatusCode::SEE_OTHER;
    let h = res.headers_mut();
    h.append(
        header::SET_COOKIE,
        set_cookie(&state, SESSION_COOKIE, &token, "/", SESSION_HOURS * 3600),
    );
    h.append(
        header::SET_COOKIE,
        set_cookie(&state, LOGIN_COOKIE, "", "/login", 0),
    );
    Ok(res)
}

/// An argon2id hash of a random password nobody knows.
const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$0gXUF7zOZ0nvqiNkTtwmHe3m4BjU8+xxIBgmpdM/Hz4";

/// Sign out: the session ends (any role may).
pub async fn logout(
    State(state): State<WebState>,
    headers: HeaderMap,
    form: Form<false>,
) -> WebResult {
    let _ = form.user;
    if let Some(token) = cookie(&headers, SESSION_COOKIE) {
        state.store.end_session(&token_hash(token)).await?;
    }
    let mut res = Redirect::to("/login").into_response();
    *res.status_mut() = StatusCode::SEE_OTHER;
    res.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(&state, SESSION_COOKIE, "", "/", 0),
    );
    Ok(res)
}

/// After a POST: back to a page (303, so a reload does not post again).
pub fn see_other(to: &str) -> Response {
    let mut res = Redirect::to(to).into_response();
    *res.status_mut() = StatusCode::SEE_OTHER;
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stand_in_hash_is_real() {
        // The stand-in for unknown users is a real hash (so it costs the same) of nothing
        // anyone knows.
        assert!(argon2::password_hash::phc::PasswordHash::new(DUMMY_HASH).is_ok());
        assert!(!verify_password("", DUMMY_HASH));
    }

    #[test]
    fn tokens_are_random_and_stored_hashed() {
        let (a, b) = (random_token().unwrap(), random_token().unwrap());
        assert_eq!(a.len(), 64);
        assert_ne!(a, b);
        assert_eq!(token_hash(&a).len(), 64);
        assert_ne!(token_hash(&a), a);
    }

    #[test]
    fn only_local_paths_are_followed() {
        assert_eq!(safe_next("/cases/X-1?ok=1"), "/cases/X-1?ok=1");
        for bad in [
            "//evil.example",
            "https://evil.example",
            "/\\evil.example",
            "",
            "cases",
            "/\t/evil.example/",
            "/\n/evil.example",
            "/\r\n/evil.example",
            "/ /evil.example",
            "/x\\..\\\\evil.example",
            "/\u{7f}/evil.example",
            "/é/evil.example",
        ] {
            assert_eq!(safe_next(bad), "/overdue", "{bad}");
        }
    }

    #[test]
    fn cookies_are_found_by_name() {
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; foi_session=abc; b=2"),
        );
        assert_eq!(cookie(&h, SESSION_COOKIE), Some("abc"));
        assert_eq!(cookie(&h, "foi_login"), None);
        assert!(same("abc", "abc") && !same("abc", "abd") && !same("abc", "ab"));
    }

    #[test]
    fn the_client_address_comes_from_trusted_proxies_only() {
        let proxy: IpAddr = "10.0.0.1".parse().unwrap();
        let client: IpAddr = "192.0.2.7".parse().unwrap();
        let mut h = HeaderMap::new();
        h.insert(
            "x-forwarded-for",
            HeaderValue::from_static("6.6.6.6, 203.0.113.9, 10.0.0.1"),
        );
        // Not trusted: the header is ignored.
        assert_eq!(client_address(Some(client), &h, &[proxy]), "192.0.2.7");
        // From the proxy: the last address that is not a proxy (6.6.6.6 the client wrote).
        assert_eq!(client_address(Some(proxy), &h, &[proxy]), "203.0.113.9");
        // No header, or a mangled one: the proxy itself.
        assert_eq!(
            client_address(Some(proxy), &HeaderMap::new(), &[proxy]),
            "10.0.0.1"
        );
        h.insert("x-forwarded-for", HeaderValue::from_static("bogus"));
        assert_eq!(client_address(Some(proxy), &h, &[proxy]), "10.0.0.1");
        assert_eq!(client_address(None, &h, &[proxy]), "unknown");
    }

    #[test]
    fn a_user_name_cannot_forge_a_log_line() {
        let s = shown("sam\n2026-12-06 WARN dashboard: admin signed in");
        assert!(!s.contains('\n'), "{s}");
        assert!(s.starts_with('"') && s.contains("\\n"), "{s}");
        assert!(shown(&"x".repeat(1000)).len() < 70);
    }
}
