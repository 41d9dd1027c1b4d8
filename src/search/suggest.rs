//! Search as you type: entry titles that match the words typed so far, the last word as a
//! prefix, forgiving typos.

use serde::Serialize;
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, BoostQuery, FuzzyTermQuery, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{TantivyDocument, Term};

use super::analyzer::{is_stop_word, terms};
use super::document::StoredEntry;
use super::index::SearchIndex;
use super::query_builder::typo_distance;
use super::request::{MAX_QUERY_CHARS, SearchError};

/// The most suggestions returned.
pub const MAX_SUGGESTIONS: usize = 8;

/// One suggestion.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Suggestion {
    /// The entry id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Its page.
    pub url: String,
    /// Its jurisdiction's name.
    pub jurisdiction: String,
}

impl SearchIndex {
    /// Titles matching what has been typed; the last word may be unfinished.
    pub fn suggest(&self, typed: &str) -> Result<Vec<Suggestion>, SearchError> {
        if typed.chars().count() > MAX_QUERY_CHARS {
            return Err(SearchError::QueryTooLong {
                max: MAX_QUERY_CHARS,
            });
        }
        let mut plain = self.plain.clone();
        let mut words = terms(&mut plain, typed);
        let last_is_partial = !typed.ends_with(char::is_whitespace);
        let partial = if last_is_partial { words.pop() } else { None };
        let field = self.fields.title_plain;
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for word in words.iter().filter(|w| !is_stop_word(w)).take(16) {
            let term = Term::from_field_text(field, word);
            let exact: Box<dyn Query> = Box::new(BoostQuery::new(
                Box::new(TermQuery::new(term.clone(), IndexRecordOption::WithFreqs)),
                2.0,
            ));
            let distance = typo_distance(word.chars().count());
            let either: Box<dyn Query> = if distance > 0 {
                let fuzzy: Box<dyn Query> = Box::new(FuzzyTermQuery::new(term, distance, true));
                Box::new(BooleanQuery::new(vec![
                    (Occur::Should, exact),
                    (Occur::Should, fuzzy),
                ]))
            } else {
                exact
            };
            clauses.push((Occur::Must, either));
        }
        if let Some(prefix) = partial {
            let term = Term::from_field_text(field, &prefix);
            // A short prefix must match as typed; from four letters one typo is forgiven.
            let distance = u8::from(prefix.chars().count() >= 4);
            let exact: Box<dyn Query> = Box::new(BoostQuery::new(
                Box::new(FuzzyTermQuery::new_prefix(term.clone(), 0, true)),
                2.0,
            ));
            let query: Box<dyn Query> = if distance > 0 {
                let fuzzy: Box<dyn Query> =
                    Box::new(FuzzyTermQuery::new_prefix(term, distance, true));
                Box::new(BooleanQuery::new(vec![
                    (Occur::Should, exact),
                    (Occur::Should, fuzzy),
                ]))
            } else {
                exact
            };
            clauses.push((Occur::Must, query));
        }
        if clauses.is_empty() {
            return Ok(Vec::new());
        }
        let searcher = self.reader.searcher();
        let top = searcher.search(
            &BooleanQuery::new(clauses),
            &TopDocs::with_limit(MAX_SUGGESTIONS).order_by_score(),
        )?;
        let mut suggestions = Vec::with_capacity(top.len());
        for (_, address) in top {
            let doc: TantivyDocument = searcher.doc(address)?;
            let stored = StoredEntry::new(&doc, &self.fields);
            let id = stored.text(self.fields.id).to_owned();
            suggestions.push(Suggestion {
                url: format!("/entries/{id}"),
                id,
                title: stored.text(self.fields.title).to_owned(),
                jurisdiction: stored.text(self.fields.jurisdiction_name).to_owned(),
            });
        }
        Ok(suggestions)
    }
}
