//! The app in-process over a temp data dir: requests go through the router (`oneshot`) and
//! come back as a [`Reply`] read to the end, every API reply checked against the OpenAPI
//! document; a cookie-keeping [`Browser`] for forms; the app on a real socket when a test needs
//! one.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::Path;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use city_playbook::config::Config;
use http_body_util::BodyExt;
use scraper::Html;
use serde_json::Value;
use tempfile::TempDir;
use tower::ServiceExt;

use super::api_document::check_reply;
use super::html::{count, csrf_token, texts};
use super::playbook::real_playbook_dir;

/// The app; the temp data dir (the index, the store) lives as long as it does.
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
        TestApp::with_config(Config::new(playbook_dir, data_dir))
    }

    /// Builds the app for `config`, whose data dir the caller keeps.
    pub fn with_config(config: Config) -> TestApp {
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

    /// `GET uri` without credentials.
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
    app: &'a TestApp,
    cookies: BTreeMap<String, String>,
}

impl<'a> Browser<'a> {
    /// A browser with no cookies.
    pub fn new(app: &'a TestApp) -> Self {
        Browser {
            app,
            cookies: BTreeMap::new(),
        }
    }

    /// A browser holding a session cookie made in the store.
    pub fn with_session(app: &'a TestApp, cookie: &str) -> Self {
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

/// The OpenAPI document the app serves.
pub async fn openapi(app: &TestApp) -> Value {
    app.json("/api/openapi.json", StatusCode::OK).await
}

/// Serves the app on 127.0.0.1 at a port the system picks, in a spawned task, with each
/// request's client address as `ConnectInfo` as `playbook serve` gives it; its address. The
/// listener is bound before the address is read, so no other process can take the port.
pub async fn serve(app: &TestApp) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind a free port");
    let addr = listener.local_addr().expect("local addr");
    let service = app
        .router
        .clone()
        .into_make_service_with_connect_info::<SocketAddr>();
    tokio::spawn(async move {
        axum::serve(listener, service)
            .await
            .expect("the server runs");
    });
    addr
}
