//! `AppState`: everything the handlers share, loaded once at start-up.

use std::ops::Deref;
use std::sync::Arc;

use crate::config::Config;
use crate::playbook::{Playbook, Problem, load_playbook};
use crate::search::{IndexError, OpenOutcome, SearchIndex, SearchRequest, SearchResults};

use super::error::AppError;

/// Why the app could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    /// The playbook has problems; `playbook check` lists them.
    #[error("the playbook has {} problem(s); the first: {}", .0.len(), .0.first().map(|p| p.to_string()).unwrap_or_default())]
    Playbook(Vec<Problem>),
    /// The index could not be opened or built.
    #[error(transparent)]
    Index(#[from] IndexError),
}

/// The shared state behind every handler.
pub struct Shared {
    /// The configuration.
    pub config: Config,
    /// The curated playbook.
    pub playbook: Playbook,
    /// The search index.
    pub index: SearchIndex,
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
    /// Loads the playbook and opens (or builds) the index.
    pub fn load(config: Config) -> Result<AppState, StartupError> {
        let loaded = load_playbook(&config.playbook_dir);
        if !loaded.problems.is_empty() {
            return Err(StartupError::Playbook(loaded.problems));
        }
        let (index, outcome) = SearchIndex::open(&config.data_dir, &loaded.playbook)?;
        match outcome {
            OpenOutcome::Reused => {
                tracing::info!(entries = index.num_entries(), "reused the search index")
            }
            OpenOutcome::Built(reason) => {
                tracing::info!(entries = index.num_entries(), %reason, "built the search index")
            }
        }
        Ok(AppState(Arc::new(Shared {
            config,
            playbook: loaded.playbook,
            index,
        })))
    }

    /// Runs a search on a blocking thread, off the async workers.
    pub async fn search(&self, request: SearchRequest) -> Result<SearchResults, AppError> {
        let state = self.clone();
        tokio::task::spawn_blocking(move || state.index.search(&request))
            .await
            .map_err(|e| AppError::internal(format!("search task failed: {e}")))?
            .map_err(AppError::from)
    }
}
