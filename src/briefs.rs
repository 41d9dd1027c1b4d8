//! The briefs service: signed-in staff save briefs (a title, who it is for, an introduction,
//! entries in order with a note each) and share them within the rules of who may see what.
//! It checks what a saved brief may hold and who may read or change it; the web app and its
//! tests go through it, never the brief store. Its work is blocking (the store): async callers
//! run it on a blocking thread.

use std::sync::Arc;

use crate::accounts::secrets::{SecretError, random_hex};
use crate::playbook::EntryId;
use crate::store::{
    BriefContent, BriefItem, BriefListing, BriefStore, Sharing, StoreError, StoredBrief, User,
};

/// The most entries a brief holds, saved or not.
pub const MAX_ENTRIES: usize = 50;
/// The longest cover title or "prepared for", in characters.
pub const MAX_COVER_CHARS: usize = 200;
/// The longest introduction, in characters.
pub const MAX_INTRO_CHARS: usize = 4_000;
/// The longest note on one entry, in characters.
pub const MAX_NOTE_CHARS: usize = 1_000;
/// The most briefs one account keeps.
pub const MAX_BRIEFS_PER_ACCOUNT: usize = 100;
/// The most briefs of colleagues listed to a user.
pub const MAX_SHARED_LISTED: usize = 100;
/// A saved brief's title when its owner gives none.
pub const DEFAULT_TITLE: &str = "Brief from the City Playbook";

/// How many random bytes a brief's id holds (as hex, twice as many characters).
const ID_BYTES: usize = 12;

/// Why a briefs operation failed.
#[derive(Debug, thiserror::Error)]
pub enum BriefError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// No randomness for a new id.
    #[error(transparent)]
    Secret(#[from] SecretError),
    /// There is no such brief, or not for this user.
    #[error("There is no saved brief at this address.")]
    NotFound,
    /// What was asked is not acceptable; the reason, for the user.
    #[error("{0}")]
    Invalid(String),
}

