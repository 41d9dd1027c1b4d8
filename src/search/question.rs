//! Question search inside the engine: the model an index was given, the passage vectors of
//! its entries (built from the stored documents, reusing the vectors kept on disk by passage
//! hash), and the entries nearest a question. Until the vectors of the index are built, no
//! search uses meaning.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock, RwLock};
use std::time::{Duration, Instant};

use tantivy::{DocAddress, TantivyDocument};

use super::document::StoredEntry;
use super::index::SearchIndex;
use super::query_text::{QueryPart, QueryText};
use crate::semantic::{
    EmbedError, Embedder, Nearby, PassageKey, PassageSpace, Quantized, QueryVectors, VectorFile,
    VectorView, passage_key, passages, write_vectors,
};

/// Texts embedded per batch while building: small batches waste less on padding.
pub const BUILD_BATCH: usize = 16;
/// How often a long build saves the vectors embedded so far (and logs its progress).
const CHECKPOINT_EVERY: Duration = Duration::from_secs(60);
/// The most entries a question adds by meaning.
pub const MEANING_ENTRIES: usize = 50;
/// Entries less similar than this to a question never match it by meaning (chosen on half
/// of the judged questions with `SIMILARITY_SPAN` and the fusion's weights; BENCHMARKS.md).
pub const SIMILARITY_FLOOR: f32 = 0.15;
/// Nor do entries this much less similar than the nearest one.
pub const SIMILARITY_SPAN: f32 = 0.15;

/// Why passage vectors could not be built.
#[derive(Debug, thiserror::Error)]
pub enum VectorError {
    /// The index could not be read.
    #[error("reading the index for vectors: {0}")]
    Index(#[from] tantivy::TantivyError),
    /// The model failed.
    #[error(transparent)]
    Embed(#[from] EmbedError),
    /// The vector file could not be written.
    #[error("writing the vectors to {path}: {source}")]
    Io {
        /// Where.
        path: PathBuf,
        /// What happened.
        source: std::io::Error,
    },
}

/// What a build of the passage vectors did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VectorBuild {
    /// The index generation the vectors are of.
    pub generation: u64,
    /// Entries and passages in the space.
    pub entries: usize,
    /// Passages in the space.
    pub passages: usize,
    /// Passages embedded now (their text was new).
    pub embedded: usize,
    /// Passages whose stored vector was reused.
    pub reused: usize,
    /// Bytes the vectors take in memory.
    pub bytes: usize,
    /// How long it took.
    pub took: Duration,
    /// Whether the vectors were already of the current generation (nothing was done).
    pub unchanged: bool,
}

/// The model, where its vectors are kept, and the vectors of the index.
#[derive(Default)]
pub struct QuestionSearch {
    /// The model and the vector file, once question search is turned on.
    model: OnceLock<(Arc<Embedder>, PathBuf)>,
    /// Whether a model is on its way (being loaded), so searches already say how they
    /// searched.
    coming: AtomicBool,
    /// The vectors of the latest generation built.
    space: RwLock<Option<Arc<PassageSpace>>>,
    /// Held while a build runs: one at a time.
    building: Mutex<()>,
    /// Recent questions' vectors.
    queries: QueryVectors,
}

impl SearchIndex {
    /// Turns question search on with `embedder`, keeping passage vectors in the file
    /// `vectors`. Searches use meaning once `build_vectors` has run. False if it was on
    /// already (the first model stays).
    pub fn enable_question_search(&self, embedder: Arc<Embedder>, vectors: PathBuf) -> bool {
        self.question.model.set((embedder, vectors)).is_ok()
    }

    /// Says that a model is being loaded for question search (`true`), or that it failed
    /// to load after all (`false`): searches meanwhile say they matched by words.
    pub fn expect_question_search(&self, coming: bool) {
        self.question.coming.store(coming, Ordering::Relaxed);
    }

    /// Whether question search is on (a model was given or is being loaded), ready or not.
    pub fn question_search_enabled(&self) -> bool {
        self.question.model.get().is_some() || self.question.coming.load(Ordering::Relaxed)
    }

