//! `SearchIndex`: opens or builds the index, answers searches, applies updates.
//!
//! One writer per process (created on the first write, so read-only processes never take
//! the lock), one long-lived reader reloaded after every commit, a fresh searcher per query.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use tantivy::collector::{Count, TopDocs};
use tantivy::indexer::NoMergePolicy;
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{
    DocAddress, Index, IndexReader, IndexWriter, Order, ReloadPolicy, TantivyDocument, Term,
};

use super::all_words_first::ALL_WORDS_BONUS;
use super::analyzer::{PLAIN, STEMMED, indexing_analyzer, plain_analyzer, stemmed_analyzer};
use super::document::{IndexedEntry, StoredEntry};
use super::facet_count::FacetCounter;
use super::query_builder::{QueryBuilder, QueryMode};
use super::query_text::QueryText;
use super::request::{
    Facets, Hit, MAX_LIMIT, MAX_OFFSET, SearchError, SearchRequest, SearchResults, Sort,
};
use super::schema::{DATE_SORT_FIELD, PlaybookFields, SCHEMA_VERSION, UPDATED_SORT_FIELD};
use super::snippet::{PassageFinder, WordTerms, plain_passage};
use super::storage::{CommitPayload, IndexLocation};
use super::synonyms::AnalyzedSynonyms;
use crate::playbook::{EntryId, Kind, Playbook};

/// Memory for the writer that serves updates.
const UPDATE_WRITER_BYTES: usize = 30_000_000;
/// Memory per thread for a full build.
const BUILD_WRITER_BYTES_PER_THREAD: usize = 60_000_000;

/// Why the index could not be opened, built or updated.
#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    /// Tantivy failed.
    #[error("index error: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
    /// The file system failed.
    #[error("index storage error at {path}: {source}")]
    Io {
        /// Where.
        path: PathBuf,
        /// What happened.
        source: std::io::Error,
    },
    /// An entry names a jurisdiction the index does not know.
    #[error("entry {0} has no jurisdiction")]
    MissingJurisdiction(EntryId),
}

/// Whether opening reused the index on disk or built a new one, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OpenOutcome {
    /// The index on disk matched the playbook and schema.
    Reused,
    /// A new index was built; the reason says why.
    Built(String),
}

