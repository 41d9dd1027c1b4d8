//! The catalog: curated entries from the playbook folder and contributed entries from the
//! store, searched together. Writes go to the store first (durably), then to the index; the
//! index records the last store revision it applied, and `open` applies whatever it missed,
//! so a crash between the two loses nothing. Curated entries stay in their files: the catalog
//! knows their ids and reads one when it is asked for. It also knows the declared sources and
//! their stored texts, so every quote it hands out comes with its state.

mod curated;
mod reading;
mod sources;
mod stamp;
mod start;
mod writing;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, Mutex};

pub use curated::Curated;
pub use reading::{EntryView, RelatedLink};
pub use sources::{CitingView, QuoteInContext, QuoteView, SourceView};
pub use stamp::{STAMP_FILE, StampRecord};
pub use start::{StartError, StartOutcome};
pub use writing::MAX_MESSAGE_CHARS;

use crate::playbook::entry::FieldErrors;
use crate::playbook::{EntryFile, EntryId, Jurisdiction, Playbook, Provenance, QuoteCheck, Reader};
use crate::search::{
    IndexError, IndexedEntry, OpenOutcome, SearchError, SearchIndex, SearchRequest, SearchResults,
};
use crate::store::{ContributedEntry, EntryStore, StoreError};

/// Why a catalog operation failed.
#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    /// The user may not do this.
    #[error("{0}")]
    Forbidden(String),
    /// The id is taken.
    #[error("{0}")]
    Conflict(String),
    /// No such entry or jurisdiction.
    #[error("{0}")]
    NotFound(String),
    /// The change started from an older revision than the latest: someone saved since.
    #[error(
        "this entry changed since you started: revision {current} was saved after revision {base}"
    )]
    Stale {
        /// The revision the writer started from.
        base: u32,
        /// The latest revision.
        current: u32,
    },
    /// The content is invalid; the problems by field.
    #[error("the entry is not valid")]
    Invalid(FieldErrors),
    /// The store failed.
    #[error(transparent)]
    Store(StoreError),
    /// The index failed.
    #[error(transparent)]
    Index(#[from] IndexError),
    /// A search failed.
    #[error(transparent)]
    Search(#[from] SearchError),
    /// A curated entry's file no longer reads as an entry (changed since start-up).
    #[error("the curated entry {id} cannot be read: {problem}")]
    CuratedUnreadable {
        /// The entry.
        id: EntryId,
        /// The first problem, as `path:line: message`.
        problem: String,
    },
}

impl From<StoreError> for CatalogError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Conflict(m) => CatalogError::Conflict(m),
            StoreError::NotFound(m) => CatalogError::NotFound(m),
            StoreError::Stale { base, current } => CatalogError::Stale { base, current },
            other => CatalogError::Store(other),
        }
    }
}

/// Curated and contributed entries, their store and their index, and the declared sources.
pub struct Catalog {
    curated: Curated,
    /// The declared sources and their stored texts.
    provenance: Provenance,
    /// How the curated quotes came out against the stored texts when the catalog opened.
    quote_check: QuoteCheck,
    store: Arc<dyn EntryStore>,
    index: SearchIndex,
    /// Held while the index catches up with the store (reading what changed, then applying
    /// it): one catch-up at a time, so none applies an older state of an entry after a newer
    /// one was applied. Every index change goes through it: this process's writes and, on a
    /// shared store, what other replicas wrote.
    catching_up: Mutex<()>,
}

impl Catalog {
    /// Opens the index under `data_dir` for `playbook`, loaded from the folder
    /// `playbook_dir` (its sources' texts in `<playbook_dir>/_sources`), over `store`, and
    /// brings the index up to date. The catalog keeps no entry contents, so the caller may
    /// drop `playbook` (start-up goes through `Catalog::start`).
    pub fn open(
        playbook_dir: &Path,
        playbook: &Playbook,
        data_dir: &Path,
        store: Arc<dyn EntryStore>,
    ) -> Result<(Catalog, OpenOutcome), CatalogError> {
        let provenance = sources::provenance_of(playbook.sources.clone(), playbook_dir, None);
        Self::open_with_files(
            playbook_dir,
            playbook,
            provenance,
            data_dir,
            store,
            &BTreeMap::new(),
        )
    }

