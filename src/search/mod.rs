//! The search engine: a Tantivy index of the playbook behind a small API shared by the web
//! layer and the command line.
//!
//! Everything callers use is re-exported here; the modules behind it are private:
//! - the index and its life on disk: `SearchIndex` (`open`, `open_current`, `rebuild`,
//!   `upsert`, `remove`), `OpenOutcome`, `IndexError`, `CommitPayload`, `IndexedEntry`;
//! - searching: `SearchRequest` (filtered by `Filter`), `SearchResults` with `Hit`s, their
//!   `Snippet`s, `Facets` and `FacetNames`, `SearchError`, and the limits;
//! - question search (`enable_question_search`, `build_vectors`, `VectorBuild`): entries
//!   found by meaning too, fused with the word ranking (`SearchMode`, `Matched`);
//! - related entries (`RelatedEntry`), entries citing a declared source (`CitingPage`) and
//!   suggestions as you type (`Suggestion`).

mod all_words_first;
mod analyzer;
mod audience;
mod citing;
mod doc_list;
mod document;
mod facet_count;
mod filter;
mod forward_only;
mod fusion;
mod highlight;
mod index;
mod joined_phrases;
mod lifecycle;
mod query_builder;
mod query_text;
mod question;
mod related;
mod request;
mod schema;
mod searching;
mod snippet;
mod stem_cache;
mod storage;
mod suggest;
mod synonyms;
mod typo;

pub use analyzer::is_stop_word;
pub use citing::{CitingEntry, CitingPage};
pub use document::{IndexedEntry, JurisdictionRef};
pub use facet_count::FacetNames;
pub use filter::{ByFilter, Filter, FilterValues};
pub use index::{IndexError, SearchIndex};
pub use lifecycle::OpenOutcome;
pub use question::{
    BUILD_BATCH, GRAPH_FROM, MEANING_ENTRIES, SIMILARITY_FLOOR, VectorBuild, VectorError,
};
pub use related::RelatedEntry;
pub use request::{
    DEFAULT_LIMIT, Facets, Hit, MAX_FILTER_VALUES, MAX_LIMIT, MAX_OFFSET, MAX_QUERY_CHARS, Matched,
    SearchError, SearchMode, SearchRequest, SearchResults, Sort,
};
pub use snippet::Snippet;
pub use storage::CommitPayload;
pub use suggest::{MAX_SUGGESTIONS, Suggestion};

/// Registers on a tantivy `index` opened apart from `SearchIndex` the analyzer its text fields
/// are searched with, so that tantivy's own `QueryParser` can query them: for measuring what
/// tantivy alone costs on the same index (the benchmarks' floor).
pub fn register_query_analyzer(index: &tantivy::Index) {
    index
        .tokenizers()
        .register(analyzer::STEMMED, analyzer::stemmed_analyzer());
}
