//! The dashboard in a real headless Chromium: `foi serve` on a free loopback port over a
//! seeded store, driven through the Chrome DevTools Protocol (a small websocket client
//! below). The browser signs in through the form, opens the overdue list and a case,
//! attaches a triage email to a case and codes an answer by filling and submitting the
//! real forms, filters the Cases page and records an event on a case; each page is
//! screenshotted and the PNG checked (valid, the window's size,
//! not blank). Screenshots are kept in `target/tmp/browser-screenshots/` to look at.
//!
//! Needs Chromium (`apt-get install chromium`); without it the test fails and says so.

use crate::web::{seeded, PASSWORD, WEB_NOW};
use base64::Engine;
use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const WIDTH: u64 = 1280;
const HEIGHT: u64 = 900;

/// Kills a child process when the test ends, however it ends.
struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn chromium() -> String {
    for name in ["chromium", "chromium-browser", "google-chrome"] {
        if Command::new(name)
            .arg("--version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
        {
            return name.to_string();
        }
    }
    panic!(
        "Chromium is not installed: install it (apt-get install chromium) to run the browser tests"
    );
}

/// Read lines from `from` until one contains `marker`; return the text after it.
fn wait_for_line(from: impl Read, marker: &str, what: &str) -> String {
    let mut lines = BufReader::new(from).lines();
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        match lines.next() {
            Some(Ok(line)) => {
                if let Some(at) = line.find(marker) {
                    return line[at + marker.len()..].trim().to_string();
                }
            }
            _ => break,
        }
    }
    panic!("{what} did not start (no '{marker}' line)");
}

/// A minimal websocket client (RFC 6455): text frames, masked from the client,
/// continuation frames joined.
struct Ws {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
}

impl Ws {
    fn connect(url: &str) -> Self {
        let rest = url.strip_prefix("ws://").expect("a ws:// URL");
        let (host, path) = rest.split_at(rest.find('/').unwrap());
        let stream = TcpStream::connect(host).expect("connect to the browser");
        stream
            .set_read_timeout(Some(Duration::from_secs(60)))
            .unwrap();
        let mut writer = stream.try_clone().unwrap();
        write!(
            writer,
            "GET {path} HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
        )
        .unwrap();
        let mut reader = BufReader::new(stream);
        let mut status = String::new();
        reader.read_line(&mut status).unwrap();
        assert!(status.contains(" 101 "), "websocket refused: {status}");
        loop {
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            if line == "\r\n" {
                break;
            }
        }
        Self { reader, writer }
    }

    fn send(&mut self, text: &str) {
        let payload = text.as_bytes();
        let mut frame = vec![0x81u8];
        match payload.len() {
            n if n < 126 => frame.push(0x80 | n as u8),
            n if n < 65536 => {
                frame.push(0x80 | 126);
                frame.extend_from_slice(&(n as u16).to_be_bytes());
            }
            n => {
                frame.push(0x80 | 127);
                frame.extend_from_slice(&(n as u64).to_be_bytes());
            }
        }
        let mask = [0x37u8, 0xfa, 0x21, 0x3d];
        frame.extend_from_slice(&mask);
        frame.extend(payload.iter().enumerate().map(|(i, b)| b ^ mask[i % 4]));
        self.writer.write_all(&frame).unwrap();
    }

    fn recv(&mut self) -> String {
        let mut message = Vec::new();
        loop {
            let mut head = [0u8; 2];
            self.reader
                .read_exact(&mut head)
                .expect("read from the browser");
            let fin = head[0] & 0x80 != 0;
            let opcode = head[0] & 0x0f;
            let mut len = (head[1] & 0x7f) as u64;
            if len == 126 {
                let mut b = [0u8; 2];
                self.reader.read_exact(&mut b).unwrap();
                len = u16::from_be_bytes(b) as u64;
            } else if len == 127 {
                let mut b = [0u8; 8];
                self.reader.read_exact(&mut b).unwrap();
                len = u64::from_be_bytes(b);
            }
            let mut payload = vec![0u8; len as usize];
            self.reader.read_exact(&mut payload).unwrap();
            match opcode {
                0x8 => panic!("the browser closed the connection"),
                0x9 | 0xA => continue,
                _ => message.extend_from_slice(&payload),
            }
            if fin {
                return String::from_utf8(message).expect("utf-8 message");
            }
        }
    }
}

