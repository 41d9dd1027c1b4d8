//! What the search syntax promises (README, "Search syntax"), checked on small fictional
//! playbooks written into a temp dir, so every ranking fact is under the test's control.

mod support;

use city_playbook::playbook::EntryId;
use city_playbook::search::{
    Filter, IndexedEntry, SearchError, SearchIndex, SearchRequest, SearchResults, Sort,
};
use city_playbook::web::api::search::snippet_html;
use city_playbook::web::paths;
use support::playbook::{EntryFile, FixturePlaybook, entry};
use support::search::{hit_ids, ids, request, run, search_error};
use tempfile::TempDir;

/// A fictional city and state with no entries yet.
fn town() -> FixturePlaybook {
    FixturePlaybook::new()
        .jurisdiction("riverton-or", "Riverton", Some("OR"), "city")
        .jurisdiction("oregon", "Oregon", Some("OR"), "state")
}

/// A playbook of the given entries (ids `jurisdiction/slug`), indexed.
fn index_with(entries: &[(&str, EntryFile)]) -> (FixturePlaybook, TempDir, SearchIndex) {
    index_of_fixture(
        entries
            .iter()
            .cloned()
            .fold(town(), |f, (id, e)| f.entry(id, e)),
    )
}

fn index_of_fixture(fixture: FixturePlaybook) -> (FixturePlaybook, TempDir, SearchIndex) {
    let playbook = fixture.load();
    let (data, index) = support::search::index_of(&playbook);
    (fixture, data, index)
}

fn sorted(mut ids: Vec<String>) -> Vec<String> {
    ids.sort();
    ids
}

fn strings(ids: &[&str]) -> Vec<String> {
    ids.iter().map(|id| (*id).to_owned()).collect()
}

// ---------------------------------------------------------------------------------------------
// Words: all before some, stemming, typos.

#[test]
fn entries_with_every_word_rank_above_entries_with_some() {
    let (_f, _d, index) = index_with(&[
        // Many mentions of one word, in the heaviest field: still only some of the words.
        (
            "riverton-or/harbor-only",
            entry("Harbor harbor harbor").body("The harbor, the harbor and the harbor again."),
        ),
        (
            "riverton-or/both-words",
            entry("Memo").body("A note about the harbor and the footbridge."),
        ),
        ("riverton-or/footbridge-only", entry("Footbridge repairs")),
        ("riverton-or/neither", entry("Parade route")),
    ]);
    let found = ids(&index, "harbor footbridge");
    assert_eq!(
        found.first().map(String::as_str),
        Some("riverton-or/both-words")
    );
    assert_eq!(
        sorted(found),
        strings(&[
            "riverton-or/both-words",
            "riverton-or/footbridge-only",
            "riverton-or/harbor-only",
        ]),
        "entries with only some of the words are still returned"
    );
}

#[test]
fn plurals_and_verb_forms_match_by_stem() {
    let (_f, _d, index) = index_with(&[
        (
            "riverton-or/noise",
            entry("Noise rules").body("The council adopted an ordinance on noise."),
        ),
        (
            "oregon/sirens",
            entry("Sirens").body("Activation of the sirens is tested monthly."),
        ),
    ]);
    assert_eq!(ids(&index, "ordinances"), strings(&["riverton-or/noise"]));
    assert_eq!(ids(&index, "activating"), strings(&["oregon/sirens"]));
    assert_eq!(ids(&index, "siren"), strings(&["oregon/sirens"]));
}

#[test]
fn words_of_five_to_eight_letters_match_within_one_typo() {
    let (_f, _d, index) = index_with(&[(
        "riverton-or/lantern",
        entry("Lantern walk").body("Bring a lantern."),
    )]);
    for typo in ["lantren", "lanturn", "lantrn", "lanterm"] {
        assert_eq!(
            ids(&index, typo),
            strings(&["riverton-or/lantern"]),
            "{typo} is one edit from lantern"
        );
    }
    for too_far in ["lxntxrn", "lnatren"] {
        assert!(
            ids(&index, too_far).is_empty(),
            "{too_far} is two edits from lantern"
        );
    }
}

