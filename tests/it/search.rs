//! Full-text search (issue 21) through the real `foi` binary on a real SQLite file: ranking
//! on a small campaign, phrases and prefixes, filters, hostile input, the index following
//! the documents' text (insert, re-extract, delete) and `--reindex`; answers suggested from
//! documents, with where they were found. Documents' text is put in through the store's
//! own call (`Store::record_extraction`, what extraction does), standing in for
//! extraction.

use crate::answers::{police_address, reply};
use crate::support::{repo_path, sent_campaign, Workdir};
use foi::domain::{AttachmentId, DocumentState, Extraction, MessageId, TextUnit};
use foi::store::Store;

/// A reply to `reference` with one attachment named `file` (bytes of no matter: its text
/// is put in by the test).
pub fn reply_with_attachment(reference: &str, n: u32, body: &str, file: &str) -> String {
    let from = police_address(reference);
    format!(
        "From: {from}\r\nTo: foi@example.org\r\nSubject: Re: Freedom of Information request [{reference}]\r\nDate: Wed, 04 Mar 2026 1{n}:00:00 +0000\r\nMessage-ID: <doc-{n}@body.example>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b{n}\r\n\r\n--b{n}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n--b{n}\r\nContent-Type: application/octet-stream; name=\"{file}\"\r\nContent-Disposition: attachment; filename=\"{file}\"\r\nContent-Transfer-Encoding: base64\r\n\r\nUEsDBAoAAAAAAA==\r\n--b{n}--\r\n"
    )
}

/// The store of a working folder.
pub async fn store(w: &Workdir) -> Store {
    let config = foi::config::Config::load(&w.config()).unwrap();
    Store::open(&config.database_path()).await.unwrap()
}

/// The id of the attachment named `file` (a test's own look, by SQL).
pub async fn attachment_id(w: &Workdir, file: &str) -> AttachmentId {
    use sqlx::Connection;
    let config = foi::config::Config::load(&w.config()).unwrap();
    let url = format!("sqlite://{}", config.database_path().display());
    let mut db = sqlx::SqliteConnection::connect(&url).await.unwrap();
    let (id,): (i64,) = sqlx::query_as("SELECT id FROM attachments WHERE file_name = $1")
        .bind(file)
        .fetch_one(&mut db)
        .await
        .unwrap();
    AttachmentId::new(id)
}

/// Put in the text of attachment `file`, as extraction would (replacing any before).
pub async fn extract(w: &Workdir, file: &str, units: &[(&str, &str)]) {
    let id = attachment_id(w, file).await;
    let x = Extraction {
        state: DocumentState::Done,
        reason: None,
        extractor: Some("test".into()),
        units: units
            .iter()
            .map(|(l, t)| TextUnit {
                locator: l.to_string(),
                text: t.to_string(),
            })
            .collect(),
    };
    store(w)
        .await
        .record_extraction(id, &x, "2026-03-10T10:00:00Z".parse().unwrap())
        .await
        .unwrap();
}

/// The references of a search's hits, in order.
fn refs(w: &Workdir, args: &[&str]) -> Vec<String> {
    let mut all = vec!["search", "--json"];
    all.extend_from_slice(args);
    w.json(&all)
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["reference"].as_str().unwrap_or("(triage)").to_string())
        .collect()
}

