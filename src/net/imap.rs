//! The IMAP connection: TCP with a timeout, TLS (implicit, STARTTLS or none), LOGIN, and the few
//! mailbox commands both ingest and the tests need. Errors say what the user should check.
//!
//! Sees no store and no domain type (see `net`).
//!
//! Passwords: async-imap writes every command it sends, LOGIN with the password included, to the
//! `log` crate at trace level. The package caps `log` at debug at compile time
//! (`log = { features = ["max_level_debug"] }` in Cargo.toml; a test below keeps it so), so that
//! `RUST_LOG=trace` cannot print a password.

use std::borrow::Cow;
use std::fmt;
use std::future::Future;
use std::io;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use async_imap::imap_proto::{Response, Status};
use async_imap::types::{Flag, Mailbox};
use futures_util::TryStreamExt;
use secrecy::{ExposeSecret, SecretString};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio_rustls::client::TlsStream;

use super::oauth::{OAuthError, Sasl, TokenSource};
use super::{tls, TlsMode};

/// A logged-in IMAP session over plain TCP or TLS.
pub type ImapSession = async_imap::Session<ImapStream>;

/// Where and how to log in. `Debug` shows everything but the password.
#[derive(Clone, Debug)]
pub struct ImapSettings {
    pub host: String,
    pub port: u16,
    pub tls: TlsMode,
    pub username: String,
    /// For LOGIN; unused when `oauth` is set.
    pub password: SecretString,
    /// Log in with `AUTHENTICATE XOAUTH2` or `OAUTHBEARER` and an access token from here (a
    /// fresh one at each connection) instead of LOGIN with the password.
    pub oauth: Option<Arc<TokenSource>>,
    /// Extra trusted root certificates (PEM), on top of the platform's; see [`super::tls`].
    pub ca_cert: Option<PathBuf>,
    /// Bound on each step of [`connect`]: TCP connect, TLS handshake, greeting, STARTTLS, LOGIN.
    pub timeout: Duration,
}

impl ImapSettings {
    /// A reasonable bound for each connection step to a remote server.
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