#[test]
fn words_of_nine_letters_or_more_match_within_two_typos() {
    let (_f, _d, index) = index_with(&[(
        "riverton-or/switchboard",
        entry("Switchboard").body("Staff the switchboard around the clock."),
    )]);
    for typo in ["swicthbord", "switchbaord", "swtchbord", "switchbxxrd"] {
        assert_eq!(
            ids(&index, typo),
            strings(&["riverton-or/switchboard"]),
            "{typo} is at most two edits from switchboard"
        );
    }
    assert!(
        ids(&index, "swxtchbxxrd").is_empty(),
        "three edits is too many"
    );
}

#[test]
fn a_word_common_in_the_playbook_is_taken_as_spelled_but_a_rare_one_still_finds_its_typos() {
    // 60 entries about a parade (common: at least 50 entries and one in a hundred hold it),
    // one about a "parede": a misspelling, or another word.
    let mut entries: Vec<(String, EntryFile)> = (0..60)
        .map(|i| {
            (
                format!("riverton-or/parade-{i:02}"),
                entry(&format!("Route {i}")).body("The parade passes here."),
            )
        })
        .collect();
    entries.push((
        "riverton-or/parede".into(),
        entry("Street names").body("Parede street is closed."),
    ));
    let borrowed: Vec<(&str, EntryFile)> = entries
        .iter()
        .map(|(id, e)| (id.as_str(), e.clone()))
        .collect();
    let (_f, _d, index) = index_with(&borrowed);

    let found = run(&index, &request("parade"));
    assert_eq!(
        found.total, 60,
        "only the entries holding the word as typed"
    );
    assert!(!hit_ids(&found).contains(&"riverton-or/parede".to_owned()));

    // A word held by one entry is searched with its typos: "parede" finds the parades too,
    // after the exact match.
    let found = run(&index, &request("parede"));
    assert_eq!(found.total, 61);
    assert_eq!(hit_ids(&found)[0], "riverton-or/parede");
}

#[test]
fn words_of_four_letters_or_fewer_need_the_exact_spelling() {
    let (_f, _d, index) = index_with(&[(
        "riverton-or/dock",
        entry("Dock hours").body("The dock opens at dawn."),
    )]);
    assert_eq!(ids(&index, "dock"), strings(&["riverton-or/dock"]));
    for typo in ["dokc", "duck", "dck", "docs"] {
        assert!(ids(&index, typo).is_empty(), "{typo} must not match dock");
    }
}

#[test]
fn an_exact_match_ranks_above_a_typo_match() {
    let (_f, _d, index) = index_with(&[
        // The typo entry comes first in id order and has the word twice, so only the
        // exact-over-typo rule can put the exact entry first.
        (
            "riverton-or/a-marker",
            entry("Marker marker").body("Paint a marker on the marker post."),
        ),
        (
            "riverton-or/b-market",
            entry("Market").body("Open the market."),
        ),
    ]);
    assert_eq!(
        ids(&index, "market"),
        strings(&["riverton-or/b-market", "riverton-or/a-marker"])
    );
    assert_eq!(
        ids(&index, "marker"),
        strings(&["riverton-or/a-marker", "riverton-or/b-market"])
    );
}

#[test]
fn a_title_match_ranks_above_a_summary_match_above_a_body_match() {
    let (_f, _d, index) = index_with(&[
        (
            "riverton-or/a-body",
            entry("Notes").body("Ring the bellwether twice."),
        ),
        (
            "riverton-or/b-summary",
            entry("Notes").summary("Ring the bellwether twice."),
        ),
        ("riverton-or/c-title", entry("Ring the bellwether twice")),
    ]);
    assert_eq!(
        ids(&index, "bellwether"),
        strings(&[
            "riverton-or/c-title",
            "riverton-or/b-summary",
            "riverton-or/a-body"
        ])
    );
}

// ---------------------------------------------------------------------------------------------
// Synonyms.

const SYNONYMS: &str = r#"
[[group]]
terms = ["sanctuary", "separation ordinance"]

[[group]]
terms = ["checklist", "list of steps"]

[[group]]
terms = ["signpost", "waymarker"]
"#;

fn synonym_fixture() -> (FixturePlaybook, TempDir, SearchIndex) {
    index_of_fixture(
        town()
            .synonyms(SYNONYMS)
            .entry(
                "riverton-or/a-separation",
                entry("Policy").body("The separation ordinance stays in force."),
            )
            .entry(
                "riverton-or/b-words-apart",
                entry("Powers").body("Separation of powers, and an ordinance on parking."),
            )
            .entry(
                "riverton-or/c-sanctuary",
                entry("Policy").body("The sanctuary policy stays in force."),
            )
            .entry(
                "riverton-or/d-steps",
                entry("Opening").body("Follow the list of steps before the doors open."),
            )
            .entry(
                "riverton-or/e-checklist",
                entry("Closing").body("Use the checklist before locking up."),
            ),
    )
}

