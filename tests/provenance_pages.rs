//! Entry pages, source pages and the entry JSON show each quote's state (issue 16,
//! "Provenance in the product"), with a source's text stored and without: "Checked word for
//! word against the stored text of …", "Not found in the stored text of …", "Not checked: no
//! stored text", "Not checked: no declared source"; `/sources/{id}` lists the live entries
//! citing a source with their quotes, in context only when the declaration lets its text be
//! shown. Contributed entries cite a declared source or describe one, and get their states
//! when saved.
//!
//! The POLITICO article is never in the repository: tests that need it read
//! `<crate root>/../shared/sources/article.txt`, and say so and skip where it is absent,
//! except in CI (`CI=true`), where its absence is a failure.

mod support;

use std::path::Path;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use city_playbook::accounts::Accounts;
use city_playbook::config::Config;
use city_playbook::playbook::Slug;
use city_playbook::store::{Role, Stores};
use scraper::Html;
use serde_json::{Value, json};
use support::app::{Reply, TestApp, request};
use support::html::{attrs, texts};
use support::playbook::article;
use tempfile::TempDir;

/// The id the playbook declares the POLITICO article under.
const POLITICO: &str = "politico-operation-metro-surge";
/// Its declared title.
const POLITICO_TITLE: &str =
    "How Minnesota and Minneapolis officials handled Operation Metro Surge";
/// A curated entry citing it.
const FREY: &str = "minneapolis-mn/frey-three-points";

fn crate_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The app over a playbook folder, with a temp data dir and a temp folder of stored texts.
struct App {
    app: TestApp,
    data: TempDir,
    _texts: TempDir,
}

impl App {
    /// The app over `playbook_dir`, with `texts` (file name, text) as the stored texts.
    fn new(playbook_dir: &Path, texts: &[(&str, &str)]) -> App {
        let data = TempDir::new().expect("temp data dir");
        let folder = TempDir::new().expect("temp texts dir");
        for (name, text) in texts {
            std::fs::write(folder.path().join(name), text).expect("write a text");
        }
        let mut config = Config::new(playbook_dir, data.path());
        config.sources.path = Some(folder.path().to_owned());
        App {
            app: TestApp::with_config(config),
            data,
            _texts: folder,
        }
    }

    /// The app over the real playbook, with the article as the POLITICO source's text or
    /// with no text.
    fn real(article: Option<&str>) -> App {
        let name = format!("{POLITICO}.txt");
        let texts: Vec<(&str, &str)> = article.map(|a| (name.as_str(), a)).into_iter().collect();
        App::new(&crate_root().join("playbook"), &texts)
    }

