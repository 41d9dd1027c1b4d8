//! The cheap findings of the security review (issue 18, "Low / Info"): content that would
//! break the file format or read as something it is not, feeds that stay valid XML,
//! rejections in the site's own format, retired entries kept out of reach, HSTS, and a
//! store file only its owner can read.

mod support;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use city_playbook::config::Config;
use serde_json::{Value, json};
use support::accounts::*;
use support::app::*;
use support::cli::*;
use support::playbook::real_playbook_dir;

/// Posts `entry` with `field` set to `value`; the 422's field errors.
async fn refused(app: &TestApp, token: &str, slug: &str, field: &str, value: Value) -> Value {
    let mut body = entry(slug, "refusedword");
    body[field] = value;
    let reply = app.post_entry(token, &body).await;
    let json = reply.expect_error(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", field);
    json["error"]["fields"].clone()
}

#[tokio::test]
async fn content_that_would_break_the_format_or_mislead_is_refused() {
    let (_data, app, team) = setup();
    let token = team.alice.token.as_str();
    let source = |publisher: &str, url: &str| json!([{"title": "A source", "publisher": publisher, "url": url, "quote": "Said."}]);
    let fields = refused(
        &app,
        token,
        "fence-publisher",
        "sources",
        source("+++", "https://a.example"),
    )
    .await;
    assert!(fields["sources[0].publisher"].is_string(), "{fields}");
    let fields = refused(
        &app,
        token,
        "fence-url",
        "sources",
        source("P", "https://a.example/\n+++"),
    )
    .await;
    assert!(fields["sources[0].url"].is_string(), "{fields}");
    for date in ["+10000-01-01", "-0001-01-01", "0000-01-01T00:00:00"] {
        let fields = refused(&app, token, "odd-date", "date", json!(date)).await;
        assert!(fields["date"].is_string(), "{date}: {fields}");
    }
    for title in ["Order\u{202E}txt.exe", "Zero\u{200B}width"] {
        let fields = refused(&app, token, "odd-title", "title", json!(title)).await;
        assert!(fields["title"].is_string(), "{title:?}: {fields}");
    }
    let mut long = entry("long-message", "longmessage");
    long["message"] = json!("m".repeat(501));
    let json = app.post_entry(token, &long).await.expect_error(
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
        "a long message",
    );
    assert!(json["error"]["fields"]["message"].is_string(), "{json}");
}

#[tokio::test]
async fn retired_entries_are_neither_editable_nor_linked() {
    let (_data, app, team) = setup();
    let token = team.alice.token.as_str();
    let gone = format!("{CITY_A}/to-retire");
    app.create(token, &entry("to-retire", "toretire")).await;
    let mut pointing = entry("points-at-it", "pointsatit");
    pointing["related"] = json!([gone]);
    app.create(token, &pointing).await;
    app.delete_entry(token, &gone)
        .await
        .expect(StatusCode::OK, "retired");
    app.put_entry(token, &gone, &entry("to-retire", "toretire"))
        .await
        .expect_error(
            StatusCode::CONFLICT,
            "conflict",
            "an edit of a retired entry",
        );
    let shown = app
        .get_entry(&format!("{CITY_A}/points-at-it"))
        .await
        .expect(StatusCode::OK, "the entry")
        .json();
    assert_eq!(shown["related"], json!([]), "{shown}");
}

#[tokio::test]
async fn feeds_stay_valid_xml_whatever_the_query() {
    let (_data, app, _team) = setup();
    let reply = app
        .get("/search.atom?q=guard%01%1B%EF%BF%BE")
        .await
        .expect(StatusCode::OK, "a feed");
    roxmltree::Document::parse(&reply.body)
        .unwrap_or_else(|e| panic!("not XML ({e}): {}", reply.body));
}

#[tokio::test]
async fn rejections_come_in_the_sites_own_format() {
    let (data, app, team) = setup();
    let (cookie, csrf) = data.session(&team.alice);
    // An id that is not a number, in a page's path: the error page.
    let request = Request::post("/account/tokens/abc/revoke")
        .header(header::COOKIE, format!("cpb_session={cookie}"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(format!("csrf_token={csrf}")))
        .expect("request");
    let reply = app.send(request).await;
    assert!(reply.status.is_client_error(), "{}", reply.status);
    assert!(
        reply.header("content-type").starts_with("text/html"),
        "{reply:?}"
    );
    // A path that is not UTF-8, under the API: the JSON envelope.
    let reply = app.get("/api/entries/%FF%FE/x").await;
    assert!(reply.status.is_client_error(), "{}", reply.status);
    assert!(
        reply.header("content-type").starts_with("application/json"),
        "{reply:?}"
    );
    // A form over the body limit: the error page.
    let big = "x".repeat(300 * 1024);
    let request = Request::post("/login")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::CONTENT_LENGTH, big.len())
        .body(Body::from(big))
        .expect("request");
    let reply = app.send(request).await;
    assert_eq!(reply.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(
        reply.header("content-type").starts_with("text/html"),
        "{reply:?}"
    );
}

#[tokio::test]
async fn an_https_site_sends_hsts_and_an_http_one_does_not() {
    let data = DataDir::new();
    let mut config = Config::new(real_playbook_dir(), data.path());
    config.public_url = Some("https://playbook.example".into());
    let secure = TestApp::with_config(config);
    let reply = secure.get("/").await.expect(StatusCode::OK, "home");
    assert!(
        reply
            .header("strict-transport-security")
            .contains("max-age="),
        "{reply:?}"
    );
    let plain = data.app();
    let reply = plain.get("/").await.expect(StatusCode::OK, "home");
    assert_eq!(reply.header("strict-transport-security"), "");
}

#[cfg(unix)]
#[test]
fn the_store_file_is_for_its_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let data = DataDir::new();
    let mode = std::fs::metadata(data.path().join(city_playbook::store::DATABASE_FILE))
        .expect("the store file")
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600, "{mode:o}");
}

