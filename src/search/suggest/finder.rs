//! Finding the best entries for what was typed, from the tables (the ranking rules are in
//! the parent module's documentation).
//!
//! The words before the last become, per segment, the word ordinals an entry must hold; an
//! entry's title words (the forward index) answer whether it does. The last word's matches
//! are then added best first, one of two ways, whichever should read less: walking the
//! matching words best first and reading each word's entries until enough are found (a
//! frequent word's few shortest titles are kept aside, so this usually reads a handful); or,
//! when the other words leave few candidates, reading the candidates (the entries of the
//! rarest other word) and checking each one's title words. A walk that reads more than
//! checking would switches to checking, so neither way reads much more than the smaller.

use std::ops::Range;
use std::sync::Arc;

use tantivy::index::InvertedIndexReader;
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocId, Searcher, SegmentReader};

use super::tables::{IndexTable, SegmentTable};
use super::{Last, MAX_SUGGESTIONS, Typed};
use crate::playbook::Reader;
use crate::search::query_builder::typo_distance;
use crate::search::typo::TypoAutomaton;

/// An entry: (segment, document).
pub(super) type Found = (usize, DocId);

/// Estimating a walk looks at this many words at most; a walk needing more checks instead.
const ESTIMATE_WORDS: usize = 256;
/// The cost of opening a word's postings in one segment, in entries read.
const OPEN_COST: u64 = 16;

/// What the words before the last require of an entry.
struct Within {
    /// Per segment, per word, the ordinals of the segment's words that satisfy it (any one
    /// will do); None when there are no words before the last.
    words: Option<Vec<Vec<Vec<u32>>>>,
    /// Per segment, once needed, the entries admitted, as bits: testing a bit is much cheaper
    /// than looking up an entry's words when a word's entries are read in full.
    bits: Vec<Option<Bits>>,
}

impl Within {
    fn new(words: Option<Vec<Vec<Vec<u32>>>>, segments: usize) -> Within {
        Within {
            words,
            bits: (0..segments).map(|_| None).collect(),
        }
    }

    /// Whether entry `doc` of segment `s` holds every word.
    fn admits(&self, s: usize, segment: &SegmentTable, doc: DocId) -> bool {
        self.words.as_ref().is_none_or(|words| {
            words[s]
                .iter()
                .all(|ords| ords.iter().any(|&ord| segment.holds(doc, ord)))
        })
    }

    /// Whether no entry of segment `s` can hold every word.
    fn excludes(&self, s: usize) -> bool {
        self.words
            .as_ref()
            .is_some_and(|words| words[s].iter().any(Vec::is_empty))
    }

    /// The ordinals of segment `s`'s rarest word, whose entries hold every candidate.
    fn rarest<'w>(&'w self, s: usize, segment: &SegmentTable) -> Option<&'w [u32]> {
        let words = &self.words.as_ref()?[s];
        words
            .iter()
            .min_by_key(|ords| entries_of_all(segment, ords))
            .map(Vec::as_slice)
    }
}

/// A set of entries of one segment.
struct Bits(Vec<u64>);

impl Bits {
    fn new(max_doc: DocId) -> Bits {
        Bits(vec![0; (max_doc as usize).div_ceil(64)])
    }

    fn insert(&mut self, doc: DocId) {
        if let Some(word) = self.0.get_mut(doc as usize / 64) {
            *word |= 1 << (doc % 64);
        }
    }

    fn contains(&self, doc: DocId) -> bool {
        self.0
            .get(doc as usize / 64)
            .is_some_and(|word| word & (1 << (doc % 64)) != 0)
    }

    fn keep_common(&mut self, other: &Bits) {
        for (word, other) in self.0.iter_mut().zip(&other.0) {
            *word &= other;
        }
    }
}

/// How many entries hold the words `ords` (counting an entry once per word).
fn entries_of_all(segment: &SegmentTable, ords: &[u32]) -> u64 {
    ords.iter()
        .map(|&ord| u64::from(segment.doc_freq(ord)))
        .sum()
}

/// Last-word matches of equal standing, best first.
enum LastWords {
    /// The typed prefix: the word itself first (if some title holds it), then its
    /// completions by rank.
    Completions {
        prefix: String,
        exact: Option<u32>,
        range: Range<u32>,
    },
    /// Words sorted by rank.
    Ranked(Vec<u32>),
}

