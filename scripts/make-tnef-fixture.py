#!/usr/bin/env python3
"""Writes a TNEF stream of our own, tests/fixtures/mail/tnef/winmail.dat, as Outlook and
Exchange send one (MS-OXTNEF), and tests/fixtures/mail/tnef-own.eml, a reply that carries
it as its only part (its text is inside the winmail.dat). Written from the specification,
never copied from another project; checked here with Debian's `tnef` (package `tnef`),
which must list and unpack the same two files with the same bytes. Run from the
repository root:

    python3 scripts/make-tnef-fixture.py

The stream: the signature 0x223E9F78, a key, then attributes, each
    level (1 byte: 1 message, 2 attachment), id (u32: type << 16 | id), length (u32),
    data, checksum (u16: the sum of the data's bytes modulo 65536)
- message: attTnefVersion, attOemCodepage (1252), attMessageClass, attSubject, attBody;
- per attachment: attAttachRendData (starts it), attAttachTitle (the 8.3 name),
  attAttachData (the bytes), attAttachment (its MAPI properties: PR_ATTACH_METHOD and,
  for the first, PR_ATTACH_LONG_FILENAME, the name a person gave it).
The expectations are in tests/fixtures/mail/MANIFEST.tsv (tests/corpus.rs) and in
tests/it/tnef.rs (`a_winmail_dat_of_our_own_is_unpacked_on_ingest`).
"""

import hashlib
import shutil
import struct
import subprocess
import sys
import tempfile
from email.mime.application import MIMEApplication
from email.mime.multipart import MIMEMultipart
from pathlib import Path

OUT = Path("tests/fixtures/mail")

SIGNATURE = 0x223E9F78
LEVEL_MESSAGE, LEVEL_ATTACHMENT = 1, 2

# Attribute ids (MS-OXTNEF 2.1.3.3): the attribute type in the high word.
ATT_TNEF_VERSION = 0x00089006
ATT_OEM_CODEPAGE = 0x00069007
ATT_MESSAGE_CLASS = 0x00078008
ATT_SUBJECT = 0x00018004
ATT_BODY = 0x0002800C
ATT_ATTACH_REND_DATA = 0x00069002
ATT_ATTACH_TITLE = 0x00018010
ATT_ATTACH_DATA = 0x0006800F
ATT_ATTACHMENT = 0x00069005

# MAPI properties (MS-OXPROPS) and types.
PT_LONG, PT_STRING8 = 0x0003, 0x001E
PR_ATTACH_METHOD, PR_ATTACH_LONG_FILENAME = 0x3705, 0x3707
ATTACH_BY_VALUE = 1

SUBJECT = "Re: Freedom of Information request CCTV-0042"
BODY = (
    "Dear Campaign,\r\n\r\n"
    "Thank you for your request about CCTV cameras. Please find attached our response "
    "and the minutes of the meeting that approved the contract.\r\n\r\n"
    "Yours sincerely,\r\nInformation Governance Team\r\n"
)
LONG_NAME = "Response to FOI request CCTV-0042 (cameras and contracts).pdf"
LONG_TITLE = "RESPON~1.PDF"
PDF = (
    b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
    b"trailer << /Root 1 0 R >>\n%%EOF\n"
)
SHORT_NAME = "MINUTES.TXT"
MINUTES = b"Minutes of the Watch Committee, 12 January 2026.\r\nItem 4: the CCTV contract was approved.\r\n"


def attribute(level, att_id, data):
    checksum = sum(data) & 0xFFFF
    return struct.pack("<BII", level, att_id, len(data)) + data + struct.pack("<H", checksum)


def string8(text):
    return text.encode("cp1252") + b"\0"


def padded(data):
    return data + b"\0" * (-len(data) % 4)


def mapi_props(props):
    """A MAPI property list (MS-OXTNEF 2.1.3.4): count, then type, id and value each."""
    out = struct.pack("<I", len(props))
    for prop_type, prop_id, value in props:
        out += struct.pack("<HH", prop_type, prop_id)
        if prop_type == PT_LONG:
            out += struct.pack("<I", value)
        elif prop_type == PT_STRING8:
            data = string8(value)
            out += struct.pack("<II", 1, len(data)) + padded(data)
        else:
            raise ValueError(f"type {prop_type:#x} not written here")
    return out