/// Whether `text` looks like a saved brief's id, so that others are 404 before the store
/// is asked.
pub fn is_brief_id(text: &str) -> bool {
    text.len() == ID_BYTES * 2 && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// Trims and checks a brief's content: lengths within limits, each entry once.
pub fn checked(content: BriefContent) -> Result<BriefContent, BriefError> {
    let within = |what: &str, text: &str, max: usize| -> Result<String, BriefError> {
        let text = text.trim();
        if text.chars().count() > max {
            return Err(BriefError::Invalid(format!(
                "{what} is too long: at most {max} characters"
            )));
        }
        Ok(text.to_owned())
    };
    let title = within("The title", &content.title, MAX_COVER_CHARS)?;
    let prepared_for = within("\"Prepared for\"", &content.prepared_for, MAX_COVER_CHARS)?;
    let intro = within("The introduction", &content.intro, MAX_INTRO_CHARS)?;
    let mut items: Vec<BriefItem> = Vec::with_capacity(content.items.len());
    for item in content.items {
        if items.iter().any(|kept| kept.entry == item.entry) {
            continue;
        }
        let note = within(
            &format!("The note on `{}`", item.entry),
            &item.note,
            MAX_NOTE_CHARS,
        )?;
        items.push(BriefItem {
            entry: item.entry,
            note,
        });
    }
    if items.len() > MAX_ENTRIES {
        return Err(BriefError::Invalid(format!(
            "A brief holds at most {MAX_ENTRIES} entries; this one would hold {}.",
            items.len()
        )));
    }
    Ok(BriefContent {
        title: if title.is_empty() {
            DEFAULT_TITLE.to_owned()
        } else {
            title
        },
        prepared_for,
        intro,
        sharing: content.sharing,
        items,
    })
}

/// Saved briefs over a brief store.
#[derive(Clone)]
pub struct SavedBriefs {
    store: Arc<dyn BriefStore>,
}

impl SavedBriefs {
    /// The service over `store`.
    pub fn new(store: Arc<dyn BriefStore>) -> Self {
        SavedBriefs { store }
    }

    /// Saves a new brief of `owner`; its id. The caller has checked that `owner` may read
    /// each entry.
    pub fn create(&self, owner: &User, content: BriefContent) -> Result<String, BriefError> {
        let content = checked(content)?;
        if self.store.count_briefs(owner.id)? >= MAX_BRIEFS_PER_ACCOUNT {
            return Err(BriefError::Invalid(format!(
                "You have {MAX_BRIEFS_PER_ACCOUNT} saved briefs, the most an account keeps: delete one first."
            )));
        }
        let id = random_hex(ID_BYTES)?;
        self.store.add_brief(&id, owner.id, &content)?;
        Ok(id)
    }

    /// The brief `id` if `viewer` may open it; `NotFound` otherwise, as if there were none.
    pub fn readable(&self, viewer: Option<&User>, id: &str) -> Result<StoredBrief, BriefError> {
        let brief = self.find(id)?;
        if brief.readable_by(viewer) {
            Ok(brief)
        } else {
            Err(BriefError::NotFound)
        }
    }

    /// The brief `id` if `user` owns it (only its owner changes a brief); `NotFound`
    /// otherwise.
    pub fn owned(&self, user: &User, id: &str) -> Result<StoredBrief, BriefError> {
        let brief = self.find(id)?;
        if brief.owner == user.id && !user.disabled {
            Ok(brief)
        } else {
            Err(BriefError::NotFound)
        }
    }

    /// Replaces what `user`'s brief `id` says. New entries the caller has checked `user` may
    /// read.
    pub fn update(&self, user: &User, id: &str, content: BriefContent) -> Result<(), BriefError> {
        self.owned(user, id)?;
        let content = checked(content)?;
        Ok(self.store.replace_brief(id, &content)?)
    }

    /// Adds `entry` at the end of `user`'s brief `id` (a no-op when it holds it already);
    /// the caller has checked `user` may read it.
    pub fn add_entry(&self, user: &User, id: &str, entry: EntryId) -> Result<(), BriefError> {
        let mut content = self.owned(user, id)?.content;
        if content.items.iter().any(|item| item.entry == entry) {
            return Ok(());
        }
        content.items.push(BriefItem {
            entry,
            note: String::new(),
        });
        let content = checked(content)?;
        Ok(self.store.replace_brief(id, &content)?)
    }

    /// Deletes `user`'s brief `id`.
    pub fn delete(&self, user: &User, id: &str) -> Result<(), BriefError> {
        self.owned(user, id)?;
        Ok(self.store.remove_brief(id)?)
    }

    /// `user`'s own briefs, latest change first.
    pub fn of(&self, user: &User) -> Result<Vec<BriefListing>, BriefError> {
        Ok(self.store.briefs_of(user.id)?)
    }

    /// Briefs colleagues of `user`'s city share with it (or wider), latest change first.
    pub fn shared_with(&self, user: &User) -> Result<Vec<BriefListing>, BriefError> {
        Ok(self
            .store
            .briefs_shared_in(&user.jurisdiction, user.id, MAX_SHARED_LISTED)?)
    }

    fn find(&self, id: &str) -> Result<StoredBrief, BriefError> {
        if !is_brief_id(id) {
            return Err(BriefError::NotFound);
        }
        self.store.brief(id)?.ok_or(BriefError::NotFound)
    }
}

/// Parses a sharing's name from a form: 400 naming the choices otherwise.
pub fn sharing_from_form(text: &str) -> Result<Sharing, BriefError> {
    Sharing::parse(text).ok_or_else(|| {
        BriefError::Invalid(format!(
            "Choose who may open the brief: {}.",
            Sharing::ALL.map(Sharing::as_str).join(", ")
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(id: &str, note: &str) -> BriefItem {
        BriefItem {
            entry: EntryId::parse(id).expect("id"),
            note: note.into(),
        }
    }

    fn content(items: Vec<BriefItem>) -> BriefContent {
        BriefContent {
            title: "  ".into(),
            prepared_for: " Mayor ".into(),
            intro: String::new(),
            sharing: Sharing::City,
            items,
        }
    }

    #[test]
    fn content_is_trimmed_defaulted_kept_once_and_bounded() {
        let made = checked(content(vec![
            item("minneapolis-mn/a", " first "),
            item("minnesota/b", ""),
            item("minneapolis-mn/a", "again"),
        ]))
        .expect("valid");
        assert_eq!(made.title, DEFAULT_TITLE);
        assert_eq!(made.prepared_for, "Mayor");
        assert_eq!(
            made.items,
            [item("minneapolis-mn/a", "first"), item("minnesota/b", "")]
        );

        let long_note = "n".repeat(MAX_NOTE_CHARS + 1);
        let err = checked(content(vec![item("minnesota/b", &long_note)])).unwrap_err();
        assert!(err.to_string().contains("minnesota/b"), "{err}");
        let many = (0..=MAX_ENTRIES)
            .map(|n| item(&format!("minnesota/e{n}"), ""))
            .collect();
        assert!(matches!(
            checked(content(many)),
            Err(BriefError::Invalid(_))
        ));
    }

    #[test]
    fn brief_ids_are_lowercase_hex_of_the_right_length() {
        let id = random_hex(ID_BYTES).expect("random");
        assert!(is_brief_id(&id), "{id}");
        assert!(!is_brief_id(&id.to_uppercase()));
        assert!(!is_brief_id("../etc/passwd"));
        assert!(!is_brief_id(&id[1..]));
    }
}
