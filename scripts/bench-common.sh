# shellcheck shell=bash
# The setup shared by scripts/bench-foundation.sh, bench-overdue.sh and bench-report.sh.
# Sourced, not run: `. "$(dirname "$0")/bench-common.sh"` after `set -euo pipefail`.

# bench_setup [reuse]: from the repository root, check for GNU time and sqlite3, build the
# release binary ($FOI) and make the work folder $W, removed on exit. With `reuse` and
# BENCH_DIR set, $W is BENCH_DIR instead, kept (and reused by the next run).
bench_setup() {
    cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit
    for tool in /usr/bin/time sqlite3; do
        command -v "$tool" >/dev/null || { echo "missing $tool: apt-get install time sqlite3" >&2; exit 1; }
    done
    cargo build --release --quiet
    FOI=$PWD/target/release/foi
    if [ "${1:-}" = reuse ] && [ -n "${BENCH_DIR:-}" ]; then
        W=$BENCH_DIR; mkdir -p "$W"
    else
        W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
    fi
}

# bench_bodies N FILE [EXTRA EVERY AT]: write N bodies as CSV (ids B000001...; kinds council,
# school, nhs-trust, police, university in turn as their tag; regions england, scotland,
# wales, northern-ireland in turn; the regime follows from both). Body i also gets the tags
# EXTRA (";bench" unless given) when i % EVERY == AT (every body unless given).
bench_bodies() {
    awk -v n="$1" -v extra="${3:-;bench}" -v every="${4:-1}" -v at="${5:-0}" 'BEGIN {
        print "id,name,email,tags,regime,region,foi_contact"
        split("council school nhs-trust police university", kinds, " ")
        split("england scotland wales northern-ireland", regions, " ")
        for (i = 1; i <= n; i++) {
            k = kinds[(i % 5) + 1]; r = regions[(i % 4) + 1]
            tags = (i % every == at) ? k extra : k
            regime = (r == "scotland") ? "scotland-foisa" : (k == "school" ? "uk-foia-school" : "uk-foia")
            printf "B%06d,\"Body %d, %s\",foi@body%d.example,%s,%s,%s,FOI Team\n", i, i, k, i, tags, regime, r
        }
    }' > "$2"
}

# bench_campaign N [EXTRA EVERY AT]: `foi init` in $W/w, N bodies (bench_bodies) imported and
# the campaign `bench` created for all of them from examples/cctv-campaign; nothing sent.
bench_campaign() {
    bench_bodies "$1" "$W/bodies.csv" "${@:2}"
    "$FOI" init --dir "$W/w" >/dev/null
    echo "setting up $1 cases ..." >&2
    "$FOI" bodies import "$W/bodies.csv" >/dev/null
    "$FOI" campaign create bench --template examples/cctv-campaign --select all --reference-prefix BENCH >/dev/null
}

# measure command...: run it with its stdout in $W/out; print "wall_seconds peak_kb".
measure() {
    /usr/bin/time -f "%e %M" -o "$W/time" "$@" >"$W/out"
    cat "$W/time"
}