#[test]
fn an_editors_import_adds_no_other_jurisdiction() {
    let data = DataDir::new();
    let editor = "importing@minneapolis.example";
    cli_add_user(data.path(), editor, CITY_A, "editor");
    let dir = tempfile::TempDir::new().expect("temp dir");
    let place = dir.path().join("faraway-tx");
    std::fs::create_dir_all(&place).expect("folder");
    std::fs::write(
        place.join("_index.md"),
        "+++\nname = \"Faraway\"\nstate = \"TX\"\nlevel = \"city\"\n+++\n",
    )
    .expect("index");
    std::fs::write(
        place.join("their-order.md"),
        "+++\ntitle = \"Their order\"\nsummary = \"S.\"\nkind = \"practice\"\n+++\nBody.\n",
    )
    .expect("entry");
    let out = cli(
        data.path(),
        &[
            "import",
            dir.path().to_str().expect("UTF-8"),
            "--as",
            editor,
        ],
    );
    assert!(out.contains("skipped 1"), "{out}");
    let conn = rusqlite::Connection::open(data.path().join(city_playbook::store::DATABASE_FILE))
        .expect("opens");
    let known: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM jurisdictions WHERE slug = 'faraway-tx'",
            [],
            |r| r.get(0),
        )
        .expect("counts");
    assert_eq!(known, 0, "the refused entries' jurisdiction was not added");
}

#[tokio::test]
async fn writes_are_limited_per_user_and_facets_list_the_most_frequent_values() {
    let data = DataDir::new();
    let alice = data.account(
        "alice@minneapolis.example",
        CITY_A,
        city_playbook::store::Role::Editor,
    );
    let mut config = Config::new(real_playbook_dir(), data.path());
    config.writes_per_minute = 7;
    let app = TestApp::with_config(config);
    // Six entries of twenty topics each: 120 topics in all.
    for n in 0..6 {
        let mut body = entry(&format!("topical-{n}"), "topicalword");
        body["topics"] = json!(
            (0..20)
                .map(|t| format!("topic-{n}-{t}"))
                .collect::<Vec<_>>()
        );
        app.create(&alice.token, &body).await;
    }
    let found = app
        .get("/api/search?q=topicalword")
        .await
        .expect(StatusCode::OK, "search")
        .json();
    let topics = found["facets"]["topic"].as_object().expect("topic counts");
    assert_eq!(topics.len(), 100, "the most frequent values only");
    let more = found["facets_more"]["topic"].as_u64().unwrap_or(0);
    assert!(more >= 20, "{}", found["facets_more"]);
    // The seventh write of the minute is the last one allowed.
    app.create(&alice.token, &entry("seventh", "seventhword"))
        .await;
    app.post_entry(&alice.token, &entry("eighth", "eighthword"))
        .await
        .expect_error(
            StatusCode::TOO_MANY_REQUESTS,
            "too_many_requests",
            "the eighth write",
        );
}

#[tokio::test]
async fn revision_authors_are_shown_by_email_only_to_their_own_city_and_admins() {
    let (data, app, team) = setup();
    let id = app
        .create(&team.alice.token, &entry("authored", "authoredword"))
        .await["id"]
        .as_str()
        .expect("an id")
        .to_owned();
    let email = team.alice.email.as_str();
    let history = format!("/entries/{id}/history");
    let revision = format!("/entries/{id}/history/1");
    let entry_page = format!("/entries/{id}");
    let pages = [history.as_str(), revision.as_str(), entry_page.as_str()];

    for page in pages {
        let anonymous = app.get(page).await.expect(StatusCode::OK, page);
        assert!(
            !anonymous.body.contains(email),
            "{page}: {}",
            anonymous.body
        );
        assert!(anonymous.body.contains("Minneapolis, MN staff"), "{page}");
    }
    let (listed_author, api) = {
        let revisions = app.revisions(&id).await;
        (revisions[0].2.clone(), revisions.len())
    };
    assert_eq!((listed_author.as_str(), api), ("Minneapolis, MN staff", 1));

    for (viewer, sees_email) in [(&team.alice, true), (&team.admin, true), (&team.bob, false)] {
        let (cookie, _) = data.session(viewer);
        let mut browser = Browser::with_session(&app, &cookie);
        for page in pages {
            let body = browser.get(page).await.expect(StatusCode::OK, page).body;
            assert_eq!(
                body.contains(email),
                sees_email,
                "{} on {page}",
                viewer.email
            );
        }
    }
}
