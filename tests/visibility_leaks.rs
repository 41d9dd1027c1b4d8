//! The leak matrix (issue 14): viewers (anonymous, members of city A and of city B by session
//! and by API token, an admin, a revoked and a made-up token) × entries of city A (public,
//! network, A-only, A-draft) × every surface that lists, counts, suggests, links or serves an
//! entry. Each cell is checked against who may read what; every wrong cell is reported at once.
//! Besides the structured checks, no reply may mention a hidden entry at all (its id, its
//! unique word or its unique topic) unless the request itself named it.

mod support;

use std::collections::BTreeMap;
use std::fmt::Debug;

use axum::http::{Method, StatusCode};
use city_playbook::accounts::secrets::new_api_token;
use city_playbook::store::{AccountStore, Role};
use scraper::Html;
use serde_json::{Value, json};
use support::accounts::*;
use support::app::*;
use support::html::*;
use support::playbook::copy_dir;
use tempfile::TempDir;

/// A source the playbook declares, which every leak entry cites.
const POLITICO: &str = "politico-operation-metro-surge";
/// A quote of it, as the seed entry `minnesota/document-on-video` gives it.
const QUOTE: &str = "Publicly, Walz and Frey pleaded for protests to stay peaceful, and urged \
                     Minnesotans to document on video everything they saw. “Carry your phone \
                     with you at all times,” Walz said at the time.";
/// The kind every leak entry has (one seed entry has it too).
const KIND: &str = "training";

/// Who may read a leak entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Audience {
    /// `visibility = public`, published.
    Public,
    /// `visibility = network`, published.
    Network,
    /// `visibility = jurisdiction`, published.
    OwnCity,
    /// `visibility = public`, but a draft.
    Draft,
}

/// One entry of city A, findable alone by its word, its topic and its id.
#[derive(Debug)]
struct Leak {
    name: &'static str,
    slug: &'static str,
    word: &'static str,
    /// What suggestions are asked for: a prefix of `word`.
    prefix: &'static str,
    topic: &'static str,
    audience: Audience,
    /// Entries (of the leak matrix, by slug) it names as related.
    related: &'static [&'static str],
}

impl Leak {
    fn id(&self) -> String {
        format!("{CITY_A}/{}", self.slug)
    }

    fn href(&self) -> String {
        format!("/entries/{}", self.id())
    }

    /// The word with its last two letters swapped: a typo of it.
    fn typo(&self) -> String {
        let mut letters: Vec<char> = self.word.chars().collect();
        let n = letters.len();
        letters.swap(n - 1, n - 2);
        letters.into_iter().collect()
    }

    fn visibility(&self) -> &'static str {
        match self.audience {
            Audience::Public | Audience::Draft => "public",
            Audience::Network => "network",
            Audience::OwnCity => "jurisdiction",
        }
    }

    fn draft(&self) -> bool {
        self.audience == Audience::Draft
    }

    /// The body `POST /api/entries` takes.
    fn body(&self) -> Value {
        let mut body = entry(self.slug, self.word);
        body["kind"] = json!(KIND);
        body["topics"] = json!([self.topic]);
        body["visibility"] = json!(self.visibility());
        body["draft"] = json!(self.draft());
        let related: Vec<String> = self
            .related
            .iter()
            .map(|slug| format!("{CITY_A}/{slug}"))
            .chain([CURATED_ID.to_owned()])
            .collect();
        body["related"] = json!(related);
        body["sources"] = json!([{ "source": POLITICO, "quote": QUOTE }]);
        body
    }
}

/// The leak entries, in the order they are created (each names earlier ones as related).
const LEAKS: [Leak; 4] = [
    Leak {
        name: "A-only",
        slug: "lk-own",
        word: "leakownword",
        prefix: "leakownwo",
        topic: "lk-topic-own",
        audience: Audience::OwnCity,
        related: &[],
    },
    Leak {
        name: "A-draft",
        slug: "lk-draft",
        word: "leakdraftword",
        prefix: "leakdraftw",
        topic: "lk-topic-draft",
        audience: Audience::Draft,
        related: &["lk-own"],
    },
    Leak {
        name: "network",
        slug: "lk-network",
        word: "leaknetworkword",
        prefix: "leaknetwor",
        topic: "lk-topic-network",
        audience: Audience::Network,
        related: &["lk-own", "lk-draft"],
    },
    Leak {
        name: "public",
        slug: "lk-public",
        word: "leakpublicword",
        prefix: "leakpublic",
        topic: "lk-topic-public",
        audience: Audience::Public,
        related: &["lk-network", "lk-own", "lk-draft"],
    },
];

/// How far a viewer reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reach {
    /// Public entries only.
    Anonymous,
    /// Public and network entries (a member of city B).
    OtherCity,
    /// Everything of city A (a member of A, or an admin).
    Everything,
}

