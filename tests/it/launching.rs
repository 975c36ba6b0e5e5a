//! A safe launch: a pilot then the release (through real Postfix), a template changed in
//! between, the expected finish of the queue and the gateways that hold it back, gateway
//! pacing in the sender, and the aggregation warning at `campaign create`.

use crate::support::mail::{servers, NOUSER_DOMAIN};
use crate::support::{repo_path, Workdir};
use std::time::Duration;

/// A pacing section with no global limits and the given extra lines.
fn pacing(w: &Workdir, extra: &str) {
    w.set_section(
        "pacing",
        &format!("max_attempts = 3\nretry_base_secs = 60\n{extra}"),
    );
}

/// Import `rows` (`id,name,email,tags`) as bodies.
fn import(w: &Workdir, rows: &[String]) {
    let mut csv = String::from("id,name,email,tags,foi_contact\n");
    for r in rows {
        csv.push_str(r);
        csv.push_str(",FOI Team\n");
    }
    let f = w.write("bodies.csv", csv);
    w.ok(["bodies", "import", f.to_str().unwrap()]);
}

fn outbox_count(w: &Workdir) -> usize {
    w.json(["outbox", "--json"]).as_array().unwrap().len()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_pilot_of_five_through_postfix_then_the_release_sends_each_body_exactly_once() {
    let s = servers();
    let w = Workdir::new();
    crate::sending::smtp_config(&w, s, s.smtp_port, "");
    // Six councils, four schools, two police forces, each at its own fresh address.
    let tags = [
        "council", "council", "council", "council", "council", "council", "school", "school",
        "school", "school", "police", "police",
    ];
    let addrs: Vec<String> = (0..tags.len())
        .map(|_| s.unique_address("pilot", "council.example"))
        .collect();
    let rows: Vec<String> = addrs
        .iter()
        .zip(tags)
        .enumerate()
        .map(|(i, (a, t))| format!("B{i:02},Body {i},{a},{t}"))
        .collect();
    import(&w, &rows);
    w.create_campaign(&repo_path("examples/cctv-campaign"), "all", "PI");

    let dry = w.ok(["campaign", "launch", "c", "--pilot", "5", "--dry-run"]);
    assert!(
        dry.contains("would queue 5 emails") && dry.contains("hold 7"),
        "{dry}"
    );
    assert_eq!(outbox_count(&w), 0, "a dry run queues nothing");
    let out = w.ok(["campaign", "launch", "c", "--pilot", "5"]);
    assert!(
        out.contains("5 emails queued") && out.contains("7 cases held"),
        "{out}"
    );
    let cases = w.json(["cases", "list", "--campaign", "c", "--json"]);
    let queued: Vec<&serde_json::Value> = cases
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["status"] == "queued")
        .collect();
    assert_eq!(queued.len(), 5);
    // A spread across tags: each kind of body is in the pilot.
    for tag in ["council", "school", "police"] {
        let n = queued
            .iter()
            .filter(|c| {
                let i: usize = c["body_key"].as_str().unwrap()[1..].parse().unwrap();
                tags[i] == tag
            })
            .count();
        assert!(n >= 1, "no {tag} in the pilot");
    }
    let e = w.fails(["campaign", "launch", "c"]);
    assert!(
        e.contains("is in its pilot") && e.contains("campaign release c"),
        "{e}"
    );

    let sent = w.ok(["send"]);
    assert!(sent.starts_with("sent 5, retried 0, failed 0"), "{sent}");
    let all: Vec<&str> = addrs.iter().map(String::as_str).collect();
    s.wait_until_delivered(&all, Duration::from_secs(30));
    let mut received = 0;
    for a in &addrs {
        let n = s.inbox(a).await.len();
        assert!(n <= 1, "{a} received {n} copies");
        received += n;
    }
    assert_eq!(received, 5, "exactly the pilot's five arrived");
    let show = w.ok(["campaign", "show", "c"]);
    assert!(
        show.contains("pilot:            5 sent, 7 held (0 bounced, 0 replied)"),
        "{show}"
    );
    let json = w.json(["campaign", "show", "c", "--json"]);
    assert_eq!(json["pilot"]["progress"]["held"], 7);
    assert_eq!(json["by_status"]["draft"], 7);

    let out = w.ok(["campaign", "release", "c"]);
    assert!(out.contains("the templates are the pilot's"), "{out}");
    assert!(out.contains("released 'c': 7 emails queued"), "{out}");
    let e = w.fails(["campaign", "release", "c"]);
    assert!(e.contains("released on") && e.contains("already"), "{e}");
    let sent = w.ok(["send"]);
    assert!(sent.starts_with("sent 7, retried 0, failed 0"), "{sent}");
    s.wait_until_delivered(&all, Duration::from_secs(30));
    for a in &addrs {
        let got = s.wait_for_messages(a, 1, Duration::from_secs(20)).await;
        assert_eq!(got.len(), 1, "{a} received {} copies", got.len());
    }
    assert_eq!(outbox_count(&w), 12, "one email per case, none twice");
    let show = w.ok(["campaign", "show", "c"]);
    assert!(
        show.contains("pilot:            5 sent; the rest released"),
        "{show}"
    );
    assert!(w.ok(["send"]).starts_with("sent 0,"));
}

