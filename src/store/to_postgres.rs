//! `playbook migrate-store`: copies an instance's SQLite store into an empty PostgreSQL one,
//! every row as it is (ids, password and token hashes, revisions, the audit log, saved
//! briefs), in one transaction, then checks that every table holds as many rows on both
//! sides. Times are the same RFC 3339 text on both (`store::rows`), so nothing is converted
//! but SQLite's 0/1 flags to booleans.

use std::path::Path;

use tokio_postgres::types::ToSql;

use super::{PgStore, SqliteStore, StoreError};

/// How a column is read from SQLite and written to PostgreSQL.
#[derive(Clone, Copy)]
enum Kind {
    /// Text (NULL allowed).
    Text,
    /// An integer (NULL allowed).
    Int,
    /// SQLite's 0/1, PostgreSQL's boolean.
    Flag,
}

/// One table, its columns in the order both schemas name them; parents before children.
struct Table {
    name: &'static str,
    columns: &'static [(&'static str, Kind)],
    /// Whether its `id` comes from a sequence, to be moved past the copied ids.
    serial_id: bool,
}

use Kind::{Flag, Int, Text};

const TABLES: &[Table] = &[
    Table {
        name: "jurisdictions",
        columns: &[
            ("slug", Text),
            ("name", Text),
            ("state", Text),
            ("level", Text),
            ("body_markdown", Text),
            ("curated", Flag),
            ("created_at", Text),
        ],
        serial_id: false,
    },
    Table {
        name: "users",
        columns: &[
            ("id", Int),
            ("email", Text),
            ("jurisdiction", Text),
            ("role", Text),
            ("password_hash", Text),
            ("must_change_password", Flag),
            ("created_at", Text),
            ("disabled_at", Text),
        ],
        serial_id: true,
    },
    Table {
        name: "api_tokens",
        columns: &[
            ("id", Int),
            ("user_id", Int),
            ("label", Text),
            ("prefix", Text),
            ("token_hash", Text),
            ("created_at", Text),
            ("last_used_at", Text),
            ("revoked_at", Text),
        ],
        serial_id: true,
    },
    Table {
        name: "sessions",
        columns: &[
            ("token_hash", Text),
            ("user_id", Int),
            ("csrf_token", Text),
            ("created_at", Text),
            ("expires_at", Text),
        ],
        serial_id: false,
    },
    Table {
        name: "feed_tokens",
        columns: &[("user_id", Int), ("token_hash", Text), ("created_at", Text)],
        serial_id: false,
    },
    Table {
        name: "entries",
        columns: &[
            ("id", Text),
            ("jurisdiction", Text),
            ("slug", Text),
            ("current_revision", Int),
            ("retired", Flag),
            ("created_at", Text),
            ("updated_at", Text),
        ],
        serial_id: false,
    },
    Table {
        name: "revisions",
        columns: &[
            ("id", Int),
            ("entry_id", Text),
            ("number", Int),
            ("action", Text),
            ("front_matter", Text),
            ("body_markdown", Text),
            ("author_id", Int),
            ("message", Text),
            ("created_at", Text),
        ],
        serial_id: true,
    },
    Table {
        name: "audit_log",
        columns: &[
            ("id", Int),
            ("at", Text),
            ("actor_id", Int),
            ("action", Text),
            ("detail", Text),
        ],
        serial_id: true,
    },
    Table {
        name: "briefs",
        columns: &[
            ("id", Text),
            ("owner_id", Int),
            ("title", Text),
            ("prepared_for", Text),
            ("intro", Text),
            ("sharing", Text),
            ("created_at", Text),
            ("updated_at", Text),
        ],
        serial_id: false,
    },
    Table {
        name: "brief_entries",
        columns: &[
            ("brief_id", Text),
            ("position", Int),
            ("entry_id", Text),
            ("note", Text),
        ],
        serial_id: false,
    },
];

/// One value on its way across.
enum Value {
    Text(Option<String>),
    Int(Option<i64>),
    Flag(bool),
}

impl Value {
    fn read(row: &rusqlite::Row<'_>, i: usize, kind: Kind) -> rusqlite::Result<Value> {
        Ok(match kind {
            Kind::Text => Value::Text(row.get(i)?),
            Kind::Int => Value::Int(row.get(i)?),
            Kind::Flag => Value::Flag(row.get::<_, i64>(i)? != 0),
        })
    }

    fn as_sql(&self) -> &(dyn ToSql + Sync) {
        match self {
            Value::Text(v) => v,
            Value::Int(v) => v,
            Value::Flag(v) => v,
        }
    }
}

