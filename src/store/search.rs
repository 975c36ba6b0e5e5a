//! Full-text search (issue 21): the FTS5 table `search_index` over the emails' text and the
//! text extracted from attachments (`attachment_texts`), kept in step by the triggers of
//! migration `20261207100001_search.sql` (its comment says what a rowid stands for) for
//! the documents' text, and for the emails by the deferred indexer
//! ([`Store::index_pending_messages`], migration `20261208100000_search_deferred.sql`:
//! an email changed is queued in the transaction that changes it and indexed when the
//! index is needed, so reading mail does not tokenize), and the reads of the extracted text itself: a document's units (the dashboard shows them
//! as text), and the units of a campaign's replies (answer suggestions read them).
//!
//! SQLite's own: FTS5, `MATCH`, `rank`, `snippet()`.

use super::{parse_time, Result, Store};
use crate::domain::search_query::{SearchQuery, MARK_END, MARK_START};
use crate::domain::{AttachmentId, CampaignId, CaseId, MessageId};
use chrono::{DateTime, Utc};
use sqlx::{QueryBuilder, Row, Sqlite};

/// Which hits to keep.
#[derive(Debug, Clone, Default)]
pub struct SearchFilter {
    pub campaign_id: Option<CampaignId>,
    /// Only cases of bodies with this tag.
    pub tag: Option<String>,
    /// Only emails (and their documents) of this classification.
    pub class: Option<String>,
    /// At most this many hits.
    pub limit: u32,
}

/// One hit: an email's text, or a unit of a document attached to an email.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SearchHit {
    /// bm25 (lower is better), as FTS5 ranks it.
    pub rank: f64,
    /// The case the email belongs to (none for an email in triage).
    pub reference: Option<String>,
    pub campaign: Option<String>,
    /// The public body's name.
    pub body: Option<String>,
    pub message_id: MessageId,
    pub at: DateTime<Utc>,
    pub subject: String,
    pub class: Option<String>,
    /// For a document: the attachment, its name and where in it (`page 3`, `Sheet1!B4`).
    pub attachment_id: Option<AttachmentId>,
    pub attachment: Option<String>,
    pub locator: Option<String>,
    /// FTS5's snippet, the matches between `MARK_START` and `MARK_END`.
    #[serde(skip)]
    pub snippet: String,
}

/// One unit of a document's text.
#[derive(Debug, Clone, serde::Serialize)]
pub struct TextUnit {
    pub seq: i64,
    pub locator: String,
    pub text: String,
}

/// A document's extracted text, with the email it came with.
#[derive(Debug, Clone, serde::Serialize)]
pub struct DocumentText {
    pub attachment_id: AttachmentId,
    pub file_name: String,
    pub message_id: MessageId,
    pub subject: String,
    /// The first case the email is linked to.
    pub reference: Option<String>,
    /// The first units (at most the number asked for).
    pub units: Vec<TextUnit>,
    /// How many units there are in all.
    pub total_units: i64,
}

/// A unit of the text of a document attached to a reply on a case (answer suggestions).
#[derive(Debug, Clone)]
pub struct CaseDocumentUnit {
    pub case_id: CaseId,
    pub campaign_id: CampaignId,
    pub message_id: MessageId,
    pub at: DateTime<Utc>,
    pub attachment_id: AttachmentId,
    pub file_name: String,
    pub locator: String,
    pub text: String,
}

/// What `foi search --reindex` put back in the index.
#[derive(Debug, Clone, Copy, Default, serde::Serialize)]
pub struct Reindexed {
    pub emails: i64,
    pub document_units: i64,
}