/// One page in the browser, over the DevTools protocol.
struct Browser {
    ws: Ws,
    session: String,
    next_id: u64,
    shots: PathBuf,
    _process: Killed,
    _profile: tempfile::TempDir,
}

impl Browser {
    fn start() -> Self {
        let profile = tempfile::tempdir().unwrap();
        let mut child = Command::new(chromium())
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--no-first-run",
                "--hide-scrollbars",
                "--remote-debugging-port=0",
                &format!("--window-size={WIDTH},{HEIGHT}"),
                &format!("--user-data-dir={}", profile.path().display()),
                "about:blank",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start chromium");
        let stderr = child.stderr.take().unwrap();
        let process = Killed(child);
        let url = wait_for_line(stderr, "DevTools listening on ", "Chromium");
        let mut b = Self {
            ws: Ws::connect(&url),
            session: String::new(),
            next_id: 0,
            shots: Path::new(env!("CARGO_TARGET_TMPDIR")).join("browser-screenshots"),
            _process: process,
            _profile: profile,
        };
        let target = b.call("Target.createTarget", json!({"url": "about:blank"}));
        let target_id = target["targetId"].as_str().unwrap().to_string();
        let attached = b.call(
            "Target.attachToTarget",
            json!({"targetId": target_id, "flatten": true}),
        );
        b.session = attached["sessionId"].as_str().unwrap().to_string();
        b.call(
            "Emulation.setDeviceMetricsOverride",
            json!({"width": WIDTH, "height": HEIGHT, "deviceScaleFactor": 1, "mobile": false}),
        );
        b.call("Page.enable", json!({}));
        std::fs::create_dir_all(&b.shots).unwrap();
        b
    }

    fn call(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        let mut msg = json!({"id": id, "method": method, "params": params});
        if !self.session.is_empty() {
            msg["sessionId"] = json!(self.session);
        }
        self.ws.send(&msg.to_string());
        loop {
            let reply: Value = serde_json::from_str(&self.ws.recv()).unwrap();
            if reply["id"] == json!(id) {
                assert!(reply.get("error").is_none(), "{method}: {reply}");
                return reply["result"].clone();
            }
        }
    }

    /// Evaluate JavaScript in the page (DevTools is not bound by the page's CSP, which
    /// forbids every script of the page itself).
    fn eval(&mut self, js: &str) -> Value {
        let r = self.call(
            "Runtime.evaluate",
            json!({"expression": js, "returnByValue": true}),
        );
        assert!(r.get("exceptionDetails").is_none(), "{js}: {r}");
        r["result"]["value"].clone()
    }

