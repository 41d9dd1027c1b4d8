//! The route table, and the layers every request passes through.

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::extract::Request;
use axum::http::{Method, StatusCode, Uri, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::cors::{Any, CorsLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::{DefaultMakeSpan, DefaultOnResponse, TraceLayer};
use tracing::Level;

use super::error::{ApiError, AppError, PageError};
use super::state::AppState;
use super::{api, assets, brief, feeds, matrix_csv, pages, paths, replica, security};

/// Every route of the app, with its layers.
pub fn build_router(state: AppState) -> Router {
    let timeout = state.config.request_timeout();
    let max_body = state.config.max_body_bytes;
    let https = state.config.is_https();
    let api = Router::new()
        .route("/search", get(api::search::search))
        .route("/suggest", get(api::suggest::suggest))
        .route("/compare", get(api::compare::compare))
        .route("/entries", get(api::entries::list).post(api::write::create))
        .route(
            "/entries/{jurisdiction}/{slug}",
            get(api::entries::entry)
                .put(api::write::update)
                .delete(api::write::retire),
        )
        .route(
            "/entries/{jurisdiction}/{slug}/revisions",
            get(api::write::revisions),
        )
        .route("/jurisdictions", get(api::filter_values::jurisdictions))
        .route("/topics", get(api::filter_values::topics))
        .route("/openapi.json", get(api::openapi::openapi))
        .fallback(api_not_found)
        .method_not_allowed_fallback(api_method_not_allowed)
        // Any page may read the API, sending a token too (an intranet page reading as its
        // city); never with the browser's credentials, and never writing.
        .layer(
            CorsLayer::new()
                .allow_origin(Any)
                .allow_methods([Method::GET, Method::HEAD, Method::OPTIONS])
                .allow_headers([header::AUTHORIZATION])
                .expose_headers([header::ETAG]),
        );
    let mut app = Router::new()
        .route("/", get(pages::home::home))
        .route("/search", get(pages::search::search))
        .route("/entries/{jurisdiction}/{slug}", get(pages::entry::entry))
        .route("/jurisdictions/{slug}", get(pages::listing::jurisdiction))
        .route("/kinds/{kind}", get(pages::listing::kind))
        .route("/topics/{topic}", get(pages::listing::topic))
        .route("/sources/{id}", get(pages::source::source))
        .route(paths::COMPARE, get(pages::compare::compare))
        .route(paths::COMPARE_CSV, get(matrix_csv::compare_csv))
        .route(
            paths::COMPARE_ENTRIES,
            get(pages::side_by_side::side_by_side),
        )
        .route(paths::BRIEF, get(pages::brief::brief))
        .route(paths::BRIEF_MARKDOWN, get(brief::markdown::brief_markdown))
        .route(paths::BRIEF_DOCX, get(brief::docx::brief_docx))
        .route(
            paths::BRIEFS,
            get(pages::saved_briefs::list).post(pages::saved_briefs::create),
        )
        .route(paths::BRIEFS_ADD, post(pages::saved_briefs::add_entry))
        .route("/briefs/{id}", get(pages::saved_briefs::show))
        .route(
            "/briefs/{id}/edit",
            get(pages::saved_briefs::edit_form).post(pages::saved_briefs::update),
        )
        .route("/briefs/{id}/delete", post(pages::saved_briefs::delete))
        .route(
            "/briefs/{id}/brief.md",
            get(brief::markdown::saved_brief_markdown),
        )
        .route(
            "/briefs/{id}/brief.docx",
            get(brief::docx::saved_brief_docx),
        )
        .route("/about", get(pages::about::about))
        .route(paths::WHATS_NEW, get(pages::whats_new::whats_new))
        .route(
            "/login",
            get(pages::account::login_form).post(pages::account::login),
        )
        .route("/logout", post(pages::account::logout))
        .route("/account", get(pages::account::account))
        .route("/account/password", post(pages::account::change_password))
        .route("/account/tokens", post(pages::account::create_token))
        .route(paths::ACCOUNT_FEED, post(pages::account::create_feed))
        .route(
            paths::ACCOUNT_FEED_REVOKE,
            post(pages::account::revoke_feed),
        )
        .route(
            "/account/tokens/revoke-all",
            post(pages::account::revoke_all_tokens),
        )
        .route(
            "/account/tokens/{id}/revoke",
            post(pages::account::revoke_token),
        )
        .route(
            "/entries/new",
            get(pages::editor::new_form).post(pages::editor::create),
        )
        .route(
            "/entries/{jurisdiction}/{slug}/edit",
            get(pages::editor::edit_form).post(pages::editor::update),
        )
        .route(
            "/entries/{jurisdiction}/{slug}/retire",
            post(pages::editor::retire),
        )
        .route(
            "/entries/{jurisdiction}/{slug}/restore",
            post(pages::editor::restore),
        )
        .route(
            "/entries/{jurisdiction}/{slug}/history",
            get(pages::history::history),
        )
        .route(
            "/entries/{jurisdiction}/{slug}/history/{number}",
            get(pages::history::revision),
        )
        .route("/static/{name}", get(assets::static_file))
        .route(paths::FAVICON, get(assets::favicon))
        .route("/healthz", get(healthz))
        .route("/readyz", get(replica::readyz))
        .route("/feed.atom", get(feeds::all))
        .route("/feeds/{token}", get(feeds::private))
        .route("/search.atom", get(feeds::search))
        .route("/opensearch.xml", get(feeds::opensearch))
        .nest("/api", api)
        .fallback(page_not_found)
        .method_not_allowed_fallback(page_method_not_allowed)
        .with_state(state);
    for layer in security::header_layers(https) {
        app = app.layer(layer);
    }
    // Inside out: the body limit, the timeout, then rejections put in our format (so they
    // see the timeout's 408 and are compressed like the rest).
    app.layer(DefaultBodyLimit::max(max_body))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            timeout,
        ))
        .layer(middleware::from_fn(rejections_in_our_format))
        .layer(CompressionLayer::new())
        .layer(CatchPanicLayer::custom(|_| {
            ApiError(AppError::internal("a handler panicked")).into_response()
        }))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(DefaultMakeSpan::new().level(Level::INFO))
                .on_response(DefaultOnResponse::new().level(Level::INFO)),
        )
}

