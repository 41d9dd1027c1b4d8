//! Errors mapped to HTTP in one place: `AppError` says what went wrong; `ApiError` renders
//! it as JSON and `PageError` as a page. 4xx carry a message for the user; 5xx a generic one,
//! with the cause in the log.

use askama::Template;
use axum::Json;
use axum::extract::rejection::PathRejection;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

use super::assets::Layout;
use crate::accounts::AccountError;
use crate::briefs::BriefError;
use crate::catalog::CatalogError;
use crate::playbook::entry::FieldErrors;
use crate::search::SearchError;
use crate::store::StoreError;

/// What went wrong while handling a request.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The request is malformed or out of range.
    #[error("{0}")]
    BadRequest(String),
    /// Nothing is at this address.
    #[error("{0}")]
    NotFound(String),
    /// The method is not allowed here.
    #[error("this method is not allowed here")]
    MethodNotAllowed,
    /// The body is over the size limit.
    #[error("the request body is too large")]
    PayloadTooLarge,
    /// No valid credentials.
    #[error("{0}")]
    Unauthorized(String),
    /// Signed in, but not allowed.
    #[error("{0}")]
    Forbidden(String),
    /// The id is taken.
    #[error("{0}")]
    Conflict(String),
    /// The entry changed since the version the writer started from (`If-Match`, or the
    /// editor's base revision).
    #[error("{0}")]
    PreconditionFailed(String),
    /// The content is invalid; the problems by field.
    #[error("the entry is not valid: see `fields`")]
    Unprocessable(FieldErrors),
    /// Too many attempts.
    #[error("too many attempts: wait a minute and try again")]
    TooManyRequests,
    /// The request took longer than the configured limit.
    #[error("the request took too long: try again, or narrow it")]
    Timeout,
    /// The server is too busy for this now (a bounded queue is full).
    #[error("the server is busy: try again in a moment")]
    Busy,
    /// The database cannot be reached now; the cause is for the log only. Searching the
    /// index still works.
    #[error("the database is unavailable: {0}")]
    Unavailable(String),
    /// Something failed on our side; the text is for the log only.
    #[error("internal error: {0}")]
    Internal(String),
}

impl AppError {
    /// An internal error with its cause, for the log.
    pub fn internal(cause: impl Into<String>) -> Self {
        AppError::Internal(cause.into())
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            AppError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            AppError::Forbidden(_) => StatusCode::FORBIDDEN,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::PreconditionFailed(_) => StatusCode::PRECONDITION_FAILED,
            AppError::Unprocessable(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
            AppError::Busy | AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Timeout => StatusCode::REQUEST_TIMEOUT,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// A stable, machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::BadRequest(_) => "bad_request",
            AppError::NotFound(_) => "not_found",
            AppError::MethodNotAllowed => "method_not_allowed",
            AppError::PayloadTooLarge => "payload_too_large",
            AppError::Unauthorized(_) => "unauthorized",
            AppError::Forbidden(_) => "forbidden",
            AppError::Conflict(_) => "conflict",
            AppError::PreconditionFailed(_) => "stale_revision",
            AppError::Unprocessable(_) => "validation_failed",
            AppError::TooManyRequests => "too_many_requests",
            AppError::Busy => "busy",
            AppError::Unavailable(_) => "unavailable",
            AppError::Timeout => "timeout",
            AppError::Internal(_) => "internal",
        }
    }

    /// The message shown to the user: never internal detail.
    pub fn public_message(&self) -> String {
        match self {
            AppError::Internal(cause) => {
                tracing::error!(%cause, "internal error");
                "Something went wrong on our side. Please try again.".to_owned()
            }
            AppError::Unavailable(cause) => {
                tracing::warn!(%cause, "the database is unavailable");
                "The database is unavailable just now: searching still works; try this again in a minute.".to_owned()
            }
            other => other.to_string(),
        }
    }
}

impl From<SearchError> for AppError {
    fn from(e: SearchError) -> Self {
        if e.is_bad_request() {
            AppError::BadRequest(e.to_string())
        } else {
            AppError::internal(e.to_string())
        }
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Unavailable(cause) => AppError::Unavailable(cause),
            StoreError::NotFound(m) => AppError::NotFound(m),
            StoreError::Conflict(m) => AppError::Conflict(m),
            other => AppError::internal(other.to_string()),
        }
    }
}

impl From<AccountError> for AppError {
    fn from(e: AccountError) -> Self {
        match e {
            AccountError::Invalid(m) => AppError::BadRequest(m),
            AccountError::Store(e @ StoreError::Unavailable(_)) => e.into(),
            other => AppError::internal(other.to_string()),
        }
    }
}

