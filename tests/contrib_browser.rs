//! Contributing in the browser: signing in (one-time password, forced change, rate limit,
//! one message for every failure), CSRF on every form, adding an entry with a preview,
//! editing it, its history and diffs, field errors that keep the input, API tokens shown once,
//! and secrets stored only as hashes.

mod support;

use axum::http::StatusCode;
use city_playbook::store::DATABASE_FILE;
use city_playbook::store::Role;
use scraper::Html;
use serde_json::json;
use support::accounts::*;
use support::app::*;
use support::cli::*;
use support::html::*;

const ALICE: &str = "alice@minneapolis.example";
const NEW_PASSWORD: &str = "a much longer chosen password";

/// The editor form for a new entry, filled in; `word` makes it findable alone. Textareas use
/// `\r\n`, as browsers send them.
fn entry_form(csrf: &str, action: &str, word: &str) -> Form {
    let title = format!("Night patrol agreement {word}");
    let body = format!("## Plan\r\n\r\n**Bold** step {word}\r\n\r\n- [ ] call the chief");
    Form::of(&[
        ("csrf_token", csrf),
        ("slug", "night-patrol"),
        ("title", &title),
        (
            "summary",
            "Police and parks share the night patrol.\r\nThey meet at dusk.",
        ),
        ("kind", "coordination"),
        ("topics", "policing, federal-relations"),
        ("date", "2026-01-15"),
        ("status", "in-effect"),
        ("related", CURATED_ID),
        ("source_title_0", "Patrol memo"),
        ("source_publisher_0", "City of Minneapolis"),
        ("source_date_0", "2026-01-14"),
        ("source_url_0", "https://example.org/patrol-memo"),
        ("source_quote_0", "Parks and police\r\npatrol together."),
        ("body_markdown", &body),
        ("message", "first version"),
        ("action", action),
    ])
}

/// Whether the page shows an Edit link to `href`.
fn has_edit_link(page: &Html, href: &str) -> bool {
    count(page, &format!("a[href=\"{href}\"]")) > 0
}

#[tokio::test]
async fn the_one_time_password_signs_in_once_and_must_be_changed() {
    let data = DataDir::new();
    let one_time = cli_add_user(data.path(), ALICE, CITY_A, "editor");
    let app = data.app();

    let mut first = Browser::new(&app);
    first
        .sign_in(ALICE, &one_time, "/entries/new")
        .await
        .expect_redirect("/account", "forced to the account page");
    assert!(first.cookie("cpb_session").is_some());
    assert!(
        first.cookie("cpb_login_csrf").is_none(),
        "login cookie cleared"
    );
    let account = first
        .get("/account")
        .await
        .expect(StatusCode::OK, "account");
    let notice = texts(&account.html(), "p.notice[role=note]").join(" ");
    assert!(notice.contains("one-time password"), "{notice:?}");

    let mut second = Browser::new(&app);
    second
        .sign_in(ALICE, &one_time, "/")
        .await
        .expect_redirect("/account", "second session");

    // Bad changes are refused with the reason, and change nothing.
    let csrf = first.csrf_of("/account").await;
    for (current, new, confirm) in [
        ("not the password", NEW_PASSWORD, NEW_PASSWORD),
        (one_time.as_str(), NEW_PASSWORD, "something else entirely"),
        (one_time.as_str(), "short", "short"),
    ] {
        let fields = [
            ("csrf_token", csrf.as_str()),
            ("current_password", current),
            ("new_password", new),
            ("confirm_password", confirm),
        ];
        let reply = first.post("/account/password", &fields).await;
        let page = reply.expect(StatusCode::UNPROCESSABLE_ENTITY, new).html();
        assert_eq!(count(&page, "p.field-error"), 1, "{new}");
    }

    let old_cookie = first.cookie("cpb_session").map(str::to_owned);
    let fields = [
        ("csrf_token", csrf.as_str()),
        ("current_password", one_time.as_str()),
        ("new_password", NEW_PASSWORD),
        ("confirm_password", NEW_PASSWORD),
    ];
    first
        .post("/account/password", &fields)
        .await
        .expect_redirect("/account?password=changed", "password changed");
    assert_ne!(first.cookie("cpb_session").map(str::to_owned), old_cookie);
    let account = first
        .get("/account")
        .await
        .expect(StatusCode::OK, "new session");
    assert_eq!(count(&account.html(), "p.notice[role=note]"), 0);

    // Every other session ended with the old password.
    second
        .get("/account")
        .await
        .expect_redirect("/login?next=%2Faccount", "old session ended");
    let mut third = Browser::new(&app);
    third
        .sign_in(ALICE, &one_time, "/")
        .await
        .expect(StatusCode::UNAUTHORIZED, "the one-time password is spent");
    third
        .sign_in(ALICE, NEW_PASSWORD, "/entries/new")
        .await
        .expect_redirect("/entries/new", "no longer forced to /account");
}

