//! How a send can fail, sorted by what the worker must do about it: retry, fail the one
//! email, leave it for a person, or stop the run. The transports (files, SMTP) return it;
//! the worker decides from it.

/// Why a send did not succeed, by what the worker must do about it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// 4xx, timeout or dropped connection: retry later.
    #[error("temporary failure: {0}")]
    Transient(String),
    /// 5xx for this recipient: this email fails, the others go on.
    #[error("refused: {0}")]
    Permanent(String),
    /// Login, TLS or configuration: stop the run, mark nothing failed.
    #[error("{0}")]
    Fatal(String),
    /// The server cannot be reached at all: leave everything queued.
    #[error("{0}")]
    Unreachable(String),
    /// The message went to the server but no answer came (a timeout or a dropped
    /// connection after it): the server may have taken it, so it must not be sent again
    /// without a person saying so.
    #[error("no answer after the message: {0}")]
    Uncertain(String),
}
