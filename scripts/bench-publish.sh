#!/usr/bin/env bash
# Benchmark (issue 22): `foi publish` of a campaign of N cases (default 10,000), timed with
# its peak RSS, beside the targets (< 5 s, < 200 MB) and beside a reference: `foi report
# --format html` on the same data (the figures alone, one page).
#
# Setup: the database of scripts/bench-report.sh (N bodies, one campaign, events for sent,
# acknowledged, answered, bounced; confirmed answers to the four questions), made by running
# it with BENCH_DIR; then sqlite3 adds what a publication reads beyond the report: the
# request as sent for every case (a raw email), and a reply for seven cases in ten, full of
# personal data (a named officer in From, a direct line, a personal address, a sign-off).
#
# usage: scripts/bench-publish.sh [N]        needs: GNU time, sqlite3 (apt-get install time sqlite3)
set -euo pipefail
N=${1:-10000}
cd "$(dirname "$0")/.."
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
BENCH_DIR="$W" scripts/bench-report.sh "$N" >/dev/null
FOI=$PWD/target/release/foi
export FOI_CONFIG="$W/w/foi.toml"
export FOI_NOW=2026-04-20T10:00:00Z
DB="$W/w/foi.db"
# `foi init` writes a [publish] table with its licence commented out: set it there.
sed -i 's/^# licence = "CC-BY-4.0"/licence = "CC-BY-4.0"/' "$FOI_CONFIG"
grep -q '^licence = "CC-BY-4.0"' "$FOI_CONFIG" || printf '\n[publish]\nlicence = "CC-BY-4.0"\n' >> "$FOI_CONFIG"

sqlite3 "$DB" <<'SQL'
BEGIN;
INSERT INTO blobs (sha256, size, data)
    SELECT 'bench-out-' || c.id, 0, CAST('From: FOI Campaign <foi@example.org>' || char(13,10) ||
        'To: ' || b.email || char(13,10) || 'Subject: FOI request [' || c.reference || ']' || char(13,10) ||
        'Message-ID: <bench-out-' || c.id || '@example.org>' || char(13,10) || 'Date: Mon, 05 Jan 2026 10:00:00 +0000' || char(13,10) ||
        'MIME-Version: 1.0' || char(13,10) || 'Content-Type: text/plain; charset=utf-8' || char(13,10) || char(13,10) ||
        'Dear ' || b.name || ',' || char(13,10) || char(13,10) ||
        'Please tell me how many CCTV cameras you operate, who makes them and who supplies them.' || char(13,10) || char(13,10) ||
        'Yours faithfully,' || char(13,10) || 'The FOI Campaign' || char(13,10) AS BLOB)
    FROM cases c JOIN bodies b ON b.id = c.body_id;
UPDATE blobs SET size = length(data) WHERE sha256 LIKE 'bench-out-%';
INSERT INTO messages (case_id, direction, message_id, raw_sha256, subject, from_addr, to_addr, at, created_at)
    SELECT c.id, 'outbound', 'bench-out-' || c.id || '@example.org', 'bench-out-' || c.id,
           'FOI request [' || c.reference || ']', 'foi@example.org', b.email,
           '2026-01-05T10:00:00Z', '2026-01-05T10:00:00Z'
    FROM cases c JOIN bodies b ON b.id = c.body_id;
INSERT INTO blobs (sha256, size, data)
    SELECT 'bench-in-' || c.id, 0, CAST('From: Officer ' || c.id || ' Smith <officer' || c.id || '.smith@body.example>' || char(13,10) ||
        'To: foi@example.org' || char(13,10) || 'Subject: Re: FOI request [' || c.reference || ']' || char(13,10) ||
        'Message-ID: <bench-in-' || c.id || '@body.example>' || char(13,10) || 'Date: Mon, 02 Feb 2026 10:00:00 +0000' || char(13,10) ||
        'MIME-Version: 1.0' || char(13,10) || 'Content-Type: text/plain; charset=utf-8' || char(13,10) || char(13,10) ||
        'see the stored text' || char(13,10) AS BLOB)
    FROM cases c JOIN bodies b ON b.id = c.body_id WHERE c.id % 10 < 7;
UPDATE blobs SET size = length(data) WHERE sha256 LIKE 'bench-in-%';
INSERT INTO messages (case_id, direction, message_id, raw_sha256, subject, from_addr, to_addr, at, created_at, triage, text_body, classification)
    SELECT NULL, 'inbound', 'bench-in-' || c.id || '@body.example', 'bench-in-' || c.id,
           'Re: FOI request [' || c.reference || ']', 'jo.smith@body.example', 'foi@example.org',
           '2026-02-02T10:00:00Z', '2026-02-02T10:00:00Z', NULL,
           'Dear Requester,' || char(10) || char(10) || 'We operate ' || (c.id % 250) ||
           ' cameras. For questions ring Jo Smith on 01632 96' || printf('%04d', c.id % 10000) ||
           ' or write to jo.smith@body.example; requests go to ' || b.email || '.' || char(10) || char(10) ||
           'Kind regards,' || char(10) || char(10) || 'Jo Smith' || char(10) || 'Information Governance Officer' || char(10),
           'response'
    FROM cases c JOIN bodies b ON b.id = c.body_id WHERE c.id % 10 < 7;
INSERT INTO message_cases (message_id, case_id, method, created_at)
    SELECT m.id, c.id, 'reference', '2026-02-02T10:00:00Z'
    FROM cases c JOIN messages m ON m.message_id = 'bench-in-' || c.id || '@body.example';
COMMIT;
SQL

measure() {
    /usr/bin/time -f "%e %M" -o "$W/time" "$@" >"$W/out"
    cat "$W/time"
}
read -r ref_s ref_kb < <(measure "$FOI" report bench --by tag --format html)
read -r p_s p_kb < <(measure "$FOI" publish bench --by tag --out "$W/site")
grep -q "published bench ($N cases" "$W/out" || { echo "unexpected output:" >&2; cat "$W/out" >&2; exit 1; }
files=$(find "$W/site" -type f | wc -l)
mb=$(du -sm "$W/site" | cut -f1)
if grep -rqE "Jo Smith|jo\.smith|01632 96" "$W/site"; then
    echo "personal data published:" >&2; grep -rlE "Jo Smith|jo\.smith|01632 96" "$W/site" | head -3 >&2; exit 1
fi
read -r c_s c_kb < <(measure "$FOI" publish bench --check --csv)
rows=$(($(wc -l < "$W/out") - 1))

awk -v n="$N" -v rs="$ref_s" -v rk="$ref_kb" -v ps="$p_s" -v pk="$p_kb" -v f="$files" -v mb="$mb" \
    -v cs="$c_s" -v ck="$c_kb" -v rows="$rows" 'BEGIN {
    printf "%-58s %8s %10s %s\n", "step (" n " cases)", "wall s", "peak MB", "target"
    printf "%-58s %8.2f %10.1f %s\n", "reference: foi report --by tag --format html", rs, rk/1024, "-"
    printf "%-58s %8.2f %10.1f %s\n", "foi publish --by tag (" f " files, " mb " MB)", ps, pk/1024, "< 5 s, < 200 MB"
    printf "%-58s %8.2f %10.1f %s\n", "foi publish --check --csv (" rows " rows)", cs, ck/1024, "-"
}'