impl LastWords {
    /// The words, best first.
    fn walk<'t>(&'t self, table: &'t IndexTable) -> Box<dyn Iterator<Item = u32> + 't> {
        match self {
            LastWords::Completions { prefix, exact, .. } => {
                let exact = *exact;
                Box::new(
                    exact.into_iter().chain(
                        table
                            .completions(prefix.as_bytes())
                            .filter(move |&w| Some(w) != exact),
                    ),
                )
            }
            LastWords::Ranked(words) => Box::new(words.iter().copied()),
        }
    }

    fn is_empty(&self) -> bool {
        match self {
            LastWords::Completions { range, .. } => range.is_empty(),
            LastWords::Ranked(words) => words.is_empty(),
        }
    }

    fn contains(&self, w: u32) -> bool {
        match self {
            LastWords::Completions { range, .. } => range.contains(&w),
            LastWords::Ranked(words) => words.contains(&w),
        }
    }
}

/// Whether a walk of last-word matches found all it could.
enum Walk {
    Done,
    OverBudget,
}

/// Finds the best entries for one request.
pub(super) struct Finder<'a> {
    segments: &'a [SegmentReader],
    inverted: Vec<Arc<InvertedIndexReader>>,
    table: &'a IndexTable,
    reader: &'a Reader,
    found: Vec<Found>,
}

