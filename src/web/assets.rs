//! Static assets served from the binary, and the layout data every page shares.

use std::sync::LazyLock;

use axum::extract::Path;
use axum::extract::rejection::PathRejection;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

use super::error::{AppError, PageError};

/// The one stylesheet.
const STYLESHEET: &str = include_str!("../../static/style.css");
/// The search-suggestions script (progressive enhancement).
const SUGGEST_SCRIPT: &str = include_str!("../../static/suggest.js");
/// The editor's script: the address follows the title until typed by hand.
const EDITOR_SCRIPT: &str = include_str!("../../static/editor.js");
/// The entry page's script: copy, share and print buttons, and a checklist's ticks kept.
const ENTRY_SCRIPT: &str = include_str!("../../static/entry.js");
/// Every page's brief tray: the brief being collected, remembered in the browser.
const BRIEF_TRAY_SCRIPT: &str = include_str!("../../static/brief-tray.js");

/// A URL named by the file's content, so browsers may cache it forever.
fn content_path(stem: &str, extension: &str, content: &str) -> String {
    let digest = Sha256::digest(content.as_bytes());
    let short: String = digest.iter().take(6).map(|b| format!("{b:02x}")).collect();
    format!("/static/{stem}-{short}.{extension}")
}

/// The stylesheet's URL.
pub static STYLESHEET_PATH: LazyLock<String> =
    LazyLock::new(|| content_path("style", "css", STYLESHEET));

/// The script's URL.
pub static SCRIPT_PATH: LazyLock<String> =
    LazyLock::new(|| content_path("suggest", "js", SUGGEST_SCRIPT));

/// The editor script's URL.
pub static EDITOR_SCRIPT_PATH: LazyLock<String> =
    LazyLock::new(|| content_path("editor", "js", EDITOR_SCRIPT));

/// The entry script's URL.
pub static ENTRY_SCRIPT_PATH: LazyLock<String> =
    LazyLock::new(|| content_path("entry", "js", ENTRY_SCRIPT));

/// The brief tray script's URL.
pub static BRIEF_TRAY_SCRIPT_PATH: LazyLock<String> =
    LazyLock::new(|| content_path("brief-tray", "js", BRIEF_TRAY_SCRIPT));

/// What the layout (`base.html`) needs from every page.
#[derive(Debug, Clone)]
pub struct Layout {
    /// The page title (the site name is added).
    pub title: String,
    /// The stylesheet URL.
    pub stylesheet: &'static str,
    /// The script URL.
    pub script: &'static str,
    /// The brief tray script's URL.
    pub tray_script: &'static str,
    /// What the header search box shows.
    pub query: String,
    /// Whether the header shows its own search box (the home and search pages have a big one).
    pub header_search: bool,
    /// What a forwarded link's preview says (`<meta name="description">` and Open Graph),
    /// with the page's permanent address, when the page is one worth forwarding.
    pub preview: Option<LinkPreview>,
}

/// What a link to a page shows where it is shared (chat, email, social sites).
#[derive(Debug, Clone)]
pub struct LinkPreview {
    /// One or two sentences about the page.
    pub description: String,
    /// The page's absolute address.
    pub url: String,
}

impl Layout {
    /// A layout for a page titled `title`.
    pub fn new(title: impl Into<String>) -> Self {
        Layout {
            title: title.into(),
            stylesheet: STYLESHEET_PATH.as_str(),
            script: SCRIPT_PATH.as_str(),
            tray_script: BRIEF_TRAY_SCRIPT_PATH.as_str(),
            query: String::new(),
            header_search: true,
            preview: None,
        }
    }

    /// The same layout without the header search box.
    pub fn without_header_search(mut self) -> Self {
        self.header_search = false;
        self
    }
}

/// The site's icon: a page of the playbook, in the link colour.
const FAVICON: &[u8] = include_bytes!("../../static/favicon.ico");

/// `GET /favicon.ico`, which browsers ask for on every site.
pub async fn favicon() -> Response {
    (
        [
            (header::CONTENT_TYPE, "image/x-icon"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        FAVICON,
    )
        .into_response()
}

/// `GET /static/{name}`: the stylesheet or the script under its current name.
pub async fn static_file(path: Result<Path<String>, PathRejection>) -> Result<Response, PageError> {
    let Path(name) = path?;
    let requested = format!("/static/{name}");
    let (content_type, body) = if requested == *STYLESHEET_PATH {
        ("text/css; charset=utf-8", STYLESHEET)
    } else if requested == *SCRIPT_PATH {
        ("text/javascript; charset=utf-8", SUGGEST_SCRIPT)
    } else if requested == *EDITOR_SCRIPT_PATH {
        ("text/javascript; charset=utf-8", EDITOR_SCRIPT)
    } else if requested == *ENTRY_SCRIPT_PATH {
        ("text/javascript; charset=utf-8", ENTRY_SCRIPT)
    } else if requested == *BRIEF_TRAY_SCRIPT_PATH {
        ("text/javascript; charset=utf-8", BRIEF_TRAY_SCRIPT)
    } else {
        return Err(AppError::NotFound("No such file.".into()).into());
    };
    Ok((
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
        ],
        body,
    )
        .into_response())
}
