//! The entry file format: TOML front matter between `+++` lines, then a Markdown body.
//!
//! Parsing goes through "raw" structs that keep each value's position, so every problem can
//! name its line; the result is an `EntryMeta` or `Jurisdiction` that is valid by construction.

use chrono::NaiveDate;
use serde::Deserialize;
use toml::Spanned;
use toml::value::Datetime;

use super::entry::{EntryMeta, Kind, Source, Status};
use super::jurisdiction::{Jurisdiction, Level};
use super::problem::line_of_offset;
use super::slug::{EntryId, Slug};

/// The longest title accepted, in characters.
pub const MAX_TITLE_CHARS: usize = 200;
/// The longest summary accepted, in characters.
pub const MAX_SUMMARY_CHARS: usize = 600;
/// The most topics an entry may have.
pub const MAX_TOPICS: usize = 20;

/// A problem on one line of a file, before the file's path is attached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineProblem {
    /// 1-based line in the file.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

impl LineProblem {
    fn new(line: usize, message: impl Into<String>) -> Self {
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

impl SplitFile<'_> {
    /// The file line of byte `offset` within the front matter.
    fn line_at(&self, offset: usize) -> usize {
        self.front_matter_first_line + line_of_offset(self.front_matter, offset) - 1
    }

    fn line_of<T>(&self, value: &Spanned<T>) -> usize {
        self.line_at(value.span().start)
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

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntry {
    title: Spanned<String>,
    summary: Spanned<String>,
    kind: Spanned<String>,
    #[serde(default)]
    topics: Vec<Spanned<String>>,
    date: Option<Spanned<Datetime>>,
    status: Option<Spanned<String>>,
    #[serde(default)]
    related: Vec<Spanned<String>>,
    #[serde(default)]
    sources: Vec<RawSource>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSource {
    title: Spanned<String>,
    publisher: Option<Spanned<String>>,
    date: Option<Spanned<Datetime>>,
    url: Option<Spanned<String>>,
    quote: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawJurisdiction {
    name: Spanned<String>,
    state: Option<Spanned<String>>,
    level: Spanned<String>,
}

/// Front matter of an entry, with the line of each `related` id (to report unknown ids).
#[derive(Debug, Clone)]
pub struct ParsedEntryMeta {
    /// The validated front matter.
    pub meta: EntryMeta,
    /// The file line of each id in `meta.related`, in the same order.
    pub related_lines: Vec<usize>,
}

/// Collects every problem found while validating one file.
struct Validator<'a> {
    file: SplitFile<'a>,
    problems: Vec<LineProblem>,
}

impl<'a> Validator<'a> {
    fn report<T>(&mut self, at: &Spanned<T>, message: impl Into<String>) {
        let line = self.file.line_of(at);
        self.problems.push(LineProblem::new(line, message));
    }

    fn required_text(&mut self, field: &str, value: &Spanned<String>, max: usize) -> String {
        let text = value.get_ref().trim();
        if text.is_empty() {
            self.report(value, format!("`{field}` must not be empty"));
        } else if text.chars().count() > max {
            self.report(value, format!("`{field}` is longer than {max} characters"));
        } else if text
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\t')
        {
            self.report(value, format!("`{field}` contains control characters"));
        }
        text.to_owned()
    }

    fn date(&mut self, field: &str, value: &Spanned<Datetime>) -> Option<NaiveDate> {
        let datetime = value.get_ref();
        let date = match (datetime.date, datetime.time, datetime.offset) {
            (Some(date), None, None) => {
                NaiveDate::from_ymd_opt(date.year.into(), date.month.into(), date.day.into())
            }
            _ => None,
        };
        if date.is_none() {
            self.report(
                value,
                format!("`{field}` must be a plain date like 2026-01-27, not `{datetime}`"),
            );
        }
        date
    }

    fn slug(&mut self, field: &str, value: &Spanned<String>) -> Option<Slug> {
        match Slug::parse(value.get_ref()) {
            Ok(slug) => Some(slug),
            Err(message) => {
                self.report(value, format!("bad `{field}`: {message}"));
                None
            }
        }
    }

    fn source(&mut self, raw: &RawSource) -> Source {
        let title = self.required_text("sources.title", &raw.title, MAX_TITLE_CHARS);
        let publisher = raw
            .publisher
            .as_ref()
            .map(|p| p.get_ref().trim().to_owned());
        let date = raw.date.as_ref().and_then(|d| self.date("sources.date", d));
        let url = raw.url.as_ref().and_then(|url| {
            let text = url.get_ref().trim();
            if text.starts_with("https://") || text.starts_with("http://") {
                Some(text.to_owned())
            } else {
                self.report(url, "`sources.url` must start with https:// or http://");
                None
            }
        });
        let quote = raw.quote.as_ref().map(|q| q.get_ref().trim().to_owned());
        if let (Some(""), Some(q)) = (quote.as_deref(), &raw.quote) {
            self.report(q, "`sources.quote` must not be empty");
        }
        Source {
            title,
            publisher,
            date,
            url,
            quote,
        }
    }
}

/// Parses and validates an entry's front matter.
pub fn parse_entry_meta(file: SplitFile<'_>) -> Result<ParsedEntryMeta, Vec<LineProblem>> {
    let raw: RawEntry =
        toml::from_str(file.front_matter).map_err(|e| vec![file.toml_problem(&e)])?;
    let mut v = Validator {
        file,
        problems: Vec::new(),
    };
    let title = v.required_text("title", &raw.title, MAX_TITLE_CHARS);
    let summary = v.required_text("summary", &raw.summary, MAX_SUMMARY_CHARS);
    let kind = Kind::parse(raw.kind.get_ref());
    if kind.is_none() {
        let all: Vec<_> = Kind::ALL.iter().map(|k| k.as_str()).collect();
        v.report(
            &raw.kind,
            format!(
                "unknown kind `{}`: use one of {}",
                raw.kind.get_ref().escape_debug(),
                all.join(", ")
            ),
        );
    }
    if let Some(extra) = raw.topics.get(MAX_TOPICS) {
        v.report(extra, format!("an entry has at most {MAX_TOPICS} topics"));
    }
    let mut topics: Vec<Slug> = Vec::new();
    for topic in &raw.topics {
        if let Some(slug) = v.slug("topics", topic)
            && !topics.contains(&slug)
        {
            topics.push(slug);
        }
    }
    let date = raw.date.as_ref().and_then(|d| v.date("date", d));
    let status = raw.status.as_ref().and_then(|s| {
        let status = Status::parse(s.get_ref());
        if status.is_none() {
            v.report(
                s,
                format!(
                    "unknown status `{}`: use one of proposed, in-effect, retired, template",
                    s.get_ref().escape_debug()
                ),
            );
        }
        status
    });
    let mut related = Vec::new();
    let mut related_lines = Vec::new();
    for id in &raw.related {
        match EntryId::parse(id.get_ref()) {
            Ok(parsed) => {
                related.push(parsed);
                related_lines.push(v.file.line_of(id));
            }
            Err(message) => v.report(id, format!("bad `related` id: {message}")),
        }
    }
    let sources = raw.sources.iter().map(|s| v.source(s)).collect();
    match kind {
        Some(kind) if v.problems.is_empty() => Ok(ParsedEntryMeta {
            meta: EntryMeta {
                title,
                summary,
                kind,
                topics,
                date,
                status,
                related,
                sources,
            },
            related_lines,
        }),
        _ => Err(v.problems),
    }
}

/// Parses and validates a jurisdiction's `_index.md`.
pub fn parse_jurisdiction(
    slug: Slug,
    file: SplitFile<'_>,
) -> Result<Jurisdiction, Vec<LineProblem>> {
    let raw: RawJurisdiction =
        toml::from_str(file.front_matter).map_err(|e| vec![file.toml_problem(&e)])?;
    let mut v = Validator {
        file,
        problems: Vec::new(),
    };
    let name = v.required_text("name", &raw.name, MAX_TITLE_CHARS);
    let state = raw.state.as_ref().and_then(|state| {
        let code = state.get_ref().trim();
        if code.len() == 2 && code.bytes().all(|b| b.is_ascii_uppercase()) {
            Some(code.to_owned())
        } else {
            v.report(state, "`state` must be a two-letter code like `MN`");
            None
        }
    });
    let level = Level::parse(raw.level.get_ref());
    if level.is_none() {
        v.report(&raw.level, "unknown `level`: use city, county or state");
    }
    match level {
        Some(level) if v.problems.is_empty() => Ok(Jurisdiction {
            slug,
            name,
            state,
            level,
            body_markdown: file.body.trim().to_owned(),
        }),
        _ => Err(v.problems),
    }
}
