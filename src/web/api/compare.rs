//! `GET /api/compare`: the comparison matrix as JSON, the same matrix as the page.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::{RawQuery, State};
use serde::Serialize;
use utoipa::ToSchema;

use super::openapi::CompareQuery;
use crate::search::JurisdictionRef;
use crate::web::auth::Viewer;
use crate::web::error::{ApiError, ErrorBody};
use crate::web::matrix::{self, CompareParams, Matrix};
use crate::web::state::AppState;

/// Which entries of each jurisdiction fall in each column.
#[derive(Debug, Serialize, ToSchema)]
pub struct CompareResponse {
    /// What the columns are: `topic` or `kind`.
    pub by: String,
    /// The columns: topic slugs alphabetically (`(none)` last, for entries without a topic),
    /// or kind slugs in the kinds' order; only those some matching entry has (and, when the
    /// request filters by the same thing, only the values asked for).
    pub columns: Vec<String>,
    /// One row per jurisdiction with a matching entry, by name.
    pub rows: Vec<CompareRow>,
}

/// One jurisdiction's entries per column.
#[derive(Debug, Serialize, ToSchema)]
pub struct CompareRow {
    /// The jurisdiction.
    pub jurisdiction: JurisdictionRef,
    /// Per column (only those with entries), the ids of the jurisdiction's entries there, in
    /// the search's order.
    pub cells: BTreeMap<String, Vec<String>>,
}

impl From<Matrix> for CompareResponse {
    fn from(matrix: Matrix) -> Self {
        CompareResponse {
            by: matrix.by.as_str().to_owned(),
            columns: matrix.columns,
            rows: matrix
                .rows
                .into_iter()
                .map(|row| CompareRow {
                    jurisdiction: row.jurisdiction,
                    cells: row
                        .cells
                        .into_iter()
                        .map(|(column, entries)| {
                            (column, entries.into_iter().map(|e| e.id).collect())
                        })
                        .collect(),
                })
                .collect(),
        }
    }
}

/// `GET /api/compare?by=&q=&jurisdiction=&kind=&topic=`
#[utoipa::path(
    get,
    path = "/api/compare",
    operation_id = "compare",
    tag = "search",
    summary = "Compare jurisdictions: every matching entry by jurisdiction and topic or kind",
    params(CompareQuery),
    responses(
        (status = 200, description = "The matrix of every matching entry.", body = CompareResponse),
        (status = 400, description = "`by` is not `topic` or `kind`, a parameter or the query is malformed, or the search matches more entries than a comparison covers.", body = ErrorBody),
        (status = 500, description = "A failure on the server.", body = ErrorBody),
    )
)]
pub async fn compare(
    State(state): State<AppState>,
    viewer: Viewer,
    RawQuery(raw): RawQuery,
) -> Result<Json<CompareResponse>, ApiError> {
    let params = CompareParams::parse(raw.as_deref())?;
    let matrix = matrix::build(&state, &params, viewer.reader()).await?;
    Ok(Json(matrix.into()))
}