    fn addr(&self) -> String {
        format!("{}:{}", self.host, self.port)
    }
}

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Why a connection or an IMAP command failed, split by what the user has to check.
#[derive(Debug, thiserror::Error)]
pub enum ImapError {
    /// Nothing answers: connection refused, no route, DNS failure, or the connect timed out.
    #[error("cannot reach the IMAP server {addr}: check the host and port, and that the server is running")]
    Unreachable {
        addr: String,
        #[source]
        source: io::Error,
    },
    /// The TLS setup or handshake failed: unknown issuer, wrong host name, a TLS port spoken to in
    /// plain text or the reverse, STARTTLS refused, an unreadable `ca_cert`.
    #[error("TLS with the IMAP server {addr} failed: check the tls mode (implicit, starttls or none) and ca_cert")]
    Tls {
        addr: String,
        #[source]
        source: BoxError,
    },
    /// No OAuth2 access token could be had (not signed in, the sign-in revoked, the provider
    /// unreachable): nothing was sent to the IMAP server.
    #[error(transparent)]
    OAuth(#[from] OAuthError),
    /// The server refused a fresh OAuth2 access token.
    #[error("the IMAP server {addr} refused the OAuth2 access token of {username:?} ({mechanism}): check [oauth2] scopes, and that the account may use IMAP (`foi auth status` shows what was granted)")]
    TokenRefused {
        addr: String,
        username: String,
        mechanism: &'static str,
        #[source]
        source: async_imap::error::Error,
    },
    /// The server refused the login. Carries the server's answer, never the password.
    #[error("the IMAP server {addr} refused the login of {username:?}: check the username and the password env variable")]
    Auth {
        addr: String,
        username: String,
        #[source]
        source: async_imap::error::Error,
    },
    /// Anything else the server or the connection did wrong (`context` says during what).
    #[error("IMAP {context}")]
    Protocol {
        context: String,
        #[source]
        source: BoxError,
    },
}

impl ImapError {
    fn protocol(context: impl Into<String>, source: impl Into<BoxError>) -> Self {
        ImapError::Protocol {
            context: context.into(),
            source: source.into(),
        }
    }
}

/// Connects, secures the connection as `settings.tls` says, and logs in.
pub async fn connect(settings: &ImapSettings) -> Result<ImapSession, ImapError> {
    let client = connect_unauthenticated(settings).await?;
    if let Some(tokens) = &settings.oauth {
        return oauth_login(client, settings, tokens).await;
    }
    let addr = settings.addr();
    let login = client.login(&settings.username, settings.password.expose_secret());
    let session = match tokio::time::timeout(settings.timeout, login).await {
        Ok(Ok(session)) => session,
        Ok(Err((error, _client))) => return Err(login_error(settings, error)),
        Err(_) => {
            return Err(ImapError::protocol(
                format!("LOGIN at {addr}"),
                format!("no answer within {:?}", settings.timeout),
            ))
        }
    };
    tracing::debug!(%addr, tls = %settings.tls, username = %settings.username, "IMAP login ok");
    Ok(session)
}

/// TCP, TLS as `settings.tls` says, and the greeting: a connection ready to log in.
async fn connect_unauthenticated(
    settings: &ImapSettings,
) -> Result<async_imap::Client<ImapStream>, ImapError> {
    let addr = settings.addr();
    let tls_error = |source: BoxError| ImapError::Tls {
        addr: addr.clone(),
        source,
    };
    // A bad ca_cert is reported before any network traffic.
    let tls_setup = match settings.tls {
        TlsMode::None => None,
        TlsMode::Implicit | TlsMode::Starttls => Some((
            tls::client_config(settings.ca_cert.as_deref()).map_err(|e| tls_error(e.into()))?,
            tls::server_name(&settings.host).map_err(|e| tls_error(e.into()))?,
        )),
    };

    let tcp = within(
        settings.timeout,
        TcpStream::connect((settings.host.as_str(), settings.port)),
    )
    .await
    .map_err(|source| ImapError::Unreachable {
        addr: addr.clone(),
        source,
    })?;
    // IMAP is a chatty request/response protocol: don't let Nagle delay small commands.
    tcp.set_nodelay(true).ok();

    let client = match (settings.tls, tls_setup) {
        (TlsMode::Implicit, Some((config, name))) => {
            let stream = within(settings.timeout, tls::handshake(tcp, name, config))
                .await
                .map_err(|e| tls_error(e.into()))?;
            let mut client = async_imap::Client::new(ImapStream::Tls(Box::new(stream)));
            read_greeting(&mut client, settings).await?;
            client
        }
        (TlsMode::Starttls, Some((config, name))) => {
            let mut client = async_imap::Client::new(ImapStream::Plain(tcp));
            read_greeting(&mut client, settings).await?;
            let starttls = client.run_command_and_check_ok("STARTTLS", None);
            match tokio::time::timeout(settings.timeout, starttls).await {
                Ok(Ok(())) => {}
                Ok(Err(e)) => return Err(tls_error(format!("STARTTLS refused: {e}").into())),
                Err(_) => return Err(tls_error("no answer to STARTTLS".into())),
            }
            // Whatever the server sent after its OK is dropped with the client's buffer, as it must
            // be (RFC 3501 6.2.1: nothing before the handshake is to be trusted).
            let ImapStream::Plain(tcp) = client.into_inner() else {
                unreachable!("the stream is plain until upgraded here")
            };
            let stream = within(settings.timeout, tls::handshake(tcp, name, config))
                .await
                .map_err(|e| tls_error(e.into()))?;
            async_imap::Client::new(ImapStream::Tls(Box::new(stream)))
        }
        _ => {
            let mut client = async_imap::Client::new(ImapStream::Plain(tcp));
            read_greeting(&mut client, settings).await?;
            client
        }
    };
    Ok(client)
}

/// The SASL client side of XOAUTH2 and OAUTHBEARER: the initial response first; to the error
/// challenge a server sends after refusing a token, the empty response RFC 7628 3.2.3 asks for.
struct Bearer {
    initial: Option<String>,
}

impl async_imap::Authenticator for Bearer {
    type Response = Vec<u8>;
    fn process(&mut self, _challenge: &[u8]) -> Vec<u8> {
        self.initial
            .take()
            .map(String::into_bytes)
            .unwrap_or_default()
    }
}

/// AUTHENTICATE with an access token; when the server refuses it, once more with a token
/// refreshed now (it may have been revoked, or expired early), on a new connection.
async fn oauth_login(
    client: async_imap::Client<ImapStream>,
    settings: &ImapSettings,
    tokens: &TokenSource,
) -> Result<ImapSession, ImapError> {
    let token = tokens.access_token().await?;
    match authenticate(client, settings, tokens, &token).await {
        Ok(session) => Ok(session),
        Err(ImapError::TokenRefused { .. }) => {
            tracing::info!(username = %settings.username, "the IMAP server refused the access token: refreshing it");
            let token = tokens.refreshed_token().await?;
            let client = connect_unauthenticated(settings).await?;
            authenticate(client, settings, tokens, &token).await
        }
        Err(e) => Err(e),
    }
}

async fn authenticate(
    client: async_imap::Client<ImapStream>,
    settings: &ImapSettings,
    tokens: &TokenSource,
    token: &SecretString,
) -> Result<ImapSession, ImapError> {
    let addr = settings.addr();
    let mechanism = tokens.mechanism();
    let initial = match mechanism {
        Sasl::Xoauth2 => super::oauth::provider::xoauth2(&settings.username, token.expose_secret()),
        Sasl::Oauthbearer => super::oauth::provider::oauthbearer(
            &settings.username,
            &settings.host,
            settings.port,
            token.expose_secret(),
        ),
    };
    let auth = client.authenticate(
        mechanism.name(),
        Bearer {
            initial: Some(initial),
        },
    );
    match tokio::time::timeout(settings.timeout, auth).await {
        Ok(Ok(session)) => {
            tracing::debug!(%addr, tls = %settings.tls, username = %settings.username, mechanism = mechanism.name(), "IMAP login ok");
            Ok(session)
        }
        Ok(Err((error @ async_imap::error::Error::No(_), _client))) => {
            Err(ImapError::TokenRefused {
                addr,
                username: settings.username.clone(),
                mechanism: mechanism.name(),
                source: error,
            })
        }
        Ok(Err((error, _client))) => Err(login_error(settings, error)),
        Err(_) => Err(ImapError::protocol(
            format!("AUTHENTICATE {} at {addr}", mechanism.name()),
            format!("no answer within {:?}", settings.timeout),
        )),
    }
}

fn login_error(settings: &ImapSettings, error: async_imap::error::Error) -> ImapError {
    use async_imap::error::Error;
    let addr = settings.addr();
    match error {
        // e.g. Dovecot's "[PRIVACYREQUIRED] Plaintext authentication disallowed on non-secure connections"
        Error::No(ref text) | Error::Bad(ref text) if text.contains("PRIVACYREQUIRED") => {
            ImapError::Tls {
                addr,
                source: format!("the server refuses a login without TLS: {text}").into(),
            }
        }
        // NO is the server's "wrong user or password"; Validate means a line break in one of
        // them (its error names the character only, not the text).
        Error::No(_) | Error::Validate(_) => ImapError::Auth {
            addr,
            username: settings.username.clone(),
            source: error,
        },
        other => ImapError::protocol(format!("LOGIN at {addr}"), other),
    }
}

/// Reads the server's first line. A server that stays silent is the classic symptom of speaking
/// plain text to an implicit-TLS port, so that case is reported as a TLS problem.
async fn read_greeting(
    client: &mut async_imap::Client<ImapStream>,
    settings: &ImapSettings,
) -> Result<(), ImapError> {
    let addr = settings.addr();
    let greeting = match tokio::time::timeout(settings.timeout, client.read_response()).await {
        Ok(result) => result,
        Err(_) if settings.tls != TlsMode::Implicit => {
            return Err(ImapError::Tls {
                addr,
                source: format!(
                    "no IMAP greeting within {:?}; an implicit-TLS port (usually 993) stays silent \
                     until the client starts TLS",
                    settings.timeout
                )
                .into(),
            })
        }
        Err(_) => {
            return Err(ImapError::protocol(
                format!("greeting from {addr}: none within {:?}", settings.timeout),
                io::Error::from(io::ErrorKind::TimedOut),
            ))
        }
    };
    let context = || format!("greeting from {addr}");
    // The parser's error shows the raw bytes; what helps is knowing this is not IMAP at all.
    let not_imap = || format!("not an IMAP greeting: is {} an IMAP port?", settings.port);
    let greeting = greeting
        .map_err(|_| ImapError::protocol(context(), not_imap()))?
        .ok_or_else(|| ImapError::protocol(context(), async_imap::error::Error::ConnectionLost))?;
    match greeting.parsed() {
        Response::Data {
            status: Status::Ok, ..
        } => Ok(()),
        // PREAUTH (already logged in, e.g. through a tunnel) would make LOGIN fail; not supported.
        Response::Data {
            status: Status::PreAuth,
            ..
        } => Err(ImapError::protocol(
            context(),
            "the server greets with PREAUTH, which foi does not support",
        )),
        Response::Data {
            status: Status::Bye,
            outcome,
        } => Err(ImapError::protocol(
            context(),
            format!(
                "the server closed the connection: {}",
                outcome.information.as_deref().unwrap_or("BYE")
            ),
        )),
        _ => Err(ImapError::protocol(context(), not_imap())),
    }
}

/// Awaits an IO step, failing with `TimedOut` after `limit`.
async fn within<T>(limit: Duration, step: impl Future<Output = io::Result<T>>) -> io::Result<T> {
    match tokio::time::timeout(limit, step).await {
        Ok(result) => result,
        Err(_) => Err(io::Error::new(
            io::ErrorKind::TimedOut,
            format!("no answer within {limit:?}"),
        )),
    }
}

/// SELECTs `folder` (read-write) and returns its status (`exists`, `uid_validity`, ...).
pub async fn select(session: &mut ImapSession, folder: &str) -> Result<Mailbox, ImapError> {
    session
        .select(folder)
        .await
        .map_err(|e| ImapError::protocol(format!("SELECT {folder:?}"), e))
}

/// APPENDs one raw message to `folder` with `flags` (e.g. `&[Flag::Seen]`).
///
/// Returns no UID (async-imap drops APPENDUID): find the message again with
/// `UID SEARCH HEADER Message-ID`. When appending many messages to a large folder, SELECT it
/// first: Dovecot appends to an unselected large mailbox much more slowly.
pub async fn append(
    session: &mut ImapSession,
    folder: &str,
    content: &[u8],
    flags: &[Flag<'_>],
) -> Result<(), ImapError> {
    let flags = (!flags.is_empty()).then(|| {
        let atoms: Vec<Cow<'_, str>> = flags.iter().map(flag_atom).collect();
        format!("({})", atoms.join(" "))
    });
    session
        .append(folder, flags.as_deref(), None, content)
        .await
        .map_err(|e| ImapError::protocol(format!("APPEND to {folder:?}"), e))
}

fn flag_atom<'a>(flag: &'a Flag<'_>) -> Cow<'a, str> {
    match flag {
        Flag::Seen => "\\Seen".into(),
        Flag::Answered => "\\Answered".into(),
        Flag::Flagged => "\\Flagged".into(),
        Flag::Deleted => "\\Deleted".into(),
        Flag::Draft => "\\Draft".into(),
        Flag::Recent => "\\Recent".into(),
        Flag::MayCreate => "\\*".into(),
        Flag::Custom(keyword) => Cow::Borrowed(keyword.as_ref()),
    }
}

/// Every message in `folder` as `(uid, raw bytes)`, by ascending UID. Opens the folder read-only
/// (EXAMINE) and fetches `BODY.PEEK[]`, so no flag changes. Meant for tests and small folders: it
/// holds the whole folder in memory.
pub async fn fetch_all_raw(
    session: &mut ImapSession,
    folder: &str,
) -> Result<Vec<(u32, Vec<u8>)>, ImapError> {
    let mailbox = session
        .examine(folder)
        .await
        .map_err(|e| ImapError::protocol(format!("EXAMINE {folder:?}"), e))?;
    if mailbox.exists == 0 {
        return Ok(Vec::new());
    }
    let context = || format!("UID FETCH in {folder:?}");
    let fetches: Vec<_> = session
        .uid_fetch("1:*", "(UID BODY.PEEK[])")
        .await
        .map_err(|e| ImapError::protocol(context(), e))?
        .try_collect()
        .await
        .map_err(|e| ImapError::protocol(context(), e))?;
    let mut messages = Vec::with_capacity(fetches.len());
    for fetch in &fetches {
        // Unsolicited FETCH responses (flag updates) carry no body: not ours.
        let Some(body) = fetch.body() else { continue };
        let uid = fetch
            .uid
            .ok_or_else(|| ImapError::protocol(context(), "a FETCH response without UID"))?;
        messages.push((uid, body.to_vec()));
    }
    messages.sort_by_key(|(uid, _)| *uid);
    Ok(messages)
}

/// The connection under an IMAP session: plain TCP, or TLS over TCP.
#[derive(Debug)]
pub enum ImapStream {
    Plain(TcpStream),
    Tls(Box<TlsStream<TcpStream>>),
}

impl AsyncRead for ImapStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        match self.get_mut() {
            ImapStream::Plain(s) => Pin::new(s).poll_read(cx, buf),
            ImapStream::Tls(s) => Pin::new(s.as_mut()).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for ImapStream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            ImapStream::Plain(s) => Pin::new(s).poll_write(cx, buf),
            ImapStream::Tls(s) => Pin::new(s.as_mut()).poll_write(cx, buf),
        }
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            ImapStream::Plain(s) => Pin::new(s).poll_write_vectored(cx, bufs),
            ImapStream::Tls(s) => Pin::new(s.as_mut()).poll_write_vectored(cx, bufs),
        }
    }

    fn is_write_vectored(&self) -> bool {
        match self {
            ImapStream::Plain(s) => s.is_write_vectored(),
            ImapStream::Tls(s) => s.is_write_vectored(),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            ImapStream::Plain(s) => Pin::new(s).poll_flush(cx),
            ImapStream::Tls(s) => Pin::new(s.as_mut()).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            ImapStream::Plain(s) => Pin::new(s).poll_shutdown(cx),
            ImapStream::Tls(s) => Pin::new(s.as_mut()).poll_shutdown(cx),
        }
    }
}

impl fmt::Display for ImapStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ImapStream::Plain(_) => f.write_str("plain"),
            ImapStream::Tls(_) => f.write_str("tls"),
        }
    }
}

/// Against the loopback Dovecot of `scripts/mailtest.sh` (in `imap/tests.rs`).
#[cfg(test)]
mod tests;
