//! Helpers for the web tests: the real app over the real playbook with a temp data dir,
//! one-shot requests, CSS-selector reading of pages, a real socket, and a small JSON-schema
//! validator for checking responses against the OpenAPI document.

// Each test binary uses its own subset of these helpers.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode};
use city_playbook::config::Config;
use http_body_util::BodyExt;
use scraper::{ElementRef, Html, Selector};
use serde_json::Value;
use tempfile::TempDir;

#[allow(clippy::duplicate_mod)] // Until the support modules are one (both include it).
#[path = "../api_document/mod.rs"]
mod api_document;
#[allow(unused_imports)]
pub use api_document::{
    assert_valid, check_reply, operation_response_schema, resolve, response_schema, validate,
};
use tower::ServiceExt;

/// The playbook shipped in the repository.
pub fn real_playbook_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("playbook")
}

/// The app over the real playbook; the temp data dir (the index) lives as long as it does.
pub struct TestApp {
    /// The router, as `build_app` returns it.
    pub router: Router,
    /// The data dir, when the app made its own.
    _data: Option<TempDir>,
}

/// A response read to the end.
#[derive(Debug)]
pub struct Reply {
    /// The status.
    pub status: StatusCode,
    /// The headers.
    pub headers: HeaderMap,
    /// The body as sent (possibly compressed).
    pub bytes: Vec<u8>,
    /// The body as text (lossy).
    pub body: String,
}

impl TestApp {
    /// Builds the app over the real playbook with a fresh data dir.
    pub fn new() -> TestApp {
        TestApp::over(&real_playbook_dir())
    }

    /// Builds the app over the playbook in `playbook_dir` with a fresh data dir.
    pub fn over(playbook_dir: &Path) -> TestApp {
        let data = TempDir::new().expect("temp data dir");
        let app = TestApp::over_data_dir(playbook_dir, data.path());
        TestApp {
            _data: Some(data),
            ..app
        }
    }

    /// Builds the app over the playbook in `playbook_dir` and the data dir `data_dir`, which
    /// the caller keeps.
    pub fn over_data_dir(playbook_dir: &Path, data_dir: &Path) -> TestApp {
        let config = Config::new(playbook_dir, data_dir);
        let router = city_playbook::web::build_app(&config).expect("the app starts");
        TestApp {
            router,
            _data: None,
        }
    }

    /// Sends one request through the router.
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
            .to_bytes()
            .to_vec();
        let body = String::from_utf8_lossy(&bytes).into_owned();
        check_reply(&method, &uri, status, &headers, &body);
        Reply {
            status,
            headers,
            bytes,
            body,
        }
    }

    /// `GET uri`.
    pub async fn get(&self, uri: &str) -> Reply {
        self.send(request(Method::GET, uri, &[])).await
    }

    /// `GET uri` that must answer 200 with a page; the page, parsed.
    pub async fn page(&self, uri: &str) -> Html {
        let reply = self.get(uri).await;
        assert_eq!(reply.status, StatusCode::OK, "GET {uri}: {}", reply.body);
        assert_content_type(&reply, "text/html");
        reply.html()
    }

    /// `GET uri` that must answer JSON with `status`; the JSON.
    pub async fn json(&self, uri: &str, status: StatusCode) -> Value {
        let reply = self.get(uri).await;
        assert_eq!(reply.status, status, "GET {uri}: {}", reply.body);
        assert_content_type(&reply, "application/json");
        reply.json()
    }
}

/// A request with a method, URI and headers, and no body.
pub fn request(method: Method, uri: &str, headers: &[(&str, &str)]) -> Request<Body> {
    let mut builder = Request::builder().method(method).uri(uri);
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    builder.body(Body::empty()).expect("a valid request")
}

impl Reply {
    /// The body parsed as HTML.
    pub fn html(&self) -> Html {
        Html::parse_document(&self.body)
    }

    /// The body parsed as JSON.
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    /// A header's value ("" when absent).
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }
}

/// Fails unless the reply's Content-Type starts with `expected`.
pub fn assert_content_type(reply: &Reply, expected: &str) {
    let content_type = reply.header("content-type");
    assert!(
        content_type.starts_with(expected),
        "content-type {content_type:?}, expected {expected}"
    );
}

/// Fails unless the reply carries the security headers every response must have.
pub fn assert_security_headers(reply: &Reply, what: &str) {
    let csp = reply.header("content-security-policy");
    assert!(csp.contains("default-src 'none'"), "{what}: CSP {csp:?}");
    assert!(
        csp.contains("frame-ancestors 'none'"),
        "{what}: CSP {csp:?}"
    );
    assert!(!csp.contains("unsafe-inline"), "{what}: CSP {csp:?}");
    assert_eq!(
        reply.header("x-content-type-options"),
        "nosniff",
        "{what}: X-Content-Type-Options"
    );
    assert!(
        !reply.header("referrer-policy").is_empty(),
        "{what}: no Referrer-Policy"
    );
}

