//! The seeded playbook says only what its source says (issue 16, "The content"): one test per
//! correction that a test can state, and searches that find the coverage the article supports.
//! Quotes are checked word for word against the article in `seed_quotes.rs`.

mod support;

use std::collections::BTreeSet;
use std::path::Path;

use city_playbook::playbook::markdown::plain_text;
use city_playbook::playbook::{Entry, EntryId, Playbook, Status};
use city_playbook::search::{SearchIndex, SearchRequest};
use tempfile::TempDir;

fn playbook() -> Playbook {
    support::playbook::load_valid(&support::playbook::real_playbook_dir())
}

fn id(text: &str) -> EntryId {
    EntryId::parse(text).expect("a valid id")
}

fn entry<'a>(playbook: &'a Playbook, text: &str) -> &'a Entry {
    playbook
        .entry(&id(text))
        .unwrap_or_else(|| panic!("{text} is missing"))
}

/// What search reads of an entry (title, summary, body as plain text), lowercased.
fn searchable_text(entry: &Entry) -> String {
    format!(
        "{}\n{}\n{}",
        entry.meta.title(),
        entry.meta.summary(),
        plain_text(&entry.body_markdown)
    )
    .to_lowercase()
}

/// Everything an entry says, quotes included, lowercased.
fn all_text(entry: &Entry) -> String {
    let mut text = format!(
        "{}\n{}\n{}",
        entry.meta.title(),
        entry.meta.summary(),
        entry.body_markdown
    );
    for quote in entry
        .meta
        .sources()
        .iter()
        .filter_map(|s| s.quote.as_deref())
    {
        text.push('\n');
        text.push_str(quote);
    }
    text.to_lowercase()
}

/// Every hit for `query`, in order (the playbook is far smaller than one page of 100).
fn all_hits(index: &SearchIndex, query: &str) -> Vec<String> {
    let results = support::search::run(
        index,
        &SearchRequest {
            limit: 100,
            ..SearchRequest::query(query)
        },
    );
    assert!(results.total <= 100, "{query:?}: more hits than one page");
    support::search::hit_ids(&results)
}

fn index() -> (Playbook, TempDir, SearchIndex) {
    let playbook = playbook();
    let (data, index) = support::search::index_of(&playbook);
    (playbook, data, index)
}

