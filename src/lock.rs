//! Work that only one process may do at a time (sending the outbox, reading mail): a lock
//! file in the data folder, taken without waiting. The kernel releases it when the process
//! ends, however it ends.

use anyhow::Context;
use std::fs::File;
use std::path::Path;

/// Held while it lives.
#[derive(Debug)]
pub struct ProcessLock {
    _file: File,
}

impl ProcessLock {
    /// Take `name` in `data_dir`; when another process holds it, the error is `busy`.
    pub fn acquire(data_dir: &Path, name: &str, busy: &str) -> anyhow::Result<Self> {
        let path = data_dir.join(name);
        let file = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .with_context(|| format!("cannot open {}", path.display()))?;
        match file.try_lock() {
            Ok(()) => Ok(Self { _file: file }),
            Err(std::fs::TryLockError::WouldBlock) => anyhow::bail!("{busy}"),
            Err(std::fs::TryLockError::Error(e)) => {
                Err(e).with_context(|| format!("cannot lock {}", path.display()))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_holder_is_refused_until_the_first_lets_go() {
        let dir = tempfile::tempdir().unwrap();
        let first = ProcessLock::acquire(dir.path(), "x.lock", "busy: wait").unwrap();
        // (a second open file description conflicts like another process would)
        let err = ProcessLock::acquire(dir.path(), "x.lock", "busy: wait").unwrap_err();
        assert_eq!(err.to_string(), "busy: wait");
        assert!(ProcessLock::acquire(dir.path(), "y.lock", "busy").is_ok());
        drop(first);
        assert!(acquire_once_free(dir.path(), "x.lock").is_ok());
    }

    /// A lock is released when the last descriptor of its open file goes. Another test thread
    /// that spawns a process forks this one, and the child holds a copy of every descriptor
    /// until its `exec` closes them (they are close-on-exec): for those few microseconds the
    /// dropped lock is still held. Waiting for that window to pass (1 s at most) keeps the test
    /// about this module and not about its neighbours.
    fn acquire_once_free(dir: &Path, name: &str) -> anyhow::Result<ProcessLock> {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(1);
        loop {
            match ProcessLock::acquire(dir, name, "busy") {
                Err(e) if std::time::Instant::now() < deadline && e.to_string() == "busy" => {
                    std::thread::yield_now();
                }
                other => return other,
            }
        }
    }
}
