//! The SQLite store: one file under the data dir, WAL, `synchronous=FULL` (an acknowledged
//! write survives a crash), foreign keys on.
//!
//! Every write transaction starts `IMMEDIATE`, taking the write lock before it reads: two
//! processes on one file (the server and `playbook import`) then wait their turn (the busy
//! timeout) instead of one failing when its read snapshot went stale.

use std::path::Path;
use std::sync::{Mutex, MutexGuard};

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Row, TransactionBehavior, params};

use super::migrations::MIGRATIONS;
use super::rows::{
    REVISION_COLUMNS, RawRevision, RawUser, SavedRow, USER_COLUMNS, corrupt, into_jurisdiction,
    into_user, now, saved_entry, time, token_use_recorded_before,
};
use super::{
    AccountStore, ContributedEntry, EntryStore, NewRevision, Revision, RevisionAction,
    RevisionInfo, Role, Session, StoreError, TokenInfo, User, UserId,
};
use crate::playbook::write::front_matter_toml;
use crate::playbook::{EntryId, Jurisdiction, Slug};

mod briefs;

/// The database file under the data dir.
pub const DATABASE_FILE: &str = "playbook.sqlite3";

/// The SQLite implementation of `EntryStore` and `AccountStore`.
pub struct SqliteStore {
    conn: Mutex<Connection>,
}

/// Creates the database file readable and writable by its owner only (SQLite gives its WAL
/// and shared-memory files the same permissions), and narrows an existing one: it holds
/// password and token hashes.
fn restrict_to_owner(path: &Path) -> Result<(), StoreError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        let io = |e: std::io::Error| StoreError::Io(format!("{}: {e}", path.display()));
        // Never open (and close) a file descriptor of a database this process may have open:
        // closing it would drop the process's SQLite locks on the file. Create it only when
        // it is new; narrow an existing one by its path.
        let created = std::fs::OpenOptions::new()
            .create_new(true)
            .write(true)
            .mode(0o600)
            .open(path);
        match created {
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
                    .map_err(io)?;
            }
            Err(e) => return Err(io(e)),
        }
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

impl SqliteStore {
    /// Opens (creating if needed) the store under `data_dir` and applies migrations.
    pub fn open(data_dir: &Path) -> Result<SqliteStore, StoreError> {
        std::fs::create_dir_all(data_dir)
            .map_err(|e| StoreError::Io(format!("cannot create {}: {e}", data_dir.display())))?;
        let path = data_dir.join(DATABASE_FILE);
        restrict_to_owner(&path)?;
        let conn = Connection::open(&path)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        let store = SqliteStore {
            conn: Mutex::new(conn),
        };
        store.migrate()?;
        Ok(store)
    }

    pub(super) fn conn(&self) -> MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn migrate(&self) -> Result<(), StoreError> {
        let mut conn = self.conn();
        let applied: usize = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if applied > MIGRATIONS.len() {
            return Err(StoreError::SchemaTooNew {
                found: i64::try_from(applied).unwrap_or(i64::MAX),
                known: i64::try_from(MIGRATIONS.len()).unwrap_or(i64::MAX),
            });
        }
        for (number, sql) in MIGRATIONS.iter().enumerate().skip(applied) {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            tx.execute_batch(sql)?;
            tx.pragma_update(None, "user_version", number + 1)?;
            tx.commit()?;
            tracing::info!(migration = number + 1, "applied a store migration");
        }
        Ok(())
    }

    /// `PRAGMA integrity_check`: "ok" when the file is sound.
    pub fn integrity_check(&self) -> Result<String, StoreError> {
        Ok(self
            .conn()
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))?)
    }
}

fn user_from_row(row: &Row<'_>) -> rusqlite::Result<RawUser> {
    Ok(RawUser {
        id: row.get(0)?,
        email: row.get(1)?,
        jurisdiction: row.get(2)?,
        role: row.get(3)?,
        password_hash: row.get(4)?,
        must_change_password: row.get(5)?,
        disabled: row.get(6)?,
    })
}

fn jurisdiction_from_row(
    row: &Row<'_>,
) -> rusqlite::Result<(String, String, Option<String>, String, String)> {
    Ok((
        row.get(0)?,
        row.get(1)?,
        row.get(2)?,
        row.get(3)?,
        row.get(4)?,
    ))
}

