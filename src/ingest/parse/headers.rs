//! The top-level header block: addresses, message ids, subject, date, the recipients a
//! reply token may hide in, and the headers that say a machine wrote the message. Also
//! email addresses in free text, which delivery reports need too.

use std::collections::{HashSet, VecDeque};

use chrono::{DateTime, Duration, NaiveDate, Utc};
use mail_parser::{Address, Header, HeaderValue};

use super::limits::Limits;
use super::message::{AutomationHeaders, Mailbox, ParsedMessage, Recipient, RecipientSource};
use crate::ingest::formats::charset;
use crate::text::{clean_display_text, repair_mojibake};
pub use crate::text::{find_addresses, normalize_message_id};

/// Header lookups over one header block, reading raw values through checked offsets.
pub(super) struct HeaderView<'a, 'x> {
    headers: &'a [Header<'x>],
    raw: &'a [u8],
    pub(super) max_chars: usize,
}

impl<'a, 'x> HeaderView<'a, 'x> {
    pub(super) fn new(headers: &'a [Header<'x>], raw: &'a [u8], limits: &Limits) -> Self {
        Self {
            headers,
            raw,
            max_chars: limits.max_header_chars,
        }
    }

    pub(super) fn named(&self, name: &'a str) -> impl Iterator<Item = &'a Header<'x>> + 'a {
        self.headers
            .iter()
            .filter(move |h| h.name.as_str().eq_ignore_ascii_case(name))
    }

    pub(super) fn first(&self, name: &'a str) -> Option<&'a Header<'x>> {
        self.named(name).next()
    }

    /// The unfolded raw value of a header (no RFC 2047 decoding), bounded.
    pub(super) fn raw_value(&self, header: &Header<'_>) -> String {
        let bytes = self
            .raw
            .get(header.offset_start as usize..header.offset_end as usize)
            .unwrap_or(&[]);
        let bytes = bytes
            .get(..bytes.len().min(self.max_chars.saturating_mul(4)))
            .unwrap_or(&[]);
        clean_display_text(&String::from_utf8_lossy(bytes), self.max_chars)
    }

    /// The raw bytes of a header's value, bounded.
    pub(super) fn raw_bytes(&self, header: &Header<'_>) -> &'a [u8] {
        let bytes = self
            .raw
            .get(header.offset_start as usize..header.offset_end as usize)
            .unwrap_or(&[]);
        bytes
            .get(..bytes.len().min(self.max_chars.saturating_mul(4)))
            .unwrap_or(&[])
    }

    pub(super) fn first_raw(&self, name: &'a str) -> Option<String> {
        self.first(name).map(|h| self.raw_value(h))
    }
}

pub(super) fn read_headers(view: &HeaderView<'_, '_>, parsed: &mut ParsedMessage, limits: &Limits) {
    let max = limits.max_list_items;
    parsed.message_id = view
        .first("Message-ID")
        .and_then(|h| ids_of(&h.value).into_iter().next());
    parsed.in_reply_to = bounded_ids(
        view.named("In-Reply-To").flat_map(|h| ids_of(&h.value)),
        max,
    );
    parsed.references = bounded_ids(view.named("References").flat_map(|h| ids_of(&h.value)), max);

    let mailboxes = |name: &'static str| -> Vec<Mailbox> {
        let mut out = Vec::new();
        for header in view.named(name) {
            out.extend(mailboxes_of(&header.value, limits));
            if out.len() >= max {
                out.truncate(max);
                break;
            }
        }
        out
    };
    parsed.from = mailboxes("From").into_iter().next();
    parsed.to = mailboxes("To");
    parsed.cc = mailboxes("Cc");
    parsed.reply_to = mailboxes("Reply-To");

    parsed.subject = view
        .first("Subject")
        .and_then(|h| subject_of(view, h))
        .map(|s| clean_display_text(&repair_mojibake(&s), limits.max_header_chars))
        .filter(|s| !s.is_empty());
    parsed.date = view.first("Date").and_then(|h| match &h.value {
        HeaderValue::DateTime(dt) => to_utc(dt),
        _ => None,
    });

    parsed.recipients = recipients_of(view, parsed, max);
    parsed.automation = automation_of(view, limits);
}

/// The subject, decoded. mail-parser leaves replacement characters where an encoded word
/// is in a charset it does not know (GB2312 and friends) or the header is raw 8-bit text
/// in a legacy charset: those are decoded again from the raw header.
fn subject_of(view: &HeaderView<'_, '_>, header: &Header<'_>) -> Option<String> {
    let decoded = header.value.as_text()?;
    if !decoded.contains(['\u{FFFD}', '\u{1b}']) {
        return Some(decoded.to_string());
    }
    let bytes = view.raw_bytes(header);
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text.to_string(),
        Err(_) => charset::decode(bytes, None).text,
    };
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    Some(charset::decode_encoded_words(&text))
}

