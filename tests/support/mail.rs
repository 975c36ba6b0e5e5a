//! The real mail servers of the integration tests: Postfix (SMTP) delivering into Dovecot (IMAP)
//! on loopback, run by `scripts/mailtest.sh` (see its header for ports and special domains).
//!
//! `servers()` starts them once per test process (the script is a no-op when they already run, and
//! takes a lock, so parallel test binaries share one instance). When Postfix or Dovecot is not
//! installed, it panics saying what to run: a test that needs a server fails, never passes.
//!
//! Each test makes its own addresses (`unique_address`) instead of resetting the servers.
//! Special recipient domains: `reject.example` (550 at RCPT TO), `tempfail.example` (450 at RCPT TO),
//! `nouser.example` (accepted, then a real DSN bounces back to the envelope sender's INBOX).

// Every test binary uses a different part of the harness.
#![allow(dead_code)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::OnceLock;
use std::time::Duration;

use foi::net::imap::{self, ImapSettings};
use foi::net::TlsMode;

/// Every address logs in to Dovecot with this password.
pub const PASSWORD: &str = "secret";
/// A permanent failure at RCPT TO (550 5.1.1) for any address in this domain.
pub const REJECT_DOMAIN: &str = "reject.example";
/// A temporary failure at RCPT TO (450 4.2.0) for any address in this domain.
pub const TEMPFAIL_DOMAIN: &str = "tempfail.example";
/// Accepted, then bounced: Postfix sends a DSN to the envelope sender.
pub const NOUSER_DOMAIN: &str = "nouser.example";

const INSTALL_HINT: &str = "run `scripts/mailtest.sh install` as root \
    (or: apt-get install dovecot-imapd dovecot-lmtpd postfix openssl)";

/// Where the test servers listen. SMTP ports accept any sender and recipient from loopback
/// (AUTH optional, STARTTLS offered on `smtp_port`, implicit TLS on `smtps_port`).
#[derive(Debug, Clone)]
pub struct MailServers {
    pub smtp_host: String,
    pub smtp_port: u16,
    pub smtps_port: u16,
    /// A Postfix listener that answers every recipient with 450 (try again later).
    pub defer_port: u16,
    /// A Postfix listener that does not offer PIPELINING (one command at a time).
    pub nopipe_port: u16,
    pub imap_host: String,
    pub imap_port: u16,
    pub imaps_port: u16,
    /// The test CA (PEM) that signs both servers' certificate, for `localhost` and `127.0.0.1`.
    pub ca_cert: PathBuf,
    /// `$MAILTEST_DIR`: configs, mailboxes and logs (`postfix/maillog`, `dovecot/dovecot.log`).
    pub dir: PathBuf,
    /// The local OAuth2 identity provider (`scripts/mailtest-idp.py`), when python3 runs it.
    pub idp_url: Option<String>,
}

/// The running test servers, started on first use in this process.
pub fn servers() -> &'static MailServers {
    static SERVERS: OnceLock<MailServers> = OnceLock::new();
    SERVERS.get_or_init(|| {
        require_installed();
        // Always ask the script: its `start` is the health check (ports answer, our daemons, current
        // config) and does nothing when all is well, under a lock shared by every test process.
        run_script("start");
        MailServers::from_env(&run_script("env"))
    })
}

fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/mailtest.sh")
}

fn require_installed() {
    let found = |name: &str| {
        let path = std::env::var_os("PATH").unwrap_or_default();
        std::env::split_paths(&path)
            .chain(["/usr/sbin".into(), "/sbin".into()])
            .any(|dir| dir.join(name).is_file())
    };
    let missing: Vec<&str> = ["dovecot", "postfix"]
        .into_iter()
        .filter(|name| !found(name))
        .collect();
    assert!(
        missing.is_empty(),
        "these tests need real mail servers, and {} not installed: {INSTALL_HINT}",
        missing.join(" and ") + if missing.len() == 1 { " is" } else { " are" }
    );
}

