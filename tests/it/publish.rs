//! `foi publish` on a fixture campaign whose replies are full of personal data: officers'
//! names (in From display names, sign-offs, after titles), direct lines, personal email
//! addresses, and a term the campaign listed. No published file holds any of them; the
//! bodies' FOI addresses and the answers are there; the figures carry the hand-computed
//! Wilson intervals; the data package passes the Frictionless validator; the site renders
//! in headless Chromium.
//!
//! | key | body | reply | uses_hikvision_or_dahua | camera_count |
//! |---|---|---|---|---|
//! | C1 | Camford Council (council) | from Sam Okafor, direct line, personal address | yes | 120 |
//! | C2 | Riverton Council (council) | from the FOI team, names Ms Jennifer Whitlock, signed Priya Raman | no | 40 |
//! | P1 | Camford Police (police) | from "Dr. Alan Birch", a mobile, the listed term | yes | |
//! | S1 | St Aidan's School (school) | none | | |
//!
//! The share answering yes, all bodies: 2 of 3 (67%). Its 95% Wilson interval by hand:
//! p = 2/3, n = 3, z = 1.959964, z² = 3.841459; denominator 1 + z²/n = 2.280486; centre
//! (p + z²/2n) / 2.280486 = 1.306910 / 2.280486 = 0.573083; half-width
//! z/2.280486 × sqrt(p(1-p)/n + z²/4n²) = 0.859444 × sqrt(0.074074 + 0.106707) = 0.365424;
//! so 20.8% to 93.9%. Councils: 1 of 2, 9.5% to 90.5%.

use crate::support::Workdir;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

const BODIES: &str = "id,name,email,tags,regime,region
C1,Camford Council,foi@camford.example,council,uk-foia,england
C2,Riverton Council,foi@riverton.example,council,uk-foia,england
P1,Camford Police,foi@camford-police.example,police,uk-foia,england
S1,St Aidan's School,office@st-aidans.example,school,uk-foia-school,england
";

const QUESTIONS: &str = r#"title = "Cameras"

[[questions]]
key = "uses_hikvision_or_dahua"
label = "Does the body use cameras made by Hikvision or Dahua?"
type = "yesno"

[[questions]]
key = "camera_count"
label = "How many CCTV cameras?"
type = "number"
"#;

/// What must appear in no published file.
const PERSONAL: &[&str] = &[
    "Okafor",
    "sam.okafor",
    "01632",
    "960123",
    "960 124",
    "Whitlock",
    "Jennifer",
    "Raman",
    "Priya",
    "Birch",
    "a.birch",
    "07700",
    "7946",
    "Nightjar",
];

fn email(from: &str, subject: &str, date: &str, body: &str) -> String {
    format!(
        "From: {from}\r\nTo: foi@example.org\r\nSubject: {subject}\r\nDate: {date}\r\nMessage-ID: <{}@body.example>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n",
        subject.len() * 7919 + body.len()
    )
}

