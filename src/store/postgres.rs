//! The PostgreSQL store, for a service many cities share: the same three services as SQLite
//! (`EntryStore`, `AccountStore`, `BriefStore`) with the same behaviour, over a pool of
//! connections (`deadpool-postgres` on `tokio-postgres`). The store's traits are blocking, as
//! their callers run them on blocking threads; each call runs its queries on the store's own
//! small runtime, so it works the same from the server, a test or the command line.
//!
//! Revisions are numbered by one sequence, and the index follows them by number
//! (`entries_changed_after`): every revision is written under one transaction-scoped advisory
//! lock, so numbers are taken and committed in the same order and a follower that has seen
//! revision N never later finds a revision below N committed (the outbox's sequence gap).
//!
//! A connection that cannot be had within `CONNECT_TIMEOUT`, or a statement running past
//! `STATEMENT_TIMEOUT`, is `StoreError::Unavailable`: the caller answers 503 rather than wait.

mod briefs;
mod schema;

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use deadpool_postgres::{Manager, ManagerConfig, Object, Pool, RecyclingMethod, Runtime};
use tokio_postgres::config::SslMode;
use tokio_postgres::{NoTls, Row};

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
use schema::MIGRATIONS;

/// How long to wait for a connection (new or from the pool) before giving up.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// How long one statement may run.
const STATEMENT_TIMEOUT: Duration = Duration::from_secs(10);
/// Connections per process.
const POOL_SIZE: usize = 16;
/// The advisory lock migrations run under ("cityplay" in ASCII).
const MIGRATION_LOCK: i64 = 0x6369_7479_706c_6179;
/// The advisory lock every revision is written under (see the module's notes).
const REVISION_LOCK: i64 = MIGRATION_LOCK + 1;

/// The channel every committed revision is announced on (its number as the payload).
const REVISIONS_CHANNEL: &str = "playbook_revisions";
/// How long the listener waits before connecting again after losing its connection.
const LISTEN_RETRY: Duration = Duration::from_secs(1);

/// The PostgreSQL implementation of every store service.
pub struct PgStore {
    pool: Pool,
    /// How to connect outside the pool (the listener's own connection).
    config: tokio_postgres::Config,
    /// The TLS connector, when the URL asks for TLS.
    tls: Option<tokio_postgres_rustls::MakeRustlsConnect>,
    /// Runs the queries; `None` only while being dropped.
    runtime: Option<tokio::runtime::Runtime>,
}

