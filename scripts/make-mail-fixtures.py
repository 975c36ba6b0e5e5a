#!/usr/bin/env python3
"""Writes tests/fixtures/mail/*.eml: replies in the charsets and broken MIME shapes real
mail arrives in, made with real tools (Python's email package, sharutils' uuencode,
glibc's iconv), never copied from another project. Run from the repository root:

    python3 scripts/make-mail-fixtures.py

The expectations are in tests/fixtures/mail/MANIFEST.tsv, checked by tests/corpus.rs.
"""

import base64
import subprocess
import zlib
from email.message import Message
from email.mime.application import MIMEApplication
from email.mime.message import MIMEMessage
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.policy import SMTP, compat32
from pathlib import Path

OUT = Path("tests/fixtures/mail")
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def headers(msg, subject, token="k7q2m9x4"):
    msg["From"] = "FOI Officer <foi@council.example>"
    msg["To"] = f"Campaign <foi+{token}@campaign.example>"
    if subject is not None and "Subject" not in msg:
        msg["Subject"] = subject
    msg["Date"] = "Tue, 03 Mar 2026 10:00:00 +0000"
    msg["Message-ID"] = f"<{token}.{zlib.crc32(str(subject).encode())}@council.example>"
    return msg


def write(name, data):
    if isinstance(data, str):
        data = data.encode()
    (OUT / name).write_bytes(data)


def uuencode(name, payload):
    return subprocess.run(
        ["uuencode", name], input=payload, capture_output=True, check=True
    ).stdout.decode()


def iconv(text, charset):
    return subprocess.run(
        ["iconv", "-f", "UTF-8", "-t", charset],
        input=text.encode(),
        capture_output=True,
        check=True,
    ).stdout


def charset_replies():
    samples = [
        ("gb2312.eml", "gb2312", "信息公开申请的答复", "您好，我们不持有您所要求的信息。"),
        ("big5.eml", "big5", "資訊公開申請的答覆", "您好，我們已收到您的申請。"),
        ("shift_jis.eml", "shift_jis", "情報公開請求への回答", "ご請求の情報は保有しておりません。"),
        ("iso-2022-jp.eml", "iso-2022-jp", "情報公開請求への回答", "ご請求の情報は保有しておりません。"),
        ("koi8-r.eml", "koi8-r", "Ответ на запрос информации", "Мы не располагаем запрошенной информацией."),
        ("windows-1251.eml", "windows-1251", "Ответ на запрос", "Информация прилагается."),
        ("windows-1252.eml", "windows-1252", "Réponse à votre demande", "Veuillez trouver ci-joint la réponse."),
    ]
    for name, charset, subject, body in samples:
        # Built by hand so the label is the one mailers write (Python's email package
        # would send Shift_JIS as ISO-2022-JP and name GB2312 "eucgb2312_cn").
        msg = Message()
        word = base64.b64encode(subject.encode(charset)).decode()
        msg["Subject"] = f"=?{charset.upper()}?B?{word}?="
        msg["MIME-Version"] = "1.0"
        msg["Content-Type"] = f'text/plain; charset="{charset}"'
        encoded = (body + "\n").encode(charset)
        if charset == "iso-2022-jp":
            msg["Content-Transfer-Encoding"] = "7bit"
            payload = encoded.decode("ascii")
        else:
            msg["Content-Transfer-Encoding"] = "base64"
            payload = base64.encodebytes(encoded).decode()
        raw = headers(msg, None).as_bytes(policy=compat32).replace(b"\n", b"\r\n").rstrip(b"\r\n") + b"\r\n\r\n"
        write(name, raw + payload.replace("\n", "\r\n").encode())

    # GB18030 text with no charset label at all (8-bit, as some webmail sends it).
    body = iconv("您好：\n我们已经收到您的信息公开申请，将在二十个工作日内答复。\n", "GB18030")
    raw = (
        b"From: foi@council.example\r\nTo: foi+k7q2m9x4@campaign.example\r\n"
        b"Subject: Re: request\r\nMIME-Version: 1.0\r\nContent-Type: text/plain\r\n"
        b"Content-Transfer-Encoding: 8bit\r\n\r\n" + body.replace(b"\n", b"\r\n")
    )
    write("gb18030-unlabelled.eml", raw)


