//! The dashboard's Cases page and the case page's event form, over HTTP on the real
//! router (as `web.rs`): filters, paging, links; events recorded with the session's CSRF
//! token by staff only, with the status and the clock following them.

use crate::web::{app, seeded, Client, WEB_NOW};
use axum::http::StatusCode;

/// The case references a Cases page lists, in order (its rows' links).
fn listed(body: &str) -> Vec<String> {
    let marker = "<td><a href=\"/cases/";
    body.match_indices(marker)
        .map(|(at, _)| {
            let rest = &body[at + marker.len()..];
            rest[..rest.find('"').unwrap()].to_string()
        })
        .collect()
}

fn refs(numbers: &[u32]) -> Vec<String> {
    numbers.iter().map(|n| format!("POL-{n:04}")).collect()
}

#[tokio::test]
async fn the_cases_page_lists_every_case_with_filters() {
    let w = seeded();
    w.ok(["case", "assign", "POL-0002", "sam"]);
    w.ok(["case", "assign", "POL-0005", "ada"]);
    // A viewer may look at every case.
    let mut c = Client::signed_in(app(&w, WEB_NOW).await, "vic").await;
    let all = c.get("/cases").await;
    assert_eq!(all.status, StatusCode::OK, "{}", all.body);
    assert_eq!(listed(&all.body), refs(&[1, 2, 3, 4, 5, 6, 7]));
    assert!(all.body.contains("Cases 1–7 of 7"), "{}", all.body);
    assert!(all.body.contains("Camfordshire Constabulary"));

    // Each filter alone, then together.
    let cases = [
        ("/cases?campaign=c", refs(&[1, 2, 3, 4, 5, 6, 7])),
        ("/cases?tag=police", refs(&[1, 2, 3, 4, 5, 6, 7])),
        ("/cases?tag=Council", vec![]),
        ("/cases?assignee=sam", refs(&[2])),
        ("/cases?assignee=-", refs(&[1, 3, 4, 6, 7])),
        ("/cases?body=lough+carran", refs(&[5])),
        ("/cases?body=SOUTHMERE-police.police", refs(&[7])),
        ("/cases?body=P003", refs(&[3])),
        ("/cases?reference=0004", refs(&[4])),
        ("/cases?reference=pol-000", refs(&[1, 2, 3, 4, 5, 6, 7])),
        // (a LIKE wildcard typed is a character, not a pattern)
        ("/cases?reference=%25", vec![]),
        ("/cases?body=_", vec![]),
        (
            "/cases?campaign=c&tag=police&assignee=-&body=police&reference=000",
            refs(&[1, 3, 4, 6, 7]),
        ),
    ];
    for (path, want) in cases {
        let r = c.get(path).await;
        assert_eq!(r.status, StatusCode::OK, "{path}: {}", r.body);
        assert_eq!(listed(&r.body), want, "{path}");
        if want.is_empty() {
            assert!(r.body.contains("No case matches these filters"), "{path}");
        }
    }
    // A status filter lists exactly the cases `foi cases list` gives that status.
    let listed_by_cli = w.json(["cases", "list", "--json"]);
    let mut by_status: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for case in listed_by_cli.as_array().unwrap() {
        by_status
            .entry(case["status"].as_str().unwrap().to_string())
            .or_default()
            .push(case["reference"].as_str().unwrap().to_string());
    }
    assert!(by_status.len() >= 2, "{by_status:?}");
    for (status, want) in &by_status {
        let r = c.get(&format!("/cases?status={status}")).await;
        assert_eq!(&listed(&r.body), want, "status {status}");
    }
    let r = c.get("/cases?status=withdrawn").await;
    assert!(listed(&r.body).is_empty());

    // Bad input: one clear sentence, nothing listed.
    let r = c.get("/cases?status=overdue-ish").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body.contains("is not a status: choose one of"),
        "{}",
        r.body
    );
    let r = c.get("/cases?campaign=nope").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.body.contains("There is no campaign named"), "{}", r.body);
    let r = c.get("/cases?page=two").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("is not a number from 1 up"), "{}", r.body);

    // Signed out: to the sign-in form.
    let mut anon = Client::new(app(&w, WEB_NOW).await);
    let r = anon.get("/cases").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(
        r.header("location").starts_with("/login"),
        "{:?}",
        r.headers
    );
}