def attachment(title, data, long_name=None):
    # attAttachRendData: AttachType 1 (a file), position unknown, 32x32, default flags.
    rend = struct.pack("<HIHHI", 1, 0xFFFFFFFF, 32, 32, 0)
    props = [(PT_LONG, PR_ATTACH_METHOD, ATTACH_BY_VALUE)]
    if long_name is not None:
        props.append((PT_STRING8, PR_ATTACH_LONG_FILENAME, long_name))
    return (
        attribute(LEVEL_ATTACHMENT, ATT_ATTACH_REND_DATA, rend)
        + attribute(LEVEL_ATTACHMENT, ATT_ATTACH_TITLE, string8(title))
        + attribute(LEVEL_ATTACHMENT, ATT_ATTACH_DATA, data)
        + attribute(LEVEL_ATTACHMENT, ATT_ATTACHMENT, mapi_props(props))
    )


def stream():
    out = struct.pack("<IH", SIGNATURE, 0x4A2B)
    out += attribute(LEVEL_MESSAGE, ATT_TNEF_VERSION, struct.pack("<I", 0x00010000))
    out += attribute(LEVEL_MESSAGE, ATT_OEM_CODEPAGE, struct.pack("<II", 1252, 0))
    out += attribute(LEVEL_MESSAGE, ATT_MESSAGE_CLASS, string8("IPM.Microsoft Mail.Note"))
    out += attribute(LEVEL_MESSAGE, ATT_SUBJECT, string8(SUBJECT))
    out += attribute(LEVEL_MESSAGE, ATT_BODY, BODY.encode("cp1252"))
    out += attachment(LONG_TITLE, PDF, LONG_NAME)
    out += attachment(SHORT_NAME, MINUTES)
    return out


def check_with_tnef(path):
    """Debian's `tnef` must list both files and unpack them byte for byte."""
    tool = shutil.which("tnef")
    if tool is None:
        sys.exit("make-tnef-fixture: `tnef` is missing: apt-get install -y tnef")
    listed = subprocess.run([tool, "-t", str(path)], capture_output=True, text=True, check=True)
    # (one line a file: its name, a tab and a bar, and the name it is saved under)
    names = [line.split("\t|")[0].strip() for line in listed.stdout.splitlines() if line.strip()]
    want = {LONG_NAME: PDF, SHORT_NAME: MINUTES}
    if sorted(names) != sorted(want):
        sys.exit(f"make-tnef-fixture: `tnef -t` lists {names}, not {sorted(want)}")
    with tempfile.TemporaryDirectory() as scratch:
        subprocess.run([tool, "-C", scratch, "--overwrite", str(path)], check=True)
        for name, data in want.items():
            got = (Path(scratch) / name).read_bytes()
            if hashlib.sha256(got).digest() != hashlib.sha256(data).digest():
                sys.exit(f"make-tnef-fixture: `tnef` unpacked other bytes for {name}")
    print(f"tnef -t {path}: {', '.join(names)} (unpacked with the same bytes)")


def main():
    (OUT / "tnef").mkdir(parents=True, exist_ok=True)
    dat = OUT / "tnef" / "winmail.dat"
    dat.write_bytes(stream())
    check_with_tnef(dat)

    msg = MIMEMultipart("mixed", boundary="tnef-own-0042")
    msg["From"] = "FOI Officer <foi@council.example>"
    msg["To"] = "Campaign <foi+k7q2m9x4@campaign.example>"
    msg["Subject"] = SUBJECT
    msg["Date"] = "Tue, 03 Mar 2026 10:00:00 +0000"
    msg["Message-ID"] = "<tnef-own.k7q2m9x4@council.example>"
    part = MIMEApplication(dat.read_bytes(), "ms-tnef", name="winmail.dat")
    part.add_header("Content-Disposition", "attachment", filename="winmail.dat")
    msg.attach(part)
    (OUT / "tnef-own.eml").write_bytes(msg.as_bytes().replace(b"\n", b"\r\n"))
    print(f"wrote {dat} and {OUT / 'tnef-own.eml'}")


if __name__ == "__main__":
    main()
