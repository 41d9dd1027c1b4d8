//! Turns parsed query text into a tantivy query, and the highlighter that goes with it.
//!
//! Ranking rules, in order of strength:
//! 1. an entry holding every query word (or a synonym or typo of it) ranks above one holding
//!    only some: those get a constant bonus larger than any sum of word scores
//!    (`AllWordsFirst`, in its own module);
//! 2. an exact (stemmed) match scores above a synonym match, which scores above a typo match;
//! 3. a title match counts more than a summary match, which counts more than a body match.

use std::collections::BTreeSet;

use tantivy::collector::Count;
use tantivy::query::EnableScoring;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, DisjunctionMaxQuery, EmptyQuery, Occur,
    PhraseQuery, Query, TermQuery,
};
use tantivy::schema::{Facet, Field, IndexRecordOption};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{DocSet, Searcher, TERMINATED, Term};

use super::all_words_first::AllWordsFirst;
use super::analyzer::{is_stop_word, terms};
use super::audience::{audience_clause, readable};
use super::filter::{ByFilter, Filter};
use super::forward_only::ForwardOnly;
use super::highlight::Highlighter;
use super::query_text::{QueryPart, QueryText};
use super::request::{MAX_FILTER_VALUES, SearchError, SearchRequest};
use super::schema::PlaybookFields;
use super::synonyms::AnalyzedSynonyms;
use super::typo::{TypoQuery, is_common};
use crate::playbook::Reader;

/// The most words and phrases a query is searched with; the rest are ignored.
pub const MAX_CLAUSES: usize = 32;
/// Weight of a synonym match relative to an exact match.
const SYNONYM_WEIGHT: f32 = 0.4;
/// Constant score of a typo match relative to the field weight.
const FUZZY_WEIGHT: f32 = 0.3;

/// What kind of search the text asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryMode {
    /// No words: list everything that passes the filters.
    Browse,
    /// Words to rank by.
    Text,
    /// Words were typed but none is searchable (only punctuation, say): nothing matches.
    Nothing,
}

/// A query ready to run.
pub struct BuiltQuery {
    /// The tantivy query, filters included.
    pub query: Box<dyn Query>,
    /// What to mark in snippets.
    pub highlighter: Highlighter,
    /// Browse, text or nothing.
    pub mode: QueryMode,
    /// The filter values it requires, from the request and the query text.
    pub filters: WantedFilters,
    /// Words of a query of several that no entry holds, as typed.
    pub unmatched_words: Vec<String>,
    /// The scoring part alone (the words, phrases and synonyms), when there is text.
    pub words: Option<Box<dyn Query>>,
    /// The other clauses alone: exclusions (`MustNot`), filters and the reader's audience
    /// (`Must`), to narrow what else a search matches (entries found by meaning) alike.
    pub narrowing: Vec<(Occur, Box<dyn Query>)>,
    /// How many clauses the words made (a query of one holds every word in every match).
    pub clauses: usize,
    /// The clauses of the words, for what is worked out only on demand.
    include: Vec<Clause>,
}

/// Whether a live document matches `query`: stops at the first.
fn matches_any(searcher: &Searcher, query: &dyn Query) -> Result<bool, SearchError> {
    let weight = query.weight(EnableScoring::disabled_from_searcher(searcher))?;
    for segment in searcher.segment_readers() {
        let mut scorer = weight.scorer(segment, 1.0)?;
        let alive = segment.alive_bitset();
        let mut doc = scorer.doc();
        while doc != TERMINATED {
            if alive.is_none_or(|bits| bits.is_alive(doc)) {
                return Ok(true);
            }
            doc = scorer.advance();
        }
    }
    Ok(false)
}

/// The values a query requires of each filter.
pub type WantedFilters = ByFilter<BTreeSet<String>>;

