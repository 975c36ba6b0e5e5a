#!/usr/bin/env bash
# Benchmark (issue 6): `foi report` over a campaign of N cases (default 10,000) with replies
# and coded answers, timed with its peak RSS, beside the 1 s target. The floor beside it:
# sqlite3 reading the same cases, events and answers with no deadline work.
#
# Setup, honest and quick: N bodies imported with `foi bodies import` (tags council, school,
# nhs-trust, police, university; every tenth body, an NHS trust, also has the tag police), one campaign created
# for all of them with `foi campaign create` on the example campaign folder (its four
# questions), nothing sent; then sqlite3 marks it launched and writes, as if the requests
# had gone out and replies come in: a `sent` event per case (receipts spread over 40 days),
# an acknowledgement for one case in three, a reply for seven in ten (response, partial
# response, not held, or a refusal whose note cites an exemption), a bounce for one in
# twenty of the rest; confirmed answers to all four questions for the answered cases, and
# keyword suggestions (which a report must not count) for others. Regimes are mixed.
#
# usage: scripts/bench-report.sh [N]         needs: GNU time, sqlite3 (apt-get install time sqlite3)
#        BENCH_DIR=/tmp/rep scripts/bench-report.sh   keeps the generated folder and reuses it
set -euo pipefail
N=${1:-10000}
. "$(dirname "$0")/bench-common.sh"
bench_setup reuse
export FOI_CONFIG="$W/w/foi.toml"
export FOI_NOW=2026-04-20T10:00:00Z
DB="$W/w/foi.db"

if [ ! -e "$DB" ]; then
bench_campaign "$N" ";police" 10 2
sqlite3 "$DB" <<'SQL'
BEGIN;
UPDATE campaigns SET state = 'launched';
UPDATE cases SET status = 'awaiting_response';
INSERT INTO events (case_id, kind, occurred_on, note, actor, created_at)
    SELECT id, 'sent', date('2026-01-05', '+' || (id % 40) || ' days'), NULL, 'system', '2026-01-05T10:00:00Z' FROM cases;
INSERT INTO events (case_id, kind, occurred_on, note, actor, created_at)
    SELECT id, 'acknowledged', date('2026-01-05', '+' || (id % 40 + 2) || ' days'), NULL, 'bench', '2026-01-05T10:00:00Z'
    FROM cases WHERE id % 3 = 0;
-- Replies for seven cases in ten, 5 to 44 days after receipt (some late).
INSERT INTO events (case_id, kind, occurred_on, note, actor, created_at)
    SELECT id, CASE id % 10 WHEN 0 THEN 'refusal' WHEN 1 THEN 'not_held' WHEN 2 THEN 'partial_response' ELSE 'response' END,
           date('2026-01-05', '+' || (id % 40 + 5 + id % 40) || ' days'),
           CASE id % 30 WHEN 0 THEN 'refused, citing s43' WHEN 10 THEN 's.31(1)(a) and s 40(2)' WHEN 20 THEN NULL ELSE NULL END,
           'bench', '2026-01-05T10:00:00Z'
    FROM cases WHERE id % 10 < 7;
UPDATE cases SET status = CASE id % 10 WHEN 0 THEN 'refused' WHEN 1 THEN 'not_held' WHEN 2 THEN 'partially_successful' ELSE 'successful' END
    WHERE id % 10 < 7;
UPDATE cases SET status = 'acknowledged' WHERE id % 10 >= 7 AND id % 3 = 0;
-- Bounces: one in twenty of the unanswered.
INSERT INTO events (case_id, kind, occurred_on, note, actor, created_at)
    SELECT id, 'delivery_failed', date('2026-01-05', '+' || (id % 40) || ' days'), 'bounce', 'system', '2026-01-05T10:00:00Z'
    FROM cases WHERE id % 10 = 8 AND id % 20 = 18;
UPDATE cases SET status = 'delivery_failed' WHERE id % 10 = 8 AND id % 20 = 18;
-- Confirmed answers for the answered cases (four questions), suggestions for the others.
INSERT INTO answers (case_id, question, value, state, actor, updated_at)
    SELECT id, 'uses_hikvision_or_dahua', CASE id % 3 WHEN 0 THEN 'yes' WHEN 1 THEN 'no' ELSE 'unknown' END, 'confirmed', 'bench', '2026-03-01T10:00:00Z'
    FROM cases WHERE id % 10 < 7;
