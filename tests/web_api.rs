//! The JSON API, driven through the real router: field shapes, repeated filters, bounds, errors,
//! CORS, agreement with the search page, and every response checked against the OpenAPI
//! document the app serves.

mod support;

use std::collections::BTreeSet;

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use support::api_document::{assert_valid, check_reply, resolve, response_schema, validate};
use support::app::{TestApp, assert_json_error, assert_security_headers, openapi, request};
use support::html::hit_ids;

const CHECKLIST: &str = "minneapolis-mn/national-guard-request-checklist";

/// An object's keys.
fn keys(value: &Value) -> BTreeSet<&str> {
    value
        .as_object()
        .unwrap_or_else(|| panic!("not an object: {value}"))
        .keys()
        .map(String::as_str)
        .collect()
}

/// A set of names.
fn names<'a>(list: &[&'a str]) -> BTreeSet<&'a str> {
    list.iter().copied().collect()
}

/// The `id` of each item of a JSON array.
fn ids(items: &Value) -> Vec<String> {
    items
        .as_array()
        .unwrap_or_else(|| panic!("not an array: {items}"))
        .iter()
        .map(|item| item["id"].as_str().expect("an id").to_owned())
        .collect()
}

/// The strings of a JSON array.
fn ids_of(list: &Value) -> Vec<&str> {
    list.as_array()
        .unwrap_or_else(|| panic!("not an array: {list}"))
        .iter()
        .filter_map(Value::as_str)
        .collect()
}

#[tokio::test]
async fn search_has_exactly_the_documented_fields() {
    let body = TestApp::new()
        .json("/api/search?q=guard&limit=2", StatusCode::OK)
        .await;
    assert_eq!(
        keys(&body),
        names(&[
            "query", "total", "offset", "limit", "hits", "facets", "took_ms", "warnings"
        ])
    );
    assert_eq!(body["query"], "guard");
    assert_eq!(body["limit"], 2);
    assert_eq!(body["offset"], 0);
    assert!(body["total"].as_u64().is_some_and(|t| t >= 3), "{body}");
    assert!(body["took_ms"].as_f64().is_some_and(|t| t >= 0.0));
    let hits = body["hits"].as_array().expect("hits");
    assert_eq!(hits.len(), 2);
    for hit in hits {
        assert_eq!(
            keys(hit),
            names(&[
                "id",
                "url",
                "title",
                "jurisdiction",
                "kind",
                "topics",
                "summary",
                "date",
                "status",
                "updated",
                "snippet",
                "score"
            ])
        );
        assert_eq!(
            keys(&hit["jurisdiction"]),
            names(&["slug", "name", "state", "level"])
        );
        let id = hit["id"].as_str().expect("id");
        assert_eq!(hit["url"], format!("/entries/{id}"));
        assert!(hit["score"].as_f64().is_some_and(|s| s > 0.0));
    }
    assert!(
        hits.iter()
            .any(|h| h["snippet"].as_str().is_some_and(|s| s.contains("<mark>")))
    );
    assert_eq!(
        keys(&body["facets"]),
        names(&["jurisdiction", "kind", "topic", "state", "level"])
    );
    let kinds: u64 = body["facets"]["kind"]
        .as_object()
        .expect("kind counts")
        .values()
        .filter_map(Value::as_u64)
        .sum();
    assert_eq!(
        Some(kinds),
        body["total"].as_u64(),
        "facets count every match"
    );
}

