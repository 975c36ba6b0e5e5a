//! What the sender reports: why it is idle, what one step did, why a run stopped, and a
//! run's totals.

use chrono::{DateTime, Utc};

/// Why nothing more can be sent right now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Idle {
    /// Nothing is queued in a launched campaign.
    Empty,
    /// The next email falls due later.
    NotDue(DateTime<Utc>),
    /// Pacing holds the due emails until then.
    Paced(DateTime<Utc>),
    /// Outside the send window; it opens then.
    WindowClosed(DateTime<Utc>),
}

impl Idle {
    /// When to look again, if ever.
    pub fn wake_at(self) -> Option<DateTime<Utc>> {
        match self {
            Self::Empty => None,
            Self::NotDue(t) | Self::Paced(t) | Self::WindowClosed(t) => Some(t),
        }
    }

    pub fn describe(self) -> String {
        let fmt = |t: DateTime<Utc>| t.format("%a %Y-%m-%d %H:%M UTC").to_string();
        match self {
            Self::Empty => "nothing is queued".into(),
            Self::NotDue(t) => format!("the next email is due {}", fmt(t)),
            Self::Paced(t) => format!("pacing limits hold the rest until {}", fmt(t)),
            Self::WindowClosed(t) => format!("outside the send window; it opens {}", fmt(t)),
        }
    }
}

/// What one step did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Sent,
    Retried,
    Failed,
    /// No answer came after the message: a person must say whether it went.
    Uncertain,
    Idle(Idle),
}

/// Why a run stopped early. Nothing was marked failed because of it.
#[derive(Debug, thiserror::Error)]
pub enum SendStop {
    /// Login, TLS or configuration.
    #[error("{0}")]
    Fatal(String),
    /// The server cannot be reached; everything stays queued.
    #[error("{0}")]
    Unreachable(String),
    #[error(transparent)]
    Store(#[from] anyhow::Error),
}

impl From<crate::store::StoreError> for SendStop {
    fn from(e: crate::store::StoreError) -> Self {
        Self::Store(e.into())
    }
}

/// Totals of a run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Summary {
    pub sent: usize,
    pub retried: usize,
    pub failed: usize,
    /// Emails now `uncertain`: found in flight from an earlier run that stopped, or given
    /// no answer after their message in this one.
    pub uncertain: usize,
}
