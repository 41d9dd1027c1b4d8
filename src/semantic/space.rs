//! `PassageSpace`: every passage's vector in one matrix, and the entries nearest a question by
//! exact dot products (a few hundred thousand passages take milliseconds; no approximate
//! index is needed at the playbook's size).
//!
//! An entry's closeness is mostly that of its closest passage, and partly that of its second
//! closest (`SECOND_PASSAGE_WEIGHT`): an entry that answers the question in two places is a
//! surer answer than one that mentions it once.

use std::collections::HashMap;

use super::embedder::dot;

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

/// The vectors of every passage of every entry at one generation of the index.
#[derive(Debug, Default)]
pub struct PassageSpace {
    dims: usize,
    /// Entry ids.
    ids: Vec<String>,
    /// Per passage: its entry (index into `ids`) and its number in the entry.
    passages: Vec<(u32, u16)>,
    /// `passages.len() × dims` numbers, row by row.
    matrix: Vec<f32>,
    /// The index generation it was built from.
    generation: u64,
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

    /// Adds an entry's passages' vectors, in passage order.
    pub fn add_entry(&mut self, id: String, vectors: &[&[f32]]) {
        let entry = u32::try_from(self.ids.len()).unwrap_or(u32::MAX);
        self.ids.push(id);
        for (number, vector) in vectors.iter().enumerate() {
            if vector.len() != self.dims {
                continue;
            }
            self.passages
                .push((entry, u16::try_from(number).unwrap_or(u16::MAX)));
            self.matrix.extend_from_slice(vector);
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

    /// Bytes its vectors take.
    pub fn vector_bytes(&self) -> usize {
        self.matrix.len() * std::mem::size_of::<f32>()
    }

    /// The at most `count` entries nearest `query` with a similarity of at least `floor`,
    /// nearest first.
    pub fn nearest(&self, query: &[f32], count: usize, floor: f32) -> Vec<Nearby> {
        if query.len() != self.dims || self.dims == 0 {
            return Vec::new();
        }
        // Per entry: its closest passage's similarity and number, and the second's similarity.
        let mut best: HashMap<u32, (f32, u16, f32)> = HashMap::new();
        for (row, &(entry, number)) in self.matrix.chunks_exact(self.dims).zip(&self.passages) {
            let similarity = dot(row, query);
            let slot = best.entry(entry).or_insert((f32::MIN, number, f32::MIN));
            if similarity > slot.0 {
                *slot = (similarity, number, slot.0);
            } else if similarity > slot.2 {
                slot.2 = similarity;
            }
        }
        let mut near: Vec<Nearby> = best
            .into_iter()
            .filter_map(|(entry, (first, passage, second))| {
                let second = if second == f32::MIN { first } else { second };
                let similarity =
                    (first + SECOND_PASSAGE_WEIGHT * second) / (1.0 + SECOND_PASSAGE_WEIGHT);
                if similarity < floor {
                    return None;
                }
                Some(Nearby {
                    id: self.ids.get(entry as usize)?.clone(),
                    similarity,
                    passage: usize::from(passage),
                })
            })
            .collect();
        near.sort_by(|a, b| {
            b.similarity
                .total_cmp(&a.similarity)
                .then_with(|| a.id.cmp(&b.id))
        });
        near.truncate(count);
        near
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entry_is_as_near_as_its_two_nearest_passages() {
        let mut space = PassageSpace::new(2, 1);
        // a: passages at 0 and 1 → 0.5.
        space.add_entry("a".into(), &[&[1.0, 0.0], &[0.0, 1.0]]);
        // b: one passage at 0.8 → 0.8.
        space.add_entry("b".into(), &[&[0.6, 0.8]]);
        // c: passages at 0.8 and 0.6 → 0.7.
        space.add_entry("c".into(), &[&[0.8, 0.6], &[0.6, 0.8], &[1.0, 0.0]]);
        space.add_entry("d".into(), &[&[-1.0, 0.0]]);
        let near = space.nearest(&[0.0, 1.0], 10, 0.1);
        let ids: Vec<(&str, usize)> = near.iter().map(|n| (n.id.as_str(), n.passage)).collect();
        assert_eq!(ids, vec![("b", 0), ("c", 1), ("a", 1)]);
        assert!((near[1].similarity - 0.7).abs() < 1e-5);
        assert!((near[2].similarity - 0.5).abs() < 1e-5);
        assert_eq!(space.nearest(&[0.0, 1.0], 1, 0.0).len(), 1);
        assert!(space.nearest(&[1.0], 10, 0.0).is_empty());
    }
}