#[tokio::test]
async fn repeated_filters_are_or_ed_together() {
    let app = TestApp::new();
    let total = |body: &Value| body["total"].as_u64().expect("total");
    let checklists = app
        .json("/api/search?kind=checklist&limit=100", StatusCode::OK)
        .await;
    let practices = app
        .json("/api/search?kind=practice&limit=100", StatusCode::OK)
        .await;
    let both = app
        .json(
            "/api/search?kind=checklist&kind=practice&limit=100",
            StatusCode::OK,
        )
        .await;
    assert!(total(&checklists) >= 1 && total(&practices) >= 1);
    assert_eq!(total(&both), total(&checklists) + total(&practices));
    for hit in both["hits"].as_array().expect("hits") {
        assert!(
            hit["kind"] == "checklist" || hit["kind"] == "practice",
            "{hit}"
        );
    }

    let everything = app.json("/api/search?limit=100", StatusCode::OK).await;
    let both_places = app
        .json(
            "/api/search?jurisdiction=minnesota&jurisdiction=minneapolis-mn&limit=100",
            StatusCode::OK,
        )
        .await;
    assert_eq!(total(&both_places), total(&everything));
}

#[tokio::test]
async fn out_of_range_parameters_are_400_envelopes() {
    let app = TestApp::new();
    let long = format!("/api/search?q={}", "a".repeat(600));
    for uri in [
        "/api/search?q=guard&limit=0",
        "/api/search?q=guard&limit=101",
        "/api/search?q=guard&offset=10001",
        "/api/search?q=guard&limit=abc",
        "/api/search?q=guard&offset=-1",
        "/api/search?q=guard&limit=1.5",
        "/api/search?sort=bogus",
        "/api/search?q=kind:Bad_Kind!",
        "/api/search?topic=Not%20a%20topic",
        "/api/search?q=-only",
        long.as_str(),
        "/api/entries?limit=0",
        "/api/entries?offset=abc",
    ] {
        let reply = app.get(uri).await;
        assert_json_error(&reply, StatusCode::BAD_REQUEST, "bad_request", uri);
        assert_security_headers(&reply, uri);
    }
}

#[tokio::test]
async fn limits_at_the_bounds_are_accepted() {
    let app = TestApp::new();
    for uri in [
        "/api/search?limit=1",
        "/api/search?limit=100",
        "/api/search?offset=10000",
    ] {
        app.json(uri, StatusCode::OK).await;
    }
    let far = app
        .json("/api/search?q=guard&offset=10000", StatusCode::OK)
        .await;
    assert_eq!(far["hits"], json!([]));
    assert!(far["total"].as_u64().is_some_and(|t| t > 0));
}

#[tokio::test]
async fn entries_can_be_listed_by_kind() {
    let body = TestApp::new()
        .json("/api/entries?kind=checklist", StatusCode::OK)
        .await;
    assert_eq!(
        keys(&body),
        names(&["total", "offset", "limit", "entries", "warnings"])
    );
    let entries = body["entries"].as_array().expect("entries");
    assert_eq!(Some(entries.len() as u64), body["total"].as_u64());
    assert!(entries.iter().all(|e| e["kind"] == "checklist"), "{body}");
    assert!(ids(&body["entries"]).contains(&CHECKLIST.to_owned()));
    assert_eq!(
        keys(&entries[0]),
        names(&[
            "id",
            "url",
            "title",
            "jurisdiction",
            "kind",
            "topics",
            "summary",
            "date",
            "status"
        ])
    );
}

#[tokio::test]
async fn an_entry_comes_in_full() {
    let entry = TestApp::new()
        .json(&format!("/api/entries/{CHECKLIST}"), StatusCode::OK)
        .await;
    // The exact field set is the schema's business (entry_responses_match_the_document).
    let fields = keys(&entry);
    for field in [
        "id",
        "url",
        "slug",
        "jurisdiction",
        "title",
        "summary",
        "kind",
        "topics",
        "date",
        "status",
        "related",
        "sources",
        "body_markdown",
        "body_html",
        "origin",
    ] {
        assert!(fields.contains(field), "no {field} in {fields:?}");
    }
    assert_eq!(entry["retired"], false);
    assert_eq!(entry["id"], CHECKLIST);
    assert_eq!(entry["url"], format!("/entries/{CHECKLIST}"));
    assert_eq!(entry["slug"], "national-guard-request-checklist");
    assert_eq!(entry["kind"], "checklist");
    assert_eq!(entry["status"], "template");
    assert_eq!(entry["origin"], "curated");
    assert_eq!(entry["date"], Value::Null);
    assert_eq!(
        entry["jurisdiction"],
        json!({"slug": "minneapolis-mn", "name": "Minneapolis", "state": "MN", "level": "city"})
    );
    assert!(
        entry["body_markdown"]
            .as_str()
            .is_some_and(|b| b.contains("- [ ] "))
    );
    let html = entry["body_html"].as_str().expect("body_html");
    assert!(
        html.contains("checkbox") && !html.contains("<script"),
        "{html}"
    );
    let sources = entry["sources"].as_array().expect("sources");
    assert_eq!(sources.len(), 2);
    assert!(
        sources
            .iter()
            .all(|s| s["quote"].is_string() && s["publisher"] == "POLITICO")
    );
    let related = ids_of(&entry["related"]);
    for curated in [
        "minneapolis-mn/fema-emmitsburg-exercise",
        "minnesota/guard-visible-identification",
        "minnesota/city-state-coordination-after-2020",
        "minneapolis-mn/after-action-recommendations",
    ] {
        assert!(related.contains(&curated), "{related:?}");
    }
}

