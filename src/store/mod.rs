//! The contributions store, seen as three services: `EntryStore` (jurisdictions, entries and
//! every revision) for the catalog, `AccountStore` (accounts, sessions, API tokens and the
//! audit log) for the accounts service, and `BriefStore` (saved briefs) for the briefs service.
//! SQLite, one file under the data dir, implements all three.

mod briefs;
mod migrations;
mod postgres;
mod rows;
mod sqlite;
mod to_postgres;

use std::path::Path;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::playbook::{Entry, EntryId, EntryMeta, Jurisdiction, Reader, Slug};

pub use briefs::{BriefContent, BriefItem, BriefListing, BriefStore, Sharing, StoredBrief};
pub use postgres::PgStore;
pub use sqlite::{DATABASE_FILE, SqliteStore};
pub use to_postgres::{CopyReport, copy_sqlite_to_postgres};

/// A user's id.
pub type UserId = i64;

/// What a user may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Creates, edits and retires entries of their own jurisdiction.
    Editor,
    /// Any jurisdiction; restores retired entries.
    Admin,
}

impl Role {
    /// The role's name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Editor => "editor",
            Role::Admin => "admin",
        }
    }

    /// Parses `editor` or `admin`.
    pub fn parse(text: &str) -> Option<Role> {
        match text {
            "editor" => Some(Role::Editor),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }
}

/// An account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// Its id.
    pub id: UserId,
    /// Sign-in email.
    pub email: String,
    /// The jurisdiction it edits.
    pub jurisdiction: Slug,
    /// Editor or admin.
    pub role: Role,
    /// The argon2id hash of its password.
    pub password_hash: String,
    /// Whether it still has the one-time password it was given.
    pub must_change_password: bool,
    /// Whether it is disabled: it cannot sign in, and has no session or live token.
    pub disabled: bool,
}

impl User {
    /// Whether this user may write entries of `jurisdiction`.
    pub fn may_edit(&self, jurisdiction: &Slug) -> bool {
        self.role == Role::Admin || &self.jurisdiction == jurisdiction
    }

    /// What this user may read: everything as an admin, else as a member of their city.
    pub fn reader(&self) -> Reader {
        match self.role {
            Role::Admin => Reader::Admin,
            Role::Editor => Reader::Member {
                jurisdiction: self.jurisdiction.to_string(),
            },
        }
    }
}

/// What `viewer` may read; anonymous when there is none.
pub fn reader_of(viewer: Option<&User>) -> Reader {
    viewer.map_or(Reader::Anonymous, User::reader)
}

/// An API token as shown to its owner (never the token itself).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TokenInfo {
    /// Its id.
    pub id: i64,
    /// The first characters, to recognise it.
    pub prefix: String,
    /// The owner's label.
    pub label: String,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it was last used.
    pub last_used_at: Option<DateTime<Utc>>,
    /// When it was revoked.
    pub revoked_at: Option<DateTime<Utc>>,
}

/// A signed-in browser session.
#[derive(Debug, Clone)]
pub struct Session {
    /// Who is signed in.
    pub user: User,
    /// The token every form of this session must carry.
    pub csrf_token: String,
}

/// What a revision did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum RevisionAction {
    /// The entry was created.
    Create,
    /// The entry was changed.
    Edit,
    /// The entry was retired (hidden from search and listings).
    Retire,
    /// A retired entry was restored.
    Restore,
    /// A draft was published: readers beyond its city may now see it.
    Publish,
    /// A published entry was made a draft again: only its city sees it.
    Unpublish,
}

impl RevisionAction {
    /// The action's name.
    pub fn as_str(self) -> &'static str {
        match self {
            RevisionAction::Create => "create",
            RevisionAction::Edit => "edit",
            RevisionAction::Retire => "retire",
            RevisionAction::Restore => "restore",
            RevisionAction::Publish => "publish",
            RevisionAction::Unpublish => "unpublish",
        }
    }

    fn parse(text: &str) -> RevisionAction {
        match text {
            "create" => RevisionAction::Create,
            "retire" => RevisionAction::Retire,
            "restore" => RevisionAction::Restore,
            "publish" => RevisionAction::Publish,
            "unpublish" => RevisionAction::Unpublish,
            _ => RevisionAction::Edit,
        }
    }
}

/// A revision's record, without its content.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
#[schema(as = Revision)]
pub struct RevisionInfo {
    /// The store-wide revision number (the index records how far it has applied these).
    pub id: u64,
    /// The revision's number within its entry, from 1.
    pub number: u32,
    /// What it did.
    pub action: RevisionAction,
    /// Who made it: the account's email for its own city's staff and for admins; anyone else
    /// reads the author's city (`Minneapolis, MN staff`).
    pub author: Option<String>,
    /// The jurisdiction of the author's account; never sent, it decides what readers see.
    #[serde(skip)]
    pub author_jurisdiction: Option<Slug>,
    /// Why.
    pub message: String,
    /// When.
    pub created_at: DateTime<Utc>,
}