/// Fails unless the reply is an error page in the site's layout with `status`.
pub fn assert_error_page(reply: &Reply, status: StatusCode, what: &str) {
    assert_eq!(reply.status, status, "{what}: {}", reply.body);
    assert_content_type(reply, "text/html");
    let page = reply.html();
    assert_eq!(count(&page, "header.site-header a.site-name"), 1, "{what}");
    assert_eq!(count(&page, "main#main h1"), 1, "{what}");
    let shown = texts(&page, "p.error-status");
    assert_eq!(shown, [format!("Error {}", status.as_u16())], "{what}");
}

/// Fails unless the reply is the JSON error envelope with `status` and its code.
pub fn assert_json_error(reply: &Reply, status: StatusCode, code: &str, what: &str) {
    assert_eq!(reply.status, status, "{what}: {}", reply.body);
    assert_content_type(reply, "application/json");
    let json = reply.json();
    assert_eq!(json["error"]["code"], code, "{what}: {json}");
    let message = json["error"]["message"].as_str().unwrap_or("");
    assert!(!message.is_empty(), "{what}: no message in {json}");
    assert_eq!(json.as_object().map(|o| o.len()), Some(1), "{what}: {json}");
}

/// Parses a CSS selector (the tests' own, so a bad one is a test bug).
pub fn selector(css: &str) -> Selector {
    Selector::parse(css).unwrap_or_else(|e| panic!("bad selector {css:?}: {e}"))
}

/// The elements matching `css`.
pub fn select<'a>(page: &'a Html, css: &str) -> Vec<ElementRef<'a>> {
    page.select(&selector(css)).collect()
}

/// How many elements match `css`.
pub fn count(page: &Html, css: &str) -> usize {
    select(page, css).len()
}

/// An element's text with whitespace collapsed.
pub fn text_of(element: ElementRef<'_>) -> String {
    element
        .text()
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The text of each element matching `css`, whitespace collapsed.
pub fn texts(page: &Html, css: &str) -> Vec<String> {
    select(page, css).into_iter().map(text_of).collect()
}

/// The text of the one element matching `css`.
pub fn one_text(page: &Html, css: &str) -> String {
    let found = texts(page, css);
    assert_eq!(found.len(), 1, "expected one {css:?}, found {found:?}");
    found.into_iter().next().unwrap_or_default()
}

/// The attribute `attr` of each element matching `css` that has it.
pub fn attrs(page: &Html, css: &str, attr: &str) -> Vec<String> {
    select(page, css)
        .into_iter()
        .filter_map(|e| e.value().attr(attr).map(str::to_owned))
        .collect()
}

/// The entry ids (`jurisdiction/slug`) of the hits on a results page, in order.
pub fn hit_ids(page: &Html) -> Vec<String> {
    attrs(page, "li.hit h3.hit-title a", "href")
        .into_iter()
        .map(|href| {
            href.strip_prefix("/entries/")
                .unwrap_or_else(|| panic!("hit link {href:?} is not an entry"))
                .to_owned()
        })
        .collect()
}

/// Serves the app on 127.0.0.1 at a free port in a spawned task; its address.
pub async fn serve(app: &TestApp) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind a free port");
    let addr = listener.local_addr().expect("local addr");
    let router = app.router.clone();
    tokio::spawn(async move {
        axum::serve(listener, router)
            .await
            .expect("the server runs");
    });
    addr
}

/// A raw HTTP/1.1 GET over a fresh connection (`Connection: close`); status and the whole
/// response text (head and body). Written with `try_write`/`try_read` because the crate's
/// tokio has no `io-util`; the server closes the connection when it is done.
pub async fn raw_get(addr: SocketAddr, path: &str) -> (u16, String) {
    let exchange = async {
        let stream = tokio::net::TcpStream::connect(addr)
            .await
            .expect("connect to the server");
        let request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
        let mut sent = 0;
        while sent < request.len() {
            stream.writable().await.expect("writable");
            match stream.try_write(&request.as_bytes()[sent..]) {
                Ok(n) => sent += n,
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
                Err(e) => panic!("send the request: {e}"),
            }
        }
        let mut response = Vec::new();
        let mut buffer = [0u8; 8192];
        loop {
            stream.readable().await.expect("readable");
            match stream.try_read(&mut buffer) {
                Ok(0) => break,
                Ok(n) => response.extend_from_slice(&buffer[..n]),
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
                Err(e) => panic!("read the response: {e}"),
            }
        }
        response
    };
    let response = tokio::time::timeout(std::time::Duration::from_secs(20), exchange)
        .await
        .unwrap_or_else(|_| panic!("GET {path}: no complete answer in 20 s"));
    let response = String::from_utf8_lossy(&response).into_owned();
    let status = response
        .strip_prefix("HTTP/1.1 ")
        .and_then(|rest| rest.get(..3))
        .and_then(|code| code.parse().ok())
        .unwrap_or_else(|| panic!("no status line in {response:?}"));
    (status, response)
}

/// The OpenAPI document the app serves.
pub async fn openapi(app: &TestApp) -> Value {
    app.json("/api/openapi.json", StatusCode::OK).await
}
