//! Our own small pool of SMTP sessions over lettre's connection type. We open the TCP
//! connections ourselves so that they carry TCP_NODELAY, and hold what lettre writes until
//! it reads (a [`Corked`] stream): lettre writes the message and its final "." in two
//! writes, which then leave in one packet. When the server offers PIPELINING (RFC 2920)
//! the envelope and DATA go in one write and their answers are read together: two round
//! trips an email instead of four. Implicit TLS uses the same rustls trust as IMAP
//! (`net::tls`); STARTTLS and AUTH are lettre's.

use super::error::SendError;
use crate::net::oauth::{OAuthError, Sasl, TokenSource};
use crate::net::TlsMode;
use lettre::address::Envelope;
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{AsyncSmtpConnection, AsyncTokioStream, TlsParameters};
use lettre::transport::smtp::commands::{Data, Ehlo, Mail, Rcpt, Rset};
use lettre::transport::smtp::extension::{ClientId, Extension, MailBodyParameter, MailParameter};
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio::sync::Mutex;
use tokio_rustls::rustls::ClientConfig;

/// An implicit-TLS stream lettre can drive.
#[derive(Debug)]
struct TlsTcp(tokio_rustls::client::TlsStream<TcpStream>);

impl AsyncRead for TlsTcp {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.0).poll_read(cx, buf)
    }
}

impl AsyncWrite for TlsTcp {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.0).poll_write(cx, buf)
    }
    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.0).poll_flush(cx)
    }
    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.0).poll_shutdown(cx)
    }
}

impl AsyncTokioStream for TlsTcp {
    fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.0.get_ref().0.peer_addr()
    }
}

/// A plain TCP stream that keeps what is written until the next read (or until 64 KiB
/// wait): flushing does not send. SMTP always reads an answer after writing, so nothing is
/// held for long, and the writes between two reads leave together.
#[derive(Debug)]
struct Corked {
    tcp: TcpStream,
    out: Vec<u8>,
}

/// How much a [`Corked`] stream holds before it sends without waiting for a read.
const CORK_LIMIT: usize = 64 * 1024;

impl Corked {
    fn new(tcp: TcpStream) -> Self {
        Self {
            tcp,
            out: Vec::new(),
        }
    }

    /// Send what is held.
    fn poll_send(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while !self.out.is_empty() {
            match Pin::new(&mut self.tcp).poll_write(cx, &self.out) {
                Poll::Ready(Ok(0)) => {
                    return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
                }
                Poll::Ready(Ok(n)) => {
                    self.out.drain(..n);
                }
                Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                Poll::Pending => return Poll::Pending,
            }
        }
        Poll::Ready(Ok(()))
    }
}

impl AsyncRead for Corked {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        match self.poll_send(cx) {
            Poll::Ready(Ok(())) => Pin::new(&mut self.tcp).poll_read(cx, buf),
            other => other,
        }
    }
}

impl AsyncWrite for Corked {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        if self.out.len() >= CORK_LIMIT {
            match self.poll_send(cx) {
                Poll::Ready(Ok(())) => {}
                Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                Poll::Pending => return Poll::Pending,
            }
        }
        self.out.extend_from_slice(buf);
        Poll::Ready(Ok(buf.len()))
    }
    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        // (sent by the next read)
        Poll::Ready(Ok(()))
    }
    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.poll_send(cx) {
            Poll::Ready(Ok(())) => Pin::new(&mut self.tcp).poll_shutdown(cx),
            other => other,
        }
    }
}

impl AsyncTokioStream for Corked {
    fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.tcp.peer_addr()
    }
}

/// An open session, and whether its server takes pipelined commands.
struct Session {
    conn: AsyncSmtpConnection,
    pipelining: bool,
}

/// Connection settings, resolved once.
pub struct SmtpClient {
    pub host: String,
    pub port: u16,
    tls: TlsMode,
    rustls: Arc<ClientConfig>,
    starttls: Option<TlsParameters>,
    credentials: Option<Credentials>,
    /// SMTP AUTH with an OAuth2 access token (a fresh one for each new session) instead of
    /// `credentials`.
    oauth: Option<Arc<TokenSource>>,
    timeout: Duration,
    hello: ClientId,
    /// Idle sessions with the time they were last used.
    idle: Mutex<Vec<(Session, std::time::Instant)>>,
}

