#!/usr/bin/env bash
# Benchmark (issue 4): ingest N emails (default 10,000) of mixed sizes, some with
# attachments, from Dovecot over IMAP with `foi fetch` (store raw, parse, classify, match,
# record), and in the same run time a plain IMAP fetch of the same folder by the same
# client code with no parsing or storing (`foi fetch --plain-reference`). Prints both
# rates, the ratio and our peak RSS, for ROUNDS rounds (default 3, each: the plain fetch,
# then `foi fetch` into a new database) and the median ratio: on a shared machine one
# round's ratio varies by a third. Target: at least 50% of the plain fetch's rate; peak
# RSS under 150 MB whatever the mailbox size. Last, the time of the first search after it,
# which indexes what the fetch queued for search.
#
# usage: [ROUNDS=3] scripts/bench-ingest.sh [N]     needs: the loopback servers (scripts/mailtest.sh), python3, GNU time
set -euo pipefail
N=${1:-10000}
ROUNDS=${ROUNDS:-3}
cd "$(dirname "$0")/.."
scripts/mailtest.sh start >/dev/null 2>&1 || scripts/mailtest.sh start
eval "$(scripts/mailtest.sh env)"
cargo build --release --quiet
FOI=$PWD/target/release/foi
W=$(mktemp -d)
USER_LOCAL="bench$(date +%s%N)"
MAILBOX="$USER_LOCAL@example.org"
MD="$MAILTEST_DIR/mail/example.org/$USER_LOCAL/Maildir"
# (the mailbox goes too: each run's is the size of the emails, 142 MB for 10,000)
trap 'rm -rf "$W" "$MAILTEST_DIR/mail/example.org/$USER_LOCAL"' EXIT
# Dovecot reads and delivers as the harness's mail user (mail_uid in its dovecot.conf): the
# domain folder must be that user's too, or a first run here leaves it root's and Dovecot
# can no longer make any other example.org mailbox (deliveries to them fail).
MAIL_USER=$(sed -n 's/^mail_uid = //p' "$MAILTEST_DIR/dovecot/dovecot.conf" 2>/dev/null || true)
MAIL_USER=${MAIL_USER:-vmail}
mkdir -p "$MD"/new "$MD"/cur "$MD"/tmp
chown "$MAIL_USER:$MAIL_USER" "$MAILTEST_DIR/mail/example.org"
# Write the mailbox directly (the fastest way to load 10,000 emails; Dovecot indexes them).
python3 - "$MD/new" "$N" <<'PY'
import base64, os, random, sys
d, n = sys.argv[1], int(sys.argv[2])
random.seed(42)
blob = base64.encodebytes(os.urandom(60_000)).decode().replace("\n", "\r\n")
para = "We acknowledge receipt of your request for information. " * 30
for i in range(n):
    kind = i % 10
    head = (f"From: foi{i}@council{i % 400}.example\r\nTo: foi@example.org\r\n"
            f"Subject: Re: Freedom of Information request {i}\r\nDate: Tue, 03 Mar 2026 11:00:00 +0000\r\n"
            f"Message-ID: <bench-{i}@council.example>\r\nMIME-Version: 1.0\r\n")
    if kind < 7:
        body = head + "Content-Type: text/plain; charset=utf-8\r\n\r\n" + para[: 500 + (i % 7) * 300] + "\r\n"
    elif kind < 9:
        body = head + "Content-Type: text/html; charset=utf-8\r\n\r\n<html><body>" + ("<p>" + para + "</p>") * 8 + "</body></html>\r\n"
    else:
        body = (head + 'Content-Type: multipart/mixed; boundary="B"\r\n\r\n--B\r\nContent-Type: text/plain\r\n\r\n'
                + "Please find our response attached.\r\n--B\r\nContent-Type: application/pdf\r\n"
                + f'Content-Disposition: attachment; filename="response-{i}.pdf"\r\nContent-Transfer-Encoding: base64\r\n\r\n'
                + blob + "\r\n--B--\r\n")
    with open(os.path.join(d, f"{1700000000 + i}.M{i}P1.bench"), "w", newline="") as f:
        f.write(body)
PY
chown -R "$MAIL_USER:$MAIL_USER" "$MAILTEST_DIR/mail/example.org/$USER_LOCAL"
SIZE=$(du -sm "$MD/new" | cut -f1)

"$FOI" init --dir "$W/w" >/dev/null
python3 - "$W/w/foi.toml" "$MAILBOX" "$MAILTEST_IMAPS_PORT" "$MAILTEST_CA_CERT" <<'PY'
import re, sys
path, mailbox, port, ca = sys.argv[1:5]
t = open(path).read()
def section(name, body):
    global t
    t = re.sub(r"(?ms)^\[" + name + r"\]\n.*?(?=^\[|\Z)", "", t)
    t += f"\n[{name}]\n{body}\n"
section("imap", f'host = "localhost"\nport = {port}\ntls = "implicit"\nca_cert = "{ca}"\nusername = "{mailbox}"\npassword_env = "BENCH_IMAP_PASSWORD"')
section("fetch", 'source = "imap"\nfolders = ["INBOX"]')
open(path, "w").write(t)
PY
export FOI_CONFIG=$W/w/foi.toml BENCH_IMAP_PASSWORD=secret
"$FOI" fetch --plain-reference >/dev/null          # warm-up: Dovecot indexes the new mail
cp "$W/w/foi.toml" "$W/foi.toml"
printf '%-44s %10s %10s\n' "ingest $N emails ($SIZE MB) from Dovecot" "emails/s" "peak MB"
for round in $(seq "$ROUNDS"); do
    t0=$(date +%s.%N); "$FOI" fetch --plain-reference > "$W/plain"; t1=$(date +%s.%N)
    rm -rf "$W/w" && "$FOI" init --dir "$W/w" >/dev/null && cp "$W/foi.toml" "$W/w/foi.toml"
    /usr/bin/time -f "%e %M" -o "$W/time" "$FOI" fetch > "$W/ours"
    read -r secs kb < "$W/time"
    grep -q "^new $N," "$W/ours" || { echo "foi fetch did not store all: $(cat "$W/ours")" >&2; exit 1; }
    awk -v n="$N" -v a="$t0" -v b="$t1" -v f="$secs" -v kb="$kb" -v r="$round" 'BEGIN {
        ref = n / (b - a); ours = n / f
        printf "round %d: %-35s %10.0f %10s\n", r, "reference: plain IMAP fetch", ref, "-"
        printf "round %d: %-35s %10.0f %10.1f   (%.0f%% of the plain fetch)\n", r, "foi fetch (raw, parse, match, record)", ours, kb / 1024, 100 * ours / ref
    }' | tee -a "$W/rounds"
done
grep -o '([0-9]*% ' "$W/rounds" | tr -d '(% ' | sort -n | awk '{ r[NR] = $1 } END {
    printf "median ratio over %d rounds: %d%% (from %d%% to %d%%)\n", NR, r[int((NR + 1) / 2)], r[1], r[NR]
}'
# `foi fetch` only queues what it records for search: the first search indexes the queue
# (`foi run` does after each fetch). Its time, so that the work left is seen.
t0=$(date +%s.%N); "$FOI" search freedom --limit 1 >/dev/null; t1=$(date +%s.%N)
"$FOI" search freedom --limit 1 >/dev/null; t2=$(date +%s.%N)
awk -v a="$t0" -v b="$t1" -v c="$t2" -v n="$N" 'BEGIN {
    printf "then the first search indexed the %d emails: %.2f s (the next search: %.2f s)\n", n, b - a, c - b
}'
