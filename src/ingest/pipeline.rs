//! Inbound emails, start to finish, a batch at a time: keep the raw bytes
//! (content-addressed, once), parse (bounded), classify, match, and record messages,
//! attachments, events and status in one transaction. A parse problem or no match puts the email in triage with the reason;
//! nothing is ever dropped.

use super::classify::{
    classify, classify_against, own_sentences, repeats_any, Classification, Kind,
};
use super::matcher::{
    keys_of, needs_sender_check, no_evidence, verify_claim, weigh, weigh_sender, Found, Learnt,
    Match,
};
use super::parse::{parse, Limits, ParsedMessage};
use crate::config::FetchSettings;
use crate::deadlines::Regimes;
use crate::domain::id::{CaseId, MessageId};
use crate::domain::CaseStatus;
use crate::store::{DeriveStatus, IngestRecord, NewAttachment, NewBlob, Store};
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

/// What happened to one email.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ingested {
    /// Stored before (same bytes): nothing done.
    Duplicate(MessageId),
    /// Linked to cases.
    Matched {
        id: MessageId,
        cases: usize,
        kind: Kind,
    },
    /// In triage.
    Triage { id: MessageId, kind: Kind },
}

/// The event a classified reply adds to its case, and the status it implies.
pub(crate) fn event_for(
    kind: Kind,
    class: &Classification,
) -> Option<(&'static str, String, Option<CaseStatus>)> {
    let note = |s: &str| -> String {
        let mut n = s.to_string();
        if let Some(r) = &class.body_reference {
            n.push_str(&format!(" (their ref {r})"));
        }
        n
    };
    match kind {
        Kind::Bounce => match class.bounce.as_ref() {
            Some(b) if !b.permanent => None,
            Some(b) => {
                let what = b
                    .recipients
                    .first()
                    .map(|r| format!("{} {}", r.address, r.status.clone().unwrap_or_default()))
                    .unwrap_or_default();
                Some((
                    "delivery_failed",
                    format!("bounce: {what}"),
                    Some(CaseStatus::DeliveryFailed),
                ))
            }
            // A person said it is a bounce.
            None => Some((
                "delivery_failed",
                "bounce".into(),
                Some(CaseStatus::DeliveryFailed),
            )),
        },
        // An auto-reply changes nothing; a reply waits for a person to read it (a property
        // of the message, not an event: see `Kind::needs_reading`).
        Kind::AutoReply | Kind::Reply => None,
        Kind::Acknowledgement => Some((
            "acknowledged",
            note("acknowledged"),
            Some(CaseStatus::Acknowledged),
        )),
        Kind::ClarificationRequest => Some((
            "clarification_requested",
            note("clarification requested"),
            Some(CaseStatus::ClarificationRequested),
        )),
        Kind::Refusal => Some((
            "refusal",
            note(&format!(
                "refused, citing {}",
                if class.exemptions.is_empty() {
                    "no section".into()
                } else {
                    class.exemptions.join(", ")
                }
            )),
            Some(CaseStatus::Refused),
        )),
        Kind::NotHeld => Some((
            "not_held",
            note("information not held"),
            Some(CaseStatus::NotHeld),
        )),
        Kind::Response => Some(("response", note("response"), Some(CaseStatus::Successful))),
    }
}

/// Parse limits from the configuration.
pub fn limits(settings: &FetchSettings) -> Limits {
    Limits {
        max_message_bytes: settings.max_message_bytes,
        ..Limits::default()
    }
}

/// One email of a batch, between its parse and its record.
struct Work {
    at: usize,
    id: MessageId,
    parsed: ParsedMessage,
    /// The sanitised HTML body, taken out of `parsed` with its hash (it goes to the pack
    /// with the attachments, for the case page).
    html: Option<NewBlob>,
    class: Classification,
    matched: Option<Match>,
    found: Found,
}

