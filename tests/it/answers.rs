//! Case work and answers: status, notes and assignment; answers typed case by case or
//! imported from CSV (all or nothing); suggestions from a reply's text, counted only once
//! confirmed.

use crate::support::{sent_campaign, Workdir};

/// A plain-text reply to a case, matched by the reference in its subject (from the
/// police force's own address: a reference alone from a stranger is not believed).
pub fn reply(reference: &str, n: u32, body: &str) -> String {
    let from = police_address(reference);
    format!(
        "From: {from}\r\nTo: foi@example.org\r\nSubject: Re: Freedom of Information request [{reference}]\r\nDate: Tue, 03 Mar 2026 11:00:00 +0000\r\nMessage-ID: <reply-{n}@body.example>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
    )
}

/// The address of the example police force a `POL-000N` case went to: the N-th police
/// force of `examples/bodies.csv` by name (the order a campaign numbers its cases in).
pub fn police_address(reference: &str) -> String {
    let n: usize = reference.rsplit('-').next().unwrap().parse().unwrap();
    let csv = std::fs::read_to_string(crate::support::repo_path("examples/bodies.csv")).unwrap();
    let mut forces: Vec<(String, String)> = csv
        .lines()
        .filter(|l| l.contains(",police,"))
        .map(|l| {
            let cells: Vec<&str> = l.split(',').collect();
            (cells[1].to_string(), cells[2].to_string())
        })
        .collect();
    forces.sort();
    forces[n - 1].1.clone()
}

/// A case's confirmed answers, key -> value.
pub fn confirmed(w: &Workdir, reference: &str) -> serde_json::Map<String, serde_json::Value> {
    let a = w.json(["case", "answers", reference, "--json"]);
    a["confirmed"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v["value"].clone()))
        .collect()
}

fn all_answers(w: &Workdir) -> String {
    (1..=7)
        .map(|i| w.ok(["case", "answers", &format!("POL-{i:04}"), "--json"]))
        .collect()
}

#[test]
fn status_note_and_assignment_round_trip() {
    let w = sent_campaign();
    let deadline_before = w.json(["case", "deadline", "POL-0002", "--json"]);

    // A person sets a status, with a note; the event keeps both.
    let out = w.ok([
        "case",
        "status",
        "POL-0001",
        "Partially successful",
        "--note",
        "names withheld",
        "--by",
        "ana",
    ]);
    assert!(
        out.contains("awaiting_response -> partially_successful"),
        "{out}"
    );
    let show = w.json(["case", "show", "POL-0001", "--json"]);
    assert_eq!(show["case"]["status"], "partially_successful");
    let ev = show["events"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(ev["kind"], "status_set");
    assert_eq!(ev["note"], "partially_successful: names withheld");
    assert_eq!(ev["actor"], "ana");

    // Not a status, or a computed one: a clear error listing the vocabulary, nothing changed.
    let snap = w.snapshot();
    for bad in ["overdue", "long overdue", "lost", "draft"] {
        let err = w.fails(["case", "status", "POL-0002", bad]);
        assert!(
            err.contains("awaiting_response, acknowledged") && err.contains("delivery_failed"),
            "{err}"
        );
        if bad.contains("overdue") {
            assert!(err.contains("computed from the deadlines"), "{err}");
        }
    }
    assert_eq!(w.snapshot(), snap);

    // A note moves neither the status nor the deadline.
    w.ok([
        "case",
        "note",
        "POL-0002",
        "phoned: reply promised by Friday",
        "--by",
        "bo",
    ]);
    let show = w.json(["case", "show", "POL-0002", "--json"]);
    assert_eq!(show["case"]["status"], "awaiting_response");
    let ev = show["events"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        (ev["kind"].as_str(), ev["actor"].as_str()),
        (Some("note"), Some("bo"))
    );
    assert_eq!(
        w.json(["case", "deadline", "POL-0002", "--json"]),
        deadline_before
    );
    assert!(w
        .fails(["case", "note", "POL-0002", "  "])
        .contains("empty"));

    // Assignment: to users only; shown, filterable, clearable.
    let err = w.fails(["case", "assign", "POL-0003", "ana"]);
    assert!(err.contains("no user named 'ana'"), "{err}");
    w.add_user("ana", "staff");
    w.add_user("bo", "staff");
    w.ok(["case", "assign", "POL-0003", "ana"]);
    w.ok(["case", "assign", "POL-0005", "bo"]);
    assert_eq!(
        w.json(["case", "show", "POL-0003", "--json"])["assignee"],
        "ana"
    );
    let mine = w.json(["cases", "list", "--assignee", "ana", "--json"]);
    let refs: Vec<_> = mine
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["reference"].clone())
        .collect();
    assert_eq!(refs, ["POL-0003"]);
    assert!(w
        .ok(["case", "show", "POL-0003"])
        .contains("assignee:      ana"));
    w.ok(["case", "assign", "POL-0003", "--clear"]);
    assert!(w.json(["case", "show", "POL-0003", "--json"])["assignee"].is_null());
    assert_eq!(
        w.json(["cases", "list", "--assignee", "ana", "--json"]),
        serde_json::json!([])
    );
    assert!(w.fails(["case", "assign", "POL-0003"]).contains("<NAME>"));
    assert!(w
        .fails(["case", "assign", "POL-0003", " "])
        .contains("--clear"));
}