/// The fixture campaign `cctv`, replies fetched and answers confirmed: the working folder
/// and body key -> reference.
fn fixture() -> (Workdir, HashMap<String, String>) {
    let w = Workdir::new();
    let f = w.write("bodies.csv", BODIES);
    w.ok(["bodies", "import", f.to_str().unwrap()]);
    let dir = w.campaign_dir(
        "cctv",
        "Dear {{body.name}},\n\nHow many CCTV cameras do you operate, and who makes them?\n",
    );
    w.write("cctv/campaign.toml", QUESTIONS);
    w.ok([
        "campaign",
        "create",
        "cctv",
        "--template",
        &dir,
        "--select",
        "all",
        "--reference-prefix",
        "CCTV",
    ]);
    w.ok(["campaign", "launch", "cctv"]);
    assert!(w.ok(["send"]).starts_with("sent 4,"));
    let refs: HashMap<String, String> = w
        .json(["cases", "list", "--json"])
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["body_key"].as_str().unwrap().to_string(),
                c["reference"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let r = |k: &str| refs[k].clone();
    w.write(
        "maildir/new/c1.eml",
        email(
            "Sam Okafor <sam.okafor@camford.example>",
            &format!("Your request [{}]", r("C1")),
            "Fri, 20 Mar 2026 11:00:00 +0000",
            "Dear Requester,\r\n\r\nWe operate 120 cameras, made by Hikvision. If you have \
             questions, ring me on 01632 960123 or write to sam.okafor@camford.example; \
             requests go to foi@camford.example as before.\r\n\r\nKind regards,\r\n\r\n\
             Sam Okafor\r\nInformation Governance Officer\r\nDirect line: 01632 960 124",
        ),
    );
    w.write(
        "maildir/new/c2.eml",
        email(
            "Riverton Council FOI Team <foi@riverton.example>",
            &format!("FOI response [{}]", r("C2")),
            "Mon, 23 Mar 2026 09:30:00 +0000",
            "Dear Requester,\r\n\r\nWe have 40 cameras from Riverton Works; none are made by \
             Hikvision or Dahua. Ms Jennifer Whitlock, Facilities Manager, holds the \
             contract (+44 (0)20 7946 0958).\r\n\r\nYours sincerely\r\n\r\nPriya Raman\r\n\
             Riverton Council",
        ),
    );
    w.write(
        "maildir/new/p1.eml",
        email(
            "\"Dr. Alan Birch\" <a.birch@camford-police.example>",
            &format!("RE: FOI [{}]", r("P1")),
            "Tue, 24 Mar 2026 16:00:00 +0000",
            "Good afternoon,\r\n\r\nThe force uses Dahua cameras under Project Nightjar. Any \
             questions to me on 07700 900461.\r\n\r\nRegards,\r\nAlan",
        ),
    );
    let out = w.ok(["fetch"]);
    assert!(out.starts_with("new 3, matched 3"), "{out}");
    let csv = format!(
        "reference,uses_hikvision_or_dahua,camera_count\n{},yes,120\n{},no,40\n{},yes,\n",
        r("C1"),
        r("C2"),
        r("P1")
    );
    let f = w.write("answers.csv", csv);
    w.ok(["answers", "import", f.to_str().unwrap()]);
    w.set_section(
        "publish",
        "licence = \"CC-BY-4.0\"\nlicence_title = \"Creative Commons Attribution 4.0\"\nlicence_path = \"https://creativecommons.org/licenses/by/4.0/\"",
    );
    w.write(
        "redact.txt",
        "# the campaign's own list\nProject Nightjar\n",
    );
    (w, refs)
}

/// Every file under `dir`, with its text.
fn files(dir: &Path) -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                todo.push(p);
            } else {
                let text = String::from_utf8_lossy(&std::fs::read(&p).unwrap()).into_owned();
                out.push((p, text));
            }
        }
    }
    out
}

fn publish(w: &Workdir) -> PathBuf {
    let out = w.ok([
        "publish",
        "cctv",
        "--out",
        "site",
        "--title",
        "CCTV & cameras",
        "--by",
        "tag",
        "--redact-file",
        "redact.txt",
    ]);
    assert!(out.starts_with("published cctv (4 cases, "), "{out}");
    w.path().join("site")
}