/// How a viewer's requests carry who they are.
#[derive(Debug, Clone)]
enum Credentials {
    None,
    Session(String),
    Token(String),
}

/// One viewer of the matrix.
#[derive(Debug, Clone)]
struct Viewer {
    name: String,
    credentials: Credentials,
    reach: Reach,
}

impl Viewer {
    fn new(name: &str, credentials: Credentials, reach: Reach) -> Viewer {
        Viewer {
            name: name.to_owned(),
            credentials,
            reach,
        }
    }

    /// Whether this viewer may read `leak`.
    fn sees(&self, leak: &Leak) -> bool {
        match self.reach {
            Reach::Everything => true,
            Reach::OtherCity => matches!(leak.audience, Audience::Public | Audience::Network),
            Reach::Anonymous => leak.audience == Audience::Public,
        }
    }

    /// How many leak entries this viewer may read.
    fn visible(&self) -> u64 {
        LEAKS.iter().filter(|leak| self.sees(leak)).count() as u64
    }

    /// Whether pages (which read the browser session, not tokens) are fetched as this viewer:
    /// session viewers, the anonymous one, and tokens that must read as anonymous anyway.
    fn reads_pages(&self) -> bool {
        !matches!(self.credentials, Credentials::Token(_)) || self.reach == Reach::Anonymous
    }

    /// `GET uri` as this viewer.
    async fn get(&self, app: &TestApp, uri: &str) -> Reply {
        let header = match &self.credentials {
            Credentials::None => None,
            Credentials::Session(cookie) => Some(("cookie", format!("cpb_session={cookie}"))),
            Credentials::Token(token) => Some(("authorization", format!("Bearer {token}"))),
        };
        let headers: Vec<(&str, &str)> = header
            .iter()
            .map(|(name, value)| (*name, value.as_str()))
            .collect();
        app.send(request(Method::GET, uri, &headers)).await
    }
}

/// The wrong cells found so far.
#[derive(Default)]
struct Wrong(Vec<String>);

impl Wrong {
    /// A cell where the viewer must see the leak entry exactly when they may read it.
    fn shows(&mut self, surface: &str, viewer: &Viewer, leak: &Leak, seen: bool) {
        let expected = viewer.sees(leak);
        if seen != expected {
            self.0.push(format!(
                "{surface} | {} | {} entry: expected {}, got {}",
                viewer.name,
                leak.name,
                shown(expected),
                shown(seen)
            ));
        }
    }

    /// A cell where the viewer may or may not see the leak entry, but never a hidden one.
    fn never_hidden(&mut self, surface: &str, viewer: &Viewer, leak: &Leak, seen: bool) {
        if seen && !viewer.sees(leak) {
            self.0.push(format!(
                "{surface} | {} | {} entry: expected hidden, got shown",
                viewer.name, leak.name
            ));
        }
    }

    /// A cell with an expected value.
    fn equal<T: PartialEq + Debug>(&mut self, surface: &str, viewer: &Viewer, expected: T, got: T) {
        if expected != got {
            self.0.push(format!(
                "{surface} | {}: expected {expected:?}, got {got:?}",
                viewer.name
            ));
        }
    }

    /// A status cell: 200 when the viewer may read the leak entry, else 404 (never 403).
    fn status(&mut self, surface: &str, viewer: &Viewer, leak: &Leak, reply: &Reply) {
        let expected = if viewer.sees(leak) {
            StatusCode::OK
        } else {
            StatusCode::NOT_FOUND
        };
        if reply.status != expected {
            self.0.push(format!(
                "{surface} | {} | {} entry: expected {expected}, got {}",
                viewer.name, leak.name, reply.status
            ));
        }
    }

    /// No reply mentions an entry hidden from its viewer (its id, word or topic), except the
    /// entry the request named (`named`, whose id or word the reply may echo).
    fn scan(&mut self, surface: &str, viewer: &Viewer, reply: &Reply, named: Option<&Leak>) {
        for leak in LEAKS.iter().filter(|leak| !viewer.sees(leak)) {
            if named.is_some_and(|named| named.slug == leak.slug) {
                continue;
            }
            let marks = [leak.id(), leak.word.to_owned(), leak.topic.to_owned()];
            let found: Vec<&String> = marks.iter().filter(|m| reply.body.contains(*m)).collect();
            if !found.is_empty() {
                self.0.push(format!(
                    "{surface} | {} | {} entry: the reply mentions {found:?}",
                    viewer.name, leak.name
                ));
            }
        }
    }

    fn assert_none(self, what: &str) {
        assert!(
            self.0.is_empty(),
            "{what}: {} wrong cells:\n  {}",
            self.0.len(),
            self.0.join("\n  ")
        );
    }
}

fn shown(seen: bool) -> &'static str {
    if seen { "shown" } else { "hidden" }
}