impl<'a> Finder<'a> {
    /// A finder over `searcher`, whose tables are `table`, for words in `field`, of the
    /// entries `reader` may read.
    pub(super) fn new(
        searcher: &'a Searcher,
        table: &'a IndexTable,
        field: Field,
        reader: &'a Reader,
    ) -> tantivy::Result<Finder<'a>> {
        let segments = searcher.segment_readers();
        let inverted = segments
            .iter()
            .map(|s| s.inverted_index(field))
            .collect::<tantivy::Result<_>>()?;
        Ok(Finder {
            segments,
            inverted,
            table,
            reader,
            found: Vec::with_capacity(MAX_SUGGESTIONS),
        })
    }

    /// The best entries, best first.
    pub(super) fn find(mut self, typed: &Typed) -> tantivy::Result<Vec<Found>> {
        let table = self.table;
        // The last word's matches: the typed word and its completions, then its typos.
        let close = match &typed.last {
            Last::Prefix(prefix) => LastWords::Completions {
                prefix: prefix.clone(),
                exact: table.find(prefix.as_bytes()),
                range: table.prefix_range(prefix.as_bytes()),
            },
            Last::Word(word) => {
                LastWords::Ranked(table.find(word.as_bytes()).into_iter().collect())
            }
        };
        let mut typos = None;
        if close.is_empty()
            && typos
                .get_or_insert_with(|| self.last_typos(&typed.last, &close))
                .is_empty()
        {
            return Ok(Vec::new());
        }
        // Rule 1: the words before the last as typed, then with typos forgiven.
        if let Some(mut within) = self.within_as_typed(&typed.words) {
            self.add_last(&mut within, &typed.last, &close, &mut typos)?;
        }
        if !self.full()
            && let Some(mut within) = self.within_forgiving(&typed.words)
        {
            self.add_last(&mut within, &typed.last, &close, &mut typos)?;
        }
        Ok(self.found)
    }

    fn full(&self) -> bool {
        self.found.len() >= MAX_SUGGESTIONS
    }

    /// What the words hold as typed require; None if some word is in no title.
    fn within_as_typed(&self, words: &[String]) -> Option<Within> {
        let table = self.table;
        let words: Vec<u32> = words
            .iter()
            .map(|w| table.find(w.as_bytes()))
            .collect::<Option<_>>()?;
        let per_segment = (!words.is_empty()).then(|| {
            (0..self.segments.len())
                .map(|s| words.iter().map(|&w| self.ords_in(s, w)).collect())
                .collect()
        });
        Some(Within::new(per_segment, self.segments.len()))
    }

    /// What the words require with typos forgiven; None if no word allows a typo (that was
    /// `within_as_typed`) or some word has no match at all.
    fn within_forgiving(&self, words: &[String]) -> Option<Within> {
        let table = self.table;
        let typos: Vec<Option<TypoAutomaton>> = words
            .iter()
            .map(|w| TypoAutomaton::with_word(w, typo_distance(w.chars().count()), false))
            .collect();
        if typos.iter().all(Option::is_none) {
            return None;
        }
        // The words in no title first: if one of them has no typo in any either, nothing
        // matches and the other words' typos need not be looked for.
        let mut order: Vec<usize> = (0..words.len()).collect();
        order.sort_by_key(|&i| table.find(words[i].as_bytes()).is_some());
        let mut matches: Vec<Vec<u32>> = vec![Vec::new(); words.len()];
        for i in order {
            matches[i] = match &typos[i] {
                Some(typos) => table.accepted(typos),
                None => table.find(words[i].as_bytes()).into_iter().collect(),
            };
            if matches[i].is_empty() {
                return None;
            }
        }
        let per_segment = (0..self.segments.len())
            .map(|s| {
                matches
                    .iter()
                    .map(|words| words.iter().flat_map(|&w| self.ords_in(s, w)).collect())
                    .collect()
            })
            .collect();
        Some(Within::new(Some(per_segment), self.segments.len()))
    }

    /// Adds the best entries `within` admits by the last word: its `close` matches, then
    /// (found on first use, then kept in `typos`) its typos.
    fn add_last(
        &mut self,
        within: &mut Within,
        last: &Last,
        close: &LastWords,
        typos: &mut Option<LastWords>,
    ) -> tantivy::Result<()> {
        self.add(within, close)?;
        if self.full() {
            return Ok(());
        }
        let typos = typos.get_or_insert_with(|| self.last_typos(last, close));
        self.add(within, typos)
    }

    /// The typos of the last word other than its `close` matches, ranked.
    fn last_typos(&self, last: &Last, close: &LastWords) -> LastWords {
        let typos = match last {
            // A short prefix must match as typed; from four letters one typo is forgiven.
            Last::Prefix(prefix) => {
                TypoAutomaton::with_word(prefix, u8::from(prefix.chars().count() >= 4), true)
            }
            Last::Word(word) => {
                TypoAutomaton::with_word(word, typo_distance(word.chars().count()), false)
            }
        };
        let table = self.table;
        let mut words = typos.map(|t| table.accepted(&t)).unwrap_or_default();
        words.retain(|&w| !close.contains(w));
        words.sort_unstable_by_key(|&w| table.rank(w));
        LastWords::Ranked(words)
    }

    /// Segment `s`'s ordinal of word `w`, if it holds it.
    fn ords_in(&self, s: usize, w: u32) -> Vec<u32> {
        self.table
            .places(w)
            .iter()
            .filter(|(segment, _)| *segment as usize == s)
            .map(|&(_, ord)| ord)
            .collect()
    }

    /// Calls `each` with every entry (deleted ones included) holding segment `s`'s word `ord`.
    fn for_each_posting(
        &self,
        s: usize,
        ord: u32,
        mut each: impl FnMut(DocId),
    ) -> tantivy::Result<()> {
        let info = self.table.segments[s].term_info(ord);
        let mut block =
            self.inverted[s].read_block_postings_from_terminfo(&info, IndexRecordOption::Basic)?;
        loop {
            let docs = block.docs();
            if docs.is_empty() {
                return Ok(());
            }
            for &doc in docs {
                each(doc);
            }
            block.advance();
        }
    }

    /// Adds the best entries `within` admits holding one of `words`.
    fn add(&mut self, within: &mut Within, words: &LastWords) -> tantivy::Result<()> {
        if self.full() || words.is_empty() {
            return Ok(());
        }
        let table = self.table;
        if within.words.is_none() {
            return self.add_by_words(words, within, u64::MAX).map(|_| ());
        }
        // At most this many candidates: the entries of each segment's rarest word.
        let candidates: u64 = (0..self.segments.len())
            .filter(|&s| !within.excludes(s))
            .filter_map(|s| {
                let segment = &table.segments[s];
                within
                    .rarest(s, segment)
                    .map(|ords| entries_of_all(segment, ords))
            })
            .sum();
        if candidates == 0 {
            return Ok(());
        }
        let checking = candidates * (2 + table.words_per_entry() as u64);
        let share = candidates as f64 / table.entries().max(1) as f64;
        if self.estimate_walk(words, share) <= checking
            && let Walk::Done = self.add_by_words(words, within, checking)?
        {
            return Ok(());
        }
        // The entries of the words walked so far are all found (a walk stops early only with
        // room left), so checking the candidates finds what remains.
        self.add_by_checking(words, within)
    }

    /// About how many entries walking `words` reads before enough are found, if `share` of
    /// each word's entries are candidates.
    fn estimate_walk(&self, words: &LastWords, share: f64) -> u64 {
        let table = self.table;
        let room = MAX_SUGGESTIONS.saturating_sub(self.found.len()) as f64;
        let (mut cost, mut hits) = (0u64, 0f64);
        for (i, w) in words.walk(table).enumerate() {
            if i == ESTIMATE_WORDS {
                return u64::MAX;
            }
            let entries = table.doc_freq(w);
            cost += u64::from(entries) + OPEN_COST * table.places(w).len() as u64;
            hits += f64::from(entries) * share;
            if hits >= room {
                break;
            }
        }
        cost
    }

    /// Walks `words` best first, adding each word's live entries that `within` admits, fewest
    /// title words first, until enough are found or more than `budget` entries are read.
    fn add_by_words(
        &mut self,
        words: &LastWords,
        within: &mut Within,
        budget: u64,
    ) -> tantivy::Result<Walk> {
        let table = self.table;
        let mut candidates: Vec<(u32, usize, DocId)> = Vec::new();
        let mut spent = 0u64;
        for w in words.walk(table) {
            candidates.clear();
            for &(s, ord) in table.places(w) {
                let s = s as usize;
                if !within.excludes(s) {
                    spent += OPEN_COST + self.entries_of(s, ord, within, &mut candidates)?;
                }
            }
            self.keep_best(&mut candidates, |&(_, s, doc)| (s, doc));
            if self.full() {
                return Ok(Walk::Done);
            }
            if spent > budget {
                return Ok(Walk::OverBudget);
            }
        }
        Ok(Walk::Done)
    }

    /// Adds to `candidates` segment `s`'s live entries that `within` admits holding word
    /// `ord`, as (title length, segment, document): all of them, or at least the best that
    /// fit. Returns how many entries it read.
    fn entries_of(
        &self,
        s: usize,
        ord: u32,
        within: &mut Within,
        candidates: &mut Vec<(u32, usize, DocId)>,
    ) -> tantivy::Result<u64> {
        let segment = &self.table.segments[s];
        let alive = self.segments[s].alive_bitset();
        let found = &self.found;
        let reader = self.reader;
        let usable = |doc: DocId| {
            alive.is_none_or(|a| a.is_alive(doc))
                && !found.contains(&(s, doc))
                && segment.readable_by(reader, doc)
        };
        let mut read = 0u64;
        if let Some(shortest) = segment.shortest(ord) {
            // A frequent word: if enough of its shortest titles fit, they are the best.
            let room = MAX_SUGGESTIONS.saturating_sub(found.len());
            let before = candidates.len();
            for &doc in shortest {
                read += 1;
                if usable(doc) && within.admits(s, segment, doc) {
                    candidates.push((segment.title_len(doc), s, doc));
                    if candidates.len() - before == room {
                        return Ok(read);
                    }
                }
            }
            candidates.truncate(before);
        }
        read += self.admitted_bits(s, within)?;
        let bits = within.bits[s].as_ref();
        self.for_each_posting(s, ord, |doc| {
            if bits.is_none_or(|b| b.contains(doc)) && usable(doc) {
                candidates.push((segment.title_len(doc), s, doc));
            }
        })?;
        Ok(read + u64::from(segment.doc_freq(ord)))
    }

    /// Makes `within`'s bits for segment `s` (unless there are no words or they are made).
    /// Returns how many entries it read.
    fn admitted_bits(&self, s: usize, within: &mut Within) -> tantivy::Result<u64> {
        let Some(words) = &within.words else {
            return Ok(0);
        };
        if within.bits[s].is_some() {
            return Ok(0);
        }
        let max_doc = self.segments[s].max_doc();
        let mut admitted: Option<Bits> = None;
        let mut read = 0u64;
        for ords in &words[s] {
            let mut bits = Bits::new(max_doc);
            for &ord in ords {
                self.for_each_posting(s, ord, |doc| bits.insert(doc))?;
                read += u64::from(self.table.segments[s].doc_freq(ord));
            }
            match &mut admitted {
                Some(admitted) => admitted.keep_common(&bits),
                None => admitted = Some(bits),
            }
        }
        within.bits[s] = admitted;
        Ok(read)
    }

    /// Reads the candidates `within` admits (the entries of each segment's rarest word) and
    /// adds the best holding one of `words`.
    fn add_by_checking(&mut self, words: &LastWords, within: &Within) -> tantivy::Result<()> {
        let table = self.table;
        let mut candidates = Vec::new();
        for s in 0..self.segments.len() {
            let segment = &table.segments[s];
            let Some(rarest) = within.rarest(s, segment) else {
                continue;
            };
            if within.excludes(s) {
                continue;
            }
            // The last word's matches in this segment, keyed in the walk's order: the typed
            // word itself, then by rank.
            let key = |ord: u32| -> u64 {
                let w = table.word_of(s, ord);
                match words {
                    LastWords::Completions { exact, .. } if Some(w) == *exact => 0,
                    LastWords::Completions { .. } => 1 + u64::from(table.rank(w)),
                    LastWords::Ranked(_) => u64::from(table.rank(w)),
                }
            };
            let matching: Matching = match words {
                LastWords::Completions { prefix, .. } => {
                    Matching::Range(segment.prefix_range(prefix.as_bytes()))
                }
                LastWords::Ranked(ranked) => Matching::Listed(
                    ranked
                        .iter()
                        .flat_map(|&w| self.ords_in(s, w))
                        .map(|ord| (ord, key(ord)))
                        .collect(),
                ),
            };
            let alive = self.segments[s].alive_bitset();
            let found = &self.found;
            for (i, &ord) in rarest.iter().enumerate() {
                self.for_each_posting(s, ord, |doc| {
                    // An entry holding two of the rarest word's ordinals is read once.
                    let seen = rarest[..i]
                        .iter()
                        .any(|&earlier| segment.holds(doc, earlier));
                    if seen
                        || !alive.is_none_or(|a| a.is_alive(doc))
                        || found.contains(&(s, doc))
                        || !segment.readable_by(self.reader, doc)
                        || !within.admits(s, segment, doc)
                    {
                        return;
                    }
                    let title = segment.words_of(doc);
                    let best = match &matching {
                        Matching::Range(range) => {
                            let from = title.partition_point(|&ord| ord < range.start);
                            title[from..]
                                .iter()
                                .take_while(|&&ord| ord < range.end)
                                .map(|&ord| key(ord))
                                .min()
                        }
                        Matching::Listed(listed) => listed
                            .iter()
                            .filter(|(ord, _)| title.binary_search(ord).is_ok())
                            .map(|&(_, key)| key)
                            .min(),
                    };
                    if let Some(best) = best {
                        candidates.push((best, title.len() as u32, s, doc));
                    }
                })?;
            }
        }
        self.keep_best(&mut candidates, |&(_, _, s, doc)| (s, doc));
        Ok(())
    }

    /// Adds the best of `candidates` (by their order) while there is room.
    fn keep_best<T: Ord>(&mut self, candidates: &mut Vec<T>, entry: impl Fn(&T) -> Found) {
        let room = MAX_SUGGESTIONS.saturating_sub(self.found.len());
        if room == 0 || candidates.is_empty() {
            return;
        }
        if candidates.len() > room {
            candidates.select_nth_unstable(room - 1);
            candidates.truncate(room);
        }
        candidates.sort_unstable();
        self.found.extend(candidates.iter().map(entry));
    }
}

/// A segment's ordinals of the last word's matches.
enum Matching {
    /// The completions of a prefix: a range of ordinals.
    Range(Range<u32>),
    /// Some words: (ordinal, key).
    Listed(Vec<(u32, u64)>),
}