#[test]
fn a_template_changed_after_the_pilot_is_checked_again_before_the_release() {
    let w = Workdir::new();
    w.import_examples();
    let dir = w.campaign_dir("t", "Dear {{body.name}},\nDo you use CCTV?\n");
    w.create_campaign(&dir, "tag:police", "TC");
    w.ok(["campaign", "launch", "c", "--pilot", "2"]);
    assert!(w.ok(["send"]).starts_with("sent 2,"));

    // A template that no longer renders: the release stops, queueing nothing.
    w.write(
        "t/body.txt.hbs",
        "Dear {{body.name}}, about {{body.no_such_field}}\n",
    );
    let before = w.ok(["cases", "list", "--json"]);
    let out = w.foi(["campaign", "release", "c"]).output().unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("not released") && err.contains("nothing was queued"),
        "{err}"
    );
    assert!(
        err.contains("the templates changed since the pilot"),
        "{err}"
    );
    assert!(
        err.contains("no_such_field"),
        "the failure names the variable: {err}"
    );
    assert_eq!(
        w.ok(["cases", "list", "--json"]),
        before,
        "a failed release changes no case"
    );
    assert_eq!(outbox_count(&w), 2);

    // A changed template that renders: every case is checked again, then the rest go.
    w.write(
        "t/body.txt.hbs",
        "Dear {{body.name}},\nDo you use CCTV cameras?\n",
    );
    let out = w.ok(["campaign", "release", "c"]);
    assert!(
        out.contains("the templates changed since the pilot, so every case was checked again"),
        "{out}"
    );
    assert!(out.contains("5 emails queued"), "{out}");
    let json = w.json(["campaign", "show", "c", "--json"]);
    assert_ne!(
        json["pilot"]["pilot"]["template_digest"],
        json["pilot"]["pilot"]["released_digest"]
    );
    assert!(w.ok(["send"]).starts_with("sent 5,"));
}

#[test]
fn a_pilot_can_be_chosen_by_selection_and_bad_pilots_change_nothing() {
    let w = Workdir::new();
    w.import_examples();
    w.create_example_campaign("all", "SEL");
    let before = w.snapshot();
    for (args, says) in [
        (vec!["--pilot", "0"], "--pilot 0 sends nothing"),
        (vec!["--pilot", "500"], "is the whole campaign"),
        (
            vec!["--pilot", "2", "--select", "tag:embassy"],
            "no case of 'c' matches --select tag:embassy",
        ),
        (
            vec!["--pilot", "2", "--select", "colour:red"],
            "not a selection term",
        ),
    ] {
        let mut cmd = vec!["campaign", "launch", "c"];
        cmd.extend(args);
        let e = w.fails(cmd);
        assert!(e.contains(says), "{e}");
    }
    let e = w.fails(["campaign", "launch", "c", "--select", "tag:police"]);
    assert!(e.contains("--pilot"), "--select needs --pilot: {e}");
    let e = w.fails(["campaign", "release", "c"]);
    assert!(e.contains("was not launched as a pilot"), "{e}");
    assert_eq!(w.snapshot(), before, "nothing changed");

    w.ok([
        "campaign",
        "launch",
        "c",
        "--pilot",
        "3",
        "--select",
        "tag:police",
    ]);
    let cases = w.json([
        "cases",
        "list",
        "--campaign",
        "c",
        "--status",
        "queued",
        "--json",
    ]);
    let cases = cases.as_array().unwrap();
    assert_eq!(cases.len(), 3);
    assert!(
        cases
            .iter()
            .all(|c| c["body_key"].as_str().unwrap().starts_with('P')),
        "{cases:?}"
    );
}

