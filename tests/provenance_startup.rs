//! Start-up checks every curated quote of a declared source against the stored texts, on the
//! fast path too (issue 16): the quotes come from the stamp record when the folder is
//! unchanged, the texts are read afresh from the sources folder, so a changed text is noticed
//! without reading an entry; a changed declaration changes the folder's stamp, and a removed
//! one keeps the server from starting, naming the line that cites it.

use std::fs;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use city_playbook::catalog::{Catalog, StartError, StartOutcome};
use city_playbook::playbook::{EntryId, Verification};
use city_playbook::store::{EntryStore, Stores};
use tempfile::TempDir;

const FERRY: &str = "riverton-or/keep-the-ferry";
const MISQUOTED: &str = "riverton-or/misquoted";
const DECLARATION: &str = "_sources/council-minutes.md";

const MINUTES: &str = "The council met at 7 p.m. The mayor said \u{201C}the ferry stays open\u{201D} \u{2014} whatever happens. Members agreed.\n";

/// A playbook of one city with a declared source, an entry quoting it faithfully and one
/// misquoting it, every file an hour old (a file written moments before a scan is not trusted
/// to the stamp).
fn minutes_playbook() -> TempDir {
    let dir = TempDir::new().expect("temp playbook");
    write(
        dir.path(),
        "riverton-or/_index.md",
        "+++\nname = \"Riverton\"\nstate = \"OR\"\nlevel = \"city\"\n+++\nA river town.\n",
    );
    write(
        dir.path(),
        DECLARATION,
        "+++\ntitle = \"Minutes of the Riverton council\"\npublisher = \"City of Riverton\"\nkind = \"report\"\n+++\nMinutes.\n",
    );
    write(
        dir.path(),
        "riverton-or/keep-the-ferry.md",
        "+++\ntitle = \"Keep the ferry running\"\nsummary = \"S\"\nkind = \"practice\"\n\n[[sources]]\nsource = \"council-minutes\"\nquote = \"The mayor said \\\"the ferry stays open\\\" - whatever happens.\"\n+++\nBody.\n",
    );
    write(
        dir.path(),
        "riverton-or/misquoted.md",
        "+++\ntitle = \"A misquotation\"\nsummary = \"S\"\nkind = \"practice\"\n\n[[sources]]\nsource = \"council-minutes\"\nquote = \"The mayor said the ferry must close.\"\n+++\nBody.\n",
    );
    dir
}

fn write(root: &Path, relative: &str, text: &str) {
    let path = root.join(relative);
    fs::create_dir_all(path.parent().expect("a parent")).expect("mkdir");
    fs::write(&path, text).expect("write");
    fs::File::options()
        .write(true)
        .open(&path)
        .and_then(|f| f.set_modified(SystemTime::now() - Duration::from_secs(3600)))
        .expect("set the modification time");
}

fn store(data: &Path) -> Arc<dyn EntryStore> {
    Stores::open_sqlite(data).expect("the store opens").entries
}

fn start(playbook: &Path, texts: &Path, data: &Path) -> (Catalog, StartOutcome) {
    Catalog::start_with_sources(playbook, Some(texts), data, store(data))
        .unwrap_or_else(|e| panic!("start-up failed: {e:?}"))
}

/// The state of the first quote of entry `id`, as readers get it.
fn state(catalog: &Catalog, id: &str) -> Option<Verification> {
    let id = EntryId::parse(id).expect("id");
    let view = catalog.entry(&id).expect("reads").expect("exists");
    view.sources[0].verification
}

