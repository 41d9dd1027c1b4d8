//! The store contract (issue 13): one suite of behaviours, run against both backends, SQLite
//! (a temp data dir) and PostgreSQL (a fresh database per test): jurisdictions, users,
//! passwords, sessions, API tokens, feed tokens, entries and their revisions, saved briefs,
//! a schema newer than the program refused, and revision numbers that a follower can trust
//! while writers on two connections race (no revision committed below one already seen).
//! PostgreSQL tests skip without a server, except under CI.

mod support;

use std::collections::BTreeMap;
use std::sync::{Arc, Barrier};

use chrono::{Duration, Utc};
use city_playbook::playbook::{
    EntryFields, EntryId, EntryMeta, Jurisdiction, Level, Slug, load_playbook,
};
use city_playbook::store::{
    BriefContent, BriefItem, NewRevision, RevisionAction, Role, Sharing, StoreError, Stores,
};
use support::playbook::real_playbook_dir;
use support::postgres::{TestDatabase, run_sql};
use tempfile::TempDir;

/// One backend under test: its stores and what keeps them alive.
struct Backend {
    name: &'static str,
    stores: Stores,
    /// How to open a second, independent connection to the same store.
    reopen: Box<dyn Fn() -> Stores>,
    /// The SQLite folder or the PostgreSQL database, kept until the test ends.
    _keep: Box<dyn std::any::Any>,
    /// The PostgreSQL database's URL, when it is one.
    url: Option<String>,
}

fn sqlite() -> Backend {
    let dir = TempDir::new().expect("temp dir");
    let path = dir.path().to_owned();
    let stores = Stores::open_sqlite(&path).expect("SQLite opens");
    Backend {
        name: "SQLite",
        stores,
        reopen: Box::new(move || Stores::open_sqlite(&path).expect("SQLite opens again")),
        _keep: Box::new(dir),
        url: None,
    }
}

fn postgres() -> Option<Backend> {
    let database = TestDatabase::create()?;
    let url = database.url.clone();
    let stores = Stores::open_postgres(&url).expect("PostgreSQL opens");
    let again = url.clone();
    Some(Backend {
        name: "PostgreSQL",
        stores,
        reopen: Box::new(move || Stores::open_postgres(&again).expect("PostgreSQL opens again")),
        _keep: Box::new(database),
        url: Some(url),
    })
}

/// Runs `check` against every backend available (PostgreSQL only where a server is).
fn on_both(check: impl Fn(&Backend)) {
    check(&sqlite());
    if let Some(backend) = postgres() {
        check(&backend);
    }
}

fn slug(text: &str) -> Slug {
    Slug::parse(text).expect("slug")
}

fn city(slug_text: &str, name: &str) -> Jurisdiction {
    Jurisdiction {
        slug: slug(slug_text),
        name: name.into(),
        state: Some("OR".into()),
        level: Level::City,
        body_markdown: String::new(),
    }
}

/// The curated jurisdictions, and Riverton added: what every test starts from.
fn seeded(backend: &Backend) {
    let loaded = load_playbook(&real_playbook_dir());
    let curated: Vec<&Jurisdiction> = loaded.playbook.jurisdictions.values().collect();
    let entries = &backend.stores.entries;
    entries
        .sync_curated_jurisdictions(&curated)
        .expect("curated jurisdictions");
    entries
        .add_jurisdiction(&city("riverton-or", "Riverton"), None)
        .expect("Riverton");
}

fn meta(title: &str) -> EntryMeta {
    EntryMeta::parse(&EntryFields {
        title: Some(title.into()),
        summary: Some(format!("About {title}.")),
        kind: Some("practice".into()),
        ..EntryFields::default()
    })
    .expect("valid front matter")
}

fn entry_id(text: &str) -> EntryId {
    EntryId::parse(text).expect("id")
}

fn save(
    stores: &Stores,
    id: &EntryId,
    action: RevisionAction,
    title: &str,
    author: Option<i64>,
    base: Option<u32>,
) -> Result<city_playbook::store::ContributedEntry, StoreError> {
    stores.entries.save_revision(NewRevision {
        id,
        action,
        meta: &meta(title),
        body_markdown: &format!("Body of {title}."),
        author,
        message: title,
        base_revision: base,
    })
}

