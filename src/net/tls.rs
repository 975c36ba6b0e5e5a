//! TLS trust for every outgoing connection (IMAP here, SMTP through lettre), so both trust the same
//! certificates.
//!
//! Trust is the platform verifier (rustls-platform-verifier: on Linux the system's CA store, as in
//! `/etc/ssl/certs`) **plus** the certificates of the optional `ca_cert` PEM file. The extra file
//! is for a server whose certificate comes from a private CA, such as the test servers of
//! `scripts/mailtest.sh`; it adds to the system roots instead of replacing them because that is
//! what lettre does with `add_root_certificate` under its `rustls-platform-verifier` feature, and
//! SMTP and IMAP should never disagree about whom to trust. `ca_cert` must be a CA: rustls rejects
//! a self-signed CA certificate that a server presents as its own.
//!
//! For lettre, hand over the same file with [`ca_cert_pem`]:
//! `TlsParameters::builder(host).add_root_certificate(Certificate::from_pem(&pem)?).build_rustls()?`.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tokio::net::TcpStream;
use tokio_rustls::client::TlsStream;
use tokio_rustls::rustls::crypto::{ring, CryptoProvider};
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, ServerName};
use tokio_rustls::rustls::ClientConfig;
use tokio_rustls::TlsConnector;

/// The TLS settings could not be turned into a client configuration.
#[derive(Debug, thiserror::Error)]
pub enum TlsConfigError {
    /// The `ca_cert` file cannot be read.
    #[error("cannot read the ca_cert file {}", path.display())]
    ReadCaCert {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    /// The `ca_cert` file holds no PEM certificate, or one that does not parse.
    #[error("the ca_cert file {} holds no usable PEM certificate (expected -----BEGIN CERTIFICATE-----)", path.display())]
    BadCaCert { path: PathBuf, reason: String },
    /// The platform's trust store could not be loaded (on Linux: no CA certificates installed and
    /// no `ca_cert` given; `apt-get install ca-certificates`).
    #[error("cannot set up certificate verification: {0}")]
    Verifier(#[source] tokio_rustls::rustls::Error),
    /// The host name is not a valid DNS name or IP address for TLS.
    #[error("{0:?} is not a valid host name for TLS")]
    BadServerName(String),
}

/// Reads and checks the PEM file of extra root certificates: what lettre's
/// `Certificate::from_pem(&pem)` wants, so SMTP trusts exactly what IMAP trusts.
pub fn ca_cert_pem(path: &Path) -> Result<Vec<u8>, TlsConfigError> {
    let pem = std::fs::read(path).map_err(|source| TlsConfigError::ReadCaCert {
        path: path.to_owned(),
        source,
    })?;
    parse_certificates(path, &pem)?;
    Ok(pem)
}

fn parse_certificates(
    path: &Path,
    pem: &[u8],
) -> Result<Vec<CertificateDer<'static>>, TlsConfigError> {
    let bad = |reason: String| TlsConfigError::BadCaCert {
        path: path.to_owned(),
        reason,
    };
    let certs = CertificateDer::pem_slice_iter(pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| bad(e.to_string()))?;
    if certs.is_empty() {
        return Err(bad("no certificate found".to_owned()));
    }
    Ok(certs)
}

/// The client configuration: platform roots, plus the certificates of `ca_cert` when given.
///
/// Built with the ring provider explicitly, so it never depends on (or panics for want of) a
/// process-wide default provider.
pub fn client_config(ca_cert: Option<&Path>) -> Result<Arc<ClientConfig>, TlsConfigError> {
    let extra_roots = match ca_cert {
        Some(path) => {
            let pem = std::fs::read(path).map_err(|source| TlsConfigError::ReadCaCert {
                path: path.to_owned(),
                source,
            })?;
            parse_certificates(path, &pem)?
        }
        None => Vec::new(),
    };
    let provider: Arc<CryptoProvider> = Arc::new(ring::default_provider());
    let verifier =
        rustls_platform_verifier::Verifier::new_with_extra_roots(extra_roots, provider.clone())
            .map_err(TlsConfigError::Verifier)?;
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(TlsConfigError::Verifier)?
        .dangerous() // not dangerous: the platform verifier checks chain and host name
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth();
    Ok(Arc::new(config))
}

/// The name the server's certificate must carry: a DNS name, or an IP address (the test servers'
/// certificate names both `localhost` and `127.0.0.1`).
pub fn server_name(host: &str) -> Result<ServerName<'static>, TlsConfigError> {
    ServerName::try_from(host.to_owned())
        .map_err(|_| TlsConfigError::BadServerName(host.to_owned()))
}

/// Runs the TLS handshake over an open TCP connection. Errors are `io::Error`s whose inner error
/// is the rustls one (an unknown issuer, a name mismatch, a plain-text server ...).
pub async fn handshake(
    tcp: TcpStream,
    name: ServerName<'static>,
    config: Arc<ClientConfig>,
) -> io::Result<TlsStream<TcpStream>> {
    TlsConnector::from(config).connect(name, tcp).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn platform_roots_alone_make_a_config() {
        client_config(None).expect("the platform verifier loads the system roots");
    }

    #[test]
    fn a_missing_ca_cert_file_is_named() {
        let err = client_config(Some(Path::new("/nonexistent/ca.pem"))).unwrap_err();
        assert!(matches!(err, TlsConfigError::ReadCaCert { .. }), "{err:?}");
        assert!(err.to_string().contains("/nonexistent/ca.pem"), "{err}");
    }

    #[test]
    fn a_file_without_certificates_is_refused() {
        let path =
            std::env::temp_dir().join(format!("foi-net-not-a-cert-{}.pem", std::process::id()));
        std::fs::write(&path, "hello\n").unwrap();
        let err = ca_cert_pem(&path).unwrap_err();
        std::fs::remove_file(&path).unwrap();
        assert!(matches!(err, TlsConfigError::BadCaCert { .. }), "{err:?}");
    }

    #[test]
    fn server_names_may_be_dns_names_or_ip_addresses() {
        assert!(matches!(
            server_name("localhost"),
            Ok(ServerName::DnsName(_))
        ));
        assert!(matches!(
            server_name("127.0.0.1"),
            Ok(ServerName::IpAddress(_))
        ));
        assert!(server_name("not a host").is_err());
    }
}
