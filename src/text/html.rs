//! HTML from mail made safe to show (sanitised), and text made safe inside HTML (escaped).

use std::borrow::Cow;
use std::sync::LazyLock;

use super::html_text::html_to_text;
use super::truncate::truncate_bytes;

/// The policy for HTML shown to staff: ammonia's default allow-list (no script, style,
/// form, input, iframe, object or event handler attributes), relative URLs dropped, links
/// marked `noopener noreferrer nofollow`, and images limited to `cid:` references and
/// inline raster `data:` images, so a tracking pixel or any other remote image is never
/// fetched.
static HTML_POLICY: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut builder = ammonia::Builder::default();
    builder
        .add_url_schemes(["cid", "data"])
        .url_relative(ammonia::UrlRelative::Deny)
        .link_rel(Some("noopener noreferrer nofollow"))
        .attribute_filter(filter_attribute);
    builder
});

/// Keeps `cid:` and safe `data:` images, drops every other image source and every `data:`
/// URL outside an image (a `data:text/html` link is a script in disguise).
fn filter_attribute<'a>(element: &str, attribute: &str, value: &'a str) -> Option<Cow<'a, str>> {
    let lower = value.trim_start().to_ascii_lowercase();
    if element == "img" && attribute == "src" {
        return is_safe_image_source(&lower).then_some(Cow::Borrowed(value));
    }
    if lower.starts_with("data:") || lower.starts_with("cid:") {
        return None;
    }
    Some(Cow::Borrowed(value))
}

fn is_safe_image_source(lower: &str) -> bool {
    if lower.starts_with("cid:") {
        return true;
    }
    // SVG can carry script and links, so only raster formats are let through.
    [
        "data:image/png;base64,",
        "data:image/jpeg;base64,",
        "data:image/jpg;base64,",
        "data:image/gif;base64,",
        "data:image/webp;base64,",
    ]
    .iter()
    .any(|prefix| lower.starts_with(prefix))
}

/// Deepest element nesting handed to the HTML parser. html5ever's tree building costs
/// time proportional to nesting depth for every tag, so a message of a million unclosed
/// `<div>`s would take minutes; real mail stays far below this.
pub const MAX_HTML_DEPTH: usize = 256;

/// Elements that never have content, or that HTML closes implicitly, so they do not
/// deepen the nesting estimate.
const NON_NESTING: [&str; 22] = [
    "br", "img", "hr", "meta", "link", "input", "area", "base", "col", "wbr", "source", "embed",
    "param", "track", "p", "li", "td", "th", "tr", "option", "dt", "dd",
];

/// An estimate of the deepest element nesting in `html`: start tags minus end tags,
/// ignoring void and implicitly closed elements. Linear, never panics.
pub fn html_depth(html: &str) -> usize {
    let bytes = html.as_bytes();
    let (mut depth, mut deepest, mut i) = (0usize, 0usize, 0usize);
    // The first '>' at or after some position up to the current one: still the first at or
    // after the current position when it lies beyond it (or when there is none), so each
    // part of the text is searched once, whatever the input.
    let mut next_gt: Option<Option<usize>> = None;
    while let Some(offset) = memchr::memchr(b'<', &bytes[i..]) {
        i += offset + 1;
        let closing = bytes.get(i) == Some(&b'/');
        let start = if closing { i + 1 } else { i };
        let end = start
            + bytes
                .get(start..)
                .unwrap_or_default()
                .iter()
                .take_while(|b| b.is_ascii_alphanumeric())
                .count();
        if end == start {
            continue;
        }
        // (ASCII letters and digits: character boundaries)
        let name = &html[start..end];
        if NON_NESTING.iter().any(|n| n.eq_ignore_ascii_case(name)) {
            continue;
        }
        if closing {
            depth = depth.saturating_sub(1);
        } else {
            let gt = match next_gt {
                Some(found) if found.is_none_or(|g| g >= end) => found,
                _ => {
                    let found = memchr::memchr(b'>', &bytes[end..]).map(|g| end + g);
                    next_gt = Some(found);
                    found
                }
            };
            let self_closing = gt.is_some_and(|g| g > end && bytes[g - 1] == b'/');
            if !self_closing {
                depth += 1;
                deepest = deepest.max(depth);
            }
        }
    }
    deepest
}

