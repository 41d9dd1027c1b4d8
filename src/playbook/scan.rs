//! A cheap look at the playbook folder without reading any file: a stamp of every file's
//! relative path, size and modification time, and the curated entries' ids and files, which
//! the folder layout alone gives. Start-up compares the stamp with the one recorded after the
//! last full load to skip reading 100,000 files when nothing changed.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use sha2::{Digest, Sha256};

use super::slug::{EntryId, Slug, SourceId};
use super::source::{DECLARATION_ENDING, SOURCES_FOLDER};
use super::synonyms::SYNONYMS_FILE;
use super::topics::TOPICS_FILE;

/// A jurisdiction folder's description file.
pub const JURISDICTION_INDEX: &str = "_index.md";

/// A file modified this close to the scan may change again within the file system's
/// timestamp resolution without its stamp changing, so such a scan is not worth recording.
const SETTLE_TIME: Duration = Duration::from_secs(2);

/// A folder's items, sorted by name, hidden names skipped: the order `load_playbook` reads
/// in. Sorting by name rather than by path keeps 100,000 files cheap to list.
fn list_items(path: &Path) -> std::io::Result<Vec<(String, fs::DirEntry)>> {
    let mut items: Vec<(std::ffi::OsString, fs::DirEntry)> = fs::read_dir(path)?
        .filter_map(Result::ok)
        .map(|item| (item.file_name(), item))
        .filter(|(name, _)| !name.as_encoded_bytes().starts_with(b"."))
        .collect();
    items.sort_unstable_by(|(a, _), (b, _)| a.cmp(b));
    Ok(items
        .into_iter()
        .map(|(name, item)| (name.to_string_lossy().into_owned(), item))
        .collect())
}

/// Sorted directory listing, skipping hidden names (the order `load_playbook` reads in).
pub(super) fn list_dir(path: &Path) -> std::io::Result<Vec<PathBuf>> {
    Ok(list_items(path)?
        .into_iter()
        .map(|(_, item)| item.path())
        .collect())
}

/// The last component of `path`, as text.
pub(super) fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// How an entry's file name ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryFile {
    /// `<slug>.md`
    Md,
    /// `<slug>.markdown`
    Markdown,
}

impl EntryFile {
    /// The slug part and ending of an entry file name, or None for other files.
    pub fn split(name: &str) -> Option<(&str, EntryFile)> {
        name.strip_suffix(".md")
            .map(|stem| (stem, EntryFile::Md))
            .or_else(|| {
                name.strip_suffix(".markdown")
                    .map(|stem| (stem, EntryFile::Markdown))
            })
    }

    /// The file of entry `id` in the playbook folder `root`.
    pub fn path(self, root: &Path, id: &EntryId) -> PathBuf {
        let ending = match self {
            EntryFile::Md => "md",
            EntryFile::Markdown => "markdown",
        };
        root.join(id.jurisdiction.as_str())
            .join(format!("{}.{ending}", id.slug))
    }
}

/// What the folder holds, as far as names, sizes and times tell.
#[derive(Debug, Clone)]
pub struct PlaybookScan {
    /// A digest of every listed file's relative path, size and modification time.
    pub stamp: String,
    /// Whether every file was last modified well before the scan (see `SETTLE_TIME`); only
    /// then does an unchanged stamp reliably mean unchanged contents.
    pub settled: bool,
    /// Jurisdiction folders whose names are slugs.
    pub jurisdictions: Vec<Slug>,
    /// Curated entries by id, the first file of each id as `load_playbook` takes it.
    pub entries: BTreeMap<EntryId, EntryFile>,
    /// Whether `synonyms.toml` is present.
    pub has_synonyms: bool,
    /// Whether `topics.toml` is present.
    pub has_topic_labels: bool,
    /// Source declarations (`_sources/<id>.md`) by the ids their names give.
    pub sources: Vec<SourceId>,
}

/// A digest of listed items, and whether every file in it had settled.
struct Stamper {
    digest: Sha256,
    started: SystemTime,
    settled: bool,
}

impl Stamper {
    fn new(started: SystemTime) -> Self {
        Stamper {
            digest: Sha256::new(),
            started,
            settled: true,
        }
    }

    /// Adds one listed item by its name (a path relative to the playbook folder); returns
    /// whether it is a folder, which the caller stamps by its contents. Symbolic links count
    /// as what they point to, as when the folder is read.
    fn add(&mut self, relative: &str, item: &fs::DirEntry) -> std::io::Result<bool> {
        let mut meta = item.metadata()?;
        if meta.file_type().is_symlink() {
            meta = fs::metadata(item.path())?;
        }
        self.digest.update(relative.as_bytes());
        self.digest.update([0]);
        if meta.is_dir() {
            self.digest.update(b"d");
            return Ok(true);
        }
        let modified = meta.modified()?;
        let nanos = match modified.duration_since(UNIX_EPOCH) {
            Ok(after) => after.as_nanos() as i128,
            Err(before) => -(before.duration().as_nanos() as i128),
        };
        let age = match self.started.duration_since(modified) {
            Ok(age) => age,
            Err(ahead) => ahead.duration(),
        };
        if age < SETTLE_TIME {
            self.settled = false;
        }
        self.digest.update(b"f");
        self.digest.update(meta.len().to_le_bytes());
        self.digest.update(nanos.to_le_bytes());
        Ok(false)
    }
}

