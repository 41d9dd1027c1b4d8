//! `AppState`: everything the handlers share, loaded once at start-up.

use std::ops::Deref;
use std::sync::Arc;

use crate::catalog::{Catalog, CatalogError, StartError, StartOutcome};
use crate::config::Config;
use crate::playbook::Problem;
use crate::search::{OpenOutcome, SearchRequest, SearchResults};

use super::error::AppError;
use super::rate_limit::RateLimiter;

/// Why the app could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    /// The playbook has problems; `playbook check` lists them.
    #[error("the playbook has {} problem(s); the first: {}", .0.len(), .0.first().map(|p| p.to_string()).unwrap_or_default())]
    Playbook(Vec<Problem>),
    /// The store or index could not be opened.
    #[error(transparent)]
    Catalog(#[from] CatalogError),
}

impl From<StartError> for StartupError {
    fn from(e: StartError) -> Self {
        match e {
            StartError::Playbook(problems) => StartupError::Playbook(problems),
            StartError::Catalog(e) => StartupError::Catalog(e),
        }
    }
}

/// The shared state behind every handler.
pub struct Shared {
    /// The configuration.
    pub config: Config,
    /// Curated and contributed entries, their store and index.
    pub catalog: Catalog,
    /// Sign-in attempts per client.
    pub login_limiter: RateLimiter,
}

/// Cheap to clone: one `Arc`.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

impl Deref for AppState {
    type Target = Shared;
    fn deref(&self) -> &Shared {
        &self.0
    }
}

impl AppState {
    /// Opens the catalog (reading the playbook in full unless its folder is unchanged since
    /// the last full load), the store and the index (building it if needed).
    pub fn load(config: Config) -> Result<AppState, StartupError> {
        let (catalog, outcome) = Catalog::start(&config.playbook_dir, &config.data_dir)?;
        let entries = catalog.index().num_entries();
        match outcome {
            StartOutcome::Fast => tracing::info!(
                entries,
                "reused the search index; the playbook folder is unchanged since the last full load"
            ),
            StartOutcome::Full(OpenOutcome::Reused) => {
                tracing::info!(entries, "read the playbook and reused the search index")
            }
            StartOutcome::Full(OpenOutcome::Built(reason)) => {
                tracing::info!(entries, %reason, "read the playbook and built the search index")
            }
        }
        let login_limiter = RateLimiter::new(config.login_attempts_per_minute);
        Ok(AppState(Arc::new(Shared {
            config,
            catalog,
            login_limiter,
        })))
    }

    /// Runs a search on a blocking thread, off the async workers.
    pub async fn search(&self, request: SearchRequest) -> Result<SearchResults, AppError> {
        let state = self.clone();
        tokio::task::spawn_blocking(move || state.catalog.index().search(&request))
            .await
            .map_err(|e| AppError::internal(format!("search task failed: {e}")))?
            .map_err(AppError::from)
    }

    /// Runs catalog work (store and index I/O) on a blocking thread.
    pub async fn with_catalog<T: Send + 'static>(
        &self,
        work: impl FnOnce(&Catalog) -> Result<T, CatalogError> + Send + 'static,
    ) -> Result<T, AppError> {
        let state = self.clone();
        let done = tokio::task::spawn_blocking(move || work(&state.catalog))
            .await
            .map_err(|e| AppError::internal(format!("catalog task failed: {e}")))?
            .map_err(AppError::from);
        // A write made new segments: read their tables now rather than in the next search.
        self.warm_index_in_background();
        done
    }

    /// Reads the index's tables for searches and suggestions on a blocking thread, without
    /// waiting for it; a no-op in microseconds when they are current.
    pub fn warm_index_in_background(&self) {
        let state = self.clone();
        tokio::task::spawn_blocking(move || {
            if let Err(e) = state.catalog.index().warm() {
                tracing::warn!(error = %e, "could not read the search tables ahead");
            }
        });
    }
}