/// A word of the query after analysis.
#[derive(Debug, Clone)]
struct QueryWord {
    stem: String,
    typo_distance: u8,
    /// The word as typed (lowercased), and the typos its length allows. Stemming can shorten
    /// a long word below its allowance (or fail on a misspelled one), so titles are also
    /// matched unstemmed.
    surface: String,
    surface_distance: u8,
}

/// Loose words typed together (with their surface form), or a quoted phrase's tokens.
enum Run {
    Words(Vec<(String, QueryWord)>),
    Phrase(Vec<String>),
}

/// One thing an entry should contain.
#[derive(Debug, Clone)]
enum Clause {
    /// A word, matched exactly (stemmed) or within its typo distance.
    Word(QueryWord),
    /// Words next to each other.
    Phrase(Vec<String>),
    /// Words that are a synonym term: matched as written, or as any other term of the group.
    Synonym {
        words: Vec<QueryWord>,
        alternatives: Vec<Vec<String>>,
    },
}

impl Clause {
    /// The words of a word or synonym clause; none for a phrase.
    fn words(&self) -> Option<Vec<&QueryWord>> {
        match self {
            Clause::Word(word) => Some(vec![word]),
            Clause::Synonym { words, .. } => Some(words.iter().collect()),
            Clause::Phrase(_) => None,
        }
    }
}

/// How many typos a word may carry: none under 5 letters, one up to 8, two from 9.
pub fn typo_distance(chars: usize) -> u8 {
    match chars {
        0..=4 => 0,
        5..=8 => 1,
        _ => 2,
    }
}

/// Builds queries for one index.
pub struct QueryBuilder<'a> {
    /// The index's fields.
    pub fields: &'a PlaybookFields,
    /// The synonym groups.
    pub synonyms: &'a AnalyzedSynonyms,
    /// Stemming analysis (as indexed).
    pub stemmed: TextAnalyzer,
    /// Analysis without stemming (as typed).
    pub plain: TextAnalyzer,
    /// The index as the query will search it: which words are common (see `typo::is_common`).
    pub searcher: &'a Searcher,
}

