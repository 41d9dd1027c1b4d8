//! `playbook export` and `playbook import`: contributed entries leave as playbook files that
//! `playbook check` accepts, and come back into a fresh data dir exactly as they were.

mod support;

use std::fs;
use std::path::Path;

use axum::http::StatusCode;
use city_playbook::config::Config;
use city_playbook::store::Role;
use serde_json::{Value, json};
use support::accounts::*;
use support::app::*;
use support::cli::*;
use support::playbook::real_playbook_dir;
use tempfile::TempDir;

/// The fields a round trip must keep.
const FIELDS: [&str; 12] = [
    "title",
    "summary",
    "kind",
    "topics",
    "date",
    "status",
    "related",
    "sources",
    "body_markdown",
    "jurisdiction",
    "origin",
    "retired",
];

fn id_in(city: &str, slug: &str) -> String {
    format!("{city}/{slug}")
}

/// An entry with every field used, and text that is awkward to write as TOML and Markdown.
fn full_entry() -> Value {
    json!({
        "slug": "full-entry",
        "title": "A \"quoted\" title with a back\\slash and ünïcode — fullword",
        "summary": "Two lines:\nthe second one 'single' and \"double\" quoted.",
        "kind": "checklist",
        "topics": ["policing", "public-communication", "city-property"],
        "date": "2025-12-31",
        "status": "template",
        "related": [CURATED_ID, id_in(CITY_A, "minimal-entry")],
        "sources": [
            {
                "title": "Full source",
                "publisher": "The Example Times",
                "date": "2026-02-01",
                "url": "https://example.org/a?b=c&d=e#f",
                "quote": "“Curly” quotes, ’apostrophes’ and a tab\there."
            },
            { "title": "A source with only a title" }
        ],
        "body_markdown": "## Steps\n\n- [ ] Call the chief\n- [x] Brief the council\n\n```toml\n+++\nnot = \"front matter\"\n+++\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n<em>inline html</em> and a trailing line",
        "message": "first version"
    })
}

/// A data dir with contributed entries of both cities made through the API: live ones (one
/// edited twice) and a retired one. Returns the live entries' JSON by id.
async fn contributed_entries(data: &DataDir) -> Vec<(String, Value)> {
    let app = data.app();
    let alice = data.account(
        "alice@minneapolis.example",
        CITY_A,
        city_playbook::store::Role::Editor,
    );
    let bob = data.account(
        "bob@riverton.example",
        CITY_B,
        city_playbook::store::Role::Editor,
    );
    let minimal = json!({
        "slug": "minimal-entry",
        "title": "Minimal",
        "summary": "Only what is required.",
        "kind": "practice"
    });
    app.create(&alice.token, &minimal).await;
    app.create(&alice.token, &full_entry()).await;
    app.create(&bob.token, &entry("river-entry", "riverword"))
        .await;
    let edited = id_in(CITY_B, "river-entry");
    let mut change = entry("river-entry", "riverword");
    change["status"] = json!("retired");
    change["sources"][0]["publisher"] = Value::Null;
    app.put_entry(&bob.token, &edited, &change)
        .await
        .expect(StatusCode::OK, "edit");
    app.create(&alice.token, &entry("retired-entry", "retiredword"))
        .await;
    app.delete_entry(&alice.token, &id_in(CITY_A, "retired-entry"))
        .await
        .expect(StatusCode::OK, "retire");

    let mut out = Vec::new();
    for id in [
        id_in(CITY_A, "minimal-entry"),
        id_in(CITY_A, "full-entry"),
        edited,
    ] {
        let json = app.get_entry(&id).await.expect(StatusCode::OK, &id).json();
        out.push((id, json));
    }
    out
}

/// `playbook export OUT` over `data`; its report.
fn export(data: &Path, out: &Path) -> String {
    cli(data, &["export", out.to_str().expect("UTF-8 path")])
}

