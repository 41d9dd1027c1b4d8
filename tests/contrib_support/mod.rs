//! Helpers for the contribution tests: a temp data dir with jurisdictions, accounts and API
//! tokens; the in-process app; a browser that keeps cookies; the `playbook` binary, run as a
//! command or as a server; and plain HTTP/1.1 over a socket.

// Each test binary uses its own subset of these helpers.
#![allow(dead_code)]

#[allow(clippy::duplicate_mod)] // Until the support modules are one (both include it).
#[path = "../api_document/mod.rs"]
mod api_document;
use api_document::check_reply;
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use city_playbook::accounts::secrets::{hash_password, hash_token, new_api_token, random_hex};
use city_playbook::config::Config;
use city_playbook::playbook::{Jurisdiction, Level, Slug, load_playbook};
use city_playbook::store::{AccountStore, EntryStore, Role, SqliteStore, UserId};
use http_body_util::BodyExt;
use scraper::{Html, Selector};
use serde_json::{Value, json};
use tempfile::TempDir;
use tower::ServiceExt;

/// A jurisdiction of the curated playbook; cities may still add their own entries to it.
pub const CITY_A: &str = "minneapolis-mn";
/// A jurisdiction added through the app, with no curated entries.
pub const CITY_B: &str = "riverton-or";
/// A curated entry of `CITY_A`: read-only through the app.
pub const CURATED_ID: &str = "minneapolis-mn/separation-ordinance";
/// The password every account made by `DataDir::account` signs in with.
pub const PASSWORD: &str = "correct horse battery staple";

/// The playbook shipped in the repository.
pub fn playbook_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("playbook")
}

/// The `playbook` binary built for these tests.
pub fn binary() -> &'static str {
    env!("CARGO_BIN_EXE_playbook")
}

/// Runs `playbook ARGS --playbook-dir <real playbook> --data-dir DATA`.
pub fn cli_output(data: &Path, args: &[&str]) -> Output {
    Command::new(binary())
        .args(args)
        .arg("--playbook-dir")
        .arg(playbook_dir())
        .arg("--data-dir")
        .arg(data)
        .env("RUST_LOG", "warn")
        .output()
        .expect("the playbook binary runs")
}