INSERT INTO answers (case_id, question, value, state, actor, updated_at)
    SELECT id, 'camera_count', CAST(id % 250 AS TEXT), 'confirmed', 'bench', '2026-03-01T10:00:00Z' FROM cases WHERE id % 10 < 6;
INSERT INTO answers (case_id, question, value, state, actor, updated_at)
    SELECT id, 'supplier', 'Supplier ' || (id % 17), 'confirmed', 'bench', '2026-03-01T10:00:00Z' FROM cases WHERE id % 10 < 5;
INSERT INTO answers (case_id, question, value, state, actor, updated_at)
    SELECT id, 'contract_status', CASE id % 4 WHEN 0 THEN 'active' WHEN 1 THEN 'expired' WHEN 2 THEN 'none' ELSE 'not disclosed' END,
           'confirmed', 'bench', '2026-03-01T10:00:00Z' FROM cases WHERE id % 10 < 7;
INSERT INTO answers (case_id, question, value, state, evidence, actor, updated_at)
    SELECT id, 'uses_hikvision_or_dahua', 'yes', 'suggested', 'hikvision', 'system', '2026-03-01T10:00:00Z'
    FROM cases WHERE id % 10 = 9;
COMMIT;
SQL
fi

read -r ref_s ref_kb < <(measure sqlite3 "$DB" "SELECT c.id, c.regime, c.status, b.region, e.kind, e.occurred_on, e.note FROM cases c JOIN bodies b ON b.id = c.body_id JOIN events e ON e.case_id = c.id ORDER BY e.case_id, e.occurred_on, e.id; SELECT case_id, question, value FROM answers WHERE state = 'confirmed'; SELECT body_id, tag FROM body_tags")
read -r t_s t_kb < <(measure "$FOI" report bench --format text)
grep -q "Report on campaign bench: $N cases" "$W/out" || { echo "unexpected text report:" >&2; head -5 "$W/out" >&2; exit 1; }
read -r h_s h_kb < <(measure "$FOI" report bench --format html)
html_kb=$(( $(wc -c < "$W/out") / 1024 ))
read -r tt_s tt_kb < <(measure "$FOI" report bench --by tag --format text)
read -r th_s th_kb < <(measure "$FOI" report bench --by tag --format html)
read -r j_s j_kb < <(measure "$FOI" report bench --by region --format json)
read -r c_s c_kb < <(measure "$FOI" report bench --by regime --format csv)

awk -v n="$N" -v rs="$ref_s" -v rk="$ref_kb" -v ts="$t_s" -v tk="$t_kb" -v hs="$h_s" -v hk="$h_kb" -v hsz="$html_kb" \
    -v tts="$tt_s" -v ttk="$tt_kb" -v ths="$th_s" -v thk="$th_kb" -v js="$j_s" -v jk="$j_kb" -v cs="$c_s" -v ck="$c_kb" 'BEGIN {
    printf "%-52s %8s %10s %s\n", "step (" n " cases)", "wall s", "peak MB", "target"
    printf "%-52s %8.2f %10.1f %s\n", "reference: sqlite3 reads cases, events, answers", rs, rk/1024, "-"
    printf "%-52s %8.2f %10.1f %s\n", "foi report --format text", ts, tk/1024, "< 1 s"
    printf "%-52s %8.2f %10.1f %s\n", "foi report --format html (" hsz " KB)", hs, hk/1024, "< 1 s"
    printf "%-52s %8.2f %10.1f %s\n", "foi report --by tag --format text", tts, ttk/1024, "< 1 s"
    printf "%-52s %8.2f %10.1f %s\n", "foi report --by tag --format html", ths, thk/1024, "< 1 s"
    printf "%-52s %8.2f %10.1f %s\n", "foi report --by region --format json", js, jk/1024, "< 1 s"
    printf "%-52s %8.2f %10.1f %s\n", "foi report --by regime --format csv", cs, ck/1024, "< 1 s"
}'
