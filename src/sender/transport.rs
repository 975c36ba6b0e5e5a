//! Transports: `.eml` files in a folder (try everything without a mail server) or the
//! group's SMTP server (lettre with rustls, STARTTLS or implicit TLS, AUTH, a pool of
//! sessions). A failure is classified so the worker knows whether to retry, fail the one
//! email, or stop the run.

use super::error::SendError;
use super::smtp::SmtpClient;
use crate::config::TransportSettings;
use crate::net::TlsMode;
use crate::store::Claimed;
use anyhow::Context;
use lettre::address::Envelope;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, TlsParameters};
use secrecy::ExposeSecret;
use std::path::PathBuf;

/// Where emails go.
pub enum Transport {
    Files {
        dir: PathBuf,
    },
    /// (boxed: a client is much larger than a folder's path)
    Smtp(Box<SmtpClient>),
}

impl std::fmt::Debug for Transport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Files { dir } => write!(f, "files transport into {}", dir.display()),
            Self::Smtp(c) => write!(f, "smtp transport to {}:{}", c.host, c.port),
        }
    }
}

impl Transport {
    /// Build the configured transport. Must run inside the tokio runtime (lettre's pool).
    pub fn new(settings: &TransportSettings) -> anyhow::Result<Self> {
        match settings {
            TransportSettings::Files { dir } => {
                std::fs::create_dir_all(dir).with_context(|| {
                    format!("cannot create the outgoing folder {}", dir.display())
                })?;
                Ok(Self::Files { dir: dir.clone() })
            }
            TransportSettings::Smtp(s) => {
                let ca = s.ca_cert.clone();
                let rustls = crate::net::tls::client_config(ca.as_deref())
                    .context("cannot set up TLS for [smtp]")?;
                let starttls = if s.tls == TlsMode::Starttls {
                    let mut b = TlsParameters::builder(s.host.clone());
                    if let Some(ca) = &ca {
                        let pem = crate::net::tls::ca_cert_pem(ca)?;
                        b = b.add_root_certificate(
                            Certificate::from_pem(&pem)
                                .context("[smtp] ca_cert is not a PEM certificate")?,
                        );
                    }
                    Some(b.build_rustls().context("cannot set up TLS for [smtp]")?)
                } else {
                    None
                };
                let credentials = match &s.username {
                    // (the token is asked for at each login)
                    Some(_) if s.oauth.is_some() => None,
                    Some(user) => {
                        let password = s.password.get()?.context(
                            "[smtp] username is set but no password: set password_env or password_command",
                        )?;
                        Some(Credentials::new(
                            user.clone(),
                            password.expose_secret().to_string(),
                        ))
                    }
                    None => None,
                };
                let client = SmtpClient::new(
                    s.host.clone(),
                    s.port,
                    s.tls,
                    rustls,
                    starttls,
                    credentials,
                    s.timeout,
                );
                Ok(Self::Smtp(Box::new(match &s.oauth {
                    Some(tokens) => client.with_oauth(tokens.clone()),
                    None => client,
                })))
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
                    Err(SendError::Fatal(format!(
                        "the outgoing folder {} does not exist",
                        dir.display()
                    )))
                }
            }
            Self::Smtp(client) => client.check().await,
        }
    }

    /// Hand one email to the server (or write its file) once `go` says yes: see
    /// [`SmtpClient::send`]. `None` when `go` said no: nothing was sent.
    pub async fn send(
        &self,
        c: &Claimed,
        go: impl std::future::Future<Output = bool>,
    ) -> Option<Result<(), SendError>> {
        match self {
            Self::Files { dir } => {
                if !go.await {
                    return None;
                }
                Some(write_eml(dir, c).map_err(|e| SendError::Fatal(format!("{e:#}"))))
            }
            Self::Smtp(client) => {
                let envelope = match envelope_of(c) {
                    Ok(e) => e,
                    Err(e) => return Some(Err(e)),
                };
                // lettre ends the DATA with CRLF.CRLF itself: drop our final CRLF so the
                // body receives exactly the bytes we stored.
                let raw = c.raw.strip_suffix(b"\r\n").unwrap_or(&c.raw);
                client.send(&envelope, raw, go).await
            }
        }
    }
}

fn envelope_of(c: &Claimed) -> Result<Envelope, SendError> {
    Envelope::new(
        Some(
            c.envelope_from
                .parse()
                .map_err(|e| SendError::Permanent(format!("bad sender address: {e}")))?,
        ),
        vec![c
            .recipient
            .parse()
            .map_err(|e| SendError::Permanent(format!("bad recipient address: {e}")))?],
    )
    .map_err(|e| SendError::Permanent(e.to_string()))
}

/// Write `<reference>-<outbox id>.eml` atomically (temporary file, then rename).
fn write_eml(dir: &std::path::Path, c: &Claimed) -> anyhow::Result<()> {
    let name = format!("{}-{}.eml", c.reference, c.id);
    let tmp = dir.join(format!(".{name}.tmp"));
    std::fs::write(&tmp, &c.raw).with_context(|| format!("cannot write {}", tmp.display()))?;
    std::fs::rename(&tmp, dir.join(&name)).with_context(|| format!("cannot write {name}"))?;
    Ok(())
}
