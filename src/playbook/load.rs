//! Reads a playbook folder into a `Playbook`, collecting every problem rather than stopping
//! at the first.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::entry::Entry;
use super::entry::meta::check_related;
use super::problem::Problem;
use super::read::{decode_utf8, parse_entry, parse_jurisdiction_file, parse_synonyms_file};
pub use super::scan::JURISDICTION_INDEX;
use super::scan::{EntryFile, file_name, list_dir};
use super::slug::{EntryId, Slug};
use super::synonyms::SYNONYMS_FILE;
use super::synonyms::Synonyms;
use super::{Jurisdiction, Playbook};

/// A playbook as far as it could be read, and everything wrong with it.
#[derive(Debug)]
pub struct LoadedPlaybook {
    /// The valid part: files with problems are left out.
    pub playbook: Playbook,
    /// Every problem, sorted by file and line.
    pub problems: Vec<Problem>,
}

/// A playbook folder read and validated in full, exactly as by `load_playbook`, keeping no
/// entry contents: what a server needs when its index is already built from these files.
#[derive(Debug)]
pub struct CheckedPlaybook {
    /// Jurisdictions by slug.
    pub jurisdictions: BTreeMap<Slug, Jurisdiction>,
    /// Synonym groups from `synonyms.toml`.
    pub synonyms: Synonyms,
    /// Every valid entry's id, with how its file name ends.
    pub entries: BTreeMap<EntryId, EntryFile>,
    /// The fingerprint `load_playbook` would give.
    pub fingerprint: String,
    /// Every problem, sorted by file and line.
    pub problems: Vec<Problem>,
}

/// A valid entry with related ids: its file, and each related id with its line.
type RelatedIds = (EntryId, PathBuf, Vec<(EntryId, usize)>);

struct Loader {
    problems: Vec<Problem>,
    digest: Sha256,
    /// Whether entries are kept in the playbook, or only their ids in `files`.
    keep_entries: bool,
    files: BTreeMap<EntryId, EntryFile>,
    /// Checked once every entry is known.
    related: Vec<RelatedIds>,
}

impl Loader {
    fn problem(&mut self, path: &Path, line: usize, message: impl Into<String>) {
        self.problems.push(Problem::new(path, line, message));
    }

    /// Keeps a file's value, or its problems.
    fn keep<T>(&mut self, parsed: Result<T, Vec<Problem>>) -> Option<T> {
        parsed
            .map_err(|problems| self.problems.extend(problems))
            .ok()
    }

    /// Reads a file as UTF-8 text, and adds it to the fingerprint.
    fn read_text(&mut self, root: &Path, path: &Path) -> Option<String> {
        let bytes = match fs::read(path) {
            Ok(bytes) => bytes,
            Err(e) => {
                self.problem(path, 1, format!("cannot read file: {e}"));
                return None;
            }
        };
        let relative = path.strip_prefix(root).unwrap_or(path);
        self.digest.update(relative.to_string_lossy().as_bytes());
        self.digest.update([0]);
        self.digest.update((bytes.len() as u64).to_le_bytes());
        self.digest.update(&bytes);
        self.keep(decode_utf8(path, bytes).map_err(|p| vec![p]))
    }
}

/// Reads and validates the playbook under `dir`.
pub fn load_playbook(dir: &Path) -> LoadedPlaybook {
    let (playbook, loader) = read_folder(dir, true);
    LoadedPlaybook {
        playbook,
        problems: loader.problems,
    }
}

/// Reads and validates the playbook under `dir` as `load_playbook` does, one file at a time,
/// keeping no entry contents.
pub fn check_playbook(dir: &Path) -> CheckedPlaybook {
    let (playbook, loader) = read_folder(dir, false);
    CheckedPlaybook {
        jurisdictions: playbook.jurisdictions,
        synonyms: playbook.synonyms,
        entries: loader.files,
        fingerprint: playbook.fingerprint,
        problems: loader.problems,
    }
}