impl Drop for PgStore {
    fn drop(&mut self) {
        // Never blocks, so the store may be dropped anywhere, an async task included.
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

/// A driver error: the database's own refusal (a constraint, bad SQL) is a database error;
/// anything else (no connection, a lost one, a statement cancelled by its timeout) means the
/// database is unavailable for now.
pub(super) fn pg(e: tokio_postgres::Error) -> StoreError {
    let cancelled = e
        .code()
        .is_some_and(|code| *code == tokio_postgres::error::SqlState::QUERY_CANCELED);
    if e.as_db_error().is_some() && !cancelled {
        StoreError::Postgres(e.to_string())
    } else {
        StoreError::Unavailable(format!("the database is unavailable: {e}"))
    }
}

/// Checks a database URL, so a bad one is a clear error at start-up; the password is never
/// repeated back.
pub fn parse_url(url: &str) -> Result<tokio_postgres::Config, StoreError> {
    url.parse::<tokio_postgres::Config>()
        .map_err(|e| StoreError::Io(format!("the database URL cannot be read: {e}")))
}

/// A TLS connector for `sslmode=require`: rustls, checking the server against the Web PKI's
/// roots.
fn rustls_connector() -> Result<tokio_postgres_rustls::MakeRustlsConnect, StoreError> {
    let mut roots = rustls::RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(|e| StoreError::Io(format!("TLS: {e}")))?
    .with_root_certificates(roots)
    .with_no_client_auth();
    Ok(tokio_postgres_rustls::MakeRustlsConnect::new(config))
}

impl PgStore {
    /// Connects to the database at `url` (`postgres://…`) and applies migrations; refuses a
    /// schema newer than this program knows. TLS when the URL says `sslmode=require`.
    pub fn connect(url: &str) -> Result<PgStore, StoreError> {
        let mut config = parse_url(url)?;
        config.connect_timeout(CONNECT_TIMEOUT);
        config.application_name("city-playbook");
        if config.get_options().is_none() {
            config.options(format!(
                "-c statement_timeout={}",
                STATEMENT_TIMEOUT.as_millis()
            ));
        }
        let manager_config = ManagerConfig {
            recycling_method: RecyclingMethod::Fast,
        };
        let tls = if config.get_ssl_mode() == SslMode::Require {
            Some(rustls_connector()?)
        } else {
            None
        };
        let manager = match &tls {
            Some(tls) => Manager::from_config(config.clone(), tls.clone(), manager_config),
            None => Manager::from_config(config.clone(), NoTls, manager_config),
        };
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("playbook-postgres")
            .enable_all()
            .build()
            .map_err(|e| StoreError::Io(format!("cannot start the database runtime: {e}")))?;
        let pool = Pool::builder(manager)
            .max_size(POOL_SIZE)
            .runtime(Runtime::Tokio1)
            .wait_timeout(Some(CONNECT_TIMEOUT))
            .create_timeout(Some(CONNECT_TIMEOUT))
            .recycle_timeout(Some(CONNECT_TIMEOUT))
            .build()
            .map_err(|e| StoreError::Io(format!("cannot make the connection pool: {e}")))?;
        let store = PgStore {
            pool,
            config,
            tls,
            runtime: Some(runtime),
        };
        store.migrate()?;
        Ok(store)
    }

    /// Runs `work` on the store's runtime and waits for it. Call from a blocking thread.
    pub(super) fn block<T>(
        &self,
        work: impl Future<Output = Result<T, StoreError>>,
    ) -> Result<T, StoreError> {
        match &self.runtime {
            Some(runtime) => runtime.block_on(work),
            None => Err(StoreError::Unavailable("the store is closing".into())),
        }
    }

    /// A connection from the pool.
    pub(super) async fn client(&self) -> Result<Object, StoreError> {
        self.pool
            .get()
            .await
            .map_err(|e| StoreError::Unavailable(format!("the database is unavailable: {e}")))
    }

    /// Applies the migrations this database lacks, one transaction each, under an advisory
    /// lock; refuses a database whose schema is newer than this program's.
    fn migrate(&self) -> Result<(), StoreError> {
        self.block(async {
            let mut client = self.client().await?;
            let tx = client.transaction().await.map_err(pg)?;
            tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
                .await
                .map_err(pg)?;
            tx.batch_execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations (\
                 version BIGINT PRIMARY KEY, applied_at TEXT NOT NULL)",
            )
            .await
            .map_err(pg)?;
            let applied: i64 = tx
                .query_one(
                    "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
                    &[],
                )
                .await
                .map_err(pg)?
                .get(0);
            let known = i64::try_from(MIGRATIONS.len()).map_err(corrupt)?;
            if applied > known {
                return Err(StoreError::SchemaTooNew {
                    found: applied,
                    known,
                });
            }
            for (number, sql) in MIGRATIONS
                .iter()
                .enumerate()
                .skip(usize::try_from(applied).map_err(corrupt)?)
            {
                tx.batch_execute(sql).await.map_err(pg)?;
                let version = i64::try_from(number + 1).map_err(corrupt)?;
                tx.execute(
                    "INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)",
                    &[&version, &now()],
                )
                .await
                .map_err(pg)?;
                tracing::info!(migration = version, "applied a PostgreSQL migration");
            }
            tx.commit().await.map_err(pg)?;
            Ok(())
        })
    }

    /// Whether the database answers now.
    pub fn ping(&self) -> Result<(), StoreError> {
        self.block(async {
            self.client()
                .await?
                .simple_query("SELECT 1")
                .await
                .map_err(pg)?;
            Ok(())
        })
    }
}

fn user_from_row(row: &Row) -> RawUser {
    RawUser {
        id: row.get(0),
        email: row.get(1),
        jurisdiction: row.get(2),
        role: row.get(3),
        password_hash: row.get(4),
        must_change_password: row.get(5),
        disabled: row.get(6),
    }
}

fn revision_from_row(row: &Row) -> RawRevision {
    RawRevision {
        id: row.get(0),
        number: row.get(1),
        action: row.get(2),
        author: row.get(3),
        message: row.get(4),
        created_at: row.get(5),
        entry_id: row.get(6),
        front_matter: row.get(7),
        body_markdown: row.get(8),
        author_jurisdiction: row.get(9),
    }
}

const JURISDICTION_COLUMNS: &str = "slug, name, state, level, body_markdown";

fn jurisdiction_from_row(row: &Row) -> Result<Jurisdiction, StoreError> {
    into_jurisdiction((row.get(0), row.get(1), row.get(2), row.get(3), row.get(4)))
}

impl PgStore {
    /// Contributed entries at their current revision, `filter` narrowing them (its
    /// parameters `$1`… are `params`).
    fn contributed(
        &self,
        filter: &str,
        params: &[&(dyn tokio_postgres::types::ToSql + Sync)],
    ) -> Result<Vec<ContributedEntry>, StoreError> {
        self.block(async {
            let client = self.client().await?;
            let rows = client
                .query(
                    &format!(
                        "SELECT {REVISION_COLUMNS}, e.retired FROM entries e \
                         JOIN revisions r ON r.id = e.current_revision \
                         LEFT JOIN users u ON u.id = r.author_id {filter} ORDER BY e.id"
                    ),
                    params,
                )
                .await
                .map_err(pg)?;
            rows.iter()
                .map(|row| {
                    let raw = revision_from_row(row);
                    Ok(ContributedEntry {
                        entry: raw.entry()?,
                        retired: row.get(10),
                        revision: raw.info()?,
                    })
                })
                .collect()
        })
    }
}

impl EntryStore for PgStore {
    fn sync_curated_jurisdictions(
        &self,
        jurisdictions: &[&Jurisdiction],
    ) -> Result<(), StoreError> {
        self.block(async {
            let mut client = self.client().await?;
            let tx = client.transaction().await.map_err(pg)?;
            for j in jurisdictions {
                tx.execute(
                    "INSERT INTO jurisdictions (slug, name, state, level, body_markdown, curated, created_at) \
                     VALUES ($1, $2, $3, $4, $5, TRUE, $6) \
                     ON CONFLICT (slug) DO UPDATE SET name = $2, state = $3, level = $4, \
                     body_markdown = $5, curated = TRUE",
                    &[&j.slug.as_str(), &j.name, &j.state, &j.level.as_str(), &j.body_markdown, &now()],
                )
                .await
                .map_err(pg)?;
            }
            tx.commit().await.map_err(pg)
        })
    }

