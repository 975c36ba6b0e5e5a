//! The site's pages from a hand-made report: escaping, links, intervals.

use super::*;
use crate::report::{Figures, Group, Outcomes, QuestionInfo, QuestionTally, ValueCount};

fn report() -> Report {
    let tally = |answered, yes, no| QuestionTally {
        key: "uses".into(),
        kind: "yesno",
        answered,
        no_answer: 10 - answered,
        values: vec![
            ValueCount {
                value: "yes".into(),
                count: yes,
                percent: crate::report::percent(yes, answered),
            },
            ValueCount {
                value: "no".into(),
                count: no,
                percent: crate::report::percent(no, answered),
            },
        ],
        median: None,
        total: None,
    };
    let group = |name: &str, answered, yes, no| Group {
        name: name.into(),
        cases: 10,
        figures: Figures {
            sent: 10,
            delivered: 10,
            answered,
            answered_on_time: answered,
            ..Default::default()
        },
        outcomes: Outcomes::default(),
        stages: Default::default(),
        exemptions: Vec::new(),
        median_working_days_to_answer: None,
        answer_days: Vec::new(),
        questions: vec![tally(answered, yes, no)],
    };
    Report {
        schema: crate::report::SCHEMA,
        campaign: "cctv".into(),
        as_of: "2026-06-10T10:00:00Z".parse().unwrap(),
        by: None,
        notes: Vec::new(),
        questions: vec![QuestionInfo {
            key: "uses".into(),
            label: "Uses <Hikvision> & Dahua?".into(),
            kind: "yesno",
            options: Vec::new(),
        }],
        groups: vec![group("all", 10, 7, 3)],
    }
}

fn case(reference: &str) -> PublishedCase {
    PublishedCase {
        reference: reference.into(),
        body_key: "C1".into(),
        body_name: "Oakfield <Council> & \"Sons\"".into(),
        body_email: "foi@oakfield.example".into(),
        tags: vec!["council".into()],
        region: None,
        regime: "uk-foia".into(),
        status: "successful".into(),
        sent_on: None,
        due_on: None,
        answered_on: None,
        days_taken: Some(12),
        answers: vec![("uses".into(), "yes".into())],
        messages: vec![PublishedMessage {
            outbound: false,
            at: "2026-03-20T10:00:00Z".parse().unwrap(),
            subject: "Re: <script>alert(1)</script>".into(),
            text: "We hold <b>40</b> cameras.".into(),
        }],
        documents: Vec::new(),
    }
}

fn site(r: &Report, cases: Vec<PublishedCase>) -> Site<'_> {
    Site {
        title: "CCTV & <cameras>".into(),
        report: r,
        comparisons: Vec::new(),
        cases,
        methods: Methods::default(),
        licence: Licence {
            name: "CC-BY-4.0".into(),
            title: None,
            path: None,
        },
        made_at: "2026-06-10T10:00:00Z".parse().unwrap(),
    }
}

#[test]
fn every_value_is_escaped_and_no_script_is_shipped() {
    let r = report();
    let files = render(&site(&r, vec![case("CCTV-0001")])).unwrap();
    // (the CSV files hold the values as they are: they are data, not markup)
    for f in files.iter().filter(|f| f.path.ends_with(".html")) {
        let text = String::from_utf8_lossy(&f.bytes);
        assert!(!text.contains("<script"), "{}", f.path);
        assert!(!text.contains("<Council>"), "{}", f.path);
        assert!(!text.contains("<Hikvision>"), "{}", f.path);
    }
    let page = files
        .iter()
        .find(|f| f.path == "cases/CCTV-0001.html")
        .unwrap();
    let text = String::from_utf8_lossy(&page.bytes);
    assert!(text.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(text.contains("We hold &lt;b&gt;40&lt;/b&gt; cameras."));
    assert!(text.contains("href=\"../index.html\""));
}

#[test]
fn the_summary_gives_base_non_response_and_the_wilson_interval() {
    let r = report();
    let html = pages::summary(&site(&r, Vec::new()));
    // 7 of 10: 70%, Wilson 39.7% to 89.2% (worked out in report::interval's tests).
    assert!(
        html.contains("<td>all</td><td>10</td><td>0</td><td>7 <span class=\"ci\">(70%; 95% CI 39.7%\u{2013}89.2%)</span></td>"),
        "{html}"
    );
}

#[test]
fn a_case_page_name_cannot_leave_its_folder() {
    assert_eq!(case_page("CCTV-0042"), "cases/CCTV-0042.html");
    assert_eq!(case_page("../../etc/x"), "cases/______etc_x.html");
}
