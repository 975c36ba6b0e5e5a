//! `foi campaign` and `foi cases`: creation, selection, references, tokens, preview checks.

use crate::support::{repo_path, Workdir};
use std::collections::HashSet;

fn create(w: &Workdir, name: &str, template: &str, select: &[&str], prefix: &str) -> String {
    let mut args = vec![
        "campaign",
        "create",
        name,
        "--template",
        template,
        "--reference-prefix",
        prefix,
    ];
    for s in select {
        args.extend(["--select", s]);
    }
    w.ok(args)
}

#[test]
fn a_campaign_has_one_case_per_selected_body_with_references_and_tokens() {
    let w = Workdir::new();
    w.import_examples();
    let out = create(
        &w,
        "cctv",
        &repo_path("examples/cctv-campaign"),
        &["tag:council", "tag:school,region:scotland"],
        "cctv24",
    );
    assert!(out.contains("with 18 cases"), "{out}");
    assert!(out.contains("every case renders"), "{out}");
    let cases = w.json(["cases", "list", "--campaign", "cctv", "--json"]);
    let cases = cases.as_array().unwrap();
    assert_eq!(cases.len(), 18, "15 councils + 3 Scottish schools");
    let refs: Vec<&str> = cases
        .iter()
        .map(|c| c["reference"].as_str().unwrap())
        .collect();
    let expected: Vec<String> = (1..=18).map(|i| format!("CCTV24-{i:04}")).collect();
    assert_eq!(refs, expected);
    let tokens: HashSet<&str> = cases.iter().map(|c| c["token"].as_str().unwrap()).collect();
    assert_eq!(tokens.len(), 18, "tokens are unique");
    assert!(tokens.iter().all(|t| t.len() == 16
        && t.bytes()
            .all(|b| b.is_ascii_lowercase() || (b'2'..=b'7').contains(&b))));
    assert!(cases.iter().all(|c| c["status"] == "draft"));

    let show = w.json(["campaign", "show", "cctv", "--json"]);
    assert_eq!(show["cases"], 18);
    assert_eq!(show["by_status"]["draft"], 18);
    let case = w.json(["case", "show", "cctv24-0001", "--json"]);
    let token = case["case"]["token"].as_str().unwrap();
    assert_eq!(case["reply_address"], format!("foi+{token}@example.org"));
}

#[test]
fn names_prefixes_and_empty_selections_are_checked() {
    let w = Workdir::new();
    w.import_examples();
    let t = repo_path("examples/cctv-campaign");
    create(&w, "cctv", &t, &["tag:police"], "POL");
    let before = w.snapshot();
    let e = w.fails([
        "campaign",
        "create",
        "cctv",
        "--template",
        &t,
        "--select",
        "all",
        "--reference-prefix",
        "NEW",
    ]);
    assert!(e.contains("exists already"), "{e}");
    let e = w.fails([
        "campaign",
        "create",
        "other",
        "--template",
        &t,
        "--select",
        "all",
        "--reference-prefix",
        "pol",
    ]);
    assert!(e.contains("used by another campaign"), "{e}");
    let e = w.fails([
        "campaign",
        "create",
        "other",
        "--template",
        &t,
        "--select",
        "tag:embassy",
        "--reference-prefix",
        "EMB",
    ]);
    assert!(e.contains("no body matches"), "{e}");
    let e = w.fails([
        "campaign",
        "create",
        "other",
        "--template",
        &t,
        "--select",
        "colour:red",
        "--reference-prefix",
        "EMB",
    ]);
    assert!(e.contains("not a selection term"), "{e}");
    let e = w.fails([
        "campaign",
        "create",
        "other",
        "--template",
        &t,
        "--select",
        "all",
        "--reference-prefix",
        "A-1",
    ]);
    assert!(e.contains("reference prefix"), "{e}");
    let e = w.fails([
        "campaign",
        "create",
        "other",
        "--template",
        "/nonexistent",
        "--select",
        "all",
        "--reference-prefix",
        "ABC",
    ]);
    assert!(e.contains("template folder"), "{e}");
    assert_eq!(before, w.snapshot());
}

#[test]
fn keys_file_and_negation_select_bodies() {
    let w = Workdir::new();
    w.import_examples();
    let keys = w.write("keys.txt", "# the pilot\nC001\nC002\nU001\n");
    let sel = format!("keys:{}", keys.display());
    let out = create(
        &w,
        "pilot",
        &repo_path("examples/cctv-campaign"),
        &[&sel],
        "PILOT",
    );
    assert!(out.contains("with 3 cases"), "{out}");
    let out = create(
        &w,
        "eng-schools",
        &repo_path("examples/cctv-campaign"),
        &["tag:school,!region:scotland"],
        "SCH",
    );
    assert!(out.contains("with 9 cases"), "{out}");
}