    /// Wait (bounded) until the page at a URL containing `part` has loaded.
    fn wait_loaded(&mut self, part: &str) {
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            let state = self.eval("[document.readyState, location.href]");
            if state[0] == "complete" && state[1].as_str().unwrap_or("").contains(part) {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let at = self.eval("location.href");
        panic!("the page {part} did not load (the browser is at {at})");
    }

    fn open(&mut self, url: &str) {
        self.open_to(url, url);
    }

    /// Open `url`, which leads (perhaps redirected) to a URL containing `lands`.
    fn open_to(&mut self, url: &str, lands: &str) {
        self.call("Page.navigate", json!({"url": url}));
        self.wait_loaded(lands);
    }

    /// Submit a form by clicking its button, and wait for the page it leads to.
    fn click_and_wait(&mut self, selector: &str, then: &str) {
        let clicked = self.eval(&format!(
            "(() => {{ const b = document.querySelector({selector:?}); if (!b) return false; b.click(); return true; }})()"
        ));
        assert_eq!(clicked, json!(true), "no {selector} on the page");
        // The old page may still report itself complete: wait for the URL to change too.
        self.wait_loaded(then);
    }

    fn text(&mut self) -> String {
        self.eval("document.body.innerText")
            .as_str()
            .unwrap()
            .to_string()
    }

    /// A screenshot of the window, checked and kept.
    fn screenshot(&mut self, name: &str) -> PathBuf {
        let r = self.call("Page.captureScreenshot", json!({"format": "png"}));
        let png = base64::engine::general_purpose::STANDARD
            .decode(r["data"].as_str().unwrap())
            .unwrap();
        check_png(&png, name);
        let path = self.shots.join(format!("{name}.png"));
        std::fs::write(&path, &png).unwrap();
        path
    }
}

/// A valid PNG of the window's size that is not blank: its signature and IHDR, its image
/// data inflates, and the pixels are not one flat colour.
fn check_png(png: &[u8], name: &str) {
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "{name}: not a PNG");
    assert_eq!(&png[12..16], b"IHDR", "{name}: no IHDR");
    let width = u32::from_be_bytes(png[16..20].try_into().unwrap()) as u64;
    let height = u32::from_be_bytes(png[20..24].try_into().unwrap()) as u64;
    assert_eq!((width, height), (WIDTH, HEIGHT), "{name}: size");
    let mut idat = Vec::new();
    let mut at = 8;
    while at + 8 <= png.len() {
        let len = u32::from_be_bytes(png[at..at + 4].try_into().unwrap()) as usize;
        if &png[at + 4..at + 8] == b"IDAT" {
            idat.extend_from_slice(&png[at + 8..at + 8 + len]);
        }
        at += 12 + len;
    }
    let mut raw = Vec::new();
    flate2::read::ZlibDecoder::new(&idat[..])
        .read_to_end(&mut raw)
        .unwrap_or_else(|e| panic!("{name}: image data does not inflate: {e}"));
    let bpp = (raw.len() as u64 / height - 1) / width;
    assert!(bpp == 3 || bpp == 4, "{name}: {bpp} bytes a pixel");
    // Undo the scanline filters, then count the colours: a blank page has one or two,
    // text and tables have hundreds (anti-aliasing).
    let stride = (width * bpp) as usize;
    let bpp = bpp as usize;
    let mut prev = vec![0u8; stride];
    let mut colours = std::collections::HashSet::new();
    for row in raw.chunks(stride + 1) {
        let (filter, data) = (row[0], &row[1..]);
        let mut cur = vec![0u8; stride];
        for i in 0..stride {
            let a = if i >= bpp { cur[i - bpp] as i16 } else { 0 };
            let b = prev[i] as i16;
            let c = if i >= bpp { prev[i - bpp] as i16 } else { 0 };
            let x = data[i];
            cur[i] = match filter {
                0 => x,
                1 => x.wrapping_add(a as u8),
                2 => x.wrapping_add(b as u8),
                3 => x.wrapping_add(((a + b) / 2) as u8),
                4 => {
                    let p = a + b - c;
                    let (pa, pb, pc) = ((p - a).abs(), (p - b).abs(), (p - c).abs());
                    let pred = if pa <= pb && pa <= pc {
                        a
                    } else if pb <= pc {
                        b
                    } else {
                        c
                    };
                    x.wrapping_add(pred as u8)
                }
                f => panic!("{name}: bad filter {f}"),
            };
        }
        for px in cur.chunks(bpp) {
            colours.insert(px[..3].to_vec());
        }
        prev = cur;
    }
    assert!(
        colours.len() > 50,
        "{name}: the screenshot looks blank ({} colours)",
        colours.len()
    );
}

/// `foi serve` on a free loopback port; returns its base URL.
fn serve(w: &crate::support::Workdir) -> (Killed, String) {
    let mut child = w.spawn(
        &["serve", "--bind", "127.0.0.1:0"],
        &[("FOI_NOW", WEB_NOW)],
        true,
    );
    let stderr = child.stderr.take().unwrap();
    let server = Killed(child);
    let rest = wait_for_line(stderr, "dashboard on ", "foi serve");
    let url = rest
        .split_whitespace()
        .next()
        .unwrap()
        .trim_end_matches('/');
    (server, url.to_string())
}

