//! Passwords: named in the configuration as an environment variable or a command, never
//! written there; read once per process, when first needed, and never logged.

use anyhow::{bail, Context};
use serde::Deserialize;
use std::sync::{Arc, OnceLock};

/// Where a password comes from: an environment variable or a command's output.
#[derive(Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct PasswordSource {
    pub password_env: Option<String>,
    pub password_command: Option<String>,
}

impl std::fmt::Debug for PasswordSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // names only: never a password
        f.debug_struct("PasswordSource")
            .field("password_env", &self.password_env)
            .field(
                "password_command",
                &self.password_command.as_ref().map(|_| "<command>"),
            )
            .finish()
    }
}

impl PasswordSource {
    /// Read the password now. `what` names the setting in error messages.
    pub fn resolve(&self, what: &str) -> anyhow::Result<Option<secrecy::SecretString>> {
        if let Some(var) = &self.password_env {
            if let Ok(v) = std::env::var(var) {
                return Ok(Some(v.into()));
            }
            if self.password_command.is_none() {
                bail!("[{what}] password_env names {var}, but {var} is not set: export it before running foi");
            }
        }
        if let Some(cmd) = &self.password_command {
            let out = std::process::Command::new("sh")
                .arg("-c")
                .arg(cmd)
                .stdin(std::process::Stdio::null())
                .output()
                .with_context(|| format!("[{what}] cannot run password_command"))?;
            if !out.status.success() {
                bail!(
                    "[{what}] password_command failed ({}): check the command",
                    out.status
                );
            }
            let text = String::from_utf8(out.stdout).map_err(|_| {
                anyhow::anyhow!("[{what}] password_command printed something that is not UTF-8")
            })?;
            let first = text.lines().next().unwrap_or("").to_string();
            return Ok(Some(first.into()));
        }
        Ok(None)
    }
}

/// A password read at most once per process: the first use reads it (runs the command),
/// later ones, and every clone, get the same answer. Reading it lazily keeps commands that
/// need no mail server from running a password command.
#[derive(Clone)]
pub struct Password(Arc<Cell>);

struct Cell {
    /// The setting's section, for messages (`imap`, `smtp`).
    what: &'static str,
    source: PasswordSource,
    value: OnceLock<Result<Option<secrecy::SecretString>, String>>,
}

impl Password {
    pub fn new(what: &'static str, source: PasswordSource) -> Self {
        Self(Arc::new(Cell {
            what,
            source,
            value: OnceLock::new(),
        }))
    }

    /// The password, read now if it has not been yet (`None` when none is configured).
    pub fn get(&self) -> anyhow::Result<Option<secrecy::SecretString>> {
        self.0
            .value
            .get_or_init(|| {
                self.0
                    .source
                    .resolve(self.0.what)
                    .map_err(|e| format!("{e:#}"))
            })
            .clone()
            .map_err(anyhow::Error::msg)
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // never the password: only where it comes from
        write!(f, "Password({:?})", self.0.source)
    }
}