/// The example campaign to the 7 police forces, with replies whose order for "hikvision"
/// is known by hand (bm25: more mentions in a short text first, one mention in a long text
/// last), and a spreadsheet and a letter attached to POL-0004's reply.
fn campaign_with_replies() -> Workdir {
    let w = sent_campaign();
    let filler = "The force reviewed its records of street furniture, lighting columns and \
                  signage across the county during the period you asked about. "
        .repeat(6);
    let replies = [
        (
            "POL-0001",
            1,
            "Hikvision cameras: 12. Hikvision recorders: 3. Hikvision licences: 2.".to_string(),
        ),
        ("POL-0002", 2, "Some cameras are Hikvision.".to_string()),
        (
            "POL-0003",
            3,
            format!("{filler} One camera in Camden was made by Hikvision. {filler}"),
        ),
        (
            "POL-0005",
            5,
            "Our Hikvision made by order units are not held.".to_string(),
        ),
    ];
    let mut files = Vec::new();
    for (reference, n, body) in &replies {
        let p = w.write(&format!("r{n}.eml"), reply(reference, *n, body));
        files.push(p.to_string_lossy().into_owned());
    }
    let p = w.write(
        "r4.eml",
        reply_with_attachment(
            "POL-0004",
            4,
            "Please find attached our answer.",
            "cameras.xlsx",
        ),
    );
    files.push(p.to_string_lossy().into_owned());
    let mut args = vec!["import-mail".to_string()];
    args.extend(files);
    w.ok(&args);
    w
}

#[tokio::test]
async fn search_ranks_emails_and_documents_and_filters_them() {
    let w = campaign_with_replies();
    extract(
        &w,
        "cameras.xlsx",
        &[
            ("Sheet1!A1", "Make"),
            ("Sheet1!A2", "Dahua"),
            ("Sheet1!B2", "Car park cameras made by Hikvision"),
        ],
    )
    .await;

    // Ranked by bm25, by hand: three mentions in a short text; one in a short text (the
    // spreadsheet's cell, the short reply); one in a long text last.
    let hits = w.json(["search", "hikvision", "--json"]);
    let hits = hits.as_array().unwrap();
    let order: Vec<&str> = hits
        .iter()
        .map(|h| h["reference"].as_str().unwrap())
        .collect();
    assert_eq!(order.first(), Some(&"POL-0001"), "{hits:#?}");
    assert_eq!(order.last(), Some(&"POL-0003"), "{hits:#?}");
    assert_eq!(order.len(), 5, "{hits:#?}");
    let ranks: Vec<f64> = hits.iter().map(|h| h["rank"].as_f64().unwrap()).collect();
    assert!(ranks.windows(2).all(|p| p[0] <= p[1]), "{ranks:?}");

    // A document's hit says which attachment and where, with the match marked.
    let doc = hits
        .iter()
        .find(|h| h["attachment"] == "cameras.xlsx")
        .expect("the spreadsheet's cell is a hit");
    assert_eq!(doc["reference"], "POL-0004");
    assert_eq!(doc["locator"], "Sheet1!B2");
    assert_eq!(doc["snippet"], "Car park cameras made by «Hikvision»");
    assert!(doc["subject"].as_str().unwrap().contains("POL-0004"));
    assert!(doc["body"].as_str().is_some() && doc["at"].as_str().is_some());

    // Phrase: the words side by side, in order (POL-0005 has them in another order).
    assert_eq!(
        refs(&w, &["\"made by hikvision\""]),
        ["POL-0004", "POL-0003"]
    );
    // Prefix: cam* finds cameras, camera and Camden; "park cam"* a phrase's prefix.
    assert_eq!(refs(&w, &["cam*"]).len(), 4);
    assert_eq!(refs(&w, &["\"park cam\"*"]), ["POL-0004"]);
    // Stemming: "licence" finds "licences".
    assert_eq!(refs(&w, &["licence"]), ["POL-0001"]);
    // OR, NOT, and words that must all be there.
    assert_eq!(refs(&w, &["licences", "OR", "camden"]).len(), 2);
    assert_eq!(refs(&w, &["hikvision -cameras -camera"]), ["POL-0005"]);
    assert_eq!(refs(&w, &["hikvision", "dahua"]), Vec::<String>::new());

    // The text for people: case, body, date, email, attachment and place, snippet.
    let text = w.ok(["search", "made", "by", "hikvision", "--limit", "2"]);
    assert!(text.contains("POL-0004 ("), "{text}");
    assert!(text.contains("in cameras.xlsx Sheet1!B2"), "{text}");
    assert!(text.contains("«Hikvision»"), "{text}");
    assert_eq!(text.lines().filter(|l| l.starts_with("POL-")).count(), 2);

    // Filters: campaign, tag, class.
    assert_eq!(refs(&w, &["hikvision", "--campaign", "c"]).len(), 5);
    assert!(w
        .fails(["search", "hikvision", "--campaign", "nope"])
        .contains("no campaign 'nope'"));
    assert_eq!(refs(&w, &["hikvision", "--tag", "police"]).len(), 5);
    assert!(refs(&w, &["hikvision", "--tag", "council"]).is_empty());
    let case = w.json(["case", "show", "POL-0002", "--json"]);
    let id = case["messages"].as_array().unwrap().last().unwrap()["id"].to_string();
    w.ok(["message", "classify", &id, "refusal"]);
    assert_eq!(refs(&w, &["hikvision", "--class", "refusal"]), ["POL-0002"]);
    assert!(w
        .fails(["search", "hikvision", "--class", "rude"])
        .contains("no message kind \"rude\""));
    assert!(w
        .ok(["search", "nothing-like-this"])
        .contains("no email or document matches"));
}

