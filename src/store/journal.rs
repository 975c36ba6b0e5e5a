//! The sender's journal: a file beside the database (`foi.db.outbox-journal`) where the
//! sender notes, one line and one `write` each, that an email is about to be handed to the
//! server (`sending ID ATTEMPT`, before the server can deliver it) and that the server took it
//! (`sent ID TIME`, the moment it answered). The outbox rows are brought up to date from
//! the sent lines in batches, and the journal is emptied once everything in it is in the
//! database. A run that stops between the two leaves the journal to say what happened: at
//! the next start an email with a sent line is recorded as sent at its time, and one whose
//! current attempt has only a sending line was in flight, so it is `uncertain` (see
//! `Store::recover_outbox`). (An earlier attempt's line, of an email retried since, says
//! nothing about the attempt claimed now.)
//!
//! A line is written without waiting for the disk, like the everyday commits
//! (`synchronous = NORMAL`): it survives the process being killed; a power cut may lose it,
//! which is why every claim of an earlier boot is uncertain. Writing a line costs a few
//! microseconds on the calling thread, where a commit costs a round trip to SQLite's
//! thread: the journal is what lets the sessions send without waiting for the database.
//! Only the process holding the sender lock writes it.

use anyhow::Context;
use chrono::{DateTime, Utc};
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The journal's path for a database.
pub(crate) fn beside(database: &Path) -> PathBuf {
    let mut name = database.file_name().unwrap_or_default().to_os_string();
    name.push(".outbox-journal");
    database.with_file_name(name)
}

/// The journal, open for appending.
#[derive(Debug)]
pub struct SendJournal {
    file: File,
    path: PathBuf,
}

impl SendJournal {
    pub(crate) fn open(path: &Path) -> anyhow::Result<Self> {
        let file = File::options()
            .create(true)
            .append(true)
            .open(path)
            .with_context(|| {
                format!(
                    "cannot open the sender's journal {}: check that the database's folder can be written",
                    path.display()
                )
            })?;
        Ok(Self {
            file,
            path: path.to_path_buf(),
        })
    }

    /// The email's `attempt` (its count of attempts, this one included) is about to be
    /// handed to the server. When this fails, it must not be.
    pub fn sending(&self, id: crate::domain::OutboxId, attempt: u32) -> anyhow::Result<()> {
        self.append(&format!("sending {id} {attempt}\n"))
    }

    /// The server took the email at `at`.
    pub fn sent(&self, id: crate::domain::OutboxId, at: DateTime<Utc>) -> anyhow::Result<()> {
        self.append(&format!("sent {id} {}\n", super::time_text(at)))
    }

    /// One line in one `write` to a file opened for appending: lines of sessions writing
    /// at once never mix.
    fn append(&self, line: &str) -> anyhow::Result<()> {
        (&self.file)
            .write_all(line.as_bytes())
            .with_context(|| format!("cannot write the sender's journal {}", self.path.display()))
    }

    /// Empty the journal: everything in it is in the database.
    pub fn clear(&self) -> anyhow::Result<()> {
        self.file
            .set_len(0)
            .with_context(|| format!("cannot empty the sender's journal {}", self.path.display()))
    }
}

/// What a journal says.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct JournalEntries {
    /// Emails the server took, with when.
    pub sent: Vec<(i64, DateTime<Utc>)>,
    /// Attempts (email, attempt) about to be handed over, in the order noted (some emails
    /// also have a sent line).
    pub sending: Vec<(i64, u32)>,
    /// A line could not be read (a cut-off last line, after a power cut): what the journal
    /// says may be incomplete.
    pub damaged: bool,
    /// There is no journal file. Any run creates it before it claims an email, so with
    /// claims in the database it was deleted (after a crash, by a clumsy clean-up): what
    /// it said is lost.
    pub missing: bool,
}

impl JournalEntries {
    /// Attempts with a sending line, of emails with no sent line: one of them was in
    /// flight when the run stopped (the one still claimed, with that attempt).
    pub fn in_flight(&self) -> Vec<(i64, u32)> {
        let sent: std::collections::HashSet<i64> = self.sent.iter().map(|(id, _)| *id).collect();
        let mut ids: Vec<(i64, u32)> = self
            .sending
            .iter()
            .copied()
            .filter(|(id, _)| !sent.contains(id))
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    }
}

/// Read the journal at `path` (none there: nothing to say).
pub(crate) fn read(path: &Path) -> anyhow::Result<JournalEntries> {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Ok(JournalEntries {
                missing: true,
                ..JournalEntries::default()
            })
        }
        Err(e) => {
            return Err(e).with_context(|| {
                format!(
                    "cannot read the sender's journal {}: it says which emails were being sent \
                     when the last run stopped; make it readable (never delete it) and try again",
                    path.display()
                )
            })
        }
    };
    Ok(parse(&bytes))
}

