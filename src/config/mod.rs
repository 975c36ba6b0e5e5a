//! Typed settings read from `foi.toml`. `config.example.toml` at the repository root is the
//! documented template: it is embedded in the binary (`foi init` writes it) and tested here.
//! [`Settings`] is the configuration resolved once at start, in the parts each worker
//! needs (`settings.rs`); passwords are read once, when first needed (`password.rs`); the
//! `[oauth2]` sign-in is checked and resolved for `net::oauth` in `oauth.rs`.
//!
//! Sees `domain`, `deadlines` and `net`; every other floor above sees it.
//!
//! Secrets are never stored in the file: they are named as an environment variable or a
//! command, and `Debug` never prints them.

mod calendar;
mod gateway;
mod oauth;
mod pacing;
mod password;
mod settings;
mod web;

pub use calendar::CalendarSettings;
pub use gateway::{default_gateways, Gateway};
pub use oauth::OAuth2;
pub use pacing::Pacing;
pub use password::{Password, PasswordSource};
pub use settings::{
    AfterFetch, FetchSettings, FetchSource, ImapAccount, SendSettings, SenderIdentity, Settings,
    SmtpSettings, TransportSettings,
};
pub use web::{Web, WebSettings};

use anyhow::{bail, Context};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The commented example configuration, written by `foi init`.
pub const EXAMPLE: &str = include_str!("../../config.example.toml");

/// The whole configuration file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub storage: Storage,
    pub sender: Sender,
    #[serde(default)]
    pub defaults: Defaults,
    #[serde(default)]
    pub transport: Transport,
    pub smtp: Option<Smtp>,
    #[serde(default)]
    pub pacing: Pacing,
    #[serde(default)]
    pub send_window: SendWindow,
    #[serde(default)]
    pub sent_copy: SentCopy,
    pub imap: Option<Imap>,
    /// OAuth2 sign-in for `[imap] auth = "oauth2"` and `[smtp] auth = "oauth2"`.
    pub oauth2: Option<OAuth2>,
    #[serde(default)]
    pub fetch: Fetch,
    #[serde(default)]
    pub calendar: CalendarSettings,
    /// The dashboard (`foi serve`).
    #[serde(default)]
    pub web: Web,
    /// Regimes defined here, beside the built-in ones (`[[regime]]` tables).
    #[serde(default)]
    pub regime: Vec<crate::deadlines::RegimeDef>,
    /// `foi publish`: the licence of the published data.
    #[serde(default)]
    pub publish: PublishConfig,
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

/// Where replies are read from, and what happens to them after.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fetch {
    /// `maildir` (a local folder) or `imap` (the [imap] account).
    #[serde(default)]
    pub source: Source,
    #[serde(default = "default_maildir")]
    pub maildir: PathBuf,
    /// IMAP folders to read.
    #[serde(default = "default_folders")]
    pub folders: Vec<String>,
    /// After storing an IMAP email: `none`, `keyword` (set `keyword`), or `move` (to
    /// `processed_folder`). Mail is never deleted.
    #[serde(default)]
    pub after: AfterFetch,
    #[serde(default = "default_keyword")]
    pub keyword: String,
    #[serde(default = "default_processed")]
    pub processed_folder: String,
    #[serde(default = "default_batch")]
    pub batch_size: usize,
    /// A larger email is kept raw and flagged, not parsed.
    #[serde(default = "default_max_mb")]
    pub max_message_mb: usize,
    /// How often `foi run` looks for new mail.
    #[serde(default = "default_poll")]
    pub poll_secs: u64,
}

/// `[fetch] source`: where replies are read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    /// A local Maildir folder (`[fetch] maildir`).
    #[default]
    Maildir,
    /// The `[imap]` account.
    Imap,
}
fn default_maildir() -> PathBuf {
    "maildir".into()
}
fn default_folders() -> Vec<String> {
    vec!["INBOX".into()]
}
fn default_keyword() -> String {
    "$FoiProcessed".into()
}
fn default_processed() -> String {
    "Processed".into()
}
fn default_batch() -> usize {
    200
}
fn default_max_mb() -> usize {
    50
}
fn default_poll() -> u64 {
    60
}

impl Default for Fetch {
    fn default() -> Self {
        Self {
            source: Source::default(),
            maildir: default_maildir(),
            folders: default_folders(),
            after: AfterFetch::default(),
            keyword: default_keyword(),
            processed_folder: default_processed(),
            batch_size: default_batch(),
            max_message_mb: default_max_mb(),
            poll_secs: default_poll(),
        }
    }
}

