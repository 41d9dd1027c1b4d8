//! The file format: TOML front matter between `+++` lines, then a Markdown body.
//!
//! Front matter is parsed once into a TOML table that remembers where each value stands;
//! fields are read from it, and each problem the entry, jurisdiction or source declaration
//! rules find (keyed by field) is placed on the line of the value it is about.

use serde::Deserialize;
use serde::de::IntoDeserializer;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::entry::{EntryFields, EntryMeta, FieldPath, FieldProblems};
use super::jurisdiction::{Jurisdiction, JurisdictionFields};
use super::problem::line_of_offset;
use super::slug::{Slug, SourceId};
use super::source::{DeclaredSource, SourceDeclarationFields};

/// A problem on one line of a file, before the file's path is attached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineProblem {
    /// 1-based line in the file.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

impl LineProblem {
    /// A problem on `line`.
    pub fn new(line: usize, message: impl Into<String>) -> Self {
        LineProblem {
            line,
            message: message.into(),
        }
    }
}

/// A file split into its front matter and body.
#[derive(Debug, Clone, Copy)]
pub struct SplitFile<'a> {
    /// The TOML between the `+++` lines.
    pub front_matter: &'a str,
    /// The file line on which the TOML starts.
    pub front_matter_first_line: usize,
    /// Everything after the closing `+++` line.
    pub body: &'a str,
}

/// Splits `text` at its `+++` fences.
pub fn split_front_matter(text: &str) -> Result<SplitFile<'_>, LineProblem> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text.split_inclusive('\n');
    let first = lines.next().unwrap_or("");
    if first.trim_end() != "+++" {
        return Err(LineProblem::new(
            1,
            "missing front matter: the file must start with a `+++` line",
        ));
    }
    let front_start = first.len();
    let mut offset = front_start;
    for line in lines {
        if line.trim_end() == "+++" {
            return Ok(SplitFile {
                front_matter: &text[front_start..offset],
                front_matter_first_line: 2,
                body: &text[offset + line.len()..],
            });
        }
        offset += line.len();
    }
    Err(LineProblem::new(
        1,
        "unterminated front matter: no closing `+++` line",
    ))
}

/// Front matter parsed as TOML, each value with its place in the file.
pub struct FrontMatter<'a> {
    file: SplitFile<'a>,
    table: Spanned<DeTable<'a>>,
}

impl<'a> SplitFile<'a> {
    /// Parses the front matter as TOML.
    pub fn parse(&self) -> Result<FrontMatter<'a>, LineProblem> {
        let table = DeTable::parse(self.front_matter).map_err(|e| self.toml_problem(&e))?;
        Ok(FrontMatter { file: *self, table })
    }

    /// The file line of byte `offset` within the front matter.
    fn line_at(&self, offset: usize) -> usize {
        self.front_matter_first_line + line_of_offset(self.front_matter, offset) - 1
    }

    fn toml_problem(&self, error: &toml::de::Error) -> LineProblem {
        let line = error.span().map_or(self.front_matter_first_line, |span| {
            self.line_at(span.start)
        });
        LineProblem::new(
            line,
            format!("invalid front matter: {}", error.message().trim()),
        )
    }
}

impl FrontMatter<'_> {
    /// The fields as `T`; a value of the wrong type or an unknown field is a problem on its
    /// line.
    pub fn fields<T: for<'de> Deserialize<'de>>(&self) -> Result<T, LineProblem> {
        T::deserialize(self.table.clone().into_deserializer())
            .map_err(|e| self.file.toml_problem(&e))
    }

    /// The line of the value at `path`: the deepest part of the path that is present, else
    /// the first line of the front matter (a missing field).
    pub fn line_of(&self, path: &FieldPath) -> usize {
        let value = table_value(self.table.get_ref(), path.name);
        let item = value.and_then(|v| match (v.get_ref(), path.index) {
            (DeValue::Array(items), Some(i)) => items.get(i),
            _ => None,
        });
        let field = item.and_then(|item| match (item.get_ref(), path.field) {
            (DeValue::Table(table), Some(name)) => table_value(table, name),
            _ => None,
        });
        field
            .or(item)
            .or(value)
            .map_or(self.file.front_matter_first_line, |v| {
                self.file.line_at(v.span().start)
            })
    }

    /// Each problem as a line problem, with a file report's wording.
    pub fn at_lines(&self, problems: FieldProblems) -> Vec<LineProblem> {
        problems
            .into_iter()
            .map(|p| LineProblem::new(self.line_of(&p.path), p.file_message()))
            .collect()
    }
}

