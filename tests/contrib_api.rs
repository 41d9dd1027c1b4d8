//! The write API (Bearer tokens): who may create, change, retire and restore which entries;
//! curated entries stay read-only; taken ids, oversized bodies and invalid content are
//! refused with the right status; a saved entry is searchable when the answer arrives; every
//! change is a revision, and retiring hides an entry but keeps its history.

mod support;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use city_playbook::playbook::EntryId;
use city_playbook::store::{EntryStore, RevisionAction};
use serde_json::{Value, json};
use support::accounts::*;
use support::app::*;
use support::cli::*;
use support::html::*;

fn id_in(city: &str, slug: &str) -> String {
    format!("{city}/{slug}")
}

#[tokio::test]
async fn writes_without_a_valid_token_are_401() {
    let (_data, app, team) = setup();
    let id = id_in(CITY_A, "anon-target");
    app.create(&team.alice.token, &entry("anon-target", "anontarget"))
        .await;
    let intruder = entry("anon-new", "anonintruder");
    for token in [None, Some("cpb_not-a-real-token"), Some(" ")] {
        let what = format!("token {token:?}");
        let replies = [
            app.api(Method::POST, "/api/entries", token, Some(&intruder))
                .await,
            app.api(Method::PUT, &api_path(&id), token, Some(&intruder))
                .await,
            app.api(Method::DELETE, &api_path(&id), token, None).await,
        ];
        for reply in replies {
            assert!(
                reply.header("www-authenticate").starts_with("Bearer"),
                "{what}"
            );
            reply.expect_error(StatusCode::UNAUTHORIZED, "unauthorized", &what);
        }
    }
    app.get_entry(&id_in(CITY_A, "anon-new"))
        .await
        .expect(StatusCode::NOT_FOUND, "nothing was created");
    let target = app.get_entry(&id).await.expect(StatusCode::OK, "kept");
    assert_eq!(target.json()["title"], "Parking lot order anontarget");
    assert_eq!(app.revisions(&id).await.len(), 1);
}

#[tokio::test]
async fn an_editor_creates_changes_and_retires_entries_of_their_city() {
    let (data, app, team) = setup();
    let id = id_in(CITY_A, "lot-order");

    let reply = app
        .post_entry(&team.alice.token, &entry("lot-order", "zephyrlot"))
        .await
        .expect(StatusCode::CREATED, "create");
    assert_eq!(reply.header("location"), api_path(&id));
    let created = reply.json();
    assert_eq!(created["id"], id.as_str());
    assert_eq!(created["origin"], "contributed");
    assert_eq!(created["retired"], false);
    assert_eq!(created["jurisdiction"]["slug"], CITY_A);
    // Read-your-writes: searchable, listed and rendered as soon as the 201 is back.
    assert_eq!(app.search_ids("zephyrlot").await, [id.as_str()]);
    assert!(app.listing_ids(CITY_A).await.contains(&id));
    let page = app.get(&format!("/entries/{id}")).await;
    let page = page.expect(StatusCode::OK, "entry page").html();
    assert_eq!(texts(&page, "h1"), ["Parking lot order zephyrlot"]);

    let mut changed = entry("lot-order", "quillword");
    changed["message"] = json!("Correct the title");
    let updated = app
        .put_entry(&team.alice.token, &id, &changed)
        .await
        .expect(StatusCode::OK, "update")
        .json();
    assert_eq!(updated["title"], "Parking lot order quillword");
    assert_eq!(app.search_ids("quillword").await, [id.as_str()]);
    assert!(
        app.search_ids("zephyrlot").await.is_empty(),
        "old text gone"
    );
    // Readers of the public list see the author's city, not their email (issue 18).
    let alice = "Minneapolis, MN staff";
    assert_eq!(
        app.revisions(&id).await,
        [
            (1, "create".into(), alice.into(), "first version".into()),
            (2, "edit".into(), alice.into(), "Correct the title".into()),
        ]
    );

    let retired = app
        .delete_entry(&team.alice.token, &id)
        .await
        .expect(StatusCode::OK, "retire")
        .json();
    assert_eq!(retired["retired"], true);
    app.get_entry(&id)
        .await
        .expect_error(StatusCode::NOT_FOUND, "not_found", "retired entry");
    assert!(app.search_ids("quillword").await.is_empty());
    assert!(!app.listing_ids(CITY_A).await.contains(&id));
    let listing = app.get(&format!("/jurisdictions/{CITY_A}")).await;
    assert!(!listing.body.contains(&format!("/entries/{id}\"")));
    app.get(&format!("/entries/{id}/history")).await.expect(
        StatusCode::NOT_FOUND,
        "anonymous readers see no retired history",
    );

    // The history is kept: in the store, and on the page for those who may edit it.
    let actions: Vec<RevisionAction> = data
        .store()
        .revisions(&EntryId::parse(&id).expect("id"))
        .expect("revisions")
        .iter()
        .map(|r| r.action)
        .collect();
    assert_eq!(
        actions,
        [
            RevisionAction::Create,
            RevisionAction::Edit,
            RevisionAction::Retire
        ]
    );
    let (cookie, _) = data.session(&team.alice);
    let mut browser = Browser::with_session(&app, &cookie);
    let history = browser.get(&format!("/entries/{id}/history")).await;
    let history = history.expect(StatusCode::OK, "author's history").html();
    assert_eq!(count(&history, "tbody tr"), 3);
}

