//! The configuration resolved once, when a command starts: everything checked and built
//! (the regimes over the holiday calendar, its file read once; the send window; the
//! reply-address pattern; where replies come from; how emails leave) and handed out in
//! the parts each worker needs: the sender takes [`SendSettings`], ingestion
//! [`FetchSettings`]; the use cases take the whole [`Settings`]. Nothing re-reads a file
//! or re-runs a password command on each turn: a password is read once, when first needed
//! (see [`Password`]).

use super::password::Password;
use super::{AuthKind, Config, Pacing, TransportKind};
use crate::deadlines::{Regimes, Window};
use crate::domain::case::ReplyPattern;
use crate::net::imap::ImapSettings;
use crate::net::oauth::TokenSource;
use crate::net::TlsMode;
use anyhow::Context;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// The whole configuration, resolved.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The built-in regimes and those of `[[regime]]`, over the holiday calendar.
    pub regimes: Regimes,
    /// `[defaults] timezone`.
    pub timezone: chrono_tz::Tz,
    /// `[defaults] regime`.
    pub default_regime: String,
    /// Who sends: `[sender]`, every key of which templates see as `sender.<key>`.
    pub sender: SenderIdentity,
    /// `[sender] reply_address`, checked.
    pub reply: ReplyPattern,
    pub fetch: FetchSettings,
    pub send: SendSettings,
    /// `[web]`, for `foi serve`.
    pub web: super::WebSettings,
    /// The `[oauth2]` sign-in (for `foi auth`), shared with IMAP and SMTP where they use it.
    pub oauth: Option<Arc<TokenSource>>,
}

/// The sender identity emails carry.
#[derive(Debug, Clone)]
pub struct SenderIdentity {
    pub name: String,
    pub email: String,
    /// The other `[sender]` keys, for templates.
    pub extra: BTreeMap<String, String>,
}

impl SenderIdentity {
    /// The domain of the sender's address (the Message-IDs we make are in it).
    pub fn domain(&self) -> anyhow::Result<String> {
        Ok(crate::domain::EmailAddress::parse(&self.email)?
            .domain()
            .to_string())
    }
}

/// An IMAP account (`[imap]`), its password read once when first needed.
#[derive(Debug, Clone)]
pub struct ImapAccount {
    pub host: String,
    pub port: u16,
    pub tls: TlsMode,
    pub username: String,
    pub password: Password,
    /// `[imap] auth = "oauth2"`: log in with an access token from here, not the password.
    pub oauth: Option<Arc<TokenSource>>,
    pub ca_cert: Option<PathBuf>,
    pub timeout: Duration,
}

impl ImapAccount {
    /// What the IMAP connection needs, the password read now if it has not been yet (with
    /// OAuth2 there is none: each connection asks for an access token).
    pub fn imap_settings(&self) -> anyhow::Result<ImapSettings> {
        let password = match &self.oauth {
            Some(_) => String::new().into(),
            None => self
                .password
                .get()?
                .context("[imap] needs password_env or password_command")?,
        };
        Ok(ImapSettings {
            host: self.host.clone(),
            port: self.port,
            tls: self.tls,
            username: self.username.clone(),
            password,
            oauth: self.oauth.clone(),
            ca_cert: self.ca_cert.clone(),
            timeout: self.timeout,
        })
    }
}

/// Where replies are read from.
#[derive(Debug, Clone)]
pub enum FetchSource {
    /// A Maildir folder.
    Maildir(PathBuf),
    /// The `[imap]` account.
    Imap(ImapAccount),
}

/// What happens on the IMAP server to an email once it is stored (never a deletion).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum AfterFetch {
    #[default]
    None,
    /// Set `[fetch] keyword`.
    Keyword,
    /// Move to `[fetch] processed_folder`.
    Move,
}

/// What ingestion needs.
#[derive(Debug, Clone)]
pub struct FetchSettings {
    pub source: FetchSource,
    /// IMAP folders to read.
    pub folders: Vec<String>,
    pub after: AfterFetch,
    pub keyword: String,
    pub processed_folder: String,
    pub batch_size: usize,
    /// A larger email is kept raw and flagged, not parsed.
    pub max_message_bytes: usize,
    /// How often `foi run` looks for new mail.
    pub poll: Duration,
    /// Where the lock of the one process reading mail lives.
    pub data_dir: PathBuf,
    /// The reply-address pattern, whose tokens find a reply's case.
    pub reply: ReplyPattern,
}

/// How emails leave.
#[derive(Debug, Clone)]
pub enum TransportSettings {
    /// `.eml` files in this folder.
    Files {
        dir: PathBuf,
    },
    Smtp(SmtpSettings),
}