#[tokio::test]
async fn hostile_queries_get_one_clear_error_and_change_nothing() {
    let w = campaign_with_replies();
    let snap = w.snapshot();
    for (q, want) in [
        ("\"unclosed", "a phrase is not closed"),
        ("OR", "OR must stand between two words"),
        ("cameras NOT", "ends with OR or NOT"),
        ("NOT cameras", "a word to look for"),
        ("*", "a * ends a prefix"),
        ("( ) ;", "nothing to search for"),
    ] {
        let err = w.fails(["search", q]);
        assert!(err.contains(want), "{q}: {err}");
        assert!(err.contains("cannot search for that"), "{q}: {err}");
        for leak in ["fts5", "syntax error", "SQL", "sqlx", "panicked"] {
            assert!(!err.contains(leak), "{q}: {err}");
        }
        assert_eq!(err.trim().lines().count(), 1, "one sentence: {err}");
    }
    // FTS5's own syntax is only text to look for: no error, no column read.
    for q in [
        "title:hikvision",
        "NEAR(hikvision cameras)",
        "^hikvision",
        "hikvision\"\"",
        "'; DROP TABLE messages; --",
    ] {
        w.ok(["search", q]);
    }
    assert_eq!(refs(&w, &["body:cameras"]), Vec::<String>::new());
    assert!(w
        .fails(["search", "x", "--limit", "0"])
        .contains("limit is from 1 to 1000"));
    assert_eq!(w.snapshot(), snap);
}

#[tokio::test]
async fn the_index_follows_extraction_and_reindex_rebuilds_it() {
    let w = campaign_with_replies();
    let find = |q: &str| refs(&w, &[q]);
    assert!(find("turnip").is_empty());

    // Extracted: found.
    extract(
        &w,
        "cameras.xlsx",
        &[("page 1", "A turnip field camera"), ("page 2", "Beetroot")],
    )
    .await;
    assert_eq!(find("turnip"), ["POL-0004"]);
    assert_eq!(find("beetroot"), ["POL-0004"]);

    // Extracted again (other text): the old text is gone from the index, the new is in.
    extract(&w, "cameras.xlsx", &[("page 1", "A parsnip field camera")]).await;
    assert!(find("turnip").is_empty());
    assert!(find("beetroot").is_empty());
    assert_eq!(find("parsnip"), ["POL-0004"]);

    // Deleted: gone.
    extract(&w, "cameras.xlsx", &[]).await;
    assert!(find("parsnip").is_empty());

    // An email we sent is indexed once its text is made (on its first view): the
    // update follows too.
    let case = w.json(["case", "show", "POL-0001", "--json"]);
    let sent = &case["messages"][0];
    assert_eq!(sent["direction"], "outbound", "{sent}");
    assert!(find("rutabaga").is_empty());
    let display = foi::store::MessageDisplay {
        html: None,
        text: Some("Our request about rutabaga".into()),
    };
    store(&w)
        .await
        .keep_message_display(MessageId::new(sent["id"].as_i64().unwrap()), &display)
        .await
        .unwrap();
    assert_eq!(find("rutabaga"), ["POL-0001"]);

    extract(&w, "cameras.xlsx", &[("Sheet1!A1", "Swede")]).await;
    let before = w.json(["search", "hikvision OR swede", "--json"]);
    let out = w.ok(["search", "--reindex"]);
    assert!(
        out.contains("search index rebuilt: 6 emails, 1 document text units"),
        "{out}"
    );
    assert_eq!(w.json(["search", "hikvision OR swede", "--json"]), before);
    let r = w.json(["search", "--reindex", "--json"]);
    assert_eq!(
        (r["emails"].as_i64(), r["document_units"].as_i64()),
        (Some(6), Some(1))
    );
    assert!(w
        .fails(["search", "--reindex", "cameras"])
        .contains("cannot be used with"));
    assert!(w.fails(["search"]).contains("<QUERY>"));
}

