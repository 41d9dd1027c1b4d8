//! `/entries/{jurisdiction}/{slug}`: one entry, rendered for reading and for print.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Html;

use super::{Link, render, topic_label};
use crate::playbook::markdown::{has_task_list, render_html};
use crate::playbook::{Entry, EntryId, Kind, Origin, Slug, Status};
use crate::web::assets::Layout;
use crate::web::error::{AppError, PageError};
use crate::web::state::AppState;

/// A source as the page shows it.
struct SourceView {
    title: String,
    publisher: Option<String>,
    date: Option<String>,
    url: Option<String>,
    quote: Option<String>,
}

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
    sources: Vec<SourceView>,
    related: Vec<Link>,
    permalink: String,
    origin: &'static str,
    api_href: String,
}

/// Finds an entry by the two path segments; anything that is not a valid id is not found.
pub fn find_entry<'a>(
    state: &'a AppState,
    jurisdiction: &str,
    slug: &str,
) -> Result<&'a Entry, AppError> {
    let not_found = || AppError::NotFound("There is no entry at this address.".into());
    let id = EntryId::new(
        Slug::parse(jurisdiction).map_err(|_| not_found())?,
        Slug::parse(slug).map_err(|_| not_found())?,
    );
    state.playbook.entry(&id).ok_or_else(not_found)
}

/// `GET /entries/{jurisdiction}/{slug}`
pub async fn entry(
    State(state): State<AppState>,
    Path((jurisdiction, slug)): Path<(String, String)>,
) -> Result<Html<String>, PageError> {
    let entry = find_entry(&state, &jurisdiction, &slug)?;
    let meta = &entry.meta;
    let jurisdiction_link = state
        .playbook
        .jurisdiction(entry.jurisdiction().as_str())
        .map_or_else(
            || {
                Link::new(
                    format!("/jurisdictions/{}", entry.jurisdiction()),
                    entry.jurisdiction().to_string(),
                )
            },
            |j| Link::new(format!("/jurisdictions/{}", j.slug), j.display_name()),
        );
    let related = meta
        .related
        .iter()
        .filter_map(|id| state.playbook.entry(id))
        .map(|r| Link::new(r.id.url_path(), r.meta.title.clone()))
        .collect();
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
        sources: meta
            .sources
            .iter()
            .map(|s| SourceView {
                title: s.title.clone(),
                publisher: s.publisher.clone(),
                date: s.date.map(|d| d.format("%Y-%m-%d").to_string()),
                url: s.url.clone(),
                quote: s.quote.clone(),
            })
            .collect(),
        related,
        permalink: format!("{}{}", state.config.public_url(), entry.id.url_path()),
        origin: match entry.origin {
            Origin::Curated => "Curated: maintained in the playbook repository",
            Origin::Contributed => "Contributed by the city",
        },
        api_href: format!("/api{}", entry.id.url_path()),
    };
    render(&page)
}
