//! Reading entries, and the rules of who may read and edit what: the one place the browser
//! and the API ask, so they cannot disagree. A retired entry is seen only by those who may
//! edit it; to anyone else it is not there. A revision's author is shown by email only to
//! the author's own city and to admins. An entry a reader may not read (a draft of another
//! city, one shown to member cities only, one for its own city only) is not there for them
//! either: not found, never forbidden, so its existence does not leak.

use std::collections::HashMap;

use super::{Catalog, CatalogError};
use crate::playbook::{CitedSource, Entry, EntryId, EntryMeta, Jurisdiction, Reader, Slug};
use crate::store::{ContributedEntry, Revision, RevisionInfo, User, reader_of};

/// An entry as readers see it, wherever it comes from, with its jurisdiction.
#[derive(Debug, Clone)]
pub struct EntryView {
    /// The entry.
    pub entry: Entry,
    /// Its jurisdiction.
    pub jurisdiction: Jurisdiction,
    /// Whether it is retired (contributed entries only).
    pub retired: bool,
    /// Its current revision (contributed entries only).
    pub revision: Option<RevisionInfo>,
    /// Its sources as readers see them: each resolved against its declaration, its quote's
    /// state checked against the stored text (in the order of `entry.meta.sources()`).
    pub sources: Vec<CitedSource>,
}

/// An entry one entry's page points to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelatedLink {
    /// Its id.
    pub id: EntryId,
    /// Its title.
    pub title: String,
}

/// Authors' shown names already looked up, by the account's jurisdiction.
#[derive(Default)]
struct AuthorNames(HashMap<Slug, String>);

fn no_entry() -> CatalogError {
    CatalogError::NotFound("There is no entry at this address.".into())
}

impl Catalog {
    /// An entry by id, retired or not, as the store or its file has it: for the command
    /// line. Readers go through `entry_for`.
    pub fn entry(&self, id: &EntryId) -> Result<Option<EntryView>, CatalogError> {
        let curated = self.curated.read_entry(id).map_err(|problems| {
            for problem in &problems {
                tracing::error!(%id, %problem, "a curated entry's file no longer reads");
            }
            CatalogError::CuratedUnreadable {
                id: id.clone(),
                problem: problems
                    .first()
                    .map(ToString::to_string)
                    .unwrap_or_default(),
            }
        })?;
        let found = match curated {
            Some(entry) => Some((entry, false, None)),
            None => self
                .store
                .entry(id)?
                .map(|c| (c.entry, c.retired, Some(c.revision))),
        };
        let Some((entry, retired, revision)) = found else {
            return Ok(None);
        };
        let jurisdiction = self
            .jurisdiction(entry.jurisdiction().as_str())?
            .ok_or_else(|| CatalogError::NotFound(format!("entry {id} has no jurisdiction")))?;
        Ok(Some(EntryView {
            sources: self.cited_sources(&entry.meta),
            entry,
            jurisdiction,
            retired,
            revision,
        }))
    }

    /// The entry `viewer` (None: an anonymous reader) may read; not found when there is
    /// none, or it is retired and the viewer may not edit it.
    pub fn entry_for(
        &self,
        viewer: Option<&User>,
        id: &EntryId,
    ) -> Result<EntryView, CatalogError> {
        let mut found = self.entry(id)?.ok_or_else(no_entry)?;
        let reader = reader_of(viewer);
        let may_see = (!found.retired || viewer.is_some_and(|u| u.may_edit(&id.jurisdiction)))
            && reader.may_read(id.jurisdiction.as_str(), found.entry.meta.access());
        if !may_see {
            return Err(no_entry());
        }
        // Readers are pointed only at entries they can open: not at retired ones, nor at
        // ones they may not read.
        found.entry.meta = self.readable_related(&reader, &found.entry.meta)?;
        found.revision = found
            .revision
            .map(|info| self.author_as_seen(viewer, info, &mut AuthorNames::default()))
            .transpose()?;
        Ok(found)
    }

    /// `meta` with its related ids narrowed to the live entries `reader` may read.
    fn readable_related(
        &self,
        reader: &Reader,
        meta: &EntryMeta,
    ) -> Result<EntryMeta, CatalogError> {
        let mut lookup_failed = None;
        let kept = meta.keeping_related(|related| match self.readable(reader, related) {
            Ok(readable) => readable,
            Err(e) => {
                lookup_failed = Some(e);
                false
            }
        });
        match lookup_failed {
            Some(e) => Err(e),
            None => Ok(kept),
        }
    }

    /// Whether the entry `id` exists, is live and `reader` may read it.
    pub(super) fn readable(&self, reader: &Reader, id: &EntryId) -> Result<bool, CatalogError> {
        Ok(self.entry(id)?.is_some_and(|view| {
            !view.retired && reader.may_read(id.jurisdiction.as_str(), view.entry.meta.access())
        }))
    }

