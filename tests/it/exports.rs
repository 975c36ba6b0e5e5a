//! Exports: a campaign's cases as CSV (its answer columns import back unchanged) and a
//! case's evidence folder (raw emails byte for byte, attachments, timeline).

use crate::answers::confirmed;
use crate::support::{sent_campaign, Workdir};
use std::path::Path;

fn csv_rows(text: &str) -> Vec<csv::StringRecord> {
    csv::Reader::from_reader(text.as_bytes())
        .records()
        .map(|r| r.unwrap())
        .collect()
}

fn header(text: &str) -> Vec<String> {
    csv::Reader::from_reader(text.as_bytes())
        .headers()
        .unwrap()
        .iter()
        .map(String::from)
        .collect()
}

#[test]
fn export_cases_csv_has_a_row_per_case_and_round_trips() {
    let w = sent_campaign();
    w.ok([
        "case",
        "answer",
        "POL-0001",
        "uses_hikvision_or_dahua=yes",
        "camera_count=0012.50",
        "supplier=Acme, \"Vision\" Ltd",
        "contract_status=not disclosed",
    ]);
    w.ok(["case", "answer", "POL-0002", "uses_hikvision_or_dahua=no"]);
    w.add_user("ana", "staff");
    w.ok(["case", "assign", "POL-0002", "ana"]);
    w.ok([
        "case",
        "event",
        "POL-0002",
        "refusal",
        "--note",
        "section 12",
    ]);

    let out = w.path().join("cases.csv");
    w.ok([
        "export",
        "cases",
        "c",
        "--csv",
        "--out",
        out.to_str().unwrap(),
    ]);
    let text = std::fs::read_to_string(&out).unwrap();
    assert_eq!(
        text,
        w.ok(["export", "cases", "c", "--csv"]),
        "--out and stdout agree"
    );
    let h = header(&text);
    assert_eq!(
        h,
        [
            "reference",
            "campaign",
            "body_key",
            "body_name",
            "body_email",
            "tags",
            "region",
            "regime",
            "status",
            "assignee",
            "sent_on",
            "due_on",
            "answered_on",
            "days_overdue",
            "uses_hikvision_or_dahua",
            "camera_count",
            "supplier",
            "contract_status"
        ]
    );
    let rows = csv_rows(&text);
    assert_eq!(rows.len(), 7);
    let col = |r: &csv::StringRecord, name: &str| {
        r.get(h.iter().position(|c| c == name).unwrap())
            .unwrap()
            .to_string()
    };
    // Every row's body fields and status agree with the case as shown.
    for r in &rows {
        let show = w.json(["case", "show", &col(r, "reference"), "--json"]);
        assert_eq!(
            col(r, "body_name"),
            show["case"]["body_name"].as_str().unwrap()
        );
        assert_eq!(
            col(r, "body_email"),
            show["case"]["body_email"].as_str().unwrap()
        );
        assert_eq!(col(r, "status"), show["case"]["status"].as_str().unwrap());
        assert_eq!(col(r, "regime"), show["body"]["regime"].as_str().unwrap());
        assert_eq!(col(r, "tags"), "police");
        assert_eq!(col(r, "sent_on"), "2026-03-02");
        let deadline = w.json(["case", "deadline", &col(r, "reference"), "--json"]);
        assert_eq!(
            col(r, "due_on"),
            deadline["due"].as_str().unwrap_or(""),
            "{r:?}"
        );
    }
    let r1 = &rows[0];
    assert_eq!(col(r1, "reference"), "POL-0001");
    assert_eq!(col(r1, "camera_count"), "12.5");
    assert_eq!(col(r1, "supplier"), "Acme, \"Vision\" Ltd");
    assert_eq!(col(r1, "contract_status"), "not disclosed");
    assert_eq!(col(r1, "days_overdue"), "0", "open, not yet due");
    assert_eq!(col(r1, "answered_on"), "");
    let r2 = &rows[1];
    assert_eq!(col(r2, "assignee"), "ana");
    assert_eq!(col(r2, "status"), "refused");
    assert_eq!(col(r2, "answered_on"), "2026-03-02");
    assert_eq!(col(r2, "days_overdue"), "", "a closed case owes nothing");
    assert_eq!(col(r2, "camera_count"), "");

    // Round trip: the export fed back changes nothing and succeeds.
    let before: Vec<_> = (1..=7)
        .map(|i| confirmed(&w, &format!("POL-{i:04}")))
        .collect();
    let o = w.ok(["answers", "import", out.to_str().unwrap()]);
    assert!(
        o.starts_with("7 rows: 0 answers changed, 5 unchanged"),
        "{o}"
    );
    let after: Vec<_> = (1..=7)
        .map(|i| confirmed(&w, &format!("POL-{i:04}")))
        .collect();
    assert_eq!(before, after);
    assert_eq!(w.ok(["export", "cases", "c", "--csv"]), text);

    // Edited in a spreadsheet and imported: exactly the edited cells change.
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    let idx = lines
        .iter()
        .position(|l| l.starts_with("POL-0003,"))
        .unwrap();
    let unanswered = lines[idx].strip_suffix(",,,,").unwrap().to_string();
    lines[idx] = format!("{unanswered},yes,7,Bob,active");
    let edited_path = w.write("edited.csv", lines.join("\n") + "\n");
    let o = w.ok(["answers", "import", edited_path.to_str().unwrap()]);
    assert!(o.starts_with("7 rows: 4 answers changed"), "{o}");
    assert_eq!(confirmed(&w, "POL-0003")["camera_count"], "7");

    assert!(w
        .fails(["export", "cases", "nope", "--csv"])
        .contains("nope"));
}

