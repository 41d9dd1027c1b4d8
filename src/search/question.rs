//! Question search inside the engine: the model an index was given, the passage vectors of
//! its entries (built from the stored documents, reusing the vectors kept on disk by passage
//! hash), and the entries nearest a question. Until the vectors of the index are built, no
//! search uses meaning.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock, RwLock};
use std::time::{Duration, Instant};

use tantivy::{DocAddress, TantivyDocument};

use super::document::StoredEntry;
use super::index::SearchIndex;
use super::query_text::{QueryPart, QueryText};
use crate::semantic::{
    EmbedError, Embedder, GraphFile, Nearby, PassageGraph, PassageKey, PassageNodes, PassageSpace,
    Quantized, QueryVectors, VectorFile, VectorView, graph_path, passage_key, passages,
};

/// Texts embedded per batch while building: small batches waste less on padding.
pub const BUILD_BATCH: usize = 16;
/// How often a long build saves the vectors embedded so far (and logs its progress).
const CHECKPOINT_EVERY: Duration = Duration::from_secs(60);
/// Spaces of fewer passages are scanned whole (about 2 ms a question at this size); from this
/// many on, questions go through a graph of the passages (`PassageGraph`).
pub const GRAPH_FROM: usize = 20_000;
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
    /// Whether questions go through a graph of the passages (else they scan every one).
    pub graph: bool,
    /// How long building the graph afresh took (zero when the last one was kept or it was
    /// read from its file).
    pub graph_took: Duration,
    /// Whether the graph was read from its file (a restart), rather than built.
    pub graph_read: bool,
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
    space: RwLock<Option<Arc<BuiltSpace>>>,
    /// Held while a build runs (one at a time): what the files beside the index hold.
    building: Mutex<StoredFiles>,
    /// Recent questions' vectors.
    queries: QueryVectors,
    /// From how many passages a graph is built, when not `GRAPH_FROM`.
    graph_from: OnceLock<usize>,
}

/// What the vector and graph files hold, as the last build that wrote them left them.
#[derive(Debug, Default)]
struct StoredFiles {
    /// The lineage (`PassageSpace::lineage`) whose first `nodes` nodes the vector file
    /// holds; 0 when unknown (the file is then written whole).
    lineage: u64,
    nodes: usize,
    /// The lineage whose first `graph_nodes` nodes the graph file links; 0 when none.
    graph_lineage: u64,
    graph_nodes: usize,
}

/// The graph is saved again once this share of its nodes (and at least `SAVE_GRAPH_AFTER`)
/// were linked in since it was last saved: a restart links in the rest itself.
const SAVE_GRAPH_SHARE: usize = 20;
/// The fewest new nodes that make the graph worth saving again.
const SAVE_GRAPH_AFTER: usize = 2_000;

/// A generation's passage space, and where each of its entries is in that generation.
struct BuiltSpace {
    space: PassageSpace,
    /// Per entry of `space`, in its order: its document.
    places: Vec<DocAddress>,
}

/// The entries near a question.
pub(super) struct NearEntries {
    /// Nearest first.
    pub entries: Vec<Nearby>,
    /// Per entry of `entries`: its document, when the vectors are of the generation the
    /// search reads (else the entries are known by id only).
    pub places: Option<Vec<DocAddress>>,
}

impl StoredFiles {
    /// Brings the vector file up to `nodes` of `lineage`: appends what it lacks when it holds
    /// this lineage's first nodes, else writes it whole.
    fn save_vectors(
        &mut self,
        file: &VectorFile,
        lineage: u64,
        nodes: &PassageNodes,
    ) -> std::io::Result<()> {
        if self.lineage == lineage && self.nodes == nodes.len() && file.path().exists() {
            return Ok(());
        }
        let appended = self.lineage == lineage
            && self.nodes <= nodes.len()
            && file.append(nodes, self.nodes).is_ok();
        // Unknown until written: a failed write must not be taken for the file's state.
        self.lineage = 0;
        if !appended {
            file.write(nodes)?;
        }
        self.lineage = lineage;
        self.nodes = nodes.len();
        Ok(())
    }