/// Parse and classify `(position, message id, raw bytes)`, in order, on every core: the
/// CPU-heavy part of ingestion (MIME, HTML to text, the phrase lists), with no IO.
fn parse_all(emails: &[(usize, MessageId, &[u8])], limits: &Limits) -> Vec<Work> {
    let one = |(at, id, raw): &(usize, MessageId, &[u8])| {
        let mut parsed = parse(raw, limits);
        let mut class = classify(&parsed);
        // A reference in a bounce is ours, quoted back: it never teaches the body's own.
        if class.kind == Kind::Bounce {
            class.body_reference = None;
        }
        // (hashed here, on the parse threads: matching and recording never read it)
        let html = parsed.html_body.take().map(|html| NewBlob {
            sha256: crate::domain::to_hex(&Sha256::digest(html.as_bytes())),
            bytes: html.into_bytes(),
        });
        Work {
            at: *at,
            id: *id,
            parsed,
            html,
            class,
            matched: None,
            found: Found::default(),
        }
    };
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    if threads < 2 || emails.len() < 8 {
        return emails.iter().map(one).collect();
    }
    let chunk = emails.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let parts: Vec<_> = emails
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    yield_to_the_writer();
                    part.iter().map(one).collect::<Vec<_>>()
                })
            })
            .collect();
        parts
            .into_iter()
            // (parse and classify never panic: they are fuzzed; a panic would be a bug
            // worth stopping for, with the raw bytes already kept)
            .flat_map(|p| p.join().expect("parsing an email panicked"))
            .collect()
    })
}

/// Parsing runs ahead of recording (the next batch is parsed while this one is
/// recorded), and the database takes one writer at a time: when the cores are busy, the
/// writer must not wait for them. A parse thread (made for one batch, gone after it)
/// lowers its own scheduling priority (nice 10), so the writer, the IMAP reader and the
/// mail server run first and parsing takes the time they leave: on 2 cores this cut
/// `scripts/bench-ingest.sh` from about 2.85 s to 2.7 s for 10,000 emails.
#[cfg(target_os = "linux")]
fn yield_to_the_writer() {
    // SAFETY: setpriority on the calling thread's own id (Linux schedules threads one by
    // one); it reads and writes no memory of ours, and a failure only leaves the priority.
    unsafe {
        libc::setpriority(libc::PRIO_PROCESS, libc::gettid() as libc::id_t, 10);
    }
}

#[cfg(not(target_os = "linux"))]
fn yield_to_the_writer() {}

/// Ingest several raw emails (`(bytes, source)`), in order, with four round trips to the
/// store whatever their number: their raw bytes are kept first (one transaction; they are
/// parsed and classified meanwhile, and nothing parsed is used before it commits), their evidence read (one query
/// for all, and one more for the senders of those still unmatched), and everything they
/// imply recorded in one transaction, which queues them for search (see
/// `casework::search::bring_index_up_to_date`). The same result as
/// ingesting them one by one: an email can be matched by a body reference learnt from an
/// earlier email of the batch.
pub async fn ingest_batch(
    store: &Store,
    settings: &FetchSettings,
    regimes: &Regimes,
    derive: &DeriveStatus<'_>,
    emails: &[(&[u8], &str)],
    now: DateTime<Utc>,
) -> anyhow::Result<Vec<Ingested>> {
    if emails.is_empty() {
        return Ok(Vec::new());
    }
    let prepared = prepare_batch(store, settings, emails, now).await?;
    finish_batch(store, settings, regimes, derive, prepared, now).await
}

/// The first half of [`ingest_batch`]: keep the raw bytes, parse and classify. The
/// emails are borrowed; the parse and the pack writer, on other threads, share one copy
/// of them (a copy costs far less than parsing).
async fn prepare_batch(
    store: &Store,
    settings: &FetchSettings,
    emails: &[(&[u8], &str)],
    now: DateTime<Utc>,
) -> anyhow::Result<Prepared> {
    let raws = std::sync::Arc::new(emails.iter().map(|(raw, _)| raw.to_vec()).collect());
    let sources: Vec<&str> = emails.iter().map(|(_, source)| *source).collect();
    keep_and_parse(store, limits(settings), raws, &sources, now).await
}

