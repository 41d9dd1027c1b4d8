//! `GET /api/entries` (listing) and `GET /api/entries/{jurisdiction}/{slug}` (one entry).

use axum::Json;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, RawQuery, State};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use super::openapi::{EntryPath, ListQuery};
use super::preconditions::with_etag;
use axum::response::Response;

use crate::catalog::EntryView;
use crate::playbook::{CitedSource, EntryMeta, Kind, Origin, Status, Verification};
use crate::search::{Hit, JurisdictionRef};
use crate::web::auth::Viewer;
use crate::web::error::{ApiError, AppError, ErrorBody};
use crate::web::pages::entry::parse_id;
use crate::web::params::SearchParams;
use crate::web::paths;
use crate::web::search_notes::search_notes;
use crate::web::state::AppState;

/// An entry in full: its id and jurisdiction, every front matter field, and its body.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Entry)]
pub struct EntryJson {
    /// `jurisdiction/slug`
    pub id: String,
    /// The entry's page, as a path on this server (`/entries/minneapolis-mn/…`): relative,
    /// to join to the address the API was called at.
    pub url: String,
    /// The slug within its jurisdiction.
    pub slug: String,
    /// Its jurisdiction.
    pub jurisdiction: JurisdictionRef,
    /// The front matter: title, summary, kind, topics, date, status, related.
    #[serde(flatten)]
    pub meta: EntryMeta,
    /// The documents it rests on, each with the passage quoted from it and that quote's state.
    pub sources: Vec<SourceJson>,
    /// The body as written.
    pub body_markdown: String,
    /// The body rendered as sanitized HTML.
    pub body_html: String,
    /// `curated` or `contributed`.
    pub origin: Origin,
    /// Whether it is retired (hidden from search and listings).
    pub retired: bool,
    /// A contributed entry's latest revision number (its `ETag` is `"r<revision>"`); none
    /// for a curated entry.
    pub revision: Option<u32>,
    /// When it last changed: a contributed entry's latest revision, a curated entry's file.
    pub updated: Option<DateTime<Utc>>,
}

/// A document an entry rests on: a declared source (its `source` id, its title, publisher,
/// date and web address from the declaration) or one described inline, with the passage
/// quoted and the quote's state.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Source)]
pub struct SourceJson {
    /// The declared source's id, when the entry cites one; `/sources/{source}` lists every
    /// entry citing it. Sent back with `quote`, it is all a declared source needs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// The document's title.
    pub title: String,
    /// Who published it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub publisher: Option<String>,
    /// When it was published.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<NaiveDate>,
    /// Where to read it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The passage the entry rests on, word for word.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quote: Option<String>,
    /// With a quote: whether it was found word for word in the stored text of its declared
    /// source (`verified`), was not (`not-found`), or was not checked because the source has
    /// no stored text here (`no-text`) or is not a declared source (`undeclared`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verification: Option<Verification>,
}

impl From<&CitedSource> for SourceJson {
    fn from(cited: &CitedSource) -> Self {
        let details = &cited.details;
        SourceJson {
            source: cited.source.as_ref().map(ToString::to_string),
            title: details.title.clone(),
            publisher: details.publisher.clone(),
            date: details.date,
            url: details.url.clone(),
            quote: cited.quote.clone(),
            verification: cited.verification,
        }
    }
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
        (status = 200, description = "The entry.", body = EntryJson,
            headers(("ETag" = String, description = "A contributed entry's revision: send it back as `If-Match` with a `PUT` or `DELETE` so that it is saved only if nobody saved since."))),
        (status = 404, description = "No such entry, or a retired one.", body = ErrorBody),
        (status = 500, description = "A failure on the server.", body = ErrorBody),
        (status = 503, description = "The database is unavailable for now (`unavailable`): try again shortly.", body = ErrorBody),
    )
)]
pub async fn entry(
    State(state): State<AppState>,
    Viewer(viewer): Viewer,
    path: Result<Path<(String, String)>, PathRejection>,
) -> Result<Response, ApiError> {
    let Path((jurisdiction, slug)) =
        path.map_err(|_| AppError::NotFound("There is no entry at this address.".into()))?;
    let id = parse_id(&jurisdiction, &slug)?;
    let found = state
        .with_catalog(move |catalog| catalog.entry_for(viewer.as_ref(), &id))
        .await?;
    Ok(with_etag(
        &found,
        Json(entry_json_of(&state, &found).await?),
    ))
}

/// The JSON of an entry as readers see it, its body rendered once (`AppState::html_of`).
pub async fn entry_json_of(state: &AppState, view: &EntryView) -> Result<EntryJson, AppError> {
    let entry = &view.entry;
    let body_html = state.html_of(entry.body_markdown.clone()).await?;
    Ok(EntryJson {
        id: entry.id.to_string(),
        url: paths::entry(&entry.id),
        slug: entry.id.slug.to_string(),
        jurisdiction: JurisdictionRef::from(&view.jurisdiction),
        meta: entry.meta.clone(),
        sources: view.sources.iter().map(SourceJson::from).collect(),
        body_markdown: entry.body_markdown.clone(),
        body_html: body_html.to_string(),
        origin: entry.origin,
        retired: view.retired,
        revision: view.revision.as_ref().map(|r| r.number),
        updated: entry.updated,
    })
}

/// An entry in a listing.
#[derive(Debug, Serialize, ToSchema)]
pub struct EntrySummary {
    /// `jurisdiction/slug`
    pub id: String,
    /// The entry's page, as a path on this server (`/entries/minneapolis-mn/…`): relative,
    /// to join to the address the API was called at.
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
    /// Filter values asked for that no entry has, one sentence each (as in a search).
    pub warnings: Vec<String>,
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
        (status = 503, description = "The database is unavailable for now (`unavailable`): try again shortly.", body = ErrorBody),
    )
)]
pub async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    RawQuery(raw): RawQuery,
) -> Result<Json<EntryListing>, ApiError> {
    let mut params = SearchParams::parse(raw.as_deref())?;
    params.q.clear();
    params.sort = "date".into();
    let request = params.api_request()?.for_reader(viewer.reader());
    let results = state.search(request).await?;
    let warnings = search_notes(&state, &results).await?;
    Ok(Json(EntryListing {
        warnings,
        total: results.total,
        offset: results.offset,
        limit: results.limit,
        entries: results.hits.into_iter().map(EntrySummary::from).collect(),
    }))
}
