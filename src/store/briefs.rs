//! Saved briefs as the store keeps them: a signed-in user's brief with its cover, an
//! introduction, its entries in order with a note each, and who it is shared with. What a
//! saved brief may hold (lengths, counts) is the briefs service's to check (`crate::briefs`);
//! who may open one is `StoredBrief::readable_by`, the one rule every surface asks.

use chrono::{DateTime, Utc};

use super::{Role, StoreError, User, UserId};
use crate::playbook::{EntryId, Slug};

/// Who may open a saved brief besides its owner (and admins, who read everything). Whoever
/// opens it still sees only the entries they may read themselves.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Sharing {
    /// Its owner alone.
    #[default]
    Private,
    /// Staff of the owner's city.
    City,
    /// Signed-in staff of any member city.
    Network,
    /// Anyone with its address, signed in or not.
    Link,
}

impl Sharing {
    /// Every sharing, narrowest first.
    pub const ALL: [Sharing; 4] = [
        Sharing::Private,
        Sharing::City,
        Sharing::Network,
        Sharing::Link,
    ];

    /// Its name in forms and in the store.
    pub fn as_str(self) -> &'static str {
        match self {
            Sharing::Private => "private",
            Sharing::City => "city",
            Sharing::Network => "network",
            Sharing::Link => "link",
        }
    }

    /// Parses its name.
    pub fn parse(text: &str) -> Option<Sharing> {
        Sharing::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// Who it lets open the brief, in words for its owner.
    pub fn words(self) -> &'static str {
        match self {
            Sharing::Private => "Only you",
            Sharing::City => "Staff of your city",
            Sharing::Network => "Signed-in staff of every member city",
            Sharing::Link => "Anyone with the link, signed in or not",
        }
    }
}

/// One entry of a saved brief.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BriefItem {
    /// The entry.
    pub entry: EntryId,
    /// The owner's note on it (empty: none).
    pub note: String,
}

/// What a saved brief says: its cover, introduction, sharing and entries in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BriefContent {
    /// The cover's title.
    pub title: String,
    /// Who it is prepared for (empty: not said).
    pub prepared_for: String,
    /// An introductory note, plain text (empty: none).
    pub intro: String,
    /// Who may open it.
    pub sharing: Sharing,
    /// The entries, in order, each once.
    pub items: Vec<BriefItem>,
}

/// A saved brief as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredBrief {
    /// Its id: random, unguessable, the last part of its address.
    pub id: String,
    /// Who made it.
    pub owner: UserId,
    /// The owner's city.
    pub owner_jurisdiction: Slug,
    /// What it says.
    pub content: BriefContent,
    /// When it was made.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

impl StoredBrief {
    /// Whether `viewer` (None: not signed in) may open this brief: its owner and admins
    /// always; others as its sharing says.
    pub fn readable_by(&self, viewer: Option<&User>) -> bool {
        let Some(user) = viewer.filter(|u| !u.disabled) else {
            return self.content.sharing == Sharing::Link;
        };
        if user.id == self.owner || user.role == Role::Admin {
            return true;
        }
        match self.content.sharing {
            Sharing::Private => false,
            Sharing::City => user.jurisdiction == self.owner_jurisdiction,
            Sharing::Network | Sharing::Link => true,
        }
    }
}

/// A saved brief in a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BriefListing {
    /// Its id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Its owner's email.
    pub owner_email: String,
    /// Who may open it.
    pub sharing: Sharing,
    /// How many entries it names (some may be hidden from a reader).
    pub entries: usize,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

/// Saved briefs: what the briefs service keeps.
pub trait BriefStore: Send + Sync {
    /// Saves a new brief of `owner` under `id`.
    fn add_brief(&self, id: &str, owner: UserId, content: &BriefContent) -> Result<(), StoreError>;
    /// A brief by id.
    fn brief(&self, id: &str) -> Result<Option<StoredBrief>, StoreError>;
    /// Replaces what a brief says, in one transaction; `NotFound` when there is none.
    fn replace_brief(&self, id: &str, content: &BriefContent) -> Result<(), StoreError>;
    /// Deletes a brief; `NotFound` when there is none.
    fn remove_brief(&self, id: &str) -> Result<(), StoreError>;
    /// How many briefs `owner` has.
    fn count_briefs(&self, owner: UserId) -> Result<usize, StoreError>;
    /// `owner`'s briefs, latest change first.
    fn briefs_of(&self, owner: UserId) -> Result<Vec<BriefListing>, StoreError>;
    /// Briefs of other staff of `jurisdiction` shared with their city or wider, latest change
    /// first, at most `limit`.
    fn briefs_shared_in(
        &self,
        jurisdiction: &Slug,
        except: UserId,
        limit: usize,
    ) -> Result<Vec<BriefListing>, StoreError>;
}