#[test]
fn a_single_word_finds_its_multi_word_synonym_as_a_phrase() {
    let (_f, _d, index) = synonym_fixture();
    assert_eq!(
        ids(&index, "sanctuary"),
        strings(&["riverton-or/c-sanctuary", "riverton-or/a-separation"]),
        "the exact word first, then the synonym phrase; words apart are no synonym match"
    );
    let results = run(&index, &request("sanctuary"));
    let synonym_snippet = snippet_html(&results.hits[1].snippet);
    assert!(
        synonym_snippet.contains("<mark>separation</mark> <mark>ordinance</mark>"),
        "synonym matches are marked: {synonym_snippet}"
    );
}

#[test]
fn a_multi_word_term_finds_its_single_word_synonym() {
    let (_f, _d, index) = synonym_fixture();
    let found = ids(&index, "separation ordinance");
    let rank = |id: &str| found.iter().position(|f| f == id);
    assert!(rank("riverton-or/c-sanctuary").is_some(), "{found:?}");
    assert!(
        rank("riverton-or/a-separation") < rank("riverton-or/c-sanctuary"),
        "the words as typed rank above their synonym: {found:?}"
    );
    assert!(
        rank("riverton-or/b-words-apart").is_some(),
        "typed words are loose words, not a phrase: {found:?}"
    );
}

#[test]
fn a_synonym_term_with_a_stop_word_is_still_recognised() {
    let (_f, _d, index) = synonym_fixture();
    assert_eq!(
        ids(&index, "checklist"),
        strings(&["riverton-or/e-checklist", "riverton-or/d-steps"])
    );
    assert_eq!(
        ids(&index, "list of steps"),
        strings(&["riverton-or/d-steps", "riverton-or/e-checklist"])
    );
}

/// How many entries hold `term` in the body field, read from the index files.
fn body_doc_freq(index: &SearchIndex, term: &str) -> u64 {
    let raw = tantivy::Index::open_in_dir(index.path()).expect("open the index files");
    let body = raw.schema().get_field("body").expect("body field");
    let searcher = raw.reader().expect("reader").searcher();
    searcher
        .doc_freq(&tantivy::Term::from_field_text(body, term))
        .expect("doc freq")
}

#[test]
fn synonym_phrases_are_indexed_as_one_term_and_still_match_only_words_side_by_side() {
    let (fixture, _d, index) = synonym_fixture();
    // The stemmed words joined by a space: one term per occurrence, beside the words.
    assert_eq!(body_doc_freq(&index, "separ ordin"), 1);
    assert_eq!(body_doc_freq(&index, "list of step"), 1);
    assert_eq!(body_doc_freq(&index, "separ"), 2, "the words stay indexed");
    assert_eq!(
        ids(&index, "\"separation ordinance\""),
        strings(&["riverton-or/a-separation"]),
        "words apart do not match the phrase"
    );

    // An entry written after the index was opened gets the joined term too.
    let playbook = fixture.load();
    let model = playbook.entries.values().next().expect("an entry");
    let jurisdiction = playbook
        .jurisdictions
        .get(model.jurisdiction())
        .expect("jurisdiction");
    let written = IndexedEntry {
        id: EntryId::parse("riverton-or/f-written").expect("id"),
        title: "Written".into(),
        summary: "Written later.".into(),
        body_text: "Our Separation Ordinances were adopted.".into(),
        ..IndexedEntry::new(model, jurisdiction)
    };
    index.upsert(&written, Some(1)).expect("upsert");
    assert_eq!(body_doc_freq(&index, "separ ordin"), 2);
    assert_eq!(
        sorted(ids(&index, "\"separation ordinance\"")),
        strings(&["riverton-or/a-separation", "riverton-or/f-written"])
    );
    let found = ids(&index, "sanctuary");
    assert_eq!(found[0], "riverton-or/c-sanctuary", "the exact word first");
    assert_eq!(
        sorted(found[1..].to_vec()),
        strings(&["riverton-or/a-separation", "riverton-or/f-written"]),
        "the synonym finds the written entry as well"
    );
}

