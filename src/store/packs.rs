//! Inbound mail's bytes (raw emails and their attachments) kept in pack files beside the
//! database, in the folder `<database>.blobs/`, rather than inside it.
//!
//! Ingestion writes a hundred megabytes or more for a few thousand replies. Inside SQLite
//! every byte would be written twice (to the WAL, then to the database) and checksummed on
//! the way; in a pack it is written once. The `blobs` table still lists every blob by its
//! SHA-256 and says where it is (its `pack` and `pack_offset`), so the database remains
//! the one index, and content addressing and deduplication work as before.
//!
//! Each process appends to a pack of its own (one writer per file, no locks between
//! processes); what it appends is synced to disk before any commit names it, so a crash
//! leaves at most unnamed bytes at the end of a pack (wasted space, never a dangling
//! reference). Written bytes are never changed. Each entry carries its own SHA-256 and
//! size (`<sha256> <size>\n<bytes>\n`, after a first line `FOI-PACK 1`), so a pack can be
//! read without the database, and every read checks the bytes against their hash.

use anyhow::Context;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

const MAGIC: &[u8] = b"FOI-PACK 1\n";

/// The pack folder of one database.
#[derive(Debug, Clone)]
pub(crate) struct Packs {
    dir: PathBuf,
    /// The pack this process appends to (each process writes packs of its own).
    open: Arc<Mutex<Option<OpenPack>>>,
}

#[derive(Debug)]
struct OpenPack {
    name: String,
    file: std::fs::File,
    len: u64,
}

/// A pack this large is closed, and the next write starts a new one.
const PACK_LIMIT: u64 = 1 << 30;

/// Where one blob was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Location {
    pub pack: String,
    pub offset: u64,
}

impl Packs {
    /// The packs of the database at `database` (`foi.db` → `foi.db.blobs/`).
    pub fn beside(database: &Path) -> Self {
        let mut name = database.file_name().unwrap_or_default().to_os_string();
        name.push(".blobs");
        Self {
            dir: database.with_file_name(name),
            open: Arc::default(),
        }
    }

    /// Append `blobs` (`(sha256, bytes)`) to this process's pack and sync it to disk:
    /// where each one is, in order. Blocking IO: call it off the runtime. Bytes written
    /// for a commit that then fails stay unnamed in the pack (wasted space only).
    pub fn write(&self, blobs: &[(&str, &[u8])]) -> anyhow::Result<Vec<Location>> {
        let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        let created = match open.as_ref() {
            Some(p) if p.len < PACK_LIMIT => false,
            _ => {
                *open = Some(self.create(blobs.first().map_or("", |(sha, _)| sha))?);
                true
            }
        };
        let pack = open.as_mut().expect("a pack was just opened");
        let path = self.dir.join(&pack.name);
        let written = (|| -> std::io::Result<Vec<Location>> {
            let mut out = std::io::BufWriter::with_capacity(1 << 20, &pack.file);
            let mut at = pack.len;
            let mut places = Vec::with_capacity(blobs.len());
            for (sha, bytes) in blobs {
                let head = format!("{sha} {}\n", bytes.len());
                out.write_all(head.as_bytes())?;
                at += head.len() as u64;
                places.push(Location {
                    pack: pack.name.clone(),
                    offset: at,
                });
                out.write_all(bytes)?;
                out.write_all(b"\n")?;
                at += bytes.len() as u64 + 1;
            }
            out.flush()?;
            drop(out);
            pack.file.sync_data()?;
            if created {
                // (a new file's name is durable only once its folder is synced)
                std::fs::File::open(&self.dir)?.sync_all()?;
            }
            pack.len = at;
            Ok(places)
        })();
        written.map_err(|e| {
            // (what the file holds now is unknown: the next write starts a new pack)
            *open = None;
            anyhow::Error::new(e).context(format!("cannot write the blob pack {}", path.display()))
        })
    }

    /// A new pack, of a unique name, with its first line written.
    fn create(&self, first: &str) -> anyhow::Result<OpenPack> {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        std::fs::create_dir_all(&self.dir)
            .with_context(|| format!(
                "cannot create the blob folder {}: it must be a folder this user can write, beside the database",
                self.dir.display()
            ))?;
        loop {
            // (named after the first blob it holds, and the writing process)
            let name = format!(
                "{}-{}-{}.pack",
                first.get(..16).unwrap_or(first),
                std::process::id(),
                COUNTER.fetch_add(1, Ordering::Relaxed)
            );
            let path = self.dir.join(&name);
            match std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&path)
            {
                Ok(mut file) => {
                    file.write_all(MAGIC).with_context(|| {
                        format!("cannot write the blob pack {}", path.display())
                    })?;
                    return Ok(OpenPack {
                        name,
                        file,
                        len: MAGIC.len() as u64,
                    });
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => {
                    return Err(e).with_context(|| {
                        format!(
                        "cannot create a blob pack in {}: it must be a folder this user can write",
                        self.dir.display()
                    )
                    })
                }
            }
        }
    }

