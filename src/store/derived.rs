//! The derived part of a case kept in its row: `cases.status` is what the one derivation
//! of a case's state (`standing::derive`, passed in as a function: the store sees only
//! `domain`) gives for its effective events, rewritten in the transaction that changes
//! them. And the marking of automatic events a person's correction supersedes.

use super::Result;
use super::Store;
use crate::domain::event::EventKind;
use crate::domain::id::{CampaignId, CaseId, MessageId};
use crate::domain::{CaseStatus, Event};
use sqlx::{Row, Sqlite, Transaction};

/// The status a case's effective events (date order) give, from its campaign (whose
/// ladder says which chasers request a review) and its stored status (what a case with
/// no event yet keeps).
pub type DeriveStatus<'a> =
    dyn Fn(CampaignId, CaseStatus, &[Event]) -> CaseStatus + Send + Sync + 'a;

/// Which earlier events a new event supersedes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Supersede {
    Nothing,
    /// A person's answer or status: the case's automatic answering events (and automatic
    /// clarification requests).
    AutomaticAnswers,
    /// A person's reclassification of a message: every event that message gave the case.
    FromMessage(MessageId),
}

/// The answering kinds a person's correction supersedes when the classifier wrote them.
const AUTOMATIC_ANSWERS: [EventKind; 5] = [
    EventKind::Response,
    EventKind::PartialResponse,
    EventKind::NotHeld,
    EventKind::Refusal,
    EventKind::ClarificationRequested,
];

/// Mark what `new` (an event on `case_id`) supersedes.
pub(super) async fn supersede_in(
    tx: &mut Transaction<'_, Sqlite>,
    case_id: CaseId,
    new: i64,
    what: Supersede,
) -> anyhow::Result<u64> {
    let q = match what {
        Supersede::Nothing => return Ok(0),
        Supersede::AutomaticAnswers => {
            let kinds: Vec<String> = AUTOMATIC_ANSWERS
                .iter()
                .map(|k| k.as_str().into_owned())
                .collect();
            sqlx::query(
                "UPDATE events SET superseded_by = $1
                 WHERE case_id = $2 AND id <> $1 AND superseded_by IS NULL AND actor = 'system'
                   AND kind IN (SELECT value FROM json_each($3))",
            )
            .bind(new)
            .bind(case_id)
            .bind(serde_json::to_string(&kinds)?)
        }
        Supersede::FromMessage(m) => sqlx::query(
            "UPDATE events SET superseded_by = $1
             WHERE case_id = $2 AND id <> $1 AND superseded_by IS NULL AND message_id = $3",
        )
        .bind(new)
        .bind(case_id)
        .bind(m),
    };
    Ok(q.execute(&mut **tx).await?.rows_affected())
}

/// A case's effective events (none superseded), in date order.
pub(super) async fn effective_events(
    tx: &mut Transaction<'_, Sqlite>,
    case_id: CaseId,
) -> anyhow::Result<Vec<Event>> {
    let rows = sqlx::query(
        "SELECT kind, occurred_on, note FROM events
         WHERE case_id = $1 AND superseded_by IS NULL ORDER BY occurred_on, id",
    )
    .bind(case_id)
    .fetch_all(&mut **tx)
    .await?;
    rows.iter()
        .map(|r| {
            let on: String = r.try_get("occurred_on")?;
            Ok(Event {
                kind: EventKind::from_stored(r.try_get("kind")?),
                on: on.parse()?,
                note: r.try_get("note")?,
            })
        })
        .collect()
}

/// Rewrite a case's stored status from its effective events: (before, after).
pub(super) async fn refresh_in(
    tx: &mut Transaction<'_, Sqlite>,
    case_id: CaseId,
    derive: &DeriveStatus<'_>,
) -> anyhow::Result<(CaseStatus, CaseStatus)> {
    let row = sqlx::query("SELECT campaign_id, status FROM cases WHERE id = $1")
        .bind(case_id)
        .fetch_one(&mut **tx)
        .await?;
    let campaign: CampaignId = row.try_get("campaign_id")?;
    let stored: String = row.try_get("status")?;
    let before = CaseStatus::parse(&stored)
        .ok_or_else(|| anyhow::anyhow!("case {case_id} has an unknown status '{stored}'"))?;
    let events = effective_events(tx, case_id).await?;
    let after = derive(campaign, before, &events);
    if after != before {
        sqlx::query("UPDATE cases SET status = $1 WHERE id = $2")
            .bind(after.as_str())
            .bind(case_id)
            .execute(&mut **tx)
            .await?;
    }
    Ok((before, after))
}

