//! The HTTP client the OAuth2 flows run on: one request per connection (`Connection: close`),
//! HTTPS through the same rustls trust as IMAP and SMTP ([`crate::net::tls`], ring), plain HTTP only
//! to a loopback address (a local test identity provider). No second TLS stack, no redirects (a
//! token endpoint that redirects is refused: following it could leak the form to another host).
//!
//! Answers are hostile input: [`parse_response`] is pure and fuzzed (`fuzz/fuzz_targets/oauth_answers.rs`),
//! bounded in size ([`MAX_RESPONSE`]); every network step is bounded in time.
//!
//! Nothing here logs a request or a response: their bodies hold client secrets and tokens.

use std::time::Duration;

use oauth2::{HttpRequest, HttpResponse};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;

/// The largest answer read from a provider (a token answer is a few kilobytes).
pub const MAX_RESPONSE: usize = 256 * 1024;
/// Bound on the whole exchange with the provider: connect, TLS, request, answer.
pub const TIMEOUT: Duration = Duration::from_secs(30);

/// Why an HTTP exchange with the provider failed (never carries a token or a secret).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HttpError {
    /// The endpoint URL cannot be used (not http/https, plain http to a non-loopback host ...).
    #[error("{0}")]
    BadUrl(String),
    /// Nothing answered, or the connection broke, or the time ran out.
    #[error("cannot reach {url}: {reason}")]
    Unreachable { url: String, reason: String },
    /// What came back is not a usable HTTP answer.
    #[error("{url} gave an answer that is not valid HTTP: {reason}")]
    BadAnswer { url: String, reason: String },
}

impl HttpError {
    /// A network problem worth trying again later (not a configuration mistake).
    pub fn is_transient(&self) -> bool {
        matches!(self, HttpError::Unreachable { .. })
    }
}

/// Where a request goes, checked: https anywhere, http only on loopback.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub tls: bool,
    pub host: String,
    pub port: u16,
}

/// Checks that `url` may carry OAuth2 requests: `https://`, or `http://` to 127.0.0.1, ::1 or
/// localhost (tokens and client secrets must never cross a network in clear).
pub fn target(url: &oauth2::url::Url) -> Result<Target, HttpError> {
    let host = url
        .host_str()
        .ok_or_else(|| HttpError::BadUrl(format!("{url} has no host")))?
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_owned();
    let tls = match url.scheme() {
        "https" => true,
        "http" if is_loopback(&host) => false,
        "http" => {
            return Err(HttpError::BadUrl(format!(
                "{url} is plain http to another machine: OAuth2 endpoints must use https \
                 (plain http is allowed on loopback only)"
            )))
        }
        other => {
            return Err(HttpError::BadUrl(format!(
                "{url}: scheme {other:?} is not http or https"
            )))
        }
    };
    let port = url
        .port_or_known_default()
        .ok_or_else(|| HttpError::BadUrl(format!("{url} has no port")))?;
    Ok(Target { tls, host, port })
}

fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// Runs one request (what the `oauth2` crate hands over) within [`TIMEOUT`].
pub async fn send(
    request: HttpRequest,
    ca_cert: Option<std::path::PathBuf>,
) -> Result<HttpResponse, HttpError> {
    let url = oauth2::url::Url::parse(&request.uri().to_string())
        .map_err(|e| HttpError::BadUrl(format!("{}: {e}", request.uri())))?;
    let shown = without_query(&url);
    let target = target(&url)?;
    let unreachable = |reason: String| HttpError::Unreachable {
        url: shown.clone(),
        reason,
    };
    let bytes = encode_request(&request, &url, &target);
    let exchange = async {
        let tcp = TcpStream::connect((target.host.as_str(), target.port))
            .await
            .map_err(|e| unreachable(e.to_string()))?;
        if target.tls {
            let config = crate::net::tls::client_config(ca_cert.as_deref())
                .map_err(|e| HttpError::BadUrl(e.to_string()))?;
            let name = crate::net::tls::server_name(&target.host)
                .map_err(|e| HttpError::BadUrl(e.to_string()))?;
            let tls = crate::net::tls::handshake(tcp, name, config)
                .await
                .map_err(|e| unreachable(format!("TLS: {e}")))?;
            exchange(tls, &bytes)
                .await
                .map_err(|e| unreachable(e.to_string()))
        } else {
            exchange(tcp, &bytes)
                .await
                .map_err(|e| unreachable(e.to_string()))
        }
    };
    let raw = tokio::time::timeout(TIMEOUT, exchange)
        .await
        .map_err(|_| unreachable(format!("no answer within {}s", TIMEOUT.as_secs())))??;
    parse_response(&raw).map_err(|reason| HttpError::BadAnswer { url: shown, reason })
}

