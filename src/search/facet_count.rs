//! Facet counts of a search: how many matches each jurisdiction, kind and topic holds.
//!
//! tantivy's `FacetCollector` decodes the facet column for each matching entry, which with
//! many matches was most of a search's cost (see the floor in BENCHMARKS.md). Segments never
//! change, so each segment's facets are decoded once into tables (`SegmentFacets`): every
//! entry's values, and every value's entries. A search notes its matches in a bitset, then
//! counts whichever way is cheaper: entry by entry (few matches, or few entries left out), or
//! value by value (a value's entries as runs, a bitset or a list, intersected with the
//! matches). The tables are kept by the index they belong to (`FacetTables`).
//!
//! The tables also hold what pages show for a value instead of its slug: each jurisdiction's
//! display name, read once per segment from the stored fields of an entry holding it, and
//! handed out with the counts (`FacetNames`).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::index::SegmentId;
use tantivy::schema::Facet;
use tantivy::{DocId, Score, SegmentReader, TantivyDocument};

use super::document::StoredEntry;
use super::filter::Filter;
use super::request::Facets;
use super::schema::{FACETS_FIELD, PlaybookFields};

/// Each segment's decoded tables, by segment id, for one index. Cleared when it grows past
/// `FACET_CACHE_MAX_DOCS` entries in all, which only a long run of small commits (each makes a
/// segment, merges retire them) reaches.
#[derive(Default)]
pub struct FacetTables {
    segments: Mutex<HashMap<SegmentId, Arc<SegmentFacets>>>,
}

/// How many entries (summed over segments) `FacetTables` holds tables of, at most.
const FACET_CACHE_MAX_DOCS: usize = 4_000_000;

impl FacetTables {
    /// Decodes the tables of a segment (of an index with `fields`) ahead of the first search
    /// that needs them.
    pub fn warm(&self, segment: &SegmentReader, fields: &PlaybookFields) -> tantivy::Result<()> {
        self.of(segment, fields).map(drop)
    }

    /// A collector counting facets with these tables, of an index with `fields`.
    pub fn counter<'a>(&'a self, fields: &'a PlaybookFields) -> FacetCounter<'a> {
        FacetCounter {
            tables: self,
            fields,
        }
    }

    /// The segment's tables, decoded on first use.
    fn of(
        &self,
        segment: &SegmentReader,
        fields: &PlaybookFields,
    ) -> tantivy::Result<Arc<SegmentFacets>> {
        let id = segment.segment_id();
        let cached = self
            .segments
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&id)
            .cloned();
        if let Some(table) = cached {
            return Ok(table);
        }
        let table = Arc::new(SegmentFacets::decode(segment, fields)?);
        let mut cache = self.segments.lock().unwrap_or_else(|e| e.into_inner());
        let cached_docs: usize = cache.values().map(|t| t.starts.len()).sum();
        if cached_docs + table.starts.len() > FACET_CACHE_MAX_DOCS {
            cache.clear();
        }
        cache.insert(id, Arc::clone(&table));
        Ok(table)
    }
}

/// What pages show for facet values instead of the value itself: each jurisdiction's display
/// name (`Minneapolis, MN`, from the name, state and level the index stores with its entries).
/// Comes with a search's counts, for every value of the segments searched, at the cost of a
/// reference per segment; not part of the API's JSON.
#[derive(Clone, Default)]
pub struct FacetNames {
    segments: Vec<Arc<SegmentFacets>>,
}

impl FacetNames {
    /// The name of `value` of `filter`, if it has one other than itself and some entry of the
    /// index holds it.
    pub fn get(&self, filter: Filter, value: &str) -> Option<&str> {
        match filter {
            Filter::Jurisdiction => self
                .segments
                .iter()
                .find_map(|table| table.jurisdiction_name(value)),
            Filter::Kind | Filter::Topic | Filter::State | Filter::Level => None,
        }
    }
}

impl std::fmt::Debug for FacetNames {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FacetNames")
            .field("segments", &self.segments.len())
            .finish()
    }
}