    fn add_jurisdiction(&self, j: &Jurisdiction, actor: Option<UserId>) -> Result<(), StoreError> {
        self.block(async {
            let mut client = self.client().await?;
            let tx = client.transaction().await.map_err(pg)?;
            let at = now();
            let inserted = tx
                .execute(
                    "INSERT INTO jurisdictions (slug, name, state, level, body_markdown, curated, created_at) \
                     VALUES ($1, $2, $3, $4, $5, FALSE, $6) ON CONFLICT (slug) DO NOTHING",
                    &[&j.slug.as_str(), &j.name, &j.state, &j.level.as_str(), &j.body_markdown, &at],
                )
                .await
                .map_err(pg)?;
            if inserted == 0 {
                return Err(StoreError::Conflict(format!(
                    "jurisdiction `{}` exists already",
                    j.slug
                )));
            }
            tx.execute(
                "INSERT INTO audit_log (at, actor_id, action, detail) VALUES ($1, $2, $3, $4)",
                &[&at, &actor, &"jurisdiction.add", &j.slug.as_str()],
            )
            .await
            .map_err(pg)?;
            tx.commit().await.map_err(pg)
        })
    }

    fn jurisdiction(&self, slug: &str) -> Result<Option<Jurisdiction>, StoreError> {
        self.block(async {
            let client = self.client().await?;
            let row = client
                .query_opt(
                    &format!("SELECT {JURISDICTION_COLUMNS} FROM jurisdictions WHERE slug = $1"),
                    &[&slug],
                )
                .await
                .map_err(pg)?;
            row.as_ref().map(jurisdiction_from_row).transpose()
        })
    }