#[test]
fn an_exact_match_ranks_above_a_synonym_match_above_a_typo_match() {
    let (_f, _d, index) = index_of_fixture(
        town()
            .synonyms(SYNONYMS)
            .entry(
                "riverton-or/a-typo",
                entry("Signpoat").body("A signpoat, as the old sign spelled it."),
            )
            .entry(
                "riverton-or/b-synonym",
                entry("Waymarker").body("A waymarker at the trailhead."),
            )
            .entry(
                "riverton-or/c-exact",
                entry("Signpost").body("A signpost at the trailhead."),
            ),
    );
    assert_eq!(
        ids(&index, "signpost"),
        strings(&[
            "riverton-or/c-exact",
            "riverton-or/b-synonym",
            "riverton-or/a-typo"
        ])
    );
}

// ---------------------------------------------------------------------------------------------
// Phrases and exclusions.

fn vests_fixture() -> (FixturePlaybook, TempDir, SearchIndex) {
    index_with(&[
        (
            "oregon/vests",
            entry("Visible crews").body("Crews wore orange vests and name tags. No masks."),
        ),
        (
            "oregon/apart",
            entry("Supplies").body("Orange cones, reflective vests and masks."),
        ),
        (
            "riverton-or/crews",
            entry("Crews").body("Crews wore orange hats."),
        ),
    ])
}

#[test]
fn quoted_words_must_stand_next_to_each_other() {
    let (_f, _d, index) = vests_fixture();
    assert_eq!(ids(&index, "\"orange vests\""), strings(&["oregon/vests"]));
    assert_eq!(
        ids(&index, "orange vests").len(),
        3,
        "without quotes, words apart (and some words) match too"
    );
    assert_eq!(
        ids(&index, "crews \u{201c}orange vests\u{201d}")
            .first()
            .map(String::as_str),
        Some("oregon/vests"),
        "typographic quotes work too"
    );
}

#[test]
fn minus_excludes_entries_with_the_word() {
    let (_f, _d, index) = vests_fixture();
    assert_eq!(
        sorted(ids(&index, "orange -masks")),
        strings(&["riverton-or/crews"])
    );
    assert_eq!(
        sorted(ids(&index, "orange -mask")),
        strings(&["riverton-or/crews"]),
        "exclusions are stemmed too"
    );
    assert_eq!(
        sorted(ids(&index, "orange -\"orange vests\"")),
        strings(&["oregon/apart", "riverton-or/crews"]),
        "a quoted phrase can be excluded"
    );
}

#[test]
fn a_query_of_only_exclusions_is_refused() {
    let (_f, _d, index) = vests_fixture();
    for query in ["-masks", "-masks -vests", "-\"orange vests\""] {
        let error = search_error(&index, &request(query));
        assert!(
            matches!(error, SearchError::OnlyExclusions),
            "{query}: {error:?}"
        );
        assert!(error.is_bad_request());
    }
}

// ---------------------------------------------------------------------------------------------
// Filters.

fn filter_fixture() -> (FixturePlaybook, TempDir, SearchIndex) {
    index_with(&[
        (
            "riverton-or/curfew-checklist",
            entry("Harbor curfew checklist")
                .kind("checklist")
                .topics(&["harbor", "public-safety"])
                .date("2026-01-10"),
        ),
        (
            "riverton-or/harbor-drill",
            entry("Harbor drill")
                .kind("training")
                .topics(&["harbor"])
                .date("2026-01-20"),
        ),
        (
            "riverton-or/harbor-notice",
            entry("Harbor notice")
                .kind("communication")
                .topics(&["public-communication"])
                .date("2025-12-01"),
        ),
        (
            "oregon/harbor-law",
            entry("State harbor law")
                .kind("legal")
                .topics(&["harbor", "legal-strategy"])
                .date("2026-02-01"),
        ),
        (
            "oregon/harbor-guidance",
            entry("Harbor guidance for cities").topics(&["harbor"]),
        ),
    ])
}

#[test]
fn filters_in_the_query_text_narrow_the_results() {
    let (_f, _d, index) = filter_fixture();
    assert_eq!(
        ids(&index, "harbor kind:checklist"),
        strings(&["riverton-or/curfew-checklist"])
    );
    assert_eq!(
        sorted(ids(&index, "harbor jurisdiction:oregon")),
        strings(&["oregon/harbor-guidance", "oregon/harbor-law"])
    );
    assert_eq!(
        sorted(ids(&index, "harbor topic:public-safety")),
        strings(&["riverton-or/curfew-checklist"])
    );
    assert_eq!(
        ids(&index, "KIND:Training harbor"),
        strings(&["riverton-or/harbor-drill"]),
        "filter names and values are not case-sensitive"
    );
    assert_eq!(
        ids(&index, "jurisdiction:oregon topic:legal-strategy"),
        strings(&["oregon/harbor-law"]),
        "filters alone browse what passes them"
    );
}

