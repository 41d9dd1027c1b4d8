//! The PostgreSQL schema's versioned migrations, applied in order by whichever process opens
//! the store first (under an advisory lock, so replicas starting together apply each once);
//! `schema_migrations` records which have run. Times are RFC 3339 text in UTC, as in SQLite
//! (`store::rows`).

/// Each migration, in order. Never edit one that has shipped: add another.
pub const MIGRATIONS: &[&str] = &[r#"
CREATE TABLE jurisdictions (
    slug TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    state TEXT,
    level TEXT NOT NULL CHECK (level IN ('city', 'county', 'state')),
    body_markdown TEXT NOT NULL DEFAULT '',
    curated BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TEXT NOT NULL
);
CREATE TABLE users (
    id BIGSERIAL PRIMARY KEY,
    email TEXT NOT NULL,
    jurisdiction TEXT NOT NULL REFERENCES jurisdictions(slug),
    role TEXT NOT NULL CHECK (role IN ('editor', 'admin')),
    password_hash TEXT NOT NULL,
    must_change_password BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TEXT NOT NULL,
    disabled_at TEXT
);
CREATE UNIQUE INDEX users_by_email ON users (lower(email));
CREATE TABLE api_tokens (
    id BIGSERIAL PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id),
    label TEXT NOT NULL,
    prefix TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    last_used_at TEXT,
    revoked_at TEXT
);
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE TABLE entries (
    id TEXT PRIMARY KEY,
    jurisdiction TEXT NOT NULL REFERENCES jurisdictions(slug),
    slug TEXT NOT NULL,
    current_revision BIGINT NOT NULL,
    retired BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX entries_by_revision ON entries (current_revision);
CREATE TABLE revisions (
    id BIGSERIAL PRIMARY KEY,
    entry_id TEXT NOT NULL REFERENCES entries(id),
    number BIGINT NOT NULL,
    action TEXT NOT NULL,
    front_matter TEXT NOT NULL,
    body_markdown TEXT NOT NULL,
    author_id BIGINT REFERENCES users(id),
    message TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (entry_id, number)
);
CREATE TABLE audit_log (
    id BIGSERIAL PRIMARY KEY,
    at TEXT NOT NULL,
    actor_id BIGINT REFERENCES users(id),
    action TEXT NOT NULL,
    detail TEXT NOT NULL
);
CREATE TABLE feed_tokens (
    user_id BIGINT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL
);
CREATE TABLE briefs (
    id TEXT PRIMARY KEY,
    owner_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    prepared_for TEXT NOT NULL DEFAULT '',
    intro TEXT NOT NULL DEFAULT '',
    sharing TEXT NOT NULL CHECK (sharing IN ('private', 'city', 'network', 'link')),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX briefs_by_owner ON briefs (owner_id, updated_at);
CREATE TABLE brief_entries (
    brief_id TEXT NOT NULL REFERENCES briefs(id) ON DELETE CASCADE,
    position BIGINT NOT NULL,
    entry_id TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (brief_id, position)
);
"#];
