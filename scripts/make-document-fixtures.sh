#!/usr/bin/env bash
# Regenerates tests/fixtures/documents/ (issue 21) with real tools. Needs, on the machine
# that makes them only (CI reads the committed files): LibreOffice headless
# (libreoffice-writer-nogui, libreoffice-calc-nogui), poppler-utils, python3.
#
#   letter.{docx,odt,doc,pdf}  a two-page letter (HTML source with a page break) converted
#                              by LibreOffice
#   refusal.pdf                a one-page refusal letter (classification from a first page)
#   cameras.{xlsx,ods,xls}     a CSV of cameras by make converted by LibreOffice
#   cameras.csv                the CSV itself
#   scan.png, scan.pdf         a page of text rendered to pixels (pdftoppm) with no text
#                              layer: an image, and a PDF wrapping that image (for OCR)
#   mixed.zip                  letter.pdf and cameras.csv in a ZIP
#   bomb.zip                   one member of 20 MB of zeros (expands ~1000 times)
#   corrupt.docx               letter.docx cut in half
#   loop.pdf                   a hand-written PDF whose page tree contains itself
set -euo pipefail
cd "$(dirname "$0")/../tests/fixtures/documents"
for t in soffice pdftoppm python3; do
  command -v "$t" >/dev/null || { echo "missing $t: apt-get install libreoffice-writer-nogui libreoffice-calc-nogui poppler-utils python3" >&2; exit 1; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export HOME="$tmp"   # LibreOffice's profile

cat >"$tmp/letter.html" <<'HTML'
<html><head><meta charset="utf-8"><title>Letter</title></head><body>
<p>Dear Requester,</p>
<p>Freedom of Information request POL-0001: public space CCTV.</p>
<p>We can confirm that the force holds the information you asked for. We operate 42
cameras in public spaces.</p>
<p style="page-break-before: always">Annex A: cameras by make.</p>
<p>Hikvision cameras: 30. Axis cameras: 12.</p>
<p>Yours sincerely, Information Management Unit</p>
</body></html>
HTML
cat >"$tmp/refusal.html" <<'HTML'
<html><head><meta charset="utf-8"><title>Refusal</title></head><body>
<p>Dear Requester,</p>
<p>Freedom of Information request POL-0002: public space CCTV.</p>
<p>We are refusing your request. The information is exempt under section 24(1) (national
security) and section 31(1)(a) (law enforcement) of the Act.</p>
<p>Yours sincerely, Information Management Unit</p>
</body></html>
HTML
printf 'make,model,count\nHikvision,DS-2CD2143,30\nAxis,P3245,12\n' >cameras.csv

(cd "$tmp" && soffice --headless --infilter="HTML (StarWriter)" --convert-to docx letter.html >/dev/null \
  && soffice --headless --infilter="HTML (StarWriter)" --convert-to odt letter.html >/dev/null \
  && soffice --headless --infilter="HTML (StarWriter)" --convert-to 'doc:MS Word 97' letter.html >/dev/null \
  && soffice --headless --infilter="HTML (StarWriter)" --convert-to pdf:writer_pdf_Export letter.html >/dev/null \
  && soffice --headless --infilter="HTML (StarWriter)" --convert-to pdf:writer_pdf_Export refusal.html >/dev/null)
cp "$tmp"/letter.{docx,odt,doc,pdf} "$tmp"/refusal.pdf .
cp cameras.csv "$tmp/"
(cd "$tmp" && soffice --headless --convert-to xlsx cameras.csv >/dev/null \
  && soffice --headless --convert-to ods cameras.csv >/dev/null \
  && soffice --headless --convert-to 'xls:MS Excel 97' cameras.csv >/dev/null)
cp "$tmp"/cameras.{xlsx,ods,xls} .

python3 - "$tmp" <<'PY'
import sys, zipfile, zlib, subprocess, os
tmp = sys.argv[1]

def pdf(objects, path):
    """Write a PDF from numbered object bodies (1-based), with a correct xref."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for o in offsets:
        out += b"%010d 00000 n \n" % o
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    open(path, "wb").write(out)

# A text page to be scanned: large type on a small page.
lines = [b"Freedom of Information request POL-0002", b"We refuse this request under", b"section 24 national security."]
text = b"BT /F1 16 Tf 20 150 Td 20 TL " + b" ".join(b"(" + l + b") Tj T*" for l in lines) + b" ET"
pdf([b"<< /Type /Catalog /Pages 2 0 R >>",
     b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
     b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 420 200] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
     b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
     b"<< /Length %d >>\nstream\n" % len(text) + text + b"\nendstream"], os.path.join(tmp, "typed.pdf"))
subprocess.run(["pdftoppm", "-r", "200", "-gray", "-png", "-singlefile", os.path.join(tmp, "typed.pdf"), "scan"], check=True)
subprocess.run(["pdftoppm", "-r", "200", "-gray", "-singlefile", os.path.join(tmp, "typed.pdf"), os.path.join(tmp, "scan")], check=True)
# scan.pgm: "P5\n<w> <h>\n255\n" then the pixels; the PDF shows them as one image, no text.
raw = open(os.path.join(tmp, "scan.pgm"), "rb").read()
parts = raw.split(b"\n", 3)
w, h = map(int, parts[1].split())
pixels = zlib.compress(parts[3], 9)
draw = b"q 420 0 0 200 0 0 cm /Im1 Do Q"
pdf([b"<< /Type /Catalog /Pages 2 0 R >>",
     b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
     b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 420 200] /Resources << /XObject << /Im1 4 0 R >> >> /Contents 5 0 R >>",
     b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode /Length %d >>\nstream\n" % (w, h, len(pixels)) + pixels + b"\nendstream",
     b"<< /Length %d >>\nstream\n" % len(draw) + draw + b"\nendstream"], "scan.pdf")

# A page tree that contains itself, and a page whose parent is that tree.
pdf([b"<< /Type /Catalog /Pages 2 0 R >>",
     b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>",
     b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 3 0 R >>"], "loop.pdf")

with zipfile.ZipFile("mixed.zip", "w", zipfile.ZIP_DEFLATED) as z:
    z.write("letter.pdf", "letter.pdf")
    z.write("cameras.csv", "cameras.csv")
with zipfile.ZipFile("bomb.zip", "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
    z.writestr("zeros.txt", b"\0" * (20 << 20))
docx = open("letter.docx", "rb").read()
open("corrupt.docx", "wb").write(docx[: len(docx) // 2])
PY
ls -l
du -cb . | tail -1
