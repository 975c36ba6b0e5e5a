//! What the case page shows of a message, made once: a reply's sanitised HTML (kept at
//! ingestion as a blob beside its raw email, see [`super::IngestRecord::html_body`]) and the
//! text of an email we sent (read from its raw email on its first view, as is everything of
//! an email stored before the HTML was kept). A page shows what is kept here and never
//! reads a raw email again.

use super::messages::BLOB_COLUMNS;
use super::outbox::sha256_hex;
use super::Store;
use crate::domain::MessageId;
use sqlx::Row;

/// What the case page shows of a message besides its stored text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MessageDisplay {
    /// The HTML body as parsing sanitised it (shown only after sanitising again).
    pub html: Option<String>,
    /// The text of a message whose `text_body` is not kept (one we sent).
    pub text: Option<String>,
}

impl Store {
    /// What the case page shows of message `id`, or `None` when it is not made yet (an
    /// email we sent, or one stored before the HTML was kept) or there is no message `id`.
    pub async fn message_display(&self, id: MessageId) -> super::Result<Option<MessageDisplay>> {
        let Some(row) = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT m.html_sha256, m.display_text, {BLOB_COLUMNS}
             FROM messages m LEFT JOIN blobs b ON b.sha256 = m.html_sha256
             WHERE m.id = $1 AND m.display_made = 1"
        )))
        .bind(id)
        .fetch_optional(self.pool())
        .await?
        else {
            return Ok(None);
        };
        let html = match row.try_get::<Option<String>, _>("html_sha256")? {
            Some(_) => Some(String::from_utf8_lossy(&self.blob_bytes(&row).await?).into_owned()),
            None => None,
        };
        Ok(Some(MessageDisplay {
            html,
            text: row.try_get("display_text")?,
        }))
    }

    /// Keep what the case page shows of message `id`, made from its raw email (its HTML
    /// as a blob in the database itself: this is done once per email, by a page).
    pub async fn keep_message_display(
        &self,
        id: MessageId,
        display: &MessageDisplay,
    ) -> super::Result<()> {
        let mut tx = self.pool().begin().await?;
        let html_sha = match &display.html {
            Some(html) => {
                let sha = sha256_hex(html.as_bytes());
                sqlx::query(
                    "INSERT INTO blobs (sha256, size, data) VALUES ($1, $2, $3)
                     ON CONFLICT (sha256) DO NOTHING",
                )
                .bind(&sha)
                .bind(html.len() as i64)
                .bind(html.as_bytes())
                .execute(&mut *tx)
                .await?;
                Some(sha)
            }
            None => None,
        };
        sqlx::query(
            "UPDATE messages SET html_sha256 = $1, display_text = $2, display_made = 1 WHERE id = $3",
        )
        .bind(html_sha)
        .bind(display.text.as_deref())
        .bind(id)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