/// [`prepare_batch`] for a batch the caller hands over (fetched over IMAP), as a task of
/// its own that runs while the batch before is matched and recorded. Hand the result to
/// [`finish_batch`] after [`Prepared::recorded_meanwhile`].
pub(crate) async fn prepare_owned(
    store: Store,
    limits: Limits,
    raws: Vec<Vec<u8>>,
    source: String,
    now: DateTime<Utc>,
) -> anyhow::Result<Prepared> {
    let sources = vec![source.as_str(); raws.len()];
    keep_and_parse(&store, limits, std::sync::Arc::new(raws), &sources, now).await
}

/// Keep the emails' raw bytes (written to a pack, synced, and named in the database in
/// one transaction) while they are parsed and classified, off the runtime's thread and on
/// every core (so the fetch of the next batch goes on too). Nothing parsed is used before
/// the raw bytes are committed. The bytes are shared by the parse and the pack writer,
/// not copied.
async fn keep_and_parse(
    store: &Store,
    limits: Limits,
    raws: std::sync::Arc<Vec<Vec<u8>>>,
    sources: &[&str],
    now: DateTime<Utc>,
) -> anyhow::Result<Prepared> {
    if raws.is_empty() {
        return Ok(Prepared {
            done: Vec::new(),
            work: Vec::new(),
        });
    }
    let started = std::time::Instant::now();
    let storing = async {
        let stored = store.keep_inbound(raws.clone(), sources, now).await;
        (stored, started.elapsed())
    };
    let n = raws.len();
    let shared = raws.clone();
    let parsing = tokio::task::spawn_blocking(move || {
        let view: Vec<(usize, MessageId, &[u8])> = shared
            .iter()
            .enumerate()
            .map(|(at, raw)| (at, MessageId::default(), raw.as_slice()))
            .collect();
        (parse_all(&view, &limits), started.elapsed())
    });
    let ((stored, kept_in), parsed) = tokio::join!(storing, parsing);
    let (parsed, parsed_in) =
        parsed.map_err(|e| anyhow::anyhow!("parsing a batch of emails failed: {e}"))?;
    tracing::debug!(
        "batch of {n} emails: raw bytes kept in {} ms, parsed and classified in {} ms",
        kept_in.as_millis(),
        parsed_in.as_millis()
    );
    let stored = stored?;
    let mut done: Vec<Option<Ingested>> = vec![None; n];
    // Emails stored before (same bytes) are done; the rest go on with their ids.
    let mut work: Vec<Work> = Vec::with_capacity(parsed.len());
    for mut w in parsed {
        let (id, new) = stored[w.at];
        if new {
            w.id = id;
            work.push(w);
        } else {
            done[w.at] = Some(Ingested::Duplicate(id));
        }
    }
    Ok(Prepared { done, work })
}

/// A batch whose raw bytes are stored and whose emails are parsed and classified: what
/// [`finish_batch`] matches and records.
pub(crate) struct Prepared {
    done: Vec<Option<Ingested>>,
    work: Vec<Work>,
}

impl Prepared {
    /// The messages [`finish_batch`] will record.
    pub(crate) fn ids(&self) -> std::collections::HashSet<MessageId> {
        self.work.iter().map(|w| w.id).collect()
    }

    /// The batch before was recorded (its messages `recorded`) while this one was kept:
    /// an email of this batch with the same bytes as one of those was then still
    /// unprocessed when kept, and is a duplicate now.
    pub(crate) fn recorded_meanwhile(&mut self, recorded: &std::collections::HashSet<MessageId>) {
        let (again, work) = std::mem::take(&mut self.work)
            .into_iter()
            .partition(|w| recorded.contains(&w.id));
        self.work = work;
        for w in again {
            self.done[w.at] = Some(Ingested::Duplicate(w.id));
        }
    }
}

