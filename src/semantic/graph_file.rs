//! `GraphFile`: the graph of the passages (`PassageGraph`) kept on disk beside their vectors,
//! so a restart reads it rather than linking every passage again (minutes at 100,000
//! entries). It is saved for the first `n` nodes of the vector file, with a hash of their
//! keys; it is used again only for nodes with those keys in that order, and the nodes added
//! since are linked in as after any edit. It is a cache: when it is missing, of other nodes or
//! damaged, the graph is built again.
//!
//! Layout (little-endian): `MAGIC`, `LINKS` and `BOTTOM_LINKS` (u32 each), the node count
//! (u64), the keys' hash (32 bytes), the top layer and the entry node (u32 each, `u32::MAX`
//! for none), each node's used bottom slots (a byte each), the bottom slots (`BOTTOM_LINKS`
//! u32 a node), then the upper layers: how many nodes have them (u32), and per node its number
//! (u32), its layers (u8) and per layer its links (a u8 count, then u32 each).

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use super::graph::{BOTTOM_LINKS, GraphParts, LINKS, MAX_LAYER, PassageGraph};
use super::nodes::PassageNodes;

const MAGIC: &[u8; 8] = b"PBGRAPH1";

/// Where the graph of the vectors in `vectors` is kept.
pub fn graph_path(vectors: &Path) -> PathBuf {
    vectors.with_extension("graph")
}

/// The graph file at one path.
#[derive(Debug, Clone)]
pub struct GraphFile {
    path: PathBuf,
}

impl GraphFile {
    /// The graph file at `path`.
    pub fn new(path: PathBuf) -> GraphFile {
        GraphFile { path }
    }

    /// Where it is.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Writes `graph`, which links the first `graph.len()` nodes of `nodes` (aside, then
    /// renamed into place).
    pub fn write(&self, graph: &PassageGraph, nodes: &PassageNodes) -> std::io::Result<()> {
        if let Some(parent) = self.path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        let count = graph.len();
        let graph = graph.to_parts();
        let aside = self.path.with_extension("graph-partial");
        let mut out = BufWriter::with_capacity(1 << 20, File::create(&aside)?);
        out.write_all(MAGIC)?;
        out.write_all(&(LINKS as u32).to_le_bytes())?;
        out.write_all(&(BOTTOM_LINKS as u32).to_le_bytes())?;
        out.write_all(&(count as u64).to_le_bytes())?;
        out.write_all(&nodes.digest(count))?;
        out.write_all(&(graph.top as u32).to_le_bytes())?;
        out.write_all(&graph.entry.unwrap_or(u32::MAX).to_le_bytes())?;
        out.write_all(&graph.bottom_used)?;
        write_u32s(&mut out, &graph.bottom)?;
        let mut upper: Vec<(&u32, &Vec<Vec<u32>>)> = graph.upper.iter().collect();
        upper.sort_by_key(|(node, _)| **node);
        out.write_all(&(upper.len() as u32).to_le_bytes())?;
        for (node, layers) in upper {
            out.write_all(&node.to_le_bytes())?;
            out.write_all(&[u8::try_from(layers.len()).map_err(std::io::Error::other)?])?;
            for links in layers {
                out.write_all(&[u8::try_from(links.len()).map_err(std::io::Error::other)?])?;
                write_u32s(&mut out, links)?;
            }
        }
        let file = out.into_inner().map_err(|e| e.into_error())?;
        file.sync_all()?;
        std::fs::rename(&aside, &self.path)
    }

    /// The graph saved for the first nodes of `nodes`, if it was saved for exactly those (the
    /// same keys in the same order) and reads whole; none otherwise (damage is logged).
    pub fn read(&self, nodes: &PassageNodes) -> Option<PassageGraph> {
        match self.try_read(nodes) {
            Ok(graph) => graph,
            Err(e) => {
                tracing::warn!(path = %self.path.display(), "the stored graph cannot be read ({e}); it is built again");
                None
            }
        }
    }

