//! `PassageSpace`: the passages of every entry at one generation of the index, and the
//! entries nearest a question. Below `GRAPH_FROM` passages (search::question) a question
//! is compared with every passage (exact dot products: a millisecond or two); above, a graph
//! of the passages (`PassageGraph`) proposes the entries of the passages nearest it, and each
//! of those is then weighed exactly on all its passages.
//!
//! A space is built on the one before (`next`): passages it already had keep their vectors
//! and their place in the graph, new ones are added and linked in, removed ones stay as
//! stepping stones no answer names, until they are a third of the vectors and the space is
//! compacted (its graph then built again).
//!
//! An entry's closeness is mostly that of its closest passage, and partly that of its second
//! closest (`SECOND_PASSAGE_WEIGHT`): an entry that answers the question in two places is a
//! surer answer than one that mentions it once.

use std::cmp::{Ordering, Reverse};
use std::collections::{BinaryHeap, HashMap, HashSet};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering as AtomicOrdering};

use super::graph::PassageGraph;
use super::nodes::PassageNodes;
use super::quantized::{QueryInSteps, VectorView};
use super::vectors::PassageKey;

/// How many nearest passages the graph finds for a question; their entries are then weighed
/// on all their passages. Chosen for recall against the exact scan and for speed (BENCHMARKS.md:
/// twice as many cost twice the time for a tenth more recall).
pub const GRAPH_BREADTH: usize = 128;

/// How much an entry's second-closest passage counts beside its closest (which counts 1), so
/// an entry's closeness is the mean of its two closest passages: chosen on half of the judged
/// questions (`tests/support/paraphrases.rs`, BENCHMARKS.md). An entry of one passage counts
/// that passage twice.
pub const SECOND_PASSAGE_WEIGHT: f32 = 1.0;

/// An entry near a question: its closest passage and how close.
#[derive(Debug, Clone, PartialEq)]
pub struct Nearby {
    /// The entry's id.
    pub id: String,
    /// Its closeness: the cosine similarity of its closest passage, weighed with that of its
    /// second closest.
    pub similarity: f32,
    /// Which of its passages (as `passages` numbers them).
    pub passage: usize,
    /// Its place among the space's entries (in the order they were added).
    pub entry: usize,
}

/// A node no entry has (a passage removed or changed since the node was added).
const NO_ENTRY: (u32, u16) = (u32::MAX, 0);

/// The vectors of every passage of every entry at one generation of the index, in 8 bits a
/// number (`Quantized`), and, once built, the graph that finds the nearest quickly.
#[derive(Debug, Default)]
pub struct PassageSpace {
    generation: u64,
    /// Every vector this space and the ones before it since the last compaction were given.
    nodes: PassageNodes,
    /// Entry ids.
    ids: Vec<String>,
    /// Per entry: where its passages start in `passages`; then the end.
    starts: Vec<u32>,
    /// Each entry's passages' nodes, entry after entry, in passage order.
    passages: Vec<u32>,
    /// Per node: its entry (index into `ids`) and its number there, or `NO_ENTRY`.
    owners: Vec<(u32, u16)>,
    /// Nodes no entry has.
    unowned: usize,
    /// The graph over `nodes`, once built; without it, questions scan every passage.
    graph: OnceLock<PassageGraph>,
    /// Which line of spaces it is of: spaces built one on the other (`next`) share it, as
    /// their nodes only grow; a new set of nodes (a first build, a compaction) starts a new
    /// one. The vector file of one lineage is appended to, not written again.
    lineage: u64,
}

/// The last lineage given out.
static LINEAGES: AtomicU64 = AtomicU64::new(0);

fn new_lineage() -> u64 {
    LINEAGES.fetch_add(1, AtomicOrdering::Relaxed) + 1
}

/// What a question asks of the graph: at most `count` entries, none below `floor` nor more
/// than `span` below the nearest.
#[derive(Clone, Copy)]
struct Wanted {
    count: usize,
    floor: f32,
    span: f32,
}

/// A closeness, ordered (for a heap).
#[derive(Clone, Copy, PartialEq)]
struct OrderedCloseness(f32);

impl Eq for OrderedCloseness {}

impl Ord for OrderedCloseness {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.total_cmp(&other.0)
    }
}

