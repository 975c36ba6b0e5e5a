//! Bodies and their tags.

use super::Result;
use super::{time_text, Store};
use crate::domain::id::BodyId;
use crate::domain::{Body, BodyKey, EmailAddress, ImportPlan};
use anyhow::Context;
use sqlx::{QueryBuilder, Row, Sqlite};
use std::collections::{BTreeMap, HashMap};

/// Counts reported after an import.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct ImportSummary {
    pub added: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub not_in_file: usize,
}

impl ImportPlan {
    pub fn summary(&self) -> ImportSummary {
        ImportSummary {
            added: self.added.len(),
            updated: self.updated.len(),
            unchanged: self.unchanged,
            not_in_file: self.not_in_file,
        }
    }
}

fn row_to_body(row: &sqlx::sqlite::SqliteRow, tags: Vec<String>) -> anyhow::Result<Body> {
    let email: String = row.try_get("email")?;
    let fields: String = row.try_get("fields")?;
    Ok(Body {
        id: row.try_get("id")?,
        key: BodyKey::from_stored(row.try_get("key")?),
        name: row.try_get("name")?,
        email: EmailAddress::parse(&email)
            .with_context(|| format!("stored address {email} is invalid"))?,
        tags,
        regime: row.try_get("regime")?,
        region: row.try_get("region")?,
        fields: serde_json::from_str::<BTreeMap<String, String>>(&fields)?,
        email_flag: row.try_get("email_flag")?,
        excluded: row.try_get("excluded")?,
    })
}

impl Store {
    /// Every body, ordered by name, with its tags.
    pub async fn bodies(&self) -> Result<Vec<Body>> {
        let mut tags: HashMap<i64, Vec<String>> = HashMap::new();
        for row in sqlx::query("SELECT body_id, tag FROM body_tags ORDER BY tag")
            .fetch_all(self.pool())
            .await?
        {
            tags.entry(row.try_get("body_id")?)
                .or_default()
                .push(row.try_get("tag")?);
        }
        sqlx::query(
            "SELECT id, key, name, email, regime, region, fields, email_flag, excluded
             FROM bodies ORDER BY name, key",
        )
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(|row| {
            let id: i64 = row.try_get("id")?;
            row_to_body(row, tags.remove(&id).unwrap_or_default())
        })
        .collect::<anyhow::Result<_>>()
        .map_err(Into::into)
    }

    /// Every body, by id (what the use cases join cases to).
    pub async fn bodies_by_id(&self) -> Result<HashMap<BodyId, Body>> {
        Ok(self
            .bodies()
            .await?
            .into_iter()
            .map(|b| (b.id, b))
            .collect())
    }

    /// One body by its key (or, failing that, by its email address when only one body has
    /// it: bodies may share an address).
    pub async fn body_by_key(&self, key: &str) -> Result<Option<Body>> {
        let row = sqlx::query(
            "SELECT id, key, name, email, regime, region, fields, email_flag, excluded
             FROM bodies
             WHERE key = $1
                OR (lower(email) = lower($1)
                    AND (SELECT count(*) FROM bodies s WHERE lower(s.email) = lower($1)) = 1)
             ORDER BY key = $1 DESC LIMIT 1",
        )
        .bind(key)
        .fetch_optional(self.pool())
        .await?;
        let Some(row) = row else { return Ok(None) };
        let id: i64 = row.try_get("id")?;
        let tags = sqlx::query_scalar("SELECT tag FROM body_tags WHERE body_id = $1 ORDER BY tag")
            .bind(id)
            .fetch_all(self.pool())
            .await?;
        Ok(row_to_body(&row, tags).map(Some)?)
    }

    /// Flag a body's address for a person's review (after a permanent delivery failure).
    pub async fn flag_body_email(&self, body_id: BodyId, reason: &str) -> Result<()> {
        sqlx::query("UPDATE bodies SET email_flag = $1 WHERE id = $2")
            .bind(reason)
            .bind(body_id)
            .execute(self.pool())
            .await?;
        Ok(())
    }
}

/// One of a body's earlier addresses.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FormerEmail {
    pub email: String,
    pub replaced_by: String,
    pub flag: Option<String>,
    pub note: Option<String>,
    pub actor: String,
    pub replaced_at: String,
}

impl Store {
    /// Give a body a new address, keeping the old one (and why it was flagged) in its
    /// history, and clearing the flag: in one transaction. `false` when the body already
    /// has this address (nothing written).
    pub async fn set_body_email(
        &self,
        body_id: BodyId,
        email: &EmailAddress,
        note: Option<&str>,
        actor: &str,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<bool> {
        let now = time_text(now);
        let mut tx = self.pool().begin().await?;
        let inserted = sqlx::query(
            "INSERT INTO body_email_history (body_id, email, replaced_by, flag, note, actor, replaced_at)
             SELECT id, email, $2, email_flag, $3, $4, $5 FROM bodies WHERE id = $1 AND email <> $2",
        )
        .bind(body_id)
        .bind(email.as_str())
        .bind(note)
        .bind(actor)
        .bind(&now)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if inserted == 0 {
            return Ok(false);
        }
        sqlx::query(
            "UPDATE bodies SET email = $1, email_flag = NULL, updated_at = $2 WHERE id = $3",
        )
        .bind(email.as_str())
        .bind(&now)
        .bind(body_id)
        .execute(&mut *tx)
        .await?;
        tx.commit().await.context("the new address was not saved")?;
        Ok(true)
    }

    /// A body's earlier addresses, oldest first.
    pub async fn body_email_history(&self, body_id: BodyId) -> Result<Vec<FormerEmail>> {
        sqlx::query(
            "SELECT email, replaced_by, flag, note, actor, replaced_at FROM body_email_history
             WHERE body_id = $1 ORDER BY id",
        )
        .bind(body_id)
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(|r| {
            Ok(FormerEmail {
                email: r.try_get("email")?,
                replaced_by: r.try_get("replaced_by")?,
                flag: r.try_get("flag")?,
                note: r.try_get("note")?,
                actor: r.try_get("actor")?,
                replaced_at: r.try_get("replaced_at")?,
            })
        })
        .collect::<anyhow::Result<_>>()
        .map_err(Into::into)
    }

    /// Mark a body excluded from campaigns (with why), or include it again (`None`).
    pub async fn set_body_excluded(
        &self,
        body_id: BodyId,
        reason: Option<&str>,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<()> {
        sqlx::query("UPDATE bodies SET excluded = $1, updated_at = $2 WHERE id = $3")
            .bind(reason)
            .bind(time_text(now))
            .bind(body_id)
            .execute(self.pool())
            .await?;
        Ok(())
    }
}

pub(super) async fn insert_tag_rows(
    tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
    rows: &[(BodyId, &String)],
) -> anyhow::Result<()> {
    for chunk in rows.chunks(1000) {
        let mut q: QueryBuilder<Sqlite> =
            QueryBuilder::new("INSERT INTO body_tags (body_id, tag) ");
        q.push_values(chunk, |mut row, (id, tag)| {
            row.push_bind(*id).push_bind(tag.as_str());
        });
        q.build().execute(&mut **tx).await?;
    }
    Ok(())
}
