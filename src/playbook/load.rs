//! Reads a playbook folder into a `Playbook`, collecting every problem rather than stopping
//! at the first.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

use super::entry::{Entry, Origin};
use super::front_matter::{LineProblem, parse_entry_meta, parse_jurisdiction, split_front_matter};
use super::problem::{Problem, line_of_offset};
use super::slug::{EntryId, Slug};
use super::synonyms::{SYNONYMS_FILE, Synonyms};
use super::{Jurisdiction, Playbook};

/// A jurisdiction folder's description file.
pub const JURISDICTION_INDEX: &str = "_index.md";

/// A playbook as far as it could be read, and everything wrong with it.
#[derive(Debug)]
pub struct LoadedPlaybook {
    /// The valid part: files with problems are left out.
    pub playbook: Playbook,
    /// Every problem, sorted by file and line.
    pub problems: Vec<Problem>,
}

struct Loader {
    problems: Vec<Problem>,
    digest: Sha256,
}

impl Loader {
    fn problem(&mut self, path: &Path, line: usize, message: impl Into<String>) {
        self.problems.push(Problem::new(path, line, message));
    }

    fn line_problems(&mut self, path: &Path, problems: Vec<LineProblem>) {
        for p in problems {
            self.problem(path, p.line, p.message);
        }
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
        match String::from_utf8(bytes) {
            Ok(text) => Some(text),
            Err(e) => {
                let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
                let line = valid.iter().filter(|b| **b == b'\n').count() + 1;
                self.problem(path, line, "invalid UTF-8: files must be UTF-8 text");
                None
            }
        }
    }
}

/// Sorted directory listing, skipping hidden names.
fn list_dir(path: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut paths: Vec<PathBuf> = fs::read_dir(path)?
        .filter_map(|item| item.ok().map(|item| item.path()))
        .filter(|p| !file_name(p).starts_with('.'))
        .collect();
    paths.sort();
    Ok(paths)
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The slug of an entry file (`name.md` or `name.markdown`), or None for other files.
fn entry_file_stem(path: &Path) -> Option<String> {
    let name = file_name(path);
    name.strip_suffix(".md")
        .or_else(|| name.strip_suffix(".markdown"))
        .map(str::to_owned)
}

/// Reads and validates the playbook under `dir`.
pub fn load_playbook(dir: &Path) -> LoadedPlaybook {
    let mut loader = Loader {
        problems: Vec::new(),
        digest: Sha256::new(),
    };
    let mut playbook = Playbook::default();
    let top = match list_dir(dir) {
        Ok(top) => top,
        Err(e) => {
            loader.problem(dir, 1, format!("cannot read the playbook folder: {e}"));
            return finish(loader, playbook);
        }
    };
    // Entries with the line of each related id, checked once every entry is known.
    let mut related_lines: BTreeMap<EntryId, (PathBuf, Vec<usize>)> = BTreeMap::new();
    for path in top {
        let name = file_name(&path);
        if path.is_dir() {
            load_jurisdiction(&mut loader, dir, &path, &mut playbook, &mut related_lines);
        } else if name == SYNONYMS_FILE {
            if let Some(text) = loader.read_text(dir, &path) {
                match Synonyms::parse(&text) {
                    Ok(synonyms) => playbook.synonyms = synonyms,
                    Err(problems) => loader.line_problems(&path, problems),
                }
            }
        } else if name != "README.md" {
            loader.problem(
                &path,
                1,
                "unexpected file: entries belong in a jurisdiction folder, like playbook/minneapolis-mn/",
            );
        }
    }
    for (id, (path, lines)) in &related_lines {
        let Some(entry) = playbook.entries.get(id) else {
            continue;
        };
        let mut seen = Vec::new();
        for (related, line) in entry.meta.related.iter().zip(lines) {
            if related == id {
                loader.problem(path, *line, "an entry cannot be related to itself");
            } else if !playbook.entries.contains_key(related) {
                loader.problem(
                    path,
                    *line,
                    format!("unknown related id `{related}`: no such entry"),
                );
            } else if seen.contains(&related) {
                loader.problem(
                    path,
                    *line,
                    format!("related id `{related}` is listed twice"),
                );
            }
            seen.push(related);
        }
    }
    finish(loader, playbook)
}

fn finish(loader: Loader, mut playbook: Playbook) -> LoadedPlaybook {
    let mut problems = loader.problems;
    problems.sort();
    playbook.fingerprint = format!("{:x}", loader.digest.finalize());
    LoadedPlaybook { playbook, problems }
}

fn load_jurisdiction(
    loader: &mut Loader,
    root: &Path,
    folder: &Path,
    playbook: &mut Playbook,
    related_lines: &mut BTreeMap<EntryId, (PathBuf, Vec<usize>)>,
) {
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
        let Some(stem) = entry_file_stem(&path) else {
            loader.problem(
                &path,
                1,
                "unexpected file: entries are Markdown files ending in .md",
            );
            continue;
        };
        let entry_slug = match Slug::parse(&stem) {
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
        if let Some((entry, lines)) = read_entry(loader, root, &path, id.clone()) {
            related_lines.insert(id.clone(), (path, lines));
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
    let parsed = split_front_matter(&text)
        .map_err(|p| vec![p])
        .and_then(|file| parse_jurisdiction(slug, file));
    parsed
        .map_err(|problems| loader.line_problems(path, problems))
        .ok()
}

fn read_entry(
    loader: &mut Loader,
    root: &Path,
    path: &Path,
    id: EntryId,
) -> Option<(Entry, Vec<usize>)> {
    let text = loader.read_text(root, path)?;
    let file = match split_front_matter(&text) {
        Ok(file) => file,
        Err(problem) => {
            loader.line_problems(path, vec![problem]);
            return None;
        }
    };
    if let Some(offset) = file.body.find('\0') {
        let line = line_of_offset(&text, text.len() - file.body.len() + offset);
        loader.problem(path, line, "the body contains a NUL character");
        return None;
    }
    match parse_entry_meta(file) {
        Ok(parsed) => Some((
            Entry {
                id,
                meta: parsed.meta,
                body_markdown: file.body.trim().to_owned(),
                origin: Origin::Curated,
                updated: fs::metadata(path)
                    .and_then(|m| m.modified())
                    .ok()
                    .map(DateTime::<Utc>::from),
            },
            parsed.related_lines,
        )),
        Err(problems) => {
            loader.line_problems(path, problems);
            None
        }
    }
}
