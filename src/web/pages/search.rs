//! `/search`: results with snippets, facet filters, active filters, sorting and pages.

use askama::Template;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

use super::{FacetGroup, FacetLinks, HitView, Link, Pagination, ValueLabels, facet_groups, render};
use crate::search::{Filter, SearchResults, Sort};
use crate::web::assets::Layout;
use crate::web::auth::Viewer;
use crate::web::error::{AppError, PageError};
use crate::web::matrix::CompareBy;
use crate::web::params::SearchParams;
use crate::web::paths;
use crate::web::search_notes::search_notes;
use crate::web::state::AppState;

/// Results per page.
pub const PER_PAGE: usize = 10;
/// Filter links per group in the sidebar.
const FACET_LINKS: usize = 12;

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage {
    layout: Layout,
    q: String,
    total: usize,
    first_shown: usize,
    last_shown: usize,
    hits: Vec<HitView>,
    facets: Vec<FacetGroup>,
    active_filters: Vec<Link>,
    clear_filters: Option<String>,
    sort_links: Vec<Link>,
    pagination: Pagination,
    browse: Vec<Link>,
    /// Filter values asked for that no entry has, one sentence each.
    notes: Vec<String>,
    /// Why the query could not be searched (a malformed filter, only exclusions, …): shown
    /// beside the box, the query kept in it.
    problem: Option<String>,
    /// The brief being collected (`brief=`), if any.
    brief: Option<BriefTray>,
    /// Its ids, carried by the search box into the next search ("" when none).
    carried_brief: String,
    /// These results as a comparison matrix.
    compare_href: String,
}

/// The brief being collected from search results, carried in the page's links.
struct BriefTray {
    /// How many entries it holds.
    count: usize,
    /// The brief itself.
    href: String,
    /// This search without it.
    clear_href: String,
}

/// `GET /search?q=&jurisdiction=&kind=&topic=&sort=&page=`. A query that cannot be searched
/// (400) still gets the results page, with the query in the box and the reason beside it.
pub async fn search(
    State(state): State<AppState>,
    viewer: Viewer,
    RawQuery(raw): RawQuery,
) -> Result<Response, PageError> {
    let params = SearchParams::parse(raw.as_deref())?;
    let searched = match (params.page_request(PER_PAGE), params.page_number()) {
        (Ok(request), Ok(page)) => {
            let offset = request.offset;
            state
                .search(request.for_reader(viewer.reader()))
                .await
                .map(|results| (results, offset, page))
        }
        (Err(e), _) | (_, Err(e)) => Err(e),
    };
    match searched {
        Ok((results, offset, page)) => {
            let notes = search_notes(&state, &results).await?;
            let html = results_page(&state, &params, results, offset, page, notes, None).await?;
            Ok(html.into_response())
        }
        Err(AppError::BadRequest(problem)) => {
            let html = results_page(
                &state,
                &params,
                SearchResults::default(),
                0,
                1,
                Vec::new(),
                Some(problem),
            )
            .await?;
            Ok((StatusCode::BAD_REQUEST, html).into_response())
        }
        Err(other) => Err(other.into()),
    }
}

