//! Versioned schema migrations, applied in order at start-up; `PRAGMA user_version` records
//! how many have run.

/// Each migration, in order. Never edit one that has shipped: add another.
pub const MIGRATIONS: &[&str] = &[
    r#"
CREATE TABLE jurisdictions (
    slug TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    state TEXT,
    level TEXT NOT NULL CHECK (level IN ('city', 'county', 'state')),
    body_markdown TEXT NOT NULL DEFAULT '',
    curated INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);
CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL UNIQUE COLLATE NOCASE,
    jurisdiction TEXT NOT NULL REFERENCES jurisdictions(slug),
    role TEXT NOT NULL CHECK (role IN ('editor', 'admin')),
    password_hash TEXT NOT NULL,
    must_change_password INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL
);
CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id),
    label TEXT NOT NULL,
    prefix TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    last_used_at TEXT,
    revoked_at TEXT
);
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE TABLE entries (
    id TEXT PRIMARY KEY,
    jurisdiction TEXT NOT NULL REFERENCES jurisdictions(slug),
    slug TEXT NOT NULL,
    current_revision INTEGER NOT NULL,
    retired INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE revisions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    entry_id TEXT NOT NULL REFERENCES entries(id),
    number INTEGER NOT NULL,
    action TEXT NOT NULL,
    front_matter TEXT NOT NULL,
    body_markdown TEXT NOT NULL,
    author_id INTEGER REFERENCES users(id),
    message TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (entry_id, number)
);
CREATE INDEX revisions_by_entry ON revisions(entry_id, number);
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor_id INTEGER REFERENCES users(id),
    action TEXT NOT NULL,
    detail TEXT NOT NULL
);
"#,
    r#"
ALTER TABLE users ADD COLUMN disabled_at TEXT;
"#,
    r#"
CREATE TABLE feed_tokens (
    user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL
);
"#,
    r#"
CREATE TABLE briefs (
    id TEXT PRIMARY KEY,
    owner_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    prepared_for TEXT NOT NULL DEFAULT '',
    intro TEXT NOT NULL DEFAULT '',
    sharing TEXT NOT NULL CHECK (sharing IN ('private', 'city', 'network', 'link')),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX briefs_by_owner ON briefs(owner_id, updated_at);
CREATE TABLE brief_entries (
    brief_id TEXT NOT NULL REFERENCES briefs(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    entry_id TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (brief_id, position)
);
"#,
    r#"
CREATE INDEX entries_by_revision ON entries(current_revision);
"#,
];
