//! The campaign's coded answers: a person's (`confirmed`, the only kind a report counts)
//! and a keyword rule's guess from a reply (`suggested`, with the message and the words
//! that matched). At most one of each per case and question.

use super::Result;
use super::{parse_time, time_text, Store};
use crate::domain::id::{CampaignId, CaseId, MessageId};
use anyhow::Context;
use chrono::{DateTime, Utc};
use sqlx::{QueryBuilder, Row, Sqlite};

/// Whether a person stands behind an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AnswerState {
    /// A person's answer: counted by reports and exported.
    Confirmed,
    /// A rule's guess from a reply: shown as such, never counted until confirmed.
    Suggested,
}

impl AnswerState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Confirmed => "confirmed",
            Self::Suggested => "suggested",
        }
    }

    fn parse(s: &str) -> anyhow::Result<Self> {
        match s {
            "confirmed" => Ok(Self::Confirmed),
            "suggested" => Ok(Self::Suggested),
            _ => anyhow::bail!("unknown answer state '{s}' in the database"),
        }
    }
}

/// One stored answer with its case's reference.
#[derive(Debug, Clone, serde::Serialize)]
pub struct AnswerRow {
    pub case_id: CaseId,
    pub reference: String,
    pub campaign_id: CampaignId,
    /// The question's key.
    pub question: String,
    /// Canonical text (see `domain::question`).
    pub value: String,
    pub state: AnswerState,
    /// For a suggestion (and an answer confirmed from one): the inbound message.
    pub message_id: Option<MessageId>,
    /// The words around the keyword that matched.
    pub evidence: Option<String>,
    /// `system` (a rule) or the person's name.
    pub actor: String,
    pub updated_at: DateTime<Utc>,
}

/// Which answers to read.
#[derive(Debug, Clone, Default)]
pub struct AnswerFilter {
    pub case_id: Option<CaseId>,
    pub campaign_id: Option<CampaignId>,
    /// Both states when `None`.
    pub state: Option<AnswerState>,
}

/// A person's change to a confirmed answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnswerChange {
    pub case_id: CaseId,
    pub question: String,
    /// The canonical value, or `None` to clear the answer.
    pub value: Option<String>,
}

/// A rule's suggestion from one inbound message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSuggestion {
    pub case_id: CaseId,
    pub question: String,
    pub value: String,
    pub message_id: MessageId,
    pub evidence: String,
}

/// The stored text of one inbound message linked to a case.
#[derive(Debug, Clone)]
pub struct InboundText {
    pub case_id: CaseId,
    pub campaign_id: CampaignId,
    pub message_id: MessageId,
    pub at: DateTime<Utc>,
    pub subject: String,
    pub text: String,
}

/// Narrow a query over inbound emails linked to cases (`c` the case, `m` the email) to one
/// campaign and to emails after `after_message`, when given: what answer suggestions read,
/// from the email text here and from documents in `store::search`.
pub(super) fn push_inbound_scope(
    q: &mut QueryBuilder<Sqlite>,
    campaign_id: Option<CampaignId>,
    after_message: Option<MessageId>,
) {
    if let Some(id) = campaign_id {
        q.push(" AND c.campaign_id = ").push_bind(id);
    }
    if let Some(id) = after_message {
        q.push(" AND m.id > ").push_bind(id);
    }
}

fn row_to_answer(row: &sqlx::sqlite::SqliteRow) -> anyhow::Result<AnswerRow> {
    let state: String = row.try_get("state")?;
    let updated: String = row.try_get("updated_at")?;
    Ok(AnswerRow {
        case_id: row.try_get("case_id")?,
        reference: row.try_get("reference")?,
        campaign_id: row.try_get("campaign_id")?,
        question: row.try_get("question")?,
        value: row.try_get("value")?,
        state: AnswerState::parse(&state)?,
        message_id: row.try_get("message_id")?,
        evidence: row.try_get("evidence")?,
        actor: row.try_get("actor")?,
        updated_at: parse_time(&updated)?,
    })
}

impl Store {
    /// Answers by case (in campaign and case order), then question.
    pub async fn answers(&self, f: &AnswerFilter) -> Result<Vec<AnswerRow>> {
        let mut q: QueryBuilder<Sqlite> = QueryBuilder::new(
            "SELECT a.case_id, c.reference, c.campaign_id, a.question, a.value, a.state,
                    a.message_id, a.evidence, a.actor, a.updated_at
             FROM answers a JOIN cases c ON c.id = a.case_id WHERE 1 = 1",
        );
        if let Some(id) = f.case_id {
            q.push(" AND a.case_id = ").push_bind(id);
        }
        if let Some(id) = f.campaign_id {
            q.push(" AND c.campaign_id = ").push_bind(id);
        }
        if let Some(s) = f.state {
            q.push(" AND a.state = ").push_bind(s.as_str());
        }
        q.push(" ORDER BY c.campaign_id, c.seq, a.question, a.state");
        q.build()
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(row_to_answer)
            .collect::<anyhow::Result<_>>()
            .map_err(Into::into)
    }

