//! The in-memory tables suggestions are answered from.
//!
//! Per segment (`SegmentTable`, keyed by segment id and read once: segments never change, and
//! deletions are taken from the searcher at query time): the title words with their document
//! frequencies, each entry's distinct title words (a forward index, so "does this entry hold
//! a word starting with `n`" is a few integer comparisons), each frequent word's entries of
//! shortest title, and the id, title and jurisdiction name a suggestion shows, read from fast
//! fields so answering never touches the document store.
//!
//! Per searcher (`IndexTable`, the index's latest, merged from the segment tables on the
//! first suggestion after a reload): every title word of the index with its total frequency,
//! and for each group of words sharing their first one, two or three bytes the group ranked
//! most frequent first, so the best completions of a prefix are read in order without looking
//! at the others.
//!
//! Both are kept by the index they belong to (`SuggestTables`). Their size, and the time to
//! read a segment's and to merge them, are in BENCHMARKS.md (change 10, "Suggestions").

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::ops::Range;
use std::sync::{Arc, Mutex, MutexGuard};

use tantivy::index::SegmentId;
use tantivy::postings::TermInfo;
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocId, Searcher, SegmentReader, TantivyError};
use tantivy_fst::Automaton;

use crate::playbook::{Access, Reader};
use crate::search::schema::PlaybookFields;

/// Prefixes up to this many bytes have their completions ranked in advance; a longer prefix
/// filters the ranking of its first `RANKED_PREFIX_BYTES` bytes.
const RANKED_PREFIX_BYTES: usize = 3;

/// A word held by more entries of a segment than this keeps its `SHORTEST_KEPT` entries of
/// fewest title words, so the best entries of a frequent word are found without reading all
/// of them.
const SHORTEST_KEPT: usize = 64;

/// Byte strings in one buffer, numbered in the order pushed.
struct Strings {
    bytes: Vec<u8>,
    /// String `i` is `bytes[starts[i]..starts[i + 1]]`.
    starts: Vec<usize>,
}

impl Strings {
    fn new() -> Strings {
        Strings {
            bytes: Vec::new(),
            starts: vec![0],
        }
    }

    fn push(&mut self, value: &[u8]) {
        self.bytes.extend_from_slice(value);
        self.starts.push(self.bytes.len());
    }

    fn len(&self) -> usize {
        self.starts.len() - 1
    }

    fn get(&self, i: u32) -> &[u8] {
        let i = i as usize;
        &self.bytes[self.starts[i]..self.starts[i + 1]]
    }

    fn last(&self) -> Option<&[u8]> {
        self.len().checked_sub(1).map(|i| self.get(i as u32))
    }

    /// `partition_point`, searching outwards from `from`: cheaper when the point is near.
    fn gallop(&self, from: u32, to: u32, before: impl Fn(&[u8]) -> bool) -> u32 {
        let mut step = 1;
        let mut low = from;
        while low + step < to && before(self.get(low + step)) {
            low += step;
            step *= 2;
        }
        self.partition_point(low, (low + step).min(to), before)
    }

