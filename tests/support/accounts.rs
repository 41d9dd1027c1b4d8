//! The contribution side of a data dir: curated jurisdictions synced and a second city added,
//! accounts with passwords and API tokens made directly in the store, signed-in sessions, a
//! team of three, and a complete entry as the write API takes it.

use std::path::Path;

use city_playbook::accounts::secrets::{hash_password, hash_token, new_api_token, random_hex};
use city_playbook::config::Config;
use city_playbook::playbook::{Jurisdiction, Level, Slug, load_playbook};
use city_playbook::store::{AccountStore, EntryStore, Role, SqliteStore, UserId};
use serde_json::{Value, json};
use tempfile::TempDir;

use super::app::TestApp;
use super::playbook::real_playbook_dir;

/// A jurisdiction of the curated playbook; cities may still add their own entries to it.
pub const CITY_A: &str = "minneapolis-mn";
/// A jurisdiction added through the app, with no curated entries.
pub const CITY_B: &str = "riverton-or";
/// A curated entry of `CITY_A`: read-only through the app.
pub const CURATED_ID: &str = "minneapolis-mn/separation-ordinance";
/// The password every account made by `DataDir::account` signs in with.
pub const PASSWORD: &str = "correct horse battery staple";

/// An account made directly in the store, with its own password and one API token.
#[derive(Debug, Clone)]
pub struct Account {
    /// The user id.
    pub id: UserId,
    /// Sign-in email.
    pub email: String,
    /// The jurisdiction it edits.
    pub jurisdiction: String,
    /// Its API token.
    pub token: String,
    /// The token's displayable prefix.
    pub token_prefix: String,
}

/// A temp data dir with the store open: curated jurisdictions synced and `CITY_B` added.
pub struct DataDir {
    dir: TempDir,
    store: SqliteStore,
}

impl DataDir {
    /// A fresh data dir.
    pub fn new() -> DataDir {
        let dir = TempDir::new().expect("temp data dir");
        let store = SqliteStore::open(dir.path()).expect("the store opens");
        let loaded = load_playbook(&real_playbook_dir());
        assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
        let curated: Vec<&Jurisdiction> = loaded.playbook.jurisdictions.values().collect();
        store
            .sync_curated_jurisdictions(&curated)
            .expect("curated jurisdictions");
        store
            .add_jurisdiction(
                &Jurisdiction {
                    slug: slug(CITY_B),
                    name: "Riverton".into(),
                    state: Some("OR".into()),
                    level: Level::City,
                    body_markdown: String::new(),
                },
                None,
            )
            .expect("city B is added");
        DataDir { dir, store }
    }

    /// The folder.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// The store (a second connection beside the app's).
    pub fn store(&self) -> &SqliteStore {
        &self.store
    }

    /// Adds a user with `PASSWORD` (already chosen, so no forced change) and an API token.
    pub fn account(&self, email: &str, jurisdiction: &str, role: Role) -> Account {
        let hash = hash_password(PASSWORD).expect("hashes");
        let id = self
            .store
            .add_user(email, &slug(jurisdiction), role, &hash)
            .expect("user is added");
        self.store
            .set_password(id, &hash, false)
            .expect("password set");
        let (token, prefix, token_hash) = new_api_token().expect("token");
        self.store
            .add_token(id, "tests", &prefix, &token_hash)
            .expect("token is added");
        Account {
            id,
            email: email.to_owned(),
            jurisdiction: jurisdiction.to_owned(),
            token,
            token_prefix: prefix,
        }
    }

    /// A signed-in browser session for `account`, made in the store: (cookie, CSRF token).
    pub fn session(&self, account: &Account) -> (String, String) {
        let cookie = random_hex(32).expect("random");
        let csrf = random_hex(32).expect("random");
        let expires = chrono::Utc::now() + chrono::Duration::hours(1);
        self.store
            .add_session(&hash_token(&cookie), account.id, &csrf, expires)
            .expect("session");
        (cookie, csrf)
    }

    /// The app over the real playbook and this data dir.
    pub fn app(&self) -> TestApp {
        TestApp::with_config(Config::new(real_playbook_dir(), self.path()))
    }
}

/// A slug the test wrote itself.
pub fn slug(text: &str) -> Slug {
    Slug::parse(text).unwrap_or_else(|e| panic!("bad slug {text:?}: {e}"))
}

/// Three people: an editor of `CITY_A`, an editor of `CITY_B`, and an admin.
pub struct Team {
    /// Editor of `CITY_A`.
    pub alice: Account,
    /// Editor of `CITY_B`.
    pub bob: Account,
    /// Admin (of `minnesota`, so `CITY_A` and `CITY_B` are both other cities).
    pub admin: Account,
}

/// A data dir with a team, and the app over it.
pub fn setup() -> (DataDir, TestApp, Team) {
    let data = DataDir::new();
    let team = Team {
        alice: data.account("alice@minneapolis.example", CITY_A, Role::Editor),
        bob: data.account("bob@riverton.example", CITY_B, Role::Editor),
        admin: data.account("admin@playbook.example", "minnesota", Role::Admin),
    };
    let app = data.app();
    (data, app, team)
}

/// A complete, valid entry as the write API takes it; `word` makes it findable alone.
pub fn entry(slug: &str, word: &str) -> Value {
    json!({
        "slug": slug,
        "title": format!("Parking lot order {word}"),
        "summary": format!("The city closed its lots to federal staging ({word})."),
        "kind": "executive-order",
        "topics": ["city-property", "policing"],
        "date": "2026-01-20",
        "status": "in-effect",
        "related": [CURATED_ID],
        "sources": [{
            "title": "Executive order 2026-01",
            "publisher": "City of Example",
            "date": "2026-01-20",
            "url": "https://example.org/eo-2026-01",
            "quote": "City parking lots are not staging areas."
        }],
        "body_markdown": format!("## What happened\n\nThe mayor signed the order. {word}\n\n- Step one\n- Step two"),
        "message": "first version"
    })
}

/// `PRAGMA integrity_check` of the store's file, read with a connection of our own.
pub fn integrity_check(data: &Path) -> String {
    let conn = rusqlite::Connection::open(data.join(city_playbook::store::DATABASE_FILE))
        .expect("the database opens");
    conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .expect("integrity_check runs")
}
