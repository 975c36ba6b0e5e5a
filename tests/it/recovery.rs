//! Crash recovery of the outbox at the storage level: what a restart after a killed
//! process, and after a reboot (power cut), does with claimed and in-flight emails.

use crate::support::Workdir;
use foi::domain::OutboxId;
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

async fn outbox_ids(store: &Store) -> Vec<OutboxId> {
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

fn sent_record(c: &foi::store::Claimed) -> foi::store::SentRecord<'_> {
    foi::store::SentRecord {
        claimed: c,
        at: now(),
        date_of_receipt: now().date_naive(),
    }
}

#[tokio::test]
async fn a_restart_in_the_same_boot_requeues_claims_and_doubts_only_the_in_flight() {
    let (w, store) = launched("tag:police").await; // 7 emails
    let now = now();
    let ids = outbox_ids(&store).await;
    let claimed = store.claim(&ids[..5], now, "boot-1").await.unwrap();
    assert_eq!(claimed.len(), 5);
    store
        .send_journal()
        .unwrap()
        .sending(claimed[0].id, 1)
        .unwrap();
    // The process dies here. Same boot: the page cache kept the journal's line.
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
    // Everything the journal said is in the database: it is emptied.
    let journal = w.path().join("foi.db.outbox-journal");
    assert_eq!(std::fs::metadata(&journal).unwrap().len(), 0);
    assert_eq!(store.recover_outbox("boot-1").await.unwrap(), (0, 0));
}

#[tokio::test]
async fn after_a_reboot_every_claim_of_the_old_boot_is_uncertain() {
    let (_w, store) = launched("tag:police").await;
    let now = now();
    let ids = outbox_ids(&store).await;
    store.claim(&ids[..3], now, "boot-1").await.unwrap();
    // A power cut may have lost the unsynced journal lines: nothing claimed then may be
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

/// Claim the first `n` emails in boot-1; the journal says the server took the first.
async fn claim_first_taken(store: &Store, n: usize) -> Vec<foi::store::Claimed> {
    let ids = outbox_ids(store).await;
    let claimed = store.claim(&ids[..n], now(), "boot-1").await.unwrap();
    let journal = store.send_journal().unwrap();
    journal.sending(claimed[0].id, 1).unwrap();
    journal.sent(claimed[0].id, now()).unwrap();
    claimed
}

/// What the journal kept across a power cut still counts: an email it says the server
/// took is sent, not uncertain.
#[tokio::test]
async fn after_a_reboot_an_email_the_journal_says_was_taken_is_sent() {
    let (_w, store) = launched("tag:police").await;
    let claimed = claim_first_taken(&store, 2).await;
    let (uncertain, requeued) = store.recover_outbox("boot-2").await.unwrap();
    assert_eq!((uncertain, requeued), (1, 0));
    let sent = store.outbox(Some(OutboxState::Sent), None).await.unwrap();
    assert_eq!(sent.len(), 1);
    assert_eq!((sent[0].id, sent[0].sent_at), (claimed[0].id, Some(now())));
    assert_eq!(store.unsettled_sent().await.unwrap().len(), 1);
}

/// A journal line speaks for one attempt: an email retried after a 4xx and claimed again
/// is not uncertain because of its earlier attempt's line (it never reached the server
/// this time), while its current attempt's line would make it so.
#[tokio::test]
async fn an_earlier_attempts_line_does_not_make_a_new_claim_uncertain() {
    let (_w, store) = launched("tag:police").await;
    let now = now();
    let ids = outbox_ids(&store).await;
    let journal = store.send_journal().unwrap();
    let first = store.claim(&ids[..2], now, "boot-1").await.unwrap();
    for c in &first {
        assert_eq!(c.attempts, 1);
        journal.sending(c.id, 1).unwrap();
        store
            .record_retry(c.id, "450 try later", now)
            .await
            .unwrap();
    }
    // Both are claimed again; the second one's new attempt is being handed over.
    let again = store.claim(&ids[..2], now, "boot-1").await.unwrap();
    assert!(again.iter().all(|c| c.attempts == 2));
    journal.sending(again[1].id, 2).unwrap();
    let (uncertain, requeued) = store.recover_outbox("boot-1").await.unwrap();
    assert_eq!((uncertain, requeued), (1, 1));
    let rows = store.outbox(None, None).await.unwrap();
    let row = |id: OutboxId| rows.iter().find(|r| r.id == id).unwrap().clone();
    assert_eq!(row(again[0].id).state, OutboxState::Queued);
    assert_eq!(
        row(again[0].id).attempts,
        1,
        "the unstarted attempt is not counted"
    );
    assert_eq!(row(again[1].id).state, OutboxState::Uncertain);
}

/// An uncertain email (a run stopped while it was in flight, or no answer came) whose
/// journal says the server took it is sent: the journal knows better.
#[tokio::test]
async fn a_sent_line_settles_an_uncertain_email() {
    let (_w, store) = launched("tag:police").await;
    let now = now();
    let ids = outbox_ids(&store).await;
    let claimed = store.claim(&ids[..1], now, "boot-1").await.unwrap();
    store
        .record_uncertain(claimed[0].id, "no answer after the message")
        .await
        .unwrap();
    store
        .send_journal()
        .unwrap()
        .sent(claimed[0].id, now)
        .unwrap();
    assert_eq!(store.recover_outbox("boot-1").await.unwrap(), (0, 0));
    let sent = store.outbox(Some(OutboxState::Sent), None).await.unwrap();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].sent_at, Some(now));
    assert!(sent[0].last_error.is_none());
}