#[test]
fn staff_work_through_the_dashboard_in_chromium() {
    let w = seeded();
    let (_server, base) = serve(&w);
    let mut b = Browser::start();

    // Signing in: the real form, typed into and submitted.
    b.open_to(&format!("{base}/overdue"), "/login?next=%2Foverdue");
    b.screenshot("01-login");
    b.eval(&format!(
        "document.querySelector('input[name=user]').value = 'sam'; document.querySelector('input[name=password]').value = {PASSWORD:?}; true"
    ));
    b.click_and_wait("form[action='/login'] button[type=submit]", "/overdue");

    // The overdue list.
    let text = b.text();
    assert!(text.contains("Overdue"), "{text}");
    for r in ["POL-0002", "POL-0003", "POL-0007"] {
        assert!(
            text.contains(r),
            "{r} missing from the overdue list:\n{text}"
        );
    }
    assert_eq!(
        b.eval("document.querySelectorAll('script').length"),
        json!(0)
    );
    // The stylesheet loaded under the page's policy (the header's colour is its).
    assert_eq!(
        b.eval("getComputedStyle(document.querySelector('header.top')).backgroundColor"),
        json!("rgb(22, 36, 58)")
    );
    b.screenshot("02-overdue");

    // A case with a hostile reply: shown, inert.
    b.open(&format!("{base}/cases/POL-0001"));
    let text = b.text();
    assert!(text.contains("12 cameras"), "{text}");
    assert!(
        text.contains("Received (day 0)"),
        "the deadline box: {text}"
    );
    assert_eq!(
        b.eval("document.querySelectorAll('script, iframe, [onerror], [onclick], a[href^=javascript]').length"),
        json!(0)
    );
    b.screenshot("03-case-hostile-reply");

    // Search: the hostile reply is a hit, its match marked, its text inert.
    b.open(&format!("{base}/search?q=cameras"));
    let text = b.text();
    assert!(text.contains("POL-0001"), "{text}");
    assert!(
        text.contains("<script>alert('text')</script>"),
        "as text: {text}"
    );
    assert_eq!(
        b.eval("document.querySelectorAll('td.snippet mark').length > 0"),
        json!(true)
    );
    assert_eq!(
        b.eval("document.querySelectorAll('script, [onerror], [onclick]').length"),
        json!(0)
    );
    b.screenshot("10-search");

    // Triage: attach the unmatched email to POL-0004 through its form.
    b.open(&format!("{base}/triage"));
    assert!(b.text().contains("Our reply about cameras"));
    b.screenshot("04-triage");
    b.eval("document.querySelector('form.attach input[name=references]').value = 'POL-0004'; true");
    b.click_and_wait("form.attach button[type=submit]", "/triage?ok=attached");
    assert!(b.text().contains("attached"));
    assert!(!b.text().contains("Our reply about cameras"));

    // The case now holds it; code two answers through the answers form.
    b.open(&format!("{base}/cases/POL-0004"));
    assert!(b.text().contains("Our reply about cameras"));
    b.eval(
        "document.querySelector('select[name=\"answer.uses_hikvision_or_dahua\"]').value = 'yes';
         document.querySelector('input[name=\"answer.camera_count\"]').value = '12'; true",
    );
    b.click_and_wait("form.answers button[type=submit]", "ok=answers");
    assert!(b.text().contains("Answers saved."), "{}", b.text());
    assert_eq!(
        b.eval("document.querySelector('input[name=\"answer.camera_count\"]').value"),
        json!("12")
    );
    b.screenshot("05-case-answered");
    let a = crate::answers::confirmed(&w, "POL-0004");
    assert_eq!(a["camera_count"], "12");
    assert_eq!(a["uses_hikvision_or_dahua"], "yes");

    // Reply from a case through its form: a template with our words, previewed, queued.
    b.open(&format!("{base}/cases/POL-0003"));
    b.eval(
        "document.querySelector('form.reply select[name=template]').value = 'internal-review';
         document.querySelector('form.reply textarea[name=text]').value = 'Section 31 was applied without a public interest test.'; true",
    );
    b.click_and_wait("form.reply button[type=submit]", "/cases/POL-0003/reply");
    let text = b.text();
    assert!(
        text.contains("Request for internal review [POL-0003]"),
        "{text}"
    );
    assert!(text.contains("without a public interest test"), "{text}");
    b.screenshot("08-reply-preview");
    b.click_and_wait(
        "form[action='/cases/POL-0003/reply'] button[type=submit]",
        "ok=replied",
    );
    assert!(b.text().contains("The reply was queued"), "{}", b.text());

    // Resend the request of another case to a corrected address.
    b.open(&format!("{base}/cases/POL-0005"));
    b.eval("document.querySelector('form[action=\"/cases/POL-0005/resend\"] input[name=to]').value = 'foi@corrected-force.example'; true");
    b.click_and_wait(
        "form[action='/cases/POL-0005/resend'] button[type=submit]",
        "ok=resent",
    );
    assert!(
        b.text().contains("foi@corrected-force.example"),
        "{}",
        b.text()
    );
    let outbox = w.json(["outbox", "--json"]);
    let queued: Vec<(&str, &str)> = outbox
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["state"] == "queued")
        .map(|o| {
            (
                o["reference"].as_str().unwrap(),
                o["kind"].as_str().unwrap(),
            )
        })
        .collect();
    assert!(
        queued.contains(&("POL-0003", "reply:internal_review")),
        "{queued:?}"
    );
    assert!(queued.contains(&("POL-0005", "request")), "{queued:?}");

    // A case to submit by hand: listed with its text, its submission recorded by the form.
    w.ok([
        "case",
        "channel",
        "POL-0006",
        "portal",
        "--note",
        "https://force.example/foi",
    ]);
    b.open(&format!("{base}/by-hand"));
    assert!(
        b.text().contains("https://force.example/foi"),
        "{}",
        b.text()
    );
    b.screenshot("09-by-hand");
    b.eval("document.querySelector('form[action=\"/cases/POL-0006/submitted\"] input[name=date]').value = '2026-04-14'; true");
    b.click_and_wait(
        "form[action='/cases/POL-0006/submitted'] button[type=submit]",
        "ok=submitted",
    );
    assert!(
        b.text().contains("Nothing to submit by hand"),
        "{}",
        b.text()
    );
    assert_eq!(
        w.json(["case", "deadline", "POL-0006", "--json"])["received"],
        "2026-04-14"
    );

    // The campaigns page and the report render their charts.
    b.open(&format!("{base}/campaigns"));
    assert_eq!(
        b.eval("document.querySelectorAll('svg').length > 0"),
        json!(true)
    );
    b.screenshot("06-campaigns");
    b.open(&format!("{base}/report/c"));
    // The framed report document: loaded, with its inline stylesheet allowed by hash.
    let deadline = Instant::now() + Duration::from_secs(30);
    let framed = "(() => { const d = document.querySelector('iframe.report').contentDocument; return d && d.readyState === 'complete' && d.querySelector('svg') !== null ? getComputedStyle(d.body).backgroundColor : null; })()";
    while b.eval(framed).is_null() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(
        b.eval(framed),
        json!("rgb(246, 247, 249)"),
        "the report's own style"
    );
    b.screenshot("07-report");

    // The Cases page: every case, filtered through its form, and on to a case whose event
    // form records what the body said.
    b.open(&format!("{base}/cases"));
    let text = b.text();
    for n in 1..=7 {
        assert!(text.contains(&format!("POL-000{n}")), "{text}");
    }
    b.eval(
        "document.querySelector('form.cases-filters input[name=body]').value = 'southmere'; true",
    );
    b.click_and_wait("form.cases-filters button[type=submit]", "body=southmere");
    assert_eq!(
        b.eval(
            "Array.from(document.querySelectorAll('table.cases tbody a')).map(a => a.textContent)"
        ),
        json!(["POL-0007"])
    );
    b.screenshot("10-cases-filtered");
    b.click_and_wait("table.cases a[href='/cases/POL-0007']", "/cases/POL-0007");
    b.eval(
        "document.querySelector('form.event select[name=kind]').value = 'not_held';
         document.querySelector('form.event input[name=date]').value = '2026-04-10';
         document.querySelector('form.event input[name=note]').value = 'They hold no such information.'; true",
    );
    b.click_and_wait("form.event button[type=submit]", "ok=event");
    let text = b.text();
    assert!(text.contains("Event recorded"), "{text}");
    assert!(text.contains("ended on 2026-04-10"), "{text}");
    assert!(text.contains("They hold no such information."), "{text}");
    b.screenshot("11-case-event");
    assert_eq!(
        w.json(["case", "show", "POL-0007", "--json"])["case"]["status"],
        "not_held"
    );
}
