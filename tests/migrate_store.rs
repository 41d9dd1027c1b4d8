//! `playbook migrate-store --to postgres://…` (issue 13): an instance's SQLite store, with
//! entries edited, retired, kept to their city and left as drafts, tokens, a feed address and
//! a saved brief, is copied into PostgreSQL; every table has as many rows on both sides,
//! `playbook export --all` of both is the same, a copied API token still reads as its
//! account, and a database that already holds data is refused. Skipped without PostgreSQL,
//! except under CI.

mod support;

use std::collections::BTreeMap;
use std::path::Path;

use axum::http::StatusCode;
use city_playbook::store::AccountStore;
use serde_json::json;
use support::accounts::*;
use support::app::*;
use support::cli::*;
use support::http::http;
use support::postgres::TestDatabase;
use support::server::Server;
use tempfile::TempDir;

/// `playbook migrate-store --to URL --data-dir DATA` (it reads no playbook folder).
fn migrate_store(data: &Path, url: &str) -> std::process::Output {
    std::process::Command::new(binary())
        .args(["migrate-store", "--to", url, "--data-dir"])
        .arg(data)
        .env("RUST_LOG", "warn")
        .output()
        .expect("the playbook binary runs")
}

/// Every file under `dir`, by its path inside it, with its text.
fn files(dir: &Path) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(folder) = stack.pop() {
        for item in std::fs::read_dir(&folder).expect("reads") {
            let path = item.expect("an item").path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let name = path
                    .strip_prefix(dir)
                    .expect("inside")
                    .display()
                    .to_string();
                out.insert(name, std::fs::read_to_string(&path).expect("text"));
            }
        }
    }
    out
}

#[tokio::test]
async fn a_sqlite_store_is_copied_whole_into_postgres() {
    let Some(database) = TestDatabase::create() else {
        return;
    };
    let (data, app, team) = setup();
    // Contributions of every sort.
    app.create(&team.alice.token, &entry("kept", "alderfly"))
        .await;
    let mut edited = entry("edited", "bramble");
    app.create(&team.alice.token, &edited).await;
    edited["summary"] = json!("Changed the next day (bramble).");
    edited["message"] = json!("second version");
    app.put_entry(&team.alice.token, &format!("{CITY_A}/edited"), &edited)
        .await
        .expect(StatusCode::OK, "edited");
    app.create(&team.alice.token, &entry("retired", "cowslip"))
        .await;
    app.delete_entry(&team.alice.token, &format!("{CITY_A}/retired"))
        .await
        .expect(StatusCode::OK, "retired");
    let mut city_only = entry("city-only", "dunlin");
    city_only["visibility"] = json!("jurisdiction");
    app.create(&team.bob.token, &city_only).await;
    let mut draft = entry("draft", "eyebright");
    draft["draft"] = json!(true);
    app.create(&team.alice.token, &draft).await;
    data.store()
        .set_feed_token(team.alice.id, Some("feed-hash"))
        .expect("a feed address");
    let (cookie, _) = data.session(&team.alice);
    let mut alice = Browser::with_session(&app, &cookie);
    let page = alice
        .get(&format!("/brief?ids={CURATED_ID},{CITY_A}/kept"))
        .await
        .html();
    let csrf = support::html::csrf_token(&page);
    alice
        .post(
            "/briefs",
            &[
                ("csrf_token", &csrf),
                ("ids", &format!("{CURATED_ID},{CITY_A}/kept")),
            ],
        )
        .await
        .expect(StatusCode::SEE_OTHER, "a saved brief");
    drop(app);

    let copied = migrate_store(data.path(), &database.url);
    assert!(copied.status.success(), "{}", stderr(&copied));
    let out = stdout(&copied);
    for table in [
        "users: 3",
        "revisions: 7",
        "briefs: 1",
        "brief_entries: 2",
        "feed_tokens: 1",
    ] {
        assert!(out.contains(table), "{table} in {out}");
    }

    // The same export from both stores: every live entry, drafts and city-only ones too.
    let admin = &team.admin.email;
    let from_sqlite = TempDir::new().expect("a folder");
    cli(
        data.path(),
        &[
            "export",
            from_sqlite.path().to_str().expect("a path"),
            "--as",
            admin,
            "--all",
        ],
    );
    let pg_data = TempDir::new().expect("a data dir for the PostgreSQL side");
    let from_postgres = TempDir::new().expect("a folder");
    cli(
        pg_data.path(),
        &[
            "export",
            from_postgres.path().to_str().expect("a path"),
            "--as",
            admin,
            "--all",
            "--database-url",
            &database.url,
        ],
    );
    let (sqlite_files, postgres_files) = (files(from_sqlite.path()), files(from_postgres.path()));
    assert!(
        sqlite_files.keys().any(|k| k.contains("draft")),
        "{:?}",
        sqlite_files.keys()
    );
    assert_eq!(sqlite_files, postgres_files, "the exports differ");

    // A copied token still reads as its account: Alice's draft is hers to read.
    let server = Server::start_with(
        pg_data.path(),
        &pg_data.path().join("server.log"),
        &["--database-url", &database.url],
    );
    let (status, _) = http(
        server.addr,
        "GET",
        &api_path(&format!("{CITY_A}/draft")),
        Some(&team.alice.token),
        None,
    )
    .expect("answers");
    assert_eq!(status, 200, "{}", server.log_text());
    let (status, _) = http(
        server.addr,
        "GET",
        &api_path(&format!("{CITY_A}/draft")),
        None,
        None,
    )
    .expect("answers");
    assert_eq!(status, 404, "still a draft to others");
    // New rows continue after the copied ids.
    let (status, body) = http(
        server.addr,
        "POST",
        "/api/entries",
        Some(&team.alice.token),
        Some(&entry("after-the-move", "foxglove").to_string()),
    )
    .expect("answers");
    assert_eq!(status, 201, "{body}");
    drop(server);

    // Copying again into a store that holds data is refused, saying why.
    let again = migrate_store(data.path(), &database.url);
    assert!(!again.status.success());
    assert!(stderr(&again).contains("not empty"), "{}", stderr(&again));
}

#[test]
fn a_missing_sqlite_store_is_a_clear_error() {
    let Some(database) = TestDatabase::create() else {
        return;
    };
    let empty = TempDir::new().expect("a folder");
    let out = migrate_store(empty.path(), &database.url);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("no SQLite store"), "{}", stderr(&out));
}
