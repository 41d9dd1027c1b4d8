//! Searching an index directly (no web layer): an index of a playbook in a temp data dir, and
//! short ways to run a request and read the ids it finds.

use city_playbook::playbook::Playbook;
use city_playbook::search::{SearchError, SearchIndex, SearchRequest, SearchResults};
use tempfile::TempDir;

/// An index of `playbook` in a fresh temp data dir (kept alive by the returned `TempDir`).
pub fn index_of(playbook: &Playbook) -> (TempDir, SearchIndex) {
    let data = TempDir::new().expect("temp data dir");
    let (index, _) = SearchIndex::open(data.path(), playbook).expect("index opens");
    (data, index)
}

/// Runs a request that must succeed.
pub fn run(index: &SearchIndex, request: &SearchRequest) -> SearchResults {
    index
        .search(request)
        .unwrap_or_else(|e| panic!("search {:?} failed: {e}", request.query))
}

/// Searches for `query` (first page) and returns the result ids in order.
pub fn ids(index: &SearchIndex, query: &str) -> Vec<String> {
    hit_ids(&run(index, &SearchRequest::query(query)))
}

/// The ids of a page of results, in order.
pub fn hit_ids(results: &SearchResults) -> Vec<String> {
    results.hits.iter().map(|h| h.id.clone()).collect()
}

/// The error a request must fail with.
pub fn search_error(index: &SearchIndex, request: &SearchRequest) -> SearchError {
    match index.search(request) {
        Ok(results) => panic!(
            "search {:?} should fail, got {:?}",
            request.query,
            hit_ids(&results)
        ),
        Err(e) => e,
    }
}

/// A request with the given query and every other field at its default.
pub fn request(query: &str) -> SearchRequest {
    SearchRequest::query(query)
}
