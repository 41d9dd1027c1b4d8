//! The catalog: curated entries from the playbook folder and contributed entries from the
//! store, searched together. Writes go to the store first (durably), then to the index; the
//! index records the last store revision it applied, and `open` applies whatever it missed,
//! so a crash between the two loses nothing. Curated entries stay in their files: the catalog
//! knows their ids and reads one when it is asked for.

mod curated;
mod stamp;
mod start;

use std::collections::BTreeMap;
use std::path::Path;

pub use curated::Curated;
pub use stamp::{STAMP_FILE, StampRecord};
pub use start::{StartError, StartOutcome};

use crate::playbook::entry::{EntryInput, FieldErrors, FieldProblems, ValidEntry};
use crate::playbook::{Entry, EntryFile, EntryId, Jurisdiction, Playbook};
use crate::search::{IndexError, IndexedEntry, OpenOutcome, SearchIndex};
use crate::store::{
    ContributedEntry, NewRevision, Revision, RevisionAction, RevisionInfo, Role, SqliteStore,
    Store, StoreError, User,
};

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
    /// The content is invalid; the problems by field.
    #[error("the entry is not valid")]
    Invalid(FieldErrors),
    /// The store failed.
    #[error(transparent)]
    Store(StoreError),
    /// The index failed.
    #[error(transparent)]
    Index(#[from] IndexError),
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
            other => CatalogError::Store(other),
        }
    }
}

/// An entry as readers see it, wherever it comes from.
#[derive(Debug, Clone)]
pub struct CatalogEntry {
    /// The entry.
    pub entry: Entry,
    /// Whether it is retired (contributed entries only).
    pub retired: bool,
    /// Its current revision (contributed entries only).
    pub revision: Option<RevisionInfo>,
}

/// Curated and contributed entries, their store and their index.
pub struct Catalog {
    curated: Curated,
    store: Box<dyn Store>,
    index: SearchIndex,
}

impl Catalog {
    /// Opens the store and index under `data_dir` for `playbook`, loaded from the folder
    /// `playbook_dir`, and brings the index up to date. The catalog keeps no entry contents,
    /// so the caller may drop `playbook` (start-up goes through `Catalog::start`).
    pub fn open(
        playbook_dir: &Path,
        playbook: &Playbook,
        data_dir: &Path,
    ) -> Result<(Catalog, OpenOutcome), CatalogError> {
        Self::open_with_files(playbook_dir, playbook, data_dir, &BTreeMap::new())
    }

    /// `open`, with the entries' files known from a scan of the folder.
    fn open_with_files(
        playbook_dir: &Path,
        playbook: &Playbook,
        data_dir: &Path,
        known: &BTreeMap<EntryId, EntryFile>,
    ) -> Result<(Catalog, OpenOutcome), CatalogError> {
        let curated = Curated::of_playbook(playbook_dir, playbook, known);
        let store = Self::open_store(data_dir, &curated)?;
        let (index, outcome) = SearchIndex::open(data_dir, playbook)?;
        Ok((Self::assemble(curated, store, index)?, outcome))
    }

    /// Opens the store with the curated jurisdictions in it.
    fn open_store(data_dir: &Path, curated: &Curated) -> Result<SqliteStore, CatalogError> {
        let store = SqliteStore::open(data_dir)?;
        let jurisdictions: Vec<&Jurisdiction> = curated.jurisdictions().values().collect();
        store.sync_curated_jurisdictions(&jurisdictions)?;
        Ok(store)
    }

    /// The catalog of these parts, with the index caught up with the store.
    fn assemble(
        curated: Curated,
        store: SqliteStore,
        index: SearchIndex,
    ) -> Result<Catalog, CatalogError> {
        let catalog = Catalog {
            curated,
            store: Box::new(store),
            index,
        };
        let applied = catalog.catch_up_index()?;
        if applied > 0 {
            tracing::info!(applied, "applied contributed entries the index had missed");
        }
        Ok(catalog)
    }