#[tokio::test]
async fn the_cases_page_pages_in_a_stable_order() {
    let w = seeded();
    let mut c = Client::signed_in(app(&w, WEB_NOW).await, "sam").await;
    let mut seen = Vec::new();
    let mut path = "/cases?size=3".to_string();
    let mut pages = 0;
    loop {
        let r = c.get(&path).await;
        assert_eq!(r.status, StatusCode::OK, "{path}: {}", r.body);
        pages += 1;
        let got = listed(&r.body);
        assert!(got.len() <= 3, "{path}: {got:?}");
        assert!(
            r.body.contains(&format!("page {pages} of 3")),
            "{path}: {}",
            r.body
        );
        seen.extend(got);
        // The next page's link keeps the size (and the filters).
        match r.body.split("rel=\"next\"").next().and_then(|before| {
            let at = before.rfind("href=\"")?;
            let link = &before[at + 6..];
            Some(link[..link.find('"')?].replace("&#38;", "&"))
        }) {
            Some(next) if r.body.contains("rel=\"next\"") => path = next,
            _ => break,
        }
        assert!(pages < 10, "the pages never end");
    }
    assert_eq!(pages, 3);
    // Every case once, in campaign-and-number order.
    assert_eq!(seen, refs(&[1, 2, 3, 4, 5, 6, 7]));
    // The same page twice is the same page; a page past the end is the last.
    let a = c.get("/cases?size=3&page=2").await;
    let b = c.get("/cases?size=3&page=2").await;
    assert_eq!(listed(&a.body), refs(&[4, 5, 6]));
    assert_eq!(listed(&a.body), listed(&b.body));
    let last = c.get("/cases?size=3&page=99").await;
    assert_eq!(listed(&last.body), refs(&[7]));
    assert!(last.body.contains("page 3 of 3"));
    // A size beyond the largest is cut to it; the filters survive paging.
    let big = c.get("/cases?size=100000").await;
    assert_eq!(big.status, StatusCode::OK);
    assert_eq!(listed(&big.body).len(), 7);
    let filtered = c.get("/cases?size=2&reference=000&page=1").await;
    assert!(
        filtered
            .body
            .contains("reference=000&#38;size=2&#38;page=2"),
        "{}",
        filtered.body
    );
}

/// A case's clock state as `foi case deadline --json` gives it.
fn clock(w: &crate::support::Workdir, reference: &str) -> String {
    w.json(["case", "deadline", reference, "--json"])["state"]["state"]
        .as_str()
        .unwrap_or("")
        .to_string()
}

fn events(w: &crate::support::Workdir, reference: &str) -> usize {
    w.json(["case", "show", reference, "--json"])["events"]
        .as_array()
        .map(|a| a.len())
        .unwrap_or(0)
}

