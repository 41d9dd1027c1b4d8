//! Playbooks to test against: the one shipped in the repository, and small ones written file by
//! file into a temp dir so the facts a test depends on are under its control.

use std::fs;
use std::path::{Path, PathBuf};

use city_playbook::playbook::{Playbook, load_playbook};
use tempfile::TempDir;

/// The playbook shipped in the repository.
pub fn real_playbook_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("playbook")
}

/// The POLITICO article's reference copy (`<crate root>/../shared/sources/article.txt`; never
/// in the repository), if this machine has it; None (after saying so) when it does not,
/// unless this is CI (`CI=true`), where that is a failure.
pub fn article() -> Option<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/sources/article.txt");
    match std::fs::read_to_string(&path) {
        Ok(text) => Some(text),
        Err(e) if std::env::var("CI").is_ok_and(|ci| ci == "true") => panic!(
            "CI must have the article at {} to check quotes against it: {e}",
            path.display()
        ),
        Err(e) => {
            eprintln!(
                "note: skipping: the article's reference copy {} is not here ({e})",
                path.display()
            );
            None
        }
    }
}

/// Loads a playbook folder, failing the test on any problem.
pub fn load_valid(dir: &Path) -> Playbook {
    let loaded = load_playbook(dir);
    assert!(
        loaded.problems.is_empty(),
        "the playbook at {} has problems:\n{}",
        dir.display(),
        loaded
            .problems
            .iter()
            .map(|p| p.to_string())
            .collect::<Vec<_>>()
            .join("\n")
    );
    loaded.playbook
}

/// One entry file to write into a fixture playbook.
#[derive(Debug, Clone)]
pub struct EntryFile {
    title: String,
    summary: String,
    kind: String,
    topics: Vec<String>,
    date: Option<String>,
    status: Option<String>,
    body: String,
}

/// An entry with this title, a neutral summary, kind `guidance`, no topics, no date, no body.
pub fn entry(title: &str) -> EntryFile {
    EntryFile {
        title: title.to_owned(),
        summary: "Fixture entry.".to_owned(),
        kind: "guidance".to_owned(),
        topics: Vec::new(),
        date: None,
        status: None,
        body: String::new(),
    }
}

impl EntryFile {
    /// Sets the summary.
    pub fn summary(mut self, summary: &str) -> Self {
        self.summary = summary.to_owned();
        self
    }

    /// Sets the kind slug.
    pub fn kind(mut self, kind: &str) -> Self {
        self.kind = kind.to_owned();
        self
    }

    /// Sets the topic slugs.
    pub fn topics(mut self, topics: &[&str]) -> Self {
        self.topics = topics.iter().map(|t| (*t).to_owned()).collect();
        self
    }

    /// Sets the date, `YYYY-MM-DD`.
    pub fn date(mut self, date: &str) -> Self {
        self.date = Some(date.to_owned());
        self
    }

    /// Sets the status slug.
    pub fn status(mut self, status: &str) -> Self {
        self.status = Some(status.to_owned());
        self
    }

    /// Sets the Markdown body.
    pub fn body(mut self, body: &str) -> Self {
        self.body = body.to_owned();
        self
    }

    /// The file's text: TOML front matter between `+++` lines, then the body.
    pub fn to_file_text(&self) -> String {
        let mut text = String::from("+++\n");
        text.push_str(&format!("title = {}\n", toml_string(&self.title)));
        text.push_str(&format!("summary = {}\n", toml_string(&self.summary)));
        text.push_str(&format!("kind = {}\n", toml_string(&self.kind)));
        let topics: Vec<String> = self.topics.iter().map(|t| toml_string(t)).collect();
        text.push_str(&format!("topics = [{}]\n", topics.join(", ")));
        if let Some(date) = &self.date {
            text.push_str(&format!("date = {date}\n"));
        }
        if let Some(status) = &self.status {
            text.push_str(&format!("status = {}\n", toml_string(status)));
        }
        text.push_str("+++\n");
        text.push_str(&self.body);
        text.push('\n');
        text
    }
}

/// A TOML basic string (JSON string escapes are valid TOML escapes).
fn toml_string(text: &str) -> String {
    serde_json::to_string(text).expect("a string serializes")
}

/// A playbook written file by file into a temp dir.
pub struct FixturePlaybook {
    root: TempDir,
}

impl FixturePlaybook {
    /// An empty playbook folder.
    pub fn new() -> Self {
        FixturePlaybook {
            root: TempDir::new().expect("temp playbook dir"),
        }
    }

    /// A copy of a folder under `tests/fixtures/`.
    pub fn copy_of_fixture(name: &str) -> Self {
        let fixture = FixturePlaybook::new();
        let source = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(name);
        copy_dir(&source, fixture.dir());
        fixture
    }

    /// The playbook folder.
    pub fn dir(&self) -> &Path {
        self.root.path()
    }

    /// Adds a jurisdiction folder with its `_index.md`.
    pub fn jurisdiction(self, slug: &str, name: &str, state: Option<&str>, level: &str) -> Self {
        let folder = self.dir().join(slug);
        fs::create_dir_all(&folder).expect("jurisdiction folder");
        let state = state
            .map(|s| format!("state = {}\n", toml_string(s)))
            .unwrap_or_default();
        let text = format!(
            "+++\nname = {}\n{state}level = {}\n+++\nA fictional place for tests.\n",
            toml_string(name),
            toml_string(level)
        );
        fs::write(folder.join("_index.md"), text).expect("write _index.md");
        self
    }

    /// Writes (or overwrites) the entry `jurisdiction/slug`.
    pub fn entry(self, id: &str, entry: EntryFile) -> Self {
        self.write_entry(id, &entry);
        self
    }

    /// Writes (or overwrites) the entry `jurisdiction/slug` in place.
    pub fn write_entry(&self, id: &str, entry: &EntryFile) {
        fs::write(self.entry_path(id), entry.to_file_text()).expect("write entry");
    }

    /// The file of entry `jurisdiction/slug`.
    pub fn entry_path(&self, id: &str) -> PathBuf {
        self.dir().join(format!("{id}.md"))
    }

    /// Writes `synonyms.toml`.
    pub fn synonyms(self, toml: &str) -> Self {
        fs::write(self.dir().join("synonyms.toml"), toml).expect("write synonyms.toml");
        self
    }

    /// Loads the playbook, failing the test on any problem.
    pub fn load(&self) -> Playbook {
        load_valid(self.dir())
    }
}

impl Default for FixturePlaybook {
    fn default() -> Self {
        FixturePlaybook::new()
    }
}

/// Copies a folder tree.
pub fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("create folder");
    for item in fs::read_dir(from).expect("read fixture folder") {
        let item = item.expect("fixture item");
        let target = to.join(item.file_name());
        if item.path().is_dir() {
            copy_dir(&item.path(), &target);
        } else {
            fs::copy(item.path(), &target).expect("copy fixture file");
        }
    }
}
