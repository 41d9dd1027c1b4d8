//! `PassageGraph`: a hierarchical navigable small-world graph (HNSW; Malkov and Yashunin,
//! 2016) over the passage vectors. A question walks from passage to nearer passage and
//! compares itself with a few thousand of them instead of every one: the exact scan costs
//! about 10 ms a question at 100,000 passages, which caps question search at a tenth of word
//! search's throughput (BENCHMARKS.md).
//!
//! Every node is on the bottom layer; a node is also on each layer above with probability
//! 1/`LINKS` per layer (drawn from its passage key, so a build is repeatable). A node's links
//! are chosen by the paper's heuristic: a candidate is linked only if it is nearer the node
//! than any link chosen before it, which keeps links pointing in different directions.
//!
//! The graph only grows: `extend` links the nodes added since (a new generation of the index
//! adds its new passages at the end of `PassageNodes`). Passages no entry has any more stay in
//! it as stepping stones and are filtered out of the answers; `PassageSpace` rebuilds it when
//! too many are left.

use std::cmp::{Ordering, Reverse};
use std::collections::{BinaryHeap, HashMap};
use std::sync::{Arc, Mutex};

use super::nodes::PassageNodes;
use super::quantized::{QueryInSteps, dot_views};

/// Links a node keeps on each layer above the bottom one.
pub const LINKS: usize = 12;
/// Links a node keeps on the bottom layer.
pub const BOTTOM_LINKS: usize = 2 * LINKS;
/// How many nearest nodes a new node's search keeps while it is linked in.
pub const BUILD_BREADTH: usize = 200;
/// The most layers.
pub(super) const MAX_LAYER: usize = 12;

/// A node and its similarity to what is asked.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NearNode {
    /// Cosine similarity (a dot product of unit vectors).
    pub similarity: f32,
    /// The node.
    pub node: u32,
}

impl Eq for NearNode {}

impl Ord for NearNode {
    fn cmp(&self, other: &Self) -> Ordering {
        self.similarity
            .total_cmp(&other.similarity)
            .then_with(|| other.node.cmp(&self.node))
    }
}

impl PartialOrd for NearNode {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Nodes whose bottom-layer links are kept together (a power of two).
const LINK_BLOCK_BITS: u32 = 7;
const LINK_BLOCK: usize = 1 << LINK_BLOCK_BITS;

/// The bottom-layer links of up to `LINK_BLOCK` consecutive nodes.
#[derive(Debug, Clone)]
struct LinkBlock {
    /// `BOTTOM_LINKS` slots per node.
    slots: Vec<u32>,
    /// How many of each node's slots are used.
    used: Vec<u8>,
}

/// The links between passage nodes, layer by layer. A copy (the next generation's, which
/// links in its new passages) shares what it does not change: bottom-layer links in blocks of
/// `LINK_BLOCK` nodes, copied only when a node of the block gains or loses a link, and the
/// upper layers' links, copied only when one of them changes.
#[derive(Debug, Clone, Default)]
pub struct PassageGraph {
    bottom: Vec<Arc<LinkBlock>>,
    /// How many nodes it links.
    len: usize,
    /// Links on the layers above, for the few nodes that reach them: `[layer - 1]`.
    upper: Arc<HashMap<u32, Vec<Vec<u32>>>>,
    /// Where every search starts: a node of the top layer.
    entry: Option<u32>,
    /// The top layer.
    top: usize,
}

/// A graph as saved (`GraphFile`): every node's bottom slots in one run.
pub(super) struct GraphParts {
    /// `BOTTOM_LINKS` slots per node.
    pub bottom: Vec<u32>,
    /// How many of each node's slots are used.
    pub bottom_used: Vec<u8>,
    /// Links on the layers above: `[layer - 1]`.
    pub upper: HashMap<u32, Vec<Vec<u32>>>,
    /// Where every search starts.
    pub entry: Option<u32>,
    /// The top layer.
    pub top: usize,
}

impl PassageGraph {
    /// The graph of every node of `nodes`.
    pub fn build(nodes: &PassageNodes) -> PassageGraph {
        let mut graph = PassageGraph::default();
        graph.extend(nodes);
        graph
    }

