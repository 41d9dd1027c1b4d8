//! `/entries/{jurisdiction}/{slug}`: one entry, rendered for reading and for print, each
//! source's quote with its state in plain words.

use std::sync::Arc;

use askama::Template;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::CookieJar;

use chrono::NaiveDate;

use super::{Link, VerificationView, readers_notice, render};
use crate::playbook::markdown::{checklist_anchor, has_task_list};
use crate::playbook::{CitedSource, EntryId, EntryMeta, Kind, Origin, Slug, Status};
use crate::web::assets::{ENTRY_SCRIPT_PATH, Layout, LinkPreview};
use crate::web::auth::{MaybeSession, SAVED_COOKIE, expired_cookie};
use crate::web::error::{AppError, PageError};
use crate::web::paths;
use crate::web::state::AppState;

/// How many related entries a page lists (more when the entry names more itself).
const RELATED_BY_CONTENT: usize = 5;

/// A source as an entry's page lists it.
struct SourceItem {
    title: String,
    /// Where the title links: the declared source's page, else the source's web address.
    href: Option<String>,
    publisher: Option<String>,
    date: Option<NaiveDate>,
    quote: Option<String>,
    verification: Option<VerificationView>,
}

impl SourceItem {
    fn new(cited: CitedSource) -> Self {
        let details = cited.details;
        let href = match &cited.source {
            Some(id) if cited.declared => Some(paths::source(id)),
            _ => details.url.clone(),
        };
        SourceItem {
            verification: cited
                .verification
                .map(|v| VerificationView::new(v, &details.title)),
            title: details.title,
            href,
            publisher: details.publisher,
            date: details.date,
            quote: cited.quote,
        }
    }
}

#[derive(Template)]
#[template(path = "entry.html")]
struct EntryPage {
    layout: Layout,
    /// Whether this browser just saved it.
    saved: bool,
    /// The heading just before the checklist's steps, for "Jump to the checklist".
    steps_anchor: Option<String>,
    /// The page's script (buttons, ticks kept).
    entry_script: &'static str,
    /// An email that forwards the entry: `mailto:` with its title and address.
    share_by_email: String,
    /// "Add to brief": the search page collecting a brief that starts with this entry.
    brief_href: String,
    /// The entry's id, for the brief tray.
    entry_id: String,
    /// "Add to a saved brief", for signed-in staff with saved briefs.
    add_to_saved: Option<AddToSavedBrief>,
    meta: EntryMeta,
    sources: Vec<SourceItem>,
    kind: Link,
    status: Option<&'static str>,
    is_template: bool,
    is_checklist: bool,
    topics: Vec<Link>,
    jurisdiction: Link,
    body_html: Arc<str>,
    related: Vec<Link>,
    permalink: String,
    origin: &'static str,
    api_href: String,
    edit_href: Option<String>,
    history_href: Option<String>,
    last_changed: Option<String>,
    retired: bool,
    /// Who may read it, when not everyone (a draft, or a narrower visibility).
    readers_notice: Option<String>,
}