/// Reads the folder; the loader keeps the sorted problems and the entries' files.
fn read_folder(dir: &Path, keep_entries: bool) -> (Playbook, Loader) {
    let mut loader = Loader {
        problems: Vec::new(),
        digest: Sha256::new(),
        keep_entries,
        files: BTreeMap::new(),
        related: Vec::new(),
    };
    let mut playbook = Playbook::default();
    let top = match list_dir(dir) {
        Ok(top) => top,
        Err(e) => {
            loader.problem(dir, 1, format!("cannot read the playbook folder: {e}"));
            return finish(loader, playbook);
        }
    };
    for path in top {
        let name = file_name(&path);
        if path.is_dir() {
            load_jurisdiction(&mut loader, dir, &path, &mut playbook);
        } else if name == SYNONYMS_FILE {
            if let Some(text) = loader.read_text(dir, &path)
                && let Some(synonyms) = loader.keep(parse_synonyms_file(&path, &text))
            {
                playbook.synonyms = synonyms;
            }
        } else if name != "README.md" {
            loader.problem(
                &path,
                1,
                "unexpected file: entries belong in a jurisdiction folder, like playbook/minneapolis-mn/",
            );
        }
    }
    for (id, path, related_ids) in std::mem::take(&mut loader.related) {
        let (ids, lines): (Vec<EntryId>, Vec<usize>) = related_ids.into_iter().unzip();
        let problems = check_related(&ids, Some(&id), |r| loader.files.contains_key(r));
        for problem in problems {
            let line = problem.path.index.and_then(|i| lines.get(i)).copied();
            loader.problem(&path, line.unwrap_or(1), problem.file_message());
        }
    }
    finish(loader, playbook)
}

fn finish(mut loader: Loader, mut playbook: Playbook) -> (Playbook, Loader) {
    loader.problems.sort();
    playbook.fingerprint = format!("{:x}", loader.digest.finalize_reset());
    (playbook, loader)
}

fn load_jurisdiction(loader: &mut Loader, root: &Path, folder: &Path, playbook: &mut Playbook) {
    let index_path = folder.join(JURISDICTION_INDEX);
    let slug = match Slug::parse(&file_name(folder)) {
        Ok(slug) => slug,
        Err(message) => {
            loader.problem(
                &index_path,
                1,
                format!("bad jurisdiction folder name: {message}"),
            );
            return;
        }
    };
    if !index_path.is_file() {
        loader.problem(
            &index_path,
            1,
            format!("missing jurisdiction {JURISDICTION_INDEX}: every jurisdiction folder needs one (name, state, level)"),
        );
    } else if let Some(jurisdiction) = read_jurisdiction(loader, root, &index_path, slug.clone()) {
        playbook.jurisdictions.insert(slug.clone(), jurisdiction);
    }
    let files = match list_dir(folder) {
        Ok(files) => files,
        Err(e) => {
            loader.problem(folder, 1, format!("cannot read folder: {e}"));
            return;
        }
    };
    let mut first_file_of: BTreeMap<EntryId, PathBuf> = BTreeMap::new();
    for path in files {
        if path.is_dir() {
            loader.problem(
                &path,
                1,
                "unexpected folder: entries sit directly in their jurisdiction folder",
            );
            continue;
        }
        if file_name(&path) == JURISDICTION_INDEX {
            continue;
        }
        let name = file_name(&path);
        let Some((stem, ending)) = EntryFile::split(&name) else {
            loader.problem(
                &path,
                1,
                "unexpected file: entries are Markdown files ending in .md",
            );
            continue;
        };
        let entry_slug = match Slug::parse(stem) {
            Ok(s) => s,
            Err(message) => {
                loader.problem(&path, 1, format!("bad entry file name: {message}"));
                continue;
            }
        };
        let id = EntryId::new(slug.clone(), entry_slug);
        if let Some(first) = first_file_of.get(&id) {
            let message = format!("duplicate id `{id}`: also defined by {}", first.display());
            loader.problem(&path, 1, message);
            continue;
        }
        first_file_of.insert(id.clone(), path.clone());
        let Some((entry, lines)) = read_entry(loader, root, &path, id.clone()) else {
            continue;
        };
        loader.files.insert(id.clone(), ending);
        if !entry.meta.related().is_empty() {
            let related = entry.meta.related().iter().cloned().zip(lines).collect();
            loader.related.push((id.clone(), path, related));
        }
        if loader.keep_entries {
            playbook.entries.insert(id, entry);
        }
    }
}

fn read_jurisdiction(
    loader: &mut Loader,
    root: &Path,
    path: &Path,
    slug: Slug,
) -> Option<Jurisdiction> {
    let text = loader.read_text(root, path)?;
    loader.keep(parse_jurisdiction_file(path, &text, slug))
}

fn read_entry(
    loader: &mut Loader,
    root: &Path,
    path: &Path,
    id: EntryId,
) -> Option<(Entry, Vec<usize>)> {
    let text = loader.read_text(root, path)?;
    loader.keep(parse_entry(path, &text, id))
}