/// The URL without its query (which may carry a token in some providers' GET APIs).
fn without_query(url: &oauth2::url::Url) -> String {
    let mut u = url.clone();
    u.set_query(None);
    u.to_string()
}

fn encode_request(request: &HttpRequest, url: &oauth2::url::Url, target: &Target) -> Vec<u8> {
    let mut path = url.path().to_owned();
    if let Some(q) = url.query() {
        path.push('?');
        path.push_str(q);
    }
    let default_port = if target.tls { 443 } else { 80 };
    let host = match url.port() {
        Some(p) if p != default_port => format!("{}:{p}", url.host_str().unwrap_or_default()),
        _ => url.host_str().unwrap_or_default().to_owned(),
    };
    let mut out = format!("{} {path} HTTP/1.1\r\nHost: {host}\r\n", request.method());
    for (name, value) in request.headers() {
        if name == oauth2::http::header::HOST || name == oauth2::http::header::CONTENT_LENGTH {
            continue;
        }
        out.push_str(name.as_str());
        out.push_str(": ");
        out.push_str(&String::from_utf8_lossy(value.as_bytes()));
        out.push_str("\r\n");
    }
    out.push_str(&format!(
        "Content-Length: {}\r\nConnection: close\r\nUser-Agent: foi-campaigner\r\n\r\n",
        request.body().len()
    ));
    let mut bytes = out.into_bytes();
    bytes.extend_from_slice(request.body());
    bytes
}

/// Writes the request and reads the answer to the end of the connection, at most
/// [`MAX_RESPONSE`] bytes.
async fn exchange<S: AsyncRead + AsyncWrite + Unpin>(
    mut stream: S,
    request: &[u8],
) -> std::io::Result<Vec<u8>> {
    stream.write_all(request).await?;
    stream.flush().await?;
    let mut raw = Vec::new();
    let mut limited = (&mut stream).take(MAX_RESPONSE as u64 + 1);
    match limited.read_to_end(&mut raw).await {
        Ok(_) => {}
        // A server that closes TLS without close_notify after a complete answer is common.
        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof && !raw.is_empty() => {}
        Err(e) => return Err(e),
    }
    if raw.len() > MAX_RESPONSE {
        return Err(std::io::Error::other(format!(
            "the answer is larger than {} KiB",
            MAX_RESPONSE / 1024
        )));
    }
    Ok(raw)
}

