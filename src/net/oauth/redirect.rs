//! The loopback redirect of a browser sign-in (RFC 8252 7.3): a listener on 127.0.0.1 at a
//! port the system picks, waiting for the one request the provider's redirect sends the
//! browser to, `GET /?code=...&state=...` (or `?error=...`). Anything else that reaches the
//! port (a favicon request, a redirect whose `state` is not ours: another tab, or a forgery)
//! is answered and ignored; the wait goes on until the right redirect comes or time is up.
//! The listener reads at most [`MAX_REQUEST_BYTES`] of a request and gives each connection
//! [`CONNECTION_TIMEOUT`], so a stalled or hostile client cannot hold it.

use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

use super::OAuthError;

/// Bytes read of one request's head; a redirect is one short request line.
pub const MAX_REQUEST_BYTES: usize = 8 * 1024;
/// How long one connection may take to send its request.
pub const CONNECTION_TIMEOUT: Duration = Duration::from_secs(10);

/// A listener waiting for the provider's redirect.
pub struct Redirect {
    listener: TcpListener,
    addr: SocketAddr,
}

/// What one request to the listener carried.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Arrival {
    /// The code, with the state it came with.
    Code { code: String, state: String },
    /// The provider's refusal (`access_denied`, ...), with the state it came with.
    Refused {
        error: String,
        description: Option<String>,
        state: String,
    },
    /// Not a redirect: another path, no code or error, not a GET.
    Other,
}

impl Redirect {
    /// Listens on 127.0.0.1 at a free port.
    pub async fn bind() -> Result<Self, OAuthError> {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .await
            .map_err(|e| {
                OAuthError::Config(format!(
                    "cannot listen on 127.0.0.1 for the sign-in's redirect: {e}"
                ))
            })?;
        let addr = listener
            .local_addr()
            .map_err(|e| OAuthError::Config(format!("the redirect listener: {e}")))?;
        Ok(Self { listener, addr })
    }

    /// The redirect URI to register with the request: `http://127.0.0.1:PORT/`.
    pub fn uri(&self) -> String {
        format!("http://127.0.0.1:{}/", self.addr.port())
    }

    /// Waits for the redirect that carries `state`: its code, or the provider's refusal as
    /// an error. Requests with another state, or that are no redirect, are answered (400,
    /// 404) and the wait goes on.
    pub async fn code(&self, state: &str) -> Result<String, OAuthError> {
        loop {
            let mut tcp = match self.listener.accept().await {
                Ok((tcp, _)) => tcp,
                // (out of file descriptors, say: a pause, not a busy loop)
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            };
            let head = match tokio::time::timeout(CONNECTION_TIMEOUT, read_head(&mut tcp)).await {
                Ok(Ok(head)) => head,
                _ => continue,
            };
            let arrival = arrival(&head);
            let ours = |s: &str| !state.is_empty() && s == state;
            let (status, page, outcome) = match arrival {
                Arrival::Code { code, state: s } if ours(&s) && !code.is_empty() => (
                    "200 OK",
                    "Signed in. You can close this window and go back to foi.",
                    Some(Ok(code)),
                ),
                Arrival::Refused {
                    error,
                    description,
                    state: s,
                } if ours(&s) => (
                    "200 OK",
                    "The sign-in was refused. Run `foi auth login` again to retry.",
                    Some(Err(refused(&error, description.as_deref()))),
                ),
                Arrival::Code { .. } | Arrival::Refused { .. } => {
                    tracing::warn!("a sign-in redirect with a state that is not ours was ignored");
                    (
                        "400 Bad Request",
                        "This sign-in answer is not the one foi is waiting for (its state differs).",
                        None,
                    )
                }
                Arrival::Other => ("404 Not Found", "Not found.", None),
            };
            let reply = format!(
                "HTTP/1.1 {status}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n{page}",
                page.len()
            );
            // (the browser may have gone: what matters is what it brought)
            let _ = tokio::time::timeout(CONNECTION_TIMEOUT, tcp.write_all(reply.as_bytes())).await;
            let _ = tcp.shutdown().await;
            if let Some(outcome) = outcome {
                return outcome;
            }
        }
    }
}

fn refused(error: &str, description: Option<&str>) -> OAuthError {
    // bounded and printable: the provider's words are not ours to print at any length
    let clean = |s: &str| -> String { s.chars().filter(|c| !c.is_control()).take(200).collect() };
    let why = match description {
        Some(d) => format!("{}: {}", clean(error), clean(d)),
        None => clean(error),
    };
    OAuthError::Provider(format!(
        "the sign-in was refused at the provider ({why}): run `foi auth login` again and accept"
    ))
}