/// `playbook check --playbook-dir DIR` must pass.
fn assert_check_passes(dir: &Path) {
    let output = std::process::Command::new(binary())
        .arg("check")
        .arg("--playbook-dir")
        .arg(dir)
        .output()
        .expect("check runs");
    assert!(
        output.status.success(),
        "playbook check failed on the export:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// `playbook import DIR --as EMAIL` into `data`; its report's first line.
fn import(data: &Path, dir: &Path, email: &str) -> String {
    let out = cli(
        data,
        &["import", dir.to_str().expect("UTF-8 path"), "--as", email],
    );
    out.lines().next().unwrap_or("").to_owned()
}

#[tokio::test]
async fn export_then_import_recreates_the_same_entries() {
    let data = DataDir::new();
    let before = contributed_entries(&data).await;
    let out = TempDir::new().expect("export dir");

    let report = export(data.path(), out.path());
    assert!(
        report.starts_with("exported 3 contributed entries"),
        "{report}"
    );
    for (id, _) in &before {
        assert!(
            out.path().join(format!("{id}.md")).is_file(),
            "{id} exported"
        );
    }
    assert!(out.path().join(CITY_B).join("_index.md").is_file());
    assert!(!out.path().join(CITY_A).join("retired-entry.md").exists());
    // The maintainers' files go along, so the export searches and reads as the playbook does.
    for maintained in ["synonyms.toml", "topics.toml"] {
        assert_eq!(
            fs::read_to_string(out.path().join(maintained)).expect("exported"),
            fs::read_to_string(real_playbook_dir().join(maintained)).expect("the playbook's"),
            "{maintained}"
        );
    }
    assert_check_passes(out.path());

    let fresh = TempDir::new().expect("fresh data dir");
    let importer = "importer@playbook.example";
    cli_add_user(fresh.path(), importer, "minnesota", "admin");
    assert_eq!(
        import(fresh.path(), out.path(), importer),
        "imported 3 new entries; 0 revised, 0 unchanged"
    );
    {
        let app = TestApp::with_config(Config::new(real_playbook_dir(), fresh.path()));
        for (id, original) in &before {
            let copy = app.get_entry(id).await.expect(StatusCode::OK, id).json();
            for field in FIELDS {
                assert_eq!(copy[field], original[field], "{id}: {field}");
            }
        }
        app.get_entry(&id_in(CITY_A, "retired-entry"))
            .await
            .expect(StatusCode::NOT_FOUND, "retired entries stay behind");
        assert_eq!(
            app.search_ids("riverword").await,
            [id_in(CITY_B, "river-entry")]
        );
    }

    assert_eq!(
        import(fresh.path(), out.path(), importer),
        "imported 0 new entries; 0 revised, 3 unchanged"
    );
}

#[tokio::test]
async fn an_export_passes_check_after_a_related_entry_is_retired() {
    let data = DataDir::new();
    let alice = data.account(
        "alice@minneapolis.example",
        CITY_A,
        city_playbook::store::Role::Editor,
    );
    {
        let app = data.app();
        app.create(&alice.token, &entry("target", "targetword"))
            .await;
        let mut pointer = entry("pointer", "pointerword");
        pointer["related"] = json!([CURATED_ID, id_in(CITY_A, "target")]);
        app.create(&alice.token, &pointer).await;
        app.delete_entry(&alice.token, &id_in(CITY_A, "target"))
            .await
            .expect(StatusCode::OK, "retire the target");
    }
    let out = TempDir::new().expect("export dir");
    export(data.path(), out.path());
    assert!(!out.path().join(CITY_A).join("target.md").exists());
    let pointer = std::fs::read_to_string(out.path().join(CITY_A).join("pointer.md"))
        .expect("pointer exported");
    assert!(
        pointer.contains(&format!("related = [\"{CURATED_ID}\"]")),
        "{pointer}"
    );
    assert_check_passes(out.path());
}

#[tokio::test]
async fn a_line_of_plus_signs_in_a_text_field_is_refused_so_exports_stay_valid() {
    let data = DataDir::new();
    let alice = data.account(
        "alice@minneapolis.example",
        CITY_A,
        city_playbook::store::Role::Editor,
    );
    let app = data.app();
    let mut body = entry("plus-signs", "plussigns");
    body["summary"] = json!("Before\n+++\nAfter");
    let reply = app.post_entry(&alice.token, &body).await;
    assert_eq!(reply.status.as_u16(), 422);
    let error: serde_json::Value = serde_json::from_str(&reply.body).expect("JSON error");
    assert!(
        error["error"]["fields"]["summary"]
            .as_str()
            .is_some_and(|m| m.contains("+++")),
        "{error}"
    );
}

#[tokio::test]
async fn an_export_holds_only_what_its_account_may_read_and_all_needs_an_admin() {
    let data = DataDir::new();
    let app = data.app();
    let alice = data.account("alice@minneapolis.example", CITY_A, Role::Editor);
    data.account("bob@riverton.example", CITY_B, Role::Editor);
    data.account("admin@playbook.example", "minnesota", Role::Admin);
    let mut draft = entry("draft-entry", "draftword");
    draft["draft"] = json!(true);
    let mut network = entry("network-entry", "networkword");
    network["visibility"] = json!("network");
    let mut own = entry("own-city-entry", "owncityword");
    own["visibility"] = json!("jurisdiction");
    for body in [&draft, &network, &own, &entry("public-entry", "publicword")] {
        app.create(&alice.token, body).await;
    }
    let exported = |args: &[&str]| {
        let out = TempDir::new().expect("export dir");
        let mut all = vec!["export", out.path().to_str().expect("UTF-8 path")];
        all.extend_from_slice(args);
        cli(data.path(), &all);
        assert_check_passes(out.path());
        let mut slugs: Vec<String> = fs::read_dir(out.path().join(CITY_A))
            .expect("city A exported")
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .filter(|name| name.ends_with("-entry.md"))
            .collect();
        slugs.sort();
        slugs
    };
    assert_eq!(exported(&[]), vec!["public-entry.md"], "anyone's export");
    assert_eq!(
        exported(&["--as", "bob@riverton.example"]),
        vec!["network-entry.md", "public-entry.md"],
        "another city's staff"
    );
    let everything = vec![
        "draft-entry.md",
        "network-entry.md",
        "own-city-entry.md",
        "public-entry.md",
    ];
    assert_eq!(
        exported(&["--as", "alice@minneapolis.example"]),
        everything,
        "its own city's staff"
    );
    assert_eq!(
        exported(&["--all", "--as", "admin@playbook.example"]),
        everything
    );
    // --all is an admin's: refused without one, writing nothing.
    let out = TempDir::new().expect("export dir");
    for args in [
        vec!["--all"],
        vec!["--all", "--as", "alice@minneapolis.example"],
    ] {
        let mut all = vec!["export", out.path().to_str().expect("UTF-8 path")];
        all.extend(args.iter().copied());
        let output = cli_output(data.path(), &all);
        assert!(!output.status.success(), "{args:?}");
        assert!(
            stderr(&output).contains("name an admin"),
            "{}",
            stderr(&output)
        );
    }
    assert!(!out.path().join(CITY_A).exists());
    // A draft's file says so, so importing it keeps it a draft.
    let out = TempDir::new().expect("export dir");
    cli(
        data.path(),
        &[
            "export",
            out.path().to_str().expect("UTF-8 path"),
            "--all",
            "--as",
            "admin@playbook.example",
        ],
    );
    let file = fs::read_to_string(out.path().join(CITY_A).join("draft-entry.md")).expect("file");
    assert!(file.contains("draft = true"), "{file}");
    let file = fs::read_to_string(out.path().join(CITY_A).join("network-entry.md")).expect("file");
    assert!(file.contains("visibility = \"network\""), "{file}");
}
