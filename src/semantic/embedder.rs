//! `Embedder`: a sentence-transformers model folder (`config.json`, `tokenizer.json`,
//! `model.safetensors`) run with candle's BERT on the CPU: tokens (at most `MAX_TOKENS`), the
//! last hidden states mean-pooled over the real tokens (the attention mask), L2-normalised.
//! Two vectors' dot product is then their cosine similarity.

use std::path::{Path, PathBuf};

use candle_core::{DType, Device, Tensor};
use candle_nn::VarBuilder;
use candle_transformers::models::bert::{BertModel, Config};
use tokenizers::{PaddingParams, PaddingStrategy, Tokenizer, TruncationParams};

/// An embedding: unit length, `Embedder::dims` numbers.
pub type Vector = Vec<f32>;

/// The most tokens of a text the model reads (the model's own `max_seq_length`); the rest of
/// a longer text is ignored, so one text's cost is bounded.
pub const MAX_TOKENS: usize = 256;

/// Why the model could not be loaded or run.
#[derive(Debug, thiserror::Error)]
pub enum EmbedError {
    /// A file of the model folder is missing or unreadable.
    #[error("cannot read the model file {path}: {source}")]
    Read {
        /// Which file.
        path: PathBuf,
        /// What happened.
        source: std::io::Error,
    },
    /// `config.json` is not a BERT configuration.
    #[error("the model configuration {path} is not valid: {message}")]
    Config {
        /// Which file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// The tokenizer failed to load or to tokenize.
    #[error("tokenizer: {0}")]
    Tokenizer(String),
    /// The forward pass failed (or the weights do not fit the configuration).
    #[error("model: {0}")]
    Model(#[from] candle_core::Error),
}

/// A loaded sentence-embedding model. Blocking and CPU-bound: call it off the async threads.
pub struct Embedder {
    model: BertModel,
    tokenizer: Tokenizer,
    dims: usize,
    folder: PathBuf,
    fingerprint: [u8; 32],
}

impl std::fmt::Debug for Embedder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Embedder")
            .field("folder", &self.folder)
            .field("dims", &self.dims)
            .finish()
    }
}

fn read(path: &Path) -> Result<Vec<u8>, EmbedError> {
    std::fs::read(path).map_err(|source| EmbedError::Read {
        path: path.to_owned(),
        source,
    })
}

impl Embedder {
    /// Loads the model folder `folder` (sentence-transformers layout).
    pub fn load(folder: &Path) -> Result<Embedder, EmbedError> {
        let config_path = folder.join("config.json");
        let config: Config =
            serde_json::from_slice(&read(&config_path)?).map_err(|e| EmbedError::Config {
                path: config_path.clone(),
                message: e.to_string(),
            })?;
        let dims = serde_json::from_slice::<serde_json::Value>(&read(&config_path)?)
            .ok()
            .and_then(|v| v.get("hidden_size").and_then(serde_json::Value::as_u64))
            .and_then(|n| usize::try_from(n).ok())
            .ok_or_else(|| EmbedError::Config {
                path: config_path.clone(),
                message: "no hidden_size".to_owned(),
            })?;
        let mut tokenizer = Tokenizer::from_bytes(read(&folder.join("tokenizer.json"))?)
            .map_err(|e| EmbedError::Tokenizer(e.to_string()))?;
        // The file pads every text to 128 tokens and cuts there; pad a batch to its longest
        // text instead, and cut at the model's own limit.
        tokenizer.with_padding(Some(PaddingParams {
            strategy: PaddingStrategy::BatchLongest,
            ..PaddingParams::default()
        }));
        tokenizer
            .with_truncation(Some(TruncationParams {
                max_length: MAX_TOKENS,
                ..TruncationParams::default()
            }))
            .map_err(|e| EmbedError::Tokenizer(e.to_string()))?;
        let tokenizer_bytes = read(&folder.join("tokenizer.json"))?;
        let weights = read(&folder.join("model.safetensors"))?;
        let fingerprint = fingerprint(&read(&config_path)?, &tokenizer_bytes, &weights);
        let device = Device::Cpu;
        let vb = VarBuilder::from_buffered_safetensors(weights, DType::F32, &device)?;
        let model = BertModel::load(vb, &config)?;
        Ok(Embedder {
            model,
            tokenizer,
            dims,
            folder: folder.to_owned(),
            fingerprint,
        })
    }

    /// What identifies the model's vectors: stored vectors made by another model (or another
    /// tokenizer) are not reused.
    pub fn fingerprint(&self) -> &[u8; 32] {
        &self.fingerprint
    }

