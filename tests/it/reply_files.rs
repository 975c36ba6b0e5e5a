//! The case page's reply form with files, over HTTP (`multipart/form-data`): a file is
//! checked as `foi case reply --attach` checks it (type, size) before anything is queued,
//! the preview carries it to its queue form, and the queued email has it attached; the
//! CSRF token and the role are checked as for every form.

use crate::support::Workdir;
use crate::web::{app, seeded, Client, Got, WEB_NOW};
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use base64::Engine;

const BOUNDARY: &str = "----foi-test-boundary-7MA4YWxkTrZu0gW";

/// A multipart body of `fields` and `files` (field `attach`).
fn multipart(fields: &[(&str, &str)], files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut b = Vec::new();
    for (name, value) in fields {
        b.extend_from_slice(
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                .as_bytes(),
        );
    }
    for (file_name, bytes) in files {
        b.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"attach\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        b.extend_from_slice(bytes);
        b.extend_from_slice(b"\r\n");
    }
    b.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    b
}

fn refs(f: &[(String, String)]) -> Vec<(&str, &str)> {
    f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}

async fn post_multipart(
    c: &mut Client,
    path: &str,
    fields: &[(&str, &str)],
    files: &[(&str, &[u8])],
) -> Got {
    let cookies: Vec<String> = c.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let req = Request::post(path)
        .header(header::COOKIE, cookies.join("; "))
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(Body::from(multipart(fields, files)))
        .unwrap();
    c.send(req).await
}

fn outbox(w: &Workdir) -> Vec<serde_json::Value> {
    w.json(["outbox", "--json"]).as_array().unwrap().clone()
}

/// The values of the preview's hidden `carried` fields, HTML entities undone.
fn carried(page: &str) -> Vec<String> {
    let key = "name=\"carried\" value=\"";
    page.match_indices(key)
        .map(|(at, _)| {
            let rest = &page[at + key.len()..];
            let value = &rest[..rest.find('"').unwrap()];
            let mut out = String::new();
            let mut it = value.split('&');
            out.push_str(it.next().unwrap());
            for piece in it {
                let (entity, tail) = piece.split_once(';').unwrap();
                let code = entity.trim_start_matches('#');
                let c = match code.strip_prefix('x') {
                    Some(hex) => u32::from_str_radix(hex, 16).unwrap(),
                    None => code.parse().unwrap(),
                };
                out.push(char::from_u32(c).unwrap());
                out.push_str(tail);
            }
            out
        })
        .collect()
}

#[tokio::test]
async fn the_reply_form_attaches_files_checked_like_the_command_line() {
    let w = seeded();
    let pdf: &[u8] = b"%PDF-1.4\r\n%\xe2\xe3\xcf\xd3\r\nsites and cameras\r\n%%EOF\r\n";
    let fields = |csrf: &str, go: &str| {
        vec![
            ("csrf".to_string(), csrf.to_string()),
            ("template".to_string(), String::new()),
            ("text".to_string(), "The sites are attached.".to_string()),
            ("as".to_string(), "reply".to_string()),
            ("go".to_string(), go.to_string()),
        ]
    };
    let before = outbox(&w).len();

    // A viewer may not send, files or not.
    let mut vic = Client::signed_in(app(&w, WEB_NOW).await, "vic").await;
    let csrf = vic.csrf().await;
    let f = fields(&csrf, "send");
    let r = post_multipart(
        &mut vic,
        "/cases/POL-0003/reply",
        &refs(&f),
        &[("a.pdf", pdf)],
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);

    let mut sam = Client::signed_in(app(&w, WEB_NOW).await, "sam").await;
    let page = sam.get("/cases/POL-0003").await;
    assert!(page.body.contains("enctype=\"multipart/form-data\""));
    assert!(page.body.contains("type=\"file\" name=\"attach\""));
    let csrf = page.csrf();
    // A form without this session's token is refused.
    let f = fields("not-the-token", "send");
    let r = post_multipart(
        &mut sam,
        "/cases/POL-0003/reply",
        &refs(&f),
        &[("a.pdf", pdf)],
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);

    // Types and sizes are checked before anything is queued.
    let f = fields(&csrf, "send");
    let r = post_multipart(
        &mut sam,
        "/cases/POL-0003/reply",
        &refs(&f),
        &[("run.exe", b"MZ")],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(
        r.body.contains(".exe files cannot be attached"),
        "{}",
        r.body
    );
    let big = vec![b'x'; 10 * 1024 * 1024 + 1];
    let r = post_multipart(
        &mut sam,
        "/cases/POL-0003/reply",
        &refs(&f),
        &[("big.pdf", &big)],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("at most 10 MB"), "{}", r.body);
    assert_eq!(outbox(&w).len(), before, "nothing queued");

    // Preview, then queue from the preview's form, which carries the file.
    let f = fields(&csrf, "preview");
    let r = post_multipart(
        &mut sam,
        "/cases/POL-0003/reply",
        &refs(&f),
        &[("sites.pdf", pdf)],
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("Attached: sites.pdf"), "{}", r.body);
    assert_eq!(outbox(&w).len(), before, "a preview queues nothing");
    let carried = carried(&r.body);
    assert_eq!(carried.len(), 1, "{}", r.body);
    let mut f = fields(&csrf, "send");
    f.push(("carried".into(), carried[0].clone()));
    let r = post_multipart(&mut sam, "/cases/POL-0003/reply", &refs(&f), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let queued: Vec<serde_json::Value> = outbox(&w)
        .into_iter()
        .filter(|o| o["reference"] == "POL-0003" && o["kind"] == "reply")
        .collect();
    assert_eq!(queued.len(), 1, "{queued:?}");
    let raw = w.ok(["outbox", "show", &queued[0]["id"].to_string(), "--raw"]);
    assert!(raw.contains("filename=\"sites.pdf\""), "{raw}");
    assert!(raw.contains("Content-Type: application/pdf"), "{raw}");
    let encoded = base64::engine::general_purpose::STANDARD.encode(pdf);
    let body: String = raw.split_whitespace().collect();
    assert!(body.contains(&encoded), "the file's exact bytes: {raw}");
}
