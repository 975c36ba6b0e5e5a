//! `[pacing]`: how fast emails may go (per minute, hour, day, per recipient domain per
//! hour, per gateway), and how failed attempts are retried. Range checks are with the
//! other numbers in [`super::Config`]'s checks.

use super::gateway::{default_gateways, Gateway};
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pacing {
    pub per_minute: Option<u32>,
    pub per_hour: Option<u32>,
    pub per_day: Option<u32>,
    pub per_domain_per_hour: Option<u32>,
    /// Spread emails out: at least this many milliseconds between two.
    pub min_interval_ms: Option<u64>,
    #[serde(default = "default_attempts")]
    pub max_attempts: u32,
    #[serde(default = "default_retry_base")]
    pub retry_base_secs: u64,
    #[serde(default = "default_retry_max")]
    pub retry_max_secs: u64,
    /// `[[pacing.gateway]]`: domains paced as one; `None` means the built-in list.
    #[serde(default)]
    pub gateway: Option<Vec<Gateway>>,
}

impl Pacing {
    /// The gateways in force: the configured ones, or the built-in list.
    pub fn gateways(&self) -> Vec<Gateway> {
        self.gateway.clone().unwrap_or_else(default_gateways)
    }
}

fn default_attempts() -> u32 {
    8
}
fn default_retry_base() -> u64 {
    120
}
fn default_retry_max() -> u64 {
    6 * 3600
}

impl Default for Pacing {
    fn default() -> Self {
        Self {
            per_minute: None,
            per_hour: None,
            per_day: None,
            per_domain_per_hour: None,
            min_interval_ms: None,
            max_attempts: default_attempts(),
            retry_base_secs: default_retry_base(),
            retry_max_secs: default_retry_max(),
            gateway: None,
        }
    }
}
