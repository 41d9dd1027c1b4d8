//! Atom feeds of new and changed entries (`/feed.atom`, and `/search.atom` for any search),
//! and the OpenSearch description that lets staff add the playbook to their browser.

use askama::Template;
use axum::extract::{Path, RawQuery, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};

use super::error::{AppError, PageError};
use super::params::SearchParams;
use super::paths;
use super::state::AppState;
use crate::search::{Hit, SearchRequest, Sort};

/// Entries in a feed.
const FEED_ENTRIES: usize = 50;

struct FeedEntry {
    title: String,
    url: String,
    updated: String,
    summary: String,
    kind: &'static str,
    jurisdiction: String,
}

#[derive(Template)]
#[template(path = "feed.xml")]
struct Feed {
    title: String,
    self_url: String,
    html_url: String,
    updated: String,
    entries: Vec<FeedEntry>,
}

fn updated_of(hit: &Hit) -> Option<DateTime<Utc>> {
    hit.updated.or_else(|| {
        hit.date
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .map(|t| t.and_utc())
    })
}

async fn feed(
    state: AppState,
    title: String,
    request: SearchRequest,
    self_path: String,
    html_path: String,
) -> Result<Response, PageError> {
    let results = state.search(request).await?;
    let base = state.config.public_url();
    let newest = results
        .hits
        .iter()
        .filter_map(updated_of)
        .max()
        .unwrap_or_else(Utc::now);
    let entries = results
        .hits
        .iter()
        .map(|hit| FeedEntry {
            title: xml_text(&hit.title),
            url: paths::absolute(&base, &paths::entry(&hit.id)),
            updated: updated_of(hit).unwrap_or(newest).to_rfc3339(),
            summary: xml_text(&hit.summary),
            kind: hit.kind.as_str(),
            jurisdiction: xml_text(&hit.jurisdiction.name),
        })
        .collect();
    let xml = Feed {
        title: xml_text(&title),
        self_url: paths::absolute(&base, &self_path),
        html_url: paths::absolute(&base, &html_path),
        updated: newest.to_rfc3339(),
        entries,
    }
    .render()
    .map_err(AppError::from)?;
    Ok((
        [(header::CONTENT_TYPE, "application/atom+xml; charset=utf-8")],
        xml,
    )
        .into_response())
}

/// `text` with only the characters XML 1.0 allows: one control character (from a query, or
/// a name stored before names were checked) would make the feed invalid for every
/// subscriber. Askama escapes what remains.
fn xml_text(text: &str) -> String {
    text.chars()
        .filter(|&c| {
            matches!(c, '\t' | '\n' | '\r')
                || ('\u{20}'..='\u{D7FF}').contains(&c)
                || ('\u{E000}'..='\u{FFFD}').contains(&c)
                || c >= '\u{10000}'
        })
        .collect()
}

/// `GET /feed.atom`: the newest and latest-changed entries.
pub async fn all(State(state): State<AppState>) -> Result<Response, PageError> {
    let request = SearchRequest {
        sort: Sort::Updated,
        limit: FEED_ENTRIES,
        ..SearchRequest::default()
    };
    feed(
        state,
        "City Playbook: new and changed entries".into(),
        request,
        paths::FEED.into(),
        paths::SEARCH.into(),
    )
    .await
}

/// `GET /feeds/{token}`: a member's private feed, the newest and latest-changed entries they
/// may read (drafts and city-only entries of their city, entries for member cities). A feed
/// reader cannot send a header, so the address carries a token of its own that only reads;
/// an unknown or revoked one is not found.
pub async fn private(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Response, PageError> {
    let not_found = || AppError::NotFound("There is no feed at this address.".into());
    if token.len() > MAX_FEED_TOKEN_CHARS {
        return Err(not_found().into());
    }
    let lookup = token.clone();
    let user = state
        .with_accounts(move |accounts| accounts.user_by_feed_token(&lookup))
        .await?
        .ok_or_else(not_found)?;
    let request = SearchRequest {
        sort: Sort::Updated,
        limit: FEED_ENTRIES,
        reader: user.reader(),
        ..SearchRequest::default()
    };
    let mut response = feed(
        state,
        format!("City Playbook: new and changed entries for {}", user.email),
        request,
        paths::private_feed(&token),
        paths::SEARCH.into(),
    )
    .await?;
    // One member's view: no shared cache may keep it for others.
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("private, no-store"),
    );
    Ok(response)
}

/// The longest private feed token looked up: longer ones are not tokens.
const MAX_FEED_TOKEN_CHARS: usize = 128;

/// `GET /search.atom?q=&jurisdiction=&kind=&topic=`: a search as a feed, latest changes first.
pub async fn search(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Response, PageError> {
    let params = SearchParams::parse(raw.as_deref())?;
    let mut request = params.page_request(FEED_ENTRIES)?;
    request.sort = Sort::Updated;
    let html = paths::search(&params);
    let self_path = paths::search_feed(&params);
    let title = if params.q.trim().is_empty() {
        "City Playbook: filtered entries".to_owned()
    } else {
        format!("City Playbook: “{}”", params.q.trim())
    };
    feed(state, title, request, self_path, html).await
}

#[derive(Template)]
#[template(path = "opensearch.xml")]
struct OpenSearch {
    base: String,
}

/// `GET /opensearch.xml`
pub async fn opensearch(State(state): State<AppState>) -> Result<Response, PageError> {
    let xml = OpenSearch {
        base: state.config.public_url(),
    }
    .render()
    .map_err(AppError::from)?;
    Ok((
        [(
            header::CONTENT_TYPE,
            "application/opensearchdescription+xml; charset=utf-8",
        )],
        xml,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_characters_xml_allows_reach_a_feed() {
        assert_eq!(xml_text("a\u{1}b\u{1b}c\td\u{FFFE}e😀"), "abc\tde😀");
    }
}
