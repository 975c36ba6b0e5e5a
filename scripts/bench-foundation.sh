#!/usr/bin/env bash
# Benchmark (issue 2): import N bodies (default 10,000) and create a campaign for all of
# them (render check of every case + case creation), each step timed with its peak RSS.
# Reference in the same run: sqlite3's own `.import` of the same CSV into a bare table
# (no validation, no tags, no upsert): the floor for "read a CSV into SQLite".
# Targets (2-core machine): each step under 2 s, peak RSS under 100 MB.
#
# usage: scripts/bench-foundation.sh [N]        needs: GNU time, sqlite3 (apt-get install time sqlite3)
set -euo pipefail
N=${1:-10000}
. "$(dirname "$0")/bench-common.sh"
bench_setup

bench_bodies "$N" "$W/bodies.csv"

"$FOI" init --dir "$W/w" >/dev/null
export FOI_CONFIG="$W/w/foi.toml"

read -r ref_s ref_kb < <(measure sqlite3 "$W/ref.db" ".import --csv $W/bodies.csv bodies")
read -r imp_s imp_kb < <(measure "$FOI" bodies import "$W/bodies.csv")
read -r re_s re_kb < <(measure "$FOI" bodies import "$W/bodies.csv")
read -r cam_s cam_kb < <(measure "$FOI" campaign create bench --template examples/cctv-campaign --select all --reference-prefix BENCH)

cases=$("$FOI" cases list --campaign bench --csv | tail -n +2 | wc -l)
[ "$cases" -eq "$N" ] || { echo "expected $N cases, found $cases" >&2; exit 1; }

awk -v n="$N" -v rs="$ref_s" -v rk="$ref_kb" -v is="$imp_s" -v ik="$imp_kb" -v es="$re_s" -v ek="$re_kb" \
    -v cs="$cam_s" -v ck="$cam_kb" 'BEGIN {
    printf "%-46s %8s %10s %s\n", "step (" n " bodies)", "wall s", "peak MB", "target"
    printf "%-46s %8.2f %10.1f %s\n", "reference: sqlite3 .import of the same CSV", rs, rk/1024, "-"
    printf "%-46s %8.2f %10.1f %s  (%.1fx the sqlite3 import)\n", "foi bodies import (validate + insert + tags)", is, ik/1024, "< 2 s, < 100 MB", (rs > 0 ? is/rs : 0)
    printf "%-46s %8.2f %10.1f %s\n", "foi bodies import again (all unchanged)", es, ek/1024, "< 2 s, < 100 MB"
    printf "%-46s %8.2f %10.1f %s\n", "foi campaign create (cases + render check)", cs, ck/1024, "< 2 s, < 100 MB"
}'
