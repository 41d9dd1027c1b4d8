//! The write API (Bearer token): create, update and retire contributed entries, and read
//! their revisions.

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::Value;

use super::entries::{EntryJson, entry_json_of};
use crate::playbook::entry::EntryInput;
use crate::store::RevisionInfo;
use crate::web::auth::ApiUser;
use crate::web::error::{ApiError, AppError};
use crate::web::pages::entry::parse_id;
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
    let input = EntryInput::from_json(&value).map_err(AppError::Unprocessable)?;
    Ok((input, message))
}

/// `POST /api/entries`: 201 with `Location` and the entry.
pub async fn create(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let (input, message) = read_body(body)?;
    let saved = state
        .with_catalog(move |catalog| catalog.create(&user, &input, &message))
        .await?;
    let json = entry_json_of(&saved);
    let location = format!("/api{}", saved.entry.id.url_path());
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(json),
    )
        .into_response())
}

/// `PUT /api/entries/{jurisdiction}/{slug}`: a new revision.
pub async fn update(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((jurisdiction, slug)): Path<(String, String)>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<EntryJson>, ApiError> {
    let id = parse_id(&jurisdiction, &slug)?;
    let (input, message) = read_body(body)?;
    let saved = state
        .with_catalog(move |catalog| catalog.update(&user, &id, &input, &message))
        .await?;
    Ok(Json(entry_json_of(&saved)))
}

/// `DELETE /api/entries/{jurisdiction}/{slug}`: retires the entry (its history is kept).
pub async fn retire(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((jurisdiction, slug)): Path<(String, String)>,
) -> Result<Json<EntryJson>, ApiError> {
    let id = parse_id(&jurisdiction, &slug)?;
    let saved = state
        .with_catalog(move |catalog| {
            catalog.set_retired(&user, &id, true, "retired through the API")
        })
        .await?;
    Ok(Json(entry_json_of(&saved)))
}

/// An entry's revisions.
#[derive(Serialize)]
pub struct RevisionList {
    /// The entry id.
    pub id: String,
    /// Oldest first.
    pub revisions: Vec<RevisionInfo>,
}

/// `GET /api/entries/{jurisdiction}/{slug}/revisions`
pub async fn revisions(
    State(state): State<AppState>,
    Path((jurisdiction, slug)): Path<(String, String)>,
) -> Result<Json<RevisionList>, ApiError> {
    let id = parse_id(&jurisdiction, &slug)?;
    let lookup = id.clone();
    let (_, revisions) = state
        .with_catalog(move |catalog| catalog.revisions_for(None, &lookup))
        .await?;
    Ok(Json(RevisionList {
        id: id.to_string(),
        revisions,
    }))
}
