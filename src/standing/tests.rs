//! The rules on small hand-made timelines.

use super::*;
use crate::deadlines::{Calendar, ClockState, Regime};
use crate::domain::event::EventKind;
use crate::domain::{CaseStatus, Event};
use chrono::NaiveDate;

fn ev(kind: &str, on: &str, note: Option<&str>) -> Event {
    Event {
        kind: EventKind::from_stored(kind),
        on: on.parse().unwrap(),
        note: note.map(String::from),
    }
}

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn uk() -> Regime {
    Regime::builtin("uk-foia", &Calendar::uk()).unwrap()
}

#[test]
fn nothing_is_due_before_sending() {
    assert_eq!(deadline(&uk(), &[], &no_review_steps).unwrap(), None);
}

#[test]
fn received_is_the_first_sent_and_extensions_read_their_note() {
    // Sent Thu 2026-03-26: 20 working days skipping Easter = Mon 2026-04-27.
    let events = vec![
        ev("sent", "2026-03-26", None),
        ev("acknowledged", "2026-03-27", None),
        ev("extension", "2026-04-20", Some("+20 public interest")),
    ];
    let dl = deadline(&uk(), &events, &no_review_steps).unwrap().unwrap();
    assert_eq!(dl.received(), d("2026-03-26"));
    // +20 from Mon 2026-04-27, skipping 2026-05-04 and 2026-05-25 (bank holidays).
    assert_eq!(dl.due(), Some(d("2026-05-27")), "{dl:?}");
    let events = vec![
        ev("sent", "2026-03-26", None),
        ev("extension", "2026-04-20", Some("2026-05-11")),
    ];
    let dl = deadline(&uk(), &events, &no_review_steps).unwrap().unwrap();
    assert_eq!(dl.due(), Some(d("2026-05-11")));
}

#[test]
fn a_request_sent_again_after_a_bounce_counts_from_the_new_delivery() {
    let events = vec![
        ev("sent", "2026-03-02", None),
        ev("delivery_failed", "2026-03-02", None),
        ev("sent", "2026-03-09", None),
        ev("chaser_overdue_sent", "2026-04-10", None),
    ];
    assert_eq!(received(&events), Some(d("2026-03-09")));
    // Failed, not yet sent again: the first sending stays the date (nothing arrived).
    assert_eq!(received(&events[..2]), Some(d("2026-03-02")));
    // A second sending without a failure between changes nothing.
    let twice = vec![
        ev("sent", "2026-03-02", None),
        ev("sent", "2026-03-05", None),
    ];
    assert_eq!(received(&twice), Some(d("2026-03-02")));
}

#[test]
fn a_request_submitted_by_hand_counts_from_its_submission() {
    let events = vec![
        ev("sent", "2026-03-02", None),
        ev("note", "2026-03-04", Some("they want their web form")),
        ev("submitted", "2026-03-06", Some("via portal")),
    ];
    assert_eq!(received(&events), Some(d("2026-03-06")));
    let only = vec![ev("submitted", "2026-03-10", Some("via post"))];
    let dl = deadline(&uk(), &only, &no_review_steps).unwrap().unwrap();
    assert_eq!(dl.received(), d("2026-03-10"));
}

#[test]
fn clarification_restarts_and_a_response_ends() {
    let events = vec![
        ev("sent", "2026-03-02", None),
        ev("clarification_requested", "2026-03-04", None),
    ];
    let dl = deadline(&uk(), &events, &no_review_steps).unwrap().unwrap();
    assert!(matches!(
        dl.state(),
        ClockState::AwaitingClarification { .. }
    ));
    assert_eq!(current_due(&dl), None);
    let mut events = events;
    events.push(ev("message_sent", "2026-03-09", None));
    let dl = deadline(&uk(), &events, &no_review_steps).unwrap().unwrap();
    // 20 working days from Mon 2026-03-09: Mon 2026-04-06 would be Easter Monday ...
    assert_eq!(dl.start(), d("2026-03-09"));
    assert_eq!(current_due(&dl).map(|x| x.1), Some(Owed::Response));
    events.push(ev("refusal", "2026-03-20", None));
    let dl = deadline(&uk(), &events, &no_review_steps).unwrap().unwrap();
    assert_eq!(current_due(&dl), None);
}