#[test]
fn published_files_hold_no_personal_data_but_the_foi_addresses_and_answers() {
    let (w, refs) = fixture();
    let site = publish(&w);
    let all = files(&site);
    assert!(all.len() >= 4 + 3 + 4, "{} files", all.len());
    for (path, text) in &all {
        for p in PERSONAL {
            assert!(!text.contains(p), "{p} published in {}", path.display());
        }
        // The reply token (an address that files mail into a case) is not published either.
        assert!(
            !text.contains("foi+"),
            "a reply address in {}",
            path.display()
        );
        assert!(!text.contains("<script"), "a script in {}", path.display());
    }
    let page = |key: &str| {
        std::fs::read_to_string(site.join(format!("cases/{}.html", refs[key]))).unwrap()
    };
    let c1 = page("C1");
    assert!(c1.contains("foi@camford.example"), "the FOI address kept");
    assert!(c1.contains("We operate 120 cameras, made by Hikvision."));
    assert!(
        c1.contains("ring me on [redacted] or write to [redacted]"),
        "{c1}"
    );
    assert!(
        c1.contains("How many CCTV cameras do you operate"),
        "the request as sent"
    );
    let c2 = page("C2");
    assert!(
        c2.contains("Ms [redacted] [redacted], Facilities Manager"),
        "{c2}"
    );
    assert!(c2.contains("foi@riverton.example"));
    let p1 = page("P1");
    assert!(
        p1.contains("under [redacted]. Any"),
        "the listed term: {p1}"
    );
    let bodies = std::fs::read_to_string(site.join("bodies.html")).unwrap();
    assert!(bodies.contains(&format!("href=\"cases/{}.html\"", refs["C1"])));
    let answers = std::fs::read_to_string(site.join("data/answers.csv")).unwrap();
    assert!(
        answers.contains(&format!("{},camera_count,120", refs["C1"])),
        "{answers}"
    );
    let body_csv = std::fs::read_to_string(site.join("data/bodies.csv")).unwrap();
    assert!(body_csv.contains("C2,Riverton Council,foi@riverton.example,council,england,uk-foia"));
    // No external resource, no script: it works from file://.
    let index = std::fs::read_to_string(site.join("index.html")).unwrap();
    for banned in ["<script", "src=", "href=\"http", "@import", "url("] {
        assert!(!index.contains(banned), "{banned} in index.html");
    }
}

#[test]
fn the_summary_gives_each_share_with_its_base_and_hand_computed_interval() {
    let (w, _) = fixture();
    let site = publish(&w);
    let index = std::fs::read_to_string(site.join("index.html")).unwrap();
    // all: base 3, no answer 1 (the school), yes 2 of 3.
    assert!(
        index.contains("<td>all</td><td>3</td><td>1</td><td>2 <span class=\"ci\">(67%; 95% CI 20.8%\u{2013}93.9%)</span></td>"),
        "{index}"
    );
    // councils: yes 1 of 2, 9.5% to 90.5%.
    assert!(
        index.contains("<td>council</td><td>2</td><td>0</td><td>1 <span class=\"ci\">(50%; 95% CI 9.5%\u{2013}90.5%)</span></td>"),
        "{index}"
    );
    // Council against police on "yes": 1 of 2 against 1 of 1, within noise.
    assert!(index.contains("Differences between groups"));
    assert!(index.contains("within noise"));
    assert!(index.contains("Response funnel") && index.matches("<svg").count() >= 2);
    let methods = std::fs::read_to_string(site.join("methods.html")).unwrap();
    for part in [
        "Does the body use cameras made by Hikvision or Dahua?",
        "<code>all</code>",
        "20 working days",
        "Creative Commons Attribution 4.0",
    ] {
        assert!(
            methods.contains(part),
            "{part} missing from the methods page"
        );
    }
}

#[test]
fn check_lists_every_redaction_and_candidate_and_writes_nothing() {
    let (w, refs) = fixture();
    let rows = w.json([
        "publish",
        "cctv",
        "--check",
        "--redact-file",
        "redact.txt",
        "--json",
    ]);
    let rows: Vec<(String, String, String)> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["reference"].as_str().unwrap().into(),
                r["kind"].as_str().unwrap().into(),
                r["text"].as_str().unwrap().into(),
            )
        })
        .collect();
    let has = |key: &str, kind: &str, text: &str| {
        rows.contains(&(refs[key].clone(), kind.into(), text.into()))
    };
    assert!(has("C1", "email", "sam.okafor@camford.example"), "{rows:?}");
    assert!(has("C1", "phone", "01632 960123"));
    assert!(has("C1", "name", "Okafor"));
    assert!(has("C2", "phone", "+44 (0)20 7946 0958"));
    assert!(has("C2", "name", "Whitlock"));
    assert!(has("P1", "term", "Project Nightjar"));
    // A lone first name under a sign-off is left for a person (but was learnt from From).
    assert!(!has("P1", "candidate", "Alan"));
    assert!(!w.path().join("site").exists());
}

