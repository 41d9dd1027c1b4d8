//! Reads a playbook folder into a `Playbook`, collecting every problem rather than stopping
//! at the first.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::entry::meta::check_related;
use super::entry::{Broken, Entry, FieldPath, FieldProblem};
use super::front_matter::EntryLines;
use super::problem::Problem;
use super::provenance::{CitedQuote, PlaybookQuotes, QuotePlace};
use super::read::{
    decode_utf8, parse_entry, parse_jurisdiction_file, parse_source_declaration_file,
    parse_synonyms_file, parse_topics_file,
};
pub use super::scan::JURISDICTION_INDEX;
use super::scan::{EntryFile, file_name, list_dir};
use super::slug::{EntryId, Slug, SourceId};
use super::source::{DECLARATION_ENDING, DeclaredSource, SOURCES_FOLDER, TEXT_ENDING};
use super::synonyms::SYNONYMS_FILE;
use super::synonyms::Synonyms;
use super::topics::{TOPICS_FILE, TopicLabels};
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
    /// How topics read, from `topics.toml`.
    pub topic_labels: TopicLabels,
    /// Declared sources by id.
    pub sources: BTreeMap<SourceId, DeclaredSource>,
    /// Every quote the entries make, those of declared sources with their file and line.
    pub quotes: PlaybookQuotes,
    /// Every valid entry's id, with how its file name ends.
    pub entries: BTreeMap<EntryId, EntryFile>,
    /// The fingerprint `load_playbook` would give.
    pub fingerprint: String,
    /// Every problem, sorted by file and line.
    pub problems: Vec<Problem>,
}

/// A valid entry with related ids: its file, and each related id with its line.
type RelatedIds = (EntryId, PathBuf, Vec<(EntryId, usize)>);

/// A valid entry's source items that name a declared source, checked once every declaration
/// is known.
struct DeclaredCitations {
    /// The entry's file.
    path: PathBuf,
    items: Vec<DeclaredCitation>,
}

/// One source item naming a declared source.
struct DeclaredCitation {
    /// Its place among the entry's sources.
    index: usize,
    /// The id it names, and that id's line.
    id: SourceId,
    id_line: usize,
    /// Its quote, with the quote's line.
    quote: Option<(String, usize)>,
}

