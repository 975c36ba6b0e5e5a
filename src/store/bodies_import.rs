//! A bodies import written batch by batch inside one transaction: the use case reads the
//! file as a stream and hands over 500 rows at a time, so neither the file nor the stored
//! directory is ever held whole. All of it is saved, or none of it.

use super::bodies::insert_tag_rows;
use super::{time_text, Result, Store};
use crate::domain::id::BodyId;
use crate::domain::{Body, BodyKey, EmailAddress, ImportPlan};
use anyhow::Context;
use sqlx::{QueryBuilder, Row, Sqlite};
use std::collections::BTreeMap;

/// What the near-duplicate warnings need of a stored body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BodyIdentity {
    pub id: BodyId,
    pub key: String,
    pub name: String,
    pub email: String,
}

/// A stored body as `bodies_by_keys` reads it: id, key, name, email, regime, region,
/// fields (JSON text), email flag, exclusion, tags (space-separated).
type StoredRow = (
    BodyId,
    String,
    String,
    String,
    String,
    Option<String>,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
);

/// Tags stored joined by spaces (as `group_concat(tag, ' ')` gives them), sorted.
pub(crate) fn sorted_tags(joined: Option<String>) -> Vec<String> {
    let mut tags: Vec<String> = joined
        .unwrap_or_default()
        .split(' ')
        .filter(|t| !t.is_empty())
        .map(String::from)
        .collect();
    tags.sort();
    tags
}

fn body_from_json(row: StoredRow) -> anyhow::Result<Body> {
    let (id, key, name, email, regime, region, fields, email_flag, excluded, tags) = row;
    let tags = sorted_tags(tags);
    Ok(Body {
        id,
        key: BodyKey::from_stored(key),
        name,
        email: EmailAddress::parse(&email)
            .with_context(|| format!("stored address {email} is invalid"))?,
        tags,
        regime,
        region,
        fields: serde_json::from_str::<BTreeMap<String, String>>(&fields)?,
        email_flag,
        excluded,
    })
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
    /// the directory page by page, each page one row (a JSON array: sqlx hands each row
    /// across threads, so one row of 5,000 tuples is far faster than 5,000 rows).
    pub async fn identities_after(
        &mut self,
        after: BodyId,
        limit: usize,
    ) -> Result<Vec<BodyIdentity>> {
        let text: Option<String> = sqlx::query_scalar(
            "SELECT json_group_array(json_array(id, key, name, email)) FROM
               (SELECT id, key, name, email FROM bodies WHERE id > $1 ORDER BY id LIMIT $2)",
        )
        .bind(after)
        .bind(limit as i64)
        .fetch_one(&mut *self.tx)
        .await?;
        let rows: Vec<(BodyId, String, String, String)> = match text {
            Some(t) => serde_json::from_str(&t).context("unreadable bodies in the database")?,
            None => Vec::new(),
        };
        Ok(rows
            .into_iter()
            .map(|(id, key, name, email)| BodyIdentity {
                id,
                key,
                name,
                email,
            })
            .collect())
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

    /// The stored bodies (with their tags) that have one of these keys: one row, a JSON
    /// array (tags never hold a space: the import splits on white space).
    pub async fn bodies_by_keys(&mut self, keys: &[&str]) -> Result<Vec<Body>> {
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        let mut q: QueryBuilder<Sqlite> = QueryBuilder::new(
            "SELECT json_group_array(json_array(b.id, b.key, b.name, b.email, b.regime, b.region,
                    b.fields, b.email_flag, b.excluded,
                    (SELECT group_concat(t.tag, ' ') FROM body_tags t WHERE t.body_id = b.id)))
             FROM bodies b WHERE b.key IN (",
        );
        let mut list = q.separated(", ");
        for key in keys {
            list.push_bind(*key);
        }
        q.push(")");
        let text: Option<String> = q.build_query_scalar().fetch_one(&mut *self.tx).await?;
        let rows: Vec<StoredRow> = match text {
            Some(t) => serde_json::from_str(&t).context("unreadable bodies in the database")?,
            None => Vec::new(),
        };
        rows.into_iter()
            .map(|row| body_from_json(row).map_err(Into::into))
            .collect()
    }

    /// Add and update one batch's bodies (the counts are the caller's).
    pub async fn write(&mut self, plan: &ImportPlan) -> Result<()> {
        let now = &self.now;
        let tx = &mut self.tx;
        // Multi-row inserts: one statement per chunk instead of one per body.
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
            q.build().execute(&mut **tx).await?;
            // (the tags find their body by its key: no ids come back through sqlx)
            let tags: Vec<(&str, &String)> = chunk
                .iter()
                .flat_map(|b| b.tags.iter().map(move |t| (b.key.as_str(), t)))
                .collect();
            insert_tags_by_key(tx, &tags).await?;
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

/// Tags of bodies just added, given by the body's key.
async fn insert_tags_by_key(
    tx: &mut sqlx::Transaction<'_, Sqlite>,
    rows: &[(&str, &String)],
) -> anyhow::Result<()> {
    for chunk in rows.chunks(1000) {
        let mut q: QueryBuilder<Sqlite> =
            QueryBuilder::new("INSERT INTO body_tags (body_id, tag) SELECT b.id, v.column2 FROM (");
        q.push_values(chunk, |mut row, (key, tag)| {
            row.push_bind(*key).push_bind(tag.as_str());
        });
        q.push(") AS v JOIN bodies b ON b.key = v.column1");
        q.build().execute(&mut **tx).await?;
    }
    Ok(())
}
