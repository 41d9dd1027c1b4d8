//! `GET /api/suggest?q=`: up to 8 entry titles for what has been typed so far.

use axum::Json;
use axum::extract::{RawQuery, State};
use serde::Serialize;
use utoipa::ToSchema;

use super::openapi::SuggestQuery;

use crate::search::Suggestion;
use crate::web::auth::Viewer;
use crate::web::error::{ApiError, AppError, ErrorBody};
use crate::web::form::FormData;
use crate::web::paths;
use crate::web::state::AppState;

/// The suggestions for a query.
#[derive(Serialize, ToSchema)]
pub struct SuggestResponse {
    /// What was typed.
    pub query: String,
    /// Titles, best first.
    pub suggestions: Vec<SuggestionJson>,
}

/// What `/api/suggest` answers: the suggestions, or with `format=opensearch` the
/// OpenSearch suggestions array browsers read, `[query, [titles]]`.
#[derive(Serialize, ToSchema)]
#[serde(untagged)]
pub enum SuggestAnswer {
    /// `{"query", "suggestions"}`
    Suggestions(SuggestResponse),
    /// `[query, [titles]]`
    OpenSearch((String, Vec<String>)),
}

/// One suggestion as JSON.
#[derive(Serialize, ToSchema)]
#[schema(as = Suggestion)]
pub struct SuggestionJson {
    /// The entry id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Its page, as a path on this server (relative, like every `url` of the API).
    pub url: String,
    /// Its jurisdiction's name.
    pub jurisdiction: String,
}

impl From<Suggestion> for SuggestionJson {
    fn from(suggestion: Suggestion) -> Self {
        SuggestionJson {
            url: paths::entry(&suggestion.id),
            id: suggestion.id,
            title: suggestion.title,
            jurisdiction: suggestion.jurisdiction,
        }
    }
}

/// `GET /api/suggest?q=[&format=opensearch]`
#[utoipa::path(
    get,
    path = "/api/suggest",
    operation_id = "suggest",
    tag = "search",
    summary = "Entry titles for what has been typed so far (search as you type)",
    params(SuggestQuery),
    responses(
        (status = 200, description = "Up to 8 suggestions, best first. With `format=opensearch`, the OpenSearch suggestions array `[query, [titles]]` instead.", body = SuggestAnswer),
        (status = 400, description = "The query is malformed.", body = ErrorBody),
        (status = 500, description = "A failure on the server.", body = ErrorBody),
    )
)]
pub async fn suggest(
    State(state): State<AppState>,
    viewer: Viewer,
    RawQuery(raw): RawQuery,
) -> Result<Json<SuggestAnswer>, ApiError> {
    let params = FormData::parse(raw.as_deref().unwrap_or("").as_bytes());
    let query = params.get("q").to_owned();
    // Once the index's suggestion tables are built an answer is bounded and cheap: given
    // here, as a hop to the blocking pool would cost more than the work. Building the tables
    // (after start-up or a write) costs more, so that runs off the async threads. The
    // figures are in BENCHMARKS.md (change 10, "Suggestions").
    let reader = viewer.reader();
    let suggestions = match state.catalog.suggest_if_ready(&query, &reader) {
        Some(ready) => ready?,
        None => {
            let typed = query.clone();
            let task_state = state.clone();
            tokio::task::spawn_blocking(move || task_state.catalog.suggest(&typed, &reader))
                .await
                .map_err(|e| AppError::internal(e.to_string()))??
        }
    };
    if params.get("format") == "opensearch" {
        let titles = suggestions.into_iter().map(|s| s.title).collect();
        return Ok(Json(SuggestAnswer::OpenSearch((query, titles))));
    }
    let suggestions = suggestions.into_iter().map(SuggestionJson::from).collect();
    Ok(Json(SuggestAnswer::Suggestions(SuggestResponse {
        query,
        suggestions,
    })))
}
