//! Start-up: the fast path when the playbook folder is unchanged since the last full load
//! (its stamp recorded in the data dir), the full path otherwise, and curated entries read
//! from their files on demand rather than held in memory.

mod support;

use std::fs;
use std::path::Path;
use std::time::{Duration, SystemTime};

use axum::http::StatusCode;
use city_playbook::catalog::{
    Catalog, CatalogError, STAMP_FILE, StampRecord, StartError, StartOutcome,
};
use city_playbook::config::Config;
use city_playbook::playbook::{
    EntryFile, EntryId, Problem, check_playbook, load_playbook, scan_playbook,
};
use city_playbook::search::SearchRequest;
use city_playbook::search::{OpenOutcome, SearchIndex};
use city_playbook::store::{EntryStore, Stores};
use support::app::{Reply, TestApp};
use support::playbook::FixturePlaybook;
use tempfile::TempDir;

const FERRY: &str = "riverton-or/ferry-schedule";
const CURFEW: &str = "riverton-or/harbor-curfew-checklist";

/// A writable copy of the Riverton fixture, its files an hour old, and an empty data dir.
fn riverton() -> (FixturePlaybook, TempDir) {
    let fixture = FixturePlaybook::copy_of_fixture("riverton");
    age_files(fixture.dir(), Duration::from_secs(3600));
    (fixture, TempDir::new().expect("temp data dir"))
}

/// Sets every file's modification time to `age` ago: a file written moments before a scan
/// is not trusted (it could change again within the file system's timestamp resolution).
fn age_files(dir: &Path, age: Duration) {
    let time = SystemTime::now() - age;
    for item in fs::read_dir(dir).expect("read folder") {
        let path = item.expect("folder item").path();
        if path.is_dir() {
            age_files(&path, age);
        } else {
            fs::File::options()
                .write(true)
                .open(&path)
                .and_then(|f| f.set_modified(time))
                .expect("set the modification time");
        }
    }
}

/// The problems start-up refuses the playbook for; panics if it starts or fails otherwise.
fn start_problems(fixture: &FixturePlaybook, data: &Path) -> Vec<Problem> {
    match Catalog::start(fixture.dir(), data, entry_store(data)) {
        Err(StartError::Playbook(problems)) => problems,
        Err(e) => panic!("expected playbook problems, got {e:?}"),
        Ok((_, outcome)) => panic!("a broken playbook started ({outcome:?})"),
    }
}

fn start(fixture: &FixturePlaybook, data: &Path) -> (Catalog, StartOutcome) {
    Catalog::start(fixture.dir(), data, entry_store(data))
        .unwrap_or_else(|e| panic!("start-up failed: {e:?}"))
}

/// The entry store under `data`.
fn entry_store(data: &Path) -> std::sync::Arc<dyn EntryStore> {
    Stores::open_sqlite(data).expect("the store opens").entries
}

/// The ids of the first page of results for `query`, through the catalog.
fn ids(catalog: &Catalog, query: &str) -> Vec<String> {
    let results = catalog
        .search(&SearchRequest::query(query))
        .unwrap_or_else(|e| panic!("{query:?}: {e}"));
    results.hits.into_iter().map(|hit| hit.id).collect()
}

fn id(text: &str) -> EntryId {
    EntryId::parse(text).expect("an id")
}

fn body_of(catalog: &Catalog, entry: &str) -> String {
    catalog
        .entry(&id(entry))
        .expect("the entry reads")
        .expect("the entry exists")
        .entry
        .body_markdown
}

// ---------------------------------------------------------------------------------------------
// Fast and full paths.