/// Run `sql` on the working folder's database (a test's own change, by SQL).
pub async fn exec(w: &Workdir, sql: &str) {
    use sqlx::Connection;
    let config = foi::config::Config::load(&w.config()).unwrap();
    let url = format!("sqlite://{}", config.database_path().display());
    let mut db = sqlx::SqliteConnection::connect(&url).await.unwrap();
    sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
        .execute(&mut db)
        .await
        .unwrap();
    db.close().await.unwrap();
}

/// The id of the email a search for `word` finds first.
fn message_found(w: &Workdir, word: &str) -> i64 {
    w.json(["search", word, "--json"])[0]["message_id"]
        .as_i64()
        .unwrap()
}

/// Reading mail queues what it records for search, in the transaction that records it (a
/// stop cannot lose the queue), and indexes nothing: the next search indexes what is
/// queued before it answers, so no search is stale.
#[tokio::test]
async fn replies_are_queued_when_recorded_and_indexed_before_the_next_search() {
    let w = campaign_with_replies();
    // The import recorded its five replies and queued them; none is indexed yet.
    let s = store(&w).await;
    assert_eq!(s.search_pending_count().await.unwrap(), 5);
    assert_eq!(s.search_index_counts().await.unwrap(), (0, 0));
    let find = |q: &str| refs(&w, &[q]);
    assert_eq!(find("some"), ["POL-0002"]);
    assert_eq!(s.search_pending_count().await.unwrap(), 0);
    assert_eq!(s.search_index_counts().await.unwrap(), (5, 0));

    // An email queued and out of the index (a stop in the middle of indexing): the next
    // search indexes it before it answers.
    let id = message_found(&w, "some");
    let gap = format!(
        "DELETE FROM search_index WHERE rowid = {id}; INSERT INTO search_pending (message_id) VALUES ({id});"
    );
    exec(&w, &gap).await;
    assert_eq!(s.search_index_counts().await.unwrap(), (4, 0));
    assert_eq!(find("some"), ["POL-0002"]);
    assert_eq!(s.search_pending_count().await.unwrap(), 0);
    assert_eq!(s.search_index_counts().await.unwrap(), (5, 0));

    // An import of nothing new leaves the queue as it was, and one with a new reply adds
    // it: the next search finds both.
    exec(&w, &gap).await;
    let again = w.path().join("r2.eml");
    let out = w.ok(["import-mail", again.to_str().unwrap()]);
    assert!(out.starts_with("new 0,"), "{out}");
    assert_eq!(s.search_pending_count().await.unwrap(), 1);
    let p = w.write(
        "r6.eml",
        crate::answers::reply("POL-0006", 6, "No Hikvision kohlrabi here."),
    );
    w.ok(["import-mail", p.to_str().unwrap()]);
    assert_eq!(s.search_pending_count().await.unwrap(), 2);
    assert_eq!(find("kohlrabi"), ["POL-0006"]);
    assert_eq!(find("some"), ["POL-0002"]);
    assert_eq!(s.search_pending_count().await.unwrap(), 0);
    assert_eq!(s.search_index_counts().await.unwrap(), (6, 0));
}