#[test]
fn bad_publish_input_gets_one_clear_error_and_writes_nothing() {
    let (w, _) = fixture();
    // A folder that is not an earlier publication is never overwritten.
    w.write("mine/notes.txt", "keep me");
    let err = w.fails(["publish", "cctv", "--out", "mine"]);
    assert!(err.contains("was not written by foi publish"), "{err}");
    assert_eq!(
        std::fs::read_to_string(w.path().join("mine/notes.txt")).unwrap(),
        "keep me"
    );
    let err = w.fails([
        "publish",
        "cctv",
        "--out",
        "x",
        "--redact-file",
        "missing.txt",
    ]);
    assert!(err.contains("cannot read the redaction list"), "{err}");
    w.set_section("publish", "");
    let err = w.fails(["publish", "cctv", "--out", "x"]);
    assert!(err.contains("licence"), "{err}");
    assert!(!w.path().join("x").exists());
    // Publishing again replaces the earlier site whole.
    w.set_section("publish", "licence = \"CC0-1.0\"");
    publish(&w);
    let site = publish(&w);
    let dp = std::fs::read_to_string(site.join("data/datapackage.json")).unwrap();
    assert!(dp.contains("CC0-1.0"));
}

#[test]
fn the_data_package_passes_the_frictionless_validator() {
    let (w, _) = fixture();
    let site = publish(&w);
    let run = std::process::Command::new("frictionless")
        .args(["validate", "--json"])
        .arg(site.join("data/datapackage.json"))
        .output();
    let out = match run {
        Ok(o) => o,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            panic!("install the Frictionless validator (pip install frictionless) to check the data package")
        }
        Err(e) => panic!("cannot run frictionless: {e}"),
    };
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "frictionless printed no JSON ({e}): {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    assert_eq!(report["valid"], true, "{report:#}");
    let tasks = report["tasks"].as_array().unwrap();
    assert_eq!(tasks.len(), 3, "three resources checked");
}

#[test]
fn the_site_renders_in_headless_chromium() {
    let (w, refs) = fixture();
    let site = publish(&w);
    for page in [
        "index.html".to_string(),
        format!("cases/{}.html", refs["C1"]),
    ] {
        let shot = w.path().join("shot.png");
        let _ = std::fs::remove_file(&shot);
        let profile = w.path().join("chromium-profile");
        let out = std::process::Command::new("chromium")
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                &format!("--user-data-dir={}", profile.display()),
                &format!("--screenshot={}", shot.display()),
                "--window-size=1200,1600",
                &format!("file://{}", site.join(&page).display()),
            ])
            .output();
        let out = match out {
            Ok(o) => o,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                panic!("install chromium (apt-get install chromium) to render the site")
            }
            Err(e) => panic!("cannot start chromium: {e}"),
        };
        assert!(out.status.success(), "chromium failed on {page}");
        let png = std::fs::read(&shot).unwrap_or_else(|e| panic!("no screenshot of {page}: {e}"));
        let (width, height, colours) = crate::report::png_colours(&png);
        assert_eq!((width, height), (1200, 1600));
        assert!(
            colours > 30,
            "{page}: only {colours} colours, a blank page?"
        );
    }
}