    /// How many nodes it links.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether it links none.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Links in the nodes of `nodes` added since it was built (those it does not link yet).
    pub fn extend(&mut self, nodes: &PassageNodes) {
        let from = u32::try_from(self.len()).unwrap_or(u32::MAX);
        let to = u32::try_from(nodes.len()).unwrap_or(u32::MAX);
        for node in from..to {
            self.insert(nodes, node);
        }
    }

    /// The graph as it is saved.
    pub(super) fn to_parts(&self) -> GraphParts {
        let mut bottom = Vec::with_capacity(self.len * BOTTOM_LINKS);
        let mut bottom_used = Vec::with_capacity(self.len);
        for block in &self.bottom {
            bottom.extend_from_slice(&block.slots);
            bottom_used.extend_from_slice(&block.used);
        }
        GraphParts {
            bottom,
            bottom_used,
            upper: (*self.upper).clone(),
            entry: self.entry,
            top: self.top,
        }
    }

    /// A graph from its saved parts (which `GraphFile` has checked).
    pub(super) fn from_parts(parts: GraphParts) -> PassageGraph {
        let len = parts.bottom_used.len();
        let bottom = parts
            .bottom_used
            .chunks(LINK_BLOCK)
            .zip(parts.bottom.chunks(LINK_BLOCK * BOTTOM_LINKS))
            .map(|(used, slots)| {
                let mut slots = slots.to_vec();
                let mut used = used.to_vec();
                slots.reserve_exact(LINK_BLOCK * BOTTOM_LINKS - slots.len());
                used.reserve_exact(LINK_BLOCK - used.len());
                Arc::new(LinkBlock { slots, used })
            })
            .collect();
        PassageGraph {
            bottom,
            len,
            upper: Arc::new(parts.upper),
            entry: parts.entry,
            top: parts.top,
        }
    }

    /// About the `breadth` nodes nearest `query`, nearest first.
    pub fn nearest(
        &self,
        nodes: &PassageNodes,
        query: &QueryInSteps,
        breadth: usize,
    ) -> Vec<NearNode> {
        let Some(entry) = self.entry else {
            return Vec::new();
        };
        let mut nearest = vec![NearNode {
            similarity: query.dot_view(nodes.vector(entry)),
            node: entry,
        }];
        for layer in (1..=self.top).rev() {
            nearest = self.search_layer(nodes, query, &nearest, 1, layer);
        }
        self.search_layer(nodes, query, &nearest, breadth.max(1), 0)
    }

    fn links(&self, node: u32, layer: usize) -> &[u32] {
        if layer == 0 {
            let Some(block) = self.bottom.get((node >> LINK_BLOCK_BITS) as usize) else {
                return &[];
            };
            let at = node as usize & (LINK_BLOCK - 1);
            let used = block.used.get(at).copied().unwrap_or(0);
            let start = at * BOTTOM_LINKS;
            block
                .slots
                .get(start..start + usize::from(used))
                .unwrap_or(&[])
        } else {
            self.upper
                .get(&node)
                .and_then(|layers| layers.get(layer - 1))
                .map_or(&[], Vec::as_slice)
        }
    }

    fn set_links(&mut self, node: u32, layer: usize, links: &[u32]) {
        if layer == 0 {
            let Some(block) = self.bottom.get_mut((node >> LINK_BLOCK_BITS) as usize) else {
                return;
            };
            // Shared with an earlier generation, the block is copied before it changes.
            let block = Arc::make_mut(block);
            let at = node as usize & (LINK_BLOCK - 1);
            let start = at * BOTTOM_LINKS;
            let used = links.len().min(BOTTOM_LINKS);
            if let (Some(slots), Some(count)) = (
                block.slots.get_mut(start..start + used),
                block.used.get_mut(at),
            ) {
                slots.copy_from_slice(&links[..used]);
                *count = used as u8;
            }
        } else if let Some(layer) = Arc::make_mut(&mut self.upper)
            .get_mut(&node)
            .and_then(|layers| layers.get_mut(layer - 1))
        {
            layer.clear();
            layer.extend_from_slice(links);
        }
    }