    async fn send(
        &self,
        method: Method,
        uri: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> Reply {
        self.app.api(method, uri, token, body).await
    }

    async fn get(&self, uri: &str) -> Reply {
        self.app.get(uri).await
    }

    async fn page(&self, uri: &str) -> Html {
        self.app.page(uri).await
    }

    async fn json(&self, uri: &str) -> Value {
        self.app.json(uri, StatusCode::OK).await
    }

    /// A signed-in browser session of a new editor of `jurisdiction`: (cookie, CSRF token).
    fn session(&self, jurisdiction: &str) -> (String, String) {
        let stores = Stores::open_sqlite(self.data.path()).expect("the store opens");
        let accounts = Accounts::new(stores.accounts);
        let slug = Slug::parse(jurisdiction).expect("slug");
        let email = format!("editor@{jurisdiction}.example");
        let (_, one_time) = accounts
            .add_user(&email, &slug, Role::Editor)
            .expect("a user");
        let user = accounts
            .user_by_email(&email)
            .expect("reads")
            .expect("the user");
        let chosen = "a long and unusual passphrase 4821";
        accounts
            .change_password(&user, &one_time, chosen, chosen)
            .expect("changes")
            .expect("accepted");
        let user = accounts
            .user_by_email(&email)
            .expect("reads")
            .expect("the user");
        let token = accounts
            .start_session(&user, 1, "tests")
            .expect("a session");
        let csrf = accounts
            .session(&token)
            .expect("reads")
            .expect("the session")
            .csrf_token;
        (format!("cpb_session={token}"), csrf)
    }

    /// Sends a form (`fields`) with the session `cookie`.
    async fn post_form(&self, uri: &str, cookie: &str, fields: &[(&str, &str)]) -> Reply {
        let body: String = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(fields)
            .finish();
        let request = Request::builder()
            .method(Method::POST)
            .uri(uri)
            .header("cookie", cookie)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .expect("a request");
        self.app.send(request).await
    }

    /// `GET uri` as a page, with the session `cookie`.
    async fn page_as(&self, uri: &str, cookie: &str) -> Html {
        let reply = self
            .app
            .send(request(Method::GET, uri, &[("cookie", cookie)]))
            .await;
        assert_eq!(reply.status, StatusCode::OK, "GET {uri}");
        reply.html()
    }

    /// An API token of a new editor of `jurisdiction`.
    fn token(&self, jurisdiction: &str) -> String {
        let stores = Stores::open_sqlite(self.data.path()).expect("the store opens");
        let accounts = Accounts::new(stores.accounts);
        let slug = Slug::parse(jurisdiction).expect("slug");
        let email = format!("staff@{jurisdiction}.example");
        let (user, _) = accounts
            .add_user(&email, &slug, Role::Editor)
            .expect("a user");
        accounts.create_token(user, "tests").expect("a token")
    }
}

/// The states of every source of an entry's JSON.
fn states(entry: &Value) -> Vec<String> {
    entry["sources"]
        .as_array()
        .expect("sources")
        .iter()
        .map(|s| s["verification"].as_str().unwrap_or("(none)").to_owned())
        .collect()
}

#[tokio::test]
async fn with_the_article_stored_an_entry_says_each_quote_was_checked_word_for_word() {
    let Some(article) = article() else { return };
    let app = App::real(Some(&article));
    let page = app.page(&format!("/entries/{FREY}")).await;
    let states = texts(&page, "section.sources .verification");
    assert!(!states.is_empty());
    let checked = format!("Checked word for word against the stored text of {POLITICO_TITLE}");
    assert!(states.iter().all(|s| *s == checked), "{states:?}");
    assert_eq!(
        states.len(),
        texts(&page, "section.sources blockquote").len()
    );
    let links = attrs(&page, "section.sources .source-title a", "href");
    assert!(
        links
            .iter()
            .all(|href| *href == format!("/sources/{POLITICO}")),
        "{links:?}"
    );

    let entry = app.json(&format!("/api/entries/{FREY}")).await;
    for source in entry["sources"].as_array().expect("sources") {
        assert_eq!(source["source"], POLITICO, "{source}");
        assert_eq!(source["title"], POLITICO_TITLE, "{source}");
        assert_eq!(source["publisher"], "POLITICO", "{source}");
        assert_eq!(source["verification"], "verified", "{source}");
        assert!(source["quote"].is_string(), "{source}");
    }
}

#[tokio::test]
async fn without_a_stored_text_an_entry_says_its_quotes_were_not_checked() {
    let app = App::real(None);
    let page = app.page(&format!("/entries/{FREY}")).await;
    let states = texts(&page, "section.sources .verification");
    assert!(!states.is_empty());
    assert!(
        states.iter().all(|s| s == "Not checked: no stored text"),
        "{states:?}"
    );
    let entry = app.json(&format!("/api/entries/{FREY}")).await;
    assert!(states_are(&entry, "no-text"), "{entry}");
    assert!(
        entry["sources"]
            .as_array()
            .expect("sources")
            .iter()
            .all(|s| s["source"] == POLITICO && s["publisher"] == "POLITICO")
    );
}

fn states_are(entry: &Value, state: &str) -> bool {
    let states = states(entry);
    !states.is_empty() && states.iter().all(|s| s == state)
}

/// Every entry listed on every page of a source's page, and every quote shown.
async fn source_listing(app: &App, id: &str) -> (Vec<String>, Vec<String>, Vec<Html>) {
    let mut entries = Vec::new();
    let mut quotes = Vec::new();
    let mut pages = Vec::new();
    let mut next = Some(format!("/sources/{id}"));
    while let Some(uri) = next.take() {
        let page = app.page(&uri).await;
        entries.extend(attrs(&page, ".citing > li > h3 a", "href"));
        quotes.extend(texts(&page, ".citing blockquote"));
        next = attrs(&page, ".pagination a[rel=next]", "href").pop();
        pages.push(page);
        assert!(pages.len() < 20, "too many pages");
    }
    (entries, quotes, pages)
}

#[tokio::test]
async fn the_source_page_lists_every_entry_citing_it_without_showing_a_news_articles_text() {
    let article = article();
    let app = App::real(article.as_deref());
    let loaded = city_playbook::playbook::load_playbook(&crate_root().join("playbook"));
    let citing = loaded
        .playbook
        .entries
        .values()
        .filter(|e| {
            e.meta
                .sources()
                .iter()
                .any(|s| s.declared_id().is_some_and(|id| id.as_str() == POLITICO))
        })
        .count();
    let (entries, quotes, pages) = source_listing(&app, POLITICO).await;
    assert_eq!(entries.len(), citing, "{entries:?}");
    assert!(entries.contains(&format!("/entries/{FREY}")));
    assert_eq!(quotes.len(), loaded.playbook.quotes.of_declared.len());
    let first = &pages[0];
    assert_eq!(texts(first, "h1"), [POLITICO_TITLE]);
    assert!(texts(first, ".source-facts").concat().contains("POLITICO"));
    assert!(
        pages.iter().all(|p| texts(p, ".in-context").is_empty()),
        "a news article's text is never shown"
    );
    let note = texts(first, ".text-note").concat();
    let states: Vec<String> = pages
        .iter()
        .flat_map(|p| texts(p, ".citing .verification"))
        .collect();
    assert_eq!(states.len(), quotes.len());
    if article.is_some() {
        assert!(note.contains("The text itself is not shown"), "{note}");
        assert!(
            states
                .iter()
                .all(|s| s.starts_with("Checked word for word")),
            "{states:?}"
        );
    } else {
        assert!(note.contains("not stored here"), "{note}");
        assert!(
            states.iter().all(|s| s == "Not checked: no stored text"),
            "{states:?}"
        );
    }
}

#[tokio::test]
async fn an_unknown_source_is_the_sites_not_found_page() {
    let playbook = minutes_playbook();
    let app = App::new(playbook.path(), &[]);
    for uri in [
        "/sources/no-such-source",
        "/sources/Not_An_Id",
        "/sources/a%2F..%2Fb",
    ] {
        let reply = app.get(uri).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{uri}");
        let page = reply.html();
        assert_eq!(texts(&page, ".error-status"), ["Error 404"], "{uri}");
        assert_eq!(
            texts(&page, "a.skip-link").len(),
            1,
            "{uri}: in the site's layout"
        );
    }
}

/// A playbook of one city whose council minutes are a declared source that may be shown,
/// with an entry quoting it faithfully and one misquoting it.
fn minutes_playbook() -> TempDir {
    let dir = TempDir::new().expect("temp playbook");
    let write = |relative: &str, text: &str| {
        let path = dir.path().join(relative);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    };
    write(
        "riverton-or/_index.md",
        "+++\nname = \"Riverton\"\nstate = \"OR\"\nlevel = \"city\"\n+++\nA river town.\n",
    );
    write(
        "_sources/council-minutes.md",
        "+++\ntitle = \"Minutes of the Riverton council\"\npublisher = \"City of Riverton\"\nkind = \"report\"\npublished = 2026-03-04\nurl = \"https://riverton.example/minutes\"\ntext_may_be_shown = true\n+++\nThe council's public minutes.\n",
    );
    write(
        "riverton-or/keep-the-ferry.md",
        "+++\ntitle = \"Keep the ferry running\"\nsummary = \"S\"\nkind = \"practice\"\n\n[[sources]]\nsource = \"council-minutes\"\nquote = \"The mayor said \\\"the ferry stays open\\\" - whatever happens.\"\n\n[[sources]]\ntitle = \"Harbor memo\"\npublisher = \"Port of Riverton\"\nquote = \"Close the gate at dusk.\"\n+++\nBody.\n",
    );
    write(
        "riverton-or/misquoted.md",
        "+++\ntitle = \"A misquotation\"\nsummary = \"S\"\nkind = \"practice\"\n\n[[sources]]\nsource = \"council-minutes\"\nquote = \"The mayor said the ferry must close.\"\n+++\nBody.\n",
    );
    dir
}

const MINUTES: &str = "The council met at 7 p.m. on Tuesday. The mayor said \u{201C}the ferry stays open\u{201D} \u{2014} whatever happens. Members agreed. The meeting closed at nine.\nA second paragraph.\n";

#[tokio::test]
async fn a_stored_public_record_shows_each_quote_in_context_and_flags_a_misquote() {
    let playbook = minutes_playbook();
    let app = App::new(playbook.path(), &[("council-minutes.txt", MINUTES)]);

    let faithful = app.page("/entries/riverton-or/keep-the-ferry").await;
    assert_eq!(
        texts(&faithful, "section.sources .verification"),
        [
            "Checked word for word against the stored text of Minutes of the Riverton council",
            "Not checked: no declared source",
        ]
    );
    let misquoted = app.page("/entries/riverton-or/misquoted").await;
    assert_eq!(
        texts(&misquoted, "section.sources .verification"),
        ["Not found in the stored text of Minutes of the Riverton council"]
    );
    let json = app.json("/api/entries/riverton-or/keep-the-ferry").await;
    assert_eq!(states(&json), ["verified", "undeclared"]);
    assert_eq!(json["sources"][0]["source"], "council-minutes");
    assert_eq!(json["sources"][0]["date"], "2026-03-04");
    assert_eq!(
        json["sources"][0]["url"],
        "https://riverton.example/minutes"
    );
    assert!(json["sources"][1].get("source").is_none(), "{json}");
    assert_eq!(json["sources"][1]["title"], "Harbor memo");
    let json = app.json("/api/entries/riverton-or/misquoted").await;
    assert_eq!(states(&json), ["not-found"]);

    let page = app.page("/sources/council-minutes").await;
    assert_eq!(texts(&page, "h1"), ["Minutes of the Riverton council"]);
    assert_eq!(
        attrs(&page, ".source-facts a", "href"),
        ["https://riverton.example/minutes"]
    );
    let contexts = texts(&page, ".in-context");
    assert_eq!(
        contexts,
        [
            "In the stored text: The council met at 7 p.m. on Tuesday. The mayor said \u{201C}the ferry stays open\u{201D} \u{2014} whatever happens. Members agreed."
        ],
        "one sentence either side, the misquote has none"
    );
    assert_eq!(
        texts(&page, ".in-context mark"),
        ["The mayor said \u{201C}the ferry stays open\u{201D} \u{2014} whatever happens."]
    );
    let mut states = texts(&page, ".citing .verification");
    states.sort();
    assert_eq!(
        states,
        [
            "Checked word for word against the stored text of Minutes of the Riverton council",
            "Not found in the stored text of Minutes of the Riverton council",
        ]
    );
}

/// An entry for the write API citing `sources`.
fn contribution(slug: &str, sources: Value) -> Value {
    json!({
        "slug": slug,
        "title": "Keep the ferry running at night",
        "summary": "The council kept the ferry open.",
        "kind": "practice",
        "body_markdown": "Body.",
        "sources": sources,
        "message": "first draft",
    })
}

#[tokio::test]
async fn a_contributed_entry_gets_its_quotes_states_when_saved_and_read() {
    let playbook = minutes_playbook();
    let app = App::new(playbook.path(), &[("council-minutes.txt", MINUTES)]);
    let token = app.token("riverton-or");

    let body = contribution(
        "night-ferry",
        json!([
            {"source": "council-minutes", "quote": "Members agreed."},
            {"source": "council-minutes", "quote": "Members disagreed."},
            {"title": "Harbor memo", "publisher": "Port of Riverton", "quote": "Close the gate at dusk."},
        ]),
    );
    let created = app
        .send(Method::POST, "/api/entries", Some(&token), Some(&body))
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let created = created.json();
    assert_eq!(states(&created), ["verified", "not-found", "undeclared"]);
    assert_eq!(
        created["sources"][0]["title"],
        "Minutes of the Riverton council"
    );

    // What GET returns can be sent back: the declaration's details are read-only.
    let read = app.json("/api/entries/riverton-or/night-ferry").await;
    assert_eq!(states(&read), ["verified", "not-found", "undeclared"]);
    let mut edited = read.clone();
    edited["sources"][1]["quote"] = json!("The meeting closed at nine.");
    let updated = app
        .send(
            Method::PUT,
            "/api/entries/riverton-or/night-ferry",
            Some(&token),
            Some(&edited),
        )
        .await;
    assert_eq!(updated.status, StatusCode::OK, "{}", updated.body);
    assert_eq!(
        states(&updated.json()),
        ["verified", "verified", "undeclared"]
    );

    let page = app.page("/entries/riverton-or/night-ferry").await;
    assert_eq!(
        texts(&page, "section.sources .verification")[..2],
        [
            "Checked word for word against the stored text of Minutes of the Riverton council",
            "Checked word for word against the stored text of Minutes of the Riverton council",
        ]
    );
    let listed = attrs(
        &app.page("/sources/council-minutes").await,
        ".citing > li > h3 a",
        "href",
    );
    assert!(
        listed.contains(&"/entries/riverton-or/night-ferry".to_owned()),
        "{listed:?}"
    );

    // Retired, it is no longer listed as citing the source.
    let retired = app
        .send(
            Method::DELETE,
            "/api/entries/riverton-or/night-ferry",
            Some(&token),
            None,
        )
        .await;
    assert_eq!(retired.status, StatusCode::OK, "{}", retired.body);
    let listed = attrs(
        &app.page("/sources/council-minutes").await,
        ".citing > li > h3 a",
        "href",
    );
    assert!(
        !listed.contains(&"/entries/riverton-or/night-ferry".to_owned()),
        "{listed:?}"
    );
}

#[tokio::test]
async fn a_contribution_citing_an_undeclared_id_is_refused_at_its_field() {
    let playbook = minutes_playbook();
    let app = App::new(playbook.path(), &[]);
    let token = app.token("riverton-or");
    let body = contribution(
        "bad-source",
        json!([{"source": "no-such-source", "quote": "x"}]),
    );
    let refused = app
        .send(Method::POST, "/api/entries", Some(&token), Some(&body))
        .await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.body
    );
    assert_eq!(
        refused.json()["error"]["fields"]["sources[0].source"],
        "no declared source `no-such-source`"
    );
    let body = contribution(
        "no-text",
        json!([{"source": "council-minutes", "quote": "Members agreed."}]),
    );
    let saved = app
        .send(Method::POST, "/api/entries", Some(&token), Some(&body))
        .await;
    assert_eq!(saved.status, StatusCode::CREATED, "{}", saved.body);
    assert_eq!(states(&saved.json()), ["no-text"]);
}