fn to_utc(dt: &mail_parser::DateTime) -> Option<DateTime<Utc>> {
    let date = NaiveDate::from_ymd_opt(i32::from(dt.year), u32::from(dt.month), u32::from(dt.day))?;
    let local = date.and_hms_opt(
        u32::from(dt.hour),
        u32::from(dt.minute),
        u32::from(dt.second),
    )?;
    if dt.tz_hour > 23 || dt.tz_minute > 59 {
        return None;
    }
    let offset =
        Duration::hours(i64::from(dt.tz_hour)) + Duration::minutes(i64::from(dt.tz_minute));
    // `tz_before_gmt` means west of Greenwich (-0500): UTC is later than local time.
    let utc = if dt.tz_before_gmt {
        local.checked_add_signed(offset)?
    } else {
        local.checked_sub_signed(offset)?
    };
    Some(utc.and_utc())
}

/// Message ids from an id header, normalised: no angle brackets, no white space, bounded.
pub(super) fn ids_of(value: &HeaderValue<'_>) -> Vec<String> {
    let raw: Vec<&str> = match value {
        HeaderValue::Text(id) => vec![id.as_ref()],
        HeaderValue::TextList(ids) => ids.iter().map(|id| id.as_ref()).collect(),
        _ => Vec::new(),
    };
    raw.into_iter().filter_map(normalize_message_id).collect()
}

/// Keeps at most `max` ids: the first and last halves when there are more (the thread's
/// root and its latest messages are the ones that matter for matching).
fn bounded_ids(ids: impl Iterator<Item = String>, max: usize) -> Vec<String> {
    let head_len = max / 2;
    let tail_len = max - head_len;
    let mut head: Vec<String> = Vec::new();
    let mut tail: VecDeque<String> = VecDeque::new();
    for id in ids {
        if head.len() < head_len {
            head.push(id);
        } else {
            tail.push_back(id);
            if tail.len() > tail_len {
                tail.pop_front();
            }
        }
    }
    head.extend(tail);
    head
}

pub(super) fn mailboxes_of(value: &HeaderValue<'_>, limits: &Limits) -> Vec<Mailbox> {
    let addrs: Vec<&mail_parser::Addr<'_>> = match value {
        HeaderValue::Address(Address::List(list)) => list.iter().collect(),
        HeaderValue::Address(Address::Group(groups)) => {
            groups.iter().flat_map(|g| g.addresses.iter()).collect()
        }
        _ => Vec::new(),
    };
    addrs
        .into_iter()
        .filter_map(|addr| {
            let address = clean_address(addr.address.as_deref()?)?;
            let name = addr
                .name
                .as_deref()
                .map(|n| clean_display_text(n, limits.max_header_chars))
                .filter(|n| !n.is_empty());
            Some(Mailbox { address, name })
        })
        .take(limits.max_list_items)
        .collect()
}

/// An address as written, trimmed of brackets, quotes, `mailto:` and white space;
/// `None` unless it has a local part and a domain.
pub(super) fn clean_address(raw: &str) -> Option<String> {
    let trimmed = raw
        .trim()
        .trim_start_matches('<')
        .trim_end_matches('>')
        .trim();
    let trimmed = trimmed
        .strip_prefix("mailto:")
        .or_else(|| trimmed.strip_prefix("MAILTO:"))
        .unwrap_or(trimmed);
    let cleaned: String = trimmed
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .take(320)
        .collect();
    let at = cleaned.rfind('@')?;
    (at > 0 && at + 1 < cleaned.len()).then_some(cleaned)
}

