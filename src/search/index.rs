//! `SearchIndex`: one index of the playbook and everything searching it keeps in memory.
//!
//! Opening, rebuilding and updating it is `lifecycle`; searching it is `searching`, `related`
//! and `suggest`. One writer per process (created on the first write, so read-only processes
//! never take the lock), one long-lived reader reloaded after every commit, a fresh searcher
//! per query. What is decoded once per segment for speed (facet tables, suggestion tables) is
//! owned here, so it lives and dies with the index.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use tantivy::tokenizer::TextAnalyzer;
use tantivy::{Index, IndexReader, IndexWriter};

use super::facet_count::FacetTables;
use super::question::QuestionSearch;
use super::schema::PlaybookFields;
use super::snippet::WordTerms;
use super::storage::CommitPayload;
use super::suggest::SuggestTables;
use super::synonyms::AnalyzedSynonyms;
use crate::playbook::EntryId;

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

/// The playbook's search index.
pub struct SearchIndex {
    pub(super) index: Index,
    pub(super) fields: PlaybookFields,
    pub(super) reader: IndexReader,
    /// The writer, once something was written.
    pub(super) writer: Mutex<Option<IndexWriter>>,
    /// What the last commit recorded.
    pub(super) payload: Mutex<CommitPayload>,
    pub(super) synonyms: AnalyzedSynonyms,
    /// Analysis as indexed (stemmed).
    pub(super) stemmed: TextAnalyzer,
    /// Analysis as typed (not stemmed).
    pub(super) plain: TextAnalyzer,
    /// Snippets' memo of each word's stemmed term.
    pub(super) word_terms: WordTerms,
    /// Each segment's facet tables, for facet counts.
    pub(super) facet_tables: FacetTables,
    /// The title-word tables suggestions are answered from.
    pub(super) suggest_tables: SuggestTables,
    /// The folder of the live generation.
    pub(super) path: PathBuf,
    /// The model and passage vectors of question search, once turned on.
    pub(super) question: QuestionSearch,
}

impl SearchIndex {
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

    /// Which reader generation searches see; it changes with every applied write.
    pub fn generation(&self) -> u64 {
        self.reader.searcher().generation().generation_id()
    }
}