/// Rejections made before a handler runs (an undecodable path, a body over the limit, a
/// timeout) come as plain text or empty; answer them like every other error: the JSON
/// envelope under `/api/`, the site's error page elsewhere.
async fn rejections_in_our_format(request: Request, next: Next) -> Response {
    let api = request.uri().path().starts_with("/api/");
    let response = next.run(request).await;
    let status = response.status();
    let ours = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| !v.starts_with("text/plain"));
    if !status.is_client_error() || ours {
        return response;
    }
    let error = match status {
        StatusCode::NOT_FOUND => AppError::NotFound("There is nothing at this address.".into()),
        StatusCode::METHOD_NOT_ALLOWED => AppError::MethodNotAllowed,
        StatusCode::PAYLOAD_TOO_LARGE => AppError::PayloadTooLarge,
        StatusCode::REQUEST_TIMEOUT => AppError::Timeout,
        _ => {
            let body = axum::body::to_bytes(response.into_body(), 4096)
                .await
                .unwrap_or_default();
            let said = String::from_utf8_lossy(&body).trim().to_owned();
            AppError::BadRequest(if said.is_empty() {
                "That request could not be understood.".into()
            } else {
                said
            })
        }
    };
    if api {
        ApiError(error).into_response()
    } else {
        PageError(error).into_response()
    }
}

/// `GET /healthz`
async fn healthz() -> &'static str {
    "ok"
}

async fn page_not_found(uri: Uri) -> Response {
    tracing::debug!(%uri, "no route");
    if uri.path() == "/api" || uri.path().starts_with("/api/") {
        return api_not_found().await;
    }
    PageError(AppError::NotFound(
        "There is nothing at this address.".into(),
    ))
    .into_response()
}

async fn page_method_not_allowed() -> Response {
    PageError(AppError::MethodNotAllowed).into_response()
}

async fn api_not_found() -> Response {
    ApiError(AppError::NotFound(
        "There is no API endpoint at this address.".into(),
    ))
    .into_response()
}

async fn api_method_not_allowed() -> Response {
    ApiError(AppError::MethodNotAllowed).into_response()
}
