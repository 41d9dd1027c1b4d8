//! The write API (Bearer token): create, update and retire contributed entries, and read
//! their revisions.

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use serde::Serialize;
use utoipa::ToSchema;

use super::openapi::EntryPath;
use serde_json::Value;

use super::entries::{EntryJson, entry_json_of};
use super::preconditions::{IfMatch, base_revision, with_etag};
use crate::playbook::entry::{EntryFields, EntryInput, JurisdictionInput};
use crate::store::RevisionInfo;
use crate::web::auth::{ApiUser, Viewer};
use crate::web::error::{ApiError, AppError, ErrorBody};
use crate::web::pages::entry::parse_id;
use crate::web::paths;
use crate::web::state::AppState;

/// Reads a JSON body into an entry and its change message.
fn read_body(body: Result<Bytes, BytesRejection>) -> Result<(EntryInput, String), ApiError> {
    let body = body.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            AppError::PayloadTooLarge
        } else {
            AppError::BadRequest(format!("cannot read the body: {rejection}"))
        }
    })?;
    let value: Value = serde_json::from_slice(&body)
        .map_err(|e| AppError::BadRequest(format!("the body is not valid JSON: {e}")))?;
    if !value.is_object() {
        return Err(AppError::BadRequest("the body must be a JSON object".into()).into());
    }
    let message = value
        .get("message")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_owned();
    let input = EntryInput::from_api_json(&value).map_err(AppError::Unprocessable)?;
    Ok((input, message))
}

/// An entry to save, as `POST` and `PUT` take it: the shape `GET` returns, whose read-only
/// fields (`id`, `url`, `body_html`, `origin`, `retired`, a source's `verification`, …) are
/// ignored. A source is a declared source's id (`source`) with its `quote`, or a description
/// (`title`, `publisher`, `date`, `url`) with its `quote`; with `source`, the description
/// comes from the declaration, and any sent along is ignored.
#[derive(Serialize, ToSchema)]
#[schema(as = EntryInput)]
pub struct EntryBody {
    /// The slug within the jurisdiction (`POST` only; an entry's address cannot change).
    pub slug: String,
    /// Admins only: another jurisdiction's slug (or the jurisdiction object).
    pub jurisdiction: Option<JurisdictionInput>,
    /// The front matter fields.
    #[serde(flatten)]
    pub fields: EntryFields,
    /// The Markdown body.
    pub body_markdown: String,
    /// Why: recorded in the history.
    pub message: Option<String>,
}

/// `POST /api/entries`: 201 with `Location` and the entry.
#[utoipa::path(
    post,
    path = "/api/entries",
    operation_id = "createEntry",
    tag = "entries",
    summary = "Add an entry for your jurisdiction",
    request_body = EntryBody,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Created; `Location` names the new entry.", body = EntryJson,
            headers(("ETag" = String, description = "The entry's revision, for `If-Match`."))),
        (status = 400, description = "The body is not a JSON object.", body = ErrorBody),
        (status = 401, description = "No valid API token.", body = ErrorBody),
        (status = 403, description = "Another jurisdiction's entry.", body = ErrorBody),
        (status = 409, description = "The id is taken.", body = ErrorBody),
        (status = 413, description = "The body is over the size limit.", body = ErrorBody),
        (status = 422, description = "The entry is not valid: see `error.fields`.", body = ErrorBody),
        (status = 429, description = "Too many writes this minute.", body = ErrorBody),
        (status = 500, description = "A failure on the server.", body = ErrorBody),
        (status = 503, description = "The database is unavailable for now (`unavailable`): try again shortly.", body = ErrorBody),
    )
)]
pub async fn create(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let (input, message) = read_body(body)?;
    state.allow_write(&user)?;
    let saved = state
        .with_catalog(move |catalog| catalog.create(&user, &input, &message))
        .await?;
    let json = entry_json_of(&state, &saved).await?;
    let location = paths::entry_api(&saved.entry.id);
    Ok(with_etag(
        &saved,
        (
            StatusCode::CREATED,
            [(header::LOCATION, location)],
            Json(json),
        ),
    ))
}