#[test]
fn a_second_start_with_unchanged_files_takes_the_fast_path() {
    let (fixture, data) = riverton();
    let (catalog, outcome) = start(&fixture, data.path());
    assert_eq!(
        outcome,
        StartOutcome::Full(OpenOutcome::Built("no index yet".into()))
    );
    let label = "Public safety (harbor patrol)";
    assert_eq!(
        catalog.curated().topic_labels().label("public-safety"),
        label
    );
    drop(catalog);

    let (catalog, outcome) = start(&fixture, data.path());
    assert_eq!(outcome, StartOutcome::Fast);
    assert_eq!(
        catalog.curated().topic_labels().label("public-safety"),
        label,
        "the topic labels are read on the fast path too"
    );
    assert_eq!(catalog.num_entries(), 2);
    assert_eq!(ids(&catalog, "ferry"), vec![FERRY.to_owned()]);
    assert_eq!(
        ids(&catalog, "water taxi"),
        vec![FERRY.to_owned()],
        "the synonyms are read on the fast path too"
    );
    assert!(catalog.curated().jurisdiction("riverton-or").is_some());
    assert!(catalog.is_curated(&id(CURFEW)));
    assert_eq!(catalog.curated().len(), 2);
    assert!(body_of(&catalog, FERRY).contains("posted at the landing"));
    drop(catalog);

    let (_, outcome) = start(&fixture, data.path());
    assert_eq!(outcome, StartOutcome::Fast, "and again");
}

#[test]
fn files_written_moments_before_start_up_are_read_in_full_next_time_too() {
    let fixture = FixturePlaybook::copy_of_fixture("riverton");
    let data = TempDir::new().expect("temp data dir");
    let (catalog, outcome) = start(&fixture, data.path());
    assert!(matches!(outcome, StartOutcome::Full(_)), "{outcome:?}");
    drop(catalog);
    assert!(
        !data.path().join(STAMP_FILE).exists(),
        "no stamp is recorded for files that may still be changing"
    );
    let (_, outcome) = start(&fixture, data.path());
    assert_eq!(outcome, StartOutcome::Full(OpenOutcome::Reused));
}

#[test]
fn an_edited_file_takes_the_full_path_and_the_index_follows() {
    let (fixture, data) = riverton();
    drop(start(&fixture, data.path()));
    let (catalog, outcome) = start(&fixture, data.path());
    assert_eq!(outcome, StartOutcome::Fast);
    drop(catalog);

    // A new size.
    let path = fixture.entry_path(FERRY);
    let text = fs::read_to_string(&path).expect("entry") + "\nA gondola runs in summer.\n";
    fs::write(&path, text).expect("edit entry");
    age_files(fixture.dir(), Duration::from_secs(1800));
    let (catalog, outcome) = start(&fixture, data.path());
    assert_eq!(
        outcome,
        StartOutcome::Full(OpenOutcome::Built("the playbook changed".into()))
    );
    assert_eq!(ids(&catalog, "gondola"), vec![FERRY.to_owned()]);
    drop(catalog);
    let (catalog, outcome) = start(&fixture, data.path());
    assert_eq!(outcome, StartOutcome::Fast);
    assert_eq!(ids(&catalog, "gondola"), vec![FERRY.to_owned()]);
    drop(catalog);

    // Only a new modification time: the files are read, and the index is still theirs.
    age_files(fixture.dir(), Duration::from_secs(900));
    let (_, outcome) = start(&fixture, data.path());
    assert_eq!(outcome, StartOutcome::Full(OpenOutcome::Reused));

    // A new file.
    fs::write(
        fixture.dir().join("riverton-or/water-taxi.md"),
        "+++\ntitle = \"Run a water taxi\"\nsummary = \"A water taxi.\"\nkind = \"practice\"\n+++\nThe taxi runs at night.\n",
    )
    .expect("add an entry");
    age_files(fixture.dir(), Duration::from_secs(600));
    let (catalog, outcome) = start(&fixture, data.path());
    assert!(matches!(outcome, StartOutcome::Full(OpenOutcome::Built(_))));
    assert!(catalog.is_curated(&id("riverton-or/water-taxi")));
    assert_eq!(catalog.num_entries(), 3);
}