#[test]
fn answers_are_checked_against_their_type_and_saved_all_or_nothing() {
    let w = sent_campaign();
    w.ok([
        "case",
        "answer",
        "POL-0001",
        "uses_hikvision_or_dahua=Y",
        "camera_count=1,200",
        "supplier= Acme Ltd ",
        "contract_status=ACTIVE",
        "--by",
        "ana",
    ]);
    let a = confirmed(&w, "POL-0001");
    assert_eq!(a["uses_hikvision_or_dahua"], "yes");
    assert_eq!(a["camera_count"], "1200");
    assert_eq!(a["supplier"], "Acme Ltd");
    assert_eq!(a["contract_status"], "active");
    let show = w.ok(["case", "show", "POL-0001"]);
    assert!(
        show.contains("camera_count") && show.contains("1200 (ana)"),
        "{show}"
    );

    // One bad value per type (and an unknown key, and no '='): each is named, none saved,
    // not even the good one given with them.
    let before = all_answers(&w);
    let cases: [(&str, &str); 5] = [
        (
            "uses_hikvision_or_dahua=maybe",
            "'maybe' is not yes, no or unknown",
        ),
        ("camera_count=a dozen", "'a dozen' is not a number"),
        (
            "contract_status=lapsed",
            "'lapsed' is not one of: active, expired, none, not disclosed",
        ),
        ("colour=red", "'colour' is not a question of this campaign"),
        ("camera_count", "is not key=value"),
    ];
    for (arg, want) in cases {
        let err = w.fails(["case", "answer", "POL-0001", "supplier=Other", arg]);
        assert!(err.contains(want), "{arg}: {err}");
        assert!(err.contains("nothing was changed"), "{err}");
    }
    let err = w.fails([
        "case",
        "answer",
        "POL-0001",
        "uses_hikvision_or_dahua=maybe",
        "camera_count=lots",
        "contract_status=lapsed",
    ]);
    assert!(err.contains("3 answer(s) not valid"), "{err}");
    assert_eq!(all_answers(&w), before);
    assert!(w
        .fails(["case", "answer", "POL-9999", "camera_count=1"])
        .contains("no case"));

    // `key=` clears one answer and leaves the others.
    w.ok(["case", "answer", "POL-0001", "camera_count="]);
    let a = confirmed(&w, "POL-0001");
    assert!(!a.contains_key("camera_count"));
    assert_eq!(a["supplier"], "Acme Ltd");
}

