//! The search engine: a Tantivy index of the playbook behind a small API shared by the web
//! layer and the command line.

mod all_words_first;
pub mod analyzer;
pub mod document;
pub mod facet_count;
pub mod filter;
pub mod forward_only;
pub mod highlight;
pub mod index;
pub mod joined_phrases;
mod lifecycle;
pub mod query_builder;
pub mod query_text;
pub mod related;
pub mod request;
pub mod schema;
mod searching;
pub mod snippet;
pub mod stem_cache;
pub mod storage;
pub mod suggest;
pub mod synonyms;
pub mod typo;

pub use document::{IndexedEntry, JurisdictionRef};
pub use facet_count::FacetNames;
pub use filter::{ByFilter, Filter, FilterValues};
pub use index::{IndexError, SearchIndex};
pub use lifecycle::OpenOutcome;
pub use request::{Facets, Hit, SearchError, SearchRequest, SearchResults, Sort};
pub use snippet::Snippet;
