//! Atom feeds, the OpenSearch description, search-as-you-type suggestions and related entries
//! found from content, against the real router.

mod support;

use city_playbook::playbook::Reader;

use std::path::Path;

use axum::http::StatusCode;
use chrono::DateTime;
use city_playbook::playbook::{EntryId, Playbook};
use city_playbook::search::{IndexedEntry, MAX_SUGGESTIONS, SearchIndex};
use city_playbook::web::paths;
use serde_json::Value;
use support::app::{TestApp, assert_json_error};
use support::html::{attrs, texts};
use support::playbook::{FixturePlaybook, load_valid, real_playbook_dir};
use support::search::index_of;
use tempfile::TempDir;

const ATOM: &str = "http://www.w3.org/2005/Atom";

/// The text of the first child element `name` of `node`.
fn child_text<'a>(node: roxmltree::Node<'a, 'a>, name: &str) -> Option<&'a str> {
    node.children()
        .find(|c| c.has_tag_name((ATOM, name)))
        .and_then(|c| c.text())
}

/// Parses an Atom feed and checks the elements RFC 4287 requires; returns (title, link) of
/// each entry.
fn parse_atom(xml: &str) -> Vec<(String, String)> {
    let doc = roxmltree::Document::parse(xml).expect("the feed is well-formed XML");
    let feed = doc.root_element();
    assert!(feed.has_tag_name((ATOM, "feed")), "root is atom:feed");
    for required in ["id", "title", "updated"] {
        assert!(child_text(feed, required).is_some(), "feed has {required}");
    }
    let updated = child_text(feed, "updated").expect("feed updated");
    DateTime::parse_from_rfc3339(updated).expect("feed updated is RFC 3339");
    assert!(
        feed.children()
            .any(|c| c.has_tag_name((ATOM, "link")) && c.attribute("rel") == Some("self")),
        "feed has a self link"
    );
    feed.children()
        .filter(|c| c.has_tag_name((ATOM, "entry")))
        .map(|entry| {
            let id = child_text(entry, "id").expect("entry id");
            let title = child_text(entry, "title").expect("entry title");
            let updated = child_text(entry, "updated").expect("entry updated");
            DateTime::parse_from_rfc3339(updated).expect("entry updated is RFC 3339");
            let link = entry
                .children()
                .find(|c| c.has_tag_name((ATOM, "link")))
                .and_then(|l| l.attribute("href"))
                .expect("entry link");
            assert_eq!(id, link, "an entry's id is its permalink");
            (title.to_owned(), link.to_owned())
        })
        .collect()
}

#[tokio::test]
async fn the_feed_is_valid_atom_listing_every_entry() {
    let app = TestApp::new();
    let reply = app.get("/feed.atom").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(
        reply
            .header("content-type")
            .starts_with("application/atom+xml")
    );
    let entries = parse_atom(&reply.body);
    let total = app.json("/api/search", StatusCode::OK).await["total"]
        .as_u64()
        .expect("total");
    assert_eq!(entries.len() as u64, total);
    assert!(entries.iter().all(|(_, link)| link.starts_with("http://")));
}

