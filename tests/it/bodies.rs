//! `foi init` and `foi bodies`: import, re-import, bad input, listings.

use crate::support::{repo_path, Workdir};

#[test]
fn init_creates_the_working_folder_once() {
    let w = Workdir::new();
    assert!(w.config().exists());
    assert!(w.path().join("foi.db").exists());
    assert!(w.path().join("data").is_dir());
    let err = w.fails(["init", "--dir", w.path().to_str().unwrap()]);
    assert!(err.contains("already exists"), "{err}");
}

#[test]
fn a_missing_config_says_to_run_init() {
    let w = Workdir::new();
    let err = w.fails(["--config", "/nonexistent/foi.toml", "bodies", "list"]);
    assert!(err.contains("foi init"), "{err}");
}

#[test]
fn import_then_reimport_reports_added_updated_unchanged() {
    let w = Workdir::new();
    let out = w.ok(["bodies", "import", &repo_path("examples/bodies.csv")]);
    assert!(out.contains("added 52, updated 0, unchanged 0"), "{out}");
    let out = w.ok(["bodies", "import", &repo_path("examples/bodies.csv")]);
    assert!(out.contains("added 0, updated 0, unchanged 52"), "{out}");

    // One renamed, one new, the rest missing from the file (kept).
    let f = w.write(
        "update.csv",
        "id,name,email,tags,regime,region,foi_contact\n\
         C001,Camford City Council,foi@camford-council.example,council,uk-foia,england,FOI Team\n\
         X001,New Body,foi@new-body.example,council,,england,FOI Team\n",
    );
    let dry = w.ok(["bodies", "import", f.to_str().unwrap(), "--dry-run"]);
    assert!(
        dry.contains("would add 1, update 1, leave 0 unchanged (51 stored"),
        "{dry}"
    );
    let before = w.snapshot();
    assert_eq!(before, w.snapshot());
    let out = w.ok(["bodies", "import", f.to_str().unwrap()]);
    assert!(
        out.contains("added 1, updated 1, unchanged 0 (51 stored"),
        "{out}"
    );
    let body = w.json(["bodies", "show", "C001", "--json"]);
    assert_eq!(body["body"]["name"], "Camford City Council");
    assert_eq!(body["body"]["fields"]["foi_contact"], "FOI Team");
    let new = w.json(["bodies", "show", "foi@new-body.example", "--json"]);
    assert_eq!(
        new["body"]["regime"], "uk-foia",
        "blank regime takes the default"
    );
}

#[test]
fn bom_excel_quoting_and_keys_from_the_name() {
    let w = Workdir::new();
    let f = w.write(
        "excel.csv",
        "\u{feff}\"name\",\"email\",\"tags\",\"Head Teacher\"\r\n\
         \"St Mary's \"\"Upper\"\" School, Camford\",\"Office@StMarys.example\",\"school; secondary\",\"Ms Reid\"\r\n",
    );
    w.ok(["bodies", "import", f.to_str().unwrap()]);
    let b = w.json(["bodies", "show", "office@stmarys.example", "--json"]);
    assert_eq!(b["body"]["name"], "St Mary's \"Upper\" School, Camford");
    assert_eq!(b["body"]["key"], "st-mary-s-upper-school-camford");
    assert_eq!(b["body"]["email"], "Office@stmarys.example");
    assert_eq!(
        b["body"]["tags"],
        serde_json::json!(["school", "secondary"])
    );
    assert_eq!(b["body"]["fields"]["head_teacher"], "Ms Reid");
}

#[test]
fn whatdotheyknow_export_columns_are_understood() {
    let w = Workdir::new();
    let f = w.write(
        "wdtk.csv",
        "Name,Short name,URL name,Tags,Home page,Publication scheme,Request email\n\
         Camford Council,Camford,camford_council,local_council london_borough,https://camford.example,,foi@camford.example\n",
    );
    w.ok(["bodies", "import", f.to_str().unwrap()]);
    let b = w.json(["bodies", "show", "camford_council", "--json"]);
    assert_eq!(b["body"]["fields"]["short_name"], "Camford");
    assert_eq!(b["body"]["fields"]["home_page"], "https://camford.example");
    assert_eq!(
        b["body"]["tags"],
        serde_json::json!(["local_council", "london_borough"])
    );
}