#[test]
fn jurisdictions_are_synced_added_once_and_read_back() {
    on_both(|b| {
        seeded(b);
        let entries = &b.stores.entries;
        let again = entries.add_jurisdiction(&city("riverton-or", "Riverton"), None);
        assert!(matches!(again, Err(StoreError::Conflict(_))), "{}", b.name);
        let riverton = entries.jurisdiction("riverton-or").expect("reads");
        assert_eq!(
            riverton.map(|j| j.name),
            Some("Riverton".into()),
            "{}",
            b.name
        );
        assert!(entries.jurisdiction("nowhere-xx").expect("reads").is_none());
        let all: Vec<String> = entries
            .jurisdictions()
            .expect("reads")
            .iter()
            .map(|j| j.slug.to_string())
            .collect();
        let mut sorted = all.clone();
        sorted.sort();
        assert_eq!(all, sorted, "{}: by slug", b.name);
        assert!(
            all.contains(&"minneapolis-mn".to_owned()) && all.contains(&"riverton-or".to_owned())
        );
        // Syncing again updates a curated jurisdiction in place.
        let mut renamed = entries
            .jurisdiction("minneapolis-mn")
            .expect("reads")
            .expect("there");
        renamed.name = "Minneapolis (renamed)".into();
        entries
            .sync_curated_jurisdictions(&[&renamed])
            .expect("syncs");
        let read = entries
            .jurisdiction("minneapolis-mn")
            .expect("reads")
            .expect("there");
        assert_eq!(read.name, "Minneapolis (renamed)", "{}", b.name);
    });
}

#[test]
fn users_passwords_sessions_and_disabling_behave_alike() {
    on_both(|b| {
        seeded(b);
        let accounts = &b.stores.accounts;
        let alice = accounts
            .add_user(
                "Alice@Minneapolis.example",
                &slug("minneapolis-mn"),
                Role::Editor,
                "hash-1",
            )
            .expect("added");
        let taken = accounts.add_user(
            "alice@minneapolis.example",
            &slug("riverton-or"),
            Role::Admin,
            "h",
        );
        assert!(
            matches!(taken, Err(StoreError::Conflict(_))),
            "{}: emails ignore case",
            b.name
        );
        let unknown = accounts.add_user("x@example.org", &slug("nowhere-xx"), Role::Editor, "h");
        assert!(
            matches!(unknown, Err(StoreError::NotFound(_))),
            "{}",
            b.name
        );
        let found = accounts
            .user_by_email("ALICE@minneapolis.EXAMPLE")
            .expect("reads")
            .expect("found");
        assert_eq!(
            (found.id, found.role, found.must_change_password),
            (alice, Role::Editor, true)
        );
        accounts
            .add_user(
                "bob@riverton.example",
                &slug("riverton-or"),
                Role::Admin,
                "hash-2",
            )
            .expect("added");
        let emails: Vec<String> = accounts
            .users()
            .expect("lists")
            .into_iter()
            .map(|u| u.email)
            .collect();
        assert_eq!(
            emails,
            ["Alice@Minneapolis.example", "bob@riverton.example"],
            "{}",
            b.name
        );

        let later = Utc::now() + Duration::hours(1);
        accounts
            .add_session("s1", alice, "csrf-1", later)
            .expect("session");
        accounts
            .add_session("old", alice, "csrf-0", Utc::now() - Duration::hours(1))
            .expect("session");
        let session = accounts.session("s1").expect("reads").expect("live");
        assert_eq!(
            (session.user.id, session.csrf_token.as_str()),
            (alice, "csrf-1")
        );
        assert!(
            accounts.session("old").expect("reads").is_none(),
            "{}: expired",
            b.name
        );
        accounts.remove_session("s1").expect("ends");
        assert!(accounts.session("s1").expect("reads").is_none());

        accounts
            .add_session("s2", alice, "csrf-2", later)
            .expect("session");
        accounts
            .set_password(alice, "hash-3", false)
            .expect("changes");
        assert!(
            accounts.session("s2").expect("reads").is_none(),
            "{}: a new password ends sessions",
            b.name
        );
        let changed = accounts
            .user_by_email("alice@minneapolis.example")
            .expect("reads")
            .expect("found");
        assert_eq!(
            (changed.password_hash.as_str(), changed.must_change_password),
            ("hash-3", false)
        );

        accounts
            .add_session("s3", alice, "csrf-3", later)
            .expect("session");
        accounts
            .add_token(alice, "ci", "cpb_aaaa", "token-hash-a")
            .expect("token");
        accounts
            .set_feed_token(alice, Some("feed-hash"))
            .expect("feed");
        accounts.set_disabled(alice, true).expect("disables");
        assert!(
            accounts.session("s3").expect("reads").is_none(),
            "{}",
            b.name
        );
        assert!(
            accounts
                .user_by_token("token-hash-a")
                .expect("reads")
                .is_none(),
            "{}",
            b.name
        );
        assert!(
            accounts
                .user_by_feed_token("feed-hash")
                .expect("reads")
                .is_none(),
            "{}",
            b.name
        );
        assert!(
            accounts
                .user_by_email("alice@minneapolis.example")
                .expect("reads")
                .expect("found")
                .disabled
        );
        accounts.set_disabled(alice, false).expect("enables");
        assert!(
            !accounts
                .user_by_email("alice@minneapolis.example")
                .expect("reads")
                .expect("found")
                .disabled
        );
        assert!(
            accounts
                .user_by_token("token-hash-a")
                .expect("reads")
                .is_none(),
            "{}: revoked tokens stay revoked",
            b.name
        );
        assert!(matches!(
            accounts.set_disabled(9_999, true),
            Err(StoreError::NotFound(_))
        ));
        accounts
            .audit(Some(alice), "test.audit", "recorded")
            .expect("audits");
    });
}