/// `foi fetch` over IMAP queues every email it stores (a search indexes them), and `foi
/// run` indexes what it fetched after each fetch, so a search after it does not wait.
#[tokio::test(flavor = "multi_thread")]
async fn a_fetch_queues_every_email_it_stored_and_foi_run_indexes_them() {
    use crate::ingest::{append_all, fetch_imap, imap_workdir, numbered_reply, with_imap_password};
    let s = crate::support::mail::servers();
    let ours = s.unique_address("indexed", "example.org");
    let w = imap_workdir(s, &ours);
    let mut session = foi::net::imap::connect(&s.imap_settings_for(&ours))
        .await
        .unwrap();
    append_all(
        &mut session,
        "INBOX",
        (0..7).map(|i| numbered_reply(&ours, i)),
    )
    .await;
    assert!(fetch_imap(&w).starts_with("new 7,"));
    let store = store(&w).await;
    assert_eq!(store.search_pending_count().await.unwrap(), 7);
    assert_eq!(store.search_index_counts().await.unwrap(), (0, 0));
    let hits = w.json(["search", "text", "--json"]);
    assert_eq!(hits.as_array().unwrap().len(), 7, "{hits}");
    assert_eq!(store.search_pending_count().await.unwrap(), 0);
    assert_eq!(store.search_index_counts().await.unwrap(), (7, 0));

    append_all(
        &mut session,
        "INBOX",
        (7..10).map(|i| numbered_reply(&ours, i)),
    )
    .await;
    with_imap_password(&w, &["run", "--once", "--no-chasers"]);
    assert_eq!(store.search_pending_count().await.unwrap(), 0);
    assert_eq!(store.search_index_counts().await.unwrap(), (10, 0));
}

#[tokio::test]
async fn an_email_whose_text_changed_is_found_by_its_new_words_only() {
    let w = campaign_with_replies();
    let find = |q: &str| refs(&w, &[q]);
    assert_eq!(find("licences"), ["POL-0001"]);
    let id = message_found(&w, "licences");
    // A body repaired (read again by a newer foi) and a subject changed.
    exec(
        &w,
        &format!(
            "UPDATE messages SET text_body = 'Axis cameras: 42 units.', subject = 'Re: celeriac'
             WHERE id = {id}"
        ),
    )
    .await;
    assert!(find("licences").is_empty());
    assert_eq!(find("axis"), ["POL-0001"]);
    assert_eq!(find("celeriac"), ["POL-0001"]);
    assert_eq!(
        find("hikvision").len(),
        3,
        "POL-0001 no longer says hikvision"
    );
}

/// The example campaign with one more question, which counts spreadsheet rows.
fn counting_campaign() -> Workdir {
    let w = Workdir::new();
    w.import_examples();
    let dir = w.path().join("counting");
    std::fs::create_dir_all(&dir).unwrap();
    let example = std::path::PathBuf::from(repo_path("examples/cctv-campaign"));
    for entry in std::fs::read_dir(&example).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_file() {
            std::fs::copy(entry.path(), dir.join(entry.file_name())).unwrap();
        }
    }
    let toml = dir.join("campaign.toml");
    let mut text = std::fs::read_to_string(&toml).unwrap();
    text.push_str(
        "\n[[questions]]\nkey = \"hikvision_cameras\"\nlabel = \"How many Hikvision cameras?\"\ntype = \"number\"\ncount_rows = [\"hikvision\"]\n",
    );
    std::fs::write(&toml, text).unwrap();
    w.create_campaign(dir.to_str().unwrap(), "tag:police", "POL");
    w.ok(["campaign", "launch", "c"]);
    assert!(w.ok(["send"]).starts_with("sent 7,"));
    w
}