#[tokio::test]
async fn unknown_addresses_and_methods_are_json_errors() {
    let app = TestApp::new();
    for uri in [
        "/api/entries/minneapolis-mn/no-such-entry",
        "/api/entries/atlantis/separation-ordinance",
        "/api/entries/Not%20A%20Slug/x",
        "/api/entries/minneapolis-mn",
        "/api/nope",
        "/api/search/extra",
    ] {
        let reply = app.get(uri).await;
        assert_json_error(&reply, StatusCode::NOT_FOUND, "not_found", uri);
        assert_security_headers(&reply, uri);
    }
    // Methods no API route will ever take (entries may gain write methods; search will not).
    for (method, uri) in [
        (Method::POST, "/api/search"),
        (Method::DELETE, "/api/search"),
        (Method::PUT, "/api/openapi.json"),
    ] {
        let reply = app.send(request(method.clone(), uri, &[])).await;
        assert_json_error(
            &reply,
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
            &format!("{method} {uri}"),
        );
    }
}

#[tokio::test]
async fn cross_origin_gets_are_allowed() {
    let app = TestApp::new();
    let origin = ("origin", "https://intranet.example");
    let reply = app
        .send(request(Method::GET, "/api/search?q=guard", &[origin]))
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(!reply.header("access-control-allow-origin").is_empty());

    let preflight = app
        .send(request(
            Method::OPTIONS,
            "/api/search?q=guard",
            &[origin, ("access-control-request-method", "GET")],
        ))
        .await;
    assert!(preflight.status.is_success(), "{}", preflight.status);
    assert!(!preflight.header("access-control-allow-origin").is_empty());
    let methods = preflight.header("access-control-allow-methods");
    assert!(methods.contains("GET"), "{methods}");
}

#[tokio::test]
async fn a_cross_origin_get_may_send_a_token_but_not_credentials_or_writes() {
    let app = TestApp::new();
    let origin = ("origin", "https://intranet.example");
    let preflight = app
        .send(request(
            Method::OPTIONS,
            "/api/entries/minneapolis-mn/separation-ordinance",
            &[
                origin,
                ("access-control-request-method", "GET"),
                ("access-control-request-headers", "authorization"),
            ],
        ))
        .await;
    assert!(preflight.status.is_success(), "{}", preflight.status);
    let allowed = preflight
        .header("access-control-allow-headers")
        .to_ascii_lowercase();
    assert!(allowed.contains("authorization"), "{allowed}");
    assert_eq!(preflight.header("access-control-allow-credentials"), "");
    let methods = preflight.header("access-control-allow-methods");
    for write in ["PUT", "POST", "DELETE"] {
        assert!(!methods.contains(write), "{methods}");
    }
    let reply = app
        .send(request(
            Method::GET,
            "/api/entries/minneapolis-mn/separation-ordinance",
            &[origin],
        ))
        .await;
    let exposed = reply
        .header("access-control-expose-headers")
        .to_ascii_lowercase();
    assert!(exposed.contains("etag"), "{exposed}");
}