#[test]
fn api_and_feed_tokens_are_found_recorded_and_revoked_alike() {
    on_both(|b| {
        seeded(b);
        let accounts = &b.stores.accounts;
        let alice = accounts
            .add_user(
                "alice@minneapolis.example",
                &slug("minneapolis-mn"),
                Role::Editor,
                "h",
            )
            .expect("added");
        let bob = accounts
            .add_user(
                "bob@riverton.example",
                &slug("riverton-or"),
                Role::Editor,
                "h",
            )
            .expect("added");
        let first = accounts
            .add_token(alice, "laptop", "cpb_1111", "hash-1")
            .expect("token");
        accounts
            .add_token(alice, "server", "cpb_2222", "hash-2")
            .expect("token");
        let used = accounts
            .user_by_token("hash-1")
            .expect("reads")
            .expect("alice");
        assert_eq!(used.id, alice, "{}", b.name);
        let tokens = accounts.tokens(alice).expect("lists");
        assert_eq!(
            tokens.iter().map(|t| t.label.as_str()).collect::<Vec<_>>(),
            ["laptop", "server"]
        );
        assert!(
            tokens[0].last_used_at.is_some(),
            "{}: use is recorded",
            b.name
        );
        assert!(tokens[1].last_used_at.is_none());
        // Used again within the minute: found, but nothing written.
        assert!(accounts.user_by_token("hash-1").expect("reads").is_some());
        let again = accounts.tokens(alice).expect("lists");
        assert_eq!(
            again[0].last_used_at, tokens[0].last_used_at,
            "{}: a use within the minute is not recorded again",
            b.name
        );
        // Bob cannot revoke Alice's token; Alice can, by id or by prefix.
        assert!(
            !accounts.revoke_token(Some(bob), "cpb_1111").expect("runs"),
            "{}",
            b.name
        );
        assert!(
            accounts
                .revoke_token(Some(alice), &first.to_string())
                .expect("runs")
        );
        assert!(accounts.revoke_token(None, "cpb_2222").expect("runs"));
        assert!(
            !accounts.revoke_token(None, "cpb_2222").expect("runs"),
            "once"
        );
        assert!(accounts.user_by_token("hash-1").expect("reads").is_none());
        assert!(
            accounts
                .tokens(alice)
                .expect("lists")
                .iter()
                .all(|t| t.revoked_at.is_some())
        );

        assert!(accounts.feed_token_made(alice).expect("reads").is_none());
        accounts
            .set_feed_token(alice, Some("feed-1"))
            .expect("sets");
        assert!(accounts.feed_token_made(alice).expect("reads").is_some());
        assert_eq!(
            accounts
                .user_by_feed_token("feed-1")
                .expect("reads")
                .map(|u| u.id),
            Some(alice)
        );
        accounts
            .set_feed_token(alice, Some("feed-2"))
            .expect("replaces");
        assert!(
            accounts
                .user_by_feed_token("feed-1")
                .expect("reads")
                .is_none(),
            "{}",
            b.name
        );
        accounts.set_feed_token(alice, None).expect("removes");
        assert!(
            accounts
                .user_by_feed_token("feed-2")
                .expect("reads")
                .is_none()
        );
    });
}

