//! `[web]`: what `foi serve` needs to know about where it runs: the proxies whose
//! `X-Forwarded-For` it believes, the public address of the dashboard (the only host it
//! answers to, and the base of every absolute URL it writes), and its limits.

use anyhow::{bail, Context};
use serde::Deserialize;
use std::net::IpAddr;
use std::time::Duration;

/// The `[web]` table as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Web {
    /// Reverse proxies in front of the dashboard: from these peers (only), the client's
    /// address is taken from `X-Forwarded-For`.
    #[serde(default)]
    pub trusted_proxies: Vec<String>,
    /// The dashboard's public address, e.g. `https://foi.example.org`; when set, requests
    /// naming another Host are refused and absolute URLs (the calendar feed) use it.
    pub public_url: Option<String>,
    /// Connections served at once; more wait in the kernel's queue.
    #[serde(default = "default_max_connections")]
    pub max_connections: usize,
    /// A request must arrive whole, and be answered, within this many seconds.
    #[serde(default = "default_request_timeout")]
    pub request_timeout_secs: u64,
    /// A connection with no request in flight is closed after this many seconds.
    #[serde(default = "default_idle_timeout")]
    pub idle_timeout_secs: u64,
}

fn default_max_connections() -> usize {
    256
}
fn default_request_timeout() -> u64 {
    30
}
fn default_idle_timeout() -> u64 {
    60
}

impl Default for Web {
    fn default() -> Self {
        Self {
            trusted_proxies: Vec::new(),
            public_url: None,
            max_connections: default_max_connections(),
            request_timeout_secs: default_request_timeout(),
            idle_timeout_secs: default_idle_timeout(),
        }
    }
}

/// `[web]` checked.
#[derive(Debug, Clone)]
pub struct WebSettings {
    pub trusted_proxies: Vec<IpAddr>,
    /// The public base URL without a trailing slash, e.g. `https://foi.example.org`.
    pub public_url: Option<String>,
    /// The host (and port, if any) of `public_url`, lower-cased, as a Host header names it.
    pub public_host: Option<String>,
    pub max_connections: usize,
    pub request_timeout: Duration,
    pub idle_timeout: Duration,
}

impl Default for WebSettings {
    fn default() -> Self {
        Web::default().resolve().expect("the defaults are valid")
    }
}

impl Web {
    pub fn resolve(&self) -> anyhow::Result<WebSettings> {
        let trusted_proxies = self
            .trusted_proxies
            .iter()
            .map(|p| {
                p.trim().parse::<IpAddr>().with_context(|| {
                    format!("[web] trusted_proxies: '{p}' is not an IP address such as 127.0.0.1")
                })
            })
            .collect::<anyhow::Result<_>>()?;
        let (public_url, public_host) = match &self.public_url {
            None => (None, None),
            Some(u) => {
                let (url, host) = public_url(u)?;
                (Some(url), Some(host))
            }
        };
        if !(1..=100_000).contains(&self.max_connections) {
            bail!("[web] max_connections must be between 1 and 100000");
        }
        for (name, v) in [
            ("request_timeout_secs", self.request_timeout_secs),
            ("idle_timeout_secs", self.idle_timeout_secs),
        ] {
            if !(1..=3600).contains(&v) {
                bail!("[web] {name} must be between 1 and 3600 seconds");
            }
        }
        if self.idle_timeout_secs < self.request_timeout_secs {
            // (a response still being made must not look like an idle connection)
            bail!("[web] idle_timeout_secs must be at least request_timeout_secs");
        }
        Ok(WebSettings {
            trusted_proxies,
            public_url,
            public_host,
            max_connections: self.max_connections,
            request_timeout: Duration::from_secs(self.request_timeout_secs),
            idle_timeout: Duration::from_secs(self.idle_timeout_secs),
        })
    }
}

/// `https://host[:port]` (or `http://`), with no path: the URL without a trailing slash,
/// and the host part lower-cased.
fn public_url(u: &str) -> anyhow::Result<(String, String)> {
    let err = || {
        anyhow::anyhow!(
            "[web] public_url '{u}' must be http:// or https:// and a host name, such as https://foi.example.org"
        )
    };
    let rest = u
        .strip_prefix("https://")
        .or_else(|| u.strip_prefix("http://"))
        .ok_or_else(err)?;
    let host = rest.strip_suffix('/').unwrap_or(rest);
    let valid = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']');
    if host.is_empty() || !host.chars().all(valid) {
        return Err(err());
    }
    let scheme_len = u.len() - rest.len();
    Ok((
        format!("{}{host}", &u[..scheme_len]),
        host.to_ascii_lowercase(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_public_url_is_a_scheme_and_a_host() {
        let w = Web {
            public_url: Some("https://FOI.example.org/".into()),
            trusted_proxies: vec!["10.0.0.1".into(), "::1".into()],
            ..Web::default()
        };
        let s = w.resolve().unwrap();
        assert_eq!(s.public_url.as_deref(), Some("https://FOI.example.org"));
        assert_eq!(s.public_host.as_deref(), Some("foi.example.org"));
        assert_eq!(s.trusted_proxies.len(), 2);
        for bad in ["foi.example.org", "https://x/y", "javascript:x", "https://"] {
            let w = Web {
                public_url: Some(bad.into()),
                ..Web::default()
            };
            assert!(w.resolve().is_err(), "{bad}");
        }
    }

    #[test]
    fn bad_values_say_which_key() {
        let proxy = Web {
            trusted_proxies: vec!["proxy.local".into()],
            ..Web::default()
        };
        let e = format!("{:#}", proxy.resolve().unwrap_err());
        assert!(e.contains("trusted_proxies"), "{e}");
        let zero = Web {
            idle_timeout_secs: 0,
            ..Web::default()
        };
        let e = format!("{:#}", zero.resolve().unwrap_err());
        assert!(e.contains("idle_timeout_secs"), "{e}");
    }
}