fn encoded(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// The number in a `p.result-count` ("3 entries · …", "1–20 of 31 entries", "No entries found").
fn result_count(page: &Html) -> Option<u64> {
    let text = texts(page, "p.result-count").into_iter().next()?;
    if text.starts_with("No entries") && !text.contains(" in all") {
        return Some(0);
    }
    let after = match text.split_once(" of ") {
        Some((_, rest)) => rest,
        None => text.trim_start_matches("No entries on this page: "),
    };
    after.split_whitespace().next()?.parse().ok()
}

/// A page and the pages after it (`rel=next`): their replies.
async fn all_pages(app: &TestApp, viewer: &Viewer, uri: &str) -> Vec<Reply> {
    let mut replies = Vec::new();
    let mut next = Some(uri.to_owned());
    while let Some(uri) = next.take() {
        let reply = viewer.get(app, &uri).await;
        if reply.status == StatusCode::OK {
            next = attrs(&reply.html(), ".pagination a[rel=next]", "href").pop();
        }
        replies.push(reply);
        assert!(replies.len() < 20, "{uri}: too many pages");
    }
    replies
}

/// The counts of the site before the leak entries are added (every seed entry is public, so
/// every viewer sees the same); after, each is this plus the leak entries the viewer reads.
#[derive(Debug, Default)]
struct Baseline {
    counts: BTreeMap<&'static str, u64>,
}

impl Baseline {
    async fn read(app: &TestApp) -> Baseline {
        let anonymous = Viewer::new("baseline", Credentials::None, Reach::Anonymous);
        let mut counts = BTreeMap::new();
        for (name, value) in counts_of(app, &anonymous).await {
            counts.insert(name, value.unwrap_or_else(|| panic!("baseline {name}")));
        }
        Baseline { counts }
    }
}

/// Every count the leak entries add to, as `viewer` reads it (None when it cannot be read).
async fn counts_of(app: &TestApp, viewer: &Viewer) -> Vec<(&'static str, Option<u64>)> {
    let search = viewer.get(app, "/api/search?limit=1").await.json();
    let listing = viewer
        .get(app, &format!("/api/entries?jurisdiction={CITY_A}&limit=1"))
        .await
        .json();
    let jurisdictions = viewer.get(app, "/api/jurisdictions").await.json();
    let city_a = jurisdictions["jurisdictions"]
        .as_array()
        .and_then(|all| all.iter().find(|j| j["slug"] == CITY_A))
        .and_then(|j| j["entries"].as_u64());
    let mut counts = vec![
        ("/api/search total", search["total"].as_u64()),
        (
            "/api/search facets jurisdiction",
            search["facets"]["jurisdiction"][CITY_A].as_u64(),
        ),
        (
            "/api/search facets kind",
            search["facets"]["kind"][KIND].as_u64(),
        ),
        ("/api/entries?jurisdiction total", listing["total"].as_u64()),
        ("/api/jurisdictions entries", city_a),
    ];
    if viewer.reads_pages() {
        let page_count = |uri: String| async move {
            let reply = viewer.get(app, &uri).await;
            (reply.status == StatusCode::OK)
                .then(|| result_count(&reply.html()))
                .flatten()
        };
        counts.extend([
            ("/search total", page_count("/search".into()).await),
            (
                "/jurisdictions page total",
                page_count(format!("/jurisdictions/{CITY_A}")).await,
            ),
            (
                "/kinds page total",
                page_count(format!("/kinds/{KIND}")).await,
            ),
            (
                "/sources page total",
                page_count(format!("/sources/{POLITICO}")).await,
            ),
        ]);
    }
    counts
}

/// The viewers: everyone the matrix reads as.
fn viewers(data: &DataDir, team: &Team) -> Vec<Viewer> {
    let session = |account: &Account| Credentials::Session(data.session(account).0);
    let token = |account: &Account| Credentials::Token(account.token.clone());
    // A token of alice's (who reads everything of A), revoked.
    let (revoked, prefix, hash) = new_api_token().expect("a token");
    data.store()
        .add_token(team.alice.id, "to revoke", &prefix, &hash)
        .expect("the token is added");
    assert!(
        data.store()
            .revoke_token(Some(team.alice.id), &prefix)
            .expect("revokes"),
        "the token was revoked"
    );
    vec![
        Viewer::new("anonymous", Credentials::None, Reach::Anonymous),
        Viewer::new("A session", session(&team.alice), Reach::Everything),
        Viewer::new("A token", token(&team.alice), Reach::Everything),
        Viewer::new("B session", session(&team.bob), Reach::OtherCity),
        Viewer::new("B token", token(&team.bob), Reach::OtherCity),
        Viewer::new("admin session", session(&team.admin), Reach::Everything),
        Viewer::new("admin token", token(&team.admin), Reach::Everything),
        Viewer::new(
            "revoked A token",
            Credentials::Token(revoked),
            Reach::Anonymous,
        ),
        Viewer::new(
            "made-up token",
            Credentials::Token("cpb_not-a-real-token".into()),
            Reach::Anonymous,
        ),
    ]
}

/// Creates the leak entries as alice, through the API.
async fn create_leaks(app: &TestApp, team: &Team) {
    for leak in &LEAKS {
        let created = app.create(&team.alice.token, &leak.body()).await;
        assert_eq!(created["id"], leak.id().as_str(), "{}", leak.name);
        assert_eq!(created["visibility"], leak.visibility(), "{}", leak.name);
        assert_eq!(created["draft"], leak.draft(), "{}", leak.name);
    }
}

#[tokio::test]
async fn every_viewer_sees_exactly_what_they_may_read_on_every_surface() {
    let (data, app, team) = setup();
    let baseline = Baseline::read(&app).await;
    create_leaks(&app, &team).await;
    let viewers = viewers(&data, &team);

    let mut wrong = Wrong::default();
    for viewer in &viewers {
        api_surfaces(&app, viewer, &mut wrong).await;
        counts(&app, viewer, &baseline, &mut wrong).await;
        feeds(&app, viewer, &mut wrong).await;
        if viewer.reads_pages() {
            page_surfaces(&app, viewer, &mut wrong).await;
        }
    }
    wrong.assert_none("the leak matrix");
}

/// Search, suggest, entry, revisions, listing, topics, compare as JSON.
async fn api_surfaces(app: &TestApp, viewer: &Viewer, wrong: &mut Wrong) {
    for leak in &LEAKS {
        // Search by the entry's unique word: its hit, and a total of 0 when hidden.
        let reply = viewer
            .get(app, &format!("/api/search?q={}&limit=100", leak.word))
            .await;
        wrong.scan("/api/search?q=word", viewer, &reply, Some(leak));
        let json = reply.json();
        let hits = ids_of(&json["hits"]);
        wrong.shows(
            "/api/search?q=word hits",
            viewer,
            leak,
            hits.contains(&leak.id()),
        );
        let total = u64::from(viewer.sees(leak));
        wrong.equal(
            &format!("/api/search?q={} total", leak.word),
            viewer,
            Some(total),
            json["total"].as_u64(),
        );
        let topic_facet = json["facets"]["topic"][leak.topic].as_u64().unwrap_or(0);
        wrong.equal(
            &format!("/api/search?q={} facet topic", leak.word),
            viewer,
            total,
            topic_facet,
        );

        // A near miss of the word: typo forgiveness and "did you mean" never reach a hidden
        // entry or name its word.
        let typo = leak.typo();
        let reply = viewer
            .get(app, &format!("/api/search?q={typo}&limit=100"))
            .await;
        wrong.scan("/api/search?q=typo", viewer, &reply, None);
        let hits = ids_of(&reply.json()["hits"]);
        wrong.never_hidden(
            "/api/search?q=typo",
            viewer,
            leak,
            hits.contains(&leak.id()),
        );
        let reply = viewer.get(app, &format!("/api/suggest?q={typo}")).await;
        wrong.scan("/api/suggest?q=typo", viewer, &reply, None);

        // Suggestions for a prefix of the word.
        let reply = viewer
            .get(app, &format!("/api/suggest?q={}", leak.prefix))
            .await;
        wrong.scan("/api/suggest", viewer, &reply, Some(leak));
        let ids = ids_of(&reply.json()["suggestions"]);
        wrong.shows("/api/suggest", viewer, leak, ids.contains(&leak.id()));

        // The entry, its revisions.
        let reply = viewer.get(app, &api_path(&leak.id())).await;
        wrong.status("GET /api/entries/{id}", viewer, leak, &reply);
        wrong.scan("GET /api/entries/{id}", viewer, &reply, Some(leak));
        if reply.status == StatusCode::OK {
            let json = reply.json();
            wrong.equal(
                &format!("GET /api/entries/{} visibility", leak.id()),
                viewer,
                json!(leak.visibility()),
                json["visibility"].clone(),
            );
            wrong.equal(
                &format!("GET /api/entries/{} draft", leak.id()),
                viewer,
                json!(leak.draft()),
                json["draft"].clone(),
            );
        }
        let uri = format!("{}/revisions", api_path(&leak.id()));
        let reply = viewer.get(app, &uri).await;
        wrong.status("GET /api/entries/{id}/revisions", viewer, leak, &reply);
        wrong.scan(
            "GET /api/entries/{id}/revisions",
            viewer,
            &reply,
            Some(leak),
        );

        // Compare by the word.
        let reply = viewer
            .get(app, &format!("/api/compare?q={}", leak.word))
            .await;
        wrong.scan("/api/compare?q=word", viewer, &reply, Some(leak));
        wrong.shows(
            "/api/compare?q=word",
            viewer,
            leak,
            reply.status == StatusCode::OK && reply.body.contains(&leak.id()),
        );
    }

    // The city's listing, and the facets of everything.
    let reply = viewer
        .get(
            app,
            &format!("/api/entries?jurisdiction={CITY_A}&limit=100"),
        )
        .await;
    wrong.scan("/api/entries?jurisdiction", viewer, &reply, None);
    let listed = ids_of(&reply.json()["entries"]);
    let reply = viewer.get(app, "/api/search?limit=1").await;
    wrong.scan("/api/search?limit=1", viewer, &reply, None);
    let facets = reply.json()["facets"]["topic"].clone();
    let reply = viewer.get(app, "/api/topics").await;
    wrong.scan("/api/topics", viewer, &reply, None);
    let topics = reply.json()["topics"].clone();
    let reply = viewer.get(app, "/api/jurisdictions").await;
    wrong.scan("/api/jurisdictions", viewer, &reply, None);
    let reply = viewer
        .get(app, &format!("/api/compare?jurisdiction={CITY_A}"))
        .await;
    wrong.scan("/api/compare?jurisdiction", viewer, &reply, None);
    for leak in &LEAKS {
        wrong.shows(
            "/api/entries?jurisdiction",
            viewer,
            leak,
            listed.contains(&leak.id()),
        );
        wrong.shows(
            "/api/search facets topic",
            viewer,
            leak,
            facets[leak.topic].as_u64().is_some(),
        );
        let listed_topic = topics
            .as_array()
            .and_then(|all| all.iter().find(|t| t["slug"] == leak.topic));
        wrong.shows("/api/topics", viewer, leak, listed_topic.is_some());
        if let Some(topic) = listed_topic {
            wrong.equal(
                &format!("/api/topics {} entries", leak.topic),
                viewer,
                Some(1),
                topic["entries"].as_u64(),
            );
        }
        wrong.shows(
            "/api/compare?jurisdiction",
            viewer,
            leak,
            reply.body.contains(&leak.id()),
        );
    }
}

/// Totals and facet counts: the baseline plus what the viewer reads, no more.
async fn counts(app: &TestApp, viewer: &Viewer, baseline: &Baseline, wrong: &mut Wrong) {
    for (name, got) in counts_of(app, viewer).await {
        let base = baseline.counts.get(name).copied().unwrap_or_default();
        wrong.equal(name, viewer, Some(base + viewer.visible()), got);
    }
}

/// The Atom feeds are anonymous: public entries only, whoever asks.
async fn feeds(app: &TestApp, viewer: &Viewer, wrong: &mut Wrong) {
    let anonymous = Viewer::new(&viewer.name, viewer.credentials.clone(), Reach::Anonymous);
    let reply = viewer.get(app, "/feed.atom").await;
    wrong.scan("/feed.atom", &anonymous, &reply, None);
    for leak in &LEAKS {
        wrong.shows(
            "/feed.atom",
            &anonymous,
            leak,
            reply.body.contains(&leak.href()),
        );
        let reply = viewer
            .get(app, &format!("/search.atom?q={}", leak.word))
            .await;
        wrong.scan("/search.atom?q=word", &anonymous, &reply, Some(leak));
        wrong.shows(
            "/search.atom?q=word",
            &anonymous,
            leak,
            reply.body.contains(&leak.href()),
        );
    }
}

/// The HTML pages, read with the browser session.
async fn page_surfaces(app: &TestApp, viewer: &Viewer, wrong: &mut Wrong) {
    for leak in &LEAKS {
        let id = leak.id();
        // Search and compare pages by the word.
        let reply = viewer.get(app, &format!("/search?q={}", leak.word)).await;
        wrong.scan("/search?q=word", viewer, &reply, Some(leak));
        let page = reply.html();
        wrong.shows(
            "/search?q=word hits",
            viewer,
            leak,
            hit_ids(&page).contains(&id),
        );
        wrong.equal(
            &format!("/search?q={} total", leak.word),
            viewer,
            Some(u64::from(viewer.sees(leak))),
            result_count(&page),
        );
        let reply = viewer.get(app, &format!("/search?q={}", leak.typo())).await;
        wrong.scan("/search?q=typo", viewer, &reply, None);
        let reply = viewer.get(app, &format!("/compare?q={}", leak.word)).await;
        wrong.scan("/compare?q=word", viewer, &reply, Some(leak));
        wrong.shows(
            "/compare?q=word",
            viewer,
            leak,
            reply.body.contains(&leak.href()),
        );
        let reply = viewer
            .get(app, &format!("/compare.csv?q={}", leak.word))
            .await;
        wrong.scan("/compare.csv?q=word", viewer, &reply, Some(leak));
        wrong.shows(
            "/compare.csv?q=word",
            viewer,
            leak,
            reply.status == StatusCode::OK && reply.body.contains(&format!("order {}", leak.word)),
        );

        // The entry's own pages: 200 or 404, never 403.
        let pages = [
            ("entry page", leak.href()),
            ("history page", format!("{}/history", leak.href())),
            ("revision page", format!("{}/history/1", leak.href())),
            ("/brief", format!("/brief?ids={}", encoded(&id))),
            ("/brief.md", format!("/brief.md?ids={}", encoded(&id))),
            ("/brief.docx", format!("/brief.docx?ids={}", encoded(&id))),
            (
                "/compare/entries",
                format!("/compare/entries?ids={}", encoded(&id)),
            ),
        ];
        for (surface, uri) in pages {
            let reply = viewer.get(app, &uri).await;
            wrong.status(surface, viewer, leak, &reply);
            // The docx is zipped; what the revision page mentions is checked on its own, in
            // `a_revision_page_names_no_entry_its_reader_may_not_read`.
            if !matches!(surface, "/brief.docx" | "revision page") {
                wrong.scan(surface, viewer, &reply, Some(leak));
            }
        }

        // Related links on the entry's page: those named by hand shown when readable, and
        // no link (named or found by content) to what the viewer may not read.
        if viewer.sees(leak) {
            let reply = viewer.get(app, &leak.href()).await;
            let links = attrs(&reply.html(), "nav.related a", "href");
            for other in LEAKS.iter().filter(|other| other.slug != leak.slug) {
                let linked = links.contains(&other.href());
                let surface = format!("related links on the {} entry", leak.name);
                if leak.related.contains(&other.slug) {
                    wrong.shows(&surface, viewer, other, linked);
                } else {
                    wrong.never_hidden(&surface, viewer, other, linked);
                }
            }
        }

        // The topic's page: 404 when its only entry is hidden.
        let reply = viewer.get(app, &format!("/topics/{}", leak.topic)).await;
        wrong.status("/topics/{topic}", viewer, leak, &reply);
        wrong.scan("/topics/{topic}", viewer, &reply, Some(leak));
    }

    // Listings of many entries: which leak entries they list, and nothing hidden anywhere.
    let listings = [
        ("/jurisdictions/{A}", format!("/jurisdictions/{CITY_A}")),
        ("/kinds/{kind}", format!("/kinds/{KIND}")),
        ("/search browse", format!("/search?jurisdiction={CITY_A}")),
        ("/sources/{id}", format!("/sources/{POLITICO}")),
    ];
    for (surface, uri) in listings {
        let replies = all_pages(app, viewer, &uri).await;
        let mut linked = Vec::new();
        for reply in &replies {
            wrong.scan(surface, viewer, reply, None);
            linked.extend(attrs(&reply.html(), "main a", "href"));
        }
        for leak in &LEAKS {
            wrong.shows(surface, viewer, leak, linked.contains(&leak.href()));
        }
    }

    // Pages that show a few entries: nothing hidden, and related links of the curated entry
    // every leak entry names as related.
    for (surface, uri) in [
        ("home page", "/".to_owned()),
        ("what's new", "/whats-new".to_owned()),
        ("search page", "/search".to_owned()),
        ("curated entry page", format!("/entries/{CURATED_ID}")),
        ("compare page", "/compare".to_owned()),
    ] {
        let reply = viewer.get(app, &uri).await;
        wrong.equal(surface, viewer, StatusCode::OK, reply.status);
        wrong.scan(surface, viewer, &reply, None);
    }
    // The brief and the side by side of the public entry with a hidden one name neither.
    let public = &LEAKS[3];
    for leak in LEAKS.iter().filter(|leak| !viewer.sees(leak)) {
        let ids = encoded(&format!("{},{}", public.id(), leak.id()));
        for uri in [
            format!("/brief?ids={ids}"),
            format!("/compare/entries?ids={ids}"),
        ] {
            let reply = viewer.get(app, &uri).await;
            wrong.status(
                &format!("{uri} (with the public one)"),
                viewer,
                leak,
                &reply,
            );
        }
    }
}

/// What a viewer finds of one entry, by its word: search total, suggestion, the entry by the
/// API, its page (for viewers who read pages), each checked against `expected`.
async fn expect_found(
    app: &TestApp,
    viewer: &Viewer,
    leak: &Leak,
    expected: bool,
    phase: &str,
    wrong: &mut Wrong,
) {
    let json = viewer
        .get(app, &format!("/api/search?q={}", leak.word))
        .await
        .json();
    let found = json["total"].as_u64() == Some(1) && ids_of(&json["hits"]) == [leak.id()];
    let hidden = json["total"].as_u64() == Some(0);
    let surface = format!("{phase}: /api/search?q=word");
    wrong.equal(&surface, viewer, (expected, !expected), (found, hidden));
    let facets = viewer.get(app, "/api/search?limit=1").await.json();
    let faceted = facets["facets"]["topic"][leak.topic].as_u64().is_some();
    let surface = format!("{phase}: /api/search facets topic");
    wrong.equal(&surface, viewer, expected, faceted);
    let reply = viewer
        .get(app, &format!("/api/suggest?q={}", leak.prefix))
        .await;
    let suggested = ids_of(&reply.json()["suggestions"]).contains(&leak.id());
    wrong.equal(
        &format!("{phase}: /api/suggest"),
        viewer,
        expected,
        suggested,
    );
    let status = |readable: bool| {
        if readable {
            StatusCode::OK
        } else {
            StatusCode::NOT_FOUND
        }
    };
    let reply = viewer.get(app, &api_path(&leak.id())).await;
    let surface = format!("{phase}: GET /api/entries/{{id}}");
    wrong.equal(&surface, viewer, status(expected), reply.status);
    if viewer.reads_pages() {
        let reply = viewer.get(app, &leak.href()).await;
        let surface = format!("{phase}: entry page");
        wrong.equal(&surface, viewer, status(expected), reply.status);
        let page = viewer
            .get(app, &format!("/search?q={}", leak.word))
            .await
            .html();
        let surface = format!("{phase}: /search?q=word hits");
        wrong.equal(&surface, viewer, expected, hit_ids(&page) == [leak.id()]);
    }
}

#[tokio::test]
async fn publishing_a_draft_shows_it_everywhere_at_once_and_unpublishing_hides_it() {
    let (data, app, team) = setup();
    let viewers = viewers(&data, &team);
    let draft = &LEAKS[1];
    assert!(draft.draft(), "the draft of the matrix");
    let mut body = draft.body();
    body["related"] = json!([CURATED_ID]);
    let created = app.create(&team.alice.token, &body).await;
    assert_eq!(created["draft"], true);

    let mut wrong = Wrong::default();
    for viewer in &viewers {
        let expected = viewer.reach == Reach::Everything;
        expect_found(&app, viewer, draft, expected, "a draft", &mut wrong).await;
    }

    // Publish with If-Match, as an editor's client would.
    let read = app
        .api(
            Method::GET,
            &api_path(&draft.id()),
            Some(&team.alice.token),
            None,
        )
        .await
        .expect(StatusCode::OK, "alice reads her draft");
    let etag = read.header("etag").to_owned();
    assert!(!etag.is_empty(), "an ETag");
    body["draft"] = json!(false);
    body["message"] = json!("Publish");
    let put = axum::http::Request::builder()
        .method(Method::PUT)
        .uri(api_path(&draft.id()))
        .header("authorization", format!("Bearer {}", team.alice.token))
        .header("content-type", "application/json")
        .header("if-match", etag)
        .body(axum::body::Body::from(body.to_string()))
        .expect("a request");
    let published = app.send(put).await.expect(StatusCode::OK, "publish").json();
    assert_eq!(published["draft"], false);
    for viewer in &viewers {
        expect_found(&app, viewer, draft, true, "published", &mut wrong).await;
    }

    // Unpublish without If-Match.
    body["draft"] = json!(true);
    body["message"] = json!("Back to draft");
    let unpublished = app
        .put_entry(&team.alice.token, &draft.id(), &body)
        .await
        .expect(StatusCode::OK, "unpublish")
        .json();
    assert_eq!(unpublished["draft"], true);
    for viewer in &viewers {
        let expected = viewer.reach == Reach::Everything;
        expect_found(&app, viewer, draft, expected, "unpublished", &mut wrong).await;
    }
    wrong.assert_none("publishing and unpublishing");

    // Both are revisions, with who and when.
    let revisions = app
        .api(
            Method::GET,
            &format!("{}/revisions", api_path(&draft.id())),
            Some(&team.alice.token),
            None,
        )
        .await
        .expect(StatusCode::OK, "alice reads the revisions")
        .json();
    let list = revisions["revisions"].as_array().expect("revisions");
    let actions: Vec<&str> = list.iter().filter_map(|r| r["action"].as_str()).collect();
    assert_eq!(actions, ["create", "publish", "unpublish"], "{revisions}");
    for revision in list {
        assert!(
            revision["author"].as_str().is_some_and(|a| !a.is_empty()),
            "who: {revision}"
        );
        assert!(
            revision["created_at"]
                .as_str()
                .is_some_and(|t| !t.is_empty()),
            "when: {revision}"
        );
    }
}

#[tokio::test]
async fn a_curated_network_entry_is_read_by_members_only() {
    let playbook = TempDir::new().expect("temp playbook dir");
    copy_dir(&support::playbook::real_playbook_dir(), playbook.path());
    let curated = Leak {
        name: "curated network",
        slug: "lk-curated-network",
        word: "leakcuratedword",
        prefix: "leakcurated",
        topic: "lk-topic-curated",
        audience: Audience::Network,
        related: &[],
    };
    let text = support::playbook::entry(&format!("Staff coordination {}", curated.word))
        .summary(&format!("How staff coordinate ({}).", curated.word))
        .kind("coordination")
        .topics(&[curated.topic])
        .body(&format!(
            "## What happened\n\nStaff met daily. {}",
            curated.word
        ))
        .to_file_text();
    let text = text.replacen("+++\n", "+++\nvisibility = \"network\"\n", 1);
    std::fs::write(playbook.path().join(format!("{}.md", curated.id())), text)
        .expect("write the curated entry");

    let data = DataDir::new();
    let team = Team {
        alice: data.account("alice@minneapolis.example", CITY_A, Role::Editor),
        bob: data.account("bob@riverton.example", CITY_B, Role::Editor),
        admin: data.account("admin@playbook.example", "minnesota", Role::Admin),
    };
    let app = TestApp::over_data_dir(playbook.path(), data.path());
    let viewers = viewers(&data, &team);
    let mut wrong = Wrong::default();
    for viewer in &viewers {
        let expected = viewer.reach != Reach::Anonymous;
        expect_found(&app, viewer, &curated, expected, "curated", &mut wrong).await;
        let feed = viewer.get(&app, "/feed.atom").await;
        wrong.equal(
            "curated: /feed.atom",
            viewer,
            false,
            feed.body.contains(&curated.href()),
        );
    }
    wrong.assert_none("a curated network entry");
}

/// The revision (diff) page of an entry the viewer may read shows its text, front matter
/// included: its `related` list names only entries the viewer may read, as the entry page and
/// `GET /api/entries/{id}` do (it once named hidden entries' ids).
#[tokio::test]
async fn a_revision_page_names_no_entry_its_reader_may_not_read() {
    let (data, app, team) = setup();
    create_leaks(&app, &team).await;
    let mut wrong = Wrong::default();
    for viewer in viewers(&data, &team).iter().filter(|v| v.reads_pages()) {
        for leak in LEAKS.iter().filter(|leak| viewer.sees(leak)) {
            let reply = viewer
                .get(&app, &format!("{}/history/1", leak.href()))
                .await;
            wrong.equal("revision page", viewer, StatusCode::OK, reply.status);
            let surface = format!("revision page of the {} entry", leak.name);
            wrong.scan(&surface, viewer, &reply, Some(leak));
        }
    }
    wrong.assert_none("the revision page");
}

/// A hidden entry answers exactly as an entry that does not exist, so its existence does not
/// leak: to writes, to the editor, and when another city names it as related (B's PUT, DELETE
/// and editor once answered 403 for a hidden A entry, 404 for a missing one, and B could name
/// a hidden entry as related).
#[tokio::test]
async fn writes_answer_for_a_hidden_entry_as_for_a_missing_one() {
    let (data, app, team) = setup();
    create_leaks(&app, &team).await;
    let missing = format!("{CITY_A}/lk-never-written");
    let bob = Viewer::new(
        "B session",
        Credentials::Session(data.session(&team.bob).0),
        Reach::OtherCity,
    );
    let anonymous = Viewer::new("anonymous", Credentials::None, Reach::Anonymous);
    let mut wrong = Wrong::default();
    for leak in LEAKS.iter().filter(|leak| !bob.sees(leak)) {
        let id = leak.id();
        // Writes with B's token, and without one.
        for token in [Some(team.bob.token.as_str()), None] {
            let who = if token.is_some() {
                "B token"
            } else {
                "anonymous"
            };
            let viewer = Viewer::new(who, Credentials::None, Reach::OtherCity);
            for method in [Method::PUT, Method::DELETE] {
                let body = (method == Method::PUT).then(|| leak.body());
                let hidden = app
                    .api(method.clone(), &api_path(&id), token, body.as_ref())
                    .await;
                let absent = app
                    .api(method.clone(), &api_path(&missing), token, body.as_ref())
                    .await;
                let surface = format!("{method} /api/entries/{{id}} of the {} entry", leak.name);
                wrong.equal(&surface, &viewer, absent.status, hidden.status);
            }
        }
        // The editor, as B and anonymously.
        for viewer in [&bob, &anonymous] {
            let hidden = viewer.get(&app, &format!("{}/edit", leak.href())).await;
            let absent = viewer.get(&app, &format!("/entries/{missing}/edit")).await;
            let surface = format!("edit page of the {} entry", leak.name);
            wrong.equal(&surface, viewer, absent.status, hidden.status);
        }
        // B's own entry naming it as related.
        let slug = format!("lk-b-names-{}", leak.slug);
        let named = |related: &str| {
            let mut body = entry(&slug, "leakbnamesword");
            body["related"] = json!([related]);
            body
        };
        let hidden = app.post_entry(&team.bob.token, &named(&id)).await;
        let absent = app.post_entry(&team.bob.token, &named(&missing)).await;
        let surface = format!("POST naming the {} entry as related", leak.name);
        let bob_token = Viewer::new("B token", Credentials::None, Reach::OtherCity);
        wrong.equal(&surface, &bob_token, absent.status, hidden.status);
    }
    wrong.assert_none("hidden entries answer as missing ones");
}
