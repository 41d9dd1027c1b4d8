//! What a reader may read, as a query: one required clause that every search, suggestion
//! lookup, related-entries and citing-entries query carries, so what the reader may not read
//! is never matched, counted or shown.

use tantivy::query::{BooleanQuery, ConstScoreQuery, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{Searcher, Term};

use super::schema::PlaybookFields;
use crate::playbook::Reader;

/// The clause matching what `reader` may read in `searcher`'s index; None when they may read
/// everything there (an admin; or one of their keys is every entry's, as `public` is while
/// every entry is public), so the common case costs a search nothing.
pub fn audience_clause(
    fields: &PlaybookFields,
    reader: &Reader,
    searcher: &Searcher,
) -> Option<Box<dyn Query>> {
    let keys = reader.keys()?;
    if keys.iter().any(|key| held_by_all(fields, searcher, key)) {
        return None;
    }
    let any: Vec<(Occur, Box<dyn Query>)> = keys
        .iter()
        .map(|key| {
            let term = Term::from_field_text(fields.audience, key);
            let query: Box<dyn Query> = Box::new(TermQuery::new(term, IndexRecordOption::Basic));
            (Occur::Should, query)
        })
        .collect();
    Some(Box::new(ConstScoreQuery::new(
        Box::new(BooleanQuery::new(any)),
        0.0,
    )))
}

/// Whether every document of every segment (deleted ones too) holds `key`.
fn held_by_all(fields: &PlaybookFields, searcher: &Searcher, key: &str) -> bool {
    let term = Term::from_field_text(fields.audience, key);
    searcher.segment_readers().iter().all(|segment| {
        segment
            .inverted_index(fields.audience)
            .ok()
            .and_then(|inverted| inverted.doc_freq(&term).ok())
            .is_some_and(|holding| holding == segment.max_doc())
    })
}

/// `query` narrowed to what `reader` may read.
pub fn readable(
    fields: &PlaybookFields,
    reader: &Reader,
    searcher: &Searcher,
    query: Box<dyn Query>,
) -> Box<dyn Query> {
    match audience_clause(fields, reader, searcher) {
        Some(audience) => Box::new(BooleanQuery::new(vec![
            (Occur::Must, query),
            (Occur::Must, audience),
        ])),
        None => query,
    }
}