struct Loader {
    problems: Vec<Problem>,
    digest: Sha256,
    /// Whether entries are kept in the playbook, or only their ids in `files`.
    keep_entries: bool,
    files: BTreeMap<EntryId, EntryFile>,
    /// Checked once every entry is known.
    related: Vec<RelatedIds>,
    /// Checked once every declaration is known.
    citations: Vec<DeclaredCitations>,
    /// Where each quote of a source described inline stands.
    inline_quotes: Vec<QuotePlace>,
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
        let bytes = self.read_bytes(path)?;
        let relative = path.strip_prefix(root).unwrap_or(path);
        self.digest.update(relative.to_string_lossy().as_bytes());
        self.digest.update([0]);
        self.digest.update((bytes.len() as u64).to_le_bytes());
        self.digest.update(&bytes);
        self.keep(decode_utf8(path, bytes).map_err(|p| vec![p]))
    }

    /// Reads a file as UTF-8 text that the index holds nothing of, so it is left out of the
    /// fingerprint (a source declaration: entries cite it by id; editing it needs no rebuild).
    fn read_unindexed_text(&mut self, path: &Path) -> Option<String> {
        let bytes = self.read_bytes(path)?;
        self.keep(decode_utf8(path, bytes).map_err(|p| vec![p]))
    }

    fn read_bytes(&mut self, path: &Path) -> Option<Vec<u8>> {
        match fs::read(path) {
            Ok(bytes) => Some(bytes),
            Err(e) => {
                self.problem(path, 1, format!("cannot read file: {e}"));
                None
            }
        }
    }

    /// Notes an entry's sources: quotes of sources described inline are counted; items naming
    /// a declared source wait for every declaration to be known.
    fn note_sources(&mut self, root: &Path, path: &Path, entry: &Entry, lines: &EntryLines) {
        let mut items = Vec::new();
        for (i, source) in entry.meta.sources().iter().enumerate() {
            let line = |lines: &[usize]| lines.get(i).copied().unwrap_or(1);
            match source.declared_id() {
                Some(id) => {
                    let quote = source.quote.clone().map(|q| (q, line(&lines.quotes)));
                    items.push(DeclaredCitation {
                        index: i,
                        id: id.clone(),
                        id_line: line(&lines.source_ids),
                        quote,
                    });
                }
                None if source.quote.is_some() => self.inline_quotes.push(QuotePlace {
                    file: path.strip_prefix(root).unwrap_or(path).to_owned(),
                    line: line(&lines.quotes),
                }),
                None => {}
            }
        }
        if !items.is_empty() {
            self.citations.push(DeclaredCitations {
                path: path.to_owned(),
                items,
            });
        }
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
        topic_labels: playbook.topic_labels,
        sources: playbook.sources,
        quotes: playbook.quotes,
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
        citations: Vec::new(),
        inline_quotes: Vec::new(),
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
        if path.is_dir() && name == SOURCES_FOLDER {
            load_sources(&mut loader, &path, &mut playbook);
        } else if path.is_dir() {
            load_jurisdiction(&mut loader, dir, &path, &mut playbook);
        } else if name == SYNONYMS_FILE {
            if let Some(text) = loader.read_text(dir, &path)
                && let Some(synonyms) = loader.keep(parse_synonyms_file(&path, &text))
            {
                playbook.synonyms = synonyms;
            }
        } else if name == TOPICS_FILE {
            if let Some(text) = loader.read_text(dir, &path)
                && let Some(labels) = loader.keep(parse_topics_file(&path, &text))
            {
                playbook.topic_labels = labels;
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
    for cited in std::mem::take(&mut loader.citations) {
        let file = cited
            .path
            .strip_prefix(dir)
            .unwrap_or(&cited.path)
            .to_owned();
        for item in cited.items {
            if !playbook.sources.contains_key(&item.id) {
                let problem = FieldProblem {
                    path: FieldPath::item_field("sources", item.index, "source"),
                    broken: Broken::NoSuchSource(item.id),
                };
                loader.problem(&cited.path, item.id_line, problem.file_message());
            } else if let Some((quote, line)) = item.quote {
                playbook.quotes.of_declared.push(CitedQuote {
                    file: file.clone(),
                    line,
                    source: item.id,
                    quote,
                });
            }
        }
    }
    playbook.quotes.inline = loader.inline_quotes.len();
    playbook.quotes.inline_places = std::mem::take(&mut loader.inline_quotes);
    finish(loader, playbook)
}

/// Reads the declarations of the sources folder; its stored texts (`<id>.txt`) are read only
/// when quotes are checked.
fn load_sources(loader: &mut Loader, folder: &Path, playbook: &mut Playbook) {
    let files = match list_dir(folder) {
        Ok(files) => files,
        Err(e) => {
            loader.problem(folder, 1, format!("cannot read folder: {e}"));
            return;
        }
    };
    for path in files {
        let name = file_name(&path);
        if path.is_dir() {
            loader.problem(
                &path,
                1,
                format!(
                    "unexpected folder: {SOURCES_FOLDER}/ holds source declarations and texts only"
                ),
            );
            continue;
        }
        if name == "README.md" || name.ends_with(TEXT_ENDING) {
            continue;
        }
        let Some(stem) = name.strip_suffix(DECLARATION_ENDING) else {
            loader.problem(
                &path,
                1,
                format!("unexpected file: {SOURCES_FOLDER}/ holds declarations (<source-id>.md) and stored texts (<source-id>.txt)"),
            );
            continue;
        };
        let id = match SourceId::parse(stem) {
            Ok(id) => id,
            Err(message) => {
                loader.problem(&path, 1, format!("bad source file name: {message}"));
                continue;
            }
        };
        let Some(text) = loader.read_unindexed_text(&path) else {
            continue;
        };
        if let Some(declared) = loader.keep(parse_source_declaration_file(&path, &text, id)) {
            playbook.sources.insert(declared.id.clone(), declared);
        }
    }
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
        loader.note_sources(root, &path, &entry, &lines);
        if !entry.meta.related().is_empty() {
            let related = entry
                .meta
                .related()
                .iter()
                .cloned()
                .zip(lines.related)
                .collect();
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
) -> Option<(Entry, EntryLines)> {
    let text = loader.read_text(root, path)?;
    loader.keep(parse_entry(path, &text, id))
}
