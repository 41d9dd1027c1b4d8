//! `playbook check` run as the real binary: valid playbooks pass with a summary line; a broken
//! one fails and lists every problem, each as `path:line: message` on the offending line.

mod support;

use std::path::Path;
use std::process::{Command, Output};

use support::cli::{stderr, stdout};
use tempfile::TempDir;

/// Runs `playbook check --playbook-dir <playbook_dir>` from `current_dir`.
fn run_check(current_dir: &Path, playbook_dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_playbook"))
        .current_dir(current_dir)
        .env_remove("PLAYBOOK_DIR")
        .arg("check")
        .arg("--playbook-dir")
        .arg(playbook_dir)
        .output()
        .expect("the playbook binary runs")
}

/// A playbook folder at `<temp>/playbook`, checked from `<temp>` so paths print as `playbook/...`.
struct TempPlaybook {
    root: TempDir,
}

impl TempPlaybook {
    fn new() -> Self {
        TempPlaybook {
            root: tempfile::tempdir().expect("a temp dir"),
        }
    }

    /// Writes `contents` to `playbook/<relative>`, creating folders as needed.
    fn write(&self, relative: &str, contents: impl AsRef<[u8]>) {
        let path = self.root.path().join("playbook").join(relative);
        std::fs::create_dir_all(path.parent().expect("a parent folder")).expect("mkdir");
        std::fs::write(path, contents).expect("write a playbook file");
    }

    fn check(&self) -> Output {
        run_check(self.root.path(), Path::new("playbook"))
    }
}

/// A jurisdiction's `_index.md` with the given front matter lines (the first is line 2).
fn index(fields: &str) -> String {
    format!("+++\n{fields}+++\nA place.\n")
}

/// An entry with the given front matter lines (the first is line 2).
fn entry(fields: &str) -> String {
    format!("+++\n{fields}+++\nThe body.\n")
}

/// Front matter that is valid on its own: title on line 2, summary on 3, kind on 4.
const VALID: &str = "title = \"A title\"\nsummary = \"A summary.\"\nkind = \"practice\"\n";

/// Panics unless one line of `stderr` starts with `path:line: ` and contains `fragment`.
fn assert_reported(stderr: &str, path: &str, line: usize, fragment: &str) {
    let prefix = format!("{path}:{line}: ");
    let found = stderr
        .lines()
        .any(|l| l.starts_with(&prefix) && l.contains(fragment));
    assert!(found, "expected `{prefix}...{fragment}...` in:\n{stderr}");
}

#[test]
fn the_real_playbook_passes_with_a_summary_line() {
    let crate_root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let output = run_check(crate_root, &crate_root.join("playbook"));
    assert!(output.status.success(), "{}", stderr(&output));
    let out = stdout(&output);
    // One summary line, and a note when quotes could not be checked (the repository keeps no
    // source's text).
    assert!(
        out.lines().skip(1).all(|l| l.starts_with("note: ")),
        "{out}"
    );
    assert!(out.lines().count() <= 2, "{out}");
    assert!(out.starts_with("ok: "), "{out}");
    assert!(out.contains(" entries in 2 jurisdictions"), "{out}");
    assert_eq!(stderr(&output), "");
}

#[test]
fn a_playbook_for_other_cities_passes() {
    let crate_root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let fixture = crate_root.join("tests/fixtures/valid-playbook");
    let output = run_check(crate_root, &fixture);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        stdout(&output),
        "ok: 3 entries in 2 jurisdictions (2 synonym groups)\n"
    );
}

#[test]
fn a_missing_playbook_folder_fails() {
    let temp = TempPlaybook::new();
    let output = temp.check();
    assert!(!output.status.success());
    assert_reported(
        &stderr(&output),
        "playbook",
        1,
        "cannot read the playbook folder",
    );
}