#[tokio::test]
async fn answers_are_suggested_from_documents_with_where_they_were_found() {
    let w = counting_campaign();
    let r = w.write(
        "r.eml",
        reply_with_attachment("POL-0002", 2, "Please find attached.", "cameras.xlsx"),
    );
    w.ok(["import-mail", r.to_str().unwrap()]);
    let r = w.write(
        "r6.eml",
        reply_with_attachment("POL-0006", 6, "Our letter is attached.", "letter.pdf"),
    );
    w.ok(["import-mail", r.to_str().unwrap()]);
    assert_eq!(
        w.json(["answers", "suggestions", "--json"]),
        serde_json::json!([]),
        "nothing to go on in the emails' text"
    );
    extract(
        &w,
        "cameras.xlsx",
        &[
            ("Sheet1!A1", "Make"),
            ("Sheet1!B1", "Site"),
            ("Sheet1!A2", "Hikvision"),
            ("Sheet1!B2", "Town centre"),
            ("Sheet1!A3", "Axis"),
            ("Sheet1!B3", "Hikvision Street depot"),
            ("Sheet1!A4", "Dahua"),
            ("Sheet1!A5", "HIKVISION"),
            ("Sheet1!B5", "Hikvision yard"),
            ("Sheet2!A1", "Hikvisionary"),
        ],
    )
    .await;
    extract(
        &w,
        "letter.pdf",
        &[
            ("page 1", "Dear requester, thank you for your request."),
            (
                "page 2",
                "The maintenance contract is commercially sensitive and is withheld.",
            ),
        ],
    )
    .await;
    let summary = w.json(["answers", "suggest", "c", "--json"]);
    assert_eq!(summary["document_units"], 12, "{summary}");

    let s = w.json(["answers", "suggestions", "c", "--json"]);
    let get = |reference: &str, key: &str| -> serde_json::Value {
        s.as_array()
            .unwrap()
            .iter()
            .find(|a| a["reference"] == reference && a["question"] == key)
            .unwrap_or_else(|| panic!("no {key} for {reference} in {s:#}"))
            .clone()
    };
    // A number counted from the spreadsheet's rows (row 3 names it in its second cell,
    // row 5 twice: counted once; "Hikvisionary" is another word), the cells as evidence.
    let n = get("POL-0002", "hikvision_cameras");
    assert_eq!(n["value"], "3", "{n}");
    let ev = n["evidence"].as_str().unwrap();
    assert!(
        ev.contains("3 spreadsheet row(s) name hikvision")
            && ev
                .contains("cameras.xlsx Sheet1!A2, cameras.xlsx Sheet1!B3, cameras.xlsx Sheet1!A5"),
        "{ev}"
    );
    // A keyword rule in a cell says which cell.
    let yes = get("POL-0002", "uses_hikvision_or_dahua");
    assert_eq!(yes["value"], "yes");
    assert!(
        yes["evidence"]
            .as_str()
            .unwrap()
            .starts_with("in cameras.xlsx Sheet1!"),
        "{yes}"
    );
    // ... and in a letter's page, which page.
    let c = get("POL-0006", "contract_status");
    assert_eq!(c["value"], "not disclosed");
    assert!(
        c["evidence"].as_str().unwrap().starts_with(
            "in letter.pdf page 2: The maintenance contract is commercially sensitive"
        ),
        "{c}"
    );
    // A person confirms the count: it becomes the answer, its evidence kept.
    w.ok([
        "answers",
        "confirm",
        "POL-0002",
        "hikvision_cameras",
        "--by",
        "ana",
    ]);
    let a = w.json(["case", "answers", "POL-0002", "--json"]);
    assert_eq!(a["confirmed"]["hikvision_cameras"]["value"], "3");
    assert!(a["confirmed"]["hikvision_cameras"]["evidence"]
        .as_str()
        .unwrap()
        .contains("Sheet1!B3"));
}

