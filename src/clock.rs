//! The only place that reads the current time. Everything else is handed a [`Clock`];
//! tests and the `FOI_NOW` environment variable fix it.

use chrono::{DateTime, NaiveDate, Utc};
use std::sync::Arc;

/// A source of "now".
pub trait Clock: Send + Sync + std::fmt::Debug {
    fn now(&self) -> DateTime<Utc>;

    /// A fixed clock never moves: nothing may wait for its time to pass.
    fn is_fixed(&self) -> bool {
        false
    }

    /// Today's date in a time zone (for "today" in templates, send windows, receipt dates).
    fn today_in(&self, tz: chrono_tz::Tz) -> NaiveDate {
        self.now().with_timezone(&tz).date_naive()
    }
}

/// The real clock.
#[derive(Debug, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    #[allow(clippy::disallowed_methods)] // the one sanctioned call
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock stopped at one instant, for tests.
#[derive(Debug, Clone, Copy)]
pub struct FixedClock(pub DateTime<Utc>);

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        self.0
    }

    fn is_fixed(&self) -> bool {
        true
    }
}

/// The clock for this process: fixed when `FOI_NOW` holds an RFC 3339 instant (for
/// rehearsals and tests that drive the binary), else the system clock.
pub fn from_env() -> anyhow::Result<Arc<dyn Clock>> {
    match std::env::var("FOI_NOW") {
        Ok(v) if !v.trim().is_empty() => {
            let t = DateTime::parse_from_rfc3339(v.trim()).map_err(|e| {
                anyhow::anyhow!(
                    "FOI_NOW='{v}' is not an RFC 3339 time such as 2026-03-02T09:30:00Z: {e}"
                )
            })?;
            Ok(Arc::new(FixedClock(t.with_timezone(&Utc))))
        }
        _ => Ok(Arc::new(SystemClock)),
    }
}