impl Store {
    /// The cases linked to messages stored after `after` (all linked cases for `None`).
    pub async fn cases_with_messages_after(&self, after: Option<MessageId>) -> Result<Vec<CaseId>> {
        Ok(sqlx::query_scalar(
            "SELECT DISTINCT case_id FROM message_cases WHERE message_id > $1 ORDER BY case_id",
        )
        .bind(after.unwrap_or_default())
        .fetch_all(self.pool())
        .await?)
    }

    /// Rewrite the stored status of these cases from their effective events (after a
    /// worker recorded events with its own status rule). Returns how many changed.
    pub async fn refresh_statuses(
        &self,
        case_ids: &[CaseId],
        derive: &DeriveStatus<'_>,
    ) -> Result<usize> {
        let mut tx = self.pool().begin().await?;
        let mut changed = 0;
        for id in case_ids {
            let (before, after) = refresh_in(&mut tx, *id, derive).await?;
            changed += usize::from(before != after);
        }
        tx.commit().await?;
        Ok(changed)
    }
}

#[cfg(test)]
mod tests {
    use crate::domain::id::CaseId;
    use crate::store::Store;

    /// Ingestion's write and the derivation of the statuses of the cases it touched are one
    /// transaction: the status is the derivation's (not the class's alone), the derivation
    /// sees the batch's events, and when it fails nothing of the batch is kept.
    #[tokio::test]
    async fn a_batch_and_its_derived_statuses_are_one_transaction() {
        use crate::domain::CaseStatus;
        let dir = tempfile::tempdir().unwrap();
        let store = Store::create(&dir.path().join("foi.db")).await.unwrap();
        for sql in [
            "INSERT INTO bodies (id, key, name, email, regime, created_at, updated_at)
             VALUES (1, 'B1', 'Body', 'foi@body.example', 'uk-foia', 't', 't')",
            "INSERT INTO campaigns (id, name, reference_prefix, template_dir, selection, state, created_at)
             VALUES (1, 'c', 'C', '/nowhere', '[]', 'launched', 't')",
            "INSERT INTO cases (id, campaign_id, body_id, seq, reference, token, regime, status, created_at)
             VALUES (1, 1, 1, 1, 'C-0001', 'tok', 'uk-foia', 'awaiting_response', 't')",
        ] {
            sqlx::query(sql).execute(store.pool()).await.unwrap();
        }
        let now = chrono::DateTime::UNIX_EPOCH;
        let keep = |n: u8| {
            let raw = format!("From: foi@body.example\r\nSubject: {n}\r\n\r\nThanks.\r\n");
            let store = store.clone();
            async move {
                store
                    .keep_inbound(std::sync::Arc::new(vec![raw.into_bytes()]), &["test"], now)
                    .await
                    .unwrap()[0]
                    .0
            }
        };
        let record =
            |id: crate::domain::MessageId, status: Option<&str>| crate::store::IngestRecord {
                id,
                message_id: format!("m{id}@body.example"),
                classification: "acknowledgement".into(),
                links: vec![(CaseId::new(1), "token".into())],
                events: vec![(
                    CaseId::new(1),
                    "acknowledged".into(),
                    "2026-03-03".parse().unwrap(),
                    String::new(),
                    status.map(String::from),
                )],
                ..Default::default()
            };
        let seen = std::sync::Mutex::new(Vec::new());
        let derive = |_, _, events: &[crate::domain::Event]| {
            seen.lock().unwrap().push(events.len());
            CaseStatus::Refused
        };
        let status = || async {
            sqlx::query_scalar::<_, String>("SELECT status FROM cases WHERE id = 1")
                .fetch_one(store.pool())
                .await
                .unwrap()
        };
        let events = || async {
            sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM events")
                .fetch_one(store.pool())
                .await
                .unwrap()
        };
        let first = keep(1).await;
        store
            .apply_ingest(vec![record(first, Some("acknowledged"))], now, &derive)
            .await
            .unwrap();
        assert_eq!(
            status().await,
            "refused",
            "the derivation's, not the class's"
        );
        assert_eq!(*seen.lock().unwrap(), vec![1], "it saw the batch's event");
        // A derivation that cannot run (a status this version does not know) keeps nothing.
        sqlx::query("UPDATE cases SET status = 'bogus' WHERE id = 1")
            .execute(store.pool())
            .await
            .unwrap();
        let second = keep(2).await;
        let err = store
            .apply_ingest(vec![record(second, None)], now, &derive)
            .await
            .unwrap_err();
        assert!(format!("{err:#}").contains("unknown status"), "{err:#}");
        assert_eq!(
            events().await,
            1,
            "the second batch's event was rolled back"
        );
        let classified: Option<String> =
            sqlx::query_scalar("SELECT classification FROM messages WHERE id = $1")
                .bind(second)
                .fetch_one(store.pool())
                .await
                .unwrap();
        assert_eq!(classified, None, "the second email stays unprocessed");
    }
}
