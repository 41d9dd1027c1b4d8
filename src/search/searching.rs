//! Searching the index: a query's results with snippets and facet counts, and reading ahead
//! what the first search after a change would otherwise read while a user waits.

use std::collections::HashMap;

use tantivy::collector::{Count, DocSetCollector, TopDocs};
use tantivy::query::{BooleanQuery, ConstScoreQuery, Occur, Query, TermSetQuery};
use tantivy::{DocAddress, Order, Searcher, TantivyDocument, Term};

use super::all_words_first::ALL_WORDS_BONUS;
use super::doc_list::DocListQuery;
use super::document::StoredEntry;
use super::facet_count::FacetNames;
use super::fusion::{Asked, Candidate, fuse};
use super::index::SearchIndex;
use super::query_builder::{BuiltQuery, QueryBuilder, QueryMode};
use super::query_text::QueryText;
use super::question::{NearEntries, SIMILARITY_FLOOR};
use super::request::{
    Facets, Hit, MAX_LIMIT, MAX_OFFSET, Matched, SearchError, SearchMode, SearchRequest,
    SearchResults, Sort,
};
use super::schema::{DATE_SORT_FIELD, UPDATED_SORT_FIELD};
use super::snippet::{PassageFinder, plain_passage};
use crate::playbook::{Access, Kind, Status};

impl SearchIndex {
    /// Reads ahead what the first search and suggestion after start-up or a write would
    /// otherwise read while a user waits: each new segment's facet table and the suggestion
    /// tables. Cheap when nothing changed. Blocking: call it off the async threads.
    pub fn warm(&self) -> Result<(), SearchError> {
        let searcher = self.reader.searcher();
        for segment in searcher.segment_readers() {
            self.facet_tables.warm(segment, &self.fields)?;
        }
        self.suggest("", &crate::playbook::Reader::Anonymous)?;
        Ok(())
    }

    /// Runs a search. Blocking: call it off the async threads.
    pub fn search(&self, request: &SearchRequest) -> Result<SearchResults, SearchError> {
        if request.limit == 0 || request.limit > MAX_LIMIT {
            return Err(SearchError::BadParameter(format!(
                "limit must be between 1 and {MAX_LIMIT}"
            )));
        }
        if request.offset > MAX_OFFSET {
            return Err(SearchError::BadParameter(format!(
                "offset must be at most {MAX_OFFSET}"
            )));
        }
        let text = QueryText::parse(&request.query)?;
        let searcher = self.reader.searcher();
        let mut builder = QueryBuilder {
            fields: &self.fields,
            synonyms: &self.synonyms,
            stemmed: self.stemmed.clone(),
            plain: self.plain.clone(),
            searcher: &searcher,
        };
        let built = builder.build(&text, request)?;
        let nearby = match (request.mode, request.sort, built.mode) {
            (SearchMode::Hybrid, Sort::Relevance, QueryMode::Text) => {
                self.nearby(&text, searcher.generation().generation_id())
            }
            _ => None,
        };
        let mode = match (self.question_search_enabled(), nearby.is_some()) {
            (false, _) => None,
            (true, true) => Some(SearchMode::Hybrid),
            (true, false) => Some(SearchMode::Lexical),
        };
        let (hits, total, facets, facet_names) = match nearby {
            Some(near) => {
                let every_word_known = builder.every_word_known(&built, &request.reader)?;
                self.search_hybrid(&searcher, request, &built, near, every_word_known)?
            }
            None => self.search_words(&searcher, request, &built)?,
        };
        let unmatched_filters = builder.unmatched(&built.filters, &request.reader)?;
        Ok(SearchResults {
            query: request.query.clone(),
            total,
            offset: request.offset,
            limit: request.limit,
            hits,
            facets,
            facet_names,
            unmatched_filters,
            unmatched_words: built.unmatched_words,
            mode,
        })
    }

