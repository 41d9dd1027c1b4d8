//! `playbook check` checks quotes against the sources' stored texts (issue 16, "Provenance in
//! the product"): with the POLITICO article as its source's text, `--require-verified` passes
//! on the real playbook and fails at the file and line of a quote altered by one word; with no
//! texts, `--require-verified` fails and plain `check` passes with a note. Sources are
//! declared once in `_sources/`, and an id that names no declaration is a problem at its line.
//!
//! The article is never in the repository: tests that need it read
//! `<crate root>/../shared/sources/article.txt`, and say so and skip where it is absent,
//! except in CI (`CI=true`), which has it and where its absence is a failure.

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use city_playbook::playbook::load_playbook;
use support::cli::{stderr, stdout};
use support::playbook::article;
use tempfile::TempDir;

/// The id the playbook declares the POLITICO article under.
const POLITICO: &str = "politico-operation-metro-surge";

fn crate_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

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

/// Copies the folder `from` to `to`, leaving out stored texts (`*.txt`), so a copy of the
/// real playbook has none even where someone keeps one beside the declarations.
fn copy_playbook(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for item in std::fs::read_dir(from).expect("read dir") {
        let item = item.expect("dir entry");
        let target = to.join(item.file_name());
        if item.path().is_dir() {
            copy_playbook(&item.path(), &target);
        } else if item.path().extension().is_none_or(|e| e != "txt") {
            std::fs::copy(item.path(), &target).expect("copy");
        }
    }
}

/// A temp folder holding `playbook/` (a copy of the real one, or one built by a test) and
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

    fn with_real_playbook() -> Sandbox {
        let sandbox = Sandbox::empty();
        copy_playbook(&crate_root().join("playbook"), &sandbox.path("playbook"));
        sandbox
    }

    fn path(&self, relative: &str) -> PathBuf {
        self.root.path().join(relative)
    }

    fn write(&self, relative: &str, text: &str) {
        let path = self.path(relative);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }

    fn read(&self, relative: &str) -> String {
        std::fs::read_to_string(self.path(relative)).expect("read")
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

/// The 1-based line of the first line of `text` containing `needle`.
fn line_of(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("no line contains {needle:?}"))
        + 1
}

/// How many quotes of declared sources the real playbook makes.
fn real_declared_quotes() -> usize {
    let loaded = load_playbook(&crate_root().join("playbook"));
    assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
    loaded.playbook.quotes.of_declared.len()
}

#[test]
fn the_real_playbook_declares_the_article_once_and_cites_it_by_id() {
    let loaded = load_playbook(&crate_root().join("playbook"));
    assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
    let playbook = loaded.playbook;
    let declared = playbook.source(POLITICO).expect("the article is declared");
    assert_eq!(declared.details.publisher.as_deref(), Some("POLITICO"));
    assert!(
        !declared.text_may_be_shown,
        "a news article's text is not shown"
    );
    assert_eq!(
        playbook.quotes.inline, 0,
        "every quote cites a declared source"
    );
    assert!(playbook.quotes.of_declared.len() >= 24);
    for entry in playbook.entries.values() {
        for source in entry.meta.sources() {
            assert_eq!(
                source.declared_id().map(|id| id.as_str()),
                Some(POLITICO),
                "{}",
                entry.id
            );
        }
    }
    assert!(
        !crate_root()
            .join("playbook/_sources")
            .join(format!("{POLITICO}.txt"))
            .exists()
            || std::process::Command::new("git")
                .args(["check-ignore", "-q"])
                .arg(format!("playbook/_sources/{POLITICO}.txt"))
                .current_dir(crate_root())
                .status()
                .is_ok_and(|s| s.success()),
        "the article's text must never be committed"
    );
}