#[test]
fn answers_import_codes_many_cases_or_none() {
    let w = sent_campaign();
    w.ok(["case", "answer", "POL-0004", "supplier=Keep Me"]);
    let good = w.write(
        "good.csv",
        "reference,uses_hikvision_or_dahua,camera_count,supplier\n\
         POL-0001,yes,12,Acme\n\
         pol-0002,N,0012.50,\n\
         [POL-0004],unknown,,\n",
    );
    let out = w.ok(["answers", "import", good.to_str().unwrap(), "--by", "ana"]);
    assert!(
        out.starts_with("3 rows: 6 answers changed, 0 unchanged"),
        "{out}"
    );
    assert_eq!(confirmed(&w, "POL-0002")["camera_count"], "12.5");
    let a4 = confirmed(&w, "POL-0004");
    assert_eq!(
        a4["supplier"], "Keep Me",
        "an empty cell leaves the answer as it is"
    );
    assert_eq!(a4["uses_hikvision_or_dahua"], "unknown");
    // The same file again changes nothing.
    let out = w.ok(["answers", "import", good.to_str().unwrap()]);
    assert!(
        out.starts_with("3 rows: 0 answers changed, 6 unchanged"),
        "{out}"
    );

    // A file with one good row and bad ones: every problem by line and column, nothing saved.
    let before = all_answers(&w);
    let bad = w.write(
        "bad.csv",
        "reference,camera_count,contract_status\n\
         POL-0005,7,none\n\
         POL-0006,seven,\n\
         POL-9999,1,\n\
         POL-0007,2,sometimes\n\
         POL-0005,3,\n",
    );
    let err = w.fails(["answers", "import", bad.to_str().unwrap()]);
    for want in [
        "line 3, column 'camera_count': 'seven' is not a number",
        "line 4, column 'reference': no case with reference 'POL-9999'",
        "line 5, column 'contract_status': 'sometimes' is not one of",
        "line 6, column 'reference': POL-0005 is on line 2 already",
        "4 problem(s)",
        "nothing was changed",
    ] {
        assert!(err.contains(want), "missing {want:?} in:\n{err}");
    }
    assert_eq!(all_answers(&w), before);

    // The same with CRLF line ends (Excel, Python's csv): the lines are the same.
    let crlf = w.write(
        "bad-crlf.csv",
        "reference,camera_count\r\nPOL-0005,7\r\nPOL-0006,seven\r\nPOL-0007,2\r\nPOL-9999,1\r\n",
    );
    let err = w.fails(["answers", "import", crlf.to_str().unwrap()]);
    for want in [
        "line 3, column 'camera_count': 'seven' is not a number",
        "line 5, column 'reference': no case with reference 'POL-9999'",
    ] {
        assert!(err.contains(want), "missing {want:?} in:\n{err}");
    }
    assert_eq!(all_answers(&w), before);

    // A column that is no question, and a file without a reference column.
    let typo = w.write("typo.csv", "reference,camera_cont\nPOL-0005,7\n");
    let err = w.fails(["answers", "import", typo.to_str().unwrap()]);
    assert!(
        err.contains("line 1, column 'camera_cont': not a question of campaign c"),
        "{err}"
    );
    let noref = w.write("noref.csv", "case,camera_count\nPOL-0005,7\n");
    assert!(w
        .fails(["answers", "import", noref.to_str().unwrap()])
        .contains("no 'reference' column"));
    assert_eq!(all_answers(&w), before);
}

