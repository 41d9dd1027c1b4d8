//! `GET /api/search`: the same search as the page, as JSON.

use std::time::{Duration, Instant};

use axum::Json;
use axum::extract::{RawQuery, State};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{self, ObjectBuilder};
use utoipa::{PartialSchema, ToSchema};

use super::openapi::SearchQuery;

use crate::playbook::{Kind, Status};
use crate::search::{
    ByFilter, Facets, Filter, Hit, JurisdictionRef, Matched, SearchMode, SearchResults, Snippet,
};
use crate::web::auth::Viewer;
use crate::web::error::{ApiError, ErrorBody};
use crate::web::params::SearchParams;
use crate::web::paths;
use crate::web::search_notes::search_notes;
use crate::web::state::AppState;

/// The JSON a search answers with (also what `playbook search --json` prints): the results
/// and how long the engine took.
#[derive(Debug, Serialize, ToSchema)]
pub struct SearchResponse {
    /// The query text searched for.
    pub query: String,
    /// How many entries match in all.
    pub total: usize,
    /// Results skipped before this page.
    pub offset: usize,
    /// Page size asked for.
    pub limit: usize,
    /// This page's results.
    pub hits: Vec<HitJson>,
    /// Counts over every match, per filter and value: the `MAX_FACET_VALUES` most frequent
    /// values of each filter.
    #[schema(value_type = FacetCounts)]
    pub facets: Facets,
    /// Per filter, how many more values matched than `facets` lists; only when some were
    /// left out.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<FacetsLeftOut>)]
    pub facets_more: Option<ByFilter<usize>>,
    /// Milliseconds spent searching.
    pub took_ms: f64,
    /// Whether meaning took part (`hybrid`) or words alone did (`lexical`: asked for, a query
    /// of only filters, phrases or exclusions, or the vectors are still being built). Only
    /// when question search is on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mode: Option<SearchMode>,
    /// What to say beside the results, one sentence each; empty when nothing: query words no
    /// entry holds (the results are the other words'), and filter values no entry has (a kind
    /// that does not exist, a jurisdiction the playbook does not know, a topic no entry has).
    /// Such values are not errors: they match nothing.
    pub warnings: Vec<String>,
}

/// One result as JSON.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Hit)]
pub struct HitJson {
    /// `jurisdiction/slug`.
    pub id: String,
    /// The entry's page, as a path on this server (`/entries/minneapolis-mn/…`): relative,
    /// to join to the address the API was called at.
    pub url: String,
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
    pub updated: Option<DateTime<Utc>>,
    /// HTML: the best passage, escaped, with matched words in `<mark>`.
    pub snippet: String,
    /// Relevance score (0 when browsing; the fused score, 0 to 1, in hybrid mode).
    pub score: f32,
    /// Whether it matched by its words, by meaning (a passage close to the question; the
    /// snippet is that passage), or both. Only when question search is on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub matched: Option<Matched>,
}

impl HitJson {
    /// A hit as JSON; `matched` is said when question search is on.
    fn new(hit: Hit, question_search: bool) -> Self {
        let matched = question_search.then_some(hit.matched);
        HitJson {
            matched,
            url: paths::entry(&hit.id),
            id: hit.id,
            title: hit.title,
            jurisdiction: hit.jurisdiction,
            kind: hit.kind,
            topics: hit.topics,
            summary: hit.summary,
            date: hit.date,
            status: hit.status,
            updated: hit.updated,
            snippet: snippet_html(&hit.snippet),
            score: hit.score,
        }
    }
}

/// A snippet as the API's HTML: the text escaped, each matched word in `<mark>`.
pub fn snippet_html(snippet: &Snippet) -> String {
    let mut html = String::with_capacity(snippet.text().len() + 13 * snippet.marks().len() + 16);
    for (text, marked) in snippet.parts() {
        if marked {
            html.push_str("<mark>");
            push_escaped(text, &mut html);
            html.push_str("</mark>");
        } else {
            push_escaped(text, &mut html);
        }
    }
    html
}

/// Appends `text` HTML-escaped.
fn push_escaped(text: &str, html: &mut String) {
    for c in text.chars() {
        match c {
            '<' => html.push_str("&lt;"),
            '>' => html.push_str("&gt;"),
            '&' => html.push_str("&amp;"),
            '"' => html.push_str("&quot;"),
            '\'' => html.push_str("&#x27;"),
            _ => html.push(c),
        }
    }
}

impl SearchResponse {
    /// Results with their timing and warnings (`search_notes`).
    pub fn new(results: SearchResults, took: Duration, warnings: Vec<String>) -> Self {
        let (facets, facets_more) = most_frequent(results.facets);
        SearchResponse {
            query: results.query,
            total: results.total,
            offset: results.offset,
            limit: results.limit,
            hits: results
                .hits
                .into_iter()
                .map(|hit| HitJson::new(hit, results.mode.is_some()))
                .collect(),
            facets,
            facets_more,
            took_ms: (took.as_secs_f64() * 1000.0 * 1000.0).round() / 1000.0,
            warnings,
            mode: results.mode,
        }
    }
}