/// The `[smtp]` server.
#[derive(Debug, Clone)]
pub struct SmtpSettings {
    pub host: String,
    pub port: u16,
    pub tls: TlsMode,
    pub username: Option<String>,
    pub password: Password,
    /// `[smtp] auth = "oauth2"`: AUTH with an access token from here, not the password.
    pub oauth: Option<Arc<TokenSource>>,
    pub ca_cert: Option<PathBuf>,
    pub sessions: usize,
    pub timeout: Duration,
}

/// What the sender needs.
#[derive(Debug, Clone)]
pub struct SendSettings {
    pub transport: TransportSettings,
    pub window: Window,
    pub pacing: Pacing,
    /// Append each sent email to this folder of this account (`[sent_copy]`).
    pub sent_copy: Option<(ImapAccount, String)>,
    /// Where the lock of the one process sending lives.
    pub data_dir: PathBuf,
}

impl Settings {
    /// Resolve `config` (already checked by [`Config::parse`]): the holiday file is read,
    /// the regimes and the send window built. No password is read yet.
    pub fn resolve(config: &Config) -> anyhow::Result<Self> {
        let regimes = config.regimes(&config.calendar()?)?;
        let reply = ReplyPattern::parse(&config.sender.reply_address)
            .map_err(|e| anyhow::anyhow!("[sender] {e}"))?;
        // One sign-in, shared by IMAP and SMTP: one refresh serves both.
        let oauth = match &config.oauth2 {
            Some(o) => Some(TokenSource::new(config.oauth_settings(o)?)),
            None => None,
        };
        let oauth_if = |auth: AuthKind| oauth.clone().filter(|_| auth == AuthKind::Oauth2);
        // One account, shared by fetching and the sent copy: its password is read once.
        let imap = config.imap.as_ref().map(|i| ImapAccount {
            host: i.host.clone(),
            port: i.port,
            tls: i.tls,
            username: i.username.clone(),
            password: Password::new("imap", i.password.clone()),
            oauth: oauth_if(i.auth),
            ca_cert: i.ca_cert.as_ref().map(|p| config.resolve(p)),
            timeout: Duration::from_secs(i.timeout_secs),
        });
        let needs_imap = |what: &str| {
            imap.clone()
                .with_context(|| format!("{what} needs an [imap] section in the configuration"))
        };
        let f = &config.fetch;
        let fetch = FetchSettings {
            source: match f.source {
                super::Source::Maildir => FetchSource::Maildir(config.resolve(&f.maildir)),
                super::Source::Imap => FetchSource::Imap(needs_imap("[fetch] source = \"imap\"")?),
            },
            folders: f.folders.clone(),
            after: f.after,
            keyword: f.keyword.clone(),
            processed_folder: f.processed_folder.clone(),
            batch_size: f.batch_size,
            max_message_bytes: f.max_message_mb.saturating_mul(1024 * 1024),
            poll: Duration::from_secs(f.poll_secs.max(1)),
            data_dir: config.data_dir(),
            reply: reply.clone(),
        };
        let transport = match config.transport.kind {
            TransportKind::Files => TransportSettings::Files {
                dir: config.files_dir(),
            },
            TransportKind::Smtp => {
                let s = config
                    .smtp
                    .as_ref()
                    .context("[transport] kind = \"smtp\" needs an [smtp] section")?;
                TransportSettings::Smtp(SmtpSettings {
                    host: s.host.clone(),
                    port: s.port,
                    tls: s.tls,
                    username: s.username.clone(),
                    password: Password::new("smtp", s.password.clone()),
                    oauth: oauth_if(s.auth),
                    ca_cert: s.ca_cert.as_ref().map(|p| config.resolve(p)),
                    sessions: s.sessions,
                    timeout: Duration::from_secs(s.timeout_secs),
                })
            }
        };
        let send = SendSettings {
            transport,
            window: config.send_window.window()?,
            pacing: config.pacing.clone(),
            sent_copy: match config.sent_copy.enabled {
                true => Some((needs_imap("[sent_copy]")?, config.sent_copy.folder.clone())),
                false => None,
            },
            data_dir: config.data_dir(),
        };
        Ok(Self {
            regimes,
            timezone: config.timezone(),
            default_regime: config.defaults.regime.clone(),
            sender: SenderIdentity {
                name: config.sender.name.clone(),
                email: config.sender.email.clone(),
                extra: config.sender.extra.clone(),
            },
            reply,
            fetch,
            send,
            web: config.web.resolve()?,
            oauth,
        })
    }

    /// The time zone a case's days are counted in: its regime's, else the configured one.
    /// Staff actions on a case (status, note) are dated in it, as its deadline is.
    pub fn case_time_zone(&self, regime: &str) -> chrono_tz::Tz {
        self.regimes
            .get(regime)
            .map_or(self.timezone, |r| r.time_zone())
    }
}
