//! `GET /api/openapi.json`: the OpenAPI 3.1 description of the API, generated from the wire
//! types and the handlers' annotations, so it cannot drift from what the API answers.

use std::sync::LazyLock;

use axum::http::header;
use axum::response::IntoResponse;
use serde::Deserialize;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::openapi::{RefOr, Schema};
use utoipa::{IntoParams, Modify, OpenApi, ToSchema};

use crate::playbook::Kind;

/// The API's description: every path, its parameters, bodies and answers.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "City Playbook API",
        version = "1.0.0",
        description = "Search the playbook of moves cities and states made when a federal enforcement surge hit them. Every error is {\"error\": {\"code\", \"message\"}}. Cross-origin GET requests are allowed. Writes need an API token: `Authorization: Bearer <token>`."
    ),
    paths(
        super::search::search,
        super::suggest::suggest,
        super::entries::list,
        super::entries::entry,
        super::write::create,
        super::write::update,
        super::write::retire,
        super::write::revisions,
        openapi,
    ),
    modifiers(&BearerTokens, &InputsIgnoreUnknownFields)
)]
pub struct ApiDoc;

/// Adds the `bearer` security scheme the write operations name.
struct BearerTokens;

impl Modify for BearerTokens {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        let components = doc.components.get_or_insert_with(Default::default);
        let mut scheme = Http::new(HttpAuthScheme::Bearer);
        scheme.description =
            Some("An API token from `playbook token create` or the account page.".into());
        components.add_security_scheme("bearer", SecurityScheme::Http(scheme));
    }
}

/// The API reads entry fields leniently (unknown fields are ignored, so an entry as `GET`
/// returns it can be sent back); the file format refuses them, which is what the fields'
/// types say. The document describes the API.
struct InputsIgnoreUnknownFields;

impl Modify for InputsIgnoreUnknownFields {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        let Some(components) = doc.components.as_mut() else {
            return;
        };
        for name in ["EntryFields", "SourceFields"] {
            if let Some(RefOr::T(Schema::Object(object))) = components.schemas.get_mut(name) {
                object.additional_properties = None;
            }
        }
    }
}

/// The document as served, made once.
static OPENAPI_JSON: LazyLock<String> = LazyLock::new(|| {
    ApiDoc::openapi()
        .to_json()
        .unwrap_or_else(|e| format!("{{\"error\": \"the OpenAPI document failed: {e}\"}}"))
});

/// `GET /api/openapi.json`
#[utoipa::path(
    get,
    path = "/api/openapi.json",
    operation_id = "openapi",
    summary = "This document",
    tag = "meta",
    responses((status = 200, description = "The OpenAPI document.", body = Object, content_type = "application/json"))
)]
pub async fn openapi() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "application/json")],
        OPENAPI_JSON.as_str(),
    )
}

/// An entry's address in API paths.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
#[allow(dead_code)] // Read by the route's handler from the path; described here.
pub struct EntryPath {
    /// The jurisdiction's slug, like `minneapolis-mn`.
    jurisdiction: String,
    /// The entry's slug within it, like `separation-ordinance`.
    slug: String,
}

/// How results are ordered.
#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
#[allow(dead_code)] // Parsed by `Sort::parse`; described here.
enum SortParam {
    /// Best match first (newest first when there is no query text).
    Relevance,
    /// Newest first.
    Date,
    /// Most recently changed first.
    Updated,
}

/// The filters and page of a listing.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // Parsed by `SearchParams`; described here.
pub struct ListQuery {
    /// Only entries of these jurisdictions (repeatable; any of).
    #[param(style = Form, explode)]
    jurisdiction: Option<Vec<String>>,
    /// Only entries of these kinds (repeatable; any of).
    #[param(style = Form, explode, inline)]
    kind: Option<Vec<Kind>>,
    /// Only entries with these topics (repeatable; any of).
    #[param(style = Form, explode)]
    topic: Option<Vec<String>>,
    /// Results per page.
    #[param(minimum = 1, maximum = 100, default = 10)]
    limit: Option<u32>,
    /// Results to skip.
    #[param(minimum = 0, maximum = 10000, default = 0)]
    offset: Option<u32>,
}

/// The query, filters, order and page of a search.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // Parsed by `SearchParams`; described here.
pub struct SearchQuery {
    /// Query text: words, "phrases", -exclusions, and kind:/jurisdiction:/topic: filters. At
    /// most 512 characters; empty lists everything, newest first.
    #[param(max_length = 512)]
    q: Option<String>,
    /// Only entries of these jurisdictions (repeatable; any of).
    #[param(style = Form, explode)]
    jurisdiction: Option<Vec<String>>,
    /// Only entries of these kinds (repeatable; any of).
    #[param(style = Form, explode, inline)]
    kind: Option<Vec<Kind>>,
    /// Only entries with these topics (repeatable; any of).
    #[param(style = Form, explode)]
    topic: Option<Vec<String>>,
    /// Order of results: best match (the default), newest first, or most recently changed
    /// first.
    #[param(inline)]
    sort: Option<SortParam>,
    /// Results per page.
    #[param(minimum = 1, maximum = 100, default = 10)]
    limit: Option<u32>,
    /// Results to skip.
    #[param(minimum = 0, maximum = 10000, default = 0)]
    offset: Option<u32>,
}

/// What has been typed, for suggestions.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // Parsed by the handler; described here.
pub struct SuggestQuery {
    /// What has been typed; the last word may be unfinished. At most 512 characters.
    #[param(max_length = 512)]
    q: Option<String>,
    /// `opensearch` for the OpenSearch suggestions array `[query, [titles]]` browsers read.
    format: Option<String>,
}
