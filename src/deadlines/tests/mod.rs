//! Deadlines worked out by hand from the statutes and the ICO's counting, then checked
//! against the engine; and properties that must hold for any input.
//!
//! Counting as the ICO does: the date of receipt is day 0, day 1 is the first working day
//! after it, and the request is due on day 20. In the comments below, `(n)` is a counted
//! working day and `[..]` a day that does not count. Holidays are those of
//! data/uk-bank-holidays.csv.

use chrono::{DateTime, NaiveDate, Utc};

use super::*;

fn d(s: &str) -> NaiveDate {
    s.parse().expect("test date")
}

fn uk() -> Calendar {
    Calendar::uk()
}

/// A built-in regime over the shipped calendar, built once for all tests.
fn regime(name: &str) -> Regime {
    static ALL: std::sync::OnceLock<Regimes> = std::sync::OnceLock::new();
    ALL.get_or_init(|| Regimes::new(&uk(), vec![]).expect("valid"))
        .get(name)
        .cloned()
        .expect("built in")
}

fn due(r: &Regime, received: &str, events: &[Event]) -> Option<NaiveDate> {
    r.deadline(d(received), events).expect("in range").due()
}

fn ev(date: &str, kind: EventKind) -> Event {
    Event::new(d(date), kind)
}

/// A regime that honours only England and Wales, to show what another region adds.
fn england_only() -> Regime {
    let def = RegimeDef {
        name: "england-only".into(),
        regions: vec!["england-and-wales".into()],
        ..RegimeDef::builtin("uk-foia").expect("built in")
    };
    Regime::new(def, &uk()).expect("valid")
}

mod clock;
mod counting;
mod countries;
mod days;
mod definitions;
mod explain;
mod properties;
mod school;
