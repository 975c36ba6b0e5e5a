//! Comparisons between groups of a report: for each yes/no question's "yes" and each
//! choice question's options, the difference between two groups' shares with Newcombe's
//! 95% interval ([`super::interval::difference`]), and whether it is within noise (the
//! interval holds zero). Only the groups of the report are compared (`--by tag`, `region`
//! or `regime`), pair by pair; `all` is not compared with its own parts. Tag groups
//! overlap, so two tag groups are not independent samples where they share bodies: the
//! interval is then wider than it should be, never narrower, and a note says so.

use super::interval::{difference, Difference};
use super::Report;
use serde::Serialize;

/// Groups beyond this many are not compared pair by pair (the page would hold thousands).
pub const MAX_GROUPS: usize = 12;

/// One value's share in two groups, and their difference.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    pub question: String,
    pub value: String,
    pub a: String,
    pub a_count: usize,
    pub a_base: usize,
    pub b: String,
    pub b_count: usize,
    pub b_base: usize,
    pub difference: Difference,
}

/// Every comparison of the report's groups (none without groups, or beyond
/// [`MAX_GROUPS`] of them).
pub fn comparisons(r: &Report) -> Vec<Comparison> {
    let groups = &r.groups[1.min(r.groups.len())..];
    if groups.len() < 2 || groups.len() > MAX_GROUPS {
        return Vec::new();
    }
    let mut out = Vec::new();
    for (qi, q) in r.questions.iter().enumerate() {
        let values: Vec<&str> = match q.kind {
            "yesno" => vec!["yes"],
            "choice" => q.options.iter().map(String::as_str).collect(),
            _ => continue,
        };
        for v in values {
            for (i, ga) in groups.iter().enumerate() {
                for gb in &groups[i + 1..] {
                    let (Some(ta), Some(tb)) = (ga.questions.get(qi), gb.questions.get(qi)) else {
                        continue;
                    };
                    let count = |t: &super::QuestionTally| {
                        t.values
                            .iter()
                            .find(|x| x.value == v)
                            .map_or(0, |x| x.count)
                    };
                    let (ka, kb) = (count(ta), count(tb));
                    if let Some(d) = difference(ka, ta.answered, kb, tb.answered) {
                        out.push(Comparison {
                            question: q.key.clone(),
                            value: v.to_string(),
                            a: ga.name.clone(),
                            a_count: ka,
                            a_base: ta.answered,
                            b: gb.name.clone(),
                            b_count: kb,
                            b_base: tb.answered,
                            difference: d,
                        });
                    }
                }
            }
        }
    }
    out
}