/// A journal with a line that cannot be read (cut off by a power cut, or damaged) may have
/// lost what came after: every claim is treated as in flight, none is sent again.
#[tokio::test]
async fn a_damaged_journal_makes_every_claim_uncertain() {
    let (w, store) = launched("tag:police").await;
    let claimed = claim_first_taken(&store, 3).await;
    use std::io::Write;
    let path = w.path().join("foi.db.outbox-journal");
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .unwrap();
    f.write_all(b"sending 12").unwrap();
    let (uncertain, requeued) = store.recover_outbox("boot-1").await.unwrap();
    assert_eq!((uncertain, requeued), (2, 0));
    let rows = store.outbox(None, None).await.unwrap();
    let state = |id: OutboxId| rows.iter().find(|r| r.id == id).unwrap().state;
    assert_eq!(state(claimed[0].id), OutboxState::Sent);
    assert_eq!(state(claimed[1].id), OutboxState::Uncertain);
    assert_eq!(state(claimed[2].id), OutboxState::Uncertain);
}

/// The sender records the emails the server took in batches: if one of them is not being
/// sent (an outbox changed under the sender), the batch fails whole and changes nothing,
/// not even for the emails that were in order.
#[tokio::test]
async fn a_sent_record_for_an_email_not_being_sent_changes_nothing() {
    let (_w, store) = launched("tag:police").await;
    let now = now();
    let ids = outbox_ids(&store).await;
    let claimed = store.claim(&ids[..2], now, "boot-1").await.unwrap();
    // The second is given back to the queue.
    store.release_claims(&[claimed[1].id]).await.unwrap();
    let records: Vec<foi::store::SentRecord> = claimed.iter().map(sent_record).collect();
    let mut log = store.progress_log().await.unwrap();
    let err = log.record_sent(&records).await.unwrap_err();
    assert!(format!("{err:#}").contains("not being sent"), "{err:#}");
    let rows = store.outbox(None, None).await.unwrap();
    let state = |id: OutboxId| rows.iter().find(|r| r.id == id).unwrap().state;
    assert_eq!(state(claimed[0].id), OutboxState::Claimed);
    assert_eq!(state(claimed[1].id), OutboxState::Queued);
    assert!(rows.iter().all(|r| r.sent_at.is_none()));
    assert!(store.unsettled_sent().await.unwrap().is_empty());
    // Recorded alone, the first one goes through, with its message; not twice.
    log.record_sent(&records[..1]).await.unwrap();
    let rows = store.outbox(Some(OutboxState::Sent), None).await.unwrap();
    assert_eq!(rows.len(), 1);
    assert!(store.unsettled_sent().await.unwrap().is_empty());
    let err = log.record_sent(&records[..1]).await.unwrap_err();
    assert!(format!("{err:#}").contains("not being sent"), "{err:#}");
}

/// A run that stopped (killed) after the server took an email and before its batch was
/// recorded, as its journal tells it (written here by hand): the journal says so, and the next start records it as sent at that time (its message,
/// event and case status, once); the email it says was in flight is uncertain, and the
/// claim it does not mention goes back to the queue.
#[tokio::test]
async fn the_next_start_records_what_the_journal_of_a_stopped_run_says() {
    let (w, store) = launched("tag:police").await;
    let now = now();
    let rows = store.outbox(None, None).await.unwrap();
    let ids: Vec<OutboxId> = rows.iter().map(|r| r.id).collect();
    let claimed = store
        .claim(&ids[..3], now, &foi::sender::boot_id())
        .await
        .unwrap();
    let journal = store.send_journal().unwrap();
    journal.sending(claimed[0].id, 1).unwrap();
    journal.sending(claimed[1].id, 1).unwrap();
    journal.sent(claimed[0].id, now).unwrap();
    let reference = claimed[0].reference.clone();
    let before = w.json(["case", "show", reference.as_str(), "--json"]);
    assert_eq!(before["case"]["status"], "queued", "{before}");

    // The next run settles it before sending anything, and empties the journal.
    w.ok(["send", "--limit", "0"]);
    assert!(store.unsettled_sent().await.unwrap().is_empty());
    let journal_file = w.path().join("foi.db.outbox-journal");
    assert_eq!(std::fs::metadata(&journal_file).unwrap().len(), 0);
    let after = w.json(["case", "show", reference.as_str(), "--json"]);
    assert_eq!(after["case"]["status"], "awaiting_response", "{after}");
    let events = after["events"].as_array().unwrap();
    assert_eq!(
        events.iter().filter(|e| e["kind"] == "sent").count(),
        1,
        "{after}"
    );
    let rows = store.outbox(None, None).await.unwrap();
    let row = |id: OutboxId| rows.iter().find(|r| r.id == id).unwrap().clone();
    assert_eq!(row(claimed[0].id).state, OutboxState::Sent);
    assert_eq!(row(claimed[0].id).sent_at, Some(now));
    assert_eq!(row(claimed[1].id).state, OutboxState::Uncertain);
    assert_eq!(row(claimed[2].id).state, OutboxState::Queued);
    assert_eq!(row(claimed[2].id).attempts, 0);
    // A run that sends the rest (the files transport) leaves the journal empty too.
    let out = w.ok(["send"]);
    assert!(out.starts_with("sent 5,"), "{out}"); // 7 less the sent and the uncertain
    assert_eq!(std::fs::metadata(&journal_file).unwrap().len(), 0);
    // Settling it again would write it twice: refused whole.
    let err = store
        .settle_sent(&[sent_record(&claimed[0])])
        .await
        .unwrap_err();
    assert!(format!("{err:#}").contains("recorded already"), "{err:#}");
}