    /// A page of results by words alone (as before question search).
    fn search_words(
        &self,
        searcher: &Searcher,
        request: &SearchRequest,
        built: &BuiltQuery,
    ) -> Result<Page, SearchError> {
        let facet_collector = self.facet_tables.counter(&self.fields);
        let page = TopDocs::with_limit(request.limit).and_offset(request.offset);
        let sort_field = match request.sort {
            Sort::Updated => Some(UPDATED_SORT_FIELD),
            Sort::Date => Some(DATE_SORT_FIELD),
            Sort::Relevance if built.mode == QueryMode::Browse => Some(DATE_SORT_FIELD),
            Sort::Relevance => None,
        };
        let (ranked, total, (facets, facet_names)): (Vec<(f32, DocAddress)>, usize, _) =
            if let Some(field) = sort_field {
                let top = page.order_by_fast_field::<i64>(field, Order::Desc);
                let (docs, total, facets) =
                    searcher.search(&*built.query, &(top, Count, facet_collector))?;
                (
                    docs.into_iter()
                        .map(|(_, address)| (0.0, address))
                        .collect(),
                    total,
                    facets,
                )
            } else {
                let top = page.order_by_score();
                searcher.search(&*built.query, &(top, Count, facet_collector))?
            };
        let mut passages =
            PassageFinder::new(self.stemmed.clone(), &built.highlighter, &self.word_terms);
        let mut hits = Vec::with_capacity(ranked.len());
        for (score, address) in ranked {
            let score = if score >= ALL_WORDS_BONUS {
                score - ALL_WORDS_BONUS
            } else {
                score
            };
            hits.push(self.hit(
                searcher,
                address,
                score,
                Matched::Words,
                None,
                &mut passages,
            )?);
        }
        Ok((hits, total, facets, facet_names))
    }

    /// A page of results by words and meaning (see `fusion`): every entry the words match or
    /// `near` names, narrowed alike by the exclusions, filters and the reader's audience, so
    /// the total and the facet counts cover both and nothing hidden is matched or counted.
    fn search_hybrid(
        &self,
        searcher: &Searcher,
        request: &SearchRequest,
        built: &BuiltQuery,
        near: NearEntries,
        every_word_known: bool,
    ) -> Result<Page, SearchError> {
        let f = &self.fields;
        let NearEntries {
            entries: near,
            places,
        } = near;
        // The entries near in meaning: by their documents when known, else by their ids.
        let ids_query = || -> Box<dyn Query> {
            match &places {
                Some(places) => Box::new(DocListQuery::new(searcher, places.iter().copied())),
                None => {
                    let terms = near.iter().map(|n| Term::from_field_text(f.id, &n.id));
                    Box::new(ConstScoreQuery::new(
                        Box::new(TermSetQuery::new(terms)),
                        0.0,
                    ))
                }
            }
        };
        let narrowed = |query: Box<dyn Query>| -> Box<dyn Query> {
            if built.narrowing.is_empty() {
                return query;
            }
            let mut occurs = vec![(Occur::Must, query)];
            occurs.extend(built.narrowing.iter().map(|(o, q)| (*o, q.box_clone())));
            Box::new(BooleanQuery::new(occurs))
        };
        let either: Box<dyn Query> = match &built.words {
            Some(words) => Box::new(BooleanQuery::new(vec![
                (Occur::Should, words.box_clone()),
                (Occur::Should, ids_query()),
            ])),
            None => ids_query(),
        };
        let union = narrowed(either);
        // Deep enough that entries found by meaning alone (scoring 0 here) cannot push a
        // word match of this page out of the window.
        let window = request.offset + request.limit + near.len();
        let facet_collector = self.facet_tables.counter(f);
        let (by_words, total, (facets, facet_names)) = searcher.search(
            &*union,
            &(
                TopDocs::with_limit(window).order_by_score(),
                Count,
                facet_collector,
            ),
        )?;
        // Which of the entries near in meaning pass the narrowing, and where they are.
        let mut meaning: HashMap<DocAddress, (f32, usize)> = HashMap::new();
        match &places {
            Some(places) if built.narrowing.is_empty() => {
                for (n, place) in near.iter().zip(places) {
                    meaning.insert(*place, (n.similarity, n.passage));
                }
            }
            Some(places) => {
                let allowed = searcher.search(&*narrowed(ids_query()), &DocSetCollector)?;
                for (n, place) in near.iter().zip(places) {
                    if allowed.contains(place) {
                        meaning.insert(*place, (n.similarity, n.passage));
                    }
                }
            }
            None => {
                let allowed = searcher.search(&*narrowed(ids_query()), &DocSetCollector)?;
                let similarity: HashMap<&str, (f32, usize)> = near
                    .iter()
                    .map(|n| (n.id.as_str(), (n.similarity, n.passage)))
                    .collect();
                for address in allowed {
                    let id = self.id_of(searcher, address)?;
                    if let Some(&found) = similarity.get(id.as_str()) {
                        meaning.insert(address, found);
                    }
                }
            }
        }
        let mut candidates: Vec<Candidate> = Vec::with_capacity(by_words.len() + meaning.len());
        for (score, address) in by_words {
            if score > 0.0 {
                candidates.push(Candidate {
                    address,
                    words: Some(score),
                    meaning: meaning.remove(&address),
                });
            }
        }
        candidates.extend(meaning.into_iter().map(|(address, found)| Candidate {
            address,
            words: None,
            meaning: Some(found),
        }));
        let floor = near
            .iter()
            .map(|n| n.similarity)
            .fold(f32::MAX, f32::min)
            .min(SIMILARITY_FLOOR);
        let fused = fuse(
            candidates,
            Asked {
                clauses: built.clauses,
                every_word_known,
                floor,
            },
        );
        let mut passages =
            PassageFinder::new(self.stemmed.clone(), &built.highlighter, &self.word_terms);
        let mut hits = Vec::with_capacity(request.limit);
        for entry in fused.into_iter().skip(request.offset).take(request.limit) {
            let passage = match entry.matched {
                Matched::Meaning => entry.passage,
                Matched::Words | Matched::Both => None,
            };
            hits.push(self.hit(
                searcher,
                entry.address,
                entry.score,
                entry.matched,
                passage,
                &mut passages,
            )?);
        }
        Ok((hits, total, facets, facet_names))
    }

