//! Harness for the real-browser tests: the real `playbook serve` with a temp data dir, a
//! `chromedriver` child process, and a headless Chromium session driven over WebDriver
//! (fantoccini), plus helpers for waiting, DevTools commands, axe-core, printing and
//! screenshots.

use std::io::BufRead;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use axum::http::Method;
use fantoccini::elements::Element;
use fantoccini::wd::{
    PrintConfiguration, PrintMargins, PrintSize, TimeoutConfiguration, WebDriverCompatibleCommand,
};
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};
use tempfile::TempDir;
use tokio::sync::{Mutex, MutexGuard};

use super::http::http;
use super::server::Server;

/// How long a page or element may take to appear before a test fails.
const PATIENCE: Duration = Duration::from_secs(20);

/// One browser at a time: the machine has two cores, and a second Chromium only makes both slow.
static TURN: Mutex<()> = Mutex::const_new(());

/// Whether this run is CI, where a missing browser or tool fails instead of skipping.
fn in_ci() -> bool {
    std::env::var_os("CI").is_some_and(|v| !v.is_empty())
}

/// Skips (locally) or fails (in CI) because `what` is missing.
fn missing(what: &str, hint: &str) -> Option<std::convert::Infallible> {
    if in_ci() {
        panic!("CI is set but {what} is missing: {hint}");
    }
    eprintln!("browser tests skipped: {what} is missing ({hint})");
    None
}

/// The browser and its driver, found on this machine.
struct Tools {
    chromium: PathBuf,
    chromedriver: PathBuf,
}

impl Tools {
    /// Finds Chromium and chromedriver (`CHROMIUM_BIN`, `CHROMEDRIVER_BIN` override).
    fn locate() -> Option<Tools> {
        let chromium = std::env::var_os("CHROMIUM_BIN")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
        let chromedriver = std::env::var_os("CHROMEDRIVER_BIN")
            .map(PathBuf::from)
            .or_else(|| on_path("chromedriver"))
            .unwrap_or_else(|| PathBuf::from("/usr/bin/chromedriver"));
        let hint = "apt-get install chromium chromium-driver";
        if !chromium.is_file() {
            missing(&format!("Chromium ({})", chromium.display()), hint)?;
        }
        if !chromedriver.is_file() {
            missing(&format!("chromedriver ({})", chromedriver.display()), hint)?;
        }
        Some(Tools {
            chromium,
            chromedriver,
        })
    }
}

fn on_path(name: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join(name))
        .find(|path| path.is_file())
}

/// Waits until `ready` answers true, polling; panics with `what` after [`PATIENCE`].
fn wait_blocking(what: &str, mut ready: impl FnMut() -> bool) {
    let start = Instant::now();
    while !ready() {
        assert!(start.elapsed() < PATIENCE, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// `chromedriver` as a child process in its own process group, so that ending the group also
/// ends any Chromium it started, even when a test panics before closing its session.
struct Driver {
    child: Child,
    url: String,
}

impl Driver {
    /// Starts chromedriver on a port it picks (`--port=0`), read from the line it prints
    /// once listening, and waits until it is ready.
    fn start(tools: &Tools) -> Driver {
        use std::os::unix::process::CommandExt;
        let mut child = Command::new(&tools.chromedriver)
            .arg("--port=0")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .expect("chromedriver starts");
        let stdout = child.stdout.take().expect("chromedriver's stdout");
        let (found, port) = std::sync::mpsc::channel();
        // Reads the port, then keeps draining so chromedriver never blocks on a full pipe.
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if let Some(port) = line
                    .split_once("started successfully on port ")
                    .and_then(|(_, rest)| rest.trim_end_matches('.').parse::<u16>().ok())
                {
                    let _ = found.send(port);
                }
            }
        });
        let mut driver = Driver {
            child,
            url: String::new(),
        };
        let port = port
            .recv_timeout(PATIENCE)
            .unwrap_or_else(|_| panic!("chromedriver named no port within {PATIENCE:?}"));
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        driver.url = format!("http://{addr}");
        wait_blocking("chromedriver's /status", || {
            http(addr, "GET", "/status", None, None)
                .is_ok_and(|(_, body)| body.contains("\"ready\":true"))
        });
        driver
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        // The group id is chromedriver's own pid (process_group(0)); its Chromium joined it.
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill")
            .args(["-KILL", "--", &group])
            .stderr(Stdio::null())
            .status();
        let _ = self.child.wait();
    }
}