fn revision_from_row(row: &Row<'_>) -> rusqlite::Result<RawRevision> {
    Ok(RawRevision {
        id: row.get(0)?,
        number: row.get(1)?,
        action: row.get(2)?,
        author: row.get(3)?,
        message: row.get(4)?,
        created_at: row.get(5)?,
        entry_id: row.get(6)?,
        front_matter: row.get(7)?,
        body_markdown: row.get(8)?,
        author_jurisdiction: row.get(9)?,
    })
}

fn contributed(
    conn: &Connection,
    where_clause: &str,
    args: &[&dyn rusqlite::ToSql],
) -> Result<Vec<ContributedEntry>, StoreError> {
    let sql = format!(
        "SELECT {REVISION_COLUMNS}, e.retired FROM entries e \
         JOIN revisions r ON r.id = e.current_revision \
         LEFT JOIN users u ON u.id = r.author_id {where_clause} ORDER BY e.id"
    );
    let mut statement = conn.prepare(&sql)?;
    let rows = statement.query_map(args, |row| {
        Ok((revision_from_row(row)?, row.get::<_, bool>(10)?))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (raw, retired) = row?;
        out.push(ContributedEntry {
            entry: raw.entry()?,
            retired,
            revision: raw.info()?,
        });
    }
    Ok(out)
}

impl EntryStore for SqliteStore {
    fn sync_curated_jurisdictions(
        &self,
        jurisdictions: &[&Jurisdiction],
    ) -> Result<(), StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        for j in jurisdictions {
            tx.execute(
                "INSERT INTO jurisdictions (slug, name, state, level, body_markdown, curated, created_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, 1, ?6) \
                 ON CONFLICT(slug) DO UPDATE SET name = ?2, state = ?3, level = ?4, body_markdown = ?5, curated = 1",
                params![j.slug.as_str(), j.name, j.state, j.level.as_str(), j.body_markdown, now()],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    fn add_jurisdiction(&self, j: &Jurisdiction, actor: Option<UserId>) -> Result<(), StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let at = now();
        let inserted = tx.execute(
            "INSERT INTO jurisdictions (slug, name, state, level, body_markdown, curated, created_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, 0, ?6) ON CONFLICT(slug) DO NOTHING",
            params![j.slug.as_str(), j.name, j.state, j.level.as_str(), j.body_markdown, at],
        )?;
        if inserted == 0 {
            return Err(StoreError::Conflict(format!(
                "jurisdiction `{}` exists already",
                j.slug
            )));
        }
        tx.execute(
            "INSERT INTO audit_log (at, actor_id, action, detail) VALUES (?1, ?2, ?3, ?4)",
            params![at, actor, "jurisdiction.add", j.slug.as_str()],
        )?;
        tx.commit()?;
        Ok(())
    }

    fn jurisdiction(&self, slug: &str) -> Result<Option<Jurisdiction>, StoreError> {
        let raw = self
            .conn()
            .query_row(
                "SELECT slug, name, state, level, body_markdown FROM jurisdictions WHERE slug = ?1",
                [slug],
                jurisdiction_from_row,
            )
            .optional()?;
        raw.map(into_jurisdiction).transpose()
    }

    fn jurisdictions(&self) -> Result<Vec<Jurisdiction>, StoreError> {
        let conn = self.conn();
        let mut statement = conn.prepare(
            "SELECT slug, name, state, level, body_markdown FROM jurisdictions ORDER BY slug",
        )?;
        let rows = statement.query_map([], jurisdiction_from_row)?;
        rows.map(|r| into_jurisdiction(r?)).collect()
    }

    fn save_revision(&self, change: NewRevision<'_>) -> Result<ContributedEntry, StoreError> {
        let id = change.id.to_string();
        let front_matter = front_matter_toml(change.meta);
        let at = now();
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let existing: Option<i64> = tx
            .query_row(
                "SELECT current_revision FROM entries WHERE id = ?1",
                [&id],
                |r| r.get(0),
            )
            .optional()?;
        match (change.action, existing) {
            (RevisionAction::Create, Some(_)) => {
                return Err(StoreError::Conflict(format!("the id {id} is taken")));
            }
            (RevisionAction::Create, None) => {
                tx.execute(
                    "INSERT INTO entries (id, jurisdiction, slug, current_revision, retired, created_at, updated_at) \
                     VALUES (?1, ?2, ?3, 0, 0, ?4, ?4)",
                    params![id, change.id.jurisdiction.as_str(), change.id.slug.as_str(), at],
                )?;
            }
            (_, None) => return Err(StoreError::NotFound(format!("no contributed entry {id}"))),
            (_, Some(_)) => {}
        }
        let number: i64 = tx.query_row(
            "SELECT COALESCE(MAX(number), 0) + 1 FROM revisions WHERE entry_id = ?1",
            [&id],
            |r| r.get(0),
        )?;
        // Checked inside the transaction that writes: two writers from the same revision
        // cannot both pass.
        if let Some(base) = change.base_revision
            && i64::from(base) != number - 1
        {
            return Err(StoreError::Stale {
                base,
                current: u32::try_from(number - 1).map_err(corrupt)?,
            });
        }
        tx.execute(
            "INSERT INTO revisions (entry_id, number, action, front_matter, body_markdown, author_id, message, created_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![id, number, change.action.as_str(), front_matter, change.body_markdown, change.author, change.message, at],
        )?;
        let revision = tx.last_insert_rowid();
        let retired = match change.action {
            RevisionAction::Retire => Some(true),
            RevisionAction::Restore => Some(false),
            _ => None,
        };
        tx.execute(
            "UPDATE entries SET current_revision = ?1, updated_at = ?2, retired = COALESCE(?3, retired) WHERE id = ?4",
            params![revision, at, retired, id],
        )?;
        tx.execute(
            "INSERT INTO audit_log (at, actor_id, action, detail) VALUES (?1, ?2, ?3, ?4)",
            params![
                at,
                change.author,
                format!("entry.{}", change.action.as_str()),
                format!("{id} revision {number}: {}", change.message)
            ],
        )?;
        let (retired, author, author_jurisdiction): (bool, Option<String>, Option<String>) = tx
            .query_row(
                "SELECT e.retired, u.email, u.jurisdiction FROM entries e \
                 LEFT JOIN users u ON u.id = ?2 WHERE e.id = ?1",
                params![id, change.author],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )?;
        tx.commit()?;
        saved_entry(
            &change,
            SavedRow {
                revision,
                number,
                retired,
                author,
                author_jurisdiction,
                at,
            },
        )
    }

    fn entry(&self, id: &EntryId) -> Result<Option<ContributedEntry>, StoreError> {
        let id = id.to_string();
        Ok(contributed(&self.conn(), "WHERE e.id = ?1", &[&id])?
            .into_iter()
            .next())
    }

    fn entries(&self) -> Result<Vec<ContributedEntry>, StoreError> {
        contributed(&self.conn(), "", &[])
    }

    fn entries_changed_after(&self, revision: u64) -> Result<Vec<ContributedEntry>, StoreError> {
        let revision = i64::try_from(revision).unwrap_or(i64::MAX);
        contributed(&self.conn(), "WHERE e.current_revision > ?1", &[&revision])
    }

    fn revisions(&self, id: &EntryId) -> Result<Vec<RevisionInfo>, StoreError> {
        let conn = self.conn();
        let mut statement = conn.prepare(&format!(
            "SELECT {REVISION_COLUMNS} FROM revisions r LEFT JOIN users u ON u.id = r.author_id \
             WHERE r.entry_id = ?1 ORDER BY r.number"
        ))?;
        let rows = statement.query_map([id.to_string()], revision_from_row)?;
        rows.map(|r| r?.info()).collect()
    }

    fn revision(&self, id: &EntryId, number: u32) -> Result<Option<Revision>, StoreError> {
        let raw = self
            .conn()
            .query_row(
                &format!(
                    "SELECT {REVISION_COLUMNS} FROM revisions r LEFT JOIN users u ON u.id = r.author_id \
                     WHERE r.entry_id = ?1 AND r.number = ?2"
                ),
                params![id.to_string(), number],
                revision_from_row,
            )
            .optional()?;
        raw.map(|r| r.revision()).transpose()
    }

    fn latest_revision(&self) -> Result<u64, StoreError> {
        self.max_revision()
    }
}

impl SqliteStore {
    fn max_revision(&self) -> Result<u64, StoreError> {
        let latest: i64 =
            self.conn()
                .query_row("SELECT COALESCE(MAX(id), 0) FROM revisions", [], |r| {
                    r.get(0)
                })?;
        u64::try_from(latest).map_err(corrupt)
    }
}

impl AccountStore for SqliteStore {
    fn add_user(
        &self,
        email: &str,
        jurisdiction: &Slug,
        role: Role,
        password_hash: &str,
    ) -> Result<UserId, StoreError> {
        let conn = self.conn();
        let known: bool = conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM jurisdictions WHERE slug = ?1)",
            [jurisdiction.as_str()],
            |r| r.get(0),
        )?;
        if !known {
            return Err(StoreError::NotFound(format!(
                "no jurisdiction `{jurisdiction}`: add it first"
            )));
        }
        let inserted = conn.execute(
            "INSERT INTO users (email, jurisdiction, role, password_hash, must_change_password, created_at) \
             VALUES (?1, ?2, ?3, ?4, 1, ?5) ON CONFLICT(email) DO NOTHING",
            params![email, jurisdiction.as_str(), role.as_str(), password_hash, now()],
        )?;
        if inserted == 0 {
            return Err(StoreError::Conflict(format!(
                "a user with email {email} exists already"
            )));
        }
        Ok(conn.last_insert_rowid())
    }

    fn user_by_email(&self, email: &str) -> Result<Option<User>, StoreError> {
        let raw = self
            .conn()
            .query_row(
                &format!("SELECT {USER_COLUMNS} FROM users u WHERE u.email = ?1"),
                [email],
                user_from_row,
            )
            .optional()?;
        raw.map(into_user).transpose()
    }

    fn users(&self) -> Result<Vec<User>, StoreError> {
        let conn = self.conn();
        let mut statement = conn.prepare(&format!(
            "SELECT {USER_COLUMNS} FROM users u ORDER BY u.email"
        ))?;
        let rows = statement.query_map([], user_from_row)?;
        rows.map(|row| into_user(row?)).collect()
    }

    fn set_disabled(&self, user: UserId, disabled: bool) -> Result<(), StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let at = now();
        let changed = tx.execute(
            "UPDATE users SET disabled_at = CASE WHEN ?2 THEN COALESCE(disabled_at, ?3) END \
             WHERE id = ?1",
            params![user, disabled, at],
        )?;
        if changed == 0 {
            return Err(StoreError::NotFound(format!("no user {user}")));
        }
        if disabled {
            tx.execute("DELETE FROM sessions WHERE user_id = ?1", [user])?;
            tx.execute("DELETE FROM feed_tokens WHERE user_id = ?1", [user])?;
            tx.execute(
                "UPDATE api_tokens SET revoked_at = ?2 WHERE user_id = ?1 AND revoked_at IS NULL",
                params![user, at],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    fn set_password(
        &self,
        user: UserId,
        password_hash: &str,
        must_change: bool,
    ) -> Result<(), StoreError> {
        let conn = self.conn();
        conn.execute(
            "UPDATE users SET password_hash = ?1, must_change_password = ?2 WHERE id = ?3",
            params![password_hash, must_change, user],
        )?;
        // A new password ends every other session.
        conn.execute("DELETE FROM sessions WHERE user_id = ?1", [user])?;
        Ok(())
    }

    fn add_token(
        &self,
        user: UserId,
        label: &str,
        prefix: &str,
        token_hash: &str,
    ) -> Result<i64, StoreError> {
        let conn = self.conn();
        conn.execute(
            "INSERT INTO api_tokens (user_id, label, prefix, token_hash, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![user, label, prefix, token_hash, now()],
        )?;
        Ok(conn.last_insert_rowid())
    }

    fn user_by_token(&self, token_hash: &str) -> Result<Option<User>, StoreError> {
        let conn = self.conn();
        let raw = conn
            .query_row(
                &format!(
                    "SELECT {USER_COLUMNS} FROM api_tokens t JOIN users u ON u.id = t.user_id \
                     WHERE t.token_hash = ?1 AND t.revoked_at IS NULL AND u.disabled_at IS NULL"
                ),
                [token_hash],
                user_from_row,
            )
            .optional()?;
        if raw.is_some() {
            conn.execute(
                "UPDATE api_tokens SET last_used_at = ?1 WHERE token_hash = ?2 \
                 AND (last_used_at IS NULL OR last_used_at < ?3)",
                params![now(), token_hash, token_use_recorded_before()],
            )?;
        }
        raw.map(into_user).transpose()
    }

    fn tokens(&self, user: UserId) -> Result<Vec<TokenInfo>, StoreError> {
        let conn = self.conn();
        let mut statement = conn.prepare(
            "SELECT id, prefix, label, created_at, last_used_at, revoked_at FROM api_tokens WHERE user_id = ?1 ORDER BY id",
        )?;
        let rows = statement.query_map([user], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, Option<String>>(4)?,
                r.get::<_, Option<String>>(5)?,
            ))
        })?;
        rows.map(|row| {
            let (id, prefix, label, created, used, revoked) = row?;
            Ok(TokenInfo {
                id,
                prefix,
                label,
                created_at: time(&created)?,
                last_used_at: used.as_deref().map(time).transpose()?,
                revoked_at: revoked.as_deref().map(time).transpose()?,
            })
        })
        .collect()
    }

    fn revoke_token(&self, user: Option<UserId>, id_or_prefix: &str) -> Result<bool, StoreError> {
        let changed = self.conn().execute(
            "UPDATE api_tokens SET revoked_at = ?1 \
             WHERE revoked_at IS NULL AND (CAST(id AS TEXT) = ?2 OR prefix = ?2) AND (?3 IS NULL OR user_id = ?3)",
            params![now(), id_or_prefix, user],
        )?;
        Ok(changed > 0)
    }

    fn set_feed_token(&self, user: UserId, token_hash: Option<&str>) -> Result<(), StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute("DELETE FROM feed_tokens WHERE user_id = ?1", [user])?;
        if let Some(hash) = token_hash {
            tx.execute(
                "INSERT INTO feed_tokens (user_id, token_hash, created_at) VALUES (?1, ?2, ?3)",
                params![user, hash, now()],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    fn feed_token_made(&self, user: UserId) -> Result<Option<DateTime<Utc>>, StoreError> {
        let made: Option<String> = self
            .conn()
            .query_row(
                "SELECT created_at FROM feed_tokens WHERE user_id = ?1",
                [user],
                |r| r.get(0),
            )
            .optional()?;
        made.as_deref().map(time).transpose()
    }

    fn user_by_feed_token(&self, token_hash: &str) -> Result<Option<User>, StoreError> {
        self.conn()
            .query_row(
                &format!(
                    "SELECT {USER_COLUMNS} FROM feed_tokens f JOIN users u ON u.id = f.user_id \
                     WHERE f.token_hash = ?1 AND u.disabled_at IS NULL"
                ),
                [token_hash],
                user_from_row,
            )
            .optional()?
            .map(into_user)
            .transpose()
    }

    fn add_session(
        &self,
        token_hash: &str,
        user: UserId,
        csrf_token: &str,
        expires_at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let conn = self.conn();
        conn.execute("DELETE FROM sessions WHERE expires_at < ?1", [now()])?;
        conn.execute(
            "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![token_hash, user, csrf_token, now(), expires_at.to_rfc3339()],
        )?;
        Ok(())
    }

    fn session(&self, token_hash: &str) -> Result<Option<Session>, StoreError> {
        let raw = self
            .conn()
            .query_row(
                &format!(
                    "SELECT {USER_COLUMNS}, s.csrf_token FROM sessions s JOIN users u ON u.id = s.user_id \
                     WHERE s.token_hash = ?1 AND s.expires_at > ?2 AND u.disabled_at IS NULL"
                ),
                params![token_hash, now()],
                |r| Ok((user_from_row(r)?, r.get::<_, String>(7)?)),
            )
            .optional()?;
        raw.map(|(user, csrf_token)| {
            Ok(Session {
                user: into_user(user)?,
                csrf_token,
            })
        })
        .transpose()
    }

    fn remove_session(&self, token_hash: &str) -> Result<(), StoreError> {
        self.conn()
            .execute("DELETE FROM sessions WHERE token_hash = ?1", [token_hash])?;
        Ok(())
    }

    fn audit(&self, actor: Option<UserId>, action: &str, detail: &str) -> Result<(), StoreError> {
        self.conn().execute(
            "INSERT INTO audit_log (at, actor_id, action, detail) VALUES (?1, ?2, ?3, ?4)",
            params![now(), actor, action, detail],
        )?;
        Ok(())
    }
}