#[tokio::test]
async fn an_editor_cannot_write_another_citys_entries() {
    let (_data, app, team) = setup();
    let theirs = id_in(CITY_B, "river-curfew");
    app.create(&team.bob.token, &entry("river-curfew", "brookcurfew"))
        .await;
    let alice = team.alice.token.as_str();

    app.put_entry(alice, &theirs, &entry("river-curfew", "hijacked"))
        .await
        .expect_error(StatusCode::FORBIDDEN, "forbidden", "PUT another city's");
    app.delete_entry(alice, &theirs).await.expect_error(
        StatusCode::FORBIDDEN,
        "forbidden",
        "DELETE another city's",
    );
    for named in [json!(CITY_B), json!({ "slug": CITY_B })] {
        let mut body = entry("intrusion", "hijacked");
        body["jurisdiction"] = named.clone();
        app.post_entry(alice, &body).await.expect_error(
            StatusCode::FORBIDDEN,
            "forbidden",
            &format!("POST naming {named}"),
        );
    }
    app.get_entry(&id_in(CITY_B, "intrusion"))
        .await
        .expect(StatusCode::NOT_FOUND, "nothing created in B");
    assert!(app.search_ids("hijacked").await.is_empty());
    assert_eq!(app.revisions(&theirs).await.len(), 1, "B's entry untouched");

    // Naming one's own jurisdiction is fine.
    let mut own = entry("own-city", "owncity");
    own["jurisdiction"] = json!(CITY_A);
    let created = app.create(alice, &own).await;
    assert_eq!(created["id"], id_in(CITY_A, "own-city").as_str());
}