impl SmtpClient {
    pub fn new(
        host: String,
        port: u16,
        tls: TlsMode,
        rustls: Arc<ClientConfig>,
        starttls: Option<TlsParameters>,
        credentials: Option<Credentials>,
        timeout: Duration,
    ) -> Self {
        Self {
            host,
            port,
            tls,
            rustls,
            starttls,
            credentials,
            oauth: None,
            timeout,
            hello: ClientId::default(),
            idle: Mutex::new(Vec::new()),
        }
    }

    /// Log in with XOAUTH2 or OAUTHBEARER and an access token from `tokens` (instead of the
    /// password credentials).
    pub fn with_oauth(mut self, tokens: Arc<TokenSource>) -> Self {
        self.oauth = Some(tokens);
        self.credentials = None;
        self
    }

    fn where_(&self) -> String {
        format!("{}:{}", self.host, self.port)
    }

    /// Open, secure and log in one session. Every failure here is about the server or the
    /// configuration, never about one email.
    async fn connect(&self) -> Result<Session, SendError> {
        let at = self.where_();
        let tcp = tokio::time::timeout(self.timeout, TcpStream::connect((self.host.as_str(), self.port)))
            .await
            .map_err(|_| SendError::Unreachable(format!("no answer from {at} within {}s: check [smtp] host and port; everything stays queued", self.timeout.as_secs())))?
            .map_err(|e| SendError::Unreachable(format!("cannot connect to {at} ({e}): check [smtp] host and port, and that the server is running; everything stays queued")))?;
        tcp.set_nodelay(true)
            .map_err(|e| SendError::Unreachable(e.to_string()))?;
        let stream: Box<dyn AsyncTokioStream> = if self.tls == TlsMode::Implicit {
            let name = crate::net::tls::server_name(&self.host)
                .map_err(|e| SendError::Fatal(e.to_string()))?;
            let tls = tokio::time::timeout(self.timeout, crate::net::tls::handshake(tcp, name, self.rustls.clone()))
                .await
                .map_err(|_| SendError::Unreachable(format!("TLS handshake with {at} timed out")))?
                .map_err(|e| SendError::Fatal(format!("TLS with {at} failed ({e}): check [smtp] tls (\"implicit\" is for port 465) and ca_cert")))?;
            Box::new(TlsTcp(tls))
        } else {
            Box::new(Corked::new(tcp))
        };
        let setup = async {
            let mut conn = AsyncSmtpConnection::connect_with_transport(stream, &self.hello)
                .await
                .map_err(|e| {
                    SendError::Unreachable(format!(
                        "{at} did not greet us as an SMTP server ({e}): check [smtp] port and tls"
                    ))
                })?;
            if self.tls == TlsMode::Starttls {
                let params = self
                    .starttls
                    .clone()
                    .ok_or_else(|| SendError::Fatal("STARTTLS without TLS parameters".into()))?;
                conn.starttls(params, &self.hello).await.map_err(|e| {
                    SendError::Fatal(format!("STARTTLS with {at} failed ({e}): check [smtp] tls (\"starttls\" is for port 587) and ca_cert"))
                })?;
            }
            // lettre keeps only the extensions it knows from EHLO: ask again for
            // PIPELINING (before logging in, where a second EHLO is ordinary).
            let ehlo = conn
                .command(Ehlo::new(self.hello.clone()))
                .await
                .map_err(|e| SendError::Unreachable(format!("{at} did not answer EHLO ({e})")))?;
            let pipelining = ehlo.message().any(|line| {
                line.split_whitespace()
                    .next()
                    .is_some_and(|k| k.eq_ignore_ascii_case("PIPELINING"))
            });
            if let Some(tokens) = &self.oauth {
                self.oauth_login(&mut conn, tokens).await?;
            } else if let Some(c) = &self.credentials {
                conn.auth(&[Mechanism::Plain, Mechanism::Login], c).await.map_err(|e| {
                    SendError::Fatal(format!(
                        "{at} refused the login ({e}): check [smtp] username and the password in its environment variable or command"
                    ))
                })?;
            }
            Ok(Session { conn, pipelining })
        };
        tokio::time::timeout(self.timeout, setup)
            .await
            .map_err(|_| {
                SendError::Unreachable(format!("{at} stopped answering while we logged in"))
            })?
    }

