//! `GET /api/search`: the same search as the page, as JSON.

use std::time::Instant;

use axum::Json;
use axum::extract::{RawQuery, State};

use crate::search::SearchResponse;
use crate::web::error::ApiError;
use crate::web::params::SearchParams;
use crate::web::state::AppState;

/// `GET /api/search?q=&jurisdiction=&kind=&topic=&sort=&limit=&offset=`
pub async fn search(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Json<SearchResponse>, ApiError> {
    let started = Instant::now();
    let request = SearchParams::parse(raw.as_deref())?.api_request()?;
    let results = state.search(request).await?;
    Ok(Json(SearchResponse::new(results, started.elapsed())))
}