#[tokio::test]
async fn an_admin_writes_for_any_city_and_restores_retired_entries() {
    let (data, app, team) = setup();
    let mut body = entry("admin-added", "adminadded");
    body["jurisdiction"] = json!(CITY_B);
    let created = app.create(&team.admin.token, &body).await;
    assert_eq!(created["id"], id_in(CITY_B, "admin-added").as_str());
    assert_eq!(created["jurisdiction"]["name"], "Riverton");

    let id = id_in(CITY_B, "bridge-plan");
    app.create(&team.bob.token, &entry("bridge-plan", "bridgeplan"))
        .await;
    let mut edit = entry("bridge-plan", "bridgeplan");
    edit["summary"] = json!("The admin tightened the summary.");
    edit["message"] = json!("admin edit");
    app.put_entry(&team.admin.token, &id, &edit)
        .await
        .expect(StatusCode::OK, "admin edits B");
    app.delete_entry(&team.bob.token, &id)
        .await
        .expect(StatusCode::OK, "bob retires");
    assert!(app.search_ids("bridgeplan").await.is_empty());

    let restore = format!("/entries/{id}/restore");
    let (cookie, csrf) = data.session(&team.bob);
    Browser::with_session(&app, &cookie)
        .post(
            &restore,
            &[("csrf_token", &csrf), ("message", "bring it back")],
        )
        .await
        .expect(StatusCode::FORBIDDEN, "an editor cannot restore");
    let (cookie, csrf) = data.session(&team.admin);
    Browser::with_session(&app, &cookie)
        .post(&restore, &[("csrf_token", &csrf), ("message", "restored")])
        .await
        .expect_redirect(&format!("/entries/{id}"), "the admin restores");

    let back = app.get_entry(&id).await.expect(StatusCode::OK, "restored");
    assert_eq!(back.json()["retired"], false);
    assert_eq!(back.json()["summary"], "The admin tightened the summary.");
    assert_eq!(app.search_ids("bridgeplan").await, [id.as_str()]);
    let history: Vec<(String, String)> = app
        .revisions(&id)
        .await
        .into_iter()
        .map(|(_, action, author, _)| (action, author))
        .collect();
    // The public list names each author's city, never their email (issue 18).
    let (bob, admin) = (
        "Riverton, OR staff".to_owned(),
        "Minnesota staff".to_owned(),
    );
    assert_eq!(
        history,
        [
            ("create".to_owned(), bob.clone()),
            ("edit".to_owned(), admin.clone()),
            ("retire".to_owned(), bob),
            ("restore".to_owned(), admin),
        ]
    );
}

#[tokio::test]
async fn curated_entries_are_read_only() {
    let (_data, app, team) = setup();
    let before = app
        .get_entry(CURATED_ID)
        .await
        .expect(StatusCode::OK, "curated");
    let curated_slug = CURATED_ID.rsplit('/').next().expect("slug");
    for account in [&team.alice, &team.admin] {
        let what = &account.email;
        let body = entry(curated_slug, "curatedhijack");
        app.put_entry(&account.token, CURATED_ID, &body)
            .await
            .expect_error(StatusCode::FORBIDDEN, "forbidden", what);
        app.delete_entry(&account.token, CURATED_ID)
            .await
            .expect_error(StatusCode::FORBIDDEN, "forbidden", what);
        let mut body = body.clone();
        body["jurisdiction"] = json!(CITY_A);
        app.post_entry(&account.token, &body).await.expect_error(
            StatusCode::CONFLICT,
            "conflict",
            what,
        );
    }
    let after = app
        .get_entry(CURATED_ID)
        .await
        .expect(StatusCode::OK, "curated");
    assert_eq!(
        after.json(),
        before.json(),
        "the curated entry is unchanged"
    );
    assert!(app.search_ids("curatedhijack").await.is_empty());
    assert!(
        app.search_ids("separation ordinance")
            .await
            .contains(&CURATED_ID.to_owned())
    );
}

#[tokio::test]
async fn a_taken_id_is_a_conflict_even_when_retired() {
    let (_data, app, team) = setup();
    let id = id_in(CITY_A, "taken");
    app.create(&team.alice.token, &entry("taken", "firstcomer"))
        .await;
    app.post_entry(&team.alice.token, &entry("taken", "secondcomer"))
        .await
        .expect_error(StatusCode::CONFLICT, "conflict", "same id twice");
    let kept = app
        .get_entry(&id)
        .await
        .expect(StatusCode::OK, "kept")
        .json();
    assert_eq!(kept["title"], "Parking lot order firstcomer");
    assert!(app.search_ids("secondcomer").await.is_empty());

    // Ids are per jurisdiction: another city may use the same slug.
    let theirs = app
        .create(&team.bob.token, &entry("taken", "thirdcomer"))
        .await;
    assert_eq!(theirs["id"], id_in(CITY_B, "taken").as_str());

    // A retired entry keeps its id (its history lives there).
    app.delete_entry(&team.alice.token, &id)
        .await
        .expect(StatusCode::OK, "retire");
    app.post_entry(&team.alice.token, &entry("taken", "fourthcomer"))
        .await
        .expect_error(StatusCode::CONFLICT, "conflict", "id of a retired entry");
}

