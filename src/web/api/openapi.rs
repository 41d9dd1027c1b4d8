//! `GET /api/openapi.json`: the OpenAPI 3.1 description of the API.

use axum::http::header;
use axum::response::IntoResponse;

/// The OpenAPI document, kept beside the code it describes and checked against real
/// responses by the tests.
pub const OPENAPI_JSON: &str = include_str!("../../../static/openapi.json");

/// `GET /api/openapi.json`
pub async fn openapi() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI_JSON)
}
