//! Typo matching: the terms of a field within a word's typo distance that are not the word
//! itself and start with its first letter.
//!
//! Keeping the first letter is what people get right (Lucene's `prefixLength`), and it
//! makes the search cheap: the automaton walks one letter's part of each term dictionary
//! instead of all of it. Leaving out the word itself avoids reading its postings a second
//! time: the exact match is scored on its own, above any typo. A word common in a field is
//! taken as spelled there (`is_common`).

use std::fmt;
use std::sync::{Arc, LazyLock, OnceLock};

use levenshtein_automata::{DFA, Distance, LevenshteinAutomatonBuilder, SINK_STATE};
use tantivy::query::{AutomatonWeight, EmptyQuery, EnableScoring, Query, Weight};
use tantivy::schema::Field;
use tantivy_fst::Automaton;

/// Builders for one and two edits, a swap of neighbours counting as one; costly to make.
static BUILDERS: LazyLock<[LevenshteinAutomatonBuilder; 2]> = LazyLock::new(|| {
    [
        LevenshteinAutomatonBuilder::new(1, true),
        LevenshteinAutomatonBuilder::new(2, true),
    ]
});

/// Accepts the terms within `distance` edits of a word, sharing its first letter: other than
/// the word itself (`new`, for search), or the word too (`with_word`, for suggestions).
pub struct TypoAutomaton {
    first_letter: Box<[u8]>,
    rest: DFA,
    /// The fewest edits a match has: 1 leaves the word itself out.
    least_edits: u8,
}

impl TypoAutomaton {
    /// The automaton for `word` at `distance` (1 or 2) edits; None for an empty word or a
    /// distance out of range.
    pub fn new(word: &str, distance: u8) -> Option<TypoAutomaton> {
        Self::build(word, distance, false, 1)
    }

    /// The word itself and its typos within `distance` edits; if `prefix`, every term that
    /// starts within `distance` edits of it. None as for `new`.
    pub fn with_word(word: &str, distance: u8, prefix: bool) -> Option<TypoAutomaton> {
        Self::build(word, distance, prefix, 0)
    }

    fn build(word: &str, distance: u8, prefix: bool, least_edits: u8) -> Option<TypoAutomaton> {
        let builder = BUILDERS.get(usize::from(distance).checked_sub(1)?)?;
        let first = word.chars().next()?;
        let (first_letter, rest) = word.split_at(first.len_utf8());
        Some(TypoAutomaton {
            first_letter: first_letter.as_bytes().into(),
            rest: if prefix {
                builder.build_prefix_dfa(rest)
            } else {
                builder.build_dfa(rest)
            },
            least_edits,
        })
    }
}

/// Where the automaton stands in a term.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TypoState {
    /// Reading the first letter: this many of its bytes matched so far.
    FirstLetter(usize),
    /// Past the first letter: the state of the edit-distance automaton for the rest.
    Rest(u32),
    /// The term cannot match.
    Dead,
}

impl Automaton for TypoAutomaton {
    type State = TypoState;

    fn start(&self) -> TypoState {
        TypoState::FirstLetter(0)
    }

    fn is_match(&self, state: &TypoState) -> bool {
        match *state {
            TypoState::Rest(rest) => {
                matches!(self.rest.distance(rest), Distance::Exact(d) if d >= self.least_edits)
            }
            _ => false,
        }
    }

    fn can_match(&self, state: &TypoState) -> bool {
        match *state {
            TypoState::Rest(rest) => rest != SINK_STATE,
            TypoState::FirstLetter(_) => true,
            TypoState::Dead => false,
        }
    }

    fn accept(&self, state: &TypoState, byte: u8) -> TypoState {
        match *state {
            TypoState::FirstLetter(matched) if self.first_letter.get(matched) == Some(&byte) => {
                if matched + 1 == self.first_letter.len() {
                    TypoState::Rest(self.rest.initial_state())
                } else {
                    TypoState::FirstLetter(matched + 1)
                }
            }
            TypoState::Rest(rest) => TypoState::Rest(self.rest.transition(rest, byte)),
            TypoState::FirstLetter(_) | TypoState::Dead => TypoState::Dead,
        }
    }
}

/// Entries holding, in `field`, a typo of a word (see the module); every match scores 1
/// (scale it with a `BoostQuery`).
#[derive(Clone)]
pub struct TypoQuery {
    field: Field,
    word: String,
    distance: u8,
    /// Built when first needed: a word common in every field (where the query builder
    /// leaves its typos out) never needs it, and building one costs more than many a search.
    automaton: Arc<OnceLock<Option<Arc<TypoAutomaton>>>>,
}

impl TypoQuery {
    /// Typos of `word` within `distance` edits in `field`; None when the word allows none.
    pub fn new(field: Field, word: &str, distance: u8) -> Option<TypoQuery> {
        if word.is_empty() || !(1..=2).contains(&distance) {
            return None;
        }
        Some(TypoQuery {
            field,
            word: word.to_owned(),
            distance,
            automaton: Arc::default(),
        })
    }

    /// The same typos in another field (the automaton is shared).
    pub fn in_field(&self, field: Field) -> TypoQuery {
        TypoQuery {
            field,
            ..self.clone()
        }
    }

    fn automaton(&self) -> Option<Arc<TypoAutomaton>> {
        self.automaton
            .get_or_init(|| TypoAutomaton::new(&self.word, self.distance).map(Arc::new))
            .clone()
    }
}

impl fmt::Debug for TypoQuery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TypoQuery")
            .field("field", &self.field)
            .field("word", &self.word)
            .field("distance", &self.distance)
            .finish()
    }
}