    /// The generation the passage vectors were built for, once built.
    pub fn vectors_generation(&self) -> Option<u64> {
        self.space().map(|space| space.generation())
    }

    fn space(&self) -> Option<Arc<PassageSpace>> {
        self.question
            .space
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Builds the passage vectors of the index as searches now see it, embedding only
    /// passages whose text has no stored vector, then keeps them on disk. Does nothing when
    /// question search is off or the vectors are of the current generation already.
    /// Blocking and CPU-bound (every new passage goes through the model): run it on a thread
    /// of its own.
    pub fn build_vectors(&self) -> Result<VectorBuild, VectorError> {
        let started = Instant::now();
        let Some((embedder, path)) = self.question.model.get() else {
            return Ok(VectorBuild {
                unchanged: true,
                ..VectorBuild::default()
            });
        };
        // One build at a time.
        let _building = self
            .question
            .building
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        let searcher = self.reader.searcher();
        let generation = searcher.generation().generation_id();
        let previous = self.space();
        if let Some(space) = &previous
            && space.generation() == generation
        {
            return Ok(VectorBuild {
                generation,
                entries: space.num_entries(),
                passages: space.num_passages(),
                bytes: space.vector_bytes(),
                took: started.elapsed(),
                unchanged: true,
                ..VectorBuild::default()
            });
        }
        let dims = embedder.dims();
        // The vectors to reuse: the last build's, by key (they are not kept a second time
        // beside it); on this process's first build, the file's.
        let file = match &previous {
            Some(_) => VectorFile::default(),
            None => VectorFile::read(path, embedder.fingerprint(), dims),
        };
        let mut known: HashMap<PassageKey, VectorView<'_>> = file
            .vectors
            .iter()
            .map(|(key, vector)| (*key, vector.view()))
            .collect();
        if let Some(space) = &previous {
            known.extend(space.rows().map(|(key, vector)| (*key, vector)));
        }
        let f = &self.fields;
        let mut entries: Vec<(String, Vec<PassageKey>)> = Vec::new();
        let mut missing: Vec<(PassageKey, String)> = Vec::new();
        let mut seen_missing: HashSet<PassageKey> = HashSet::new();
        for (ord, segment) in searcher.segment_readers().iter().enumerate() {
            let alive = segment.alive_bitset();
            for doc in 0..segment.max_doc() {
                if alive.is_some_and(|bits| !bits.is_alive(doc)) {
                    continue;
                }
                let document: TantivyDocument = searcher.doc(DocAddress::new(ord as u32, doc))?;
                let stored_entry = StoredEntry::new(&document, f);
                let texts = passages(
                    stored_entry.text(f.title),
                    stored_entry.text(f.summary),
                    stored_entry.text(f.body),
                );
                let keys: Vec<PassageKey> = texts
                    .into_iter()
                    .map(|text| {
                        let key = passage_key(&text);
                        if !known.contains_key(&key) && seen_missing.insert(key) {
                            missing.push((key, text));
                        }
                        key
                    })
                    .collect();
                entries.push((stored_entry.text(f.id).to_owned(), keys));
            }
        }
        // Texts of like length batched together: a batch is padded to its longest text, so
        // a short head among long body passages would cost as much as they do.
        missing.sort_by_key(|(_, text)| text.len());
        let io_error = |source| VectorError::Io {
            path: path.clone(),
            source,
        };
        let mut fresh: HashMap<PassageKey, Quantized> = HashMap::new();
        let mut checkpoint = Instant::now();
        for (done, batch) in missing.chunks(BUILD_BATCH).enumerate() {
            let texts: Vec<&str> = batch.iter().map(|(_, text)| text.as_str()).collect();
            let vectors = embedder.embed(&texts)?;
            for ((key, _), vector) in batch.iter().zip(vectors) {
                fresh.insert(*key, Quantized::new(&vector));
            }
            // A long first build keeps what it has embedded so far, so an interrupted build
            // resumes rather than starts over, and says how far it is.
            if checkpoint.elapsed() >= CHECKPOINT_EVERY {
                checkpoint = Instant::now();
                tracing::info!(
                    embedded = ((done + 1) * BUILD_BATCH).min(missing.len()),
                    of = missing.len(),
                    "question search: embedding passages"
                );
                let so_far = known
                    .iter()
                    .map(|(key, vector)| (key, *vector))
                    .chain(fresh.iter().map(|(key, vector)| (key, vector.view())));
                write_vectors(path, embedder.fingerprint(), dims, so_far).map_err(io_error)?;
            }
        }
        let passage_count = entries.iter().map(|(_, keys)| keys.len()).sum();
        let mut space = PassageSpace::with_capacity(dims, generation, entries.len(), passage_count);
        let mut used: HashSet<PassageKey> = HashSet::with_capacity(passage_count);
        let mut total_passages = 0;
        for (id, keys) in entries {
            let vectors: Vec<(PassageKey, VectorView<'_>)> = keys
                .iter()
                .filter_map(|key| {
                    let vector = fresh
                        .get(key)
                        .map(Quantized::view)
                        .or_else(|| known.get(key).copied())?;
                    Some((*key, vector))
                })
                .collect();
            total_passages += keys.len();
            used.extend(keys);
            space.add_entry(id, &vectors);
        }
        // The file holds what the index holds, so it does not grow with every edit.
        if !missing.is_empty() || used.len() != known.len() || !path.exists() {
            write_vectors(path, embedder.fingerprint(), dims, space.rows()).map_err(io_error)?;
        }
        let build = VectorBuild {
            generation,
            entries: space.num_entries(),
            passages: space.num_passages(),
            embedded: missing.len(),
            reused: total_passages.saturating_sub(missing.len()),
            bytes: space.vector_bytes(),
            took: started.elapsed(),
            unchanged: false,
        };
        *self
            .question
            .space
            .write()
            .unwrap_or_else(|e| e.into_inner()) = Some(Arc::new(space));
        Ok(build)
    }

    /// The vector of a question, remembered for the next time it is asked.
    pub fn question_vector(&self, question: &str) -> Result<Option<Arc<[f32]>>, EmbedError> {
        let Some((embedder, _)) = self.question.model.get() else {
            return Ok(None);
        };
        if let Some(vector) = self.question.queries.get(question) {
            return Ok(Some(vector));
        }
        let vector: Arc<[f32]> = embedder.embed_one(question)?.into();
        self.question.queries.put(question, Arc::clone(&vector));
        Ok(Some(vector))
    }

    /// The entries near the question `text` asks, when the search should use meaning: the
    /// model's vectors are built, the order is by relevance, and the text has loose words
    /// (queries of only filters, phrases or exclusions match by words only). None otherwise.
    pub(super) fn nearby(&self, text: &QueryText) -> Option<Vec<Nearby>> {
        let has_words = text
            .include
            .iter()
            .any(|part| matches!(part, QueryPart::Words(w) if !w.trim().is_empty()));
        if !has_words {
            return None;
        }
        let space = self.space()?;
        let question: Vec<&str> = text
            .include
            .iter()
            .map(|part| match part {
                QueryPart::Words(w) | QueryPart::Phrase(w) => w.as_str(),
            })
            .collect();
        let vector = match self.question_vector(&question.join(" ")) {
            Ok(vector) => vector?,
            Err(e) => {
                // The words still answer: a failing model must not fail the search.
                tracing::warn!("embedding a question failed, searching by words only: {e}");
                return None;
            }
        };
        let near = space.nearest(&vector, MEANING_ENTRIES, SIMILARITY_FLOOR);
        let best = near.first().map_or(0.0, |n| n.similarity);
        Some(
            near.into_iter()
                .filter(|n| n.similarity >= best - SIMILARITY_SPAN)
                .collect(),
        )
    }
}
