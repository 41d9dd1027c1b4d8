//! The index's life on disk: opened as it is when it was built from the playbook's contents
//! with the current schema, else rebuilt beside the live generation and published atomically
//! (see `storage`); then updated in place, each commit recording how far the store has been
//! applied. Searching is elsewhere (`searching`, `related`, `suggest`).

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use tantivy::indexer::NoMergePolicy;
use tantivy::{Index, IndexWriter, ReloadPolicy, Term};

use super::analyzer::{PLAIN, STEMMED, indexing_analyzer, plain_analyzer, stemmed_analyzer};
use super::document::IndexedEntry;
use super::facet_count::FacetTables;
use super::index::{IndexError, SearchIndex};
use super::question::QuestionSearch;
use super::schema::{PlaybookFields, SCHEMA_VERSION};
use super::snippet::WordTerms;
use super::storage::{CommitPayload, IndexLocation};
use super::suggest::SuggestTables;
use super::synonyms::AnalyzedSynonyms;
use crate::playbook::{EntryId, Playbook, Synonyms};

/// Memory for the writer that serves updates.
const UPDATE_WRITER_BYTES: usize = 30_000_000;
/// Memory per thread for a full build.
const BUILD_WRITER_BYTES_PER_THREAD: usize = 60_000_000;

/// Whether opening reused the index on disk or built a new one, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OpenOutcome {
    /// The index on disk matched the playbook and schema.
    Reused,
    /// A new index was built; the reason says why.
    Built(String),
}

impl SearchIndex {
    /// Opens the index under `data_dir`, rebuilding it unless it matches `playbook`.
    pub fn open(
        data_dir: &Path,
        playbook: &Playbook,
    ) -> Result<(SearchIndex, OpenOutcome), IndexError> {
        let location = IndexLocation::new(data_dir);
        let reason = match location.current() {
            None => "no index yet".to_owned(),
            Some(path) => match Self::open_generation(&path, &playbook.synonyms) {
                Ok(index)
                    if index.current_payload().playbook_fingerprint == playbook.fingerprint =>
                {
                    location.remove_stale();
                    return Ok((index, OpenOutcome::Reused));
                }
                Ok(_) => "the playbook changed".to_owned(),
                Err(OpenGenerationError::Stale(why)) => why,
                Err(OpenGenerationError::Failed(e)) => {
                    format!("the index could not be opened ({e})")
                }
            },
        };
        let index = Self::rebuild(data_dir, playbook)?;
        Ok((index, OpenOutcome::Built(reason)))
    }

    /// Opens the live index only if it can serve as it is: it exists and reads, has the
    /// current schema and was built from playbook contents with `fingerprint` (and these
    /// `synonyms`, which the fingerprint covers). None whenever `open` would rebuild; it never
    /// builds, so the caller can load the playbook then.
    pub fn open_current(
        data_dir: &Path,
        fingerprint: &str,
        synonyms: &Synonyms,
    ) -> Result<Option<SearchIndex>, IndexError> {
        let location = IndexLocation::new(data_dir);
        let Some(path) = location.current() else {
            return Ok(None);
        };
        match Self::open_generation(&path, synonyms) {
            Ok(index) if index.current_payload().playbook_fingerprint == fingerprint => {
                location.remove_stale();
                Ok(Some(index))
            }
            Ok(_) | Err(_) => Ok(None),
        }
    }

    /// Builds a new index of `playbook` beside the live one, then publishes it.
    pub fn rebuild(data_dir: &Path, playbook: &Playbook) -> Result<SearchIndex, IndexError> {
        let location = IndexLocation::new(data_dir);
        let path = location.new_generation().map_err(|source| IndexError::Io {
            path: data_dir.to_owned(),
            source,
        })?;
        let (schema, fields) = PlaybookFields::build();
        let index = Index::create_in_dir(&path, schema)?;
        let synonyms = register_analyzers(&index, &playbook.synonyms);
        let threads = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .clamp(1, 4);
        let mut writer: IndexWriter =
            index.writer_with_num_threads(threads, threads * BUILD_WRITER_BYTES_PER_THREAD)?;
        // No merging along the way: one merge into a single segment at the end (below).
        writer.set_merge_policy(Box::new(NoMergePolicy));
        for entry in playbook.entries.values() {
            let jurisdiction = playbook
                .jurisdictions
                .get(entry.jurisdiction())
                .ok_or_else(|| IndexError::MissingJurisdiction(entry.id.clone()))?;
            writer.add_document(IndexedEntry::new(entry, jurisdiction).to_document(&fields))?;
        }
        let payload = CommitPayload::fresh(&playbook.fingerprint);
        let mut commit = writer.prepare_commit()?;
        commit.set_payload(&payload.to_json());
        commit.commit()?;
        // One segment: each segment costs every query a walk of its term dictionaries (typo
        // matching) and a pass of each scorer; merging keeps the commit's payload.
        let segments = index.searchable_segment_ids()?;
        if segments.len() > 1 {
            writer.merge(&segments).wait()?;
        }
        writer.wait_merging_threads()?;
        publish(&location, &path)?;
        Self::from_index(index, fields, payload, synonyms, path)
    }