    /// Applies to the index every stored change it has not recorded; returns how many.
    pub fn catch_up_index(&self) -> Result<usize, CatalogError> {
        let done = self.index.current_payload().store_revision;
        let changed = self.store.entries_changed_after(done)?;
        for contributed in &changed {
            self.apply_to_index(contributed)?;
        }
        Ok(changed.len())
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

    /// The search index.
    pub fn index(&self) -> &SearchIndex {
        &self.index
    }

    /// The store.
    pub fn store(&self) -> &dyn Store {
        self.store.as_ref()
    }

    /// An entry by id: curated first (read from its file), then contributed (retired ones
    /// included).
    pub fn entry(&self, id: &EntryId) -> Result<Option<CatalogEntry>, CatalogError> {
        let curated = self.curated.read_entry(id).map_err(|problems| {
            for problem in &problems {
                tracing::error!(%id, %problem, "a curated entry's file no longer reads");
            }
            CatalogError::CuratedUnreadable {
                id: id.clone(),
                problem: problems
                    .first()
                    .map(ToString::to_string)
                    .unwrap_or_default(),
            }
        })?;
        if let Some(entry) = curated {
            return Ok(Some(CatalogEntry {
                entry,
                retired: false,
                revision: None,
            }));
        }
        Ok(self.store.entry(id)?.map(|c| CatalogEntry {
            entry: c.entry,
            retired: c.retired,
            revision: Some(c.revision),
        }))
    }

    /// A jurisdiction by slug: curated first, then added through the app.
    pub fn jurisdiction(&self, slug: &str) -> Result<Option<Jurisdiction>, CatalogError> {
        if let Some(j) = self.curated.jurisdiction(slug) {
            return Ok(Some(j.clone()));
        }
        Ok(self.store.jurisdiction(slug)?)
    }

    /// Every contributed entry (for export).
    pub fn contributed_entries(&self) -> Result<Vec<ContributedEntry>, CatalogError> {
        Ok(self.store.entries()?)
    }

    /// An entry's revisions, oldest first (none for curated entries).
    pub fn revisions(&self, id: &EntryId) -> Result<Vec<RevisionInfo>, CatalogError> {
        Ok(self.store.revisions(id)?)
    }

    /// One revision of an entry.
    pub fn revision(&self, id: &EntryId, number: u32) -> Result<Option<Revision>, CatalogError> {
        Ok(self.store.revision(id, number)?)
    }

    /// Whether `user` may edit the entry `id` (contributed, of their jurisdiction or admin).
    pub fn may_edit(&self, user: &User, id: &EntryId) -> bool {
        !self.is_curated(id) && user.may_edit(&id.jurisdiction)
    }

    /// Checks input by every entry rule, including that related ids name live entries and
    /// not `id` itself (the entry being saved, when it exists).
    fn validate(
        &self,
        input: &EntryInput,
        id: Option<&EntryId>,
    ) -> Result<ValidEntry, CatalogError> {
        let valid = input
            .parse()
            .map_err(|problems| CatalogError::Invalid(problems.into()))?;
        let mut lookup_failed = None;
        let problems: FieldProblems = valid.meta.check_related(id, |related| {
            self.is_curated(related)
                || match self.store.entry(related) {
                    Ok(found) => found.is_some_and(|e| !e.retired),
                    Err(e) => {
                        lookup_failed = Some(e);
                        true
                    }
                }
        });
        if let Some(e) = lookup_failed {
            return Err(e.into());
        }
        if problems.is_empty() {
            Ok(valid)
        } else {
            Err(CatalogError::Invalid(problems.into()))
        }
    }

    /// Creates a contributed entry in the user's jurisdiction (admins may name another).
    pub fn create(
        &self,
        user: &User,
        input: &EntryInput,
        message: &str,
    ) -> Result<ContributedEntry, CatalogError> {
        if let Some(named) = &input.jurisdiction
            && named.slug() != user.jurisdiction.as_str()
            && user.role != Role::Admin
        {
            return Err(CatalogError::Forbidden(format!(
                "you may only add entries for {}",
                user.jurisdiction
            )));
        }
        let valid = self.validate(input, None)?;
        let jurisdiction = valid
            .jurisdiction
            .clone()
            .unwrap_or_else(|| user.jurisdiction.clone());
        if self.jurisdiction(jurisdiction.as_str())?.is_none() {
            return Err(CatalogError::NotFound(format!(
                "no jurisdiction `{jurisdiction}`"
            )));
        }
        let id = EntryId::new(jurisdiction, valid.slug.clone());
        if self.is_curated(&id) {
            return Err(CatalogError::Conflict(format!(
                "the id {id} is taken by a curated entry"
            )));
        }
        self.write(user, &id, RevisionAction::Create, &valid, message)
    }

    /// Saves a new revision of a contributed entry.
    pub fn update(
        &self,
        user: &User,
        id: &EntryId,
        input: &EntryInput,
        message: &str,
    ) -> Result<ContributedEntry, CatalogError> {
        self.check_writable(user, id)?;
        let mut valid = self.validate(input, Some(id))?;
        // The id is the address: an edit cannot move the entry.
        valid.slug = id.slug.clone();
        self.write(user, id, RevisionAction::Edit, &valid, message)
    }

    /// Retires (hides) or restores an entry, keeping its history. Restoring needs an admin.
    pub fn set_retired(
        &self,
        user: &User,
        id: &EntryId,
        retired: bool,
        message: &str,
    ) -> Result<ContributedEntry, CatalogError> {
        let current = self.check_writable(user, id)?;
        if !retired && user.role != Role::Admin {
            return Err(CatalogError::Forbidden(
                "only an admin can restore a retired entry".into(),
            ));
        }
        let valid = ValidEntry {
            slug: id.slug.clone(),
            jurisdiction: None,
            meta: current.entry.meta.clone(),
            body_markdown: current.entry.body_markdown.clone(),
        };
        let action = if retired {
            RevisionAction::Retire
        } else {
            RevisionAction::Restore
        };
        self.write(user, id, action, &valid, message)
    }

    fn check_writable(&self, user: &User, id: &EntryId) -> Result<ContributedEntry, CatalogError> {
        if self.is_curated(id) {
            return Err(CatalogError::Forbidden(
                "curated entries are read-only here: they change through the playbook repository"
                    .into(),
            ));
        }
        let current = self
            .store
            .entry(id)?
            .ok_or_else(|| CatalogError::NotFound(format!("no entry {id}")))?;
        if !user.may_edit(&id.jurisdiction) {
            return Err(CatalogError::Forbidden(format!(
                "you may only change entries of {}",
                user.jurisdiction
            )));
        }
        Ok(current)
    }

    fn write(
        &self,
        user: &User,
        id: &EntryId,
        action: RevisionAction,
        valid: &ValidEntry,
        message: &str,
    ) -> Result<ContributedEntry, CatalogError> {
        let message = message.trim();
        let message = if message.is_empty() {
            action.as_str()
        } else {
            message
        };
        let saved = self.store.save_revision(NewRevision {
            id,
            action,
            meta: &valid.meta,
            body_markdown: &valid.body_markdown,
            author: Some(user.id),
            message,
        })?;
        // The store has it durably; if the index fails now, start-up catches up.
        if let Err(e) = self.apply_to_index(&saved) {
            tracing::error!(error = %e, %id, "the index could not follow a saved entry; it will on restart");
        }
        Ok(saved)
    }
}
