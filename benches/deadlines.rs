//! Due dates for 100,000 synthetic cases with mixed regimes and events, against the
//! target in issue 5 (under 100 ms). Run: `cargo bench --bench deadlines`.
//!
//! The cases are made from a fixed seed, so every run computes the same dates; about 30%
//! carry events (fee pauses, clarifications, extensions, responses, reviews, and clocks
//! left paused or stopped). Receipts are half UTC instants (read in the regime's time
//! zone) and half local dates, as they come from delivered mail and from staff. The timed
//! loop includes looking each case's regime up by name, as the app does.

use std::hint::black_box;
use std::time::{Duration, Instant};

use chrono::{DateTime, Datelike, Days, NaiveDate, Utc};
use foi::deadlines::{Calendar, ClockState, Event, EventKind, Extension, Regimes, When};

const CASES: usize = 100_000;
const TARGET_MS: f64 = 100.0;
const ROUNDS: usize = 5;

/// (regime, share of cases in percent)
const MIX: [(&str, u32); 7] = [
    ("uk-foia", 50),
    ("uk-foia-school", 15),
    ("uk-eir", 10),
    ("scotland-foisa", 10),
    ("ireland-foi", 5),
    ("us-foia", 5),
    ("nz-oia", 5),
];

/// xorshift64*: deterministic and dependency-free.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

struct Case {
    regime: &'static str,
    received: When,
    events: Vec<Event>,
}

fn pick_regime(rng: &mut Rng) -> &'static str {
    let mut roll = rng.below(100) as u32;
    for (name, share) in MIX {
        if roll < share {
            return name;
        }
        roll -= share;
    }
    MIX[0].0
}

fn synthetic_cases(n: usize) -> Vec<Case> {
    let mut rng = Rng(0x5eed_f01c_a5e5_0001);
    let first = NaiveDate::from_ymd_opt(2020, 1, 1).unwrap_or_default();
    let first_instant: DateTime<Utc> = first.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc();
    (0..n)
        .map(|_| {
            let regime = pick_regime(&mut rng);
            let day = rng.below(3650);
            let base = first + Days::new(day);
            let received = if rng.below(2) == 0 {
                When::Instant(
                    first_instant
                        + chrono::Duration::seconds((day * 86_400 + rng.below(86_400)) as i64),
                )
            } else {
                When::Date(base)
            };
            let at = |offset: u64| base + Days::new(offset);
            let events = if rng.below(100) < 30 {
                match rng.below(8) {
                    0 => vec![
                        Event::new(at(5 + rng.below(10)), EventKind::FeesNotice),
                        Event::new(at(20 + rng.below(20)), EventKind::FeePaid),
                    ],
                    1 => vec![
                        Event::new(at(2 + rng.below(10)), EventKind::ClarificationRequested),
                        Event::new(at(14 + rng.below(14)), EventKind::ClarificationReceived),
                    ],
                    2 => vec![Event::new(
                        at(20 + rng.below(5)),
                        EventKind::Extension(Extension::By(20)),
                    )],
                    3 => vec![Event::new(
                        at(15),
                        EventKind::Extension(Extension::Until(at(40 + rng.below(20)))),
                    )],
                    4 => vec![
                        Event::new(at(25 + rng.below(10)), EventKind::Responded),
                        Event::new(at(40 + rng.below(20)), EventKind::ReviewRequested),
                    ],
                    5 => vec![Event::new(at(5 + rng.below(10)), EventKind::FeesNotice)],
                    6 => vec![Event::new(
                        at(2 + rng.below(10)),
                        EventKind::ClarificationRequested,
                    )],
                    _ => vec![
                        Event::new(at(3), EventKind::ClarificationRequested),
                        Event::new(at(10), EventKind::ClarificationReceived),
                        Event::new(at(15), EventKind::FeesNotice),
                        Event::new(at(22), EventKind::FeePaid),
                    ],
                }
            } else {
                Vec::new()
            };
            Case {
                regime,
                received,
                events,
            }
        })
        .collect()
}

/// Computes every due date; returns a checksum so the work cannot be optimised away.
fn compute_all(regimes: &Regimes, cases: &[Case]) -> (u64, [usize; 4]) {
    let mut sum = 0u64;
    let mut states = [0usize; 4];
    for case in cases {
        let Some(regime) = regimes.get(case.regime) else {
            continue;
        };
        let Ok(deadline) = regime.deadline(case.received, &case.events) else {
            continue;
        };
        if let Some(due) = deadline.due() {
            sum = sum.wrapping_add(due.num_days_from_ce() as u64);
        }
        states[match deadline.state() {
            ClockState::Running => 0,
            ClockState::Paused { .. } => 1,
            ClockState::AwaitingClarification { .. } => 2,
            ClockState::Ended { .. } => 3,
        }] += 1;
    }
    (sum, states)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn main() {
    let started = Instant::now();
    let regimes = match Regimes::new(&Calendar::uk(), Vec::new()) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("cannot build the built-in regimes: {e}");
            std::process::exit(1);
        }
    };
    let setup = started.elapsed();
    let cases = synthetic_cases(CASES);
    let with_events = cases.iter().filter(|c| !c.events.is_empty()).count();

    let mut times = Vec::with_capacity(ROUNDS);
    let mut result = (0, [0; 4]);
    for _ in 0..ROUNDS {
        let t = Instant::now();
        result = black_box(compute_all(black_box(&regimes), black_box(&cases)));
        times.push(t.elapsed());
    }
    times.sort();
    let median = times[ROUNDS / 2];
    let fastest = times[0];
    let verdict = if ms(median) < TARGET_MS {
        "ok"
    } else {
        "MISSED"
    };

    let sample: Vec<&Case> = cases
        .iter()
        .filter(|c| !c.events.is_empty())
        .take(1000)
        .collect();
    let t = Instant::now();
    let mut explained = 0usize;
    for case in &sample {
        if let Some(regime) = regimes.get(case.regime) {
            if let Ok(e) = regime.explain(case.received, &case.events) {
                explained += black_box(e.steps().len());
            }
        }
    }
    let explain_time = t.elapsed();

    println!(
        "{CASES} due dates in {:.1} ms (target < {TARGET_MS:.0} ms: {verdict}; median of {ROUNDS} runs, fastest {:.1} ms)",
        ms(median),
        ms(fastest)
    );
    println!(
        "cases: {with_events} with events; clocks: {} running, {} paused, {} awaiting clarification, {} ended; checksum {}",
        result.1[0], result.1[1], result.1[2], result.1[3], result.0
    );
    println!(
        "setup: 7 regimes over the UK calendar built in {:.1} ms (once per process, not in the figure above)",
        ms(setup)
    );
    println!(
        "{} explanations of cases with events in {:.1} ms ({explained} steps; no target)",
        sample.len(),
        ms(explain_time)
    );
}