#[tokio::test]
async fn forms_without_the_right_csrf_token_are_403() {
    let data = DataDir::new();
    data.account(ALICE, CITY_A, Role::Editor);
    let bob = data.account("bob@riverton.example", CITY_B, Role::Editor);
    let (_, bobs_csrf) = data.session(&bob);
    let app = data.app();
    let mut browser = Browser::new(&app);
    browser
        .sign_in(ALICE, PASSWORD, "/account")
        .await
        .expect_redirect("/account", "signed in");
    let csrf = browser.csrf_of("/account").await;

    for uri in ["/entries/new", "/account/tokens", "/logout"] {
        for token in [None, Some("wrong"), Some(bobs_csrf.as_str())] {
            let mut form = entry_form(token.unwrap_or(""), "save", "csrfprobe");
            form.set("label", "csrf probe");
            if token.is_none() {
                form.remove("csrf_token");
            }
            let reply = browser.submit(uri, &form).await;
            reply.expect(StatusCode::FORBIDDEN, &format!("{uri} with {token:?}"));
        }
    }
    // None of them took effect: no entry, no token, still signed in.
    assert!(app.search_ids("csrfprobe").await.is_empty());
    let account = browser
        .get("/account")
        .await
        .expect(StatusCode::OK, "signed in");
    assert!(!account.body.contains("csrf probe"), "no token was made");

    // The sign-in form: its token must match the cookie set with the form.
    let mut stranger = Browser::new(&app);
    let login_csrf = stranger.csrf_of("/login").await;
    let login = |csrf: &str| {
        Form::of(&[
            ("email", ALICE),
            ("password", PASSWORD),
            ("csrf_token", csrf),
            ("next", "/account"),
        ])
    };
    stranger.drop_cookie("cpb_login_csrf");
    stranger
        .submit("/login", &login(&login_csrf))
        .await
        .expect(StatusCode::FORBIDDEN, "no login cookie");
    let login_csrf = stranger.csrf_of("/login").await;
    stranger
        .submit("/login", &login("0123456789abcdef"))
        .await
        .expect(StatusCode::FORBIDDEN, "token does not match the cookie");
    assert!(stranger.cookie("cpb_session").is_none());
    stranger
        .submit("/login", &login(&login_csrf))
        .await
        .expect_redirect("/account", "matching token and cookie");

    // With the right token, signing out works.
    browser
        .post("/logout", &[("csrf_token", &csrf)])
        .await
        .expect_redirect("/", "signed out");
    assert!(browser.cookie("cpb_session").is_none());
    browser
        .get("/account")
        .await
        .expect_redirect("/login?next=%2Faccount", "session over");
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_email_get_the_same_answer() {
    let data = DataDir::new();
    data.account(ALICE, CITY_A, Role::Editor);
    let app = data.app();
    let mut answers = Vec::new();
    for (email, password) in [
        (ALICE, "not her password"),
        ("nobody@nowhere.example", PASSWORD),
    ] {
        let mut browser = Browser::new(&app);
        let reply = browser.sign_in(email, password, "/account").await;
        let page = reply.expect(StatusCode::UNAUTHORIZED, email).html();
        assert!(browser.cookie("cpb_session").is_none(), "{email}");
        assert_eq!(attr(&page, "input#email", "value"), email, "email kept");
        answers.push(texts(&page, "p.field-error"));
    }
    assert_eq!(answers[0], ["Wrong email or password."]);
    assert_eq!(answers[0], answers[1]);
}

#[tokio::test]
async fn too_many_sign_in_attempts_are_429() {
    let data = DataDir::new();
    data.account(ALICE, CITY_A, Role::Editor);
    let app = data.app();
    let mut browser = Browser::new(&app);
    // Requests sent in-process have no peer address, so they all count as one client.
    for attempt in 1..=10 {
        browser
            .sign_in(ALICE, "guessing", "/account")
            .await
            .expect(StatusCode::UNAUTHORIZED, &format!("attempt {attempt}"));
    }
    browser.sign_in(ALICE, PASSWORD, "/account").await.expect(
        StatusCode::TOO_MANY_REQUESTS,
        "even the right password waits",
    );
    assert!(browser.cookie("cpb_session").is_none());
}

#[tokio::test]
async fn an_editor_previews_saves_edits_and_reads_the_history() {
    let data = DataDir::new();
    data.account(ALICE, CITY_A, Role::Editor);
    let bob = data.account("bob@riverton.example", CITY_B, Role::Editor);
    let app = data.app();
    let mut alice = Browser::new(&app);
    alice
        .sign_in(ALICE, PASSWORD, "/entries/new")
        .await
        .expect_redirect("/entries/new", "signed in");
    let csrf = alice.csrf_of("/entries/new").await;
    let id = format!("{CITY_A}/night-patrol");
    let page_href = format!("/entries/{id}");
    let edit_href = format!("{page_href}/edit");

    let preview = alice
        .submit("/entries/new", &entry_form(&csrf, "preview", "wobblefrog"))
        .await;
    let preview = preview.expect(StatusCode::OK, "preview").html();
    assert_eq!(
        texts(&preview, "section.preview h2:not(#preview-heading)"),
        ["Plan"]
    );
    assert_eq!(texts(&preview, "section.preview strong"), ["Bold"]);
    assert_eq!(
        attr(&preview, "input#title", "value"),
        "Night patrol agreement wobblefrog"
    );
    // Nothing is saved by a preview.
    app.get_entry(&id)
        .await
        .expect(StatusCode::NOT_FOUND, "not saved");
    assert!(app.search_ids("wobblefrog").await.is_empty());

    alice
        .submit("/entries/new", &entry_form(&csrf, "save", "wobblefrog"))
        .await
        .expect_redirect(&page_href, "saved");
    assert_eq!(app.search_ids("wobblefrog").await, [id.as_str()]);
    let saved = app
        .get_entry(&id)
        .await
        .expect(StatusCode::OK, "saved")
        .json();
    assert_eq!(
        saved["summary"],
        "Police and parks share the night patrol.\nThey meet at dusk."
    );
    assert_eq!(
        saved["sources"][0]["quote"],
        "Parks and police\npatrol together."
    );
    let page = alice
        .get(&page_href)
        .await
        .expect(StatusCode::OK, "page")
        .html();
    assert!(has_edit_link(&page, &edit_href), "the author may edit");
    let changed = texts(&page, ".edit-bar span").join(" ");
    assert!(
        changed.starts_with(&format!("Last changed by {ALICE} on ")),
        "{changed:?}"
    );

    // Readers and other cities' editors get no Edit link, and no editor.
    let anonymous = app.get(&page_href).await.expect(StatusCode::OK, "public");
    assert!(!has_edit_link(&anonymous.html(), &edit_href));
    let (cookie, _) = data.session(&bob);
    let mut other = Browser::with_session(&app, &cookie);
    let theirs = other
        .get(&page_href)
        .await
        .expect(StatusCode::OK, "bob reads");
    assert!(!has_edit_link(&theirs.html(), &edit_href));
    other
        .get(&edit_href)
        .await
        .expect(StatusCode::FORBIDDEN, "bob cannot edit");

    let form = alice
        .get(&edit_href)
        .await
        .expect(StatusCode::OK, "edit form");
    let form = form.html();
    assert_eq!(
        attr(&form, "input#title", "value"),
        "Night patrol agreement wobblefrog"
    );
    let mut edit = entry_form(&csrf_token(&form), "save", "wobblefrog");
    edit.set("title", "Night patrol agreement wobblefrog, amended")
        .set(
            "body_markdown",
            "## Plan\n\n**Bold** step wobblefrog\n\nA second paragraph.",
        )
        .set("message", "Add a paragraph");
    alice
        .submit(&edit_href, &edit)
        .await
        .expect_redirect(&page_href, "edited");

    let history = alice.get(&format!("{page_href}/history")).await;
    let history = history.expect(StatusCode::OK, "history").html();
    let rows = texts(&history, "tbody tr");
    assert_eq!(rows.len(), 2, "{rows:?}");
    for (row, (number, action, message)) in rows.iter().zip([
        ("Revision 2", "edit", "Add a paragraph"),
        ("Revision 1", "create", "first version"),
    ]) {
        for part in [number, action, ALICE, message] {
            assert!(row.contains(part), "{part:?} not in {row:?}");
        }
    }

    let diff = alice.get(&format!("{page_href}/history/2")).await;
    let diff = diff.expect(StatusCode::OK, "revision 2").html();
    let added = texts(&diff, ".diff span.added").join("\n");
    let removed = texts(&diff, ".diff span.removed").join("\n");
    assert!(added.contains("A second paragraph."), "{added}");
    assert!(added.contains("wobblefrog, amended"), "{added}");
    assert!(removed.contains("- [ ] call the chief"), "{removed}");
    assert!(!removed.contains("amended"), "{removed}");
    let first = alice.get(&format!("{page_href}/history/1")).await;
    let first = first.expect(StatusCode::OK, "revision 1").html();
    assert_eq!(count(&first, ".diff span.removed"), 0);
    assert!(count(&first, ".diff span.added") > 5);
}

#[tokio::test]
async fn field_errors_are_shown_next_to_their_fields_with_the_input_kept() {
    let data = DataDir::new();
    data.account(ALICE, CITY_A, Role::Editor);
    let app = data.app();
    let mut alice = Browser::new(&app);
    alice
        .sign_in(ALICE, PASSWORD, "/entries/new")
        .await
        .expect_redirect("/entries/new", "signed in");
    let csrf = alice.csrf_of("/entries/new").await;

    let mut form = entry_form(&csrf, "save", "keptword");
    form.set("slug", "Bad Slug")
        .set("title", "")
        .set("kind", "")
        .set("date", "2026-13-01")
        .set("source_url_0", "ftp://example.org/memo")
        .set("body_markdown", "Keep *this* text keptword");
    let reply = alice.submit("/entries/new", &form).await;
    let page = reply
        .expect(StatusCode::UNPROCESSABLE_ENTITY, "invalid")
        .html();
    assert_eq!(count(&page, "p.field-error[role=alert]"), 1, "one summary");
    for field in ["#slug", "#title", "#kind", "#date", "#source_url_0"] {
        let css = format!(".field.has-error:has({field}) .field-error");
        assert_eq!(texts(&page, &css).len(), 1, "no error next to {field}");
    }
    assert_eq!(count(&page, ".field.has-error"), 5);
    assert_eq!(attr(&page, "input#slug", "value"), "Bad Slug");
    assert_eq!(
        attr(&page, "input#source_url_0", "value"),
        "ftp://example.org/memo"
    );
    assert_eq!(attr(&page, "input#source_title_0", "value"), "Patrol memo");
    // Topics entries already use are kept as ticked boxes (issue 19).
    for topic in ["policing", "federal-relations"] {
        let css = format!("input[name=topics][value={topic}][checked]");
        assert_eq!(count(&page, &css), 1, "{topic} stays ticked");
    }
    assert_eq!(attr(&page, "input#topics", "value"), "");
    assert_eq!(
        texts(&page, "textarea#body_markdown"),
        ["Keep *this* text keptword"]
    );
    assert!(app.search_ids("keptword").await.is_empty());

    // A taken address is reported on the slug field.
    let mut form = entry_form(&csrf, "save", "takenword");
    form.set("slug", "separation-ordinance");
    let reply = alice.submit("/entries/new", &form).await;
    let page = reply.expect(StatusCode::CONFLICT, "curated id").html();
    assert_eq!(texts(&page, "#slug-error").len(), 1);
    assert_eq!(attr(&page, "input#slug", "value"), "separation-ordinance");
}

#[tokio::test]
async fn a_token_made_on_the_account_page_is_shown_once_then_listed_by_prefix() {
    let data = DataDir::new();
    data.account(ALICE, CITY_A, Role::Editor);
    let app = data.app();
    let mut alice = Browser::new(&app);
    alice
        .sign_in(ALICE, PASSWORD, "/account")
        .await
        .expect_redirect("/account", "signed in");
    let csrf = alice.csrf_of("/account").await;

    let made = alice
        .post(
            "/account/tokens",
            &[("csrf_token", &csrf), ("label", "city intranet")],
        )
        .await;
    let made = made.expect(StatusCode::OK, "token made").html();
    let shown = texts(&made, "code.token-secret");
    assert_eq!(shown.len(), 1);
    let token = shown[0].clone();
    assert!(token.starts_with("cpb_") && token.len() == 68, "{token}");
    let prefix = &token[..12];

    let later = alice
        .get("/account")
        .await
        .expect(StatusCode::OK, "account");
    assert!(!later.body.contains(&token), "the token is shown only once");
    let page = later.html();
    assert_eq!(count(&page, "code.token-secret"), 0);
    let row = texts(&page, "tbody tr")
        .into_iter()
        .find(|r| r.contains("city intranet"))
        .expect("the new token is listed");
    assert!(row.contains(&format!("{prefix}…")), "{row}");
    assert!(row.contains("never"), "not used yet: {row}");

    app.create(&token, &entry("token-made", "tokenmade")).await;
    let used = alice
        .get("/account")
        .await
        .expect(StatusCode::OK, "account");
    let row = texts(&used.html(), "tbody tr")
        .into_iter()
        .find(|r| r.contains("city intranet"))
        .expect("listed");
    assert!(!row.contains("never"), "its use is recorded: {row}");

    let revoke = {
        let page = used.html();
        let css =
            format!("form[action$=\"/revoke\"]:has(button[aria-label=\"Revoke token {prefix}\"])");
        attr(&page, &css, "action")
    };
    assert!(revoke.starts_with("/account/tokens/"), "{revoke:?}");
    alice
        .post(&revoke, &[("csrf_token", &csrf)])
        .await
        .expect_redirect("/account", "revoked");
    let after = alice
        .get("/account")
        .await
        .expect(StatusCode::OK, "account");
    let row = texts(&after.html(), "tbody tr")
        .into_iter()
        .find(|r| r.contains("city intranet"))
        .expect("still listed");
    assert!(row.contains("Revoked"), "{row}");
    app.post_entry(&token, &entry("after-revoke", "afterrevoke"))
        .await
        .expect_error(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "revoked on the page",
        );
}

/// Every value in every table of the store, as text.
fn every_stored_value(conn: &rusqlite::Connection) -> Vec<(String, String)> {
    let mut tables = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
        .expect("tables");
    let names: Vec<String> = tables
        .query_map([], |r| r.get(0))
        .expect("tables")
        .collect::<Result<_, _>>()
        .expect("names");
    let mut out = Vec::new();
    for table in names {
        let mut rows = conn
            .prepare(&format!("SELECT * FROM \"{table}\""))
            .expect("select");
        let columns = rows.column_count();
        let mut cursor = rows.query([]).expect("rows");
        while let Some(row) = cursor.next().expect("row") {
            for i in 0..columns {
                use rusqlite::types::ValueRef;
                let text = match row.get_ref(i).expect("value") {
                    ValueRef::Text(t) | ValueRef::Blob(t) => {
                        String::from_utf8_lossy(t).into_owned()
                    }
                    ValueRef::Integer(n) => n.to_string(),
                    ValueRef::Real(x) => x.to_string(),
                    ValueRef::Null => String::new(),
                };
                out.push((table.clone(), text));
            }
        }
    }
    out
}

#[tokio::test]
async fn passwords_and_tokens_are_stored_only_as_hashes() {
    let data = DataDir::new();
    let one_time = cli_add_user(data.path(), ALICE, CITY_A, "editor");
    let cli_token = cli_create_token(data.path(), ALICE);
    let app = data.app();
    let mut alice = Browser::new(&app);
    alice
        .sign_in(ALICE, &one_time, "/account")
        .await
        .expect_redirect("/account", "signed in");
    let csrf = alice.csrf_of("/account").await;
    let fields = [
        ("csrf_token", csrf.as_str()),
        ("current_password", one_time.as_str()),
        ("new_password", NEW_PASSWORD),
        ("confirm_password", NEW_PASSWORD),
    ];
    alice
        .post("/account/password", &fields)
        .await
        .expect_redirect("/account?password=changed", "password changed");
    let csrf = alice.csrf_of("/account").await;
    let made = alice
        .post(
            "/account/tokens",
            &[("csrf_token", &csrf), ("label", "web")],
        )
        .await;
    let page_token = texts(
        &made.expect(StatusCode::OK, "token").html(),
        "code.token-secret",
    )
    .pop()
    .expect("token shown");
    let session = alice.cookie("cpb_session").expect("session").to_owned();

    let conn = rusqlite::Connection::open(data.path().join(DATABASE_FILE)).expect("opens");
    let hash: String = conn
        .query_row("SELECT password_hash FROM users", [], |r| r.get(0))
        .expect("one user");
    assert!(hash.starts_with("$argon2id$"), "{hash}");
    let stored = every_stored_value(&conn);
    for secret in [
        &one_time,
        &NEW_PASSWORD.to_owned(),
        &cli_token,
        &page_token,
        &session,
    ] {
        let leaks: Vec<&String> = stored
            .iter()
            .filter(|(_, value)| value.contains(secret.as_str()))
            .map(|(table, _)| table)
            .collect();
        assert!(
            leaks.is_empty(),
            "a secret is stored in plain text in {leaks:?}"
        );
    }
}

#[tokio::test]
async fn a_jurisdiction_filter_with_no_entries_yet_is_named() {
    let (_data, app, _team) = setup();
    let page = app
        .get(&format!("/search?jurisdiction={CITY_B}"))
        .await
        .expect(StatusCode::OK, "search")
        .html();
    let chips = texts(&page, ".active-filters a");
    assert!(
        chips.iter().any(|chip| chip.contains("Riverton, OR")),
        "{chips:?}"
    );
}

#[tokio::test]
async fn a_password_refusal_is_shown_at_its_field_and_a_change_is_confirmed() {
    let data = DataDir::new();
    let email = "fields@minneapolis.example";
    let one_time = cli_add_user(data.path(), email, CITY_A, "editor");
    let app = data.app();
    let mut browser = Browser::new(&app);
    browser
        .sign_in(email, &one_time, "/account")
        .await
        .expect_redirect("/account", "signed in");
    let csrf = browser.csrf_of("/account").await;
    let chosen = "harbor ferry lantern 7";
    for (current, new, confirm, field) in [
        ("not my password", chosen, chosen, "current_password"),
        (
            one_time.as_str(),
            chosen,
            "harbor ferry lantern 8",
            "confirm_password",
        ),
        (
            one_time.as_str(),
            one_time.as_str(),
            one_time.as_str(),
            "new_password",
        ),
    ] {
        let fields = [
            ("csrf_token", csrf.as_str()),
            ("current_password", current),
            ("new_password", new),
            ("confirm_password", confirm),
        ];
        let page = browser
            .post("/account/password", &fields)
            .await
            .expect(StatusCode::UNPROCESSABLE_ENTITY, field)
            .html();
        assert_eq!(
            attr(&page, ".has-error input", "id"),
            field,
            "the error is at {field}"
        );
        assert_eq!(
            attr(&page, &format!("#{field}"), "aria-describedby"),
            format!("{field}-error")
        );
        assert_eq!(count(&page, "p.field-error"), 1, "{field}");
    }
    let fields = [
        ("csrf_token", csrf.as_str()),
        ("current_password", one_time.as_str()),
        ("new_password", chosen),
        ("confirm_password", chosen),
    ];
    browser
        .post("/account/password", &fields)
        .await
        .expect_redirect("/account?password=changed", "changed");
    let page = browser
        .get("/account?password=changed")
        .await
        .expect(StatusCode::OK, "account")
        .html();
    assert_eq!(
        texts(&page, "p.notice-success[role=status]"),
        ["Password changed."]
    );
}

#[tokio::test]
async fn the_about_page_says_what_is_reviewed_and_whom_to_write_to() {
    let data = DataDir::new();
    let page = data
        .app()
        .get("/about")
        .await
        .expect(StatusCode::OK, "about")
        .body;
    assert!(
        page.contains("published as soon as they are saved: nobody reviews them first"),
        "{page}"
    );
    assert!(!page.contains("Every entry is checked before it is published"));
    assert!(page.contains("contact the maintainers of this instance"));

    let config = city_playbook::config::Config {
        contact_email: Some("playbook@mayors.example".into()),
        ..city_playbook::config::Config::new(support::playbook::real_playbook_dir(), data.path())
    };
    let page = TestApp::with_config(config)
        .get("/about")
        .await
        .expect(StatusCode::OK, "about")
        .html();
    assert_eq!(
        attr(&page, "a[href^='mailto:']", "href"),
        "mailto:playbook@mayors.example"
    );
}

#[tokio::test]
async fn a_save_is_confirmed_once_and_a_forwarded_link_has_a_preview() {
    let (data, app, team) = setup();
    let (cookie, csrf) = data.session(&team.alice);
    let mut alice = Browser::with_session(&app, &cookie);
    let id = format!("{CITY_A}/night-patrol");
    let page_href = format!("/entries/{id}");
    alice
        .submit("/entries/new", &entry_form(&csrf, "save", "savedword"))
        .await
        .expect_redirect(&page_href, "saved");
    let first = alice
        .get(&page_href)
        .await
        .expect(StatusCode::OK, "the entry");
    assert_eq!(
        texts(&first.html(), "p.notice-success[role=status]"),
        ["Saved."]
    );
    assert_eq!(first.header("cache-control"), "no-store");
    let again = alice
        .get(&page_href)
        .await
        .expect(StatusCode::OK, "again")
        .html();
    assert_eq!(count(&again, "p.notice-success"), 0, "said once");
    // Nobody else is told.
    let other = app
        .get(&page_href)
        .await
        .expect(StatusCode::OK, "a reader")
        .html();
    assert_eq!(count(&other, "p.notice-success"), 0);

    let summary = "Police and parks share the night patrol.\nThey meet at dusk.";
    assert_eq!(attr(&other, "meta[name=description]", "content"), summary);
    assert_eq!(
        attr(&other, "meta[property='og:description']", "content"),
        summary
    );
    assert_eq!(
        attr(&other, "meta[property='og:title']", "content"),
        "Night patrol agreement savedword"
    );
    let url = attr(&other, "meta[property='og:url']", "content");
    assert!(
        url.starts_with("http") && url.ends_with(&page_href),
        "{url}"
    );
    assert_eq!(attr(&other, "link[rel=canonical]", "href"), url);
}

#[tokio::test]
async fn a_source_address_typed_without_https_gets_it() {
    let (data, app, team) = setup();
    let (cookie, csrf) = data.session(&team.alice);
    let mut alice = Browser::with_session(&app, &cookie);
    let mut form = entry_form(&csrf, "save", "schemeword");
    form.set("source_url_0", "www.minneapolismn.gov/patrol");
    alice
        .submit("/entries/new", &form)
        .await
        .expect_redirect(&format!("/entries/{CITY_A}/night-patrol"), "saved");
    let saved = app
        .get_entry(&format!("{CITY_A}/night-patrol"))
        .await
        .expect(StatusCode::OK, "saved")
        .json();
    assert_eq!(
        saved["sources"][0]["url"],
        "https://www.minneapolismn.gov/patrol"
    );
}

#[tokio::test]
async fn a_refused_entry_lists_its_problems_at_the_top_each_linked_to_its_field() {
    let (data, app, team) = setup();
    let (cookie, csrf) = data.session(&team.alice);
    let mut alice = Browser::with_session(&app, &cookie);
    let mut form = entry_form(&csrf, "save", "summaryword");
    form.set("title", "")
        .set("source_url_0", "javascript:alert(1)");
    let page = alice
        .submit("/entries/new", &form)
        .await
        .expect(StatusCode::UNPROCESSABLE_ENTITY, "refused")
        .html();
    let links = attrs(&page, ".error-summary li a", "href");
    assert_eq!(links, ["#title", "#source_url_0"], "in the form's order");
    for link in &links {
        assert_eq!(count(&page, link), 1, "{link} names a field on the page");
    }
    let said = texts(&page, ".error-summary li").join(" | ");
    assert!(
        said.starts_with("Title: ") && said.contains("Source 1, url: "),
        "{said}"
    );
}

#[tokio::test]
async fn the_preview_shows_the_whole_entry_not_only_its_body() {
    let (data, app, team) = setup();
    let (cookie, csrf) = data.session(&team.alice);
    let mut alice = Browser::with_session(&app, &cookie);
    let page = alice
        .submit("/entries/new", &entry_form(&csrf, "preview", "previewword"))
        .await
        .expect(StatusCode::OK, "preview")
        .html();
    let preview = |css: &str| texts(&page, &format!("section.preview {css}"));
    assert_eq!(
        preview(".preview-title"),
        ["Night patrol agreement previewword"]
    );
    assert_eq!(preview(".eyebrow"), ["Coordination"]);
    assert_eq!(
        preview(".summary"),
        ["Police and parks share the night patrol. They meet at dusk."]
    );
    assert_eq!(preview(".body strong"), ["Bold"]);
    let sources = preview(".sources li").join(" ");
    assert!(
        sources.contains("Patrol memo") && sources.contains("Parks and police patrol together."),
        "{sources}"
    );
}

#[tokio::test]
async fn topics_are_picked_from_those_in_use_and_new_ones_typed() {
    let (data, app, team) = setup();
    let (cookie, csrf) = data.session(&team.alice);
    let mut alice = Browser::with_session(&app, &cookie);
    let new_form = alice
        .get("/entries/new")
        .await
        .expect(StatusCode::OK, "the editor")
        .html();
    // The topics entries use are offered as boxes, most used first, labelled in words.
    let offered = attrs(
        &new_form,
        "fieldset.topic-choices input[name=topics]",
        "value",
    );
    assert_eq!(
        offered.first().map(String::as_str),
        Some("federal-relations")
    );
    assert!(offered.iter().any(|t| t == "national-guard"), "{offered:?}");
    assert!(
        texts(&new_form, "fieldset.topic-choices label")
            .iter()
            .any(|l| l.contains("National Guard"))
    );

    let mut form = entry_form(&csrf, "save", "pickedword");
    form.remove("topics");
    form.0.push(("topics".into(), "national-guard".into()));
    form.0.push(("topics".into(), "policing".into()));
    form.0
        .push(("topics".into(), "curfews, night-patrols".into()));
    alice
        .submit("/entries/new", &form)
        .await
        .expect_redirect(&format!("/entries/{CITY_A}/night-patrol"), "saved");
    let saved = app
        .get_entry(&format!("{CITY_A}/night-patrol"))
        .await
        .expect(StatusCode::OK, "saved")
        .json();
    assert_eq!(
        saved["topics"],
        serde_json::json!(["national-guard", "policing", "curfews", "night-patrols"])
    );
    // Editing, the used ones are ticked and the new ones typed.
    let edit = alice
        .get(&format!("/entries/{CITY_A}/night-patrol/edit"))
        .await
        .expect(StatusCode::OK, "edit form")
        .html();
    assert_eq!(
        count(&edit, "input[name=topics][value=national-guard][checked]"),
        1
    );
    let typed = attr(&edit, "input#topics", "value");
    assert!(
        typed.contains("curfews") || count(&edit, "input[value=curfews][checked]") == 1,
        "{typed}"
    );
}

/// The private feed address shown on the account page after making one.
fn feed_address(page: &Html) -> String {
    one_text(page, "code[aria-label='Your private feed address']")
}

#[tokio::test]
async fn a_member_s_private_feed_lists_what_they_may_read_until_they_stop_it() {
    let (data, app, team) = setup();
    let mut draft = entry("feed-draft", "feeddraftword");
    draft["draft"] = json!(true);
    draft["title"] = json!("Feed draft feeddraftword");
    let mut network = entry("feed-network", "feednetworkword");
    network["visibility"] = json!("network");
    network["title"] = json!("Feed network feednetworkword");
    app.create(&team.alice.token, &draft).await;
    app.create(&team.alice.token, &network).await;

    // Anyone's feed holds neither.
    let public = app
        .get("/feed.atom")
        .await
        .expect(StatusCode::OK, "public feed");
    assert!(!public.body.contains("feeddraftword"), "{}", public.body);
    assert!(!public.body.contains("feednetworkword"));

    let (alice_cookie, _) = data.session(&team.alice);
    let (bob_cookie, _) = data.session(&team.bob);
    let mut alice = Browser::with_session(&app, &alice_cookie);
    let mut bob = Browser::with_session(&app, &bob_cookie);
    let csrf = alice.csrf_of("/account").await;
    let page = alice
        .post("/account/feed", &[("csrf_token", &csrf)])
        .await
        .expect(StatusCode::OK, "alice's feed made")
        .html();
    let alice_feed = feed_address(&page);
    let path = alice_feed
        .split_once("/feeds/")
        .map(|(_, token)| format!("/feeds/{token}"))
        .expect("a feed address");
    let csrf = bob.csrf_of("/account").await;
    let page = bob
        .post("/account/feed", &[("csrf_token", &csrf)])
        .await
        .expect(StatusCode::OK, "bob's feed made")
        .html();
    let bob_path = feed_address(&page)
        .split_once("/feeds/")
        .map(|(_, token)| format!("/feeds/{token}"))
        .expect("a feed address");

    // Without signing in: Alice's feed holds her city's draft and the network entry; Bob's
    // holds the network entry only.
    let feed = app.get(&path).await.expect(StatusCode::OK, "alice's feed");
    assert!(
        feed.header("content-type")
            .starts_with("application/atom+xml")
    );
    assert!(feed.header("cache-control").contains("private"));
    assert!(feed.body.contains("feeddraftword"), "{}", feed.body);
    assert!(feed.body.contains("feednetworkword"));
    let feed = app
        .get(&bob_path)
        .await
        .expect(StatusCode::OK, "bob's feed");
    assert!(!feed.body.contains("feeddraftword"), "{}", feed.body);
    assert!(feed.body.contains("feednetworkword"));

    // A new address replaces the old; stopping it leaves none; unknown ones are not found.
    let csrf = alice.csrf_of("/account").await;
    let page = alice
        .post("/account/feed", &[("csrf_token", &csrf)])
        .await
        .expect(StatusCode::OK, "a new address")
        .html();
    let new_path = feed_address(&page)
        .split_once("/feeds/")
        .map(|(_, token)| format!("/feeds/{token}"))
        .expect("a feed address");
    assert_ne!(new_path, path);
    app.get(&path)
        .await
        .expect(StatusCode::NOT_FOUND, "the old address");
    app.get(&new_path)
        .await
        .expect(StatusCode::OK, "the new address");
    let csrf = alice.csrf_of("/account").await;
    alice
        .post("/account/feed/revoke", &[("csrf_token", &csrf)])
        .await
        .expect(StatusCode::OK, "stopped");
    app.get(&new_path)
        .await
        .expect(StatusCode::NOT_FOUND, "a stopped address");
    app.get("/feeds/cpbf_not-a-token")
        .await
        .expect(StatusCode::NOT_FOUND, "an unknown address");
    // Forms without the session's CSRF token change nothing.
    bob.post("/account/feed/revoke", &[("csrf_token", "forged")])
        .await
        .expect(StatusCode::FORBIDDEN, "a forged revoke");
    app.get(&bob_path)
        .await
        .expect(StatusCode::OK, "bob's feed still works");
}

#[tokio::test]
async fn a_new_entry_starts_as_a_draft_its_city_sees_until_it_is_published() {
    let (data, app, team) = setup();
    let (alice_cookie, _) = data.session(&team.alice);
    let (bob_cookie, _) = data.session(&team.bob);
    let mut alice = Browser::with_session(&app, &alice_cookie);
    let mut bob = Browser::with_session(&app, &bob_cookie);
    let new_form = alice
        .get("/entries/new")
        .await
        .expect(StatusCode::OK, "the form")
        .html();
    assert_eq!(attr(&new_form, "input[name=draft]", "value"), "yes");
    assert_eq!(
        texts(&new_form, ".form-actions button"),
        ["Preview", "Save draft", "Publish"]
    );
    assert_eq!(
        texts(&new_form, "fieldset.visibility-choices label"),
        [
            "Everyone",
            "Staff of member cities",
            "Minneapolis staff only"
        ]
    );
    assert_eq!(
        attr(&new_form, "input[name=visibility][checked]", "value"),
        "public"
    );

    let csrf = csrf_token(&new_form);
    let mut form = entry_form(&csrf, "save", "draftyquokka");
    form.set("draft", "yes");
    let id = format!("{CITY_A}/night-patrol");
    let page = format!("/entries/{id}");
    alice
        .submit("/entries/new", &form)
        .await
        .expect_redirect(&page, "saved as a draft");
    // Its city sees it, marked; nobody else finds it or opens it.
    let seen = alice
        .get(&page)
        .await
        .expect(StatusCode::OK, "alice")
        .html();
    assert_eq!(one_text(&seen, ".readers-notice .badge"), "Draft");
    bob.get(&page).await.expect(StatusCode::NOT_FOUND, "bob");
    app.get(&page).await.expect(StatusCode::NOT_FOUND, "anyone");
    assert!(app.search_ids("draftyquokka").await.is_empty());

    // The edit form offers Publish; publishing shows it to everyone at once.
    let edit = format!("{page}/edit");
    let edit_form = alice.get(&edit).await.expect(StatusCode::OK, "edit").html();
    assert_eq!(attr(&edit_form, "input[name=draft]", "value"), "yes");
    let mut form = entry_form(&csrf_token(&edit_form), "publish", "draftyquokka");
    form.set("draft", "yes");
    form.set("base_revision", "1");
    form.set("message", "ready");
    alice
        .submit(&edit, &form)
        .await
        .expect_redirect(&page, "published");
    assert_eq!(app.search_ids("draftyquokka").await, [id.as_str()]);
    app.get(&page).await.expect(StatusCode::OK, "anyone, now");
    let actions: Vec<String> = app
        .revisions(&id)
        .await
        .into_iter()
        .map(|(_, action, _, _)| action)
        .collect();
    assert_eq!(actions, ["create", "publish"]);

    // Narrowed to its city's staff: another city's staff no longer see it, and the page says
    // who may.
    let edit_form = alice.get(&edit).await.expect(StatusCode::OK, "edit").html();
    let mut form = entry_form(&csrf_token(&edit_form), "save", "draftyquokka");
    form.set("draft", "no");
    form.set("visibility", "jurisdiction");
    form.set("base_revision", "2");
    alice
        .submit(&edit, &form)
        .await
        .expect_redirect(&page, "narrowed");
    bob.get(&page).await.expect(StatusCode::NOT_FOUND, "bob");
    let seen = alice
        .get(&page)
        .await
        .expect(StatusCode::OK, "alice")
        .html();
    assert_eq!(
        one_text(&seen, ".readers-notice"),
        "Visible to Minneapolis staff only."
    );
}
