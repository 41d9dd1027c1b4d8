//! `VectorFile`: the passage vectors (`PassageNodes`) kept on disk beside the index, in node
//! order, each with the key of its passage's text, so a restart embeds nothing and a reindex
//! embeds only passages whose text is new. The file records which model made the vectors;
//! another model's file is ignored.
//!
//! Layout (little-endian): `MAGIC`, the model fingerprint (32 bytes), dims (u32), count (u64),
//! then `count` records of a key (16 bytes), a scale (f32) and `dims` steps (i8): see
//! `Quantized`. A new space is written aside and renamed; the nodes a later generation adds
//! are appended (`append`), and the count is raised only once they are on disk, so a crash
//! mid-append leaves the file as it was (records past the count are ignored). The file thus
//! grows by what an edit adds, not by the corpus; it is written afresh when the space is
//! compacted. A file of the first layout (`MAGIC_F32`, `dims` f32s a record) is read and
//! converted, so an upgrade re-embeds nothing.

use std::fs::{File, OpenOptions};
use std::io::{BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::nodes::PassageNodes;
use super::quantized::{Quantized, VectorView};

const MAGIC: &[u8; 8] = b"PBVEC02\n";
/// The first layout: vectors as 32-bit floats.
const MAGIC_F32: &[u8; 8] = b"PBVEC01\n";
/// Bytes before the first record.
const HEADER: usize = MAGIC.len() + 32 + 4 + 8;
/// Where the count is.
const COUNT_AT: u64 = (MAGIC.len() + 32 + 4) as u64;

/// The file the passage vectors are kept in, under the data folder (beside the index).
pub fn vectors_path(data_dir: &Path) -> PathBuf {
    data_dir.join("vectors").join("all-MiniLM-L6-v2.vectors")
}

/// A passage's key: the first 16 bytes of the sha256 of its text.
pub type PassageKey = [u8; 16];

/// The key of a passage's text.
pub fn passage_key(text: &str) -> PassageKey {
    let digest = Sha256::digest(text.as_bytes());
    let mut key = [0u8; 16];
    key.copy_from_slice(&digest[..16]);
    key
}

/// The vector file of one model: where it is, and what its vectors must be.
#[derive(Debug, Clone)]
pub struct VectorFile {
    path: PathBuf,
    fingerprint: [u8; 32],
    dims: usize,
}

impl VectorFile {
    /// The file at `path` for vectors of the model `fingerprint`, of `dims` numbers.
    pub fn new(path: PathBuf, fingerprint: [u8; 32], dims: usize) -> VectorFile {
        VectorFile {
            path,
            fingerprint,
            dims,
        }
    }

    /// Where it is.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Its vectors, in the order they were written; none when the file is missing, of
    /// another model, or damaged (then they are all rebuilt, with a warning).
    pub fn read(&self) -> PassageNodes {
        match self.try_read() {
            Ok(Some(nodes)) => nodes,
            Ok(None) => PassageNodes::with_capacity(self.dims, 0),
            Err(e) => {
                tracing::warn!(path = %self.path.display(), "the stored vectors cannot be read ({e}); they are rebuilt");
                PassageNodes::with_capacity(self.dims, 0)
            }
        }
    }

    fn try_read(&self) -> std::io::Result<Option<PassageNodes>> {
        let dims = self.dims;
        let file = match File::open(&self.path) {
            Ok(file) => file,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e),
        };
        let length = file.metadata()?.len();
        // Read record by record: the whole file at once would sit in memory beside the
        // vectors made of it (hundreds of megabytes at 100,000 entries).
        let mut input = BufReader::with_capacity(1 << 20, file);
        let mut header = [0u8; HEADER];
        input
            .read_exact(&mut header)
            .map_err(|_| std::io::Error::other("not a vector file"))?;
        let (magic, rest) = header.split_at(MAGIC.len());
        let as_f32 = match magic {
            magic if magic == MAGIC => false,
            magic if magic == MAGIC_F32 => true,
            _ => return Err(std::io::Error::other("not a vector file")),
        };
        let (file_fingerprint, rest) = rest.split_at(32);
        if file_fingerprint != self.fingerprint {
            return Ok(None);
        }
        let (file_dims, count) = rest.split_at(4);
        let file_dims = u32::from_le_bytes(file_dims.try_into().map_err(std::io::Error::other)?);
        let count = u64::from_le_bytes(count.try_into().map_err(std::io::Error::other)?);
        if file_dims as usize != dims {
            return Ok(None);
        }
        let record = if as_f32 { 16 + 4 * dims } else { 16 + 4 + dims };
        let expected = count
            .checked_mul(record as u64)
            .and_then(|n| n.checked_add(HEADER as u64));
        // Shorter is damage; longer is an append that did not finish (ignored).
        if expected.is_none_or(|expected| length < expected) {
            return Err(std::io::Error::other("truncated vector file"));
        }
        let count = usize::try_from(count).map_err(std::io::Error::other)?;
        let floats = |bytes: &[u8]| -> Vec<f32> {
            bytes
                .chunks_exact(4)
                .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                .collect()
        };
        let mut nodes = PassageNodes::with_capacity(dims, count);
        let mut chunk = vec![0u8; record];
        let mut steps = vec![0i8; dims];
        for _ in 0..count {
            input.read_exact(&mut chunk)?;
            let mut key = [0u8; 16];
            key.copy_from_slice(&chunk[..16]);
            if as_f32 {
                nodes.push(key, Quantized::new(&floats(&chunk[16..])).view());
            } else {
                for (step, &byte) in steps.iter_mut().zip(&chunk[20..]) {
                    *step = byte as i8;
                }
                let scale = f32::from_le_bytes([chunk[16], chunk[17], chunk[18], chunk[19]]);
                nodes.push(
                    key,
                    VectorView {
                        scale,
                        values: &steps,
                    },
                );
            }
        }
        Ok(Some(nodes))
    }

    /// Writes every vector of `nodes` (aside, then renamed into place).
    pub fn write(&self, nodes: &PassageNodes) -> std::io::Result<()> {
        if let Some(parent) = self.path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        let aside: PathBuf = self.path.with_extension("partial");
        let mut out = BufWriter::with_capacity(1 << 20, File::create(&aside)?);
        out.write_all(MAGIC)?;
        out.write_all(&self.fingerprint)?;
        out.write_all(
            &u32::try_from(self.dims)
                .map_err(std::io::Error::other)?
                .to_le_bytes(),
        )?;
        out.write_all(&(nodes.len() as u64).to_le_bytes())?;
        self.write_records(&mut out, nodes, 0)?;
        let file = out.into_inner().map_err(|e| e.into_error())?;
        file.sync_all()?;
        std::fs::rename(&aside, &self.path)
    }

    /// Appends the vectors of `nodes` from node `from` on, when the file holds exactly the
    /// `from` before them (as `write` or `append` left it); an error otherwise (the caller
    /// then writes it whole). The new count is written once the records are on disk.
    pub fn append(&self, nodes: &PassageNodes, from: usize) -> std::io::Result<()> {
        if nodes.dims() != self.dims {
            return Err(std::io::Error::other("vectors of the wrong length"));
        }
        let mut file = OpenOptions::new().read(true).write(true).open(&self.path)?;
        let mut header = [0u8; HEADER];
        file.read_exact(&mut header)?;
        let holds = u64::from_le_bytes(
            header[HEADER - 8..]
                .try_into()
                .map_err(std::io::Error::other)?,
        );
        if &header[..MAGIC.len()] != MAGIC
            || header[MAGIC.len()..MAGIC.len() + 32] != self.fingerprint
            || holds != from as u64
        {
            return Err(std::io::Error::other(
                "the vector file is not the one this space was read from",
            ));
        }
        let record = (16 + 4 + self.dims) as u64;
        let end = HEADER as u64 + holds * record;
        // A tail an earlier append left unfinished is written over.
        file.set_len(end)?;
        file.seek(SeekFrom::Start(end))?;
        let mut out = BufWriter::with_capacity(1 << 20, file);
        self.write_records(&mut out, nodes, from)?;
        let mut file = out.into_inner().map_err(|e| e.into_error())?;
        file.sync_data()?;
        file.seek(SeekFrom::Start(COUNT_AT))?;
        file.write_all(&(nodes.len() as u64).to_le_bytes())?;
        file.sync_data()
    }

    fn write_records(
        &self,
        out: &mut impl Write,
        nodes: &PassageNodes,
        from: usize,
    ) -> std::io::Result<()> {
        let mut steps = Vec::with_capacity(self.dims);
        for node in from..nodes.len() {
            let node = u32::try_from(node).map_err(std::io::Error::other)?;
            let (Some(key), vector) = (nodes.key(node), nodes.vector(node)) else {
                continue;
            };
            if vector.values.len() != self.dims {
                return Err(std::io::Error::other("a vector of the wrong length"));
            }
            out.write_all(key)?;
            out.write_all(&vector.scale.to_le_bytes())?;
            steps.clear();
            steps.extend(vector.values.iter().map(|&v| v as u8));
            out.write_all(&steps)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nodes_of(texts: &[(&str, [f32; 2])]) -> PassageNodes {
        let mut nodes = PassageNodes::with_capacity(2, texts.len());
        for (text, vector) in texts {
            nodes.push(passage_key(text), Quantized::new(vector).view());
        }
        nodes
    }

    fn keys(nodes: &PassageNodes) -> Vec<PassageKey> {
        (0..nodes.len() as u32)
            .filter_map(|node| nodes.key(node).copied())
            .collect()
    }

    #[test]
    fn vectors_round_trip_in_order_for_their_model_only() {
        let dir = tempfile::TempDir::new().expect("temp dir");
        let path = dir.path().join("v.bin");
        let nodes = nodes_of(&[("a", [1.0, 0.5]), ("b", [-1.0, 0.25]), ("a", [1.0, 0.5])]);
        let file = VectorFile::new(path.clone(), [7; 32], 2);
        file.write(&nodes).expect("writes");
        let read = file.read();
        assert_eq!(keys(&read), keys(&nodes));
        assert_eq!(read.vector(1), nodes.vector(1));
        assert!(VectorFile::new(path.clone(), [8; 32], 2).read().is_empty());
        assert!(VectorFile::new(path.clone(), [7; 32], 3).read().is_empty());
        std::fs::write(&path, b"PBVEC02\nshort").expect("writes");
        assert!(file.read().is_empty());
    }

    #[test]
    fn appended_vectors_count_only_once_wholly_written() {
        let dir = tempfile::TempDir::new().expect("temp dir");
        let file = VectorFile::new(dir.path().join("v.bin"), [7; 32], 2);
        let mut nodes = nodes_of(&[("a", [1.0, 0.0]), ("b", [0.0, 1.0])]);
        file.write(&nodes).expect("writes");
        nodes.push(passage_key("c"), Quantized::new(&[0.6, 0.8]).view());
        file.append(&nodes, 2).expect("appends");
        assert_eq!(keys(&file.read()), keys(&nodes));
        // The file no longer holds 2: appending from there again is refused.
        assert!(file.append(&nodes, 2).is_err());
        // An append cut short by a crash: records past the count are ignored, and the
        // next append writes over them.
        let whole = std::fs::read(file.path()).expect("reads");
        let mut torn = whole.clone();
        torn.extend_from_slice(&passage_key("d"));
        torn.extend_from_slice(&[1, 2, 3]);
        std::fs::write(file.path(), &torn).expect("writes");
        assert_eq!(keys(&file.read()), keys(&nodes));
        nodes.push(passage_key("e"), Quantized::new(&[0.8, 0.6]).view());
        file.append(&nodes, 3).expect("appends over the torn tail");
        assert_eq!(keys(&file.read()), keys(&nodes));
        assert_eq!(
            std::fs::metadata(file.path()).expect("metadata").len() as usize,
            whole.len() + 16 + 4 + 2
        );
    }

    #[test]
    fn a_file_of_the_first_layout_is_read_and_converted() {
        let dir = tempfile::TempDir::new().expect("temp dir");
        let path = dir.path().join("v.bin");
        let mut bytes = MAGIC_F32.to_vec();
        bytes.extend([7u8; 32]);
        bytes.extend(2u32.to_le_bytes());
        bytes.extend(1u64.to_le_bytes());
        bytes.extend(passage_key("a"));
        for x in [0.6f32, -0.8] {
            bytes.extend(x.to_le_bytes());
        }
        std::fs::write(&path, bytes).expect("writes");
        let file = VectorFile::new(path.clone(), [7; 32], 2);
        let read = file.read();
        assert_eq!(keys(&read), vec![passage_key("a")]);
        assert_eq!(read.vector(0), Quantized::new(&[0.6, -0.8]).view());
        // Truncated: rebuilt, not misread.
        let whole = std::fs::read(&path).expect("reads");
        std::fs::write(&path, &whole[..whole.len() - 1]).expect("writes");
        assert!(file.read().is_empty());
    }
}
