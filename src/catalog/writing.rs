//! Writing contributed entries: every entry rule checked (those needing the rest of the
//! playbook here), the writer's rights checked, then the store first (durably) and the index
//! after.

use super::{Catalog, CatalogError, EntryView};
use crate::playbook::EntryId;
use crate::playbook::entry::{EntryInput, FieldErrors, FieldProblems, ValidEntry};

/// The longest change message a revision records, in characters.
pub const MAX_MESSAGE_CHARS: usize = 500;
use crate::store::{NewRevision, RevisionAction, Role, User};

impl Catalog {
    /// Checks input by every entry rule, including that related ids name live entries
    /// `writer` may read and not `id` itself (the entry being saved, when it exists), and
    /// that source ids name declared sources. An entry the writer may not read is unknown to
    /// them here as everywhere, so a refusal cannot tell them it exists.
    fn validate(
        &self,
        writer: &User,
        input: &EntryInput,
        id: Option<&EntryId>,
    ) -> Result<ValidEntry, CatalogError> {
        let valid = input
            .parse()
            .map_err(|problems| CatalogError::Invalid(problems.into()))?;
        let mut lookup_failed = None;
        let reader = writer.reader();
        let problems: FieldProblems =
            valid
                .meta
                .check_related(id, |related| match self.readable(&reader, related) {
                    Ok(readable) => readable,
                    Err(e) => {
                        lookup_failed = Some(e);
                        true
                    }
                });
        if let Some(e) = lookup_failed {
            return Err(e);
        }
        let mut problems = problems;
        problems.extend(
            valid
                .meta
                .check_sources(|source| self.provenance.source(source.as_str()).is_some()),
        );
        if problems.is_empty() {
            Ok(valid)
        } else {
            Err(CatalogError::Invalid(problems.into()))
        }
    }

    /// Creates a contributed entry in the user's jurisdiction (admins may name another).
    pub fn create(
        &self,
        user: &User,
        input: &EntryInput,
        message: &str,
    ) -> Result<EntryView, CatalogError> {
        if let Some(named) = &input.jurisdiction
            && named.slug() != user.jurisdiction.as_str()
            && user.role != Role::Admin
        {
            return Err(CatalogError::Forbidden(format!(
                "you may only add entries for {}",
                user.jurisdiction
            )));
        }
        let valid = self.validate(user, input, None)?;
        let jurisdiction = valid
            .jurisdiction
            .clone()
            .unwrap_or_else(|| user.jurisdiction.clone());
        if self.jurisdiction(jurisdiction.as_str())?.is_none() {
            return Err(CatalogError::NotFound(format!(
                "no jurisdiction `{jurisdiction}`"
            )));
        }
        let id = EntryId::new(jurisdiction, valid.slug.clone());
        if self.is_curated(&id) {
            return Err(CatalogError::Conflict(format!(
                "the id {id} is taken by a curated entry"
            )));
        }
        self.write(user, &id, RevisionAction::Create, &valid, message, None)
    }

    /// Saves a new revision of a contributed entry; with `base`, only if revision `base` is
    /// still the latest (`Stale` otherwise: someone saved since the writer started).
    pub fn update(
        &self,
        user: &User,
        id: &EntryId,
        input: &EntryInput,
        message: &str,
        base: Option<u32>,
    ) -> Result<EntryView, CatalogError> {
        let current = self.editable(user, id)?;
        if current.retired {
            return Err(CatalogError::Conflict(
                "This entry is retired: an admin must restore it before it can change.".into(),
            ));
        }
        let mut valid = self.validate(user, input, Some(id))?;
        // The id is the address: an edit cannot move the entry.
        valid.slug = id.slug.clone();
        // Publishing a draft, or taking an entry back to draft, is said in the history.
        let action = match (current.entry.meta.is_draft(), valid.meta.is_draft()) {
            (true, false) => RevisionAction::Publish,
            (false, true) => RevisionAction::Unpublish,
            _ => RevisionAction::Edit,
        };
        self.write(user, id, action, &valid, message, base)
    }

    /// Retires (hides) or restores an entry, keeping its history. Restoring needs an admin.
    /// With `base`, only if revision `base` is still the latest.
    pub fn set_retired(
        &self,
        user: &User,
        id: &EntryId,
        retired: bool,
        message: &str,
        base: Option<u32>,
    ) -> Result<EntryView, CatalogError> {
        let current = self.editable(user, id)?;
        if !retired && user.role != Role::Admin {
            return Err(CatalogError::Forbidden(
                "only an admin can restore a retired entry".into(),
            ));
        }
        let valid = ValidEntry {
            slug: id.slug.clone(),
            jurisdiction: None,
            meta: current.entry.meta,
            body_markdown: current.entry.body_markdown,
        };
        let action = if retired {
            RevisionAction::Retire
        } else {
            RevisionAction::Restore
        };
        self.write(user, id, action, &valid, message, base)
    }

    fn write(
        &self,
        user: &User,
        id: &EntryId,
        action: RevisionAction,
        valid: &ValidEntry,
        message: &str,
        base_revision: Option<u32>,
    ) -> Result<EntryView, CatalogError> {
        let message = message.trim();
        if message.chars().count() > MAX_MESSAGE_CHARS {
            let mut problems = FieldErrors::default();
            problems.add(
                "message",
                format!("must be at most {MAX_MESSAGE_CHARS} characters"),
            );
            return Err(CatalogError::Invalid(problems));
        }
        let message = if message.is_empty() {
            action.as_str()
        } else {
            message
        };
        let saved = self.store.save_revision(NewRevision {
            id,
            action,
            meta: &valid.meta,
            body_markdown: &valid.body_markdown,
            author: Some(user.id),
            message,
            base_revision,
        })?;
        // The store has it durably; the index catches up with it (this change, and any other
        // replica's before it). If the index fails now, the next catch-up or start-up does it.
        if let Err(e) = self.catch_up_index() {
            tracing::error!(error = %e, %id, "the index could not follow a saved entry; it will on restart");
        }
        let jurisdiction = self
            .jurisdiction(id.jurisdiction.as_str())?
            .ok_or_else(|| CatalogError::NotFound(format!("entry {id} has no jurisdiction")))?;
        Ok(EntryView {
            sources: self.cited_sources(&saved.entry.meta),
            entry: saved.entry,
            jurisdiction,
            retired: saved.retired,
            revision: Some(saved.revision),
        })
    }
}
