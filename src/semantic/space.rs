//! `PassageSpace`: every passage's vector in one matrix, and the entries nearest a question by
//! exact dot products (a few hundred thousand passages take milliseconds; no approximate
//! index is needed at the playbook's size).
//!
//! An entry's closeness is mostly that of its closest passage, and partly that of its second
//! closest (`SECOND_PASSAGE_WEIGHT`): an entry that answers the question in two places is a
//! surer answer than one that mentions it once.

use super::quantized::{QueryInSteps, VectorView};
use super::vectors::PassageKey;

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
}

/// The vectors of every passage of every entry at one generation of the index, in 8 bits a
/// number (`Quantized`), an entry's passages next to each other.
#[derive(Debug, Default)]
pub struct PassageSpace {
    dims: usize,
    /// Entry ids.
    ids: Vec<String>,
    /// Per passage: its entry (index into `ids`) and its number in the entry.
    passages: Vec<(u32, u16)>,
    /// Per passage: the key of its text, so the next build reuses its vector.
    keys: Vec<PassageKey>,
    /// `passages.len() × dims` steps, row by row.
    matrix: Vec<i8>,
    /// Per passage: what a step of its row is worth.
    scales: Vec<f32>,
    /// The index generation it was built from.
    generation: u64,
}

/// An entry's two closest passages so far, during a scan.
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
    /// An empty space of `dims`-number vectors for index `generation`.
    pub fn new(dims: usize, generation: u64) -> PassageSpace {
        PassageSpace {
            dims,
            generation,
            ..PassageSpace::default()
        }
    }

    /// Adds an entry's passages' keys and vectors, in passage order (vectors of the wrong
    /// length are left out).
    pub fn add_entry(&mut self, id: String, vectors: &[(PassageKey, VectorView<'_>)]) {
        let entry = u32::try_from(self.ids.len()).unwrap_or(u32::MAX);
        self.ids.push(id);
        for (number, (key, vector)) in vectors.iter().enumerate() {
            if vector.values.len() != self.dims {
                continue;
            }
            self.passages
                .push((entry, u16::try_from(number).unwrap_or(u16::MAX)));
            self.keys.push(*key);
            self.matrix.extend_from_slice(vector.values);
            self.scales.push(vector.scale);
        }
    }

    /// Every passage's key and vector, in order.
    pub fn rows(&self) -> impl Iterator<Item = (&PassageKey, VectorView<'_>)> {
        let dims = self.dims.max(1);
        self.keys
            .iter()
            .zip(self.matrix.chunks_exact(dims).zip(&self.scales))
            .map(|(key, (values, &scale))| (key, VectorView { scale, values }))
    }

    /// An empty space with room for `entries` entries of `passages` passages in all: the
    /// matrix is then allocated once, not grown by doubling (which at a million passages
    /// holds an old and a new copy of hundreds of megabytes at once).
    pub fn with_capacity(
        dims: usize,
        generation: u64,
        entries: usize,
        passages: usize,
    ) -> PassageSpace {
        PassageSpace {
            dims,
            generation,
            ids: Vec::with_capacity(entries),
            passages: Vec::with_capacity(passages),
            keys: Vec::with_capacity(passages),
            matrix: Vec::with_capacity(passages.saturating_mul(dims)),
            scales: Vec::with_capacity(passages),
        }
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

    /// Bytes its vectors (and their keys) take.
    pub fn vector_bytes(&self) -> usize {
        self.matrix.len()
            + self.scales.len() * std::mem::size_of::<f32>()
            + self.keys.len() * std::mem::size_of::<PassageKey>()
    }

    /// The at most `count` entries nearest `query` with a closeness of at least `floor`,
    /// nearest first. One pass over every passage; an entry's passages are adjacent, so
    /// its two closest are kept in two numbers, not a map.
    pub fn nearest(&self, query: &[f32], count: usize, floor: f32) -> Vec<Nearby> {
        if query.len() != self.dims || self.dims == 0 || count == 0 {
            return Vec::new();
        }
        let query = QueryInSteps::new(query);
        let mut found: Vec<(f32, Closest)> = Vec::new();
        let mut keep = |closest: Closest| {
            let closeness = closest.closeness();
            if closeness >= floor {
                found.push((closeness, closest));
            }
        };
        let mut current: Option<Closest> = None;
        let rows = self.matrix.chunks_exact(self.dims).zip(&self.scales);
        for ((row, scale), &(entry, number)) in rows.zip(&self.passages) {
            let similarity = query.dot_row(row, *scale);
            match current.as_mut() {
                Some(closest) if closest.entry == entry => {
                    if similarity > closest.first {
                        closest.second = closest.first;
                        closest.first = similarity;
                        closest.passage = number;
                    } else if similarity > closest.second {
                        closest.second = similarity;
                    }
                }
                _ => {
                    if let Some(done) = current.take() {
                        keep(done);
                    }
                    current = Some(Closest {
                        entry,
                        first: similarity,
                        passage: number,
                        second: f32::MIN,
                    });
                }
            }
        }
        if let Some(done) = current {
            keep(done);
        }
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
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::semantic::{Quantized, passage_key};

    fn add(space: &mut PassageSpace, id: &str, vectors: &[&[f32]]) {
        let quantized: Vec<Quantized> = vectors.iter().map(|v| Quantized::new(v)).collect();
        let rows: Vec<(PassageKey, VectorView<'_>)> = quantized
            .iter()
            .enumerate()
            .map(|(i, q)| (passage_key(&format!("{id} {i}")), q.view()))
            .collect();
        space.add_entry(id.into(), &rows);
    }

    #[test]
    fn an_entry_is_as_near_as_its_two_nearest_passages() {
        let mut space = PassageSpace::new(2, 1);
        // a: passages at 0 and 1 → 0.5.
        add(&mut space, "a", &[&[1.0, 0.0], &[0.0, 1.0]]);
        // b: one passage at 0.8 → 0.8.
        add(&mut space, "b", &[&[0.6, 0.8]]);
        // c: passages at 0.8 and 0.6 → 0.7.
        add(&mut space, "c", &[&[0.8, 0.6], &[0.6, 0.8], &[1.0, 0.0]]);
        add(&mut space, "d", &[&[-1.0, 0.0]]);
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

    #[test]
    fn the_nearest_few_are_the_head_of_the_full_order() {
        let mut space = PassageSpace::new(2, 1);
        for i in 0..200u16 {
            let angle = f32::from(i) * 0.013;
            let passages = [[angle.cos(), angle.sin()], [angle.sin(), angle.cos()]];
            add(&mut space, &format!("e{i}"), &[&passages[0], &passages[1]]);
        }
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
}