impl From<BriefError> for AppError {
    fn from(e: BriefError) -> Self {
        match e {
            BriefError::Invalid(m) => AppError::BadRequest(m),
            BriefError::NotFound => AppError::NotFound(BriefError::NotFound.to_string()),
            BriefError::Store(e @ StoreError::Unavailable(_)) => e.into(),
            other => AppError::internal(other.to_string()),
        }
    }
}

impl From<CatalogError> for AppError {
    fn from(e: CatalogError) -> Self {
        match e {
            CatalogError::Forbidden(m) => AppError::Forbidden(m),
            CatalogError::Conflict(m) => AppError::Conflict(m),
            CatalogError::NotFound(m) => AppError::NotFound(m),
            CatalogError::Invalid(fields) => AppError::Unprocessable(fields),
            stale @ CatalogError::Stale { .. } => AppError::PreconditionFailed(stale.to_string()),
            CatalogError::Search(e) => e.into(),
            CatalogError::Store(e @ StoreError::Unavailable(_)) => e.into(),
            other => AppError::internal(other.to_string()),
        }
    }
}

impl From<askama::Error> for AppError {
    fn from(e: askama::Error) -> Self {
        AppError::internal(format!("template: {e}"))
    }
}

/// An error answered as `{"error": {"code", "message"}}`.
#[derive(Debug)]
pub struct ApiError(pub AppError);

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        ApiError(e)
    }
}

impl From<CatalogError> for ApiError {
    fn from(e: CatalogError) -> Self {
        ApiError(e.into())
    }
}

impl From<SearchError> for ApiError {
    fn from(e: SearchError) -> Self {
        ApiError(e.into())
    }
}

/// The JSON body of every API error.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// What went wrong.
    pub error: ErrorDetail,
}

/// An API error's code and message.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// A stable, machine-readable code, like `not_found` or `validation_failed`.
    pub code: String,
    /// What went wrong, for a person.
    pub message: String,
    /// With 422: the problem with each field, by field name (`title`, `sources[0].url`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<std::collections::BTreeMap<String, String>>)]
    pub fields: Option<FieldErrors>,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.0.code().to_owned(),
                message: self.0.public_message(),
                fields: match &self.0 {
                    AppError::Unprocessable(fields) => Some(fields.clone()),
                    _ => None,
                },
            },
        };
        let mut response = (self.0.status(), Json(body)).into_response();
        if matches!(self.0, AppError::Unauthorized(_)) {
            response.headers_mut().insert(
                axum::http::header::WWW_AUTHENTICATE,
                axum::http::HeaderValue::from_static("Bearer realm=\"city-playbook\""),
            );
        }
        response
    }
}

/// An error answered as a page in the site's layout.
#[derive(Debug)]
pub struct PageError(pub AppError);

impl From<AppError> for PageError {
    fn from(e: AppError) -> Self {
        PageError(e)
    }
}

impl From<SearchError> for PageError {
    fn from(e: SearchError) -> Self {
        PageError(e.into())
    }
}

impl From<CatalogError> for PageError {
    fn from(e: CatalogError) -> Self {
        PageError(e.into())
    }
}

impl From<askama::Error> for PageError {
    fn from(e: askama::Error) -> Self {
        PageError(e.into())
    }
}

/// A path segment axum cannot decode (not UTF-8) names nothing here: 404 in the layout,
/// not axum's plain-text 400.
impl From<PathRejection> for PageError {
    fn from(rejection: PathRejection) -> Self {
        tracing::debug!(%rejection, "undecodable path");
        PageError(AppError::NotFound(
            "There is nothing at this address.".into(),
        ))
    }
}

/// The error page.
#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    layout: Layout,
    status: u16,
    heading: &'static str,
    message: String,
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let status = self.0.status();
        let heading = match status {
            StatusCode::BAD_REQUEST => "That request could not be understood",
            StatusCode::NOT_FOUND => "Page not found",
            StatusCode::INTERNAL_SERVER_ERROR => "Something went wrong",
            StatusCode::UNAUTHORIZED => "Please sign in",
            StatusCode::FORBIDDEN => "Not allowed",
            StatusCode::TOO_MANY_REQUESTS => "Too many attempts",
            StatusCode::SERVICE_UNAVAILABLE => "Temporarily unavailable",
            StatusCode::REQUEST_TIMEOUT => "That took too long",
            StatusCode::PRECONDITION_FAILED => "Someone saved a newer version",
            _ => "That did not work",
        };
        let page = ErrorPage {
            layout: Layout::new(heading),
            status: status.as_u16(),
            heading,
            message: self.0.public_message(),
        };
        match page.render() {
            Ok(html) => (status, Html(html)).into_response(),
            Err(e) => {
                tracing::error!(error = %e, "the error page failed to render");
                (status, heading).into_response()
            }
        }
    }
}