#[tokio::test]
async fn the_api_and_the_page_agree_on_results() {
    let app = TestApp::new();
    for query in [
        "q=guard",
        "q=natinal+gaurd+checklst",
        "q=guard&kind=checklist&kind=practice",
        "q=city&sort=date",
        "q=police&jurisdiction=minneapolis-mn",
        "topic=national-guard",
        "",
    ] {
        let page = app.page(&format!("/search?{query}")).await;
        let api = app
            .json(&format!("/api/search?{query}"), StatusCode::OK)
            .await;
        assert_eq!(hit_ids(&page), ids(&api["hits"]), "{query}");
    }
}

#[tokio::test]
async fn the_openapi_document_is_served_as_json() {
    let app = TestApp::new();
    let reply = app.get("/api/openapi.json").await;
    assert!(reply.header("content-type").starts_with("application/json"));
    let doc = reply.json();
    assert!(doc["openapi"].as_str().is_some_and(|v| v.starts_with("3.")));
    assert!(doc["paths"].as_object().is_some_and(|p| !p.is_empty()));
}

#[tokio::test]
async fn every_documented_path_is_routed() {
    let app = TestApp::new();
    let doc = openapi(&app).await;
    for path in doc["paths"].as_object().expect("paths").keys() {
        let uri = path
            .replace("{jurisdiction}", "minneapolis-mn")
            .replace("{slug}", "national-guard-request-checklist");
        let reply = app.get(&uri).await;
        assert_eq!(
            reply.status,
            StatusCode::OK,
            "GET {uri} (documented {path})"
        );
    }
}

#[tokio::test]
async fn every_documented_parameter_value_is_accepted() {
    let app = TestApp::new();
    let doc = openapi(&app).await;
    for path in ["/api/search", "/api/entries"] {
        let parameters = doc["paths"][path]["get"]["parameters"]
            .as_array()
            .expect("parameters");
        for parameter in parameters {
            let name = parameter["name"].as_str().expect("a name");
            let schema = &parameter["schema"];
            let values = schema["enum"]
                .as_array()
                .or_else(|| schema["items"]["enum"].as_array());
            for value in values.into_iter().flatten() {
                let value = value.as_str().expect("a string value");
                app.json(&format!("{path}?{name}={value}"), StatusCode::OK)
                    .await;
            }
        }
    }
}

#[tokio::test]
async fn search_responses_match_the_document() {
    let app = TestApp::new();
    let doc = openapi(&app).await;
    let ok = response_schema(&doc, "/api/search", 200);
    for uri in [
        "/api/search?q=guard",
        "/api/search?q=guard&limit=100&sort=date",
        "/api/search?q=qqqzzzvvv",
        "/api/search?kind=checklist&kind=practice",
        "/api/search?limit=100",
    ] {
        let body = app.json(uri, StatusCode::OK).await;
        assert_valid(&doc, ok, &body, uri);
    }
    let bad = app
        .json("/api/search?limit=0", StatusCode::BAD_REQUEST)
        .await;
    assert_valid(&doc, response_schema(&doc, "/api/search", 400), &bad, "400");
}

#[tokio::test]
async fn entry_responses_match_the_document() {
    let app = TestApp::new();
    let doc = openapi(&app).await;
    let listing = app.json("/api/entries?limit=100", StatusCode::OK).await;
    assert_valid(
        &doc,
        response_schema(&doc, "/api/entries", 200),
        &listing,
        "/api/entries",
    );
    let bad = app
        .json("/api/entries?limit=101", StatusCode::BAD_REQUEST)
        .await;
    assert_valid(
        &doc,
        response_schema(&doc, "/api/entries", 400),
        &bad,
        "400",
    );

    let one = response_schema(&doc, "/api/entries/{jurisdiction}/{slug}", 200);
    let every_id = ids(&listing["entries"]);
    assert!(every_id.len() >= 19, "{every_id:?}");
    for id in every_id {
        let uri = format!("/api/entries/{id}");
        let entry = app.json(&uri, StatusCode::OK).await;
        assert_valid(&doc, one, &entry, &uri);
    }
    let missing = app
        .json(
            "/api/entries/minnesota/no-such-entry",
            StatusCode::NOT_FOUND,
        )
        .await;
    let not_found = response_schema(&doc, "/api/entries/{jurisdiction}/{slug}", 404);
    assert_valid(&doc, not_found, &missing, "404");
}

