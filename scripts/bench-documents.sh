#!/usr/bin/env bash
# Benchmark (issue 21): `foi documents extract` over N attachments (default 1,000) of the
# committed fixtures: 45% PDF letters, 25% DOCX, 20% XLSX, 10% scanned PDFs (OCR), each
# made unique by a trailing comment, attached ten to an email and imported with
# `foi import-mail`. Prints documents/s and peak RSS (GNU time's largest process: `foi` or
# one of its children), beside the reference in the same run: poppler's `pdftotext` on the
# same PDFs and `pdftoppm` + `tesseract` on the same scans, run directly, two at a time
# (xargs -P 2, as `foi` runs one child per core on this 2-core machine), with nothing
# recorded. DOCX and XLSX have no Debian reference tool; they are in our figure only.
#
# usage: scripts/bench-documents.sh [N]   (FOI_BIN=path: use that foi, no release build)
#        needs: GNU time, poppler-utils, tesseract-ocr(-eng)
set -euo pipefail
N=${1:-1000}
. "$(dirname "$0")/bench-common.sh"
if [ -n "${FOI_BIN:-}" ]; then
    # (another build of foi, e.g. a debug one, named by FOI_BIN: say so when quoting it)
    cd "$(dirname "$0")/.."; FOI=$FOI_BIN
    W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
else
    bench_setup
fi
for t in pdftotext pdftoppm tesseract; do
    command -v "$t" >/dev/null || { echo "missing $t: apt-get install poppler-utils tesseract-ocr tesseract-ocr-eng" >&2; exit 1; }
done
F=$PWD/tests/fixtures/documents
"$FOI" init --dir "$W/w" >/dev/null
export FOI_CONFIG="$W/w/foi.toml"
mkdir -p "$W/files" "$W/mail"

# The files: kind by i % 20: 0-1 scan (10%), 2-10 PDF (45%), 11-15 DOCX (25%), 16-19 XLSX (20%).
for i in $(seq 1 "$N"); do
    k=$((i % 20))
    if [ $k -le 1 ]; then src=scan.pdf; name=scan-$i.pdf; ct=application/pdf
    elif [ $k -le 10 ]; then src=letter.pdf; name=letter-$i.pdf; ct=application/pdf
    elif [ $k -le 15 ]; then src=letter.docx; name=letter-$i.docx; ct=application/vnd.openxmlformats-officedocument.wordprocessingml.document
    else src=cameras.xlsx; name=cameras-$i.xlsx; ct=application/vnd.openxmlformats-officedocument.spreadsheetml.sheet
    fi
    cp "$F/$src" "$W/files/$name"
    # (unique bytes: PDFs take a comment after %%EOF, ZIPs a comment in their end record)
    case $name in
        *.pdf) printf '%% bench %d\n' "$i" >> "$W/files/$name" ;;
    esac
    echo "$name $ct" >> "$W/list"
done
python3 - "$W" <<'PY'
import sys, os, base64
w = sys.argv[1]
rows = [l.split() for l in open(os.path.join(w, "list"))]
for n in range(0, len(rows), 10):
    parts = []
    for name, ct in rows[n:n + 10]:
        data = open(os.path.join(w, "files", name), "rb").read()
        b64 = base64.encodebytes(data).decode().replace("\n", "\r\n")
        parts.append(f"--XX\r\nContent-Type: {ct}\r\nContent-Disposition: attachment; filename=\"{name}\"\r\n"
                     f"Content-Transfer-Encoding: base64\r\n\r\n{b64}")
    raw = (f"From: foi@body.example\r\nTo: foi@example.org\r\nSubject: Documents {n}\r\n"
           f"Date: Tue, 03 Mar 2026 11:00:00 +0000\r\nMessage-ID: <bench-{n}@body.example>\r\n"
           f"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"XX\"\r\n\r\n--XX\r\n"
           f"Content-Type: text/plain\r\n\r\nPlease find attached.\r\n" + "".join(parts) + "--XX--\r\n")
    open(os.path.join(w, "mail", f"{n:05d}.eml"), "w").write(raw)
PY
"$FOI" import-mail "$W"/mail/*.eml >/dev/null
echo "extracting $N documents ..." >&2
read -r secs kb < <(measure "$FOI" documents extract)
cat "$W/out" >&2
ocr=$(sqlite3 "$W/w/foi.db" "SELECT count(*) FROM attachment_extractions WHERE state = 'ocr'")
bad=$(sqlite3 "$W/w/foi.db" "SELECT count(*) FROM attachment_extractions WHERE state IN ('failed', 'skipped')")
units=$(sqlite3 "$W/w/foi.db" "SELECT count(*) FROM attachment_texts")

# The reference: the same PDFs and scans through the tools directly, two at a time.
cd "$W/files"
ls letter-*.pdf > "$W/pdfs"; ls scan-*.pdf > "$W/scans"
ref() {
    xargs -P 2 -I{} pdftotext -enc UTF-8 {} /dev/null < "$W/pdfs"
    xargs -P 2 -I{} sh -c 'pdftoppm -r 200 -gray -png -singlefile "$1" "$1" && OMP_THREAD_LIMIT=1 tesseract "$1.png" stdout -l eng >/dev/null 2>&1' sh {} < "$W/scans"
}
export -f ref; export W
read -r rsecs rkb < <(measure bash -c ref)
npdf=$(wc -l < "$W/pdfs"); nscan=$(wc -l < "$W/scans")
awk -v n="$N" -v s="$secs" -v kb="$kb" -v ocr="$ocr" -v bad="$bad" -v units="$units" \
    -v rs="$rsecs" -v rkb="$rkb" -v np="$npdf" -v ns="$nscan" 'BEGIN {
    printf "foi documents extract: %d documents (%d by OCR, %d failed or skipped, %d text units) in %.1f s: %.1f documents/s, peak RSS %.0f MB\n", n, ocr, bad, units, s, n / s, kb / 1024
    printf "reference (pdftotext on %d PDFs, pdftoppm + tesseract on %d scans, 2 at a time): %.1f s: %.1f documents/s, peak RSS %.0f MB\n", np, ns, rs, (np + ns) / rs, rkb / 1024
}'