/// A revision with its full content.
#[derive(Debug, Clone)]
pub struct Revision {
    /// Its record.
    pub info: RevisionInfo,
    /// The entry as it was.
    pub entry: Entry,
}

/// A contributed entry at its current revision.
#[derive(Debug, Clone)]
pub struct ContributedEntry {
    /// The entry.
    pub entry: Entry,
    /// Whether it is retired.
    pub retired: bool,
    /// Its current revision.
    pub revision: RevisionInfo,
}

/// A change to write.
#[derive(Debug, Clone)]
pub struct NewRevision<'a> {
    /// Which entry.
    pub id: &'a EntryId,
    /// What it does; `Create` fails with `Conflict` when the id exists.
    pub action: RevisionAction,
    /// The front matter after the change.
    pub meta: &'a EntryMeta,
    /// The body after the change.
    pub body_markdown: &'a str,
    /// Who.
    pub author: Option<UserId>,
    /// Why.
    pub message: &'a str,
    /// The revision the writer started from (its number within the entry): the change is
    /// saved only if that is still the latest, `Stale` otherwise. None: saved whatever the
    /// latest is.
    pub base_revision: Option<u32>,
}

/// Why a store operation failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database failed.
    #[error("database error: {0}")]
    Database(#[from] rusqlite::Error),
    /// The thing exists already.
    #[error("{0}")]
    Conflict(String),
    /// The thing does not exist.
    #[error("{0}")]
    NotFound(String),
    /// The change started from an older revision than the latest.
    #[error("revision {current} was saved since revision {base}")]
    Stale {
        /// The revision the writer started from.
        base: u32,
        /// The latest revision.
        current: u32,
    },
    /// Stored data could not be read back.
    #[error("corrupt stored data: {0}")]
    Corrupt(String),
    /// The store's files could not be created or opened, or its database URL is unusable.
    #[error("storage error: {0}")]
    Io(String),
    /// PostgreSQL refused a statement.
    #[error("database error: {0}")]
    Postgres(String),
    /// The database cannot be reached now (no connection within the timeout, a lost one, a
    /// statement past its timeout): worth trying again later.
    #[error("{0}")]
    Unavailable(String),
    /// The database's schema is newer than this program knows: it was migrated by a newer
    /// release.
    #[error(
        "the database schema is at version {found}, newer than this program knows ({known}): run a release at least as new as the one that migrated it"
    )]
    SchemaTooNew {
        /// The version found.
        found: i64,
        /// The newest this program knows.
        known: i64,
    },
}

/// Jurisdictions, contributed entries and their revisions: what the catalog keeps.
pub trait EntryStore: Send + Sync {
    /// Adds or updates jurisdictions that come from the playbook folder.
    fn sync_curated_jurisdictions(&self, jurisdictions: &[&Jurisdiction])
    -> Result<(), StoreError>;
    /// Adds a jurisdiction, recording who did (`Conflict` if the slug exists).
    fn add_jurisdiction(
        &self,
        jurisdiction: &Jurisdiction,
        actor: Option<UserId>,
    ) -> Result<(), StoreError>;
    /// A jurisdiction by slug.
    fn jurisdiction(&self, slug: &str) -> Result<Option<Jurisdiction>, StoreError>;
    /// Every jurisdiction.
    fn jurisdictions(&self) -> Result<Vec<Jurisdiction>, StoreError>;

