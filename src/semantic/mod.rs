//! Question search (issue 17): a small sentence-embedding model that places a staffer's
//! question and the playbook's passages in one space, so entries are found by meaning as well
//! as by words.
//!
//! - `Embedder`: all-MiniLM-L6-v2 (a BERT) loaded from a model folder, run with candle;
//! - `ModelFiles`: the folder's layout, the pinned revision and each file's sha256, and
//!   `fetch_model` to download it.

mod embedder;
mod model_files;

pub use embedder::{EmbedError, Embedder, MAX_TOKENS, Vector, dot};
pub use model_files::{
    FetchError, HF_HUB_URL, MODEL_FILES, MODEL_REPO, MODEL_REVISION, ModelFile, fetch_model,
    model_present,
};
