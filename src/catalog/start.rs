//! Opening the catalog at start-up, fast when the playbook folder is as it was.
//!
//! The fast path reads no entry file: when the folder's stamp (names, sizes, modification
//! times) equals the one recorded after the last full load, and the live index was built from
//! the contents that load read, only the jurisdictions' `_index.md`, `synonyms.toml`, `topics.toml` are
//! parsed and the index is opened as it is. Otherwise, or when anything on the way is amiss,
//! the full path reads and validates every file (one at a time, keeping no contents), reuses
//! the index if it was built from those contents or else reads them again to rebuild it, and
//! records the stamp for next time. A file edited without changing its size or modification
//! time is not noticed by the fast path; `playbook reindex` and `playbook check` always read
//! contents.
//!
//! Either way, the declared sources are read (their declarations on the fast path too, like
//! `_index.md`), their stored texts are read afresh from the sources folder, and every curated
//! quote of a declared source is checked against them: the full path finds the quotes as it
//! reads entries, the fast path takes them from the stamp record, which the stamp vouches for.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use super::Curated;
use super::sources::{check_quotes_at_start, provenance_of};
use super::stamp::StampRecord;
use super::{Catalog, CatalogError};
use crate::playbook::load::JURISDICTION_INDEX;
use crate::playbook::source::{DECLARATION_ENDING, SOURCES_FOLDER};
use crate::playbook::synonyms::SYNONYMS_FILE;
use crate::playbook::topics::TOPICS_FILE;
use crate::playbook::{
    DeclaredSource, Jurisdiction, PlaybookScan, Problem, Slug, SourceId, Synonyms, TopicLabels,
    check_playbook, load_playbook, read_jurisdiction_file, read_source_declaration_file,
    read_synonyms_file, read_topics_file, scan_playbook,
};
use crate::search::{OpenOutcome, SearchIndex};
use crate::store::EntryStore;

/// Which way start-up went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StartOutcome {
    /// The folder was unchanged since the last full load: no entry file was read and the
    /// index was opened as it was.
    Fast,
    /// Every file was read and validated; the index was reused or built.
    Full(OpenOutcome),
}

/// Why the catalog could not be opened at start-up.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The playbook has problems, sorted by file and line.
    #[error("the playbook has {} problem(s)", .0.len())]
    Playbook(Vec<Problem>),
    /// The store or index failed.
    #[error(transparent)]
    Catalog(#[from] CatalogError),
}

/// The small files the fast path reads: jurisdictions, synonyms, topic labels and source
/// declarations.
struct SmallFiles {
    jurisdictions: BTreeMap<Slug, Jurisdiction>,
    synonyms: Synonyms,
    topic_labels: TopicLabels,
    sources: BTreeMap<SourceId, DeclaredSource>,
}

impl Catalog {
    /// Opens the catalog of the playbook folder `playbook_dir` with its store and index
    /// under `data_dir`, and the sources' texts in `<playbook_dir>/_sources` (see
    /// `start_with_sources`).
    pub fn start(
        playbook_dir: &Path,
        data_dir: &Path,
        store: Arc<dyn EntryStore>,
    ) -> Result<(Catalog, StartOutcome), StartError> {
        Self::start_with_sources(playbook_dir, None, data_dir, store)
    }

    /// Opens the catalog of the playbook folder `playbook_dir` with its store and index
    /// under `data_dir`: the fast path when the folder is unchanged, else the full one. The
    /// sources' stored texts are read from `sources_dir` (`None`: `<playbook_dir>/_sources`)
    /// and every curated quote of a declared source is checked against them.
    pub fn start_with_sources(
        playbook_dir: &Path,
        sources_dir: Option<&Path>,
        data_dir: &Path,
        store: Arc<dyn EntryStore>,
    ) -> Result<(Catalog, StartOutcome), StartError> {
        let started = std::time::Instant::now();
        let mut scan = match scan_playbook(playbook_dir) {
            Ok(scan) => {
                let elapsed_ms = started.elapsed().as_millis() as u64;
                let entries = scan.entries.len();
                tracing::debug!(elapsed_ms, entries, "scanned the playbook folder");
                Some(scan)
            }
            Err(e) => {
                tracing::warn!(error = %e, "could not scan the playbook folder; reading it in full");
                None
            }
        };
        if let Some(scan) = &mut scan {
            match Self::start_fast(playbook_dir, sources_dir, data_dir, &store, scan) {
                Ok(Some(catalog)) => {
                    let elapsed_ms = started.elapsed().as_millis() as u64;
                    tracing::debug!(elapsed_ms, "opened the catalog the fast way");
                    return Ok((catalog, StartOutcome::Fast));
                }
                Ok(None) => {}
                Err(e) => {
                    tracing::warn!(error = %e, "the fast start-up failed; reading the playbook in full");
                }
            }
        }
        Self::start_full(playbook_dir, sources_dir, data_dir, store, scan)
    }