#[tokio::test]
async fn the_case_page_records_events_for_staff_only() {
    let w = seeded();
    let router = app(&w, WEB_NOW).await;

    // The form offers every kind `foi case event` takes, and only to staff.
    let mut sam = Client::signed_in(router.clone(), "sam").await;
    let page = sam.get("/cases/POL-0002").await;
    assert!(page.body.contains("action=\"/cases/POL-0002/event\""));
    for k in foi::domain::event::RECORDABLE {
        assert!(
            page.body
                .contains(&format!("<option value=\"{}\">", k.as_str())),
            "{k} missing from the event form"
        );
    }
    let csrf = page.csrf();
    let mut vic = Client::signed_in(router.clone(), "vic").await;
    let vic_page = vic.get("/cases/POL-0002").await;
    assert!(!vic_page.body.contains("/cases/POL-0002/event"));
    let vic_csrf = vic.csrf().await;

    // A viewer, a missing or foreign token: refused, nothing recorded.
    let before = events(&w, "POL-0002");
    let r = vic
        .post(
            "/cases/POL-0002/event",
            &[
                ("csrf", &vic_csrf),
                ("kind", "not_held"),
                ("date", "2026-04-10"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    assert!(r.body.contains("Viewers cannot change anything"));
    for token in ["", "forged", vic_csrf.as_str()] {
        let r = sam
            .post(
                "/cases/POL-0002/event",
                &[
                    ("csrf", token),
                    ("kind", "not_held"),
                    ("date", "2026-04-10"),
                ],
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::FORBIDDEN,
            "token {token:?}: {}",
            r.body
        );
    }
    assert_eq!(events(&w, "POL-0002"), before);
    assert_eq!(clock(&w, "POL-0002"), "running");

    // Bad input: one sentence each, nothing recorded.
    let bad: [(&[(&str, &str)], &str); 5] = [
        (
            &[("kind", "lunch")],
            "unknown event &#39;lunch&#39;: use one of",
        ),
        (
            &[("kind", "status_set")],
            "unknown event &#39;status_set&#39;",
        ),
        (
            &[("kind", "response"), ("date", "10/04/2026")],
            "is not a date: use YYYY-MM-DD",
        ),
        (
            &[("kind", "response"), ("date", "2026-05-01")],
            "is in the future",
        ),
        (
            &[("kind", "extension"), ("note", "a while")],
            "s note must be +N (working days) or the new due date",
        ),
    ];
    for (fields, says) in bad {
        let mut f = fields.to_vec();
        f.push(("csrf", &csrf));
        let r = sam.post("/cases/POL-0002/event", &f).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{fields:?}");
        assert!(r.body.contains(says), "{fields:?}: {}", r.body);
    }
    assert_eq!(events(&w, "POL-0002"), before);

    // Staff record "not held": the status follows and the clock stops.
    let r = sam
        .post(
            "/cases/POL-0002/event",
            &[
                ("csrf", &csrf),
                ("kind", "not_held"),
                ("date", "2026-04-10"),
                ("note", "they say they hold nothing"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.header("location"), "/cases/POL-0002?ok=event");
    let show = w.json(["case", "show", "POL-0002", "--json"]);
    assert_eq!(show["case"]["status"], "not_held", "{show}");
    let recorded = show["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "not_held")
        .unwrap_or_else(|| panic!("no not_held event: {show}"));
    assert_eq!(recorded["occurred_on"], "2026-04-10");
    assert_eq!(recorded["actor"], "sam");
    assert_eq!(recorded["note"], "they say they hold nothing");
    assert_eq!(clock(&w, "POL-0002"), "ended");
    let page = sam.get("/cases/POL-0002?ok=event").await;
    assert!(page.body.contains("Event recorded"), "{}", page.body);
    assert!(page.body.contains("ended on 2026-04-10"), "{}", page.body);

    // An event without a date is today's; an extension's note moves the due date.
    let r = sam
        .post(
            "/cases/POL-0003/event",
            &[("csrf", &csrf), ("kind", "extension"), ("note", "+20")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let show = w.json(["case", "show", "POL-0003", "--json"]);
    let ext = show["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "extension")
        .unwrap_or_else(|| panic!("no extension: {show}"));
    assert_eq!(ext["occurred_on"], "2026-04-20");
}

#[tokio::test]
async fn a_status_set_on_the_case_page_moves_the_clock_as_its_event_would() {
    let w = seeded();
    let mut sam = Client::signed_in(app(&w, WEB_NOW).await, "sam").await;
    let csrf = sam.csrf().await;
    assert_eq!(clock(&w, "POL-0004"), "running");
    let r = sam
        .post(
            "/cases/POL-0004/status",
            &[("csrf", &csrf), ("status", "not_held")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(clock(&w, "POL-0004"), "ended");
    let page = sam.get("/cases/POL-0004").await;
    assert!(page.body.contains("ended on 2026-04-20"), "{}", page.body);
    // Back to awaiting the response: the clock runs again.
    let r = sam
        .post(
            "/cases/POL-0004/status",
            &[("csrf", &csrf), ("status", "awaiting_response")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(clock(&w, "POL-0004"), "running");
}