fn crate_file(path: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

// Synonyms: words that mean the same thing, not a person for an office.

/// A search for a person finds exactly the entries that name them.
fn assert_name_finds_only_entries_naming_it(name: &str) {
    let (playbook, _data, index) = index();
    let found: BTreeSet<String> = all_hits(&index, name).into_iter().collect();
    let naming: BTreeSet<String> = playbook
        .entries
        .values()
        .filter(|e| searchable_text(e).contains(name))
        .map(|e| e.id.to_string())
        .collect();
    assert!(!naming.is_empty(), "no entry names {name}");
    assert_eq!(
        found, naming,
        "`{name}` should find the entries naming {name}"
    );
}

#[test]
fn frey_finds_only_entries_that_name_frey() {
    assert_name_finds_only_entries_naming_it("frey");
}

#[test]
fn walz_finds_only_entries_that_name_walz() {
    assert_name_finds_only_entries_naming_it("walz");
}

#[test]
fn mayor_and_governor_find_only_entries_that_say_so() {
    let (playbook, _data, index) = index();
    for office in ["mayor", "governor"] {
        for hit in all_hits(&index, office) {
            let text = searchable_text(entry(&playbook, &hit));
            assert!(
                text.contains(office),
                "`{office}` found {hit}, which never says it"
            );
        }
    }
}

#[test]
fn no_synonym_group_holds_a_persons_name() {
    let names = [
        "frey",
        "walz",
        "trump",
        "homan",
        "bovino",
        "ellison",
        "klobuchar",
        "miller",
        "noem",
    ];
    for group in &playbook().synonyms.groups {
        for term in group {
            assert!(
                !names.contains(&term.to_lowercase().as_str()),
                "synonym group {group:?} holds the name {term:?}"
            );
        }
    }
}

#[test]
fn record_is_not_a_synonym_of_filming() {
    let playbook = playbook();
    for group in &playbook.synonyms.groups {
        let lower: Vec<String> = group.iter().map(|t| t.to_lowercase()).collect();
        if lower.iter().any(|t| t == "film" || t == "video") {
            assert!(
                !lower.iter().any(|t| t == "record" || t == "document"),
                "{group:?}"
            );
        }
    }
    let (_data, index) = support::search::index_of(&playbook);
    for hit in all_hits(&index, "record") {
        let text = searchable_text(entry(&playbook, &hit));
        assert!(
            text.contains("record"),
            "`record` found {hit} through a synonym"
        );
    }
}

// Dates: a date is when the measure was adopted or the event happened, as the article gives it.

#[test]
fn the_separation_ordinance_has_no_adoption_date() {
    let playbook = playbook();
    let ordinance = entry(&playbook, "minneapolis-mn/separation-ordinance");
    assert_eq!(
        ordinance.meta.date(),
        None,
        "the article gives no adoption date"
    );
    assert_eq!(ordinance.meta.status(), Some(Status::InEffect));
    // The body says which date the article does give, and for what.
    assert!(ordinance.body_markdown.contains("gives no date"));
    assert!(ordinance.body_markdown.contains("Jan. 27"));
    assert!(ordinance.body_markdown.contains("post"));
    // The entry about the Jan. 27 post is the one dated that day.
    let post = entry(
        &playbook,
        "minneapolis-mn/correct-false-claims-about-city-policy",
    );
    assert_eq!(
        post.meta.date().map(|d| d.to_string()).as_deref(),
        Some("2026-01-27")
    );
}

#[test]
fn the_parking_lot_order_claims_no_date_or_status() {
    let playbook = playbook();
    let order = entry(&playbook, "minneapolis-mn/parking-lot-executive-order");
    assert_eq!(order.meta.date(), None);
    assert_eq!(order.meta.status(), None);
    // Nor does the README's example front matter, which uses the order's title.
    let readme = crate_file("README.md");
    let start = readme
        .find("title = \"Executive order banning ICE operations on city-owned parking lots\"")
        .expect("the README's example entry");
    let example = &readme[start..start + readme[start..].find("+++").expect("end of example")];
    for line in example.lines().map(str::trim_start) {
        assert!(
            !line.starts_with("date =") && !line.starts_with("status ="),
            "the README example sets `{line}`"
        );
    }
}

#[test]
fn the_about_page_says_the_surge_began_in_december() {
    let about = crate_file("templates/about.html");
    assert!(!about.contains("early 2026"), "the surge began in December");
    assert!(about.contains("December 2025"));
    let readme = crate_file("README.md");
    assert!(!readme.contains("(early 2026)"));
}

// Quotes: the quotation marks sit where the article's do.

#[test]
fn any_urgent_or_meaningful_way_is_quoted_from_any() {
    let phrase = "any urgent or meaningful way";
    let mut seen = 0;
    for entry in playbook().entries.values() {
        let text = format!(
            "{}\n{}\n{}",
            entry.meta.title(),
            entry.meta.summary(),
            entry.body_markdown
        );
        for (at, _) in text.match_indices(phrase) {
            seen += 1;
            let before = text[..at].chars().next_back();
            assert!(
                matches!(before, Some('"' | '“')),
                "{}: the quotation must open at \"any\"",
                entry.id
            );
        }
        assert!(!text.contains("\"in any urgent"), "{}", entry.id);
        assert!(!text.contains("“in any urgent"), "{}", entry.id);
    }
    assert!(seen >= 2, "the phrase should still be quoted");
}

// Overstatements corrected.

#[test]
fn the_white_house_was_in_dialogue_with_walz() {
    let playbook = playbook();
    let enlist = entry(
        &playbook,
        "minnesota/enlist-business-leaders-and-republicans",
    );
    assert!(enlist.body_markdown.contains("\"in dialogue\""));
    for entry in playbook.entries.values() {
        assert!(
            !all_text(entry).contains("not engaging directly"),
            "{}",
            entry.id
        );
    }
}

#[test]
fn the_2020_entry_reports_finger_pointing_not_a_cause_or_a_fix() {
    let playbook = playbook();
    let coordination = entry(&playbook, "minnesota/city-state-coordination-after-2020");
    let title = coordination.meta.title().to_lowercase();
    assert!(!title.starts_with("fix"), "{title}");
    let text = all_text(coordination);
    assert!(text.contains("pointed fingers at each other for the delay"));
    assert!(!text.contains("delayed the national guard"));
    assert!(!text.contains("delayed the guard"));
    assert!(text.contains("does not say that the breakdown caused the delay"));
}

#[test]
fn back_channels_opened_only_after_pretti_was_killed() {
    let playbook = playbook();
    let channels = entry(&playbook, "minneapolis-mn/back-channels-to-the-white-house");
    let text = all_text(channels);
    assert!(text.contains("was on the phone with sen. amy klobuchar"));
    assert!(text.contains("didn't \"actually open up\" until after alex pretti was killed"));
    assert!(!text.contains("frey called"));
    assert!(!text.contains("contacts were in place"));
}

#[test]
fn poking_the_bear_was_said_of_the_post() {
    for entry in playbook().entries.values() {
        let text = all_text(entry);
        assert!(
            !text.contains("criticism from both sides"),
            "{}: the reactions were to different things",
            entry.id
        );
        if text.contains("poking the bear") {
            assert!(
                text.contains("post"),
                "{}: tie the reaction to the post",
                entry.id
            );
        }
    }
}

#[test]
fn walz_urged_the_guard_to_wear_vests_and_name_tags() {
    let playbook = playbook();
    let minnesota = playbook.jurisdiction("minnesota").expect("minnesota");
    assert!(minnesota.body_markdown.contains("urged Guard leadership"));
    assert!(!minnesota.body_markdown.contains("wearing orange vests"));
    let guard = entry(&playbook, "minnesota/guard-visible-identification");
    assert!(guard.meta.summary().contains("urged Guard leadership"));
}

#[test]
fn now_viral_is_not_national_attention() {
    for entry in playbook().entries.values() {
        assert!(
            !all_text(entry).contains("national attention"),
            "{}: the article says \"now-viral\", not national attention",
            entry.id
        );
    }
}

// Redundant pairs, sharpened rather than merged.

#[test]
fn the_sharpened_pairs_do_not_repeat_each_other() {
    let playbook = playbook();
    for (a, b) in [
        (
            "minneapolis-mn/separation-ordinance",
            "minneapolis-mn/correct-false-claims-about-city-policy",
        ),
        (
            "minneapolis-mn/dont-keep-your-head-down",
            "minneapolis-mn/frey-three-points",
        ),
        (
            "minnesota/enlist-business-leaders-and-republicans",
            "minneapolis-mn/back-channels-to-the-white-house",
        ),
    ] {
        let (a, b) = (entry(&playbook, a), entry(&playbook, b));
        let quotes = |e: &Entry| -> BTreeSet<String> {
            e.meta
                .sources()
                .iter()
                .filter_map(|s| s.quote.clone())
                .collect()
        };
        let shared: Vec<String> = quotes(a).intersection(&quotes(b)).cloned().collect();
        assert!(shared.is_empty(), "{} and {} share {shared:?}", a.id, b.id);
        assert!(
            a.meta.date().is_none() || a.meta.date() != b.meta.date(),
            "{} and {} have the same date",
            a.id,
            b.id
        );
        // Each says what the other covers and links to it.
        assert!(a.body_markdown.contains(&format!("/entries/{}", b.id)));
        assert!(b.body_markdown.contains(&format!("/entries/{}", a.id)));
    }
}

// Where the article contradicts itself, the entry says so and picks no date.

#[test]
fn contradictions_in_the_article_are_stated_not_resolved() {
    let playbook = playbook();
    let notes = entry(&playbook, "minneapolis-mn/share-notes-with-other-cities");
    assert!(notes.body_markdown.contains("\"met earlier this month\""));
    assert!(notes.body_markdown.contains("last week"));
    let commander = entry(&playbook, "minnesota/change-of-federal-commander");
    assert_eq!(commander.meta.date(), None);
    assert!(commander.body_markdown.contains("Jan. 27"));
    assert!(commander.body_markdown.contains("early February"));
    assert!(commander.body_markdown.contains("two accounts"));
}

// New coverage.

#[test]
fn the_playbook_has_at_least_24_entries() {
    let count = playbook().entries.len();
    assert!(count >= 24, "only {count} entries");
}

#[test]
fn searches_find_the_new_coverage_first() {
    let (_playbook, _data, index) = index();
    let mut failures = Vec::new();
    for (query, expected) in [
        ("eye of sauron", "minneapolis-mn/dont-keep-your-head-down"),
        ("3,000 agents", "minneapolis-mn/scale-of-the-surge"),
        (
            "outnumbering the police",
            "minneapolis-mn/scale-of-the-surge",
        ),
        (
            "domestic terrorism",
            "minneapolis-mn/federal-framing-of-the-shootings",
        ),
        (
            "incited this violent insurrection",
            "minneapolis-mn/federal-framing-of-the-shootings",
        ),
        (
            "self-defense",
            "minneapolis-mn/federal-framing-of-the-shootings",
        ),
        (
            "state of emergency",
            "minneapolis-mn/pressure-from-your-own-side",
        ),
        (
            "eviction moratoriums",
            "minneapolis-mn/pressure-from-your-own-side",
        ),
        (
            "warned in december",
            "minneapolis-mn/warn-early-and-in-public",
        ),
        ("bovino", "minnesota/change-of-federal-commander"),
        (
            "pledges from local police",
            "minneapolis-mn/administration-account-of-the-ending",
        ),
        ("polls", "minnesota/public-opinion-as-a-signal"),
        ("fraud scandal", "minnesota/political-weak-spots"),
        ("reelection bid", "minnesota/political-weak-spots"),
    ] {
        let hits = all_hits(&index, query);
        if hits.first().map(String::as_str) != Some(expected) {
            failures.push(format!(
                "{query:?}: wanted {expected} first, got {:?}",
                &hits[..hits.len().min(3)]
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_administrations_account_is_recorded_as_its_claims() {
    let playbook = playbook();
    let account = entry(
        &playbook,
        "minneapolis-mn/administration-account-of-the-ending",
    );
    assert!(account.meta.summary().contains("does not confirm"));
    assert!(account.body_markdown.contains("their claims"));
    assert!(
        account
            .body_markdown
            .contains("What the article does not say")
    );
    // The city's answer is beside it.
    assert!(account.body_markdown.contains("There were no deals cut"));
}
