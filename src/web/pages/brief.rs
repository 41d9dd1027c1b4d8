//! `/brief?ids=…`: a brief as a page, to read, print or pass on: a cover (title, date,
//! "prepared for"), the contents, then each entry with its facts, summary, body and its
//! sources' quotes as numbered citations. Links reorder and remove entries, and lead to the
//! same brief as Markdown and as a Word document.

use std::sync::Arc;

use askama::Template;
use axum::extract::{RawQuery, State};
use axum::response::{Html, IntoResponse, Response};

use super::render;
use crate::playbook::EntryId;
use crate::web::assets::Layout;
use crate::web::auth::Viewer;
use crate::web::brief::{self, Citation, TEMPLATE_MARK};
use crate::web::entry_ids::MAX_SIDE_BY_SIDE;
use crate::web::error::PageError;
use crate::web::paths;
use crate::web::state::AppState;

/// One entry as the brief page shows it.
struct BriefEntryView {
    anchor: String,
    number: usize,
    title: String,
    href: String,
    facts: String,
    summary: String,
    is_template: bool,
    is_checklist: bool,
    body_html: Arc<str>,
    citations: Vec<Citation>,
    move_up: Option<String>,
    move_down: Option<String>,
    remove: String,
}

#[derive(Template)]
#[template(path = "brief.html")]
struct BriefPage {
    layout: Layout,
    title: String,
    date: String,
    date_iso: String,
    prepared_for: Option<String>,
    entries: Vec<BriefEntryView>,
    template_mark: &'static str,
    /// The ids as the form sends them back.
    ids: String,
    cover_title: String,
    cover_for: String,
    markdown_href: String,
    docx_href: String,
    side_by_side_href: Option<String>,
}

/// `GET /brief?ids=&title=&for=`
pub async fn brief(
    State(state): State<AppState>,
    Viewer(viewer): Viewer,
    RawQuery(raw): RawQuery,
) -> Result<Response, PageError> {
    let request = brief::BriefRequest::parse(raw.as_deref())?;
    let made = brief::load(&state, viewer, request.clone()).await?;
    let ids: Vec<EntryId> = request.ids.ids().to_vec();
    let (title, prepared_for) = (request.title.as_str(), request.prepared_for.as_str());
    let reordered = |order: Vec<EntryId>| paths::brief(&order, title, prepared_for);
    let mut entries = Vec::with_capacity(made.entries.len());
    for (i, entry) in made.entries.iter().enumerate() {
        let body_html = state.html_of(entry.body_markdown.clone()).await?;
        let swapped = |a: usize, b: usize| {
            let mut order = ids.clone();
            order.swap(a, b);
            reordered(order)
        };
        let mut without = ids.clone();
        without.remove(i);
        entries.push(BriefEntryView {
            anchor: format!("entry-{}", entry.number),
            number: entry.number,
            title: entry.title.clone(),
            href: paths::entry(&entry.id),
            facts: entry.facts(),
            summary: entry.summary.clone(),
            is_template: entry.is_template,
            is_checklist: entry.is_checklist,
            body_html,
            citations: entry.citations.clone(),
            move_up: (i > 0).then(|| swapped(i, i - 1)),
            move_down: (i + 1 < ids.len()).then(|| swapped(i, i + 1)),
            remove: if without.is_empty() {
                paths::SEARCH.to_owned()
            } else {
                reordered(without)
            },
        });
    }
    let html: Html<String> = render(&BriefPage {
        layout: Layout::new(made.title.clone()),
        date: made.date_words(),
        date_iso: made.date.to_string(),
        prepared_for: made.prepared_for.clone(),
        title: made.title,
        entries,
        template_mark: TEMPLATE_MARK,
        ids: ids
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(","),
        cover_title: request.title.clone(),
        cover_for: request.prepared_for.clone(),
        markdown_href: paths::brief_markdown(&ids, title, prepared_for),
        docx_href: paths::brief_docx(&ids, title, prepared_for),
        side_by_side_href: (2..=MAX_SIDE_BY_SIDE)
            .contains(&ids.len())
            .then(|| paths::compare_entries(&ids)),
    })?;
    Ok(html.into_response())
}