    /// SMTP AUTH with an access token; when the server refuses it, once more with one refreshed
    /// now (it may have been revoked). A sign-in only a person can renew stops the run
    /// ([`SendError::Fatal`]: nothing is marked failed); an unreachable provider leaves
    /// everything queued.
    async fn oauth_login(
        &self,
        conn: &mut AsyncSmtpConnection,
        tokens: &TokenSource,
    ) -> Result<(), SendError> {
        let token = tokens.access_token().await.map_err(oauth_stop)?;
        let initial = |token: &secrecy::SecretString| {
            use secrecy::ExposeSecret;
            match tokens.mechanism() {
                Sasl::Xoauth2 => {
                    crate::net::oauth::provider::xoauth2(tokens.account(), token.expose_secret())
                }
                Sasl::Oauthbearer => crate::net::oauth::provider::oauthbearer(
                    tokens.account(),
                    &self.host,
                    self.port,
                    token.expose_secret(),
                ),
            }
        };
        let name = tokens.mechanism().name();
        let refused = match sasl_bearer(conn, name, &initial(&token)).await {
            Ok(()) => return Ok(()),
            Err(e) if e.is_permanent() => e,
            Err(e) => {
                return Err(SendError::Unreachable(format!(
                    "{} did not answer AUTH {name} ({e})",
                    self.where_()
                )))
            }
        };
        tracing::info!(
            account = tokens.account(),
            "the SMTP server refused the access token ({refused}): refreshing it"
        );
        let token = tokens.refreshed_token().await.map_err(oauth_stop)?;
        sasl_bearer(conn, name, &initial(&token)).await.map_err(|e| {
            SendError::Fatal(format!(
                "{} refused the OAuth2 access token of {} ({e}): check [oauth2] scopes, and that the account may send with SMTP AUTH (`foi auth status` shows what was granted)",
                self.where_(),
                tokens.account()
            ))
        })
    }

    /// Check that a session can be opened (and keep it for the first email).
    pub async fn check(&self) -> Result<(), SendError> {
        let conn = self.connect().await?;
        self.idle
            .lock()
            .await
            .push((conn, std::time::Instant::now()));
        Ok(())
    }

    /// Send one email on an idle session (or a new one). `go` is awaited alongside the
    /// envelope (MAIL FROM, RCPT TO) and before the message, so the server has nothing to
    /// deliver until it says yes (the worker notes the email in its journal there). When
    /// `go` says no, the transaction is reset (or the connection dropped) and `None`
    /// returned: nothing was sent. A failure before the envelope does not await `go`.
    pub async fn send(
        &self,
        envelope: &Envelope,
        raw: &[u8],
        go: impl std::future::Future<Output = bool>,
    ) -> Option<Result<(), SendError>> {
        let mut session = match self.session().await {
            Ok(c) => c,
            Err(e) => return Some(Err(e)),
        };
        let options = match mail_options(&session.conn, envelope, raw) {
            Ok(o) => o,
            Err(e) => {
                // (nothing was sent: the session stays good)
                self.idle
                    .lock()
                    .await
                    .push((session, std::time::Instant::now()));
                return Some(Err(e));
            }
        };
        let sent = if session.pipelining {
            pipelined(&mut session.conn, envelope, options, raw, go, self.timeout).await
        } else {
            transaction(&mut session.conn, envelope, options, raw, go, self.timeout).await
        };
        match sent {
            Ok(Done::Sent) => {
                self.idle
                    .lock()
                    .await
                    .push((session, std::time::Instant::now()));
                Some(Ok(()))
            }
            Ok(Done::Reset) => {
                self.idle
                    .lock()
                    .await
                    .push((session, std::time::Instant::now()));
                None
            }
            // (the server was in DATA mode: the closed connection discards the email)
            Ok(Done::Dropped) => None,
            Err(Timeout) => Some(Err(SendError::Transient(format!(
                "{} timed out while sending",
                self.where_()
            )))),
            Err(Failed(e)) => Some(Err(e)),
            Err(Unanswered(m)) => Some(Err(SendError::Uncertain(format!(
                "{} {m}; it may have taken the email",
                self.where_()
            )))),
        }
    }

    /// An idle session (checked with a NOOP when it has been idle a while: the server may
    /// have closed it, and an email should not fail half-way for that), or a new one.
    async fn session(&self) -> Result<Session, SendError> {
        let pooled = self.idle.lock().await.pop();
        match pooled {
            Some((c, used)) if !c.conn.has_broken() && used.elapsed() < Duration::from_secs(10) => {
                Ok(c)
            }
            Some((mut c, _)) if !c.conn.has_broken() => {
                if c.conn.test_connected().await {
                    Ok(c)
                } else {
                    self.connect().await
                }
            }
            _ => self.connect().await,
        }
    }
}