#[test]
fn the_schema_validator_catches_mismatches() {
    let doc = json!({"components": {"schemas": {
        "Thing": {
            "type": "object",
            "required": ["name", "tags"],
            "properties": {
                "name": {"type": "string"},
                "size": {"type": ["integer", "null"], "minimum": 0},
                "kind": {"enum": ["a", "b"]},
                "tags": {"type": "array", "items": {"type": "string"}},
                "counts": {"type": "object", "additionalProperties": {"type": "integer"}}
            }
        }
    }}});
    let schema = json!({"$ref": "#/components/schemas/Thing"});
    assert!(resolve(&doc, &schema).get("required").is_some());
    let good = json!({"name": "x", "size": null, "kind": "a", "tags": ["t"], "counts": {"k": 2}});
    assert_eq!(validate(&doc, &schema, &good), Vec::<String>::new());
    for bad in [
        json!({"tags": []}),
        json!({"name": 1, "tags": []}),
        json!({"name": "x", "tags": [1]}),
        json!({"name": "x", "tags": [], "size": 1.5}),
        json!({"name": "x", "tags": [], "size": -1}),
        json!({"name": "x", "tags": [], "kind": "c"}),
        json!({"name": "x", "tags": [], "counts": {"k": "2"}}),
        json!({"name": "x", "tags": [], "surprise": true}),
        json!(["not", "an", "object"]),
    ] {
        assert!(!validate(&doc, &schema, &bad).is_empty(), "accepted {bad}");
    }
}

#[test]
fn every_api_reply_is_checked_against_the_document_writes_included() {
    let created = json!({
        "id": "minneapolis-mn/x", "url": "/entries/minneapolis-mn/x", "slug": "x",
        "jurisdiction": {"slug": "minneapolis-mn", "name": "Minneapolis", "state": "MN", "level": "city"},
        "title": "T", "summary": "S", "kind": "practice", "topics": [], "date": null,
        "status": null, "related": [], "sources": [], "body_markdown": "", "body_html": "",
        "origin": "contributed", "retired": false, "visibility": "public", "draft": false
    });
    let mut headers = axum::http::HeaderMap::new();
    headers.insert("content-type", "application/json".parse().expect("header"));
    let check = |body: &Value, status: StatusCode| {
        let body = body.to_string();
        let headers = headers.clone();
        std::panic::catch_unwind(move || {
            check_reply(&Method::POST, "/api/entries", status, &headers, &body)
        })
        .is_ok()
    };
    assert!(
        check(&created, StatusCode::CREATED),
        "a documented 201 passes"
    );
    let mut surprise = created.clone();
    surprise["surprise"] = json!(true);
    assert!(
        !check(&surprise, StatusCode::CREATED),
        "an undocumented field"
    );
    let mut wrong = created.clone();
    wrong["kind"] = json!("decree");
    assert!(
        !check(&wrong, StatusCode::CREATED),
        "a value outside the enum"
    );
    assert!(
        !check(&created, StatusCode::IM_A_TEAPOT),
        "an undocumented status"
    );
}

