//! `GET /api/entries` (listing) and `GET /api/entries/{jurisdiction}/{slug}` (one entry).

use axum::Json;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, RawQuery, State};
use chrono::NaiveDate;
use serde::Serialize;
use utoipa::ToSchema;

use super::openapi::{EntryPath, ListQuery};

use crate::catalog::EntryView;
use crate::playbook::markdown::render_html;
use crate::playbook::{Entry, EntryMeta, Kind, Origin, Status};
use crate::search::{Hit, JurisdictionRef};
use crate::web::error::{ApiError, AppError, ErrorBody};
use crate::web::pages::entry::parse_id;
use crate::web::params::SearchParams;
use crate::web::paths;
use crate::web::state::AppState;

/// An entry in full: its id and jurisdiction, every front matter field, and its body.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Entry)]
pub struct EntryJson {
    /// `jurisdiction/slug`
    pub id: String,
    /// The entry's page.
    pub url: String,
    /// The slug within its jurisdiction.
    pub slug: String,
    /// Its jurisdiction.
    pub jurisdiction: JurisdictionRef,
    /// The front matter: title, summary, kind, topics, date, status, related, sources.
    #[serde(flatten)]
    pub meta: EntryMeta,
    /// The body as written.
    pub body_markdown: String,
    /// The body rendered as sanitized HTML.
    pub body_html: String,
    /// `curated` or `contributed`.
    pub origin: Origin,
    /// Whether it is retired (hidden from search and listings).
    pub retired: bool,
}

/// `GET /api/entries/{jurisdiction}/{slug}`
#[utoipa::path(
    get,
    path = "/api/entries/{jurisdiction}/{slug}",
    operation_id = "getEntry",
    tag = "entries",
    summary = "One entry in full",
    params(EntryPath),
    responses(
        (status = 200, description = "The entry.", body = EntryJson),
        (status = 404, description = "No such entry, or a retired one.", body = ErrorBody),
        (status = 500, description = "A failure on the server.", body = ErrorBody),
    )
)]
pub async fn entry(
    State(state): State<AppState>,
    path: Result<Path<(String, String)>, PathRejection>,
) -> Result<Json<EntryJson>, ApiError> {
    let Path((jurisdiction, slug)) =
        path.map_err(|_| AppError::NotFound("There is no entry at this address.".into()))?;
    let id = parse_id(&jurisdiction, &slug)?;
    let found = state
        .with_catalog(move |catalog| catalog.entry_for(None, &id))
        .await?;
    Ok(Json(entry_json_of(&found)))
}

/// The JSON of an entry as readers see it.
pub fn entry_json_of(view: &EntryView) -> EntryJson {
    let mut json = entry_json(&view.entry, JurisdictionRef::from(&view.jurisdiction));
    json.retired = view.retired;
    json
}

/// The JSON of an entry.
pub fn entry_json(entry: &Entry, jurisdiction: JurisdictionRef) -> EntryJson {
    EntryJson {
        id: entry.id.to_string(),
        url: paths::entry(&entry.id),
        slug: entry.id.slug.to_string(),
        jurisdiction,
        meta: entry.meta.clone(),
        body_markdown: entry.body_markdown.clone(),
        body_html: render_html(&entry.body_markdown),
        origin: entry.origin,
        retired: false,
    }
}

/// An entry in a listing.
#[derive(Debug, Serialize, ToSchema)]
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
#[derive(Debug, Serialize, ToSchema)]
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
#[utoipa::path(
    get,
    path = "/api/entries",
    operation_id = "listEntries",
    tag = "entries",
    summary = "List entries, newest first",
    params(ListQuery),
    responses(
        (status = 200, description = "A page of entries.", body = EntryListing),
        (status = 400, description = "A parameter is malformed or out of range.", body = ErrorBody),
        (status = 500, description = "A failure on the server.", body = ErrorBody),
    )
)]
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