/// Counts every match's jurisdiction, kind and topics (see the module), and hands out the
/// names of their values.
pub struct FacetCounter<'a> {
    tables: &'a FacetTables,
    fields: &'a PlaybookFields,
}

impl Collector for FacetCounter<'_> {
    type Fruit = (Facets, FacetNames);
    type Child = SegmentFacetCounter;

    fn for_segment(
        &self,
        _segment_local_id: u32,
        segment: &SegmentReader,
    ) -> tantivy::Result<SegmentFacetCounter> {
        let table = self.tables.of(segment, self.fields)?;
        let words = table.max_doc().div_ceil(64);
        Ok(SegmentFacetCounter {
            table,
            matched: vec![0; words],
            count: 0,
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(
        &self,
        mut segments: Vec<(Facets, Arc<SegmentFacets>)>,
    ) -> tantivy::Result<(Facets, FacetNames)> {
        if segments.len() == 1
            && let Some((facets, table)) = segments.pop()
        {
            let names = FacetNames {
                segments: vec![table],
            };
            return Ok((facets, names));
        }
        let mut merged = Facets::default();
        let mut names = FacetNames {
            segments: Vec::with_capacity(segments.len()),
        };
        for (segment, table) in segments {
            for (filter, counts) in segment {
                let into = &mut merged[filter];
                for (value, count) in counts {
                    *into.entry(value).or_default() += count;
                }
            }
            names.segments.push(table);
        }
        Ok((merged, names))
    }
}

/// `FacetCounter` in one segment.
pub struct SegmentFacetCounter {
    table: Arc<SegmentFacets>,
    /// One bit per entry of the segment: whether it matched.
    matched: Vec<u64>,
    count: usize,
}

impl SegmentCollector for SegmentFacetCounter {
    type Fruit = (Facets, Arc<SegmentFacets>);

    fn collect(&mut self, doc: DocId, _score: Score) {
        if let Some(word) = self.matched.get_mut(doc as usize / 64) {
            *word |= 1 << (doc % 64);
            self.count += 1;
        }
    }

    fn harvest(self) -> (Facets, Arc<SegmentFacets>) {
        let counts = self.table.count(&self.matched, self.count);
        (self.table.named(counts), self.table)
    }
}

/// The entries of one segment holding one facet value, kept in whichever form is cheapest to
/// intersect with a bitset of matches.
enum ValueEntries {
    /// Runs of consecutive entries, `[start, end)`: a value whose entries were written
    /// together, as a rebuild writes a jurisdiction's.
    Runs(Vec<(u32, u32)>),
    /// One bit per entry of the segment: a value many entries hold, here and there.
    Bits(Vec<u64>),
    /// The entries, in order: a value few entries hold.
    List(Vec<u32>),
}

impl ValueEntries {
    /// The form costing least to intersect, for a value held by `docs` (in order) in a
    /// segment of `max_doc` entries; with its cost in words or entries read.
    fn cheapest(docs: &[u32], max_doc: usize) -> (ValueEntries, usize) {
        let mut runs: Vec<(u32, u32)> = Vec::new();
        for &doc in docs {
            match runs.last_mut() {
                Some((_, end)) if *end == doc => *end += 1,
                _ => runs.push((doc, doc + 1)),
            }
        }
        let runs_cost: usize = runs
            .iter()
            .map(|&(start, end)| 2 + (end - start) as usize / 64)
            .sum();
        let bits_cost = max_doc.div_ceil(64);
        let list_cost = docs.len();
        if runs_cost <= bits_cost && runs_cost <= list_cost {
            (ValueEntries::Runs(runs), runs_cost)
        } else if bits_cost <= list_cost {
            let mut bits = vec![0u64; bits_cost];
            for &doc in docs {
                bits[doc as usize / 64] |= 1 << (doc % 64);
            }
            (ValueEntries::Bits(bits), bits_cost)
        } else {
            (ValueEntries::List(docs.to_vec()), list_cost)
        }
    }

    /// How many of these entries are set in `matched`.
    fn count_in(&self, matched: &[u64]) -> u64 {
        match self {
            ValueEntries::Runs(runs) => runs
                .iter()
                .map(|&(start, end)| ones_in_range(matched, start as usize, end as usize))
                .sum(),
            ValueEntries::Bits(bits) => bits
                .iter()
                .zip(matched)
                .map(|(a, b)| u64::from((a & b).count_ones()))
                .sum(),
            ValueEntries::List(docs) => docs
                .iter()
                .filter(|&&doc| is_set(matched, doc as usize))
                .count() as u64,
        }
    }
}

fn is_set(bits: &[u64], at: usize) -> bool {
    bits.get(at / 64)
        .is_some_and(|word| word & (1 << (at % 64)) != 0)
}

/// The set bits of `bits` in `[start, end)`.
fn ones_in_range(bits: &[u64], start: usize, end: usize) -> u64 {
    if start >= end {
        return 0;
    }
    let (first, last) = (start / 64, (end - 1) / 64);
    let low_mask = u64::MAX << (start % 64);
    let high_mask = u64::MAX >> (63 - (end - 1) % 64);
    let word = |at: usize| bits.get(at).copied().unwrap_or(0);
    if first == last {
        return u64::from((word(first) & low_mask & high_mask).count_ones());
    }
    let middle: u32 = (first + 1..last).map(|at| word(at).count_ones()).sum();
    u64::from((word(first) & low_mask).count_ones())
        + u64::from(middle)
        + u64::from((word(last) & high_mask).count_ones())
}

/// Every entry's facet ordinals in one segment (entry `d`'s are `ords[starts[d]..starts[d +
/// 1]]`), every ordinal's entries, and the display names of its jurisdictions.
pub struct SegmentFacets {
    starts: Vec<u32>,
    ords: Vec<u32>,
    /// The filter and value of each ordinal of the segment's facet dictionary.
    names: Vec<Option<(Filter, String)>>,
    /// How many entries of the segment (deleted ones included) hold each ordinal.
    totals: Vec<u64>,
    /// Each named ordinal's entries.
    by_value: Vec<(u32, ValueEntries)>,
    /// What counting value by value reads, in words or entries.
    by_value_cost: usize,
    /// (slug, display name) of each jurisdiction of the segment, by slug.
    jurisdiction_names: Vec<(String, String)>,
}

impl SegmentFacets {
    fn max_doc(&self) -> usize {
        self.starts.len() - 1
    }

    fn ords_of(&self, doc: usize) -> &[u32] {
        &self.ords[self.starts[doc] as usize..self.starts[doc + 1] as usize]
    }

    /// Each ordinal's count among the `count` entries set in `matched`.
    fn count(&self, matched: &[u64], count: usize) -> Vec<u64> {
        let max_doc = self.max_doc();
        // Entry by entry, whichever side is smaller is read: the matches, or the rest
        // (deleted entries included, since the totals include them and they never match).
        let dense = count * 2 > max_doc;
        let entries_read = if dense { max_doc - count } else { count };
        let ords_per_entry = self.ords.len().div_ceil(max_doc.max(1));
        if entries_read * ords_per_entry > self.by_value_cost {
            let mut counts = vec![0; self.names.len()];
            for (ord, entries) in &self.by_value {
                counts[*ord as usize] = entries.count_in(matched);
            }
            return counts;
        }
        let mut counts = if dense {
            self.totals.clone()
        } else {
            vec![0; self.names.len()]
        };
        for (at, &word) in matched.iter().enumerate() {
            let mut bits = if dense { !word } else { word };
            while bits != 0 {
                let doc = at * 64 + bits.trailing_zeros() as usize;
                bits &= bits - 1;
                if doc >= max_doc {
                    break;
                }
                for &ord in self.ords_of(doc) {
                    let count = &mut counts[ord as usize];
                    *count = if dense { *count - 1 } else { *count + 1 };
                }
            }
        }
        counts
    }

    /// The non-zero counts by facet root and value.
    fn named(&self, counts: Vec<u64>) -> Facets {
        let mut facets = Facets::default();
        for (ord, count) in counts.into_iter().enumerate() {
            if count == 0 {
                continue;
            }
            if let Some((filter, value)) = &self.names[ord] {
                facets[*filter].insert(value.clone(), count);
            }
        }
        facets
    }

    /// The display name of jurisdiction `slug`, if the segment holds it.
    fn jurisdiction_name(&self, slug: &str) -> Option<&str> {
        let at = self
            .jurisdiction_names
            .binary_search_by(|(held, _)| held.as_str().cmp(slug))
            .ok()?;
        Some(self.jurisdiction_names[at].1.as_str())
    }

    fn decode(segment: &SegmentReader, fields: &PlaybookFields) -> tantivy::Result<SegmentFacets> {
        let reader = segment.facet_reader(FACETS_FIELD)?;
        let dictionary = reader.facet_dict();
        let mut names = Vec::with_capacity(dictionary.num_terms());
        let mut bytes = Vec::new();
        for ord in 0..dictionary.num_terms() as u64 {
            bytes.clear();
            let mut name = None;
            if dictionary.ord_to_term(ord, &mut bytes)?
                && let Ok(facet) = Facet::from_encoded(bytes.clone())
                && let [root, value] = facet.to_path().as_slice()
                && let Some(filter) = Filter::parse(root)
            {
                name = Some((filter, (*value).to_owned()));
            }
            names.push(name);
        }
        let max_doc = segment.max_doc() as usize;
        let mut starts = Vec::with_capacity(max_doc + 1);
        let mut ords = Vec::with_capacity(max_doc * 5);
        starts.push(0);
        for doc in 0..max_doc as u32 {
            ords.extend(reader.facet_ords(doc).map(|ord| ord as u32));
            starts.push(ords.len() as u32);
        }
        let mut table = Self::from_entries(starts, ords, names);
        table.jurisdiction_names = table.read_jurisdiction_names(segment, fields)?;
        Ok(table)
    }

    /// Each jurisdiction's display name, from the stored fields of one entry holding it (a
    /// live one if there is any): one document read per jurisdiction of the segment.
    fn read_jurisdiction_names(
        &self,
        segment: &SegmentReader,
        fields: &PlaybookFields,
    ) -> tantivy::Result<Vec<(String, String)>> {
        // Per ordinal: an entry holding it, and whether that entry is live.
        let mut holders: Vec<Option<(DocId, bool)>> = vec![None; self.names.len()];
        let alive = segment.alive_bitset();
        for doc in 0..self.max_doc() as DocId {
            let live = alive.is_none_or(|bits| bits.is_alive(doc));
            for &ord in self.ords_of(doc as usize) {
                let ord = ord as usize;
                let is_jurisdiction = matches!(self.names[ord], Some((Filter::Jurisdiction, _)));
                if is_jurisdiction && holders[ord].is_none_or(|(_, held_live)| live && !held_live) {
                    holders[ord] = Some((doc, live));
                }
            }
        }
        let store = segment.get_store_reader(1)?;
        let mut names = Vec::new();
        for (held, name) in holders.iter().zip(&self.names) {
            if let (Some((doc, _)), Some((Filter::Jurisdiction, slug))) = (held, name) {
                let stored: TantivyDocument = store.get(*doc)?;
                let jurisdiction = StoredEntry::new(&stored, fields).jurisdiction();
                names.push((slug.clone(), jurisdiction.display_name()));
            }
        }
        names.sort_unstable();
        Ok(names)
    }

    /// The tables from every entry's ordinals (`starts`, `ords`) and the ordinals' names.
    fn from_entries(
        starts: Vec<u32>,
        ords: Vec<u32>,
        names: Vec<Option<(Filter, String)>>,
    ) -> SegmentFacets {
        let mut docs_of: Vec<Vec<u32>> = vec![Vec::new(); names.len()];
        for doc in 0..starts.len().saturating_sub(1) {
            for &ord in &ords[starts[doc] as usize..starts[doc + 1] as usize] {
                if let Some(docs) = docs_of.get_mut(ord as usize) {
                    docs.push(doc as u32);
                }
            }
        }
        let totals = docs_of.iter().map(|docs| docs.len() as u64).collect();
        let max_doc = starts.len().saturating_sub(1);
        let mut by_value = Vec::new();
        let mut by_value_cost = 0;
        for (ord, docs) in docs_of.iter().enumerate() {
            if names[ord].is_some() && !docs.is_empty() {
                let (entries, cost) = ValueEntries::cheapest(docs, max_doc);
                by_value.push((ord as u32, entries));
                by_value_cost += cost;
            }
        }
        SegmentFacets {
            starts,
            ords,
            names,
            totals,
            by_value,
            by_value_cost,
            jurisdiction_names: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A segment of `max_doc` entries: entry d is in jurisdiction d / 10 (ordinals 0..),
    /// of kind `k` (the ordinal after the jurisdictions) when d is even, and, every
    /// seventh entry, holds a topic (the last ordinal).
    fn segment(max_doc: u32) -> SegmentFacets {
        let jurisdictions = max_doc.div_ceil(10);
        let (kind, topic) = (jurisdictions, jurisdictions + 1);
        let mut starts = vec![0];
        let mut ords = Vec::new();
        for doc in 0..max_doc {
            ords.push(doc / 10);
            if doc % 2 == 0 {
                ords.push(kind);
            }
            if doc % 7 == 0 {
                ords.push(topic);
            }
            starts.push(ords.len() as u32);
        }
        let mut names: Vec<_> = (0..jurisdictions)
            .map(|j| Some((Filter::Jurisdiction, format!("j{j}"))))
            .collect();
        names.push(Some((Filter::Kind, "k".into())));
        names.push(Some((Filter::Topic, "t".into())));
        SegmentFacets::from_entries(starts, ords, names)
    }

    /// Counts entry by entry, the obvious way.
    fn expected(table: &SegmentFacets, matched: &[u32]) -> Vec<u64> {
        let mut counts = vec![0; table.names.len()];
        for &doc in matched {
            for &ord in table.ords_of(doc as usize) {
                counts[ord as usize] += 1;
            }
        }
        counts
    }

    fn bitset(max_doc: u32, matched: &[u32]) -> Vec<u64> {
        let mut bits = vec![0; (max_doc as usize).div_ceil(64)];
        for &doc in matched {
            bits[doc as usize / 64] |= 1 << (doc % 64);
        }
        bits
    }

    #[test]
    fn every_way_of_counting_gives_the_same_counts() {
        let max_doc = 5_000;
        let table = segment(max_doc);
        assert!(
            table
                .by_value
                .iter()
                .any(|(_, e)| matches!(e, ValueEntries::Runs(_)))
                && table
                    .by_value
                    .iter()
                    .any(|(_, e)| matches!(e, ValueEntries::Bits(_))),
            "jurisdictions are runs, the kind a bitset"
        );
        for matched in [
            vec![],
            vec![3],
            (0..max_doc).step_by(97).collect::<Vec<_>>(),
            (0..max_doc).filter(|d| d % 3 != 0).collect(),
            (0..max_doc).filter(|d| d % 251 != 0).collect(),
            (0..max_doc).collect(),
        ] {
            let counts = table.count(&bitset(max_doc, &matched), matched.len());
            assert_eq!(
                counts,
                expected(&table, &matched),
                "{} matches",
                matched.len()
            );
        }
    }

    #[test]
    fn a_rare_value_is_a_list_and_counts_exactly() {
        let (entries, cost) = ValueEntries::cheapest(&[5, 900, 4_000], 5_000);
        assert!(matches!(entries, ValueEntries::List(_)));
        assert_eq!(cost, 3);
        assert_eq!(entries.count_in(&bitset(5_000, &[900, 4_000, 4_001])), 2);
    }

    #[test]
    fn counts_set_bits_in_any_range() {
        let bits = bitset(300, &[0, 1, 63, 64, 65, 127, 128, 200, 299]);
        for (start, end, ones) in [
            (0, 0, 0),
            (0, 1, 1),
            (0, 64, 3),
            (1, 63, 1),
            (63, 66, 3),
            (64, 128, 3),
            (0, 300, 9),
            (129, 299, 1),
            (299, 300, 1),
        ] {
            assert_eq!(ones_in_range(&bits, start, end), ones, "[{start}, {end})");
        }
    }
}