#[test]
fn only_marked_documents_are_published_as_redacted_text_or_as_the_original() {
    let (w, refs) = fixture();
    let mail = format!(
        "From: foi@camford.example\r\nTo: foi@example.org\r\nSubject: Documents [{}]\r\nDate: Wed, 25 Mar 2026 09:00:00 +0000\r\nMessage-ID: <docs-1@camford.example>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"XX\"\r\n\r\n--XX\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nThree documents attached.\r\n--XX\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Disposition: attachment; filename=\"cameras.txt\"\r\n\r\nAsset list: 120 cameras. Maintained by Sam Okafor, 01632 960123.\r\n--XX\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=\"contract.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQKJcfs\r\n--XX\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Disposition: attachment; filename=\"internal.txt\"\r\n\r\nNot for publication: staff rota.\r\n--XX--\r\n",
        refs["C1"]
    );
    w.write("maildir/new/docs.eml", mail);
    assert!(w.ok(["fetch"]).starts_with("new 1, matched 1"));
    let shown = w.json(["case", "show", &refs["C1"], "--json"]);
    let ids: HashMap<String, String> = shown["messages"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|m| m["attachments"].as_array().unwrap().iter())
        .map(|a| {
            (
                a["file_name"].as_str().unwrap().to_string(),
                a["id"].to_string(),
            )
        })
        .collect();
    w.ok(["attachment", "publish", &ids["cameras.txt"]]);
    w.ok(["attachment", "publish", &ids["contract.pdf"], "--original"]);
    let err = w.fails(["attachment", "publish", "9999"]);
    assert!(err.contains("no attachment 9999"), "{err}");

    // Without --include-documents no document is published.
    let site = publish(&w);
    assert!(!site.join("files").exists());
    let out = w.ok([
        "publish",
        "cctv",
        "--out",
        "site",
        "--include-documents",
        "--redact-file",
        "redact.txt",
    ]);
    assert!(out.starts_with("published cctv"), "{out}");
    let page = std::fs::read_to_string(site.join(format!("cases/{}.html", refs["C1"]))).unwrap();
    assert!(
        page.contains("Asset list: 120 cameras. Maintained by [redacted] [redacted], [redacted]."),
        "{page}"
    );
    assert!(
        !page.contains("staff rota"),
        "an unmarked document was published"
    );
    let original = site.join(format!(
        "files/{}/{}-contract.pdf",
        refs["C1"], ids["contract.pdf"]
    ));
    assert_eq!(std::fs::read(&original).unwrap(), b"%PDF-1.4\n%\xc7\xec");
    assert!(page.contains(&format!(
        "href=\"../files/{}/{}-contract.pdf\"",
        refs["C1"], ids["contract.pdf"]
    )));
    let methods = std::fs::read_to_string(site.join("methods.html")).unwrap();
    assert!(methods.contains("2 documents here"), "{methods}");
}

/// A marked PDF is published from the text `foi documents` extracted, redacted like any
/// text, with where each part was found; before its text is extracted it is left out and
/// `--check` says how to get it.
#[test]
fn a_marked_pdf_is_published_from_its_extracted_text() {
    use base64::Engine;
    let (w, refs) = fixture();
    let pdf = std::fs::read(crate::support::repo_path(
        "tests/fixtures/documents/letter.pdf",
    ))
    .unwrap();
    let b64 = base64::engine::general_purpose::STANDARD.encode(pdf);
    let mail = format!(
        "From: foi@camford.example\r\nTo: foi@example.org\r\nSubject: Letter [{}]\r\nDate: Wed, 25 Mar 2026 09:00:00 +0000\r\nMessage-ID: <letter-1@camford.example>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"XX\"\r\n\r\n--XX\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nPlease find our answer attached.\r\n--XX\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=\"letter.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\n{b64}\r\n--XX--\r\n",
        refs["C1"]
    );
    w.write("maildir/new/letter.eml", mail);
    assert!(w.ok(["fetch"]).starts_with("new 1, matched 1"));
    let shown = w.json(["case", "show", &refs["C1"], "--json"]);
    let id = shown["messages"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|m| m["attachments"].as_array().unwrap().iter())
        .find(|a| a["file_name"] == "letter.pdf")
        .map(|a| a["id"].to_string())
        .unwrap();
    w.ok(["attachment", "publish", &id]);
    let check = |w: &Workdir| {
        w.json([
            "publish",
            "cctv",
            "--check",
            "--include-documents",
            "--redact-file",
            "redact.txt",
            "--json",
        ])
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["kind"] == "not_published")
        .map(|r| r["text"].as_str().unwrap().to_string())
        .collect::<Vec<_>>()
    };
    let left_out = check(&w);
    assert_eq!(left_out.len(), 1, "{left_out:?}");
    assert!(
        left_out[0].contains("foi documents extract"),
        "{left_out:?}"
    );

    w.ok(["documents", "extract"]);
    assert!(check(&w).is_empty());
    let out = w.ok([
        "publish",
        "cctv",
        "--out",
        "site",
        "--include-documents",
        "--redact-file",
        "redact.txt",
    ]);
    assert!(out.starts_with("published cctv"), "{out}");
    let page = std::fs::read_to_string(
        w.path()
            .join("site")
            .join(format!("cases/{}.html", refs["C1"])),
    )
    .unwrap();
    assert!(page.contains("[page 1]"), "{page}");
    assert!(
        page.contains("Hikvision cameras: 30. Axis cameras: 12."),
        "{page}"
    );
    assert!(
        !w.path().join("site/files").exists(),
        "only the text is published"
    );
}