def uuencoded_replies():
    text = (
        "Dear requester,\n\nPlease find our response to your request below.\n\n"
        + uuencode("response.pdf", PDF)
        + "\nYours sincerely,\nInformation Governance\n"
    )
    msg = MIMEText(text, "plain", "us-ascii")
    write("uuencode-inline.eml", headers(msg, "Re: FOI request CCTV24-0042").as_bytes())

    # Damaged: trailing spaces stripped by a mail system, and no `end` line.
    block = uuencode("letter.txt", b"We do not hold this information.\n" * 8)
    damaged = "\n".join(l.rstrip() for l in block.splitlines() if l != "end")
    msg = MIMEText("Our answer is attached.\n\n" + damaged + "\n", "plain", "us-ascii")
    write("uuencode-damaged.eml", headers(msg, "Re: FOI request, damaged").as_bytes())


def forwarded_reply():
    inner = MIMEMultipart()
    inner["From"] = "records@council.example"
    inner["To"] = "foi@council.example"
    inner["Subject"] = "Documents for the request"
    inner.attach(MIMEText("Here are the documents.\n"))
    for name in ["minutes.pdf", "contract.pdf"]:
        part = MIMEApplication(PDF, "pdf")
        part.add_header("Content-Disposition", "attachment", filename=name)
        inner.attach(part)
    outer = MIMEMultipart()
    outer.attach(MIMEText("Please see the forwarded message with our response.\n"))
    outer.attach(MIMEMessage(inner))
    write("forwarded-attachments.eml", headers(outer, "Fwd: Documents").as_bytes())


def broken_mime():
    pdf = MIMEApplication(PDF, "pdf")
    pdf.add_header("Content-Disposition", "attachment", filename="decision.pdf")
    msg = MIMEMultipart(boundary="folded-b0undary")
    msg.attach(MIMEText("Our decision is attached.\n"))
    msg.attach(pdf)
    raw = headers(msg, "Decision").as_bytes(policy=SMTP)
    # The boundary parameter folded inside its own value, as one mailer writes it.
    raw = raw.replace(
        b'boundary="folded-b0undary"', b'boundary=\r\n "folded-b0undary"'
    )
    raw = raw.replace(b"multipart/mixed;", b"multipart/mixed;\r\n ")
    write("folded-boundary.eml", raw)

    msg = MIMEMultipart("alternative", boundary="open-end")
    msg.attach(MIMEText("We have received your request.\n"))
    msg.attach(MIMEText("<p>We have received your request.</p>\n", "html"))
    raw = headers(msg, "Acknowledgement").as_bytes(policy=SMTP)
    write("no-final-boundary.eml", raw.split(b"--open-end--")[0])

    raw = (
        "From: Mail Delivery System <MAILER-DAEMON@mx.council.example>\r\n"
        "To: foi+k7q2m9x4@campaign.example\r\nSubject: Undelivered Mail Returned to Sender\r\n"
        "MIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status\r\n\r\n"
        "This is the mail system at host mx.council.example.\r\n\r\n"
        "I'm sorry to have to inform you that your message could not\r\n"
        "be delivered to one or more recipients.\r\n\r\n"
        "<records@council.example>: host mx.council.example said: 550 5.1.1 User unknown\r\n"
    )
    write("report-without-boundary.eml", raw)

    msg = MIMEText("Thank you for your request.\r\nWe will reply within 20 working days.\r\n")
    write("crlf.eml", headers(msg, "Acknowledgement of your request").as_bytes(policy=SMTP))


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    charset_replies()
    uuencoded_replies()
    forwarded_reply()
    broken_mime()


if __name__ == "__main__":
    main()
