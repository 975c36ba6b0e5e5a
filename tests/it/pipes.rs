//! No command panics when its reader goes away (`foi message show 12 | head`): every read
//! command runs with stdout a pipe whose reader is already closed, and must end as if the
//! reader had read it all (exit 0), never with a panic (exit 101).

use crate::support::Workdir;
use crate::web::seeded;

/// Run `foi args` with stdout a closed pipe; assert it ended cleanly.
fn with_closed_stdout(w: &Workdir, now: &str, args: &[&str]) {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_foi"))
        .current_dir(w.path())
        .env("FOI_CONFIG", w.config())
        .env("FOI_NOW", now)
        .env_remove("RUST_LOG")
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start foi");
    // The reader goes away before the command has written anything.
    drop(child.stdout.take());
    let out = child.wait_with_output().expect("foi ends");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stderr.contains("panicked"),
        "{args:?} panicked on a closed stdout:\n{stderr}"
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{args:?} on a closed stdout:\n{stderr}"
    );
}

#[test]
fn no_command_panics_when_its_reader_goes_away() {
    let w = seeded();
    w.ok(["case", "note", "POL-0002", "phoned them"]);
    w.ok(["answers", "suggest"]);
    let triage = w.json(["triage", "list", "--json"]);
    let triage_id = triage[0]["id"].to_string();
    let case = w.json(["case", "show", "POL-0001", "--json"]);
    let message_id = case["messages"].as_array().unwrap().last().unwrap()["id"].to_string();
    let outbox_id = w.json(["outbox", "--json"])[0]["id"].to_string();
    let ics = w.path().join("due.ics");
    let late = "2026-05-20T10:00:00Z";
    let commands: Vec<Vec<&str>> = vec![
        vec!["--help"],
        vec!["case", "show", "--help"],
        vec!["bodies", "list"],
        vec!["bodies", "list", "--json"],
        vec!["bodies", "list", "--csv"],
        vec!["bodies", "show", "P001"],
        vec!["campaign", "list"],
        vec!["campaign", "list", "--json"],
        vec!["campaign", "show", "c"],
        vec!["campaign", "preview", "c"],
        vec!["cases", "list"],
        vec!["cases", "list", "--json"],
        vec!["cases", "list", "--csv"],
        vec!["search", "cameras"],
        vec!["search", "cameras", "--json"],
        vec!["case", "show", "POL-0001"],
        vec!["case", "show", "POL-0001", "--json"],
        vec!["case", "deadline", "POL-0001", "--explain"],
        vec!["case", "deadline", "POL-0001", "--json"],
        vec!["case", "answers", "POL-0001"],
        vec!["regimes"],
        vec!["regimes", "--json"],
        vec!["deadline", "--received", "2026-03-02", "--explain"],
        vec!["outbox"],
        vec!["outbox", "--json"],
        vec!["outbox", "show", &outbox_id],
        vec!["outbox", "show", &outbox_id, "--raw"],
        vec!["triage", "list"],
        vec!["triage", "list", "--json"],
        vec!["triage", "show", &triage_id],
        vec!["message", "show", &message_id],
        vec!["message", "show", &message_id, "--raw"],
        vec!["message", "show", &message_id, "--json"],
        vec!["overdue"],
        vec!["overdue", "--json"],
        vec!["overdue", "--csv"],
        vec!["deadlines", "--ics"],
        vec!["answers", "questions", "c"],
        vec!["answers", "questions", "c", "--json"],
        vec!["answers", "suggestions", "--json"],
        vec!["answers", "suggestions", "--csv"],
        vec!["export", "cases", "c", "--csv"],
        vec!["chasers", "pending"],
        vec!["report", "c"],
        vec!["report", "c", "--by", "tag", "--format", "csv"],
        vec!["report", "c", "--format", "json"],
        vec!["report", "c", "--format", "html"],
        vec!["users", "list"],
        vec!["users", "list", "--json"],
    ];
    for args in &commands {
        with_closed_stdout(&w, late, args);
    }
    // (writing to a file prints nothing to stdout, and still ends cleanly)
    with_closed_stdout(
        &w,
        late,
        &["deadlines", "--ics", "--out", ics.to_str().unwrap()],
    );
    assert!(ics.exists());
}

/// Every `message`, `triage` and `case` command, those that change something included,
/// ends cleanly with its reader gone, and still does what it was asked.
#[test]
fn message_triage_and_case_commands_end_cleanly_when_their_reader_goes_away() {
    let w = seeded();
    let triage = w.json(["triage", "list", "--json"]);
    let triage_id = triage[0]["id"].to_string();
    let case = w.json(["case", "show", "POL-0001", "--json"]);
    let inbound = case["messages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["direction"] == "inbound")
        .expect("the seeded reply")["id"]
        .to_string();
    let now = "2026-03-10T10:00:00Z";
    let commands: Vec<Vec<&str>> = vec![
        vec!["message", "show", &inbound],
        vec!["message", "show", &inbound, "--raw"],
        vec!["message", "show", &inbound, "--json"],
        vec!["message", "classify", &inbound, "acknowledgement"],
        vec!["triage", "show", &triage_id],
        vec!["triage", "attach", &triage_id, "POL-0003"],
        vec!["cases", "list", "--to-read"],
        vec!["case", "show", "POL-0003"],
        vec!["case", "note", "POL-0003", "rang the FOI team"],
        vec!["case", "event", "POL-0004", "extension", "--note", "+20"],
        vec!["case", "status", "POL-0005", "withdrawn"],
        vec!["case", "assign", "POL-0006", "sam"],
        vec!["case", "answer", "POL-0006", "camera_count=12"],
        vec!["case", "answers", "POL-0006"],
        vec!["case", "deadline", "POL-0004"],
    ];
    for args in &commands {
        with_closed_stdout(&w, now, args);
    }
    // What they did is done.
    let m = w.json(["message", "show", &inbound, "--json"]);
    assert_eq!(m["classification"], "acknowledgement", "{m}");
    let cases = w.json(["cases", "list", "--json"]);
    let status = |r: &str| {
        cases
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["reference"] == r)
            .unwrap()["status"]
            .clone()
    };
    assert_eq!(status("POL-0001"), "acknowledged");
    assert_eq!(status("POL-0005"), "withdrawn");
    assert!(w
        .json(["triage", "list", "--json"])
        .as_array()
        .unwrap()
        .is_empty());
}
