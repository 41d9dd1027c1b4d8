//! A replica among several on one PostgreSQL store: its index follows the revisions other
//! replicas write (woken by the store's change notifications, and polling every
//! `POLL_INTERVAL` in case one is missed), and `GET /readyz` tells a load balancer whether
//! this replica is ready: its database reachable and its index caught up.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use tokio::sync::Notify;

use super::state::AppState;

/// The longest a missed notification delays another replica's write reaching this index.
pub const POLL_INTERVAL: Duration = Duration::from_secs(1);

/// On a store other replicas write too, keeps this replica's index following it, in a
/// background task; on a store only this process writes, does nothing.
pub fn follow_the_store(state: &AppState) {
    let wake = Arc::new(Notify::new());
    if !state.catalog.wake_on_changes(Arc::clone(&wake)) {
        return;
    }
    tracing::info!(poll = ?POLL_INTERVAL, "following revisions written by other replicas");
    let state = state.clone();
    tokio::spawn(async move {
        let mut reachable = true;
        loop {
            // Woken by a notification, or after a poll interval without one.
            let _ = tokio::time::timeout(POLL_INTERVAL, wake.notified()).await;
            match state.with_catalog(|catalog| catalog.catch_up_index()).await {
                Ok(applied) => {
                    if !reachable {
                        tracing::info!("the database is reachable again; the index caught up");
                    }
                    reachable = true;
                    if applied > 0 {
                        tracing::debug!(applied, "applied revisions from other replicas");
                    }
                }
                Err(e) => {
                    if reachable {
                        tracing::warn!(error = %e, "the index cannot follow the store for now");
                    }
                    reachable = false;
                }
            }
        }
    });
}

/// `GET /readyz`: 200 `ready` when the database answers and the index has applied every
/// revision stored; 503 with the reason otherwise. (`/healthz` stays liveness only.)
pub async fn readyz(State(state): State<AppState>) -> Response {
    let readiness = state
        .run_blocking(|shared| shared.catalog.index_lag())
        .await;
    match readiness {
        Ok(Ok(0)) => (StatusCode::OK, "ready").into_response(),
        Ok(Ok(behind)) => (
            StatusCode::SERVICE_UNAVAILABLE,
            format!("not ready: the index is catching up ({behind} revisions behind)"),
        )
            .into_response(),
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "not ready");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                "not ready: the database is unreachable",
            )
                .into_response()
        }
        Err(_) => (StatusCode::SERVICE_UNAVAILABLE, "not ready").into_response(),
    }
}
