//! `/whats-new`: the entries changed most recently, newest first, readable in a browser;
//! the Atom feed is linked from it for those who subscribe.

use askama::Template;
use axum::extract::State;
use axum::response::Html;

use super::{Link, render};
use crate::search::{SearchRequest, Sort};
use crate::web::assets::Layout;
use crate::web::auth::Viewer;
use crate::web::error::PageError;
use crate::web::paths;
use crate::web::state::AppState;

/// How many changes the page lists.
const CHANGES: usize = 30;

/// One changed entry.
struct Change {
    href: String,
    title: String,
    jurisdiction: Link,
    kind: &'static str,
    summary: String,
    /// `YYYY-MM-DD`.
    day: String,
}

#[derive(Template)]
#[template(path = "whats_new.html")]
struct WhatsNewPage {
    layout: Layout,
    changes: Vec<Change>,
}

/// `GET /whats-new`
pub async fn whats_new(
    State(state): State<AppState>,
    viewer: Viewer,
) -> Result<Html<String>, PageError> {
    let results = state
        .search(SearchRequest {
            sort: Sort::Updated,
            limit: CHANGES,
            reader: viewer.reader(),
            ..SearchRequest::default()
        })
        .await?;
    // Entries with no change date (curated ones never reviewed) sort last: they are not news.
    let changes = results
        .hits
        .into_iter()
        .filter_map(|hit| {
            let day = hit.updated?.format("%Y-%m-%d").to_string();
            Some(Change {
                href: paths::entry(&hit.id),
                title: hit.title,
                jurisdiction: Link::new(
                    paths::jurisdiction(&hit.jurisdiction.slug),
                    hit.jurisdiction.name,
                ),
                kind: hit.kind.label(),
                summary: hit.summary,
                day,
            })
        })
        .collect();
    render(&WhatsNewPage {
        layout: Layout::new("What's new"),
        changes,
    })
}
