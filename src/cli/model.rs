//! `playbook model fetch`: downloads the sentence-embedding model for question search.

use std::path::Path;
use std::process::ExitCode;

use crate::semantic::{MODEL_FILES, MODEL_REPO, MODEL_REVISION, fetch_model};

/// Fetches the pinned model from `hub_url` into `folder`, checking every file's sha256.
pub fn run_fetch(hub_url: &str, folder: &Path) -> ExitCode {
    println!(
        "fetching {MODEL_REPO} at {MODEL_REVISION} ({} files) from {hub_url} into {}",
        MODEL_FILES.len(),
        folder.display()
    );
    match fetch_model(hub_url, folder) {
        Ok(downloaded) => {
            println!(
                "the model is in {} ({downloaded} downloaded, {} already there and intact); \
                 question search is on at the next start of `playbook serve`",
                folder.display(),
                MODEL_FILES.len() - downloaded
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