    fn try_read(&self, nodes: &PassageNodes) -> std::io::Result<Option<PassageGraph>> {
        let file = match File::open(&self.path) {
            Ok(file) => file,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e),
        };
        let mut input = BufReader::with_capacity(1 << 20, file);
        let mut magic = [0u8; 8];
        input.read_exact(&mut magic)?;
        if &magic != MAGIC
            || read_u32(&mut input)? as usize != LINKS
            || read_u32(&mut input)? as usize != BOTTOM_LINKS
        {
            // Another layout or other settings: built again, silently.
            return Ok(None);
        }
        let count = usize::try_from(read_u64(&mut input)?).map_err(std::io::Error::other)?;
        let mut digest = [0u8; 32];
        input.read_exact(&mut digest)?;
        if count > nodes.len() || digest != nodes.digest(count) {
            return Ok(None);
        }
        let damaged = || std::io::Error::other("damaged graph file");
        let top = read_u32(&mut input)? as usize;
        let entry = match read_u32(&mut input)? {
            u32::MAX => None,
            node => Some(node),
        };
        let mut bottom_used = vec![0u8; count];
        input.read_exact(&mut bottom_used)?;
        let mut bottom = vec![0u32; count * BOTTOM_LINKS];
        read_u32s(&mut input, &mut bottom)?;
        let linked = |link: u32| (link as usize) < count;
        for (node, used) in bottom_used.iter().enumerate() {
            let slots = &bottom[node * BOTTOM_LINKS..(node + 1) * BOTTOM_LINKS];
            if usize::from(*used) > BOTTOM_LINKS
                || !slots[..usize::from(*used)].iter().all(|l| linked(*l))
            {
                return Err(damaged());
            }
        }
        let upper_nodes = read_u32(&mut input)? as usize;
        if upper_nodes > count {
            return Err(damaged());
        }
        let mut upper = HashMap::with_capacity(upper_nodes);
        for _ in 0..upper_nodes {
            let node = read_u32(&mut input)?;
            let layers = usize::from(read_u8(&mut input)?);
            if !linked(node) || layers == 0 || layers > MAX_LAYER {
                return Err(damaged());
            }
            let mut links_by_layer = Vec::with_capacity(layers);
            for _ in 0..layers {
                let len = usize::from(read_u8(&mut input)?);
                let mut links = vec![0u32; len];
                read_u32s(&mut input, &mut links)?;
                if len > LINKS || !links.iter().all(|l| linked(*l)) {
                    return Err(damaged());
                }
                links_by_layer.push(links);
            }
            upper.insert(node, links_by_layer);
        }
        let entry_ok = match entry {
            None => count == 0 && top == 0,
            Some(node) => {
                linked(node)
                    && (top == 0 || upper.get(&node).is_some_and(|layers| layers.len() == top))
            }
        };
        if !entry_ok || top > MAX_LAYER || input.read(&mut [0u8])? != 0 {
            return Err(damaged());
        }
        Ok(Some(PassageGraph::from_parts(GraphParts {
            bottom,
            bottom_used,
            upper,
            entry,
            top,
        })))
    }
}

fn write_u32s(out: &mut impl Write, values: &[u32]) -> std::io::Result<()> {
    let bytes: Vec<u8> = values.iter().flat_map(|v| v.to_le_bytes()).collect();
    out.write_all(&bytes)
}

fn read_u32s(input: &mut impl Read, values: &mut [u32]) -> std::io::Result<()> {
    let mut bytes = vec![0u8; values.len() * 4];
    input.read_exact(&mut bytes)?;
    for (value, b) in values.iter_mut().zip(bytes.chunks_exact(4)) {
        *value = u32::from_le_bytes([b[0], b[1], b[2], b[3]]);
    }
    Ok(())
}

fn read_u8(input: &mut impl Read) -> std::io::Result<u8> {
    let mut b = [0u8; 1];
    input.read_exact(&mut b)?;
    Ok(b[0])
}