/// Match and record a prepared batch, in one transaction (with the statuses of the cases
/// it touched derived again by `derive`).
pub(crate) async fn finish_batch(
    store: &Store,
    settings: &FetchSettings,
    regimes: &Regimes,
    derive: &DeriveStatus<'_>,
    prepared: Prepared,
    now: DateTime<Utc>,
) -> anyhow::Result<Vec<Ingested>> {
    let Prepared { mut done, mut work } = prepared;
    if work.is_empty() {
        return Ok(done.into_iter().flatten().collect());
    }
    let started = std::time::Instant::now();
    let pattern = settings.reply.as_str();
    let keys: Vec<_> = work
        .iter()
        .map(|w| keys_of(&w.parsed, &w.class, pattern))
        .collect();
    let mut learnt = Learnt::new();
    for (w, hits) in work.iter_mut().zip(store.match_evidence(&keys).await?) {
        w.matched = weigh(hits, &mut w.class, &learnt, &mut w.found);
        if let (Some(Match::Cases(ids, _)), Some(bref)) = (&w.matched, &w.class.body_reference) {
            let known = learnt.entry(bref.clone()).or_default();
            for id in ids {
                if let Some((reference, regime)) = w.found.cases.get(id) {
                    known.push((*id, reference.clone(), regime.clone()));
                }
            }
        }
    }
    let senders: Vec<(usize, &str, &str)> = work
        .iter()
        .enumerate()
        .filter(|(_, w)| w.matched.is_none())
        .filter_map(|(i, w)| {
            let from = w.parsed.from.as_ref()?.address.as_str();
            let domain = from.rsplit_once('@').map(|(_, d)| d).unwrap_or("");
            Some((i, from, domain))
        })
        .collect();
    let pairs: Vec<(&str, &str)> = senders.iter().map(|(_, a, d)| (*a, *d)).collect();
    let evidence = store.sender_evidence(&pairs).await?;
    let decided: Vec<(usize, String, Vec<crate::store::CaseHit>)> = senders
        .iter()
        .zip(evidence)
        .map(|((i, from, _), hits)| (*i, from.to_string(), hits))
        .collect();
    for (i, from, hits) in decided {
        let w = &mut work[i];
        w.matched = Some(weigh_sender(&from, hits, &mut w.found));
    }
    verify_claims(store, &mut work).await?;
    read_against_our_requests(store, &mut work).await?;
    let mut records = Vec::with_capacity(work.len());
    for w in &mut work {
        let matched = w.matched.take().unwrap_or_else(no_evidence);
        // (the parsed email is moved into its record: its texts and attachments are not
        // copied)
        let parsed = std::mem::take(&mut w.parsed);
        let mut record = build_record(regimes, w.id, parsed, &w.class, matched, &w.found, now);
        record.html_body = w.html.take();
        done[w.at] = Some(if record.links.is_empty() {
            Ingested::Triage {
                id: w.id,
                kind: w.class.kind,
            }
        } else {
            Ingested::Matched {
                id: w.id,
                cases: record.links.len(),
                kind: w.class.kind,
            }
        });
        records.push(record);
    }
    // One transaction records it all, chasers and the derived statuses included (the
    // emails are queued for search in it, see `casework::search::bring_index_up_to_date`).
    let (n, matched) = (records.len(), started.elapsed());
    store.apply_ingest(records, now, derive).await?;
    tracing::debug!(
        "batch of {n} emails: matched in {} ms, recorded in {} ms",
        matched.as_millis(),
        (started.elapsed() - matched).as_millis()
    );
    Ok(done.into_iter().flatten().collect())
}

/// Who may change a case by itself: a claim by reference only is checked against the
/// sender, a bounce must carry our original (see `matcher::verify_claim`); what fails goes
/// to triage as "unverified".
async fn verify_claims(store: &Store, work: &mut [Work]) -> anyhow::Result<()> {
    let weak: Vec<CaseId> = work
        .iter()
        .filter_map(|w| match &w.matched {
            Some(Match::Cases(ids, method)) if needs_sender_check(method) => Some(ids.clone()),
            _ => None,
        })
        .flatten()
        .collect();
    let bodies = if weak.is_empty() {
        Default::default()
    } else {
        store.body_addresses_of_cases(&weak).await?
    };
    for w in work.iter_mut() {
        if let Some(m) = w.matched.take() {
            let from = w.parsed.from.as_ref().map(|f| f.address.as_str());
            w.matched = Some(verify_claim(m, w.class.kind == Kind::Bounce, from, &bodies));
        }
    }
    Ok(())
}

