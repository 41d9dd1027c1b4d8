//! Question search (issue 17): a small sentence-embedding model that places a staffer's
//! question and the playbook's passages in one space, so entries are found by meaning as well
//! as by words. The search layer fuses this with its word ranking (`search::hybrid`).
//!
//! - `Embedder`: all-MiniLM-L6-v2 (a BERT) loaded from a model folder, run with candle;
//! - `passages`: how an entry is cut into the passages it is embedded as;
//! - `VectorFile`: passage vectors on disk, each with the hash of its passage's text;
//! - `GraphFile`: the graph of the passages on disk, so a restart does not link them again;
//! - `Quantized`: a vector in 8 bits a number;
//! - `PassageNodes` and `PassageGraph`: the vectors in memory and the graph (HNSW) that finds
//!   the nearest of them without comparing every one;
//! - `PassageSpace`: an index generation's entries and passages, and the nearest entries to a
//!   question;
//! - `QueryVectors`: recent questions' vectors;
//! - `MODEL_FILES` and `fetch_model`: the pinned model and its download.

mod embedder;
mod graph;
mod graph_file;
mod model_files;
mod nodes;
mod passages;
mod quantized;
mod query_cache;
mod space;
mod vectors;

pub use embedder::{EmbedError, Embedder, MAX_TOKENS, Vector, dot};
pub use graph::{BOTTOM_LINKS, BUILD_BREADTH, LINKS, NearNode, PassageGraph};
pub use graph_file::{GraphFile, graph_path};
pub use model_files::{
    FetchError, HF_HUB_URL, MODEL_FILES, MODEL_REPO, MODEL_REVISION, ModelFile, fetch_model,
    model_present,
};
pub use nodes::PassageNodes;
pub use passages::{MAX_PASSAGES, PASSAGE_WORDS, passage, passages};
pub use quantized::{Quantized, QueryInSteps, VectorView, dot_steps, dot_views};
pub use query_cache::{CACHED_QUERIES, QueryVectors};
pub use space::{GRAPH_BREADTH, Nearby, PassageSpace, SECOND_PASSAGE_WEIGHT, SpaceBuilder};
pub use vectors::{PassageKey, VectorFile, passage_key, vectors_path};