fn table_value<'t, 'a>(table: &'t DeTable<'a>, name: &str) -> Option<&'t Spanned<DeValue<'a>>> {
    table
        .iter()
        .find(|(key, _)| key.get_ref() == name)
        .map(|(_, value)| value)
}

/// Front matter of an entry, with the lines of what checks needing the rest of the playbook
/// (or the sources' texts) report on.
#[derive(Debug, Clone)]
pub struct ParsedEntryMeta {
    /// The validated front matter.
    pub meta: EntryMeta,
    /// The lines of its values.
    pub lines: EntryLines,
}

/// Where an entry's related ids and sources stand in its file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EntryLines {
    /// The file line of each id in `meta.related()`, in the same order.
    pub related: Vec<usize>,
    /// The file line of each source's `source` id (else of the item), in the order of
    /// `meta.sources()`.
    pub source_ids: Vec<usize>,
    /// The file line of each source's `quote` (else of the item), in the same order.
    pub quotes: Vec<usize>,
}

/// Parses and validates an entry's front matter.
pub fn parse_entry_meta(file: SplitFile<'_>) -> Result<ParsedEntryMeta, Vec<LineProblem>> {
    let front = file.parse().map_err(|p| vec![p])?;
    let fields: EntryFields = front.fields().map_err(|p| vec![p])?;
    let meta = EntryMeta::parse(&fields).map_err(|problems| front.at_lines(problems))?;
    let related = (0..meta.related().len())
        .map(|i| front.line_of(&FieldPath::item("related", i)))
        .collect();
    let source_line = |field| -> Vec<usize> {
        (0..meta.sources().len())
            .map(|i| front.line_of(&FieldPath::item_field("sources", i, field)))
            .collect()
    };
    let lines = EntryLines {
        related,
        source_ids: source_line("source"),
        quotes: source_line("quote"),
    };
    Ok(ParsedEntryMeta { meta, lines })
}

/// Parses and validates a source declaration, `_sources/<id>.md`.
pub fn parse_source_declaration(
    id: SourceId,
    file: SplitFile<'_>,
) -> Result<DeclaredSource, Vec<LineProblem>> {
    let front = file.parse().map_err(|p| vec![p])?;
    let fields: SourceDeclarationFields = front.fields().map_err(|p| vec![p])?;
    DeclaredSource::parse(id, &fields, file.body).map_err(|problems| front.at_lines(problems))
}

/// Parses and validates a jurisdiction's `_index.md`.
pub fn parse_jurisdiction(
    slug: Slug,
    file: SplitFile<'_>,
) -> Result<Jurisdiction, Vec<LineProblem>> {
    let front = file.parse().map_err(|p| vec![p])?;
    let fields: JurisdictionFields = front.fields().map_err(|p| vec![p])?;
    Jurisdiction::parse(slug, &fields, file.body).map_err(|problems| front.at_lines(problems))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems_of(front_matter: &str) -> Vec<LineProblem> {
        let text = format!("+++\n{front_matter}+++\nBody\n");
        let file = split_front_matter(&text).expect("splits");
        parse_entry_meta(file).expect_err("invalid")
    }

    #[test]
    fn each_problem_is_on_the_line_of_its_value() {
        let problems = problems_of(
            "title = \"T\"\nsummary = \"S\"\nkind = \"memo\"\ntopics = [\n  \"ok\",\n  \"Not A Slug\",\n]\n\n[[sources]]\ntitle = \"\"\npublisher = \"P\"\n",
        );
        let lines: Vec<(usize, &str)> = problems
            .iter()
            .map(|p| (p.line, p.message.as_str()))
            .collect();
        assert_eq!(lines[0].0, 4, "{lines:?}");
        assert!(lines[0].1.starts_with("unknown kind `memo`"), "{lines:?}");
        assert_eq!(lines[1].0, 7, "{lines:?}");
        assert!(lines[1].1.starts_with("bad `topics`"), "{lines:?}");
        assert_eq!(lines[2], (11, "`sources.title` must not be empty"));
    }

    #[test]
    fn a_missing_field_is_on_the_first_line_and_an_unknown_one_on_its_own() {
        let missing = problems_of("title = \"T\"\nkind = \"practice\"\n");
        assert_eq!(missing[0], LineProblem::new(2, "missing field `summary`"));
        let unknown =
            problems_of("title = \"T\"\nsummary = \"S\"\nkind = \"practice\"\ncolour = 1\n");
        assert_eq!(unknown[0].line, 5);
        assert!(
            unknown[0].message.contains("unknown field `colour`"),
            "{unknown:?}"
        );
    }
}
