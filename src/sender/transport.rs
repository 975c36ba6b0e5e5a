//! Transports: `.eml` files in a folder (try everything without a mail server) or the
//! group's SMTP server (lettre with rustls, STARTTLS or implicit TLS, AUTH, a pool of
//! sessions). A failure is classified so the worker knows whether to retry, fail the one
//! email, or stop the run.

use crate::config::{Config, TransportKind};
use crate::net::TlsMode;
use crate::store::Claimed;
use anyhow::Context;
use lettre::address::Envelope;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::transport::smtp::PoolConfig;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use secrecy::ExposeSecret;
use std::path::PathBuf;
use std::time::Duration;

/// Why a send did not succeed, by what the worker must do about it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// 4xx, timeout or dropped connection: retry later.
    #[error("temporary failure: {0}")]
    Transient(String),
    /// 5xx for this recipient: this email fails, the others go on.
    #[error("refused: {0}")]
    Permanent(String),
    /// Login, TLS or configuration: stop the run, mark nothing failed.
    #[error("{0}")]
    Fatal(String),
    /// The server cannot be reached at all: leave everything queued.
    #[error("{0}")]
    Unreachable(String),
}

/// Where emails go.
pub enum Transport {
    Files {
        dir: PathBuf,
    },
    Smtp {
        client: AsyncSmtpTransport<Tokio1Executor>,
        host: String,
        port: u16,
    },
}

impl std::fmt::Debug for Transport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Files { dir } => write!(f, "files transport into {}", dir.display()),
            Self::Smtp { host, port, .. } => write!(f, "smtp transport to {host}:{port}"),
        }
    }
}

/// SMTP reply codes that mean the login (not the recipient) was refused.
const AUTH_CODES: &[u16] = &[530, 534, 535, 538, 454];

fn code_of(e: &lettre::transport::smtp::Error) -> Option<u16> {
    e.status().map(|c| {
        let s = c.to_string();
        s.get(..3).and_then(|d| d.parse().ok()).unwrap_or(0)
    })
}

