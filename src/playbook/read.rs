//! Reads one playbook file (an entry, a jurisdiction's `_index.md`, a source declaration,
//! `synonyms.toml`, `topics.toml`) into its domain value, or the problems that keep it out, each naming the file and line. The folder
//! loader and the catalog's on-demand reads share these, so both judge a file alike.

use std::fs;
use std::path::Path;

use super::entry::{Broken, Entry, FieldPath, FieldProblem, Origin};
use super::front_matter::{
    EntryLines, LineProblem, parse_entry_meta, parse_jurisdiction, parse_source_declaration,
    split_front_matter,
};
use super::markdown::{MAX_NESTING_DEPTH, too_deep_at};
use super::problem::{Problem, line_of_offset};
use super::slug::{EntryId, Slug, SourceId};
use super::source::DeclaredSource;
use super::{Jurisdiction, Synonyms, TopicLabels};

/// The problems of `path`, with the path attached.
fn at(path: &Path, problems: Vec<LineProblem>) -> Vec<Problem> {
    problems
        .into_iter()
        .map(|p| Problem::new(path, p.line, p.message))
        .collect()
}

/// The file's bytes as UTF-8 text, or the line where the text stops being UTF-8.
pub(super) fn decode_utf8(path: &Path, bytes: Vec<u8>) -> Result<String, Problem> {
    String::from_utf8(bytes).map_err(|e| {
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let line = valid.iter().filter(|b| **b == b'\n').count() + 1;
        Problem::new(path, line, "invalid UTF-8: files must be UTF-8 text")
    })
}

fn read_utf8(path: &Path) -> Result<String, Vec<Problem>> {
    let bytes = fs::read(path)
        .map_err(|e| vec![Problem::new(path, 1, format!("cannot read file: {e}"))])?;
    decode_utf8(path, bytes).map_err(|p| vec![p])
}

/// The problem with a file's Markdown `body` (a part of `text`) that nests too deep, on the
/// line where it first does. Entries, jurisdictions and source declarations keep to the
/// limit their pages render within.
fn too_deep_body(path: &Path, text: &str, body: &str) -> Result<(), Vec<Problem>> {
    let Some(offset) = too_deep_at(body) else {
        return Ok(());
    };
    let line = line_of_offset(text, text.len() - body.len() + offset);
    let problem = FieldProblem {
        path: FieldPath::field("body"),
        broken: Broken::TooDeep {
            max: MAX_NESTING_DEPTH,
        },
    };
    Err(vec![Problem::new(
        path,
        line,
        format!("the body {}", problem.field_message()),
    )])
}

/// Parses the text of the entry file `path` as the entry `id`; also returns the file lines
/// of its related ids and sources, for checks that need the whole playbook.
pub(super) fn parse_entry(
    path: &Path,
    text: &str,
    id: EntryId,
) -> Result<(Entry, EntryLines), Vec<Problem>> {
    let file = split_front_matter(text).map_err(|p| at(path, vec![p]))?;
    if let Some(offset) = file.body.find('\0') {
        let line = line_of_offset(text, text.len() - file.body.len() + offset);
        return Err(vec![Problem::new(
            path,
            line,
            "the body contains a NUL character",
        )]);
    }
    too_deep_body(path, text, file.body)?;
    let parsed = parse_entry_meta(file).map_err(|problems| at(path, problems))?;
    // A curated entry changed when its front matter says it was reviewed, not when its file
    // was last written: a deploy or a checkout rewrites every file.
    let updated = parsed
        .meta
        .reviewed()
        .and_then(|day| day.and_hms_opt(0, 0, 0))
        .map(|midnight| midnight.and_utc());
    let entry = Entry {
        id,
        meta: parsed.meta,
        body_markdown: file.body.trim().to_owned(),
        origin: Origin::Curated,
        updated,
    };
    Ok((entry, parsed.lines))
}

/// Parses the text of a jurisdiction's `_index.md`.
pub(super) fn parse_jurisdiction_file(
    path: &Path,
    text: &str,
    slug: Slug,
) -> Result<Jurisdiction, Vec<Problem>> {
    let file = split_front_matter(text).map_err(|p| at(path, vec![p]))?;
    too_deep_body(path, text, file.body)?;
    parse_jurisdiction(slug, file).map_err(|problems| at(path, problems))
}

/// Parses the text of the source declaration `path` as the source `id`.
pub(super) fn parse_source_declaration_file(
    path: &Path,
    text: &str,
    id: SourceId,
) -> Result<DeclaredSource, Vec<Problem>> {
    let file = split_front_matter(text).map_err(|p| at(path, vec![p]))?;
    too_deep_body(path, text, file.body)?;
    parse_source_declaration(id, file).map_err(|problems| at(path, problems))
}

/// Parses the text of `synonyms.toml`.
pub(super) fn parse_synonyms_file(path: &Path, text: &str) -> Result<Synonyms, Vec<Problem>> {
    Synonyms::parse(text).map_err(|problems| at(path, problems))
}

/// Parses the text of `topics.toml`.
pub(super) fn parse_topics_file(path: &Path, text: &str) -> Result<TopicLabels, Vec<Problem>> {
    TopicLabels::parse(text).map_err(|problems| at(path, problems))
}

/// Reads the entry file `path` as the entry `id`. Related ids are not checked against the
/// rest of the playbook: that takes the whole folder (`load_playbook`).
pub fn read_entry_file(path: &Path, id: EntryId) -> Result<Entry, Vec<Problem>> {
    let text = read_utf8(path)?;
    parse_entry(path, &text, id).map(|(entry, _)| entry)
}

/// Reads a jurisdiction's `_index.md`.
pub fn read_jurisdiction_file(path: &Path, slug: Slug) -> Result<Jurisdiction, Vec<Problem>> {
    parse_jurisdiction_file(path, &read_utf8(path)?, slug)
}

/// Reads a source declaration, `_sources/<id>.md`.
pub fn read_source_declaration_file(
    path: &Path,
    id: SourceId,
) -> Result<DeclaredSource, Vec<Problem>> {
    parse_source_declaration_file(path, &read_utf8(path)?, id)
}

/// Reads `synonyms.toml`.
pub fn read_synonyms_file(path: &Path) -> Result<Synonyms, Vec<Problem>> {
    parse_synonyms_file(path, &read_utf8(path)?)
}

/// Reads `topics.toml`.
pub fn read_topics_file(path: &Path) -> Result<TopicLabels, Vec<Problem>> {
    parse_topics_file(path, &read_utf8(path)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_body_nesting_too_deep_is_a_problem_on_its_first_deep_line() {
        let text = format!(
            "+++\ntitle = \"T\"\nsummary = \"S\"\nkind = \"practice\"\n+++\nIntro.\n\n{}deep\n",
            "> ".repeat(50_000)
        );
        let path = Path::new("playbook/a/b.md");
        let id = EntryId::parse("a/b").expect("id");
        let problems = parse_entry(path, &text, id).expect_err("too deep");
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].line, 8, "{problems:?}");
        assert!(
            problems[0]
                .to_string()
                .starts_with("playbook/a/b.md:8: the body must not nest"),
            "{problems:?}"
        );
    }
}
