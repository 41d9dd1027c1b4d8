//! `/sources/{id}`: a declared source, and every live entry citing it with its quotes, each
//! with its state and, when the source's text is stored and may be shown, within a few
//! sentences of that text.

use std::sync::Arc;

use askama::Template;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, RawQuery, State};
use axum::response::Html;
use chrono::NaiveDate;

use super::{Pagination, VerificationView, render};
use crate::catalog::{QuoteInContext, SourceView};
use crate::search::MAX_OFFSET;
use crate::web::assets::Layout;
use crate::web::auth::Viewer;
use crate::web::error::{AppError, PageError};
use crate::web::params::SearchParams;
use crate::web::paths;
use crate::web::state::AppState;

/// Entries per page of a source's page.
const PER_PAGE: usize = 20;

/// A quote as the page shows it.
struct QuoteItem {
    quote: String,
    verification: VerificationView,
    context: Option<QuoteInContext>,
}

/// An entry citing the source, with its quotes.
struct CitingItem {
    href: String,
    title: String,
    quotes: Vec<QuoteItem>,
}

#[derive(Template)]
#[template(path = "source.html")]
struct SourcePage {
    layout: Layout,
    title: String,
    kind: &'static str,
    publisher: Option<String>,
    published: Option<NaiveDate>,
    url: Option<String>,
    description_html: Arc<str>,
    /// What is stored of the source's text here, and so what the quotes below were checked
    /// against, in plain words.
    text_note: &'static str,
    total: usize,
    entries: Vec<CitingItem>,
    pagination: Pagination,
}

/// What the page says about the source's stored text.
fn text_note(view: &SourceView) -> &'static str {
    match (view.has_text, view.source.text_may_be_shown) {
        (true, true) => {
            "Its text is stored here: every quote below was checked word for word against it, and is shown in the sentences around it."
        }
        (true, false) => {
            "Its text is stored here and every quote below was checked word for word against it. The text itself is not shown: the source's declaration does not allow it."
        }
        (false, _) => {
            "Its text is not stored here, so the quotes below have not been checked against it."
        }
    }
}

/// `GET /sources/{id}`
pub async fn source(
    State(state): State<AppState>,
    Viewer(viewer): Viewer,
    path: Result<Path<String>, PathRejection>,
    RawQuery(raw): RawQuery,
) -> Result<Html<String>, PageError> {
    let Path(id) = path?;
    let page = SearchParams::parse(raw.as_deref())?.page_number()?;
    let offset = (page - 1) * PER_PAGE;
    if offset > MAX_OFFSET {
        return Err(AppError::BadRequest("that page is too far".into()).into());
    }
    let view = state
        .with_catalog(move |catalog| catalog.source_view(viewer.as_ref(), &id, offset, PER_PAGE))
        .await?;
    let description_html = state
        .html_of(view.source.description_markdown.clone())
        .await?;
    let text_note = text_note(&view);
    let source = view.source;
    let details = source.details;
    let title = details.title;
    let entries = view
        .citing
        .into_iter()
        .map(|citing| CitingItem {
            href: paths::entry(&citing.id),
            title: citing.title,
            quotes: citing
                .quotes
                .into_iter()
                .map(|quote| QuoteItem {
                    verification: VerificationView::new(quote.verification, &title),
                    quote: quote.quote,
                    context: quote.context,
                })
                .collect(),
        })
        .collect();
    let id = source.id;
    render(&SourcePage {
        layout: Layout::new(title.clone()),
        kind: source.kind.label(),
        publisher: details.publisher,
        published: details.date,
        url: details.url,
        description_html,
        text_note,
        total: view.total,
        entries,
        pagination: Pagination::new(page, PER_PAGE, view.total, |p| paths::source_page(&id, p)),
        title,
    })
}
