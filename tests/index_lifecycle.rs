//! The index on disk: reused when it matches the playbook, rebuilt when it does not or cannot
//! be read, swapped in atomically, updated in place by upserts and removals, and rebuilt by
//! `playbook reindex`.

mod support;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use city_playbook::playbook::{EntryId, Playbook};
use city_playbook::search::{
    Facets, Filter, IndexedEntry, OpenOutcome, SearchIndex, SearchRequest, SearchResults,
};
use support::playbook::{FixturePlaybook, entry};
use support::search::ids;
use tempfile::TempDir;

const FERRY: &str = "riverton-or/ferry-schedule";
const CURFEW: &str = "riverton-or/harbor-curfew-checklist";

/// A writable copy of the Riverton fixture, and an empty data dir.
fn riverton() -> (FixturePlaybook, TempDir) {
    (
        FixturePlaybook::copy_of_fixture("riverton"),
        TempDir::new().expect("temp data dir"),
    )
}

fn open(data: &Path, playbook: &Playbook) -> (SearchIndex, OpenOutcome) {
    SearchIndex::open(data, playbook).expect("the index opens")
}

fn index_root(data: &Path) -> PathBuf {
    data.join("index")
}

/// The `gen-*` folders under the data dir, sorted.
fn generations(data: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(index_root(data))
        .expect("index folder")
        .map(|item| {
            item.expect("entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .filter(|name| name.starts_with("gen-"))
        .collect();
    names.sort();
    names
}

/// The generation `CURRENT` names.
fn current(data: &Path) -> String {
    fs::read_to_string(index_root(data).join("CURRENT"))
        .expect("CURRENT")
        .trim()
        .to_owned()
}

fn folder_name(path: &Path) -> String {
    path.file_name()
        .expect("a folder name")
        .to_string_lossy()
        .into_owned()
}

fn assert_built(outcome: &OpenOutcome) {
    assert!(
        matches!(outcome, OpenOutcome::Built(_)),
        "expected a build: {outcome:?}"
    );
}

/// Asserts the index serves the fixture: both entries, findable.
fn assert_serves_riverton(index: &SearchIndex) {
    assert_eq!(index.num_entries(), 2);
    assert_eq!(ids(index, "ferry"), vec![FERRY.to_owned()]);
    assert_eq!(
        ids(index, "curfew").first().map(String::as_str),
        Some(CURFEW)
    );
}

// ---------------------------------------------------------------------------------------------
// Opening: reuse or rebuild.

#[test]
fn a_second_open_reuses_the_index() {
    let (fixture, data) = riverton();
    let playbook = fixture.load();
    let (index, outcome) = open(data.path(), &playbook);
    assert_eq!(outcome, OpenOutcome::Built("no index yet".into()));
    let first = generations(data.path());
    assert_eq!(first.len(), 1);
    assert_eq!(current(data.path()), first[0]);
    assert_eq!(folder_name(index.path()), first[0]);
    drop(index);

    let (index, outcome) = open(data.path(), &playbook);
    assert_eq!(outcome, OpenOutcome::Reused);
    assert_eq!(generations(data.path()), first, "no new generation");
    assert_eq!(folder_name(index.path()), first[0]);
    assert_serves_riverton(&index);
}

#[test]
fn a_changed_playbook_file_triggers_a_rebuild() {
    let (fixture, data) = riverton();
    let (index, _) = open(data.path(), &fixture.load());
    let before = generations(data.path());
    drop(index);

    let path = fixture.entry_path(FERRY);
    let text = fs::read_to_string(&path).expect("entry") + "\nA gondola runs in summer.\n";
    fs::write(&path, text).expect("edit entry");
    let (index, outcome) = open(data.path(), &fixture.load());
    assert_eq!(outcome, OpenOutcome::Built("the playbook changed".into()));
    assert_eq!(ids(&index, "gondola"), vec![FERRY.to_owned()]);
    let after = generations(data.path());
    assert_eq!(after.len(), 1, "the old generation is removed: {after:?}");
    assert_ne!(after, before);
    drop(index);

    // The synonyms file is part of the playbook too.
    let synonyms = fixture.dir().join("synonyms.toml");
    fs::write(&synonyms, "[[group]]\nterms = [\"ferry\", \"boat\"]\n").expect("edit synonyms");
    let (index, outcome) = open(data.path(), &fixture.load());
    assert_built(&outcome);
    assert_eq!(ids(&index, "boat"), vec![FERRY.to_owned()]);
}

#[test]
fn current_naming_a_missing_folder_triggers_a_rebuild() {
    let (fixture, data) = riverton();
    let playbook = fixture.load();
    drop(open(data.path(), &playbook));
    fs::write(index_root(data.path()).join("CURRENT"), "gen-0-gone").expect("write CURRENT");

    let (index, outcome) = open(data.path(), &playbook);
    assert_built(&outcome);
    assert_serves_riverton(&index);
    assert_eq!(generations(data.path()), vec![current(data.path())]);
}

#[test]
fn garbage_in_current_triggers_a_rebuild() {
    let (fixture, data) = riverton();
    let playbook = fixture.load();
    drop(open(data.path(), &playbook));
    let garbage: [&[u8]; 5] = [
        b"",
        b"../../../../etc",
        b"gen-1/../../outside",
        b"\0\xff\xfe not utf-8",
        b"index",
    ];
    for content in garbage {
        fs::write(index_root(data.path()).join("CURRENT"), content).expect("write CURRENT");
        let (index, outcome) = open(data.path(), &playbook);
        assert_built(&outcome);
        assert_serves_riverton(&index);
        assert_eq!(generations(data.path()), vec![current(data.path())]);
    }
}

#[test]
fn current_naming_a_junk_folder_triggers_a_rebuild_and_the_junk_is_removed() {
    let (fixture, data) = riverton();
    let playbook = fixture.load();
    drop(open(data.path(), &playbook));
    let junk = index_root(data.path()).join("gen-1-junk");
    fs::create_dir_all(&junk).expect("junk folder");
    fs::write(junk.join("meta.json"), "{ not json").expect("junk meta");
    fs::write(junk.join("0123.idx"), [0u8, 1, 2, 3]).expect("junk segment");
    fs::write(index_root(data.path()).join("CURRENT"), "gen-1-junk").expect("write CURRENT");

    let (index, outcome) = open(data.path(), &playbook);
    assert_built(&outcome);
    assert_serves_riverton(&index);
    assert!(!junk.exists(), "the unreadable generation is removed");
    assert_eq!(generations(data.path()), vec![current(data.path())]);
}

#[test]
fn a_crashed_rebuild_leaves_the_live_index_in_use_and_is_cleaned_up() {
    let (fixture, data) = riverton();
    let playbook = fixture.load();
    drop(open(data.path(), &playbook));
    let live = current(data.path());

    // A rebuild that died half-way: a newer generation folder with partial files, and the
    // temporary CURRENT it never got to rename.
    let crashed = index_root(data.path()).join("gen-99999999999999999999-1");
    fs::create_dir_all(&crashed).expect("crashed folder");
    fs::write(crashed.join("meta.json"), "{\"segments\": [").expect("partial meta");
    fs::write(crashed.join(".managed.json"), "[").expect("partial managed list");
    fs::write(crashed.join("half.store"), vec![7u8; 4096]).expect("partial store");
    fs::write(
        index_root(data.path()).join("CURRENT.tmp"),
        "gen-99999999999999999999-1",
    )
    .expect("temp CURRENT");

    let (index, outcome) = open(data.path(), &playbook);
    assert_eq!(outcome, OpenOutcome::Reused);
    assert_eq!(current(data.path()), live);
    assert_eq!(folder_name(index.path()), live);
    assert!(!crashed.exists(), "the half-built generation is removed");
    assert_eq!(generations(data.path()), vec![live]);
    assert_serves_riverton(&index);
}

#[test]
fn rebuild_replaces_the_live_generation_and_removes_the_old_one() {
    let (fixture, data) = riverton();
    let playbook = fixture.load();
    let (index, _) = open(data.path(), &playbook);
    let old = folder_name(index.path());
    drop(index);

    let index = SearchIndex::rebuild(data.path(), &playbook).expect("rebuild");
    let new = folder_name(index.path());
    assert_ne!(new, old);
    assert_eq!(current(data.path()), new);
    assert_eq!(generations(data.path()), vec![new.clone()]);
    assert_serves_riverton(&index);
    drop(index);

    let (index, outcome) = open(data.path(), &playbook);
    assert_eq!(outcome, OpenOutcome::Reused);
    assert_eq!(folder_name(index.path()), new);
}

// ---------------------------------------------------------------------------------------------
// Updates in place.

/// The fixture's ferry entry as the index holds it.
fn ferry_entry(playbook: &Playbook) -> IndexedEntry {
    let id = EntryId::parse(FERRY).expect("id");
    let entry = playbook.entry(&id).expect("ferry entry");
    let jurisdiction = playbook
        .jurisdictions
        .get(entry.jurisdiction())
        .expect("jurisdiction");
    IndexedEntry::new(entry, jurisdiction)
}

/// A new entry, not in the playbook files.
fn gondola_entry(playbook: &Playbook) -> IndexedEntry {
    IndexedEntry {
        id: EntryId::parse("riverton-or/gondola-line").expect("id"),
        title: "Open a gondola line".into(),
        summary: "A gondola over the river.".into(),
        body_text: "The gondola runs from the landing to the hill.".into(),
        date: None,
        ..ferry_entry(playbook)
    }
}

#[test]
fn an_upsert_is_searchable_as_soon_as_it_returns_and_replaces_rather_than_duplicates() {
    let (fixture, data) = riverton();
    let playbook = fixture.load();
    let (index, _) = open(data.path(), &playbook);
    let gondola = gondola_entry(&playbook);
    let gondola_id = gondola.id.to_string();

    index.upsert(&gondola, Some(1)).expect("upsert");
    assert_eq!(index.num_entries(), 3);
    assert_eq!(ids(&index, "gondola"), vec![gondola_id.clone()]);

    let renamed = IndexedEntry {
        title: "Open a cable car line".into(),
        summary: "A cable car over the river.".into(),
        body_text: "The cable car runs from the landing to the hill.".into(),
        ..gondola.clone()
    };
    index.upsert(&renamed, Some(2)).expect("update");
    assert_eq!(index.num_entries(), 3, "the same id replaces, not adds");
    assert!(ids(&index, "gondola").is_empty(), "the old text is gone");
    assert_eq!(ids(&index, "cable car"), vec![gondola_id.clone()]);

    // Updating an entry that came from the playbook files replaces it too.
    let ferry = IndexedEntry {
        title: "Publish the ferry and water bus schedule".into(),
        ..ferry_entry(&playbook)
    };
    index.upsert(&ferry, Some(3)).expect("update ferry");
    assert_eq!(index.num_entries(), 3);
    assert_eq!(ids(&index, "ferry"), vec![FERRY.to_owned()]);
    assert_eq!(ids(&index, "\"water bus\""), vec![FERRY.to_owned()]);
}

#[test]
fn a_removed_entry_is_gone_as_soon_as_remove_returns() {
    let (fixture, data) = riverton();
    let playbook = fixture.load();
    let (index, _) = open(data.path(), &playbook);
    let gondola = gondola_entry(&playbook);
    index.upsert(&gondola, Some(1)).expect("upsert");

    index.remove(&gondola.id, Some(2)).expect("remove");
    assert!(ids(&index, "gondola").is_empty());
    assert_eq!(index.num_entries(), 2);

    index
        .remove(&EntryId::parse(CURFEW).expect("id"), Some(3))
        .expect("remove a playbook entry");
    assert!(ids(&index, "curfew").is_empty());
    assert_eq!(index.num_entries(), 1);

    index
        .remove(
            &EntryId::parse("riverton-or/never-existed").expect("id"),
            None,
        )
        .expect("removing an unknown id is not an error");
    assert_eq!(index.num_entries(), 1);
}

#[test]
fn the_commit_payload_tracks_the_store_revision_applied() {
    let (fixture, data) = riverton();
    let playbook = fixture.load();
    let (index, _) = open(data.path(), &playbook);
    let fresh = index.current_payload();
    assert_eq!(fresh.store_revision, 0);
    assert_eq!(fresh.playbook_fingerprint, playbook.fingerprint);

    let gondola = gondola_entry(&playbook);
    index.upsert(&gondola, Some(5)).expect("upsert");
    assert_eq!(index.current_payload().store_revision, 5);
    index
        .upsert(&gondola, None)
        .expect("upsert without a revision");
    assert_eq!(index.current_payload().store_revision, 5);
    index.upsert(&gondola, Some(3)).expect("an older revision");
    assert_eq!(
        index.current_payload().store_revision,
        5,
        "never goes backwards"
    );
    index.remove(&gondola.id, Some(7)).expect("remove");
    assert_eq!(index.current_payload().store_revision, 7);
    index.upsert(&gondola, Some(8)).expect("upsert again");
    assert_eq!(
        index.current_payload().playbook_fingerprint,
        playbook.fingerprint
    );
    drop(index);

    // The payload is committed with the change: a reopened index knows how far it got, and
    // still holds what was applied.
    let (index, outcome) = open(data.path(), &playbook);
    assert_eq!(outcome, OpenOutcome::Reused);
    assert_eq!(index.current_payload().store_revision, 8);
    assert_eq!(ids(&index, "gondola"), vec![gondola.id.to_string()]);
    drop(index);

    // A rebuild starts from the playbook files alone, so it has applied no store revision.
    let index = SearchIndex::rebuild(data.path(), &playbook).expect("rebuild");
    assert_eq!(index.current_payload().store_revision, 0);
    assert!(ids(&index, "gondola").is_empty());
}

// ---------------------------------------------------------------------------------------------
// The command line.

fn playbook_command(args: &[&str], fixture: &FixturePlaybook, data: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_playbook"));
    command
        .args(args)
        .arg("--playbook-dir")
        .arg(fixture.dir())
        .arg("--data-dir")
        .arg(data)
        .env_remove("PLAYBOOK_DIR")
        .env_remove("PLAYBOOK_DATA_DIR")
        .env_remove("RUST_LOG");
    command
}

#[test]
fn the_reindex_command_prints_a_summary_and_leaves_a_usable_index() {
    let (fixture, data) = riverton();
    let output = playbook_command(&["reindex"], &fixture, data.path())
        .output()
        .expect("run playbook reindex");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "reindex failed\nstdout: {stdout}\nstderr: {stderr}"
    );
    assert!(stdout.contains("indexed 2 entries"), "{stdout}");
    let first = generations(data.path());
    assert_eq!(first.len(), 1);
    assert!(stdout.contains(&first[0]), "names the new index: {stdout}");

    let (index, outcome) = open(data.path(), &fixture.load());
    assert_eq!(
        outcome,
        OpenOutcome::Reused,
        "the app reuses what reindex built"
    );
    assert_serves_riverton(&index);
    drop(index);

    let search = playbook_command(&["search", "water taxi"], &fixture, data.path())
        .output()
        .expect("run playbook search");
    let stdout = String::from_utf8_lossy(&search.stdout);
    assert!(search.status.success(), "{stdout}");
    assert!(stdout.contains(FERRY), "{stdout}");

    // Reindexing again swaps in a fresh generation and removes the old one.
    let again = playbook_command(&["reindex"], &fixture, data.path())
        .output()
        .expect("run playbook reindex again");
    assert!(again.status.success());
    let second = generations(data.path());
    assert_eq!(second.len(), 1);
    assert_ne!(second, first);
    assert_eq!(current(data.path()), second[0]);
}

#[test]
fn the_reindex_command_refuses_a_broken_playbook_and_keeps_the_live_index() {
    let (fixture, data) = riverton();
    drop(open(data.path(), &fixture.load()));
    let live = current(data.path());
    fs::write(
        fixture.entry_path("riverton-or/broken"),
        "+++\ntitle = \"Broken\"\nsummary = \"x\"\nkind = \"banana\"\n+++\n",
    )
    .expect("write a broken entry");

    let output = playbook_command(&["reindex"], &fixture, data.path())
        .output()
        .expect("run playbook reindex");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(stderr.contains("broken.md"), "names the file: {stderr}");
    assert_eq!(current(data.path()), live);
    assert_eq!(generations(data.path()), vec![live]);
}

/// The facet counts a search should report, counted from its hits (all on one page).
fn counted_from_hits(results: &SearchResults) -> Facets {
    let mut facets = Facets::default();
    for hit in &results.hits {
        *facets[Filter::Jurisdiction]
            .entry(hit.jurisdiction.slug.clone())
            .or_default() += 1;
        *facets[Filter::Kind]
            .entry(hit.kind.as_str().to_owned())
            .or_default() += 1;
        for topic in &hit.topics {
            *facets[Filter::Topic].entry(topic.clone()).or_default() += 1;
        }
        if let Some(state) = &hit.jurisdiction.state {
            *facets[Filter::State]
                .entry(state.to_ascii_lowercase())
                .or_default() += 1;
        }
        *facets[Filter::Level]
            .entry(hit.jurisdiction.level.clone())
            .or_default() += 1;
    }
    facets
}

#[test]
fn facet_counts_stay_exact_when_most_or_few_entries_match_after_updates_and_removals() {
    let mut fixture =
        FixturePlaybook::new().jurisdiction("riverton-or", "Riverton", Some("OR"), "city");
    let kinds = [
        "checklist",
        "guidance",
        "ordinance",
        "checklist",
        "training",
        "guidance",
    ];
    for (n, kind) in kinds.iter().enumerate() {
        let topic = if n % 2 == 0 {
            "harbor"
        } else {
            "public-safety"
        };
        fixture = fixture.entry(
            &format!("riverton-or/entry-{n}"),
            entry(&format!("Harbor entry {n}"))
                .kind(kind)
                .topics(&[topic])
                .body(if n < 2 {
                    "A lantern by the dock."
                } else {
                    "The harbor."
                }),
        );
    }
    let playbook = fixture.load();
    let data = TempDir::new().expect("temp data dir");
    let (index, _) = open(data.path(), &playbook);
    let check = |query: &str, expected_total: usize| {
        let results = support::search::run(
            &index,
            &SearchRequest {
                limit: 50,
                ..support::search::request(query)
            },
        );
        assert_eq!(results.total, expected_total, "{query}");
        assert_eq!(results.hits.len(), expected_total, "{query}");
        assert_eq!(results.facets, counted_from_hits(&results), "{query}");
    };
    // Most of the single segment matches (counted as all minus the rest), or few do.
    check("", 6);
    check("harbor", 6);
    check("lantern", 2);
    // A removal and an update leave deleted entries in the segment; they never count.
    index
        .remove(&EntryId::parse("riverton-or/entry-5").expect("id"), Some(1))
        .expect("remove");
    let updated = playbook
        .entry(&EntryId::parse("riverton-or/entry-4").expect("id"))
        .expect("entry-4");
    let mut updated = IndexedEntry::new(updated, &playbook.jurisdictions["riverton-or"]);
    updated.topics = vec!["legal-strategy".into()];
    index.upsert(&updated, Some(2)).expect("update");
    check("", 5);
    check("harbor", 5);
    check("lantern", 2);
    check("-lantern harbor", 3);
}
