//! `/entries/{jurisdiction}/{slug}/history`: every revision of a contributed entry, each one
//! viewable, with the changes from the revision before.

use std::sync::Arc;

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Html;

use super::diff::{Changes, DiffLine, changes};
use super::entry::parse_id;
use super::render;
use crate::playbook::EntryId;
use crate::playbook::write::entry_file;
use crate::store::RevisionInfo;
use crate::web::assets::Layout;
use crate::web::auth::MaybeSession;
use crate::web::error::{AppError, PageError};
use crate::web::paths;
use crate::web::state::AppState;

struct RevisionRow {
    number: u32,
    href: String,
    action: &'static str,
    author: String,
    when: String,
    message: String,
}

fn row(id: &EntryId, info: &RevisionInfo) -> RevisionRow {
    RevisionRow {
        number: info.number,
        href: paths::entry_revision(id, info.number),
        action: info.action.as_str(),
        author: info.author.clone().unwrap_or_else(|| "unknown".into()),
        when: info.created_at.format("%Y-%m-%d %H:%M UTC").to_string(),
        message: info.message.clone(),
    }
}

#[derive(Template)]
#[template(path = "history.html")]
struct HistoryPage {
    layout: Layout,
    title: String,
    entry_href: String,
    revisions: Vec<RevisionRow>,
}

/// `GET /entries/{jurisdiction}/{slug}/history`
pub async fn history(
    State(state): State<AppState>,
    MaybeSession(session): MaybeSession,
    Path((jurisdiction, slug)): Path<(String, String)>,
) -> Result<Html<String>, PageError> {
    let id = parse_id(&jurisdiction, &slug)?;
    let viewer = session.map(|s| s.user);
    let lookup = id.clone();
    let (found, revisions) = state
        .with_catalog(move |catalog| catalog.revisions_for(viewer.as_ref(), &lookup))
        .await?;
    render(&HistoryPage {
        layout: Layout::new(format!("History: {}", found.entry.meta.title())),
        title: found.entry.meta.title().to_owned(),
        entry_href: paths::entry(&id),
        revisions: revisions.iter().rev().map(|info| row(&id, info)).collect(),
    })
}

#[derive(Template)]
#[template(path = "revision.html")]
struct RevisionPage {
    layout: Layout,
    title: String,
    revision: RevisionRow,
    history_href: String,
    body_html: Arc<str>,
    summary: String,
    diff: Vec<DiffLine>,
    /// Said instead of the lines when the change is too large to compare.
    diff_too_large: Option<String>,
    previous: Option<u32>,
}

/// `GET /entries/{jurisdiction}/{slug}/history/{number}`
pub async fn revision(
    State(state): State<AppState>,
    MaybeSession(session): MaybeSession,
    Path((jurisdiction, slug, number)): Path<(String, String, String)>,
) -> Result<Html<String>, PageError> {
    let not_found = || AppError::NotFound("There is no such revision.".into());
    let number: u32 = number.parse().map_err(|_| not_found())?;
    let id = parse_id(&jurisdiction, &slug)?;
    let (lookup, viewer) = (id.clone(), session.map(|s| s.user));
    let (current, previous) = state
        .with_catalog(move |catalog| catalog.revision_for(viewer.as_ref(), &lookup, number))
        .await?;
    let file = |r: &crate::store::Revision| entry_file(&r.entry.meta, &r.entry.body_markdown);
    let new_text = file(&current);
    let old_text = previous.as_ref().map(file).unwrap_or_default();
    let (diff, diff_too_large) = match state
        .run_blocking(move |_| changes(&old_text, &new_text))
        .await?
    {
        Changes::Lines(lines) => (lines, None),
        Changes::TooLarge(why) => (Vec::new(), Some(why)),
    };
    let body_html = state.html_of(current.entry.body_markdown.clone()).await?;
    render(&RevisionPage {
        layout: Layout::new(format!("Revision {number}: {}", current.entry.meta.title())),
        title: current.entry.meta.title().to_owned(),
        revision: row(&id, &current.info),
        history_href: paths::entry_history(&id),
        body_html,
        summary: current.entry.meta.summary().to_owned(),
        diff,
        diff_too_large,
        previous: previous.map(|p| p.info.number),
    })
}