/// A journal that cannot be used (here a folder stands where it should be) stops the run
/// with one clear error before anything is claimed or sent.
#[tokio::test]
async fn a_journal_that_cannot_be_used_stops_the_run_before_anything_is_sent() {
    let (w, store) = launched("tag:police").await;
    std::fs::create_dir(w.path().join("foi.db.outbox-journal")).unwrap();
    let err = w.fails(["send"]);
    assert!(err.contains("the sender's journal"), "{err}");
    assert!(err.contains("foi.db.outbox-journal"), "{err}");
    assert!(
        states(&store)
            .await
            .iter()
            .all(|s| *s == OutboxState::Queued),
        "nothing claimed or sent"
    );
    let outgoing = w.path().join("outgoing");
    let written = std::fs::read_dir(&outgoing).map_or(0, |d| d.count());
    assert_eq!(written, 0, "no .eml file in {}", outgoing.display());
}

/// A run whose recording fails (here a trigger refuses to mark emails sent, as a full disk
/// would) stops with its journal kept. The same sender's next run reads the journal first,
/// as a start does: the emails already handed over are recorded as sent, not handed over
/// again, and nothing is left claimed for a later start to queue again.
#[tokio::test]
async fn a_run_stopped_by_a_database_error_is_recovered_from_its_journal_before_the_next() {
    use foi::sender::{SendStop, Sender, Transport};
    use sqlx::Connection;
    let (w, store) = launched("tag:police").await; // 7 emails, the files transport
    let config = foi::config::Config::load(&w.config()).unwrap();
    let mut db =
        sqlx::SqliteConnection::connect(&format!("sqlite://{}", config.database_path().display()))
            .await
            .unwrap();
    sqlx::query(
        "CREATE TRIGGER no_sent BEFORE UPDATE OF state ON outbox WHEN NEW.state = 'sent'
         BEGIN SELECT RAISE(ABORT, 'disk trouble'); END",
    )
    .execute(&mut db)
    .await
    .unwrap();
    let settings = config.settings().unwrap();
    let mut sender = Sender::start(
        store.clone(),
        Transport::new(&settings.send.transport).unwrap(),
        std::sync::Arc::new(foi::clock::FixedClock(now())),
        &settings.send,
        settings.regimes.clone(),
    )
    .await
    .unwrap();
    let (_stop, shutdown) = tokio::sync::watch::channel(false);
    let written = || {
        std::fs::read_dir(w.path().join("outgoing"))
            .unwrap()
            .count()
    };
    let none = std::time::Duration::ZERO;
    match sender
        .send_due(None, shutdown.clone(), &mut |_| {}, none)
        .await
    {
        Err(SendStop::Store(e)) => assert!(format!("{e:#}").contains("disk trouble"), "{e:#}"),
        other => panic!("the run should stop on the database error: {other:?}"),
    }
    assert_eq!(written(), 7, "each email handed over once");
    assert!(states(&store)
        .await
        .iter()
        .all(|s| *s == OutboxState::Claimed));
    let journal = w.path().join("foi.db.outbox-journal");
    assert!(
        std::fs::metadata(&journal).unwrap().len() > 0,
        "the journal is kept"
    );

    sqlx::query("DROP TRIGGER no_sent")
        .execute(&mut db)
        .await
        .unwrap();
    let (summary, _) = sender
        .send_due(None, shutdown, &mut |_| {}, none)
        .await
        .unwrap();
    assert_eq!(summary.sent, 0, "nothing handed over again");
    assert_eq!(written(), 7);
    assert!(states(&store).await.iter().all(|s| *s == OutboxState::Sent));
    assert_eq!(std::fs::metadata(&journal).unwrap().len(), 0);
    assert!(store.unsettled_sent().await.unwrap().is_empty());
    // A later start finds nothing to queue again.
    assert_eq!(
        store.recover_outbox(&foi::sender::boot_id()).await.unwrap(),
        (0, 0)
    );
}