impl Query for TypoQuery {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        match self.automaton() {
            Some(automaton) => Ok(Box::new(AutomatonWeight::<TypoAutomaton>::new(
                self.field, automaton,
            ))),
            None => EmptyQuery.weight(scoring),
        }
    }
}

/// Whether a word held by `holding` of `entries` entries (in one field) is common: then its
/// typos in that field are not searched. A word that one entry in a hundred holds is a real
/// word of the playbook, not a misspelling, and its typo variants are other words ("guard"
/// and "guards" alike stem to "guard"; "gourd" is something else), while walking the term
/// dictionary and merging their postings was most of the cost of a common word's search.
pub fn is_common(holding: u64, entries: u64) -> bool {
    holding >= COMMON_MIN_ENTRIES.max(entries / COMMON_ONE_IN)
}

/// A word is common in a field when at least one entry in `COMMON_ONE_IN` holds it there,
/// and at least `COMMON_MIN_ENTRIES` do (so small playbooks keep every typo).
const COMMON_ONE_IN: u64 = 100;
const COMMON_MIN_ENTRIES: u64 = 50;

/// Whether `term` is a typo of `word` within `distance` edits, by the rule above.
pub fn is_typo_of(word: &str, term: &str, distance: u8) -> bool {
    let (Some(a), Some(b)) = (word.chars().next(), term.chars().next()) else {
        return false;
    };
    a == b && word != term && super::highlight::within_edits(word, term, distance)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accepts(automaton: &TypoAutomaton, term: &str) -> bool {
        let mut state = automaton.start();
        for &byte in term.as_bytes() {
            state = automaton.accept(&state, byte);
            if !automaton.can_match(&state) {
                return false;
            }
        }
        automaton.is_match(&state)
    }

    #[test]
    fn accepts_typos_that_keep_the_first_letter() {
        let guard = TypoAutomaton::new("guard", 1).expect("automaton");
        assert!(accepts(&guard, "gaurd"));
        assert!(accepts(&guard, "guards"));
        assert!(accepts(&guard, "gurd"));
        assert!(!accepts(&guard, "guard"), "the word itself is not a typo");
        assert!(!accepts(&guard, "uard"), "the first letter is kept");
        assert!(!accepts(&guard, "ugard"));
        assert!(!accepts(&guard, "gaurds"), "two edits at distance 1");
        let separation = TypoAutomaton::new("separation", 2).expect("automaton");
        assert!(accepts(&separation, "seperatoin"));
        assert!(!accepts(&separation, "separation"));
    }

    #[test]
    fn reads_a_first_letter_of_several_bytes() {
        let word = TypoAutomaton::new("échelon", 1).expect("automaton");
        assert!(accepts(&word, "échelom"));
        assert!(!accepts(&word, "echelon"));
        assert!(!accepts(&word, "échelon"));
    }

    #[test]
    fn agrees_with_the_highlighter() {
        for (word, term, distance) in [
            ("guard", "gaurd", 1),
            ("guard", "guard", 1),
            ("guard", "uard", 1),
            ("checklist", "checklst", 1),
            ("separation", "seperatoin", 2),
            ("ordinance", "orange", 2),
        ] {
            let automaton = TypoAutomaton::new(word, distance).expect("automaton");
            assert_eq!(
                accepts(&automaton, term),
                is_typo_of(word, term, distance),
                "{word} ~ {term}"
            );
        }
    }

    #[test]
    fn a_word_is_common_from_one_entry_in_a_hundred_and_fifty_entries() {
        assert!(!is_common(49, 1_000));
        assert!(is_common(50, 1_000));
        assert!(!is_common(999, 100_000));
        assert!(is_common(1_000, 100_000));
    }

    #[test]
    fn with_the_word_accepts_it_and_its_typos_keeping_the_first_letter() {
        let national = TypoAutomaton::with_word("natinal", 1, false).expect("automaton");
        assert!(accepts(&national, "national"));
        assert!(accepts(&national, "natinal"), "the word itself");
        assert!(!accepts(&national, "nationals"), "two edits");
        assert!(!accepts(&national, "matinal"), "the first letter is kept");
        let checklist = TypoAutomaton::with_word("chekclist", 2, false).expect("automaton");
        assert!(accepts(&checklist, "checklist"));
    }

    #[test]
    fn with_the_word_as_a_prefix_accepts_terms_starting_within_the_distance() {
        let mayor = TypoAutomaton::with_word("maor", 1, true).expect("automaton");
        assert!(accepts(&mayor, "mayor"));
        assert!(accepts(&mayor, "mayors"));
        assert!(accepts(&mayor, "maori"));
        assert!(!accepts(&mayor, "master"), "two edits");
        assert!(!accepts(&mayor, "layor"));
    }

    #[test]
    fn a_typo_query_builds_its_automaton_only_when_searched() {
        let field = Field::from_field_id(0);
        let query = TypoQuery::new(field, "guard", 1).expect("query");
        let other_field = query.in_field(Field::from_field_id(1));
        assert!(query.automaton.get().is_none(), "not built yet");
        assert!(other_field.automaton().is_some());
        assert!(
            query.automaton.get().is_some(),
            "shared with the other field"
        );
        assert!(TypoQuery::new(field, "", 1).is_none());
        assert!(TypoQuery::new(field, "guard", 0).is_none());
        assert!(TypoQuery::new(field, "guard", 3).is_none());
    }

    #[test]
    fn needs_a_word_and_a_distance() {
        assert!(TypoAutomaton::new("", 1).is_none());
        assert!(TypoAutomaton::new("guard", 0).is_none());
        assert!(TypoAutomaton::new("guard", 3).is_none());
        assert!(TypoAutomaton::with_word("", 1, true).is_none());
    }
}