/// Why no token could be had, as the worker must treat it.
fn oauth_stop(e: OAuthError) -> SendError {
    if e.needs_a_person() {
        SendError::Fatal(e.to_string())
    } else {
        SendError::Unreachable(e.to_string())
    }
}

/// One SASL line of ours (lettre's `Auth` knows no OAUTHBEARER).
struct Line(String);

impl std::fmt::Display for Line {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}\r\n", self.0)
    }
}

/// `AUTH <mechanism> <initial response>`; to the error challenge (334) a server sends after
/// refusing the token, the empty line RFC 7628 3.2.3 asks for, after which the server says no.
async fn sasl_bearer(
    conn: &mut AsyncSmtpConnection,
    mechanism: &str,
    initial: &str,
) -> Result<(), lettre::transport::smtp::Error> {
    use base64::Engine;
    let encoded = base64::engine::general_purpose::STANDARD.encode(initial);
    let answer = conn
        .command(Line(format!("AUTH {mechanism} {encoded}")))
        .await?;
    if answer.has_code(334) {
        conn.command(Line(String::new())).await?;
    }
    Ok(())
}

enum TransactionError {
    /// Before the message: nothing can have been delivered.
    Timeout,
    Failed(SendError),
    /// The message (or part of it) went and no answer came: the server may have it.
    Unanswered(String),
}
use TransactionError::{Failed, Timeout, Unanswered};

/// How a transaction that did not fail ended.
enum Done {
    /// The server took the email.
    Sent,
    /// `go` said no; the transaction was reset and the session can go on.
    Reset,
    /// `go` said no after the server had agreed to DATA: the connection is dropped
    /// unfinished, so the server discards the email.
    Dropped,
}

/// The MAIL FROM parameters the email needs, or why this server cannot take it.
fn mail_options(
    conn: &AsyncSmtpConnection,
    envelope: &Envelope,
    raw: &[u8],
) -> Result<Vec<MailParameter>, SendError> {
    let mut options = Vec::new();
    let non_ascii = |a: &lettre::Address| !AsRef::<str>::as_ref(a).is_ascii();
    if envelope.from().is_some_and(non_ascii) || envelope.to().iter().any(non_ascii) {
        if !conn.server_info().supports_feature(Extension::SmtpUtfEight) {
            return Err(SendError::Permanent(
                "the address is not ASCII and the server does not support SMTPUTF8".into(),
            ));
        }
        options.push(MailParameter::SmtpUtfEight);
    }
    if !raw.is_ascii() {
        if !conn.server_info().supports_feature(Extension::EightBitMime) {
            return Err(SendError::Permanent(
                "the email is not ASCII and the server does not support 8BITMIME".into(),
            ));
        }
        options.push(MailParameter::Body(MailBodyParameter::EightBitMime));
    }
    Ok(options)
}

/// One SMTP mail transaction, as lettre's `send` does it but with the `go` gate before
/// DATA. A failed command leaves the connection broken (aborted), so the pool drops it.
/// `go` is always awaited to the end (the timeout covers the server's part only).
async fn transaction(
    conn: &mut AsyncSmtpConnection,
    envelope: &Envelope,
    options: Vec<MailParameter>,
    raw: &[u8],
    go: impl std::future::Future<Output = bool>,
    timeout: Duration,
) -> Result<Done, TransactionError> {
    let steps = async {
        conn.command(Mail::new(envelope.from().cloned(), options))
            .await?;
        for to in envelope.to() {
            conn.command(Rcpt::new(to.clone(), vec![])).await?;
        }
        Ok::<_, lettre::transport::smtp::Error>(())
    };
    let (envelope_sent, go) = tokio::join!(tokio::time::timeout(timeout, steps), go);
    match envelope_sent {
        Ok(Ok(())) => {}
        Ok(Err(e)) => {
            conn.abort().await;
            return Err(Failed(classify(&e)));
        }
        Err(_) => return Err(Timeout),
    }
    if !go {
        if conn.command(Rset).await.is_err() {
            conn.abort().await;
        }
        return Ok(Done::Reset);
    }
    match tokio::time::timeout(timeout, conn.command(Data)).await {
        Ok(Ok(_)) => {}
        Ok(Err(e)) => {
            conn.abort().await;
            return Err(Failed(classify(&e)));
        }
        Err(_) => return Err(Timeout),
    }
    let answer = tokio::time::timeout(timeout, conn.message(raw)).await;
    finish(conn, answer, timeout).await
}