/// The form that adds the entry to one of the viewer's saved briefs.
struct AddToSavedBrief {
    csrf_token: String,
    entry: String,
    /// Each brief's id and title, latest change first.
    briefs: Vec<(String, String)>,
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

/// `GET /entries/{jurisdiction}/{slug}`
pub async fn entry(
    State(state): State<AppState>,
    MaybeSession(session): MaybeSession,
    jar: CookieJar,
    path: Result<Path<(String, String)>, PathRejection>,
) -> Result<Response, PageError> {
    let Path((jurisdiction, slug)) = path?;
    let id = parse_id(&jurisdiction, &slug)?;
    let csrf_token = session.as_ref().map(|s| s.csrf_token.clone());
    let viewer = session.map(|s| s.user);
    let reader = viewer.clone();
    let (found, related, may_edit, has_tasks, steps_anchor) = state
        .with_catalog(move |catalog| {
            let found = catalog.entry_for(reader.as_ref(), &id)?;
            let related = catalog.related_links(reader.as_ref(), &found, RELATED_BY_CONTENT)?;
            let may_edit = reader.as_ref().is_some_and(|u| catalog.may_edit(u, &id));
            let has_tasks = has_task_list(&found.entry.body_markdown);
            let steps_anchor = checklist_anchor(&found.entry.body_markdown);
            Ok((found, related, may_edit, has_tasks, steps_anchor))
        })
        .await?;
    let body_html = state.html_of(found.entry.body_markdown.clone()).await?;
    let entry = &found.entry;
    let add_to_saved = match (viewer, csrf_token) {
        (Some(user), Some(csrf_token)) => {
            let briefs = state.with_briefs(move |briefs| briefs.of(&user)).await?;
            (!briefs.is_empty()).then(|| AddToSavedBrief {
                csrf_token,
                entry: entry.id.to_string(),
                briefs: briefs.into_iter().map(|b| (b.id, b.title)).collect(),
            })
        }
        _ => None,
    };
    let meta = &entry.meta;
    let permalink = paths::absolute(&state.config.public_url(), &paths::entry(&entry.id));
    let mut layout = Layout::new(meta.title().to_owned());
    layout.preview = Some(LinkPreview {
        description: meta.summary().to_owned(),
        url: permalink.clone(),
    });
    // Just saved by this browser: say so, once.
    let saved = jar
        .get(SAVED_COOKIE)
        .is_some_and(|cookie| cookie.value() == entry.id.to_string());
    let is_checklist = meta.kind() == Kind::Checklist || has_tasks;
    let topic_labels = state.catalog.curated().topic_labels();
    let page = EntryPage {
        layout,
        saved,
        steps_anchor,
        entry_script: ENTRY_SCRIPT_PATH.as_str(),
        share_by_email: mailto(meta.title(), meta.summary(), &permalink),
        brief_href: paths::search(
            &crate::web::params::SearchParams::default().with_in_brief(&entry.id.to_string()),
        ),
        add_to_saved,
        entry_id: entry.id.to_string(),
        meta: meta.clone(),
        sources: found.sources.iter().cloned().map(SourceItem::new).collect(),
        kind: Link::new(paths::kind(meta.kind()), meta.kind().label()),
        status: meta.status().map(Status::label),
        is_template: meta.is_template(),
        is_checklist,
        topics: meta
            .topics()
            .iter()
            .map(|t| Link::new(paths::topic(t), topic_labels.label(t.as_str())))
            .collect(),
        jurisdiction: Link::new(
            paths::jurisdiction(&found.jurisdiction.slug),
            found.jurisdiction.display_name(),
        ),
        body_html,
        related: related
            .into_iter()
            .map(|r| Link::new(paths::entry(&r.id), r.title))
            .collect(),
        permalink,
        origin: match entry.origin {
            Origin::Curated => "Curated: maintained in the playbook repository",
            Origin::Contributed => "Contributed by the city",
        },
        api_href: paths::entry_api(&entry.id),
        edit_href: may_edit.then(|| paths::entry_edit(&entry.id)),
        history_href: found
            .revision
            .as_ref()
            .map(|_| paths::entry_history(&entry.id)),
        last_changed: found.revision.as_ref().map(|r| {
            format!(
                "Last changed by {} on {}",
                r.author.as_deref().unwrap_or("an unknown user"),
                r.created_at.format("%Y-%m-%d %H:%M UTC")
            )
        }),
        retired: found.retired,
        readers_notice: readers_notice(&found.entry.meta, &found.jurisdiction.name),
    };
    let carries_csrf = page.add_to_saved.is_some();
    let html = render(&page)?;
    if saved {
        let forget = expired_cookie(&state.config, SAVED_COOKIE);
        return Ok((
            CookieJar::new().add(forget),
            [(header::CACHE_CONTROL, "no-store")],
            html,
        )
            .into_response());
    }
    if carries_csrf {
        return Ok(([(header::CACHE_CONTROL, "no-store")], html).into_response());
    }
    Ok(html.into_response())
}

/// A `mailto:` link whose message carries the entry's title, summary and address.
fn mailto(title: &str, summary: &str, url: &str) -> String {
    format!(
        "mailto:?subject={}&body={}",
        percent_encoded(title),
        percent_encoded(&format!("{summary}\n\n{url}"))
    )
}

/// Every byte but the unreserved ASCII ones as `%XX` (RFC 3986), for a `mailto:` field.
fn percent_encoded(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 3);
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mailto_link_carries_title_summary_and_address_encoded() {
        assert_eq!(
            mailto("Guard & ICE", "Two lines.", "https://x.example/e?a=1"),
            "mailto:?subject=Guard%20%26%20ICE&body=Two%20lines.%0A%0Ahttps%3A%2F%2Fx.example%2Fe%3Fa%3D1"
        );
        assert_eq!(percent_encoded("é"), "%C3%A9");
    }
}
