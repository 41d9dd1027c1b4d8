//! Saved briefs (issue 15): a brief collected in an address is saved by a signed-in user,
//! given an introduction and notes, reordered and trimmed, and read as a page, Markdown and a
//! Word document; who may open it follows its sharing (404 for anyone else), each reader sees
//! only the entries they may read, only its owner changes it, and every form needs its CSRF
//! token. A brief page's ids are unique however many entries share a heading.

mod support;

use std::collections::BTreeSet;
use std::sync::Arc;

use axum::http::{Method, StatusCode};
use city_playbook::briefs::{MAX_BRIEFS_PER_ACCOUNT, MAX_ENTRIES, SavedBriefs};
use city_playbook::playbook::EntryId;
use city_playbook::store::{BriefContent, BriefItem, Role, Sharing, SqliteStore};
use scraper::Html;
use serde_json::json;
use support::accounts::*;
use support::app::*;
use support::docx::docx_paragraphs;
use support::html::*;

const ORDINANCE: &str = "minneapolis-mn/separation-ordinance";
const PARKING: &str = "minneapolis-mn/parking-lot-executive-order";
const CHECKLIST: &str = "minneapolis-mn/national-guard-request-checklist";
const ADVICE: &str = "minneapolis-mn/frey-three-points";

/// A signed-in browser of `account`, with its session's CSRF token.
fn signed_in<'a>(data: &DataDir, app: &'a TestApp, account: &Account) -> (Browser<'a>, String) {
    let (cookie, csrf) = data.session(account);
    (Browser::with_session(app, &cookie), csrf)
}