    /// Opens one generation of the index, with the analyzers for `synonyms`.
    fn open_generation(
        path: &Path,
        synonyms: &Synonyms,
    ) -> Result<SearchIndex, OpenGenerationError> {
        let index = Index::open_in_dir(path).map_err(OpenGenerationError::Failed)?;
        let payload = index
            .load_metas()
            .ok()
            .and_then(|metas| CommitPayload::parse(metas.payload.as_deref()))
            .ok_or_else(|| {
                OpenGenerationError::Stale("the index has no readable commit record".into())
            })?;
        if payload.schema_version != SCHEMA_VERSION {
            return Err(OpenGenerationError::Stale(format!(
                "the schema changed (version {} on disk, {SCHEMA_VERSION} now)",
                payload.schema_version
            )));
        }
        let fields =
            PlaybookFields::from_schema(&index.schema()).map_err(OpenGenerationError::Failed)?;
        let synonyms = register_analyzers(&index, synonyms);
        Self::from_index(index, fields, payload, synonyms, path.to_owned())
            .map_err(|e| OpenGenerationError::Stale(e.to_string()))
    }

    fn from_index(
        index: Index,
        fields: PlaybookFields,
        payload: CommitPayload,
        synonyms: AnalyzedSynonyms,
        path: PathBuf,
    ) -> Result<SearchIndex, IndexError> {
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(SearchIndex {
            index,
            fields,
            reader,
            writer: Mutex::new(None),
            payload: Mutex::new(payload),
            synonyms,
            stemmed: stemmed_analyzer(),
            plain: plain_analyzer(),
            word_terms: WordTerms::default(),
            facet_tables: FacetTables::default(),
            suggest_tables: SuggestTables::default(),
            path,
            question: QuestionSearch::default(),
        })
    }

    /// Adds or replaces an entry and commits; it is searchable when this returns.
    pub fn upsert(
        &self,
        entry: &IndexedEntry,
        store_revision: Option<u64>,
    ) -> Result<(), IndexError> {
        self.write(store_revision, |writer, fields| {
            writer.delete_term(Term::from_field_text(fields.id, &entry.id.to_string()));
            writer.add_document(entry.to_document(fields))?;
            Ok(())
        })
    }

    /// Removes an entry and commits.
    pub fn remove(&self, id: &EntryId, store_revision: Option<u64>) -> Result<(), IndexError> {
        self.write(store_revision, |writer, fields| {
            writer.delete_term(Term::from_field_text(fields.id, &id.to_string()));
            Ok(())
        })
    }

    fn write(
        &self,
        store_revision: Option<u64>,
        change: impl FnOnce(&mut IndexWriter, &PlaybookFields) -> Result<(), IndexError>,
    ) -> Result<(), IndexError> {
        let mut guard = self.writer.lock().unwrap_or_else(|e| e.into_inner());
        let writer = match guard.as_mut() {
            Some(writer) => writer,
            None => guard.insert(self.index.writer_with_num_threads(1, UPDATE_WRITER_BYTES)?),
        };
        if let Err(e) = change(writer, &self.fields) {
            writer.rollback()?;
            return Err(e);
        }
        let mut payload = self.current_payload();
        if let Some(revision) = store_revision {
            payload.store_revision = payload.store_revision.max(revision);
        }
        let mut commit = writer.prepare_commit()?;
        commit.set_payload(&payload.to_json());
        commit.commit()?;
        *self.payload.lock().unwrap_or_else(|e| e.into_inner()) = payload;
        self.reader.reload()?;
        Ok(())
    }
}

enum OpenGenerationError {
    /// The index is readable but must be rebuilt.
    Stale(String),
    /// The index could not be read at all.
    Failed(tantivy::TantivyError),
}

/// Makes the generation at `path` the live one, then deletes the others.
fn publish(location: &IndexLocation, path: &Path) -> Result<(), IndexError> {
    location.publish(path).map_err(|source| IndexError::Io {
        path: path.to_owned(),
        source,
    })?;
    location.remove_stale();
    Ok(())
}

/// Registers the analyzers the index is built with, its synonym phrases indexed as single
/// terms too (see `joined_phrases`); returns the synonyms analyzed, for queries.
fn register_analyzers(index: &Index, synonyms: &Synonyms) -> AnalyzedSynonyms {
    let synonyms = AnalyzedSynonyms::new(synonyms, &mut stemmed_analyzer(), &mut plain_analyzer());
    let phrases = synonyms.joined_phrases().clone();
    index
        .tokenizers()
        .register(STEMMED, indexing_analyzer(phrases));
    index.tokenizers().register(PLAIN, plain_analyzer());
    synonyms
}