/// Whether the browser runs the page's JavaScript.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Js {
    On,
    Off,
}

/// A viewport the pages are checked at.
#[derive(Clone, Copy, Debug)]
pub struct Viewport {
    pub name: &'static str,
    pub width: u32,
    pub height: u32,
    pub mobile: bool,
}

/// A laptop screen.
pub const DESKTOP: Viewport = Viewport {
    name: "desktop",
    width: 1280,
    height: 900,
    mobile: false,
};

/// A phone (390 × 844 CSS pixels, touch, mobile viewport rules).
pub const PHONE: Viewport = Viewport {
    name: "phone",
    width: 390,
    height: 844,
    mobile: true,
};

/// A DevTools command sent through chromedriver (`POST /session/{id}/goog/cdp/execute`).
#[derive(Debug)]
struct Cdp {
    cmd: &'static str,
    params: Value,
}

impl WebDriverCompatibleCommand for Cdp {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/goog/cdp/execute",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _request_url: &url::Url) -> (Method, Option<String>) {
        let body = json!({ "cmd": self.cmd, "params": self.params });
        (Method::POST, Some(body.to_string()))
    }
}

/// One browser session against its own server. Dropping it ends the server, chromedriver and
/// Chromium; call [`Session::finish`] at the end of a test to close the browser politely.
pub struct Session {
    /// The WebDriver client.
    pub client: Client,
    /// The app under test.
    pub server: Server,
    driver: Driver,
    _profile: TempDir,
    _turn: MutexGuard<'static, ()>,
}

impl Session {
    /// Starts a server, chromedriver and headless Chromium; `None` (after saying why) when
    /// Chromium is not installed and this is not CI.
    pub async fn start(js: Js) -> Option<Session> {
        let tools = Tools::locate()?;
        let turn = TURN.lock().await;
        let server = Server::start_fresh();
        let driver = Driver::start(&tools);
        let profile = TempDir::new().expect("temp browser profile");
        let mut args = vec![
            "--headless=new".to_owned(),
            "--no-sandbox".into(),
            "--disable-gpu".into(),
            "--disable-dev-shm-usage".into(),
            "--disable-quic".into(),
            "--no-first-run".into(),
            "--disable-background-networking".into(),
            "--disable-component-update".into(),
            "--disable-sync".into(),
            "--disable-crash-reporter".into(),
            "--disable-breakpad".into(),
            "--hide-scrollbars".into(),
            "--force-color-profile=srgb".into(),
            "--font-render-hinting=none".into(),
            "--window-size=1280,900".into(),
            format!("--user-data-dir={}", profile.path().display()),
        ];
        let mut prefs = json!({});
        if js == Js::Off {
            args.push("--blink-settings=scriptEnabled=false".into());
            prefs = json!({ "profile.managed_default_content_settings.javascript": 2 });
        }
        let capabilities = json!({
            "browserName": "chrome",
            "pageLoadStrategy": "normal",
            "goog:chromeOptions": {
                "binary": tools.chromium,
                "args": args,
                "prefs": prefs,
            },
        });
        let serde_json::Value::Object(capabilities) = capabilities else {
            unreachable!()
        };
        let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(capabilities)
            .connect(&driver.url)
            .await
            .expect("a WebDriver session with headless Chromium");
        client
            .update_timeouts(TimeoutConfiguration::new(
                Some(Duration::from_secs(60)),
                Some(Duration::from_secs(60)),
                Some(Duration::ZERO),
            ))
            .await
            .expect("timeouts set");
        let session = Session {
            client,
            server,
            driver,
            _profile: profile,
            _turn: turn,
        };
        session.viewport(DESKTOP).await;
        Some(session)
    }

