//! Several replicas on one PostgreSQL store (issue 13), as real `playbook serve` processes,
//! each with its own data dir and index, reaching the database through a proxy the test can
//! cut: a write through any replica appears in every replica's search; writers racing on two
//! replicas lose no revision; a replica killed (SIGKILL) in the middle of a stream of writes
//! loses no acknowledged one and catches up when restarted; with the database away, searches
//! still answer, writes answer 503 quickly and `/readyz` says not ready, and all of it comes
//! back by itself; signed in through one replica is signed in on another (sessions and their
//! CSRF tokens live in the database). Skipped without PostgreSQL, except under CI.

mod support;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use city_playbook::accounts::secrets::{hash_password, new_api_token};
use city_playbook::playbook::{Jurisdiction, Slug, load_playbook};
use city_playbook::store::{Role, Stores};
use serde_json::{Value, json};
use support::http::{http, send};
use support::playbook::real_playbook_dir;
use support::postgres::TestDatabase;
use support::proxy::Proxy;
use support::server::Server;
use tempfile::TempDir;

/// The editor's password.
const PASSWORD: &str = "correct horse battery staple";

/// How long another replica may take to show a write: the poll interval, with room for a
/// busy machine (the benchmark measures the real figure).
const VISIBLE_WITHIN: Duration = Duration::from_secs(10);

/// A database with one editor of Minneapolis and their API token, a proxy in front of it,
/// and the URL replicas reach it by.
struct Cluster {
    _database: TestDatabase,
    proxy: Proxy,
    url: String,
    token: String,
    dirs: Vec<TempDir>,
}

/// The `host:port` of a PostgreSQL URL.
fn host_and_port(url: &str) -> (String, SocketAddr) {
    let after_at = url.split_once('@').map_or(url, |(_, rest)| rest);
    let authority = after_at.split('/').next().expect("an authority");
    let with_port = if authority.contains(':') {
        authority.to_owned()
    } else {
        format!("{authority}:5432")
    };
    let addr = with_port.parse().unwrap_or_else(|e| {
        panic!("PLAYBOOK_TEST_POSTGRES must name host:port as an IP ({with_port}): {e}")
    });
    (authority.to_owned(), addr)
}

impl Cluster {
    fn new() -> Option<Cluster> {
        let database = TestDatabase::create()?;
        let stores = Stores::open_postgres(&database.url).expect("the store opens");
        let loaded = load_playbook(&real_playbook_dir());
        let curated: Vec<&Jurisdiction> = loaded.playbook.jurisdictions.values().collect();
        stores
            .entries
            .sync_curated_jurisdictions(&curated)
            .expect("jurisdictions");
        let user = stores
            .accounts
            .add_user(
                "alice@minneapolis.example",
                &Slug::parse("minneapolis-mn").expect("slug"),
                Role::Editor,
                &hash_password(PASSWORD).expect("a hash"),
            )
            .expect("a user");
        stores
            .accounts
            .set_password(user, &hash_password(PASSWORD).expect("a hash"), false)
            .expect("the password is chosen");
        let (token, prefix, hash) = new_api_token().expect("a token");
        stores
            .accounts
            .add_token(user, "replica tests", &prefix, &hash)
            .expect("the token");
        drop(stores);
        let (authority, upstream) = host_and_port(&database.url);
        let proxy = Proxy::start(upstream);
        let url = database
            .url
            .replacen(&authority, &proxy.addr.to_string(), 1);
        Some(Cluster {
            _database: database,
            proxy,
            url,
            token,
            dirs: Vec::new(),
        })
    }

    /// Starts a replica over a data dir of its own (made now, or `reuse` an earlier one's).
    fn replica(&mut self, reuse: Option<usize>) -> (Server, usize) {
        let index = match reuse {
            Some(index) => index,
            None => {
                self.dirs.push(TempDir::new().expect("a data dir"));
                self.dirs.len() - 1
            }
        };
        let dir = self.dirs[index].path();
        let log = dir.join(format!(
            "server-{}.log",
            Instant::now().elapsed().as_nanos()
        ));
        let server = Server::start_with(dir, &log, &["--database-url", &self.url]);
        (server, index)
    }
}

fn entry(slug: &str, word: &str) -> String {
    json!({
        "slug": slug,
        "title": format!("Replica entry {word}"),
        "summary": format!("Written through one replica ({word})."),
        "kind": "practice",
        "topics": ["policing"],
        "body_markdown": format!("The word is {word}."),
        "message": "replica test"
    })
    .to_string()
}

/// Creates an entry through the replica at `addr`; the status.
fn create(addr: SocketAddr, token: &str, slug: &str, word: &str) -> u16 {
    http(
        addr,
        "POST",
        "/api/entries",
        Some(token),
        Some(&entry(slug, word)),
    )
    .map_or(0, |(status, _)| status)
}