#[tokio::test]
async fn filter_values_no_entry_has_are_warnings_not_errors() {
    let app = TestApp::new();
    for (uri, said) in [
        ("/api/search?kind=memo", "`memo` is not a kind"),
        ("/api/search?q=guard+kind:memo", "`memo` is not a kind"),
        (
            "/api/search?topic=curfews",
            "no entry has the topic `curfews`",
        ),
        (
            "/api/entries?jurisdiction=atlantis-xx",
            "no jurisdiction `atlantis-xx`",
        ),
    ] {
        let body = app.json(uri, StatusCode::OK).await;
        assert_eq!(body["total"], 0, "{uri}");
        let warnings = body["warnings"].to_string();
        assert!(warnings.contains(said), "{uri}: {warnings}");
    }
    // Only the unknown value of several is named; the known one still matches.
    let body = app
        .json("/api/search?kind=checklist&kind=memo", StatusCode::OK)
        .await;
    assert!(body["total"].as_u64().is_some_and(|t| t > 0), "{body}");
    assert_eq!(body["warnings"].as_array().map(Vec::len), Some(1), "{body}");
    let body = app.json("/api/search?q=guard", StatusCode::OK).await;
    assert_eq!(body["warnings"], json!([]));
    // A malformed value is still a 400, whose example fits the filter.
    let reply = app.get("/api/search?topic=Not%20a%20topic").await;
    assert_json_error(&reply, StatusCode::BAD_REQUEST, "bad_request", "topic");
    let message = reply.json()["error"]["message"].to_string();
    assert!(
        message.contains("national-guard") && !message.contains("minneapolis-mn"),
        "{message}"
    );
}

#[tokio::test]
async fn a_query_word_no_entry_holds_is_named_and_the_others_still_match() {
    let app = TestApp::new();
    let body = app
        .json("/api/search?q=curfewzzq+protesters", StatusCode::OK)
        .await;
    assert!(body["total"].as_u64().is_some_and(|t| t > 0), "{body}");
    assert_eq!(
        body["warnings"],
        json!(["no entry mentions `curfewzzq`: the results hold the other words"])
    );
    // A word held with a typo, or through a synonym, is not named; nor is one word alone.
    for q in ["natinal+guard", "sanctuary+city", "curfewzzq"] {
        let body = app
            .json(&format!("/api/search?q={q}"), StatusCode::OK)
            .await;
        assert_eq!(body["warnings"], json!([]), "{q}");
    }
}

/// An item of `list` whose `slug` is `slug`.
fn by_slug<'a>(list: &'a Value, slug: &str) -> &'a Value {
    list.as_array()
        .unwrap_or_else(|| panic!("not an array: {list}"))
        .iter()
        .find(|item| item["slug"] == slug)
        .unwrap_or_else(|| panic!("no `{slug}` in {list}"))
}

#[tokio::test]
async fn jurisdictions_are_listed_with_their_entry_counts_including_a_city_with_none() {
    let (_data, app, team) = support::accounts::setup();
    let playbook = city_playbook::playbook::load_playbook(&support::playbook::real_playbook_dir());
    let curated_in = |slug: &str| {
        playbook
            .playbook
            .entries
            .keys()
            .filter(|id| id.jurisdiction.as_str() == slug)
            .count() as u64
    };
    let before = app.json("/api/jurisdictions", StatusCode::OK).await;
    let list = &before["jurisdictions"];
    let slugs: Vec<&str> = list
        .as_array()
        .expect("an array")
        .iter()
        .filter_map(|j| j["slug"].as_str())
        .collect();
    let mut sorted = slugs.clone();
    sorted.sort_unstable();
    assert_eq!(slugs, sorted, "by slug");
    let minneapolis = by_slug(list, support::accounts::CITY_A);
    assert_eq!(minneapolis["entries"], curated_in("minneapolis-mn"));
    assert_eq!(minneapolis["display_name"], "Minneapolis, MN");
    assert_eq!(minneapolis["url"], "/jurisdictions/minneapolis-mn");
    assert_eq!(
        by_slug(list, "minnesota")["entries"],
        curated_in("minnesota")
    );
    let riverton = by_slug(list, support::accounts::CITY_B);
    assert_eq!(riverton["entries"], 0, "a city with no entry yet is listed");
    assert_eq!(riverton["level"], "city");
    assert_eq!(riverton["state"], "OR");

    // Riverton's first entry counts at once, and its count agrees with a filtered search.
    app.create(
        &team.bob.token,
        &support::accounts::entry("riverton-lots", "rivertonword"),
    )
    .await;
    let after = app.json("/api/jurisdictions", StatusCode::OK).await;
    let search = app
        .json("/api/search?jurisdiction=riverton-or", StatusCode::OK)
        .await;
    assert_eq!(
        by_slug(&after["jurisdictions"], "riverton-or")["entries"],
        1
    );
    assert_eq!(search["total"], 1);
}