#[test]
fn entries_and_revisions_behave_alike() {
    on_both(|b| {
        seeded(b);
        let author = b
            .stores
            .accounts
            .add_user(
                "alice@minneapolis.example",
                &slug("minneapolis-mn"),
                Role::Editor,
                "h",
            )
            .expect("added");
        let id = entry_id("minneapolis-mn/lot-order");
        let created = save(
            &b.stores,
            &id,
            RevisionAction::Create,
            "Lot order",
            Some(author),
            None,
        )
        .expect("created");
        assert_eq!(created.revision.number, 1);
        assert_eq!(
            created.revision.author.as_deref(),
            Some("alice@minneapolis.example")
        );
        assert_eq!(
            created
                .revision
                .author_jurisdiction
                .as_ref()
                .map(ToString::to_string),
            Some("minneapolis-mn".to_owned())
        );
        let twice = save(&b.stores, &id, RevisionAction::Create, "Again", None, None);
        assert!(matches!(twice, Err(StoreError::Conflict(_))), "{}", b.name);
        let missing = save(
            &b.stores,
            &entry_id("minneapolis-mn/none"),
            RevisionAction::Edit,
            "x",
            None,
            None,
        );
        assert!(
            matches!(missing, Err(StoreError::NotFound(_))),
            "{}",
            b.name
        );

        save(
            &b.stores,
            &id,
            RevisionAction::Edit,
            "Lot order v2",
            None,
            Some(1),
        )
        .expect("edits");
        let stale = save(
            &b.stores,
            &id,
            RevisionAction::Edit,
            "From an old copy",
            None,
            Some(1),
        );
        assert!(
            matches!(
                stale,
                Err(StoreError::Stale {
                    base: 1,
                    current: 2
                })
            ),
            "{}: {stale:?}",
            b.name
        );
        let retired = save(
            &b.stores,
            &id,
            RevisionAction::Retire,
            "Lot order v2",
            None,
            None,
        )
        .expect("retires");
        assert!(retired.retired);
        let restored = save(
            &b.stores,
            &id,
            RevisionAction::Restore,
            "Lot order v2",
            None,
            None,
        )
        .expect("restores");
        assert!(!restored.retired);

        let read = b.stores.entries.entry(&id).expect("reads").expect("there");
        assert_eq!(
            (read.entry.meta.title(), read.revision.number),
            ("Lot order v2", 4),
            "{}",
            b.name
        );
        let numbers: Vec<(u32, RevisionAction)> = b
            .stores
            .entries
            .revisions(&id)
            .expect("reads")
            .iter()
            .map(|r| (r.number, r.action))
            .collect();
        assert_eq!(
            numbers,
            [
                (1, RevisionAction::Create),
                (2, RevisionAction::Edit),
                (3, RevisionAction::Retire),
                (4, RevisionAction::Restore)
            ],
            "{}",
            b.name
        );
        let first = b
            .stores
            .entries
            .revision(&id, 1)
            .expect("reads")
            .expect("there");
        assert_eq!(first.entry.meta.title(), "Lot order");
        assert!(b.stores.entries.revision(&id, 9).expect("reads").is_none());

        let other = entry_id("riverton-or/curfew");
        save(
            &b.stores,
            &other,
            RevisionAction::Create,
            "Curfew",
            None,
            None,
        )
        .expect("created");
        let all: Vec<String> = b
            .stores
            .entries
            .entries()
            .expect("reads")
            .iter()
            .map(|e| e.entry.id.to_string())
            .collect();
        assert_eq!(
            all,
            ["minneapolis-mn/lot-order", "riverton-or/curfew"],
            "{}",
            b.name
        );
        let after = b
            .stores
            .entries
            .entries_changed_after(restored.revision.id)
            .expect("reads");
        assert_eq!(after.len(), 1, "{}: only the curfew changed since", b.name);
        assert_eq!(after[0].entry.id, other);
    });
}

