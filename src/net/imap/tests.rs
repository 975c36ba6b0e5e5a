//! Against the loopback Dovecot of `scripts/mailtest.sh`, started here when it is not running.
//! (Integration tests use `tests/support/mail.rs`, which needs the crate from outside.)

use super::*;
use std::collections::HashMap;
use std::path::Path;
use std::process::Command;
use std::sync::OnceLock;

struct Dovecot {
    host: String,
    imap_port: u16,
    imaps_port: u16,
    ca_cert: PathBuf,
}

/// Runs `scripts/mailtest.sh start` once per process (a no-op when the servers already run);
/// fails the test, saying what to run, when the servers cannot start.
fn dovecot() -> &'static Dovecot {
    static SERVERS: OnceLock<Dovecot> = OnceLock::new();
    SERVERS.get_or_init(|| {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/mailtest.sh");
        let run = |arg: &str| {
            let out = Command::new(&script)
                .arg(arg)
                .output()
                .unwrap_or_else(|e| panic!("cannot run {} {arg}: {e}", script.display()));
            assert!(
                out.status.success(),
                "{} {arg} failed (install the servers with `scripts/mailtest.sh install`):\n{}",
                script.display(),
                String::from_utf8_lossy(&out.stderr)
            );
            String::from_utf8(out.stdout).expect("utf-8 output")
        };
        run("start");
        let env: HashMap<String, String> = run("env")
            .split_whitespace()
            .filter_map(|word| word.split_once('='))
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        let port = |k: &str| env[k].parse().expect("a port number");
        Dovecot {
            host: env["MAILTEST_IMAP_HOST"].clone(),
            imap_port: port("MAILTEST_IMAP_PORT"),
            imaps_port: port("MAILTEST_IMAPS_PORT"),
            ca_cert: env["MAILTEST_CA_CERT"].clone().into(),
        }
    })
}

fn settings(tls: TlsMode, username: &str, password: &str) -> ImapSettings {
    let d = dovecot();
    ImapSettings {
        host: d.host.clone(),
        port: if tls == TlsMode::Implicit {
            d.imaps_port
        } else {
            d.imap_port
        },
        tls,
        username: username.to_owned(),
        password: password.into(),
        oauth: None,
        ca_cert: Some(d.ca_cert.clone()),
        timeout: Duration::from_secs(10),
    }
}

/// An address of its own for each test, unique across runs (mailboxes outlive the servers).
fn unique_user(tag: &str) -> String {
    static COUNTER: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    #[allow(clippy::disallowed_methods, reason = "unique names, not domain time")]
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("net-{tag}-{}-{n}-{nanos}@example.org", std::process::id())
}

async fn login_ok(tls: TlsMode) {
    let mut session = connect(&settings(tls, &unique_user("login"), "secret"))
        .await
        .unwrap_or_else(|e| panic!("login with tls={tls}: {e:?}"));
    assert_eq!(select(&mut session, "INBOX").await.unwrap().exists, 0);
    let stream: &ImapStream = session.as_mut();
    let expected = if tls == TlsMode::None { "plain" } else { "tls" };
    assert_eq!(stream.to_string(), expected);
    session.logout().await.unwrap();
}

#[tokio::test]
async fn login_without_tls() {
    login_ok(TlsMode::None).await;
}

#[tokio::test]
async fn login_with_starttls_and_the_test_ca() {
    login_ok(TlsMode::Starttls).await;
}

#[tokio::test]
async fn login_with_implicit_tls_and_the_test_ca() {
    login_ok(TlsMode::Implicit).await;
}

#[tokio::test]
async fn a_wrong_password_is_an_auth_error_that_does_not_show_it() {
    let settings = settings(TlsMode::Starttls, &unique_user("auth"), "not-the-password");
    let err = connect(&settings).await.expect_err("wrong password");
    assert!(matches!(err, ImapError::Auth { .. }), "{err:?}");
    let shown = format!("{err} {err:?} {settings:?}");
    assert!(shown.contains("password env variable"), "{shown}");
    assert!(!shown.contains("not-the-password"), "{shown}");
}

#[tokio::test]
async fn a_closed_port_is_unreachable() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener); // the port is now (almost certainly) closed
    let mut settings = settings(TlsMode::None, "nobody@example.org", "secret");
    settings.port = port;
    let err = connect(&settings).await.expect_err("closed port");
    assert!(matches!(err, ImapError::Unreachable { .. }), "{err:?}");
    assert!(err.to_string().contains("check the host and port"), "{err}");
}