#[tokio::test]
async fn a_search_feed_follows_the_query_and_filters() {
    let app = TestApp::new();
    let reply = app.get("/search.atom?q=guard&kind=checklist").await;
    assert_eq!(reply.status, StatusCode::OK);
    let entries = parse_atom(&reply.body);
    assert_eq!(entries.len(), 1, "{entries:?}");
    assert!(
        entries[0]
            .1
            .ends_with("/entries/minneapolis-mn/national-guard-request-checklist")
    );
    // A well-formed value no entry has matches nothing; a malformed one is refused.
    let unknown = app.get("/search.atom?kind=nonsense").await;
    assert_eq!(unknown.status, StatusCode::OK);
    assert!(parse_atom(&unknown.body).is_empty());
    let bad = app.get("/search.atom?kind=Not%20a%20kind").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn every_page_links_the_opensearch_description_and_the_feed() {
    let app = TestApp::new();
    for uri in [
        "/",
        "/search?q=guard",
        "/entries/minneapolis-mn/frey-three-points",
        "/about",
    ] {
        let page = app.page(uri).await;
        assert_eq!(
            attrs(
                &page,
                r#"link[rel="search"][type="application/opensearchdescription+xml"]"#,
                "href"
            ),
            vec!["/opensearch.xml"],
            "{uri}"
        );
        assert_eq!(
            attrs(
                &page,
                r#"link[rel="alternate"][type="application/atom+xml"]"#,
                "href"
            ),
            vec!["/feed.atom"],
            "{uri}"
        );
    }
    let reply = app.get("/opensearch.xml").await;
    assert!(
        reply
            .header("content-type")
            .starts_with("application/opensearchdescription+xml")
    );
    let doc = roxmltree::Document::parse(&reply.body).expect("well-formed XML");
    let root = doc.root_element();
    assert!(root.has_tag_name((
        "http://a9.com/-/spec/opensearch/1.1/",
        "OpenSearchDescription"
    )));
    let templates: Vec<&str> = root
        .children()
        .filter(|c| c.has_tag_name("Url") || c.tag_name().name() == "Url")
        .filter_map(|c| c.attribute("template"))
        .collect();
    assert!(
        templates
            .iter()
            .any(|t| t.ends_with("/search?q={searchTerms}")),
        "{templates:?}"
    );
    assert!(
        templates.iter().any(|t| t.contains("/api/suggest?")),
        "{templates:?}"
    );
}

fn suggestion_ids(body: &Value) -> Vec<String> {
    body["suggestions"]
        .as_array()
        .expect("suggestions")
        .iter()
        .map(|s| s["id"].as_str().expect("id").to_owned())
        .collect()
}

#[tokio::test]
async fn suggestions_complete_the_last_word_and_forgive_typos() {
    let app = TestApp::new();
    let checklist = "minneapolis-mn/national-guard-request-checklist";
    for typed in ["natio", "national gu", "natinal gua", "checklist for req"] {
        let uri = format!("/api/suggest?q={}", typed.replace(' ', "+"));
        let body = app.json(&uri, StatusCode::OK).await;
        let ids = suggestion_ids(&body);
        assert!(ids.iter().any(|id| id == checklist), "{typed}: {ids:?}");
        assert!(ids.len() <= 8);
        assert_eq!(body["query"], typed);
    }
    let body = app.json("/api/suggest?q=parking+lo", StatusCode::OK).await;
    assert_eq!(
        suggestion_ids(&body).first().map(String::as_str),
        Some("minneapolis-mn/parking-lot-executive-order")
    );
    assert!(suggestion_ids(&app.json("/api/suggest?q=", StatusCode::OK).await).is_empty());
    assert!(suggestion_ids(&app.json("/api/suggest?q=zzzzqqq", StatusCode::OK).await).is_empty());
    let long = format!("/api/suggest?q={}", "a".repeat(600));
    assert_json_error(
        &app.get(&long).await,
        StatusCode::BAD_REQUEST,
        "bad_request",
        "a long suggestion query",
    );
}

#[tokio::test]
async fn suggestions_use_the_synonyms_and_pass_over_a_questions_filler() {
    let app = TestApp::new();
    let suggest = |typed: &str| {
        let uri = format!("/api/suggest?q={}", typed.replace(' ', "+"));
        let app = &app;
        async move { suggestion_ids(&app.json(&uri, StatusCode::OK).await) }
    };
    let ordinance = "minneapolis-mn/separation-ordinance";
    // No title says "sanctuary": its synonyms' titles are suggested, as search finds them.
    for typed in ["sanctuary", "sanctuary ", "sanctu"] {
        let ids = suggest(typed).await;
        assert!(ids.iter().any(|id| id == ordinance), "{typed}: {ids:?}");
    }
    // A question's words no title holds are passed over; the words that matter still count.
    let checklist = "minneapolis-mn/national-guard-request-checklist";
    for typed in [
        "how do we get the national guard",
        "how do we request the guard",
    ] {
        let ids = suggest(typed).await;
        assert!(ids.iter().any(|id| id == checklist), "{typed}: {ids:?}");
    }
    assert!(suggest("zzzzqqq yyyyxxx").await.is_empty());
}

#[tokio::test]
async fn suggestions_come_in_the_opensearch_format_when_asked() {
    let app = TestApp::new();
    let body = app
        .json("/api/suggest?q=natio&format=opensearch", StatusCode::OK)
        .await;
    let array = body.as_array().expect("an array");
    assert_eq!(array[0], "natio");
    let titles = array[1].as_array().expect("titles");
    assert!(
        titles
            .iter()
            .any(|t| t.as_str().is_some_and(|t| t.contains("National Guard")))
    );
}

/// Suggestion ids for `typed`, straight from the index.
fn suggested(index: &SearchIndex, typed: &str) -> Vec<String> {
    index
        .suggest(typed, &Reader::Anonymous)
        .unwrap_or_else(|e| panic!("suggest {typed:?}: {e}"))
        .into_iter()
        .map(|s| s.id)
        .collect()
}

/// A playbook whose titles exercise each ranking rule of suggestions.
fn parking_playbook() -> FixturePlaybook {
    let titles = [
        ("park-rangers", "Park rangers on duty"),
        ("parking-garage", "Parking garage closures downtown tonight"),
        ("parking-meters", "Parking meters"),
        ("parking-permits", "Parking permits for residents"),
        ("parkway-repairs", "Parkway repairs"),
        ("harbor-curfew", "Harbor curfew plan"),
        ("harbr-curfew", "Harbr curfew notice"),
        ("curfue-drill", "Curfue drill"),
    ];
    titles.iter().fold(
        FixturePlaybook::new().jurisdiction("testville", "Testville", Some("MN"), "city"),
        |playbook, (slug, title)| {
            playbook.entry(
                &format!("testville/{slug}"),
                support::playbook::entry(title),
            )
        },
    )
}

fn testville(slugs: &[&str]) -> Vec<String> {
    slugs
        .iter()
        .map(|slug| format!("testville/{slug}"))
        .collect()
}

#[test]
fn suggestions_rank_the_typed_word_then_frequent_completions_then_short_titles() {
    let fixture = parking_playbook();
    let (_data, index) = index_of(&fixture.load());
    // "park" itself, then "parking" (three titles, shortest first), then "parkway" (one).
    assert_eq!(
        suggested(&index, "park"),
        testville(&[
            "park-rangers",
            "parking-meters",
            "parking-permits",
            "parking-garage",
            "parkway-repairs",
        ])
    );
    // A space after the word: the whole word only (four letters allow no typo).
    assert_eq!(suggested(&index, "park "), testville(&["park-rangers"]));
    assert_eq!(
        suggested(&index, "parking m"),
        testville(&["parking-meters"])
    );
    assert_eq!(
        suggested(&index, "PARKING   Perm"),
        testville(&["parking-permits"])
    );
}

#[test]
fn suggestions_forgive_typos_but_rank_exact_matches_first() {
    let fixture = parking_playbook();
    let (_data, index) = index_of(&fixture.load());
    // Under four letters the prefix must match as typed.
    assert!(suggested(&index, "pqr").is_empty());
    // From four, one typo: every match is a typo, the more frequent completion first.
    assert_eq!(
        suggested(&index, "parj"),
        testville(&[
            "parking-meters",
            "parking-permits",
            "parking-garage",
            "park-rangers",
            "parkway-repairs",
        ])
    );
    // Completing the prefix as typed beats holding a typo of it.
    let curfew = suggested(&index, "curfe");
    assert_eq!(curfew.len(), 3, "{curfew:?}");
    assert_eq!(curfew[2], "testville/curfue-drill", "{curfew:?}");
    // A word before the last found as typed beats one found through a typo.
    assert_eq!(
        suggested(&index, "harbor cu"),
        testville(&["harbor-curfew", "harbr-curfew"])
    );
    assert_eq!(
        suggested(&index, "harbro curfew p"),
        testville(&["harbor-curfew"]),
        "a typo of a word before the last"
    );
    // The first letter is never a typo, as in search.
    assert!(suggested(&index, "barking m").is_empty());
    // Stop words before the last are ignored; a word in no title matches nothing.
    assert_eq!(
        suggested(&index, "the parking for m"),
        testville(&["parking-meters"])
    );
    assert!(suggested(&index, "parking zzyzx m").is_empty());
}

/// Whether some word of `title` (as the index splits and folds it) starts with `prefix`.
fn has_word_starting_with(title: &str, prefix: &str) -> bool {
    title
        .split(|c: char| !c.is_alphanumeric())
        .any(|word| word.to_lowercase().starts_with(prefix))
}

#[test]
fn a_one_letter_prefix_fills_the_list_with_titles_holding_a_word_so_starting() {
    let playbook: Playbook = load_valid(&real_playbook_dir());
    let (_data, index) = index_of(&playbook);
    let titles: Vec<&str> = playbook.entries.values().map(|e| e.meta.title()).collect();
    for letter in ["a", "c", "f", "g", "m", "n", "o", "p", "r", "s", "t"] {
        let holding = titles
            .iter()
            .filter(|t| has_word_starting_with(t, letter))
            .count();
        let suggestions = index.suggest(letter, &Reader::Anonymous).expect("suggest");
        assert_eq!(suggestions.len(), holding.min(MAX_SUGGESTIONS), "{letter}");
        for suggestion in &suggestions {
            assert!(
                has_word_starting_with(&suggestion.title, letter),
                "{letter}: {:?}",
                suggestion.title
            );
        }
        let mut ids: Vec<&str> = suggestions.iter().map(|s| s.id.as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), suggestions.len(), "{letter}: no entry twice");
    }
}