    fn jurisdictions(&self) -> Result<Vec<Jurisdiction>, StoreError> {
        self.block(async {
            let client = self.client().await?;
            let rows = client
                .query(
                    &format!("SELECT {JURISDICTION_COLUMNS} FROM jurisdictions ORDER BY slug"),
                    &[],
                )
                .await
                .map_err(pg)?;
            rows.iter().map(jurisdiction_from_row).collect()
        })
    }

    fn save_revision(&self, change: NewRevision<'_>) -> Result<ContributedEntry, StoreError> {
        let id = change.id.to_string();
        let front_matter = front_matter_toml(change.meta);
        let at = now();
        let row = self.block(async {
            let mut client = self.client().await?;
            let tx = client.transaction().await.map_err(pg)?;
            // Revision numbers are taken and committed in one order (the module's notes).
            tx.execute("SELECT pg_advisory_xact_lock($1)", &[&REVISION_LOCK])
                .await
                .map_err(pg)?;
            let existing = tx
                .query_opt("SELECT current_revision FROM entries WHERE id = $1", &[&id])
                .await
                .map_err(pg)?;
            match (change.action, existing) {
                (RevisionAction::Create, Some(_)) => {
                    return Err(StoreError::Conflict(format!("the id {id} is taken")));
                }
                (RevisionAction::Create, None) => {
                    tx.execute(
                        "INSERT INTO entries (id, jurisdiction, slug, current_revision, retired, created_at, updated_at) \
                         VALUES ($1, $2, $3, 0, FALSE, $4, $4)",
                        &[&id, &change.id.jurisdiction.as_str(), &change.id.slug.as_str(), &at],
                    )
                    .await
                    .map_err(pg)?;
                }
                (_, None) => return Err(StoreError::NotFound(format!("no contributed entry {id}"))),
                (_, Some(_)) => {}
            }
            let number: i64 = tx
                .query_one(
                    "SELECT COALESCE(MAX(number), 0) + 1 FROM revisions WHERE entry_id = $1",
                    &[&id],
                )
                .await
                .map_err(pg)?
                .get(0);
            if let Some(base) = change.base_revision
                && i64::from(base) != number - 1
            {
                return Err(StoreError::Stale {
                    base,
                    current: u32::try_from(number - 1).map_err(corrupt)?,
                });
            }
            let revision: i64 = tx
                .query_one(
                    "INSERT INTO revisions (entry_id, number, action, front_matter, body_markdown, author_id, message, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
                    &[&id, &number, &change.action.as_str(), &front_matter, &change.body_markdown, &change.author, &change.message, &at],
                )
                .await
                .map_err(pg)?
                .get(0);
            let retired = match change.action {
                RevisionAction::Retire => Some(true),
                RevisionAction::Restore => Some(false),
                _ => None,
            };
            tx.execute(
                "UPDATE entries SET current_revision = $1, updated_at = $2, \
                 retired = COALESCE($3, retired) WHERE id = $4",
                &[&revision, &at, &retired, &id],
            )
            .await
            .map_err(pg)?;
            tx.execute(
                "INSERT INTO audit_log (at, actor_id, action, detail) VALUES ($1, $2, $3, $4)",
                &[
                    &at,
                    &change.author,
                    &format!("entry.{}", change.action.as_str()),
                    &format!("{id} revision {number}: {}", change.message),
                ],
            )
            .await
            .map_err(pg)?;
            let row = tx
                .query_one(
                    "SELECT e.retired, u.email, u.jurisdiction FROM entries e \
                     LEFT JOIN users u ON u.id = $2 WHERE e.id = $1",
                    &[&id, &change.author],
                )
                .await
                .map_err(pg)?;
            let found: (bool, Option<String>, Option<String>) = (row.get(0), row.get(1), row.get(2));
            // Delivered to listeners when (and only if) the transaction commits.
            tx.execute(
                "SELECT pg_notify($1, $2)",
                &[&REVISIONS_CHANNEL, &revision.to_string()],
            )
            .await
            .map_err(pg)?;
            tx.commit().await.map_err(pg)?;
            Ok(SavedRow {
                revision,
                number,
                retired: found.0,
                author: found.1,
                author_jurisdiction: found.2,
                at: at.clone(),
            })
        })?;
        saved_entry(&change, row)
    }

