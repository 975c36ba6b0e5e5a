#!/usr/bin/env bash
# Benchmark (issue 18): `foi bodies import` of a large directory file (default 1,000,000
# rows), its wall time and peak RSS (GNU time), then the same file again (every row
# unchanged). References in the same run, on the same file: `wc -l` (reading it), Python's
# csv module (parsing it) and sqlite3's own `.import` into a bare table (reading it into
# SQLite, with no validation, no tags, no upsert).
# The issue's figure to beat: 36 s and 1.3 GB for 1M rows.
#
# usage: scripts/bench-import.sh [N]     needs: GNU time, sqlite3, python3 (apt-get install time sqlite3 python3)
set -euo pipefail
N=${1:-1000000}
. "$(dirname "$0")/bench-common.sh"
command -v python3 >/dev/null || { echo "missing python3: apt-get install python3" >&2; exit 1; }
bench_setup

bench_bodies "$N" "$W/bodies.csv"
"$FOI" init --dir "$W/w" >/dev/null
export FOI_CONFIG="$W/w/foi.toml"
size_mb=$(du -m "$W/bodies.csv" | cut -f1)

read -r wc_s wc_kb < <(measure wc -l "$W/bodies.csv")
read -r py_s py_kb < <(measure python3 -c 'import csv,sys
n = sum(1 for _ in csv.reader(open(sys.argv[1], newline="")))
print(n)' "$W/bodies.csv")
read -r ref_s ref_kb < <(measure sqlite3 "$W/ref.db" ".import --csv $W/bodies.csv bodies")
read -r imp_s imp_kb < <(measure "$FOI" bodies import "$W/bodies.csv")
read -r re_s re_kb < <(measure "$FOI" bodies import "$W/bodies.csv")

bodies=$("$FOI" bodies list --csv | tail -n +2 | wc -l)
[ "$bodies" -eq "$N" ] || { echo "expected $N bodies, found $bodies" >&2; exit 1; }

awk -v n="$N" -v mb="$size_mb" -v ws="$wc_s" -v wk="$wc_kb" -v ps="$py_s" -v pk="$py_kb" \
    -v rs="$ref_s" -v rk="$ref_kb" -v is="$imp_s" -v ik="$imp_kb" -v es="$re_s" -v ek="$re_kb" 'BEGIN {
    printf "%-48s %8s %10s\n", "step (" n " bodies, " mb " MB of CSV)", "wall s", "peak MB"
    printf "%-48s %8.2f %10.1f\n", "reference: wc -l", ws, wk/1024
    printf "%-48s %8.2f %10.1f\n", "reference: python3 csv.reader (parse only)", ps, pk/1024
    printf "%-48s %8.2f %10.1f\n", "reference: sqlite3 .import of the same CSV", rs, rk/1024
    printf "%-48s %8.2f %10.1f  (%.1fx the sqlite3 import)\n", "foi bodies import (validate + insert + tags)", is, ik/1024, (rs > 0 ? is/rs : 0)
    printf "%-48s %8.2f %10.1f\n", "foi bodies import again (all unchanged)", es, ek/1024
}'