#[test]
fn saved_briefs_behave_alike() {
    on_both(|b| {
        seeded(b);
        let accounts = &b.stores.accounts;
        let alice = accounts
            .add_user(
                "alice@minneapolis.example",
                &slug("minneapolis-mn"),
                Role::Editor,
                "h",
            )
            .expect("added");
        let carol = accounts
            .add_user(
                "carol@minneapolis.example",
                &slug("minneapolis-mn"),
                Role::Editor,
                "h",
            )
            .expect("added");
        let briefs = &b.stores.briefs;
        let content = |title: &str, sharing: Sharing, ids: &[&str]| BriefContent {
            title: title.into(),
            prepared_for: "The mayor".into(),
            intro: "Why.".into(),
            sharing,
            items: ids
                .iter()
                .map(|id| BriefItem {
                    entry: entry_id(id),
                    note: format!("on {id}"),
                })
                .collect(),
        };
        briefs
            .add_brief(
                "aaaaaaaaaaaaaaaaaaaaaaaa",
                alice,
                &content("One", Sharing::Private, &["minnesota/a", "minnesota/b"]),
            )
            .expect("adds");
        briefs
            .add_brief(
                "bbbbbbbbbbbbbbbbbbbbbbbb",
                alice,
                &content("Two", Sharing::City, &[]),
            )
            .expect("adds");
        let read = briefs
            .brief("aaaaaaaaaaaaaaaaaaaaaaaa")
            .expect("reads")
            .expect("there");
        assert_eq!(read.owner, alice);
        assert_eq!(read.owner_jurisdiction.to_string(), "minneapolis-mn");
        assert_eq!(
            read.content,
            content("One", Sharing::Private, &["minnesota/a", "minnesota/b"]),
            "{}",
            b.name
        );
        briefs
            .replace_brief(
                "aaaaaaaaaaaaaaaaaaaaaaaa",
                &content("One, again", Sharing::Network, &["minnesota/b"]),
            )
            .expect("replaces");
        let read = briefs
            .brief("aaaaaaaaaaaaaaaaaaaaaaaa")
            .expect("reads")
            .expect("there");
        assert_eq!(
            read.content,
            content("One, again", Sharing::Network, &["minnesota/b"]),
            "{}",
            b.name
        );
        assert!(matches!(
            briefs.replace_brief("cccccccccccccccccccccccc", &read.content),
            Err(StoreError::NotFound(_))
        ));
        assert_eq!(briefs.count_briefs(alice).expect("counts"), 2);
        let mine: Vec<(String, usize)> = briefs
            .briefs_of(alice)
            .expect("lists")
            .into_iter()
            .map(|l| (l.title, l.entries))
            .collect();
        assert_eq!(
            mine,
            [("One, again".to_owned(), 1), ("Two".to_owned(), 0)],
            "{}: latest change first",
            b.name
        );
        let shared: Vec<String> = briefs
            .briefs_shared_in(&slug("minneapolis-mn"), carol, 10)
            .expect("lists")
            .into_iter()
            .map(|l| l.title)
            .collect();
        assert_eq!(shared, ["One, again", "Two"], "{}", b.name);
        assert!(
            briefs
                .briefs_shared_in(&slug("minneapolis-mn"), carol, 1)
                .expect("lists")
                .len()
                == 1
        );
        assert!(
            briefs
                .briefs_shared_in(&slug("minneapolis-mn"), alice, 10)
                .expect("lists")
                .is_empty(),
            "not one's own"
        );
        briefs
            .remove_brief("aaaaaaaaaaaaaaaaaaaaaaaa")
            .expect("removes");
        assert!(
            briefs
                .brief("aaaaaaaaaaaaaaaaaaaaaaaa")
                .expect("reads")
                .is_none()
        );
        assert!(matches!(
            briefs.remove_brief("aaaaaaaaaaaaaaaaaaaaaaaa"),
            Err(StoreError::NotFound(_))
        ));
    });
}