impl PartialOrd for OrderedCloseness {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// An entry's two closest passages so far.
#[derive(Clone, Copy)]
struct Closest {
    entry: u32,
    first: f32,
    passage: u16,
    second: f32,
}

impl Closest {
    fn closeness(self) -> f32 {
        let second = if self.second == f32::MIN {
            self.first
        } else {
            self.second
        };
        (self.first + SECOND_PASSAGE_WEIGHT * second) / (1.0 + SECOND_PASSAGE_WEIGHT)
    }
}

impl PassageSpace {
    /// The space of index `generation` built afresh: `SpaceBuilder::add_entry`, then `finish`.
    pub fn builder(dims: usize, generation: u64, passages: usize) -> SpaceBuilder {
        SpaceBuilder::new(
            PassageSpace {
                generation,
                nodes: PassageNodes::with_capacity(dims, passages),
                lineage: new_lineage(),
                ..PassageSpace::default()
            },
            None,
        )
    }

    /// The space of index `generation` built on stored vectors (`VectorFile`) and, when
    /// it was saved for them, their graph (`GraphFile`): a passage with a stored vector is
    /// not embedded again, and a graph that links only the first nodes is extended to the
    /// rest by `finish`.
    pub fn resume(
        nodes: PassageNodes,
        graph: Option<PassageGraph>,
        generation: u64,
    ) -> SpaceBuilder {
        let stored = nodes.len();
        SpaceBuilder::new(
            PassageSpace {
                generation,
                nodes,
                owners: vec![NO_ENTRY; stored],
                unowned: stored,
                lineage: new_lineage(),
                ..PassageSpace::default()
            },
            graph,
        )
    }

    /// The space of the next generation, `generation`, built on this one: it keeps this
    /// one's vectors (a passage already here is not added again) and its graph.
    pub fn next(&self, generation: u64) -> SpaceBuilder {
        SpaceBuilder::new(
            PassageSpace {
                generation,
                nodes: self.nodes.clone(),
                owners: vec![NO_ENTRY; self.nodes.len()],
                unowned: self.nodes.len(),
                lineage: self.lineage,
                ..PassageSpace::default()
            },
            self.graph.get().cloned(),
        )
    }

    /// Every passage's key and vector, entry after entry.
    pub fn rows(&self) -> impl Iterator<Item = (&PassageKey, VectorView<'_>)> {
        self.passages
            .iter()
            .filter_map(|&node| Some((self.nodes.key(node)?, self.nodes.vector(node))))
    }

    /// The index generation it was built from.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// How many passages it holds.
    pub fn num_passages(&self) -> usize {
        self.passages.len()
    }

    /// How many entries it holds.
    pub fn num_entries(&self) -> usize {
        self.ids.len()
    }

    /// How many vectors it keeps: its passages, and those of passages since removed that
    /// its graph still steps through.
    pub fn num_nodes(&self) -> usize {
        self.nodes.len()
    }

    /// Its lineage: a space built on another (`next`) has the same one, and its nodes begin
    /// with the other's.
    pub fn lineage(&self) -> u64 {
        self.lineage
    }

    /// Its vectors, in node order (as the vector file keeps them).
    pub fn nodes(&self) -> &PassageNodes {
        &self.nodes
    }

    /// Its graph, once built.
    pub fn graph(&self) -> Option<&PassageGraph> {
        self.graph.get()
    }

    /// Bytes its vectors (and their keys) take.
    pub fn vector_bytes(&self) -> usize {
        self.nodes.bytes()
    }

    /// Whether its graph is built (questions then visit a few thousand passages, not all).
    pub fn has_graph(&self) -> bool {
        self.graph.get().is_some()
    }

    /// Builds its graph (nothing when it has one). CPU-bound: seconds per 100,000 passages.
    pub fn build_graph(&self) {
        if self.graph.get().is_none() {
            let _ = self.graph.set(PassageGraph::build(&self.nodes));
        }
    }

    /// The at most `count` entries nearest `query` with a closeness of at least `floor`,
    /// nearest first: through the graph when it is built, else by `nearest_exact`.
    pub fn nearest(&self, query: &[f32], count: usize, floor: f32) -> Vec<Nearby> {
        self.nearest_within(query, count, floor, f32::INFINITY)
    }