/// What `foi publish` states about the data it publishes.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct PublishConfig {
    /// The licence's SPDX identifier or short name (`CC-BY-4.0`, `OGL-UK-3.0`); `foi
    /// publish` refuses to publish without one.
    pub licence: Option<String>,
    /// Its full title ("Creative Commons Attribution 4.0").
    pub licence_title: Option<String>,
    /// Where its text is (a URL).
    pub licence_path: Option<String>,
}

/// How emails leave.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum TransportKind {
    /// `.eml` files in a folder.
    #[default]
    Files,
    /// The group's SMTP server.
    Smtp,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Transport {
    #[serde(default)]
    pub kind: TransportKind,
    #[serde(default = "default_files_dir")]
    pub files_dir: PathBuf,
}

fn default_files_dir() -> PathBuf {
    "outgoing".into()
}

impl Default for Transport {
    fn default() -> Self {
        Self {
            kind: TransportKind::Files,
            files_dir: default_files_dir(),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Smtp {
    pub host: String,
    pub port: u16,
    pub tls: crate::net::TlsMode,
    pub username: Option<String>,
    /// `password` (the default) or `oauth2` (the `[oauth2]` sign-in).
    #[serde(default)]
    pub auth: AuthKind,
    #[serde(flatten)]
    pub password: PasswordSource,
    pub ca_cert: Option<PathBuf>,
    #[serde(default = "default_sessions")]
    pub sessions: usize,
    #[serde(default = "default_timeout")]
    pub timeout_secs: u64,
}

fn default_sessions() -> usize {
    4
}
fn default_timeout() -> u64 {
    30
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Imap {
    pub host: String,
    pub port: u16,
    pub tls: crate::net::TlsMode,
    pub username: String,
    /// `password` (the default) or `oauth2` (the `[oauth2]` sign-in).
    #[serde(default)]
    pub auth: AuthKind,
    #[serde(flatten)]
    pub password: PasswordSource,
    pub ca_cert: Option<PathBuf>,
    #[serde(default = "default_timeout")]
    pub timeout_secs: u64,
}

/// How foi logs in to a mail server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum AuthKind {
    /// LOGIN / AUTH PLAIN with the password from `password_env` or `password_command`.
    #[default]
    Password,
    /// XOAUTH2 or OAUTHBEARER with an access token of the `[oauth2]` sign-in.
    Oauth2,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SendWindow {
    #[serde(default = "default_days")]
    pub days: Vec<String>,
    #[serde(default = "default_start")]
    pub start: String,
    #[serde(default = "default_end")]
    pub end: String,
    #[serde(default = "default_timezone")]
    pub timezone: String,
    #[serde(default = "default_true")]
    pub skip_bank_holidays: bool,
}

fn default_days() -> Vec<String> {
    ["mon", "tue", "wed", "thu", "fri"]
        .map(String::from)
        .to_vec()
}
fn default_start() -> String {
    "09:00".into()
}
fn default_end() -> String {
    "16:00".into()
}
fn default_true() -> bool {
    true
}

impl Default for SendWindow {
    fn default() -> Self {
        Self {
            days: default_days(),
            start: default_start(),
            end: default_end(),
            timezone: default_timezone(),
            skip_bank_holidays: true,
        }
    }
}

impl SendWindow {
    /// The checked window these settings describe.
    pub fn window(&self) -> anyhow::Result<crate::deadlines::Window> {
        crate::deadlines::Window::new(
            &self.days,
            &self.start,
            &self.end,
            &self.timezone,
            self.skip_bank_holidays,
        )
        .map_err(|e| anyhow::anyhow!("[send_window] {e}"))
    }
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct SentCopy {
    #[serde(default)]
    pub enabled: bool,
    #[serde(default = "default_sent_folder")]
    pub folder: String,
}

fn default_sent_folder() -> String {
    "Sent".into()
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
        crate::domain::case::ReplyPattern::parse(&self.sender.reply_address)
            .map_err(|e| anyhow::anyhow!("[sender] {e}"))?;
        if self.transport.kind == TransportKind::Smtp && self.smtp.is_none() {
            bail!("[transport] kind = \"smtp\" needs an [smtp] section with host, port and tls");
        }
        if self.sent_copy.enabled && self.imap.is_none() {
            bail!("[sent_copy] enabled = true needs an [imap] section");
        }
        if let Some(smtp) = &self.smtp {
            if smtp.sessions == 0 || smtp.sessions > 64 {
                bail!("[smtp] sessions must be between 1 and 64");
            }
        }
        if self.fetch.source == Source::Imap && self.imap.is_none() {
            bail!("[fetch] source = \"imap\" needs an [imap] section");
        }
        self.validate_oauth2()?;
        if self.fetch.batch_size == 0 {
            bail!("[fetch] batch_size must be at least 1");
        }
        self.check_ranges()?;
        self.send_window.window()?;
        if self.defaults.timezone.parse::<chrono_tz::Tz>().is_err() {
            bail!(
                "[defaults] timezone '{}' is not an IANA time zone name such as Europe/London",
                self.defaults.timezone
            );
        }
        Ok(())
    }

    /// Every number within the range the code can work with, so an absurd value is a
    /// clear error here and not an overflow (a panic) in the middle of a send.
    fn check_ranges(&self) -> anyhow::Result<()> {
        const DAY: u64 = 24 * 3600;
        let p = &self.pacing;
        let mut checks: Vec<(&str, u64, u64, u64)> = vec![
            ("[pacing] max_attempts", p.max_attempts.into(), 1, 100),
            ("[pacing] retry_base_secs", p.retry_base_secs, 1, DAY),
            (
                "[pacing] retry_max_secs",
                p.retry_max_secs,
                p.retry_base_secs.max(1),
                30 * DAY,
            ),
            (
                "[fetch] batch_size",
                self.fetch.batch_size as u64,
                1,
                10_000,
            ),
            (
                "[fetch] max_message_mb",
                self.fetch.max_message_mb as u64,
                1,
                1024,
            ),
            ("[fetch] poll_secs", self.fetch.poll_secs, 1, DAY),
        ];
        for (name, v) in [
            ("[pacing] per_minute", p.per_minute),
            ("[pacing] per_hour", p.per_hour),
            ("[pacing] per_day", p.per_day),
            ("[pacing] per_domain_per_hour", p.per_domain_per_hour),
        ] {
            if let Some(v) = v {
                checks.push((name, v.into(), 1, 1_000_000));
            }
        }
        if let Some(g) = &p.gateway {
            gateway::check(g)?;
        }
        if let Some(ms) = p.min_interval_ms {
            checks.push(("[pacing] min_interval_ms", ms, 0, DAY * 1000));
        }
        if let Some(smtp) = &self.smtp {
            checks.push(("[smtp] timeout_secs", smtp.timeout_secs, 1, 3600));
        }
        if let Some(imap) = &self.imap {
            checks.push(("[imap] timeout_secs", imap.timeout_secs, 1, 3600));
        }
        for (name, v, min, max) in checks {
            if !(min..=max).contains(&v) {
                bail!("{name} is {v}: it must be between {min} and {max}");
            }
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

    /// The configuration resolved: see [`Settings`].
    pub fn settings(&self) -> anyhow::Result<Settings> {
        Settings::resolve(self)
    }

    /// Every folder `foi init` creates, relative to the base folder.
    pub fn folders(&self) -> Vec<PathBuf> {
        let maildir = self.resolve(&self.fetch.maildir);
        vec![
            self.data_dir(),
            self.files_dir(),
            maildir.join("new"),
            maildir.join("cur"),
            maildir.join("tmp"),
        ]
    }

    /// Where the `files` transport writes `.eml` files.
    pub fn files_dir(&self) -> PathBuf {
        self.resolve(&self.transport.files_dir)
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

    #[test]
    fn absurd_numbers_are_a_clear_error() {
        for (key, value) in [
            ("retry_base_secs", "9223372036854775807"),
            ("retry_base_secs", "0"),
            ("max_attempts", "1000000"),
            ("retry_max_secs", "1"),
        ] {
            let text = EXAMPLE.replace("[pacing]", &format!("[pacing]\n{key} = {value}"));
            let text = remove_later_duplicate(&text, key);
            let e = format!("{:#}", Config::parse(&text, Path::new(".")).unwrap_err());
            assert!(e.contains(&format!("[pacing] {key} is")), "{key}: {e}");
            assert!(e.contains("must be between"), "{e}");
        }
        let text = EXAMPLE.replace("batch_size = 200", "batch_size = 100000");
        let e = format!("{:#}", Config::parse(&text, Path::new(".")).unwrap_err());
        assert!(e.contains("[fetch] batch_size is 100000"), "{e}");
    }

    /// The example with `key` set only by the first line that sets it.
    fn remove_later_duplicate(text: &str, key: &str) -> String {
        let mut seen = false;
        text.lines()
            .filter(|l| {
                let sets = l.trim_start().starts_with(&format!("{key} ="));
                let keep = !(sets && seen);
                seen |= sets;
                keep
            })
            .collect::<Vec<_>>()
            .join("\n")
    }
}