/// Sanitises an HTML body for display: ammonia's default allow-list (no script, style,
/// form, input, iframe, object or event-handler attributes), relative URLs dropped, links
/// marked `noopener noreferrer nofollow`, and images limited to `cid:` references and
/// inline raster `data:` images, so no remote image (tracking pixel) is ever fetched.
/// The input is cut to `max_bytes` first (html5ever closes whatever the cut leaves open).
/// HTML nested deeper than [`MAX_HTML_DEPTH`] is not parsed at all: its text rendition
/// is returned, escaped, in a `<pre>` element.
pub fn sanitize_html(html: &str, max_bytes: usize) -> String {
    let html = truncate_bytes(html, max_bytes);
    if html_depth(html) > MAX_HTML_DEPTH {
        return format!("<pre>{}</pre>", escape_html(&html_to_text(html, max_bytes)));
    }
    HTML_POLICY.clean(html).to_string()
}

/// Escapes text for inclusion in HTML.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_loses_scripts_handlers_forms_and_remote_images() {
        let dirty = concat!(
            "<p onclick=\"steal()\">Hello <b>there</b></p>",
            "<script>alert(1)</script>",
            "<img src=\"https://tracker.example/pixel.gif\" onerror=\"alert(2)\" alt=\"px\">",
            "<img src=\"cid:logo@council\">",
            "<img src=\"data:image/png;base64,iVBORw0KGgo=\">",
            "<img src=\"data:image/svg+xml;base64,PHN2Zz4=\">",
            "<form action=\"https://evil.example\"><input name=\"pw\"></form>",
            "<a href=\"javascript:alert(3)\">js</a>",
            "<a href=\"data:text/html;base64,PHNjcmlwdD4=\">data</a>",
            "<a href=\"https://council.example/foi\">link</a>",
            "<iframe src=\"https://evil.example\"></iframe>",
            "<style>body{background:url(https://tracker.example/x)}</style>",
        );
        let clean = sanitize_html(dirty, 1 << 20);
        for banned in [
            "script",
            "onclick",
            "onerror",
            "alert",
            "tracker.example",
            "<form",
            "<input",
            "javascript:",
            "data:text",
            "svg",
            "iframe",
            "<style",
            "evil.example",
        ] {
            assert!(!clean.contains(banned), "{banned} survived in {clean}");
        }
        assert!(clean.contains("cid:logo@council"), "{clean}");
        assert!(clean.contains("data:image/png;base64"), "{clean}");
        assert!(clean.contains("https://council.example/foi"), "{clean}");
        assert!(clean.contains("noopener"), "{clean}");
        assert!(clean.contains("<b>there</b>"), "{clean}");
    }

    #[test]
    fn deeply_nested_html_is_shown_as_text_not_parsed() {
        assert_eq!(html_depth("<div><p>a<br><img src=x/></p><div/></div>"), 1);
        assert_eq!(html_depth("<b><i><u>x</u></i></b><b>"), 3);
        // html5ever would spend minutes on this; the fallback never builds a tree.
        let deep = format!(
            "{}<script>alert(1)</script>x &amp; y{}",
            "<div>".repeat(100_000),
            "</div>".repeat(10)
        );
        assert_eq!(sanitize_html(&deep, 1 << 22), "<pre>x &amp; y</pre>");
    }

    /// The estimate as it was before (an allocation per tag, and a search for '>' per tag).
    fn html_depth_before(html: &str) -> usize {
        let bytes = html.as_bytes();
        let mut depth = 0usize;
        let mut deepest = 0usize;
        let mut i = 0usize;
        while let Some(offset) = bytes
            .get(i..)
            .and_then(|rest| rest.iter().position(|b| *b == b'<'))
        {
            i += offset + 1;
            let closing = bytes.get(i) == Some(&b'/');
            let start = if closing { i + 1 } else { i };
            let mut end = start;
            while bytes.get(end).is_some_and(u8::is_ascii_alphanumeric) {
                end += 1;
            }
            if end == start {
                continue;
            }
            let name = html.get(start..end).unwrap_or("").to_ascii_lowercase();
            if NON_NESTING.contains(&name.as_str()) {
                continue;
            }
            if closing {
                depth = depth.saturating_sub(1);
            } else {
                let self_closing = bytes
                    .get(end..)
                    .and_then(|rest| rest.iter().position(|b| *b == b'>'))
                    .is_some_and(|gt| gt > 0 && bytes.get(end + gt - 1) == Some(&b'/'));
                if !self_closing {
                    depth += 1;
                    deepest = deepest.max(depth);
                }
            }
        }
        deepest
    }

    proptest::proptest! {
        #[test]
        fn the_depth_estimate_is_what_it_was_before_memchr(
            parts in proptest::collection::vec(
                proptest::sample::select(vec![
                    "<div>", "</div>", "<p>", "<br/>", "<a", ">", "/", "<", "<x/>", "text", "<B>",
                    "</b>", "<LI>", "<img src=x/>",
                ]),
                0..80,
            )
        ) {
            let html = parts.concat();
            proptest::prop_assert_eq!(html_depth(&html), html_depth_before(&html));
        }
    }
}
