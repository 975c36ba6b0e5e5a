//! A TNEF stream of our own (`tests/fixtures/mail/tnef/winmail.dat`, written from MS-OXTNEF
//! by `scripts/make-tnef-fixture.py`) as Outlook sends one: Debian's `tnef` lists its two
//! files, and `foi import-mail` of the reply carrying it lists both as attachments (the
//! long file name from its MAPI property) beside the winmail.dat, with the body read from
//! inside it.

use crate::support::{repo_path, Workdir};
use std::process::Command;

const LONG_NAME: &str = "Response to FOI request CCTV-0042 (cameras and contracts).pdf";
const SHORT_NAME: &str = "MINUTES.TXT";

#[test]
fn debian_tnef_lists_the_two_files_of_our_winmail_dat() {
    let tool = ["/usr/bin/tnef", "/bin/tnef", "/usr/local/bin/tnef"]
        .into_iter()
        .find(|p| std::path::Path::new(p).is_file())
        .unwrap_or_else(|| {
            panic!("`tnef` is not installed: install Debian's tnef package (apt-get install tnef), as scripts/test.sh does")
        });
    let out = Command::new(tool)
        .arg("-t")
        .arg(repo_path("tests/fixtures/mail/tnef/winmail.dat"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let names: Vec<String> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| l.split("\t|").next().unwrap().trim().to_string())
        .collect();
    assert_eq!(names, [LONG_NAME, SHORT_NAME]);
}

#[test]
fn a_winmail_dat_of_our_own_is_unpacked_on_ingest() {
    let w = Workdir::new();
    let out = w.ok([
        "import-mail",
        &repo_path("tests/fixtures/mail/tnef-own.eml"),
    ]);
    assert!(out.starts_with("new 1,"), "{out}");
    let triage = w.json(["triage", "list", "--json"]);
    let id = triage[0]["id"].to_string();
    let shown = w.json(["message", "show", &id, "--json"]);
    let text = shown["text_body"].as_str().unwrap_or_default();
    assert!(
        text.contains("Please find attached our response and the minutes"),
        "the body inside the winmail.dat: {shown}"
    );
    assert!(!text.contains('\r'), "{text:?}");
    let names: Vec<&str> = shown["attachments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["file_name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["winmail.dat", LONG_NAME, SHORT_NAME], "{shown}");
    // The files' bytes are the ones written into the stream.
    let minutes = &shown["attachments"][2]["id"].to_string();
    let saved = w.path().join("minutes.txt");
    w.ok([
        "attachment",
        "save",
        minutes,
        "--out",
        saved.to_str().unwrap(),
    ]);
    assert!(std::fs::read_to_string(&saved)
        .unwrap()
        .contains("the CCTV contract was approved"));
}