    /// `info` with its author as `viewer` may see it: the account's email for its own city's
    /// staff and for admins; for anyone else, the author's city (`Minneapolis, MN staff`).
    fn author_as_seen(
        &self,
        viewer: Option<&User>,
        mut info: RevisionInfo,
        names: &mut AuthorNames,
    ) -> Result<RevisionInfo, CatalogError> {
        let Some(city) = info.author_jurisdiction.clone() else {
            // No account (removed, or a revision made by the command line): nothing to hide.
            info.author = None;
            return Ok(info);
        };
        if viewer.is_some_and(|u| u.may_edit(&city)) {
            return Ok(info);
        }
        let shown = match names.0.get(&city) {
            Some(shown) => shown.clone(),
            None => {
                let name = match self.jurisdiction(city.as_str())? {
                    Some(j) => j.display_name(),
                    None => city.to_string(),
                };
                let shown = format!("{name} staff");
                names.0.insert(city.clone(), shown.clone());
                shown
            }
        };
        info.author = Some(shown);
        Ok(info)
    }

    /// Whether `user` may edit the entry `id` (contributed, of their jurisdiction or admin).
    pub fn may_edit(&self, user: &User, id: &EntryId) -> bool {
        !self.is_curated(id) && user.may_edit(&id.jurisdiction)
    }

    /// The contributed entry `id`, if `user` may change it; why not otherwise.
    pub fn editable(&self, user: &User, id: &EntryId) -> Result<EntryView, CatalogError> {
        if self.is_curated(id) {
            return Err(CatalogError::Forbidden(
                "Curated entries are read-only here: they change through the playbook repository."
                    .into(),
            ));
        }
        let found = self.entry(id)?.ok_or_else(no_entry)?;
        // One the user may not read is not there for them: not found, never forbidden.
        if !user
            .reader()
            .may_read(id.jurisdiction.as_str(), found.entry.meta.access())
        {
            return Err(no_entry());
        }
        if !user.may_edit(&id.jurisdiction) {
            return Err(CatalogError::Forbidden(format!(
                "You may only edit entries of {}.",
                user.jurisdiction
            )));
        }
        Ok(found)
    }

    /// The entries an entry's page lists as related, those `viewer` may read: its own list
    /// first (live entries only),
    /// then entries alike in content, up to `by_content` in all (more when its own list is
    /// longer).
    pub fn related_links(
        &self,
        viewer: Option<&User>,
        view: &EntryView,
        by_content: usize,
    ) -> Result<Vec<RelatedLink>, CatalogError> {
        let reader = reader_of(viewer);
        let own = view.entry.meta.related();
        let mut links = Vec::new();
        for id in own {
            let readable = |r: &EntryView| {
                !r.retired && reader.may_read(id.jurisdiction.as_str(), r.entry.meta.access())
            };
            if let Some(related) = self.entry(id)?.filter(readable) {
                links.push(RelatedLink {
                    id: related.entry.id,
                    title: related.entry.meta.title().to_owned(),
                });
            }
        }
        for alike in self.index.related(&view.entry.id, by_content, &reader)? {
            if links.len() >= by_content.max(own.len()) {
                break;
            }
            let Ok(id) = EntryId::parse(&alike.id) else {
                continue;
            };
            if !links.iter().any(|l| l.id == id) {
                links.push(RelatedLink {
                    id,
                    title: alike.title,
                });
            }
        }
        Ok(links)
    }

    /// The entry `viewer` may read, with its revisions oldest first (none for curated ones).
    pub fn revisions_for(
        &self,
        viewer: Option<&User>,
        id: &EntryId,
    ) -> Result<(EntryView, Vec<RevisionInfo>), CatalogError> {
        let found = self.entry_for(viewer, id)?;
        let mut names = AuthorNames::default();
        let revisions = self
            .store
            .revisions(id)?
            .into_iter()
            .map(|info| self.author_as_seen(viewer, info, &mut names))
            .collect::<Result<_, _>>()?;
        Ok((found, revisions))
    }

    /// Revision `number` of an entry `viewer` may read, with the revision before it.
    pub fn revision_for(
        &self,
        viewer: Option<&User>,
        id: &EntryId,
        number: u32,
    ) -> Result<(Revision, Option<Revision>), CatalogError> {
        self.entry_for(viewer, id)?;
        let no_revision = || CatalogError::NotFound("There is no such revision.".into());
        let mut current = self.store.revision(id, number)?.ok_or_else(no_revision)?;
        let mut previous = match number {
            0 | 1 => None,
            n => self.store.revision(id, n - 1)?,
        };
        let mut names = AuthorNames::default();
        current.info = self.author_as_seen(viewer, current.info, &mut names)?;
        if let Some(previous) = previous.as_mut() {
            previous.info = self.author_as_seen(viewer, previous.info.clone(), &mut names)?;
        }
        // A revision's related ids name only what the viewer may read, as the entry's page
        // does: an id is an entry's existence.
        let reader = reader_of(viewer);
        for revision in std::iter::once(&mut current).chain(previous.as_mut()) {
            revision.entry.meta = self.readable_related(&reader, &revision.entry.meta)?;
        }
        Ok((current, previous))
    }

    /// Every contributed entry, retired ones included (for export).
    pub fn contributed_entries(&self) -> Result<Vec<ContributedEntry>, CatalogError> {
        Ok(self.store.entries()?)
    }
}