#[test]
fn a_malformed_filter_value_is_a_bad_request_and_an_unknown_one_matches_nothing() {
    let (_f, _d, index) = filter_fixture();
    for query in ["harbor kind:Not_A_Slug!", "harbor jurisdiction:Not_A_Slug!"] {
        let error = search_error(&index, &request(query));
        assert!(
            matches!(error, SearchError::BadParameter(_)),
            "{query}: {error:?}"
        );
        assert!(error.is_bad_request());
    }
    for asked in [
        request("harbor kind:banana"),
        request("harbor").with_filter(Filter::Kind, ["banana"]),
    ] {
        let results = run(&index, &asked);
        assert_eq!(results.total, 0);
        assert_eq!(
            results.unmatched_filters,
            [(Filter::Kind, "banana".to_owned())]
        );
    }
}

#[test]
fn other_colons_are_searched_as_text() {
    let (_f, _d, index) = index_with(&[
        (
            "riverton-or/foo-bar",
            entry("Foo and bar").body("See foo:bar in the manual."),
        ),
        (
            "riverton-or/ferry",
            entry("Ferry schedule").body("Published at https://riverton.example/ferry daily."),
        ),
    ]);
    assert_eq!(
        ids(&index, "foo:bar").first().map(String::as_str),
        Some("riverton-or/foo-bar")
    );
    assert_eq!(
        ids(&index, "https://riverton.example/ferry")
            .first()
            .map(String::as_str),
        Some("riverton-or/ferry")
    );
    assert_eq!(
        ids(&index, "nosuchfield:ferry"),
        strings(&["riverton-or/ferry"]),
        "an unknown field name is just another word"
    );
}

#[test]
fn request_filters_are_or_within_a_kind_and_across_kinds() {
    let (_f, _d, index) = filter_fixture();
    let found = |jurisdictions: &[&str], kinds: &[&str], topics: &[&str]| {
        sorted(hit_ids(&run(
            &index,
            &request("harbor")
                .with_filter(Filter::Jurisdiction, jurisdictions.iter().copied())
                .with_filter(Filter::Kind, kinds.iter().copied())
                .with_filter(Filter::Topic, topics.iter().copied()),
        )))
    };
    assert_eq!(
        found(&[], &["checklist", "training"], &[]),
        strings(&["riverton-or/curfew-checklist", "riverton-or/harbor-drill"])
    );
    assert_eq!(
        found(&["riverton-or"], &["checklist", "legal"], &[]),
        strings(&["riverton-or/curfew-checklist"])
    );
    assert_eq!(
        found(
            &["riverton-or", "oregon"],
            &[],
            &["public-safety", "legal-strategy"]
        ),
        strings(&["oregon/harbor-law", "riverton-or/curfew-checklist"])
    );
    assert_eq!(
        found(&["oregon"], &["checklist"], &[]),
        Vec::<String>::new()
    );
    // A filter typed in the query joins the request's filters of the same kind.
    let both = run(
        &index,
        &request("harbor kind:checklist").with_filter(Filter::Kind, ["legal"]),
    );
    assert_eq!(
        sorted(hit_ids(&both)),
        strings(&["oregon/harbor-law", "riverton-or/curfew-checklist"])
    );
}

#[test]
fn facet_counts_cover_every_match_not_just_the_page() {
    let (_f, _d, index) = filter_fixture();
    let results = run(
        &index,
        &SearchRequest {
            limit: 1,
            ..request("harbor")
        },
    );
    assert_eq!(results.hits.len(), 1);
    assert_eq!(results.total, 5);
    let f = &results.facets;
    assert_eq!(
        f[Filter::Jurisdiction],
        [("oregon".to_owned(), 2), ("riverton-or".to_owned(), 3)].into()
    );
    assert_eq!(
        f[Filter::Kind],
        [
            ("checklist".to_owned(), 1),
            ("communication".to_owned(), 1),
            ("guidance".to_owned(), 1),
            ("legal".to_owned(), 1),
            ("training".to_owned(), 1),
        ]
        .into()
    );
    assert_eq!(
        f[Filter::Topic],
        [
            ("harbor".to_owned(), 4),
            ("legal-strategy".to_owned(), 1),
            ("public-communication".to_owned(), 1),
            ("public-safety".to_owned(), 1),
        ]
        .into()
    );
    // Counts follow the filters.
    let filtered = run(
        &index,
        &request("harbor").with_filter(Filter::Jurisdiction, ["oregon"]),
    );
    assert_eq!(filtered.total, 2);
    assert_eq!(
        filtered.facets[Filter::Jurisdiction],
        [("oregon".to_owned(), 2)].into()
    );
}

