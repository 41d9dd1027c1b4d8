//! No silent overwrites (issue 19, data safety): a save from a stale editor form, or a `PUT`
//! or `DELETE` whose `If-Match` names an older revision, is refused and loses nothing; and
//! retiring an entry asks first.

mod support;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use scraper::Html;
use serde_json::{Value, json};
use support::accounts::*;
use support::app::*;
use support::html::*;

/// Every named field of the page's entry form (`form.form`), as a browser would send it.
fn entry_form_of(page: &Html, action: &str) -> Form {
    let mut form = Form::default();
    for input in page.select(&selector("form.form input[name]")) {
        let value = input.value();
        if value.attr("type") == Some("checkbox") && value.attr("checked").is_none() {
            continue;
        }
        let name = value.attr("name").unwrap_or_default();
        form.0.push((
            name.to_owned(),
            value.attr("value").unwrap_or_default().to_owned(),
        ));
    }
    for area in page.select(&selector("form.form textarea[name]")) {
        let name = area.value().attr("name").unwrap_or_default();
        form.0.push((name.to_owned(), area.text().collect()));
    }
    for select in page.select(&selector("form.form select[name]")) {
        let name = select.value().attr("name").unwrap_or_default();
        let chosen = select
            .select(&selector("option[selected]"))
            .next()
            .and_then(|o| o.value().attr("value"))
            .unwrap_or_default();
        form.0.push((name.to_owned(), chosen.to_owned()));
    }
    form.set("action", action);
    form
}

/// A JSON API request with extra headers.
async fn api_with(
    app: &TestApp,
    method: Method,
    uri: &str,
    token: &str,
    headers: &[(&str, &str)],
    body: Option<&Value>,
) -> Reply {
    let mut request = Request::builder()
        .method(method)
        .uri(uri)
        .header(header::AUTHORIZATION, format!("Bearer {token}"));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let body = match body {
        Some(json) => {
            request = request.header(header::CONTENT_TYPE, "application/json");
            Body::from(json.to_string())
        }
        None => Body::empty(),
    };
    app.send(request.body(body).expect("request")).await
}

#[tokio::test]
async fn a_stale_api_write_is_refused_with_412_and_loses_nothing() {
    let (_data, app, team) = setup();
    let token = team.alice.token.as_str();
    let id = app.create(token, &entry("etag-order", "etagword")).await["id"]
        .as_str()
        .expect("an id")
        .to_owned();
    let uri = api_path(&id);
    let read = app.get_entry(&id).await.expect(StatusCode::OK, "read");
    assert_eq!(read.header("etag"), "\"r1\"");
    assert_eq!(read.json()["revision"], 1);
    assert!(read.json()["updated"].is_string(), "{}", read.json());

    let mut first = entry("etag-order", "etagword");
    first["title"] = json!("Changed by the first program etagword");
    let saved = api_with(
        &app,
        Method::PUT,
        &uri,
        token,
        &[("if-match", "\"r1\"")],
        Some(&first),
    )
    .await
    .expect(StatusCode::OK, "the first writer");
    assert_eq!(saved.header("etag"), "\"r2\"");
    assert_eq!(saved.json()["revision"], 2);

    // The second program read revision 1 too: its change is refused.
    let mut second = entry("etag-order", "etagword");
    second["title"] = json!("Changed by the second program etagword");
    let json = api_with(
        &app,
        Method::PUT,
        &uri,
        token,
        &[("if-match", "\"r1\"")],
        Some(&second),
    )
    .await
    .expect_error(
        StatusCode::PRECONDITION_FAILED,
        "stale_revision",
        "a stale PUT",
    );
    assert!(
        json["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("\"r2\"")),
        "{json}"
    );
    let now = app.get_entry(&id).await.expect(StatusCode::OK, "read");
    assert_eq!(now.json()["title"], "Changed by the first program etagword");
    assert_eq!(app.revisions(&id).await.len(), 2, "no revision was added");

    // A list naming the current revision, or `*`, passes; weak or foreign tags do not.
    for stale in ["W/\"r2\"", "\"x\"", "\"r1\", \"r7\""] {
        api_with(
            &app,
            Method::PUT,
            &uri,
            token,
            &[("if-match", stale)],
            Some(&second),
        )
        .await
        .expect_error(StatusCode::PRECONDITION_FAILED, "stale_revision", stale);
    }
    api_with(
        &app,
        Method::PUT,
        &uri,
        token,
        &[("if-match", "\"r1\", \"r2\"")],
        Some(&second),
    )
    .await
    .expect(StatusCode::OK, "a list naming the latest");
    api_with(
        &app,
        Method::PUT,
        &uri,
        token,
        &[("if-match", "*")],
        Some(&first),
    )
    .await
    .expect(StatusCode::OK, "any revision");
    // Without If-Match, as before: saved whatever the latest is.
    app.put_entry(token, &id, &second)
        .await
        .expect(StatusCode::OK, "no If-Match");

    // DELETE too.
    api_with(
        &app,
        Method::DELETE,
        &uri,
        token,
        &[("if-match", "\"r2\"")],
        None,
    )
    .await
    .expect_error(
        StatusCode::PRECONDITION_FAILED,
        "stale_revision",
        "a stale DELETE",
    );
    let latest = app.get_entry(&id).await.expect(StatusCode::OK, "read");
    let etag = latest.header("etag").to_owned();
    assert_eq!(etag, "\"r5\"");
    let retired = api_with(
        &app,
        Method::DELETE,
        &uri,
        token,
        &[("if-match", &etag)],
        None,
    )
    .await
    .expect(StatusCode::OK, "a current DELETE");
    assert_eq!(retired.json()["retired"], true);

    // Curated entries have no revisions: no ETag, `revision` null.
    let curated = app
        .get_entry(CURATED_ID)
        .await
        .expect(StatusCode::OK, "curated");
    assert_eq!(curated.header("etag"), "");
    assert_eq!(curated.json()["revision"], Value::Null);
}

