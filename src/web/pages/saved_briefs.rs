//! Saved briefs (`/briefs`): signed-in staff save a brief collected in an address, give it an
//! introduction and a note per entry, reorder it, add entries from their pages, share it, and
//! delete it. Its page and downloads answer whoever its sharing lets open it (404 to anyone
//! else), showing each reader only the entries they may read.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};

use super::brief::{Origin, brief_page};
use super::render;
use crate::accounts::SignedIn;
use crate::briefs::{
    self, BriefError, MAX_COVER_CHARS, MAX_INTRO_CHARS, MAX_NOTE_CHARS, sharing_from_form,
};
use crate::catalog::CatalogError;
use crate::playbook::EntryId;
use crate::store::{BriefContent, BriefItem, BriefListing, Sharing, StoredBrief};
use crate::web::assets::Layout;
use crate::web::auth::{RequireSession, SessionForm, Viewer};
use crate::web::brief::load_saved;
use crate::web::entry_ids::{EntryIds, MAX_BRIEF_ENTRIES};
use crate::web::error::{AppError, PageError};
use crate::web::form::FormData;
use crate::web::paths;
use crate::web::state::AppState;

/// A saved brief in a list.
struct BriefRow {
    title: String,
    href: String,
    owner: String,
    entries: usize,
    shared_with: &'static str,
    updated: String,
}

impl From<BriefListing> for BriefRow {
    fn from(listing: BriefListing) -> Self {
        BriefRow {
            href: paths::saved_brief(&listing.id),
            title: listing.title,
            owner: listing.owner_email,
            entries: listing.entries,
            shared_with: listing.sharing.words(),
            updated: listing.updated_at.format("%Y-%m-%d %H:%M").to_string(),
        }
    }
}

#[derive(Template)]
#[template(path = "saved_briefs.html")]
struct SavedBriefsPage {
    layout: Layout,
    mine: Vec<BriefRow>,
    shared: Vec<BriefRow>,
    max_briefs: usize,
}

/// `GET /briefs`: the user's saved briefs, and those colleagues share with their city.
pub async fn list(
    State(state): State<AppState>,
    RequireSession(session): RequireSession,
) -> Result<Response, PageError> {
    let user = session.user.clone();
    let (mine, shared) = state
        .with_briefs(move |briefs| Ok((briefs.of(&user)?, briefs.shared_with(&user)?)))
        .await?;
    let page = SavedBriefsPage {
        layout: Layout::new("Your briefs"),
        mine: mine.into_iter().map(BriefRow::from).collect(),
        shared: shared.into_iter().map(BriefRow::from).collect(),
        max_briefs: briefs::MAX_BRIEFS_PER_ACCOUNT,
    };
    Ok(render(&page)?.into_response())
}

/// `POST /briefs` (`ids`, `title`, `for`): saves a brief collected in an address as the
/// user's, shared with nobody yet, and opens its edit page.
pub async fn create(
    State(state): State<AppState>,
    SessionForm { session, form }: SessionForm,
) -> Result<Response, PageError> {
    state.allow_write(&session.user)?;
    let ids = EntryIds::parse(Some(form.get("ids")), MAX_BRIEF_ENTRIES)?;
    // Only entries the owner may read go in (404 naming the first that is not there).
    ids.read(&state, Some(session.user.clone())).await?;
    let content = BriefContent {
        title: form.get("title").to_owned(),
        prepared_for: form.get("for").to_owned(),
        intro: String::new(),
        sharing: Sharing::Private,
        items: ids
            .ids()
            .iter()
            .map(|id| BriefItem {
                entry: id.clone(),
                note: String::new(),
            })
            .collect(),
    };
    let user = session.user.clone();
    let id = state
        .with_briefs(move |briefs| briefs.create(&user, content))
        .await?;
    Ok(Redirect::to(&paths::saved_brief_edit(&id)).into_response())
}

/// `GET /briefs/{id}`: the saved brief, as its viewer may see it.
pub async fn show(
    State(state): State<AppState>,
    Viewer(viewer): Viewer,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let viewer_id = viewer.as_ref().map(|u| u.id);
    let (made, stored) = load_saved(&state, viewer, id).await?;
    let is_owner = viewer_id == Some(stored.owner);
    let page = brief_page(
        &state,
        made,
        Origin::Saved {
            stored: &stored,
            is_owner,
        },
    )
    .await?;
    // A brief's sharing can narrow at any moment: never kept by a shared cache.
    Ok(([(header::CACHE_CONTROL, "private, no-cache")], page).into_response())
}

/// One entry of the edit form.
struct ItemField {
    index: usize,
    entry: String,
    title: String,
    available: bool,
    position: String,
    note: String,
    remove: bool,
}

/// A sharing choice of the edit form.
struct SharingChoice {
    value: &'static str,
    words: &'static str,
    checked: bool,
}