    /// How many pixels the page sticks out sideways (0 when it fits its viewport).
    pub async fn sideways_overflow(&self) -> i64 {
        self.client
            .execute(
                "return document.documentElement.scrollWidth - document.documentElement.clientWidth;",
                vec![],
            )
            .await
            .expect("the page's widths are read")
            .as_i64()
            .unwrap_or(0)
    }

    /// Closes the browser session (the processes end when the rest is dropped).
    pub async fn finish(self) {
        let _ = self.client.clone().close().await;
    }

    /// Sends a DevTools command to the current page.
    pub async fn cdp(&self, cmd: &'static str, params: Value) -> Value {
        self.client
            .issue_cmd(Cdp { cmd, params })
            .await
            .unwrap_or_else(|e| panic!("DevTools {cmd} failed: {e}"))
    }

    /// Makes the page's viewport exactly `viewport` (phone: mobile viewport rules and touch).
    pub async fn viewport(&self, viewport: Viewport) {
        self.cdp(
            "Emulation.setDeviceMetricsOverride",
            json!({
                "width": viewport.width,
                "height": viewport.height,
                "deviceScaleFactor": 1,
                "mobile": viewport.mobile,
            }),
        )
        .await;
        self.cdp(
            "Emulation.setTouchEmulationEnabled",
            json!({ "enabled": viewport.mobile }),
        )
        .await;
    }

    /// Emulates a CSS media type ("print", "screen") and media features.
    pub async fn emulate_media(&self, media: &str, features: Value) {
        self.cdp(
            "Emulation.setEmulatedMedia",
            json!({ "media": media, "features": features }),
        )
        .await;
    }

    /// Opens `path` on the server and waits for it to load.
    pub async fn goto(&self, path: &str) {
        self.client
            .goto(&self.server.url(path))
            .await
            .unwrap_or_else(|e| panic!("cannot open {path}: {e}"));
    }

    /// The current path and query, like `/search?q=guard`.
    pub async fn path(&self) -> String {
        let url = self.client.current_url().await.expect("current URL");
        match url.query() {
            Some(query) => format!("{}?{query}", url.path()),
            None => url.path().to_owned(),
        }
    }