/// Counts of the matching entries per value, for each filter (`jurisdiction`, `kind`,
/// `topic`): the facets of a search.
pub struct FacetCounts;

impl PartialSchema for FacetCounts {
    fn schema() -> RefOr<schema::Schema> {
        let counts = || {
            ObjectBuilder::new()
                .description(Some("Matching entries per value."))
                .additional_properties(Some(
                    ObjectBuilder::new()
                        .schema_type(schema::Type::Integer)
                        .minimum(Some(0)),
                ))
        };
        let mut object = ObjectBuilder::new().description(Some(
            "Counts over every match (not just this page), per filter and value.",
        ));
        for filter in Filter::ALL {
            object = object
                .property(filter.as_str(), counts())
                .required(filter.as_str());
        }
        object.into()
    }
}

impl ToSchema for FacetCounts {}

/// The most values of one filter a search response lists; `facets_more` counts the rest. A
/// contributor who adds thousands of topics must not make every response that large.
pub const MAX_FACET_VALUES: usize = 100;

/// Per filter, how many matching values `facets` leaves out.
pub struct FacetsLeftOut;

impl PartialSchema for FacetsLeftOut {
    fn schema() -> RefOr<schema::Schema> {
        let mut object = ObjectBuilder::new().description(Some(
            "Per filter, how many more values matched than `facets` lists (it lists the most frequent).",
        ));
        for filter in Filter::ALL {
            let count = ObjectBuilder::new()
                .schema_type(schema::Type::Integer)
                .minimum(Some(0));
            object = object
                .property(filter.as_str(), count)
                .required(filter.as_str());
        }
        object.into()
    }
}

impl ToSchema for FacetsLeftOut {}

/// Keeps the `MAX_FACET_VALUES` most frequent values of each filter (ties by value); the
/// counts of what was left out.
fn most_frequent(mut facets: Facets) -> (Facets, Option<ByFilter<usize>>) {
    let mut left_out = ByFilter::<usize>::default();
    for filter in Filter::ALL {
        let counts = &mut facets[filter];
        if counts.len() <= MAX_FACET_VALUES {
            continue;
        }
        let mut ranked: Vec<(String, u64)> = std::mem::take(counts).into_iter().collect();
        ranked.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        left_out[filter] = ranked.len() - MAX_FACET_VALUES;
        ranked.truncate(MAX_FACET_VALUES);
        *counts = ranked.into_iter().collect();
    }
    let any_left_out = Filter::ALL.into_iter().any(|f| left_out[f] > 0);
    (facets, any_left_out.then_some(left_out))
}

/// `GET /api/search?q=&jurisdiction=&kind=&topic=&sort=&limit=&offset=`
#[utoipa::path(
    get,
    path = "/api/search",
    operation_id = "search",
    tag = "search",
    summary = "Search entries",
    params(SearchQuery),
    responses(
        (status = 200, description = "A page of results.", body = SearchResponse),
        (status = 400, description = "A parameter or the query is malformed or out of range.", body = ErrorBody),
        (status = 500, description = "A failure on the server.", body = ErrorBody),
    )
)]
pub async fn search(
    State(state): State<AppState>,
    viewer: Viewer,
    RawQuery(raw): RawQuery,
) -> Result<Json<SearchResponse>, ApiError> {
    let started = Instant::now();
    let request = SearchParams::parse(raw.as_deref())?
        .api_request()?
        .for_reader(viewer.reader());
    let results = state.search(request).await?;
    let warnings = search_notes(&state, &results).await?;
    Ok(Json(SearchResponse::new(
        results,
        started.elapsed(),
        warnings,
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippets_are_escaped_inside_and_around_marks() {
        let text = "a <b> & \"q\" 'x' <guard&co> end".to_owned();
        let mark = text.find("<guard").expect("mark");
        let snippet = Snippet::new(text, vec![0..1, mark..mark + 10]);
        assert_eq!(
            snippet_html(&snippet),
            "<mark>a</mark> &lt;b&gt; &amp; &quot;q&quot; &#x27;x&#x27; \
             <mark>&lt;guard&amp;co&gt;</mark> end"
        );
    }

    #[test]
    fn a_snippet_without_marks_is_its_escaped_text() {
        let snippet = Snippet::new("…Tom & Jerry…".into(), Vec::new());
        assert_eq!(snippet_html(&snippet), "…Tom &amp; Jerry…");
        assert_eq!(snippet_html(&Snippet::default()), "");
    }
}