/// Each bad file exits non-zero, names the line (and column) and changes nothing.
#[test]
fn bad_files_are_refused_whole_and_change_nothing() {
    let w = Workdir::new();
    w.import_examples();
    let before = w.snapshot();
    let cases: &[(&str, &[u8], &[&str])] = &[
        (
            "bad-email.csv",
            b"name,email\nGood,good@x.example\nBad,not an address\n",
            &["line 3, column 'email'", "invalid email address"],
        ),
        (
            "no-name.csv",
            b"name,email\n,a@x.example\n",
            &["line 2, column 'name'", "name is empty"],
        ),
        (
            "duplicate.csv",
            b"id,name,email\nK1,A,a@x.example\nK1,B,b@x.example\n",
            &["line 3, column 'id'", "duplicate key 'K1': line 2"],
        ),
        (
            "regime.csv",
            b"name,email,regime\nA,a@x.example,narnia-foi\n",
            &["line 2, column 'regime'", "narnia-foi"],
        ),
        (
            "latin1.csv",
            b"name,email\nA,a@x.example\nCaf\xe9 Council,c@x.example\n",
            &["line 3", "UTF-8"],
        ),
        (
            "quotes.csv",
            b"name,email\n\"Unclosed, a@x.example\nB,b@x.example\n",
            &["line 2"],
        ),
        (
            "columns.csv",
            b"title,address\nA,a@x.example\n",
            &["no 'name' column", "no 'email' column"],
        ),
        ("empty.csv", b"", &["empty"]),
    ];
    for (name, content, expected) in cases {
        let f = w.write(name, content);
        let err = w.fails(["bodies", "import", f.to_str().unwrap()]);
        for e in *expected {
            assert!(err.contains(e), "{name}: expected {e:?} in:\n{err}");
        }
        assert!(err.contains("nothing was changed"), "{name}: {err}");
        assert_eq!(before, w.snapshot(), "{name} changed the database");
    }
    let err = w.fails(["bodies", "import", "/nonexistent.csv"]);
    assert!(err.contains("cannot read"), "{err}");
}

#[test]
fn listing_by_tag_as_table_json_and_csv() {
    let w = Workdir::new();
    w.import_examples();
    let police = w.json(["bodies", "list", "--tag", "police", "--json"]);
    assert_eq!(police.as_array().unwrap().len(), 7);
    let csv = w.ok(["bodies", "list", "--tag", "university", "--csv"]);
    let mut r = csv::Reader::from_reader(csv.as_bytes());
    assert_eq!(r.headers().unwrap().get(1), Some("name"));
    assert_eq!(r.records().count(), 8);
    let table = w.ok(["bodies", "list", "--tag", "council"]);
    assert_eq!(table.lines().count(), 16, "header + 15 councils:\n{table}");
    assert!(table.contains("Glenmuir Council"));
    let err = w.fails(["bodies", "show", "nobody"]);
    assert!(err.contains("foi bodies list"), "{err}");
}