#[test]
fn the_report_compares_groups_with_the_difference_and_its_interval() {
    let (w, _) = fixture();
    let rows = w.json([
        "report",
        "cctv",
        "--by",
        "tag",
        "--compare",
        "--format",
        "json",
    ]);
    // council against police on "yes": 1 of 2 against 1 of 1, -50 points, within noise.
    let c = rows
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["a"] == "council" && r["b"] == "police" && r["value"] == "yes")
        .unwrap_or_else(|| panic!("no council/police comparison in {rows}"));
    assert_eq!(
        (c["a_count"].as_u64(), c["a_base"].as_u64()),
        (Some(1), Some(2))
    );
    assert_eq!(
        (c["b_count"].as_u64(), c["b_base"].as_u64()),
        (Some(1), Some(1))
    );
    let d = &c["difference"];
    assert!((d["difference"].as_f64().unwrap() + 0.5).abs() < 1e-9);
    assert_eq!(d["within_noise"], true);
    assert!(d["interval"]["low"].as_f64().unwrap() < 0.0);
    assert!(d["interval"]["high"].as_f64().unwrap() > 0.0);
    let err = w.fails(["report", "cctv", "--compare"]);
    assert!(err.contains("--by"), "{err}");
}

/// A publication that fails half-way (here the raw emails of the replies can no longer be
/// read, once the site's folder beside `--out` is begun) leaves no half site: the earlier
/// site stays as it was, byte for byte, and no partial folder is left beside it.
#[test]
fn a_failure_half_way_leaves_the_earlier_site_whole_and_no_partial_folder() {
    let (w, _) = fixture();
    let site = publish(&w);
    let before = files(&site);
    let config = foi::config::Config::load(&w.config()).unwrap();
    let url = format!("sqlite://{}", config.database_path().display());
    tokio::runtime::Runtime::new().unwrap().block_on(async {
        use sqlx::Connection;
        let mut db = sqlx::SqliteConnection::connect(&url).await.unwrap();
        let lost = sqlx::query(
            "UPDATE blobs SET pack = 'deadbeef.pack', pack_offset = 0
             WHERE sha256 IN (SELECT raw_sha256 FROM messages WHERE direction = 'inbound')",
        )
        .execute(&mut db)
        .await
        .unwrap();
        assert_eq!(lost.rows_affected(), 3);
    });
    let err = w.fails([
        "publish",
        "cctv",
        "--out",
        "site",
        "--redact-file",
        "redact.txt",
    ]);
    assert!(err.contains("deadbeef.pack"), "{err}");
    assert_eq!(files(&site), before);
    let left: Vec<String> = std::fs::read_dir(w.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".site."))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}
