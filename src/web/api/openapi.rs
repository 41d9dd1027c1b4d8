//! `GET /api/openapi.json`: the OpenAPI 3.1 description of the API, generated from the wire
//! types and the handlers' annotations, so it cannot drift from what the API answers.

use std::sync::LazyLock;

use axum::http::header;
use axum::response::IntoResponse;
use serde::Deserialize;
use utoipa::openapi::path::{Parameter, ParameterBuilder, ParameterIn, ParameterStyle};
use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, Type};
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::openapi::{RefOr, Required, Schema};
use utoipa::{IntoParams, Modify, OpenApi};

use crate::search::{
    DEFAULT_LIMIT, Filter, MAX_LIMIT, MAX_OFFSET, MAX_QUERY_CHARS, SearchMode, Sort,
};
use crate::web::matrix::CompareBy;

/// The API's description: every path, its parameters, bodies and answers.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "City Playbook API",
        version = "1.0.0",
        description = "Search the playbook of moves cities and states made when a federal enforcement surge hit them. Every error is {\"error\": {\"code\", \"message\"}}. Cross-origin GET requests are allowed. Writes need an API token: `Authorization: Bearer <token>`. Reads answer for their reader: with a token, everything that account may read (its city's drafts and city-only entries, entries shared with member cities); without one (or with one that is not valid), what anyone may read. An entry the reader may not read is 404, never 403, and is never counted. Every `url` field is a path on this server (like `/entries/minneapolis-mn/separation-ordinance`), relative: join it to the address the API was called at."
    ),
    paths(
        super::search::search,
        super::compare::compare,
        super::suggest::suggest,
        super::entries::list,
        super::entries::entry,
        super::write::create,
        super::write::update,
        super::write::retire,
        super::write::revisions,
        super::filter_values::jurisdictions,
        super::filter_values::topics,
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

/// One query parameter.
fn query_parameter(
    name: &str,
    description: &str,
    schema: impl Into<RefOr<Schema>>,
) -> ParameterBuilder {
    ParameterBuilder::new()
        .name(name)
        .parameter_in(ParameterIn::Query)
        .required(Required::False)
        .description(Some(description))
        .schema(Some(schema))
}

/// A parameter per filter (`Filter::ALL`): repeatable, any of its values; a closed list of
/// values (kinds) is listed.
fn filter_parameters() -> impl Iterator<Item = Parameter> {
    Filter::ALL.into_iter().map(|filter| {
        let mut value = ObjectBuilder::new().schema_type(Type::String);
        if let Some(values) = filter.closed_values() {
            value = value.enum_values(Some(values));
        }
        let description = format!(
            "Only entries with these {}s (repeatable; any of).",
            filter.as_str()
        );
        query_parameter(
            filter.as_str(),
            &description,
            ArrayBuilder::new().items(value),
        )
        .style(Some(ParameterStyle::Form))
        .explode(Some(true))
        .build()
    })
}

/// `limit` and `offset`.
fn page_parameters() -> [Parameter; 2] {
    let number = |min: usize, max: usize, default: usize| {
        ObjectBuilder::new()
            .schema_type(Type::Integer)
            .minimum(Some(min))
            .maximum(Some(max))
            .default(Some(default.into()))
    };
    [
        query_parameter(
            "limit",
            "Results per page.",
            number(1, MAX_LIMIT, DEFAULT_LIMIT),
        )
        .build(),
        query_parameter("offset", "Results to skip.", number(0, MAX_OFFSET, 0)).build(),
    ]
}

/// The query text parameter `q`.
fn query_text_parameter(description: &str) -> Parameter {
    let text = ObjectBuilder::new()
        .schema_type(Type::String)
        .max_length(Some(MAX_QUERY_CHARS));
    query_parameter("q", description, text).build()
}

/// The filters and page of a listing.
pub struct ListQuery;

impl IntoParams for ListQuery {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        filter_parameters().chain(page_parameters()).collect()
    }
}

/// The columns, query and filters of a comparison.
pub struct CompareQuery;

impl IntoParams for CompareQuery {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        let choices = ObjectBuilder::new()
            .schema_type(Type::String)
            .enum_values(Some(CompareBy::ALL.map(CompareBy::as_str)))
            .default(Some(CompareBy::default().as_str().into()));
        let by = query_parameter(
            "by",
            "The columns: topics (the default) or kinds; jurisdictions are the rows.",
            choices,
        )
        .build();
        let q = query_text_parameter(
            "Query text, as for search: only the entries it finds are compared. Empty compares every entry.",
        );
        [by, q].into_iter().chain(filter_parameters()).collect()
    }
}

/// The query, filters, order and page of a search.
pub struct SearchQuery;

impl IntoParams for SearchQuery {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        let q = query_text_parameter(
            "Query text: words, \"phrases\", -exclusions, and kind:/jurisdiction:/topic: filters. At most 512 characters; empty lists everything, newest first.",
        );
        let orders = ObjectBuilder::new()
            .schema_type(Type::String)
            .enum_values(Some(Sort::ALL.map(Sort::as_str)));
        let sort = query_parameter(
            "sort",
            "Order of results: best match (the default), newest first, or most recently changed first.",
            orders,
        )
        .build();
        let modes = ObjectBuilder::new()
            .schema_type(Type::String)
            .enum_values(Some(
                [SearchMode::Hybrid, SearchMode::Lexical].map(SearchMode::as_str),
            ));
        let mode = query_parameter(
            "mode",
            "`hybrid` (the default) also finds entries by meaning when question search is on (a sentence-embedding model is loaded); `lexical` matches words only.",
            modes,
        )
        .build();
        std::iter::once(q)
            .chain(filter_parameters())
            .chain([sort, mode])
            .chain(page_parameters())
            .collect()
    }
}

/// What has been typed, for suggestions.
pub struct SuggestQuery;

impl IntoParams for SuggestQuery {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        let q = query_text_parameter(
            "What has been typed; the last word may be unfinished. At most 512 characters.",
        );
        let formats = ObjectBuilder::new()
            .schema_type(Type::String)
            .enum_values(Some(["opensearch"]));
        let format = query_parameter(
            "format",
            "`opensearch` for the OpenSearch suggestions array `[query, [titles]]` browsers read.",
            formats,
        )
        .build();
        vec![q, format]
    }
}