    /// Writes a revision, the entry's new state and an audit record in one durable
    /// transaction.
    fn save_revision(&self, change: NewRevision<'_>) -> Result<ContributedEntry, StoreError>;
    /// A contributed entry, retired or not.
    fn entry(&self, id: &EntryId) -> Result<Option<ContributedEntry>, StoreError>;
    /// Every contributed entry.
    fn entries(&self) -> Result<Vec<ContributedEntry>, StoreError>;
    /// Entries changed by revisions after `revision`.
    fn entries_changed_after(&self, revision: u64) -> Result<Vec<ContributedEntry>, StoreError>;
    /// An entry's revisions, oldest first.
    fn revisions(&self, id: &EntryId) -> Result<Vec<RevisionInfo>, StoreError>;
    /// One revision with its content.
    fn revision(&self, id: &EntryId, number: u32) -> Result<Option<Revision>, StoreError>;
    /// The newest revision's number (0: none yet).
    fn latest_revision(&self) -> Result<u64, StoreError>;
    /// On a store other processes write to as well (PostgreSQL), starts waking `wake` each
    /// time any of them commits a revision, and returns true; a store only this process
    /// writes (SQLite) returns false. Waking is a hint: a missed one is caught by polling.
    fn wake_on_changes(&self, wake: Arc<tokio::sync::Notify>) -> bool {
        let _ = wake;
        false
    }
}

/// Accounts, browser sessions, API tokens and the audit log: what the accounts service keeps.
pub trait AccountStore: Send + Sync {
    /// Adds a user of an existing jurisdiction; `Conflict` if the email is taken.
    fn add_user(
        &self,
        email: &str,
        jurisdiction: &Slug,
        role: Role,
        password_hash: &str,
    ) -> Result<UserId, StoreError>;
    /// A user by email (case-insensitive).
    fn user_by_email(&self, email: &str) -> Result<Option<User>, StoreError>;
    /// Every user, by email.
    fn users(&self) -> Result<Vec<User>, StoreError>;
    /// Disables a user (ending every session and revoking every token, in one transaction)
    /// or enables one again; `NotFound` when there is no such user.
    fn set_disabled(&self, user: UserId, disabled: bool) -> Result<(), StoreError>;
    /// Replaces a user's password hash and ends every session of theirs.
    fn set_password(
        &self,
        user: UserId,
        password_hash: &str,
        must_change: bool,
    ) -> Result<(), StoreError>;

    /// Records a new API token (its hash only).
    fn add_token(
        &self,
        user: UserId,
        label: &str,
        prefix: &str,
        token_hash: &str,
    ) -> Result<i64, StoreError>;
    /// The user a live token belongs to; records its use, at most once a minute (so reading
    /// with a token writes to the store at most once a minute, not on every request).
    fn user_by_token(&self, token_hash: &str) -> Result<Option<User>, StoreError>;
    /// A user's tokens.
    fn tokens(&self, user: UserId) -> Result<Vec<TokenInfo>, StoreError>;
    /// Revokes a token of `user` (any user's when None) by id or prefix; false if none matched.
    fn revoke_token(&self, user: Option<UserId>, id_or_prefix: &str) -> Result<bool, StoreError>;

    /// Gives `user` a private feed token (its hash), replacing any they had; with None, takes
    /// theirs away.
    fn set_feed_token(&self, user: UserId, token_hash: Option<&str>) -> Result<(), StoreError>;
    /// When `user`'s private feed token was made, if they have one.
    fn feed_token_made(&self, user: UserId) -> Result<Option<DateTime<Utc>>, StoreError>;
    /// The (enabled) user a private feed token belongs to.
    fn user_by_feed_token(&self, token_hash: &str) -> Result<Option<User>, StoreError>;

    /// Starts a session.
    fn add_session(
        &self,
        token_hash: &str,
        user: UserId,
        csrf_token: &str,
        expires_at: DateTime<Utc>,
    ) -> Result<(), StoreError>;
    /// A live session.
    fn session(&self, token_hash: &str) -> Result<Option<Session>, StoreError>;
    /// Ends a session.
    fn remove_session(&self, token_hash: &str) -> Result<(), StoreError>;

    /// Appends to the audit log.
    fn audit(&self, actor: Option<UserId>, action: &str, detail: &str) -> Result<(), StoreError>;
}

/// The services of one store.
#[derive(Clone)]
pub struct Stores {
    /// Jurisdictions, entries and revisions.
    pub entries: Arc<dyn EntryStore>,
    /// Accounts, sessions, tokens and the audit log.
    pub accounts: Arc<dyn AccountStore>,
    /// Saved briefs.
    pub briefs: Arc<dyn BriefStore>,
}

impl Stores {
    /// The PostgreSQL store at `url` (migrated if needed), as every service.
    pub fn open_postgres(url: &str) -> Result<Stores, StoreError> {
        let store = Arc::new(PgStore::connect(url)?);
        Ok(Stores {
            entries: store.clone(),
            accounts: store.clone(),
            briefs: store,
        })
    }

    /// The store a data folder and an optional database URL name: PostgreSQL for a
    /// `postgres://` (or `postgresql://`) URL, else SQLite under `data_dir`.
    pub fn open(data_dir: &Path, database_url: Option<&str>) -> Result<Stores, StoreError> {
        match database_url.map(str::trim).filter(|url| !url.is_empty()) {
            Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
                Stores::open_postgres(url)
            }
            Some(_) => Err(StoreError::Io(
                "the database URL must start with postgres:// or postgresql://".into(),
            )),
            None => Stores::open_sqlite(data_dir),
        }
    }

    /// The SQLite store under `data_dir` (created if needed), as every service.
    pub fn open_sqlite(data_dir: &Path) -> Result<Stores, StoreError> {
        let store = Arc::new(SqliteStore::open(data_dir)?);
        Ok(Stores {
            entries: store.clone(),
            accounts: store.clone(),
            briefs: store,
        })
    }
}