fn case_message_ids(w: &Workdir, reference: &str) -> Vec<(i64, String)> {
    let show = w.json(["case", "show", reference, "--json"]);
    show["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["id"].as_i64().unwrap(),
                m["direction"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn export_evidence_writes_raw_emails_attachments_and_a_timeline() {
    let w = sent_campaign();
    // A reply with an attachment whose declared name tries to escape the folder.
    let raw = format!(
        "From: foi@dyfed-teg-police.police.example\r\nTo: foi@example.org\r\nSubject: Re: request [POL-0002]\r\nDate: Tue, 03 Mar 2026 11:00:00 +0000\r\nMessage-ID: <ev-1@body.example>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"XX\"\r\n\r\n--XX\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nWe acknowledge your request.\r\n--XX\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=\"../../etc/con.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\n{}\r\n--XX--\r\n",
        "JVBERi0xLjQKJcfs"
    );
    let eml = w.write("reply.eml", &raw);
    w.ok(["import-mail", eml.to_str().unwrap()]);
    w.ok([
        "case",
        "event",
        "POL-0002",
        "extension",
        "--note",
        "+20 public interest",
    ]);
    w.ok(["case", "note", "POL-0002", "they phoned"]);

    let dir = w.path().join("evidence");
    let out = w.ok([
        "export",
        "evidence",
        "POL-0002",
        "--out",
        dir.to_str().unwrap(),
    ]);
    assert!(out.contains("wrote 2 emails, 1 attachments"), "{out}");
    let messages = case_message_ids(&w, "POL-0002");
    assert_eq!(messages.len(), 2);
    assert_eq!(
        files_in(&dir),
        [
            "001-outbound-2026-03-02.eml",
            "002-_con.pdf",
            "002-inbound-2026-03-02.eml",
            "timeline.txt"
        ]
    );
    // Byte for byte: the outbound as stored (what `foi message show --raw` prints), the
    // inbound as it was imported.
    let outbound = w
        .foi(["message", "show", &messages[0].0.to_string(), "--raw"])
        .output()
        .unwrap()
        .stdout;
    assert_eq!(
        std::fs::read(dir.join("001-outbound-2026-03-02.eml")).unwrap(),
        outbound
    );
    assert_eq!(
        std::fs::read(dir.join("002-inbound-2026-03-02.eml")).unwrap(),
        raw.as_bytes()
    );
    assert_eq!(
        std::fs::read(dir.join("002-_con.pdf")).unwrap(),
        b"%PDF-1.4\n%\xc7\xec"
    );

    let t = std::fs::read_to_string(dir.join("timeline.txt")).unwrap();
    for want in [
        "Case POL-0002 (c)",
        "2026-03-02 sent (system)",
        "extension",
        "+20 public interest",
        "note",
        "they phoned",
        "001-outbound-2026-03-02.eml",
        "attachment 002-_con.pdf",
        "day 0 = Mon 2026-03-02",
    ] {
        assert!(t.contains(want), "missing {want:?} in timeline:\n{t}");
    }
    // The explanation is the one `foi case deadline --explain` gives.
    let explained = w.ok(["case", "deadline", "POL-0002", "--explain"]);
    let steps = explained.split("\n\n").last().unwrap().trim();
    assert!(t.contains(steps), "timeline lacks:\n{steps}\n---\n{t}");

    // A folder with files is not written into without --force.
    let before = files_in(&dir);
    std::fs::write(dir.join("002-_con.pdf"), b"changed").unwrap();
    let err = w.fails([
        "export",
        "evidence",
        "POL-0002",
        "--out",
        dir.to_str().unwrap(),
    ]);
    assert!(
        err.contains("not empty") && err.contains("--force"),
        "{err}"
    );
    assert_eq!(std::fs::read(dir.join("002-_con.pdf")).unwrap(), b"changed");
    w.ok([
        "export",
        "evidence",
        "POL-0002",
        "--out",
        dir.to_str().unwrap(),
        "--force",
    ]);
    assert_eq!(files_in(&dir), before);
    assert_eq!(
        std::fs::read(dir.join("002-_con.pdf")).unwrap(),
        b"%PDF-1.4\n%\xc7\xec"
    );
}