#[tokio::test]
async fn a_save_from_a_stale_form_is_refused_and_keeps_the_text() {
    let (data, app, team) = setup();
    let id = app
        .create(&team.alice.token, &entry("two-editors", "twoeditorsword"))
        .await["id"]
        .as_str()
        .expect("an id")
        .to_owned();
    let edit = format!("/entries/{id}/edit");
    let (alice_cookie, _) = data.session(&team.alice);
    let (admin_cookie, _) = data.session(&team.admin);
    let mut alice = Browser::with_session(&app, &alice_cookie);
    let mut admin = Browser::with_session(&app, &admin_cookie);
    // Both open the form at revision 1.
    let alice_page = alice
        .get(&edit)
        .await
        .expect(StatusCode::OK, "alice's form")
        .html();
    let admin_page = admin
        .get(&edit)
        .await
        .expect(StatusCode::OK, "admin's form")
        .html();
    assert_eq!(attr(&alice_page, "input[name=base_revision]", "value"), "1");

    let mut alice_form = entry_form_of(&alice_page, "save");
    alice_form.set("title", "Alice's title twoeditorsword");
    alice
        .submit(&edit, &alice_form)
        .await
        .expect_redirect(&format!("/entries/{id}"), "alice saves");

    // The admin's form is stale: refused, the admin's text kept, Alice's change linked.
    let mut admin_form = entry_form_of(&admin_page, "save");
    admin_form.set("title", "The admin's title twoeditorsword");
    let refused = admin
        .submit(&edit, &admin_form)
        .await
        .expect(StatusCode::CONFLICT, "a stale save");
    let page = refused.html();
    assert_eq!(
        attr(&page, "input[name=title]", "value"),
        "The admin's title twoeditorsword"
    );
    assert!(
        texts(&page, "[role=alert]").join(" ").contains("Not saved"),
        "{}",
        refused.body
    );
    let since = texts(&page, ".changed-since li").join(" ");
    assert!(since.contains("Revision 2"), "{since}");
    assert_eq!(
        attr(&page, ".changed-since a", "href"),
        format!("/entries/{id}/history/2")
    );
    let now = app
        .get_entry(&id)
        .await
        .expect(StatusCode::OK, "read")
        .json();
    assert_eq!(
        now["title"], "Alice's title twoeditorsword",
        "Alice's change stands"
    );

    // Having seen it, the admin saves again from the refused form: now it is theirs.
    assert_eq!(attr(&page, "input[name=base_revision]", "value"), "2");
    let again = entry_form_of(&page, "save");
    admin
        .submit(&edit, &again)
        .await
        .expect_redirect(&format!("/entries/{id}"), "saved on purpose");
    let now = app
        .get_entry(&id)
        .await
        .expect(StatusCode::OK, "read")
        .json();
    assert_eq!(now["title"], "The admin's title twoeditorsword");
    assert_eq!(now["revision"], 3);
}