#[tokio::test]
async fn the_search_page_shows_hits_escaped_and_a_documents_text_as_text() {
    use crate::web::{app, Client, PASSWORD, WEB_NOW};
    use axum::http::StatusCode;
    let w = campaign_with_replies();
    w.foi([
        "users",
        "add",
        "vic",
        "--role",
        "viewer",
        "--password-stdin",
    ])
    .write_stdin(format!("{PASSWORD}\n"))
    .assert()
    .success();
    extract(
        &w,
        "cameras.xlsx",
        &[
            (
                "Sheet1!B2",
                "<script>alert('cell')</script> Hikvision <b>bold</b> \u{2}fake mark",
            ),
            ("page <2>", "<img src=x onerror=alert(1)> turnip"),
        ],
    )
    .await;
    let id = attachment_id(&w, "cameras.xlsx").await;

    // Signed out: to the sign-in page.
    let mut anon = Client::new(app(&w, WEB_NOW).await);
    for path in ["/search?q=hikvision", &format!("/attachments/{id}/text")] {
        let r = anon.get(path).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{path}");
    }

    let mut c = Client::signed_in(app(&w, WEB_NOW).await, "vic").await;
    let page = c.get("/search?q=hikvision").await;
    assert_eq!(page.status, StatusCode::OK);
    let body = &page.body;
    // The hits, best first, linked to their case; the document's to its text and file.
    let first = body.find("/cases/POL-0001#m").expect("POL-0001 is a hit");
    let last = body.find("/cases/POL-0003#m").expect("POL-0003 is a hit");
    assert!(first < last, "ranked: {body}");
    assert!(body.contains(&format!("href=\"/attachments/{id}/text\">cameras.xlsx</a>")));
    assert!(body.contains(&format!("href=\"/attachments/{id}\">download</a>")));
    assert!(body.contains("Sheet1!B2"));
    assert!(body.contains("<mark>Hikvision</mark>"), "{body}");
    // Hostile text in a snippet is text; a mark it carries cannot unbalance the page.
    assert!(body.contains("&#60;script&#62;alert("), "{body}");
    assert!(
        !body.contains("<script") && !body.contains("<b>bold"),
        "{body}"
    );
    assert_eq!(
        body.matches("<mark>").count(),
        body.matches("</mark>").count()
    );

    // The document's text: every unit, escaped, with where it is; the original a download.
    let doc = c.get(&format!("/attachments/{id}/text")).await;
    assert_eq!(doc.status, StatusCode::OK);
    assert!(doc.body.contains("page &#60;2&#62;"), "{}", doc.body);
    assert!(doc
        .body
        .contains("&#60;img src=x onerror=alert(1)&#62; turnip"));
    assert!(!doc.body.contains("<img") && !doc.body.contains("<script"));
    assert!(doc.body.contains("/cases/POL-0004#m"));
    assert!(doc
        .body
        .contains(&format!("href=\"/attachments/{id}\">download</a>")));
    assert_eq!(
        c.get("/attachments/99999/text").await.status,
        StatusCode::NOT_FOUND
    );

    // Filters and a malformed search: one sentence on the page, no hits.
    let r = c.get("/search?q=hikvision&campaign=c&tag=council").await;
    assert!(
        r.body.contains("No email or document matches."),
        "{}",
        r.body
    );
    let r = c.get("/search?q=%22unclosed").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("a phrase is not closed"), "{}", r.body);
    assert!(!r.body.to_lowercase().contains("fts5"));
    let r = c.get("/search?q=x&class=rude").await;
    assert!(r.body.contains("no message kind"), "{}", r.body);

    // A spreadsheet of many cells: its page shows the first 2,000 (search finds them all).
    let cells: Vec<(String, String)> = (1..=2005)
        .map(|i| (format!("Sheet1!A{i}"), format!("cell{i}")))
        .collect();
    let cells: Vec<(&str, &str)> = cells
        .iter()
        .map(|(l, t)| (l.as_str(), t.as_str()))
        .collect();
    extract(&w, "cameras.xlsx", &cells).await;
    let doc = c.get(&format!("/attachments/{id}/text")).await;
    assert!(
        doc.body.contains("The first 2000 of 2005 parts"),
        "{}",
        doc.body
    );
    assert!(doc.body.contains(">cell2000<") && !doc.body.contains(">cell2001<"));
    assert_eq!(refs(&w, &["cell2005"]), ["POL-0004"]);
}
