//! The curated playbook as a long-running process keeps it: jurisdictions, synonyms and topic
//! labels (small)
//! and where each entry's file is. Entry bodies are not kept (at 100,000 entries they are
//! most of a gigabyte); an entry is read from its file when asked for.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::playbook::{
    Entry, EntryFile, EntryId, Jurisdiction, Playbook, Problem, Slug, Synonyms, TopicLabels,
    read_entry_file,
};

/// The curated playbook without its entries' contents.
#[derive(Debug, Clone)]
pub struct Curated {
    root: PathBuf,
    jurisdictions: BTreeMap<Slug, Jurisdiction>,
    synonyms: Synonyms,
    topic_labels: TopicLabels,
    entries: BTreeMap<EntryId, EntryFile>,
}

impl Curated {
    /// The view of the playbook folder `root` with these jurisdictions, synonyms, topic labels
    /// and entry files.
    pub fn new(
        root: &Path,
        jurisdictions: BTreeMap<Slug, Jurisdiction>,
        synonyms: Synonyms,
        topic_labels: TopicLabels,
        entries: BTreeMap<EntryId, EntryFile>,
    ) -> Self {
        Curated {
            root: root.to_owned(),
            jurisdictions,
            synonyms,
            topic_labels,
            entries,
        }
    }

    /// The view of `playbook`, loaded from `root`. Each entry's file is looked up in `known`
    /// (a scan of the folder), or else found on disk.
    pub fn of_playbook(
        root: &Path,
        playbook: &Playbook,
        known: &BTreeMap<EntryId, EntryFile>,
    ) -> Self {
        let entries = playbook
            .entries
            .keys()
            .map(|id| {
                let file = known.get(id).copied().unwrap_or_else(|| {
                    if EntryFile::Md.path(root, id).is_file() {
                        EntryFile::Md
                    } else {
                        EntryFile::Markdown
                    }
                });
                (id.clone(), file)
            })
            .collect();
        Curated::new(
            root,
            playbook.jurisdictions.clone(),
            playbook.synonyms.clone(),
            playbook.topic_labels.clone(),
            entries,
        )
    }

    /// Jurisdictions by slug.
    pub fn jurisdictions(&self) -> &BTreeMap<Slug, Jurisdiction> {
        &self.jurisdictions
    }

    /// The jurisdiction with this slug, if any.
    pub fn jurisdiction(&self, slug: &str) -> Option<&Jurisdiction> {
        self.jurisdictions.get(slug)
    }

    /// The maintainers' synonyms.
    pub fn synonyms(&self) -> &Synonyms {
        &self.synonyms
    }

    /// How topics read on pages.
    pub fn topic_labels(&self) -> &TopicLabels {
        &self.topic_labels
    }

    /// Whether `id` is a curated entry.
    pub fn contains(&self, id: &EntryId) -> bool {
        self.entries.contains_key(id)
    }

    /// How many curated entries there are.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are no curated entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The file of the curated entry `id`.
    pub fn entry_path(&self, id: &EntryId) -> Option<PathBuf> {
        let file = self.entries.get(id)?;
        Some(file.path(&self.root, id))
    }

    /// Reads the curated entry `id` from its file: None when `id` is not curated, the file's
    /// problems when it no longer reads as an entry.
    pub fn read_entry(&self, id: &EntryId) -> Result<Option<Entry>, Vec<Problem>> {
        match self.entry_path(id) {
            Some(path) => read_entry_file(&path, id.clone()).map(Some),
            None => Ok(None),
        }
    }
}