/// Five NHS trusts on their own `nhs.uk` sub-domains share NHSmail: a gateway of 2 an
/// hour. The sender holds the third until the hour has passed, whatever its domain.
#[test]
fn the_sender_paces_a_gateway_as_one() {
    let w = Workdir::new();
    pacing(
        &w,
        "per_domain_per_hour = 20\n\n[[pacing.gateway]]\nname = \"nhs.net\"\ndomains = [\"nhs.net\", \"*.nhs.uk\"]\nper_hour = 2",
    );
    let rows: Vec<String> = (0..5)
        .map(|i| format!("N{i},Trust {i},foi@trust{i}.nhs.uk,nhs-trust"))
        .chain((0..3).map(|i| format!("C{i},Council {i},foi@council{i}.example,council")))
        .collect();
    import(&w, &rows);
    w.create_campaign(&repo_path("examples/cctv-campaign"), "all", "GW");
    w.ok(["campaign", "launch", "c"]);
    let out = w.ok(["send"]);
    assert!(
        out.starts_with("sent 5, retried 0, failed 0"),
        "2 trusts, 3 councils: {out}"
    );
    assert!(
        out.contains("pacing limits hold the rest until Mon 2026-03-02 11:00 UTC"),
        "{out}"
    );
    let at = |t: &str| {
        let out = w.foi(["send"]).env("FOI_NOW", t).output().unwrap();
        String::from_utf8_lossy(&out.stdout).to_string()
    };
    assert!(at("2026-03-02T10:59:00Z").starts_with("sent 0,"));
    assert!(at("2026-03-02T11:00:01Z").starts_with("sent 2,"));
    assert!(at("2026-03-02T12:00:02Z").starts_with("sent 1,"));
}

/// The finish as worked by hand: Monday 2 March 2026 10:00 (GMT), the default window
/// (Mon-Fri 09:00-16:00 London, bank holidays skipped), 30 a minute and 2 an hour
/// through the nhs.net gateway. The councils all go at 10:00; the trusts go two at 10:00,
/// two at 11:00, one at 12:00: the gateway holds the queue back to 12:00.
#[test]
fn campaign_show_gives_the_finish_and_names_the_gateway_that_holds_it_back() {
    let w = Workdir::new();
    pacing(
        &w,
        "per_minute = 30\n\n[[pacing.gateway]]\nname = \"nhs.net\"\ndomains = [\"nhs.net\", \"*.nhs.uk\"]\nper_hour = 2",
    );
    let rows: Vec<String> = (0..5)
        .map(|i| format!("N{i},Trust {i},foi@trust{i}.nhs.uk,nhs-trust"))
        .chain((0..3).map(|i| format!("C{i},Council {i},foi@council{i}.example,council")))
        .collect();
    import(&w, &rows);
    w.create_campaign(&repo_path("examples/cctv-campaign"), "all", "FT");
    let show = w.ok(["campaign", "show", "c"]);
    assert!(
        show.contains("nothing of this campaign is queued"),
        "{show}"
    );
    w.ok(["campaign", "launch", "c"]);
    let json = w.json(["campaign", "show", "c", "--json"]);
    assert_eq!(json["finish"]["finish"], "2026-03-02T12:00:00Z");
    assert_eq!(json["finish"]["unlimited_finish"], "2026-03-02T10:00:00Z");
    assert_eq!(json["finish"]["held_back"][0]["group"], "gateway nhs.net");
    assert_eq!(json["finish"]["held_back"][0]["emails"], 5);
    let show = w.ok(["campaign", "show", "c"]);
    assert!(
        show.contains("8 emails queued, expected to have gone by Mon 2026-03-02 12:00 GMT"),
        "{show}"
    );
    assert!(
        show.contains("gateway nhs.net (5 emails at 2/hour, the last Mon 2026-03-02 12:00 GMT)"),
        "{show}"
    );
    w.ok(["campaign", "pause", "c"]);
    assert!(w
        .ok(["campaign", "show", "c"])
        .contains("paused: nothing goes"));
}

/// A body asked again within 60 working days under the same regime is warned about (with
/// the earlier reference); the campaign is made all the same. Later, or under another
/// regime, no warning.
#[test]
fn campaign_create_warns_of_requests_a_body_may_aggregate() {
    let w = Workdir::new();
    w.import_examples();
    w.launch_example_campaign("tag:police", "POL");
    assert!(w.ok(["send"]).starts_with("sent 7,"));
    let t = repo_path("examples/cctv-campaign");
    let create = |name: &str, prefix: &str, now: &str, extra: &[&str]| {
        let mut args = vec![
            "campaign",
            "create",
            name,
            "--template",
            &t,
            "--select",
            "tag:police",
            "--reference-prefix",
            prefix,
        ];
        args.extend(extra);
        let out = w.foi(args).env("FOI_NOW", now).output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stderr).unwrap()
    };
    // Four weeks later: warned, with each earlier reference.
    let err = create("again", "AG", "2026-03-30T10:00:00Z", &[]);
    assert!(
        err.contains("warning: 7 of the selected bodies had a request under the same regime within 60 working days"),
        "{err}"
    );
    assert!(
        err.contains("POL-0001 (campaign 'c', uk-foia, 2026-03-02)"),
        "{err}"
    );
    assert!(
        w.ok(["campaign", "list"]).contains("again"),
        "made all the same"
    );
    // A dry run warns too.
    let err = create("dry", "DR", "2026-03-30T10:00:00Z", &["--dry-run"]);
    assert!(err.contains("warning: 7 of the selected bodies"), "{err}");
    // Another regime: no warning.
    let err = create("eir", "EI", "2026-03-30T10:00:00Z", &["--regime", "uk-eir"]);
    assert!(!err.contains("warning"), "{err}");
    // Worked by hand: 2 March 2026 + 60 working days of uk-foia (weekends and every UK
    // region's bank holidays skipped: St Patrick's Day 17 March, Good Friday 3 April,
    // Easter Monday 6 April, 4 May, 25 May) is Monday 1 June; on 2 June it is 61. Police
    // Scotland (scotland-foisa) counts Scottish holidays only: 17 March and 6 April are
    // working days there, so 1 June is its 62nd and it is no longer listed.
    let err = create("later", "LA", "2026-06-01T10:00:00Z", &[]);
    assert!(err.contains("warning: 6 of"), "day 60 still counts: {err}");
    assert!(!err.contains("Police Scotland"), "{err}");
    let err = create("latest", "LT", "2026-06-02T10:00:00Z", &[]);
    assert!(!err.contains("warning"), "{err}");
}

