//! What a search asks for, what it returns, and how it can fail.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Serialize;

use super::document::JurisdictionRef;
use super::facet_count::FacetNames;
use super::filter::{ByFilter, Filter, FilterValues};
use super::snippet::Snippet;
use crate::playbook::{Access, Kind, Reader, Status};

/// The longest query accepted, in characters.
pub const MAX_QUERY_CHARS: usize = 512;
/// Results per page unless asked otherwise.
pub const DEFAULT_LIMIT: usize = 10;
/// The most results one page may ask for.
pub const MAX_LIMIT: usize = 100;
/// The furthest a page may start.
pub const MAX_OFFSET: usize = 10_000;
/// The most values of one filter a request may carry.
pub const MAX_FILTER_VALUES: usize = 20;

/// How results are ordered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Sort {
    /// Best match first (newest first for an empty query).
    #[default]
    Relevance,
    /// Newest first.
    Date,
    /// Most recently changed first.
    Updated,
}

impl Sort {
    /// Every order, the default first.
    pub const ALL: [Sort; 3] = [Sort::Relevance, Sort::Date, Sort::Updated];

    /// The order's name as the `sort` parameter writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Sort::Relevance => "relevance",
            Sort::Date => "date",
            Sort::Updated => "updated",
        }
    }

    /// Parses a `sort` parameter: `relevance` (or nothing), `date` or `updated`.
    pub fn parse(text: &str) -> Result<Sort, SearchError> {
        if text.is_empty() {
            return Ok(Sort::default());
        }
        Sort::ALL
            .into_iter()
            .find(|sort| sort.as_str() == text)
            .ok_or_else(|| {
                SearchError::BadParameter(format!(
                    "unknown sort `{}`: use relevance, date or updated",
                    text.escape_debug()
                ))
            })
    }
}

/// Whether a search also matches by meaning (question search, when a model is loaded and its
/// vectors are built) or by words only.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum SearchMode {
    /// Words and meaning fused (words only when question search is off or not ready, and for
    /// queries of only filters, phrases or exclusions).
    #[default]
    Hybrid,
    /// Words only, as before question search.
    Lexical,
}

impl SearchMode {
    /// The mode's name as the `mode` parameter writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            SearchMode::Hybrid => "hybrid",
            SearchMode::Lexical => "lexical",
        }
    }

    /// Parses a `mode` parameter: `hybrid` (or nothing) or `lexical`.
    pub fn parse(text: &str) -> Result<SearchMode, SearchError> {
        match text {
            "" | "hybrid" => Ok(SearchMode::Hybrid),
            "lexical" => Ok(SearchMode::Lexical),
            other => Err(SearchError::BadParameter(format!(
                "unknown mode `{}`: use hybrid or lexical",
                other.escape_debug()
            ))),
        }
    }
}

/// How a hit matched the query.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Matched {
    /// By its words (or their synonyms and typos).
    #[default]
    Words,
    /// By meaning only: a passage close to the question, sharing no query word.
    Meaning,
    /// By words and by meaning.
    Both,
}

/// A search: query text, filters, order and page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchRequest {
    /// What the person typed (may be empty: browse).
    pub query: String,
    /// The values of each filter (any of a filter's values).
    pub filters: FilterValues,
    /// Order.
    pub sort: Sort,
    /// Results per page, 1 to `MAX_LIMIT`.
    pub limit: usize,
    /// Results to skip, at most `MAX_OFFSET`.
    pub offset: usize,
    /// Who is searching: the search matches, counts and suggests only what they may read.
    pub reader: Reader,
    /// Whether it may also match by meaning.
    pub mode: SearchMode,
}

impl Default for SearchRequest {
    fn default() -> Self {
        SearchRequest {
            query: String::new(),
            filters: FilterValues::default(),
            sort: Sort::Relevance,
            limit: DEFAULT_LIMIT,
            offset: 0,
            reader: Reader::Anonymous,
            mode: SearchMode::Hybrid,
        }
    }
}

impl SearchRequest {
    /// A first page of results for `query`.
    pub fn query(query: impl Into<String>) -> Self {
        SearchRequest {
            query: query.into(),
            ..SearchRequest::default()
        }
    }

    /// This request, for `reader`.
    pub fn for_reader(mut self, reader: Reader) -> Self {
        self.reader = reader;
        self
    }

    /// This request, also filtered by `values` of `filter`.
    pub fn with_filter<V: Into<String>>(
        mut self,
        filter: Filter,
        values: impl IntoIterator<Item = V>,
    ) -> Self {
        self.filters[filter].extend(values.into_iter().map(Into::into));
        self
    }
}

/// One result.
#[derive(Debug, Clone)]
pub struct Hit {
    /// `jurisdiction/slug`.
    pub id: String,
    /// Title.
    pub title: String,
    /// The entry's jurisdiction.
    pub jurisdiction: JurisdictionRef,
    /// Kind slug.
    pub kind: Kind,
    /// Topic slugs.
    pub topics: Vec<String>,
    /// Summary.
    pub summary: String,
    /// Date, if any.
    pub date: Option<NaiveDate>,
    /// Status, if any.
    pub status: Option<Status>,
    /// When it last changed, if known.
    pub updated: Option<chrono::DateTime<chrono::Utc>>,
    /// Who may read it.
    pub access: Access,
    /// The passage that best shows why it matched, with the matched words marked.
    pub snippet: Snippet,
    /// Relevance score (0 when browsing).
    pub score: f32,
    /// Whether it matched by words, by meaning or both.
    pub matched: Matched,
}

/// Counts of results per value, for each filter: `facets[Filter::Kind]["checklist"]`.
pub type Facets = ByFilter<BTreeMap<String, u64>>;

/// A page of results.
#[derive(Debug, Clone, Default)]
pub struct SearchResults {
    /// The query text searched for.
    pub query: String,
    /// How many entries match in all.
    pub total: usize,
    /// Results skipped before this page.
    pub offset: usize,
    /// Page size asked for.
    pub limit: usize,
    /// This page's results.
    pub hits: Vec<Hit>,
    /// Counts over every match, not just this page.
    pub facets: Facets,
    /// What pages show for facet values instead of the value (jurisdictions' display names).
    pub facet_names: FacetNames,
    /// The filter values asked for (as parameters or in the query text) that no entry has:
    /// well formed, so not an error, but worth saying, since they are why nothing matched.
    pub unmatched_filters: Vec<(Filter, String)>,
    /// Words of a query of several that no entry holds (even with a typo or as a synonym),
    /// as typed: the results are the other words'.
    pub unmatched_words: Vec<String>,
    /// What the search used (`Hybrid` only when meaning took part); None when question
    /// search is off (no model), so results read exactly as they did before it.
    pub mode: Option<SearchMode>,
}

/// Why a search failed.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// The query text is over the length limit.
    #[error("the query is too long: at most {max} characters")]
    QueryTooLong {
        /// The limit.
        max: usize,
    },
    /// Only exclusions: there is nothing to look for.
    #[error("the query only excludes words: add at least one word to search for")]
    OnlyExclusions,
    /// A parameter or filter is out of range or unknown.
    #[error("{0}")]
    BadParameter(String),
    /// The index could not be read.
    #[error("search index failure: {0}")]
    Index(#[from] tantivy::TantivyError),
}

impl SearchError {
    /// Whether the request was at fault (a 400), rather than the index (a 500).
    pub fn is_bad_request(&self) -> bool {
        !matches!(self, SearchError::Index(_))
    }
}
