//! The text of attachments (issue 21): documents made by real tools (LibreOffice, poppler,
//! python's zipfile: `scripts/make-document-fixtures.sh`) attached to real replies,
//! read by `foi documents extract` in its sandboxed child with the real `pdftotext`,
//! `tesseract` and `antiword`; hostile files fail with a reason while ingestion goes on.

use crate::support::{repo_path, sent_campaign, Workdir};
use base64::Engine;
use serde_json::Value;

fn fixture(name: &str) -> Vec<u8> {
    let path = repo_path(&format!("tests/fixtures/documents/{name}"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The tools the documents need, or a failure saying what to install.
fn require_tools() {
    for (tool, package) in [
        ("pdftotext", "poppler-utils"),
        ("pdftoppm", "poppler-utils"),
        ("tesseract", "tesseract-ocr tesseract-ocr-eng"),
        ("antiword", "antiword"),
    ] {
        let found = std::process::Command::new("sh")
            .args(["-c", &format!("command -v {tool}")])
            .output()
            .is_ok_and(|o| o.status.success());
        assert!(
            found,
            "{tool} is not installed: apt-get install {package} (scripts/test.sh does)"
        );
    }
}

/// A reply from the Dyfed force on POL-0002 with these attachments (name, type, bytes).
fn reply_with(w: &Workdir, tag: &str, files: &[(&str, &str, Vec<u8>)]) {
    reply_saying(w, tag, "Please find attached our response.", files);
}

/// [`reply_with`], the email's own text being `body`.
fn reply_saying(w: &Workdir, tag: &str, body: &str, files: &[(&str, &str, Vec<u8>)]) {
    let mut raw = format!(
        "From: foi@dyfed-teg-police.police.example\r\nTo: foi@example.org\r\n\
         Subject: Re: request [POL-0002]\r\nDate: Tue, 03 Mar 2026 11:00:00 +0000\r\n\
         Message-ID: <{tag}@body.example>\r\nMIME-Version: 1.0\r\n\
         Content-Type: multipart/mixed; boundary=\"XX\"\r\n\r\n--XX\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
    );
    for (name, ct, bytes) in files {
        let b64 = base64::engine::general_purpose::STANDARD.encode(bytes);
        let lines: Vec<&str> = b64
            .as_bytes()
            .chunks(76)
            .map(|c| std::str::from_utf8(c).unwrap())
            .collect();
        raw.push_str(&format!(
            "--XX\r\nContent-Type: {ct}\r\nContent-Disposition: attachment; filename=\"{name}\"\r\n\
             Content-Transfer-Encoding: base64\r\n\r\n{}\r\n",
            lines.join("\r\n")
        ));
    }
    raw.push_str("--XX--\r\n");
    let eml = w.write(&format!("{tag}.eml"), raw);
    w.ok(["import-mail", eml.to_str().unwrap()]);
}

/// `foi documents --json`, by file name.
fn documents(w: &Workdir) -> std::collections::BTreeMap<String, Value> {
    w.json(["documents", "--json"])
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["file_name"].as_str().unwrap().to_string(), d.clone()))
        .collect()
}

/// An attachment's units as (locator, text).
fn units(w: &Workdir, doc: &Value) -> Vec<(String, String)> {
    let id = doc["id"].to_string();
    w.json(["documents", "show", &id, "--json"])["units"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| {
            (
                u["locator"].as_str().unwrap().to_string(),
                u["text"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// The text found at `locator`.
fn at<'a>(units: &'a [(String, String)], locator: &str) -> &'a str {
    units
        .iter()
        .find(|(l, _)| l == locator)
        .map(|(_, t)| t.as_str())
        .unwrap_or_else(|| panic!("no unit at {locator:?} in {units:?}"))
}

#[test]
fn every_format_gives_its_text_with_pages_and_cells() {
    require_tools();
    let w = sent_campaign();
    let files = vec![
        ("letter.pdf", "application/pdf", fixture("letter.pdf")),
        (
            "letter.docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            fixture("letter.docx"),
        ),
        (
            "letter.odt",
            "application/vnd.oasis.opendocument.text",
            fixture("letter.odt"),
        ),
        ("letter.doc", "application/msword", fixture("letter.doc")),
        (
            "cameras.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            fixture("cameras.xlsx"),
        ),
        (
            "cameras.ods",
            "application/vnd.oasis.opendocument.spreadsheet",
            fixture("cameras.ods"),
        ),
        (
            "cameras.xls",
            "application/vnd.ms-excel",
            fixture("cameras.xls"),
        ),
        ("cameras.csv", "text/csv", fixture("cameras.csv")),
        ("mixed.zip", "application/zip", fixture("mixed.zip")),
        (
            "note.html",
            "text/html",
            b"<html><body><p>We hold <b>42</b> cameras.</p><script>x()</script></body></html>"
                .to_vec(),
        ),
        (
            "note.txt",
            "text/plain",
            b"Plain text: 42 cameras.\r\n".to_vec(),
        ),
        (
            "note.rtf",
            "application/rtf",
            b"{\\rtf1\\ansi{\\fonttbl\\f0 Arial;}\\f0 Section 24 applies.\\par}".to_vec(),
        ),
    ];
    reply_with(&w, "formats", &files);
    // Recorded on its case at once; read later.
    let before = documents(&w);
    assert_eq!(before.len(), files.len());
    assert!(
        before.values().all(|d| d["state"] == "pending"),
        "{before:?}"
    );
    assert_eq!(before["letter.pdf"]["cases"][0], "POL-0002");

    let out = w.ok(["documents", "extract", "--campaign", "c"]);
    assert!(out.starts_with("read 12 attachment(s): 12 done"), "{out}");
    let docs = documents(&w);
    for (name, d) in &docs {
        assert_eq!(d["state"], "done", "{name}: {d}");
    }

    let pdf = units(&w, &docs["letter.pdf"]);
    assert!(at(&pdf, "page 1").contains("We operate 42"), "{pdf:?}");
    assert!(
        at(&pdf, "page 2").contains("Hikvision cameras: 30"),
        "{pdf:?}"
    );
    assert_eq!(docs["letter.pdf"]["extractor"], "pdftotext");
    for doc in ["letter.docx", "letter.odt"] {
        let u = units(&w, &docs[doc]);
        assert!(
            at(&u, "page 1").contains("POL-0001: public space CCTV"),
            "{doc}: {u:?}"
        );
        assert!(!at(&u, "page 1").contains("Hikvision"), "{doc}: {u:?}");
        assert!(at(&u, "page 2").starts_with("Annex A"), "{doc}: {u:?}");
    }
    let doc = units(&w, &docs["letter.doc"]);
    assert!(at(&doc, "").contains("Hikvision cameras: 30"), "{doc:?}");
    assert_eq!(docs["letter.doc"]["extractor"], "antiword");

    for sheet in ["cameras.xlsx", "cameras.ods", "cameras.xls"] {
        let u = units(&w, &docs[sheet]);
        assert_eq!(at(&u, "cameras!A2"), "Hikvision", "{sheet}");
        assert_eq!(at(&u, "cameras!C2"), "30", "{sheet}");
        assert_eq!(at(&u, "cameras!B3"), "P3245", "{sheet}");
        assert_eq!(u.len(), 9, "{sheet}: {u:?}");
    }
    let csv = units(&w, &docs["cameras.csv"]);
    assert_eq!(at(&csv, "A2"), "Hikvision");
    assert_eq!(at(&csv, "C3"), "12");

    let zip = units(&w, &docs["mixed.zip"]);
    assert!(
        at(&zip, "mixed.zip/letter.pdf page 2").contains("Axis cameras: 12"),
        "{zip:?}"
    );
    assert_eq!(at(&zip, "mixed.zip/cameras.csv A2"), "Hikvision");

    // (read as text the way replies' HTML is: bold marked, scripts dropped)
    assert_eq!(
        at(&units(&w, &docs["note.html"]), ""),
        "We hold *42* cameras."
    );
    assert_eq!(
        at(&units(&w, &docs["note.txt"]), ""),
        "Plain text: 42 cameras."
    );
    assert_eq!(at(&units(&w, &docs["note.rtf"]), ""), "Section 24 applies.");

    // The listing and the text as people read them.
    let list = w.ok(["documents", "--campaign", "c", "--state", "done"]);
    assert!(
        list.contains("POL-0002") && list.contains("letter.pdf"),
        "{list}"
    );
    let id = docs["letter.pdf"]["id"].to_string();
    let shown = w.ok(["documents", "show", &id]);
    assert!(
        shown.starts_with("letter.pdf (application/pdf): done"),
        "{shown}"
    );
    assert!(shown.contains("\n[page 2]\nAnnex A"), "{shown}");
    // Nothing is left to read.
    assert!(w
        .ok(["documents", "extract"])
        .starts_with("read 0 attachment(s)"));
}

#[test]
fn scanned_pages_are_read_by_ocr() {
    require_tools();
    let w = sent_campaign();
    reply_with(
        &w,
        "scans",
        &[
            ("scan.pdf", "application/pdf", fixture("scan.pdf")),
            ("scan.png", "image/png", fixture("scan.png")),
        ],
    );
    let out = w.ok(["documents", "extract"]);
    assert!(out.contains("2 by OCR"), "{out}");
    let docs = documents(&w);
    for (name, locator) in [("scan.pdf", "page 1"), ("scan.png", "")] {
        let d = &docs[name];
        assert_eq!(d["state"], "ocr", "{name}: {d}");
        let text = at(&units(&w, d), locator).to_lowercase();
        assert!(text.contains("we refuse this request"), "{name}: {text}");
        assert!(text.contains("section 24"), "{name}: {text}");
    }
    assert_eq!(docs["scan.pdf"]["extractor"], "pdftotext+tesseract");
}

/// An XLSX whose one sheet claims a cell at the far corner (XFD1048576): a reader that
/// believes the dimension allocates billions of cells.
fn huge_sheet() -> Vec<u8> {
    use std::io::Write;
    let mut out = std::io::Cursor::new(Vec::new());
    let mut z = zip::ZipWriter::new(&mut out);
    let opts = zip::write::SimpleFileOptions::default();
    let parts = [
        (
            "[Content_Types].xml",
            r#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#,
        ),
        (
            "_rels/.rels",
            r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#,
        ),
        (
            "xl/workbook.xml",
            r#"<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="big" sheetId="1" r:id="rId1"/></sheets></workbook>"#,
        ),
        (
            "xl/_rels/workbook.xml.rels",
            r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#,
        ),
        (
            "xl/worksheets/sheet1.xml",
            r#"<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1:XFD1048576"/><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>first</t></is></c></row><row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>last</t></is></c></row></sheetData></worksheet>"#,
        ),
    ];
    for (name, xml) in parts {
        z.start_file(name, opts).unwrap();
        z.write_all(xml.as_bytes()).unwrap();
    }
    z.finish().unwrap();
    out.into_inner()
}

#[test]
fn hostile_files_fail_with_a_reason_and_ingestion_carries_on() {
    require_tools();
    let w = sent_campaign();
    reply_with(
        &w,
        "hostile",
        &[
            ("bomb.zip", "application/zip", fixture("bomb.zip")),
            (
                "corrupt.docx",
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                fixture("corrupt.docx"),
            ),
            ("loop.pdf", "application/pdf", fixture("loop.pdf")),
            (
                "huge.xlsx",
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                huge_sheet(),
            ),
            (
                "tool.exe",
                "application/x-msdownload",
                b"MZ\x90\0\x03\0\0\0".to_vec(),
            ),
        ],
    );
    let out = w.ok(["documents", "extract"]);
    assert!(out.starts_with("read 5 attachment(s)"), "{out}");
    let docs = documents(&w);
    let reason = |n: &str| docs[n]["reason"].as_str().unwrap_or("").to_string();
    assert_eq!(docs["bomb.zip"]["state"], "failed");
    assert!(
        reason("bomb.zip").starts_with("zip bomb refused: zeros.txt expands"),
        "{}",
        reason("bomb.zip")
    );
    assert_eq!(docs["corrupt.docx"]["state"], "failed");
    assert!(
        reason("corrupt.docx").contains("damaged"),
        "{}",
        reason("corrupt.docx")
    );
    assert_eq!(docs["loop.pdf"]["state"], "failed");
    assert!(
        reason("loop.pdf").contains("Loop in Pages tree"),
        "{}",
        reason("loop.pdf")
    );
    // (calamine believes the sheet's dimension: the address-space limit stops it)
    assert_eq!(docs["huge.xlsx"]["state"], "failed");
    assert!(
        reason("huge.xlsx").starts_with("the extractor crashed (signal 6: out of memory"),
        "{}",
        reason("huge.xlsx")
    );
    assert_eq!(docs["tool.exe"]["state"], "skipped");
    assert!(
        reason("tool.exe").starts_with("unsupported type"),
        "{}",
        reason("tool.exe")
    );
    assert!(docs.values().all(|d| d["units"] == 0));

    // The next reply is recorded and read as ever.
    reply_with(
        &w,
        "after",
        &[(
            "after.txt",
            "text/plain",
            b"We hold the information.".to_vec(),
        )],
    );
    let case = w.json(["case", "show", "POL-0002", "--json"]);
    let inbound = case["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["direction"] == "inbound")
        .count();
    assert_eq!(inbound, 2);
    let out = w.ok(["documents", "extract"]);
    assert!(out.starts_with("read 1 attachment(s): 1 done"), "{out}");
    let failed = w.json(["documents", "--state", "failed", "--json"]);
    assert_eq!(failed.as_array().unwrap().len(), 4, "{failed}");
}

#[test]
fn a_failed_extraction_is_retried() {
    require_tools();
    let w = sent_campaign();
    reply_with(
        &w,
        "retry",
        &[("letter.pdf", "application/pdf", fixture("letter.pdf"))],
    );
    // No poppler on the PATH: the PDF fails, saying what to install.
    let out = w
        .foi(["documents", "extract"])
        .env("PATH", "/nonexistent")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let d = &documents(&w)["letter.pdf"];
    assert_eq!(d["state"], "failed");
    assert_eq!(
        d["reason"],
        "pdftotext is not installed: apt-get install poppler-utils"
    );
    // A plain run leaves it failed; --retry-failed reads it again.
    assert!(w
        .ok(["documents", "extract"])
        .starts_with("read 0 attachment(s)"));
    let out = w.ok(["documents", "extract", "--retry-failed"]);
    assert!(out.starts_with("read 1 attachment(s): 1 done"), "{out}");
    let d = &documents(&w)["letter.pdf"];
    assert_eq!(d["state"], "done");
    assert_eq!(d["attempts"], 2);
    assert_eq!(d["units"], 2);
}

#[test]
fn foi_run_reads_attachments_after_recording_the_reply() {
    require_tools();
    let w = sent_campaign();
    reply_with(
        &w,
        "run",
        &[("cameras.csv", "text/csv", fixture("cameras.csv"))],
    );
    let turn = w.ok(["run", "--once", "--no-fetch", "--no-chasers"]);
    assert!(turn.trim_end().ends_with("read 1 attachment(s)"), "{turn}");
    assert_eq!(documents(&w)["cameras.csv"]["units"], 9);
    let turn = w.ok([
        "run",
        "--once",
        "--no-fetch",
        "--no-chasers",
        "--no-documents",
    ]);
    assert!(!turn.contains("attachment"), "{turn}");
}

#[test]
fn bad_arguments_get_one_clear_error() {
    let w = Workdir::new();
    let e = w.fails(["documents", "--state", "finished"]);
    assert!(e.contains("unknown state \"finished\""), "{e}");
    let e = w.fails(["documents", "show", "99"]);
    assert!(e.contains("no attachment 99"), "{e}");
    assert_eq!(w.ok(["documents"]).trim(), "no attachments");
}

/// Case POL-0002 as `foi case show --json`.
fn case_2(w: &Workdir) -> Value {
    w.json(["case", "show", "POL-0002", "--json"])
}

/// The effective (not superseded) events of a case, as (kind, actor, note).
fn live_events(case: &Value) -> Vec<(String, String, String)> {
    case["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["superseded_by"].is_null())
        .map(|e| {
            (
                e["kind"].as_str().unwrap_or("").to_string(),
                e["actor"].as_str().unwrap_or("").to_string(),
                e["note"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

#[test]
fn a_covering_note_is_classified_from_its_documents_first_page() {
    require_tools();
    let w = sent_campaign();
    reply_with(
        &w,
        "covering",
        &[("refusal.pdf", "application/pdf", fixture("refusal.pdf"))],
    );
    let before = case_2(&w);
    assert_eq!(before["case"]["status"], "successful", "{before}");
    w.ok(["documents", "extract"]);
    let after = case_2(&w);
    assert_eq!(after["case"]["status"], "refused", "{after}");
    let events = live_events(&after);
    let refusal = events
        .iter()
        .find(|(kind, _, _)| kind == "refusal")
        .unwrap_or_else(|| panic!("no refusal event: {after}"));
    assert_eq!(refusal.1, "system", "an automatic event: {refusal:?}");
    assert!(
        refusal
            .2
            .contains("from the attached refusal.pdf, page 1: refusal: \"refusing your request\""),
        "{refusal:?}"
    );
    assert!(
        !events.iter().any(|(kind, _, _)| kind == "response"),
        "the covering note's response is superseded: {events:?}"
    );
    // The message says why, in `foi message show` and `foi case show`.
    let id = documents(&w)["refusal.pdf"]["message_id"].to_string();
    let shown = w.ok(["message", "show", &id]);
    assert!(
        shown.contains("refusal") && shown.contains("from the attached refusal.pdf, page 1"),
        "{shown}"
    );
    let case = w.ok(["case", "show", "POL-0002"]);
    assert!(
        case.contains("from the attached refusal.pdf, page 1"),
        "{case}"
    );
    // A person's correction later supersedes it.
    w.ok(["message", "classify", &id, "response"]);
    assert_eq!(case_2(&w)["case"]["status"], "successful");
}

#[test]
fn an_email_that_says_something_itself_keeps_its_class() {
    require_tools();
    let w = sent_campaign();
    reply_saying(
        &w,
        "definite",
        "Please find attached our response. Some of the information is withheld under section 40.",
        &[("refusal.pdf", "application/pdf", fixture("refusal.pdf"))],
    );
    assert_eq!(case_2(&w)["case"]["status"], "successful");
    w.ok(["documents", "extract"]);
    let after = case_2(&w);
    assert_eq!(documents(&w)["refusal.pdf"]["state"], "done");
    assert_eq!(after["case"]["status"], "successful", "{after}");
    assert!(
        !live_events(&after).iter().any(|(k, _, _)| k == "refusal"),
        "{after}"
    );
}

#[test]
fn a_persons_classification_is_not_changed_by_a_document() {
    require_tools();
    let w = sent_campaign();
    reply_with(
        &w,
        "corrected",
        &[("refusal.pdf", "application/pdf", fixture("refusal.pdf"))],
    );
    let id = documents(&w)["refusal.pdf"]["message_id"].to_string();
    w.ok(["message", "classify", &id, "response"]);
    w.ok(["documents", "extract"]);
    assert_eq!(documents(&w)["refusal.pdf"]["state"], "done");
    let after = case_2(&w);
    assert_eq!(after["case"]["status"], "successful", "{after}");
    assert!(
        !live_events(&after).iter().any(|(k, _, _)| k == "refusal"),
        "{after}"
    );
    // And a response letter confirms the response it was: nothing changes.
    let w = sent_campaign();
    reply_with(
        &w,
        "letter",
        &[("letter.pdf", "application/pdf", fixture("letter.pdf"))],
    );
    let events = live_events(&case_2(&w));
    w.ok(["documents", "extract"]);
    assert_eq!(live_events(&case_2(&w)), events);
}