    /// `open`, with the declared sources' texts read and the entries' files known from a
    /// scan of the folder.
    fn open_with_files(
        playbook_dir: &Path,
        playbook: &Playbook,
        provenance: Provenance,
        data_dir: &Path,
        store: Arc<dyn EntryStore>,
        known: &BTreeMap<EntryId, EntryFile>,
    ) -> Result<(Catalog, OpenOutcome), CatalogError> {
        let curated = Curated::of_playbook(playbook_dir, playbook, known);
        let quote_check =
            sources::check_quotes_at_start(&provenance, &playbook.quotes, playbook_dir);
        let (index, outcome) = SearchIndex::open(data_dir, playbook)?;
        let catalog = Self::assemble(curated, provenance, quote_check, store, index)?;
        Ok((catalog, outcome))
    }

    /// The catalog of these parts, with the curated jurisdictions in the store and the index
    /// caught up with it.
    fn assemble(
        curated: Curated,
        provenance: Provenance,
        quote_check: QuoteCheck,
        store: Arc<dyn EntryStore>,
        index: SearchIndex,
    ) -> Result<Catalog, CatalogError> {
        let jurisdictions: Vec<&Jurisdiction> = curated.jurisdictions().values().collect();
        store.sync_curated_jurisdictions(&jurisdictions)?;
        let catalog = Catalog {
            curated,
            provenance,
            quote_check,
            store,
            index,
            catching_up: Mutex::new(()),
        };
        let applied = catalog.catch_up_index()?;
        if applied > 0 {
            tracing::info!(applied, "applied contributed entries the index had missed");
        }
        Ok(catalog)
    }

    /// Applies to the index every stored change it has not recorded; returns how many.
    pub fn catch_up_index(&self) -> Result<usize, CatalogError> {
        let _one_at_a_time = self.catching_up.lock().unwrap_or_else(|e| e.into_inner());
        let done = self.index.current_payload().store_revision;
        let changed = self.store.entries_changed_after(done)?;
        for contributed in &changed {
            self.apply_to_index(contributed)?;
        }
        Ok(changed.len())
    }

    /// How many revisions the store holds beyond those the index has applied (0: caught up).
    /// Fails when the store cannot be read.
    pub fn index_lag(&self) -> Result<u64, CatalogError> {
        let latest = self.store.latest_revision()?;
        let done = self.index.current_payload().store_revision;
        Ok(latest.saturating_sub(done))
    }

    /// On a store other processes write too, starts waking `wake` whenever one commits a
    /// revision (see `EntryStore::wake_on_changes`); false on a store only this one writes.
    pub fn wake_on_changes(&self, wake: Arc<tokio::sync::Notify>) -> bool {
        self.store.wake_on_changes(wake)
    }

    fn apply_to_index(&self, contributed: &ContributedEntry) -> Result<(), CatalogError> {
        let revision = Some(contributed.revision.id);
        if contributed.retired {
            self.index.remove(&contributed.entry.id, revision)?;
            return Ok(());
        }
        let jurisdiction = self
            .jurisdiction(contributed.entry.jurisdiction().as_str())?
            .ok_or_else(|| {
                CatalogError::NotFound(format!("no jurisdiction for {}", contributed.entry.id))
            })?;
        self.index.upsert(
            &IndexedEntry::new(&contributed.entry, &jurisdiction),
            revision,
        )?;
        Ok(())
    }

    /// The curated playbook: jurisdictions, synonyms and which entries are curated.
    pub fn curated(&self) -> &Curated {
        &self.curated
    }

