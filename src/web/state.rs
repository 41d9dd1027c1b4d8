//! `AppState`: everything the handlers share, loaded once at start-up.

use std::ops::Deref;
use std::sync::Arc;

use tokio::sync::Semaphore;

use crate::accounts::{AccountError, Accounts};
use crate::briefs::{BriefError, SavedBriefs};
use crate::catalog::{Catalog, CatalogError, StartError, StartOutcome};
use crate::config::Config;
use crate::playbook::Problem;
use crate::search::{OpenOutcome, SearchRequest, SearchResults};
use crate::store::{StoreError, Stores, User, UserId};

use super::error::AppError;
use super::password_gate::PasswordGate;
use super::rate_limit::{AttemptLimiter, SignInLimiter};
use super::rendered::{RENDERED_CACHE_BYTES, RenderedBodies};

/// Why the app could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    /// The playbook has problems; `playbook check` lists them.
    #[error("the playbook has {} problem(s); the first: {}", .0.len(), .0.first().map(|p| p.to_string()).unwrap_or_default())]
    Playbook(Vec<Problem>),
    /// The store or index could not be opened.
    #[error(transparent)]
    Catalog(#[from] CatalogError),
    /// The store could not be opened.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<StartError> for StartupError {
    fn from(e: StartError) -> Self {
        match e {
            StartError::Playbook(problems) => StartupError::Playbook(problems),
            StartError::Catalog(e) => StartupError::Catalog(e),
        }
    }
}

/// Searches allowed to run at once per core. Searches are CPU-bound: more at once only share
/// the cores, stretching every search (a long one most) and holding a blocking thread each;
/// waiting in arrival order bounds a search's latency by the queue ahead of it. Why three:
/// BENCHMARKS.md ("Searches queue in arrival order").
const SEARCH_SLOTS_PER_CORE: usize = 3;

/// Searches asking for more hits than this (programs paging through the API) cost more per
/// search, in stored documents read and snippets made; they run in a lane of their own
/// (`LARGE_SEARCH_SLOTS_PER_CORE`), so a flood of them never holds the slots ordinary searches
/// (a page of 10) need.
const LARGE_SEARCH_HITS: usize = 20;
/// Large searches allowed to run at once per core.
const LARGE_SEARCH_SLOTS_PER_CORE: usize = 1;

/// The shared state behind every handler.
pub struct Shared {
    /// The configuration.
    pub config: Config,
    /// Curated and contributed entries, their store and index: every entry read and write.
    pub catalog: Catalog,
    /// Accounts, sessions and API tokens.
    pub accounts: Accounts,
    /// Saved briefs.
    pub briefs: SavedBriefs,
    /// Sign-in attempts per client.
    pub login_limiter: SignInLimiter,
    /// Password changes per user (as many per minute as sign-ins per client).
    pub password_change_limiter: AttemptLimiter<UserId>,
    /// Entry writes per user (browser and API together).
    pub write_limiter: AttemptLimiter<UserId>,
    /// Password checks a few at a time (argon2 is costly in memory and time).
    pub password_gate: PasswordGate,
    /// Searches running at once (`SEARCH_SLOTS_PER_CORE` per core); the rest wait their turn
    /// in arrival order.
    pub search_slots: Arc<Semaphore>,
    /// Searches for more than `LARGE_SEARCH_HITS` hits running at once, in a lane of their
    /// own (`LARGE_SEARCH_SLOTS_PER_CORE` per core).
    pub large_search_slots: Arc<Semaphore>,
    /// Sanitized HTML of stored Markdown, rendered once and kept (`RENDERED_CACHE_BYTES`).
    pub rendered: RenderedBodies,
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
    /// the last full load, and checking every quote of a declared source against the
    /// sources' stored texts), the store and the index (building it if needed).
    pub fn load(config: Config) -> Result<AppState, StartupError> {
        let dirs = &config.dirs;
        let stores = Stores::open(&dirs.data_dir, dirs.database_url())?;
        let sources_dir = config.sources_dir();
        let (catalog, outcome) = Catalog::start_with_sources(
            &dirs.playbook.path,
            Some(&sources_dir),
            &dirs.data_dir,
            stores.entries,
        )?;
        let entries = catalog.num_entries();
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
        let login_limiter = SignInLimiter::new(config.login_attempts_per_minute);
        let password_change_limiter = AttemptLimiter::new(config.login_attempts_per_minute);
        let write_limiter = AttemptLimiter::new(config.writes_per_minute);
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let model_dir = config.model_dir();
        let vectors = crate::semantic::vectors_path(&config.dirs.data_dir);
        let state = AppState(Arc::new(Shared {
            config,
            catalog,
            accounts: Accounts::new(stores.accounts),
            briefs: SavedBriefs::new(stores.briefs),
            login_limiter,
            password_change_limiter,
            write_limiter,
            password_gate: PasswordGate::for_this_machine(),
            search_slots: Arc::new(Semaphore::new(SEARCH_SLOTS_PER_CORE * cores)),
            large_search_slots: Arc::new(Semaphore::new(LARGE_SEARCH_SLOTS_PER_CORE * cores)),
            rendered: RenderedBodies::new(RENDERED_CACHE_BYTES),
        }));
        super::question_search::start(Arc::downgrade(&state.0), model_dir, vectors);
        Ok(state)
    }