    /// Saves `space`'s graph when the file lacks it or enough nodes were linked in since.
    fn save_graph(&mut self, file: &GraphFile, space: &PassageSpace) -> std::io::Result<()> {
        let Some(graph) = space.graph() else {
            return Ok(());
        };
        let since = graph.len().saturating_sub(self.graph_nodes);
        let stale = self.graph_lineage != space.lineage()
            || since >= SAVE_GRAPH_AFTER.max(self.graph_nodes / SAVE_GRAPH_SHARE);
        if stale || !file.path().exists() {
            self.graph_lineage = 0;
            file.write(graph, space.nodes())?;
            self.graph_lineage = space.lineage();
            self.graph_nodes = graph.len();
        }
        Ok(())
    }
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
        self.space().map(|built| built.space.generation())
    }

    fn space(&self) -> Option<Arc<BuiltSpace>> {
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
        let mut stored = self
            .question
            .building
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        let built = self.build_vectors_with(embedder, path, &mut stored, started);
        if built.is_err() {
            // What a failed build saved is not what the next one starts from.
            *stored = StoredFiles::default();
        }
        built
    }

    fn build_vectors_with(
        &self,
        embedder: &Embedder,
        path: &Path,
        stored: &mut StoredFiles,
        started: Instant,
    ) -> Result<VectorBuild, VectorError> {
        let searcher = self.reader.searcher();
        let generation = searcher.generation().generation_id();
        let previous = self.space();
        if let Some(BuiltSpace { space, .. }) = previous.as_deref()
            && space.generation() == generation
        {
            return Ok(VectorBuild {
                generation,
                entries: space.num_entries(),
                passages: space.num_passages(),
                bytes: space.vector_bytes(),
                graph: space.has_graph(),
                took: started.elapsed(),
                unchanged: true,
                ..VectorBuild::default()
            });
        }
        let dims = embedder.dims();
        let vector_file = VectorFile::new(path.to_owned(), *embedder.fingerprint(), dims);
        let graph_file = GraphFile::new(graph_path(path));
        let io_error = |file: &Path| {
            let path = file.to_owned();
            move |source| VectorError::Io { path, source }
        };
        let mut stored_entries = 0;
        for segment in searcher.segment_readers() {
            stored_entries += segment.num_docs() as usize;
        }
        // The space starts from the last build's; on this process's first build, from the
        // files (the vectors, and their graph if it was saved for them).
        let mut graph_read = false;
        let mut next = match &previous {
            Some(built) => built.space.next(generation),
            None => {
                let nodes = vector_file.read();
                let graph = graph_file.read(&nodes);
                graph_read = graph.is_some();
                let graph_nodes = graph.as_ref().map_or(0, PassageGraph::len);
                let resumed = PassageSpace::resume(nodes, graph, generation);
                *stored = StoredFiles {
                    lineage: resumed.lineage(),
                    nodes: resumed.nodes().len(),
                    graph_lineage: if graph_read { resumed.lineage() } else { 0 },
                    graph_nodes,
                };
                resumed
            }
        };
        let f = &self.fields;
        let mut entries: Vec<(String, Vec<PassageKey>)> = Vec::with_capacity(stored_entries);
        let mut places: Vec<DocAddress> = Vec::with_capacity(stored_entries);
        let mut missing: Vec<(PassageKey, String)> = Vec::new();
        let mut seen_missing: HashSet<PassageKey> = HashSet::new();
        for (ord, segment) in searcher.segment_readers().iter().enumerate() {
            let alive = segment.alive_bitset();
            for doc in 0..segment.max_doc() {
                if alive.is_some_and(|bits| !bits.is_alive(doc)) {
                    continue;
                }
                let place = DocAddress::new(ord as u32, doc);
                let document: TantivyDocument = searcher.doc(place)?;
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
                        if !next.has(&key) && seen_missing.insert(key) {
                            missing.push((key, text));
                        }
                        key
                    })
                    .collect();
                entries.push((stored_entry.text(f.id).to_owned(), keys));
                places.push(place);
            }
        }
        // Texts of like length batched together: a batch is padded to its longest text, so
        // a short head among long body passages would cost as much as they do.
        missing.sort_by_key(|(_, text)| text.len());
        let mut checkpoint = Instant::now();
        for (done, batch) in missing.chunks(BUILD_BATCH).enumerate() {
            let texts: Vec<&str> = batch.iter().map(|(_, text)| text.as_str()).collect();
            let vectors = embedder.embed(&texts)?;
            for ((key, _), vector) in batch.iter().zip(vectors) {
                next.add_vector(*key, Quantized::new(&vector).view());
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
                stored
                    .save_vectors(&vector_file, next.lineage(), next.nodes())
                    .map_err(io_error(path))?;
            }
        }
        let mut total_passages = 0;
        for (id, keys) in entries {
            let vectors: Vec<(PassageKey, Option<VectorView<'_>>)> =
                keys.iter().map(|key| (*key, None)).collect();
            total_passages += keys.len();
            next.add_entry(id, &vectors);
        }
        let built = Arc::new(BuiltSpace {
            space: next.finish(),
            places,
        });
        let space = &built.space;
        stored
            .save_vectors(&vector_file, space.lineage(), space.nodes())
            .map_err(io_error(path))?;
        *self
            .question
            .space
            .write()
            .unwrap_or_else(|e| e.into_inner()) = Some(Arc::clone(&built));
        // Searches scan the new space while its graph is built (when it needs one and did
        // not keep the last one's).
        let graph_started = Instant::now();
        let graph_built = !space.has_graph() && space.num_passages() >= self.graph_from();
        if graph_built {
            space.build_graph();
        }
        let graph_took = graph_started.elapsed();
        stored
            .save_graph(&graph_file, space)
            .map_err(io_error(graph_file.path()))?;
        Ok(VectorBuild {
            generation,
            entries: space.num_entries(),
            passages: space.num_passages(),
            embedded: missing.len(),
            reused: total_passages.saturating_sub(missing.len()),
            bytes: space.vector_bytes(),
            graph: space.has_graph(),
            graph_took: if graph_built {
                graph_took
            } else {
                Duration::ZERO
            },
            graph_read,
            took: started.elapsed(),
            unchanged: false,
        })
    }

    /// From how many passages questions go through a graph rather than a scan of every one
    /// (`GRAPH_FROM` unless `use_graph_from` said otherwise).
    fn graph_from(&self) -> usize {
        self.question
            .graph_from
            .get()
            .copied()
            .unwrap_or(GRAPH_FROM)
    }

    /// Makes questions go through a graph of the passages from `passages` passages on,
    /// rather than `GRAPH_FROM` (tests use 0 to check the graph's answers on a small
    /// playbook). Only the first call counts.
    pub fn use_graph_from(&self, passages: usize) {
        let _ = self.question.graph_from.set(passages);
    }

    /// The entries nearest `vector` by an exact scan of every passage, ignoring the graph:
    /// the reference the graph's answers are measured against (`examples/graph_recall`).
    pub fn nearest_exact(&self, vector: &[f32], count: usize) -> Option<Vec<Nearby>> {
        Some(
            self.space()?
                .space
                .nearest_exact(vector, count, SIMILARITY_FLOOR),
        )
    }

    /// The entries nearest `vector` as a question's search finds them (through the graph
    /// when there is one, proposing the entries of its `breadth` nearest passages: a search
    /// uses `GRAPH_BREADTH`).
    pub fn nearest_entries(
        &self,
        vector: &[f32],
        count: usize,
        breadth: usize,
    ) -> Option<Vec<Nearby>> {
        let built = self.space()?;
        Some(
            built
                .space
                .nearest_through(vector, count, SIMILARITY_FLOOR, f32::INFINITY, breadth),
        )
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
    /// `generation` is that of the searcher the search reads.
    pub(super) fn nearby(&self, text: &QueryText, generation: u64) -> Option<NearEntries> {
        let has_words = text
            .include
            .iter()
            .any(|part| matches!(part, QueryPart::Words(w) if !w.trim().is_empty()));
        if !has_words {
            return None;
        }
        let built = self.space()?;
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
        let entries =
            built
                .space
                .nearest_within(&vector, MEANING_ENTRIES, SIMILARITY_FLOOR, SIMILARITY_SPAN);
        let places = (built.space.generation() == generation)
            .then(|| {
                entries
                    .iter()
                    .map(|n| built.places.get(n.entry).copied())
                    .collect::<Option<Vec<DocAddress>>>()
            })
            .flatten();
        Some(NearEntries { entries, places })
    }
}