    fn entry(&self, id: &EntryId) -> Result<Option<ContributedEntry>, StoreError> {
        let id = id.to_string();
        Ok(self
            .contributed("WHERE e.id = $1", &[&id])?
            .into_iter()
            .next())
    }

    fn entries(&self) -> Result<Vec<ContributedEntry>, StoreError> {
        self.contributed("", &[])
    }

    fn entries_changed_after(&self, revision: u64) -> Result<Vec<ContributedEntry>, StoreError> {
        let revision = i64::try_from(revision).unwrap_or(i64::MAX);
        self.contributed("WHERE e.current_revision > $1", &[&revision])
    }

    fn revisions(&self, id: &EntryId) -> Result<Vec<RevisionInfo>, StoreError> {
        let id = id.to_string();
        self.block(async {
            let client = self.client().await?;
            let rows = client
                .query(
                    &format!(
                        "SELECT {REVISION_COLUMNS} FROM revisions r LEFT JOIN users u ON u.id = r.author_id \
                         WHERE r.entry_id = $1 ORDER BY r.number"
                    ),
                    &[&id],
                )
                .await
                .map_err(pg)?;
            rows.iter().map(|row| revision_from_row(row).info()).collect()
        })
    }

    fn revision(&self, id: &EntryId, number: u32) -> Result<Option<Revision>, StoreError> {
        let (id, number) = (id.to_string(), i64::from(number));
        self.block(async {
            let client = self.client().await?;
            let row = client
                .query_opt(
                    &format!(
                        "SELECT {REVISION_COLUMNS} FROM revisions r LEFT JOIN users u ON u.id = r.author_id \
                         WHERE r.entry_id = $1 AND r.number = $2"
                    ),
                    &[&id, &number],
                )
                .await
                .map_err(pg)?;
            row.map(|row| revision_from_row(&row).revision()).transpose()
        })
    }

    fn latest_revision(&self) -> Result<u64, StoreError> {
        self.block(async {
            let client = self.client().await?;
            let latest: i64 = client
                .query_one("SELECT COALESCE(MAX(id), 0) FROM revisions", &[])
                .await
                .map_err(pg)?
                .get(0);
            u64::try_from(latest).map_err(corrupt)
        })
    }