#[tokio::test]
async fn without_the_test_ca_the_certificate_is_refused() {
    let mut settings = settings(TlsMode::Implicit, &unique_user("noca"), "secret");
    settings.ca_cert = None;
    let err = connect(&settings).await.expect_err("unknown issuer");
    assert!(matches!(err, ImapError::Tls { .. }), "{err:?}");
    let chain = format!("{:?}", std::error::Error::source(&err));
    assert!(chain.contains("UnknownIssuer"), "{chain}");
}

#[tokio::test]
async fn tls_to_a_plain_port_and_plain_to_a_tls_port_are_tls_errors() {
    let d = dovecot();
    let mut tls_to_plain = settings(TlsMode::Implicit, &unique_user("mix"), "secret");
    tls_to_plain.port = d.imap_port;
    let err = connect(&tls_to_plain)
        .await
        .expect_err("TLS to a plain port");
    assert!(matches!(err, ImapError::Tls { .. }), "{err:?}");

    let mut plain_to_tls = settings(TlsMode::None, &unique_user("mix"), "secret");
    plain_to_tls.port = d.imaps_port;
    plain_to_tls.timeout = Duration::from_millis(300);
    let err = connect(&plain_to_tls)
        .await
        .expect_err("plain to a TLS port");
    assert!(matches!(err, ImapError::Tls { .. }), "{err:?}");
}

#[tokio::test]
async fn append_then_fetch_all_raw_returns_the_exact_bytes() {
    let user = unique_user("append");
    let mut session = connect(&settings(TlsMode::None, &user, "secret"))
        .await
        .unwrap();
    // Bytes a careless client would alter: 8-bit UTF-8, a long line, trailing spaces,
    // a line starting with a dot, and no final line break.
    let first = "From: Council <foi@council.example>\r\nTo: <foi@example.org>\r\n\
        Subject: =?utf-8?q?R=C3=A9ponse?=\r\nMessage-ID: <a1@council.example>\r\n\
        Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n\
        Caf\u{e9} \u{2014} 73 % of cameras   \r\n.dotted line\r\n"
        .to_owned()
        + &"x".repeat(900)
        + "\r\nno final newline";
    let second = b"Subject: second\r\nMessage-ID: <a2@council.example>\r\n\r\nbody\r\n";
    append(&mut session, "INBOX", first.as_bytes(), &[])
        .await
        .unwrap();
    append(&mut session, "INBOX", second, &[Flag::Seen, Flag::Flagged])
        .await
        .unwrap();

    let messages = fetch_all_raw(&mut session, "INBOX").await.unwrap();
    assert_eq!(messages.len(), 2);
    assert!(messages[0].0 < messages[1].0, "ascending UIDs");
    assert_eq!(messages[0].1, first.as_bytes());
    assert_eq!(messages[1].1, second);

    // BODY.PEEK[]: the first message is still unread.
    select(&mut session, "INBOX").await.unwrap();
    let unseen = session.uid_search("UNSEEN").await.unwrap();
    assert_eq!(unseen.into_iter().collect::<Vec<_>>(), vec![messages[0].0]);
    session.logout().await.unwrap();
}

#[tokio::test]
async fn an_empty_or_missing_folder() {
    let mut session = connect(&settings(TlsMode::None, &unique_user("empty"), "secret"))
        .await
        .unwrap();
    assert!(fetch_all_raw(&mut session, "Archive")
        .await
        .unwrap()
        .is_empty());
    let err = fetch_all_raw(&mut session, "No such folder")
        .await
        .unwrap_err();
    assert!(matches!(err, ImapError::Protocol { .. }), "{err:?}");
    assert!(err.to_string().contains("No such folder"), "{err}");
}

#[test]
fn debug_redacts_the_password() {
    let settings = ImapSettings {
        host: "imap.example.org".into(),
        port: 993,
        tls: TlsMode::Implicit,
        username: "foi@example.org".into(),
        password: "hunter2-secret".into(),
        oauth: None,
        ca_cert: None,
        timeout: ImapSettings::DEFAULT_TIMEOUT,
    };
    let shown = format!("{settings:?}");
    assert!(!shown.contains("hunter2"), "{shown}");
    assert!(shown.contains("foi@example.org"), "{shown}");
}

/// async-imap logs LOGIN (password included) at trace level through `log`.
#[test]
fn log_trace_records_are_compiled_out() {
    assert!(
        log::STATIC_MAX_LEVEL <= log::LevelFilter::Debug,
        "enable log's max_level_debug feature in Cargo.toml: async-imap logs passwords at trace"
    );
}