/// An entry of the fixture's jurisdiction, as the write path indexes it.
fn contributed(playbook: &Playbook, slug: &str, title: &str) -> IndexedEntry {
    let model = playbook
        .entries
        .values()
        .next()
        .expect("the fixture has entries");
    let jurisdiction = playbook
        .jurisdictions
        .get(model.jurisdiction())
        .expect("jurisdiction");
    IndexedEntry {
        id: EntryId::parse(&format!("testville/{slug}")).expect("id"),
        title: title.to_owned(),
        ..IndexedEntry::new(model, jurisdiction)
    }
}

#[test]
fn warming_the_index_after_a_write_readies_suggestions_without_a_slow_first_request() {
    let fixture = parking_playbook();
    let playbook = fixture.load();
    let (_data, index) = index_of(&playbook);
    let zephyr = contributed(&playbook, "zephyr-lot", "Zephyr parking lot");
    let before = index.generation();
    index.upsert(&zephyr, Some(1)).expect("upsert");
    assert_ne!(index.generation(), before, "a write is a new generation");
    assert!(
        index.suggest_if_ready("zeph", &Reader::Anonymous).is_none(),
        "not read yet"
    );

    index.warm().expect("warm");
    let ready = index
        .suggest_if_ready("zeph", &Reader::Anonymous)
        .expect("ready after warming")
        .expect("suggest");
    assert_eq!(ready[0].id, "testville/zephyr-lot");
}