/// A `POST /api/entries` whose JSON body is `size` bytes long, with or without Content-Length.
fn oversized_post(token: &str, size: usize, content_length: bool) -> Request<Body> {
    let mut body = entry("too-big", "toobig");
    body["body_markdown"] = json!("");
    let skeleton = body.to_string().len();
    body["body_markdown"] = json!("x".repeat(size - skeleton));
    let text = body.to_string();
    assert_eq!(text.len(), size);
    let mut request = Request::post("/api/entries")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "application/json");
    if content_length {
        request = request.header(header::CONTENT_LENGTH, text.len());
    }
    request.body(Body::from(text)).expect("request")
}

#[tokio::test]
async fn a_body_over_the_size_limit_is_413() {
    let (_data, app, team) = setup();
    let limit = 256 * 1024;
    // Declared too long: refused before the handler runs (by the body-limit layer, whose
    // answer is plain text rather than the JSON envelope).
    let reply = app
        .send(oversized_post(&team.alice.token, limit + 1, true))
        .await;
    reply.expect(
        StatusCode::PAYLOAD_TOO_LARGE,
        "Content-Length over the limit",
    );
    // Found too long while reading: the JSON envelope.
    let reply = app
        .send(oversized_post(&team.alice.token, limit + 1, false))
        .await;
    reply.expect_error(
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload_too_large",
        "no Content-Length",
    );
    // Under the request limit but over the body's own limit: a field error instead.
    let reply = app
        .send(oversized_post(&team.alice.token, limit - 1024, true))
        .await;
    let json = reply.expect_error(
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
        "long body",
    );
    assert!(
        json["error"]["fields"]["body_markdown"].is_string(),
        "{json}"
    );
    app.get_entry(&id_in(CITY_A, "too-big"))
        .await
        .expect(StatusCode::NOT_FOUND, "nothing saved");
}

/// Posts `entry` with `field` set to `value`; the 422's `fields`.
async fn rejected(app: &TestApp, token: &str, slug: &str, field: &str, value: Value) -> Value {
    let mut body = entry(slug, "rejectedword");
    body[field] = value.clone();
    let reply = app.post_entry(token, &body).await;
    let json = reply.expect_error(
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
        &format!("{field} = {value}"),
    );
    json["error"]["fields"].clone()
}

