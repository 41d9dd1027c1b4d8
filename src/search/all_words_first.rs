//! `AllWordsFirst`: the query that ranks entries holding every query word above entries
//! holding only some (ranking rule 1 of `query_builder`), evaluating each word once.

use tantivy::query::{EmptyScorer, EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, SegmentReader, TERMINATED, Term};

/// Added to the score of entries that hold every query word; larger than any sum of word
/// scores a query can reach with `query_builder::MAX_CLAUSES` clauses.
pub const ALL_WORDS_BONUS: f32 = 10_000.0;

/// Any clause matches; the score is the sum of the matching clauses' scores, plus
/// `ALL_WORDS_BONUS` when every clause matched. The same ranking as
/// `const(ALL_WORDS_BONUS, every clause) OR any clause`, but each clause is evaluated once
/// rather than twice: on a large index, evaluating the words is most of a search's cost.
#[derive(Debug)]
pub struct AllWordsFirst(pub Vec<Box<dyn Query>>);

impl Clone for AllWordsFirst {
    fn clone(&self) -> Self {
        AllWordsFirst(self.0.iter().map(|q| q.box_clone()).collect())
    }
}

impl Query for AllWordsFirst {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let weights = self
            .0
            .iter()
            .map(|q| q.weight(enable_scoring))
            .collect::<tantivy::Result<Vec<_>>>()?;
        Ok(Box::new(AllWordsFirstWeight(weights)))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        for query in &self.0 {
            query.query_terms(visitor);
        }
    }
}

struct AllWordsFirstWeight(Vec<Box<dyn Weight>>);

impl Weight for AllWordsFirstWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let mut scorers = Vec::with_capacity(self.0.len());
        for weight in &self.0 {
            let scorer = weight.scorer(reader, boost)?;
            // A clause with no match here can never complete "every word" in this segment.
            if scorer.doc() != TERMINATED {
                scorers.push(scorer);
            }
        }
        if scorers.is_empty() {
            return Ok(Box::new(EmptyScorer));
        }
        let every = scorers.len() == self.0.len();
        let mut scorer = AllWordsFirstScorer {
            scorers,
            every,
            doc: 0,
        };
        scorer.settle();
        Ok(Box::new(scorer))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let matched: Vec<Explanation> = self
            .0
            .iter()
            .filter_map(|w| w.explain(reader, doc).ok())
            .collect();
        if matched.is_empty() {
            return Err(tantivy::TantivyError::InvalidArgument(format!(
                "document {doc} does not match"
            )));
        }
        let mut score: Score = matched.iter().map(Explanation::value).sum();
        if matched.len() == self.0.len() {
            score += ALL_WORDS_BONUS;
        }
        let mut explanation = Explanation::new("sum of matched words, bonus if all", score);
        for detail in matched {
            explanation.add_detail(detail);
        }
        Ok(explanation)
    }
}

/// The union of the clause scorers; a handful of clauses, so a linear scan beats a heap.
struct AllWordsFirstScorer {
    scorers: Vec<Box<dyn Scorer>>,
    /// Whether every clause has a scorer in this segment (else the bonus is out of reach).
    every: bool,
    doc: DocId,
}

impl AllWordsFirstScorer {
    /// Moves to the smallest document any clause stands on.
    fn settle(&mut self) -> DocId {
        self.doc = self
            .scorers
            .iter()
            .map(|s| s.doc())
            .min()
            .unwrap_or(TERMINATED);
        self.doc
    }
}

impl DocSet for AllWordsFirstScorer {
    fn advance(&mut self) -> DocId {
        let doc = self.doc;
        for scorer in &mut self.scorers {
            if scorer.doc() == doc {
                scorer.advance();
            }
        }
        self.settle()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc >= target {
            return self.doc;
        }
        for scorer in &mut self.scorers {
            if scorer.doc() < target {
                scorer.seek(target);
            }
        }
        self.settle()
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        self.scorers
            .iter()
            .map(|s| s.size_hint())
            .fold(0u32, u32::saturating_add)
    }

    fn cost(&self) -> u64 {
        self.scorers.iter().map(|s| s.cost()).sum()
    }
}

impl Scorer for AllWordsFirstScorer {
    fn score(&mut self) -> Score {
        let doc = self.doc;
        let mut score = 0.0;
        let mut matched = 0;
        for scorer in &mut self.scorers {
            if scorer.doc() == doc {
                score += scorer.score();
                matched += 1;
            }
        }
        if self.every && matched == self.scorers.len() {
            score += ALL_WORDS_BONUS;
        }
        score
    }
}
