//! Whether anything was committed since the last look, by any connection of any process:
//! SQLite's `PRAGMA data_version`, read on a connection of its own that never writes (the
//! number changes only for commits made on other connections). The dashboard keeps its
//! costly overdue list while this number stays the same.

use super::Result;
use super::Store;
use sqlx::sqlite::{SqlitePool, SqlitePoolOptions};

/// A connection kept open only to watch for commits.
#[derive(Debug, Clone)]
pub struct ChangeWatch {
    conn: SqlitePool,
}

impl Store {
    /// A watch on this database (one more connection, kept open: a new connection would
    /// count from the start again).
    pub async fn change_watch(&self) -> Result<ChangeWatch> {
        let options = (*self.pool().connect_options()).clone();
        let conn = SqlitePoolOptions::new()
            .max_connections(1)
            .min_connections(1)
            .idle_timeout(None)
            .max_lifetime(None)
            .connect_with(options)
            .await?;
        Ok(ChangeWatch { conn })
    }
}

impl ChangeWatch {
    /// A number that differs from the last one read whenever a commit happened in between.
    pub async fn version(&self) -> Result<i64> {
        Ok(sqlx::query_scalar("PRAGMA data_version")
            .fetch_one(&self.conn)
            .await?)
    }
}
