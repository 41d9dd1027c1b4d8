//! The filters a search narrows by: jurisdiction, kind, topic, and the jurisdiction's state
//! and level. `Filter` is the one list of
//! them; its name is the query parameter (`?kind=`), the word before the colon in query text
//! (`kind:checklist`) and the root of the entry's facet in the index (`/kind/checklist`).
//! `ByFilter` holds one value per filter (a request's filter values, a search's counts), so
//! adding a filter is a new variant here, its value in `IndexedEntry::filter_values` and its
//! words on the pages.

use std::ops::{Index, IndexMut};

use serde::ser::{Serialize, SerializeMap, Serializer};

use super::request::SearchError;
use crate::playbook::{Kind, Level, Slug};

/// A filter: what a search can be narrowed by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Filter {
    /// The entry's jurisdiction, by slug (`minneapolis-mn`).
    Jurisdiction,
    /// The entry's kind, by slug (`checklist`).
    Kind,
    /// One of the entry's topics, by slug (`policing`).
    Topic,
    /// The two-letter code of the entry's jurisdiction's state, in lowercase (`mn`).
    State,
    /// The level of the entry's jurisdiction (`city`, `county` or `state`).
    Level,
}

impl Filter {
    /// Every filter, in the order pages and the API list them.
    pub const ALL: [Filter; 5] = [
        Filter::Jurisdiction,
        Filter::Kind,
        Filter::Topic,
        Filter::State,
        Filter::Level,
    ];

    /// The filter's name: its query parameter, its word in query text and its facet root.
    pub fn as_str(self) -> &'static str {
        match self {
            Filter::Jurisdiction => "jurisdiction",
            Filter::Kind => "kind",
            Filter::Topic => "topic",
            Filter::State => "state",
            Filter::Level => "level",
        }
    }

    /// The filter of this name (exactly as `as_str` writes it), if any.
    pub fn parse(name: &str) -> Option<Filter> {
        Filter::ALL
            .into_iter()
            .find(|filter| filter.as_str() == name)
    }

    /// The values this filter can take when they are a closed list (kinds' slugs); None for
    /// filters of open slugs.
    pub fn closed_values(self) -> Option<Vec<&'static str>> {
        match self {
            Filter::Kind => Some(Kind::ALL.iter().map(|k| k.as_str()).collect()),
            Filter::Level => Some(Level::ALL.iter().map(|l| l.as_str()).collect()),
            Filter::Jurisdiction | Filter::Topic | Filter::State => None,
        }
    }

    /// Checks that `value` is well formed for this filter: a slug. A well-formed value no entry
    /// has is not an error (it matches nothing, and the search reports it in
    /// `SearchResults::unmatched_filters`); a malformed one is, saying what to write instead.
    pub fn check(self, value: &str) -> Result<(), SearchError> {
        let well_formed = match self {
            Filter::State => value.len() == 2 && value.bytes().all(|b| b.is_ascii_lowercase()),
            _ => Slug::parse(value).is_ok(),
        };
        if well_formed {
            return Ok(());
        }
        Err(SearchError::BadParameter(format!(
            "`{}` is not a {} slug: {}",
            value.escape_debug(),
            self.as_str(),
            self.hint()
        )))
    }

    /// What a value of this filter looks like, for messages.
    pub fn hint(self) -> String {
        match self {
            Filter::Kind => format!(
                "use one of {}",
                self.closed_values().unwrap_or_default().join(", ")
            ),
            Filter::Jurisdiction => "use a slug like `minneapolis-mn`".to_owned(),
            Filter::Topic => "use a slug like `national-guard`".to_owned(),
            Filter::State => "use a state's two-letter code in lowercase, like `mn`".to_owned(),
            Filter::Level => format!(
                "use one of {}",
                self.closed_values().unwrap_or_default().join(", ")
            ),
        }
    }
}

impl std::fmt::Display for Filter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One `T` per filter, indexed by `Filter`: `request.filters[Filter::Kind]`. Serializes as a
/// map from each filter's name to its value, in `Filter::ALL` order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ByFilter<T>([T; Filter::ALL.len()]);

impl<T> ByFilter<T> {
    /// Each filter with its value, in `Filter::ALL` order.
    pub fn iter(&self) -> impl Iterator<Item = (Filter, &T)> {
        Filter::ALL.into_iter().zip(&self.0)
    }
}

impl<T> IntoIterator for ByFilter<T> {
    type Item = (Filter, T);
    type IntoIter = std::iter::Zip<
        std::array::IntoIter<Filter, { Filter::ALL.len() }>,
        std::array::IntoIter<T, { Filter::ALL.len() }>,
    >;

    /// Each filter with its value, in `Filter::ALL` order.
    fn into_iter(self) -> Self::IntoIter {
        Filter::ALL.into_iter().zip(self.0)
    }
}

impl<T> Index<Filter> for ByFilter<T> {
    type Output = T;

    fn index(&self, filter: Filter) -> &T {
        &self.0[filter as usize]
    }
}

impl<T> IndexMut<Filter> for ByFilter<T> {
    fn index_mut(&mut self, filter: Filter) -> &mut T {
        &mut self.0[filter as usize]
    }
}

impl<T: Serialize> Serialize for ByFilter<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (filter, value) in self.iter() {
            map.serialize_entry(filter.as_str(), value)?;
        }
        map.end()
    }
}

/// The values asked for of each filter: an entry must match one value of every filter that
/// has any.
pub type FilterValues = ByFilter<Vec<String>>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_parse_back_to_their_filter() {
        for filter in Filter::ALL {
            assert_eq!(Filter::parse(filter.as_str()), Some(filter));
            assert_eq!(filter.to_string(), filter.as_str());
        }
        assert_eq!(Filter::parse("Kind"), None, "names are exact");
        assert_eq!(Filter::parse("title"), None);
        assert_eq!(Filter::parse(""), None);
    }

    #[test]
    fn every_filter_has_its_own_slot() {
        let mut values = FilterValues::default();
        for filter in Filter::ALL {
            values[filter].push(filter.as_str().to_owned());
        }
        for (filter, values) in values.iter() {
            assert_eq!(values, &[filter.as_str()]);
        }
        assert_eq!(
            serde_json::to_string(&values).expect("serializes"),
            r#"{"jurisdiction":["jurisdiction"],"kind":["kind"],"topic":["topic"],"state":["state"],"level":["level"]}"#
        );
    }

    #[test]
    fn values_must_be_slugs_and_errors_show_the_filters_own_example() {
        // Well formed, known or not: unknown values match nothing, and are reported.
        for filter in Filter::ALL.into_iter().filter(|f| *f != Filter::State) {
            assert!(filter.check("checklist").is_ok());
            assert!(filter.check("no-such-value").is_ok());
        }
        // A state is its two-letter code, in lowercase.
        assert!(Filter::State.check("mn").is_ok());
        for malformed in ["MN", "minnesota", "m", "m1"] {
            let message = Filter::State
                .check(malformed)
                .expect_err(malformed)
                .to_string();
            assert!(message.contains("`mn`"), "{message}");
        }
        let message = |filter: Filter| {
            filter
                .check("Not a slug")
                .expect_err("malformed")
                .to_string()
        };
        assert!(message(Filter::Kind).contains("use one of ordinance"));
        assert!(message(Filter::Jurisdiction).contains("`minneapolis-mn`"));
        let topic = message(Filter::Topic);
        assert!(
            topic.contains("`national-guard`") && !topic.contains("minneapolis"),
            "{topic}"
        );
    }
}