    /// As `nearest`, leaving out entries more than `span` less close than the nearest.
    pub fn nearest_within(
        &self,
        query: &[f32],
        count: usize,
        floor: f32,
        span: f32,
    ) -> Vec<Nearby> {
        self.nearest_through(query, count, floor, span, GRAPH_BREADTH)
    }

    /// As `nearest_within`, the graph proposing the entries of the `breadth` nearest passages
    /// it finds (at least twice `count`); each is then weighed exactly on all its passages,
    /// the nearest proposals first, until no proposal left can be among the `count` nearest
    /// or within `span` of the nearest (an entry is never nearer than its nearest passage).
    pub fn nearest_through(
        &self,
        query: &[f32],
        count: usize,
        floor: f32,
        span: f32,
        breadth: usize,
    ) -> Vec<Nearby> {
        let mut found = match self.graph.get() {
            Some(graph) => {
                let wanted = Wanted { count, floor, span };
                self.through_graph(graph, query, wanted, breadth)
            }
            None => self.nearest_exact(query, count, floor),
        };
        let best = found.first().map_or(0.0, |n| n.similarity);
        found.retain(|n| n.similarity >= best - span);
        found
    }

    fn through_graph(
        &self,
        graph: &PassageGraph,
        query: &[f32],
        wanted: Wanted,
        breadth: usize,
    ) -> Vec<Nearby> {
        let Wanted { count, floor, span } = wanted;
        if query.len() != self.nodes.dims() || count == 0 {
            return Vec::new();
        }
        let query = QueryInSteps::new(query);
        let mut proposed: Vec<(f32, u32)> = graph
            .nearest(&self.nodes, &query, breadth.max(2 * count))
            .into_iter()
            .filter_map(|near| {
                let owner = self.owners.get(near.node as usize)?;
                (*owner != NO_ENTRY).then_some((near.similarity, owner.0))
            })
            .collect();
        // Nearest passage first; an entry once, at its nearest passage.
        let mut seen = HashSet::with_capacity(proposed.len());
        proposed.retain(|(_, entry)| seen.insert(*entry));
        let mut weighed: Vec<Closest> = Vec::with_capacity(proposed.len());
        // The `count` nearest closenesses so far (a min-heap), to know when to stop.
        let mut nearest: BinaryHeap<Reverse<OrderedCloseness>> = BinaryHeap::new();
        let mut best = f32::MIN;
        for (passage_similarity, entry) in proposed {
            let among_count = match nearest.peek() {
                Some(n) if nearest.len() >= count => n.0.0,
                _ => f32::MIN,
            };
            if passage_similarity < floor.max(among_count).max(best - span) {
                break;
            }
            let Some(closest) = self.closest(entry, &query) else {
                continue;
            };
            best = best.max(closest.closeness());
            nearest.push(Reverse(OrderedCloseness(closest.closeness())));
            if nearest.len() > count {
                nearest.pop();
            }
            weighed.push(closest);
        }
        self.nearest_of(weighed, count, floor)
    }

    /// The at most `count` entries nearest `query` with a closeness of at least `floor`,
    /// nearest first, weighing every passage: the reference the graph is measured against.
    pub fn nearest_exact(&self, query: &[f32], count: usize, floor: f32) -> Vec<Nearby> {
        if query.len() != self.nodes.dims() || self.nodes.dims() == 0 || count == 0 {
            return Vec::new();
        }
        let query = QueryInSteps::new(query);
        let found = (0..self.ids.len() as u32)
            .filter_map(|entry| self.closest(entry, &query))
            .collect();
        self.nearest_of(found, count, floor)
    }

    /// `entry`'s two closest passages to `query` (none when it has no passage).
    fn closest(&self, entry: u32, query: &QueryInSteps) -> Option<Closest> {
        let start = *self.starts.get(entry as usize)? as usize;
        let end = *self.starts.get(entry as usize + 1)? as usize;
        let mut closest: Option<Closest> = None;
        for (number, &node) in self.passages.get(start..end)?.iter().enumerate() {
            let similarity = query.dot_view(self.nodes.vector(node));
            let number = u16::try_from(number).unwrap_or(u16::MAX);
            match closest.as_mut() {
                Some(c) if similarity > c.first => {
                    c.second = c.first;
                    c.first = similarity;
                    c.passage = number;
                }
                Some(c) => c.second = c.second.max(similarity),
                None => {
                    closest = Some(Closest {
                        entry,
                        first: similarity,
                        passage: number,
                        second: f32::MIN,
                    });
                }
            }
        }
        closest
    }

