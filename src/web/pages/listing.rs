//! `/jurisdictions/{slug}`, `/kinds/{kind}`, `/topics/{topic}`: every entry of one value.

use askama::Template;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, RawQuery, State};
use axum::response::Html;

use super::{HitView, Pagination, kind_label, render, topic_label};
use crate::playbook::markdown::render_html;
use crate::playbook::{Kind, Slug};
use crate::search::{Filter, SearchRequest};
use crate::web::assets::Layout;
use crate::web::error::{AppError, PageError};
use crate::web::params::SearchParams;
use crate::web::state::AppState;

/// Entries per listing page.
const PER_PAGE: usize = 20;

#[derive(Template)]
#[template(path = "listing.html")]
struct ListingPage {
    layout: Layout,
    heading: String,
    eyebrow: &'static str,
    description_html: Option<String>,
    total: usize,
    hits: Vec<HitView>,
    pagination: Pagination,
    search_href: String,
}

fn not_found(what: &str) -> PageError {
    AppError::NotFound(format!("There is no {what} at this address.")).into()
}

struct Listing {
    heading: String,
    eyebrow: &'static str,
    description_html: Option<String>,
    base_path: String,
    filter: SearchParams,
}

async fn list(
    state: AppState,
    listing: Listing,
    raw: Option<String>,
) -> Result<Html<String>, PageError> {
    let page = SearchParams::parse(raw.as_deref())?.page_number()?;
    let offset = (page - 1) * PER_PAGE;
    if offset > crate::search::request::MAX_OFFSET {
        return Err(AppError::BadRequest("that page is too far".into()).into());
    }
    let results = state
        .search(SearchRequest {
            filters: listing.filter.filters.clone(),
            limit: PER_PAGE,
            offset,
            ..SearchRequest::default()
        })
        .await?;
    if results.total == 0 && listing.description_html.is_none() {
        return Err(not_found(listing.eyebrow));
    }
    let base = listing.base_path.clone();
    render(&ListingPage {
        layout: Layout::new(listing.heading.clone()),
        heading: listing.heading,
        eyebrow: listing.eyebrow,
        description_html: listing.description_html,
        total: results.total,
        hits: results.hits.iter().map(HitView::new).collect(),
        pagination: Pagination::new(page, PER_PAGE, results.total, |p| {
            format!("{base}?page={p}")
        }),
        search_href: listing.filter.search_href(),
    })
}

/// `GET /jurisdictions/{slug}`
pub async fn jurisdiction(
    State(state): State<AppState>,
    path: Result<Path<String>, PathRejection>,
    RawQuery(raw): RawQuery,
) -> Result<Html<String>, PageError> {
    let Path(slug) = path?;
    let jurisdiction = state
        .catalog
        .jurisdiction(&slug)?
        .ok_or_else(|| not_found("jurisdiction"))?;
    let listing = Listing {
        heading: jurisdiction.display_name(),
        eyebrow: "jurisdiction",
        description_html: Some(render_html(&jurisdiction.body_markdown)),
        base_path: format!("/jurisdictions/{slug}"),
        filter: SearchParams::default().toggled(Filter::Jurisdiction, &slug),
    };
    list(state, listing, raw).await
}

/// `GET /kinds/{kind}`
pub async fn kind(
    State(state): State<AppState>,
    path: Result<Path<String>, PathRejection>,
    RawQuery(raw): RawQuery,
) -> Result<Html<String>, PageError> {
    let Path(kind) = path?;
    let kind = Kind::parse(&kind).ok_or_else(|| not_found("kind"))?;
    let listing = Listing {
        heading: kind_label(kind.as_str()),
        eyebrow: "kind",
        description_html: None,
        base_path: format!("/kinds/{kind}"),
        filter: SearchParams::default().toggled(Filter::Kind, kind.as_str()),
    };
    list(state, listing, raw).await
}

/// `GET /topics/{topic}`
pub async fn topic(
    State(state): State<AppState>,
    path: Result<Path<String>, PathRejection>,
    RawQuery(raw): RawQuery,
) -> Result<Html<String>, PageError> {
    let Path(topic) = path?;
    let topic = Slug::parse(&topic).map_err(|_| not_found("topic"))?;
    let listing = Listing {
        heading: topic_label(topic.as_str()),
        eyebrow: "topic",
        description_html: None,
        base_path: format!("/topics/{topic}"),
        filter: SearchParams::default().toggled(Filter::Topic, topic.as_str()),
    };
    list(state, listing, raw).await
}
