//! Fusing the word ranking with closeness in meaning: one order over the entries either found.
//!
//! Reciprocal-rank fusion puts every word match above every entry found by meaning alone,
//! which buried the best answer to a question asked in other words; so scores are fused
//! instead, each normalised to 0..1 over the candidates (a word score by the best word score,
//! a similarity between the lowest similarity that counts and the best), and weighted.
//! Entries holding every query word (an exact match of a one-word query; every word of a
//! longer one) stay on top, in their word order: meaning reorders what words alone ranked
//! only below them.

use tantivy::DocAddress;

use super::all_words_first::ALL_WORDS_BONUS;
use super::request::Matched;

/// The weight of the word score in the fused score. Chosen with the similarity floor and span
/// and `SECOND_PASSAGE_WEIGHT` on the judged questions at even positions
/// (`tests/support/paraphrases.rs`), the odd ones held out (BENCHMARKS.md): a question's words
/// often match entries by chance (`city`, `people`), so meaning weighs more.
pub const WORDS_WEIGHT: f32 = 0.25;
/// The weight of the similarity in the fused score.
pub const MEANING_WEIGHT: f32 = 0.75;

/// An entry found by words, by meaning, or both.
#[derive(Debug, Clone)]
pub struct Candidate {
    /// The entry's document.
    pub address: DocAddress,
    /// Its word score (with `ALL_WORDS_BONUS` when it holds every word), if found by words.
    pub words: Option<f32>,
    /// Its similarity and closest passage, if found by meaning.
    pub meaning: Option<(f32, usize)>,
}

/// A candidate's place in the fused order.
#[derive(Debug, Clone)]
pub struct Fused {
    /// The entry's document.
    pub address: DocAddress,
    /// The fused score, 0..1 (entries holding every word rank first whatever their score).
    pub score: f32,
    /// How it matched.
    pub matched: Matched,
    /// Its closest passage, if found by meaning.
    pub passage: Option<usize>,
}

/// How a query was asked, as fusion needs it.
#[derive(Debug, Clone, Copy)]
pub struct Asked {
    /// How many words (or phrases) the query made.
    pub clauses: usize,
    /// Whether every word is spelled as the entries have it (the model reads typos poorly,
    /// so it does not judge a misspelled query's word matches).
    pub every_word_known: bool,
    /// The lowest similarity that counts as a match by meaning.
    pub floor: f32,
}

