//! Where an index lives on disk, and how a rebuild replaces it without ever exposing a
//! half-built one: each build goes into a fresh `gen-*` folder, and the `CURRENT` file,
//! replaced atomically once the build is committed, names the live one.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use super::schema::SCHEMA_VERSION;

/// Folder under the data dir that holds index generations.
pub const INDEX_FOLDER: &str = "index";
const CURRENT_FILE: &str = "CURRENT";
const GENERATION_PREFIX: &str = "gen-";

/// What each commit records about the index, in tantivy's commit payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommitPayload {
    /// The schema version the index was built with.
    pub schema_version: u32,
    /// The fingerprint of the playbook files it was built from.
    pub playbook_fingerprint: String,
    /// The last store revision applied to it (0: none).
    #[serde(default)]
    pub store_revision: u64,
}

impl CommitPayload {
    /// The payload of a fresh build of a playbook with this fingerprint.
    pub fn fresh(playbook_fingerprint: &str) -> Self {
        CommitPayload {
            schema_version: SCHEMA_VERSION,
            playbook_fingerprint: playbook_fingerprint.to_owned(),
            store_revision: 0,
        }
    }

    /// Reads a payload; None when absent or unreadable (the index is then rebuilt).
    pub fn parse(text: Option<&str>) -> Option<Self> {
        serde_json::from_str(text?).ok()
    }

    /// The payload as JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// The index folders under one data dir.
#[derive(Debug, Clone)]
pub struct IndexLocation {
    root: PathBuf,
}

impl IndexLocation {
    /// The index folders under `data_dir`.
    pub fn new(data_dir: &Path) -> Self {
        IndexLocation {
            root: data_dir.join(INDEX_FOLDER),
        }
    }

    /// The live generation, if `CURRENT` names one that exists.
    pub fn current(&self) -> Option<PathBuf> {
        let name = fs::read_to_string(self.root.join(CURRENT_FILE)).ok()?;
        let name = name.trim();
        let valid =
            name.starts_with(GENERATION_PREFIX) && !name.contains(['/', '\\']) && name != "..";
        let path = self.root.join(name);
        (valid && path.is_dir()).then_some(path)
    }

    /// A new, empty generation folder to build into.
    pub fn new_generation(&self) -> std::io::Result<PathBuf> {
        fs::create_dir_all(&self.root)?;
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let path = self
            .root
            .join(format!("{GENERATION_PREFIX}{nanos}-{}", std::process::id()));
        fs::create_dir(&path)?;
        Ok(path)
    }

    /// Makes `generation` the live one: write `CURRENT.tmp`, flush it to disk, rename it.
    pub fn publish(&self, generation: &Path) -> std::io::Result<()> {
        let name = generation
            .file_name()
            .ok_or_else(|| std::io::Error::other("generation path has no name"))?;
        let temp = self.root.join(format!("{CURRENT_FILE}.tmp"));
        let mut file = fs::File::create(&temp)?;
        file.write_all(name.to_string_lossy().as_bytes())?;
        file.sync_all()?;
        fs::rename(&temp, self.root.join(CURRENT_FILE))?;
        fs::File::open(&self.root)?.sync_all()
    }

    /// Deletes every generation but the live one: older builds and unfinished ones.
    pub fn remove_stale(&self) {
        let current = self.current();
        let Ok(items) = fs::read_dir(&self.root) else {
            return;
        };
        for item in items.flatten() {
            let path = item.path();
            let is_generation = item
                .file_name()
                .to_string_lossy()
                .starts_with(GENERATION_PREFIX);
            if is_generation
                && Some(&path) != current.as_ref()
                && let Err(e) = fs::remove_dir_all(&path)
            {
                tracing::warn!(path = %path.display(), error = %e, "could not remove a stale index");
            }
        }
    }
}
