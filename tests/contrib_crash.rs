//! Crash safety of contributed entries: the real server is killed with SIGKILL in the middle
//! of a stream of writes, and every write it acknowledged is readable and searchable after a
//! restart, with the SQLite file intact; writes the index missed are applied at start-up.

mod support;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use axum::http::StatusCode;
use city_playbook::playbook::EntryInput;
use city_playbook::playbook::{EntryId, Slug};
use city_playbook::store::{EntryStore, NewRevision, RevisionAction, Role, SqliteStore};
use serde_json::Value;
use support::accounts::*;
use support::app::*;
use support::cli::*;
use support::http::http;
use support::server::Server;
use tempfile::TempDir;

/// Acknowledged writes to wait for before the kill.
const ACKED_BEFORE_KILL: usize = 30;
/// Clients writing at once, so the kill finds writes at different stages.
const WRITERS: usize = 4;
/// Bounds on each stream of writes.
const MAX_WRITES: usize = 1_000;
const STREAM_TIME: Duration = Duration::from_secs(120);

/// The unique word of the `n`th write (its title ends with it).
fn word(n: usize) -> String {
    format!("crashword{n:05}")
}

/// How the stream of writes ended.
#[derive(Debug)]
enum StreamEnd {
    /// A request failed at the connection: the server went away.
    Cut,
    /// The server answered something other than 201.
    Refused(u16, String),
    /// The count or time bound was reached first.
    Exhausted,
}

/// POSTs entries one after another, recording each id answered with 201, until a bound is
/// reached or a request fails. Writer `w` numbers its entries from `w * MAX_WRITES`.
fn write_stream(
    addr: SocketAddr,
    token: String,
    w: usize,
    acked: Arc<Mutex<Vec<String>>>,
) -> StreamEnd {
    let started = Instant::now();
    for n in w * MAX_WRITES..(w + 1) * MAX_WRITES {
        if started.elapsed() > STREAM_TIME {
            break;
        }
        let slug = format!("crash-{n:05}");
        let body = entry(&slug, &word(n)).to_string();
        match http(addr, "POST", "/api/entries", Some(&token), Some(&body)) {
            Ok((201, _)) => acked.lock().expect("lock").push(format!("{CITY_A}/{slug}")),
            Ok((status, body)) => return StreamEnd::Refused(status, body),
            Err(_) => return StreamEnd::Cut,
        }
    }
    StreamEnd::Exhausted
}

/// `GET path` on a running server that must answer 200; the JSON.
fn get_json(server: &Server, path: &str) -> Value {
    let (status, body) = http(server.addr, "GET", path, None, None)
        .unwrap_or_else(|e| panic!("GET {path}: {e}\n{}", server.log_text()));
    assert_eq!(status, 200, "GET {path}: {body}");
    serde_json::from_str(&body).unwrap_or_else(|e| panic!("GET {path}: not JSON ({e}): {body}"))
}