    /// Apply a person's changes to confirmed answers, all in one transaction. Setting an
    /// answer replaces the question's suggestion (the person has decided). Returns how many
    /// answers changed (setting the value an answer already has changes nothing).
    pub async fn apply_answers(
        &self,
        changes: &[AnswerChange],
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<u64> {
        let now = time_text(now);
        let mut tx = self.pool().begin().await?;
        let mut changed = 0;
        for c in changes {
            match &c.value {
                Some(v) => {
                    changed += sqlx::query(
                        "INSERT INTO answers (case_id, question, value, state, message_id, evidence, actor, updated_at)
                         VALUES ($1, $2, $3, 'confirmed', NULL, NULL, $4, $5)
                         ON CONFLICT (case_id, question, state) DO UPDATE
                         SET value = excluded.value, message_id = NULL, evidence = NULL,
                             actor = excluded.actor, updated_at = excluded.updated_at
                         WHERE answers.value <> excluded.value",
                    )
                    .bind(c.case_id)
                    .bind(&c.question)
                    .bind(v)
                    .bind(actor)
                    .bind(&now)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                    delete_suggestion(&mut tx, c.case_id, &c.question).await?;
                }
                None => {
                    changed += sqlx::query(
                        "DELETE FROM answers WHERE case_id = $1 AND question = $2 AND state = 'confirmed'",
                    )
                    .bind(c.case_id)
                    .bind(&c.question)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                }
            }
        }
        tx.commit().await.context("the answers were not saved")?;
        Ok(changed)
    }

    /// Store rule suggestions in one transaction, skipping questions a person has answered
    /// already. A suggestion identical to the stored one is left as it is. Returns how many
    /// suggestions are new or changed.
    pub async fn store_suggestions(
        &self,
        suggestions: &[NewSuggestion],
        now: DateTime<Utc>,
    ) -> Result<u64> {
        let now = time_text(now);
        let mut tx = self.pool().begin().await?;
        let mut changed = 0;
        for s in suggestions {
            changed += sqlx::query(
                "INSERT INTO answers (case_id, question, value, state, message_id, evidence, actor, updated_at)
                 SELECT $1, $2, $3, 'suggested', $4, $5, 'system', $6
                 WHERE NOT EXISTS (SELECT 1 FROM answers
                                   WHERE case_id = $1 AND question = $2 AND state = 'confirmed')
                 ON CONFLICT (case_id, question, state) DO UPDATE
                 SET value = excluded.value, message_id = excluded.message_id,
                     evidence = excluded.evidence, updated_at = excluded.updated_at
                 WHERE answers.value <> excluded.value
                    OR answers.message_id IS NOT excluded.message_id
                    OR answers.evidence IS NOT excluded.evidence",
            )
            .bind(s.case_id)
            .bind(&s.question)
            .bind(&s.value)
            .bind(s.message_id)
            .bind(&s.evidence)
            .bind(&now)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        }
        tx.commit()
            .await
            .context("the suggestions were not saved")?;
        Ok(changed)
    }

    /// Turn suggestions into confirmed answers (keeping the message and evidence they came
    /// from), in one transaction. Returns how many were confirmed.
    pub async fn confirm_suggestions(
        &self,
        keys: &[(CaseId, String)],
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<u64> {
        let now = time_text(now);
        let mut tx = self.pool().begin().await?;
        let mut confirmed = 0;
        for (case_id, question) in keys {
            confirmed += sqlx::query(
                "INSERT INTO answers (case_id, question, value, state, message_id, evidence, actor, updated_at)
                 SELECT case_id, question, value, 'confirmed', message_id, evidence, $3, $4
                 FROM answers WHERE case_id = $1 AND question = $2 AND state = 'suggested'
                 ON CONFLICT (case_id, question, state) DO UPDATE
                 SET value = excluded.value, message_id = excluded.message_id,
                     evidence = excluded.evidence, actor = excluded.actor,
                     updated_at = excluded.updated_at",
            )
            .bind(case_id)
            .bind(question)
            .bind(actor)
            .bind(&now)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            delete_suggestion(&mut tx, *case_id, question).await?;
        }
        tx.commit()
            .await
            .context("the confirmations were not saved")?;
        Ok(confirmed)
    }

    /// The highest message id so far (to tell which emails a fetch adds).
    pub async fn last_message_id(&self) -> Result<Option<MessageId>> {
        Ok(sqlx::query_scalar("SELECT MAX(id) FROM messages")
            .fetch_one(self.pool())
            .await?)
    }

    /// The stored text of the inbound messages linked to cases (of one campaign, or all;
    /// only those with an id above `after_message` when given), oldest first. Messages
    /// without text are left out.
    pub async fn inbound_texts(
        &self,
        campaign_id: Option<CampaignId>,
        after_message: Option<MessageId>,
    ) -> Result<Vec<InboundText>> {
        let mut q: QueryBuilder<Sqlite> = QueryBuilder::new(
            "SELECT mc.case_id, c.campaign_id, m.id, m.at, m.subject, m.text_body
             FROM message_cases mc
             JOIN messages m ON m.id = mc.message_id
             JOIN cases c ON c.id = mc.case_id
             WHERE m.direction = 'inbound' AND m.text_body IS NOT NULL",
        );
        push_inbound_scope(&mut q, campaign_id, after_message);
        q.push(" ORDER BY m.at, m.id");
        q.build()
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(|r| {
                let at: String = r.try_get("at")?;
                Ok(InboundText {
                    case_id: r.try_get("case_id")?,
                    campaign_id: r.try_get("campaign_id")?,
                    message_id: r.try_get("id")?,
                    at: parse_time(&at)?,
                    subject: r.try_get("subject")?,
                    text: r.try_get("text_body")?,
                })
            })
            .collect()
    }
}

/// Drop a question's suggestion (a person has decided).
async fn delete_suggestion(
    tx: &mut sqlx::Transaction<'_, Sqlite>,
    case_id: CaseId,
    question: &str,
) -> anyhow::Result<()> {
    sqlx::query("DELETE FROM answers WHERE case_id = $1 AND question = $2 AND state = 'suggested'")
        .bind(case_id)
        .bind(question)
        .execute(&mut **tx)
        .await?;
    Ok(())
}