/// A reply matched to cases that pastes back our request (unquoted) is classified again
/// without it: the words of our request are never evidence for the answer to it. Our
/// request's sentences come from its campaign's text template, read once per batch.
async fn read_against_our_requests(store: &Store, work: &mut [Work]) -> anyhow::Result<()> {
    let human = |w: &Work| !matches!(w.class.kind, Kind::Bounce | Kind::AutoReply);
    let case_ids: Vec<CaseId> = work
        .iter()
        .filter(|w| human(w))
        .filter_map(|w| match &w.matched {
            Some(Match::Cases(ids, _)) => Some(ids.iter().copied()),
            _ => None,
        })
        .flatten()
        .collect();
    if case_ids.is_empty() {
        return Ok(());
    }
    let dirs = store.request_template_dirs(&case_ids).await?;
    let mut sentences: std::collections::HashMap<&str, Vec<String>> = Default::default();
    for dir in dirs.values() {
        sentences.entry(dir.as_str()).or_insert_with(|| {
            let path = std::path::Path::new(dir).join(crate::templates::TEXT_FILE);
            // (no template to read, no sentences: the reply is read as it is)
            std::fs::read_to_string(path)
                .map(|t| own_sentences(&t))
                .unwrap_or_default()
        });
    }
    for w in work.iter_mut().filter(|w| human(w)) {
        let Some(Match::Cases(ids, _)) = &w.matched else {
            continue;
        };
        let mut own: Vec<String> = Vec::new();
        for dir in ids.iter().filter_map(|id| dirs.get(id)) {
            for s in sentences.get(dir.as_str()).into_iter().flatten() {
                if !own.contains(s) {
                    own.push(s.clone());
                }
            }
        }
        if own.is_empty() || !repeats_any(&w.parsed, &own) {
            continue;
        }
        let body_reference = w.class.body_reference.take();
        w.class = classify_against(&w.parsed, &own);
        w.class.body_reference = body_reference;
    }
    Ok(())
}