#[test]
fn a_reply_suggests_an_answer_that_counts_only_once_confirmed() {
    let w = sent_campaign();
    // The rule's keyword in the new part of a reply; and, in another reply, only in the
    // quoted request (which names the very brands asked about).
    let r3 = w.write(
        "r3.eml",
        reply(
            "POL-0003",
            3,
            "Dear requester,\r\n\r\nThe force's town centre cameras are made by HIKVISION; we hold 42.\r\n\r\nRegards",
        ),
    );
    let r4 = w.write(
        "r4.eml",
        reply(
            "POL-0004",
            4,
            "We will reply shortly.\r\n\r\nOn 2 March 2026 you wrote:\r\n> Do you use cameras made by Hikvision or Dahua?\r\n",
        ),
    );
    let out = w
        .foi(["import-mail", r3.to_str().unwrap(), r4.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.starts_with("new 2, matched 2"), "{stdout}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("suggested 1 answer(s)"), "{stderr}");

    let s = w.json(["answers", "suggestions", "c", "--json"]);
    let s = s.as_array().unwrap();
    assert_eq!(s.len(), 1, "{s:?}");
    assert_eq!(s[0]["reference"], "POL-0003");
    assert_eq!(s[0]["question"], "uses_hikvision_or_dahua");
    assert_eq!(s[0]["value"], "yes");
    assert_eq!(s[0]["state"], "suggested");
    assert!(
        s[0]["evidence"]
            .as_str()
            .unwrap()
            .contains("made by HIKVISION"),
        "{s:?}"
    );
    assert!(s[0]["message_id"].as_i64().is_some());

    // Shown as a suggestion, not an answer: not confirmed, not exported.
    assert!(confirmed(&w, "POL-0003").is_empty());
    let show = w.ok(["case", "show", "POL-0003"]);
    assert!(show.contains("[suggested: yes from message"), "{show}");
    let csv = w.ok(["export", "cases", "c", "--csv"]);
    let row = csv.lines().find(|l| l.starts_with("POL-0003,")).unwrap();
    assert!(!row.contains(",yes,"), "{row}");

    // Running the rules again finds the same, changes nothing.
    let again = w.json(["answers", "suggest", "c", "--json"]);
    assert_eq!(
        (again["found"].as_i64(), again["stored"].as_i64()),
        (Some(1), Some(0))
    );

    // Confirming makes it an answer (with its evidence kept) and ends the suggestion.
    assert!(w
        .fails(["answers", "confirm", "POL-0003", "supplier"])
        .contains("no suggestion for 'supplier'"));
    w.ok([
        "answers",
        "confirm",
        "POL-0003",
        "uses_hikvision_or_dahua",
        "--by",
        "ana",
    ]);
    let a = w.json(["case", "answers", "POL-0003", "--json"]);
    let c = &a["confirmed"]["uses_hikvision_or_dahua"];
    assert_eq!(
        (c["value"].as_str(), c["actor"].as_str()),
        (Some("yes"), Some("ana"))
    );
    assert!(c["evidence"].as_str().unwrap().contains("HIKVISION"));
    assert!(a["suggested"].as_object().unwrap().is_empty());
    assert_eq!(
        w.json(["answers", "suggestions", "--json"]),
        serde_json::json!([])
    );
    let csv = w.ok(["export", "cases", "c", "--csv"]);
    let row = csv.lines().find(|l| l.starts_with("POL-0003,")).unwrap();
    assert!(row.contains(",yes,"), "{row}");
    // A person's answer is never overridden by a rule.
    w.ok(["case", "answer", "POL-0003", "uses_hikvision_or_dahua=no"]);
    w.ok(["answers", "suggest"]);
    assert_eq!(confirmed(&w, "POL-0003")["uses_hikvision_or_dahua"], "no");
    assert_eq!(
        w.json(["answers", "suggestions", "--json"]),
        serde_json::json!([])
    );
}

#[test]
fn confirm_all_confirms_a_campaigns_suggestions() {
    let w = sent_campaign();
    let files: Vec<String> = [
        ("POL-0001", "We have Dahua cameras."),
        ("POL-0002", "We use neither brand."),
        ("POL-0005", "This is commercially sensitive."),
    ]
    .iter()
    .enumerate()
    .map(|(i, (r, body))| {
        w.write(&format!("r{i}.eml"), reply(r, i as u32, body))
            .to_string_lossy()
            .into_owned()
    })
    .collect();
    let mut args = vec!["import-mail".to_string()];
    args.extend(files);
    w.ok(&args);
    assert_eq!(
        w.json(["answers", "suggestions", "--json"])
            .as_array()
            .unwrap()
            .len(),
        3
    );
    assert!(w
        .ok(["answers", "confirm", "--all", "c"])
        .contains("confirmed 3"));
    assert_eq!(confirmed(&w, "POL-0001")["uses_hikvision_or_dahua"], "yes");
    assert_eq!(confirmed(&w, "POL-0002")["uses_hikvision_or_dahua"], "no");
    assert_eq!(
        confirmed(&w, "POL-0005")["contract_status"],
        "not disclosed"
    );
}

#[test]
fn a_case_not_yet_sent_gets_no_status_by_hand() {
    let w = Workdir::new();
    w.import_examples();
    w.create_example_campaign("tag:police", "POL");
    let snap = w.snapshot();
    let err = w.fails(["case", "status", "POL-0001", "withdrawn"]);
    assert!(err.contains("has not been sent (draft)"), "{err}");
    assert_eq!(w.snapshot(), snap);
    // Notes, assignment and answers are fine before sending.
    w.ok(["case", "note", "POL-0001", "check the address first"]);
    w.add_user("ana", "staff");
    w.ok(["case", "assign", "POL-0001", "ana"]);
    w.ok(["case", "answer", "POL-0001", "supplier=Acme"]);
}
