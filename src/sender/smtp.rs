//! Our own small pool of SMTP sessions over lettre's connection type. We open the TCP
//! connections ourselves so that they carry TCP_NODELAY: lettre writes the message and its
//! final "." in two writes, and with Nagle's algorithm the second waits for the server's
//! delayed ACK (40 ms per email). Implicit TLS uses the same rustls trust as IMAP
//! (`net::tls`); STARTTLS and AUTH are lettre's.

use super::transport::SendError;
use crate::net::TlsMode;
use lettre::address::Envelope;
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{AsyncSmtpConnection, AsyncTokioStream, TlsParameters};
use lettre::transport::smtp::commands::{Data, Mail, Rcpt, Rset};
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

/// Connection settings, resolved once.
pub struct SmtpClient {
    pub host: String,
    pub port: u16,
    tls: TlsMode,
    rustls: Arc<ClientConfig>,
    starttls: Option<TlsParameters>,
    credentials: Option<Credentials>,
    timeout: Duration,
    hello: ClientId,
    /// Idle sessions with the time they were last used.
    idle: Mutex<Vec<(AsyncSmtpConnection, std::time::Instant)>>,
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
            timeout,
            hello: ClientId::default(),
            idle: Mutex::new(Vec::new()),
        }
    }

    fn where_(&self) -> String {
        format!("{}:{}", self.host, self.port)
    }

    /// Open, secure and log in one session. Every failure here is about the server or the
    /// configuration, never about one email.
    async fn connect(&self) -> Result<AsyncSmtpConnection, SendError> {
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
            Box::new(tcp)
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
            if let Some(c) = &self.credentials {
                conn.auth(&[Mechanism::Plain, Mechanism::Login], c).await.map_err(|e| {
                    SendError::Fatal(format!(
                        "{at} refused the login ({e}): check [smtp] username and the password in its environment variable or command"
                    ))
                })?;
            }
            Ok(conn)
        };
        tokio::time::timeout(self.timeout, setup)
            .await
            .map_err(|_| {
                SendError::Unreachable(format!("{at} stopped answering while we logged in"))
            })?
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

    /// Send one email on an idle session (or a new one). `go` is awaited after the
    /// envelope (MAIL FROM, RCPT TO) and before DATA, so the server has nothing to deliver
    /// until it says yes; it runs alongside the envelope's round trips (the worker commits
    /// the email's `sending` mark there). When `go` says no, the transaction is reset and
    /// `None` returned: nothing was sent.
    pub async fn send(
        &self,
        envelope: &Envelope,
        raw: &[u8],
        go: impl std::future::Future<Output = bool>,
    ) -> Option<Result<(), SendError>> {
        let mut conn = match self.session().await {
            Ok(c) => c,
            Err(e) => return go.await.then_some(Err(e)),
        };
        match transaction(&mut conn, envelope, raw, go, self.timeout).await {
            Ok(sent) => {
                self.idle
                    .lock()
                    .await
                    .push((conn, std::time::Instant::now()));
                sent.then_some(Ok(()))
            }
            Err(Timeout) => Some(Err(SendError::Transient(format!(
                "{} timed out while sending",
                self.where_()
            )))),
            Err(Failed(e)) => Some(Err(e)),
        }
    }

    /// An idle session (checked with a NOOP when it has been idle a while: the server may
    /// have closed it, and an email should not fail half-way for that), or a new one.
    async fn session(&self) -> Result<AsyncSmtpConnection, SendError> {
        let pooled = self.idle.lock().await.pop();
        match pooled {
            Some((c, used)) if !c.has_broken() && used.elapsed() < Duration::from_secs(10) => Ok(c),
            Some((mut c, _)) if !c.has_broken() => {
                if c.test_connected().await {
                    Ok(c)
                } else {
                    self.connect().await
                }
            }
            _ => self.connect().await,
        }
    }
}

enum TransactionError {
    Timeout,
    Failed(SendError),
}
use TransactionError::{Failed, Timeout};

/// One SMTP mail transaction, as lettre's `send` does it but with the `go` gate before
/// DATA. Ok(false): `go` said no and the transaction was reset. A failed command leaves
/// the connection broken (aborted), so the pool drops it. `go` is always awaited to the
/// end (the timeout covers the server's part only), so the worker's mark is settled
/// before the outcome is recorded.
async fn transaction(
    conn: &mut AsyncSmtpConnection,
    envelope: &Envelope,
    raw: &[u8],
    go: impl std::future::Future<Output = bool>,
    timeout: Duration,
) -> Result<bool, TransactionError> {
    let mut options = Vec::new();
    let non_ascii = |a: &lettre::Address| !AsRef::<str>::as_ref(a).is_ascii();
    if envelope.from().is_some_and(non_ascii) || envelope.to().iter().any(non_ascii) {
        if !conn.server_info().supports_feature(Extension::SmtpUtfEight) {
            go.await;
            return Err(Failed(SendError::Permanent(
                "the address is not ASCII and the server does not support SMTPUTF8".into(),
            )));
        }
        options.push(MailParameter::SmtpUtfEight);
    }
    if !raw.is_ascii() {
        if !conn.server_info().supports_feature(Extension::EightBitMime) {
            go.await;
            return Err(Failed(SendError::Permanent(
                "the email is not ASCII and the server does not support 8BITMIME".into(),
            )));
        }
        options.push(MailParameter::Body(MailBodyParameter::EightBitMime));
    }
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
        return Ok(false);
    }
    let data = async {
        conn.command(Data).await?;
        conn.message(raw).await
    };
    match tokio::time::timeout(timeout, data).await {
        Ok(Ok(_)) => Ok(true),
        Ok(Err(e)) => {
            conn.abort().await;
            Err(Failed(classify(&e)))
        }
        Err(_) => Err(Timeout),
    }
}

/// A 5xx fails the email; anything else (4xx, a dropped connection) is worth a retry.
fn classify(e: &lettre::transport::smtp::Error) -> SendError {
    if e.is_permanent() {
        SendError::Permanent(full_text(e))
    } else {
        SendError::Transient(full_text(e))
    }
}

fn full_text(e: &lettre::transport::smtp::Error) -> String {
    let mut s = e.to_string();
    let mut cur = std::error::Error::source(e);
    while let Some(c) = cur {
        s.push_str(": ");
        s.push_str(&c.to_string());
        cur = c.source();
    }
    s
}
