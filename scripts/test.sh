#!/usr/bin/env bash
# The whole test suite, on a fresh Debian machine as root: installs what the tests need
# (Postfix, Dovecot and openssl for the loopback mail servers, headless Chromium for the
# HTML report and dashboard tests, the Frictionless validator from PyPI for the published
# data package, Debian's tnef and sharutils as reference decoders for
# tests/formats.rs, poppler-utils, tesseract-ocr(-eng), antiword and catdoc for the text of
# attachments, via apt-get), starts the
# servers, checks formatting and lints, and runs every test (unit, integration, doc).
# Tests that need a mail server fail, never pass, when it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v cargo >/dev/null || { echo "cargo not found: install Rust (https://rustup.rs)" >&2; exit 1; }
scripts/mailtest.sh install
if ! command -v chromium >/dev/null; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        chromium fonts-dejavu-core >/dev/null
fi
if ! command -v tnef >/dev/null || ! command -v uudecode >/dev/null; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        tnef sharutils >/dev/null
fi
# Attachment text (tests/it/documents.rs): poppler's pdftotext/pdftoppm, tesseract with
# English, antiword and catdoc for Word 97-2003.
if ! command -v pdftotext >/dev/null || ! command -v tesseract >/dev/null \
    || ! command -v antiword >/dev/null || ! command -v catdoc >/dev/null \
    || ! [ -n "$(find /usr/share -path '*tessdata/eng.traineddata' -print -quit 2>/dev/null)" ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        poppler-utils tesseract-ocr tesseract-ocr-eng antiword catdoc >/dev/null
fi
# setpriv (util-linux) runs foi as the user nobody on a read-only database (tests/it/read_only.rs).
if ! command -v setpriv >/dev/null; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        util-linux >/dev/null
fi
# The Frictionless validator checks the data package `foi publish` writes (tests/it/publish.rs).
if ! command -v frictionless >/dev/null; then
    python3 -m pip install --quiet frictionless
fi
scripts/mailtest.sh start
cargo fmt --all -- --check
cargo clippy --all-targets --quiet -- -D warnings
cargo test --quiet