/// The results page for `results` (page `page`, starting at `offset`).
async fn results_page(
    state: &AppState,
    params: &SearchParams,
    results: SearchResults,
    offset: usize,
    page: usize,
    notes: Vec<String>,
    problem: Option<String>,
) -> Result<Html<String>, PageError> {
    let topic_labels = state.catalog.curated().topic_labels();
    let labels = ValueLabels {
        names: &results.facet_names,
        topics: topic_labels,
    };
    let facets = facet_groups(
        &results.facets,
        labels,
        FACET_LINKS,
        FacetLinks::Toggles(params),
    );
    // A jurisdiction no entry of the index holds (a city's, before its first entry) has no
    // name among the search's: those few are looked up in the catalog, off the async threads.
    let unnamed: Vec<String> = params.filters[Filter::Jurisdiction]
        .iter()
        .filter(|value| {
            results
                .facet_names
                .get(Filter::Jurisdiction, value)
                .is_none()
        })
        .cloned()
        .collect();
    let looked_up = if unnamed.is_empty() {
        Vec::new()
    } else {
        state
            .with_catalog(move |catalog| {
                let mut found = Vec::new();
                for slug in unnamed {
                    if let Some(jurisdiction) = catalog.jurisdiction(&slug)? {
                        found.push((slug, jurisdiction.display_name()));
                    }
                }
                Ok(found)
            })
            .await?
    };
    let mut active_filters = Vec::new();
    for (filter, values) in params.filters.iter() {
        for value in values {
            active_filters.push(Link {
                href: paths::search(&params.toggled(filter, value)),
                label: format!(
                    "{}: {}",
                    filter.as_str(),
                    active_filter_label(&looked_up, labels, filter, value)
                ),
                count: None,
                active: true,
            });
        }
    }
    let clear_filters = (!active_filters.is_empty()).then(|| {
        paths::search(&SearchParams {
            q: params.q.clone(),
            ..SearchParams::default()
        })
    });
    let current_sort = Sort::parse(&params.sort).unwrap_or_default();
    let sort_links = Sort::ALL
        .into_iter()
        .map(|sort| Link {
            active: sort == current_sort,
            ..Link::new(
                paths::search(&params.sorted_by(sort.as_str())),
                sort_label(sort),
            )
        })
        .collect();
    let pagination = Pagination::new(page, PER_PAGE, results.total, |p| {
        paths::search(&params.on_page(p))
    });
    let browse = state
        .catalog
        .curated()
        .jurisdictions()
        .values()
        .map(|j| Link::new(paths::jurisdiction(&j.slug), j.display_name()))
        .collect();
    let title = if params.q.trim().is_empty() {
        "All entries".to_owned()
    } else {
        format!("Results for “{}”", params.q.trim())
    };
    let mut layout = Layout::new(title).without_header_search();
    layout.query = params.q.clone();
    render(&SearchPage {
        layout,
        q: params.q.clone(),
        total: results.total,
        first_shown: if results.hits.is_empty() {
            0
        } else {
            offset + 1
        },
        last_shown: offset + results.hits.len(),
        hits: results
            .hits
            .into_iter()
            .map(|hit| {
                let id = hit.id.clone();
                HitView::new(hit, topic_labels).collecting(params, &id)
            })
            .collect(),
        facets,
        active_filters,
        clear_filters,
        sort_links,
        pagination,
        browse,
        notes,
        problem,
        brief: brief_tray(params),
        carried_brief: params.brief_ids().join(","),
        compare_href: paths::compare(CompareBy::default(), params),
    })
}

/// The tray of the brief being collected, when one is.
fn brief_tray(params: &SearchParams) -> Option<BriefTray> {
    let ids = params.brief_ids();
    if ids.is_empty() {
        return None;
    }
    Some(BriefTray {
        count: ids.len(),
        href: paths::brief(&ids, "", ""),
        clear_href: paths::search(&SearchParams {
            brief: String::new(),
            ..params.clone()
        }),
    })
}

/// The words for an active filter's value: from the search's labels, else from the names
/// looked up in the catalog.
fn active_filter_label(
    looked_up: &[(String, String)],
    labels: ValueLabels<'_>,
    filter: Filter,
    value: &str,
) -> String {
    if filter == Filter::Jurisdiction
        && labels.names.get(filter, value).is_none()
        && let Some((_, name)) = looked_up.iter().find(|(slug, _)| slug == value)
    {
        return name.clone();
    }
    labels.label(filter, value)
}

/// What the sort bar calls an order.
fn sort_label(sort: Sort) -> &'static str {
    match sort {
        Sort::Relevance => "Best match",
        Sort::Date => "Newest",
        Sort::Updated => "Recently changed",
    }
}