    /// The fast path; None when the full path is needed. Takes the scan's entries only
    /// once it is sure to succeed, short of a store failure.
    fn start_fast(
        playbook_dir: &Path,
        sources_dir: Option<&Path>,
        data_dir: &Path,
        store: &Arc<dyn EntryStore>,
        scan: &mut PlaybookScan,
    ) -> Result<Option<Catalog>, CatalogError> {
        let Some(record) = StampRecord::read(data_dir) else {
            return Ok(None);
        };
        if record.stamp != scan.stamp {
            tracing::info!("the playbook folder changed since the last full load");
            return Ok(None);
        }
        let Some(small) = read_small_files(playbook_dir, scan) else {
            return Ok(None);
        };
        let Some(index) =
            SearchIndex::open_current(data_dir, &record.fingerprint, &small.synonyms)?
        else {
            tracing::info!("the index does not match the last full load of the playbook");
            return Ok(None);
        };
        let entries = std::mem::take(&mut scan.entries);
        let curated = Curated::new(
            playbook_dir,
            small.jurisdictions,
            small.synonyms,
            small.topic_labels,
            entries,
        );
        let provenance = provenance_of(small.sources, playbook_dir, sources_dir);
        let quote_check = check_quotes_at_start(&provenance, &record.quotes, playbook_dir);
        let catalog = Self::assemble(curated, provenance, quote_check, Arc::clone(store), index)?;
        Ok(Some(catalog))
    }

    /// The full path: read and validate every file, keeping no entry contents; reuse the
    /// index if it was built from these contents, else read the folder again with contents
    /// and rebuild. Then record the stamp.
    fn start_full(
        playbook_dir: &Path,
        sources_dir: Option<&Path>,
        data_dir: &Path,
        store: Arc<dyn EntryStore>,
        scan: Option<PlaybookScan>,
    ) -> Result<(Catalog, StartOutcome), StartError> {
        let checked = check_playbook(playbook_dir);
        if !checked.problems.is_empty() {
            return Err(StartError::Playbook(checked.problems));
        }
        let reusable = SearchIndex::open_current(data_dir, &checked.fingerprint, &checked.synonyms)
            .map_err(CatalogError::from)?;
        let provenance = provenance_of(checked.sources, playbook_dir, sources_dir);
        let quotes = checked.quotes;
        let (catalog, fingerprint, outcome) = match reusable {
            Some(index) => {
                let curated = Curated::new(
                    playbook_dir,
                    checked.jurisdictions,
                    checked.synonyms,
                    checked.topic_labels,
                    checked.entries,
                );
                let quote_check = check_quotes_at_start(&provenance, &quotes, playbook_dir);
                let catalog = Self::assemble(curated, provenance, quote_check, store, index)?;
                (catalog, checked.fingerprint, OpenOutcome::Reused)
            }
            None => {
                // A build needs every entry's contents at once.
                let loaded = load_playbook(playbook_dir);
                if !loaded.problems.is_empty() {
                    return Err(StartError::Playbook(loaded.problems));
                }
                let (catalog, outcome) = Self::open_with_files(
                    playbook_dir,
                    &loaded.playbook,
                    provenance,
                    data_dir,
                    store,
                    &checked.entries,
                )?;
                (catalog, loaded.playbook.fingerprint, outcome)
            }
        };
        if let Some(scan) = &scan {
            StampRecord::save_after_full_load(data_dir, scan, &fingerprint, &quotes);
        }
        Ok((catalog, StartOutcome::Full(outcome)))
    }
}

/// The jurisdictions, synonyms, topic labels and source declarations of the scanned folder; None (and a
/// log line) when one of their files does not read, which the full path then reports properly.
fn read_small_files(playbook_dir: &Path, scan: &PlaybookScan) -> Option<SmallFiles> {
    let read = || -> Result<_, Vec<Problem>> {
        let mut jurisdictions = BTreeMap::new();
        for slug in &scan.jurisdictions {
            let path = playbook_dir.join(slug.as_str()).join(JURISDICTION_INDEX);
            jurisdictions.insert(slug.clone(), read_jurisdiction_file(&path, slug.clone())?);
        }
        let synonyms = if scan.has_synonyms {
            read_synonyms_file(&playbook_dir.join(SYNONYMS_FILE))?
        } else {
            Synonyms::default()
        };
        let topic_labels = if scan.has_topic_labels {
            read_topics_file(&playbook_dir.join(TOPICS_FILE))?
        } else {
            TopicLabels::default()
        };
        let mut sources = BTreeMap::new();
        for id in &scan.sources {
            let path = playbook_dir
                .join(SOURCES_FOLDER)
                .join(format!("{id}{DECLARATION_ENDING}"));
            sources.insert(id.clone(), read_source_declaration_file(&path, id.clone())?);
        }
        Ok(SmallFiles {
            jurisdictions,
            synonyms,
            topic_labels,
            sources,
        })
    };
    read()
        .map_err(|problems| {
            let first = problems.first().map(ToString::to_string).unwrap_or_default();
            tracing::info!(problem = %first, "a playbook file does not read; reading the playbook in full");
        })
        .ok()
}