    fn wake_on_changes(&self, wake: Arc<tokio::sync::Notify>) -> bool {
        let Some(runtime) = &self.runtime else {
            return false;
        };
        let (config, tls) = (self.config.clone(), self.tls.clone());
        runtime.spawn(async move {
            loop {
                if let Err(e) = listen(&config, tls.clone(), &wake).await {
                    tracing::warn!(error = %e, "lost the database's change notifications; polling until they are back");
                }
                tokio::time::sleep(LISTEN_RETRY).await;
            }
        });
        true
    }
}

/// Listens for committed revisions on a connection of its own and wakes `wake` for each,
/// and once as soon as it listens (to catch up what was missed before); returns when the
/// connection ends.
async fn listen(
    config: &tokio_postgres::Config,
    tls: Option<tokio_postgres_rustls::MakeRustlsConnect>,
    wake: &tokio::sync::Notify,
) -> Result<(), tokio_postgres::Error> {
    match tls {
        Some(tls) => {
            let (client, connection) = config.connect(tls).await?;
            listen_on(client, connection, wake).await
        }
        None => {
            let (client, connection) = config.connect(NoTls).await?;
            listen_on(client, connection, wake).await
        }
    }
}

async fn listen_on<S, T>(
    client: tokio_postgres::Client,
    mut connection: tokio_postgres::Connection<S, T>,
    wake: &tokio::sync::Notify,
) -> Result<(), tokio_postgres::Error>
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
    T: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
{
    let listening = async {
        client
            .batch_execute(&format!("LISTEN {REVISIONS_CHANNEL}"))
            .await?;
        wake.notify_one();
        // Keeps the client (and so the connection) open while messages are read.
        std::future::pending::<Result<(), tokio_postgres::Error>>().await
    };
    let messages = async {
        while let Some(message) = std::future::poll_fn(|cx| connection.poll_message(cx)).await {
            if let tokio_postgres::AsyncMessage::Notification(_) = message? {
                wake.notify_one();
            }
        }
        Ok(())
    };
    tokio::select! {
        done = listening => done,
        done = messages => done,
    }
}

impl AccountStore for PgStore {
    fn add_user(
        &self,
        email: &str,
        jurisdiction: &Slug,
        role: Role,
        password_hash: &str,
    ) -> Result<UserId, StoreError> {
        self.block(async {
            let client = self.client().await?;
            let known: bool = client
                .query_one(
                    "SELECT EXISTS (SELECT 1 FROM jurisdictions WHERE slug = $1)",
                    &[&jurisdiction.as_str()],
                )
                .await
                .map_err(pg)?
                .get(0);
            if !known {
                return Err(StoreError::NotFound(format!(
                    "no jurisdiction `{jurisdiction}`: add it first"
                )));
            }
            let row = client
                .query_opt(
                    "INSERT INTO users (email, jurisdiction, role, password_hash, must_change_password, created_at) \
                     VALUES ($1, $2, $3, $4, TRUE, $5) ON CONFLICT DO NOTHING RETURNING id",
                    &[&email, &jurisdiction.as_str(), &role.as_str(), &password_hash, &now()],
                )
                .await
                .map_err(pg)?;
            row.map(|row| row.get(0)).ok_or_else(|| {
                StoreError::Conflict(format!("a user with email {email} exists already"))
            })
        })
    }

    fn user_by_email(&self, email: &str) -> Result<Option<User>, StoreError> {
        self.block(async {
            let client = self.client().await?;
            let row = client
                .query_opt(
                    &format!("SELECT {USER_COLUMNS} FROM users u WHERE lower(u.email) = lower($1)"),
                    &[&email],
                )
                .await
                .map_err(pg)?;
            row.map(|row| into_user(user_from_row(&row))).transpose()
        })
    }

    fn users(&self) -> Result<Vec<User>, StoreError> {
        self.block(async {
            let client = self.client().await?;
            let rows = client
                .query(
                    &format!("SELECT {USER_COLUMNS} FROM users u ORDER BY lower(u.email)"),
                    &[],
                )
                .await
                .map_err(pg)?;
            rows.iter()
                .map(|row| into_user(user_from_row(row)))
                .collect()
        })
    }

    fn set_disabled(&self, user: UserId, disabled: bool) -> Result<(), StoreError> {
        self.block(async {
            let mut client = self.client().await?;
            let tx = client.transaction().await.map_err(pg)?;
            let at = now();
            let changed = tx
                .execute(
                    "UPDATE users SET disabled_at = CASE WHEN $2 THEN COALESCE(disabled_at, $3) END \
                     WHERE id = $1",
                    &[&user, &disabled, &at],
                )
                .await
                .map_err(pg)?;
            if changed == 0 {
                return Err(StoreError::NotFound(format!("no user {user}")));
            }
            if disabled {
                tx.execute("DELETE FROM sessions WHERE user_id = $1", &[&user])
                    .await
                    .map_err(pg)?;
                tx.execute("DELETE FROM feed_tokens WHERE user_id = $1", &[&user])
                    .await
                    .map_err(pg)?;
                tx.execute(
                    "UPDATE api_tokens SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL",
                    &[&user, &at],
                )
                .await
                .map_err(pg)?;
            }
            tx.commit().await.map_err(pg)
        })
    }