/// Two bodies that share one FOI team: both imported (keys from their names), a warning
/// for the shared address and one for the same name twice, nothing refused. A re-import
/// updates them; an old body keyed by its address is found again.
#[test]
fn bodies_may_share_an_address_with_a_warning() {
    let w = Workdir::new();
    let f = w.write(
        "shared.csv",
        "name,email,tags\n\
         North Vale District Council,foi@valeshared.example,council\n\
         South Vale District Council,foi@valeshared.example,council\n\
         The North Vale District Council,other@northvale.example,council\n",
    );
    let out = w
        .foi(["bodies", "import", f.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(out.status.success());
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert!(stdout.contains("added 3, updated 0"), "{stdout}");
    assert!(
        stderr.contains("line 3: 'South Vale District Council' shares the address foi@valeshared.example with line 2"),
        "{stderr}"
    );
    assert!(
        stderr.contains("line 4: 'The North Vale District Council' has the same name as line 2"),
        "{stderr}"
    );
    let north = w.json(["bodies", "show", "north-vale-district-council", "--json"]);
    let south = w.json(["bodies", "show", "south-vale-district-council", "--json"]);
    assert_eq!(north["body"]["email"], south["body"]["email"]);
    assert_eq!(
        w.json([
            "bodies",
            "show",
            "the-north-vale-district-council",
            "--json"
        ])["body"]["email"],
        "other@northvale.example"
    );
    // The shared address names no one body.
    let err = w.fails(["bodies", "show", "foi@valeshared.example"]);
    assert!(
        err.contains("nor one body alone with that address"),
        "{err}"
    );
    let out = w.ok(["bodies", "import", f.to_str().unwrap()]);
    assert!(out.contains("added 0, updated 0, unchanged 3"), "{out}");
}

/// WhatDoTheyKnow's export has no addresses: `--emails` gives them by `URL name`; rows it
/// has none for are left out (and said so); a key it names that the export lacks is refused.
#[test]
fn a_whatdotheyknow_export_with_an_emails_file() {
    let w = Workdir::new();
    let export = w.write(
        "all-authorities.csv",
        "Name,Short name,URL name,Tags,Home page,Publication scheme,Disclosure log,Notes,Created at,Updated at,Version\n\
         Camford Council,Camford,camford_council,local_council,https://camford.example,,,,2008-01-01,2025-01-01,3\n\
         Glenmuir Council,Glenmuir,glenmuir_council,local_council,https://glenmuir.example,,,,2008-01-01,2025-01-01,2\n\
         Unlisted Trust,Unlisted,unlisted_trust,nhs_trust,,,,,2010-01-01,2025-01-01,1\n",
    );
    let emails = w.write(
        "emails.csv",
        "key,email\ncamford_council,foi@camford.example\nglenmuir_council,FOI@Glenmuir.example\n",
    );
    let out = w
        .foi([
            "bodies",
            "import",
            export.to_str().unwrap(),
            "--emails",
            emails.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("added 2,"));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("left out 1 row"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let b = w.json(["bodies", "show", "glenmuir_council", "--json"]);
    assert_eq!(b["body"]["email"], "FOI@glenmuir.example");
    assert_eq!(b["body"]["fields"]["short_name"], "Glenmuir");

    // A typo in the emails file: refused, named by its line there, nothing changed.
    let before = w.snapshot();
    let typo = w.write(
        "typo.csv",
        "camford_council,foi@camford.example\r\nglenmuir_councll,foi@glenmuir.example\r\n",
    );
    let err = w.fails([
        "bodies",
        "import",
        export.to_str().unwrap(),
        "--emails",
        typo.to_str().unwrap(),
    ]);
    assert!(
        err.contains("typo.csv: line 2, column 'key': no body in the directory file has the key 'glenmuir_councll'"),
        "{err}"
    );
    assert!(err.contains("nothing was changed"), "{err}");
    assert_eq!(before, w.snapshot());
}

/// A CSV saved with CRLF line ends names the line an editor shows.
#[test]
fn crlf_files_report_the_right_line() {
    let w = Workdir::new();
    let mut csv = String::from("id,name,email\r\n");
    for i in 1..=1232 {
        csv.push_str(&format!("B{i},Body {i},foi@body{i}.example\r\n"));
    }
    csv.push_str("B1233,Broken Body,not-an-address\r\n");
    let f = w.write("crlf.csv", csv);
    let err = w.fails(["bodies", "import", f.to_str().unwrap()]);
    assert!(err.contains("line 1234, column 'email'"), "{err}");
}

/// An excluded body is skipped by campaigns created afterwards, and shown as excluded.
#[test]
fn excluded_bodies_are_skipped_by_campaigns() {
    let w = Workdir::new();
    w.import_examples();
    let police = w.json(["bodies", "list", "--tag", "police", "--json"]);
    let key = police[0]["key"].as_str().unwrap().to_string();
    let err = w.fails(["bodies", "exclude", &key, "--reason", "  "]);
    assert!(err.contains("say why"), "{err}");
    let out = w.ok([
        "bodies",
        "exclude",
        &key,
        "--reason",
        "merged into another force",
    ]);
    assert!(out.contains("excluded"), "{out}");
    let shown = w.ok(["bodies", "show", &key]);
    assert!(
        shown.contains("EXCLUDED from campaigns: merged into another force"),
        "{shown}"
    );
    w.create_example_campaign("tag:police", "POL");
    let cases = w.json(["cases", "list", "--json"]);
    assert_eq!(
        cases.as_array().unwrap().len(),
        6,
        "7 police forces, one excluded"
    );
    w.ok(["bodies", "include", &key]);
    assert!(!w.ok(["bodies", "show", &key]).contains("EXCLUDED"));
    let err = w.fails(["bodies", "exclude", "no-such-body", "--reason", "x"]);
    assert!(err.contains("foi bodies list"), "{err}");
}

/// `n` bodies with ids, one a line, from line 2; `broken` (a line number) gets an address
/// that is not one.
fn many_bodies(n: usize, renamed: &[usize], broken: Option<usize>) -> String {
    let mut csv = String::from("id,name,email,tags\n");
    for i in 1..=n {
        let name = if renamed.contains(&i) {
            format!("Renamed Body {i}")
        } else {
            format!("Body {i}")
        };
        let email = if broken == Some(i + 1) {
            "not-an-address".to_string()
        } else {
            format!("foi@body{i}.example")
        };
        csv.push_str(&format!("B{i:05},{name},{email},council;t{}\n", i % 7));
    }
    csv
}

/// The import reads the file as a stream in two passes and writes in batches of 500:
/// a file of thousands of rows whose last line is bad changes nothing and names that line;
/// a re-import spanning many batches updates only the rows that changed.
#[test]
fn a_large_file_is_checked_whole_before_any_batch_is_written() {
    let w = Workdir::new();
    let f = w.write("many.csv", many_bodies(5_000, &[], None));
    let out = w.ok(["bodies", "import", f.to_str().unwrap()]);
    assert!(out.contains("added 5000, updated 0, unchanged 0"), "{out}");
    let before = w.snapshot();

    // Every row but the last would update a body: still nothing is written.
    let all: Vec<usize> = (1..=5_000).collect();
    let bad = w.write("bad.csv", many_bodies(5_000, &all, Some(5_001)));
    let err = w.fails(["bodies", "import", bad.to_str().unwrap()]);
    assert!(err.contains("line 5001, column 'email'"), "{err}");
    assert!(err.contains("1 problem in"), "{err}");
    assert!(err.contains("nothing was changed"), "{err}");
    assert_eq!(before, w.snapshot(), "a refused file changed the database");

    // Two changed rows in different batches, a dry run first.
    let changed = w.write("changed.csv", many_bodies(5_000, &[700, 4_321], None));
    let dry = w.ok(["bodies", "import", changed.to_str().unwrap(), "--dry-run"]);
    assert!(
        dry.contains("would add 0, update 2, leave 4998 unchanged (0 stored"),
        "{dry}"
    );
    assert_eq!(before, w.snapshot(), "a dry run changed the database");
    let out = w.ok(["bodies", "import", changed.to_str().unwrap()]);
    assert!(out.contains("added 0, updated 2, unchanged 4998"), "{out}");
    let b = w.json(["bodies", "show", "B04321", "--json"]);
    assert_eq!(b["body"]["name"], "Renamed Body 4321");
    assert_eq!(b["body"]["tags"], serde_json::json!(["council", "t2"]));
    let out = w.ok(["bodies", "import", changed.to_str().unwrap()]);
    assert!(out.contains("added 0, updated 0, unchanged 5000"), "{out}");
}

/// Thousands of bad rows: the first 200 are shown, the rest counted; thousands of
/// warnings likewise (the import goes ahead).
#[test]
fn thousands_of_problems_are_counted_and_the_first_shown() {
    let w = Workdir::new();
    let mut csv = String::from("name,email\n");
    for i in 1..=3_000 {
        csv.push_str(&format!("Body {i},not-an-address-{i}\n"));
    }
    let f = w.write("bad.csv", csv);
    let err = w.fails(["bodies", "import", f.to_str().unwrap()]);
    assert!(err.contains("line 2, column 'email'"), "{err}");
    assert!(err.contains("line 201, column 'email'"), "{err}");
    assert!(!err.contains("line 202, column"), "{err}");
    assert!(err.contains("... and 2800 more"), "{err}");
    assert!(err.contains("3000 problems in"), "{err}");

    let mut csv = String::from("name,email\n");
    for i in 1..=3_000 {
        csv.push_str(&format!("Council {i},foi@shared.example\n"));
    }
    let f = w.write("shared.csv", csv);
    let out = w
        .foi(["bodies", "import", f.to_str().unwrap()])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains(
            "line 3: 'Council 2' shares the address foi@shared.example with line 2 (Council 1)"
        ),
        "{stderr}"
    );
    assert!(stderr.contains("... and 2799 more warnings"), "{stderr}");
}

/// The file is read twice, so it must be a file: a pipe is refused with what to do.
#[test]
fn a_pipe_is_refused_with_what_to_do() {
    let w = Workdir::new();
    let fifo = w.path().join("bodies.fifo");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo is missing: apt-get install coreutils");
    assert!(made.success());
    let before = w.snapshot();
    let err = w.fails(["bodies", "import", fifo.to_str().unwrap()]);
    assert!(err.contains("is not a file"), "{err}");
    assert!(err.contains("save it to a file"), "{err}");
    assert_eq!(before, w.snapshot());
}

/// A row like a stored body the file does not update is warned about, naming the stored
/// body (read page by page, not held); the stored body a row updates is not.
#[test]
fn a_row_like_a_stored_body_is_warned_about() {
    let w = Workdir::new();
    let first = w.write(
        "first.csv",
        "id,name,email\nB1,Camford Council,foi@camford.example\nB2,Glenmuir Council,foi@glenmuir.example\n",
    );
    w.ok(["bodies", "import", first.to_str().unwrap()]);
    let second = w.write(
        "second.csv",
        "id,name,email\nB2,Glenmuir Council,foi@glenmuir.example\nX1,The Camford Council,other@camford.example\nX2,Elsewhere,FOI@Glenmuir.example\n",
    );
    let out = w
        .foi(["bodies", "import", second.to_str().unwrap()])
        .output()
        .unwrap();
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert!(out.status.success(), "{stderr}");
    assert!(
        stdout.contains("added 2, updated 0, unchanged 1 (1 stored"),
        "{stdout}"
    );
    assert!(
        stderr.contains(
            "line 3: 'The Camford Council' has the same name as stored body 'B1' (Camford Council)"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains("line 4: 'Elsewhere' shares the address FOI@glenmuir.example with line 2 (Glenmuir Council)"),
        "{stderr}"
    );
    assert_eq!(stderr.matches("warning:").count(), 2, "{stderr}");
}