#[test]
fn suggestions_follow_every_write_at_once() {
    let fixture = parking_playbook();
    let playbook = fixture.load();
    let (_data, index) = index_of(&playbook);
    assert!(suggested(&index, "zeph").is_empty());

    let zephyr = contributed(&playbook, "zephyr-lot", "Zephyr parking lot");
    index.upsert(&zephyr, Some(1)).expect("upsert");
    // The write made a segment whose words are not read yet: the cheap path declines...
    assert!(index.suggest_if_ready("zeph", &Reader::Anonymous).is_none());
    assert_eq!(suggested(&index, "zeph"), testville(&["zephyr-lot"]));
    // ...until `suggest` has read them.
    let ready = index
        .suggest_if_ready("zeph", &Reader::Anonymous)
        .expect("ready")
        .expect("suggest");
    assert_eq!(ready[0].id, "testville/zephyr-lot");
    assert_eq!(suggested(&index, "parking lo"), testville(&["zephyr-lot"]));
    let first = &index
        .suggest("zephyr p", &Reader::Anonymous)
        .expect("suggest")[0];
    assert_eq!(first.title, "Zephyr parking lot");
    assert_eq!(paths::entry(&first.id), "/entries/testville/zephyr-lot");
    assert_eq!(first.jurisdiction, "Testville");

    // Renamed: found by its new title only.
    let renamed = IndexedEntry {
        title: "Quillon parking lot".into(),
        ..zephyr.clone()
    };
    index.upsert(&renamed, Some(2)).expect("update");
    assert!(suggested(&index, "zeph").is_empty());
    assert_eq!(suggested(&index, "quil"), testville(&["zephyr-lot"]));
    assert_eq!(
        suggested(&index, "parking lo"),
        testville(&["zephyr-lot"]),
        "replaced, not duplicated"
    );

    // Several more writes (each a new segment), then removals.
    for i in 0..5 {
        let entry = contributed(&playbook, &format!("lot-{i}"), &format!("Quillon lot {i}"));
        index.upsert(&entry, Some(3 + i)).expect("upsert");
    }
    assert_eq!(suggested(&index, "quil").len(), 6);
    index.remove(&renamed.id, Some(10)).expect("remove");
    let left = suggested(&index, "quil");
    assert_eq!(left.len(), 5);
    assert!(
        !left.contains(&"testville/zephyr-lot".to_owned()),
        "{left:?}"
    );
    assert!(suggested(&index, "parking lo").is_empty());
    index
        .remove(
            &EntryId::parse("testville/parking-meters").expect("id"),
            Some(11),
        )
        .expect("remove a playbook entry");
    assert_eq!(
        suggested(&index, "parking"),
        testville(&["parking-permits", "parking-garage"])
    );
}