/// The ids a search on `server` finds for `query` (up to 100).
fn found(server: &Server, query: &str) -> Vec<String> {
    let Ok((200, body)) = http(
        server.addr,
        "GET",
        &format!("/api/search?q={query}&limit=100"),
        None,
        None,
    ) else {
        return Vec::new();
    };
    let json: Value = serde_json::from_str(&body).expect("JSON");
    json["hits"]
        .as_array()
        .expect("hits")
        .iter()
        .map(|hit| hit["id"].as_str().expect("an id").to_owned())
        .collect()
}

/// Waits until a search on `server` for `query` finds `count` entries; how long it took.
fn wait_found(server: &Server, query: &str, count: usize) -> Duration {
    let started = Instant::now();
    loop {
        let ids = found(server, query);
        if ids.len() >= count {
            return started.elapsed();
        }
        assert!(
            started.elapsed() < VISIBLE_WITHIN,
            "{query}: {} of {count} found on {} after {VISIBLE_WITHIN:?}: {ids:?}\n{}",
            ids.len(),
            server.addr,
            server.log_text()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn ready(server: &Server) -> (u16, String) {
    http(server.addr, "GET", "/readyz", None, None).unwrap_or((0, String::new()))
}

fn wait_ready(server: &Server) {
    let started = Instant::now();
    while ready(server).0 != 200 {
        assert!(
            started.elapsed() < VISIBLE_WITHIN,
            "never ready: {:?}",
            ready(server)
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn a_write_through_any_replica_appears_in_every_replicas_search() {
    let Some(mut cluster) = Cluster::new() else {
        return;
    };
    let replicas: Vec<Server> = (0..3).map(|_| cluster.replica(None).0).collect();
    // Words far apart, so typo matching finds each alone.
    let words = ["quokka", "wallaby", "bilby"];
    for (i, writer) in replicas.iter().enumerate() {
        let word = words[i];
        assert_eq!(
            create(writer.addr, &cluster.token, &format!("entry-{i}"), word),
            201
        );
        // The replica that took the write shows it at once.
        assert_eq!(found(writer, word).len(), 1, "read your own write");
        for reader in &replicas {
            wait_found(reader, word, 1);
        }
    }
    for replica in &replicas {
        wait_ready(replica);
        for word in words {
            assert_eq!(found(replica, word).len(), 1, "{word} on {}", replica.addr);
        }
    }
}

#[test]
fn writers_racing_on_two_replicas_lose_no_revision() {
    let Some(mut cluster) = Cluster::new() else {
        return;
    };
    let (a, _) = cluster.replica(None);
    let (b, _) = cluster.replica(None);
    const EACH: usize = 15;
    std::thread::scope(|scope| {
        for (name, server) in [("a", &a), ("b", &b)] {
            let token = cluster.token.clone();
            scope.spawn(move || {
                for n in 0..EACH {
                    let status = create(server.addr, &token, &format!("race-{name}-{n}"), "wombat");
                    assert_eq!(status, 201, "write {n} through {name}");
                }
            });
        }
    });
    for server in [&a, &b] {
        wait_found(server, "wombat", 2 * EACH);
        wait_ready(server);
    }
}

#[test]
fn a_replica_killed_mid_stream_loses_no_acknowledged_write_and_catches_up() {
    let Some(mut cluster) = Cluster::new() else {
        return;
    };
    let (mut a, a_dir) = cluster.replica(None);
    let (b, _) = cluster.replica(None);
    let token = cluster.token.clone();
    // Kill once a few writes are acknowledged, not after a fixed time: on
    // a busy machine a write can take longer than any sleep would allow.
    const BEFORE_KILL: usize = 5;
    let acknowledged_count = AtomicUsize::new(0);
    let acknowledged = std::thread::scope(|scope| {
        let (addr, token, count) = (a.addr, &token, &acknowledged_count);
        let writer = scope.spawn(move || {
            let mut acknowledged = Vec::new();
            for n in 0.. {
                if create(addr, token, &format!("stream-{n}"), "numbat") != 201 {
                    return acknowledged;
                }
                acknowledged.push(format!("minneapolis-mn/stream-{n}"));
                count.store(acknowledged.len(), Ordering::SeqCst);
            }
            acknowledged
        });
        let deadline = Instant::now() + Duration::from_secs(60);
        while acknowledged_count.load(Ordering::SeqCst) < BEFORE_KILL && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(5));
        }
        a.kill();
        writer.join().expect("the writer")
    });
    assert!(
        acknowledged.len() >= BEFORE_KILL,
        "some writes were acknowledged: {acknowledged:?}"
    );
    let (restarted, _) = cluster.replica(Some(a_dir));
    for server in [&restarted, &b] {
        wait_found(server, "numbat", acknowledged.len());
        let ids = found(server, "numbat");
        for id in &acknowledged {
            assert!(
                ids.contains(id),
                "{id} was acknowledged but is missing on {}",
                server.addr
            );
        }
    }
    wait_ready(&restarted);
}

#[test]
fn without_the_database_searches_answer_writes_fail_fast_and_all_recovers_by_itself() {
    let Some(mut cluster) = Cluster::new() else {
        return;
    };
    let (a, _) = cluster.replica(None);
    assert_eq!(create(a.addr, &cluster.token, "before", "platypus"), 201);
    wait_ready(&a);

    cluster.proxy.cut();
    let started = Instant::now();
    let (status, body) = http(
        a.addr,
        "POST",
        "/api/entries",
        Some(&cluster.token),
        Some(&entry("during", "echidna")),
    )
    .expect("an answer");
    assert_eq!(status, 503, "{body}");
    let error: Value = serde_json::from_str(&body).expect("the JSON error envelope");
    assert_eq!(error["error"]["code"], "unavailable", "{body}");
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "no hang: {:?}",
        started.elapsed()
    );
    assert_eq!(found(&a, "platypus").len(), 1, "searching still works");
    let (status, page) = http(a.addr, "GET", "/search?q=platypus", None, None).expect("the page");
    assert_eq!(status, 200, "{page}");
    // Readers who would be looked up (a token, a session cookie) read as anonymous meanwhile,
    // rather than fail with the lookup.
    let (status, body) = http(
        a.addr,
        "GET",
        "/api/search?q=platypus",
        Some(&cluster.token),
        None,
    )
    .expect("an answer");
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("minneapolis-mn/before"), "{body}");
    let page = send(
        a.addr,
        "GET",
        "/search?q=platypus",
        &[("cookie", "cpb_session=a-session-token")],
        "",
    )
    .expect("the page");
    assert_eq!(page.status.as_u16(), 200, "{}", page.body);
    assert_eq!(ready(&a).0, 503, "not ready without the database");
    // Signing in and reading a contributed entry need the database: 503, not a hang.
    let form = send(a.addr, "GET", "/login", &[], "").expect("the sign-in form");
    let csrf = set_cookie(&form, "cpb_login_csrf");
    let cookie = format!("cpb_login_csrf={csrf}");
    let sign_in = send(
        a.addr,
        "POST",
        "/login",
        &[
            ("content-type", "application/x-www-form-urlencoded"),
            ("cookie", &cookie),
        ],
        &format!("email=alice%40minneapolis.example&password=x&csrf_token={csrf}"),
    )
    .expect("an answer");
    assert_eq!(sign_in.status.as_u16(), 503, "{}", sign_in.body);
    let (status, body) = http(
        a.addr,
        "GET",
        "/api/entries/minneapolis-mn/before",
        None,
        None,
    )
    .expect("an answer");
    assert_eq!(status, 503, "{body}");
    assert_eq!(
        http(a.addr, "GET", "/healthz", None, None)
            .expect("alive")
            .0,
        200
    );

    cluster.proxy.restore();
    let started = Instant::now();
    loop {
        if create(a.addr, &cluster.token, "after", "echidna") == 201 {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "writes never came back: {}",
            a.log_text()
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    wait_found(&a, "echidna", 1);
    wait_ready(&a);
}

/// The value of cookie `name` set by a reply.
fn set_cookie(reply: &support::app::Reply, name: &str) -> String {
    reply
        .headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| v.strip_prefix(&format!("{name}="))?.split(';').next())
        .unwrap_or_else(|| panic!("no {name} cookie: {:?}", reply.headers))
        .to_owned()
}

#[test]
fn signed_in_through_one_replica_is_signed_in_on_another() {
    let Some(mut cluster) = Cluster::new() else {
        return;
    };
    let (a, _) = cluster.replica(None);
    let (b, _) = cluster.replica(None);
    let form = send(a.addr, "GET", "/login", &[], "").expect("the sign-in form");
    let csrf = set_cookie(&form, "cpb_login_csrf");
    let body = format!(
        "email=alice%40minneapolis.example&password={}&csrf_token={csrf}&next=%2F",
        PASSWORD.replace(' ', "+")
    );
    let cookie = format!("cpb_login_csrf={csrf}");
    let signed_in = send(
        a.addr,
        "POST",
        "/login",
        &[
            ("content-type", "application/x-www-form-urlencoded"),
            ("cookie", &cookie),
        ],
        &body,
    )
    .expect("signs in");
    assert_eq!(signed_in.status.as_u16(), 303, "{}", signed_in.body);
    let session = format!("cpb_session={}", set_cookie(&signed_in, "cpb_session"));
    // No sticky sessions: replica B knows the session, from the database.
    let account = send(b.addr, "GET", "/account", &[("cookie", &session)], "").expect("B answers");
    assert_eq!(account.status.as_u16(), 200);
    assert!(account.body.contains("alice@minneapolis.example"));
    // And its forms' CSRF token: a form from B's page is accepted by A.
    let csrf = account
        .body
        .split("name=\"csrf_token\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a CSRF token on the account page")
        .to_owned();
    let out = send(
        a.addr,
        "POST",
        "/logout",
        &[
            ("content-type", "application/x-www-form-urlencoded"),
            ("cookie", &session),
        ],
        &format!("csrf_token={csrf}"),
    )
    .expect("signs out");
    assert_eq!(out.status.as_u16(), 303);
    let after = send(b.addr, "GET", "/account", &[("cookie", &session)], "").expect("B answers");
    assert_eq!(after.status.as_u16(), 303, "signed out everywhere");
}
