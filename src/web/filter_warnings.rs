//! What a search says about filter values no entry has, the same way in the API and on the
//! page: a kind that does not exist, a jurisdiction the playbook does not know, a topic no
//! entry has. Such values are well formed, so they are not errors (a program may ask for a
//! topic before any entry has it); they match nothing, and the answer says so.

use std::collections::HashSet;

use crate::catalog::{Catalog, CatalogError};
use crate::playbook::Kind;
use crate::search::Filter;
use crate::web::error::AppError;
use crate::web::state::AppState;

/// `warnings`, off the async threads.
pub async fn filter_warnings(
    state: &AppState,
    unmatched: &[(Filter, String)],
) -> Result<Vec<String>, AppError> {
    if unmatched.is_empty() {
        return Ok(Vec::new());
    }
    let unmatched = unmatched.to_vec();
    state
        .with_catalog(move |catalog| warnings(catalog, &unmatched))
        .await
}

/// One sentence per value of `unmatched` (filter values no entry has) that is not a known
/// kind or jurisdiction merely without entries yet. Reads the store: blocking.
pub fn warnings(
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
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
