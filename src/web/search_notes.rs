//! What a search says beside its results, the same way in the API and on the page: query
//! words no entry holds (the results are the other words'), and filter values no entry has (a
//! kind that does not exist, a jurisdiction the playbook does not know, a topic no entry has).
//! Such values are well formed, so they are not errors (a program may ask for a topic before
//! any entry has it); they match nothing, and the answer says so.

use std::collections::HashSet;

use crate::catalog::{Catalog, CatalogError};
use crate::playbook::{Kind, Level};
use crate::search::{Filter, SearchResults};
use crate::web::error::AppError;
use crate::web::state::AppState;

/// `notes`, off the async threads when the store must be asked.
pub async fn search_notes(
    state: &AppState,
    results: &SearchResults,
) -> Result<Vec<String>, AppError> {
    let mut all = word_notes(&results.unmatched_words);
    if !results.unmatched_filters.is_empty() {
        let unmatched = results.unmatched_filters.clone();
        all.extend(
            state
                .with_catalog(move |catalog| filter_notes(catalog, &unmatched))
                .await?,
        );
    }
    Ok(all)
}

/// Every note on `results`: its words no entry holds, then its filter values. Reads the
/// store: blocking.
pub fn notes(catalog: &Catalog, results: &SearchResults) -> Result<Vec<String>, CatalogError> {
    let mut all = word_notes(&results.unmatched_words);
    all.extend(filter_notes(catalog, &results.unmatched_filters)?);
    Ok(all)
}

/// One sentence per query word no entry holds.
fn word_notes(words: &[String]) -> Vec<String> {
    words
        .iter()
        .map(|word| format!("no entry mentions `{word}`: the results hold the other words"))
        .collect()
}

/// One sentence per value of `unmatched` (filter values no entry has) that is not a known
/// kind or jurisdiction merely without entries yet.
fn filter_notes(
    catalog: &Catalog,
    unmatched: &[(Filter, String)],
) -> Result<Vec<String>, CatalogError> {
    let mut known = HashSet::new();
    for (filter, slug) in unmatched {
        if *filter == Filter::Jurisdiction && catalog.jurisdiction(slug)?.is_some() {
            known.insert(slug.clone());
        }
    }
    Ok(unmatched
        .iter()
        .filter_map(|(filter, value)| warning(*filter, value, &known))
        .collect())
}

/// The sentence for one value no entry has, if it says more than "no results".
fn warning(filter: Filter, value: &str, known_jurisdictions: &HashSet<String>) -> Option<String> {
    match filter {
        // A kind or jurisdiction without entries yet: nothing matching is the whole story.
        Filter::Kind if Kind::parse(value).is_some() => None,
        Filter::Jurisdiction if known_jurisdictions.contains(value) => None,
        Filter::Kind => Some(format!(
            "`{value}` is not a kind, so no entry matches it: {}",
            filter.hint()
        )),
        Filter::Jurisdiction => Some(format!(
            "no jurisdiction `{value}` is in the playbook, so no entry matches it"
        )),
        Filter::Topic => Some(format!(
            "no entry has the topic `{value}`, so none matches it"
        )),
        Filter::Level if Level::parse(value).is_some() => None,
        Filter::Level => Some(format!(
            "`{value}` is not a level, so no entry matches it: {}",
            filter.hint()
        )),
        Filter::State => Some(format!(
            "no entry is of a jurisdiction in the state `{}`, so none matches it",
            value.to_ascii_uppercase()
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_word_no_entry_holds_is_named() {
        assert_eq!(
            word_notes(&["curfew".to_owned()]),
            ["no entry mentions `curfew`: the results hold the other words"]
        );
    }

    #[test]
    fn only_values_unknown_to_the_playbook_are_named() {
        let known = HashSet::from(["riverton-or".to_owned()]);
        assert_eq!(warning(Filter::Kind, "checklist", &known), None);
        assert_eq!(warning(Filter::Jurisdiction, "riverton-or", &known), None);
        let kind = warning(Filter::Kind, "memo", &known).expect("named");
        assert!(kind.contains("`memo` is not a kind") && kind.contains("resolution"));
        let place = warning(Filter::Jurisdiction, "atlantis-xx", &known).expect("named");
        assert!(place.contains("`atlantis-xx`"), "{place}");
        let topic = warning(Filter::Topic, "curfews", &known).expect("named");
        assert!(
            topic.contains("no entry has the topic `curfews`"),
            "{topic}"
        );
    }
}