fn io_kind(e: &(dyn std::error::Error + 'static)) -> Option<std::io::ErrorKind> {
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = cur {
        if let Some(io) = err.downcast_ref::<std::io::Error>() {
            return Some(io.kind());
        }
        cur = err.source();
    }
    None
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

fn classify(e: &lettre::transport::smtp::Error, host: &str, port: u16) -> SendError {
    let text = full_text(e);
    if e.is_tls() {
        return SendError::Fatal(format!(
            "TLS with {host}:{port} failed ({text}): check [smtp] tls (starttls for 587, implicit for 465) and ca_cert"
        ));
    }
    if let Some(code) = code_of(e) {
        if AUTH_CODES.contains(&code) && !e.is_transient() || code == 535 {
            return SendError::Fatal(format!(
                "{host}:{port} refused the login ({text}): check [smtp] username and the password in its environment variable or command"
            ));
        }
        if e.is_permanent() {
            return SendError::Permanent(text);
        }
        return SendError::Transient(text);
    }
    match io_kind(e) {
        Some(std::io::ErrorKind::ConnectionRefused) => SendError::Unreachable(format!(
            "cannot connect to {host}:{port} ({text}): check [smtp] host and port, and that the server is running; everything stays queued"
        )),
        _ => SendError::Transient(text),
    }
}

impl Transport {
    /// Build the configured transport. Must run inside the tokio runtime (lettre's pool).
    pub fn from_config(config: &Config) -> anyhow::Result<Self> {
        match config.transport.kind {
            TransportKind::Files => {
                let dir = config.files_dir();
                std::fs::create_dir_all(&dir).with_context(|| {
                    format!("cannot create the outgoing folder {}", dir.display())
                })?;
                Ok(Self::Files { dir })
            }
            TransportKind::Smtp => {
                let s = config
                    .smtp
                    .as_ref()
                    .context("[transport] kind = \"smtp\" needs an [smtp] section")?;
                let tls_params = || -> anyhow::Result<TlsParameters> {
                    let mut b = TlsParameters::builder(s.host.clone());
                    if let Some(ca) = &s.ca_cert {
                        let pem = crate::net::tls::ca_cert_pem(&config.resolve(ca))?;
                        b = b.add_root_certificate(
                            Certificate::from_pem(&pem)
                                .context("[smtp] ca_cert is not a PEM certificate")?,
                        );
                    }
                    b.build_rustls().context("cannot set up TLS for [smtp]")
                };
                let tls = match s.tls {
                    TlsMode::Starttls => Tls::Required(tls_params()?),
                    TlsMode::Implicit => Tls::Wrapper(tls_params()?),
                    TlsMode::None => Tls::None,
                };
                let mut b = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&s.host)
                    .port(s.port)
                    .tls(tls)
                    .timeout(Some(Duration::from_secs(s.timeout_secs)))
                    .pool_config(PoolConfig::new().max_size(s.sessions as u32));
                if let Some(user) = &s.username {
                    let password = s
                        .password
                        .resolve("smtp")?
                        .context("[smtp] username is set but no password: set password_env or password_command")?;
                    b = b.credentials(Credentials::new(
                        user.clone(),
                        password.expose_secret().to_string(),
                    ));
                }
                Ok(Self::Smtp {
                    client: b.build(),
                    host: s.host.clone(),
                    port: s.port,
                })
            }
        }
    }

    /// Before a run: can we reach and log in to the server?
    pub async fn check(&self) -> Result<(), SendError> {
        match self {
            Self::Files { dir } => {
                if dir.is_dir() {
                    Ok(())
                } else {
                    Err(SendError::Fatal(format!("the outgoing folder {} does not exist", dir.display())))
                }
            }
            Self::Smtp { client, host, port } => match client.test_connection().await {
                Ok(true) => Ok(()),
                Ok(false) => Err(SendError::Unreachable(format!("{host}:{port} did not answer NOOP"))),
                Err(e) => Err(match classify(&e, host, *port) {
                    SendError::Transient(t) => SendError::Unreachable(format!(
                        "cannot talk to {host}:{port} ({t}): check [smtp] host, port and tls; everything stays queued"
                    )),
                    other => other,
                }),
            },
        }
    }

    /// Hand one email to the server (or write its file).
    pub async fn send(&self, c: &Claimed) -> Result<(), SendError> {
        match self {
            Self::Files { dir } => {
                write_eml(dir, c).map_err(|e| SendError::Fatal(format!("{e:#}")))
            }
            Self::Smtp { client, host, port } => {
                let envelope =
                    Envelope::new(
                        Some(c.envelope_from.parse().map_err(|e| {
                            SendError::Permanent(format!("bad sender address: {e}"))
                        })?),
                        vec![c.recipient.parse().map_err(|e| {
                            SendError::Permanent(format!("bad recipient address: {e}"))
                        })?],
                    )
                    .map_err(|e| SendError::Permanent(e.to_string()))?;
                // lettre ends the DATA with CRLF.CRLF itself: drop our final CRLF so the
                // body receives exactly the bytes we stored.
                let raw = c.raw.strip_suffix(b"\r\n").unwrap_or(&c.raw);
                client
                    .send_raw(&envelope, raw)
                    .await
                    .map(|_| ())
                    .map_err(|e| classify(&e, host, *port))
            }
        }
    }
}

/// Write `<reference>-<outbox id>.eml` atomically (temporary file, then rename).
fn write_eml(dir: &std::path::Path, c: &Claimed) -> anyhow::Result<()> {
    let name = format!("{}-{}.eml", c.reference, c.id);
    let tmp = dir.join(format!(".{name}.tmp"));
    std::fs::write(&tmp, &c.raw).with_context(|| format!("cannot write {}", tmp.display()))?;
    std::fs::rename(&tmp, dir.join(&name)).with_context(|| format!("cannot write {name}"))?;
    Ok(())
}