#[test]
fn a_file_broken_after_a_fast_start_is_reported_with_file_and_line_on_the_next_start() {
    let (fixture, data) = riverton();
    drop(start(&fixture, data.path()));
    let (catalog, outcome) = start(&fixture, data.path());
    assert_eq!(outcome, StartOutcome::Fast);

    let path = fixture.entry_path(CURFEW);
    fs::write(
        &path,
        "+++\ntitle = \"Curfew\"\nsummary = \"x\"\nkind = \"banana\"\n+++\nBody.\n",
    )
    .expect("break the entry");
    age_files(fixture.dir(), Duration::from_secs(1800));

    // The running catalog reads the file when asked, and says it no longer reads.
    match catalog.entry(&id(CURFEW)) {
        Err(CatalogError::CuratedUnreadable { id: bad, problem }) => {
            assert_eq!(bad, id(CURFEW));
            assert!(
                problem.contains("harbor-curfew-checklist.md:4:"),
                "{problem}"
            );
        }
        other => panic!("expected an unreadable curated entry, got {other:?}"),
    }
    drop(catalog);

    let problems = start_problems(&fixture, data.path());
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].path, path);
    assert_eq!(problems[0].line, 4);
    assert!(problems[0].message.contains("banana"), "{problems:?}");
}

#[test]
fn a_broken_jurisdiction_file_is_caught_by_the_full_path() {
    let (fixture, data) = riverton();
    drop(start(&fixture, data.path()));
    // Same size, same modification time: the stamp cannot see it; the fast path reads
    // jurisdiction files, so it falls back, and the full path reports the problem.
    let index = fixture.dir().join("riverton-or/_index.md");
    let modified = fs::metadata(&index)
        .and_then(|m| m.modified())
        .expect("mtime");
    let text = fs::read_to_string(&index).expect("_index.md");
    fs::write(&index, text.replacen("+++", "---", 1)).expect("break _index.md");
    fs::File::options()
        .write(true)
        .open(&index)
        .and_then(|f| f.set_modified(modified))
        .expect("restore the modification time");
    let scan = scan_playbook(fixture.dir()).expect("scan");
    let record = StampRecord::read(data.path()).expect("a record");
    assert_eq!(scan.stamp, record.stamp, "the stamp cannot see this edit");
    let problems = start_problems(&fixture, data.path());
    assert_eq!(problems[0].path, index, "{problems:?}");
    assert_eq!(problems[0].line, 1);
}

#[test]
fn an_index_that_does_not_match_the_record_takes_the_full_path() {
    let (fixture, data) = riverton();
    drop(start(&fixture, data.path()));
    // Another playbook's index swapped in (as `playbook reindex` over other files would).
    let other = FixturePlaybook::copy_of_fixture("riverton");
    fs::remove_file(other.entry_path(CURFEW)).expect("remove an entry");
    drop(SearchIndex::rebuild(data.path(), &other.load()).expect("rebuild"));
    let (catalog, outcome) = start(&fixture, data.path());
    assert_eq!(
        outcome,
        StartOutcome::Full(OpenOutcome::Built("the playbook changed".into()))
    );
    assert_eq!(catalog.num_entries(), 2);
    drop(catalog);

    // An unreadable index, likewise.
    fs::write(data.path().join("index/CURRENT"), "gen-0-gone").expect("write CURRENT");
    let (_, outcome) = start(&fixture, data.path());
    assert!(matches!(outcome, StartOutcome::Full(OpenOutcome::Built(_))));
}

#[test]
fn after_playbook_reindex_the_next_start_takes_the_fast_path() {
    let (fixture, data) = riverton();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_playbook"))
        .arg("reindex")
        .arg("--playbook-dir")
        .arg(fixture.dir())
        .arg("--data-dir")
        .arg(data.path())
        .env_remove("PLAYBOOK_DIR")
        .env_remove("PLAYBOOK_DATA_DIR")
        .output()
        .expect("run playbook reindex");
    assert!(output.status.success(), "{output:?}");
    let (catalog, outcome) = start(&fixture, data.path());
    assert_eq!(outcome, StartOutcome::Fast);
    assert_eq!(catalog.num_entries(), 2);
}