#[tokio::test]
async fn invalid_content_is_422_with_a_message_per_field() {
    let (_data, app, team) = setup();
    let token = team.alice.token.as_str();
    let source = |url: &str| json!([{ "title": "A source", "url": url }]);
    let cases = [
        ("slug", json!("Bad Slug!"), "slug"),
        ("slug", json!(""), "slug"),
        ("title", json!(""), "title"),
        ("title", json!("   "), "title"),
        ("summary", json!(""), "summary"),
        ("kind", json!("decree"), "kind"),
        ("date", json!("2026-02-30"), "date"),
        ("date", json!("27/01/2026"), "date"),
        ("status", json!("maybe"), "status"),
        ("topics", json!(["Not A Slug"]), "topics"),
        ("sources", source("ftp://example.org/x"), "sources[0].url"),
        ("sources", source("javascript:alert(1)"), "sources[0].url"),
        (
            "sources",
            json!([{ "title": "", "url": "https://example.org" }]),
            "sources[0].title",
        ),
        (
            "related",
            json!(["minneapolis-mn/no-such-entry"]),
            "related",
        ),
        ("related", json!(["not an id"]), "related"),
    ];
    for (i, (field, value, reported)) in cases.into_iter().enumerate() {
        let slug = format!("invalid-{i}");
        let fields = rejected(&app, token, &slug, field, value.clone()).await;
        let message = fields[reported].as_str().unwrap_or("");
        assert!(!message.is_empty(), "{field} = {value}: {fields}");
        app.get_entry(&id_in(CITY_A, &slug))
            .await
            .expect(StatusCode::NOT_FOUND, "nothing saved");
    }
    assert!(app.search_ids("rejectedword").await.is_empty());

    // Every problem at once, each under its own field.
    let mut body = entry("Bad Slug", "x");
    body["title"] = json!("");
    body["kind"] = json!("decree");
    body["date"] = json!("someday");
    body["sources"] = source("mailto:mayor@example.org");
    let json = app.post_entry(token, &body).await.expect_error(
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
        "many problems",
    );
    let fields = json["error"]["fields"].as_object().expect("fields").clone();
    let names: Vec<&str> = fields.keys().map(String::as_str).collect();
    assert_eq!(names, ["date", "kind", "slug", "sources[0].url", "title"]);

    // Not JSON, or not an object: 400, not 422.
    for raw in ["{not json", "[1, 2]"] {
        let request = Request::post("/api/entries")
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .body(Body::from(raw))
            .expect("request");
        app.send(request)
            .await
            .expect_error(StatusCode::BAD_REQUEST, "bad_request", raw);
    }
}

#[tokio::test]
async fn an_invalid_update_changes_nothing() {
    let (_data, app, team) = setup();
    let token = team.alice.token.as_str();
    let id = id_in(CITY_A, "steady");
    app.create(token, &entry("steady", "steadyword")).await;
    let retired = id_in(CITY_A, "gone");
    app.create(token, &entry("gone", "goneword")).await;
    app.delete_entry(token, &retired)
        .await
        .expect(StatusCode::OK, "retire");

    let cases = [
        ("title", json!("")),
        ("kind", json!("decree")),
        // Related entries must be live, and not the entry itself.
        ("related", json!([retired])),
        ("related", json!([id])),
    ];
    for (field, value) in cases {
        let mut body = entry("steady", "steadyword");
        body[field] = value.clone();
        let json = app.put_entry(token, &id, &body).await.expect_error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            &format!("PUT {field} = {value}"),
        );
        assert!(json["error"]["fields"][field].is_string(), "{json}");
    }
    assert_eq!(app.revisions(&id).await.len(), 1, "no new revision");
}

#[tokio::test]
async fn a_revoked_token_is_refused() {
    let (data, app, team) = setup();
    let alice = &team.alice;
    let id = id_in(CITY_A, "before-revoke");
    app.create(&alice.token, &entry("before-revoke", "beforerevoke"))
        .await;

    let out = cli(data.path(), &["token", "revoke", &alice.token_prefix]);
    assert!(out.contains("revoked"), "{out}");
    let body = entry("after-revoke", "afterrevoke");
    app.post_entry(&alice.token, &body).await.expect_error(
        StatusCode::UNAUTHORIZED,
        "unauthorized",
        "POST",
    );
    app.put_entry(&alice.token, &id, &body).await.expect_error(
        StatusCode::UNAUTHORIZED,
        "unauthorized",
        "PUT",
    );
    app.delete_entry(&alice.token, &id).await.expect_error(
        StatusCode::UNAUTHORIZED,
        "unauthorized",
        "DELETE",
    );
    app.get_entry(&id)
        .await
        .expect(StatusCode::OK, "still live");

    // Her other tokens still work.
    let fresh = cli_create_token(data.path(), &alice.email);
    app.create(&fresh, &body).await;
}