fn parse(bytes: &[u8]) -> JournalEntries {
    let mut entries = JournalEntries::default();
    for line in bytes.split_inclusive(|b| *b == b'\n') {
        let Some(line) = line.strip_suffix(b"\n") else {
            // a last line without its end
            entries.damaged = true;
            break;
        };
        match parse_line(line) {
            Some(Entry::Sending(id, attempt)) => entries.sending.push((id, attempt)),
            Some(Entry::Sent(id, at)) => entries.sent.push((id, at)),
            None => entries.damaged = true,
        }
    }
    entries
}

enum Entry {
    Sending(i64, u32),
    Sent(i64, DateTime<Utc>),
}

fn parse_line(line: &[u8]) -> Option<Entry> {
    let line = std::str::from_utf8(line).ok()?;
    let mut words = line.split(' ');
    let entry = match (words.next()?, words.next()?.parse().ok()?) {
        ("sending", id) => Entry::Sending(id, words.next()?.parse().ok()?),
        ("sent", id) => Entry::Sent(id, super::parse_time(words.next()?).ok()?),
        _ => return None,
    };
    words.next().is_none().then_some(entry)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().to_utc()
    }

    #[test]
    fn what_is_written_is_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = beside(&dir.path().join("foi.db"));
        assert_eq!(path.file_name().unwrap(), "foi.db.outbox-journal");
        let none = read(&path).unwrap();
        assert!(none.missing && none.sent.is_empty() && none.sending.is_empty());
        let j = SendJournal::open(&path).unwrap();
        let t = at("2026-03-02T10:00:00.123456Z");
        j.sending(crate::domain::OutboxId::new(7), 1).unwrap();
        j.sending(crate::domain::OutboxId::new(8), 1).unwrap();
        j.sent(crate::domain::OutboxId::new(7), t).unwrap();
        j.sending(crate::domain::OutboxId::new(9), 2).unwrap();
        j.sending(crate::domain::OutboxId::new(8), 2).unwrap();
        let e = read(&path).unwrap();
        assert_eq!(e.sent, vec![(7, t)]);
        assert_eq!(e.sending, vec![(7, 1), (8, 1), (9, 2), (8, 2)]);
        assert!(!e.damaged);
        assert_eq!(e.in_flight(), vec![(8, 1), (8, 2), (9, 2)]);
        j.clear().unwrap();
        assert_eq!(read(&path).unwrap(), JournalEntries::default());
        // appending goes on after emptying, from the start
        j.sending(crate::domain::OutboxId::new(10), 3).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "sending 10 3\n");
    }

    #[test]
    fn a_cut_off_or_strange_line_marks_the_journal_damaged_and_the_rest_is_kept() {
        let e = parse(b"sending 1 1\nsent 1 2026-03-02T10:00:00Z\nsending 2 1\nsen");
        assert!(e.damaged);
        assert_eq!(e.in_flight(), vec![(2, 1)]);
        // a damaged line in the middle: what comes after it is still read
        let e = parse(b"sending 1 1\n\xff\nsending 2 1\n");
        assert!(e.damaged);
        assert_eq!(e.sending, vec![(1, 1), (2, 1)]);
        for bad in [
            &b"sending x 1\n"[..],
            b"sending 3\n",
            b"sent 3\n",
            b"sent 3 yesterday\n",
            b"sending 3 4 5\n",
            b"sending 3 -1\n",
            b"sending  3 1\n",
            b"\xff\xfe\n",
            b"\n",
        ] {
            let e = parse(bad);
            assert!(e.damaged, "{:?}", String::from_utf8_lossy(bad));
            assert!(e.sending.is_empty() && e.sent.is_empty());
        }
    }

    /// A journal line as the sender writes it.
    #[derive(Debug, Clone)]
    enum Line {
        Sending(i64, u32),
        Sent(i64, i64),
    }

    fn line() -> impl Strategy<Value = Line> {
        prop_oneof![
            (1i64..1_000_000, 1u32..20).prop_map(|(id, a)| Line::Sending(id, a)),
            (1i64..1_000_000, 0i64..4_000_000_000_000_000).prop_map(|(id, us)| Line::Sent(id, us)),
        ]
    }

    proptest! {
        /// Whatever the sender writes is read back as written, in order.
        #[test]
        fn lines_written_are_read_back(lines in proptest::collection::vec(line(), 0..40)) {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("j");
            let j = SendJournal::open(&path).unwrap();
            let mut want = JournalEntries::default();
            for l in &lines {
                match *l {
                    Line::Sending(id, a) => {
                        j.sending(crate::domain::OutboxId::new(id), a).unwrap();
                        want.sending.push((id, a));
                    }
                    Line::Sent(id, us) => {
                        let t = DateTime::from_timestamp_micros(us).unwrap();
                        j.sent(crate::domain::OutboxId::new(id), t).unwrap();
                        want.sent.push((id, t));
                    }
                }
            }
            prop_assert_eq!(read(&path).unwrap(), want);
        }

        /// Any bytes (a journal damaged any way) are read without panic, and a journal cut
        /// anywhere but at a line's end is damaged.
        #[test]
        fn any_bytes_parse_without_panic(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
            let e = parse(&bytes);
            if !bytes.is_empty() && !bytes.ends_with(b"\n") {
                prop_assert!(e.damaged);
            }
        }
    }
}
