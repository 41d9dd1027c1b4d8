//! `/entries/{jurisdiction}/{slug}`: one entry, rendered for reading and for print.

use askama::Template;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::response::Html;

use super::{Link, render, topic_label};
use crate::catalog::CatalogEntry;
use crate::playbook::entry_input::SourceInput;
use crate::playbook::markdown::{has_task_list, render_html};
use crate::playbook::{EntryId, Kind, Origin, Slug, Status};
use crate::store::User;
use crate::web::assets::Layout;
use crate::web::auth::MaybeSession;
use crate::web::error::{AppError, PageError};
use crate::web::state::AppState;

/// How many related entries a page lists (more when the entry names more itself).
const RELATED_BY_CONTENT: usize = 5;

#[derive(Template)]
#[template(path = "entry.html")]
struct EntryPage {
    layout: Layout,
    title: String,
    summary: String,
    kind: Link,
    status: Option<&'static str>,
    is_template: bool,
    is_checklist: bool,
    date: Option<String>,
    topics: Vec<Link>,
    jurisdiction: Link,
    body_html: String,
    sources: Vec<SourceInput>,
    related: Vec<Link>,
    permalink: String,
    origin: &'static str,
    api_href: String,
    edit_href: Option<String>,
    history_href: Option<String>,
    last_changed: Option<String>,
    retired: bool,
}

fn not_found() -> AppError {
    AppError::NotFound("There is no entry at this address.".into())
}

/// The id named by two path segments; anything that is not a valid id is not found.
pub fn parse_id(jurisdiction: &str, slug: &str) -> Result<EntryId, AppError> {
    Ok(EntryId::new(
        Slug::parse(jurisdiction).map_err(|_| not_found())?,
        Slug::parse(slug).map_err(|_| not_found())?,
    ))
}

/// An entry readers may see: retired entries only for those who may edit them.
pub async fn find_entry(
    state: &AppState,
    jurisdiction: &str,
    slug: &str,
    viewer: Option<&User>,
) -> Result<CatalogEntry, AppError> {
    let id = parse_id(jurisdiction, slug)?;
    let lookup = id.clone();
    let found = state
        .with_catalog(move |catalog| catalog.entry(&lookup))
        .await?
        .ok_or_else(not_found)?;
    let may_see = !found.retired || viewer.is_some_and(|u| u.may_edit(&id.jurisdiction));
    if may_see { Ok(found) } else { Err(not_found()) }
}

/// `GET /entries/{jurisdiction}/{slug}`
pub async fn entry(
    State(state): State<AppState>,
    MaybeSession(session): MaybeSession,
    path: Result<Path<(String, String)>, PathRejection>,
) -> Result<Html<String>, PageError> {
    let Path((jurisdiction, slug)) = path?;
    let viewer = session.as_ref().map(|s| &s.user);
    let found = find_entry(&state, &jurisdiction, &slug, viewer).await?;
    let entry = &found.entry;
    let meta = &entry.meta;
    let jurisdiction_link = state
        .catalog
        .jurisdiction(entry.jurisdiction().as_str())?
        .map_or_else(
            || {
                Link::new(
                    format!("/jurisdictions/{}", entry.jurisdiction()),
                    entry.jurisdiction().to_string(),
                )
            },
            |j| Link::new(format!("/jurisdictions/{}", j.slug), j.display_name()),
        );
    let related_ids = meta.related.clone();
    let this_id = entry.id.clone();
    let related = state
        .with_catalog(move |catalog| {
            // The entry's own list first, then entries found alike by their content.
            let mut links = Vec::new();
            for id in &related_ids {
                if let Some(r) = catalog.entry(id)?.filter(|r| !r.retired) {
                    links.push(Link::new(r.entry.id.url_path(), r.entry.meta.title.clone()));
                }
            }
            for alike in catalog.index().related(&this_id, RELATED_BY_CONTENT)? {
                if links.len() >= RELATED_BY_CONTENT.max(related_ids.len()) {
                    break;
                }
                let href = crate::web::paths::entry(&alike.id);
                if !links.iter().any(|l| l.href == href) {
                    links.push(Link::new(href, alike.title));
                }
            }
            Ok(links)
        })
        .await?;
    let may_edit = viewer.is_some_and(|u| state.catalog.may_edit(u, &entry.id));
    let page = EntryPage {
        layout: Layout::new(meta.title.clone()),
        title: meta.title.clone(),
        summary: meta.summary.clone(),
        kind: Link::new(format!("/kinds/{}", meta.kind), meta.kind.label()),
        status: meta.status.map(Status::label),
        is_template: meta.status == Some(Status::Template),
        is_checklist: meta.kind == Kind::Checklist || has_task_list(&entry.body_markdown),
        date: meta.date.map(|d| d.format("%Y-%m-%d").to_string()),
        topics: meta
            .topics
            .iter()
            .map(|t| Link::new(format!("/topics/{t}"), topic_label(t.as_str())))
            .collect(),
        jurisdiction: jurisdiction_link,
        body_html: render_html(&entry.body_markdown),
        sources: meta.sources.iter().map(SourceInput::from).collect(),
        related,
        permalink: format!("{}{}", state.config.public_url(), entry.id.url_path()),
        origin: match entry.origin {
            Origin::Curated => "Curated: maintained in the playbook repository",
            Origin::Contributed => "Contributed by the city",
        },
        api_href: format!("/api{}", entry.id.url_path()),
        edit_href: may_edit.then(|| format!("{}/edit", entry.id.url_path())),
        history_href: found
            .revision
            .as_ref()
            .map(|_| format!("{}/history", entry.id.url_path())),
        last_changed: found.revision.as_ref().map(|r| {
            format!(
                "Last changed by {} on {}",
                r.author.as_deref().unwrap_or("an unknown user"),
                r.created_at.format("%Y-%m-%d %H:%M UTC")
            )
        }),
        retired: found.retired,
    };
    render(&page)
}
