//! Crash recovery of the outbox at the storage level: what a restart after a killed
//! process, and after a reboot (power cut), does with claimed and in-flight emails.

use crate::support::Workdir;
use foi::store::{OutboxState, Store};

async fn launched(n_bodies: &str) -> (Workdir, Store) {
    let w = Workdir::new();
    w.import_examples();
    w.launch_example_campaign(n_bodies, "REC");
    let store = Store::open(&w.path().join("foi.db")).await.unwrap();
    (w, store)
}

/// The tests' fixed time.
fn now() -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::parse_from_rfc3339(crate::support::NOW)
        .unwrap()
        .to_utc()
}

async fn outbox_ids(store: &Store) -> Vec<i64> {
    store
        .outbox(None, None)
        .await
        .unwrap()
        .iter()
        .map(|r| r.id)
        .collect()
}

async fn states(store: &Store) -> Vec<OutboxState> {
    store
        .outbox(None, None)
        .await
        .unwrap()
        .iter()
        .map(|r| r.state)
        .collect()
}

#[tokio::test]
async fn a_restart_in_the_same_boot_requeues_claims_and_doubts_only_the_in_flight() {
    let (_w, store) = launched("tag:police").await; // 7 emails
    let now = now();
    let ids = outbox_ids(&store).await;
    let claimed = store.claim(&ids[..5], now, "boot-1").await.unwrap();
    assert_eq!(claimed.len(), 5);
    assert!(store.mark_sending(claimed[0].id).await.unwrap());
    // The process dies here. Same boot: the page cache kept every commit.
    let (uncertain, requeued) = store.recover_outbox("boot-1").await.unwrap();
    assert_eq!((uncertain, requeued), (1, 4));
    let s = states(&store).await;
    assert_eq!(
        s.iter().filter(|s| **s == OutboxState::Uncertain).count(),
        1
    );
    assert_eq!(s.iter().filter(|s| **s == OutboxState::Queued).count(), 6);
    let rows = store.outbox(Some(OutboxState::Queued), None).await.unwrap();
    assert!(
        rows.iter().all(|r| r.attempts == 0),
        "an attempt that never started is not counted"
    );
}

#[tokio::test]
async fn after_a_reboot_every_claim_of_the_old_boot_is_uncertain() {
    let (_w, store) = launched("tag:police").await;
    let now = now();
    let ids = outbox_ids(&store).await;
    store.claim(&ids[..3], now, "boot-1").await.unwrap();
    // A power cut may have lost the unsynced `sending` marks: nothing claimed then may be
    // sent again without a person saying so.
    let (uncertain, requeued) = store.recover_outbox("boot-2").await.unwrap();
    assert_eq!((uncertain, requeued), (3, 0));
    assert_eq!(
        states(&store)
            .await
            .iter()
            .filter(|s| **s == OutboxState::Queued)
            .count(),
        4
    );
}

/// One commit records the sent emails of every session: if one of them is not `sending`
/// (an outbox changed under the sender), the commit fails whole and changes nothing,
/// not even for the emails that were in order.
#[tokio::test]
async fn a_sent_record_for_an_email_not_being_sent_changes_nothing() {
    let (_w, store) = launched("tag:police").await;
    let now = now();
    let ids = outbox_ids(&store).await;
    let claimed = store.claim(&ids[..2], now, "boot-1").await.unwrap();
    // The first is being sent; the second was only claimed.
    assert!(store.mark_sending(claimed[0].id).await.unwrap());
    let on = now.date_naive();
    let records: Vec<foi::store::SentRecord> = claimed
        .iter()
        .map(|c| foi::store::SentRecord {
            claimed: c,
            at: now,
            date_of_receipt: on,
        })
        .collect();
    let err = store.record_progress(&[], &records).await.unwrap_err();
    assert!(format!("{err:#}").contains("not being sent"), "{err:#}");
    let rows = store.outbox(None, None).await.unwrap();
    let state = |id: i64| rows.iter().find(|r| r.id == id).unwrap().state;
    assert_eq!(state(claimed[0].id), OutboxState::Sending);
    assert_eq!(state(claimed[1].id), OutboxState::Claimed);
    assert!(rows.iter().all(|r| r.sent_at.is_none()));
    // Recorded alone and in order, the first one goes through.
    store.record_sent(&claimed[0], now, on).await.unwrap();
    let rows = store.outbox(Some(OutboxState::Sent), None).await.unwrap();
    assert_eq!(rows.len(), 1);
}

