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

/// Against the loopback Dovecot of `scripts/mailtest.sh`, started here when it is not running.
/// (Integration tests use `tests/support/mail.rs`, which needs the crate from outside.)
#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;
    use std::path::Path;
    use std::process::Command;
    use std::sync::OnceLock;

    struct Dovecot {
        host: String,
        imap_port: u16,
        imaps_port: u16,
        ca_cert: PathBuf,
    }

    /// Runs `scripts/mailtest.sh start` once per process (a no-op when the servers already run);
    /// fails the test, saying what to run, when the servers cannot start.
    fn dovecot() -> &'static Dovecot {
        static SERVERS: OnceLock<Dovecot> = OnceLock::new();
        SERVERS.get_or_init(|| {
            let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/mailtest.sh");
            let run = |arg: &str| {
                let out = Command::new(&script)
                    .arg(arg)
                    .output()
                    .unwrap_or_else(|e| panic!("cannot run {} {arg}: {e}", script.display()));
                assert!(
                    out.status.success(),
                    "{} {arg} failed (install the servers with `scripts/mailtest.sh install`):\n{}",
                    script.display(),
                    String::from_utf8_lossy(&out.stderr)
                );
                String::from_utf8(out.stdout).expect("utf-8 output")
            };
            run("start");
            let env: HashMap<String, String> = run("env")
                .split_whitespace()
                .filter_map(|word| word.split_once('='))
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect();
            let port = |k: &str| env[k].parse().expect("a port number");
            Dovecot {
                host: env["MAILTEST_IMAP_HOST"].clone(),
                imap_port: port("MAILTEST_IMAP_PORT"),
                imaps_port: port("MAILTEST_IMAPS_PORT"),
                ca_cert: env["MAILTEST_CA_CERT"].clone().into(),
            }
        })
    }

    fn settings(tls: TlsMode, username: &str, password: &str) -> ImapSettings {
        let d = dovecot();
        ImapSettings {
            host: d.host.clone(),
            port: if tls == TlsMode::Implicit {
                d.imaps_port
            } else {
                d.imap_port
            },
            tls,
            username: username.to_owned(),
            password: password.into(),
            oauth: None,
            ca_cert: Some(d.ca_cert.clone()),
            timeout: Duration::from_secs(10),
        }
    }

    /// An address of its own for each test, unique across runs (mailboxes outlive the servers).
    fn unique_user(tag: &str) -> String {
        static COUNTER: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        #[allow(clippy::disallowed_methods, reason = "unique names, not domain time")]
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        format!("net-{tag}-{}-{n}-{nanos}@example.org", std::process::id())
    }

    async fn login_ok(tls: TlsMode) {
        let mut session = connect(&settings(tls, &unique_user("login"), "secret"))
            .await
            .unwrap_or_else(|e| panic!("login with tls={tls}: {e:?}"));
        assert_eq!(select(&mut session, "INBOX").await.unwrap().exists, 0);
        let stream: &ImapStream = session.as_mut();
        let expected = if tls == TlsMode::None { "plain" } else { "tls" };
        assert_eq!(stream.to_string(), expected);
        session.logout().await.unwrap();
    }

    #[tokio::test]
    async fn login_without_tls() {
        login_ok(TlsMode::None).await;
    }

    #[tokio::test]
    async fn login_with_starttls_and_the_test_ca() {
        login_ok(TlsMode::Starttls).await;
    }

    #[tokio::test]
    async fn login_with_implicit_tls_and_the_test_ca() {
        login_ok(TlsMode::Implicit).await;
    }

    #[tokio::test]
    async fn a_wrong_password_is_an_auth_error_that_does_not_show_it() {
        let settings = settings(TlsMode::Starttls, &unique_user("auth"), "not-the-password");
        let err = connect(&settings).await.expect_err("wrong password");
        assert!(matches!(err, ImapError::Auth { .. }), "{err:?}");
        let shown = format!("{err} {err:?} {settings:?}");
        assert!(shown.contains("password env variable"), "{shown}");
        assert!(!shown.contains("not-the-password"), "{shown}");
    }

    #[tokio::test]
    async fn a_closed_port_is_unreachable() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        drop(listener); // the port is now (almost certainly) closed
        let mut settings = settings(TlsMode::None, "nobody@example.org", "secret");
        settings.port = port;
        let err = connect(&settings).await.expect_err("closed port");
        assert!(matches!(err, ImapError::Unreachable { .. }), "{err:?}");
        assert!(err.to_string().contains("check the host and port"), "{err}");
    }

    #[tokio::test]
    async fn without_the_test_ca_the_certificate_is_refused() {
        let mut settings = settings(TlsMode::Implicit, &unique_user("noca"), "secret");
        settings.ca_cert = None;
        let err = connect(&settings).await.expect_err("unknown issuer");
        assert!(matches!(err, ImapError::Tls { .. }), "{err:?}");
        let chain = format!("{:?}", std::error::Error::source(&err));
        assert!(chain.contains("UnknownIssuer"), "{chain}");
    }

    #[tokio::test]
    async fn tls_to_a_plain_port_and_plain_to_a_tls_port_are_tls_errors() {
        let d = dovecot();
        let mut tls_to_plain = settings(TlsMode::Implicit, &unique_user("mix"), "secret");
        tls_to_plain.port = d.imap_port;
        let err = connect(&tls_to_plain)
            .await
            .expect_err("TLS to a plain port");
        assert!(matches!(err, ImapError::Tls { .. }), "{err:?}");

        let mut plain_to_tls = settings(TlsMode::None, &unique_user("mix"), "secret");
        plain_to_tls.port = d.imaps_port;
        plain_to_tls.timeout = Duration::from_millis(300);
        let err = connect(&plain_to_tls)
            .await
            .expect_err("plain to a TLS port");
        assert!(matches!(err, ImapError::Tls { .. }), "{err:?}");
    }

    #[tokio::test]
    async fn append_then_fetch_all_raw_returns_the_exact_bytes() {
        let user = unique_user("append");
        let mut session = connect(&settings(TlsMode::None, &user, "secret"))
            .await
            .unwrap();
        // Bytes a careless client would alter: 8-bit UTF-8, a long line, trailing spaces,
        // a line starting with a dot, and no final line break.
        let first = "From: Council <foi@council.example>\r\nTo: <foi@example.org>\r\n\
            Subject: =?utf-8?q?R=C3=A9ponse?=\r\nMessage-ID: <a1@council.example>\r\n\
            Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n\
            Caf\u{e9} \u{2014} 73 % of cameras   \r\n.dotted line\r\n"
            .to_owned()
            + &"x".repeat(900)
            + "\r\nno final newline";
        let second = b"Subject: second\r\nMessage-ID: <a2@council.example>\r\n\r\nbody\r\n";
        append(&mut session, "INBOX", first.as_bytes(), &[])
            .await
            .unwrap();
        append(&mut session, "INBOX", second, &[Flag::Seen, Flag::Flagged])
            .await
            .unwrap();

        let messages = fetch_all_raw(&mut session, "INBOX").await.unwrap();
        assert_eq!(messages.len(), 2);
        assert!(messages[0].0 < messages[1].0, "ascending UIDs");
        assert_eq!(messages[0].1, first.as_bytes());
        assert_eq!(messages[1].1, second);

        // BODY.PEEK[]: the first message is still unread.
        select(&mut session, "INBOX").await.unwrap();
        let unseen = session.uid_search("UNSEEN").await.unwrap();
        assert_eq!(unseen.into_iter().collect::<Vec<_>>(), vec![messages[0].0]);
        session.logout().await.unwrap();
    }

    #[tokio::test]
    async fn an_empty_or_missing_folder() {
        let mut session = connect(&settings(TlsMode::None, &unique_user("empty"), "secret"))
            .await
            .unwrap();
        assert!(fetch_all_raw(&mut session, "Archive")
            .await
            .unwrap()
            .is_empty());
        let err = fetch_all_raw(&mut session, "No such folder")
            .await
            .unwrap_err();
        assert!(matches!(err, ImapError::Protocol { .. }), "{err:?}");
        assert!(err.to_string().contains("No such folder"), "{err}");
    }

    #[test]
    fn debug_redacts_the_password() {
        let settings = ImapSettings {
            host: "imap.example.org".into(),
            port: 993,
            tls: TlsMode::Implicit,
            username: "foi@example.org".into(),
            password: "hunter2-secret".into(),
            oauth: None,
            ca_cert: None,
            timeout: ImapSettings::DEFAULT_TIMEOUT,
        };
        let shown = format!("{settings:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("foi@example.org"), "{shown}");
    }

    /// async-imap logs LOGIN (password included) at trace level through `log`.
    #[test]
    fn log_trace_records_are_compiled_out() {
        assert!(
            log::STATIC_MAX_LEVEL <= log::LevelFilter::Debug,
            "enable log's max_level_debug feature in Cargo.toml: async-imap logs passwords at trace"
        );
    }
}
