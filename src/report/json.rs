//! The report as JSON: the [`Report`] itself, schema `foi-report/1`.
//!
//! ```text
//! {
//!   "schema": "foi-report/1",
//!   "campaign": "cctv",
//!   "as_of": "2026-04-20T10:00:00Z",
//!   "by": null | "tag" | "region" | "regime",
//!   "notes": ["..."],
//!   "questions": [{"key", "label", "type": "yesno|number|text|choice", "options": [..]}],
//!   "groups": [{                                   // "all" first, then by name
//!     "name": "all", "cases": 12,
//!     "figures": {"sent", "delivered", "delivery_failed", "acknowledged", "answered",
//!                 "answered_on_time", "answered_late", "overdue", "long_overdue", "refused"},
//!     "outcomes": {"response", "partial_response", "not_held", "refusal"},
//!     "stages": {"internal_review_requested", "internal_review_answered",
//!                "complaint_to_regulator", "regulator_acknowledged", "decision_notice",
//!                "decision_upheld", "decision_partly", "decision_not_upheld", "complied",
//!                "tribunal_appeal"},
//!     "exemptions": [{"value": "section 43", "count": 1}, ...],   // "not stated" last
//!     "median_working_days_to_answer": 12.0 | null,
//!     "answer_days": [{"working_days": 12, "cases": 2}, ...],
//!     "questions": [{"key", "type", "answered" (the base), "no_answer",
//!                    "values": [{"value": "yes", "count": 3, "percent": 75.0 | null}],
//!                    "median": null | n, "total": null | n}]   // median/total: number questions
//!   }]
//! }
//! ```
//! Counts are integers; percentages have one decimal. Fields are only ever added.

use super::Report;

/// Render the report as pretty JSON.
pub fn render(r: &Report) -> anyhow::Result<String> {
    let mut s = serde_json::to_string_pretty(r)?;
    s.push('\n');
    Ok(s)
}
