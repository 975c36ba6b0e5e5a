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
        assert!(ProcessLock::acquire(dir.path(), "x.lock", "busy: wait").is_ok());
    }
}