    /// The first string number in `from..to` for which `before` is false (`before` must be
    /// true for a leading run of the strings and false after it).
    fn partition_point(&self, from: u32, to: u32, before: impl Fn(&[u8]) -> bool) -> u32 {
        let (mut low, mut high) = (from, to);
        while low < high {
            let middle = low + (high - low) / 2;
            if before(self.get(middle)) {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        low
    }
}

/// The numbers of the (sorted) `words` starting with `prefix`.
fn prefix_range(words: &Strings, prefix: &[u8]) -> Range<u32> {
    let count = words.len() as u32;
    let from = words.partition_point(0, count, |w| w < prefix);
    let to = words.partition_point(from, count, |w| w.starts_with(prefix));
    from..to
}

/// The numbers of the (sorted) `words` that `automaton` accepts, ascending. The sorted words are walked
/// as the trie they spell: a prefix the automaton rejects is skipped with every word
/// starting with it, and a prefix shared with the previous word is not read again.
fn accepted<A: Automaton>(words: &Strings, automaton: &A) -> Vec<u32>
where
    A::State: Clone,
{
    let count = words.len() as u32;
    let mut accepted = Vec::new();
    // states[d]: the automaton's state after the first d bytes of the current word.
    let mut states = vec![automaton.start()];
    let mut previous: &[u8] = &[];
    let mut w = 0;
    while w < count {
        let word = words.get(w);
        let shared = previous
            .iter()
            .zip(word)
            .take_while(|(a, b)| a == b)
            .count();
        states.truncate(shared + 1);
        let mut rejected = None;
        for (at, &byte) in word.iter().enumerate().skip(shared) {
            let state = automaton.accept(&states[at], byte);
            if !automaton.can_match(&state) {
                rejected = Some(at + 1);
                break;
            }
            states.push(state);
        }
        match rejected {
            Some(len) => {
                let dead = &word[..len];
                w = words.gallop(w, count, |x| x.starts_with(dead));
                previous = &word[..len - 1];
            }
            None => {
                if states.last().is_some_and(|state| automaton.is_match(state)) {
                    accepted.push(w);
                }
                previous = word;
                w += 1;
            }
        }
    }
    accepted
}

/// One text per entry, read from a fast field: the distinct values and each entry's value.
struct EntryTexts {
    values: Strings,
    /// The value number of each entry, `NO_VALUE` if it has none.
    of_entry: Vec<u32>,
}

const NO_VALUE: u32 = u32::MAX;

impl EntryTexts {
    fn read(segment: &SegmentReader, field: Field) -> tantivy::Result<EntryTexts> {
        let name = segment.schema().get_field_name(field);
        let column = segment
            .fast_fields()
            .str(name)?
            .ok_or_else(|| TantivyError::SchemaError(format!("{name} is not a text fast field")))?;
        let mut values = Strings::new();
        let mut stream = column.dictionary().stream()?;
        while stream.advance() {
            values.push(stream.key());
        }
        let of_entry = (0..segment.max_doc())
            .map(|doc| {
                column
                    .ords()
                    .first(doc)
                    .and_then(|ord| u32::try_from(ord).ok())
                    .unwrap_or(NO_VALUE)
            })
            .collect();
        Ok(EntryTexts { values, of_entry })
    }

    fn get(&self, doc: DocId) -> &str {
        match self.of_entry.get(doc as usize) {
            Some(&value) if value != NO_VALUE => {
                std::str::from_utf8(self.values.get(value)).unwrap_or("")
            }
            _ => "",
        }
    }
}

/// One segment's title words, each entry's words, and what a suggestion shows.
pub(super) struct SegmentTable {
    /// The title words in the dictionary's (sorted) order: word `o` is ordinal `o`.
    words: Strings,
    /// How many entries hold each word (deleted ones included, as in tantivy).
    doc_freq: Vec<u32>,
    /// Where each word's entries are in the postings file (the term dictionary does not
    /// expose its ordinal lookup).
    postings_ranges: Vec<Range<usize>>,
    /// Entry `d`'s distinct title words, ascending, are
    /// `entry_words[entry_starts[d]..entry_starts[d + 1]]`.
    entry_starts: Vec<u32>,
    entry_words: Vec<u32>,
    /// For words held by more than `SHORTEST_KEPT` entries: those entries of fewest title
    /// words (then by number), in that order.
    shortest: HashMap<u32, Box<[DocId]>>,
    ids: EntryTexts,
    titles: EntryTexts,
    jurisdiction_names: EntryTexts,
    accesses: EntryTexts,
}

impl SegmentTable {
    fn read(segment: &SegmentReader, fields: &PlaybookFields) -> tantivy::Result<SegmentTable> {
        let max_doc = segment.max_doc() as usize;
        let inverted = segment.inverted_index(fields.title_plain)?;
        let mut words = Strings::new();
        let mut doc_freq = Vec::new();
        let mut postings_ranges = Vec::new();
        // Every word's entries, word after word, then turned around per entry.
        let mut postings: Vec<DocId> = Vec::new();
        let mut entry_starts = vec![0u32; max_doc + 1];
        let mut stream = inverted.terms().stream()?;
        while stream.advance() {
            words.push(stream.key());
            postings_ranges.push(stream.value().postings_range.clone());
            let before = postings.len();
            let mut block = inverted
                .read_block_postings_from_terminfo(stream.value(), IndexRecordOption::Basic)?;
            loop {
                let docs = block.docs();
                if docs.is_empty() {
                    break;
                }
                for &doc in docs {
                    entry_starts[doc as usize + 1] += 1;
                }
                postings.extend_from_slice(docs);
                block.advance();
            }
            doc_freq.push((postings.len() - before) as u32);
        }
        for d in 1..entry_starts.len() {
            entry_starts[d] += entry_starts[d - 1];
        }
        let mut next: Vec<u32> = entry_starts[..max_doc].to_vec();
        let mut entry_words = vec![0u32; postings.len()];
        let mut at = 0;
        for (word, &count) in doc_freq.iter().enumerate() {
            for &doc in &postings[at..at + count as usize] {
                let slot = &mut next[doc as usize];
                entry_words[*slot as usize] = word as u32;
                *slot += 1;
            }
            at += count as usize;
        }
        let title_len = |doc: DocId| entry_starts[doc as usize + 1] - entry_starts[doc as usize];
        let mut shortest = HashMap::new();
        let mut at = 0;
        for (word, &count) in doc_freq.iter().enumerate() {
            let docs = &postings[at..at + count as usize];
            at += count as usize;
            if docs.len() > SHORTEST_KEPT {
                let mut best: Vec<(u32, DocId)> =
                    docs.iter().map(|&doc| (title_len(doc), doc)).collect();
                best.select_nth_unstable(SHORTEST_KEPT - 1);
                best.truncate(SHORTEST_KEPT);
                best.sort_unstable();
                shortest.insert(word as u32, best.into_iter().map(|(_, doc)| doc).collect());
            }
        }
        Ok(SegmentTable {
            words,
            doc_freq,
            postings_ranges,
            entry_starts,
            entry_words,
            shortest,
            ids: EntryTexts::read(segment, fields.id)?,
            titles: EntryTexts::read(segment, fields.title)?,
            jurisdiction_names: EntryTexts::read(segment, fields.jurisdiction_name)?,
            accesses: EntryTexts::read(segment, fields.access)?,
        })
    }

    /// Where word `ord`'s entries are, as the inverted index reads them.
    pub(super) fn term_info(&self, ord: u32) -> TermInfo {
        TermInfo {
            doc_freq: self.doc_freq[ord as usize],
            postings_range: self.postings_ranges[ord as usize].clone(),
            positions_range: 0..0,
        }
    }

    /// Entry `doc`'s distinct title words (segment ordinals).
    pub(super) fn words_of(&self, doc: DocId) -> &[u32] {
        let doc = doc as usize;
        match (self.entry_starts.get(doc), self.entry_starts.get(doc + 1)) {
            (Some(&from), Some(&to)) => &self.entry_words[from as usize..to as usize],
            _ => &[],
        }
    }

    /// Whether entry `doc`'s title holds word `ord`.
    pub(super) fn holds(&self, doc: DocId, ord: u32) -> bool {
        self.words_of(doc).binary_search(&ord).is_ok()
    }

    /// How many entries hold word `ord` (deleted ones included).
    pub(super) fn doc_freq(&self, ord: u32) -> u32 {
        self.doc_freq[ord as usize]
    }

    /// For a word held by more than `SHORTEST_KEPT` entries, the `SHORTEST_KEPT` of fewest
    /// title words (deleted ones included), fewest first.
    pub(super) fn shortest(&self, ord: u32) -> Option<&[DocId]> {
        self.shortest.get(&ord).map(|docs| &docs[..])
    }

    /// The ordinals of the segment's words starting with `prefix`.
    pub(super) fn prefix_range(&self, prefix: &[u8]) -> Range<u32> {
        prefix_range(&self.words, prefix)
    }

    /// How many distinct words entry `doc`'s title has.
    pub(super) fn title_len(&self, doc: DocId) -> u32 {
        self.words_of(doc).len() as u32
    }

    /// Entry `doc`'s id.
    pub(super) fn id(&self, doc: DocId) -> &str {
        self.ids.get(doc)
    }

    /// Entry `doc`'s title.
    pub(super) fn title(&self, doc: DocId) -> &str {
        self.titles.get(doc)
    }

    /// Entry `doc`'s jurisdiction's name.
    pub(super) fn jurisdiction_name(&self, doc: DocId) -> &str {
        self.jurisdiction_names.get(doc)
    }

    /// Whether `reader` may read entry `doc`: its access, and its id's jurisdiction.
    pub(super) fn readable_by(&self, reader: &Reader, doc: DocId) -> bool {
        let owner = self.id(doc).split('/').next().unwrap_or("");
        reader.may_read(owner, Access::parse(self.accesses.get(doc)))
    }
}

/// The title words of every segment of one searcher, merged.
pub(super) struct IndexTable {
    segment_ids: Vec<SegmentId>,
    /// The segment tables, in the searcher's segment order.
    pub(super) segments: Vec<Arc<SegmentTable>>,
    /// Every title word, sorted and distinct; a word's number is its place here.
    words: Strings,
    /// How many entries hold each word, over all segments.
    doc_freq: Vec<u32>,
    /// Each word's place when all are ranked as completions: in more titles first, then
    /// shorter, then alphabetical.
    rank: Vec<u32>,
    /// For `l` in 1..=RANKED_PREFIX_BYTES, `ranked[l - 1]` lists the word numbers with each
    /// run of words sharing their first `l` bytes (a contiguous range of numbers) reordered
    /// by rank.
    ranked: Vec<Vec<u32>>,
    /// Per segment: each ordinal's word number.
    word_of: Vec<Vec<u32>>,
    /// Where word `w` occurs, as (segment, ordinal): `places[place_starts[w]..place_starts[w + 1]]`.
    place_starts: Vec<u32>,
    places: Vec<(u32, u32)>,
    /// All entries of all segments (deleted ones included), and their distinct title words.
    entries: u64,
    entry_words: u64,
}

/// The suggestion tables of one index: each segment's, and the merged table of its latest
/// searcher.
#[derive(Default)]
pub struct SuggestTables {
    /// Segment tables by segment id: those of the latest table's segments.
    segments: Mutex<HashMap<SegmentId, Arc<SegmentTable>>>,
    /// The table of the latest searcher a suggestion was asked of.
    latest: Mutex<Option<Arc<IndexTable>>>,
    /// Held while tables are built, so that requests arriving together after a reload wait
    /// for one build instead of each making their own.
    building: Mutex<()>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

impl SuggestTables {
    /// The table of `searcher`, if already built.
    pub(super) fn cached(&self, searcher: &Searcher) -> Option<Arc<IndexTable>> {
        let readers = searcher.segment_readers();
        lock(&self.latest)
            .as_ref()
            .filter(|table| {
                table.segment_ids.len() == readers.len()
                    && table
                        .segment_ids
                        .iter()
                        .zip(readers)
                        .all(|(id, reader)| *id == reader.segment_id())
            })
            .map(Arc::clone)
    }

    /// The table of `searcher`, built from the segment tables (themselves read when new) on
    /// first use; it replaces the previous one.
    pub(super) fn of(
        &self,
        searcher: &Searcher,
        fields: &PlaybookFields,
    ) -> tantivy::Result<Arc<IndexTable>> {
        if let Some(table) = self.cached(searcher) {
            return Ok(table);
        }
        let _building = lock(&self.building);
        if let Some(table) = self.cached(searcher) {
            return Ok(table);
        }
        let readers = searcher.segment_readers();
        let segments = readers
            .iter()
            .map(|reader| self.segment(reader, fields))
            .collect::<tantivy::Result<Vec<_>>>()?;
        let ids = readers.iter().map(SegmentReader::segment_id).collect();
        let table = Arc::new(IndexTable::merge(ids, segments));
        *lock(&self.latest) = Some(Arc::clone(&table));
        // Segments merged away are forgotten.
        lock(&self.segments).retain(|id, _| table.segment_ids.contains(id));
        Ok(table)
    }

    /// The segment's table, read on first use.
    fn segment(
        &self,
        segment: &SegmentReader,
        fields: &PlaybookFields,
    ) -> tantivy::Result<Arc<SegmentTable>> {
        let id = segment.segment_id();
        if let Some(table) = lock(&self.segments).get(&id) {
            return Ok(Arc::clone(table));
        }
        let table = Arc::new(SegmentTable::read(segment, fields)?);
        lock(&self.segments).insert(id, Arc::clone(&table));
        Ok(table)
    }
}

impl IndexTable {
    fn merge(segment_ids: Vec<SegmentId>, segments: Vec<Arc<SegmentTable>>) -> IndexTable {
        let mut words = Strings::new();
        let mut doc_freq: Vec<u32> = Vec::new();
        let mut place_starts = Vec::new();
        let mut places = Vec::new();
        let mut word_of: Vec<Vec<u32>> = segments.iter().map(|s| vec![0; s.words.len()]).collect();
        // A k-way merge of the segments' sorted words.
        let mut heads = BinaryHeap::new();
        for (s, segment) in segments.iter().enumerate() {
            if segment.words.len() > 0 {
                heads.push(Reverse((segment.words.get(0), s, 0u32)));
            }
        }
        while let Some(Reverse((word, s, ord))) = heads.pop() {
            let segment = &segments[s];
            if ((ord + 1) as usize) < segment.words.len() {
                heads.push(Reverse((segment.words.get(ord + 1), s, ord + 1)));
            }
            if words.last() != Some(word) {
                words.push(word);
                doc_freq.push(0);
                place_starts.push(places.len() as u32);
            }
            let number = doc_freq.len() - 1;
            doc_freq[number] = doc_freq[number].saturating_add(segment.doc_freq[ord as usize]);
            places.push((s as u32, ord));
            word_of[s][ord as usize] = number as u32;
        }
        place_starts.push(places.len() as u32);
        let count = words.len() as u32;
        let mut by_rank: Vec<u32> = (0..count).collect();
        by_rank.sort_unstable_by_key(|&w| (Reverse(doc_freq[w as usize]), words.get(w).len(), w));
        let mut rank = vec![0u32; count as usize];
        for (place, &w) in by_rank.iter().enumerate() {
            rank[w as usize] = place as u32;
        }
        let ranked = (1..=RANKED_PREFIX_BYTES)
            .map(|bytes| {
                let key = |w: u32| {
                    let word = words.get(w);
                    &word[..word.len().min(bytes)]
                };
                let mut order: Vec<u32> = (0..count).collect();
                let mut start = 0;
                while start < count {
                    let run = key(start);
                    let mut end = start + 1;
                    while end < count && key(end) == run {
                        end += 1;
                    }
                    order[start as usize..end as usize].sort_unstable_by_key(|&w| rank[w as usize]);
                    start = end;
                }
                order
            })
            .collect();
        let entries = segments.iter().map(|s| s.ids.of_entry.len() as u64).sum();
        let entry_words = segments.iter().map(|s| s.entry_words.len() as u64).sum();
        IndexTable {
            segment_ids,
            segments,
            words,
            doc_freq,
            rank,
            ranked,
            word_of,
            place_starts,
            places,
            entries,
            entry_words,
        }
    }

    /// The number of a word, if some title holds it.
    pub(super) fn find(&self, word: &[u8]) -> Option<u32> {
        let count = self.words.len() as u32;
        let at = self.words.partition_point(0, count, |w| w < word);
        (at < count && self.words.get(at) == word).then_some(at)
    }

    /// The numbers of the words starting with `prefix` (the word itself first, if present).
    pub(super) fn prefix_range(&self, prefix: &[u8]) -> Range<u32> {
        prefix_range(&self.words, prefix)
    }

    /// The words starting with `prefix`, best ranked first.
    pub(super) fn completions<'a>(&'a self, prefix: &[u8]) -> impl Iterator<Item = u32> + use<'a> {
        let bytes = prefix.len().clamp(1, RANKED_PREFIX_BYTES);
        let range = self.prefix_range(prefix);
        let run = self.prefix_range(&prefix[..bytes.min(prefix.len())]);
        let ranked = &self.ranked[bytes - 1][run.start as usize..run.end as usize];
        ranked.iter().copied().filter(move |w| range.contains(w))
    }

    /// The numbers of the words `automaton` accepts, ascending.
    pub(super) fn accepted<A: Automaton>(&self, automaton: &A) -> Vec<u32>
    where
        A::State: Clone,
    {
        accepted(&self.words, automaton)
    }

    /// Word `w`'s place when all words are ranked as completions (0 is best).
    pub(super) fn rank(&self, w: u32) -> u32 {
        self.rank[w as usize]
    }

    /// How many entries hold word `w`.
    pub(super) fn doc_freq(&self, w: u32) -> u32 {
        self.doc_freq[w as usize]
    }

    /// Where word `w` occurs: (segment, ordinal) pairs.
    pub(super) fn places(&self, w: u32) -> &[(u32, u32)] {
        let (from, to) = (
            self.place_starts[w as usize],
            self.place_starts[w as usize + 1],
        );
        &self.places[from as usize..to as usize]
    }

    /// The word number of segment `s`'s ordinal `ord`.
    pub(super) fn word_of(&self, s: usize, ord: u32) -> u32 {
        self.word_of[s][ord as usize]
    }

    /// All entries of all segments, deleted ones included.
    pub(super) fn entries(&self) -> u64 {
        self.entries
    }

    /// The average number of distinct title words of an entry.
    pub(super) fn words_per_entry(&self) -> f64 {
        self.entry_words as f64 / self.entries.max(1) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::typo::TypoAutomaton;

    fn strings(words: &[&str]) -> Strings {
        let mut sorted: Vec<&str> = words.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        let mut strings = Strings::new();
        for word in sorted {
            strings.push(word.as_bytes());
        }
        strings
    }

    fn texts(strings: &Strings, numbers: impl IntoIterator<Item = u32>) -> Vec<String> {
        numbers
            .into_iter()
            .map(|i| String::from_utf8_lossy(strings.get(i)).into_owned())
            .collect()
    }

    /// Whether `automaton` accepts `word`, byte by byte.
    fn accepts(automaton: &TypoAutomaton, word: &[u8]) -> bool {
        let mut state = automaton.start();
        for &byte in word {
            state = automaton.accept(&state, byte);
            if !automaton.can_match(&state) {
                return false;
            }
        }
        automaton.is_match(&state)
    }

    const WORDS: &[&str] = &[
        "n",
        "na",
        "nat",
        "nate",
        "nation",
        "national",
        "nationalize",
        "native",
        "natl",
        "ne",
        "new",
        "next",
        "parking",
        "park",
        "parkway",
        "pa",
        "mayor",
        "mayors",
        "maori",
        "major",
        "guard",
        "guards",
        "gaurd",
        "guidance",
        "separation",
        "seperation",
        "separate",
        "zz",
        "échelon",
        "echelon",
    ];

    #[test]
    fn prefix_ranges_hold_exactly_the_words_starting_with_the_prefix() {
        let words = strings(WORDS);
        for prefix in [
            "n",
            "na",
            "nat",
            "nati",
            "national",
            "nationalizer",
            "p",
            "x",
            "é",
            "",
        ] {
            let range = prefix_range(&words, prefix.as_bytes());
            let expected: Vec<String> = {
                let mut all: Vec<&str> = WORDS.to_vec();
                all.sort_unstable();
                all.dedup();
                all.into_iter()
                    .filter(|w| w.starts_with(prefix))
                    .map(str::to_owned)
                    .collect()
            };
            assert_eq!(texts(&words, range), expected, "{prefix:?}");
        }
    }

    #[test]
    fn the_trie_walk_accepts_what_the_automaton_accepts() {
        let words = strings(WORDS);
        for (word, distance, prefix) in [
            ("natinal", 1, false),
            ("natinal", 2, false),
            ("mayo", 1, true),
            ("maor", 1, true),
            ("gaurd", 1, false),
            ("seperation", 2, false),
            ("echelon", 1, false),
            ("échelom", 1, false),
            ("pa", 1, true),
        ] {
            let typos = TypoAutomaton::with_word(word, distance, prefix).expect("automaton");
            let expected: Vec<u32> = (0..words.len() as u32)
                .filter(|&i| accepts(&typos, words.get(i)))
                .collect();
            assert_eq!(
                texts(&words, accepted(&words, &typos)),
                texts(&words, expected),
                "{word} within {distance} (prefix: {prefix})"
            );
        }
    }

    #[test]
    fn galloping_finds_the_same_point_as_bisecting() {
        let words = strings(WORDS);
        let count = words.len() as u32;
        for from in 0..count {
            for prefix in ["n", "nat", "p", "s", "zz"] {
                let before = |w: &[u8]| w.starts_with(prefix.as_bytes()) || w < prefix.as_bytes();
                assert_eq!(
                    words.gallop(from, count, before),
                    words.partition_point(from, count, before),
                    "{prefix} from {from}"
                );
            }
        }
    }
}
