//! `GET /api/jurisdictions` and `GET /api/topics`: the values the `jurisdiction` and `topic`
//! filters accept, each with how many entries have it, so a program can build its own filters.
//! The counts are of what the caller may read.

use axum::Json;
use axum::extract::State;
use serde::Serialize;
use utoipa::ToSchema;

use crate::search::{Filter, SearchRequest};
use crate::web::auth::Viewer;
use crate::web::error::{ApiError, ErrorBody};
use crate::web::paths;
use crate::web::state::AppState;

/// Every jurisdiction the playbook knows.
#[derive(Debug, Serialize, ToSchema)]
pub struct JurisdictionList {
    /// By slug.
    pub jurisdictions: Vec<JurisdictionCount>,
}

/// A jurisdiction, with how many entries it has.
#[derive(Debug, Serialize, ToSchema)]
pub struct JurisdictionCount {
    /// Its slug: the value of the `jurisdiction` filter.
    pub slug: String,
    /// Its name, like `Minneapolis`.
    pub name: String,
    /// The name people read, like `Minneapolis, MN`.
    pub display_name: String,
    /// Its two-letter state code, if any.
    pub state: Option<String>,
    /// `city`, `county` or `state`.
    pub level: String,
    /// How many entries it has (0 for a city that has not written one yet).
    pub entries: u64,
    /// Its page, as a path on this server.
    pub url: String,
}

/// Every topic some entry has.
#[derive(Debug, Serialize, ToSchema)]
pub struct TopicList {
    /// By slug.
    pub topics: Vec<TopicCount>,
}

/// A topic, with how it reads and how many entries have it.
#[derive(Debug, Serialize, ToSchema)]
pub struct TopicCount {
    /// Its slug: the value of the `topic` filter.
    pub slug: String,
    /// How pages write it, like `National Guard`.
    pub label: String,
    /// How many entries have it.
    pub entries: u64,
    /// Its listing page, as a path on this server.
    pub url: String,
}

/// How many entries have each value of `filter`, over every entry.
async fn counts(
    state: &AppState,
    viewer: &Viewer,
    filter: Filter,
) -> Result<std::collections::BTreeMap<String, u64>, ApiError> {
    let all = state
        .search(SearchRequest {
            limit: 1,
            reader: viewer.reader(),
            ..SearchRequest::default()
        })
        .await?;
    let mut facets = all.facets;
    Ok(std::mem::take(&mut facets[filter]))
}

/// `GET /api/jurisdictions`
#[utoipa::path(
    get,
    path = "/api/jurisdictions",
    operation_id = "listJurisdictions",
    tag = "filters",
    summary = "Every jurisdiction, with its number of entries",
    responses(
        (status = 200, description = "Every jurisdiction, by slug.", body = JurisdictionList),
        (status = 500, description = "A failure on the server.", body = ErrorBody),
    )
)]
pub async fn jurisdictions(
    State(state): State<AppState>,
    viewer: Viewer,
) -> Result<Json<JurisdictionList>, ApiError> {
    let counts = counts(&state, &viewer, Filter::Jurisdiction).await?;
    let known = state
        .with_catalog(|catalog| catalog.jurisdictions())
        .await?;
    let jurisdictions = known
        .into_iter()
        .map(|j| JurisdictionCount {
            entries: counts.get(j.slug.as_str()).copied().unwrap_or(0),
            url: paths::jurisdiction(j.slug.as_str()),
            display_name: j.display_name(),
            slug: j.slug.to_string(),
            name: j.name,
            state: j.state,
            level: j.level.as_str().to_owned(),
        })
        .collect();
    Ok(Json(JurisdictionList { jurisdictions }))
}

/// `GET /api/topics`
#[utoipa::path(
    get,
    path = "/api/topics",
    operation_id = "listTopics",
    tag = "filters",
    summary = "Every topic some entry has, with its number of entries",
    responses(
        (status = 200, description = "Every topic in use, by slug.", body = TopicList),
        (status = 500, description = "A failure on the server.", body = ErrorBody),
    )
)]
pub async fn topics(
    State(state): State<AppState>,
    viewer: Viewer,
) -> Result<Json<TopicList>, ApiError> {
    let counts = counts(&state, &viewer, Filter::Topic).await?;
    let labels = state.catalog.curated().topic_labels();
    let topics = counts
        .into_iter()
        .map(|(slug, entries)| TopicCount {
            label: labels.label(&slug),
            url: paths::topic(&slug),
            slug,
            entries,
        })
        .collect();
    Ok(Json(TopicList { topics }))
}