/// Orders `candidates` found for the query `asked`.
pub fn fuse(candidates: Vec<Candidate>, asked: Asked) -> Vec<Fused> {
    let Asked {
        clauses,
        every_word_known,
        floor,
    } = asked;
    let plain = |score: f32| {
        if score >= ALL_WORDS_BONUS {
            score - ALL_WORDS_BONUS
        } else {
            score
        }
    };
    let best_words = candidates
        .iter()
        .filter_map(|c| c.words.map(plain))
        .fold(0.0f32, f32::max);
    let best_meaning = candidates
        .iter()
        .filter_map(|c| c.meaning.map(|(s, _)| s))
        .fold(f32::MIN, f32::max);
    let meaning_in_play = candidates.iter().any(|c| c.meaning.is_some());
    let mut ranked: Vec<(bool, f32, Fused)> = candidates
        .into_iter()
        .map(|c| {
            let words = c.words.map_or(0.0, |s| {
                if best_words > 0.0 {
                    plain(s) / best_words
                } else {
                    1.0
                }
            });
            let meaning = c.meaning.map_or(0.0, |(similarity, _)| {
                if best_meaning > floor {
                    ((similarity - floor) / (best_meaning - floor)).clamp(0.0, 1.0)
                } else {
                    1.0
                }
            });
            // An entry holding every word of a longer query is protected unless meaning calls
            // it far: a question's words ("call", "get", "out") can all occur in an entry by
            // chance. Meaning does not judge a misspelled query, which it reads poorly.
            let judged = meaning_in_play && every_word_known;
            let protected = c.words.is_some_and(|s| {
                clauses <= 1 || (s >= ALL_WORDS_BONUS && (c.meaning.is_some() || !judged))
            });
            let matched = match (c.words.is_some(), c.meaning.is_some()) {
                (true, true) => Matched::Both,
                (false, true) => Matched::Meaning,
                _ => Matched::Words,
            };
            let fused = Fused {
                address: c.address,
                score: WORDS_WEIGHT * words + MEANING_WEIGHT * meaning,
                matched,
                passage: c.meaning.map(|(_, p)| p),
            };
            (protected, c.words.unwrap_or(0.0), fused)
        })
        .collect();
    ranked.sort_by(|a, b| {
        b.0.cmp(&a.0)
            .then_with(|| {
                if a.0 {
                    // Entries holding every word keep their word order.
                    b.1.total_cmp(&a.1)
                } else {
                    std::cmp::Ordering::Equal
                }
            })
            .then_with(|| b.2.score.total_cmp(&a.2.score))
            .then_with(|| a.2.address.cmp(&b.2.address))
    });
    ranked.into_iter().map(|(_, _, fused)| fused).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(doc: u32) -> DocAddress {
        DocAddress::new(0, doc)
    }

    fn order(fused: &[Fused]) -> Vec<u32> {
        fused.iter().map(|f| f.address.doc_id).collect()
    }

    #[test]
    fn every_word_stays_on_top_and_meaning_reorders_the_rest() {
        let candidates = |far: Option<(f32, usize)>| {
            vec![
                Candidate {
                    address: at(1),
                    words: Some(2.0),
                    meaning: None,
                },
                // Every word, and near in meaning too.
                Candidate {
                    address: at(2),
                    words: Some(ALL_WORDS_BONUS + 1.0),
                    meaning: Some((0.35, 1)),
                },
                Candidate {
                    address: at(3),
                    words: None,
                    meaning: Some((0.8, 2)),
                },
                Candidate {
                    address: at(4),
                    words: Some(1.0),
                    meaning: Some((0.6, 0)),
                },
                // Every word; `far` says whether meaning found it.
                Candidate {
                    address: at(5),
                    words: Some(ALL_WORDS_BONUS + 3.0),
                    meaning: far,
                },
            ]
        };
        let asked = Asked {
            clauses: 2,
            every_word_known: true,
            floor: 0.3,
        };
        let fused = fuse(candidates(Some((0.4, 0))), asked);
        // 2 and 5 hold every word: on top in word order. Then 3: meaning 1.0 → 0.75;
        // 4: words 1/3, meaning 0.6 → 0.083 + 0.45 = 0.533; 1: words 2/3 → 0.167.
        assert_eq!(order(&fused), vec![5, 2, 3, 4, 1]);
        assert_eq!(fused[2].matched, Matched::Meaning);
        assert_eq!(fused[2].passage, Some(2));
        assert_eq!(fused[3].matched, Matched::Both);
        assert_eq!(fused[4].matched, Matched::Words);

        // 5 holds every word but meaning calls it far: ranked by its fused score
        // (words 1 → 0.25), below 3 and 4.
        assert_eq!(order(&fuse(candidates(None), asked)), vec![2, 3, 4, 5, 1]);
        // Unless a word is misspelled: meaning then judges nothing.
        let misspelled = Asked {
            every_word_known: false,
            ..asked
        };
        assert_eq!(
            order(&fuse(candidates(None), misspelled)),
            vec![5, 2, 3, 4, 1]
        );
    }

    #[test]
    fn a_one_word_query_keeps_every_word_match_on_top() {
        let fused = fuse(
            vec![
                Candidate {
                    address: at(1),
                    words: Some(0.5),
                    meaning: None,
                },
                Candidate {
                    address: at(2),
                    words: None,
                    meaning: Some((0.9, 0)),
                },
            ],
            Asked {
                clauses: 1,
                every_word_known: true,
                floor: 0.3,
            },
        );
        assert_eq!(order(&fused), vec![1, 2]);
    }
}