#[derive(Template)]
#[template(path = "brief_edit.html")]
struct BriefEditPage {
    layout: Layout,
    action: String,
    delete_action: String,
    brief_href: String,
    csrf_token: String,
    title: String,
    prepared_for: String,
    intro: String,
    sharing: Vec<SharingChoice>,
    items: Vec<ItemField>,
    error: Option<String>,
    max_cover: usize,
    max_intro: usize,
    max_note: usize,
}

/// What the edit form holds: the stored brief, or what was just sent.
struct Draft {
    title: String,
    prepared_for: String,
    intro: String,
    sharing: Sharing,
    /// Entry, position as typed, note, whether to remove.
    items: Vec<(EntryId, String, String, bool)>,
}

impl Draft {
    fn of(stored: &StoredBrief) -> Draft {
        let content = &stored.content;
        Draft {
            title: content.title.clone(),
            prepared_for: content.prepared_for.clone(),
            intro: content.intro.clone(),
            sharing: content.sharing,
            items: content
                .items
                .iter()
                .enumerate()
                .map(|(i, item)| {
                    (
                        item.entry.clone(),
                        (i + 1).to_string(),
                        item.note.clone(),
                        false,
                    )
                })
                .collect(),
        }
    }
}

/// The edit page of `stored` showing `draft`, with an error when the last try was refused.
async fn edit_page(
    state: &AppState,
    session: &SignedIn,
    stored: &StoredBrief,
    draft: Draft,
    error: Option<String>,
) -> Result<Response, PageError> {
    let owner = session.user.clone();
    let ids: Vec<EntryId> = draft.items.iter().map(|(id, ..)| id.clone()).collect();
    // Titles as the owner may read them now; an entry hidden or retired since is named by id.
    let titles = state
        .with_catalog(move |catalog| {
            ids.iter()
                .map(|id| match catalog.entry_for(Some(&owner), id) {
                    Ok(view) => Ok(Some(view.entry.meta.title().to_owned())),
                    Err(CatalogError::NotFound(_)) => Ok(None),
                    Err(other) => Err(other),
                })
                .collect::<Result<Vec<_>, _>>()
        })
        .await?;
    let items = draft
        .items
        .into_iter()
        .zip(titles)
        .enumerate()
        .map(
            |(index, ((entry, position, note, remove), title))| ItemField {
                index,
                available: title.is_some(),
                title: title.unwrap_or_else(|| entry.to_string()),
                entry: entry.to_string(),
                position,
                note,
                remove,
            },
        )
        .collect();
    let status = if error.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let page = BriefEditPage {
        layout: Layout::new(format!("Edit the brief “{}”", stored.content.title)),
        action: paths::saved_brief_edit(&stored.id),
        delete_action: paths::saved_brief_delete(&stored.id),
        brief_href: paths::saved_brief(&stored.id),
        csrf_token: session.csrf_token.clone(),
        title: draft.title,
        prepared_for: draft.prepared_for,
        intro: draft.intro,
        sharing: Sharing::ALL
            .into_iter()
            .map(|s| SharingChoice {
                value: s.as_str(),
                words: s.words(),
                checked: s == draft.sharing,
            })
            .collect(),
        items,
        error,
        max_cover: MAX_COVER_CHARS,
        max_intro: MAX_INTRO_CHARS,
        max_note: MAX_NOTE_CHARS,
    };
    Ok((
        status,
        [(header::CACHE_CONTROL, "no-store")],
        render(&page)?,
    )
        .into_response())
}

/// `GET /briefs/{id}/edit`: its owner's form.
pub async fn edit_form(
    State(state): State<AppState>,
    RequireSession(session): RequireSession,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let user = session.user.clone();
    let stored = state
        .with_briefs(move |briefs| briefs.owned(&user, &id))
        .await?;
    let draft = Draft::of(&stored);
    edit_page(&state, &session, &stored, draft, None).await
}

/// Reads the edit form: the cover, sharing and each entry's position, note and removal. Only
/// entries the brief holds may be named.
fn draft_from(form: &FormData, stored: &StoredBrief) -> Result<Draft, BriefError> {
    let mut items = Vec::new();
    for index in 0..MAX_BRIEF_ENTRIES {
        let Some(entry) = form.optional(&format!("entry-{index}")) else {
            break;
        };
        let entry = EntryId::parse(&entry)
            .ok()
            .filter(|id| stored.content.items.iter().any(|item| &item.entry == id))
            .ok_or_else(|| {
                BriefError::Invalid(format!(
                    "`{}` is not an entry of this brief: add entries from their pages.",
                    entry.escape_debug()
                ))
            })?;
        items.push((
            entry,
            form.get(&format!("position-{index}")).trim().to_owned(),
            form.get(&format!("note-{index}")).to_owned(),
            !form.get(&format!("remove-{index}")).is_empty(),
        ));
    }
    Ok(Draft {
        title: form.get("title").to_owned(),
        prepared_for: form.get("for").to_owned(),
        intro: form.get("intro").to_owned(),
        sharing: sharing_from_form(form.get("sharing"))?,
        items,
    })
}