/// MAIL FROM, each RCPT TO and DATA, written at once (RFC 2920).
struct Envelopes<'a> {
    mail: Mail,
    rcpts: &'a [lettre::Address],
}

impl std::fmt::Display for Envelopes<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.mail)?;
        for to in self.rcpts {
            write!(f, "{}", Rcpt::new(to.clone(), vec![]))?;
        }
        write!(f, "{Data}")
    }
}

/// The transaction on a server that takes PIPELINING: the envelope and DATA leave in one
/// write while the worker notes the email in its journal (`go`), their answers are read in
/// order, and the message follows once `go` says yes. Every answer of the group is read
/// even after a refusal, so the session stays in step; should the server agree to DATA
/// after refusing the envelope, or `go` say no, the connection is dropped unfinished (no
/// final "."), which makes the server discard the email.
async fn pipelined(
    conn: &mut AsyncSmtpConnection,
    envelope: &Envelope,
    options: Vec<MailParameter>,
    raw: &[u8],
    go: impl std::future::Future<Output = bool>,
    timeout: Duration,
) -> Result<Done, TransactionError> {
    let group = Envelopes {
        mail: Mail::new(envelope.from().cloned(), options),
        rcpts: envelope.to(),
    };
    let steps = async {
        // MAIL FROM's answer, then each RCPT TO's, then DATA's: the first refusal counts.
        let mut refused = conn.command(&group).await.err();
        for _ in 0..group.rcpts.len() {
            match conn.read_response().await {
                Ok(_) => {}
                Err(e) if e.is_permanent() || e.is_transient() => {
                    refused.get_or_insert(e);
                }
                Err(e) => return (Some(e), false),
            }
        }
        match conn.read_response().await {
            Ok(_) => (refused, true),
            Err(e) if e.is_permanent() || e.is_transient() => (refused.or(Some(e)), false),
            Err(e) => (Some(e), false),
        }
    };
    let (answers, go) = tokio::join!(tokio::time::timeout(timeout, steps), go);
    let in_data = match answers {
        Err(_) => return Err(Timeout),
        Ok((Some(e), in_data)) => {
            if !in_data {
                conn.abort().await;
            }
            return Err(Failed(classify(&e)));
        }
        Ok((None, in_data)) => in_data,
    };
    if !go {
        return Ok(if in_data { Done::Dropped } else { Done::Reset });
    }
    let answer = tokio::time::timeout(timeout, conn.message(raw)).await;
    finish(conn, answer, timeout).await
}

/// The server's answer to the message. A refusal (4xx, 5xx) is one; no answer (a timeout,
/// a dropped connection, words that are not SMTP) leaves it unknown whether the server
/// took the email, so it is not retried.
async fn finish(
    conn: &mut AsyncSmtpConnection,
    answer: Result<
        Result<lettre::transport::smtp::response::Response, lettre::transport::smtp::Error>,
        tokio::time::error::Elapsed,
    >,
    timeout: Duration,
) -> Result<Done, TransactionError> {
    match answer {
        Ok(Ok(_)) => Ok(Done::Sent),
        Ok(Err(e)) if e.is_permanent() || e.is_transient() => {
            conn.abort().await;
            Err(Failed(classify(&e)))
        }
        Ok(Err(e)) => {
            conn.abort().await;
            Err(Unanswered(format!(
                "gave no answer to the message ({})",
                full_text(&e)
            )))
        }
        Err(_) => Err(Unanswered(format!(
            "gave no answer to the message within {}s",
            timeout.as_secs()
        ))),
    }
}

/// A 5xx fails the email; anything else (4xx, a dropped connection before the message) is
/// worth a retry.
fn classify(e: &lettre::transport::smtp::Error) -> SendError {
    if e.is_permanent() {
        SendError::Permanent(full_text(e))
    } else {
        SendError::Transient(full_text(e))
    }
}

/// The error and its causes, each text once (lettre's own text already holds its cause's).
fn full_text(e: &lettre::transport::smtp::Error) -> String {
    crate::text::error_chain_text(e)
}
