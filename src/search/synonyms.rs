//! Synonym groups analyzed into stemmed token sequences, matched against query words.

use tantivy::tokenizer::TextAnalyzer;

use super::analyzer::terms;
use super::joined_phrases::JoinedPhrases;
use crate::playbook::Synonyms;

/// Synonym groups, each term as a sequence of stemmed tokens.
#[derive(Debug, Clone, Default)]
pub struct AnalyzedSynonyms {
    groups: Vec<Vec<Vec<String>>>,
    /// The terms of several words, indexed as single terms too.
    joined: JoinedPhrases,
    /// The same groups analyzed as typed (not stemmed), for suggestions, which match title
    /// words as written.
    typed_groups: Vec<Vec<Vec<String>>>,
}

/// A run of query words that is one term of a synonym group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SynonymMatch {
    /// How many query words the match covers.
    pub len: usize,
    /// The other terms of every group the run belongs to, as token sequences.
    pub alternatives: Vec<Vec<String>>,
}

impl AnalyzedSynonyms {
    /// Analyzes every term of every group, as indexed (`analyzer`) and as typed (`plain`).
    pub fn new(synonyms: &Synonyms, analyzer: &mut TextAnalyzer, plain: &mut TextAnalyzer) -> Self {
        let analyze = |analyzer: &mut TextAnalyzer| {
            synonyms
                .groups
                .iter()
                .map(|group| {
                    group
                        .iter()
                        .map(|term| terms(analyzer, term))
                        .filter(|tokens| !tokens.is_empty())
                        .collect::<Vec<_>>()
                })
                .filter(|group: &Vec<Vec<String>>| group.len() >= 2)
                .collect::<Vec<_>>()
        };
        let groups = analyze(analyzer);
        let typed_groups = analyze(plain);
        let joined = JoinedPhrases::new(groups.iter().flatten().cloned());
        AnalyzedSynonyms {
            groups,
            joined,
            typed_groups,
        }
    }

    /// For suggestions: the other terms, as typed, of every group holding a one-word term
    /// that is `word` (`whole`) or that `word` begins (at least three letters); terms that
    /// `word` itself begins are left out (completing the word finds those).
    pub fn typed_alternatives(&self, word: &str, whole: bool) -> Vec<Vec<String>> {
        let matches = |term: &[String]| match term {
            [only] if whole => only == word,
            [only] => word.chars().count() >= 3 && only.starts_with(word),
            _ => false,
        };
        let mut alternatives: Vec<Vec<String>> = Vec::new();
        for group in &self.typed_groups {
            if !group.iter().any(|term| matches(term)) {
                continue;
            }
            for term in group {
                // A one-word term the word completes is found by completion itself.
                let completed = term.len() == 1 && term[0].starts_with(word);
                let skip = matches(term) || completed || alternatives.contains(term);
                if !skip {
                    alternatives.push(term.clone());
                }
            }
        }
        alternatives
    }

    /// The terms of several words, which the index also holds as single terms.
    pub fn joined_phrases(&self) -> &JoinedPhrases {
        &self.joined
    }

    /// The longest synonym term that the query words starting at `words[0]` spell out.
    pub fn longest_match(&self, words: &[String]) -> Option<SynonymMatch> {
        let mut best: Option<SynonymMatch> = None;
        for group in &self.groups {
            for term in group {
                let len = term.len();
                if len > words.len() || words[..len] != term[..] {
                    continue;
                }
                let others = group.iter().filter(|t| *t != term).cloned();
                match &mut best {
                    Some(found) if found.len == len => {
                        for other in others {
                            if !found.alternatives.contains(&other) {
                                found.alternatives.push(other);
                            }
                        }
                    }
                    Some(found) if found.len > len => {}
                    _ => {
                        best = Some(SynonymMatch {
                            len,
                            alternatives: others.collect(),
                        })
                    }
                }
            }
        }
        best
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::analyzer::{plain_analyzer, stemmed_analyzer};

    fn words(list: &[&str]) -> Vec<String> {
        list.iter().map(|w| (*w).to_owned()).collect()
    }

    #[test]
    fn matches_the_longest_term_and_offers_the_others() {
        let synonyms = Synonyms {
            groups: vec![
                words(&["ICE", "immigration enforcement"]),
                words(&["guard", "national guard"]),
            ],
        };
        let analyzed =
            AnalyzedSynonyms::new(&synonyms, &mut stemmed_analyzer(), &mut plain_analyzer());
        let found = analyzed
            .longest_match(&words(&["nation", "guard", "request"]))
            .expect("national guard matches");
        assert_eq!(found.len, 2);
        assert_eq!(found.alternatives, vec![words(&["guard"])]);
        let found = analyzed
            .longest_match(&words(&["ice"]))
            .expect("ice matches");
        assert_eq!(found.alternatives, vec![words(&["immigr", "enforc"])]);
        assert!(analyzed.longest_match(&words(&["parking"])).is_none());
    }
    #[test]
    fn suggestions_find_the_other_terms_as_typed() {
        let synonyms = Synonyms {
            groups: vec![words(&[
                "sanctuary",
                "separation ordinance",
                "noncooperation",
            ])],
        };
        let analyzed =
            AnalyzedSynonyms::new(&synonyms, &mut stemmed_analyzer(), &mut plain_analyzer());
        let others = vec![
            words(&["separation", "ordinance"]),
            words(&["noncooperation"]),
        ];
        assert_eq!(analyzed.typed_alternatives("sanctuary", true), others);
        assert_eq!(analyzed.typed_alternatives("sanct", false), others);
        assert!(
            analyzed.typed_alternatives("sa", false).is_empty(),
            "too short"
        );
        assert!(
            analyzed.typed_alternatives("sanct", true).is_empty(),
            "not a whole term"
        );
        // A term the word completes is left to completion.
        assert_eq!(
            analyzed.typed_alternatives("non", false),
            vec![words(&["sanctuary"]), words(&["separation", "ordinance"])]
        );
    }
}