    /// Whether `id` is a curated entry (read-only here).
    pub fn is_curated(&self, id: &EntryId) -> bool {
        self.curated.contains(id)
    }

    /// A jurisdiction by slug: curated first, then added through the app.
    pub fn jurisdiction(&self, slug: &str) -> Result<Option<Jurisdiction>, CatalogError> {
        if let Some(j) = self.curated.jurisdiction(slug) {
            return Ok(Some(j.clone()));
        }
        Ok(self.store.jurisdiction(slug)?)
    }

    /// Every jurisdiction by slug: the curated ones and those added through the app.
    pub fn jurisdictions(&self) -> Result<Vec<Jurisdiction>, CatalogError> {
        let mut all = self.curated.jurisdictions().clone();
        for jurisdiction in self.store.jurisdictions()? {
            all.entry(jurisdiction.slug.clone()).or_insert(jurisdiction);
        }
        Ok(all.into_values().collect())
    }

    /// Adds a jurisdiction that contributes entries, recording who did.
    pub fn add_jurisdiction(
        &self,
        jurisdiction: &Jurisdiction,
        actor: Option<crate::store::UserId>,
    ) -> Result<(), CatalogError> {
        if self
            .curated
            .jurisdiction(jurisdiction.slug.as_str())
            .is_some()
        {
            return Err(CatalogError::Conflict(format!(
                "jurisdiction `{}` exists already",
                jurisdiction.slug
            )));
        }
        Ok(self.store.add_jurisdiction(jurisdiction, actor)?)
    }

    /// Runs a search.
    pub fn search(&self, request: &SearchRequest) -> Result<SearchResults, CatalogError> {
        Ok(self.index.search(request)?)
    }

    /// How many entries are searchable.
    pub fn num_entries(&self) -> u64 {
        self.index.num_entries()
    }

    /// The folder of the live index.
    pub fn index_path(&self) -> &Path {
        self.index.path()
    }

    /// Which reader generation searches see; it changes with every applied write.
    pub fn index_generation(&self) -> u64 {
        self.index.generation()
    }

    /// Turns question search on with `embedder`, keeping passage vectors in `vectors`.
    pub fn enable_question_search(
        &self,
        embedder: Arc<crate::semantic::Embedder>,
        vectors: std::path::PathBuf,
    ) -> bool {
        self.index.enable_question_search(embedder, vectors)
    }

    /// Says that a model for question search is being loaded (or, `false`, failed to).
    pub fn expect_question_search(&self, coming: bool) {
        self.index.expect_question_search(coming);
    }

    /// Builds the passage vectors of the index as it is now (see `SearchIndex::build_vectors`).
    pub fn build_vectors(&self) -> Result<crate::search::VectorBuild, crate::search::VectorError> {
        self.index.build_vectors()
    }

    /// The index generation the passage vectors are of, once built.
    pub fn vectors_generation(&self) -> Option<u64> {
        self.index.vectors_generation()
    }

    /// Reads the index's tables ahead for searches and suggestions.
    pub fn warm_index(&self) -> Result<(), CatalogError> {
        Ok(self.index.warm()?)
    }

    /// Search-as-you-type suggestions for `typed` among what `reader` may read, when the
    /// tables are ready (no blocking work); None when they are not.
    pub fn suggest_if_ready(
        &self,
        typed: &str,
        reader: &Reader,
    ) -> Option<Result<Vec<crate::search::Suggestion>, CatalogError>> {
        self.index
            .suggest_if_ready(typed, reader)
            .map(|result| result.map_err(CatalogError::from))
    }

    /// Search-as-you-type suggestions for `typed` among what `reader` may read.
    pub fn suggest(
        &self,
        typed: &str,
        reader: &Reader,
    ) -> Result<Vec<crate::search::Suggestion>, CatalogError> {
        Ok(self.index.suggest(typed, reader)?)
    }
}