/// Parses a complete HTTP/1.x answer (status line, headers, body by `Content-Length`, chunked
/// transfer coding, or to the end). Never panics; the error says what is wrong.
pub fn parse_response(raw: &[u8]) -> Result<HttpResponse, String> {
    let mut headers = [httparse::EMPTY_HEADER; 64];
    let mut head = httparse::Response::new(&mut headers);
    let body_at = match head.parse(raw).map_err(|e| e.to_string())? {
        httparse::Status::Complete(n) => n,
        httparse::Status::Partial => return Err("the answer ends inside its headers".into()),
    };
    let status = head.code.ok_or("no status code")?;
    let mut builder = oauth2::http::Response::builder().status(status);
    let mut length: Option<usize> = None;
    let mut chunked = false;
    for h in head.headers.iter() {
        if h.name.eq_ignore_ascii_case("content-length") {
            let text = std::str::from_utf8(h.value).map_err(|_| "a bad Content-Length")?;
            length = Some(text.trim().parse().map_err(|_| "a bad Content-Length")?);
        } else if h.name.eq_ignore_ascii_case("transfer-encoding") {
            chunked = String::from_utf8_lossy(h.value)
                .to_ascii_lowercase()
                .contains("chunked");
        }
        builder = builder.header(h.name, h.value);
    }
    let rest = &raw[body_at..];
    let body = if chunked {
        dechunk(rest)?
    } else if let Some(n) = length {
        rest.get(..n)
            .ok_or("the answer is shorter than its Content-Length")?
            .to_vec()
    } else {
        rest.to_vec()
    };
    builder.body(body).map_err(|e| e.to_string())
}

/// Decodes a chunked body (RFC 9112 7.1); trailers are ignored.
fn dechunk(mut rest: &[u8]) -> Result<Vec<u8>, String> {
    let mut body = Vec::new();
    loop {
        let line_end = rest
            .windows(2)
            .position(|w| w == b"\r\n")
            .ok_or("a chunk size line without its end")?;
        let line = std::str::from_utf8(&rest[..line_end]).map_err(|_| "a bad chunk size")?;
        let size_text = line.split(';').next().unwrap_or("").trim();
        let size = usize::from_str_radix(size_text, 16).map_err(|_| "a bad chunk size")?;
        rest = &rest[line_end + 2..];
        if size == 0 {
            return Ok(body);
        }
        let chunk = rest.get(..size).ok_or("the answer ends inside a chunk")?;
        body.extend_from_slice(chunk);
        rest = rest.get(size..).unwrap_or_default();
        rest = rest
            .strip_prefix(b"\r\n")
            .ok_or("a chunk without its end")?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plain_answer_with_content_length() {
        let r = parse_response(
            b"HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}extra",
        )
        .unwrap();
        assert_eq!(r.status(), 400);
        assert_eq!(r.body(), b"{}");
        assert_eq!(r.headers()["content-type"], "application/json");
    }

    #[test]
    fn a_chunked_answer_and_one_read_to_the_end() {
        let r = parse_response(
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\n{\"a\"\r\n3;x=y\r\n:1}\r\n0\r\n\r\n",
        )
        .unwrap();
        assert_eq!(r.body(), b"{\"a\":1}");
        let r = parse_response(b"HTTP/1.0 200 OK\r\n\r\nall of it").unwrap();
        assert_eq!(r.body(), b"all of it");
    }

    #[test]
    fn broken_answers_are_errors_not_panics() {
        for raw in [
            &b""[..],
            b"HTTP/1.1 200 OK\r\nContent-Le",
            b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort",
            b"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffff\r\nab",
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc",
            b"SMTP 220 hello\r\n\r\n",
        ] {
            assert!(
                parse_response(raw).is_err(),
                "{:?}",
                String::from_utf8_lossy(raw)
            );
        }
    }

    #[test]
    fn plain_http_only_to_loopback() {
        let ok = |u: &str| target(&oauth2::url::Url::parse(u).unwrap());
        assert_eq!(
            ok("http://127.0.0.1:8025/token").unwrap(),
            Target {
                tls: false,
                host: "127.0.0.1".into(),
                port: 8025
            }
        );
        assert!(ok("http://[::1]/token").is_ok());
        assert!(ok("http://localhost/token").is_ok());
        assert!(ok("https://login.microsoftonline.com/x").unwrap().tls);
        let err = ok("http://idp.example.org/token").unwrap_err();
        assert!(err.to_string().contains("must use https"), "{err}");
        assert!(ok("ftp://127.0.0.1/token").is_err());
    }
}