/// The sender commits an email's `sent` mark at once and writes its message, event and
/// case status in a later batch. A run killed between the two leaves the email sent but
/// not settled: the next start settles it (once), so its case shows it sent.
#[tokio::test]
async fn a_sent_email_whose_batch_was_cut_off_is_settled_at_the_next_start() {
    let (w, store) = launched("tag:police").await;
    let now = now();
    let rows = store.outbox(None, None).await.unwrap();
    let claimed = store.claim(&[rows[0].id], now, "boot-1").await.unwrap();
    assert!(store.mark_sending(claimed[0].id).await.unwrap());
    let record = foi::store::SentRecord {
        claimed: &claimed[0],
        at: now,
        date_of_receipt: now.date_naive(),
    };
    // The mark only, as the hot path commits it; the process dies before the batch.
    store.record_progress(&[], &[record]).await.unwrap();
    let unsettled = store.unsettled_sent().await.unwrap();
    assert_eq!(unsettled.len(), 1);
    assert_eq!(unsettled[0].0.id, claimed[0].id);
    assert_eq!(unsettled[0].1, now);
    let reference = claimed[0].reference.clone();
    let before = w.json(["case", "show", reference.as_str(), "--json"]);
    assert_eq!(before["case"]["status"], "queued", "{before}");

    // The next run settles it before sending anything (the files transport sends the rest).
    w.ok(["send", "--limit", "0"]);
    assert!(store.unsettled_sent().await.unwrap().is_empty());
    let after = w.json(["case", "show", reference.as_str(), "--json"]);
    assert_eq!(after["case"]["status"], "awaiting_response", "{after}");
    let events = after["events"].as_array().unwrap();
    assert_eq!(
        events.iter().filter(|e| e["kind"] == "sent").count(),
        1,
        "{after}"
    );
    // Settling it again would write it twice: refused whole.
    let err = store.settle_sent(&[record]).await.unwrap_err();
    assert!(format!("{err:#}").contains("recorded already"), "{err:#}");
}

/// A `sending` mark is given only to an email still claimed: one given back meanwhile (a
/// pause or a cancel from another process) is not marked, and the commit says which were.
#[tokio::test]
async fn only_emails_still_claimed_are_marked_sending() {
    let (_w, store) = launched("tag:police").await;
    let now = now();
    let ids = outbox_ids(&store).await;
    let claimed = store.claim(&ids[..3], now, "boot-1").await.unwrap();
    store.release_claims(&[claimed[1].id]).await.unwrap();
    let asked: Vec<i64> = claimed.iter().map(|c| c.id).collect();
    let marked = store.record_progress(&asked, &[]).await.unwrap();
    assert_eq!(marked, vec![claimed[0].id, claimed[2].id]);
    let rows = store.outbox(None, None).await.unwrap();
    let state = |id: i64| rows.iter().find(|r| r.id == id).unwrap().state;
    assert_eq!(state(claimed[1].id), OutboxState::Queued);
    assert_eq!(state(claimed[0].id), OutboxState::Sending);
    // All still claimed: all marked.
    let more = store.claim(&ids[3..5], now, "boot-1").await.unwrap();
    let asked: Vec<i64> = more.iter().map(|c| c.id).collect();
    assert_eq!(store.record_progress(&asked, &[]).await.unwrap(), asked);
}