#[test]
fn a_review_chaser_starts_the_review_clock() {
    let events = vec![
        ev("sent", "2026-03-02", None),
        ev("chaser_review_sent", "2026-05-01", None),
    ];
    let dl = deadline(&uk(), &events, &|s| s == "review")
        .unwrap()
        .unwrap();
    assert_eq!(current_due(&dl).map(|x| x.1), Some(Owed::InternalReview));
    let dl = deadline(&uk(), &events, &no_review_steps).unwrap().unwrap();
    assert_eq!(current_due(&dl).map(|x| x.1), Some(Owed::Response));
}

#[test]
fn a_note_unknown_kinds_and_some_statuses_move_no_deadline() {
    let sent = vec![ev("sent", "2026-03-02", None)];
    let mut with = sent.clone();
    with.push(ev(
        "status_set",
        "2026-03-04",
        Some("acknowledged: by hand"),
    ));
    for kind in ["note", "bounced"] {
        with.push(ev(kind, "2026-03-04", Some("refused: by hand")));
    }
    assert!(clock_events(&with[1..], &no_review_steps).is_empty());
    assert_eq!(
        deadline(&uk(), &with, &no_review_steps).unwrap(),
        deadline(&uk(), &sent, &no_review_steps).unwrap()
    );
    for e in &with[1..] {
        assert_eq!(status_after(&e.kind, CaseStatus::AwaitingResponse), None);
    }
}

#[test]
fn a_status_set_by_hand_stops_or_starts_the_clock_as_its_event_would() {
    let mut events = vec![
        ev("sent", "2026-03-02", None),
        ev(
            "status_set",
            "2026-03-04",
            Some("not_held: they said so by phone"),
        ),
    ];
    let dl = deadline(&uk(), &events, &no_review_steps).unwrap().unwrap();
    assert_eq!(current_due(&dl), None, "not held stops the clock: {dl:?}");
    events[1] = ev("status_set", "2026-03-04", Some("clarification_requested"));
    let dl = deadline(&uk(), &events, &no_review_steps).unwrap().unwrap();
    assert_eq!(current_due(&dl), None, "stopped while they wait for us");
    events.push(ev("status_set", "2026-03-09", Some("awaiting_response")));
    let dl = deadline(&uk(), &events, &no_review_steps).unwrap().unwrap();
    assert_eq!(
        dl.start(),
        d("2026-03-09"),
        "restarted as our clarification"
    );
    assert_eq!(current_due(&dl).map(|x| x.1), Some(Owed::Response));
}

#[test]
fn a_status_before_any_answer_reopens_the_request_as_the_status_has_it() {
    // A person's "not held" (an event or a status) or a withdrawal, then "awaiting
    // response" or "acknowledged": the status is open again, and the clock runs again to
    // the first due date.
    for answer in [
        ev("not_held", "2026-03-04", None),
        ev("status_set", "2026-03-04", Some("not_held")),
        ev("withdrawn", "2026-03-04", None),
    ] {
        for reopen in ["awaiting_response: they had not answered", "acknowledged"] {
            let mut events = vec![ev("sent", "2026-03-02", None), answer.clone()];
            let dl = deadline(&uk(), &events, &no_review_steps).unwrap().unwrap();
            assert_eq!(current_due(&dl), None, "{dl:?}");
            events.push(ev("status_set", "2026-03-06", Some(reopen)));
            let dl = deadline(&uk(), &events, &no_review_steps).unwrap().unwrap();
            assert_eq!(
                current_due(&dl),
                Some((d("2026-03-31"), Owed::Response)),
                "{reopen}: {dl:?}"
            );
            let state = derive(CaseStatus::Queued, &events, &no_review_steps);
            assert!(state.status.is_open(), "{reopen}: {state:?}");
            // A later answer ends it again.
            events.push(ev("response", "2026-03-10", None));
            let dl = deadline(&uk(), &events, &no_review_steps).unwrap().unwrap();
            assert_eq!(current_due(&dl), None, "{dl:?}");
        }
    }
}