    fn set_password(
        &self,
        user: UserId,
        password_hash: &str,
        must_change: bool,
    ) -> Result<(), StoreError> {
        self.block(async {
            let mut client = self.client().await?;
            let tx = client.transaction().await.map_err(pg)?;
            tx.execute(
                "UPDATE users SET password_hash = $1, must_change_password = $2 WHERE id = $3",
                &[&password_hash, &must_change, &user],
            )
            .await
            .map_err(pg)?;
            // A new password ends every other session.
            tx.execute("DELETE FROM sessions WHERE user_id = $1", &[&user])
                .await
                .map_err(pg)?;
            tx.commit().await.map_err(pg)
        })
    }

    fn add_token(
        &self,
        user: UserId,
        label: &str,
        prefix: &str,
        token_hash: &str,
    ) -> Result<i64, StoreError> {
        self.block(async {
            let client = self.client().await?;
            Ok(client
                .query_one(
                    "INSERT INTO api_tokens (user_id, label, prefix, token_hash, created_at) \
                     VALUES ($1, $2, $3, $4, $5) RETURNING id",
                    &[&user, &label, &prefix, &token_hash, &now()],
                )
                .await
                .map_err(pg)?
                .get(0))
        })
    }

    fn user_by_token(&self, token_hash: &str) -> Result<Option<User>, StoreError> {
        self.block(async {
            let client = self.client().await?;
            // Finds the user and, when its last use is older than a minute, records this one,
            // in one statement (an update that matches no row writes nothing).
            let row = client
                .query_opt(
                    &format!(
                        "WITH found AS (SELECT t.user_id FROM api_tokens t \
                         JOIN users u ON u.id = t.user_id WHERE t.token_hash = $1 \
                         AND t.revoked_at IS NULL AND u.disabled_at IS NULL), \
                         used AS (UPDATE api_tokens SET last_used_at = $2 WHERE token_hash = $1 \
                         AND revoked_at IS NULL AND (last_used_at IS NULL OR last_used_at < $3)) \
                         SELECT {USER_COLUMNS} FROM found JOIN users u ON u.id = found.user_id"
                    ),
                    &[&token_hash, &now(), &token_use_recorded_before()],
                )
                .await
                .map_err(pg)?;
            row.map(|row| into_user(user_from_row(&row))).transpose()
        })
    }

    fn tokens(&self, user: UserId) -> Result<Vec<TokenInfo>, StoreError> {
        self.block(async {
            let client = self.client().await?;
            let rows = client
                .query(
                    "SELECT id, prefix, label, created_at, last_used_at, revoked_at \
                     FROM api_tokens WHERE user_id = $1 ORDER BY id",
                    &[&user],
                )
                .await
                .map_err(pg)?;
            rows.iter()
                .map(|row| {
                    let (created, used, revoked): (String, Option<String>, Option<String>) =
                        (row.get(3), row.get(4), row.get(5));
                    Ok(TokenInfo {
                        id: row.get(0),
                        prefix: row.get(1),
                        label: row.get(2),
                        created_at: time(&created)?,
                        last_used_at: used.as_deref().map(time).transpose()?,
                        revoked_at: revoked.as_deref().map(time).transpose()?,
                    })
                })
                .collect()
        })
    }