#[test]
fn open_current_never_builds() {
    let (fixture, data) = riverton();
    let playbook = fixture.load();
    let opened = SearchIndex::open_current(data.path(), &playbook.fingerprint, &playbook.synonyms)
        .expect("no error");
    assert!(opened.is_none());
    assert!(!data.path().join("index").exists(), "nothing was created");

    drop(SearchIndex::open(data.path(), &playbook).expect("build"));
    let opened = SearchIndex::open_current(data.path(), "another fingerprint", &playbook.synonyms)
        .expect("no error");
    assert!(opened.is_none());
    let opened = SearchIndex::open_current(data.path(), &playbook.fingerprint, &playbook.synonyms)
        .expect("no error")
        .expect("the live index matches");
    assert_eq!(opened.num_entries(), 2);
}

// ---------------------------------------------------------------------------------------------
// The stamp and its record.

#[test]
fn the_stamp_record_names_the_scanned_stamp_and_the_loaded_fingerprint() {
    let (fixture, data) = riverton();
    drop(start(&fixture, data.path()));
    let text = fs::read_to_string(data.path().join(STAMP_FILE)).expect("the record");
    let record: StampRecord = serde_json::from_str(&text).expect("whole JSON");
    let scan = scan_playbook(fixture.dir()).expect("scan");
    assert_eq!(record.stamp, scan.stamp);
    assert_eq!(
        record.fingerprint,
        load_playbook(fixture.dir()).playbook.fingerprint
    );
    let leftovers: Vec<String> = fs::read_dir(data.path())
        .expect("data dir")
        .map(|i| i.expect("item").file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with(STAMP_FILE) && name != STAMP_FILE)
        .collect();
    assert!(leftovers.is_empty(), "temp files left: {leftovers:?}");
}

#[test]
fn a_torn_or_garbage_record_means_a_full_start_that_rewrites_it() {
    let (fixture, data) = riverton();
    drop(start(&fixture, data.path()));
    let record = data.path().join(STAMP_FILE);
    let whole = fs::read_to_string(&record).expect("the record");
    // What a crash mid-write could leave if the record were written in place, and the
    // temp file of a write that never got to its rename.
    let garbage = [&whole[..whole.len() / 2], "", "\0\0\0", "{\"stamp\": 1}"];
    for content in garbage {
        fs::write(&record, content).expect("damage the record");
        fs::write(data.path().join(format!("{STAMP_FILE}.tmp")), &whole[..10])
            .expect("a torn temp file");
        let (_, outcome) = start(&fixture, data.path());
        assert_eq!(
            outcome,
            StartOutcome::Full(OpenOutcome::Reused),
            "{content:?}"
        );
        assert_eq!(fs::read_to_string(&record).expect("the record"), whole);
        let (_, outcome) = start(&fixture, data.path());
        assert_eq!(outcome, StartOutcome::Fast);
    }
}

#[test]
fn the_scan_gives_entry_ids_and_files_from_names_alone() {
    let (fixture, _data) = riverton();
    let dir = fixture.dir();
    fs::write(
        dir.join("riverton-or/night-bus.markdown"),
        "not even front matter",
    )
    .expect("a .markdown file");
    fs::write(dir.join("riverton-or/.hidden.md"), "hidden").expect("a hidden file");
    fs::write(dir.join("riverton-or/notes.txt"), "notes").expect("another file");
    let scan = scan_playbook(dir).expect("scan");
    let found: Vec<(String, EntryFile)> = scan
        .entries
        .iter()
        .map(|(id, file)| (id.to_string(), *file))
        .collect();
    assert_eq!(
        found,
        vec![
            (FERRY.to_owned(), EntryFile::Md),
            (CURFEW.to_owned(), EntryFile::Md),
            ("riverton-or/night-bus".to_owned(), EntryFile::Markdown),
        ]
    );
    assert_eq!(
        EntryFile::Markdown.path(dir, &id("riverton-or/night-bus")),
        dir.join("riverton-or/night-bus.markdown")
    );
    assert!(scan.has_synonyms);
    assert_eq!(scan.jurisdictions.len(), 1);

    // Hidden files are not part of the stamp; every other file is.
    let before = scan.stamp;
    fs::write(dir.join("riverton-or/.hidden.md"), "hidden, longer").expect("edit hidden");
    assert_eq!(scan_playbook(dir).expect("scan").stamp, before);
    fs::write(dir.join("riverton-or/notes.txt"), "notes, longer").expect("edit notes");
    assert_ne!(scan_playbook(dir).expect("scan").stamp, before);
}

