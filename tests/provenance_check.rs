//! `playbook check` checks quotes against the sources' stored texts (issue 16, "Provenance in
//! the product"): a quote not found is a problem at its file and line; with
//! `--require-verified`, so is a quote with no stored text to check it against; otherwise a
//! note says how many quotes were not checked. Sources are declared once in `_sources/`, and
//! an id that names no declaration is a problem at its line.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use tempfile::TempDir;

/// Runs `playbook check ARGS` from `dir`.
fn check(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_playbook"))
        .current_dir(dir)
        .env_remove("PLAYBOOK_DIR")
        .env_remove("PLAYBOOK_SOURCES_DIR")
        .arg("check")
        .args(args)
        .output()
        .expect("the playbook binary runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A temp folder holding `playbook/` (built by a test) and
/// `texts/` (an empty folder for stored texts), checked from the folder so paths print as
/// `playbook/...`.
struct Sandbox {
    root: TempDir,
}

impl Sandbox {
    fn empty() -> Sandbox {
        let root = tempfile::tempdir().expect("a temp dir");
        std::fs::create_dir_all(root.path().join("texts")).expect("mkdir");
        Sandbox { root }
    }

    fn path(&self, relative: &str) -> PathBuf {
        self.root.path().join(relative)
    }

    fn write(&self, relative: &str, text: &str) {
        let path = self.path(relative);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }

    /// `playbook check --playbook-dir playbook ARGS`.
    fn check(&self, args: &[&str]) -> Output {
        let mut all = vec!["--playbook-dir", "playbook"];
        all.extend_from_slice(args);
        check(self.root.path(), &all)
    }
}

/// The problem lines of a failed check (`path:line: message`).
fn problem_lines(output: &Output) -> Vec<String> {
    stderr(output)
        .lines()
        .filter(|l| l.starts_with("playbook/"))
        .map(str::to_owned)
        .collect()
}

/// A small playbook with one declared public record, `council-minutes`, whose text is stored
/// (by default beside its declaration), and entries quoting it in `entries`.
fn minutes_playbook(sandbox: &Sandbox, entries: &[(&str, &str)]) {
    sandbox.write(
        "playbook/riverton-or/_index.md",
        "+++\nname = \"Riverton\"\nstate = \"OR\"\nlevel = \"city\"\n+++\nA river town.\n",
    );
    sandbox.write(
        "playbook/_sources/council-minutes.md",
        "+++\ntitle = \"Minutes of the Riverton council, 3 March\"\npublisher = \"City of Riverton\"\nkind = \"report\"\npublished = 2026-03-04\ntext_may_be_shown = true\n+++\nThe council's minutes.\n",
    );
    sandbox.write(
        "playbook/_sources/council-minutes.txt",
        "The council met at 7 p.m. The mayor said \u{201C}the ferry stays open\u{201D} \u{2014} whatever\nhappens.   Members agreed.\n",
    );
    for (slug, sources) in entries {
        sandbox.write(
            &format!("playbook/riverton-or/{slug}.md"),
            &format!(
                "+++\ntitle = \"T\"\nsummary = \"S\"\nkind = \"practice\"\n{sources}+++\nBody.\n"
            ),
        );
    }
}

#[test]
fn quotes_of_a_stored_public_record_are_checked_from_the_default_folder() {
    let sandbox = Sandbox::empty();
    minutes_playbook(
        &sandbox,
        &[
            (
                "faithful",
                "\n[[sources]]\nsource = \"council-minutes\"\nquote = \"The mayor said \\\"the ferry stays open\\\" - whatever happens. Members agreed.\"\n",
            ),
            (
                "unfaithful",
                "\n[[sources]]\nsource = \"council-minutes\"\nquote = \"The mayor said the ferry stays open.\"\n",
            ),
        ],
    );
    let output = sandbox.check(&[]);
    assert!(!output.status.success());
    assert_eq!(
        problem_lines(&output),
        ["playbook/riverton-or/unfaithful.md:8: quote not found in council-minutes"]
    );
}

#[test]
fn a_source_naming_an_undeclared_id_is_a_problem_at_its_line() {
    let sandbox = Sandbox::empty();
    minutes_playbook(
        &sandbox,
        &[
            (
                "unknown-id",
                "\n[[sources]]\nsource = \"council-minutes\"\n\n[[sources]]\nsource = \"no-such-source\"\nquote = \"x\"\n",
            ),
            (
                "both",
                "\n[[sources]]\nsource = \"council-minutes\"\ntitle = \"Minutes\"\n",
            ),
        ],
    );
    sandbox.write("playbook/_sources/Bad_Name.md", "+++\n+++\n");
    sandbox.write(
        "playbook/_sources/no-kind.md",
        "+++\ntitle = \"A memo\"\n+++\n",
    );
    let output = sandbox.check(&[]);
    assert!(!output.status.success());
    let problems = problem_lines(&output);
    let expect = [
        ("playbook/_sources/Bad_Name.md:1: ", "bad source file name"),
        ("playbook/_sources/no-kind.md:2: ", "missing field `kind`"),
        (
            "playbook/riverton-or/both.md:8: ",
            "`sources.title` must be left out: the declared source `council-minutes` gives it",
        ),
        (
            "playbook/riverton-or/unknown-id.md:10: ",
            "unknown source `no-such-source`: declare it in _sources/no-such-source.md",
        ),
    ];
    for (prefix, fragment) in expect {
        assert!(
            problems
                .iter()
                .any(|l| l.starts_with(prefix) && l.contains(fragment)),
            "expected `{prefix}...{fragment}` in {problems:#?}"
        );
    }
    assert_eq!(problems.len(), expect.len(), "{problems:#?}");
}

#[test]
fn an_inline_source_is_accepted_and_its_quote_noted_as_not_checked() {
    let sandbox = Sandbox::empty();
    minutes_playbook(
        &sandbox,
        &[(
            "inline",
            "\n[[sources]]\ntitle = \"Harbor memo\"\npublisher = \"Port of Riverton\"\nquote = \"Close the gate at dusk.\"\n",
        )],
    );
    let plain = sandbox.check(&[]);
    assert!(plain.status.success(), "{}", stderr(&plain));
    assert!(
        stdout(&plain).contains(
            "note: 1 quote(s) not checked word for word: 1 cite a source described inline, not declared in _sources/"
        ),
        "{}",
        stdout(&plain)
    );
    let required = sandbox.check(&["--require-verified"]);
    assert!(!required.status.success());
    assert_eq!(
        problem_lines(&required),
        ["playbook/riverton-or/inline.md:9: quote not checked: no declared source"]
    );
}

#[test]
fn a_stored_text_that_is_not_utf8_is_a_problem() {
    let sandbox = Sandbox::empty();
    minutes_playbook(&sandbox, &[]);
    std::fs::write(
        sandbox.path("playbook/_sources/council-minutes.txt"),
        b"ok\n\xff\n",
    )
    .expect("write");
    let output = sandbox.check(&[]);
    assert!(!output.status.success());
    assert_eq!(
        problem_lines(&output),
        ["playbook/_sources/council-minutes.txt:2: invalid UTF-8: files must be UTF-8 text"]
    );
}