impl QueryBuilder<'_> {
    /// The query for `text` under the request's filters.
    pub fn build(
        &mut self,
        text: &QueryText,
        request: &SearchRequest,
    ) -> Result<BuiltQuery, SearchError> {
        let (filters, filter_values) = self.filter_clauses(text, request)?;
        let mut highlighter = Highlighter::default();
        let include = self.clauses(&text.include);
        let exclude = self.clauses(&text.exclude);
        if text.include.is_empty() && !text.exclude.is_empty() {
            return Err(SearchError::OnlyExclusions);
        }
        let mode = if text.include.is_empty() {
            QueryMode::Browse
        } else if include.is_empty() {
            QueryMode::Nothing
        } else {
            QueryMode::Text
        };
        let mut occurs: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let mut words_query: Option<Box<dyn Query>> = None;
        match mode {
            QueryMode::Browse => occurs.push((Occur::Must, Box::new(AllQuery))),
            QueryMode::Nothing => occurs.push((Occur::Must, Box::new(EmptyQuery))),
            QueryMode::Text => {
                for clause in &include {
                    add_highlights(clause, &mut highlighter);
                }
                let mut scored: Vec<Box<dyn Query>> =
                    include.iter().map(|c| self.clause_query(c)).collect();
                // One clause: every match holds every word, and the bonus changes no order.
                let words: Box<dyn Query> = match (scored.pop(), scored.is_empty()) {
                    (Some(only), true) => only,
                    (Some(last), false) => {
                        scored.push(last);
                        Box::new(AllWordsFirst(scored))
                    }
                    (None, _) => Box::new(EmptyQuery),
                };
                words_query = Some(words.box_clone());
                occurs.push((Occur::Must, words));
            }
        }
        let mut narrowing: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for clause in &exclude {
            let excluded = ForwardOnly(self.exact_query(clause));
            narrowing.push((Occur::MustNot, Box::new(excluded)));
        }
        narrowing.extend(filters.into_iter().map(|f| (Occur::Must, f)));
        occurs.extend(narrowing.iter().map(|(occur, q)| (*occur, q.box_clone())));
        // A query of one clause is searched as that clause: a word's union of terms is then
        // tantivy's own term union, with no scorer in between.
        let query: Box<dyn Query> = match (occurs.pop(), occurs.is_empty()) {
            (Some((Occur::Must, only)), true) => only,
            (Some(last), _) => {
                occurs.push(last);
                Box::new(BooleanQuery::new(occurs))
            }
            (None, _) => Box::new(EmptyQuery),
        };
        // With several words, a word no entry holds is worth saying (the others still match).
        let unmatched_words = if include.len() >= 2 {
            self.unmatched_words(&include, &request.reader)?
        } else {
            Vec::new()
        };
        Ok(BuiltQuery {
            query,
            highlighter,
            mode,
            filters: filter_values,
            unmatched_words,
            words: words_query,
            narrowing,
            clauses: include.len(),
            include,
        })
    }

    /// Whether an entry the reader may read holds each word of the query `built` exactly
    /// (stemmed, without a typo); phrases are left out, as they match as typed or not at all.
    /// Asked only when a search uses meaning, which reads a misspelled question poorly.
    pub fn every_word_known(
        &self,
        built: &BuiltQuery,
        reader: &Reader,
    ) -> Result<bool, SearchError> {
        if built.include.len() < 2 {
            return Ok(true);
        }
        let reads_all = audience_clause(self.fields, reader, self.searcher).is_none();
        for clause in &built.include {
            let Some(words) = clause.words() else {
                continue;
            };
            let in_dictionary = self.in_dictionary(&words);
            // The dictionary also knows words only hidden entries hold: for a reader who
            // may not read everything, a readable match decides.
            let known = in_dictionary
                && (reads_all
                    || matches_any(
                        self.searcher,
                        &*readable(self.fields, reader, self.searcher, self.exact_query(clause)),
                    )?);
            if !known {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Whether the term dictionary holds each of `words` (stemmed) in some field.
    fn in_dictionary(&self, words: &[&QueryWord]) -> bool {
        words.iter().all(|word| {
            self.fields
                .weighted_text_fields()
                .into_iter()
                .any(|(field, _)| {
                    self.searcher
                        .doc_freq(&Term::from_field_text(field, &word.stem))
                        .is_ok_and(|n| n > 0)
                })
        })
    }

    /// The words (as typed) of `clauses` that no entry holds, even with a typo or as a
    /// synonym. A word held exactly is known at once from the term dictionary; only the
    /// others are looked for in full, and the first live match ends the look.
    fn unmatched_words(
        &self,
        clauses: &[Clause],
        reader: &Reader,
    ) -> Result<Vec<String>, SearchError> {
        // The term dictionary knows every entry's words, those the reader may not read too:
        // for such a reader, a word counts as held only if an entry they may read holds it.
        let reads_all = audience_clause(self.fields, reader, self.searcher).is_none();
        let mut unmatched = Vec::new();
        for clause in clauses {
            // A phrase says nothing about one word; its absence is the whole answer.
            let Some(words) = clause.words() else {
                continue;
            };
            let held_exactly = reads_all && self.in_dictionary(&words);
            let held = readable(
                self.fields,
                reader,
                self.searcher,
                self.clause_query(clause),
            );
            if held_exactly || matches_any(self.searcher, &*held)? {
                continue;
            }
            let typed: Vec<&str> = words.iter().map(|w| w.surface.as_str()).collect();
            unmatched.push(typed.join(" "));
        }
        Ok(unmatched)
    }

    /// Analyzes query parts into clauses, dropping stop words unless nothing else is left.
    fn clauses(&mut self, parts: &[QueryPart]) -> Vec<Clause> {
        // Runs of loose words (synonyms may span words typed apart) and phrases, in order.
        let mut runs: Vec<Run> = Vec::new();
        for part in parts {
            match part {
                QueryPart::Words(text) => {
                    let words = terms(&mut self.plain, text).into_iter().map(|surface| {
                        let stem = terms(&mut self.stemmed, &surface).concat();
                        let distance = typo_distance(surface.chars().count())
                            .min(typo_distance(stem.chars().count()));
                        let surface_distance = typo_distance(surface.chars().count());
                        (
                            surface.clone(),
                            QueryWord {
                                stem,
                                typo_distance: distance,
                                surface,
                                surface_distance,
                            },
                        )
                    });
                    match runs.last_mut() {
                        Some(Run::Words(run)) => run.extend(words),
                        _ => runs.push(Run::Words(words.collect())),
                    }
                }
                QueryPart::Phrase(text) => {
                    let tokens = terms(&mut self.stemmed, text);
                    if !tokens.is_empty() {
                        runs.push(Run::Phrase(tokens));
                    }
                }
            }
        }
        let only_stop_words = runs.iter().all(|run| match run {
            Run::Words(words) => words.iter().all(|(surface, _)| is_stop_word(surface)),
            Run::Phrase(_) => false,
        });
        let mut clauses = Vec::new();
        for run in runs {
            match run {
                Run::Phrase(tokens) if tokens.len() == 1 => clauses.push(Clause::Word(QueryWord {
                    stem: tokens.concat(),
                    typo_distance: 0,
                    surface: String::new(),
                    surface_distance: 0,
                })),
                Run::Phrase(tokens) => clauses.push(Clause::Phrase(tokens)),
                Run::Words(words) => self.group_synonyms(&words, only_stop_words, &mut clauses),
            }
        }
        clauses.truncate(MAX_CLAUSES);
        clauses
    }

    /// Turns loose words into clauses. Synonym terms are looked up among every word typed,
    /// stop words included, so a term like "list of steps" is found; stop words are dropped
    /// afterwards unless `keep_stop_words`.
    fn group_synonyms(
        &self,
        words: &[(String, QueryWord)],
        keep_stop_words: bool,
        clauses: &mut Vec<Clause>,
    ) {
        let kept = |run: &[(String, QueryWord)]| -> Vec<QueryWord> {
            run.iter()
                .filter(|(surface, _)| keep_stop_words || !is_stop_word(surface))
                .map(|(_, word)| word.clone())
                .collect()
        };
        let stems: Vec<String> = words.iter().map(|(_, w)| w.stem.clone()).collect();
        let mut at = 0;
        while at < words.len() {
            match self.synonyms.longest_match(&stems[at..]) {
                Some(found) => {
                    let run = &words[at..at + found.len];
                    let mut typed = kept(run);
                    if typed.is_empty() {
                        typed = run.iter().map(|(_, word)| word.clone()).collect();
                    }
                    // An alternative holding every typed word ("national guard" for
                    // "guard") matches only entries the typed words match already, so it
                    // could only reorder them, and a phrase of two common words is the
                    // costliest query there is: leave it out.
                    let alternatives = found
                        .alternatives
                        .into_iter()
                        .filter(|alternative| {
                            !typed.iter().all(|word| alternative.contains(&word.stem))
                        })
                        .collect();
                    clauses.push(Clause::Synonym {
                        words: typed,
                        alternatives,
                    });
                    at += found.len;
                }
                None => {
                    clauses.extend(kept(&words[at..=at]).into_iter().map(Clause::Word));
                    at += 1;
                }
            }
        }
    }

    /// The scoring query of a clause.
    fn clause_query(&self, clause: &Clause) -> Box<dyn Query> {
        match clause {
            Clause::Word(word) => self.word_query(word),
            Clause::Phrase(tokens) => self.sequence_query(tokens, 1.0),
            Clause::Synonym {
                words,
                alternatives,
            } => {
                let as_typed: Box<dyn Query> = if words.len() == 1 {
                    self.word_query(&words[0])
                } else {
                    Box::new(BooleanQuery::new(
                        words
                            .iter()
                            .map(|w| (Occur::Must, self.word_query(w)))
                            .collect(),
                    ))
                };
                let mut options = vec![(Occur::Should, as_typed)];
                for alternative in alternatives {
                    options.push((
                        Occur::Should,
                        self.sequence_query(alternative, SYNONYM_WEIGHT),
                    ));
                }
                Box::new(BooleanQuery::new(options))
            }
        }
    }

    /// A word in any field: exactly (BM25) or, for long enough words, within its typo distance
    /// (keeping its first letter: see `typo`).
    fn word_query(&self, word: &QueryWord) -> Box<dyn Query> {
        let mut options: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let stem_typos = TypoQuery::new(self.fields.title, &word.stem, word.typo_distance);
        for (field, weight) in self.fields.weighted_text_fields() {
            let term = Term::from_field_text(field, &word.stem);
            options.push((
                Occur::Should,
                Box::new(BoostQuery::new(
                    Box::new(TermQuery::new(term.clone(), IndexRecordOption::WithFreqs)),
                    weight,
                )),
            ));
            let mut typo_matches: Vec<Box<dyn Query>> = Vec::new();
            if let Some(typos) = &stem_typos
                && !self.is_common(field, &word.stem)
            {
                typo_matches.push(Box::new(typos.in_field(field)));
            }
            if field == self.fields.title
                && let Some(typos) = TypoQuery::new(
                    self.fields.title_plain,
                    &word.surface,
                    word.surface_distance,
                )
                && !self.is_common(self.fields.title_plain, &word.surface)
            {
                typo_matches.push(Box::new(typos));
            }
            if !typo_matches.is_empty() {
                // A typo counts once per field, however many ways it is found.
                options.push((
                    Occur::Should,
                    Box::new(BoostQuery::new(
                        Box::new(DisjunctionMaxQuery::new(typo_matches)),
                        weight * FUZZY_WEIGHT,
                    )),
                ));
            }
        }
        Box::new(BooleanQuery::new(options))
    }

    /// Whether `word` is common in `field`: its typos there are then not searched.
    fn is_common(&self, field: Field, word: &str) -> bool {
        self.searcher
            .doc_freq(&Term::from_field_text(field, word))
            .is_ok_and(|holding| is_common(holding, self.searcher.num_docs()))
    }

    /// Tokens next to each other in any field (a single token is a term), scaled by `weight`.
    fn sequence_query(&self, tokens: &[String], weight: f32) -> Box<dyn Query> {
        let joined = self.synonyms.joined_phrases();
        let options = self
            .fields
            .weighted_text_fields()
            .into_iter()
            .map(|(field, field_weight)| {
                // A synonym phrase is also indexed as one term (see `joined_phrases`).
                let single_term = match tokens {
                    [token] => Some(token.clone()),
                    _ => joined.joined_term(tokens),
                };
                let query: Box<dyn Query> = if let Some(term) = single_term {
                    Box::new(TermQuery::new(
                        Term::from_field_text(field, &term),
                        IndexRecordOption::WithFreqs,
                    ))
                } else {
                    Box::new(PhraseQuery::new(
                        tokens
                            .iter()
                            .map(|t| Term::from_field_text(field, t))
                            .collect(),
                    ))
                };
                let boosted: Box<dyn Query> =
                    Box::new(BoostQuery::new(query, field_weight * weight));
                (Occur::Should, boosted)
            })
            .collect();
        Box::new(BooleanQuery::new(options))
    }

    /// What an exclusion removes: the words or phrase as typed (stemmed), no typos or synonyms.
    fn exact_query(&self, clause: &Clause) -> Box<dyn Query> {
        match clause {
            Clause::Word(word) => self.sequence_query(std::slice::from_ref(&word.stem), 1.0),
            Clause::Phrase(tokens) => self.sequence_query(tokens, 1.0),
            Clause::Synonym { words, .. } => Box::new(BooleanQuery::new(
                words
                    .iter()
                    .map(|w| {
                        (
                            Occur::Should,
                            self.sequence_query(std::slice::from_ref(&w.stem), 1.0),
                        )
                    })
                    .collect(),
            )),
        }
    }

    /// One required clause per filter with values (a filter's values are alternatives), and
    /// the values.
    fn filter_clauses(
        &self,
        text: &QueryText,
        request: &SearchRequest,
    ) -> Result<(Vec<Box<dyn Query>>, WantedFilters), SearchError> {
        let mut wanted: ByFilter<BTreeSet<String>> = ByFilter::default();
        let from_request = request
            .filters
            .iter()
            .flat_map(|(filter, values)| values.iter().map(move |v| (filter, v.as_str())));
        let from_text = text.filters.iter().map(|(filter, v)| (*filter, v.as_str()));
        for (filter, value) in from_request.chain(from_text) {
            let value = value.trim();
            if value.is_empty() {
                continue;
            }
            filter.check(value)?;
            let values = &mut wanted[filter];
            values.insert(value.to_owned());
            if values.len() > MAX_FILTER_VALUES {
                return Err(SearchError::BadParameter(format!(
                    "at most {MAX_FILTER_VALUES} {filter} filters"
                )));
            }
        }
        let facets = self.fields.facets;
        let mut clauses: Vec<Box<dyn Query>> = wanted
            .iter()
            .filter(|(_, values)| !values.is_empty())
            .map(|(filter, values)| {
                let any: Vec<(Occur, Box<dyn Query>)> = values
                    .iter()
                    .map(|value| {
                        let facet = Facet::from_path([filter.as_str(), value.as_str()]);
                        let term = Term::from_facet(facets, &facet);
                        let query: Box<dyn Query> =
                            Box::new(TermQuery::new(term, IndexRecordOption::Basic));
                        (Occur::Should, query)
                    })
                    .collect();
                Box::new(ConstScoreQuery::new(Box::new(BooleanQuery::new(any)), 0.0))
                    as Box<dyn Query>
            })
            .collect();
        clauses.extend(audience_clause(self.fields, &request.reader, self.searcher));
        Ok((clauses, wanted))
    }

    /// The filter values of `wanted` that no entry of the index has.
    pub fn unmatched(
        &self,
        wanted: &WantedFilters,
        reader: &Reader,
    ) -> Result<Vec<(Filter, String)>, SearchError> {
        let mut unmatched = Vec::new();
        for (filter, values) in wanted.iter() {
            for value in values {
                let facet = Facet::from_path([filter.as_str(), value.as_str()]);
                let term = Term::from_facet(self.fields.facets, &facet);
                let query = readable(
                    self.fields,
                    reader,
                    self.searcher,
                    Box::new(TermQuery::new(term, IndexRecordOption::Basic)),
                );
                if self.searcher.search(&*query, &Count)? == 0 {
                    unmatched.push((filter, value.clone()));
                }
            }
        }
        Ok(unmatched)
    }
}

fn add_highlights(clause: &Clause, highlighter: &mut Highlighter) {
    match clause {
        Clause::Word(word) => {
            highlighter.next_word();
            highlighter.add_exact(&word.stem);
            highlighter.add_fuzzy(&word.stem, word.typo_distance);
        }
        Clause::Phrase(tokens) => {
            for token in tokens {
                highlighter.next_word();
                highlighter.add_exact(token);
            }
        }
        Clause::Synonym {
            words,
            alternatives,
        } => {
            // The words as typed and every alternative stand for one query word.
            highlighter.next_word();
            for word in words {
                highlighter.add_exact(&word.stem);
                highlighter.add_fuzzy(&word.stem, word.typo_distance);
            }
            alternatives
                .iter()
                .flatten()
                .for_each(|t| highlighter.add_exact(t));
        }
    }
}