/// Reads a request's head (up to the blank line, at most [`MAX_REQUEST_BYTES`]).
async fn read_head(tcp: &mut tokio::net::TcpStream) -> std::io::Result<Vec<u8>> {
    let mut head = Vec::with_capacity(1024);
    let mut buf = [0u8; 1024];
    while head.len() < MAX_REQUEST_BYTES && !head.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = tcp.read(&mut buf).await?;
        if n == 0 {
            break;
        }
        head.extend_from_slice(&buf[..n]);
    }
    head.truncate(MAX_REQUEST_BYTES);
    Ok(head)
}

/// What a request head carries. Never panics.
pub fn arrival(head: &[u8]) -> Arrival {
    let line = head.split(|b| *b == b'\n').next().unwrap_or_default();
    let Ok(line) = std::str::from_utf8(line) else {
        return Arrival::Other;
    };
    let mut words = line.trim_end().split(' ');
    let (Some("GET"), Some(target)) = (words.next(), words.next()) else {
        return Arrival::Other;
    };
    if !target.starts_with('/') {
        return Arrival::Other;
    }
    let Ok(url) = oauth2::url::Url::parse(&format!("http://127.0.0.1{target}")) else {
        return Arrival::Other;
    };
    if url.path() != "/" {
        return Arrival::Other;
    }
    let (mut code, mut state, mut error, mut description) = (None, None, None, None);
    for (key, value) in url.query_pairs() {
        let slot = match key.as_ref() {
            "code" => &mut code,
            "state" => &mut state,
            "error" => &mut error,
            "error_description" => &mut description,
            _ => continue,
        };
        slot.get_or_insert_with(|| value.into_owned());
    }
    let state = state.unwrap_or_default();
    match (code, error) {
        (_, Some(error)) => Arrival::Refused {
            error,
            description,
            state,
        },
        (Some(code), None) => Arrival::Code { code, state },
        (None, None) => Arrival::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redirects_are_read_and_everything_else_is_other() {
        assert_eq!(
            arrival(b"GET /?code=ac-1%2F2&state=xyz HTTP/1.1\r\nHost: x\r\n\r\n"),
            Arrival::Code {
                code: "ac-1/2".into(),
                state: "xyz".into()
            }
        );
        assert_eq!(
            arrival(b"GET /?error=access_denied&state=s HTTP/1.1\r\n\r\n"),
            Arrival::Refused {
                error: "access_denied".into(),
                description: None,
                state: "s".into()
            }
        );
        for other in [
            &b"GET /favicon.ico HTTP/1.1\r\n\r\n"[..],
            b"POST /?code=a&state=s HTTP/1.1\r\n\r\n",
            b"GET / HTTP/1.1\r\n\r\n",
            b"GET http://evil.example/?code=a HTTP/1.1\r\n\r\n",
            b"\xff\xfe",
            b"",
        ] {
            assert_eq!(arrival(other), Arrival::Other, "{other:?}");
        }
    }

    async fn get(uri: &str, target: &str) -> String {
        let addr = uri.trim_start_matches("http://").trim_end_matches('/');
        let mut tcp = tokio::net::TcpStream::connect(addr).await.unwrap();
        tcp.write_all(format!("GET {target} HTTP/1.1\r\nHost: {addr}\r\n\r\n").as_bytes())
            .await
            .unwrap();
        let mut answer = String::new();
        tcp.read_to_string(&mut answer).await.unwrap();
        answer
    }

    #[tokio::test]
    async fn only_the_redirect_with_our_state_ends_the_wait() {
        let redirect = Redirect::bind().await.unwrap();
        let uri = redirect.uri();
        assert!(
            uri.starts_with("http://127.0.0.1:") && uri.ends_with('/'),
            "{uri}"
        );
        let waiting = tokio::spawn(async move { redirect.code("s-ours").await });
        let u = uri.clone();
        let answers = tokio::spawn(async move {
            let a = get(&u, "/favicon.ico").await;
            let b = get(&u, "/?code=forged&state=s-other").await;
            let c = get(&u, "/?code=ac-good&state=s-ours").await;
            (a, b, c)
        });
        let (a, b, c) = answers.await.unwrap();
        assert!(a.starts_with("HTTP/1.1 404"), "{a}");
        assert!(b.starts_with("HTTP/1.1 400"), "{b}");
        assert!(
            c.starts_with("HTTP/1.1 200") && c.contains("Signed in"),
            "{c}"
        );
        assert_eq!(waiting.await.unwrap().unwrap(), "ac-good");
    }

    #[tokio::test]
    async fn a_refusal_with_our_state_is_one_clear_error() {
        let redirect = Redirect::bind().await.unwrap();
        let uri = redirect.uri();
        let waiting = tokio::spawn(async move { redirect.code("s1").await });
        get(
            &uri,
            "/?error=access_denied&error_description=no%0Athanks&state=s1",
        )
        .await;
        let e = waiting.await.unwrap().unwrap_err().to_string();
        assert_eq!(
            e,
            "the sign-in was refused at the provider (access_denied: nothanks): run `foi auth login` again and accept"
        );
    }
}
