#!/usr/bin/env bash
# Benchmark (issue 3): deliver N requests (default 10,000) to Postfix's smtp-sink on loopback
# with `foi send`, and in the same run time Postfix's own load generator smtp-source sending
# the same number of messages of the same size with the same number of parallel sessions
# (connections reused, as lettre's pool does). Prints both rates, the ratio and our peak RSS.
# Every one of our emails is durably claimed before it is handed over and recorded after.
# Target: at least 50% of smtp-source's rate; peak RSS under 100 MB.
#
# usage: scripts/bench-send.sh [N] [sessions...]     needs: postfix (smtp-sink, smtp-source), GNU time
set -euo pipefail
N=${1:-10000}
shift || true
SESSIONS=("${@:-1 4}")
read -r -a SESSIONS <<< "${SESSIONS[*]}"
PORT=${SINK_PORT:-2530}
cd "$(dirname "$0")/.."
export PATH=$PATH:/usr/sbin
for tool in smtp-sink smtp-source /usr/bin/time; do
    command -v "$tool" >/dev/null || { echo "missing $tool: scripts/mailtest.sh install (postfix), apt-get install time" >&2; exit 1; }
done
cargo build --release --quiet
FOI=$PWD/target/release/foi
W=$(mktemp -d)
chmod 755 "$W"
smtp-sink -u postfix 127.0.0.1:$PORT 1024 </dev/null >/dev/null 2>&1 &
SINK=$!
trap 'kill $SINK 2>/dev/null; wait $SINK 2>/dev/null || true; rm -rf "$W"' EXIT
for _ in $(seq 50); do (exec 3<>/dev/tcp/127.0.0.1/$PORT) 2>/dev/null && break; sleep 0.1; done

awk -v n="$N" 'BEGIN {
    print "id,name,email,tags,foi_contact"
    for (i = 1; i <= n; i++) printf "B%06d,Body %d,foi@body%d.example,council,FOI Team\n", i, i, i
}' > "$W/bodies.csv"

setup() {  # folder, sessions
    "$FOI" init --dir "$1" >/dev/null
    cat >> "$1/foi.toml.extra" <<TOML
TOML
    # the example config with smtp to the sink, no pacing, an always-open window
    python3 - "$1/foi.toml" "$PORT" "$2" <<'PY'
import re, sys
path, port, sessions = sys.argv[1], sys.argv[2], sys.argv[3]
text = open(path).read()
def section(name, body):
    global text
    text = re.sub(r"(?ms)^\[" + name + r"\]\n.*?(?=^\[|\Z)", "", text)
    text += f"\n[{name}]\n{body}\n"
section("transport", 'kind = "smtp"')
section("smtp", f'host = "127.0.0.1"\nport = {port}\ntls = "none"\nsessions = {sessions}')
section("pacing", "max_attempts = 3")
section("send_window", 'days = ["mon","tue","wed","thu","fri","sat","sun"]\nstart = "00:00"\nend = "24:00"\nskip_bank_holidays = false')
open(path, "w").write(text)
PY
    FOI_CONFIG="$1/foi.toml" "$FOI" bodies import "$W/bodies.csv" >/dev/null
    FOI_CONFIG="$1/foi.toml" "$FOI" campaign create bench --template examples/cctv-campaign --select all --reference-prefix BENCH >/dev/null
    FOI_CONFIG="$1/foi.toml" "$FOI" campaign launch bench >/dev/null
}

printf '%-10s %10s %12s %12s %8s %10s\n' sessions messages "smtp-source" "foi send" ratio "peak MB"
for S in "${SESSIONS[@]}"; do
    setup "$W/s$S" "$S"
    SIZE=$(FOI_CONFIG="$W/s$S/foi.toml" "$FOI" outbox show 1 --raw | wc -c)
    t0=$(date +%s.%N)
    smtp-source -s "$S" -d -m "$N" -l "$SIZE" -M mailtest.localdomain -f foi@example.org \
        -t foi@council.example 127.0.0.1:$PORT
    t1=$(date +%s.%N)
    FOI_CONFIG="$W/s$S/foi.toml" /usr/bin/time -f "%e %M" -o "$W/time" "$FOI" send > "$W/out"
    read -r secs kb < "$W/time"
    grep -q "^sent $N," "$W/out" || { echo "foi send did not send all: $(cat "$W/out")" >&2; exit 1; }
    awk -v s="$S" -v n="$N" -v a="$t0" -v b="$t1" -v f="$secs" -v kb="$kb" -v size="$SIZE" 'BEGIN {
        ref = n / (b - a); ours = n / f
        printf "%-10s %10d %9.0f/s %9.0f/s %7.0f%% %10.1f   (%d-byte messages)\n", s, n, ref, ours, 100 * ours / ref, kb / 1024, size
    }'
done