#[test]
fn statuses_follow_events() {
    use CaseStatus as S;
    assert_eq!(
        status_after(&EventKind::Acknowledged, S::AwaitingResponse),
        Some(S::Acknowledged)
    );
    assert_eq!(
        status_after(&EventKind::Acknowledged, S::InternalReview),
        None
    );
    assert_eq!(
        status_after(&EventKind::ClarificationSent, S::ClarificationRequested),
        Some(S::AwaitingResponse)
    );
    assert_eq!(
        status_after(&EventKind::Refusal, S::Acknowledged),
        Some(S::Refused)
    );
    assert_eq!(status_after(&EventKind::FeesNotice, S::Acknowledged), None);
    assert_eq!(status_after(&EventKind::Withdrawn, S::Withdrawn), None);
}

mod derivation {
    use super::*;

    fn state(events: &[Event]) -> CaseState {
        derive(CaseStatus::Queued, events, &|s| s == "review")
    }

    #[test]
    fn a_case_not_sent_keeps_its_status() {
        assert_eq!(
            derive(CaseStatus::Draft, &[], &no_review_steps).status,
            CaseStatus::Draft
        );
        let s = derive(CaseStatus::Cancelled, &[], &no_review_steps);
        assert_eq!((s.status, s.answer), (CaseStatus::Cancelled, None));
    }

    #[test]
    fn the_latest_answer_is_the_outcome_dated_by_the_first() {
        let events = vec![
            ev("sent", "2026-03-02", None),
            ev("acknowledged", "2026-03-03", None),
            ev("response", "2026-03-20", None),
            ev("not_held", "2026-03-25", None),
        ];
        let s = state(&events);
        assert_eq!(s.status, CaseStatus::NotHeld);
        let a = s.answer.unwrap();
        assert_eq!(
            (a.outcome, a.first_on, a.first_index),
            (Outcome::NotHeld, d("2026-03-20"), 2)
        );
    }

    #[test]
    fn a_persons_status_is_an_answer_or_takes_one_back() {
        let mut events = vec![
            ev("sent", "2026-03-02", None),
            ev("response", "2026-03-20", None),
            ev(
                "status_set",
                "2026-03-21",
                Some("partially_successful: half of it"),
            ),
        ];
        let s = state(&events);
        assert_eq!(s.status, CaseStatus::PartiallySuccessful);
        assert_eq!(s.answer.map(|a| a.outcome), Some(Outcome::PartialResponse));
        events.push(ev("status_set", "2026-03-22", Some("awaiting_response")));
        let s = state(&events);
        assert_eq!((s.status, s.answer), (CaseStatus::AwaitingResponse, None));
    }

    #[test]
    fn delivery_clarification_and_review_move_the_status() {
        use CaseStatus as S;
        let bounced = [
            ev("sent", "2026-03-02", None),
            ev("delivery_failed", "2026-03-02", None),
        ];
        assert_eq!(state(&bounced).status, S::DeliveryFailed);
        let mut events = bounced.to_vec();
        events.push(ev("sent", "2026-03-05", None));
        assert_eq!(state(&events).status, S::AwaitingResponse, "sent again");
        events.push(ev("clarification_requested", "2026-03-06", None));
        assert_eq!(state(&events).status, S::ClarificationRequested);
        events.push(ev("message_sent", "2026-03-09", None));
        assert_eq!(
            state(&events).status,
            S::AwaitingResponse,
            "our clarification went"
        );
        events.push(ev("refusal", "2026-03-20", None));
        // A bounce of a later email does not undo an answer.
        events.push(ev("delivery_failed", "2026-03-21", None));
        assert_eq!(state(&events).status, S::Refused);
        events.push(ev("chaser_other_sent", "2026-03-25", None));
        assert_eq!(state(&events).status, S::Refused);
        events.push(ev("chaser_review_sent", "2026-03-25", None));
        let s = state(&events);
        assert_eq!(s.status, S::InternalReview);
        assert_eq!(
            s.answer.map(|a| a.outcome),
            Some(Outcome::Refusal),
            "still the answer"
        );
        // An acknowledgement of the review request changes nothing.
        events.push(ev("acknowledged", "2026-03-26", None));
        assert_eq!(state(&events).status, S::InternalReview);
    }
}