/// Saves a brief of `ids` through the brief page's form; the saved brief's id.
async fn save_brief(browser: &mut Browser<'_>, ids: &[&str], title: &str) -> String {
    let joined = ids.join(",");
    let page = browser
        .get(&format!("/brief?ids={joined}"))
        .await
        .expect(StatusCode::OK, "the brief in its address")
        .html();
    let form = "form.brief-save-form";
    assert_eq!(
        count(&page, form),
        1,
        "signed in, the brief offers saving it"
    );
    assert_eq!(
        attr(&page, &format!("{form} input[name=ids]"), "value"),
        joined
    );
    let csrf = attr(&page, &format!("{form} input[name=csrf_token]"), "value");
    let reply = browser
        .post(
            "/briefs",
            &[
                ("csrf_token", &csrf),
                ("ids", &joined),
                ("title", title),
                ("for", "Mayor Frey"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let to = reply.header("location").to_owned();
    let id = to
        .strip_prefix("/briefs/")
        .and_then(|rest| rest.strip_suffix("/edit"))
        .unwrap_or_else(|| panic!("saving leads to the edit page, not {to}"));
    id.to_owned()
}

/// The edit form of a brief as its fields, ready to change and send back.
async fn edit_form(browser: &mut Browser<'_>, id: &str) -> Form {
    let page = browser
        .get(&format!("/briefs/{id}/edit"))
        .await
        .expect(StatusCode::OK, "the owner's edit form")
        .html();
    form_fields(&page, "form.brief-edit")
}

/// A form's fields as a browser would send them: inputs (checked boxes only), textareas.
fn form_fields(page: &Html, form: &str) -> Form {
    let mut fields = Form::default();
    for input in select(page, &format!("{form} input")) {
        let element = input.value();
        let (Some(name), kind) = (element.attr("name"), element.attr("type").unwrap_or("text"))
        else {
            continue;
        };
        if matches!(kind, "checkbox" | "radio") && element.attr("checked").is_none() {
            continue;
        }
        fields.0.push((
            name.to_owned(),
            element.attr("value").unwrap_or("").to_owned(),
        ));
    }
    for area in select(page, &format!("{form} textarea")) {
        let name = area.value().attr("name").expect("a named textarea");
        fields.0.push((name.to_owned(), area.text().collect()));
    }
    fields
}

/// The titles of a brief page's entries, in order.
fn entry_titles(page: &Html) -> Vec<String> {
    texts(page, "article.brief-entry header h2")
}

async fn title_of(app: &TestApp, id: &str) -> String {
    app.get_entry(id).await.expect(StatusCode::OK, id).json()["title"]
        .as_str()
        .expect("a title")
        .to_owned()
}

#[tokio::test]
async fn a_saved_brief_keeps_its_introduction_notes_and_order_in_every_format() {
    let (data, app, team) = setup();
    let (mut alice, _) = signed_in(&data, &app, &team.alice);
    let id = save_brief(
        &mut alice,
        &[ORDINANCE, PARKING, CHECKLIST],
        "Ice on city property",
    )
    .await;

    let mut form = edit_form(&mut alice, &id).await;
    assert_eq!(
        form.0
            .iter()
            .filter(|(k, _)| k.starts_with("entry-"))
            .count(),
        3,
        "one fieldset per entry"
    );
    form.set(
        "intro",
        "Three moves that held up.\r\n\r\nRead the order first.",
    );
    form.set("sharing", "city");
    // The order first, the ordinance second, the checklist removed.
    form.set("position-0", "2");
    form.set("position-1", "1");
    form.set(
        "note-1",
        "Signed within days; ask the city attorney for the text.",
    );
    form.set("remove-2", "1");
    let reply = alice.submit(&format!("/briefs/{id}/edit"), &form).await;
    reply.expect_redirect(&format!("/briefs/{id}"), "saved, the brief is shown");

    let page = alice
        .get(&format!("/briefs/{id}"))
        .await
        .expect(StatusCode::OK, "the saved brief")
        .html();
    let (ordinance, parking, checklist) = (
        title_of(&app, ORDINANCE).await,
        title_of(&app, PARKING).await,
        title_of(&app, CHECKLIST).await,
    );
    assert_eq!(
        entry_titles(&page),
        [format!("1. {parking}"), format!("2. {ordinance}")]
    );
    assert_eq!(one_text(&page, "h1"), "Ice on city property");
    assert_eq!(
        texts(&page, ".brief-intro p"),
        ["Three moves that held up.", "Read the order first."]
    );
    assert_eq!(
        texts(&page, "article.brief-entry .brief-note p"),
        ["Note: Signed within days; ask the city attorney for the text."]
    );
    assert!(
        !page.html().contains(&checklist),
        "the removed entry is gone"
    );
    assert!(
        text_of(select(&page, ".brief-sharing")[0]).contains("Staff of your city"),
        "the page says who may open it"
    );
    assert_eq!(
        attr(&page, ".brief-sharing a", "href"),
        format!("/briefs/{id}/edit"),
        "its owner may edit it"
    );

    let markdown = alice
        .get(&format!("/briefs/{id}/brief.md"))
        .await
        .expect(StatusCode::OK, "Markdown")
        .body;
    let docx = alice
        .get(&format!("/briefs/{id}/brief.docx"))
        .await
        .expect(StatusCode::OK, "Word");
    let paragraphs = docx_paragraphs(&docx.bytes).join("\n");
    for (format, text) in [
        ("Markdown", markdown.as_str()),
        ("Word", paragraphs.as_str()),
    ] {
        for expected in [
            "Ice on city property",
            "Three moves that held up.",
            "Read the order first.",
            "Signed within days; ask the city attorney for the text.",
            &ordinance,
            &parking,
        ] {
            assert!(text.contains(expected), "{format} holds {expected:?}");
        }
        assert!(
            !text.contains(&checklist),
            "{format} leaves the removed entry out"
        );
        let (first, second) = (text.find(&parking), text.rfind(&ordinance));
        assert!(first < second, "{format} keeps the order");
    }

    let list = alice
        .get("/briefs")
        .await
        .expect(StatusCode::OK, "your briefs")
        .html();
    assert_eq!(
        texts(&list, "#mine-heading + table tbody tr td:nth-child(1)"),
        ["Ice on city property"]
    );
    assert_eq!(
        texts(&list, "#mine-heading + table tbody tr td:nth-child(2)"),
        ["2"]
    );
}

#[tokio::test]
async fn who_may_open_a_saved_brief_follows_its_sharing() {
    let (data, app, team) = setup();
    let carol = data.account("carol@minneapolis.example", CITY_A, Role::Editor);
    let (mut alice, _) = signed_in(&data, &app, &team.alice);
    let id = save_brief(&mut alice, &[ORDINANCE], "Sharing").await;
    let mut failures = Vec::new();
    for sharing in ["private", "city", "network", "link"] {
        let mut form = edit_form(&mut alice, &id).await;
        form.set("sharing", sharing);
        alice
            .submit(&format!("/briefs/{id}/edit"), &form)
            .await
            .expect(StatusCode::SEE_OTHER, sharing);
        // Who opens it: (name, may open, a way to ask).
        let viewers: [(&str, bool, Option<&Account>, bool); 6] = [
            ("the owner", true, Some(&team.alice), false),
            ("an admin", true, Some(&team.admin), false),
            ("a colleague", sharing != "private", Some(&carol), false),
            (
                "another city",
                matches!(sharing, "network" | "link"),
                Some(&team.bob),
                false,
            ),
            (
                "another city's token",
                matches!(sharing, "network" | "link"),
                Some(&team.bob),
                true,
            ),
            ("anyone", sharing == "link", None, false),
        ];
        for (who, may_open, account, by_token) in viewers {
            for path in [
                format!("/briefs/{id}"),
                format!("/briefs/{id}/brief.md"),
                format!("/briefs/{id}/brief.docx"),
            ] {
                let reply = match (account, by_token) {
                    (Some(account), true) => {
                        app.api(Method::GET, &path, Some(&account.token), None)
                            .await
                    }
                    (Some(account), false) => signed_in(&data, &app, account).0.get(&path).await,
                    (None, _) => app.get(&path).await,
                };
                let expected = if may_open {
                    StatusCode::OK
                } else {
                    StatusCode::NOT_FOUND
                };
                if reply.status != expected {
                    failures.push(format!("{sharing}: {who} GET {path} → {}", reply.status));
                }
            }
        }
        let carol_list = signed_in(&data, &app, &carol)
            .0
            .get("/briefs")
            .await
            .expect(StatusCode::OK, "carol's briefs")
            .html();
        let listed = texts(&carol_list, "#shared-heading + table tbody td:nth-child(1)");
        let expected: Vec<String> = if sharing == "private" {
            vec![]
        } else {
            vec!["Sharing".to_owned()]
        };
        if listed != expected {
            failures.push(format!("{sharing}: a colleague's list shows {listed:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // An id that is not one is not found either, without reaching the store.
    assert_error_page(
        &app.get("/briefs/..%2Fetc").await,
        StatusCode::NOT_FOUND,
        "bad id",
    );
}

#[tokio::test]
async fn each_reader_sees_only_the_entries_they_may_read() {
    let (data, app, team) = setup();
    let mut hidden = entry("city-only-staging-plan", "quillwort");
    hidden["visibility"] = json!("jurisdiction");
    app.create(&team.alice.token, &hidden).await;
    let hidden_id = format!("{CITY_A}/city-only-staging-plan");
    let (mut alice, _) = signed_in(&data, &app, &team.alice);
    let id = save_brief(&mut alice, &[ADVICE, &hidden_id], "Mixed").await;
    let mut form = edit_form(&mut alice, &id).await;
    form.set("sharing", "link");
    form.set("note-1", "Our own plan: marshwort");
    alice
        .submit(&format!("/briefs/{id}/edit"), &form)
        .await
        .expect(StatusCode::SEE_OTHER, "shared by link");

    let advice = title_of(&app, ADVICE).await;
    // Anyone with the link, and another city's staff: one entry, counted as one.
    let (mut bob, _) = signed_in(&data, &app, &team.bob);
    for (who, reply) in [
        ("anyone", app.get(&format!("/briefs/{id}")).await),
        ("another city", bob.get(&format!("/briefs/{id}")).await),
    ] {
        let page = reply.expect(StatusCode::OK, who).html();
        assert_eq!(entry_titles(&page), [format!("1. {advice}")], "{who}");
        assert_eq!(
            texts(&page, ".brief-contents li").len(),
            1,
            "{who}: contents"
        );
        assert!(
            texts(&page, ".brief-cover dd").contains(&"1".to_owned()),
            "{who}: the cover counts one entry"
        );
        for secret in [
            "quillwort",
            "marshwort",
            hidden_id.as_str(),
            "Parking lot order",
        ] {
            assert!(
                !page.html().contains(secret),
                "{who} is not told of {secret}"
            );
        }
    }
    for format in ["brief.md", "brief.docx"] {
        let reply = app
            .get(&format!("/briefs/{id}/{format}"))
            .await
            .expect(StatusCode::OK, format);
        let text = if format.ends_with("docx") {
            docx_paragraphs(&reply.bytes).join("\n")
        } else {
            reply.body.clone()
        };
        assert!(text.contains(&advice), "{format}");
        assert!(
            !text.contains("marshwort") && !text.contains("quillwort"),
            "{format}"
        );
    }
    // The owner's city reads both, with the note.
    let page = alice
        .get(&format!("/briefs/{id}"))
        .await
        .expect(StatusCode::OK, "the owner")
        .html();
    assert_eq!(entry_titles(&page).len(), 2);
    assert!(page.html().contains("marshwort"));
}

#[tokio::test]
async fn only_the_owner_changes_a_brief_and_every_form_needs_its_token() {
    let (data, app, team) = setup();
    let (mut alice, alice_csrf) = signed_in(&data, &app, &team.alice);
    let id = save_brief(&mut alice, &[ORDINANCE, PARKING], "Mine").await;
    let mut form = edit_form(&mut alice, &id).await;
    form.set("sharing", "network");
    alice
        .submit(&format!("/briefs/{id}/edit"), &form)
        .await
        .expect(StatusCode::SEE_OTHER, "shared with the network");

    // Another city's editor can read it but not change, delete or add to it.
    let (mut bob, bob_csrf) = signed_in(&data, &app, &team.bob);
    bob.get(&format!("/briefs/{id}"))
        .await
        .expect(StatusCode::OK, "bob reads it");
    let page = bob.get(&format!("/briefs/{id}")).await.html();
    assert_eq!(
        count(&page, ".brief-sharing a"),
        0,
        "no edit link for a reader"
    );
    assert_error_page(
        &bob.get(&format!("/briefs/{id}/edit")).await,
        StatusCode::NOT_FOUND,
        "bob's edit form",
    );
    let mut bobs = form.clone();
    bobs.set("csrf_token", &bob_csrf).set("title", "Taken");
    for reply in [
        bob.submit(&format!("/briefs/{id}/edit"), &bobs).await,
        bob.post(
            &format!("/briefs/{id}/delete"),
            &[("csrf_token", &bob_csrf)],
        )
        .await,
        bob.post(
            "/briefs/add",
            &[("csrf_token", &bob_csrf), ("brief", &id), ("entry", ADVICE)],
        )
        .await,
    ] {
        assert_error_page(&reply, StatusCode::NOT_FOUND, "not bob's brief");
    }

    // The owner without the form's token is refused.
    let mut forged = form.clone();
    forged.set("csrf_token", "0000").set("title", "Forged");
    for reply in [
        alice.submit(&format!("/briefs/{id}/edit"), &forged).await,
        alice.post(&format!("/briefs/{id}/delete"), &[]).await,
        alice
            .post("/briefs/add", &[("brief", &id), ("entry", ADVICE)])
            .await,
        alice.post("/briefs", &[("ids", ADVICE)]).await,
    ] {
        assert_error_page(&reply, StatusCode::FORBIDDEN, "no CSRF token");
    }
    // Not signed in: sent to sign in.
    let reply = app.get("/briefs").await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert!(reply.header("location").starts_with("/login"));

    let page = alice.get(&format!("/briefs/{id}")).await.html();
    assert_eq!(one_text(&page, "h1"), "Mine", "nothing above changed it");
    assert_eq!(entry_titles(&page).len(), 2);

    // The owner deletes it: gone for everyone.
    alice
        .post(
            &format!("/briefs/{id}/delete"),
            &[("csrf_token", &alice_csrf)],
        )
        .await
        .expect_redirect("/briefs", "deleted");
    for reply in [
        alice.get(&format!("/briefs/{id}")).await,
        bob.get(&format!("/briefs/{id}")).await,
    ] {
        assert_error_page(&reply, StatusCode::NOT_FOUND, "deleted");
    }
}

#[tokio::test]
async fn a_refused_edit_keeps_what_was_typed_and_changes_nothing() {
    let (data, app, team) = setup();
    let (mut alice, _) = signed_in(&data, &app, &team.alice);
    let id = save_brief(&mut alice, &[ORDINANCE], "Before").await;
    let mut form = edit_form(&mut alice, &id).await;
    let long_note = "n".repeat(city_playbook::briefs::MAX_NOTE_CHARS + 1);
    form.set("title", "After")
        .set("intro", "An introduction worth keeping")
        .set("note-0", &long_note);
    let reply = alice.submit(&format!("/briefs/{id}/edit"), &form).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.body);
    let page = reply.html();
    assert!(one_text(&page, "[role=alert]").contains("too long"));
    assert_eq!(
        attr(&page, "#brief-title", "value"),
        "After",
        "the title typed"
    );
    assert_eq!(
        one_text(&page, "#brief-intro"),
        "An introduction worth keeping"
    );
    assert_eq!(one_text(&page, "#note-0"), long_note, "the note typed");
    let page = alice.get(&format!("/briefs/{id}")).await.html();
    assert_eq!(one_text(&page, "h1"), "Before", "nothing was saved");

    form.set("note-0", "short").set("position-0", "first");
    let reply = alice.submit(&format!("/briefs/{id}/edit"), &form).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert!(reply.html().html().contains("whole number"));
    // An entry the brief does not hold cannot be slipped in through the form.
    form.set("position-0", "1").set("entry-0", ADVICE);
    let reply = alice.submit(&format!("/briefs/{id}/edit"), &form).await;
    assert_error_page(&reply, StatusCode::BAD_REQUEST, "a foreign entry");
}

#[tokio::test]
async fn entries_are_added_to_a_saved_brief_from_their_pages() {
    let (data, app, team) = setup();
    let (mut alice, csrf) = signed_in(&data, &app, &team.alice);
    let page = alice.get(&format!("/entries/{ADVICE}")).await.html();
    assert_eq!(
        count(&page, "form.add-to-saved-brief"),
        0,
        "no saved brief yet"
    );

    let id = save_brief(&mut alice, &[ORDINANCE], "Growing").await;
    let page = alice
        .get(&format!("/entries/{ADVICE}"))
        .await
        .expect(StatusCode::OK, "entry page");
    assert_eq!(
        page.header("cache-control"),
        "no-store",
        "it carries a CSRF token"
    );
    let page = page.html();
    assert_eq!(
        attrs(&page, "form.add-to-saved-brief option", "value"),
        std::slice::from_ref(&id)
    );
    let fields = form_fields(&page, "form.add-to-saved-brief");
    let mut form = fields.clone();
    form.set("brief", &id);
    alice
        .submit("/briefs/add", &form)
        .await
        .expect_redirect(&format!("/briefs/{id}"), "added");
    // Twice is once.
    alice.submit("/briefs/add", &form).await;
    let page = alice.get(&format!("/briefs/{id}")).await.html();
    assert_eq!(entry_titles(&page).len(), 2);

    // An entry the owner may not read is not found, and not added.
    let mut hidden = entry("riverton-only", "sedgegrass");
    hidden["visibility"] = json!("jurisdiction");
    app.create(&team.bob.token, &hidden).await;
    let reply = alice
        .post(
            "/briefs/add",
            &[
                ("csrf_token", &csrf),
                ("brief", &id),
                ("entry", &format!("{CITY_B}/riverton-only")),
            ],
        )
        .await;
    assert_error_page(&reply, StatusCode::NOT_FOUND, "a hidden entry");
    let page = alice.get(&format!("/briefs/{id}")).await.html();
    assert_eq!(entry_titles(&page).len(), 2);
}

#[test]
fn an_account_keeps_a_bounded_number_of_briefs_each_of_bounded_size() {
    let data = DataDir::new();
    let alice = data.account("alice@minneapolis.example", CITY_A, Role::Editor);
    let store = SqliteStore::open(data.path()).expect("the store");
    let briefs = SavedBriefs::new(Arc::new(store));
    let user = city_playbook::store::AccountStore::user_by_email(data.store(), &alice.email)
        .expect("reads")
        .expect("alice");
    let content = |entries: usize| BriefContent {
        title: "A brief".into(),
        prepared_for: String::new(),
        intro: String::new(),
        sharing: Sharing::Private,
        items: (0..entries)
            .map(|n| BriefItem {
                entry: EntryId::parse(&format!("minnesota/entry-{n}")).expect("id"),
                note: String::new(),
            })
            .collect(),
    };
    let too_many = briefs.create(&user, content(MAX_ENTRIES + 1));
    assert!(too_many.is_err_and(|e| e.to_string().contains("at most")));
    let first = briefs
        .create(&user, content(MAX_ENTRIES))
        .expect("a full brief");
    let full = briefs.add_entry(
        &user,
        &first,
        EntryId::parse("minnesota/one-more").expect("id"),
    );
    assert!(full.is_err(), "a full brief takes no more");
    for _ in 1..MAX_BRIEFS_PER_ACCOUNT {
        briefs.create(&user, content(1)).expect("within the limit");
    }
    let over = briefs.create(&user, content(1));
    assert!(over.is_err_and(|e| e.to_string().contains("delete one first")));
    assert_eq!(
        briefs.of(&user).expect("lists").len(),
        MAX_BRIEFS_PER_ACCOUNT
    );
}

#[tokio::test]
async fn every_id_on_a_brief_page_is_unique() {
    let app = TestApp::new();
    let ids = [ORDINANCE, PARKING, CHECKLIST, ADVICE].join(",");
    let page = app.page(&format!("/brief?ids={ids}")).await;
    let all = attrs(&page, "[id]", "id");
    let unique: BTreeSet<&String> = all.iter().collect();
    assert_eq!(all.len(), unique.len(), "repeated ids: {all:?}");
    // The entries' own headings keep working anchors, one set per entry.
    assert!(
        all.iter().any(|id| id.starts_with("entry-3-section-")),
        "the checklist's headings: {all:?}"
    );
    for href in attrs(&page, "a[href^='#']", "href") {
        assert!(
            unique.contains(&href[1..].to_owned()),
            "{href} leads nowhere"
        );
    }
}