    /// The nodes nearest `query` on `layer`, found from `start` (nearest first); at most
    /// `breadth` of them.
    fn search_layer(
        &self,
        nodes: &PassageNodes,
        query: &QueryInSteps,
        start: &[NearNode],
        breadth: usize,
        layer: usize,
    ) -> Vec<NearNode> {
        with_visited(nodes.len(), |visited| {
            let mut to_visit: BinaryHeap<NearNode> = BinaryHeap::new();
            let mut fresh: Vec<u32> = Vec::with_capacity(BOTTOM_LINKS);
            let mut found: BinaryHeap<Reverse<NearNode>> = BinaryHeap::new();
            for near in start {
                if visited.first_time(near.node) {
                    to_visit.push(*near);
                    found.push(Reverse(*near));
                }
            }
            while found.len() > breadth {
                found.pop();
            }
            while let Some(next) = to_visit.pop() {
                let farthest = found.peek().map_or(f32::MIN, |f| f.0.similarity);
                if found.len() >= breadth && next.similarity < farthest {
                    break;
                }
                // The links' vectors are far apart in memory: reading one number of each
                // first lets the processor fetch them all at once, not one after another.
                fresh.clear();
                let mut touched = 0i32;
                for &link in self.links(next.node, layer) {
                    if visited.first_time(link) {
                        fresh.push(link);
                        touched += nodes
                            .vector(link)
                            .values
                            .first()
                            .map_or(0, |v| i32::from(*v));
                    }
                }
                std::hint::black_box(touched);
                for &link in &fresh {
                    let similarity = query.dot_view(nodes.vector(link));
                    let farthest = found.peek().map_or(f32::MIN, |f| f.0.similarity);
                    if found.len() < breadth || similarity > farthest {
                        let near = NearNode {
                            similarity,
                            node: link,
                        };
                        to_visit.push(near);
                        found.push(Reverse(near));
                        if found.len() > breadth {
                            found.pop();
                        }
                    }
                }
            }
            let mut found: Vec<NearNode> = found.into_iter().map(|f| f.0).collect();
            found.sort_by(|a, b| b.cmp(a));
            found
        })
    }

    fn insert(&mut self, nodes: &PassageNodes, node: u32) {
        let level = level_of(nodes, node);
        self.add_node();
        if level > 0 {
            Arc::make_mut(&mut self.upper).insert(node, vec![Vec::new(); level]);
        }
        let Some(entry) = self.entry else {
            self.entry = Some(node);
            self.top = level;
            return;
        };
        let query = QueryInSteps::from_view(nodes.vector(node));
        let mut nearest = vec![NearNode {
            similarity: query.dot_view(nodes.vector(entry)),
            node: entry,
        }];
        for layer in (level + 1..=self.top).rev() {
            nearest = self.search_layer(nodes, &query, &nearest, 1, layer);
        }
        for layer in (0..=level.min(self.top)).rev() {
            let found = self.search_layer(nodes, &query, &nearest, BUILD_BREADTH, layer);
            let most = if layer == 0 { BOTTOM_LINKS } else { LINKS };
            let chosen = diverse_nearest(nodes, &found, most);
            self.set_links(node, layer, &chosen);
            for &link in &chosen {
                self.link_back(nodes, link, node, layer, most);
            }
            nearest = found;
        }
        if level > self.top {
            self.top = level;
            self.entry = Some(node);
        }
    }

