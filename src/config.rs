//! Typed settings read from `foi.toml`. `config.example.toml` at the repository root is the
//! documented template: it is embedded in the binary (`foi init` writes it) and tested here.
//!
//! Secrets are never stored in the file: they are named as an environment variable or a
//! command, and `Debug` never prints them.

use anyhow::{bail, Context};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The commented example configuration, written by `foi init`.
pub const EXAMPLE: &str = include_str!("../config.example.toml");

/// The whole configuration file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub storage: Storage,
    pub sender: Sender,
    #[serde(default)]
    pub defaults: Defaults,
    /// The folder holding the config file; relative paths resolve against it.
    #[serde(skip)]
    pub base_dir: PathBuf,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Storage {
    pub database: PathBuf,
    pub data_dir: PathBuf,
}

/// The sender identity; every key is available to templates as `sender.<key>`.
#[derive(Debug, Clone, Deserialize)]
pub struct Sender {
    pub name: String,
    pub email: String,
    pub reply_address: String,
    #[serde(flatten)]
    pub extra: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Defaults {
    #[serde(default = "default_regime")]
    pub regime: String,
    #[serde(default = "default_timezone")]
    pub timezone: String,
}

fn default_regime() -> String {
    "uk-foia".into()
}
fn default_timezone() -> String {
    "Europe/London".into()
}

impl Default for Defaults {
    fn default() -> Self {
        Self {
            regime: default_regime(),
            timezone: default_timezone(),
        }
    }
}

impl Config {
    /// Parse a config file's text; `base_dir` is the folder relative paths resolve against.
    pub fn parse(text: &str, base_dir: &Path) -> anyhow::Result<Self> {
        let mut config: Config = toml::from_str(text).context("the configuration is not valid")?;
        config.base_dir = base_dir.to_path_buf();
        config.validate()?;
        Ok(config)
    }

    /// Read and parse the config file at `path`.
    pub fn load(path: &Path) -> anyhow::Result<Self> {
        let text = std::fs::read_to_string(path).with_context(|| {
            format!(
                "cannot read the configuration {}: run `foi init` to create a working folder, \
                 or pass --config PATH (or set FOI_CONFIG)",
                path.display()
            )
        })?;
        let base = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        Self::parse(&text, base).with_context(|| format!("in {}", path.display()))
    }

    fn validate(&self) -> anyhow::Result<()> {
        crate::domain::EmailAddress::parse(&self.sender.email)
            .context("[sender] email is not a valid address")?;
        if !self.sender.reply_address.contains("{token}") {
            bail!(
                "[sender] reply_address must contain {{token}}, e.g. \"foi+{{token}}@example.org\""
            );
        }
        let probe = self
            .sender
            .reply_address
            .replace("{token}", "abcdefghijklmnop");
        crate::domain::EmailAddress::parse(&probe)
            .context("[sender] reply_address does not make a valid address")?;
        if self.defaults.timezone.parse::<chrono_tz::Tz>().is_err() {
            bail!(
                "[defaults] timezone '{}' is not an IANA time zone name such as Europe/London",
                self.defaults.timezone
            );
        }
        Ok(())
    }

    /// Resolve a path from the config against the config file's folder.
    pub fn resolve(&self, p: &Path) -> PathBuf {
        if p.is_absolute() {
            p.to_path_buf()
        } else {
            self.base_dir.join(p)
        }
    }

    pub fn database_path(&self) -> PathBuf {
        self.resolve(&self.storage.database)
    }

    pub fn data_dir(&self) -> PathBuf {
        self.resolve(&self.storage.data_dir)
    }

    pub fn timezone(&self) -> chrono_tz::Tz {
        self.defaults
            .timezone
            .parse()
            .unwrap_or(chrono_tz::Europe::London)
    }

    /// Every folder `foi init` creates, relative to the base folder.
    pub fn folders(&self) -> Vec<PathBuf> {
        vec![self.data_dir()]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_example_parses_and_resolves_paths() {
        let c = Config::parse(EXAMPLE, Path::new("/srv/foi")).unwrap();
        assert_eq!(c.database_path(), Path::new("/srv/foi/foi.db"));
        assert_eq!(
            c.sender.extra["organisation"],
            "Example Civil Liberties Group"
        );
        assert_eq!(c.defaults.regime, "uk-foia");
    }

    #[test]
    fn mistakes_are_reported() {
        let bad_key = EXAMPLE.replace("[defaults]", "[defaults]\nregim = \"x\"");
        assert!(Config::parse(&bad_key, Path::new(".")).is_err());
        let no_token = EXAMPLE.replace("foi+{token}@example.org", "foi@example.org");
        let e = Config::parse(&no_token, Path::new(".")).unwrap_err();
        assert!(format!("{e:#}").contains("{token}"));
        let bad_tz = EXAMPLE.replace("Europe/London", "Mars/Olympus");
        assert!(Config::parse(&bad_tz, Path::new(".")).is_err());
    }
}