/// One top-level folder's share of the scan.
struct FolderScan {
    digest: [u8; 32],
    settled: bool,
    entries: Vec<(EntryId, EntryFile)>,
    sources: Vec<SourceId>,
}

/// Stamps the items of the top-level folder `name`, and lists its entries if its name is a
/// jurisdiction slug, or its declarations if it is the sources folder. Stored texts there
/// are stamped like any file, so a changed text is a changed folder.
fn scan_folder(
    name: &str,
    path: &Path,
    slug: Option<&Slug>,
    started: SystemTime,
) -> std::io::Result<FolderScan> {
    let mut stamper = Stamper::new(started);
    let mut entries = Vec::new();
    let mut sources = Vec::new();
    for (file_name, file) in list_items(path)? {
        let is_folder = stamper.add(&format!("{name}/{file_name}"), &file)?;
        if name == SOURCES_FOLDER && !is_folder {
            if let Some(id) = file_name
                .strip_suffix(DECLARATION_ENDING)
                .and_then(|stem| SourceId::parse(stem).ok())
            {
                sources.push(id);
            }
            continue;
        }
        let Some(slug) = slug.filter(|_| !is_folder && file_name != JURISDICTION_INDEX) else {
            continue;
        };
        if let Some((stem, ending)) = EntryFile::split(&file_name)
            && let Ok(entry_slug) = Slug::parse(stem)
        {
            entries.push((EntryId::new(slug.clone(), entry_slug), ending));
        }
    }
    Ok(FolderScan {
        digest: stamper.digest.finalize().into(),
        settled: stamper.settled,
        entries,
        sources,
    })
}

/// Scans every folder of `folders` (name, path, slug), on up to four threads: a stat is a
/// system call, and 100,000 of them take long enough to matter at start-up.
fn scan_folders(
    folders: &[(String, PathBuf, Option<Slug>)],
    started: SystemTime,
) -> std::io::Result<Vec<FolderScan>> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 4)
        .min(folders.len().max(1));
    let next = AtomicUsize::new(0);
    let work = || {
        let mut done = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some((name, path, slug)) = folders.get(i) else {
                return done;
            };
            done.push((i, scan_folder(name, path, slug.as_ref(), started)));
        }
    };
    let mut results: Vec<(usize, std::io::Result<FolderScan>)> = std::thread::scope(|scope| {
        let helpers: Vec<_> = (1..threads).map(|_| scope.spawn(work)).collect();
        let mut all = work();
        for helper in helpers {
            match helper.join() {
                Ok(done) => all.extend(done),
                Err(_) => all.push((
                    usize::MAX,
                    Err(std::io::Error::other("a scan thread panicked")),
                )),
            }
        }
        all
    });
    results.sort_unstable_by_key(|(i, _)| *i);
    results.into_iter().map(|(_, result)| result).collect()
}

/// Scans the playbook folder `dir`: lists it as `load_playbook` does and stats every file,
/// reading none. Any error means the caller should read the folder in full instead.
pub fn scan_playbook(dir: &Path) -> std::io::Result<PlaybookScan> {
    let started = SystemTime::now();
    let mut top = Stamper::new(started);
    let mut scan = PlaybookScan {
        stamp: String::new(),
        settled: true,
        jurisdictions: Vec::new(),
        entries: BTreeMap::new(),
        has_synonyms: false,
        has_topic_labels: false,
        sources: Vec::new(),
    };
    // The stamp: the top-level items (folders by name), then each folder's own digest.
    let mut folders = Vec::new();
    for (name, item) in list_items(dir)? {
        let is_folder = top.add(&name, &item)?;
        scan.has_synonyms |= !is_folder && name == SYNONYMS_FILE;
        scan.has_topic_labels |= !is_folder && name == TOPICS_FILE;
        if is_folder {
            let slug = Slug::parse(&name).ok();
            folders.push((name, item.path(), slug));
        }
    }
    let scanned = scan_folders(&folders, started)?;
    let mut digest = Sha256::new();
    digest.update(top.digest.finalize());
    for (folder, result) in folders.into_iter().zip(scanned) {
        digest.update(result.digest);
        scan.settled &= result.settled;
        for (id, file) in result.entries {
            scan.entries.entry(id).or_insert(file);
        }
        scan.sources.extend(result.sources);
        if let Some(slug) = folder.2 {
            scan.jurisdictions.push(slug);
        }
    }
    scan.stamp = format!("{:x}", digest.finalize());
    scan.settled &= top.settled;
    Ok(scan)
}
