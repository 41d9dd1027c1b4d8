//! `/`: the search box first, then ways to browse and the newest entries.

use askama::Template;
use axum::extract::State;
use axum::response::Html;

use super::{FacetGroup, FacetLinks, HitView, ValueLabels, facet_groups, render};
use crate::search::SearchRequest;
use crate::web::assets::Layout;
use crate::web::auth::Viewer;
use crate::web::error::PageError;
use crate::web::state::AppState;

/// Browse links per group on the home page.
const BROWSE_LINKS: usize = 30;

/// How many of the newest entries the home page lists.
const NEWEST: usize = 6;

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    layout: Layout,
    total: usize,
    browse: Vec<FacetGroup>,
    newest: Vec<HitView>,
}

/// `GET /`
pub async fn home(
    State(state): State<AppState>,
    viewer: Viewer,
) -> Result<Html<String>, PageError> {
    let results = state
        .search(SearchRequest {
            limit: NEWEST,
            reader: viewer.reader(),
            ..SearchRequest::default()
        })
        .await?;
    let topic_labels = state.catalog.curated().topic_labels();
    let browse = facet_groups(
        &results.facets,
        ValueLabels {
            names: &results.facet_names,
            topics: topic_labels,
        },
        BROWSE_LINKS,
        FacetLinks::Listings,
    );
    render(&HomePage {
        layout: Layout::new("Search the playbook").without_header_search(),
        total: results.total,
        browse,
        newest: results
            .hits
            .into_iter()
            .map(|hit| HitView::new(hit, topic_labels))
            .collect(),
    })
}
