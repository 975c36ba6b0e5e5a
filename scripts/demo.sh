#!/usr/bin/env bash
# The main job on the embedded defaults, with the example data: a new working folder
# (SQLite, .eml files out), the example bodies, the example CCTV campaign checked,
# previewed, launched and sent. Needs nothing but cargo. The clock is fixed to a Monday
# morning (FOI_NOW) so the send window is open and the run is the same every time; the
# default pacing (30 a minute) sends 30 emails, then the rest a minute later.
#
# usage: scripts/demo.sh [DIR]      (default: a new temporary folder)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --quiet
FOI=$PWD/target/debug/foi
DIR=${1:-$(mktemp -d)/foi-demo}
run() { echo "\$ foi $*"; "$FOI" "$@"; echo; }
export FOI_NOW=2026-03-02T10:00:00Z
run init --dir "$DIR"
export FOI_CONFIG=$DIR/foi.toml
run bodies import examples/bodies.csv
run bodies list --tag police
run campaign create cctv --template examples/cctv-campaign --select tag:council --select tag:school --select tag:police --select tag:nhs-trust --select tag:university --reference-prefix CCTV24
run campaign preview cctv --case CCTV24-0001
run campaign launch cctv
run send
FOI_NOW=2026-03-02T10:01:00Z run send
run campaign show cctv
run case show CCTV24-0001
echo "The emails are in $DIR/outgoing:"; ls "$DIR/outgoing" | head -5; echo "..."