#[test]
fn a_schema_newer_than_the_program_is_refused_with_a_clear_message() {
    // SQLite records its schema version in the file.
    let dir = TempDir::new().expect("temp dir");
    drop(Stores::open_sqlite(dir.path()).expect("opens"));
    let conn = rusqlite::Connection::open(dir.path().join(city_playbook::store::DATABASE_FILE))
        .expect("opens");
    conn.pragma_update(None, "user_version", 999).expect("sets");
    drop(conn);
    let refused = Stores::open_sqlite(dir.path()).err().expect("refused");
    assert!(
        refused
            .to_string()
            .contains("newer than this program knows"),
        "{refused}"
    );

    let Some(b) = postgres() else {
        return;
    };
    let url = b.url.clone().expect("a URL");
    drop(b.stores);
    run_sql(
        &url,
        &["INSERT INTO schema_migrations VALUES (999, 'later')".to_owned()],
    )
    .expect("a newer release's migration");
    let refused = Stores::open_postgres(&url).err().expect("refused");
    assert!(
        matches!(refused, StoreError::SchemaTooNew { found: 999, .. }),
        "{refused}"
    );
}

#[test]
fn a_follower_by_revision_number_misses_nothing_while_two_connections_write() {
    on_both(|b| {
        seeded(b);
        const WRITERS: usize = 4;
        const WRITES: usize = 30;
        let second = (b.reopen)();
        let connections = [b.stores.clone(), second];
        let barrier = Arc::new(Barrier::new(WRITERS + 1));
        let done = Arc::new(std::sync::atomic::AtomicBool::new(false));
        // The follower applies what changed after the highest revision it has seen, as a
        // replica's index does, while the writers run.
        let follower_stores = (b.reopen)();
        let follower = {
            let (barrier, done) = (Arc::clone(&barrier), Arc::clone(&done));
            std::thread::spawn(move || {
                let mut seen: BTreeMap<String, u64> = BTreeMap::new();
                let mut last = 0;
                barrier.wait();
                loop {
                    let finished = done.load(std::sync::atomic::Ordering::SeqCst);
                    for changed in follower_stores
                        .entries
                        .entries_changed_after(last)
                        .expect("reads")
                    {
                        last = last.max(changed.revision.id);
                        seen.insert(changed.entry.id.to_string(), changed.revision.id);
                    }
                    if finished {
                        return seen;
                    }
                }
            })
        };
        let writers: Vec<_> = (0..WRITERS)
            .map(|w| {
                let stores = connections[w % 2].clone();
                let barrier = Arc::clone(&barrier);
                std::thread::spawn(move || {
                    barrier.wait();
                    for n in 0..WRITES {
                        let id = entry_id(&format!("riverton-or/w{w}-e{}", n % 5));
                        let action = if n < 5 {
                            RevisionAction::Create
                        } else {
                            RevisionAction::Edit
                        };
                        save(
                            &stores,
                            &id,
                            action,
                            &format!("writer {w} write {n}"),
                            None,
                            None,
                        )
                        .expect("saved");
                    }
                })
            })
            .collect();
        for writer in writers {
            writer.join().expect("a writer");
        }
        done.store(true, std::sync::atomic::Ordering::SeqCst);
        let seen = follower.join().expect("the follower");
        let truth: BTreeMap<String, u64> = b
            .stores
            .entries
            .entries()
            .expect("reads")
            .into_iter()
            .map(|e| (e.entry.id.to_string(), e.revision.id))
            .collect();
        assert_eq!(truth.len(), WRITERS * 5, "{}", b.name);
        assert_eq!(seen, truth, "{}: the follower missed a revision", b.name);
    });
}