/// Writes one broken file per rule into `temp`; returns each expected `(path, line, message)`.
fn write_broken_playbook(temp: &TempPlaybook) -> Vec<(&'static str, usize, &'static str)> {
    temp.write(
        "city-a/_index.md",
        index("name = \"City A\"\nstate = \"OR\"\nlevel = \"city\"\n"),
    );
    temp.write("city-a/ok.md", entry(VALID));
    temp.write(
        "synonyms.toml",
        "[[group]]\nterms = [\"a\", \"b\"]\n\n[[group]]\nterms = [\"alone\"]\n",
    );
    temp.write(
        "topics.toml",
        "[labels]\nnational-guard = \"National Guard\"\n\"Not A Slug\" = \"Topic\"\n",
    );
    temp.write(
        "city-a/unknown-field.md",
        entry(&format!("{VALID}colour = \"red\"\n")),
    );
    temp.write(
        "city-a/bad-kind.md",
        entry("title = \"T\"\nsummary = \"S\"\nkind = \"memo\"\n"),
    );
    temp.write(
        "city-a/bad-date.md",
        entry(&format!("{VALID}date = 2026-13-45\n")),
    );
    temp.write(
        "city-a/date-with-time.md",
        entry(&format!("{VALID}date = 2026-01-27T10:00:00\n")),
    );
    temp.write(
        "city-a/bad-status.md",
        entry(&format!("{VALID}status = \"done\"\n")),
    );
    temp.write(
        "city-a/unknown-related.md",
        entry(&format!(
            "{VALID}related = [\n  \"city-a/ok\",\n  \"city-a/no-such-entry\",\n]\n"
        )),
    );
    temp.write("city-a/dup.markdown", entry(VALID));
    temp.write("city-a/dup.md", entry(VALID));
    temp.write("city-a/Upper-Case.md", entry(VALID));
    temp.write("city-a/under_score.md", entry(VALID));
    temp.write(
        "city-a/bad-topic.md",
        entry(&format!("{VALID}topics = [\"policing\", \"Bad Topic\"]\n")),
    );
    temp.write(
        "city-a/empty-title.md",
        entry("title = \"  \"\nsummary = \"S\"\nkind = \"practice\"\n"),
    );
    temp.write(
        "city-a/several.md",
        entry("title = \"T\"\nsummary = \"\"\nkind = \"guidance\"\nstatus = \"active\"\n"),
    );
    temp.write(
        "city-a/bad-source.md",
        entry(&format!(
            "{VALID}\n[[sources]]\ntitle = \"A source\"\nurl = \"ftp://example.org/\"\n"
        )),
    );
    temp.write(
        "city-a/missing-summary.md",
        entry("title = \"T\"\nkind = \"practice\"\n"),
    );
    temp.write(
        "city-a/unknown-source-field.md",
        entry(&format!(
            "{VALID}\n[[sources]]\ntitle = \"A source\"\nquote_text = \"x\"\n"
        )),
    );
    let mut invalid_utf8 = entry(VALID).into_bytes();
    invalid_utf8.extend_from_slice(b"Line seven.\nLine eight \xff here.\n");
    temp.write("city-a/invalid-utf8.md", invalid_utf8);
    temp.write(
        "city-a/unterminated.md",
        format!("+++\n{VALID}The body, with no closing fence.\n"),
    );
    temp.write(
        "city-a/no-front-matter.md",
        "# A heading\n\nJust Markdown.\n",
    );
    temp.write("no-index/orphan.md", entry(VALID));
    temp.write(
        "bad-state/_index.md",
        index("name = \"B\"\nstate = \"Oregon\"\nlevel = \"state\"\n"),
    );
    temp.write(
        "bad-level/_index.md",
        index("name = \"C\"\nstate = \"OR\"\nlevel = \"town\"\n"),
    );
    temp.write(
        "Bad_City/_index.md",
        index("name = \"D\"\nlevel = \"city\"\n"),
    );
    vec![
        ("playbook/synonyms.toml", 5, "at least two terms"),
        ("playbook/topics.toml", 3, "must be a topic slug"),
        (
            "playbook/city-a/unknown-field.md",
            5,
            "unknown field `colour`",
        ),
        ("playbook/city-a/bad-kind.md", 4, "unknown kind `memo`"),
        ("playbook/city-a/bad-date.md", 5, "invalid front matter"),
        (
            "playbook/city-a/date-with-time.md",
            5,
            "must be a plain date",
        ),
        ("playbook/city-a/bad-status.md", 5, "unknown status `done`"),
        (
            "playbook/city-a/unknown-related.md",
            7,
            "unknown related id `city-a/no-such-entry`",
        ),
        ("playbook/city-a/dup.md", 1, "duplicate id `city-a/dup`"),
        ("playbook/city-a/Upper-Case.md", 1, "bad entry file name"),
        ("playbook/city-a/under_score.md", 1, "bad entry file name"),
        ("playbook/city-a/bad-topic.md", 5, "bad `topics`"),
        (
            "playbook/city-a/empty-title.md",
            2,
            "`title` must not be empty",
        ),
        (
            "playbook/city-a/several.md",
            3,
            "`summary` must not be empty",
        ),
        ("playbook/city-a/several.md", 5, "unknown status `active`"),
        (
            "playbook/city-a/bad-source.md",
            8,
            "`sources.url` must start with https://",
        ),
        (
            "playbook/city-a/missing-summary.md",
            2,
            "missing field `summary`",
        ),
        (
            "playbook/city-a/unknown-source-field.md",
            8,
            "unknown field `quote_text`",
        ),
        ("playbook/city-a/invalid-utf8.md", 8, "invalid UTF-8"),
        (
            "playbook/city-a/unterminated.md",
            1,
            "unterminated front matter",
        ),
        (
            "playbook/city-a/no-front-matter.md",
            1,
            "missing front matter",
        ),
        (
            "playbook/no-index/_index.md",
            1,
            "missing jurisdiction _index.md",
        ),
        (
            "playbook/bad-state/_index.md",
            3,
            "`state` must be a two-letter code",
        ),
        ("playbook/bad-level/_index.md", 4, "unknown `level`"),
        (
            "playbook/Bad_City/_index.md",
            1,
            "bad jurisdiction folder name",
        ),
    ]
}

#[test]
fn one_run_reports_every_problem_at_its_line() {
    let temp = TempPlaybook::new();
    let expected = write_broken_playbook(&temp);
    let output = temp.check();
    let err = stderr(&output);
    assert!(!output.status.success(), "{err}");
    assert_eq!(stdout(&output), "", "no summary line when the check fails");
    for (path, line, fragment) in &expected {
        assert_reported(&err, path, *line, fragment);
    }
    let problem_lines = err.lines().filter(|l| l.starts_with("playbook")).count();
    assert_eq!(
        problem_lines,
        expected.len(),
        "unexpected extra problems:\n{err}"
    );
    assert!(
        err.ends_with(&format!("{} problem(s) found\n", expected.len())),
        "{err}"
    );
}

#[test]
fn a_related_id_that_exists_is_not_reported() {
    let temp = TempPlaybook::new();
    temp.write(
        "city-a/_index.md",
        index("name = \"City A\"\nlevel = \"city\"\n"),
    );
    temp.write(
        "city-a/first.md",
        entry(&format!("{VALID}related = [\"city-a/second\"]\n")),
    );
    temp.write(
        "city-a/second.md",
        entry(&format!("{VALID}related = [\"city-a/first\"]\n")),
    );
    let output = temp.check();
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        stdout(&output),
        "ok: 2 entries in 1 jurisdictions (0 synonym groups)\n"
    );
}
