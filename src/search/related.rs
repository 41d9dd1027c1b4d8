//! Entries related by content: Tantivy's more-like-this over an entry's stored text.

use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, MoreLikeThisQuery, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{TantivyDocument, Term};

use super::audience::readable;
use super::document::StoredEntry;
use super::index::{IndexError, SearchIndex};
use crate::playbook::{EntryId, Reader};

/// An entry found to be related.
#[derive(Debug, Clone, PartialEq)]
pub struct RelatedEntry {
    /// Its id.
    pub id: String,
    /// Its title.
    pub title: String,
}

impl SearchIndex {
    /// Up to `limit` entries `reader` may read whose words are most like those of entry `id`
    /// (not itself).
    pub fn related(
        &self,
        id: &EntryId,
        limit: usize,
        reader: &Reader,
    ) -> Result<Vec<RelatedEntry>, IndexError> {
        let searcher = self.reader.searcher();
        let id_term = Term::from_field_text(self.fields.id, &id.to_string());
        let found = searcher.search(
            &TermQuery::new(id_term.clone(), IndexRecordOption::Basic),
            &TopDocs::with_limit(1).order_by_score(),
        )?;
        let Some((_, address)) = found.first().copied() else {
            return Ok(Vec::new());
        };
        let stop_words = super::analyzer::stop_words()
            .iter()
            .map(|w| (*w).to_owned())
            .collect();
        let like_this = MoreLikeThisQuery::builder()
            .with_min_doc_frequency(1)
            // Words in more than half the entries say little (but keep small playbooks working).
            .with_max_doc_frequency((searcher.num_docs() / 2).max(2))
            .with_min_term_frequency(1)
            .with_min_word_length(3)
            .with_max_query_terms(25)
            .with_stop_words(stop_words)
            .with_document(address);
        let query = BooleanQuery::new(vec![
            (Occur::Must, Box::new(like_this) as Box<dyn Query>),
            (
                Occur::MustNot,
                Box::new(TermQuery::new(id_term, IndexRecordOption::Basic)),
            ),
        ]);
        let query = readable(&self.fields, reader, &searcher, Box::new(query));
        let top = searcher.search(&*query, &TopDocs::with_limit(limit).order_by_score())?;
        let mut related = Vec::with_capacity(top.len());
        for (_, address) in top {
            let doc: TantivyDocument = searcher.doc(address)?;
            let stored = StoredEntry::new(&doc, &self.fields);
            related.push(RelatedEntry {
                id: stored.text(self.fields.id).to_owned(),
                title: stored.text(self.fields.title).to_owned(),
            });
        }
        Ok(related)
    }
}