/// The dashboard's Campaigns page shows the pilot's replies and held cases and the
/// queue's finish, and an admin releases the held cases from it.
#[tokio::test]
async fn the_campaigns_page_shows_the_pilot_and_releases_it() {
    use crate::web::{app, Client, HOSTILE_REPLY, PASSWORD};
    let w = Workdir::new();
    w.import_examples();
    w.create_example_campaign("tag:police", "POL");
    w.ok(["campaign", "launch", "c", "--pilot", "3"]);
    assert!(w.ok(["send"]).starts_with("sent 3,"));
    let reply = w.write("reply.eml", HOSTILE_REPLY);
    w.ok(["import-mail", reply.to_str().unwrap()]);
    w.foi(["users", "add", "ada", "--role", "admin", "--password-stdin"])
        .write_stdin(format!("{PASSWORD}\n"))
        .assert()
        .success();
    let mut c = Client::signed_in(app(&w, "2026-03-03T10:00:00Z").await, "ada").await;
    let page = c.get("/campaigns").await;
    assert!(
        page.body
            .contains("Pilot: 3 sent, <strong>0 bounced</strong>, <strong>1 replied</strong>"),
        "{}",
        page.body
    );
    assert!(page.body.contains("4 held until released"), "{}", page.body);
    assert!(page.body.contains("nothing of this campaign is queued"));
    let csrf = page.csrf();
    let r = c.post("/campaigns/c/release", &[("csrf", &csrf)]).await;
    assert_eq!(r.status, axum::http::StatusCode::SEE_OTHER, "{}", r.body);
    let page = c.get("/campaigns").await;
    assert!(
        page.body
            .contains("4 emails queued, expected to have gone by"),
        "{}",
        page.body
    );
    assert!(
        page.body.contains("the rest released 2026-03-03"),
        "{}",
        page.body
    );
    let show = w.json(["campaign", "show", "c", "--json"]);
    assert_eq!(show["by_status"]["queued"], 4);
}

/// End to end: a pilot email to an address that does not exist bounces (a real DSN from
/// Postfix, fetched over IMAP from Dovecot); `campaign show` counts the bounce before
/// anyone releases the rest.
#[tokio::test(flavor = "multi_thread")]
async fn a_pilots_real_bounce_is_counted_before_the_release() {
    let s = servers();
    let ours = s.unique_address("pilotgroup", "example.org");
    let w = crate::ingest::imap_workdir(s, &ours);
    let dead = s.unique_address("gone", NOUSER_DOMAIN);
    let rows = vec![
        format!("K0,A Gone Council,{dead},council"),
        format!(
            "K1,B School,{},school",
            s.unique_address("pb", "council.example")
        ),
        format!(
            "K2,C Council,{},council",
            s.unique_address("pb", "council.example")
        ),
        format!(
            "K3,D Police,{},police",
            s.unique_address("pb", "council.example")
        ),
    ];
    import(&w, &rows);
    w.create_campaign(&repo_path("examples/cctv-campaign"), "all", "PB");
    let out = w.ok(["campaign", "launch", "c", "--pilot", "2"]);
    // The spread: the first council (the dead address), then the school (a new tag).
    assert!(out.contains("(PB-0001, PB-0002)"), "{out}");
    assert!(w.ok(["send"]).starts_with("sent 2,"));
    s.wait_for_messages(&ours, 1, Duration::from_secs(30)).await;
    let out = crate::ingest::fetch_imap(&w);
    assert!(out.starts_with("new 1, matched 1"), "{out}");
    let show = w.ok(["campaign", "show", "c"]);
    assert!(
        show.contains("pilot:            2 sent, 2 held (1 bounced, 0 replied)"),
        "{show}"
    );
}