/// What a draft asks the brief to say: entries not removed, ordered by the positions typed
/// (ties and blanks keep their order).
fn content_of(draft: &Draft) -> Result<BriefContent, BriefError> {
    let mut kept = Vec::new();
    for (i, (entry, position, note, remove)) in draft.items.iter().enumerate() {
        if *remove {
            continue;
        }
        let position = if position.is_empty() {
            i + 1
        } else {
            position.parse::<usize>().map_err(|_| {
                BriefError::Invalid(format!(
                    "The position of `{entry}` must be a whole number, such as {}.",
                    i + 1
                ))
            })?
        };
        kept.push((position, i, entry, note));
    }
    kept.sort_by_key(|(position, i, ..)| (*position, *i));
    Ok(BriefContent {
        title: draft.title.clone(),
        prepared_for: draft.prepared_for.clone(),
        intro: draft.intro.clone(),
        sharing: draft.sharing,
        items: kept
            .into_iter()
            .map(|(_, _, entry, note)| BriefItem {
                entry: entry.clone(),
                note: note.clone(),
            })
            .collect(),
    })
}

/// `POST /briefs/{id}/edit`: saves its owner's changes and shows the brief; a refused change
/// shows the form again with what was typed and why.
pub async fn update(
    State(state): State<AppState>,
    Path(id): Path<String>,
    SessionForm { session, form }: SessionForm,
) -> Result<Response, PageError> {
    state.allow_write(&session.user)?;
    let user = session.user.clone();
    let stored = state
        .with_briefs(move |briefs| briefs.owned(&user, &id))
        .await?;
    let draft = draft_from(&form, &stored).map_err(AppError::from)?;
    let content = match content_of(&draft).and_then(briefs::checked) {
        Ok(content) => content,
        Err(BriefError::Invalid(why)) => {
            return edit_page(&state, &session, &stored, draft, Some(why)).await;
        }
        Err(other) => return Err(AppError::from(other).into()),
    };
    let (user, brief_id) = (session.user.clone(), stored.id.clone());
    state
        .with_briefs(move |briefs| briefs.update(&user, &brief_id, content))
        .await?;
    Ok(Redirect::to(&paths::saved_brief(&stored.id)).into_response())
}

/// `POST /briefs/{id}/delete`
pub async fn delete(
    State(state): State<AppState>,
    Path(id): Path<String>,
    SessionForm { session, .. }: SessionForm,
) -> Result<Response, PageError> {
    let user = session.user.clone();
    state
        .with_briefs(move |briefs| briefs.delete(&user, &id))
        .await?;
    Ok(Redirect::to(paths::BRIEFS).into_response())
}

/// `POST /briefs/add` (`brief`, `entry`): adds an entry the user may read to the end of one
/// of their briefs, and shows the brief.
pub async fn add_entry(
    State(state): State<AppState>,
    SessionForm { session, form }: SessionForm,
) -> Result<Response, PageError> {
    state.allow_write(&session.user)?;
    let ids = EntryIds::parse(Some(form.get("entry")), 1)?;
    ids.read(&state, Some(session.user.clone())).await?;
    let (user, brief_id) = (session.user.clone(), form.get("brief").to_owned());
    let entry = ids.ids()[0].clone();
    let href = paths::saved_brief(&brief_id);
    state
        .with_briefs(move |briefs| briefs.add_entry(&user, &brief_id, entry))
        .await?;
    Ok(Redirect::to(&href).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft(items: &[(&str, &str, bool)]) -> Draft {
        Draft {
            title: String::new(),
            prepared_for: String::new(),
            intro: String::new(),
            sharing: Sharing::Private,
            items: items
                .iter()
                .map(|(id, position, remove)| {
                    (
                        EntryId::parse(id).expect("id"),
                        (*position).to_owned(),
                        String::new(),
                        *remove,
                    )
                })
                .collect(),
        }
    }

    fn order(content: &BriefContent) -> Vec<String> {
        content.items.iter().map(|i| i.entry.to_string()).collect()
    }

    #[test]
    fn positions_reorder_blanks_and_ties_keep_their_place_and_removed_entries_go() {
        let content = content_of(&draft(&[
            ("minnesota/a", "3", false),
            ("minnesota/b", "", false),
            ("minnesota/c", "1", false),
            ("minnesota/d", "1", true),
        ]))
        .expect("valid");
        assert_eq!(
            order(&content),
            ["minnesota/c", "minnesota/b", "minnesota/a"]
        );
        assert!(content_of(&draft(&[("minnesota/a", "first", false)])).is_err());
    }
}