    /// Waits until the current path and query satisfy `ok`; returns it.
    pub async fn wait_path(&self, what: &str, ok: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let path = self.path().await;
            if ok(&path) {
                return path;
            }
            assert!(
                start.elapsed() < PATIENCE,
                "timed out waiting for {what}; still on {path}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// The first element matching `css`, waiting for it to exist.
    pub async fn find(&self, css: &str) -> Element {
        match self
            .client
            .wait()
            .at_most(PATIENCE)
            .for_element(Locator::Css(css))
            .await
        {
            Ok(element) => element,
            Err(e) => panic!("no element {css} on {}: {e}", self.path_now().await),
        }
    }

    /// Every element matching `css` right now.
    pub async fn find_all(&self, css: &str) -> Vec<Element> {
        self.client
            .find_all(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("cannot look for {css}: {e}"))
    }

    /// The visible text of the first element matching `css`.
    pub async fn text(&self, css: &str) -> String {
        self.find(css).await.text().await.expect("element text")
    }

    /// The link with exactly `text` inside the first element matching `scope`.
    pub async fn link_in(&self, scope: &str, text: &str) -> Element {
        self.find(scope)
            .await
            .find(Locator::LinkText(text))
            .await
            .unwrap_or_else(|e| panic!("no link {text:?} in {scope}: {e}"))
    }

    /// Waits until the first element matching `css` is displayed (or hidden, when `shown` is
    /// false).
    pub async fn wait_displayed(&self, css: &str, shown: bool) -> Element {
        let element = self.find(css).await;
        let start = Instant::now();
        while element.is_displayed().await.expect("displayed state") != shown {
            assert!(
                start.elapsed() < PATIENCE,
                "timed out waiting for {css} to be {}",
                if shown { "shown" } else { "hidden" }
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        element
    }

    /// Asserts that every element matching `css` (at least one) is rendered (`shown`) or not,
    /// as WebDriver judges it: display, visibility and ancestors under the current media.
    pub async fn assert_displayed(&self, css: &str, shown: bool) {
        let all = self.find_all(css).await;
        assert!(!all.is_empty(), "{css} is on the page");
        for element in all {
            assert_eq!(
                element.is_displayed().await.expect("displayed state"),
                shown,
                "{css} is {}",
                if shown { "rendered" } else { "hidden" }
            );
        }
    }

    /// Clicks the first element matching `css` (a submit button or link) and waits until the
    /// next page has replaced this one, even when it has the same address.
    pub async fn click_and_load(&self, css: &str) {
        let old = self.find("html").await;
        self.click(css).await;
        let start = Instant::now();
        while old.tag_name().await.is_ok() {
            assert!(
                start.elapsed() < PATIENCE,
                "clicking {css} did not load a new page"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        self.find("body").await;
    }

    /// Waits until attribute `name` of the first element matching `css` is `value` (`None`: absent).
    pub async fn wait_attr(&self, css: &str, name: &str, value: Option<&str>) {
        let element = self.find(css).await;
        let start = Instant::now();
        loop {
            let now = element.attr(name).await.expect("attribute");
            if now.as_deref() == value {
                return;
            }
            assert!(
                start.elapsed() < PATIENCE,
                "timed out waiting for {css}[{name}] to be {value:?}; it is {now:?}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Types `text` into the field matching `css`, replacing what it held.
    pub async fn fill(&self, css: &str, text: &str) {
        let field = self.find(css).await;
        field.clear().await.expect("field clears");
        field.send_keys(text).await.expect("typing works");
    }

    /// Clicks the first element matching `css`.
    pub async fn click(&self, css: &str) {
        self.find(css)
            .await
            .click()
            .await
            .unwrap_or_else(|e| panic!("cannot click {css}: {e}"));
    }

    async fn path_now(&self) -> String {
        match self.client.current_url().await {
            Ok(url) => url.to_string(),
            Err(_) => "(unknown page)".into(),
        }
    }

    /// Signs in with a one-time password and replaces it, as a new editor does the first time.
    pub async fn first_sign_in(&self, email: &str, one_time: &str, new_password: &str) {
        self.goto("/login").await;
        self.fill("#email", email).await;
        self.fill("#password", one_time).await;
        self.click_and_load("main form button[type=submit]").await;
        self.wait_path("the account page after signing in", |p| p == "/account")
            .await;
        assert!(
            self.text("main").await.contains("one-time password"),
            "the account page asks for a new password first"
        );
        self.fill("#current_password", one_time).await;
        self.fill("#new_password", new_password).await;
        self.fill("#confirm_password", new_password).await;
        self.click_and_load("form[action='/account/password'] button[type=submit]")
            .await;
        self.wait_path("the account page after the change", |p| {
            p == "/account?password=changed"
        })
        .await;
        let page = self.text("main").await;
        assert!(page.contains("Password changed."), "it says so: {page}");
        assert!(
            !page.contains("one-time password") && !page.contains("not right"),
            "the password is changed: {page}"
        );
        assert!(self.text("main").await.contains(email));
    }

    /// Saves a PNG screenshot of the viewport as `{name}.png` in [`screenshots_dir`].
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        let png = self.client.screenshot().await.expect("a screenshot");
        assert!(png.starts_with(b"\x89PNG"), "the screenshot is a PNG");
        let dir = screenshots_dir();
        std::fs::create_dir_all(&dir)
            .unwrap_or_else(|e| panic!("cannot make {}: {e}", dir.display()));
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, png).expect("the screenshot is written");
        path
    }

    /// Prints the current page to PDF the way the browser's print command does.
    pub async fn print_pdf(&self, size: PrintSize) -> Vec<u8> {
        let config = PrintConfiguration::builder()
            .size(size)
            .margins(PrintMargins {
                top: 1.0,
                bottom: 1.0,
                left: 1.0,
                right: 1.0,
            })
            .build()
            .expect("a valid print configuration");
        let pdf = self.client.print(config).await.expect("the page prints");
        assert!(pdf.starts_with(b"%PDF"), "the print is a PDF");
        pdf
    }

    /// Runs axe-core's WCAG 2.0/2.1 A and AA rules on the current page; returns the violations
    /// as readable lines (empty when there are none).
    pub async fn axe_violations(&self, axe_source: &str) -> Vec<String> {
        self.client
            .execute(&format!("{axe_source}\n;return typeof axe;"), vec![])
            .await
            .expect("axe-core loads into the page");
        let result = self
            .client
            .execute_async(
                r#"
                const done = arguments[arguments.length - 1];
                axe.run(document, {
                  runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
                  resultTypes: ['violations'],
                }).then(
                  (r) => done(r.violations.map((v) => ({
                    id: v.id, impact: v.impact, help: v.help,
                    nodes: v.nodes.map((n) => ({ target: n.target.join(' '), summary: n.failureSummary })),
                  }))),
                  (e) => done({ error: String(e) }),
                );
                "#,
                vec![],
            )
            .await
            .expect("axe.run finishes");
        if let Some(error) = result.get("error") {
            panic!("axe.run failed: {error}");
        }
        let mut lines = Vec::new();
        for violation in result.as_array().expect("a list of violations") {
            lines.push(format!(
                "{} ({}): {}",
                violation["id"].as_str().unwrap_or("?"),
                violation["impact"].as_str().unwrap_or("?"),
                violation["help"].as_str().unwrap_or("?"),
            ));
            let nodes = violation["nodes"].as_array().cloned().unwrap_or_default();
            for node in nodes.iter().take(3) {
                // The first line of axe's summary says which fix applies; the rest lists options.
                let summary = node["summary"].as_str().unwrap_or("");
                let mut summary: Vec<&str> = summary.lines().map(str::trim).collect();
                summary.truncate(2);
                lines.push(format!(
                    "    at {}: {}",
                    node["target"].as_str().unwrap_or("?"),
                    summary.join(" ")
                ));
            }
            if nodes.len() > 3 {
                lines.push(format!("    and {} more", nodes.len() - 3));
            }
        }
        lines
    }
}

/// Where screenshots go: `$PLAYBOOK_SCREENSHOTS_DIR` (relative to the crate root), else
/// `target/tmp/screenshots`. Tests never write tracked files: `scripts/screenshots.sh` points
/// this at `docs/screenshots` to refresh the README's pictures.
pub fn screenshots_dir() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    match std::env::var_os("PLAYBOOK_SCREENSHOTS_DIR") {
        Some(dir) if !dir.is_empty() => root.join(dir),
        _ => root.join("target/tmp/screenshots"),
    }
}

/// axe-core's browser bundle: `AXE_CORE_JS`, or where `.ci/run` installs it
/// (`target/browser-tools/node_modules/axe-core/axe.min.js`). `None` (after saying why) when it
/// is missing and this is not CI.
pub fn axe_source() -> Option<&'static str> {
    static SOURCE: OnceLock<Option<String>> = OnceLock::new();
    SOURCE
        .get_or_init(|| {
            let path = std::env::var_os("AXE_CORE_JS")
                .map(PathBuf::from)
                .unwrap_or_else(|| {
                    Path::new(env!("CARGO_MANIFEST_DIR"))
                        .join("target/browser-tools/node_modules/axe-core/axe.min.js")
                });
            match std::fs::read_to_string(&path) {
                Ok(source) => Some(source),
                Err(_) => {
                    missing(
                        &format!("axe-core ({})", path.display()),
                        "npm install --no-save --prefix target/browser-tools axe-core@4",
                    )?;
                    None
                }
            }
        })
        .as_deref()
}

/// How many pages a PDF has, from its page objects (`/Type /Page`, not `/Pages`).
pub fn pdf_page_count(pdf: &[u8]) -> usize {
    let needle = b"/Type /Page";
    pdf.windows(needle.len() + 1)
        .filter(|w| w.starts_with(needle) && w[needle.len()] != b's')
        .count()
}
