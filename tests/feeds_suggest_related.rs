//! Atom feeds, the OpenSearch description, search-as-you-type suggestions and related entries
//! found from content, against the real router.

mod web_support;

use std::path::Path;

use axum::http::StatusCode;
use chrono::DateTime;
use serde_json::Value;
use tempfile::TempDir;
use web_support::{TestApp, assert_json_error, attrs, texts};

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
    let bad = app.get("/search.atom?kind=nonsense").await;
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
