//! The typo rule of suggestions, as an automaton over a term dictionary: terms within some
//! edits of a word (a swap of neighbours counting as one), or for a prefix terms starting
//! within some edits of it, keeping the word's first letter as search does (`typo.rs`).
//! Keeping the first letter is what makes a two-edit walk of a dictionary cheap: it visits
//! one letter's part of it instead of all of it.

use std::sync::LazyLock;

use levenshtein_automata::{DFA, Distance, LevenshteinAutomatonBuilder, SINK_STATE};
use tantivy_fst::Automaton;

/// Builders for one and two edits; costly to make, so made once.
static BUILDERS: LazyLock<[LevenshteinAutomatonBuilder; 2]> = LazyLock::new(|| {
    [
        LevenshteinAutomatonBuilder::new(1, true),
        LevenshteinAutomatonBuilder::new(2, true),
    ]
});

/// Accepts the word's typos and the word itself.
pub(super) struct Typos {
    first_letter: Box<[u8]>,
    rest: DFA,
}

impl Typos {
    /// The typos of `word` within `distance` edits (of a prefix, if `prefix`); None for an
    /// empty word or a distance of 0 or over 2.
    pub(super) fn new(word: &str, distance: u8, prefix: bool) -> Option<Typos> {
        let builder = BUILDERS.get(usize::from(distance).checked_sub(1)?)?;
        let first = word.chars().next()?;
        let (first_letter, rest) = word.split_at(first.len_utf8());
        Some(Typos {
            first_letter: first_letter.as_bytes().into(),
            rest: if prefix {
                builder.build_prefix_dfa(rest)
            } else {
                builder.build_dfa(rest)
            },
        })
    }
}

/// Where the automaton stands in a term.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum TypoState {
    /// Reading the first letter: this many of its bytes matched so far.
    FirstLetter(usize),
    /// Past the first letter: the state of the edit-distance automaton for the rest.
    Rest(u32),
    /// The term cannot match.
    Dead,
}

impl Automaton for Typos {
    type State = TypoState;

    fn start(&self) -> TypoState {
        TypoState::FirstLetter(0)
    }

    fn is_match(&self, state: &TypoState) -> bool {
        match *state {
            TypoState::Rest(rest) => matches!(self.rest.distance(rest), Distance::Exact(_)),
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

#[cfg(test)]
mod tests {
    use super::*;

    fn accepts(typos: &Typos, term: &str) -> bool {
        let mut state = typos.start();
        for &byte in term.as_bytes() {
            state = typos.accept(&state, byte);
            if !typos.can_match(&state) {
                return false;
            }
        }
        typos.is_match(&state)
    }

    #[test]
    fn words_within_the_distance_keeping_the_first_letter() {
        let national = Typos::new("natinal", 1, false).expect("automaton");
        assert!(accepts(&national, "national"));
        assert!(accepts(&national, "natinal"), "the word itself");
        assert!(!accepts(&national, "nationals"), "two edits");
        assert!(!accepts(&national, "matinal"), "the first letter is kept");
        let checklist = Typos::new("chekclist", 2, false).expect("automaton");
        assert!(accepts(&checklist, "checklist"));
    }

    #[test]
    fn prefixes_within_the_distance() {
        let mayor = Typos::new("maor", 1, true).expect("automaton");
        assert!(accepts(&mayor, "mayor"));
        assert!(accepts(&mayor, "mayors"));
        assert!(accepts(&mayor, "maori"));
        assert!(!accepts(&mayor, "master"), "two edits");
        assert!(!accepts(&mayor, "layor"));
    }

    #[test]
    fn needs_a_word_and_a_distance() {
        assert!(Typos::new("", 1, false).is_none());
        assert!(Typos::new("guard", 0, true).is_none());
        assert!(Typos::new("guard", 3, false).is_none());
    }
}