#[tokio::test]
async fn a_contributed_entry_is_suggested_as_soon_as_it_is_saved_and_not_once_retired() {
    let (_data, app, team) = support::accounts::setup();
    let suggest = |typed: &'static str| {
        let app = &app;
        async move {
            let reply = app.get(&format!("/api/suggest?q={typed}")).await;
            assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
            suggestion_ids(&reply.json())
        }
    };
    assert!(suggest("zephyrl").await.is_empty());
    let created = app
        .create(
            &team.alice.token,
            &support::accounts::entry("zephyr-lot", "zephyrlot"),
        )
        .await;
    let id = created["id"].as_str().expect("id").to_owned();
    assert_eq!(suggest("zephyrl").await, [id.as_str()]);
    assert_eq!(suggest("parking+lot+order+zeph").await, [id.as_str()]);
    app.delete_entry(&team.alice.token, &id)
        .await
        .expect(StatusCode::OK, "retire");
    assert!(suggest("zephyrl").await.is_empty());
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().expect("parent")).expect("folder");
    std::fs::write(path, text).expect("write");
}

fn entry(title: &str, body: &str) -> String {
    format!(
        "+++\ntitle = \"{title}\"\nsummary = \"A test entry.\"\nkind = \"guidance\"\n+++\n{body}\n"
    )
}

#[tokio::test]
async fn entry_pages_list_entries_related_by_content_not_only_by_hand() {
    let dir = TempDir::new().expect("playbook dir");
    let root = dir.path();
    write(
        &root.join("testville/_index.md"),
        "+++\nname = \"Testville\"\nlevel = \"city\"\n+++\nA fictional city.\n",
    );
    let shared = "curfew curfew checkpoint barricade sandbags floodwater evacuation";
    write(
        &root.join("testville/flood-plan.md"),
        &entry("Flood plan", shared),
    );
    write(
        &root.join("testville/levee-drill.md"),
        &entry("Levee drill", shared),
    );
    write(
        &root.join("testville/library-hours.md"),
        &entry("Library hours", "books reading loans catalogue"),
    );
    let app = TestApp::over(root);
    let page = app.page("/entries/testville/flood-plan").await;
    let related = texts(&page, "nav.related a");
    assert!(related.iter().any(|t| t == "Levee drill"), "{related:?}");
    assert!(
        !related
            .iter()
            .any(|t| t == "Library hours" || t == "Flood plan"),
        "{related:?}"
    );
}
