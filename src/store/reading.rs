//! Replies to read: received messages classified `reply` that no person has read yet (the
//! "to read" queue), the cases waiting on them, and a person reading one or confirming its
//! class. Being read is a property of the message (`read_at`, `read_by`), not of its case.

use super::{parse_time, time_text, Result, Store};
use crate::domain::id::{CampaignId, CaseId, MessageId};
use crate::domain::Reference;
use chrono::{DateTime, Utc};
use sqlx::Row;
use std::collections::HashSet;

/// The class a message waits in the queue with (`ingest::classify::Kind::Reply`).
const TO_READ: &str = "reply";

/// One message of the "to read" queue, with its cases.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ReplyToRead {
    pub id: MessageId,
    pub at: DateTime<Utc>,
    pub from_addr: String,
    pub subject: String,
    /// Why it was classified `reply`.
    pub reason: String,
    /// The cases it is linked to, with their body's name.
    pub cases: Vec<(Reference, String)>,
}

impl Store {
    /// The "to read" queue, oldest first: received messages linked to a case, classified
    /// `reply`, that no person has read.
    pub async fn replies_to_read(&self) -> Result<Vec<ReplyToRead>> {
        let rows = sqlx::query(
            "SELECT m.id, m.at, m.from_addr, m.subject, COALESCE(m.reason, '') AS reason,
                    c.reference, b.name AS body_name
             FROM messages m
             JOIN message_cases mc ON mc.message_id = m.id
             JOIN cases c ON c.id = mc.case_id
             JOIN bodies b ON b.id = c.body_id
             WHERE m.classification = $1 AND m.read_at IS NULL AND m.direction = 'inbound'
             ORDER BY m.at, m.id, c.reference",
        )
        .bind(TO_READ)
        .fetch_all(self.pool())
        .await?;
        let mut out: Vec<ReplyToRead> = Vec::new();
        for row in rows {
            let id: MessageId = row.try_get("id")?;
            let case = (
                Reference::from_stored(row.try_get("reference")?),
                row.try_get("body_name")?,
            );
            match out.last_mut() {
                Some(last) if last.id == id => last.cases.push(case),
                _ => out.push(ReplyToRead {
                    id,
                    at: parse_time(&row.try_get::<String, _>("at")?)?,
                    from_addr: row.try_get("from_addr")?,
                    subject: row.try_get("subject")?,
                    reason: row.try_get("reason")?,
                    cases: vec![case],
                }),
            }
        }
        Ok(out)
    }

    /// The cases (of one campaign, or all) with a reply nobody has read.
    pub async fn cases_with_reply_to_read(
        &self,
        campaign_id: Option<CampaignId>,
    ) -> Result<HashSet<CaseId>> {
        let rows = sqlx::query(
            "SELECT DISTINCT mc.case_id FROM messages m
             JOIN message_cases mc ON mc.message_id = m.id
             JOIN cases c ON c.id = mc.case_id
             WHERE m.classification = $1 AND m.read_at IS NULL AND m.direction = 'inbound'
               AND ($2 IS NULL OR c.campaign_id = $2)",
        )
        .bind(TO_READ)
        .bind(campaign_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| r.try_get("case_id"))
            .collect::<std::result::Result<_, sqlx::Error>>()
            .map_err(Into::into)
    }