#[test]
fn the_fast_path_checks_the_recorded_quotes_against_texts_read_afresh() {
    let playbook = minutes_playbook();
    let texts = TempDir::new().expect("temp texts");
    let data = TempDir::new().expect("temp data");
    fs::write(texts.path().join("council-minutes.txt"), MINUTES).expect("write");

    let (catalog, outcome) = start(playbook.path(), texts.path(), data.path());
    assert!(matches!(outcome, StartOutcome::Full(_)), "{outcome:?}");
    let check = catalog.quote_check();
    assert_eq!((check.verified, check.not_found.len()), (1, 1));
    assert_eq!(
        check.not_found[0].to_string(),
        format!(
            "{}:8: quote not found in council-minutes",
            playbook.path().join("riverton-or/misquoted.md").display()
        )
    );
    drop(catalog);

    let (catalog, outcome) = start(playbook.path(), texts.path(), data.path());
    assert_eq!(outcome, StartOutcome::Fast);
    let check = catalog.quote_check();
    assert_eq!((check.verified, check.not_found.len()), (1, 1));
    assert_eq!(state(&catalog, FERRY), Some(Verification::Verified));
    assert_eq!(state(&catalog, MISQUOTED), Some(Verification::NotFound));
    drop(catalog);

    // The text changes outside the playbook folder: the folder is as it was, the quotes are
    // checked against the new text.
    fs::write(
        texts.path().join("council-minutes.txt"),
        format!("{MINUTES}Later: The mayor said the ferry must close.\n"),
    )
    .expect("write");
    let (catalog, outcome) = start(playbook.path(), texts.path(), data.path());
    assert_eq!(outcome, StartOutcome::Fast);
    assert_eq!(catalog.quote_check().verified, 2);
    assert_eq!(state(&catalog, MISQUOTED), Some(Verification::Verified));
    drop(catalog);

    // No text at all.
    fs::remove_file(texts.path().join("council-minutes.txt")).expect("remove");
    let (catalog, _) = start(playbook.path(), texts.path(), data.path());
    assert_eq!(catalog.quote_check().no_text.len(), 2);
    assert_eq!(state(&catalog, FERRY), Some(Verification::NoText));
}

#[test]
fn a_changed_declaration_is_noticed_and_a_removed_one_stops_start_up() {
    let playbook = minutes_playbook();
    let texts = TempDir::new().expect("temp texts");
    let data = TempDir::new().expect("temp data");
    let (catalog, _) = start(playbook.path(), texts.path(), data.path());
    drop(catalog);

    write(
        playbook.path(),
        DECLARATION,
        "+++\ntitle = \"Minutes of the Riverton city council, 3 March\"\npublisher = \"City of Riverton\"\nkind = \"report\"\n+++\nMinutes.\n",
    );
    let (catalog, outcome) = start(playbook.path(), texts.path(), data.path());
    assert!(matches!(outcome, StartOutcome::Full(_)), "{outcome:?}");
    let id = EntryId::parse(FERRY).expect("id");
    let view = catalog.entry(&id).expect("reads").expect("exists");
    assert_eq!(
        view.sources[0].details.title,
        "Minutes of the Riverton city council, 3 March"
    );
    drop(catalog);
    let (_, outcome) = start(playbook.path(), texts.path(), data.path());
    assert_eq!(
        outcome,
        StartOutcome::Fast,
        "the new declaration is recorded"
    );

    fs::remove_file(playbook.path().join(DECLARATION)).expect("remove");
    let problems = match Catalog::start_with_sources(
        playbook.path(),
        Some(texts.path()),
        data.path(),
        store(data.path()),
    ) {
        Err(StartError::Playbook(problems)) => problems,
        Err(e) => panic!("expected playbook problems, got {e:?}"),
        Ok((_, outcome)) => panic!("started without the declaration ({outcome:?})"),
    };
    let lines: Vec<String> = problems.iter().map(ToString::to_string).collect();
    assert_eq!(lines.len(), 2, "{lines:#?}");
    let ferry = playbook.path().join("riverton-or/keep-the-ferry.md");
    assert!(
        lines[0].starts_with(&format!(
            "{}:7: unknown source `council-minutes`",
            ferry.display()
        )),
        "{lines:#?}"
    );
}