fn recipients_of(view: &HeaderView<'_, '_>, parsed: &ParsedMessage, max: usize) -> Vec<Recipient> {
    let mut out: Vec<Recipient> = Vec::new();
    let mut seen: HashSet<(RecipientSource, String)> = HashSet::new();
    let mut push = |address: String, source: RecipientSource, out: &mut Vec<Recipient>| {
        if out.len() < max && seen.insert((source, address.to_ascii_lowercase())) {
            out.push(Recipient { address, source });
        }
    };
    for mailbox in &parsed.to {
        push(mailbox.address.clone(), RecipientSource::To, &mut out);
    }
    for mailbox in &parsed.cc {
        push(mailbox.address.clone(), RecipientSource::Cc, &mut out);
    }
    let single = [
        ("Delivered-To", RecipientSource::DeliveredTo),
        ("X-Original-To", RecipientSource::XOriginalTo),
        ("Envelope-To", RecipientSource::EnvelopeTo),
        ("X-Envelope-To", RecipientSource::EnvelopeTo),
    ];
    for (name, source) in single {
        for header in view.named(name).take(max) {
            for address in find_addresses(&view.raw_value(header)) {
                push(address, source, &mut out);
            }
        }
    }
    for header in view.named("Received").take(max) {
        let from_parser = match &header.value {
            HeaderValue::Received(received) => received.for_.as_deref().and_then(clean_address),
            _ => None,
        };
        let found = from_parser.or_else(|| received_for(&view.raw_value(header)));
        if let Some(address) = found {
            push(address, RecipientSource::Received, &mut out);
        }
    }
    out
}

/// The address in the `for <addr>` clause of a Received header's raw text.
pub(super) fn received_for(received: &str) -> Option<String> {
    let lower = received.to_ascii_lowercase();
    let mut from = 0usize;
    while let Some(found) = lower.get(from..)?.find("for ") {
        let start = from + found;
        from = start + 4;
        let boundary_before = start == 0
            || lower
                .as_bytes()
                .get(start - 1)
                .is_some_and(|b| b.is_ascii_whitespace() || *b == b')');
        if !boundary_before {
            continue;
        }
        let rest = received.get(from..)?.trim_start();
        let candidate = rest
            .split(|c: char| c == ';' || c == '>' || c.is_whitespace())
            .next()
            .unwrap_or("");
        if let Some(address) = clean_address(candidate) {
            return Some(address);
        }
    }
    None
}

fn automation_of(view: &HeaderView<'_, '_>, limits: &Limits) -> AutomationHeaders {
    let content_type = view
        .first("Content-Type")
        .and_then(|h| h.value.as_content_type());
    AutomationHeaders {
        auto_submitted: view.first_raw("Auto-Submitted"),
        x_autoreply: view.first_raw("X-Autoreply"),
        x_autorespond: view.first_raw("X-Autorespond"),
        precedence: view.first_raw("Precedence"),
        x_auto_response_suppress: view.first_raw("X-Auto-Response-Suppress"),
        list_id: view.first_raw("List-Id"),
        return_path: view.first_raw("Return-Path"),
        content_type: content_type.map(mime_type_of),
        report_type: content_type
            .and_then(|ct| ct.attribute("report-type"))
            .map(|rt| clean_display_text(rt, 100).to_ascii_lowercase()),
        x_failed_recipients: view
            .named("X-Failed-Recipients")
            .flat_map(|h| find_addresses(&view.raw_value(h)))
            .take(limits.max_list_items)
            .collect(),
    }
}

