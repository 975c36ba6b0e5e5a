//! What every handler works with: the configuration, the store, the clock, and what the
//! dashboard keeps between requests (the change watch, the Overdue page's list).

use crate::clock::Clock;
use crate::config::Settings;
use crate::store::Store;
use std::sync::Arc;

/// What every handler works with.
#[derive(Clone)]
pub struct WebState(Arc<Inner>);

pub struct Inner {
    /// The configuration, resolved once when the server starts.
    pub settings: Settings,
    pub store: Store,
    pub clock: Arc<dyn Clock>,
    /// Mark cookies `Secure` (served over TLS, or behind a TLS proxy).
    pub secure_cookies: bool,
    /// Opened on first use; `None` when it could not be (then nothing is cached).
    watch: tokio::sync::OnceCell<Option<crate::store::ChangeWatch>>,
    pub(crate) overdue_cache: super::cache::OverdueCache,
    /// Sign-ins' password checks, a few at a time.
    pub password_checks: super::password_checks::PasswordChecks,
}

impl WebState {
    pub fn new(
        settings: Settings,
        store: Store,
        clock: Arc<dyn Clock>,
        secure_cookies: bool,
    ) -> Self {
        Self(Arc::new(Inner {
            settings,
            store,
            clock,
            secure_cookies,
            watch: tokio::sync::OnceCell::new(),
            overdue_cache: Default::default(),
            password_checks: Default::default(),
        }))
    }

    /// The database's change number (see `store::ChangeWatch`), `None` if it cannot be read.
    pub async fn change_version(&self) -> Option<i64> {
        let watch = self
            .watch
            .get_or_init(|| async {
                match self.store.change_watch().await {
                    Ok(w) => Some(w),
                    Err(e) => {
                        tracing::warn!("dashboard: no change watch, nothing is cached: {e:#}");
                        None
                    }
                }
            })
            .await
            .as_ref()?;
        watch.version().await.ok()
    }
}

impl std::ops::Deref for WebState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}