    /// The at most `count` nearest of `found` at or above `floor`, nearest first.
    fn nearest_of(&self, found: Vec<Closest>, count: usize, floor: f32) -> Vec<Nearby> {
        let mut found: Vec<(f32, Closest)> = found
            .into_iter()
            .map(|closest| (closest.closeness(), closest))
            .filter(|(closeness, _)| *closeness >= floor)
            .collect();
        let nearer = |a: &(f32, Closest), b: &(f32, Closest)| {
            b.0.total_cmp(&a.0).then_with(|| a.1.entry.cmp(&b.1.entry))
        };
        if found.len() > count {
            found.select_nth_unstable_by(count - 1, nearer);
            found.truncate(count);
        }
        found.sort_by(nearer);
        found
            .into_iter()
            .filter_map(|(similarity, closest)| {
                Some(Nearby {
                    id: self.ids.get(closest.entry as usize)?.clone(),
                    similarity,
                    passage: usize::from(closest.passage),
                    entry: closest.entry as usize,
                })
            })
            .collect()
    }
}

/// Puts together the space of one generation: its entries' passages, reusing the nodes of the
/// generation before for passages it had.
pub struct SpaceBuilder {
    space: PassageSpace,
    /// Per key, its latest node; `same_key` chains the others (a text two entries share).
    heads: HashMap<PassageKey, u32>,
    same_key: Vec<u32>,
    /// The graph of the nodes it starts from, if they had one.
    graph: Option<PassageGraph>,
}

impl SpaceBuilder {
    fn new(space: PassageSpace, graph: Option<PassageGraph>) -> SpaceBuilder {
        let mut builder = SpaceBuilder {
            heads: HashMap::with_capacity(space.nodes.len()),
            same_key: Vec::with_capacity(space.nodes.len()),
            graph,
            space,
        };
        for node in 0..builder.space.nodes.len() as u32 {
            builder.chain(node);
        }
        builder
    }

    fn chain(&mut self, node: u32) {
        let Some(key) = self.space.nodes.key(node) else {
            return;
        };
        let before = self.heads.insert(*key, node).unwrap_or(u32::MAX);
        self.same_key.push(before);
    }

    /// Whether a passage with this key has a vector here already.
    pub fn has(&self, key: &PassageKey) -> bool {
        self.heads.contains_key(key)
    }

    /// The vectors here so far, in node order (for saving a long build's progress).
    pub fn nodes(&self) -> &PassageNodes {
        &self.space.nodes
    }

    /// Its lineage (`PassageSpace::lineage`).
    pub fn lineage(&self) -> u64 {
        self.space.lineage
    }

    /// Adds the vector of the passage `key` before any entry takes it (a long build adds
    /// what it has embedded as it goes, so its progress can be saved); nothing when a
    /// vector for `key` is here already, or `vector` has the wrong length.
    pub fn add_vector(&mut self, key: PassageKey, vector: VectorView<'_>) {
        if self.has(&key) {
            return;
        }
        if let Some(node) = self.space.nodes.push(key, vector) {
            self.space.owners.push(NO_ENTRY);
            self.space.unowned += 1;
            self.chain(node);
        }
    }

