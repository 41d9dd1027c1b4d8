//! What both store backends share: how rows read back become domain values (users,
//! jurisdictions, revisions), the columns they select, and times as stored: RFC 3339 text in
//! UTC, the same in SQLite and PostgreSQL, so a store copies between them verbatim.

use chrono::{DateTime, Utc};

use super::{
    ContributedEntry, NewRevision, Revision, RevisionAction, RevisionInfo, Role, StoreError, User,
};
use crate::playbook::front_matter::{SplitFile, parse_entry_meta};
use crate::playbook::{Entry, EntryId, Jurisdiction, Level, Origin, Slug};

/// Now, as stored.
pub fn now() -> String {
    Utc::now().to_rfc3339()
}

/// How stale a token's recorded last use may grow before a use records it again.
pub const TOKEN_USE_GRANULARITY: chrono::Duration = chrono::Duration::seconds(60);

/// The stored time before which a token's last use is recorded again.
pub fn token_use_recorded_before() -> String {
    (Utc::now() - TOKEN_USE_GRANULARITY).to_rfc3339()
}

/// A stored time read back.
pub fn time(text: &str) -> Result<DateTime<Utc>, StoreError> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| StoreError::Corrupt(format!("bad time `{text}`: {e}")))
}

/// Stored data that cannot be read back.
pub fn corrupt(what: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(what.to_string())
}

/// Columns of a user (`u`).
pub const USER_COLUMNS: &str = "u.id, u.email, u.jurisdiction, u.role, u.password_hash, \
     u.must_change_password, u.disabled_at IS NOT NULL";

/// A user's columns as read, before they are checked.
pub struct RawUser {
    /// Its id.
    pub id: i64,
    pub email: String,
    pub jurisdiction: String,
    pub role: String,
    pub password_hash: String,
    pub must_change_password: bool,
    pub disabled: bool,
}

/// A user read back, checked.
pub fn into_user(raw: RawUser) -> Result<User, StoreError> {
    Ok(User {
        id: raw.id,
        email: raw.email,
        jurisdiction: Slug::parse(&raw.jurisdiction).map_err(corrupt)?,
        role: Role::parse(&raw.role).ok_or_else(|| corrupt(format!("bad role {}", raw.role)))?,
        password_hash: raw.password_hash,
        must_change_password: raw.must_change_password,
        disabled: raw.disabled,
    })
}

/// A jurisdiction read back, checked.
pub fn into_jurisdiction(
    raw: (String, String, Option<String>, String, String),
) -> Result<Jurisdiction, StoreError> {
    let (slug, name, state, level, body_markdown) = raw;
    Ok(Jurisdiction {
        slug: Slug::parse(&slug).map_err(corrupt)?,
        name,
        state,
        level: Level::parse(&level).ok_or_else(|| corrupt(format!("bad level {level}")))?,
        body_markdown,
    })
}

/// Columns of a revision joined with its author.
pub const REVISION_COLUMNS: &str = "r.id, r.number, r.action, u.email, r.message, r.created_at, r.entry_id, r.front_matter, r.body_markdown, u.jurisdiction";

/// A revision's columns as read, before they are checked.
pub struct RawRevision {
    pub id: i64,
    pub number: i64,
    pub action: String,
    pub author: Option<String>,
    pub message: String,
    pub created_at: String,
    pub entry_id: String,
    pub front_matter: String,
    pub body_markdown: String,
    pub author_jurisdiction: Option<String>,
}

impl RawRevision {
    /// The revision's record.
    pub fn info(&self) -> Result<RevisionInfo, StoreError> {
        Ok(RevisionInfo {
            id: u64::try_from(self.id).map_err(corrupt)?,
            number: u32::try_from(self.number).map_err(corrupt)?,
            action: RevisionAction::parse(&self.action),
            author: self.author.clone(),
            author_jurisdiction: self
                .author_jurisdiction
                .as_deref()
                .map(Slug::parse)
                .transpose()
                .map_err(corrupt)?,
            message: self.message.clone(),
            created_at: time(&self.created_at)?,
        })
    }

    /// The entry as the revision left it.
    pub fn entry(&self) -> Result<Entry, StoreError> {
        let id = EntryId::parse(&self.entry_id).map_err(corrupt)?;
        let file = SplitFile {
            front_matter: &self.front_matter,
            front_matter_first_line: 1,
            body: &self.body_markdown,
        };
        let parsed = parse_entry_meta(file).map_err(|problems| {
            corrupt(format!(
                "revision {} of {}: {}",
                self.number,
                self.entry_id,
                problems.first().map(|p| p.message.as_str()).unwrap_or("")
            ))
        })?;
        Ok(Entry {
            id,
            meta: parsed.meta,
            body_markdown: self.body_markdown.clone(),
            origin: Origin::Contributed,
            updated: Some(time(&self.created_at)?),
        })
    }

    /// The revision with its content.
    pub fn revision(&self) -> Result<Revision, StoreError> {
        Ok(Revision {
            info: self.info()?,
            entry: self.entry()?,
        })
    }
}

/// What a backend read back after writing a revision, in its own transaction.
pub struct SavedRow {
    /// The store-wide revision number.
    pub revision: i64,
    /// The revision's number within its entry.
    pub number: i64,
    /// Whether the entry is retired now.
    pub retired: bool,
    /// The author's email, if any.
    pub author: Option<String>,
    /// The author's jurisdiction, if any.
    pub author_jurisdiction: Option<String>,
    /// When it was saved, as stored.
    pub at: String,
}

/// The entry `change` saved, as both backends answer `save_revision`.
pub fn saved_entry(
    change: &NewRevision<'_>,
    row: SavedRow,
) -> Result<ContributedEntry, StoreError> {
    let created_at = time(&row.at)?;
    Ok(ContributedEntry {
        entry: Entry {
            id: change.id.clone(),
            meta: change.meta.clone(),
            body_markdown: change.body_markdown.to_owned(),
            origin: Origin::Contributed,
            updated: Some(created_at),
        },
        retired: row.retired,
        revision: RevisionInfo {
            id: u64::try_from(row.revision).map_err(corrupt)?,
            number: u32::try_from(row.number).map_err(corrupt)?,
            action: change.action,
            author: row.author,
            author_jurisdiction: row
                .author_jurisdiction
                .as_deref()
                .map(Slug::parse)
                .transpose()
                .map_err(corrupt)?,
            message: change.message.to_owned(),
            created_at,
        },
    })
}