#[tokio::test]
async fn the_editor_offers_the_declared_sources_and_saves_a_quote_of_one() {
    let playbook = minutes_playbook();
    let app = App::new(playbook.path(), &[("council-minutes.txt", MINUTES)]);
    let (cookie, csrf) = app.session("riverton-or");
    let form = app.page_as("/entries/new", &cookie).await;
    assert_eq!(
        attrs(&form, "select#source_source_0 option", "value"),
        ["", "council-minutes"]
    );
    assert_eq!(
        texts(&form, "label[for=source_source_0]"),
        ["Declared source"]
    );

    let mut fields = vec![
        ("csrf_token", csrf.as_str()),
        ("slug", "ferry-by-night"),
        ("title", "Run the ferry by night"),
        ("summary", "The council kept the ferry open."),
        ("kind", "practice"),
        ("body_markdown", "Body."),
        ("source_source_0", "council-minutes"),
        ("source_quote_0", "Members agreed."),
        ("action", "save"),
    ];
    let both = [fields.clone(), vec![("source_title_0", "Minutes")]].concat();
    let refused = app.post_form("/entries/new", &cookie, &both).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let page = refused.html();
    assert!(
        texts(&page, ".source .field-error")
            .iter()
            .any(|e| e == "leave it out: the declared source `council-minutes` gives it"),
        "{:?}",
        texts(&page, ".field-error")
    );

    fields.retain(|(name, _)| *name != "source_title_0");
    let saved = app.post_form("/entries/new", &cookie, &fields).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let page = app.page("/entries/riverton-or/ferry-by-night").await;
    assert_eq!(
        texts(&page, "section.sources .verification"),
        ["Checked word for word against the stored text of Minutes of the Riverton council"]
    );
    let edit = app
        .page_as("/entries/riverton-or/ferry-by-night/edit", &cookie)
        .await;
    assert_eq!(
        attrs(&edit, "select#source_source_0 option[selected]", "value"),
        ["council-minutes"]
    );
}