    /// Makes room for one more node's bottom-layer links (none yet).
    fn add_node(&mut self) {
        if self.len.is_multiple_of(LINK_BLOCK) {
            self.bottom.push(Arc::new(LinkBlock {
                slots: Vec::with_capacity(LINK_BLOCK * BOTTOM_LINKS),
                used: Vec::with_capacity(LINK_BLOCK),
            }));
        }
        if let Some(block) = self.bottom.last_mut() {
            let block = Arc::make_mut(block);
            block.slots.extend([u32::MAX; BOTTOM_LINKS]);
            block.used.push(0);
        }
        self.len += 1;
    }

    /// Adds a link from `from` to `to`; when `from` has too many, keeps the nearest.
    fn link_back(&mut self, nodes: &PassageNodes, from: u32, to: u32, layer: usize, most: usize) {
        let mut links = self.links(from, layer).to_vec();
        if links.contains(&to) {
            return;
        }
        links.push(to);
        if links.len() > most {
            let own = nodes.vector(from);
            let mut near: Vec<NearNode> = links
                .iter()
                .map(|&link| NearNode {
                    similarity: dot_views(own, nodes.vector(link)),
                    node: link,
                })
                .collect();
            near.sort_by(|a, b| b.cmp(a));
            links = diverse_nearest(nodes, &near, most);
        }
        self.set_links(from, layer, &links);
    }
}

/// At most `most` of `candidates` (nearest first) to link: each nearer the node than any
/// chosen before it (the paper's heuristic), so links spread out; when that leaves room, the
/// nearest of the rest fill a quarter of it (copies of one text would otherwise leave each
/// other one link: a copy blocks every candidate after it).
fn diverse_nearest(nodes: &PassageNodes, candidates: &[NearNode], most: usize) -> Vec<u32> {
    let mut chosen: Vec<NearNode> = Vec::with_capacity(most);
    let mut passed: Vec<u32> = Vec::new();
    for candidate in candidates {
        if chosen.len() >= most {
            break;
        }
        let own = nodes.vector(candidate.node);
        let spreads = chosen
            .iter()
            .all(|c| dot_views(own, nodes.vector(c.node)) < candidate.similarity);
        if spreads {
            chosen.push(*candidate);
        } else {
            passed.push(candidate.node);
        }
    }
    let mut links: Vec<u32> = chosen.into_iter().map(|c| c.node).collect();
    let room = most.saturating_sub(links.len()).min(most / 4);
    links.extend(passed.into_iter().take(room));
    links
}

/// A node's top layer: 0 with probability 1 - 1/`LINKS`, 1 with probability about 1/`LINKS`,
/// and so on, drawn from its key's hash (which is uniform), so a build is repeatable.
fn level_of(nodes: &PassageNodes, node: u32) -> usize {
    let Some(key) = nodes.key(node) else {
        return 0;
    };
    let mut bits = [0u8; 8];
    bits.copy_from_slice(&key[8..16]);
    let uniform = ((u64::from_le_bytes(bits) >> 11) as f64 + 0.5) / (1u64 << 53) as f64;
    let level = -uniform.ln() / (LINKS as f64).ln();
    (level as usize).min(MAX_LAYER)
}

/// Which nodes a search has seen: a mark per node, cleared in O(1) by moving to a new round.
struct Visited {
    marks: Vec<u32>,
    round: u32,
}

impl Visited {
    fn start(&mut self, nodes: usize) {
        if self.marks.len() < nodes {
            self.marks.resize(nodes, 0);
        }
        self.round = self.round.wrapping_add(1);
        if self.round == 0 {
            self.marks.fill(0);
            self.round = 1;
        }
    }

