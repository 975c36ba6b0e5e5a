//! The lookups matching needs (`ingest::matcher`): for many emails in one round trip, the
//! cases that each kind of evidence names (a bounce's original, a reply token, a thread,
//! a case reference, the body's own reference, the sender's address or domain).

use super::script::Script;
use super::{Result, Store};
use crate::domain::id::CaseId;
use sqlx::Row;

/// What the matcher looks up for one email (see `ingest::matcher`).
#[derive(Debug, Clone, Default)]
pub struct MatchKeys {
    /// A bounce's original Message-ID.
    pub bounce_original: Option<String>,
    /// Reply tokens found in recipient addresses.
    pub tokens: Vec<String>,
    /// In-Reply-To and References.
    pub thread_ids: Vec<String>,
    /// Case-reference-like words in the subject, and in the text.
    pub subject_references: Vec<String>,
    pub text_references: Vec<String>,
    /// The body reference, if it has the shape of one of our case references.
    pub own_reference: Option<String>,
    /// The body's own reference ("Our ref: FOI-1234").
    pub body_reference: Option<String>,
}

/// What found a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Evidence {
    BounceOriginal,
    Token,
    Thread,
    SubjectReference,
    TextReference,
    OwnReference,
    BodyReference,
    Sender,
    SenderDomain,
}

/// A case some evidence names.
#[derive(Debug, Clone)]
pub struct CaseHit {
    pub evidence: Evidence,
    pub case_id: CaseId,
    pub reference: String,
    pub regime: String,
}

/// One evidence row: (tag, email index, case id, reference, regime).
fn hit(r: &sqlx::sqlite::SqliteRow) -> anyhow::Result<(usize, CaseHit)> {
    let tag: String = r.try_get(0)?;
    let evidence = match tag.as_str() {
        "bounce" => Evidence::BounceOriginal,
        "token" => Evidence::Token,
        "thread" => Evidence::Thread,
        "subject_ref" => Evidence::SubjectReference,
        "text_ref" => Evidence::TextReference,
        "own_ref" => Evidence::OwnReference,
        "body_ref" => Evidence::BodyReference,
        "sender" => Evidence::Sender,
        _ => Evidence::SenderDomain,
    };
    Ok((
        r.try_get::<i64, _>(1)? as usize,
        CaseHit {
            evidence,
            case_id: r.try_get(2)?,
            reference: r.try_get(3)?,
            regime: r.try_get(4)?,
        },
    ))
}

impl Store {
    /// The evidence for matching several emails, in one round trip: for each email, the
    /// cases each lookup found (with their reference and regime), tagged with what found
    /// them. One statement per kind of lookup, whatever the number of emails.
    pub async fn match_evidence(&self, keys: &[MatchKeys]) -> Result<Vec<Vec<CaseHit>>> {
        let mut s = Script::read();
        let pairs = |values: &dyn Fn(&MatchKeys) -> Vec<String>| -> Vec<(i64, String)> {
            keys.iter()
                .enumerate()
                .flat_map(|(i, k)| values(k).into_iter().map(move |v| (i as i64, v)))
                .collect()
        };
        // (what found it, (email index, value) pairs, how to reach the case)
        type Lookup = (&'static str, Vec<(i64, String)>, &'static str);
        let lookups: [Lookup; 7] = [
            ("bounce", pairs(&|k| k.bounce_original.iter().cloned().collect()),
             "JOIN outbox o ON o.message_id = k.v JOIN cases c ON c.id = o.case_id"),
            ("thread", pairs(&|k| k.thread_ids.clone()),
             "JOIN outbox o ON o.message_id = k.v JOIN cases c ON c.id = o.case_id"),
            ("token", pairs(&|k| k.tokens.clone()), "JOIN cases c ON c.token = k.v"),
            ("subject_ref", pairs(&|k| k.subject_references.clone()), "JOIN cases c ON c.reference = k.v"),
            ("text_ref", pairs(&|k| k.text_references.clone()), "JOIN cases c ON c.reference = k.v"),
            ("own_ref", pairs(&|k| k.own_reference.iter().cloned().collect()), "JOIN cases c ON c.reference = k.v"),
            ("body_ref", pairs(&|k| k.body_reference.iter().cloned().collect()),
             "JOIN messages m ON m.body_reference = k.v JOIN message_cases mc ON mc.message_id = m.id
              JOIN cases c ON c.id = mc.case_id"),
        ];
        for (tag, pairs, join) in lookups {
            if pairs.is_empty() {
                continue;
            }
            let values = s.values(pairs);
            s.sql(&format!(
                "WITH k (i, v) AS (VALUES {values})
                 SELECT DISTINCT '{tag}', k.i, c.id, c.reference, c.regime FROM k {join};\n"
            ));
        }
        Ok(self.evidence(s, keys.len()).await?)
    }

    /// For each (address, domain): the open cases of bodies with this exact address, and
    /// of bodies on this domain, in one round trip.
    pub async fn sender_evidence(&self, senders: &[(&str, &str)]) -> Result<Vec<Vec<CaseHit>>> {
        let mut s = Script::read();
        if !senders.is_empty() {
            let open_statuses = || {
                crate::domain::CaseStatus::ALL
                    .into_iter()
                    .filter(|s| s.is_open())
                    .map(|s| s.as_str())
            };
            let open = s.list(open_statuses());
            let values = s.values(
                senders
                    .iter()
                    .enumerate()
                    .map(|(i, (a, d))| (i as i64, a.to_lowercase(), d.to_lowercase())),
            );
            s.sql(&format!(
                "WITH k (i, a, d) AS (VALUES {values})
                 SELECT 'sender', k.i, c.id, c.reference, c.regime
                 FROM k JOIN bodies b ON lower(b.email) = k.a JOIN cases c ON c.body_id = b.id
                 WHERE c.status IN {open};
                 WITH k (i, a, d) AS (VALUES {values})
                 SELECT 'sender_domain', k.i, c.id, c.reference, c.regime
                 FROM k JOIN bodies b ON substr(b.email, instr(b.email, '@') + 1) = k.d
                 JOIN cases c ON c.body_id = b.id
                 WHERE c.status IN {open};\n"
            ));
        }
        Ok(self.evidence(s, senders.len()).await?)
    }

    async fn evidence(&self, s: Script<'_>, n: usize) -> anyhow::Result<Vec<Vec<CaseHit>>> {
        let mut out = vec![Vec::new(); n];
        if s.is_empty() {
            return Ok(out);
        }
        for row in s.run(&mut *self.pool().acquire().await?).await? {
            let (i, hit) = hit(&row)?;
            if let Some(v) = out.get_mut(i) {
                v.push(hit);
            }
        }
        Ok(out)
    }
}
