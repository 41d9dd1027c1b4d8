//! Whatever is typed into the search box, the engine answers with results or a clear
//! bad-request error: never a panic, never an index error.

mod support;

use std::panic::{AssertUnwindSafe, catch_unwind};

use city_playbook::search::{Filter, SearchError, SearchIndex, SearchRequest, Sort};
use support::search::{ids, request, search_error};

/// The real playbook, indexed.
fn real_index() -> (tempfile::TempDir, SearchIndex) {
    support::search::index_of(&support::playbook::load_valid(
        &support::playbook::real_playbook_dir(),
    ))
}

/// Runs each request; returns a line for every one that panicked or failed as the index's
/// fault rather than the request's.
fn misbehaving(index: &SearchIndex, requests: &[SearchRequest]) -> Vec<String> {
    requests
        .iter()
        .filter_map(
            |request| match catch_unwind(AssertUnwindSafe(|| index.search(request))) {
                Ok(Ok(_)) => None,
                Ok(Err(e)) if e.is_bad_request() => None,
                Ok(Err(e)) => Some(format!("{:?}: index error: {e}", request.query)),
                Err(panic) => {
                    let message = panic
                        .downcast_ref::<String>()
                        .cloned()
                        .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                        .unwrap_or_default();
                    Some(format!("{:?}: panicked: {message}", request.query))
                }
            },
        )
        .collect()
}

/// Each query as typed, sorted by date, and under a filter.
fn variants(queries: &[String]) -> Vec<SearchRequest> {
    queries
        .iter()
        .flat_map(|q| {
            [
                request(q),
                SearchRequest {
                    sort: Sort::Date,
                    ..request(q)
                },
                SearchRequest {
                    limit: 100,
                    offset: 1,
                    ..request(q).with_filter(Filter::Kind, ["checklist", "guidance"])
                },
            ]
        })
        .collect()
}

fn assert_all_survive(index: &SearchIndex, queries: &[String]) {
    let bad = misbehaving(index, &variants(queries));
    assert!(
        bad.is_empty(),
        "{} hostile requests misbehaved:\n  {}",
        bad.len(),
        bad.join("\n  ")
    );
}

#[test]
fn hostile_queries_never_panic() {
    let (_data, index) = real_index();
    let queries: Vec<String> = [
        "\"national guard",
        "guard \"",
        "\"",
        "\"\"",
        "\"\"\"\"\"",
        "-\"\"",
        "\"   \"",
        "title:",
        "title:guard",
        "heat AND",
        "(heat",
        "heat)",
        "[guard TO checklist]",
        "guard^2",
        "guard~2",
        "nosuchfield:value",
        "kind:",
        "kind:checklist:extra",
        "jurisdiction:",
        "topic:../../etc",
        "-word",
        "-",
        "- -",
        "--guard",
        "---",
        "-guard -checklist",
        "guard -\"orange vests\"",
        "\"national guard\" -\"orange vests\"",
        "checklist -\"national guard\"",
        "\"no masks\" -guard",
        "\"orange vests\" guard",
        "\"national guard\" \"orange vests\"",
        "\"separation ordinance\" -\"city police\" -sanctuary",
        "https://www.politico.com/news/2026/02/20/minneapolis?x=1&y=<b>",
        "mailto:mayor@example.org",
        "file:///etc/passwd",
        "javascript:alert(1)",
        "<script>alert(1)</script>",
        "'; DROP TABLE entries; --",
        "",
        "   ",
        "*",
        "?",
        "**guard**",
        "guard*",
        "AND OR NOT",
        "and or not",
        "the of and",
        "🚨🚓🇺🇸",
        "guard 🚨 checklist",
        "الحرس الوطني",
        "משמר לאומי",
        "guard \u{202e}tsilkcehc\u{202c}",
        "\u{200b}guard\u{200d}",
        "gu\u{0301}ard",
        "ｇｕａｒｄ",
        "İCE",
        "ﬁlm",
        "\u{0}",
        "gua\u{0}rd",
        "guard\u{7}\u{1b}[31m",
        "\r\n\t\u{b}\u{c}",
        "\u{feff}guard",
        "\u{fffd}\u{fffd}",
        "Renée Good",
    ]
    .iter()
    .map(|q| (*q).to_owned())
    .collect();
    assert_all_survive(&index, &queries);
}