fn read_u32(input: &mut impl Read) -> std::io::Result<u32> {
    let mut b = [0u8; 4];
    input.read_exact(&mut b)?;
    Ok(u32::from_le_bytes(b))
}

fn read_u64(input: &mut impl Read) -> std::io::Result<u64> {
    let mut b = [0u8; 8];
    input.read_exact(&mut b)?;
    Ok(u64::from_le_bytes(b))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::semantic::graph::tests::{clustered, nodes_of, recall};
    use crate::semantic::{Quantized, QueryInSteps, passage_key};

    #[test]
    fn a_saved_graph_is_read_back_whole_and_finds_what_it_found() {
        let dir = tempfile::TempDir::new().expect("temp dir");
        let file = GraphFile::new(dir.path().join("g.graph"));
        let vectors = clustered(1_500, 24, 12, 5);
        let nodes = nodes_of(&vectors, "n");
        let graph = PassageGraph::build(&nodes);
        file.write(&graph, &nodes).expect("writes");
        let read = file.read(&nodes).expect("reads its graph back");
        let (saved, back) = (graph.to_parts(), read.to_parts());
        assert!(saved.top > 0, "a graph of several layers is saved");
        assert_eq!(back.bottom, saved.bottom);
        assert_eq!(back.bottom_used, saved.bottom_used);
        assert_eq!(back.upper, saved.upper);
        assert_eq!((back.entry, back.top), (saved.entry, saved.top));
        let queries = clustered(30, 24, 12, 6);
        assert_eq!(
            recall(&read, &nodes, &queries),
            recall(&graph, &nodes, &queries)
        );
    }

    #[test]
    fn a_graph_is_used_only_for_its_own_nodes_and_extended_to_new_ones() {
        let dir = tempfile::TempDir::new().expect("temp dir");
        let file = GraphFile::new(dir.path().join("g.graph"));
        let vectors = clustered(600, 16, 6, 9);
        let mut nodes = nodes_of(&vectors, "n");
        file.write(&PassageGraph::build(&nodes), &nodes)
            .expect("writes");
        // Other nodes (another text first): not used.
        let other = nodes_of(&vectors, "other");
        assert!(file.read(&other).is_none());
        // Fewer nodes than it links: not used.
        let fewer = nodes_of(&vectors[..500], "n");
        assert!(file.read(&fewer).is_none());
        // The same nodes and more after them: used, and the new ones are linked in.
        let added = Quantized::new(&clustered(1, 16, 1, 77)[0]);
        nodes.push(passage_key("added"), added.view());
        let mut graph = file.read(&nodes).expect("its nodes come first");
        assert_eq!(graph.len(), 600);
        graph.extend(&nodes);
        let found = graph.nearest(&nodes, &QueryInSteps::from_view(added.view()), 5);
        assert_eq!(found.first().map(|n| n.node), Some(600));
    }

    #[test]
    fn a_damaged_or_cut_graph_file_is_not_used() {
        let dir = tempfile::TempDir::new().expect("temp dir");
        let file = GraphFile::new(dir.path().join("g.graph"));
        let nodes = nodes_of(&clustered(300, 8, 3, 2), "n");
        file.write(&PassageGraph::build(&nodes), &nodes)
            .expect("writes");
        let whole = std::fs::read(file.path()).expect("reads");
        std::fs::write(file.path(), &whole[..whole.len() - 3]).expect("writes");
        assert!(file.read(&nodes).is_none());
        // A link to a node that does not exist.
        let mut bad = whole.clone();
        let slots = MAGIC.len() + 4 + 4 + 8 + 32 + 4 + 4 + nodes.len();
        bad[slots..slots + 4].copy_from_slice(&(nodes.len() as u32 + 5).to_le_bytes());
        std::fs::write(file.path(), &bad).expect("writes");
        assert!(file.read(&nodes).is_none());
        std::fs::write(file.path(), &whole).expect("writes");
        assert!(file.read(&nodes).is_some());
    }
}