/// Rows read from SQLite at a time.
const CHUNK_ROWS: i64 = 500;

/// The next rows of `table` after `after_rowid`, each with its rowid.
fn read_chunk(
    sqlite: &SqliteStore,
    table: &Table,
    names: &[&str],
    after_rowid: i64,
) -> Result<Vec<(i64, Vec<Value>)>, StoreError> {
    let conn = sqlite.conn();
    let mut select = conn.prepare(&format!(
        "SELECT rowid, {} FROM {} WHERE rowid > ?1 ORDER BY rowid LIMIT {CHUNK_ROWS}",
        names.join(", "),
        table.name
    ))?;
    let rows = select.query_map([after_rowid], |row| {
        let values = table
            .columns
            .iter()
            .enumerate()
            .map(|(i, (_, kind))| Value::read(row, i + 1, *kind))
            .collect::<rusqlite::Result<Vec<Value>>>()?;
        Ok((row.get::<_, i64>(0)?, values))
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// How many rows of each table were copied (and found on both sides).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopyReport {
    /// Table name and row count, in copy order.
    pub tables: Vec<(&'static str, u64)>,
}

/// Copies the SQLite store under `data_dir` into the PostgreSQL store at `url`, which must be
/// empty (migrated here if new); checks the row counts after.
pub fn copy_sqlite_to_postgres(data_dir: &Path, url: &str) -> Result<CopyReport, StoreError> {
    let database = data_dir.join(super::DATABASE_FILE);
    if !database.is_file() {
        return Err(StoreError::NotFound(format!(
            "there is no SQLite store at {}",
            database.display()
        )));
    }
    let sqlite = SqliteStore::open(data_dir)?;
    let postgres = PgStore::connect(url)?;
    postgres.block(async {
        let mut client = postgres.client().await?;
        let tx = client.transaction().await.map_err(super::postgres::pg)?;
        for table in ["users", "jurisdictions", "entries", "briefs"] {
            let rows: i64 = tx
                .query_one(&format!("SELECT COUNT(*) FROM {table}"), &[])
                .await
                .map_err(super::postgres::pg)?
                .get(0);
            if rows > 0 {
                return Err(StoreError::Conflict(format!(
                    "the PostgreSQL store is not empty ({table} has {rows} rows): copy into a new database"
                )));
            }
        }
        for table in TABLES {
            let names: Vec<&str> = table.columns.iter().map(|(name, _)| *name).collect();
            let placeholders: Vec<String> = (1..=names.len()).map(|i| format!("${i}")).collect();
            let insert = tx
                .prepare(&format!(
                    "INSERT INTO {} ({}) VALUES ({})",
                    table.name,
                    names.join(", "),
                    placeholders.join(", ")
                ))
                .await
                .map_err(super::postgres::pg)?;
            // Read in chunks, the SQLite lock held only while reading one.
            let mut after_rowid = 0_i64;
            loop {
                let chunk = read_chunk(&sqlite, table, &names, after_rowid)?;
                let Some((last, _)) = chunk.last() else {
                    break;
                };
                after_rowid = *last;
                for (_, values) in &chunk {
                    let params: Vec<&(dyn ToSql + Sync)> =
                        values.iter().map(Value::as_sql).collect();
                    tx.execute(&insert, &params)
                        .await
                        .map_err(super::postgres::pg)?;
                }
            }
            if table.serial_id {
                tx.execute(
                    &format!(
                        "SELECT setval(pg_get_serial_sequence('{0}', 'id'), \
                         COALESCE((SELECT MAX(id) FROM {0}), 1), \
                         (SELECT MAX(id) FROM {0}) IS NOT NULL)",
                        table.name
                    ),
                    &[],
                )
                .await
                .map_err(super::postgres::pg)?;
            }
        }
        tx.commit().await.map_err(super::postgres::pg)
    })?;
    // Every table holds as many rows on both sides.
    let mut tables = Vec::new();
    for table in TABLES {
        let sql = format!("SELECT COUNT(*) FROM {}", table.name);
        let here: i64 = sqlite.conn().query_row(&sql, [], |r| r.get(0))?;
        let there: i64 = postgres.block(async {
            Ok(postgres
                .client()
                .await?
                .query_one(&sql, &[])
                .await
                .map_err(super::postgres::pg)?
                .get(0))
        })?;
        if here != there {
            return Err(StoreError::Corrupt(format!(
                "{}: {here} rows in SQLite but {there} in PostgreSQL",
                table.name
            )));
        }
        tables.push((table.name, u64::try_from(here).unwrap_or(0)));
    }
    Ok(CopyReport { tables })
}