#[test]
fn with_the_article_stored_every_quote_of_the_real_playbook_is_verified() {
    let Some(article) = article() else { return };
    let sandbox = Sandbox::with_real_playbook();
    sandbox.write(&format!("texts/{POLITICO}.txt"), &article);
    let output = sandbox.check(&["--sources-dir", "texts", "--require-verified"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let quotes = real_declared_quotes();
    let out = stdout(&output);
    assert!(
        out.contains(&format!(
            "{quotes} of {quotes} quote(s) of them checked word for word"
        )),
        "{out}"
    );
    assert!(!out.contains("note:"), "every quote was checked: {out}");
}

#[test]
fn a_quote_altered_by_one_word_fails_at_its_file_and_line() {
    let Some(article) = article() else { return };
    let sandbox = Sandbox::with_real_playbook();
    sandbox.write(&format!("texts/{POLITICO}.txt"), &article);
    let file = "playbook/minneapolis-mn/frey-three-points.md";
    let text = sandbox.read(file);
    let quote_line = line_of(&text, "quote = ");
    let original = text.lines().nth(quote_line - 1).expect("the line");
    assert!(original.contains(" and "), "{original}");
    let altered = original.replacen(" and ", " or ", 1);
    sandbox.write(file, &text.replacen(original, &altered, 1));

    for args in [
        vec!["--sources-dir", "texts"],
        vec!["--sources-dir", "texts", "--require-verified"],
    ] {
        let output = sandbox.check(&args);
        assert!(!output.status.success(), "{args:?}: {}", stdout(&output));
        assert_eq!(
            problem_lines(&output),
            [format!(
                "{file}:{quote_line}: quote not found in {POLITICO}"
            )],
            "{args:?}"
        );
        assert!(stderr(&output).ends_with("1 problem(s) found\n"));
    }
}

#[test]
fn typographic_quotes_apostrophes_dashes_and_spacing_do_not_count_against_a_quote() {
    let Some(article) = article() else { return };
    let sandbox = Sandbox::with_real_playbook();
    sandbox.write(&format!("texts/{POLITICO}.txt"), &article);
    let file = "playbook/minneapolis-mn/frey-three-points.md";
    let text = sandbox.read(file);
    let plain = text
        .replace(['\u{201C}', '\u{201D}'], "\\\"")
        .replace('\u{2019}', "'")
        .replace('\u{2014}', "-")
        .replace(". ", ".  ");
    assert_ne!(plain, text, "the entry has typographic marks to make plain");
    sandbox.write(file, &plain);
    let output = sandbox.check(&["--sources-dir", "texts", "--require-verified"]);
    assert!(output.status.success(), "{}", stderr(&output));
}

#[test]
fn with_no_texts_require_verified_fails_and_plain_check_passes_with_a_note() {
    let sandbox = Sandbox::with_real_playbook();
    let quotes = real_declared_quotes();

    let plain = sandbox.check(&["--sources-dir", "texts"]);
    assert!(plain.status.success(), "{}", stderr(&plain));
    let out = stdout(&plain);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2, "{out}");
    assert!(lines[0].starts_with("ok: "), "{out}");
    assert!(
        lines[0].ends_with(&format!(
            "0 of {quotes} quote(s) of them checked word for word"
        )),
        "{out}"
    );
    assert!(
        lines[1].starts_with(&format!("note: {quotes} quote(s) not checked word for word: {quotes} cite a declared source with no stored text here (no {POLITICO}.txt in texts")),
        "{out}"
    );

    let required = sandbox.check(&["--sources-dir", "texts", "--require-verified"]);
    assert!(!required.status.success());
    let problems = problem_lines(&required);
    assert_eq!(problems.len(), quotes, "{problems:?}");
    let message = format!(": quote of {POLITICO} not checked: no stored text");
    assert!(
        problems.iter().all(|l| l.ends_with(&message)),
        "{problems:?}"
    );
    let file = "playbook/minneapolis-mn/frey-three-points.md";
    let first_quote = line_of(&sandbox.read(file), "quote = ");
    assert!(
        problems.contains(&format!("{file}:{first_quote}{message}")),
        "{problems:?}"
    );

    // The default sources folder is the playbook's own `_sources`, which ships no text.
    let default = sandbox.check(&[]);
    assert!(default.status.success(), "{}", stderr(&default));
    assert!(
        stdout(&default).contains(&format!("(no {POLITICO}.txt in playbook/_sources;")),
        "{}",
        stdout(&default)
    );
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