#[test]
fn long_and_wordy_queries_never_panic() {
    let (_data, index) = real_index();
    let vocabulary = [
        "guard",
        "checklist",
        "ice",
        "parking",
        "sanctuary",
        "ordinance",
        "national",
        "protests",
        "walz",
        "frey",
        "request",
        "video",
    ];
    let many_words: String = (0..100)
        .map(|i| vocabulary[i % vocabulary.len()])
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .take(512)
        .collect();
    let many_distinct: String = (0..100)
        .map(|i| format!("w{i}"))
        .collect::<Vec<_>>()
        .join(" ");
    let many_exclusions = format!(
        "guard {}",
        (0..60)
            .map(|i| format!("-x{i}"))
            .collect::<Vec<_>>()
            .join(" ")
    );
    let many_phrases = "\"national guard\" ".repeat(30);
    let queries = vec![
        many_words,
        many_distinct,
        many_exclusions,
        many_phrases,
        "a".repeat(512),
        "guard".repeat(100),
        "é".repeat(512),
        "🚨".repeat(512),
        "-".repeat(512),
        "\"".repeat(512),
        "natinal ".repeat(64),
        // Long words within the 40-character token limit, with typos.
        "supercalifragilisticexpialidociousness".to_owned(),
        "abcdefghijklmnopqrstuvwxyzabcdefghijklm".to_owned(),
    ];
    assert_all_survive(&index, &queries);
}

/// A small deterministic generator, so failures reproduce.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, below: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) % below as u64) as usize
    }
}

#[test]
fn random_mixes_of_words_phrases_exclusions_and_filters_never_panic() {
    let (_data, index) = real_index();
    let pieces = [
        "guard",
        "national",
        "checklist",
        "ice",
        "parking",
        "orange",
        "vests",
        "masks",
        "sanctuary",
        "the",
        "of",
        "natinal",
        "gaurd",
        "\"national guard\"",
        "\"orange vests\"",
        "\"list of steps\"",
        "\"separation ordinance\"",
        "\"zebra crossing\"",
        "-masks",
        "-guard",
        "-\"orange vests\"",
        "-\"national guard\"",
        "-\"white house\"",
        "-zebra",
        "kind:checklist",
        "kind:guidance",
        "jurisdiction:minnesota",
        "topic:national-guard",
        "topic:nothing-here",
        "white house",
        "list of steps",
        "-",
        "\"",
        "foo:bar",
    ];
    let mut random = Lcg(0x5eed);
    let queries: Vec<String> = (0..400)
        .map(|_| {
            let words = 1 + random.next(6);
            (0..words)
                .map(|_| pieces[random.next(pieces.len())])
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    assert_all_survive(&index, &queries);
}

#[test]
fn the_length_cap_is_512_characters() {
    let (_data, index) = real_index();
    let error = search_error(&index, &request(&"a".repeat(10_000)));
    assert!(
        matches!(error, SearchError::QueryTooLong { max: 512 }),
        "{error:?}"
    );
    assert!(error.is_bad_request());
    assert!(error.to_string().contains("512"), "{error}");
    assert!(matches!(
        search_error(&index, &request(&"guard ".repeat(86))),
        SearchError::QueryTooLong { .. }
    ));
    let exactly = format!("guard {}", "x".repeat(506));
    assert_eq!(exactly.chars().count(), 512);
    assert!(index.search(&request(&exactly)).is_ok());
    // Characters, not bytes.
    assert!(index.search(&request(&"é".repeat(512))).is_ok());
    assert!(matches!(
        search_error(&index, &request(&"é".repeat(513))),
        SearchError::QueryTooLong { .. }
    ));
}

#[test]
fn bare_exclusions_are_refused_and_a_lone_minus_is_text() {
    let (_data, index) = real_index();
    for query in ["-word", "-guard -checklist", "-\"national guard\"", "-\"\""] {
        let error = search_error(&index, &request(query));
        assert!(
            matches!(error, SearchError::OnlyExclusions),
            "{query}: {error:?}"
        );
    }
    assert!(index.search(&request("-")).is_ok());
    assert!(index.search(&request("- guard")).is_ok());
}

#[test]
fn control_characters_separate_words() {
    let (_data, index) = real_index();
    let checklist = "minneapolis-mn/national-guard-request-checklist";
    for query in [
        "national\u{0}guard\u{0}checklist",
        "national\u{7}guard\u{1b}checklist",
        "national\r\nguard\tchecklist",
    ] {
        assert_eq!(
            ids(&index, query).first().map(String::as_str),
            Some(checklist),
            "{query:?}"
        );
    }
}

#[test]
fn punctuation_and_symbols_alone_find_nothing_rather_than_everything() {
    let (_data, index) = real_index();
    for query in ["*", "?", "🚨", "\"\"", "-", "((("] {
        let results = index.search(&request(query)).expect("searches");
        assert_eq!(results.total, 0, "{query:?}");
    }
    let everything = index.search(&request("   ")).expect("browses");
    assert_eq!(everything.total as u64, index.num_entries());
}

#[test]
fn too_many_filter_values_are_a_bad_request() {
    let (_data, index) = real_index();
    let query: String = (0..21)
        .map(|i| format!("topic:t{i}"))
        .collect::<Vec<_>>()
        .join(" ");
    let error = search_error(&index, &request(&query));
    assert!(matches!(error, SearchError::BadParameter(_)), "{error:?}");
}
