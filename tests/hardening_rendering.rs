//! Rendering and history stay fast whatever a body holds (issue 18, findings 1 and 3): a body
//! nesting too deep is refused with its field named, through the API, the editor and
//! `playbook check`; one stored before the limit existed renders flattened in milliseconds;
//! a revision too large to compare says so at once, while an ordinary one shows its lines.
//!
//! The slow cases run against a real server over loopback, so that a regression fails on the
//! server's request timeout (10 s) instead of hanging the test for minutes.

mod support;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use axum::http::StatusCode;
use city_playbook::playbook::entry::{EntryFields, EntryMeta};
use city_playbook::playbook::markdown::{MAX_NESTING_DEPTH, render_html};
use city_playbook::playbook::{EntryId, Problem};
use city_playbook::store::{EntryStore, NewRevision, RevisionAction, Role};
use scraper::Html;
use serde_json::{Value, json};
use support::accounts::*;
use support::app::*;
use support::cli::*;
use support::html::*;
use support::http::http;
use support::server::Server;

/// The review's two bodies: `>` × 100,000 and `> ` × 50,000.
fn deep_bodies() -> [(&'static str, String); 2] {
    [
        ("`>` x 100,000", ">".repeat(100_000)),
        ("`> ` x 50,000", "> ".repeat(50_000)),
    ]
}

/// Runs `work` on a thread of its own and fails unless it finishes within `limit`; the test
/// ends on time even when the work does not.
fn within<T: Send + 'static>(
    limit: Duration,
    what: &str,
    work: impl FnOnce() -> T + Send + 'static,
) -> T {
    let (done, result) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = done.send(work());
    });
    result
        .recv_timeout(limit)
        .unwrap_or_else(|_| panic!("{what} took more than {limit:?}"))
}

/// `method path` on the server, answered within `limit`: (status, body).
fn timed_http(
    server: &Server,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<&Value>,
    limit: Duration,
) -> (u16, String) {
    let started = Instant::now();
    let answer = http(
        server.addr,
        method,
        path,
        token,
        body.map(Value::to_string).as_deref(),
    )
    .unwrap_or_else(|e| panic!("{method} {path}: {e}"));
    let took = started.elapsed();
    assert!(took < limit, "{method} {path} took {took:?}");
    answer
}

/// How many `blockquote` elements the HTML holds.
fn blockquotes(html: &str) -> usize {
    count(&Html::parse_fragment(html), "blockquote")
}

#[test]
fn a_body_nesting_too_deep_is_refused_through_the_api_naming_body_markdown() {
    let data = DataDir::new();
    let alice = data.account("alice@minneapolis.example", CITY_A, Role::Editor);
    let server = Server::start(data.path(), &data.path().join("server.log"));
    for (name, body) in deep_bodies() {
        let mut entry = entry("deep-quote", "deepquote");
        entry["body_markdown"] = json!(body);
        let (status, reply) = timed_http(
            &server,
            "POST",
            "/api/entries",
            Some(&alice.token),
            Some(&entry),
            Duration::from_secs(5),
        );
        assert_eq!(status, 422, "{name}: {reply}");
        let reply: Value = serde_json::from_str(&reply).expect("a JSON error");
        assert_eq!(reply["error"]["code"], "validation_failed", "{name}");
        let message = reply["error"]["fields"]["body_markdown"]
            .as_str()
            .unwrap_or_else(|| panic!("{name}: no body_markdown problem in {reply}"));
        assert!(
            message.contains(&format!("{MAX_NESTING_DEPTH} levels deep")),
            "{name}: {message}"
        );
    }
    // Within the limit, a quote in a quote is an ordinary body.
    let mut entry = entry("quoted-quote", "quotedquote");
    entry["body_markdown"] = json!("> The council said:\n>\n> > We agree.");
    let (status, reply) = timed_http(
        &server,
        "POST",
        "/api/entries",
        Some(&alice.token),
        Some(&entry),
        Duration::from_secs(5),
    );
    assert_eq!(status, 201, "{reply}");
}