#[test]
fn a_missing_variable_is_reported_with_the_body_and_blocks_the_check() {
    let w = Workdir::new();
    // Only some bodies have a head_teacher column value: the column exists for all rows,
    // but one file lacks it entirely, so the variable is missing for those bodies.
    w.import_examples();
    let heads = w.write(
        "heads.csv",
        "id,name,email,tags,head_teacher\nS900,Test Academy,office@test-academy.example,school,Dr Who\n",
    );
    w.ok(["bodies", "import", heads.to_str().unwrap()]);
    let t = w.campaign_dir(
        "heads",
        "Dear {{body.head_teacher}},\n\nPlease tell me ...\n",
    );
    let out = w
        .foi([
            "campaign",
            "create",
            "heads",
            "--template",
            &t,
            "--select",
            "tag:school",
            "--reference-prefix",
            "HT",
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "the campaign is created; its check fails: {stderr}"
    );
    assert!(stderr.contains("12 of 13 cases do not render"), "{stderr}");
    assert!(
        stderr.contains("Camford Academy: body.txt.hbs: no value for variable 'body.head_teacher'"),
        "{stderr}"
    );
    let show = w.json(["campaign", "show", "heads", "--json"]);
    assert!(show["campaign"]["checked_digest"].is_null());

    let e = w.fails(["campaign", "preview", "heads"]);
    assert!(
        e.contains("Glenmuir Academy: body.txt.hbs: no value for variable 'body.head_teacher'"),
        "{e}"
    );
    assert!(e.contains("cannot be launched"), "{e}");

    // Fix the template: the check passes and is recorded.
    w.write(
        "heads/body.txt.hbs",
        "Dear {{#if body.head_teacher}}{{body.head_teacher}}{{else}}Headteacher{{/if}},\n",
    );
    let test_academy = w.json(["bodies", "show", "S900", "--json"]);
    let reference = test_academy["cases"][0]["reference"]
        .as_str()
        .unwrap()
        .to_string();
    let ok = w
        .foi(["campaign", "preview", "heads", "--case", &reference])
        .output()
        .unwrap();
    assert!(ok.status.success());
    assert!(String::from_utf8_lossy(&ok.stdout).contains("Dear Dr Who,"));
    let show = w.json(["campaign", "show", "heads", "--json"]);
    assert!(show["campaign"]["checked_digest"].is_string());
}

#[test]
fn a_template_syntax_error_stops_creation() {
    let w = Workdir::new();
    w.import_examples();
    let before = w.snapshot();
    let t = w.campaign_dir("broken", "Dear {{body.name}\n");
    let e = w.fails([
        "campaign",
        "create",
        "broken",
        "--template",
        &t,
        "--select",
        "all",
        "--reference-prefix",
        "BRK",
    ]);
    assert!(e.contains("body.txt.hbs line"), "{e}");
    assert_eq!(before, w.snapshot());
}

#[test]
fn preview_shows_exact_headers_and_writes_every_case() {
    let w = Workdir::new();
    w.import_examples();
    create(
        &w,
        "cctv",
        &repo_path("examples/cctv-campaign"),
        &["tag:police"],
        "POL",
    );
    let out = w.ok(["campaign", "preview", "cctv", "--case", "POL-0002"]);
    let case = w.json(["case", "show", "POL-0002", "--json"]);
    let token = case["case"]["token"].as_str().unwrap();
    let body = case["case"]["body_name"].as_str().unwrap();
    assert!(
        out.contains("From: Alex Campaigner <foi@example.org>"),
        "{out}"
    );
    assert!(
        out.contains(&format!("Reply-To: foi+{token}@example.org")),
        "{out}"
    );
    assert!(out.contains("[POL-0002]"), "{out}");
    assert!(
        out.contains(&format!("Dear Freedom of Information Unit,\n{body}")),
        "{out}"
    );
    assert!(
        out.contains("2 March 2026"),
        "today comes from the clock: {out}"
    );

    let dir = w.path().join("previews");
    w.ok([
        "campaign",
        "preview",
        "cctv",
        "--all",
        "--out",
        dir.to_str().unwrap(),
    ]);
    let txt: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| {
            let p = e.unwrap().path();
            (p.extension()? == "txt").then_some(p)
        })
        .collect();
    assert_eq!(txt.len(), 7);
    let one = std::fs::read_to_string(dir.join("POL-0001.txt")).unwrap();
    assert!(one.starts_with("From: "), "{one}");
    assert!(dir.join("POL-0001.html").exists());
}

#[test]
fn case_listings_filter_by_status_and_print_csv() {
    let w = Workdir::new();
    w.import_examples();
    create(
        &w,
        "cctv",
        &repo_path("examples/cctv-campaign"),
        &["all"],
        "CCTV",
    );
    let csv = w.ok(["cases", "list", "--campaign", "cctv", "--csv"]);
    assert_eq!(csv.lines().count(), 53);
    let none = w.json(["cases", "list", "--status", "refused", "--json"]);
    assert_eq!(none.as_array().unwrap().len(), 0);
    let e = w.fails(["cases", "list", "--status", "lost"]);
    assert!(e.contains("awaiting_response"), "{e}");
    let e = w.fails(["case", "show", "CCTV-9999"]);
    assert!(e.contains("foi cases list"), "{e}");
}
