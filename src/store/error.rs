//! The store's error: a thing asked for that is not there ([`StoreError::NotFound`], with a
//! sentence that says how to find it), or a failure of the database or its files
//! ([`StoreError::Other`]). Callers branch on it: the dashboard answers 404 for the first
//! and 500 for the second; the command line prints either.

/// What a store call can fail with.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The case, campaign ... asked for does not exist (the message says how to find one).
    #[error("{0}")]
    NotFound(String),
    /// The database or a pack file failed, or holds something it should not.
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

impl StoreError {
    pub fn is_not_found(&self) -> bool {
        matches!(self, Self::NotFound(_))
    }
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        Self::Other(e.into())
    }
}

impl From<std::io::Error> for StoreError {
    fn from(e: std::io::Error) -> Self {
        Self::Other(e.into())
    }
}

impl From<chrono::ParseError> for StoreError {
    fn from(e: chrono::ParseError) -> Self {
        Self::Other(e.into())
    }
}

impl From<serde_json::Error> for StoreError {
    fn from(e: serde_json::Error) -> Self {
        Self::Other(e.into())
    }
}

/// A store call's result.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;
