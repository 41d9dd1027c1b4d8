//! `PassageNodes`: passage vectors in one matrix, numbered in the order they were added. The
//! numbers stay from one generation of the index to the next (new passages are added at the
//! end), so the graph that links them (`PassageGraph`) is kept, not rebuilt, after a change.

use super::quantized::VectorView;
use super::vectors::PassageKey;

/// Vectors by node number, with the key of each one's passage text.
#[derive(Debug, Clone, Default)]
pub struct PassageNodes {
    dims: usize,
    keys: Vec<PassageKey>,
    /// `keys.len() × dims` steps, row by row.
    matrix: Vec<i8>,
    /// Per node: what a step of its row is worth.
    scales: Vec<f32>,
}

impl PassageNodes {
    /// No vectors yet, with room for `nodes` of `dims` numbers (allocated once, not grown by
    /// doubling, which at a million passages holds two copies of hundreds of megabytes).
    pub fn with_capacity(dims: usize, nodes: usize) -> PassageNodes {
        PassageNodes {
            dims,
            keys: Vec::with_capacity(nodes),
            matrix: Vec::with_capacity(nodes.saturating_mul(dims)),
            scales: Vec::with_capacity(nodes),
        }
    }

    /// How many numbers a vector has.
    pub fn dims(&self) -> usize {
        self.dims
    }

    /// How many vectors it holds.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Whether it holds none.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// Adds `vector` for the passage `key`; its node number, or none when the vector has the
    /// wrong length.
    pub fn push(&mut self, key: PassageKey, vector: VectorView<'_>) -> Option<u32> {
        if vector.values.len() != self.dims || self.dims == 0 {
            return None;
        }
        let node = u32::try_from(self.keys.len()).ok()?;
        self.keys.push(key);
        self.matrix.extend_from_slice(vector.values);
        self.scales.push(vector.scale);
        Some(node)
    }

    /// The vector of `node` (empty when there is no such node).
    pub fn vector(&self, node: u32) -> VectorView<'_> {
        let node = node as usize;
        let start = node.saturating_mul(self.dims);
        VectorView {
            scale: self.scales.get(node).copied().unwrap_or(0.0),
            values: self.matrix.get(start..start + self.dims).unwrap_or(&[]),
        }
    }

    /// The key of `node`'s passage text.
    pub fn key(&self, node: u32) -> Option<&PassageKey> {
        self.keys.get(node as usize)
    }

    /// A hash of the keys of the first `count` nodes, in order: what a graph saved for those
    /// nodes is checked against before it is used again.
    pub fn digest(&self, count: usize) -> [u8; 32] {
        use sha2::{Digest, Sha256};
        let mut hasher = Sha256::new();
        hasher.update((self.dims as u64).to_le_bytes());
        hasher.update((count as u64).to_le_bytes());
        for key in self.keys.iter().take(count) {
            hasher.update(key);
        }
        hasher.finalize().into()
    }

    /// Bytes the vectors and their keys take.
    pub fn bytes(&self) -> usize {
        self.matrix.len()
            + self.scales.len() * std::mem::size_of::<f32>()
            + self.keys.len() * std::mem::size_of::<PassageKey>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::semantic::{Quantized, passage_key};

    #[test]
    fn nodes_keep_their_numbers_and_refuse_the_wrong_length() {
        let mut nodes = PassageNodes::with_capacity(2, 2);
        let (a, b) = (Quantized::new(&[1.0, 0.0]), Quantized::new(&[0.6, 0.8]));
        assert_eq!(nodes.push(passage_key("a"), a.view()), Some(0));
        assert_eq!(
            nodes.push(passage_key("x"), Quantized::new(&[1.0]).view()),
            None
        );
        assert_eq!(nodes.push(passage_key("b"), b.view()), Some(1));
        assert_eq!(nodes.len(), 2);
        assert_eq!(nodes.vector(1), b.view());
        assert_eq!(nodes.key(0), Some(&passage_key("a")));
        assert!(nodes.vector(7).values.is_empty());
        assert_eq!(nodes.key(7), None);
    }
}
