//! Gateways: recipient domains that share one mail system, paced as one. Hundreds of NHS
//! bodies receive through NHSmail (`nhs.net`), many schools through their local
//! authority's or a broadband consortium's service: a per-domain limit would let a
//! campaign send each of them its full rate, and the shared system sees a burst. A
//! gateway groups such domains under one hourly limit, enforced by the sender's pacer and
//! used by the finish estimate.
//!
//! `[[pacing.gateway]]` tables replace the built-in list ([`default_gateways`]); `gateway
//! = []` turns it off.

use anyhow::bail;
use serde::Deserialize;

/// One gateway: a name, the domains it serves (`nhs.net` exactly, `*.nhs.uk` for every
/// sub-domain) and how many emails it may take per hour from us.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Gateway {
    pub name: String,
    pub domains: Vec<String>,
    pub per_hour: u32,
}

impl Gateway {
    /// Whether mail to `domain` goes through this gateway (the first gateway that
    /// matches a domain is the one it counts against).
    pub fn matches(&self, domain: &str) -> bool {
        let domain = domain.trim_end_matches('.');
        self.domains.iter().any(|p| match p.strip_prefix("*.") {
            Some(parent) => {
                // Bytes, not str slicing: a hostile domain never splits a character.
                let (d, p) = (domain.as_bytes(), parent.as_bytes());
                d.len() > p.len() + 1
                    && d[d.len() - p.len() - 1] == b'.'
                    && d[d.len() - p.len()..].eq_ignore_ascii_case(p)
            }
            None => domain.eq_ignore_ascii_case(p),
        })
    }
}

/// The gateways used when the configuration names none: NHSmail, which carries `nhs.net`
/// and many `nhs.uk` sub-domains of trusts, practices and boards, at 30 an hour.
pub fn default_gateways() -> Vec<Gateway> {
    vec![Gateway {
        name: "nhs.net".into(),
        domains: vec!["nhs.net".into(), "*.nhs.uk".into()],
        per_hour: 30,
    }]
}

/// Check configured gateways: a name, at least one domain pattern (`example.org` or
/// `*.example.org`), a limit in range, no name twice.
pub fn check(gateways: &[Gateway]) -> anyhow::Result<()> {
    let mut names = std::collections::HashSet::new();
    for g in gateways {
        let name = g.name.trim();
        if name.is_empty() {
            bail!("[[pacing.gateway]] needs a name, e.g. name = \"nhs.net\"");
        }
        if !names.insert(name.to_lowercase()) {
            bail!("[[pacing.gateway]] '{name}' is named twice: give each gateway its own name");
        }
        if g.domains.is_empty() {
            bail!("[[pacing.gateway]] '{name}' has no domains: e.g. domains = [\"nhs.net\", \"*.nhs.uk\"]");
        }
        for d in &g.domains {
            let bare = d.strip_prefix("*.").unwrap_or(d);
            let ok = bare.contains('.')
                && bare.split('.').all(|l| {
                    !l.is_empty() && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                });
            if !ok {
                bail!(
                    "[[pacing.gateway]] '{name}': '{d}' is not a domain: use example.org, or *.example.org for its sub-domains"
                );
            }
        }
        if !(1..=1_000_000).contains(&g.per_hour) {
            bail!(
                "[[pacing.gateway]] '{name}' per_hour is {}: it must be between 1 and 1000000",
                g.per_hour
            );
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gw(domains: &[&str]) -> Gateway {
        Gateway {
            name: "g".into(),
            domains: domains.iter().map(|d| d.to_string()).collect(),
            per_hour: 10,
        }
    }

    #[test]
    fn patterns_match_a_domain_or_its_sub_domains() {
        let g = gw(&["nhs.net", "*.nhs.uk"]);
        assert!(g.matches("nhs.net"));
        assert!(g.matches("NHS.net"));
        assert!(g.matches("camfordtrust.nhs.uk"));
        assert!(g.matches("a.b.nhs.uk"));
        assert!(!g.matches("nhs.uk"), "*. means sub-domains only");
        assert!(!g.matches("fakenhs.uk"));
        assert!(!g.matches("mail.nhs.net"), "no wildcard given for nhs.net");
        assert!(!g.matches("council.example"));
    }

    #[test]
    fn bad_gateways_are_refused_with_what_to_do() {
        let mut bad = gw(&["nhs net"]);
        assert!(check(std::slice::from_ref(&bad))
            .unwrap_err()
            .to_string()
            .contains("is not a domain"));
        bad.domains = vec![];
        assert!(check(&[bad])
            .unwrap_err()
            .to_string()
            .contains("no domains"));
        let mut zero = gw(&["*.sch.uk"]);
        zero.per_hour = 0;
        assert!(check(&[zero])
            .unwrap_err()
            .to_string()
            .contains("must be between 1"));
        assert!(check(&[gw(&["a.example"]), gw(&["b.example"])])
            .unwrap_err()
            .to_string()
            .contains("named twice"));
        assert!(check(&default_gateways()).is_ok());
    }
}
