//! A bodies import written batch by batch inside one transaction: the use case reads the
//! file as a stream and hands over 500 rows at a time, so neither the file nor the stored
//! directory is ever held whole. All of it is saved, or none of it.

use super::bodies::{insert_tag_rows, row_to_body};
use super::{time_text, Result, Store};
use crate::domain::id::BodyId;
use crate::domain::{Body, ImportPlan};
use anyhow::Context;
use sqlx::{QueryBuilder, Row, Sqlite};
use std::collections::HashMap;

/// What the near-duplicate warnings need of a stored body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BodyIdentity {
    pub id: BodyId,
    pub key: String,
    pub name: String,
    pub email: String,
}

/// An import under way: one transaction, committed by [`BodyImport::commit`] (dropped
/// without it, nothing is saved).
pub struct BodyImport {
    tx: sqlx::Transaction<'static, Sqlite>,
    now: String,
}

impl Store {
    /// Start an import. `writing`: take the write lock now (a dry run only reads).
    pub async fn begin_body_import(
        &self,
        writing: bool,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<BodyImport> {
        let tx = if writing {
            self.pool().begin_with("BEGIN IMMEDIATE").await?
        } else {
            self.pool().begin().await?
        };
        Ok(BodyImport {
            tx,
            now: time_text(now),
        })
    }
}

fn to_identity(row: &sqlx::sqlite::SqliteRow) -> anyhow::Result<BodyIdentity> {
    Ok(BodyIdentity {
        id: row.try_get("id")?,
        key: row.try_get("key")?,
        name: row.try_get("name")?,
        email: row.try_get("email")?,
    })
}

impl BodyImport {
    /// How many bodies are stored.
    pub async fn stored_count(&mut self) -> Result<usize> {
        let n: i64 = sqlx::query_scalar("SELECT count(*) FROM bodies")
            .fetch_one(&mut *self.tx)
            .await?;
        Ok(n as usize)
    }

    /// Up to `limit` stored bodies' ids, keys, names and addresses, by id after `after`:
    /// the directory page by page.
    pub async fn identities_after(
        &mut self,
        after: BodyId,
        limit: usize,
    ) -> Result<Vec<BodyIdentity>> {
        sqlx::query("SELECT id, key, name, email FROM bodies WHERE id > $1 ORDER BY id LIMIT $2")
            .bind(after)
            .bind(limit as i64)
            .fetch_all(&mut *self.tx)
            .await?
            .iter()
            .map(to_identity)
            .collect::<anyhow::Result<_>>()
            .map_err(Into::into)
    }

    /// The stored bodies with these ids (a few: those a warning names).
    pub async fn identities_by_id(&mut self, ids: &[BodyId]) -> Result<Vec<BodyIdentity>> {
        let mut out = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(500) {
            let mut q: QueryBuilder<Sqlite> =
                QueryBuilder::new("SELECT id, key, name, email FROM bodies WHERE id IN (");
            let mut list = q.separated(", ");
            for id in chunk {
                list.push_bind(*id);
            }
            q.push(")");
            for row in q.build().fetch_all(&mut *self.tx).await? {
                out.push(to_identity(&row)?);
            }
        }
        Ok(out)
    }

    /// The stored bodies (with their tags) that have one of these keys.
    pub async fn bodies_by_keys(&mut self, keys: &[&str]) -> Result<Vec<Body>> {
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        let mut q: QueryBuilder<Sqlite> = QueryBuilder::new(
            "SELECT id, key, name, email, regime, region, fields, email_flag, excluded
             FROM bodies WHERE key IN (",
        );
        let mut list = q.separated(", ");
        for key in keys {
            list.push_bind(*key);
        }
        q.push(")");
        let rows = q.build().fetch_all(&mut *self.tx).await?;
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        let mut q: QueryBuilder<Sqlite> =
            QueryBuilder::new("SELECT body_id, tag FROM body_tags WHERE body_id IN (");
        let mut list = q.separated(", ");
        for row in &rows {
            list.push_bind(row.try_get::<i64, _>("id")?);
        }
        q.push(") ORDER BY tag");
        let mut tags: HashMap<i64, Vec<String>> = HashMap::new();
        for row in q.build().fetch_all(&mut *self.tx).await? {
            tags.entry(row.try_get("body_id")?)
                .or_default()
                .push(row.try_get("tag")?);
        }
        rows.iter()
            .map(|row| {
                let id: i64 = row.try_get("id")?;
                row_to_body(row, tags.remove(&id).unwrap_or_default())
            })
            .collect::<anyhow::Result<_>>()
            .map_err(Into::into)
    }

    /// Add and update one batch's bodies (the counts are the caller's).
    pub async fn write(&mut self, plan: &ImportPlan) -> Result<()> {
        let now = &self.now;
        let tx = &mut self.tx;
        // Multi-row inserts: one statement per chunk instead of one per body; each chunk's
        // ids come back with it (RETURNING), so its tags follow.
        for chunk in plan.added.chunks(500) {
            let mut q: QueryBuilder<Sqlite> = QueryBuilder::new(
                "INSERT INTO bodies (key, name, email, regime, region, fields, created_at, updated_at) ",
            );
            let mut fields = Vec::with_capacity(chunk.len());
            for body in chunk {
                fields.push(serde_json::to_string(&body.fields)?);
            }
            q.push_values(chunk.iter().zip(&fields), |mut row, (body, f)| {
                row.push_bind(body.key.as_str())
                    .push_bind(&body.name)
                    .push_bind(body.email.as_str())
                    .push_bind(&body.regime)
                    .push_bind(&body.region)
                    .push_bind(f)
                    .push_bind(now)
                    .push_bind(now);
            });
            q.push(" RETURNING key, id");
            // (RETURNING's order is not promised: the rows are matched by key)
            let ids: HashMap<String, BodyId> = q
                .build()
                .fetch_all(&mut **tx)
                .await?
                .iter()
                .map(|r| Ok((r.try_get("key")?, r.try_get("id")?)))
                .collect::<anyhow::Result<_>>()?;
            let tags: Vec<(BodyId, &String)> = chunk
                .iter()
                .filter_map(|b| ids.get(b.key.as_str()).map(|id| (*id, &b.tags)))
                .flat_map(|(id, tags)| tags.iter().map(move |t| (id, t)))
                .collect();
            insert_tag_rows(tx, &tags).await?;
        }
        for (id, body) in &plan.updated {
            sqlx::query(
                "UPDATE bodies SET name = $1, email = $2, regime = $3, region = $4, fields = $5,
                 updated_at = $6 WHERE id = $7",
            )
            .bind(&body.name)
            .bind(body.email.as_str())
            .bind(&body.regime)
            .bind(&body.region)
            .bind(serde_json::to_string(&body.fields)?)
            .bind(now)
            .bind(id)
            .execute(&mut **tx)
            .await?;
            sqlx::query("DELETE FROM body_tags WHERE body_id = $1")
                .bind(id)
                .execute(&mut **tx)
                .await?;
            let rows: Vec<(BodyId, &String)> = body.tags.iter().map(|t| (*id, t)).collect();
            insert_tag_rows(tx, &rows).await?;
        }
        Ok(())
    }

    /// Save everything written.
    pub async fn commit(self) -> Result<()> {
        self.tx.commit().await.context("the import was not saved")?;
        Ok(())
    }
}