/// The playbook's search index.
pub struct SearchIndex {
    pub(super) index: Index,
    pub(super) fields: PlaybookFields,
    pub(super) reader: IndexReader,
    writer: Mutex<Option<IndexWriter>>,
    payload: Mutex<CommitPayload>,
    synonyms: AnalyzedSynonyms,
    stemmed: TextAnalyzer,
    /// Snippets' memo of each word's stemmed term.
    word_terms: WordTerms,
    pub(super) plain: TextAnalyzer,
    path: PathBuf,
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
            Some(path) => match Self::open_generation(&path, playbook) {
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
    /// current schema and was built from playbook contents with `fingerprint`. None whenever
    /// `open` would rebuild; it never builds, so the caller can load the playbook then.
    pub fn open_current(
        data_dir: &Path,
        fingerprint: &str,
        synonyms: &crate::playbook::Synonyms,
    ) -> Result<Option<SearchIndex>, IndexError> {
        let location = IndexLocation::new(data_dir);
        let Some(path) = location.current() else {
            return Ok(None);
        };
        // Opening a generation reads only the synonyms of the playbook it is given.
        let playbook = Playbook {
            synonyms: synonyms.clone(),
            ..Playbook::default()
        };
        match Self::open_generation(&path, &playbook) {
            Ok(index) if index.current_payload().playbook_fingerprint == fingerprint => {
                location.remove_stale();
                Ok(Some(index))
            }
            Ok(_) | Err(_) => Ok(None),
        }
    }

    /// Builds a new index of `playbook` beside the live one, then swaps it in.
    pub fn rebuild(data_dir: &Path, playbook: &Playbook) -> Result<SearchIndex, IndexError> {
        let location = IndexLocation::new(data_dir);
        let path = location.new_generation().map_err(|source| IndexError::Io {
            path: data_dir.to_owned(),
            source,
        })?;
        let (schema, fields) = PlaybookFields::build();
        let index = Index::create_in_dir(&path, schema)?;
        register_analyzer(&index, playbook);
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
        location.publish(&path).map_err(|source| IndexError::Io {
            path: path.clone(),
            source,
        })?;
        location.remove_stale();
        Self::from_index(index, fields, payload, playbook, path)
    }

    fn open_generation(
        path: &Path,
        playbook: &Playbook,
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
        register_analyzer(&index, playbook);
        Self::from_index(index, fields, payload, playbook, path.to_owned())
            .map_err(|e| OpenGenerationError::Stale(e.to_string()))
    }

    fn from_index(
        index: Index,
        fields: PlaybookFields,
        payload: CommitPayload,
        playbook: &Playbook,
        path: PathBuf,
    ) -> Result<SearchIndex, IndexError> {
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let mut stemmed = stemmed_analyzer();
        let synonyms = AnalyzedSynonyms::new(&playbook.synonyms, &mut stemmed);
        Ok(SearchIndex {
            index,
            fields,
            reader,
            writer: Mutex::new(None),
            payload: Mutex::new(payload),
            synonyms,
            stemmed,
            word_terms: WordTerms::default(),
            plain: plain_analyzer(),
            path,
        })
    }

    /// The folder of the live index generation.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// How many entries are searchable.
    pub fn num_entries(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// What the last commit recorded.
    pub fn current_payload(&self) -> CommitPayload {
        self.payload
            .lock()
            .map(|p| p.clone())
            .unwrap_or_else(|e| e.into_inner().clone())
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

    /// Which reader generation searches see; it changes with every applied write.
    pub fn generation(&self) -> u64 {
        self.reader.searcher().generation().generation_id()
    }

    /// Reads ahead what the first search and suggestion after start-up or a write would
    /// otherwise read while a user waits: each new segment's facet table and the suggestion
    /// tables. Cheap when nothing changed. Blocking: call it off the async threads.
    pub fn warm(&self) -> Result<(), SearchError> {
        let searcher = self.reader.searcher();
        for segment in searcher.segment_readers() {
            FacetCounter::warm(segment)?;
        }
        self.suggest("")?;
        Ok(())
    }

    /// Runs a search. Blocking: call it off the async threads.
    pub fn search(&self, request: &SearchRequest) -> Result<SearchResults, SearchError> {
        if request.limit == 0 || request.limit > MAX_LIMIT {
            return Err(SearchError::BadParameter(format!(
                "limit must be between 1 and {MAX_LIMIT}"
            )));
        }
        if request.offset > MAX_OFFSET {
            return Err(SearchError::BadParameter(format!(
                "offset must be at most {MAX_OFFSET}"
            )));
        }
        let text = QueryText::parse(&request.query)?;
        let searcher = self.reader.searcher();
        let mut builder = QueryBuilder {
            fields: &self.fields,
            synonyms: &self.synonyms,
            stemmed: self.stemmed.clone(),
            plain: self.plain.clone(),
            searcher: &searcher,
        };
        let built = builder.build(&text, request)?;
        let facet_collector = FacetCounter;
        let page = TopDocs::with_limit(request.limit).and_offset(request.offset);
        let sort_field = match request.sort {
            Sort::Updated => Some(UPDATED_SORT_FIELD),
            Sort::Date => Some(DATE_SORT_FIELD),
            Sort::Relevance if built.mode == QueryMode::Browse => Some(DATE_SORT_FIELD),
            Sort::Relevance => None,
        };
        let (ranked, total, facets): (Vec<(f32, DocAddress)>, usize, Facets) =
            if let Some(field) = sort_field {
                let top = page.order_by_fast_field::<i64>(field, Order::Desc);
                let (docs, total, facets) =
                    searcher.search(&*built.query, &(top, Count, facet_collector))?;
                (
                    docs.into_iter()
                        .map(|(_, address)| (0.0, address))
                        .collect(),
                    total,
                    facets,
                )
            } else {
                let top = page.order_by_score();
                searcher.search(&*built.query, &(top, Count, facet_collector))?
            };
        let mut passages =
            PassageFinder::new(self.stemmed.clone(), &built.highlighter, &self.word_terms);
        let mut hits = Vec::with_capacity(ranked.len());
        for (score, address) in ranked {
            let doc: TantivyDocument = searcher.doc(address)?;
            let stored = StoredEntry::new(&doc, &self.fields);
            let f = &self.fields;
            let summary = stored.text(f.summary);
            let snippet = passages
                .best_passage(stored.text(f.body))
                .or_else(|| passages.best_passage(summary))
                .unwrap_or_else(|| plain_passage(summary));
            hits.push(Hit {
                id: stored.text(f.id).to_owned(),
                title: stored.text(f.title).to_owned(),
                jurisdiction: stored.jurisdiction(),
                kind: Kind::parse(stored.text(f.kind)).unwrap_or(Kind::Guidance),
                topics: stored.texts(f.topic),
                summary: summary.to_owned(),
                date: stored.date(),
                status: crate::playbook::Status::parse(stored.text(f.status)),
                updated: stored.updated(),
                snippet,
                score: if score >= ALL_WORDS_BONUS {
                    score - ALL_WORDS_BONUS
                } else {
                    score
                },
            });
        }
        Ok(SearchResults {
            query: request.query.clone(),
            total,
            offset: request.offset,
            limit: request.limit,
            hits,
            facets,
        })
    }
}

enum OpenGenerationError {
    /// The index is readable but must be rebuilt.
    Stale(String),
    /// The index could not be read at all.
    Failed(tantivy::TantivyError),
}

/// Registers the analyzers the index is built with; its synonym phrases are indexed as
/// single terms too (see `joined_phrases`).
fn register_analyzer(index: &Index, playbook: &Playbook) {
    let synonyms = AnalyzedSynonyms::new(&playbook.synonyms, &mut stemmed_analyzer());
    let phrases = synonyms.joined_phrases().clone();
    index
        .tokenizers()
        .register(STEMMED, indexing_analyzer(phrases));
    index.tokenizers().register(PLAIN, plain_analyzer());
}