/// `PUT /api/entries/{jurisdiction}/{slug}`: a new revision.
#[utoipa::path(
    put,
    path = "/api/entries/{jurisdiction}/{slug}",
    operation_id = "updateEntry",
    tag = "entries",
    summary = "Save a new revision of your jurisdiction's entry",
    params(EntryPath),
    request_body = EntryBody,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The entry as saved.", body = EntryJson,
            headers(("ETag" = String, description = "The entry's revision, for `If-Match`."))),
        (status = 400, description = "The body is not a JSON object.", body = ErrorBody),
        (status = 401, description = "No valid API token.", body = ErrorBody),
        (status = 403, description = "A curated entry, or another jurisdiction's.", body = ErrorBody),
        (status = 404, description = "No such entry.", body = ErrorBody),
        (status = 409, description = "The entry is retired: an admin must restore it first.", body = ErrorBody),
        (status = 412, description = "`If-Match` names a revision that is no longer the latest.", body = ErrorBody),
        (status = 413, description = "The body is over the size limit.", body = ErrorBody),
        (status = 422, description = "The entry is not valid: see `error.fields`.", body = ErrorBody),
        (status = 429, description = "Too many writes this minute.", body = ErrorBody),
        (status = 500, description = "A failure on the server.", body = ErrorBody),
        (status = 503, description = "The database is unavailable for now (`unavailable`): try again shortly.", body = ErrorBody),
    )
)]
pub async fn update(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((jurisdiction, slug)): Path<(String, String)>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let id = parse_id(&jurisdiction, &slug)?;
    let if_match = IfMatch::of(&headers)?;
    let (input, message) = read_body(body)?;
    state.allow_write(&user)?;
    let base = base_revision(&state, &user, &id, if_match).await?;
    let saved = state
        .with_catalog(move |catalog| catalog.update(&user, &id, &input, &message, base))
        .await?;
    Ok(with_etag(
        &saved,
        Json(entry_json_of(&state, &saved).await?),
    ))
}

/// `DELETE /api/entries/{jurisdiction}/{slug}`: retires the entry (its history is kept).
#[utoipa::path(
    delete,
    path = "/api/entries/{jurisdiction}/{slug}",
    operation_id = "retireEntry",
    tag = "entries",
    summary = "Retire an entry (hidden from search; history kept)",
    params(EntryPath),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The entry, retired.", body = EntryJson,
            headers(("ETag" = String, description = "The entry's revision, for `If-Match`."))),
        (status = 401, description = "No valid API token.", body = ErrorBody),
        (status = 403, description = "A curated entry, or another jurisdiction's.", body = ErrorBody),
        (status = 404, description = "No such entry.", body = ErrorBody),
        (status = 412, description = "`If-Match` names a revision that is no longer the latest.", body = ErrorBody),
        (status = 429, description = "Too many writes this minute.", body = ErrorBody),
        (status = 500, description = "A failure on the server.", body = ErrorBody),
        (status = 503, description = "The database is unavailable for now (`unavailable`): try again shortly.", body = ErrorBody),
    )
)]
pub async fn retire(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((jurisdiction, slug)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let id = parse_id(&jurisdiction, &slug)?;
    let if_match = IfMatch::of(&headers)?;
    state.allow_write(&user)?;
    let base = base_revision(&state, &user, &id, if_match).await?;
    let saved = state
        .with_catalog(move |catalog| {
            catalog.set_retired(&user, &id, true, "retired through the API", base)
        })
        .await?;
    Ok(with_etag(
        &saved,
        Json(entry_json_of(&state, &saved).await?),
    ))
}

/// An entry's revisions.
#[derive(Serialize, ToSchema)]
pub struct RevisionList {
    /// The entry id.
    pub id: String,
    /// Oldest first.
    pub revisions: Vec<RevisionInfo>,
}

/// `GET /api/entries/{jurisdiction}/{slug}/revisions`
#[utoipa::path(
    get,
    path = "/api/entries/{jurisdiction}/{slug}/revisions",
    operation_id = "listRevisions",
    tag = "entries",
    summary = "An entry's revisions, oldest first",
    params(EntryPath),
    responses(
        (status = 200, description = "The revisions (none for a curated entry).", body = RevisionList),
        (status = 404, description = "No such entry, or a retired one.", body = ErrorBody),
        (status = 500, description = "A failure on the server.", body = ErrorBody),
        (status = 503, description = "The database is unavailable for now (`unavailable`): try again shortly.", body = ErrorBody),
    )
)]
pub async fn revisions(
    State(state): State<AppState>,
    Viewer(viewer): Viewer,
    Path((jurisdiction, slug)): Path<(String, String)>,
) -> Result<Json<RevisionList>, ApiError> {
    let id = parse_id(&jurisdiction, &slug)?;
    let lookup = id.clone();
    let (_, revisions) = state
        .with_catalog(move |catalog| catalog.revisions_for(viewer.as_ref(), &lookup))
        .await?;
    Ok(Json(RevisionList {
        id: id.to_string(),
        revisions,
    }))
}
