//! `/jurisdictions/{slug}`, `/kinds/{kind}`, `/topics/{topic}`: every entry of one value.

use std::sync::Arc;

use askama::Template;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, RawQuery, State};
use axum::response::Html;

use super::{HitView, Pagination, kind_label, render};
use crate::playbook::Reader;
use crate::playbook::{Kind, Slug};
use crate::search::{Filter, MAX_OFFSET, SearchRequest};
use crate::web::assets::Layout;
use crate::web::auth::Viewer;
use crate::web::error::{AppError, PageError};
use crate::web::params::SearchParams;
use crate::web::paths;
use crate::web::state::AppState;

/// Entries per listing page.
const PER_PAGE: usize = 20;

#[derive(Template)]
#[template(path = "listing.html")]
struct ListingPage {
    layout: Layout,
    heading: String,
    eyebrow: &'static str,
    description_html: Option<Arc<str>>,
    total: usize,
    hits: Vec<HitView>,
    pagination: Pagination,
    search_href: String,
}

fn not_found(what: &str) -> PageError {
    AppError::NotFound(format!("There is no {what} at this address.")).into()
}

/// Every entry with one value of a filter.
struct Listing {
    heading: String,
    description_html: Option<Arc<str>>,
    filter: Filter,
    value: String,
}

async fn list(
    state: AppState,
    reader: Reader,
    listing: Listing,
    raw: Option<String>,
) -> Result<Html<String>, PageError> {
    let page = SearchParams::parse(raw.as_deref())?.page_number()?;
    let offset = (page - 1) * PER_PAGE;
    if offset > MAX_OFFSET {
        return Err(AppError::BadRequest("that page is too far".into()).into());
    }
    let (filter, value) = (listing.filter, listing.value.as_str());
    let search = SearchParams::default().toggled(filter, value);
    let results = state
        .search(SearchRequest {
            filters: search.filters.clone(),
            limit: PER_PAGE,
            offset,
            reader,
            ..SearchRequest::default()
        })
        .await?;
    // The eyebrow over the heading names the filter: "jurisdiction", "kind" or "topic".
    let eyebrow = filter.as_str();
    if results.total == 0 && listing.description_html.is_none() {
        return Err(not_found(eyebrow));
    }
    render(&ListingPage {
        layout: Layout::new(listing.heading.clone()),
        heading: listing.heading,
        eyebrow,
        description_html: listing.description_html,
        total: results.total,
        hits: results
            .hits
            .into_iter()
            .map(|hit| HitView::new(hit, state.catalog.curated().topic_labels()))
            .collect(),
        pagination: Pagination::new(page, PER_PAGE, results.total, |p| {
            paths::listing_page(filter, value, p)
        }),
        search_href: paths::search(&search),
    })
}

/// `GET /jurisdictions/{slug}`
pub async fn jurisdiction(
    State(state): State<AppState>,
    viewer: Viewer,
    path: Result<Path<String>, PathRejection>,
    RawQuery(raw): RawQuery,
) -> Result<Html<String>, PageError> {
    let Path(slug) = path?;
    let lookup = slug.clone();
    // A contributing jurisdiction is in the store: read off the async threads.
    let jurisdiction = state
        .with_catalog(move |catalog| catalog.jurisdiction(&lookup))
        .await?
        .ok_or_else(|| not_found("jurisdiction"))?;
    let listing = Listing {
        heading: jurisdiction.display_name(),
        description_html: Some(state.html_of(jurisdiction.body_markdown).await?),
        filter: Filter::Jurisdiction,
        value: slug,
    };
    list(state, viewer.reader(), listing, raw).await
}

/// `GET /kinds/{kind}`
pub async fn kind(
    State(state): State<AppState>,
    viewer: Viewer,
    path: Result<Path<String>, PathRejection>,
    RawQuery(raw): RawQuery,
) -> Result<Html<String>, PageError> {
    let Path(kind) = path?;
    let kind = Kind::parse(&kind).ok_or_else(|| not_found("kind"))?;
    let listing = Listing {
        heading: kind_label(kind.as_str()),
        description_html: None,
        filter: Filter::Kind,
        value: kind.as_str().to_owned(),
    };
    list(state, viewer.reader(), listing, raw).await
}

/// `GET /topics/{topic}`
pub async fn topic(
    State(state): State<AppState>,
    viewer: Viewer,
    path: Result<Path<String>, PathRejection>,
    RawQuery(raw): RawQuery,
) -> Result<Html<String>, PageError> {
    let Path(topic) = path?;
    let topic = Slug::parse(&topic).map_err(|_| not_found("topic"))?;
    let listing = Listing {
        heading: state.catalog.curated().topic_labels().label(topic.as_str()),
        description_html: None,
        filter: Filter::Topic,
        value: topic.to_string(),
    };
    list(state, viewer.reader(), listing, raw).await
}
