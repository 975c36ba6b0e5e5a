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
        self.resolve_named(what, "password")
    }

    /// Read the secret now. `what` names the section and `name` the secret as the file's
    /// keys call it (`password` for `password_env`, `client_secret` for
    /// `client_secret_env`), so that an error names the key the person wrote.
    pub fn resolve_named(
        &self,
        what: &str,
        name: &str,
    ) -> anyhow::Result<Option<secrecy::SecretString>> {
        if let Some(var) = &self.password_env {
            if let Ok(v) = std::env::var(var) {
                return Ok(Some(v.into()));
            }
            if self.password_command.is_none() {
                bail!("[{what}] {name}_env names {var}, but {var} is not set: export it before running foi");
            }
        }
        if let Some(cmd) = &self.password_command {
            let out = std::process::Command::new("sh")
                .arg("-c")
                .arg(cmd)
                .stdin(std::process::Stdio::null())
                .output()
                .with_context(|| format!("[{what}] cannot run {name}_command"))?;
            if !out.status.success() {
                bail!(
                    "[{what}] {name}_command failed ({}): check the command",
                    out.status
                );
            }
            let text = String::from_utf8(out.stdout).map_err(|_| {
                anyhow::anyhow!("[{what}] {name}_command printed something that is not UTF-8")
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
    /// What the secret is called in the section's keys (`password`, `client_secret`).
    name: &'static str,
    source: PasswordSource,
    value: OnceLock<Result<Option<secrecy::SecretString>, String>>,
}

impl Password {
    pub fn new(what: &'static str, source: PasswordSource) -> Self {
        Self::named(what, "password", source)
    }

    /// A secret that the section's keys call `name` (`client_secret_env`, ...).
    pub fn named(what: &'static str, name: &'static str, source: PasswordSource) -> Self {
        Self(Arc::new(Cell {
            what,
            name,
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
                    .resolve_named(self.0.what, self.0.name)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_secret_is_named_by_the_key_that_was_written() {
        let var = "FOI_TEST_NEVER_SET_7f3a9c";
        let source = || PasswordSource {
            password_env: Some(var.into()),
            password_command: None,
        };
        let secret = Password::named("oauth2", "client_secret", source());
        let e = secret.get().unwrap_err().to_string();
        assert_eq!(
            e,
            format!("[oauth2] client_secret_env names {var}, but {var} is not set: export it before running foi")
        );
        assert!(!e.contains("password"), "{e}");
        let e = Password::new("imap", source())
            .get()
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("[imap] password_env names"), "{e}");

        let failing = PasswordSource {
            password_env: None,
            password_command: Some("exit 3".into()),
        };
        let e = Password::named("oauth2", "client_secret", failing)
            .get()
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("[oauth2] client_secret_command failed"),
            "{e}"
        );
    }
}
