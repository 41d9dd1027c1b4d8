//! `PassageNodes`: passage vectors numbered in the order they were added. The numbers stay
//! from one generation of the index to the next (new passages are added at the end), so the
//! graph that links them (`PassageGraph`) is kept, not rebuilt, after a change.
//!
//! The vectors are kept in blocks of `BLOCK` nodes, shared between the generations that have
//! them: the next generation's copy (`clone`) shares every full block and copies at most the
//! last, partly filled one, so an edit costs what it adds, not a copy of every vector
//! (hundreds of megabytes at 100,000 entries).

use std::sync::Arc;

use super::quantized::VectorView;
use super::vectors::PassageKey;

/// Nodes a block holds (a power of two: a node's block is a shift away).
const BLOCK_BITS: u32 = 10;
const BLOCK: usize = 1 << BLOCK_BITS;

/// Up to `BLOCK` consecutive nodes.
#[derive(Debug, Clone, Default)]
struct Block {
    keys: Vec<PassageKey>,
    /// `keys.len() × dims` steps, row by row.
    matrix: Vec<i8>,
    /// Per node: what a step of its row is worth.
    scales: Vec<f32>,
}

/// Vectors by node number, with the key of each one's passage text.
#[derive(Debug, Clone, Default)]
pub struct PassageNodes {
    dims: usize,
    len: usize,
    blocks: Vec<Arc<Block>>,
}

impl PassageNodes {
    /// No vectors yet, with room for the blocks of `nodes` of `dims` numbers.
    pub fn with_capacity(dims: usize, nodes: usize) -> PassageNodes {
        PassageNodes {
            dims,
            len: 0,
            blocks: Vec::with_capacity(nodes.div_ceil(BLOCK)),
        }
    }

    /// How many numbers a vector has.
    pub fn dims(&self) -> usize {
        self.dims
    }

    /// How many vectors it holds.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether it holds none.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Adds `vector` for the passage `key`; its node number, or none when the vector has the
    /// wrong length.
    pub fn push(&mut self, key: PassageKey, vector: VectorView<'_>) -> Option<u32> {
        if vector.values.len() != self.dims || self.dims == 0 {
            return None;
        }
        let node = u32::try_from(self.len).ok()?;
        if self.len.is_multiple_of(BLOCK) {
            self.blocks.push(Arc::new(Block {
                keys: Vec::with_capacity(BLOCK),
                matrix: Vec::with_capacity(BLOCK * self.dims),
                scales: Vec::with_capacity(BLOCK),
            }));
        }
        // Shared with an earlier generation, the last block is copied before it grows.
        let block = Arc::make_mut(self.blocks.last_mut()?);
        block.keys.push(key);
        block.matrix.extend_from_slice(vector.values);
        block.scales.push(vector.scale);
        self.len += 1;
        Some(node)
    }

    /// The block of `node` and its place there.
    fn place(&self, node: u32) -> Option<(&Block, usize)> {
        let block = self.blocks.get((node >> BLOCK_BITS) as usize)?;
        Some((block, node as usize & (BLOCK - 1)))
    }

    /// The vector of `node` (empty when there is no such node).
    pub fn vector(&self, node: u32) -> VectorView<'_> {
        let found = self.place(node).and_then(|(block, at)| {
            let start = at * self.dims;
            Some(VectorView {
                scale: *block.scales.get(at)?,
                values: block.matrix.get(start..start + self.dims)?,
            })
        });
        found.unwrap_or(VectorView {
            scale: 0.0,
            values: &[],
        })
    }

    /// The key of `node`'s passage text.
    pub fn key(&self, node: u32) -> Option<&PassageKey> {
        let (block, at) = self.place(node)?;
        block.keys.get(at)
    }

    /// The keys of every node, in order.
    pub fn keys(&self) -> impl Iterator<Item = &PassageKey> {
        self.blocks.iter().flat_map(|block| block.keys.iter())
    }

    /// A hash of the keys of the first `count` nodes, in order: what a graph saved for those
    /// nodes is checked against before it is used again.
    pub fn digest(&self, count: usize) -> [u8; 32] {
        use sha2::{Digest, Sha256};
        let mut hasher = Sha256::new();
        hasher.update((self.dims as u64).to_le_bytes());
        hasher.update((count as u64).to_le_bytes());
        for key in self.keys().take(count) {
            hasher.update(key);
        }
        hasher.finalize().into()
    }

    /// Bytes the vectors and their keys take.
    pub fn bytes(&self) -> usize {
        self.len * (self.dims + std::mem::size_of::<f32>() + std::mem::size_of::<PassageKey>())
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

    #[test]
    fn a_copy_shares_full_blocks_and_grows_apart() {
        let vector = |i: usize| Quantized::new(&[(i as f32).sin(), (i as f32).cos()]);
        let mut first = PassageNodes::with_capacity(2, 0);
        for i in 0..BLOCK + 5 {
            first.push(passage_key(&i.to_string()), vector(i).view());
        }
        let mut second = first.clone();
        assert!(Arc::ptr_eq(&first.blocks[0], &second.blocks[0]));
        second.push(passage_key("new"), vector(7).view());
        assert!(
            Arc::ptr_eq(&first.blocks[0], &second.blocks[0]),
            "full block shared"
        );
        assert!(
            !Arc::ptr_eq(&first.blocks[1], &second.blocks[1]),
            "last block copied"
        );
        assert_eq!((first.len(), second.len()), (BLOCK + 5, BLOCK + 6));
        assert_eq!(first.key(BLOCK as u32 + 5), None);
        assert_eq!(second.key(BLOCK as u32 + 5), Some(&passage_key("new")));
        for node in [0, BLOCK - 1, BLOCK, BLOCK + 4] {
            assert_eq!(first.vector(node as u32), vector(node).view());
            assert_eq!(second.vector(node as u32), first.vector(node as u32));
        }
        assert_eq!(second.keys().count(), BLOCK + 6);
    }
}
