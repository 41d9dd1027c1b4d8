//! The entries citing a declared source: a lookup of the source ids entries cite, newest
//! entries first, a page at a time.

use tantivy::collector::{Count, TopDocs};
use tantivy::query::TermQuery;
use tantivy::schema::IndexRecordOption;
use tantivy::{Order, TantivyDocument, Term};

use super::audience::readable;
use super::document::StoredEntry;
use super::index::{IndexError, SearchIndex};
use super::schema::DATE_SORT_FIELD;
use crate::playbook::Reader;

/// An entry that cites a source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CitingEntry {
    /// Its id.
    pub id: String,
    /// Its title.
    pub title: String,
}

/// A page of the entries citing a source.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CitingPage {
    /// How many entries cite it in all.
    pub total: usize,
    /// This page's entries, newest first.
    pub entries: Vec<CitingEntry>,
}

impl SearchIndex {
    /// Up to `limit` entries (after `offset`) that `reader` may read and that cite the
    /// declared source `source`. Blocking: call it off the async threads.
    pub fn citing(
        &self,
        source: &str,
        offset: usize,
        limit: usize,
        reader: &Reader,
    ) -> Result<CitingPage, IndexError> {
        let searcher = self.reader.searcher();
        let query = readable(
            &self.fields,
            reader,
            &searcher,
            Box::new(TermQuery::new(
                Term::from_field_text(self.fields.cites, source),
                IndexRecordOption::Basic,
            )),
        );
        let top = TopDocs::with_limit(limit.max(1))
            .and_offset(offset)
            .order_by_fast_field::<i64>(DATE_SORT_FIELD, Order::Desc);
        let (docs, total) = searcher.search(&*query, &(top, Count))?;
        let mut entries = Vec::with_capacity(docs.len());
        for (_, address) in docs {
            let doc: TantivyDocument = searcher.doc(address)?;
            let stored = StoredEntry::new(&doc, &self.fields);
            entries.push(CitingEntry {
                id: stored.text(self.fields.id).to_owned(),
                title: stored.text(self.fields.title).to_owned(),
            });
        }
        Ok(CitingPage { total, entries })
    }
}
