//! Relevance of the real playbook: queries typed the way a mayor's staffer would type them
//! (everyday words, plurals, typos, synonyms, phrases, filters, questions), each naming the
//! entry that must come first or within the top three. Every failure is reported at once,
//! with the actual top five.

mod support;

use city_playbook::search::SearchRequest;

use support::exact_words::CASES;

#[test]
fn staffer_queries_find_the_right_entry() {
    let playbook = support::playbook::load_valid(&support::playbook::real_playbook_dir());
    let (_data, index) = support::search::index_of(&playbook);
    let mut failures = Vec::new();
    for (query, expected, rank) in CASES {
        let results = match index.search(&SearchRequest {
            limit: 20,
            ..SearchRequest::query(*query)
        }) {
            Ok(results) => results,
            Err(e) => {
                failures.push(format!("{query:?}: search failed: {e}"));
                continue;
            }
        };
        let ids = support::search::hit_ids(&results);
        let position = ids.iter().position(|id| id == expected);
        if position.is_some_and(|p| p < rank.within()) {
            continue;
        }
        let found = position.map_or_else(
            || "not in the first 20".to_owned(),
            |p| format!("ranked {}", p + 1),
        );
        let top: Vec<String> = ids
            .iter()
            .take(5)
            .enumerate()
            .map(|(i, id)| format!("      {}. {id}", i + 1))
            .collect();
        failures.push(format!(
            "{query:?}: wanted {expected} {rank:?}, {found} ({} matches); top 5:\n{}",
            results.total,
            top.join("\n")
        ));
    }
    assert!(
        failures.is_empty(),
        "{} of {} relevance queries failed:\n  {}",
        failures.len(),
        CASES.len(),
        failures.join("\n  ")
    );
}

#[test]
fn every_expected_entry_exists() {
    let playbook = support::playbook::load_valid(&support::playbook::real_playbook_dir());
    let missing: Vec<&str> = CASES
        .iter()
        .map(|(_, id, _)| *id)
        .filter(|id| !playbook.entries.keys().any(|key| key.to_string() == *id))
        .collect();
    assert!(
        missing.is_empty(),
        "unknown entry ids in CASES: {missing:?}"
    );
}
