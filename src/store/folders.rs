//! IMAP bookkeeping: for each source and folder, its UIDVALIDITY and the highest UID
//! stored, so an interrupted fetch resumes without a gap or a duplicate.

use super::{Result, Store};
use sqlx::Row;

impl Store {
    /// IMAP bookkeeping: (uidvalidity, last uid stored) of a folder.
    pub async fn folder_state(&self, source: &str, folder: &str) -> Result<Option<(u32, u32)>> {
        let r = sqlx::query(
            "SELECT uidvalidity, last_uid FROM mailbox_folders WHERE source = $1 AND folder = $2",
        )
        .bind(source)
        .bind(folder)
        .fetch_optional(self.pool())
        .await?;
        r.map(|r| {
            Ok((
                r.try_get::<i64, _>("uidvalidity")? as u32,
                r.try_get::<i64, _>("last_uid")? as u32,
            ))
        })
        .transpose()
    }

    /// Where the next fetch of a folder resumes. `synced`: the commit is on disk before
    /// this returns, and every commit before it (one WAL), as it must be before the
    /// fetched emails are moved out of the folder: after a power cut the next fetch would
    /// otherwise resume before emails that are no longer there to fetch.
    pub async fn set_folder_state(
        &self,
        source: &str,
        folder: &str,
        uidvalidity: u32,
        last_uid: u32,
        synced: bool,
    ) -> Result<()> {
        let turn = self.write_turn().await;
        let pool = if synced {
            self.durable()
        } else {
            turn.writer()
        };
        sqlx::query(
            "INSERT INTO mailbox_folders (source, folder, uidvalidity, last_uid) VALUES ($1, $2, $3, $4)
             ON CONFLICT (source, folder) DO UPDATE SET uidvalidity = $3, last_uid = $4",
        )
        .bind(source)
        .bind(folder)
        .bind(i64::from(uidvalidity))
        .bind(i64::from(last_uid))
        .execute(pool)
        .await?;
        Ok(())
    }
}
