//! `VectorFile`: passage vectors kept on disk beside the index, keyed by a hash of the
//! passage's text, so a restart embeds nothing and a reindex embeds only passages whose text
//! is new. The file records which model made the vectors; another model's file is ignored.
//!
//! Layout (little-endian): `MAGIC`, the model fingerprint (32 bytes), dims (u32), count (u64),
//! then `count` records of a key (16 bytes), a scale (f32) and `dims` steps (i8): see
//! `Quantized`. Written aside and renamed. A file of the first layout (`MAGIC_F32`, `dims`
//! f32s a record) is read and converted, so an upgrade re-embeds nothing.

use std::collections::HashMap;
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::quantized::{Quantized, VectorView};

const MAGIC: &[u8; 8] = b"PBVEC02\n";
/// The first layout: vectors as 32-bit floats.
const MAGIC_F32: &[u8; 8] = b"PBVEC01\n";

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

/// Vectors by passage key, for one model.
#[derive(Debug, Default)]
pub struct VectorFile {
    /// Each passage's vector.
    pub vectors: HashMap<PassageKey, Quantized>,
}

impl VectorFile {
    /// Reads the file at `path` if it holds vectors of the model `fingerprint` with `dims`
    /// numbers; an empty set otherwise (missing, another model's, or damaged: all are rebuilt).
    pub fn read(path: &Path, fingerprint: &[u8; 32], dims: usize) -> VectorFile {
        match Self::try_read(path, fingerprint, dims) {
            Ok(Some(file)) => file,
            Ok(None) => VectorFile::default(),
            Err(e) => {
                tracing::warn!(path = %path.display(), "the stored vectors cannot be read ({e}); they are rebuilt");
                VectorFile::default()
            }
        }
    }

    fn try_read(
        path: &Path,
        fingerprint: &[u8; 32],
        dims: usize,
    ) -> std::io::Result<Option<VectorFile>> {
        let file = match std::fs::File::open(path) {
            Ok(file) => file,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e),
        };
        let length = file.metadata()?.len();
        // Read record by record: the whole file at once would sit in memory beside the
        // vectors made of it (hundreds of megabytes at 100,000 entries).
        let mut input = BufReader::with_capacity(1 << 20, file);
        let mut header = [0u8; MAGIC.len() + 32 + 4 + 8];
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
        if file_fingerprint != fingerprint {
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
            .and_then(|n| n.checked_add(header.len() as u64));
        if expected != Some(length) {
            return Err(std::io::Error::other("truncated vector file"));
        }
        let floats = |bytes: &[u8]| -> Vec<f32> {
            bytes
                .chunks_exact(4)
                .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                .collect()
        };
        let mut vectors = HashMap::with_capacity(usize::try_from(count).unwrap_or(0));
        let mut chunk = vec![0u8; record];
        for _ in 0..count {
            input.read_exact(&mut chunk)?;
            let mut key = [0u8; 16];
            key.copy_from_slice(&chunk[..16]);
            let vector = if as_f32 {
                Quantized::new(&floats(&chunk[16..]))
            } else {
                Quantized {
                    scale: f32::from_le_bytes([chunk[16], chunk[17], chunk[18], chunk[19]]),
                    values: chunk[20..].iter().map(|&b| b as i8).collect(),
                }
            };
            vectors.insert(key, vector);
        }
        Ok(Some(VectorFile { vectors }))
    }

    /// Writes the vectors to `path` (aside, then renamed into place).
    pub fn write(&self, path: &Path, fingerprint: &[u8; 32], dims: usize) -> std::io::Result<()> {
        write_vectors(
            path,
            fingerprint,
            dims,
            self.vectors
                .iter()
                .map(|(key, vector)| (key, vector.view())),
        )
    }
}

/// Writes `records` to `path` as a vector file (aside, then renamed into place); a key met
/// twice is written once.
pub fn write_vectors<'a>(
    path: &Path,
    fingerprint: &[u8; 32],
    dims: usize,
    records: impl Iterator<Item = (&'a PassageKey, VectorView<'a>)>,
) -> std::io::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let mut seen = std::collections::HashSet::new();
    let mut body = Vec::new();
    for (key, vector) in records {
        if vector.values.len() != dims {
            return Err(std::io::Error::other("a vector of the wrong length"));
        }
        if seen.insert(*key) {
            body.push((key, vector));
        }
    }
    let aside: PathBuf = path.with_extension("partial");
    let mut out = BufWriter::new(std::fs::File::create(&aside)?);
    out.write_all(MAGIC)?;
    out.write_all(fingerprint)?;
    out.write_all(
        &u32::try_from(dims)
            .map_err(std::io::Error::other)?
            .to_le_bytes(),
    )?;
    out.write_all(&(body.len() as u64).to_le_bytes())?;
    for (key, vector) in body {
        out.write_all(key)?;
        out.write_all(&vector.scale.to_le_bytes())?;
        let steps: Vec<u8> = vector.values.iter().map(|&v| v as u8).collect();
        out.write_all(&steps)?;
    }
    let file = out.into_inner().map_err(|e| e.into_error())?;
    file.sync_all()?;
    std::fs::rename(&aside, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vectors_round_trip_for_their_model_only() {
        let dir = tempfile::TempDir::new().expect("temp dir");
        let path = dir.path().join("v.bin");
        let mut file = VectorFile::default();
        file.vectors
            .insert(passage_key("a"), Quantized::new(&[1.0, 0.5]));
        file.vectors
            .insert(passage_key("b"), Quantized::new(&[-1.0, 0.25]));
        file.write(&path, &[7; 32], 2).expect("writes");
        let read = VectorFile::read(&path, &[7; 32], 2);
        assert_eq!(read.vectors.len(), 2);
        assert_eq!(
            read.vectors[&passage_key("b")],
            file.vectors[&passage_key("b")]
        );
        assert!(VectorFile::read(&path, &[8; 32], 2).vectors.is_empty());
        assert!(VectorFile::read(&path, &[7; 32], 3).vectors.is_empty());
        std::fs::write(&path, b"PBVEC02\nshort").expect("writes");
        assert!(VectorFile::read(&path, &[7; 32], 2).vectors.is_empty());
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
        let read = VectorFile::read(&path, &[7; 32], 2);
        assert_eq!(
            read.vectors[&passage_key("a")],
            Quantized::new(&[0.6, -0.8])
        );
        // Truncated: rebuilt, not misread.
        let whole = std::fs::read(&path).expect("reads");
        std::fs::write(&path, &whole[..whole.len() - 1]).expect("writes");
        assert!(VectorFile::read(&path, &[7; 32], 2).vectors.is_empty());
    }
}
