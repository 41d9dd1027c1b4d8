//! `GET /api/suggest?q=`: up to 8 entry titles for what has been typed so far.

use axum::Json;
use axum::extract::{RawQuery, State};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::json;

use crate::search::Suggestion;
use crate::web::error::{ApiError, AppError};
use crate::web::form::FormData;
use crate::web::paths;
use crate::web::state::AppState;

/// The suggestions for a query.
#[derive(Serialize)]
pub struct SuggestResponse {
    /// What was typed.
    pub query: String,
    /// Titles, best first.
    pub suggestions: Vec<SuggestionJson>,
}

/// One suggestion as JSON.
#[derive(Serialize)]
pub struct SuggestionJson {
    /// The entry id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Its page.
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
pub async fn suggest(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let params = FormData::parse(raw.as_deref().unwrap_or("").as_bytes());
    let query = params.get("q").to_owned();
    // Once the index's suggestion tables are built an answer is bounded and cheap: given
    // here, as a hop to the blocking pool would cost more than the work. Building the tables
    // (after start-up or a write) costs more, so that runs off the async threads. The
    // figures are in BENCHMARKS.md (change 10, "Suggestions").
    let suggestions = match state.catalog.suggest_if_ready(&query) {
        Some(ready) => ready?,
        None => {
            let typed = query.clone();
            let task_state = state.clone();
            tokio::task::spawn_blocking(move || task_state.catalog.suggest(&typed))
                .await
                .map_err(|e| AppError::internal(e.to_string()))??
        }
    };
    if params.get("format") == "opensearch" {
        // The OpenSearch suggestions format browsers read: [query, [titles]].
        let titles: Vec<&str> = suggestions.iter().map(|s| s.title.as_str()).collect();
        return Ok(Json(json!([query, titles])).into_response());
    }
    let suggestions = suggestions.into_iter().map(SuggestionJson::from).collect();
    Ok(Json(SuggestResponse { query, suggestions }).into_response())
}