pub(super) fn mime_type_of(ct: &mail_parser::ContentType<'_>) -> String {
    let main = ct.ctype().trim().to_ascii_lowercase();
    match ct.subtype() {
        Some(sub) => format!("{main}/{}", sub.trim().to_ascii_lowercase()),
        None => main,
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_mail::parse_str;
    use super::super::TextSource;
    use super::*;

    #[test]
    fn headers_are_read_and_normalised() {
        let parsed = parse_str(concat!(
            "Received: from mx.council.example by mail.campaign.example\r\n",
            "\tfor <foi+k7q2@campaign.example>; Tue, 3 Mar 2026 10:00:00 +0000\r\n",
            "Delivered-To: foi+k7q2@campaign.example\r\n",
            "X-Original-To: FOI+K7Q2@campaign.example\r\n",
            "From: =?utf-8?q?J=C3=B6rg_Clerk?= <foi@council.example>\r\n",
            "To: \"Campaign\" <foi+k7q2@campaign.example>, other@campaign.example\r\n",
            "Cc: records@council.example\r\n",
            "Reply-To: <foi-replies@council.example>\r\n",
            "Subject: =?utf-8?q?RE=3A_FOI_request_=E2=80=93_CCTV?=\r\n",
            "Date: Tue, 3 Mar 2026 10:00:00 -0500\r\n",
            "Message-ID: < abc@council.example >\r\n",
            "In-Reply-To: <req-1@campaign.example>\r\n",
            "References: <root@campaign.example> <req-1@campaign.example>\r\n",
            "\r\n",
            "Hello\r\n",
        ));
        assert_eq!(parsed.problem, None);
        assert_eq!(parsed.message_id.as_deref(), Some("abc@council.example"));
        assert_eq!(parsed.in_reply_to, ["req-1@campaign.example"]);
        assert_eq!(
            parsed.references,
            ["root@campaign.example", "req-1@campaign.example"]
        );
        let from = parsed.from.as_ref().unwrap();
        assert_eq!(from.address, "foi@council.example");
        assert_eq!(from.name.as_deref(), Some("Jörg Clerk"));
        assert_eq!(parsed.to.len(), 2);
        assert_eq!(parsed.cc[0].address, "records@council.example");
        assert_eq!(parsed.reply_to[0].address, "foi-replies@council.example");
        assert_eq!(parsed.subject.as_deref(), Some("RE: FOI request – CCTV"));
        assert_eq!(
            parsed.date.unwrap().to_rfc3339(),
            "2026-03-03T15:00:00+00:00"
        );
        let sources: Vec<(RecipientSource, &str)> = parsed
            .recipients
            .iter()
            .map(|r| (r.source, r.address.as_str()))
            .collect();
        assert_eq!(
            sources,
            [
                (RecipientSource::To, "foi+k7q2@campaign.example"),
                (RecipientSource::To, "other@campaign.example"),
                (RecipientSource::Cc, "records@council.example"),
                (RecipientSource::DeliveredTo, "foi+k7q2@campaign.example"),
                (RecipientSource::XOriginalTo, "FOI+K7Q2@campaign.example"),
                (RecipientSource::Received, "foi+k7q2@campaign.example"),
            ]
        );
        assert_eq!(parsed.text_body, "Hello");
        assert_eq!(parsed.text_source, TextSource::Plain);
        let ids: Vec<&str> = parsed.thread_ids().collect();
        assert_eq!(
            ids,
            [
                "req-1@campaign.example",
                "req-1@campaign.example",
                "root@campaign.example"
            ]
        );
    }

    #[test]
    fn automation_headers_are_kept_even_when_empty() {
        let parsed = parse_str(concat!(
            "From: a@council.example\n",
            "Auto-Submitted: auto-replied\n",
            "X-Autoreply:\n",
            "Precedence: bulk\n",
            "X-Auto-Response-Suppress: All\n",
            "List-Id: Council news <news.council.example>\n",
            "Return-Path: <>\n",
            "Subject: x\n\nbody\n",
        ));
        let auto = &parsed.automation;
        assert_eq!(auto.auto_submitted.as_deref(), Some("auto-replied"));
        assert_eq!(auto.x_autoreply.as_deref(), Some(""));
        assert_eq!(auto.x_autorespond, None);
        assert_eq!(auto.precedence.as_deref(), Some("bulk"));
        assert_eq!(auto.x_auto_response_suppress.as_deref(), Some("All"));
        assert_eq!(
            auto.list_id.as_deref(),
            Some("Council news <news.council.example>")
        );
        assert_eq!(auto.return_path.as_deref(), Some("<>"));
    }

    #[test]
    fn addresses_are_found_in_text() {
        assert_eq!(
            find_addresses("<a.b+c@x.example>: said 550; mailto:d=e@f.example, g@localhost"),
            ["a.b+c@x.example", "d=e@f.example"]
        );
        assert_eq!(
            find_addresses("dda:SMTP=DJB@IKON.COM; on Fri"),
            ["DJB@IKON.COM"]
        );
        assert!(find_addresses("@@@ a@ @b .@. x@.y").is_empty());
    }

    #[test]
    fn received_for_clause_is_read() {
        assert_eq!(
            received_for("from x by y (Postfix) with ESMTP id 1 for <foi+t@c.example>; Tue")
                .as_deref(),
            Some("foi+t@c.example")
        );
        assert_eq!(
            received_for("from x by y for foi@c.example; Tue").as_deref(),
            Some("foi@c.example")
        );
        assert_eq!(received_for("from x (using TLS for nothing) by y"), None);
    }

    #[test]
    fn dates_convert_to_utc_or_nothing() {
        let parsed = parse_str("Date: Mon, 5 Jul 2010 07:54:40 +0200\nSubject: x\n\nb");
        assert_eq!(
            parsed.date.unwrap().to_rfc3339(),
            "2010-07-05T05:54:40+00:00"
        );
        let parsed = parse_str("Date: Mon, 31 Feb 2010 07:54:40 +0200\nSubject: x\n\nb");
        assert_eq!(parsed.date, None);
        let parsed = parse_str("Date: yesterday-ish\nSubject: x\n\nb");
        assert_eq!(parsed.date, None);
    }
}