    /// How many numbers a vector has (384 for all-MiniLM-L6-v2).
    pub fn dims(&self) -> usize {
        self.dims
    }

    /// The folder the model was loaded from.
    pub fn folder(&self) -> &Path {
        &self.folder
    }

    /// One text's vector.
    pub fn embed_one(&self, text: &str) -> Result<Vector, EmbedError> {
        let mut vectors = self.embed(&[text])?;
        vectors
            .pop()
            .ok_or_else(|| EmbedError::Tokenizer("no vector for the text".to_owned()))
    }

    /// The vectors of `texts`, in order, computed as one batch (callers keep batches small:
    /// a batch is padded to its longest text).
    pub fn embed(&self, texts: &[&str]) -> Result<Vec<Vector>, EmbedError> {
        if texts.is_empty() {
            return Ok(Vec::new());
        }
        let encodings = self
            .tokenizer
            .encode_batch(texts.to_vec(), true)
            .map_err(|e| EmbedError::Tokenizer(e.to_string()))?;
        let device = &self.model.device;
        let rows = |pick: &dyn Fn(&tokenizers::Encoding) -> &[u32]| -> Result<Tensor, EmbedError> {
            let rows = encodings
                .iter()
                .map(|e| Tensor::new(pick(e), device))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(Tensor::stack(&rows, 0)?)
        };
        let ids = rows(&|e| e.get_ids())?;
        let type_ids = rows(&|e| e.get_type_ids())?;
        let mask = rows(&|e| e.get_attention_mask())?;
        let hidden = self.model.forward(&ids, &type_ids, Some(&mask))?;
        // Mean over the real tokens only: padding must not move a text's vector.
        let mask = mask.to_dtype(DType::F32)?.unsqueeze(2)?;
        let summed = hidden.broadcast_mul(&mask)?.sum(1)?;
        let counts = mask.sum(1)?.clamp(1e-9f32, f32::MAX)?;
        let mean = summed.broadcast_div(&counts)?;
        let norms = mean
            .sqr()?
            .sum_keepdim(1)?
            .sqrt()?
            .clamp(1e-12f32, f32::MAX)?;
        let unit = mean.broadcast_div(&norms)?;
        Ok(unit.to_vec2::<f32>()?)
    }
}

/// A hash of the configuration, the tokenizer and the weights (their length and their first
/// and last 64 KiB: hashing all 90 MB at every start would cost more than it tells).
fn fingerprint(config: &[u8], tokenizer: &[u8], weights: &[u8]) -> [u8; 32] {
    use sha2::{Digest, Sha256};
    let edge = 64 * 1024;
    let mut hasher = Sha256::new();
    for part in [config, tokenizer] {
        hasher.update((part.len() as u64).to_le_bytes());
        hasher.update(part);
    }
    hasher.update((weights.len() as u64).to_le_bytes());
    hasher.update(&weights[..weights.len().min(edge)]);
    hasher.update(&weights[weights.len().saturating_sub(edge)..]);
    hasher.finalize().into()
}

/// The dot product of two vectors: their cosine similarity when both are unit length.
/// Eight running sums, so the compiler can keep them in one SIMD register: this is the inner
/// loop of every question's scan of the passages.
pub fn dot(a: &[f32], b: &[f32]) -> f32 {
    let mut sums = [0.0f32; 8];
    let (a8, a_rest) = a.split_at(a.len() - a.len() % 8);
    let (b8, b_rest) = b.split_at(b.len().min(a8.len()));
    for (x, y) in a8.chunks_exact(8).zip(b8.chunks_exact(8)) {
        for lane in 0..8 {
            sums[lane] += x[lane] * y[lane];
        }
    }
    let tail: f32 = a_rest.iter().zip(b_rest).map(|(x, y)| x * y).sum();
    sums.iter().sum::<f32>() + tail
}

#[cfg(test)]
mod tests {
    use super::dot;

    #[test]
    fn dot_matches_the_plain_sum_at_every_length() {
        for len in [0, 1, 7, 8, 9, 16, 384, 385] {
            let a: Vec<f32> = (0..len).map(|i| (i as f32).sin()).collect();
            let b: Vec<f32> = (0..len).map(|i| (i as f32 * 0.5).cos()).collect();
            let plain: f32 = a.iter().zip(&b).map(|(x, y)| x * y).sum();
            assert!((dot(&a, &b) - plain).abs() < 1e-3, "length {len}");
        }
    }
}
