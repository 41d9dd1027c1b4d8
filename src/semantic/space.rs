//! `PassageSpace`: every passage's vector in one matrix, and the entries nearest a question by
//! exact dot products (a few hundred thousand passages take milliseconds; no approximate
//! index is needed at the playbook's size).

use std::collections::HashMap;

use super::embedder::dot;

/// An entry near a question: its closest passage and how close.
#[derive(Debug, Clone, PartialEq)]
pub struct Nearby {
    /// The entry's id.
    pub id: String,
    /// The cosine similarity of its closest passage.
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
        let mut best: HashMap<u32, (f32, u16)> = HashMap::new();
        for (row, &(entry, number)) in self.matrix.chunks_exact(self.dims).zip(&self.passages) {
            let similarity = dot(row, query);
            if similarity < floor {
                continue;
            }
            let slot = best.entry(entry).or_insert((f32::MIN, number));
            if similarity > slot.0 {
                *slot = (similarity, number);
            }
        }
        let mut near: Vec<Nearby> = best
            .into_iter()
            .filter_map(|(entry, (similarity, passage))| {
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
    fn an_entry_is_as_near_as_its_nearest_passage() {
        let mut space = PassageSpace::new(2, 1);
        space.add_entry("a".into(), &[&[1.0, 0.0], &[0.0, 1.0]]);
        space.add_entry("b".into(), &[&[0.6, 0.8]]);
        space.add_entry("c".into(), &[&[-1.0, 0.0]]);
        let near = space.nearest(&[0.0, 1.0], 10, 0.1);
        let ids: Vec<(&str, usize)> = near.iter().map(|n| (n.id.as_str(), n.passage)).collect();
        assert_eq!(ids, vec![("a", 1), ("b", 0)]);
        assert_eq!(space.nearest(&[0.0, 1.0], 1, 0.0).len(), 1);
        assert!(space.nearest(&[1.0], 10, 0.0).is_empty());
    }
}