#[test]
fn a_deep_body_stored_before_the_limit_renders_flattened_in_milliseconds() {
    for (name, body) in deep_bodies() {
        let html = within(Duration::from_millis(200), name, move || render_html(&body));
        assert_eq!(blockquotes(&html), MAX_NESTING_DEPTH, "{name}");
    }

    let data = DataDir::new();
    let alice = data.account("alice@minneapolis.example", CITY_A, Role::Editor);
    let meta = EntryMeta::parse(&EntryFields {
        title: Some("Planted before the limit".into()),
        summary: Some("A body nesting far too deep.".into()),
        kind: Some("practice".into()),
        ..EntryFields::default()
    })
    .expect("valid front matter");
    let mut ids = Vec::new();
    for (n, (_, body)) in deep_bodies().into_iter().enumerate() {
        let id = EntryId::parse(&format!("{CITY_A}/planted-{n}")).expect("id");
        data.store()
            .save_revision(NewRevision {
                id: &id,
                action: RevisionAction::Create,
                meta: &meta,
                body_markdown: &body,
                author: Some(alice.id),
                message: "stored before the limit",
                base_revision: None,
            })
            .expect("stored");
        ids.push(id);
    }
    let server = Server::start(data.path(), &data.path().join("server.log"));
    for id in &ids {
        let generous = Duration::from_secs(1);
        let (status, page) = timed_http(
            &server,
            "GET",
            &format!("/entries/{id}"),
            None,
            None,
            generous,
        );
        assert_eq!(status, 200, "{id}");
        let page = Html::parse_document(&page);
        assert_eq!(
            count(&page, "div.body blockquote"),
            MAX_NESTING_DEPTH,
            "{id}"
        );
        let (status, json) = timed_http(
            &server,
            "GET",
            &api_path(&id.to_string()),
            None,
            None,
            generous,
        );
        assert_eq!(status, 200, "{id}");
        let json: Value = serde_json::from_str(&json).expect("JSON");
        let html = json["body_html"].as_str().expect("body_html");
        assert_eq!(blockquotes(html), MAX_NESTING_DEPTH, "{id}");
        let (status, _) = timed_http(
            &server,
            "GET",
            &format!("/entries/{id}/history/1"),
            None,
            None,
            generous,
        );
        assert_eq!(status, 200, "{id}");
    }
}

#[tokio::test]
async fn a_preview_of_a_body_nesting_too_deep_shows_the_problem_not_the_body() {
    let data = DataDir::new();
    let alice = data.account("alice@minneapolis.example", CITY_A, Role::Editor);
    let app = data.app();
    let (cookie, _) = data.session(&alice);
    let mut browser = Browser::with_session(&app, &cookie);
    let csrf = browser.csrf_of("/entries/new").await;
    let deep = "> ".repeat(2_000) + "deep";
    let mut form = Form::of(&[
        ("csrf_token", &csrf),
        ("slug", "deep-preview"),
        ("title", "A deep preview"),
        ("summary", "Quotes in quotes."),
        ("kind", "practice"),
        ("body_markdown", &deep),
        ("action", "preview"),
    ]);
    let page = browser
        .submit("/entries/new", &form)
        .await
        .expect(StatusCode::OK, "preview")
        .html();
    let problems = texts(&page, "p.field-error");
    assert!(
        problems.iter().any(|p| p.contains("levels deep")),
        "{problems:?}"
    );
    assert_eq!(count(&page, "section.preview"), 0, "not rendered");
    form.set("body_markdown", "> A quote\n> > in a quote");
    let page = browser
        .submit("/entries/new", &form)
        .await
        .expect(StatusCode::OK, "preview")
        .html();
    assert_eq!(count(&page, "section.preview blockquote"), 2);
}