#[test]
fn every_acknowledged_write_survives_a_kill_9() {
    let data = TempDir::new().expect("data dir");
    let logs = TempDir::new().expect("log dir");
    let email = "writer@minneapolis.example";
    cli_add_user(data.path(), email, CITY_A, "editor");
    let token = cli_create_token(data.path(), email);

    let mut server = Server::start(data.path(), &logs.path().join("first.log"));
    let acked = Arc::new(Mutex::new(Vec::new()));
    let writers: Vec<_> = (0..WRITERS)
        .map(|w| {
            let (addr, token, acked) = (server.addr, token.clone(), Arc::clone(&acked));
            thread::spawn(move || write_stream(addr, token, w, acked))
        })
        .collect();
    let waiting = Instant::now();
    while acked.lock().expect("lock").len() < ACKED_BEFORE_KILL
        && !writers.iter().any(|w| w.is_finished())
    {
        assert!(
            waiting.elapsed() < Duration::from_secs(90),
            "too slow: {} writes acknowledged",
            acked.lock().expect("lock").len()
        );
        thread::sleep(Duration::from_millis(5));
    }
    server.kill();
    for writer in writers {
        match writer.join().expect("a writer thread") {
            StreamEnd::Cut => {}
            StreamEnd::Refused(status, body) => {
                panic!(
                    "a write was refused with {status}: {body}\n{}",
                    server.log_text()
                )
            }
            StreamEnd::Exhausted => panic!("the writes ended before the kill"),
        }
    }
    let acked = acked.lock().expect("lock").clone();
    assert!(
        acked.len() >= ACKED_BEFORE_KILL,
        "{} acknowledged",
        acked.len()
    );

    let server = Server::start(data.path(), &logs.path().join("second.log"));
    // Everything in the store (the acknowledged writes, and any saved while its answer was
    // still on the way at the kill) is readable and searchable.
    let stored: Vec<String> = SqliteStore::open(data.path())
        .expect("the store opens")
        .entries()
        .expect("entries")
        .iter()
        .map(|c| c.entry.id.to_string())
        .collect();
    for id in &acked {
        assert!(stored.contains(id), "acknowledged {id} is not in the store");
    }
    for id in &stored {
        let entry = get_json(&server, &api_path(id));
        let title = entry["title"].as_str().expect("a title");
        let word = title.rsplit(' ').next().expect("a word");
        // Near spellings match too; the exact word ranks first.
        let hits = ids_of(&get_json(&server, &format!("/api/search?q={word}"))["hits"]);
        assert_eq!(hits.first(), Some(id), "searching {word}: {hits:?}");
    }
    drop(server);
    assert_eq!(integrity_check(data.path()), "ok");
}

/// Saves a revision straight into the store, as a write whose index update never happened.
fn save_behind_the_index(
    store: &SqliteStore,
    author: &Account,
    slug: &str,
    word: &str,
    action: RevisionAction,
) {
    let input = EntryInput::from_json(&entry(slug, word)).expect("entry input");
    let valid = input.parse().expect("a valid entry");
    let id = EntryId::new(
        Slug::parse(&author.jurisdiction).expect("slug"),
        valid.slug.clone(),
    );
    store
        .save_revision(NewRevision {
            id: &id,
            action,
            meta: &valid.meta,
            body_markdown: &valid.body_markdown,
            author: Some(author.id),
            base_revision: None,
            message: "saved while the index was behind",
        })
        .expect("saved");
}

#[tokio::test]
async fn writes_the_index_missed_are_applied_at_start_up() {
    let data = DataDir::new();
    let alice = data.account("alice@minneapolis.example", CITY_A, Role::Editor);
    {
        let app = data.app();
        app.create(&alice.token, &entry("first-seen", "firstseen"))
            .await;
        app.create(&alice.token, &entry("to-retire", "toretire"))
            .await;
        assert_eq!(
            app.search_ids("firstseen").await,
            [format!("{CITY_A}/first-seen")]
        );
    }
    // The app is gone; the store moves on without the index, as after a crash between the
    // store's commit and the index's.
    let store = data.store();
    save_behind_the_index(
        store,
        &alice,
        "missed",
        "missedword",
        RevisionAction::Create,
    );
    save_behind_the_index(
        store,
        &alice,
        "first-seen",
        "editedword",
        RevisionAction::Edit,
    );
    save_behind_the_index(
        store,
        &alice,
        "to-retire",
        "toretire",
        RevisionAction::Retire,
    );

    // Twice: the first start applies the missed writes, the second finds nothing to redo.
    for start in ["first start", "second start"] {
        let app = data.app();
        let found = |ids: Vec<String>, expected: &[&str]| {
            let expected: Vec<String> = expected.iter().map(|s| format!("{CITY_A}/{s}")).collect();
            assert_eq!(ids, expected, "{start}");
        };
        found(app.search_ids("missedword").await, &["missed"]);
        found(app.search_ids("editedword").await, &["first-seen"]);
        found(app.search_ids("firstseen").await, &[]);
        found(app.search_ids("toretire").await, &[]);
        app.get_entry(&format!("{CITY_A}/to-retire"))
            .await
            .expect(StatusCode::NOT_FOUND, start);
        let missed = app.get_entry(&format!("{CITY_A}/missed")).await;
        missed.expect(StatusCode::OK, start);
        assert!(
            app.search_ids("separation ordinance")
                .await
                .contains(&CURATED_ID.to_owned()),
            "{start}: curated entries are still searchable"
        );
    }
}