#[test]
fn facet_values_come_with_the_names_pages_show() {
    let (_f, _d, index) = filter_fixture();
    let results = run(&index, &request("harbor"));
    let names = &results.facet_names;
    assert_eq!(
        names.get(Filter::Jurisdiction, "riverton-or"),
        Some("Riverton, OR"),
        "a city shows its state"
    );
    assert_eq!(names.get(Filter::Jurisdiction, "oregon"), Some("Oregon"));
    assert_eq!(names.get(Filter::Jurisdiction, "nowhere"), None);
    assert_eq!(
        names.get(Filter::Kind, "checklist"),
        None,
        "kinds and topics are named by the pages"
    );
    // Every jurisdiction the index holds is named, matched or not.
    let filtered = run(
        &index,
        &request("harbor").with_filter(Filter::Jurisdiction, ["oregon"]),
    );
    assert_eq!(
        filtered
            .facet_names
            .get(Filter::Jurisdiction, "riverton-or"),
        Some("Riverton, OR")
    );
}

// ---------------------------------------------------------------------------------------------
// Pages and order.

#[test]
fn pages_split_the_results_without_gaps_or_repeats() {
    let (_f, _d, index) = filter_fixture();
    let all = hit_ids(&run(&index, &request("harbor")));
    assert_eq!(all.len(), 5);
    let mut paged = Vec::new();
    for offset in [0, 2, 4] {
        let page = run(
            &index,
            &SearchRequest {
                limit: 2,
                offset,
                ..request("harbor")
            },
        );
        assert_eq!(page.total, 5, "total counts every match on every page");
        assert_eq!((page.offset, page.limit), (offset, 2));
        paged.extend(hit_ids(&page));
    }
    assert_eq!(paged, all);
    let beyond = run(
        &index,
        &SearchRequest {
            offset: 50,
            ..request("harbor")
        },
    );
    assert!(beyond.hits.is_empty());
    assert_eq!(beyond.total, 5);
}

#[test]
fn out_of_range_pages_are_bad_requests() {
    let (_f, _d, index) = filter_fixture();
    let page = |limit: usize, offset: usize| SearchRequest {
        limit,
        offset,
        ..request("harbor")
    };
    for bad in [page(0, 0), page(101, 0), page(10, 10_001)] {
        let error = search_error(&index, &bad);
        assert!(matches!(error, SearchError::BadParameter(_)), "{error:?}");
        assert!(error.is_bad_request());
    }
    for ok in [page(1, 0), page(100, 0), page(10, 10_000)] {
        assert!(index.search(&ok).is_ok(), "{ok:?}");
    }
}

#[test]
fn sort_by_date_puts_the_newest_first_and_undated_last() {
    let (_f, _d, index) = filter_fixture();
    let results = run(
        &index,
        &SearchRequest {
            sort: Sort::Date,
            ..request("harbor")
        },
    );
    assert_eq!(
        hit_ids(&results),
        strings(&[
            "oregon/harbor-law",
            "riverton-or/harbor-drill",
            "riverton-or/curfew-checklist",
            "riverton-or/harbor-notice",
            "oregon/harbor-guidance",
        ])
    );
    let dates: Vec<Option<String>> = results
        .hits
        .iter()
        .map(|h| h.date.map(|d| d.to_string()))
        .collect();
    assert_eq!(dates[0].as_deref(), Some("2026-02-01"));
    assert_eq!(dates[4], None);
}