    /// The id of the entry at `address`, from the id column.
    fn id_of(&self, searcher: &Searcher, address: DocAddress) -> Result<String, SearchError> {
        let segment = searcher.segment_reader(address.segment_ord);
        let name = segment.schema().get_field_name(self.fields.id);
        let column = segment.fast_fields().str(name)?.ok_or_else(|| {
            tantivy::TantivyError::SchemaError(format!("{name} is not a text fast field"))
        })?;
        let mut id = String::new();
        if let Some(ord) = column.ords().first(address.doc_id) {
            column
                .ord_to_str(ord, &mut id)
                .map_err(tantivy::TantivyError::from)?;
        }
        Ok(id)
    }

    /// A result from its stored document. `passage` (for a hit found by meaning alone) is
    /// the number of the passage shown as its snippet; otherwise the snippet is the passage
    /// that best shows the matched words.
    fn hit(
        &self,
        searcher: &Searcher,
        address: DocAddress,
        score: f32,
        matched: Matched,
        passage: Option<usize>,
        passages: &mut PassageFinder,
    ) -> Result<Hit, SearchError> {
        let doc: TantivyDocument = searcher.doc(address)?;
        let stored = StoredEntry::new(&doc, &self.fields);
        let f = &self.fields;
        let summary = stored.text(f.summary);
        let snippet = match passage {
            Some(number) => {
                crate::semantic::passage(stored.text(f.title), summary, stored.text(f.body), number)
                    .map(|text| plain_passage(&text))
                    .unwrap_or_else(|| plain_passage(summary))
            }
            None => passages
                .best_passage(stored.text(f.body))
                .or_else(|| passages.best_passage(summary))
                .unwrap_or_else(|| plain_passage(summary)),
        };
        Ok(Hit {
            id: stored.text(f.id).to_owned(),
            title: stored.text(f.title).to_owned(),
            jurisdiction: stored.jurisdiction(),
            kind: Kind::parse(stored.text(f.kind)).unwrap_or(Kind::Guidance),
            topics: stored.texts(f.topic),
            summary: summary.to_owned(),
            date: stored.date(),
            status: Status::parse(stored.text(f.status)),
            updated: stored.updated(),
            access: Access::parse(stored.text(f.access)),
            snippet,
            score,
            matched,
        })
    }
}

/// A page's hits, how many match in all, and their facet counts.
type Page = (Vec<Hit>, usize, Facets, FacetNames);