/// Runs a `playbook` command that must succeed; its standard output.
pub fn cli(data: &Path, args: &[&str]) -> String {
    let output = cli_output(data, args);
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "playbook {args:?} failed: {}\n{stdout}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

/// `playbook user add`; the one-time password (the last line it prints).
pub fn cli_add_user(data: &Path, email: &str, jurisdiction: &str, role: &str) -> String {
    let out = cli(
        data,
        &[
            "user",
            "add",
            "--email",
            email,
            "--jurisdiction",
            jurisdiction,
            "--role",
            role,
        ],
    );
    let password = out.lines().last().unwrap_or("").trim().to_owned();
    assert!(password.len() >= 12, "no one-time password in {out:?}");
    password
}

/// `playbook token create`; the token.
pub fn cli_create_token(data: &Path, email: &str) -> String {
    let token = cli(data, &["token", "create", "--email", email])
        .trim()
        .to_owned();
    assert!(token.starts_with("cpb_"), "not a token: {token:?}");
    token
}

/// An account made directly in the store, with its own password and one API token.
#[derive(Debug, Clone)]
pub struct Account {
    /// The user id.
    pub id: UserId,
    /// Sign-in email.
    pub email: String,
    /// The jurisdiction it edits.
    pub jurisdiction: String,
    /// Its API token.
    pub token: String,
    /// The token's displayable prefix.
    pub token_prefix: String,
}

/// A temp data dir with the store open: curated jurisdictions synced and `CITY_B` added.
pub struct DataDir {
    dir: TempDir,
    store: SqliteStore,
}

impl DataDir {
    /// A fresh data dir.
    pub fn new() -> DataDir {
        let dir = TempDir::new().expect("temp data dir");
        let store = SqliteStore::open(dir.path()).expect("the store opens");
        let loaded = load_playbook(&playbook_dir());
        assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
        let curated: Vec<&Jurisdiction> = loaded.playbook.jurisdictions.values().collect();
        store
            .sync_curated_jurisdictions(&curated)
            .expect("curated jurisdictions");
        store
            .add_jurisdiction(
                &Jurisdiction {
                    slug: slug(CITY_B),
                    name: "Riverton".into(),
                    state: Some("OR".into()),
                    level: Level::City,
                    body_markdown: String::new(),
                },
                None,
            )
            .expect("city B is added");
        DataDir { dir, store }
    }

    /// The folder.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// The store (a second connection beside the app's).
    pub fn store(&self) -> &SqliteStore {
        &self.store
    }

    /// Adds a user with `PASSWORD` (already chosen, so no forced change) and an API token.
    pub fn account(&self, email: &str, jurisdiction: &str, role: Role) -> Account {
        let hash = hash_password(PASSWORD).expect("hashes");
        let id = self
            .store
            .add_user(email, &slug(jurisdiction), role, &hash)
            .expect("user is added");
        self.store
            .set_password(id, &hash, false)
            .expect("password set");
        let (token, prefix, token_hash) = new_api_token().expect("token");
        self.store
            .add_token(id, "tests", &prefix, &token_hash)
            .expect("token is added");
        Account {
            id,
            email: email.to_owned(),
            jurisdiction: jurisdiction.to_owned(),
            token,
            token_prefix: prefix,
        }
    }

    /// A signed-in browser session for `account`, made in the store: (cookie, CSRF token).
    pub fn session(&self, account: &Account) -> (String, String) {
        let cookie = random_hex(32).expect("random");
        let csrf = random_hex(32).expect("random");
        let expires = chrono::Utc::now() + chrono::Duration::hours(1);
        self.store
            .add_session(&hash_token(&cookie), account.id, &csrf, expires)
            .expect("session");
        (cookie, csrf)
    }

    /// The app over the real playbook and this data dir.
    pub fn app(&self) -> App {
        App::new(Config::new(playbook_dir(), self.path()))
    }
}

/// A slug the test wrote itself.
pub fn slug(text: &str) -> Slug {
    Slug::parse(text).unwrap_or_else(|e| panic!("bad slug {text:?}: {e}"))
}

/// Three people: an editor of `CITY_A`, an editor of `CITY_B`, and an admin.
pub struct Team {
    /// Editor of `CITY_A`.
    pub alice: Account,
    /// Editor of `CITY_B`.
    pub bob: Account,
    /// Admin (of `minnesota`, so `CITY_A` and `CITY_B` are both other cities).
    pub admin: Account,
}

/// A data dir with a team, and the app over it.
pub fn setup() -> (DataDir, App, Team) {
    let data = DataDir::new();
    let team = Team {
        alice: data.account("alice@minneapolis.example", CITY_A, Role::Editor),
        bob: data.account("bob@riverton.example", CITY_B, Role::Editor),
        admin: data.account("admin@playbook.example", "minnesota", Role::Admin),
    };
    let app = data.app();
    (data, app, team)
}

/// A complete, valid entry as the write API takes it; `word` makes it findable alone.
pub fn entry(slug: &str, word: &str) -> Value {
    json!({
        "slug": slug,
        "title": format!("Parking lot order {word}"),
        "summary": format!("The city closed its lots to federal staging ({word})."),
        "kind": "executive-order",
        "topics": ["city-property", "policing"],
        "date": "2026-01-20",
        "status": "in-effect",
        "related": [CURATED_ID],
        "sources": [{
            "title": "Executive order 2026-01",
            "publisher": "City of Example",
            "date": "2026-01-20",
            "url": "https://example.org/eo-2026-01",
            "quote": "City parking lots are not staging areas."
        }],
        "body_markdown": format!("## What happened\n\nThe mayor signed the order. {word}\n\n- Step one\n- Step two"),
        "message": "first version"
    })
}

/// A response read to the end.
#[derive(Debug)]
pub struct Reply {
    /// The status.
    pub status: StatusCode,
    /// The headers.
    pub headers: HeaderMap,
    /// The body as text.
    pub body: String,
}

impl Reply {
    /// The body as JSON.
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    /// The body as HTML.
    pub fn html(&self) -> Html {
        Html::parse_document(&self.body)
    }

    /// A header ("" when absent).
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    /// Fails unless the status is `status`; returns self.
    #[track_caller]
    pub fn expect(self, status: StatusCode, what: &str) -> Reply {
        assert_eq!(self.status, status, "{what}: {}", self.body);
        self
    }

    /// Fails unless this is the JSON error envelope with `status` and `code`.
    #[track_caller]
    pub fn expect_error(self, status: StatusCode, code: &str, what: &str) -> Value {
        let json = self.expect(status, what).json();
        assert_eq!(json["error"]["code"], code, "{what}: {json}");
        assert!(
            json["error"]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty()),
            "{what}: no message in {json}"
        );
        json
    }

    /// Fails unless this is a 303 to `to`.
    #[track_caller]
    pub fn expect_redirect(self, to: &str, what: &str) -> Reply {
        assert_eq!(self.status, StatusCode::SEE_OTHER, "{what}: {}", self.body);
        assert_eq!(self.header("location"), to, "{what}");
        self
    }
}

