//! What every command but `init` works with: the configuration, the store and the clock.

use crate::clock::Clock;
use crate::config::{Config, Settings};
use crate::store::Store;
use std::path::Path;
use std::sync::Arc;

/// The loaded configuration and its settings (resolved once, here), the open store and
/// the clock.
pub struct App {
    pub config: Config,
    pub settings: Settings,
    pub store: Store,
    pub clock: Arc<dyn Clock>,
}

impl App {
    pub async fn load(config_path: &Path) -> anyhow::Result<Self> {
        Self::load_for(config_path, false).await
    }

    /// [`App::load`] for a command that only reads when `read_only` (see
    /// [`Store::open_read_only`]: SQLite's read-only mode when the database cannot be written).
    pub async fn load_for(config_path: &Path, read_only: bool) -> anyhow::Result<Self> {
        let config = Config::load(config_path)?;
        let settings = config.settings()?;
        let path = config.database_path();
        let store = if read_only {
            Store::open_read_only(&path).await?
        } else {
            Store::open(&path).await?
        };
        Ok(Self {
            config,
            settings,
            store,
            clock: crate::clock::from_env()?,
        })
    }

    /// Today in the configured time zone.
    pub fn today(&self) -> chrono::NaiveDate {
        self.clock.today_in(self.settings.timezone)
    }

    /// The regimes: built in, and defined in the config.
    pub fn regimes(&self) -> &crate::deadlines::Regimes {
        &self.settings.regimes
    }
}

/// A watch that turns true on SIGINT or SIGTERM (`foi send`, `foi run`, `foi serve` stop
/// cleanly on it).
pub fn shutdown_signal() -> tokio::sync::watch::Receiver<bool> {
    let (tx, rx) = tokio::sync::watch::channel(false);
    tokio::spawn(async move {
        #[cfg(unix)]
        let term = async {
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(mut s) => {
                    s.recv().await;
                }
                Err(_) => std::future::pending::<()>().await,
            }
        };
        #[cfg(not(unix))]
        let term = std::future::pending::<()>();
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term => {}
        }
        tracing::warn!("stopping: in-flight emails finish and are recorded");
        let _ = tx.send(true);
    });
    rx
}
