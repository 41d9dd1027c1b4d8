//! `GET /api/entries` (listing) and `GET /api/entries/{jurisdiction}/{slug}` (one entry).

use axum::Json;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, RawQuery, State};
use chrono::NaiveDate;
use serde::Serialize;

use crate::playbook::markdown::render_html;
use crate::playbook::{Entry, Kind, Origin, Source, Status};
use crate::search::{Hit, JurisdictionRef};
use crate::web::error::{ApiError, AppError};
use crate::web::pages::entry::find_entry;
use crate::web::params::SearchParams;
use crate::web::paths;
use crate::web::state::AppState;

/// An entry in full.
#[derive(Debug, Serialize)]
pub struct EntryJson {
    /// `jurisdiction/slug`
    pub id: String,
    /// The entry's page.
    pub url: String,
    /// The slug within its jurisdiction.
    pub slug: String,
    /// Its jurisdiction.
    pub jurisdiction: JurisdictionRef,
    /// Title.
    pub title: String,
    /// Summary.
    pub summary: String,
    /// Kind.
    pub kind: Kind,
    /// Topic slugs.
    pub topics: Vec<String>,
    /// Date.
    pub date: Option<NaiveDate>,
    /// Status.
    pub status: Option<Status>,
    /// Related entry ids.
    pub related: Vec<String>,
    /// Sources with their quotes.
    pub sources: Vec<Source>,
    /// The body as written.
    pub body_markdown: String,
    /// The body rendered and sanitized.
    pub body_html: String,
    /// `curated` or `contributed`.
    pub origin: Origin,
    /// Whether it is retired (hidden from search and listings).
    pub retired: bool,
}

/// `GET /api/entries/{jurisdiction}/{slug}`
pub async fn entry(
    State(state): State<AppState>,
    path: Result<Path<(String, String)>, PathRejection>,
) -> Result<Json<EntryJson>, ApiError> {
    let Path((jurisdiction, slug)) =
        path.map_err(|_| AppError::NotFound("There is no entry at this address.".into()))?;
    let found = find_entry(&state, &jurisdiction, &slug, None).await?;
    Ok(Json(entry_json_of(&state, &found.entry, found.retired)?))
}

/// The JSON of an entry, with its jurisdiction looked up.
pub fn entry_json_of(
    state: &AppState,
    entry: &Entry,
    retired: bool,
) -> Result<EntryJson, AppError> {
    let jurisdiction = state
        .catalog
        .jurisdiction(entry.jurisdiction().as_str())?
        .ok_or_else(|| AppError::internal(format!("entry {} has no jurisdiction", entry.id)))?;
    let mut json = entry_json(entry, JurisdictionRef::from(&jurisdiction));
    json.retired = retired;
    Ok(json)
}

/// The JSON of an entry.
pub fn entry_json(entry: &Entry, jurisdiction: JurisdictionRef) -> EntryJson {
    EntryJson {
        id: entry.id.to_string(),
        url: entry.id.url_path(),
        slug: entry.id.slug.to_string(),
        jurisdiction,
        title: entry.meta.title.clone(),
        summary: entry.meta.summary.clone(),
        kind: entry.meta.kind,
        topics: entry.meta.topics.iter().map(ToString::to_string).collect(),
        date: entry.meta.date,
        status: entry.meta.status,
        related: entry.meta.related.iter().map(ToString::to_string).collect(),
        sources: entry.meta.sources.clone(),
        body_markdown: entry.body_markdown.clone(),
        body_html: render_html(&entry.body_markdown),
        origin: entry.origin,
        retired: false,
    }
}

/// An entry in a listing.
#[derive(Debug, Serialize)]
pub struct EntrySummary {
    /// `jurisdiction/slug`
    pub id: String,
    /// The entry's page.
    pub url: String,
    /// Title.
    pub title: String,
    /// Its jurisdiction.
    pub jurisdiction: JurisdictionRef,
    /// Kind.
    pub kind: Kind,
    /// Topic slugs.
    pub topics: Vec<String>,
    /// Summary.
    pub summary: String,
    /// Date.
    pub date: Option<NaiveDate>,
    /// Status.
    pub status: Option<Status>,
}

impl From<Hit> for EntrySummary {
    fn from(hit: Hit) -> Self {
        EntrySummary {
            url: paths::entry(&hit.id),
            id: hit.id,
            title: hit.title,
            jurisdiction: hit.jurisdiction,
            kind: hit.kind,
            topics: hit.topics,
            summary: hit.summary,
            date: hit.date,
            status: hit.status,
        }
    }
}

/// A page of entries.
#[derive(Debug, Serialize)]
pub struct EntryListing {
    /// How many entries match in all.
    pub total: usize,
    /// Entries skipped.
    pub offset: usize,
    /// Page size.
    pub limit: usize,
    /// This page, newest first.
    pub entries: Vec<EntrySummary>,
}

/// `GET /api/entries?jurisdiction=&kind=&topic=&limit=&offset=`
pub async fn list(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Json<EntryListing>, ApiError> {
    let mut params = SearchParams::parse(raw.as_deref())?;
    params.q.clear();
    params.sort = "date".into();
    let results = state.search(params.api_request()?).await?;
    Ok(Json(EntryListing {
        total: results.total,
        offset: results.offset,
        limit: results.limit,
        entries: results.hits.into_iter().map(EntrySummary::from).collect(),
    }))
}