fn build_record(
    regimes: &Regimes,
    id: MessageId,
    parsed: ParsedMessage,
    class: &Classification,
    matched: Match,
    found: &Found,
    now: DateTime<Utc>,
) -> IngestRecord {
    let mut r = IngestRecord {
        id,
        message_id: parsed.message_id.unwrap_or_default(),
        subject: parsed.subject.unwrap_or_default(),
        from_addr: parsed.from.map(|m| m.address).unwrap_or_default(),
        to_addr: parsed
            .to
            .iter()
            .map(|m| m.address.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        // A Date header in the future is not believed.
        date: parsed.date.filter(|d| *d <= now),
        text_body: parsed.text_body,
        problem: parsed.problem.as_ref().map(|p| p.to_string()),
        classification: class.kind.as_str().to_string(),
        reason: class.reason.clone(),
        body_reference: class.body_reference.clone(),
        attachments: parsed
            .attachments
            .into_iter()
            .map(|a| NewAttachment {
                file_name: a.file_name,
                content_type: a.content_type,
                size: a.bytes.len() as i64,
                sha256: a.sha256,
                bytes: a.bytes,
                inline: a.inline,
            })
            .collect(),
        // A real reply (not an auto-reply or a bounce) cancels the chasers waiting on its
        // cases: a body that has answered is never chased. A reply to read holds them too
        // (the sweep takes none for a case with one) until a person has read it.
        cancel_chasers: matches!(
            class.kind,
            Kind::Acknowledgement
                | Kind::ClarificationRequest
                | Kind::Refusal
                | Kind::NotHeld
                | Kind::Response
                | Kind::Reply
        ),
        ..IngestRecord::default()
    };
    match matched {
        Match::Cases(ids, method) => {
            let at = r.date.unwrap_or(now);
            for case_id in ids {
                r.links.push((case_id, method.to_string()));
                if let Some((kind, note, status)) = event_for(class.kind, class) {
                    let on = found
                        .regime(case_id)
                        .and_then(|g| regimes.get(g))
                        .map(|g| g.local_date(at))
                        .unwrap_or_else(|| at.date_naive());
                    r.events.push((
                        case_id,
                        kind.to_string(),
                        on,
                        note.clone(),
                        status.map(|s| s.as_str().to_string()),
                    ));
                    if kind == "delivery_failed" {
                        r.flag_bodies.push((case_id, note));
                    }
                }
            }
        }
        Match::Triage(reason, suggestions) => {
            let mut why = reason;
            if let Some(p) = &r.problem {
                why = format!("{why}; {p}");
            }
            if !suggestions.is_empty() {
                let refs: Vec<&str> = suggestions
                    .iter()
                    .take(5)
                    .filter_map(|s| found.reference(*s))
                    .collect();
                why = format!("{why}; perhaps {}", refs.join(", "));
            }
            r.triage_reason = Some(why);
        }
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    /// A parse thread runs at nice 10 (behind the writer); the thread that made it keeps
    /// its own priority.
    #[cfg(target_os = "linux")]
    #[test]
    fn a_parse_thread_yields_and_its_maker_does_not() {
        // SAFETY: getpriority reads the scheduling priority of the calling thread.
        let mine =
            || unsafe { libc::getpriority(libc::PRIO_PROCESS, libc::gettid() as libc::id_t) };
        let before = mine();
        let theirs = std::thread::scope(|scope| {
            scope
                .spawn(|| {
                    yield_to_the_writer();
                    mine()
                })
                .join()
                .unwrap()
        });
        assert_eq!(theirs, before.max(10));
        assert_eq!(mine(), before);
    }

    /// An IMAP fetch keeps a batch while it records the one before. When both hold the
    /// same email, the second sees it kept but not yet processed; it must come out a
    /// duplicate, not a second record of the same message.
    #[tokio::test]
    async fn an_email_in_the_batch_being_recorded_is_a_duplicate_in_the_next() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::create(&dir.path().join("foi.db")).await.unwrap();
        let config = crate::config::Config::parse(crate::config::EXAMPLE, dir.path()).unwrap();
        let settings = config.settings().unwrap();
        let regimes = &settings.regimes;
        let now = chrono::DateTime::UNIX_EPOCH;
        let email = |n: u32| {
            format!("From: foi@council.example\r\nSubject: Reply {n}\r\nMessage-ID: <r{n}@council.example>\r\n\r\nOur answer {n}.\r\n")
                .into_bytes()
        };
        let keep = |raws: Vec<Vec<u8>>| {
            prepare_owned(
                store.clone(),
                limits(&settings.fetch),
                raws,
                "imap:INBOX".into(),
                now,
            )
        };
        // Both batches kept before the first is recorded.
        let first = keep(vec![email(1), email(2)]).await.unwrap();
        let mut second = keep(vec![email(2), email(3)]).await.unwrap();
        let recorded = first.ids();
        assert_eq!(recorded.len(), 2);
        assert_eq!(
            second.ids().len(),
            2,
            "kept while unprocessed, the repeated email looks new to the second batch"
        );
        let done = finish_batch(
            &store,
            &settings.fetch,
            regimes,
            &|_, before, _| before,
            first,
            now,
        )
        .await
        .unwrap();
        assert!(done.iter().all(|d| matches!(d, Ingested::Triage { .. })));
        second.recorded_meanwhile(&recorded);
        let done = finish_batch(
            &store,
            &settings.fetch,
            regimes,
            &|_, before, _| before,
            second,
            now,
        )
        .await
        .unwrap();
        let repeated = match &done[0] {
            Ingested::Duplicate(id) => *id,
            other => panic!("the repeated email was recorded again: {other:?}"),
        };
        assert!(recorded.contains(&repeated));
        assert!(matches!(done[1], Ingested::Triage { .. }), "{done:?}");
        // Three messages, each in triage once.
        let triage = store.inbound_messages(true).await.unwrap();
        assert_eq!(triage.len(), 3, "{triage:?}");
    }
}