    /// The bytes of blob `sha256` (`size` bytes at `offset` in `pack`), checked against
    /// their hash.
    pub fn read(
        &self,
        sha256: &str,
        size: u64,
        pack: &str,
        offset: u64,
    ) -> anyhow::Result<Vec<u8>> {
        use std::os::unix::fs::FileExt;
        anyhow::ensure!(
            valid_name(pack),
            "the database names a blob pack {pack:?} that cannot be one of ours"
        );
        let path = self.dir.join(pack);
        let file = std::fs::File::open(&path).with_context(|| {
            format!(
                "blob {sha256} is kept in {}, which cannot be opened: the folder {} belongs with the \
                 database; restore it from the same backup",
                path.display(),
                self.dir.display()
            )
        })?;
        let mut bytes = vec![0; usize::try_from(size).context("a blob too large to read")?];
        file.read_exact_at(&mut bytes, offset)
            .with_context(|| format!("blob {sha256} is cut short in {}", path.display()))?;
        anyhow::ensure!(
            super::outbox::sha256_hex(&bytes) == sha256,
            "blob {sha256} in {} does not match its SHA-256: the pack is damaged; restore it from a backup",
            path.display()
        );
        Ok(bytes)
    }
}

/// Pack names are ours: lowercase hex digits, dashes and `.pack`, nothing that leaves
/// the folder.
fn valid_name(name: &str) -> bool {
    name.strip_suffix(".pack").is_some_and(|n| {
        !n.is_empty()
            && n.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b) || b == b'-')
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::outbox::sha256_hex;

    fn packs() -> (tempfile::TempDir, Packs) {
        let dir = tempfile::tempdir().unwrap();
        let packs = Packs::beside(&dir.path().join("foi.db"));
        (dir, packs)
    }

    #[test]
    fn blobs_written_to_a_pack_read_back_exactly() {
        let (dir, packs) = packs();
        let (a, b) = (b"first email\r\n.\r\n".to_vec(), vec![0u8, 255, 10, 13]);
        let (sa, sb) = (sha256_hex(&a), sha256_hex(&b));
        let at = packs.write(&[(&sa, &a), (&sb, &b)]).unwrap();
        assert_eq!(at.len(), 2);
        assert_eq!(at[0].pack, at[1].pack);
        assert!(dir.path().join("foi.db.blobs").join(&at[0].pack).is_file());
        assert_eq!(
            packs
                .read(&sa, a.len() as u64, &at[0].pack, at[0].offset)
                .unwrap(),
            a
        );
        assert_eq!(
            packs
                .read(&sb, b.len() as u64, &at[1].pack, at[1].offset)
                .unwrap(),
            b
        );
        // The next write appends to the same pack; another process (here: another
        // handle) writes a pack of its own.
        let again = packs.write(&[(&sa, &a)]).unwrap();
        assert_eq!(again[0].pack, at[0].pack);
        assert!(again[0].offset > at[1].offset);
        assert_eq!(
            packs
                .read(&sa, a.len() as u64, &again[0].pack, again[0].offset)
                .unwrap(),
            a
        );
        let other = Packs::beside(&dir.path().join("foi.db"));
        assert_ne!(other.write(&[(&sb, &b)]).unwrap()[0].pack, at[0].pack);
        // A pack describes itself.
        let text = std::fs::read(packs.dir.join(&at[0].pack)).unwrap();
        assert!(text.starts_with(format!("FOI-PACK 1\n{sa} {}\n", a.len()).as_bytes()));
    }

    #[test]
    fn a_damaged_short_or_missing_pack_is_a_clear_error() {
        let (_dir, packs) = packs();
        let a = b"some bytes".to_vec();
        let sa = sha256_hex(&a);
        let at = packs.write(&[(&sa, &a)]).unwrap().remove(0);
        let path = packs.dir.join(&at.pack);
        let error_of = |size: u64| {
            let e = packs.read(&sa, size, &at.pack, at.offset).unwrap_err();
            format!("{e:#}")
        };
        // A read past the end of the pack is an error, not a panic.
        let e = error_of(1 << 20);
        assert!(e.contains("is cut short"), "{e}");
        let mut bytes = std::fs::read(&path).unwrap();
        let last = bytes.len() - 2;
        bytes[last] ^= 1;
        std::fs::write(&path, bytes).unwrap();
        let e = error_of(a.len() as u64);
        assert!(e.contains("does not match its SHA-256"), "{e}");
        std::fs::remove_file(&path).unwrap();
        let e = error_of(a.len() as u64);
        assert!(
            e.contains("cannot be opened") && e.contains("restore it from the same backup"),
            "{e}"
        );
    }

    #[test]
    fn only_our_pack_names_are_read() {
        let (_dir, packs) = packs();
        for bad in [
            "../foi.db",
            "/etc/passwd",
            "1.pack/../../x.pack",
            ".pack",
            "x.pack",
        ] {
            let e = packs.read("00", 1, bad, 0).unwrap_err();
            assert!(
                format!("{e:#}").contains("cannot be one of ours"),
                "{bad}: {e:#}"
            );
        }
        assert!(valid_name("0123456789abcdef-42-0.pack"));
    }
}