#[tokio::test]
async fn topics_are_listed_with_labels_and_the_counts_search_gives() {
    let app = TestApp::new();
    let body = app.json("/api/topics", StatusCode::OK).await;
    let topics = body["topics"].as_array().expect("an array");
    assert!(!topics.is_empty());
    for topic in topics {
        let slug = topic["slug"].as_str().expect("a slug");
        let search = app
            .json(&format!("/api/search?topic={slug}&limit=1"), StatusCode::OK)
            .await;
        assert_eq!(topic["entries"], search["total"], "{slug}: {topic}");
        assert_eq!(topic["url"], format!("/topics/{slug}"));
    }
    // Labels come from the playbook's topics.toml, else the slug in words.
    assert_eq!(
        by_slug(&body["topics"], "national-guard")["label"],
        "National Guard"
    );
    assert_eq!(
        by_slug(&body["topics"], "de-escalation")["label"],
        "De-escalation"
    );
    assert_eq!(
        by_slug(&body["topics"], "public-communication")["label"],
        "Public communication"
    );
    // Every topic some entry has is listed: the search facets' values, no more, no fewer.
    let all = app.json("/api/search?limit=1", StatusCode::OK).await;
    let facet_topics: BTreeSet<&str> = keys(&all["facets"]["topic"]);
    let listed: BTreeSet<&str> = topics.iter().filter_map(|t| t["slug"].as_str()).collect();
    assert_eq!(listed, facet_topics);
}

#[tokio::test]
async fn state_and_level_filter_search_and_the_matrix_like_the_others() {
    let app = TestApp::new();
    let total = |body: &Value| body["total"].as_u64().expect("a total");
    let all = total(&app.json("/api/search?limit=1", StatusCode::OK).await);
    let cities = app
        .json("/api/search?level=city&limit=1", StatusCode::OK)
        .await;
    let states = app
        .json("/api/search?level=state&limit=1", StatusCode::OK)
        .await;
    let minneapolis = app
        .json(
            "/api/search?jurisdiction=minneapolis-mn&limit=1",
            StatusCode::OK,
        )
        .await;
    assert_eq!(total(&cities), total(&minneapolis));
    assert_eq!(total(&cities) + total(&states), all);
    assert_eq!(cities["facets"]["level"]["city"], total(&cities));
    assert_eq!(
        total(
            &app.json("/api/search?state=mn&limit=1", StatusCode::OK)
                .await
        ),
        all
    );
    // In the query text too.
    assert_eq!(
        total(
            &app.json("/api/search?q=level:state&limit=1", StatusCode::OK)
                .await
        ),
        total(&states)
    );
    // A state no entry is in matches nothing, and says so; a malformed one is a 400.
    let oregon = app.json("/api/search?state=or", StatusCode::OK).await;
    assert_eq!(total(&oregon), 0);
    assert!(
        oregon["warnings"][0]
            .as_str()
            .is_some_and(|w| w.contains("`OR`")),
        "{oregon}"
    );
    let reply = app.get("/api/search?state=MN").await;
    assert_json_error(
        &reply,
        StatusCode::BAD_REQUEST,
        "bad_request",
        "an uppercase state",
    );
    assert!(reply.body.contains("`mn`"), "{}", reply.body);
    // The comparison matrix narrows the same way: only the state's row.
    let matrix = app.json("/api/compare?level=state", StatusCode::OK).await;
    let rows: Vec<&str> = matrix["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .filter_map(|row| row["jurisdiction"]["slug"].as_str())
        .collect();
    assert_eq!(rows, ["minnesota"]);
}