#[tokio::test]
async fn carriage_returns_in_text_fields_are_saved_as_plain_line_breaks() {
    let (_data, app, team) = setup();
    let mut body = entry("two-lines", "twolines");
    body["title"] = json!("Two\rlines");
    body["summary"] = json!("Line one.\r\nLine two.");
    body["sources"][0]["title"] = json!("Memo,\r\npage 2");
    body["sources"][0]["quote"] = json!("First line.\r\nSecond line.");
    let created = app.create(&team.alice.token, &body).await;
    let id = id_in(CITY_A, "two-lines");
    let stored = app
        .get_entry(&id)
        .await
        .expect(StatusCode::OK, "readable")
        .json();
    assert_eq!(stored, created);
    assert_eq!(stored["title"], "Two\nlines");
    assert_eq!(stored["summary"], "Line one.\nLine two.");
    assert_eq!(stored["sources"][0]["title"], "Memo,\npage 2");
    assert_eq!(stored["sources"][0]["quote"], "First line.\nSecond line.");
}

#[tokio::test]
async fn a_council_resolution_is_a_kind_of_its_own() {
    let (_data, app, team) = setup();
    let mut body = entry("council-resolution", "resolvedword");
    body["kind"] = json!("resolution");
    let saved = app.create(&team.alice.token, &body).await;
    assert_eq!(saved["kind"], "resolution");
    let found = app
        .get("/api/search?kind=resolution")
        .await
        .expect(StatusCode::OK, "search")
        .json();
    assert_eq!(ids_of(&found["hits"]), [saved["id"].as_str().unwrap_or("")]);
    assert_eq!(found["warnings"], json!([]));
    let page = app
        .get("/kinds/resolution")
        .await
        .expect(StatusCode::OK, "the kind's listing")
        .html();
    assert!(texts(&page, "h1").join(" ").contains("Resolution"));
}

#[tokio::test]
async fn an_entry_another_city_may_not_read_is_unknown_to_its_writers_as_a_related_id() {
    let (_data, app, team) = setup();
    let mut draft = entry("secret-draft", "secretdraftword");
    draft["draft"] = json!(true);
    app.create(&team.alice.token, &draft).await;
    let hidden = id_in(CITY_A, "secret-draft");
    let missing = id_in(CITY_A, "no-such-entry");
    // Bob's city may not read Alice's draft: naming it is refused exactly as naming nothing.
    let mut answers = Vec::new();
    for related in [&hidden, &missing] {
        let mut body = entry("probe", "probeword");
        body["related"] = json!([related]);
        let error = app.post_entry(&team.bob.token, &body).await.expect_error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            related,
        );
        let message = error["error"]["fields"]["related"]
            .as_str()
            .expect("a message at related")
            .replace(related.as_str(), "<id>");
        answers.push(message);
    }
    assert_eq!(answers[0], answers[1], "{answers:?}");
    // Alice's city may: her own entries may point to it.
    let mut body = entry("pointer", "pointerword");
    body["related"] = json!([hidden]);
    app.create(&team.alice.token, &body).await;
}

#[tokio::test]
async fn writes_to_an_entry_the_writer_may_not_read_are_404_not_403() {
    let (data, app, team) = setup();
    let mut draft = entry("hidden-target", "hiddentargetword");
    draft["draft"] = json!(true);
    app.create(&team.alice.token, &draft).await;
    let hidden = id_in(CITY_A, "hidden-target");
    let body = entry("hidden-target", "hiddentargetword");
    for reply in [
        app.put_entry(&team.bob.token, &hidden, &body).await,
        app.delete_entry(&team.bob.token, &hidden).await,
    ] {
        reply.expect_error(StatusCode::NOT_FOUND, "not_found", "bob's write");
    }
    // The edit form too, in the browser.
    let (cookie, _) = data.session(&team.bob);
    let mut bob = Browser::with_session(&app, &cookie);
    bob.get(&format!("/entries/{hidden}/edit"))
        .await
        .expect(StatusCode::NOT_FOUND, "bob's edit form");
    // A public entry of another city is there, and not Bob's to change: 403.
    app.create(&team.alice.token, &entry("open-target", "opentargetword"))
        .await;
    app.put_entry(&team.bob.token, &id_in(CITY_A, "open-target"), &body)
        .await
        .expect(StatusCode::FORBIDDEN, "bob's write to a public entry");
}