#[test]
fn an_empty_query_browses_everything_newest_first() {
    let (_f, _d, index) = filter_fixture();
    let expected = strings(&[
        "oregon/harbor-law",
        "riverton-or/harbor-drill",
        "riverton-or/curfew-checklist",
        "riverton-or/harbor-notice",
        "oregon/harbor-guidance",
    ]);
    for query in ["", "   ", "\t\n"] {
        let results = run(&index, &request(query));
        assert_eq!(results.total, 5, "{query:?}");
        assert_eq!(hit_ids(&results), expected, "{query:?}");
        assert!(results.hits.iter().all(|h| h.score == 0.0));
    }
    assert_eq!(
        hit_ids(&run(
            &index,
            &request("").with_filter(Filter::Kind, ["training", "legal"])
        )),
        strings(&["oregon/harbor-law", "riverton-or/harbor-drill"]),
        "browsing applies filters"
    );
}

// ---------------------------------------------------------------------------------------------
// Results: what a hit carries, and its snippet.

#[test]
fn a_hit_carries_the_entry_and_its_jurisdiction() {
    let (_f, _d, index) = index_with(&[(
        "riverton-or/ferry",
        entry("Ferry schedule")
            .summary("When the ferry runs.")
            .kind("practice")
            .topics(&["transport"])
            .date("2026-01-05")
            .status("in-effect")
            .body("The ferry runs hourly."),
    )]);
    let results = run(&index, &request("ferry"));
    let hit = &results.hits[0];
    assert_eq!(results.query, "ferry");
    assert_eq!(hit.id, "riverton-or/ferry");
    assert_eq!(paths::entry(&hit.id), "/entries/riverton-or/ferry");
    assert_eq!(hit.title, "Ferry schedule");
    assert_eq!(hit.summary, "When the ferry runs.");
    assert_eq!(hit.kind.as_str(), "practice");
    assert_eq!(hit.topics, strings(&["transport"]));
    assert_eq!(
        hit.date.map(|d| d.to_string()).as_deref(),
        Some("2026-01-05")
    );
    assert_eq!(hit.status.map(|s| s.as_str()), Some("in-effect"));
    assert_eq!(hit.jurisdiction.slug, "riverton-or");
    assert_eq!(hit.jurisdiction.name, "Riverton");
    assert_eq!(hit.jurisdiction.state.as_deref(), Some("OR"));
    assert_eq!(hit.jurisdiction.level, "city");
    assert!(hit.score > 0.0);
    assert!(hit.score < 10_000.0, "the all-words bonus is not shown");
}

/// The first hit's snippet as the API's HTML.
fn snippet(results: &SearchResults) -> String {
    snippet_html(&results.hits.first().expect("a hit").snippet)
}

#[test]
fn snippets_escape_html_and_mark_stemmed_and_typo_matches() {
    let (_f, _d, index) = index_with(&[(
        "riverton-or/escaping",
        entry("Markup").body(
            "Staff typed `<b>&` into the form, and the ordinances were posted by lantern light.",
        ),
    )]);
    let stemmed = run(&index, &request("ordinance"));
    let html = snippet(&stemmed);
    assert!(html.contains("&lt;b&gt;&amp;"), "{html}");
    assert!(!html.contains("<b>"), "{html}");
    assert!(html.contains("<mark>ordinances</mark>"), "{html}");
    let typo = run(&index, &request("lantren"));
    assert!(
        snippet(&typo).contains("<mark>lantern</mark>"),
        "{}",
        snippet(&typo)
    );
    let both = run(&index, &request("ordinance lantren"));
    let html = snippet(&both);
    assert!(
        html.contains("<mark>ordinances</mark>") && html.contains("<mark>lantern</mark>"),
        "{html}"
    );
    // Nothing but <mark> is ever markup.
    let without_marks = html.replace("<mark>", "").replace("</mark>", "");
    assert!(!without_marks.contains('<'), "{html}");
}

#[test]
fn a_snippet_falls_back_to_the_summary() {
    let (_f, _d, index) = index_with(&[(
        "riverton-or/summary-only",
        entry("Title words")
            .summary("A summary mentioning <script> & the ferry.")
            .body("Nothing relevant in the body."),
    )]);
    let html = snippet(&run(&index, &request("ferry"))).to_owned();
    assert!(html.contains("<mark>ferry</mark>"), "{html}");
    assert!(html.contains("&lt;script&gt; &amp;"), "{html}");
    let title_only = snippet(&run(&index, &request("title"))).to_owned();
    assert!(
        title_only.starts_with("A summary mentioning &lt;script&gt;"),
        "a title-only match shows the summary unmarked: {title_only}"
    );
}