impl Store {
    /// The hits of `query`, best first (bm25), after `filter`. An email linked to two cases
    /// is a hit on each.
    pub async fn search(
        &self,
        query: &SearchQuery,
        filter: &SearchFilter,
    ) -> Result<Vec<SearchHit>> {
        // FTS5 hands its rows over in rank order (ORDER BY rank with a LIMIT), so the
        // snippet is made only for the rows kept, not for every row that matches.
        let mut q: QueryBuilder<Sqlite> = QueryBuilder::new(
            "SELECT search_index.rowid AS k, search_index.rank AS score,
                    snippet(search_index, -1, ",
        );
        q.push_bind(MARK_START.to_string())
            .push(", ")
            .push_bind(MARK_END.to_string())
            .push(
                ", '…', 24) AS snip,
                    m.id AS message_id, m.at, m.subject, m.classification,
                    t.attachment_id, a.file_name, t.locator,
                    c.reference, b.name AS body_name, cp.name AS campaign
             FROM search_index
             LEFT JOIN attachment_texts t ON search_index.rowid < 0 AND t.id = -search_index.rowid
             LEFT JOIN attachments a ON a.id = t.attachment_id
             JOIN messages m ON m.id = CASE WHEN search_index.rowid > 0
                                            THEN search_index.rowid ELSE a.message_id END
             LEFT JOIN message_cases mc ON mc.message_id = m.id
             LEFT JOIN cases c ON c.id = COALESCE(mc.case_id, m.case_id)
             LEFT JOIN bodies b ON b.id = c.body_id
             LEFT JOIN campaigns cp ON cp.id = c.campaign_id
             WHERE search_index MATCH ",
            )
            .push_bind(query.fts().to_string());
        if let Some(id) = filter.campaign_id {
            q.push(" AND c.campaign_id = ").push_bind(id);
        }
        if let Some(tag) = &filter.tag {
            q.push(" AND EXISTS (SELECT 1 FROM body_tags bt WHERE bt.body_id = c.body_id AND bt.tag = ")
                .push_bind(tag.clone())
                .push(")");
        }
        if let Some(class) = &filter.class {
            q.push(" AND m.classification = ").push_bind(class.clone());
        }
        q.push(" ORDER BY search_index.rank LIMIT ")
            .push_bind(i64::from(filter.limit));
        q.build()
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(|r| {
                let at: String = r.try_get("at")?;
                Ok(SearchHit {
                    rank: r.try_get("score")?,
                    reference: r.try_get("reference")?,
                    campaign: r.try_get("campaign")?,
                    body: r.try_get("body_name")?,
                    message_id: r.try_get("message_id")?,
                    at: parse_time(&at)?,
                    subject: r.try_get("subject")?,
                    class: r.try_get("classification")?,
                    attachment_id: r.try_get("attachment_id")?,
                    attachment: r.try_get("file_name")?,
                    locator: r.try_get("locator")?,
                    snippet: r.try_get("snip")?,
                })
            })
            .collect()
    }

    /// Index the emails queued in `search_pending` (their subject or text changed since
    /// they were last indexed, or they are new), in one transaction that empties the
    /// queue: each one's text as it is now goes in (none when it has no text now; its old
    /// words left the index when it was queued, see the migration
    /// `search_external_content`). Called before a search answers and by `foi run` after
    /// each fetch (reading mail only queues); what a crash left queued is indexed by the
    /// next call. Returns how many emails were queued.
    pub async fn index_pending_messages(&self) -> Result<u64> {
        // (a read first: most calls find the queue empty and need no write turn)
        let queued: Option<i64> =
            sqlx::query_scalar("SELECT message_id FROM search_pending LIMIT 1")
                .fetch_optional(self.pool())
                .await?;
        if queued.is_none() {
            return Ok(0);
        }
        let turn = self.write_turn().await;
        let mut tx = turn.writer().begin_with("BEGIN IMMEDIATE").await?;
        // (CROSS JOIN keeps the queue as the outer loop: SQLite's planner, without
        // statistics, chose to scan every message and read its text, once per batch)
        sqlx::query(
            "INSERT INTO search_index (rowid, title, body)
             SELECT m.id, m.subject, COALESCE(m.text_body, m.display_text)
             FROM search_pending p CROSS JOIN messages m ON m.id = p.message_id
             WHERE COALESCE(m.text_body, m.display_text) IS NOT NULL",
        )
        .execute(&mut *tx)
        .await?;
        let done = sqlx::query("DELETE FROM search_pending")
            .execute(&mut *tx)
            .await?
            .rows_affected();
        tx.commit().await?;
        Ok(done)
    }

    /// How many emails wait to be indexed.
    pub async fn search_pending_count(&self) -> Result<i64> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM search_pending")
            .fetch_one(self.pool())
            .await?)
    }

    /// Rebuild the search index from the emails and the documents' text, in one
    /// transaction (searches meanwhile see the old index); the queue of emails to index
    /// is emptied with it.
    pub async fn rebuild_search_index(&self) -> Result<Reindexed> {
        let turn = self.write_turn().await;
        let mut tx = turn.writer().begin_with("BEGIN IMMEDIATE").await?;
        // (the index keeps no text of its own: 'delete-all' empties it without reading
        // the words it holds)
        sqlx::query("INSERT INTO search_index (search_index) VALUES ('delete-all')")
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM search_pending")
            .execute(&mut *tx)
            .await?;
        let emails = sqlx::query(
            "INSERT INTO search_index (rowid, title, body)
             SELECT id, subject, COALESCE(text_body, display_text) FROM messages
             WHERE COALESCE(text_body, display_text) IS NOT NULL",
        )
        .execute(&mut *tx)
        .await?
        .rows_affected();
        let units = sqlx::query(
            "INSERT INTO search_index (rowid, title, body) SELECT -id, '', text FROM attachment_texts",
        )
        .execute(&mut *tx)
        .await?
        .rows_affected();
        sqlx::query("INSERT INTO search_index (search_index) VALUES ('optimize')")
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(Reindexed {
            emails: emails as i64,
            document_units: units as i64,
        })
    }

    /// How many rows the index holds (emails, document units): FTS5 keeps one row per
    /// indexed rowid in its `_docsize` table (counting `search_index` itself would count
    /// the rows of its content, indexed or not).
    pub async fn search_index_counts(&self) -> Result<(i64, i64)> {
        let row = sqlx::query(
            "SELECT COUNT(*) FILTER (WHERE id > 0), COUNT(*) FILTER (WHERE id < 0)
             FROM search_index_docsize",
        )
        .fetch_one(self.pool())
        .await?;
        Ok((row.try_get(0)?, row.try_get(1)?))
    }

    /// The text extracted from attachment `id`, its first `max_units` units in order;
    /// `None` when there is no attachment `id`.
    pub async fn document_text(
        &self,
        id: AttachmentId,
        max_units: u32,
    ) -> Result<Option<DocumentText>> {
        let Some(head) = sqlx::query(
            "SELECT a.id, a.file_name, m.id AS message_id, m.subject,
                    (SELECT c.reference FROM cases c
                     WHERE c.id = COALESCE((SELECT MIN(mc.case_id) FROM message_cases mc
                                            WHERE mc.message_id = m.id), m.case_id)) AS reference,
                    (SELECT COUNT(*) FROM attachment_texts t WHERE t.attachment_id = a.id) AS total
             FROM attachments a JOIN messages m ON m.id = a.message_id WHERE a.id = $1",
        )
        .bind(id)
        .fetch_optional(self.pool())
        .await?
        else {
            return Ok(None);
        };
        let units = sqlx::query(
            "SELECT seq, locator, text FROM attachment_texts WHERE attachment_id = $1
             ORDER BY seq LIMIT $2",
        )
        .bind(id)
        .bind(i64::from(max_units))
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(|r| {
            Ok(TextUnit {
                seq: r.try_get("seq")?,
                locator: r.try_get("locator")?,
                text: r.try_get("text")?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
        Ok(Some(DocumentText {
            attachment_id: head.try_get("id")?,
            file_name: head.try_get("file_name")?,
            message_id: head.try_get("message_id")?,
            subject: head.try_get("subject")?,
            reference: head.try_get("reference")?,
            units,
            total_units: head.try_get("total")?,
        }))
    }

    /// The text of the documents attached to inbound emails linked to cases (of one
    /// campaign, or all; only emails with an id above `after_message` when given), by
    /// email (oldest first), attachment and unit.
    pub async fn case_document_units(
        &self,
        campaign_id: Option<CampaignId>,
        after_message: Option<MessageId>,
    ) -> Result<Vec<CaseDocumentUnit>> {
        let mut q: QueryBuilder<Sqlite> = QueryBuilder::new(
            "SELECT mc.case_id, c.campaign_id, m.id, m.at, a.id AS attachment_id, a.file_name,
                    t.locator, t.text
             FROM message_cases mc
             JOIN messages m ON m.id = mc.message_id
             JOIN cases c ON c.id = mc.case_id
             JOIN attachments a ON a.message_id = m.id
             JOIN attachment_texts t ON t.attachment_id = a.id
             WHERE m.direction = 'inbound'",
        );
        super::answers::push_inbound_scope(&mut q, campaign_id, after_message);
        q.push(" ORDER BY m.at, m.id, mc.case_id, a.id, t.seq");
        q.build()
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(|r| {
                let at: String = r.try_get("at")?;
                Ok(CaseDocumentUnit {
                    case_id: r.try_get("case_id")?,
                    campaign_id: r.try_get("campaign_id")?,
                    message_id: r.try_get("id")?,
                    at: parse_time(&at)?,
                    attachment_id: r.try_get("attachment_id")?,
                    file_name: r.try_get("file_name")?,
                    locator: r.try_get("locator")?,
                    text: r.try_get("text")?,
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::create(&dir.path().join("t.db")).await.unwrap();
        (dir, store)
    }

    #[tokio::test]
    async fn the_bundled_sqlite_has_fts5_and_the_index_is_there() {
        let (_dir, store) = store().await;
        let (on,): (i64,) = sqlx::query_as("SELECT sqlite_compileoption_used('ENABLE_FTS5')")
            .fetch_one(store.pool())
            .await
            .unwrap();
        assert_eq!(on, 1, "SQLite without FTS5: search cannot work");
        assert_eq!(store.search_index_counts().await.unwrap(), (0, 0));
        let q = SearchQuery::parse("anything").unwrap();
        let hits = store
            .search(
                &q,
                &SearchFilter {
                    limit: 10,
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert!(hits.is_empty());
    }

    /// The emails (message ids) `word` finds.
    async fn found(store: &Store, word: &str) -> Vec<MessageId> {
        let q = SearchQuery::parse(word).unwrap();
        let filter = SearchFilter {
            limit: 10,
            ..Default::default()
        };
        let mut ids: Vec<MessageId> = store
            .search(&q, &filter)
            .await
            .unwrap()
            .into_iter()
            .map(|h| h.message_id)
            .collect();
        ids.sort();
        ids
    }

    async fn sql(store: &Store, sql: &str) {
        sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
            .execute(store.pool())
            .await
            .unwrap();
    }

    /// Inbound emails `(id, subject, text)` as ingestion stores them, each with its raw
    /// bytes' blob.
    async fn inbound(store: &Store, emails: &[(i64, &str, Option<&str>)]) {
        for (id, subject, text) in emails {
            let raw = format!("raw{id}");
            sqlx::query("INSERT INTO blobs (sha256, size, data) VALUES ($1, 1, x'00')")
                .bind(&raw)
                .execute(store.pool())
                .await
                .unwrap();
            sqlx::query(
                "INSERT INTO messages (id, direction, message_id, raw_sha256, subject, at, created_at, text_body)
                 VALUES ($1, 'inbound', 'm' || $1, $2, $3, '2026-03-01T10:00:00Z', '2026-03-01T10:00:00Z', $4)",
            )
            .bind(id)
            .bind(&raw)
            .bind(subject)
            .bind(text)
            .execute(store.pool())
            .await
            .unwrap();
        }
    }

    #[tokio::test]
    async fn emails_are_indexed_from_the_queue_their_changes_fill() {
        let (_dir, store) = store().await;
        inbound(
            &store,
            &[
                (1, "Re: turnips", Some("We hold cameras")),
                (2, "Re: beetroot", None),
                (3, "Re: swede", Some("A parsnip")),
            ],
        )
        .await;
        // Committed, not indexed yet (what a crash before the indexer leaves): queued.
        assert_eq!(store.search_pending_count().await.unwrap(), 2);
        assert_eq!(store.search_index_counts().await.unwrap(), (0, 0));
        assert_eq!(store.index_pending_messages().await.unwrap(), 2);
        assert_eq!(store.search_pending_count().await.unwrap(), 0);
        assert_eq!(store.search_index_counts().await.unwrap(), (2, 0));
        let (one, three) = (MessageId::new(1), MessageId::new(3));
        assert_eq!(found(&store, "cameras").await, [one]);
        assert_eq!(found(&store, "turnips").await, [one]);
        assert_eq!(found(&store, "parsnip").await, [three]);
        // Nothing queued: nothing written.
        assert_eq!(store.index_pending_messages().await.unwrap(), 0);

        // A text repaired, a subject changed, a text made (display text), a text gone.
        sql(
            &store,
            "UPDATE messages SET text_body = 'We hold radishes' WHERE id = 1;
             UPDATE messages SET display_text = 'Our request about beetroot' WHERE id = 2;
             UPDATE messages SET text_body = NULL WHERE id = 3;
             UPDATE messages SET classification = 'response' WHERE id = 1",
        )
        .await;
        assert_eq!(store.index_pending_messages().await.unwrap(), 3);
        assert!(found(&store, "cameras").await.is_empty());
        assert_eq!(found(&store, "radishes").await, [one]);
        assert_eq!(found(&store, "turnips").await, [one]);
        assert_eq!(found(&store, "beetroot").await, [MessageId::new(2)]);
        assert!(found(&store, "parsnip").await.is_empty());
        assert_eq!(store.search_index_counts().await.unwrap(), (2, 0));

        // A change not indexed yet when the email is deleted: nothing stays behind.
        sql(
            &store,
            "UPDATE messages SET subject = 'Re: kohlrabi' WHERE id = 1; DELETE FROM messages WHERE id = 1",
        )
        .await;
        assert_eq!(store.search_pending_count().await.unwrap(), 0);
        assert!(found(&store, "radishes").await.is_empty());
        assert_eq!(store.search_index_counts().await.unwrap(), (1, 0));

        // Reindex rebuilds from what is stored and empties the queue.
        sql(
            &store,
            "UPDATE messages SET text_body = 'Celeriac' WHERE id = 3",
        )
        .await;
        let r = store.rebuild_search_index().await.unwrap();
        assert_eq!((r.emails, r.document_units), (2, 0));
        assert_eq!(store.search_pending_count().await.unwrap(), 0);
        assert_eq!(found(&store, "celeriac").await, [three]);
    }

    /// FTS5's own check of the index against its content (the view over the emails and
    /// the documents' units): every indexed word is in the text as stored, and every
    /// stored text is indexed. Run when nothing is queued.
    async fn index_matches_the_stored_text(store: &Store) {
        assert_eq!(store.search_pending_count().await.unwrap(), 0);
        sqlx::query("INSERT INTO search_index (search_index, rank) VALUES ('integrity-check', 1)")
            .execute(store.pool())
            .await
            .expect("the search index differs from the text it indexes");
    }

    #[tokio::test]
    async fn the_index_keeps_no_text_and_follows_every_change_of_it() {
        let (_dir, store) = store().await;
        inbound(
            &store,
            &[
                (1, "Re: turnips", Some("We hold cameras")),
                (2, "Re: beetroot", Some("Leeks and onions")),
            ],
        )
        .await;
        sql(
            &store,
            "INSERT INTO blobs (sha256, size, data) VALUES ('d', 1, x'00');
             INSERT INTO attachments (id, message_id, sha256, file_name, content_type, size)
             VALUES (7, 1, 'd', 'list.pdf', 'application/pdf', 1);
             INSERT INTO attachment_texts (id, attachment_id, seq, locator, text)
             VALUES (1, 7, 1, 'page 1', 'Forty Hikvision domes'), (2, 7, 2, 'page 2', 'Nine Dahua bullets')",
        )
        .await;
        store.index_pending_messages().await.unwrap();
        assert_eq!(store.search_index_counts().await.unwrap(), (2, 2));
        index_matches_the_stored_text(&store).await;
        // No second copy: FTS5's content table of its own is gone.
        let own: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM sqlite_schema WHERE name = 'search_index_content'",
        )
        .fetch_one(store.pool())
        .await
        .unwrap();
        assert_eq!(own, 0, "the search index keeps a copy of the text again");
        // A snippet is made from the text where it is stored, for an email and a unit.
        let q = SearchQuery::parse("hikvision OR cameras").unwrap();
        let filter = SearchFilter {
            limit: 10,
            ..Default::default()
        };
        let hits = store.search(&q, &filter).await.unwrap();
        let mut snippets: Vec<String> = hits.iter().map(|h| h.snippet.clone()).collect();
        snippets.sort();
        assert_eq!(
            snippets,
            [
                format!("Forty {MARK_START}Hikvision{MARK_END} domes"),
                format!("We hold {MARK_START}cameras{MARK_END}"),
            ]
        );

        // An indexed email changed, another deleted; a unit changed, another deleted.
        sql(
            &store,
            "UPDATE messages SET text_body = 'We hold radishes', subject = 'Re: swede' WHERE id = 1;
             DELETE FROM messages WHERE id = 2;
             UPDATE attachment_texts SET text = 'Forty Axis domes' WHERE id = 1;
             DELETE FROM attachment_texts WHERE id = 2",
        )
        .await;
        // (the changed email's old words left at once; its new ones wait in the queue)
        assert!(found(&store, "cameras").await.is_empty());
        assert!(found(&store, "leeks").await.is_empty());
        assert!(found(&store, "hikvision").await.is_empty());
        assert!(found(&store, "dahua").await.is_empty());
        assert_eq!(found(&store, "axis").await, [MessageId::new(1)]);
        store.index_pending_messages().await.unwrap();
        assert_eq!(found(&store, "radishes").await, [MessageId::new(1)]);
        assert_eq!(found(&store, "swede").await, [MessageId::new(1)]);
        assert!(found(&store, "turnips").await.is_empty());
        assert_eq!(store.search_index_counts().await.unwrap(), (1, 1));
        index_matches_the_stored_text(&store).await;

        // A crash gap (a row out of the index, queued again) and a rebuild stay consistent.
        sql(
            &store,
            "DELETE FROM search_index WHERE rowid = 1; INSERT INTO search_pending (message_id) VALUES (1)",
        )
        .await;
        store.index_pending_messages().await.unwrap();
        index_matches_the_stored_text(&store).await;
        let r = store.rebuild_search_index().await.unwrap();
        assert_eq!((r.emails, r.document_units), (1, 1));
        index_matches_the_stored_text(&store).await;
        assert_eq!(found(&store, "axis").await, [MessageId::new(1)]);
    }

    #[tokio::test]
    async fn every_query_the_parser_lets_through_is_valid_fts5() {
        let (_dir, store) = store().await;
        for q in [
            "a",
            "\"a b\" c*",
            "x OR y z",
            "x -y -\"p q\"",
            "body:secret NEAR(a b) ^c \"d\"\"e\" it's",
            "\"\u{1b}[31m\" ünïcödé*",
        ] {
            let parsed = SearchQuery::parse(q).unwrap();
            let filter = SearchFilter {
                campaign_id: Some(CampaignId::new(1)),
                tag: Some("x".into()),
                class: Some("response".into()),
                limit: 5,
            };
            store
                .search(&parsed, &filter)
                .await
                .unwrap_or_else(|e| panic!("{q}: {e}"));
        }
    }
}
