//! Sign-ins' password checks, a few at a time: argon2 takes ~19 MiB and tens of
//! milliseconds a check, so a burst of guesses must queue, not run all at once.

use crate::casework::users::verify_password;

/// argon2 checks that may run at once.
pub const PASSWORD_CHECKS: usize = 2;

/// The argon2 checks of sign-ins: at most [`PASSWORD_CHECKS`] at once, off the async
/// runtime's threads; the others wait their turn.
pub struct PasswordChecks {
    turns: tokio::sync::Semaphore,
    running: std::sync::atomic::AtomicUsize,
    peak: std::sync::atomic::AtomicUsize,
}

impl Default for PasswordChecks {
    fn default() -> Self {
        Self {
            turns: tokio::sync::Semaphore::new(PASSWORD_CHECKS),
            running: Default::default(),
            peak: Default::default(),
        }
    }
}

impl PasswordChecks {
    /// Whether `password` matches `phc`, once a turn is free.
    pub async fn check(&self, password: String, phc: String) -> anyhow::Result<bool> {
        use std::sync::atomic::Ordering::SeqCst;
        let _turn = self.turns.acquire().await?;
        let now = self.running.fetch_add(1, SeqCst) + 1;
        self.peak.fetch_max(now, SeqCst);
        let ok = tokio::task::spawn_blocking(move || verify_password(&password, &phc)).await;
        self.running.fetch_sub(1, SeqCst);
        ok.map_err(|e| anyhow::anyhow!("password check failed: {e}"))
    }

    /// The most checks that ever ran at once.
    pub fn peak(&self) -> usize {
        self.peak.load(std::sync::atomic::Ordering::SeqCst)
    }
}
