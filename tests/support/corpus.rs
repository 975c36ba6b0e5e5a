//! The real-world corpus (`../shared/corpus`, or `$FOI_CORPUS_DIR`), shared by the test
//! binaries that read it (`tests/corpus.rs`, `tests/formats.rs`) through `#[path]`. It is
//! other people's mail: read in place, never copied into the repository.

use std::path::{Path, PathBuf};

/// The corpus folder, or why the corpus part of a test is skipped (it is optional and
/// lives outside the repository).
pub fn corpus_dir() -> Result<PathBuf, String> {
    let dir = match std::env::var_os("FOI_CORPUS_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"),
    };
    if dir.is_dir() {
        Ok(dir)
    } else {
        Err(format!(
            "corpus test skipped: no corpus at {} (it is optional and lives outside the \
             repository; set FOI_CORPUS_DIR to run it)",
            dir.display()
        ))
    }
}

/// Recipients a flufl.bounce row of the manifest expects: `detector -> a@x, b@y; ...`.
pub fn expected_bounce_recipients(facts: &str) -> Vec<String> {
    let Some((_, after)) = facts.split_once("-> ") else {
        return Vec::new();
    };
    after
        .split(';')
        .next()
        .unwrap_or("")
        .split([',', ' '])
        .map(|a| a.trim().to_ascii_lowercase())
        .filter(|a| a.contains('@'))
        .collect()
}