    /// True the first time `node` is seen this round.
    fn first_time(&mut self, node: u32) -> bool {
        match self.marks.get_mut(node as usize) {
            Some(mark) if *mark != self.round => {
                *mark = self.round;
                true
            }
            _ => false,
        }
    }
}

/// Visited sets left by finished searches, for the next ones: as many as ran at once (up to
/// `KEPT_VISITED`), each a number per node, rather than one per thread that ever searched.
static VISITED: Mutex<Vec<Visited>> = Mutex::new(Vec::new());
/// The most visited sets kept between searches.
const KEPT_VISITED: usize = 16;

/// Runs `search` with a cleared visited set for `nodes` nodes.
fn with_visited<R>(nodes: usize, search: impl FnOnce(&mut Visited) -> R) -> R {
    let kept = VISITED.lock().unwrap_or_else(|e| e.into_inner()).pop();
    let mut visited = kept.unwrap_or(Visited {
        marks: Vec::new(),
        round: 0,
    });
    visited.start(nodes);
    let answer = search(&mut visited);
    let mut kept = VISITED.lock().unwrap_or_else(|e| e.into_inner());
    if kept.len() < KEPT_VISITED {
        kept.push(visited);
    }
    answer
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::semantic::{Quantized, passage_key};

    /// `count` unit vectors in `dims` numbers, around `clusters` centres (as passages gather
    /// around topics).
    pub(crate) fn clustered(
        count: usize,
        dims: usize,
        clusters: usize,
        seed: u64,
    ) -> Vec<Vec<f32>> {
        let mut state = seed.max(1);
        let mut random = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % 20_001) as f32 / 10_000.0 - 1.0
        };
        let centres: Vec<Vec<f32>> = (0..clusters)
            .map(|_| (0..dims).map(|_| random()).collect())
            .collect();
        (0..count)
            .map(|i| {
                let centre = &centres[i % clusters];
                let v: Vec<f32> = centre.iter().map(|c| c + 0.6 * random()).collect();
                let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
                v.iter().map(|x| x / norm).collect()
            })
            .collect()
    }

    pub(crate) fn nodes_of(vectors: &[Vec<f32>], tag: &str) -> PassageNodes {
        let mut nodes = PassageNodes::with_capacity(vectors[0].len(), vectors.len());
        for (i, v) in vectors.iter().enumerate() {
            nodes.push(passage_key(&format!("{tag} {i}")), Quantized::new(v).view());
        }
        nodes
    }

    fn exact(nodes: &PassageNodes, query: &QueryInSteps, count: usize) -> Vec<u32> {
        let mut all: Vec<NearNode> = (0..nodes.len() as u32)
            .map(|node| NearNode {
                similarity: query.dot_view(nodes.vector(node)),
                node,
            })
            .collect();
        all.sort_by(|a, b| b.cmp(a));
        all.into_iter().take(count).map(|n| n.node).collect()
    }

    pub(crate) fn recall(graph: &PassageGraph, nodes: &PassageNodes, queries: &[Vec<f32>]) -> f64 {
        let mut hits = 0;
        for q in queries {
            let query = QueryInSteps::new(q);
            let truth = exact(nodes, &query, 10);
            let found: Vec<u32> = graph
                .nearest(nodes, &query, 64)
                .into_iter()
                .map(|n| n.node)
                .collect();
            hits += truth.iter().filter(|t| found.contains(t)).count();
        }
        hits as f64 / (queries.len() * 10) as f64
    }

    #[test]
    fn the_graph_finds_nearly_every_one_of_the_ten_nearest() {
        // Questions are drawn as the passages are: near the same topics.
        let mut vectors = clustered(4_100, 48, 40, 7);
        let queries = vectors.split_off(4_000);
        let nodes = nodes_of(&vectors, "p");
        let graph = PassageGraph::build(&nodes);
        assert_eq!(graph.len(), 4_000);
        let found = recall(&graph, &nodes, &queries);
        assert!(found >= 0.95, "recall@10 {found}");
        // Answers come nearest first, each node once.
        let answer = graph.nearest(&nodes, &QueryInSteps::new(&queries[0]), 64);
        assert_eq!(answer.len(), 64);
        assert!(
            answer
                .windows(2)
                .all(|w| w[0].similarity >= w[1].similarity)
        );
        let mut seen: Vec<u32> = answer.iter().map(|n| n.node).collect();
        seen.sort_unstable();
        seen.dedup();
        assert_eq!(seen.len(), 64);
    }

    #[test]
    fn a_graph_extended_with_new_nodes_finds_them_as_well_as_a_fresh_one() {
        let mut vectors = clustered(3_100, 48, 30, 11);
        let queries = vectors.split_off(3_000);
        let mut nodes = nodes_of(&vectors[..2_000], "p");
        let mut graph = PassageGraph::build(&nodes);
        for (i, v) in vectors[2_000..].iter().enumerate() {
            nodes.push(passage_key(&format!("new {i}")), Quantized::new(v).view());
        }
        graph.extend(&nodes);
        assert_eq!(graph.len(), 3_000);
        // Ask with the new vectors themselves: each must be found, first.
        let mut first = 0;
        for (i, v) in vectors[2_000..].iter().enumerate().step_by(10) {
            let answer = graph.nearest(&nodes, &QueryInSteps::new(v), 16);
            first += usize::from(answer[0].node == 2_000 + i as u32);
        }
        assert!(first >= 98, "{first} of 100 new nodes found first");
        let found = recall(&graph, &nodes, &queries);
        assert!(found >= 0.95, "recall@10 {found}");
    }

    #[test]
    fn copies_of_one_vector_do_not_cut_the_graph_apart() {
        // Ten copies each of 200 vectors (a text several entries share): copies must not
        // take every link of one another and leave their vector unreachable.
        let distinct = clustered(200, 32, 20, 3);
        let vectors: Vec<Vec<f32>> = (0..2_000).map(|i| distinct[i % 200].clone()).collect();
        let nodes = nodes_of(&vectors, "copy");
        let graph = PassageGraph::build(&nodes);
        for (i, v) in distinct.iter().enumerate() {
            let answer = graph.nearest(&nodes, &QueryInSteps::new(v), 64);
            let copies = answer[..10]
                .iter()
                .filter(|n| n.node as usize % 200 == i)
                .count();
            assert_eq!(copies, 10, "vector {i}");
        }
    }

    #[test]
    fn an_extended_copy_leaves_the_original_whole_and_shares_the_rest() {
        let vectors = clustered(8_001, 16, 10, 21);
        let mut nodes = nodes_of(&vectors[..8_000], "n");
        let original = PassageGraph::build(&nodes);
        let before = original.to_parts();
        let mut copy = original.clone();
        for (i, v) in vectors[8_000..].iter().enumerate() {
            nodes.push(passage_key(&format!("added {i}")), Quantized::new(v).view());
        }
        copy.extend(&nodes);
        assert_eq!(copy.len(), 8_001);
        let after = original.to_parts();
        assert_eq!(after.bottom, before.bottom, "the original is unchanged");
        assert_eq!(after.bottom_used, before.bottom_used);
        assert_eq!(after.upper, before.upper);
        // A new node touches the blocks of its links, not most of them.
        let shared = original
            .bottom
            .iter()
            .zip(&copy.bottom)
            .filter(|(a, b)| Arc::ptr_eq(a, b))
            .count();
        assert!(
            shared * 2 > original.bottom.len(),
            "{shared} of {} blocks shared",
            original.bottom.len()
        );
        let added = QueryInSteps::from_view(nodes.vector(8_000));
        assert_eq!(copy.nearest(&nodes, &added, 10)[0].node, 8_000);
    }

    #[test]
    fn empty_graphs_and_levels() {
        let nodes = PassageNodes::with_capacity(4, 0);
        let graph = PassageGraph::build(&nodes);
        assert!(graph.is_empty());
        assert!(
            graph
                .nearest(&nodes, &QueryInSteps::new(&[1.0, 0.0, 0.0, 0.0]), 5)
                .is_empty()
        );
        // About one node in LINKS reaches layer 1.
        let nodes = nodes_of(&clustered(6_000, 4, 4, 1), "l");
        let above = (0..6_000u32).filter(|&n| level_of(&nodes, n) >= 1).count();
        assert!(
            (300..700).contains(&above),
            "{above} nodes above the bottom"
        );
    }
}
