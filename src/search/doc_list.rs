//! `DocListQuery`: the documents at a list of addresses of one searcher, each scoring 0. The
//! entries question search finds by meaning are known by their address in the index
//! generation their vectors were built from; matching them by a list is far cheaper than a
//! set of id terms, which builds an automaton and walks the id dictionary for every question
//! (a fifth of a hybrid search's time, measured).

use std::collections::HashMap;
use std::sync::Arc;

use tantivy::index::SegmentId;
use tantivy::query::{ConstScorer, EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{
    DocAddress, DocId, DocSet, Score, Searcher, SegmentReader, TERMINATED, TantivyError,
};

/// Matches exactly the listed documents, with a score of 0.
#[derive(Debug, Clone)]
pub struct DocListQuery {
    by_segment: Arc<HashMap<SegmentId, Vec<DocId>>>,
}

impl DocListQuery {
    /// The documents at `addresses` of `searcher` (addresses of other searchers would name
    /// other documents).
    pub fn new(searcher: &Searcher, addresses: impl IntoIterator<Item = DocAddress>) -> Self {
        let segments: Vec<SegmentId> = searcher
            .segment_readers()
            .iter()
            .map(SegmentReader::segment_id)
            .collect();
        let mut by_segment: HashMap<SegmentId, Vec<DocId>> = HashMap::new();
        for address in addresses {
            if let Some(segment) = segments.get(address.segment_ord as usize) {
                by_segment.entry(*segment).or_default().push(address.doc_id);
            }
        }
        for docs in by_segment.values_mut() {
            docs.sort_unstable();
            docs.dedup();
        }
        DocListQuery {
            by_segment: Arc::new(by_segment),
        }
    }
}

impl Query for DocListQuery {
    fn weight(&self, _: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(self.clone()))
    }
}

impl Weight for DocListQuery {
    fn scorer(&self, reader: &SegmentReader, _: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let docs = self
            .by_segment
            .get(&reader.segment_id())
            .cloned()
            .unwrap_or_default();
        Ok(Box::new(ConstScorer::new(Listed { docs, at: 0 }, 0.0)))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let listed = self
            .by_segment
            .get(&reader.segment_id())
            .is_some_and(|docs| docs.binary_search(&doc).is_ok());
        if listed {
            Ok(Explanation::new("listed", 0.0))
        } else {
            Err(TantivyError::InvalidArgument(format!(
                "document #{doc} is not listed"
            )))
        }
    }
}

/// Sorted, distinct documents, walked in order.
struct Listed {
    docs: Vec<DocId>,
    at: usize,
}

impl DocSet for Listed {
    fn advance(&mut self) -> DocId {
        self.at = (self.at + 1).min(self.docs.len());
        self.doc()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        let rest = self.docs.get(self.at..).unwrap_or(&[]);
        self.at += rest.partition_point(|doc| *doc < target);
        self.doc()
    }

    fn doc(&self) -> DocId {
        self.docs.get(self.at).copied().unwrap_or(TERMINATED)
    }

    fn size_hint(&self) -> u32 {
        u32::try_from(self.docs.len()).unwrap_or(u32::MAX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::collector::{Count, DocSetCollector};
    use tantivy::schema::{STORED, Schema, TEXT};
    use tantivy::{Index, IndexWriter, doc};

    #[test]
    fn it_matches_the_listed_documents_of_every_segment_and_nothing_else() {
        let mut schema = Schema::builder();
        let text = schema.add_text_field("text", TEXT | STORED);
        let index = Index::create_in_ram(schema.build());
        let mut writer: IndexWriter = index.writer(15_000_000).expect("writer");
        for segment in 0..2 {
            for n in 0..5 {
                writer
                    .add_document(doc!(text => format!("segment {segment} doc {n}")))
                    .expect("added");
            }
            writer.commit().expect("committed");
        }
        let searcher = index.reader().expect("reader").searcher();
        assert_eq!(searcher.segment_readers().len(), 2);
        let listed = [
            DocAddress::new(0, 1),
            DocAddress::new(1, 4),
            DocAddress::new(1, 0),
            DocAddress::new(0, 1),
            DocAddress::new(7, 0),
        ];
        let query = DocListQuery::new(&searcher, listed);
        let found = searcher.search(&query, &DocSetCollector).expect("searched");
        let mut found: Vec<DocAddress> = found.into_iter().collect();
        found.sort();
        assert_eq!(
            found,
            [
                DocAddress::new(0, 1),
                DocAddress::new(1, 0),
                DocAddress::new(1, 4)
            ]
        );
        assert_eq!(searcher.search(&query, &Count).expect("counted"), 3);
        let none = DocListQuery::new(&searcher, []);
        assert_eq!(searcher.search(&none, &Count).expect("counted"), 0);
        assert!(Query::explain(&query, &searcher, DocAddress::new(1, 4)).is_ok());
        assert!(Query::explain(&query, &searcher, DocAddress::new(1, 3)).is_err());
        // Seeking lands on the first listed document at or after the target.
        let mut listed = Listed {
            docs: vec![2, 5, 9],
            at: 0,
        };
        assert_eq!(listed.seek(3), 5);
        assert_eq!(listed.seek(5), 5);
        assert_eq!(listed.advance(), 9);
        assert_eq!(listed.seek(10), TERMINATED);
        assert_eq!(listed.advance(), TERMINATED);
    }
}
