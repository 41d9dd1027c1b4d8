//! Question search's background job: after start-up it loads the sentence-embedding model and
//! keeps the passage vectors of the index up to date with every change, on a thread of its
//! own, never on the async workers. Until the first build is done, searches match by words
//! (and say so). Without a model it logs once how to turn question search on.

use std::path::PathBuf;
use std::sync::{Arc, Weak};
use std::time::Duration;

use crate::semantic::{Embedder, model_present};

use super::state::Shared;

/// How often the job looks for a change of the index to embed.
const POLL: Duration = Duration::from_millis(300);

/// Starts the job for the app behind `shared` (it stops when the app is dropped), or logs
/// that question search is off when `model_dir` holds no model.
pub fn start(shared: Weak<Shared>, model_dir: PathBuf, vectors: PathBuf) {
    if !model_present(&model_dir) {
        tracing::info!(
            model_dir = %model_dir.display(),
            "question search is off: no sentence-embedding model in the model folder; \
             `playbook model fetch` downloads it there (or point --model-dir / \
             PLAYBOOK_MODEL_DIR at one), then restart"
        );
        return;
    }
    if let Some(state) = shared.upgrade() {
        state.catalog.expect_question_search(true);
    }
    let spawned = std::thread::Builder::new()
        .name("question-search".into())
        .spawn({
            let shared = shared.clone();
            move || run(&shared, &model_dir, vectors)
        });
    if let Err(e) = spawned {
        tracing::error!("question search is off: cannot start its thread: {e}");
        if let Some(state) = shared.upgrade() {
            state.catalog.expect_question_search(false);
        }
    }
}

fn run(shared: &Weak<Shared>, model_dir: &std::path::Path, vectors: PathBuf) {
    let embedder = match Embedder::load(model_dir) {
        Ok(embedder) => Arc::new(embedder),
        Err(e) => {
            tracing::error!(model_dir = %model_dir.display(), "question search is off: {e}");
            if let Some(state) = shared.upgrade() {
                state.catalog.expect_question_search(false);
            }
            return;
        }
    };
    match shared.upgrade() {
        Some(state) => {
            state.catalog.enable_question_search(embedder, vectors);
        }
        None => return,
    }
    tracing::info!(model_dir = %model_dir.display(), "question search: model loaded, building passage vectors");
    let mut failed_generation = None;
    loop {
        let Some(state) = shared.upgrade() else {
            return;
        };
        let generation = state.catalog.index_generation();
        let behind = state.catalog.vectors_generation() != Some(generation);
        if behind && failed_generation != Some(generation) {
            match state.catalog.build_vectors() {
                Ok(build) if !build.unchanged => tracing::info!(
                    entries = build.entries,
                    passages = build.passages,
                    embedded = build.embedded,
                    reused = build.reused,
                    graph = build.graph,
                    graph_ms = build.graph_took.as_millis() as u64,
                    graph_read = build.graph_read,
                    took_ms = build.took.as_millis() as u64,
                    "question search: passage vectors ready"
                ),
                Ok(_) => {}
                Err(e) => {
                    // Searches go on by words; the next change of the index tries again.
                    tracing::error!("question search: building passage vectors failed: {e}");
                    failed_generation = Some(generation);
                }
            }
        }
        drop(state);
        std::thread::sleep(POLL);
    }
}