#[tokio::test]
async fn retiring_asks_first() {
    let (data, app, team) = setup();
    let id = app
        .create(&team.alice.token, &entry("retire-me", "retiremeword"))
        .await["id"]
        .as_str()
        .expect("an id")
        .to_owned();
    let (cookie, csrf) = data.session(&team.alice);
    let mut alice = Browser::with_session(&app, &cookie);
    let retire = format!("/entries/{id}/retire");
    let asked = alice
        .post(&retire, &[("csrf_token", &csrf), ("message", "superseded")])
        .await
        .expect(StatusCode::OK, "the question");
    let page = asked.html();
    assert!(
        texts(&page, "h1").join(" ").starts_with("Retire “"),
        "{}",
        asked.body
    );
    assert!(asked.body.contains("only an admin can restore it"));
    assert_eq!(attr(&page, "input[name=message]", "value"), "superseded");
    let still = app
        .get_entry(&id)
        .await
        .expect(StatusCode::OK, "not yet retired");
    assert_eq!(still.json()["retired"], false);

    let mut confirm = Form::default();
    for input in page.select(&selector("form input[type=hidden]")) {
        let value = input.value();
        confirm.set(
            value.attr("name").unwrap_or_default(),
            value.attr("value").unwrap_or_default(),
        );
    }
    confirm.set("message", "superseded");
    assert_eq!(
        confirm
            .0
            .iter()
            .find(|(k, _)| k == "confirm")
            .map(|f| f.1.as_str()),
        Some("yes")
    );
    alice
        .submit(&retire, &confirm)
        .await
        .expect_redirect(&format!("/entries/{id}"), "confirmed");
    assert!(app.search_ids("retiremeword").await.is_empty(), "retired");
}

#[test]
fn of_writers_racing_from_the_same_revision_exactly_one_wins() {
    use city_playbook::playbook::entry::EntryInput;
    use city_playbook::playbook::{EntryId, Slug};
    use city_playbook::store::{EntryStore, NewRevision, RevisionAction, Role, StoreError};

    let data = DataDir::new();
    let alice = data.account("alice@minneapolis.example", CITY_A, Role::Editor);
    let store = data.store();
    let valid = EntryInput::from_json(&entry("raced", "racedword"))
        .expect("entry input")
        .parse()
        .expect("a valid entry");
    let id = EntryId::new(Slug::parse(CITY_A).expect("slug"), valid.slug.clone());
    let save = |action, base_revision, message: &str| {
        store.save_revision(NewRevision {
            id: &id,
            action,
            meta: &valid.meta,
            body_markdown: &valid.body_markdown,
            author: Some(alice.id),
            message,
            base_revision,
        })
    };
    save(RevisionAction::Create, None, "first").expect("created");
    let outcomes: Vec<_> = std::thread::scope(|scope| {
        let racers: Vec<_> = (0..8)
            .map(|n| {
                let save = &save;
                scope.spawn(move || save(RevisionAction::Edit, Some(1), &format!("racer {n}")))
            })
            .collect();
        racers
            .into_iter()
            .map(|r| r.join().expect("joins"))
            .collect()
    });
    let won = outcomes.iter().filter(|o| o.is_ok()).count();
    let stale = outcomes
        .iter()
        .filter(|o| {
            matches!(
                o,
                Err(StoreError::Stale {
                    base: 1,
                    current: 2
                })
            )
        })
        .count();
    assert_eq!((won, stale), (1, 7), "{outcomes:?}");
    assert_eq!(store.revisions(&id).expect("revisions").len(), 2);
}
