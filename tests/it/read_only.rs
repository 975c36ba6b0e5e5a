//! A database nobody may write (issue 18): the commands that only read open it read-only
//! and work; a command that writes gives one clear error and changes nothing. Tests run as
//! root, whom file modes do not stop, so the commands run as the unprivileged user
//! `nobody` (util-linux's `setpriv`) on a copy whose files are 0444 in folders of 0555.

use crate::support::{sent_campaign, Workdir, NOW};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const LATER: &str = "2026-04-20T10:00:00Z";

fn setpriv() -> PathBuf {
    for dir in ["/usr/bin", "/bin", "/usr/sbin", "/sbin"] {
        let p = Path::new(dir).join("setpriv");
        if p.exists() {
            return p;
        }
    }
    panic!(
        "this test needs setpriv to run foi as an unprivileged user: apt-get install util-linux"
    );
}

/// A copy of the working folder (database, packs, config and the `foi` binary) that
/// nobody but root may write: files 0444, folders 0555.
fn read_only_copy(w: &Workdir) -> tempfile::TempDir {
    let ro = tempfile::tempdir().unwrap();
    let from = format!("{}/.", w.path().display());
    let ok = Command::new("cp")
        .args(["-a", &from, ro.path().to_str().unwrap()])
        .status()
        .unwrap();
    assert!(ok.success());
    std::fs::copy(env!("CARGO_BIN_EXE_foi"), ro.path().join("foi")).unwrap();
    let ok = Command::new("chmod")
        .args(["-R", "a=rX", ro.path().to_str().unwrap()])
        .status()
        .unwrap();
    assert!(ok.success());
    ro
}

/// `foi ARGS` in `dir` as the user nobody, at `now`.
fn as_nobody(dir: &Path, now: &str, args: &[&str]) -> Output {
    Command::new(setpriv())
        .args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
        .arg(dir.join("foi"))
        .args(args)
        .current_dir(dir)
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("FOI_CONFIG", dir.join("foi.toml"))
        .env("FOI_NOW", now)
        .output()
        .unwrap()
}

fn sha(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap()
}

#[test]
fn read_only_commands_work_on_a_database_nobody_may_write() {
    let w = sent_campaign();
    let ro = read_only_copy(&w);
    let db = ro.path().join("foi.db");
    let before = sha(&db);
    // The copy holds a write-ahead log when the last writer left one (SQLite keeps it
    // while the file's last connection may not remove it): reading must leave it as it is.
    let wal = ro.path().join("foi.db-wal");
    let wal_before = wal.exists().then(|| sha(&wal));
    // nobody really cannot write there
    let probe = Command::new(setpriv())
        .args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
        .args(["sh", "-c", &format!("echo x >> {}", db.display())])
        .output()
        .unwrap();
    assert!(!probe.status.success(), "the copy must not be writable");

    let reads: [(&str, &[&str]); 11] = [
        (NOW, &["cases", "list", "--json"]),
        (NOW, &["cases", "by-hand", "--json"]),
        (LATER, &["case", "deadline", "POL-0002", "--json"]),
        (NOW, &["chasers", "pending", "--json"]),
        (NOW, &["campaign", "list", "--json"]),
        (LATER, &["overdue", "--json"]),
        (NOW, &["report", "c"]),
        (NOW, &["case", "show", "POL-0001", "--json"]),
        (NOW, &["bodies", "list", "--json"]),
        (NOW, &["outbox", "--json"]),
        (NOW, &["export", "cases", "c", "--csv"]),
    ];
    for (now, args) in reads {
        let out = as_nobody(ro.path(), now, args);
        assert!(
            out.status.success(),
            "{args:?} as nobody: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let expected = w.foi(args).env("FOI_NOW", now).output().unwrap();
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&expected.stdout),
            "{args:?}: the read-only copy reads as the original"
        );
        assert!(!out.stdout.is_empty(), "{args:?} printed nothing");
    }

    for args in [
        &["case", "note", "POL-0001", "a note"][..],
        &["chasers", "run"][..],
        &["send"][..],
    ] {
        let out = as_nobody(ro.path(), NOW, args);
        assert!(
            !out.status.success(),
            "{args:?} must fail: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("the database cannot be written") && err.contains("nothing was changed"),
            "{args:?}: {err}"
        );
        assert!(!err.contains("panicked"), "{err}");
    }
    assert_eq!(sha(&db), before, "the database is unchanged");
    assert_eq!(
        wal.exists().then(|| sha(&wal)),
        wal_before,
        "no write-ahead log made or changed"
    );
}

/// A database made by an older foi, which nobody may write: a command that only reads
/// cannot migrate it, says so once (to migrate it with a command that can write it), and
/// changes nothing.
#[tokio::test]
async fn an_older_database_nobody_may_write_says_to_migrate_it_once() {
    let w = sent_campaign();
    // (as an older foi left it: its newest migration not yet applied)
    crate::search::exec(
        &w,
        "DELETE FROM _sqlx_migrations WHERE version = (SELECT max(version) FROM _sqlx_migrations)",
    )
    .await;
    let ro = read_only_copy(&w);
    let db = ro.path().join("foi.db");
    let before = sha(&db);
    let out = as_nobody(ro.path(), NOW, &["cases", "list", "--json"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "it must fail: {err}");
    assert!(
        out.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(
        err.contains(
            "was made by an older foi and must be migrated once by a command that can write it"
        ),
        "{err}"
    );
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(sha(&db), before, "the database is unchanged");
}