    fn revoke_token(&self, user: Option<UserId>, id_or_prefix: &str) -> Result<bool, StoreError> {
        self.block(async {
            let client = self.client().await?;
            let changed = client
                .execute(
                    "UPDATE api_tokens SET revoked_at = $1 WHERE revoked_at IS NULL \
                     AND (id::text = $2 OR prefix = $2) AND ($3::bigint IS NULL OR user_id = $3)",
                    &[&now(), &id_or_prefix, &user],
                )
                .await
                .map_err(pg)?;
            Ok(changed > 0)
        })
    }

    fn set_feed_token(&self, user: UserId, token_hash: Option<&str>) -> Result<(), StoreError> {
        self.block(async {
            let mut client = self.client().await?;
            let tx = client.transaction().await.map_err(pg)?;
            tx.execute("DELETE FROM feed_tokens WHERE user_id = $1", &[&user])
                .await
                .map_err(pg)?;
            if let Some(hash) = token_hash {
                tx.execute(
                    "INSERT INTO feed_tokens (user_id, token_hash, created_at) VALUES ($1, $2, $3)",
                    &[&user, &hash, &now()],
                )
                .await
                .map_err(pg)?;
            }
            tx.commit().await.map_err(pg)
        })
    }

    fn feed_token_made(&self, user: UserId) -> Result<Option<DateTime<Utc>>, StoreError> {
        self.block(async {
            let client = self.client().await?;
            let row = client
                .query_opt(
                    "SELECT created_at FROM feed_tokens WHERE user_id = $1",
                    &[&user],
                )
                .await
                .map_err(pg)?;
            row.map(|row| time(&row.get::<_, String>(0))).transpose()
        })
    }

    fn user_by_feed_token(&self, token_hash: &str) -> Result<Option<User>, StoreError> {
        self.block(async {
            let client = self.client().await?;
            let row = client
                .query_opt(
                    &format!(
                        "SELECT {USER_COLUMNS} FROM feed_tokens f JOIN users u ON u.id = f.user_id \
                         WHERE f.token_hash = $1 AND u.disabled_at IS NULL"
                    ),
                    &[&token_hash],
                )
                .await
                .map_err(pg)?;
            row.map(|row| into_user(user_from_row(&row))).transpose()
        })
    }

    fn add_session(
        &self,
        token_hash: &str,
        user: UserId,
        csrf_token: &str,
        expires_at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.block(async {
            let client = self.client().await?;
            let at = now();
            client
                .execute("DELETE FROM sessions WHERE expires_at < $1", &[&at])
                .await
                .map_err(pg)?;
            client
                .execute(
                    "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at) \
                     VALUES ($1, $2, $3, $4, $5)",
                    &[&token_hash, &user, &csrf_token, &at, &expires_at.to_rfc3339()],
                )
                .await
                .map_err(pg)?;
            Ok(())
        })
    }

    fn session(&self, token_hash: &str) -> Result<Option<Session>, StoreError> {
        self.block(async {
            let client = self.client().await?;
            let row = client
                .query_opt(
                    &format!(
                        "SELECT {USER_COLUMNS}, s.csrf_token FROM sessions s JOIN users u ON u.id = s.user_id \
                         WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.disabled_at IS NULL"
                    ),
                    &[&token_hash, &now()],
                )
                .await
                .map_err(pg)?;
            row.map(|row| {
                Ok(Session {
                    user: into_user(user_from_row(&row))?,
                    csrf_token: row.get(7),
                })
            })
            .transpose()
        })
    }

    fn remove_session(&self, token_hash: &str) -> Result<(), StoreError> {
        self.block(async {
            let client = self.client().await?;
            client
                .execute("DELETE FROM sessions WHERE token_hash = $1", &[&token_hash])
                .await
                .map_err(pg)?;
            Ok(())
        })
    }

    fn audit(&self, actor: Option<UserId>, action: &str, detail: &str) -> Result<(), StoreError> {
        self.block(async {
            let client = self.client().await?;
            client
                .execute(
                    "INSERT INTO audit_log (at, actor_id, action, detail) VALUES ($1, $2, $3, $4)",
                    &[&now(), &actor, &action, &detail],
                )
                .await
                .map_err(pg)?;
            Ok(())
        })
    }
}