#[test]
fn playbook_check_names_the_file_and_line_of_a_body_nesting_too_deep() {
    let root = tempfile::tempdir().expect("temp dir");
    let write = |relative: &str, text: &str| {
        let path = root.path().join("playbook").join(relative);
        std::fs::create_dir_all(path.parent().expect("a folder")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    };
    write(
        "city-a/_index.md",
        "+++\nname = \"City A\"\nstate = \"OR\"\nlevel = \"city\"\n+++\nA place.\n",
    );
    let front = "+++\ntitle = \"T\"\nsummary = \"S.\"\nkind = \"practice\"\n+++\n";
    for (n, (_, body)) in deep_bodies().iter().enumerate() {
        write(
            &format!("city-a/deep-{n}.md"),
            &format!("{front}Intro.\n\n{body}\n"),
        );
    }
    let output = within(Duration::from_secs(20), "playbook check", {
        let root = root.path().to_owned();
        move || {
            Command::new(binary())
                .current_dir(root)
                .env_remove("PLAYBOOK_DIR")
                .args(["check", "--playbook-dir", "playbook"])
                .output()
                .expect("the binary runs")
        }
    });
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    for n in 0..2 {
        let path = Path::new("playbook/city-a").join(format!("deep-{n}.md"));
        let expected = Problem::new(
            &path,
            8,
            format!("the body must not nest more than {MAX_NESTING_DEPTH} levels deep"),
        )
        .to_string();
        assert!(
            stderr.lines().any(|line| line.starts_with(&expected)),
            "{expected} in:\n{stderr}"
        );
    }
}

#[test]
fn a_revision_too_large_to_compare_says_so_at_once_and_an_ordinary_one_shows_its_lines() {
    let data = DataDir::new();
    let alice = data.account("alice@minneapolis.example", CITY_A, Role::Editor);
    let server = Server::start(data.path(), &data.path().join("server.log"));
    let token = Some(alice.token.as_str());
    let limit = Duration::from_secs(10);
    let save = |method: &str, path: &str, slug: &str, body: String, expected: u16| {
        let mut entry = entry(slug, "diffword");
        entry["body_markdown"] = json!(body);
        let (status, reply) = timed_http(&server, method, path, token, Some(&entry), limit);
        assert_eq!(status, expected, "{method} {path}: {reply}");
    };
    // 50,000 one-letter lines each, half of them changed: the slow case of a line diff.
    let large = format!("{CITY_A}/large-change");
    save(
        "POST",
        "/api/entries",
        "large-change",
        "a\nb\n".repeat(25_000),
        201,
    );
    save(
        "PUT",
        &api_path(&large),
        "large-change",
        "a\nc\n".repeat(25_000),
        200,
    );
    let (status, page) = timed_http(
        &server,
        "GET",
        &format!("/entries/{large}/history/2"),
        None,
        None,
        Duration::from_secs(1),
    );
    assert_eq!(status, 200);
    let page = Html::parse_document(&page);
    let said = texts(&page, "p.diff-too-large").join(" ");
    assert!(said.contains("too large to show line by line"), "{said}");
    // The sizes are of the entry's file: its 50,000 body lines and its front matter.
    assert!(said.contains("this one has 500"), "{said}");
    assert!(said.contains(" KiB)"), "{said}");
    assert_eq!(count(&page, "div.diff"), 0);

    let ordinary = format!("{CITY_A}/small-change");
    save(
        "POST",
        "/api/entries",
        "small-change",
        "One.\n\nTwo.".into(),
        201,
    );
    save(
        "PUT",
        &api_path(&ordinary),
        "small-change",
        "One.\n\nThree.".into(),
        200,
    );
    let (status, page) = timed_http(
        &server,
        "GET",
        &format!("/entries/{ordinary}/history/2"),
        None,
        None,
        Duration::from_secs(1),
    );
    assert_eq!(status, 200);
    let page = Html::parse_document(&page);
    assert_eq!(texts(&page, "p.diff-too-large"), Vec::<String>::new());
    let added = texts(&page, "div.diff span.added").join("\n");
    let removed = texts(&page, "div.diff span.removed").join("\n");
    assert!(added.contains("Three."), "{added}");
    assert!(removed.contains("Two."), "{removed}");
}