fn run_script(arg: &str) -> String {
    let script = script();
    let out = Command::new(&script)
        .arg(arg)
        .output()
        .unwrap_or_else(|e| panic!("cannot run `{} {arg}`: {e}", script.display()));
    assert!(
        out.status.success(),
        "`{} {arg}` failed ({}); if the servers are not installed, {INSTALL_HINT}:\n{}",
        script.display(),
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("the script prints UTF-8")
}

impl MailServers {
    /// From the `export K=V ...` lines of `scripts/mailtest.sh env`.
    fn from_env(exports: &str) -> Self {
        let vars: HashMap<&str, &str> = exports
            .split_whitespace()
            .filter_map(|word| word.split_once('='))
            .collect();
        let var = |key: &str| -> &str {
            vars.get(key)
                .unwrap_or_else(|| panic!("`mailtest.sh env` printed no {key}:\n{exports}"))
        };
        let port = |key: &str| -> u16 {
            var(key)
                .parse()
                .unwrap_or_else(|e| panic!("{key} is not a port: {e}"))
        };
        MailServers {
            smtp_host: var("MAILTEST_SMTP_HOST").to_owned(),
            smtp_port: port("MAILTEST_SMTP_PORT"),
            smtps_port: port("MAILTEST_SMTPS_PORT"),
            defer_port: port("MAILTEST_DEFER_PORT"),
            nopipe_port: port("MAILTEST_NOPIPE_PORT"),
            imap_host: var("MAILTEST_IMAP_HOST").to_owned(),
            imap_port: port("MAILTEST_IMAP_PORT"),
            imaps_port: port("MAILTEST_IMAPS_PORT"),
            ca_cert: var("MAILTEST_CA_CERT").into(),
            dir: var("MAILTEST_DIR").into(),
            idp_url: vars.get("MAILTEST_IDP_URL").map(|u| (*u).to_owned()),
        }
    }

    /// The base URL of the local OAuth2 identity provider; panics saying what to install when
    /// it does not run (the script starts it only where python3 is found).
    pub fn idp(&self) -> &str {
        self.idp_url.as_deref().unwrap_or_else(|| {
            panic!(
                "the OAuth2 tests need the local identity provider scripts/mailtest-idp.py, which \
                 needs python3: apt-get install python3, then `scripts/mailtest.sh start`"
            )
        })
    }

    /// A fresh address in `domain`, never handed out before (process id, a counter and the time:
    /// mailboxes outlive the servers and the test run). `tag` says which test made it.
    pub fn unique_address(&self, tag: &str, domain: &str) -> String {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        #[allow(
            clippy::disallowed_methods,
            reason = "unique names across runs, not domain time"
        )]
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("the clock is after 1970")
            .as_nanos();
        let local = format!("{tag}-{}-{n}-{nanos:x}", std::process::id());
        assert!(
            local.len() <= 64 && !local.contains(['@', '+', ' ']),
            "unique_address: tag {tag:?} makes an invalid local part {local:?}"
        );
        format!("{local}@{domain}")
    }

    /// Login for the mailbox that receives `address`: plain IMAP on loopback, password "secret".
    /// A `+tag` is dropped, as delivery does: `foi+TOKEN@example.org` reads `foi@example.org`.
    pub fn imap_settings_for(&self, address: &str) -> ImapSettings {
        ImapSettings {
            host: self.imap_host.clone(),
            port: self.imap_port,
            tls: TlsMode::None,
            username: mailbox_of(address),
            password: PASSWORD.into(),
            oauth: None,
            ca_cert: Some(self.ca_cert.clone()),
            timeout: Duration::from_secs(10),
        }
    }

    /// Every raw message in the INBOX that receives `address`, oldest first.
    pub async fn inbox(&self, address: &str) -> Vec<Vec<u8>> {
        let mut session = self.login(address).await;
        let messages = imap::fetch_all_raw(&mut session, "INBOX")
            .await
            .unwrap_or_else(|e| panic!("reading the INBOX of {address}: {e:?}"));
        session.logout().await.ok();
        messages.into_iter().map(|(_uid, raw)| raw).collect()
    }

    /// Waits until the INBOX that receives `address` holds at least `n` messages, then returns all of
    /// them, oldest first. Panics after `timeout`, saying how many arrived and where the logs are.
    pub async fn wait_for_messages(
        &self,
        address: &str,
        n: usize,
        timeout: Duration,
    ) -> Vec<Vec<u8>> {
        let mut session = self.login(address).await;
        let mut count = 0;
        let arrived = tokio::time::timeout(timeout, async {
            loop {
                // EXAMINE again to see the current count (read-only: leaves \Recent alone).
                count = session
                    .examine("INBOX")
                    .await
                    .unwrap_or_else(|e| panic!("EXAMINE INBOX of {address}: {e:?}"))
                    .exists as usize;
                if count >= n {
                    return;
                }
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        })
        .await;
        assert!(
            arrived.is_ok(),
            "waited {timeout:?} for {n} message(s) in the INBOX of {address}, found {count}; \
             see {}/postfix/maillog and {}/dovecot/dovecot.log",
            self.dir.display(),
            self.dir.display()
        );
        let messages = imap::fetch_all_raw(&mut session, "INBOX")
            .await
            .unwrap_or_else(|e| panic!("reading the INBOX of {address}: {e:?}"));
        session.logout().await.ok();
        messages.into_iter().map(|(_uid, raw)| raw).collect()
    }

    /// Waits until Postfix's queue holds nothing for `addresses`: every email handed to it
    /// for them is delivered (or bounced), so their INBOXes hold all they will get; a
    /// duplicate the sender handed over would be there by then. Polls `postqueue -j` with
    /// a bound; panics after `timeout`.
    pub fn wait_until_delivered(&self, addresses: &[&str], timeout: Duration) {
        let wanted: Vec<String> = addresses.iter().map(|a| a.to_lowercase()).collect();
        let deadline = std::time::Instant::now() + timeout;
        let postqueue = ["/usr/sbin/postqueue", "/usr/bin/postqueue"]
            .into_iter()
            .find(|p| Path::new(p).is_file())
            .unwrap_or_else(|| panic!("postqueue is missing: {INSTALL_HINT}"));
        loop {
            let out = Command::new(postqueue)
                .arg("-c")
                .arg(self.dir.join("postfix/etc"))
                .arg("-j")
                .output()
                .unwrap_or_else(|e| panic!("cannot run postqueue: {e}"));
            let queued: Vec<String> = String::from_utf8_lossy(&out.stdout)
                .lines()
                .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
                .flat_map(|m| {
                    m["recipients"]
                        .as_array()
                        .cloned()
                        .unwrap_or_default()
                        .into_iter()
                        .filter_map(|r| r["address"].as_str().map(str::to_lowercase))
                })
                .filter(|a| wanted.contains(a))
                .collect();
            if out.status.success() && queued.is_empty() {
                return;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "Postfix still holds mail for {queued:?} after {timeout:?}; see {}/postfix/maillog",
                self.dir.display()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    async fn login(&self, address: &str) -> imap::ImapSession {
        imap::connect(&self.imap_settings_for(address))
            .await
            .unwrap_or_else(|e| panic!("IMAP login as {address} on the test server: {e:?}"))
    }
}

/// `local+tag@domain` -> `local@domain`: the mailbox Postfix and Dovecot deliver to.
fn mailbox_of(address: &str) -> String {
    match address.split_once('@') {
        Some((local, domain)) => {
            let base = local.split_once('+').map_or(local, |(base, _tag)| base);
            format!("{base}@{domain}")
        }
        None => address.to_owned(),
    }
}

/// Postfix's own `smtp-sink`, on a free loopback port with the test's options (e.g. `-q .`:
/// hang up without answering after the message), for faults the test Postfix cannot make.
/// Stopped when dropped.
pub struct SmtpSink {
    child: std::process::Child,
    pub port: u16,
}

impl SmtpSink {
    pub fn start(options: &[&str]) -> Self {
        let path = std::env::var_os("PATH").unwrap_or_default();
        let bin = std::env::split_paths(&path)
            .chain(["/usr/sbin".into(), "/sbin".into()])
            .map(|dir| dir.join("smtp-sink"))
            .find(|p| p.is_file())
            .unwrap_or_else(|| panic!("this test needs Postfix's smtp-sink: {INSTALL_HINT}"));
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free loopback port")
            .port();
        let root = std::fs::read_to_string("/proc/self/status").is_ok_and(|s| {
            s.lines()
                .any(|l| l.starts_with("Uid:") && l.split_whitespace().nth(1) == Some("0"))
        });
        let mut cmd = Command::new(&bin);
        if root {
            // (it will not keep super-user rights)
            cmd.args(["-u", "postfix"]);
        }
        let child = cmd
            .args(options)
            .arg(format!("127.0.0.1:{port}"))
            .arg("16")
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", bin.display()));
        let sink = SmtpSink { child, port };
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                std::time::Instant::now() < deadline,
                "smtp-sink did not listen on port {port}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        sink
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
