//! Searching the index: a query's results with snippets and facet counts, and reading ahead
//! what the first search after a change would otherwise read while a user waits.

use tantivy::collector::{Count, TopDocs};
use tantivy::{DocAddress, Order, TantivyDocument};

use super::all_words_first::ALL_WORDS_BONUS;
use super::document::StoredEntry;
use super::index::SearchIndex;
use super::query_builder::{QueryBuilder, QueryMode};
use super::query_text::QueryText;
use super::request::{Hit, MAX_LIMIT, MAX_OFFSET, SearchError, SearchRequest, SearchResults, Sort};
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
            let doc: TantivyDocument = searcher.doc(address)?;
            let stored = StoredEntry::new(&doc, &self.fields);
            let f = &self.fields;
            let summary = stored.text(f.summary);
            let snippet = passages
                .best_passage(stored.text(f.body))
                .or_else(|| passages.best_passage(summary))
                .unwrap_or_else(|| plain_passage(summary));
            hits.push(Hit {
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
                score: if score >= ALL_WORDS_BONUS {
                    score - ALL_WORDS_BONUS
                } else {
                    score
                },
            });
        }
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
        })
    }
}
