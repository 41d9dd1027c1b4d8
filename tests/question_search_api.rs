//! Question search through the app: `serve` builds the passage vectors in the background
//! after start-up (searches match by words and say `"mode": "lexical"` until then), then
//! `/api/search` says `"mode": "hybrid"` and how each hit matched, `mode=lexical` turns it
//! off, and the results page marks a hit found by meaning alone. Without a model nothing of
//! this shows: the API answers exactly as before and still accepts `mode`.

mod support;

use std::time::{Duration, Instant};

use axum::http::StatusCode;
use city_playbook::config::Config;
use serde_json::Value;
use support::app::TestApp;
use tempfile::TempDir;

/// How long the first build of the playbook's vectors may take in a debug build.
const BUILD_WAIT: Duration = Duration::from_secs(600);

fn matched(body: &Value) -> Vec<String> {
    body["hits"]
        .as_array()
        .expect("hits")
        .iter()
        .map(|hit| hit["matched"].as_str().expect("matched").to_owned())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_says_how_it_searched_and_how_each_hit_matched() {
    let Some(model) = support::model::dir() else {
        return;
    };
    let data = TempDir::new().expect("temp dir");
    let mut config = Config::new(support::playbook::real_playbook_dir(), data.path());
    config.model.path = Some(model);
    let app = TestApp::with_config(config);
    let question = "/api/search?q=who+do+we+call+to+get+the+guard+out";
    let started = Instant::now();
    let body = loop {
        let body = app.json(question, StatusCode::OK).await;
        match body["mode"].as_str() {
            Some("hybrid") => break body,
            Some("lexical") => {
                // Still building: every hit matched by words.
                assert!(matched(&body).iter().all(|m| m == "words"), "{body}");
            }
            other => panic!("mode should be said while question search is on: {other:?}"),
        }
        assert!(
            started.elapsed() < BUILD_WAIT,
            "the vectors were not built within {BUILD_WAIT:?}"
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    };
    let how = matched(&body);
    assert!(
        how.iter()
            .all(|m| ["words", "meaning", "both"].contains(&m.as_str())),
        "{how:?}"
    );
    assert!(how.iter().any(|m| m != "words"), "{body}");
    assert!(
        data.path().join("vectors").is_dir(),
        "vectors are kept beside the index"
    );

    let lexical = app
        .json(&format!("{question}&mode=lexical"), StatusCode::OK)
        .await;
    assert_eq!(lexical["mode"], "lexical");
    assert!(matched(&lexical).iter().all(|m| m == "words"));
    assert!(lexical["total"].as_u64() <= body["total"].as_u64());

    for only in ["kind%3Achecklist", "%22orange+vests%22"] {
        let reply = app
            .json(&format!("/api/search?q={only}"), StatusCode::OK)
            .await;
        assert_eq!(reply["mode"], "lexical", "{only}");
    }
    app.json("/api/search?q=guard&mode=semantic", StatusCode::BAD_REQUEST)
        .await;

    // The results page marks a hit found by meaning alone.
    let asked = "how to wind down the operation without looking like we caved";
    let api = app
        .json(
            &format!("/api/search?q={}", asked.replace(' ', "+")),
            StatusCode::OK,
        )
        .await;
    let by_meaning = matched(&api).iter().filter(|m| *m == "meaning").count();
    assert!(by_meaning > 0, "{api}");
    let page = app
        .get(&format!("/search?q={}", asked.replace(' ', "+")))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(
        page.body.matches("Matched by meaning</span>").count(),
        by_meaning,
        "one mark per hit found by meaning alone"
    );
}

#[tokio::test]
async fn without_a_model_the_api_answers_as_before_and_accepts_mode() {
    let app = TestApp::new();
    for uri in [
        "/api/search?q=who+do+we+call+to+get+the+guard+out",
        "/api/search?q=guard&mode=lexical",
        "/api/search?q=guard&mode=hybrid",
    ] {
        let body = app.json(uri, StatusCode::OK).await;
        assert!(body.get("mode").is_none(), "{uri}: {body}");
        for hit in body["hits"].as_array().expect("hits") {
            assert!(hit.get("matched").is_none(), "{uri}: {hit}");
        }
    }
    let page = app
        .get("/search?q=who+do+we+call+to+get+the+guard+out")
        .await;
    assert!(!page.body.contains("Matched by meaning"));
}
