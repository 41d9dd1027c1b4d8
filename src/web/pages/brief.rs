//! `/brief?ids=…`: a brief as a page, to read, print or pass on: a cover (title, date,
//! "prepared for", an introduction when saved), the contents, then each entry with its facts,
//! its author's note, summary, body and its sources' quotes as numbered citations. A brief in
//! an address has links that reorder and remove entries and, for signed-in staff, a form that
//! saves it; a saved brief (`pages::saved_briefs`) is shown by the same page.

use std::sync::Arc;

use askama::Template;
use axum::extract::{RawQuery, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};

use super::render;
use crate::playbook::EntryId;
use crate::store::StoredBrief;
use crate::web::assets::Layout;
use crate::web::auth::{MaybeSession, Viewer};
use crate::web::brief::{self, Brief, BriefRequest, Citation, TEMPLATE_MARK};
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
    note: Vec<String>,
    summary: String,
    is_template: bool,
    is_checklist: bool,
    body_html: Arc<str>,
    citations: Vec<Citation>,
    /// Links that reorder the brief in its address (none for a saved brief).
    move_up: Option<String>,
    move_down: Option<String>,
    remove: Option<String>,
}

/// The cover form of a brief in an address: its title and reader, sent back as a GET.
struct CoverForm {
    ids: String,
    title: String,
    prepared_for: String,
}

/// The form that saves a brief in an address, for signed-in staff.
struct SaveForm {
    csrf_token: String,
    ids: String,
    title: String,
    prepared_for: String,
}

/// What a saved brief's page says of it.
struct SavedNotice {
    /// Who may open it, in words.
    shared_with: &'static str,
    /// Its edit page, for its owner.
    edit_href: Option<String>,
}

#[derive(Template)]
#[template(path = "brief.html")]
struct BriefPage {
    layout: Layout,
    title: String,
    date: String,
    date_iso: String,
    prepared_for: Option<String>,
    intro: Vec<String>,
    entries: Vec<BriefEntryView>,
    template_mark: &'static str,
    cover_form: Option<CoverForm>,
    save_form: Option<SaveForm>,
    saved: Option<SavedNotice>,
    markdown_href: String,
    docx_href: String,
    side_by_side_href: Option<String>,
}

/// Where a brief shown on the page comes from.
pub enum Origin<'a> {
    /// Its address (`/brief?ids=…`); a signed-in viewer's CSRF token, to offer saving it.
    Address {
        request: &'a BriefRequest,
        csrf_token: Option<String>,
    },
    /// The store; whether its viewer owns it.
    Saved {
        stored: &'a StoredBrief,
        is_owner: bool,
    },
}

/// `GET /brief?ids=&title=&for=`
pub async fn brief(
    State(state): State<AppState>,
    Viewer(viewer): Viewer,
    MaybeSession(session): MaybeSession,
    RawQuery(raw): RawQuery,
) -> Result<Response, PageError> {
    let request = BriefRequest::parse(raw.as_deref())?;
    let made = brief::load(&state, viewer, request.clone()).await?;
    let origin = Origin::Address {
        request: &request,
        csrf_token: session.map(|s| s.csrf_token),
    };
    brief_page(&state, made, origin).await
}

/// The page of `made`, with the tools its origin allows.
pub async fn brief_page(
    state: &AppState,
    made: Brief,
    origin: Origin<'_>,
) -> Result<Response, PageError> {
    let ids: Vec<EntryId> = made.entries.iter().map(|e| e.id.clone()).collect();
    let joined_ids = ids
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(",");
    let reorder = |order: Vec<EntryId>| match &origin {
        Origin::Address { request, .. } => Some(if order.is_empty() {
            paths::SEARCH.to_owned()
        } else {
            paths::brief(&order, &request.title, &request.prepared_for)
        }),
        Origin::Saved { .. } => None,
    };
    let mut entries = Vec::with_capacity(made.entries.len());
    for (i, entry) in made.entries.iter().enumerate() {
        let anchor = format!("entry-{}", entry.number);
        let body_html = state
            .html_within(entry.body_markdown.clone(), format!("{anchor}-"))
            .await?;
        let swapped = |a: usize, b: usize| {
            let mut order = ids.clone();
            order.swap(a, b);
            reorder(order)
        };
        let mut without = ids.clone();
        without.remove(i);
        entries.push(BriefEntryView {
            anchor,
            number: entry.number,
            title: entry.title.clone(),
            href: paths::entry(&entry.id),
            facts: entry.facts(),
            note: entry.note.clone(),
            summary: entry.summary.clone(),
            is_template: entry.is_template,
            is_checklist: entry.is_checklist,
            body_html,
            citations: entry.citations.clone(),
            move_up: if i > 0 { swapped(i, i - 1) } else { None },
            move_down: if i + 1 < ids.len() {
                swapped(i, i + 1)
            } else {
                None
            },
            remove: reorder(without),
        });
    }
    let (cover_form, save_form, saved, markdown_href, docx_href) = match origin {
        Origin::Address {
            request,
            csrf_token,
        } => (
            Some(CoverForm {
                ids: joined_ids.clone(),
                title: request.title.clone(),
                prepared_for: request.prepared_for.clone(),
            }),
            csrf_token.map(|csrf_token| SaveForm {
                csrf_token,
                ids: joined_ids.clone(),
                title: request.title.clone(),
                prepared_for: request.prepared_for.clone(),
            }),
            None,
            paths::brief_markdown(&ids, &request.title, &request.prepared_for),
            paths::brief_docx(&ids, &request.title, &request.prepared_for),
        ),
        Origin::Saved { stored, is_owner } => (
            None,
            None,
            Some(SavedNotice {
                shared_with: stored.content.sharing.words(),
                edit_href: is_owner.then(|| paths::saved_brief_edit(&stored.id)),
            }),
            paths::saved_brief_markdown(&stored.id),
            paths::saved_brief_docx(&stored.id),
        ),
    };
    let carries_csrf = save_form.is_some();
    let html: Html<String> = render(&BriefPage {
        layout: Layout::new(made.title.clone()),
        date: made.date_words(),
        date_iso: made.date.to_string(),
        prepared_for: made.prepared_for.clone(),
        intro: made.intro.clone(),
        title: made.title,
        entries,
        template_mark: TEMPLATE_MARK,
        cover_form,
        save_form,
        saved,
        markdown_href,
        docx_href,
        side_by_side_href: (2..=MAX_SIDE_BY_SIDE)
            .contains(&ids.len())
            .then(|| paths::compare_entries(&ids)),
    })?;
    if carries_csrf {
        return Ok(([(header::CACHE_CONTROL, "no-store")], html).into_response());
    }
    Ok(html.into_response())
}