    /// Runs a search on a blocking thread, off the async workers, when its lane has a slot.
    pub async fn search(&self, request: SearchRequest) -> Result<SearchResults, AppError> {
        let lane = if request.limit > LARGE_SEARCH_HITS {
            &self.large_search_slots
        } else {
            &self.search_slots
        };
        let slot = Arc::clone(lane)
            .acquire_owned()
            .await
            .map_err(|e| AppError::internal(format!("search slots closed: {e}")))?;
        let state = self.clone();
        // The slot is held by the search itself, so a client leaving early frees it only
        // when the search is done.
        tokio::task::spawn_blocking(move || {
            let results = state.catalog.search(&request);
            drop(slot);
            results
        })
        .await
        .map_err(|e| AppError::internal(format!("search task failed: {e}")))?
        .map_err(AppError::from)
    }

    /// Runs CPU-bound work (rendering Markdown, comparing revisions) on a blocking thread, off
    /// the async workers.
    pub async fn run_blocking<T: Send + 'static>(
        &self,
        work: impl FnOnce(&Shared) -> T + Send + 'static,
    ) -> Result<T, AppError> {
        let state = self.clone();
        tokio::task::spawn_blocking(move || work(&state))
            .await
            .map_err(|e| AppError::internal(format!("blocking task failed: {e}")))
    }

    /// The sanitized HTML of stored Markdown, rendered once and kept (`RenderedBodies`), on a
    /// blocking thread.
    pub async fn html_of(&self, markdown: String) -> Result<Arc<str>, AppError> {
        self.run_blocking(move |shared| shared.rendered.html(&markdown))
            .await
    }

    /// `html_of`, with heading ids starting `{page_part}section-`: for one of several bodies
    /// on a page.
    pub async fn html_within(
        &self,
        markdown: String,
        page_part: String,
    ) -> Result<Arc<str>, AppError> {
        self.run_blocking(move |shared| shared.rendered.html_within(&markdown, &page_part))
            .await
    }

    /// Counts a write by `user`; `TooManyRequests` past the per-minute limit.
    pub fn allow_write(&self, user: &User) -> Result<(), AppError> {
        if self.write_limiter.allow(user.id) {
            Ok(())
        } else {
            tracing::warn!(user = user.id, "write rate limit reached");
            Err(AppError::TooManyRequests)
        }
    }

    /// Runs accounts work that checks or hashes a password on a password thread, when the
    /// password gate gives it a turn: `Busy` when too many wait already.
    pub async fn with_password_work<T: Send + 'static>(
        &self,
        work: impl FnOnce(&Accounts) -> Result<T, AccountError> + Send + 'static,
    ) -> Result<T, AppError> {
        let accounts = self.accounts.clone();
        self.password_gate
            .run(move || work(&accounts))
            .await
            .ok_or(AppError::Busy)?
            .map_err(AppError::from)
    }

    /// Runs accounts work (the store) on a blocking thread.
    pub async fn with_accounts<T: Send + 'static>(
        &self,
        work: impl FnOnce(&Accounts) -> Result<T, AccountError> + Send + 'static,
    ) -> Result<T, AppError> {
        let accounts = self.accounts.clone();
        tokio::task::spawn_blocking(move || work(&accounts))
            .await
            .map_err(|e| AppError::internal(format!("accounts task failed: {e}")))?
            .map_err(AppError::from)
    }

    /// Runs saved-brief work (the store) on a blocking thread.
    pub async fn with_briefs<T: Send + 'static>(
        &self,
        work: impl FnOnce(&SavedBriefs) -> Result<T, BriefError> + Send + 'static,
    ) -> Result<T, AppError> {
        let briefs = self.briefs.clone();
        tokio::task::spawn_blocking(move || work(&briefs))
            .await
            .map_err(|e| AppError::internal(format!("briefs task failed: {e}")))?
            .map_err(AppError::from)
    }

    /// Runs catalog work (store and index I/O) on a blocking thread.
    pub async fn with_catalog<T: Send + 'static>(
        &self,
        work: impl FnOnce(&Catalog) -> Result<T, CatalogError> + Send + 'static,
    ) -> Result<T, AppError> {
        let state = self.clone();
        let before = self.catalog.index_generation();
        let done = tokio::task::spawn_blocking(move || work(&state.catalog))
            .await
            .map_err(|e| AppError::internal(format!("catalog task failed: {e}")))?
            .map_err(AppError::from);
        // A write made new segments: read their tables now rather than in the next search.
        if self.catalog.index_generation() != before {
            self.warm_index_in_background();
        }
        done
    }

    /// Reads the index's tables for searches and suggestions on a blocking thread, without
    /// waiting for it; a no-op in microseconds when they are current.
    pub fn warm_index_in_background(&self) {
        let state = self.clone();
        tokio::task::spawn_blocking(move || {
            if let Err(e) = state.catalog.warm_index() {
                tracing::warn!(error = %e, "could not read the search tables ahead");
            }
        });
    }
}
