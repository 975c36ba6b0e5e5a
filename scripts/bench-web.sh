#!/usr/bin/env bash
# Benchmark (issue 7): the dashboard's Overdue page over N cases (default 10,000), served
# by `foi serve` (release build) on loopback.
# The page shows 100 cases at a time (it is paginated). Its list is every open case's
# deadline, sorted, as `foi overdue` computes it; the server keeps that list until the
# database gets a commit (from any process) or the minute turns. So two figures:
#   - list recomputed: a commit before each of 20 requests; the server's own time from its
#     Server-Timing header, median and max;
#   - list kept: wrk with ONE connection (no queueing) for 5 s, median and p99;
# and the throughput under load: wrk -t2 -c50 -d10s, with its latency distribution.
#
# Setup: the store of scripts/bench-overdue.sh (N bodies, one launched campaign, mixed
# regimes and clock events, FOI_NOW=2026-04-20 so most cases are overdue), one staff user,
# a session cookie from the real sign-in form.
#
# usage: scripts/bench-web.sh [N]       needs: wrk, curl, sqlite3, GNU time
set -euo pipefail
N=${1:-10000}
cd "$(dirname "$0")/.."
for tool in wrk curl; do
    command -v "$tool" >/dev/null || { echo "missing $tool: apt-get install $tool" >&2; exit 1; }
done
W=$(mktemp -d)
SERVER=
cleanup() { [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null; rm -rf "$W"; }
trap cleanup EXIT

echo "seeding $N cases (scripts/bench-overdue.sh) ..." >&2
RUNS=1 BENCH_DIR="$W" scripts/bench-overdue.sh "$N" >/dev/null
FOI=$PWD/target/release/foi
export FOI_CONFIG="$W/w/foi.toml"
export FOI_NOW=2026-04-20T10:00:00Z
printf 'bench password 1\n' | "$FOI" users add bench --role staff --password-stdin >/dev/null

"$FOI" serve --bind 127.0.0.1:0 2>"$W/serve.log" &
SERVER=$!
for _ in $(seq 100); do grep -q "dashboard on" "$W/serve.log" 2>/dev/null && break; sleep 0.1; done
BASE=$(sed -n 's/.*dashboard on \(http:\/\/[^/]*\).*/\1/p' "$W/serve.log" | head -1)
[ -n "$BASE" ] || { echo "foi serve did not start:" >&2; cat "$W/serve.log" >&2; exit 1; }

# Sign in through the form (its CSRF token and cookie), keep the session cookie.
CSRF=$(curl -s -c "$W/jar" "$BASE/login" | sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' | head -1)
curl -s -b "$W/jar" -c "$W/jar" -o /dev/null -d "csrf=$CSRF&user=bench&password=bench+password+1&next=/overdue" "$BASE/login"
SESSION=$(awk '$6 == "foi_session" { print $7 }' "$W/jar")
[ -n "$SESSION" ] || { echo "could not sign in" >&2; exit 1; }
COOKIE="Cookie: foi_session=$SESSION"

TOTAL=$(curl -s -H "$COOKIE" "$BASE/overdue" | sed -n 's/.*<h1>Overdue <span class="count">\([0-9]*\)<.*/\1/p')
[ -n "$TOTAL" ] || { echo "the overdue page did not render" >&2; exit 1; }

DB="$W/w/foi.db"
for _ in $(seq 20); do
    # A commit (a row nobody reads: an old sign-in failure): the list is recomputed.
    sqlite3 "$DB" "INSERT INTO login_failures (user_name, ip, at) VALUES ('bench-probe', '-', '2000-01-01')"
    curl -s -o /dev/null -D - -H "$COOKIE" "$BASE/overdue" | tr -d '\r' | sed -n 's/^server-timing: app;dur=//p'
done | sort -n >"$W/cold.txt"
COLD_MEDIAN=$(awk '{ v[NR] = $1 } END { print (v[int((NR + 1) / 2)] + v[int(NR / 2) + 1]) / 2 }' "$W/cold.txt")
COLD_MAX=$(tail -1 "$W/cold.txt")

lat() {  # wrk output, percentile -> milliseconds
    awk -v p="$2" '$1 == p { v = $2; if (v ~ /us$/) { sub(/us/, "", v); v /= 1000 } else if (v ~ /ms$/) { sub(/ms/, "", v) } else if (v ~ /s$/) { sub(/s/, "", v); v *= 1000 } print v }' "$1"
}
wrk -t1 -c1 -d5s --latency -H "$COOKIE" "$BASE/overdue" >"$W/one.txt"
# Under load requests queue for the 2 cores: allow 10 s before wrk counts a timeout.
wrk -t2 -c50 -d10s --timeout 10s --latency -H "$COOKIE" "$BASE/overdue" >"$W/load.txt"
rps() { awk '/^Requests\/sec/ { print $2 }' "$1"; }
errors() { awk '/Non-2xx|Socket errors/ { print }' "$1"; }
if [ -n "$(errors "$W/load.txt")$(errors "$W/one.txt")" ]; then
    echo "wrk saw errors:" >&2; errors "$W/one.txt" >&2; errors "$W/load.txt" >&2; exit 1
fi

printf '%-58s %10s %s\n' "overdue page ($N cases, $TOTAL overdue, 100 a page)" "figure" "target"
printf '%-58s %7.1f ms %s\n' "server time, list recomputed, median of 20 (Server-Timing)" "$COLD_MEDIAN" "< 50 ms"
printf '%-58s %7.1f ms %s\n' "server time, list recomputed, max of 20" "$COLD_MAX" "-"
printf '%-58s %7.1f ms %s\n' "time per request, list kept, median (wrk -c1, 5 s)" "$(lat "$W/one.txt" 50%)" "< 50 ms"
printf '%-58s %7.1f ms %s\n' "time per request, list kept, p99 (wrk -c1)" "$(lat "$W/one.txt" 99%)" "-"
printf '%-58s %7.1f /s %s\n' "requests/s, one connection" "$(rps "$W/one.txt")" "-"
printf '%-58s %7.1f /s %s\n' "requests/s under load (wrk -t2 -c50 -d10s)" "$(rps "$W/load.txt")" "-"
printf '%-58s %7.1f ms %s\n' "latency under load, median" "$(lat "$W/load.txt" 50%)" "-"
printf '%-58s %7.1f ms %s\n' "latency under load, p99" "$(lat "$W/load.txt" 99%)" "-"