    /// The replies on case `case_id` that nobody has read.
    pub async fn case_replies_to_read(&self, case_id: CaseId) -> Result<HashSet<MessageId>> {
        let rows = sqlx::query(
            "SELECT m.id FROM messages m JOIN message_cases mc ON mc.message_id = m.id
             WHERE mc.case_id = $1 AND m.classification = $2 AND m.read_at IS NULL
               AND m.direction = 'inbound'",
        )
        .bind(case_id)
        .bind(TO_READ)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| r.try_get("id"))
            .collect::<std::result::Result<_, sqlx::Error>>()
            .map_err(Into::into)
    }

    /// A person confirms (or sets) the class of received message `id`, and has read it:
    /// `false` when there is no such received message.
    pub async fn confirm_class(
        &self,
        id: MessageId,
        kind: &str,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        Ok(sqlx::query(
            "UPDATE messages SET classification = $1, classified_by = $2, read_by = $2,
                    read_at = COALESCE(read_at, $3)
             WHERE id = $4 AND direction = 'inbound'",
        )
        .bind(kind)
        .bind(actor)
        .bind(time_text(now))
        .bind(id)
        .execute(self.pool())
        .await?
        .rows_affected()
            == 1)
    }

    /// The template folder of each case's campaign (for the cases given): what our request
    /// to it said, which a reply that pastes it back must not be classified by.
    pub async fn request_template_dirs(
        &self,
        case_ids: &[CaseId],
    ) -> Result<std::collections::HashMap<CaseId, String>> {
        let mut out = std::collections::HashMap::new();
        // (a batch names few cases; 500 per query stays under any parameter limit)
        for chunk in case_ids.chunks(500) {
            let mut q = sqlx::QueryBuilder::<sqlx::Sqlite>::new(
                "SELECT c.id, k.template_dir FROM cases c JOIN campaigns k ON k.id = c.campaign_id
                 WHERE c.id IN (",
            );
            let mut list = q.separated(", ");
            for id in chunk {
                list.push_bind(*id);
            }
            q.push(")");
            for row in q.build().fetch_all(self.pool()).await? {
                out.insert(row.try_get("id")?, row.try_get("template_dir")?);
            }
        }
        Ok(out)
    }

    /// Who read received message `id` and when (`None`: nobody yet).
    pub async fn read_by(&self, id: MessageId) -> Result<Option<(String, DateTime<Utc>)>> {
        let row = sqlx::query("SELECT read_by, read_at FROM messages WHERE id = $1")
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let by: Option<String> = row.try_get("read_by")?;
        let at: Option<String> = row.try_get("read_at")?;
        Ok(match (by, at) {
            (Some(by), Some(at)) => Some((by, parse_time(&at)?)),
            _ => None,
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::domain::id::MessageId;
    use crate::store::Store;

    /// A database from before "reply" (issue 16): its `unknown` messages become replies;
    /// those a person had classified count as read, the others wait in the queue.
    #[tokio::test]
    async fn unknown_messages_of_an_older_database_become_replies() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.db");
        let options = sqlx::sqlite::SqliteConnectOptions::new()
            .filename(&path)
            .create_if_missing(true);
        let pool = sqlx::SqlitePool::connect_with(options).await.unwrap();
        let mut older = sqlx::migrate!("./migrations");
        older.migrations = older
            .migrations
            .iter()
            .filter(|m| m.version < 20261206001600)
            .cloned()
            .collect::<Vec<_>>()
            .into();
        older.run(&pool).await.unwrap();
        sqlx::raw_sql(
            "INSERT INTO blobs (sha256, size, data) VALUES ('a', 0, x''), ('b', 0, x''), ('c', 0, x'');
             INSERT INTO messages (id, direction, message_id, raw_sha256, at, created_at,
                                   classification, classified_by, reason) VALUES
              (1, 'inbound', 'a', 'a', '2026-03-03T10:00:00Z', '2026-03-03T10:00:01Z', 'unknown', 'auto',
               'unknown: no bounce, auto-reply, acknowledgement wording found'),
              (2, 'inbound', 'b', 'b', '2026-03-03T10:00:00Z', '2026-03-03T10:00:02Z', 'unknown', 'staff',
               'classified by staff'),
              (3, 'inbound', 'c', 'c', '2026-03-03T10:00:00Z', '2026-03-03T10:00:03Z', 'response', 'auto',
               'response: \"please find attached\"');",
        )
        .execute(&pool)
        .await
        .unwrap();
        pool.close().await;

        let store = Store::open(&path).await.unwrap();
        let rows: Vec<(i64, String, String)> =
            sqlx::query_as("SELECT id, classification, reason FROM messages ORDER BY id")
                .fetch_all(store.pool())
                .await
                .unwrap();
        assert_eq!(rows[0].1, "reply");
        assert_eq!(
            rows[0].2,
            "reply: no bounce, auto-reply, acknowledgement wording found; a person must read it"
        );
        assert_eq!(rows[1].1, "reply");
        assert_eq!(rows[2].1, "response", "other classes are left alone");
        assert_eq!(
            store.read_by(MessageId::new(1)).await.unwrap(),
            None,
            "waits to be read"
        );
        let (by, _) = store
            .read_by(MessageId::new(2))
            .await
            .unwrap()
            .expect("read");
        assert_eq!(by, "staff");
        assert_eq!(store.read_by(MessageId::new(3)).await.unwrap(), None);
    }
}