#[test]
fn a_decision_notice_runs_its_compliance_date_until_the_body_complies() {
    // Sent Mon 2026-03-02 (due Mon 2026-03-30), refused, complained, decided.
    let base = vec![
        ev("sent", "2026-03-02", None),
        ev("refusal", "2026-03-20", None),
        ev("complaint_to_regulator", "2026-04-01", Some("ref=IC-1")),
        ev("regulator_acknowledged", "2026-04-08", Some("ref=IC-1")),
        ev(
            "decision_notice",
            "2026-06-10",
            Some("ref=FS50123456 outcome=upheld comply_by=2026-07-15"),
        ),
    ];
    assert_eq!(compliance_due(&base), Some(d("2026-07-15")));
    let dl = deadline(&uk(), &base, &no_review_steps).unwrap().unwrap();
    // Only the compliance clock runs (the request was answered by its refusal).
    assert_eq!(
        running_clocks(&dl, &base),
        vec![(d("2026-07-15"), Owed::RegulatorCompliance)]
    );
    // Wed 2026-07-22 is 5 working days past Wed 2026-07-15.
    let s = standings(&uk(), &dl, &base, d("2026-07-22"));
    assert_eq!(s.len(), 1);
    assert_eq!(s[0].owed, Owed::RegulatorCompliance);
    assert_eq!(s[0].working_days_overdue, 5);

    // The body complied: no clock.
    let mut complied = base.clone();
    complied.push(ev("complied", "2026-07-14", None));
    assert_eq!(compliance_due(&complied), None);
    // It answered again (the information disclosed): no clock either.
    let mut answered = base.clone();
    answered.push(ev("response", "2026-07-20", None));
    assert_eq!(compliance_due(&answered), None);
    // The body appealed to the tribunal: stayed. Our own appeal leaves it running.
    let mut appealed = base.clone();
    appealed.push(ev("tribunal_appeal", "2026-07-01", Some("appellant=body")));
    assert_eq!(compliance_due(&appealed), None);
    let mut ours = base.clone();
    ours.push(ev(
        "tribunal_appeal",
        "2026-07-01",
        Some("appellant=requester"),
    ));
    assert_eq!(compliance_due(&ours), Some(d("2026-07-15")));
    // A notice that orders nothing runs no clock, and it replaces an earlier one.
    let mut not_upheld = base.clone();
    not_upheld.push(ev(
        "decision_notice",
        "2026-06-11",
        Some("ref=FS50123457 outcome=not_upheld"),
    ));
    assert_eq!(compliance_due(&not_upheld), None);
    // A response before the decision does not stop the decision's clock.
    let mut early = base[..4].to_vec();
    early.push(ev("response", "2026-05-01", None));
    early.push(base[4].clone());
    assert_eq!(compliance_due(&early), Some(d("2026-07-15")));
    // The regulator stage changes no status but the complaint's.
    let st = derive(CaseStatus::Refused, &base, &no_review_steps).status;
    assert_eq!(st, CaseStatus::ComplaintToRegulator);
    assert_eq!(
        derive(CaseStatus::Refused, &complied, &no_review_steps).status,
        CaseStatus::ComplaintToRegulator
    );
}