/// `check_playbook` (the server's full read, keeping no contents) must judge a folder exactly
/// as `load_playbook` (what `playbook check` uses) does.
fn assert_check_agrees_with_load(dir: &Path) {
    let loaded = load_playbook(dir);
    let checked = check_playbook(dir);
    assert_eq!(checked.problems, loaded.problems, "{}", dir.display());
    assert_eq!(checked.fingerprint, loaded.playbook.fingerprint);
    assert_eq!(checked.synonyms, loaded.playbook.synonyms);
    assert_eq!(
        checked.jurisdictions.keys().collect::<Vec<_>>(),
        loaded.playbook.jurisdictions.keys().collect::<Vec<_>>()
    );
    assert_eq!(
        checked.entries.keys().collect::<Vec<_>>(),
        loaded.playbook.entries.keys().collect::<Vec<_>>()
    );
}

#[test]
fn the_full_read_without_contents_judges_like_playbook_check() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    assert_check_agrees_with_load(&root.join("playbook"));
    for fixture in ["riverton", "valid-playbook", "hostile"] {
        assert_check_agrees_with_load(&root.join("tests/fixtures").join(fixture));
    }
    let (fixture, _data) = riverton();
    let broken = |related: &str| {
        format!(
            "+++\ntitle = \"T\"\nsummary = \"S\"\nkind = \"guidance\"\nrelated = [{related}]\n+++\nBody.\n"
        )
    };
    let dir = fixture.dir().join("riverton-or");
    let files = [
        ("self.md", broken("\"riverton-or/self\"")),
        ("unknown.md", broken("\"riverton-or/nowhere\"")),
        ("twice.md", broken(&format!("\"{FERRY}\", \"{FERRY}\""))),
        ("to-invalid.md", broken("\"riverton-or/bad-kind\"")),
        (
            "bad-kind.md",
            "+++\ntitle = \"T\"\nsummary = \"S\"\nkind = \"memo\"\n+++\n".into(),
        ),
        ("ferry-schedule.markdown", broken("")),
    ];
    for (name, text) in files {
        fs::write(dir.join(name), text).expect("write a broken entry");
    }
    assert!(load_playbook(fixture.dir()).problems.len() >= 6);
    assert_check_agrees_with_load(fixture.dir());
}

// ---------------------------------------------------------------------------------------------
// Curated entries served from their files.
#[tokio::test]
async fn a_curated_entry_page_renders_its_body_read_from_the_file() {
    let (fixture, data) = riverton();
    let config = Config::new(fixture.dir(), data.path());
    drop(city_playbook::web::build_app(&config).expect("the app starts"));
    // From now on start-up takes the fast path: no entry file is read.
    assert_eq!(start(&fixture, data.path()).1, StartOutcome::Fast);
    let app = TestApp::over_data_dir(fixture.dir(), data.path());
    let page = format!("/entries/{FERRY}");

    let Reply { status, body, .. } = app.get(&page).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(
        body.contains("<h1>Publish the ferry schedule</h1>"),
        "{body}"
    );
    assert!(
        body.contains("<p>The timetable is posted at the landing and online every Monday.</p>"),
        "the body is rendered: {body}"
    );

    // The file is read when the page is asked for, not held from start-up.
    let path = fixture.entry_path(FERRY);
    let text = fs::read_to_string(&path)
        .expect("entry")
        .replace("every Monday", "every **Tuesday**");
    fs::write(&path, text).expect("edit entry");
    let Reply { status, body, .. } = app.get(&page).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(
        body.contains("online every <strong>Tuesday</strong>."),
        "{body}"
    );

    // A file broken while serving is an error page, not a crash; the rest still serves.
    fs::write(&path, "no front matter at all\n").expect("break entry");
    let Reply { status, body, .. } = app.get(&page).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(!body.contains("front matter"), "no internal detail: {body}");
    let status = app.get(&format!("/entries/{CURFEW}")).await.status;
    assert_eq!(status, StatusCode::OK);
    let status = app.get("/search?q=curfew").await.status;
    assert_eq!(status, StatusCode::OK);
}