    /// Adds an entry's passages in order: each its key and, when `has` says no vector is here
    /// for it, its vector (a passage with neither is left out, as is one of the wrong length).
    pub fn add_entry(&mut self, id: String, passages: &[(PassageKey, Option<VectorView<'_>>)]) {
        let entry = u32::try_from(self.space.ids.len()).unwrap_or(u32::MAX);
        self.space.ids.push(id);
        let start = u32::try_from(self.space.passages.len()).unwrap_or(u32::MAX);
        self.space.starts.push(start);
        for (number, (key, vector)) in passages.iter().enumerate() {
            let Some(node) = self.node_for(key, *vector) else {
                continue;
            };
            if let Some(owner) = self.space.owners.get_mut(node as usize) {
                *owner = (entry, u16::try_from(number).unwrap_or(u16::MAX));
            }
            self.space.passages.push(node);
        }
    }

    /// A node for the passage `key` that no entry of this generation has taken yet: one
    /// already here, or a new one with `vector` (or a copy of another node's with this key).
    fn node_for(&mut self, key: &PassageKey, vector: Option<VectorView<'_>>) -> Option<u32> {
        let mut node = self.heads.get(key).copied().unwrap_or(u32::MAX);
        let mut taken = None;
        while node != u32::MAX {
            if self.space.owners.get(node as usize) == Some(&NO_ENTRY) {
                self.space.unowned -= 1;
                return Some(node);
            }
            taken = taken.or(Some(node));
            node = self
                .same_key
                .get(node as usize)
                .copied()
                .unwrap_or(u32::MAX);
        }
        let copy: Option<(f32, Vec<i8>)> = match (vector, taken) {
            (None, Some(other)) => {
                let other = self.space.nodes.vector(other);
                Some((other.scale, other.values.to_vec()))
            }
            _ => None,
        };
        let vector = match (&copy, vector) {
            (Some((scale, values)), _) => VectorView {
                scale: *scale,
                values,
            },
            (None, Some(vector)) => vector,
            (None, None) => return None,
        };
        let node = self.space.nodes.push(*key, vector)?;
        self.space.owners.push(NO_ENTRY);
        self.chain(node);
        Some(node)
    }

    /// The space. When more than a third of its nodes have no entry, it is compacted (only
    /// its passages kept, in entry order, and its graph to be built again); otherwise the
    /// graph of the generation before, if any, is kept and links the new passages in.
    pub fn finish(self) -> PassageSpace {
        let mut space = self.space;
        space
            .starts
            .push(u32::try_from(space.passages.len()).unwrap_or(u32::MAX));
        if space.unowned * 3 > space.nodes.len() {
            return space.compacted();
        }
        if let Some(mut graph) = self.graph {
            graph.extend(&space.nodes);
            let _ = space.graph.set(graph);
        }
        space
    }
}

impl PassageSpace {
    /// This space with only the nodes its entries have, in entry order, and no graph.
    fn compacted(self) -> PassageSpace {
        let mut nodes = PassageNodes::with_capacity(self.nodes.dims(), self.passages.len());
        let mut passages = Vec::with_capacity(self.passages.len());
        let mut owners = Vec::with_capacity(self.passages.len());
        for &node in &self.passages {
            let (Some(key), Some(owner)) = (self.nodes.key(node), self.owners.get(node as usize))
            else {
                continue;
            };
            if let Some(new) = nodes.push(*key, self.nodes.vector(node)) {
                passages.push(new);
                owners.push(*owner);
            }
        }
        PassageSpace {
            generation: self.generation,
            nodes,
            ids: self.ids,
            starts: self.starts,
            passages,
            owners,
            unowned: 0,
            graph: OnceLock::new(),
            lineage: new_lineage(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::semantic::{Quantized, passage_key};

    /// Adds entry `id` with passages of these vectors, keyed `"{id} {n}"`.
    fn add(builder: &mut SpaceBuilder, id: &str, vectors: &[&[f32]]) {
        let texts: Vec<String> = (0..vectors.len()).map(|i| format!("{id} {i}")).collect();
        add_texts(builder, id, &texts, vectors);
    }

    fn add_texts(builder: &mut SpaceBuilder, id: &str, texts: &[String], vectors: &[&[f32]]) {
        let quantized: Vec<Quantized> = vectors.iter().map(|v| Quantized::new(v)).collect();
        let rows: Vec<(PassageKey, Option<VectorView<'_>>)> = texts
            .iter()
            .zip(&quantized)
            .map(|(text, q)| (passage_key(text), Some(q.view())))
            .collect();
        builder.add_entry(id.into(), &rows);
    }

    #[test]
    fn an_entry_is_as_near_as_its_two_nearest_passages() {
        let mut builder = PassageSpace::builder(2, 1, 7);
        // a: passages at 0 and 1 → 0.5.
        add(&mut builder, "a", &[&[1.0, 0.0], &[0.0, 1.0]]);
        // b: one passage at 0.8 → 0.8.
        add(&mut builder, "b", &[&[0.6, 0.8]]);
        // c: passages at 0.8 and 0.6 → 0.7.
        add(&mut builder, "c", &[&[0.8, 0.6], &[0.6, 0.8], &[1.0, 0.0]]);
        add(&mut builder, "d", &[&[-1.0, 0.0]]);
        let space = builder.finish();
        let near = space.nearest(&[0.0, 1.0], 10, 0.1);
        let ids: Vec<(&str, usize)> = near.iter().map(|n| (n.id.as_str(), n.passage)).collect();
        assert_eq!(ids, vec![("b", 0), ("c", 1), ("a", 1)]);
        assert!((near[1].similarity - 0.7).abs() < 0.01);
        assert!((near[2].similarity - 0.5).abs() < 0.01);
        assert_eq!(space.nearest(&[0.0, 1.0], 1, 0.0).len(), 1);
        assert!(space.nearest(&[1.0], 10, 0.0).is_empty());
        // Its rows give back each passage's key and vector, in order.
        let rows: Vec<_> = space.rows().collect();
        assert_eq!(rows.len(), 7);
        assert_eq!(*rows[2].0, passage_key("b 0"));
        assert_eq!(rows[2].1, Quantized::new(&[0.6, 0.8]).view());
    }

    fn fan(count: u16, tag: &str) -> SpaceBuilder {
        let mut builder = PassageSpace::builder(2, 1, usize::from(count) * 2);
        for i in 0..count {
            let angle = f32::from(i) * 0.013;
            let passages = [[angle.cos(), angle.sin()], [angle.sin(), angle.cos()]];
            add(
                &mut builder,
                &format!("{tag}{i}"),
                &[&passages[0], &passages[1]],
            );
        }
        builder
    }

    #[test]
    fn the_nearest_few_are_the_head_of_the_full_order() {
        let space = fan(200, "e").finish();
        let query = [0.6f32, 0.8];
        let all = space.nearest(&query, 1_000, -1.0);
        assert_eq!(all.len(), 200);
        assert!(all.windows(2).all(|w| w[0].similarity >= w[1].similarity));
        let few = space.nearest(&query, 7, -1.0);
        assert_eq!(few, all[..7].to_vec());
        let floored = space.nearest(&query, 1_000, 0.95);
        assert!(!floored.is_empty() && floored.iter().all(|n| n.similarity >= 0.95));
        assert_eq!(floored, all[..floored.len()].to_vec());
    }

    #[test]
    fn through_the_graph_the_answer_is_the_exact_one() {
        // Entries whose passages lie close together, as a real entry's do.
        let mut builder = PassageSpace::builder(2, 1, 600);
        for i in 0..300u16 {
            let angle = f32::from(i) * 0.021;
            let passages = [
                [angle.cos(), angle.sin()],
                [(angle + 0.01).cos(), (angle + 0.01).sin()],
            ];
            add(
                &mut builder,
                &format!("e{i}"),
                &[&passages[0], &passages[1]],
            );
        }
        let space = builder.finish();
        assert!(!space.has_graph());
        space.build_graph();
        assert!(space.has_graph());
        for query in [[0.6f32, 0.8], [1.0, 0.0], [0.0, 1.0], [-0.6, 0.8]] {
            let exact = space.nearest_exact(&query, 10, -1.0);
            assert_eq!(space.nearest(&query, 10, -1.0), exact, "{query:?}");
            // Within a span of the nearest: the exact answer's head.
            let best = exact[0].similarity;
            let head: Vec<Nearby> = exact
                .into_iter()
                .filter(|n| n.similarity >= best - 0.0005)
                .collect();
            assert!(head.len() < 10);
            assert_eq!(space.nearest_within(&query, 10, -1.0, 0.0005), head);
        }
    }

    #[test]
    fn the_next_generation_keeps_old_vectors_and_graph_and_adds_only_new_passages() {
        let mut builder = fan(100, "e");
        add(&mut builder, "gone", &[&[-1.0, 0.0]]);
        let first = builder.finish();
        first.build_graph();
        assert_eq!(first.num_nodes(), 201);

        // The same passages again: nothing added, nothing changed, the graph kept.
        let mut same = first.next(2);
        for i in 0..100u16 {
            let angle = f32::from(i) * 0.013;
            let passages = [[angle.cos(), angle.sin()], [angle.sin(), angle.cos()]];
            add(&mut same, &format!("e{i}"), &[&passages[0], &passages[1]]);
        }
        // A passage it has is given by key alone.
        let rows = [(passage_key("gone 0"), None)];
        same.add_entry("gone".into(), &rows);
        let same = same.finish();
        assert_eq!((same.num_nodes(), same.num_passages()), (201, 201));
        assert_eq!(same.lineage(), first.lineage());
        assert!(same.has_graph());
        assert_eq!(same.generation(), 2);

        // "gone" is removed and "new" added: one node more, "gone"'s kept but never answered.
        let mut next = same.next(3);
        assert!(next.has(&passage_key("e5 1")));
        assert!(!next.has(&passage_key("new 0")));
        for i in 0..100u16 {
            let rows = [
                (passage_key(&format!("e{i} 0")), None),
                (passage_key(&format!("e{i} 1")), None),
            ];
            next.add_entry(format!("e{i}"), &rows);
        }
        add(&mut next, "new", &[&[-0.8, -0.6]]);
        let next = next.finish();
        assert_eq!(next.lineage(), first.lineage());
        assert!(next.has_graph());
        assert_eq!((next.num_nodes(), next.num_passages()), (202, 201));
        let near = next.nearest(&[-1.0, 0.0], 3, -1.0);
        assert_eq!(near[0].id, "new");
        assert!(near.iter().all(|n| n.id != "gone"));
        assert_eq!(near, next.nearest_exact(&[-1.0, 0.0], 3, -1.0));
        assert!(next.rows().all(|(key, _)| *key != passage_key("gone 0")));

        // A text two entries share gets a node each (the second given by key alone: the
        // first's vector is copied).
        let mut shared = next.next(4);
        let both = vec!["both".to_string()];
        add_texts(&mut shared, "x", &both, &[&[0.0, -1.0]]);
        shared.add_entry("y".into(), &[(passage_key("both"), None)]);
        let shared = shared.finish();
        let near: Vec<String> = shared
            .nearest(&[0.0, -1.0], 2, 0.9)
            .into_iter()
            .map(|n| n.id)
            .collect();
        assert_eq!(near, ["x", "y"]);
    }

    #[test]
    fn a_space_mostly_of_removed_passages_is_compacted_and_its_graph_rebuilt() {
        let first = fan(100, "e").finish();
        first.build_graph();
        let mut next = first.next(2);
        add(&mut next, "only", &[&[0.6, 0.8]]);
        let next = next.finish();
        assert_ne!(next.lineage(), first.lineage(), "its nodes are new ones");
        assert_eq!((next.num_nodes(), next.num_passages()), (1, 1));
        assert!(!next.has_graph());
        assert_eq!(next.nearest(&[0.6, 0.8], 5, 0.0)[0].id, "only");
    }

    #[test]
    fn a_space_resumed_from_stored_vectors_reuses_them_and_their_graph() {
        let first = fan(100, "e").finish();
        first.build_graph();
        let stored = first.nodes().clone();
        let graph = first.graph().cloned();
        // A vector embedded before its entry is added (a long build's progress).
        let mut resumed = PassageSpace::resume(stored, graph, 7);
        let late = Quantized::new(&[-0.6, -0.8]);
        resumed.add_vector(passage_key("late 0"), late.view());
        resumed.add_vector(passage_key("late 0"), late.view());
        assert_eq!(resumed.nodes().len(), 201);
        for i in 0..100u16 {
            let rows = [
                (passage_key(&format!("e{i} 0")), None),
                (passage_key(&format!("e{i} 1")), None),
            ];
            resumed.add_entry(format!("e{i}"), &rows);
        }
        resumed.add_entry("late".into(), &[(passage_key("late 0"), None)]);
        let resumed = resumed.finish();
        assert_ne!(resumed.lineage(), first.lineage());
        assert_eq!((resumed.num_nodes(), resumed.num_passages()), (201, 201));
        assert_eq!(
            resumed.graph().map(PassageGraph::len),
            Some(201),
            "extended"
        );
        let near = resumed.nearest(&[-0.6, -0.8], 1, -1.0);
        assert_eq!(near[0].id, "late");
        let query = [0.3f32.cos(), 0.3f32.sin()];
        assert_eq!(
            resumed.nearest(&query, 5, -1.0),
            resumed.nearest_exact(&query, 5, -1.0)
        );
    }
}