/// The app in-process; requests go through `oneshot`.
pub struct App {
    router: Router,
}

impl App {
    /// Builds the app for `config`.
    pub fn new(config: Config) -> App {
        App {
            router: city_playbook::web::build_app(&config).expect("the app starts"),
        }
    }

    /// Sends one request.
    pub async fn send(&self, request: Request<Body>) -> Reply {
        let (method, uri) = (request.method().clone(), request.uri().to_string());
        let response = self
            .router
            .clone()
            .oneshot(request)
            .await
            .expect("the router is infallible");
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response
            .into_body()
            .collect()
            .await
            .expect("the body reads")
            .to_bytes();
        let body = String::from_utf8_lossy(&bytes).into_owned();
        check_reply(&method, &uri, status, &headers, &body);
        Reply {
            status,
            headers,
            body,
        }
    }

    /// `GET uri` without credentials.
    pub async fn get(&self, uri: &str) -> Reply {
        self.send(Request::get(uri).body(Body::empty()).expect("request"))
            .await
    }

    /// An API request with an optional Bearer token and JSON body.
    pub async fn api(
        &self,
        method: Method,
        uri: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> Reply {
        let mut request = Request::builder().method(method).uri(uri);
        if let Some(token) = token {
            request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        let body = match body {
            Some(json) => {
                request = request.header(header::CONTENT_TYPE, "application/json");
                Body::from(json.to_string())
            }
            None => Body::empty(),
        };
        self.send(request.body(body).expect("request")).await
    }

    /// `POST /api/entries`.
    pub async fn post_entry(&self, token: &str, body: &Value) -> Reply {
        self.api(Method::POST, "/api/entries", Some(token), Some(body))
            .await
    }

    /// `PUT /api/entries/{id}`.
    pub async fn put_entry(&self, token: &str, id: &str, body: &Value) -> Reply {
        self.api(Method::PUT, &api_path(id), Some(token), Some(body))
            .await
    }

    /// `DELETE /api/entries/{id}`.
    pub async fn delete_entry(&self, token: &str, id: &str) -> Reply {
        self.api(Method::DELETE, &api_path(id), Some(token), None)
            .await
    }

    /// Creates an entry that must be accepted; its JSON.
    pub async fn create(&self, token: &str, body: &Value) -> Value {
        self.post_entry(token, body)
            .await
            .expect(StatusCode::CREATED, "create")
            .json()
    }

    /// `GET /api/entries/{id}`.
    pub async fn get_entry(&self, id: &str) -> Reply {
        self.get(&api_path(id)).await
    }

    /// The ids `GET /api/search?q=` finds (first 100).
    pub async fn search_ids(&self, query: &str) -> Vec<String> {
        let q: String = form_urlencoded::byte_serialize(query.as_bytes()).collect();
        let reply = self
            .get(&format!("/api/search?q={q}&limit=100"))
            .await
            .expect(StatusCode::OK, "search");
        ids_of(&reply.json()["hits"])
    }

    /// The ids `GET /api/entries?jurisdiction=` lists (first 100).
    pub async fn listing_ids(&self, jurisdiction: &str) -> Vec<String> {
        let reply = self
            .get(&format!(
                "/api/entries?jurisdiction={jurisdiction}&limit=100"
            ))
            .await
            .expect(StatusCode::OK, "listing");
        ids_of(&reply.json()["entries"])
    }

    /// The entry's revisions as `(number, action, author, message)`, oldest first.
    pub async fn revisions(&self, id: &str) -> Vec<(u64, String, String, String)> {
        let reply = self
            .get(&format!("{}/revisions", api_path(id)))
            .await
            .expect(StatusCode::OK, "revisions");
        reply.json()["revisions"]
            .as_array()
            .expect("a list of revisions")
            .iter()
            .map(|r| {
                let text = |key: &str| r[key].as_str().unwrap_or("").to_owned();
                (
                    r["number"].as_u64().unwrap_or(0),
                    text("action"),
                    text("author"),
                    text("message"),
                )
            })
            .collect()
    }
}

/// `/api/entries/{id}`.
pub fn api_path(id: &str) -> String {
    format!("/api/entries/{id}")
}

/// The `id` of every object in a JSON list.
pub fn ids_of(list: &Value) -> Vec<String> {
    list.as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(|item| item["id"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// A browser: sends the cookies it was given, and forms as a browser would.
pub struct Browser<'a> {
    app: &'a App,
    cookies: BTreeMap<String, String>,
}

impl<'a> Browser<'a> {
    /// A browser with no cookies.
    pub fn new(app: &'a App) -> Self {
        Browser {
            app,
            cookies: BTreeMap::new(),
        }
    }

    /// A browser holding a session cookie made in the store.
    pub fn with_session(app: &'a App, cookie: &str) -> Self {
        let mut browser = Browser::new(app);
        browser.set_cookie("cpb_session", cookie);
        browser
    }

    /// Sets a cookie by hand.
    pub fn set_cookie(&mut self, name: &str, value: &str) {
        self.cookies.insert(name.to_owned(), value.to_owned());
    }

    /// Forgets a cookie.
    pub fn drop_cookie(&mut self, name: &str) {
        self.cookies.remove(name);
    }

    /// A cookie's value.
    pub fn cookie(&self, name: &str) -> Option<&str> {
        self.cookies.get(name).map(String::as_str)
    }

    async fn send(&mut self, mut request: Request<Body>) -> Reply {
        if !self.cookies.is_empty() {
            let header = self
                .cookies
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join("; ");
            request
                .headers_mut()
                .insert(header::COOKIE, header.parse().expect("cookie header"));
        }
        let reply = self.app.send(request).await;
        for value in reply.headers.get_all(header::SET_COOKIE) {
            let text = value.to_str().expect("ASCII cookie");
            let pair = text.split(';').next().unwrap_or("");
            let (name, value) = pair.split_once('=').expect("name=value");
            if value.is_empty() || text.contains("Max-Age=0") {
                self.cookies.remove(name);
            } else {
                self.cookies.insert(name.to_owned(), value.to_owned());
            }
        }
        reply
    }

    /// `GET uri`.
    pub async fn get(&mut self, uri: &str) -> Reply {
        self.send(Request::get(uri).body(Body::empty()).expect("request"))
            .await
    }

    /// `POST uri` with a form.
    pub async fn post(&mut self, uri: &str, fields: &[(&str, &str)]) -> Reply {
        self.submit(uri, &Form::of(fields)).await
    }

    /// `POST uri` with a form built up by the test.
    pub async fn submit(&mut self, uri: &str, form: &Form) -> Reply {
        let body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(form.0.iter())
            .finish();
        let request = Request::post(uri)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .expect("request");
        self.send(request).await
    }

    /// The CSRF token of the form on the page at `uri`.
    pub async fn csrf_of(&mut self, uri: &str) -> String {
        let reply = self.get(uri).await.expect(StatusCode::OK, uri);
        csrf_token(&reply.html())
    }

    /// Signs in through the form: GET /login, then POST it.
    pub async fn sign_in(&mut self, email: &str, password: &str, next: &str) -> Reply {
        let csrf = self.csrf_of("/login").await;
        self.post(
            "/login",
            &[
                ("email", email),
                ("password", password),
                ("csrf_token", &csrf),
                ("next", next),
            ],
        )
        .await
    }
}

/// A form's fields, in order.
#[derive(Debug, Clone, Default)]
pub struct Form(pub Vec<(String, String)>);

impl Form {
    /// A form of these fields.
    pub fn of(fields: &[(&str, &str)]) -> Form {
        Form(
            fields
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        )
    }

    /// Sets a field, replacing its value if present.
    pub fn set(&mut self, name: &str, value: &str) -> &mut Form {
        match self.0.iter_mut().find(|(k, _)| k == name) {
            Some(field) => field.1 = value.to_owned(),
            None => self.0.push((name.to_owned(), value.to_owned())),
        }
        self
    }

    /// Removes a field.
    pub fn remove(&mut self, name: &str) -> &mut Form {
        self.0.retain(|(k, _)| k != name);
        self
    }
}

/// The hidden `csrf_token` of the first form on a page.
pub fn csrf_token(page: &Html) -> String {
    let token = attr(page, "input[name=csrf_token]", "value");
    assert!(!token.is_empty(), "no csrf_token on the page");
    token
}

/// Parses a CSS selector.
pub fn selector(css: &str) -> Selector {
    Selector::parse(css).unwrap_or_else(|e| panic!("bad selector {css:?}: {e}"))
}

/// The whitespace-normalised text of every element matching `css`.
pub fn texts(page: &Html, css: &str) -> Vec<String> {
    page.select(&selector(css))
        .map(|e| e.text().collect::<Vec<_>>().join(" "))
        .map(|t| t.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect()
}

/// An attribute of the first element matching `css` ("" when none).
pub fn attr(page: &Html, css: &str, name: &str) -> String {
    page.select(&selector(css))
        .next()
        .and_then(|e| e.value().attr(name))
        .unwrap_or("")
        .to_owned()
}

/// How many elements match `css`.
pub fn count(page: &Html, css: &str) -> usize {
    page.select(&selector(css)).count()
}

/// `PRAGMA integrity_check` of the store's file, read with a connection of our own.
pub fn integrity_check(data: &Path) -> String {
    let conn = rusqlite::Connection::open(data.join(city_playbook::store::DATABASE_FILE))
        .expect("the database opens");
    conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .expect("integrity_check runs")
}

/// An address on this machine nobody listens on (bind port 0, read it, let it go).
pub fn free_addr() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind port 0");
    listener.local_addr().expect("local address")
}

/// `playbook serve` in a child process, killed (SIGKILL) when dropped.
pub struct Server {
    child: Child,
    /// Where it listens.
    pub addr: SocketAddr,
    log: PathBuf,
}

impl Server {
    /// Starts the server on a free port over `data` and waits until `/healthz` answers.
    pub fn start(data: &Path, log: &Path) -> Server {
        Server::start_with(data, log, &[])
    }

    /// [`Server::start`] with more `serve` flags.
    pub fn start_with(data: &Path, log: &Path, flags: &[&str]) -> Server {
        let addr = free_addr();
        let log_file = std::fs::File::create(log).expect("log file");
        let child = Command::new(binary())
            .arg("serve")
            .arg("--addr")
            .arg(addr.to_string())
            .arg("--playbook-dir")
            .arg(playbook_dir())
            .arg("--data-dir")
            .arg(data)
            .args(flags)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(log_file)
            .spawn()
            .expect("the server starts");
        let mut server = Server {
            child,
            addr,
            log: log.to_owned(),
        };
        server.wait_healthy(Duration::from_secs(60));
        server
    }

    fn wait_healthy(&mut self, limit: Duration) {
        let started = Instant::now();
        while started.elapsed() < limit {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("the server exited with {status}: {}", self.log_text());
            }
            if http(self.addr, "GET", "/healthz", None, None).is_ok_and(|(status, _)| status == 200)
            {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!(
            "the server did not answer /healthz within {limit:?}: {}",
            self.log_text()
        );
    }

    /// What the server wrote to stderr.
    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Kills the process at once (SIGKILL on Unix: no shutdown code runs) and reaps it.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

/// One HTTP/1.1 request over a fresh connection: (status, body). Errors when the server is
/// unreachable or the connection ends before a status line.
pub fn http(
    addr: SocketAddr,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<&str>,
) -> std::io::Result<(u16, String)> {
    let timeout = Duration::from_secs(20);
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(5))?;
    stream.set_read_timeout(Some(timeout))?;
    stream.set_write_timeout(Some(timeout))?;
    let mut request = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    if let Some(token) = token {
        request.push_str(&format!("Authorization: Bearer {token}\r\n"));
    }
    let body = body.unwrap_or("");
    if !body.is_empty() {
        request.push_str("Content-Type: application/json\r\n");
    }
    request.push_str(&format!("Content-Length: {}\r\n\r\n{body}", body.len()));
    stream.write_all(request.as_bytes())?;
    let mut response = Vec::new();
    // A reset after the status line still leaves what was read; only no status is an error.
    let read = stream.read_to_end(&mut response);
    let text = String::from_utf8_lossy(&response).into_owned();
    let status = text
        .strip_prefix("HTTP/1.1 ")
        .and_then(|rest| rest.get(..3))
        .and_then(|code| code.parse::<u16>().ok());
    let Some(status) = status else {
        read?;
        return Err(std::io::Error::other(format!("no status line in {text:?}")));
    };
    let (head, rest) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let chunked = head.lines().any(|l| {
        l.to_ascii_lowercase()
            .starts_with("transfer-encoding: chunked")
    });
    let body = if chunked {
        dechunk(rest)
    } else {
        rest.to_owned()
    };
    Ok((status, body))
}

fn dechunk(mut text: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = text.split_once("\r\n") {
        let Ok(size) = usize::from_str_radix(size.trim(), 16) else {
            break;
        };
        if size == 0 || rest.len() < size {
            break;
        }
        out.push_str(&rest[..size]);
        text = rest[size..].trim_start_matches("\r\n");
    }
    out
}
