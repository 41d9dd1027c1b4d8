//! An entry as submitted by a city (API JSON or browser form), validated field by field so
//! every mistake can be shown next to its field.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::entry::{EntryMeta, Kind, Source, Status};
use super::front_matter::{MAX_SUMMARY_CHARS, MAX_TITLE_CHARS, MAX_TOPICS};
use super::slug::{EntryId, Slug};

/// The largest body accepted, in bytes.
pub const MAX_BODY_BYTES: usize = 100 * 1024;
/// The most sources an entry may cite.
pub const MAX_SOURCES: usize = 20;
/// The most related ids an entry may list.
pub const MAX_RELATED: usize = 20;

/// A source as submitted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SourceInput {
    /// Title.
    pub title: String,
    /// Publisher.
    pub publisher: Option<String>,
    /// `YYYY-MM-DD`.
    pub date: Option<String>,
    /// http(s) URL.
    pub url: Option<String>,
    /// The quoted passage.
    pub quote: Option<String>,
}

impl SourceInput {
    /// Whether every field is blank (an unused form group).
    pub fn is_blank(&self) -> bool {
        let blank = |v: &Option<String>| v.as_deref().is_none_or(|s| s.trim().is_empty());
        self.title.trim().is_empty()
            && blank(&self.publisher)
            && blank(&self.date)
            && blank(&self.url)
            && blank(&self.quote)
    }
}

impl From<&Source> for SourceInput {
    fn from(s: &Source) -> Self {
        SourceInput {
            title: s.title.clone(),
            publisher: s.publisher.clone(),
            date: s.date.map(|d| d.format("%Y-%m-%d").to_string()),
            url: s.url.clone(),
            quote: s.quote.clone(),
        }
    }
}

/// An entry as submitted. Unknown and read-only fields (`id`, `body_html`, …) are ignored.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct EntryInput {
    /// The slug within the jurisdiction.
    pub slug: String,
    /// The jurisdiction (only admins may name one other than their own).
    pub jurisdiction: Option<JurisdictionInput>,
    /// Title.
    pub title: String,
    /// Summary.
    pub summary: String,
    /// Kind slug.
    pub kind: String,
    /// Topic slugs.
    pub topics: Vec<String>,
    /// `YYYY-MM-DD`.
    pub date: Option<String>,
    /// Status slug.
    pub status: Option<String>,
    /// Related entry ids.
    pub related: Vec<String>,
    /// Sources.
    pub sources: Vec<SourceInput>,
    /// The Markdown body.
    pub body_markdown: String,
}

/// A jurisdiction named in input: a slug, or the object the API returns (its `slug` is used).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum JurisdictionInput {
    /// `"minneapolis-mn"`
    Slug(String),
    /// `{"slug": "minneapolis-mn", ...}`
    Object {
        /// The slug.
        slug: String,
    },
}

impl JurisdictionInput {
    /// The slug as given.
    pub fn slug(&self) -> &str {
        match self {
            JurisdictionInput::Slug(slug) | JurisdictionInput::Object { slug } => slug,
        }
    }
}

/// Problems by field name (`title`, `sources[0].url`, …).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct FieldErrors(pub BTreeMap<String, String>);

impl FieldErrors {
    /// Records a problem with `field`.
    pub fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.entry(field.into()).or_insert_with(|| message.into());
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The problem with `field`, if any.
    pub fn get(&self, field: &str) -> Option<&str> {
        self.0.get(field).map(String::as_str)
    }
}

/// A submitted entry that passed validation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidEntry {
    /// The slug.
    pub slug: Slug,
    /// The front matter.
    pub meta: EntryMeta,
    /// The body.
    pub body_markdown: String,
}

const FENCE_MESSAGE: &str =
    "must not contain a line of only +++ (it ends the front matter in the file format)";

/// Whether a text has a line that is exactly `+++`, which would end an entry file's front matter.
fn has_fence_line(text: &str) -> bool {
    text.lines().any(|line| line.trim() == "+++")
}

fn text(errors: &mut FieldErrors, field: &str, value: &str, max: usize) -> String {
    let value = value.trim();
    if value.is_empty() {
        errors.add(field, "must not be empty");
    } else if value.chars().count() > max {
        errors.add(field, format!("must be at most {max} characters"));
    } else if value
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t' && c != '\r')
    {
        errors.add(field, "must not contain control characters");
    } else if has_fence_line(value) {
        errors.add(field, FENCE_MESSAGE);
    }
    value.to_owned()
}

fn parse_date(errors: &mut FieldErrors, field: &str, value: &Option<String>) -> Option<NaiveDate> {
    let value = value.as_deref().map(str::trim).filter(|v| !v.is_empty())?;
    let parsed = NaiveDate::parse_from_str(value, "%Y-%m-%d").ok();
    if parsed.is_none() {
        errors.add(field, "must be a date like 2026-01-27");
    }
    parsed
}

fn optional(value: &Option<String>) -> Option<String> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

impl EntryInput {
    /// Checks every field, reporting all problems at once.
    pub fn validate(&self) -> Result<ValidEntry, FieldErrors> {
        let mut errors = FieldErrors::default();
        let slug = Slug::parse(self.slug.trim())
            .map_err(|m| errors.add("slug", m))
            .ok();
        let title = text(&mut errors, "title", &self.title, MAX_TITLE_CHARS);
        let summary = text(&mut errors, "summary", &self.summary, MAX_SUMMARY_CHARS);
        let kind = Kind::parse(self.kind.trim());
        if kind.is_none() {
            let all: Vec<_> = Kind::ALL.iter().map(|k| k.as_str()).collect();
            errors.add("kind", format!("must be one of {}", all.join(", ")));
        }
        let mut topics = Vec::new();
        for topic in self
            .topics
            .iter()
            .map(|t| t.trim())
            .filter(|t| !t.is_empty())
        {
            match Slug::parse(topic) {
                Ok(slug) if !topics.contains(&slug) => topics.push(slug),
                Ok(_) => {}
                Err(m) => errors.add("topics", m),
            }
        }
        if topics.len() > MAX_TOPICS {
            errors.add("topics", format!("at most {MAX_TOPICS} topics"));
        }
        let date = parse_date(&mut errors, "date", &self.date);
        let status = optional(&self.status).and_then(|s| {
            let status = Status::parse(&s);
            if status.is_none() {
                errors.add(
                    "status",
                    "must be one of proposed, in-effect, retired, template",
                );
            }
            status
        });
        let mut related = Vec::new();
        for id in self
            .related
            .iter()
            .map(|r| r.trim())
            .filter(|r| !r.is_empty())
        {
            match EntryId::parse(id) {
                Ok(id) if !related.contains(&id) => related.push(id),
                Ok(_) => {}
                Err(m) => errors.add("related", m),
            }
        }
        if related.len() > MAX_RELATED {
            errors.add("related", format!("at most {MAX_RELATED} related entries"));
        }
        let mut sources = Vec::new();
        let given: Vec<&SourceInput> = self.sources.iter().filter(|s| !s.is_blank()).collect();
        if given.len() > MAX_SOURCES {
            errors.add("sources", format!("at most {MAX_SOURCES} sources"));
        }
        for (i, source) in given.into_iter().enumerate() {
            let field = |name: &str| format!("sources[{i}].{name}");
            let url = optional(&source.url);
            if let Some(url) = &url
                && !(url.starts_with("https://") || url.starts_with("http://"))
            {
                errors.add(field("url"), "must start with https:// or http://");
            }
            sources.push(Source {
                title: text(&mut errors, &field("title"), &source.title, MAX_TITLE_CHARS),
                publisher: optional(&source.publisher),
                date: parse_date(&mut errors, &field("date"), &source.date),
                url,
                quote: optional(&source.quote).inspect(|quote| {
                    if has_fence_line(quote) {
                        errors.add(field("quote"), FENCE_MESSAGE);
                    }
                }),
            });
        }
        if self.body_markdown.len() > MAX_BODY_BYTES {
            errors.add(
                "body_markdown",
                format!("must be at most {} KiB", MAX_BODY_BYTES / 1024),
            );
        } else if self.body_markdown.contains('\0') {
            errors.add("body_markdown", "must not contain NUL characters");
        }
        match (slug, kind) {
            (Some(slug), Some(kind)) if errors.is_empty() => Ok(ValidEntry {
                slug,
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
                body_markdown: self.body_markdown.replace("\r\n", "\n").trim().to_owned(),
            }),
            _ => Err(errors),
        }
    }

    /// The input that would recreate an existing entry (for edit forms).
    pub fn from_entry(slug: &Slug, meta: &EntryMeta, body_markdown: &str) -> Self {
        EntryInput {
            slug: slug.to_string(),
            jurisdiction: None,
            title: meta.title.clone(),
            summary: meta.summary.clone(),
            kind: meta.kind.as_str().to_owned(),
            topics: meta.topics.iter().map(ToString::to_string).collect(),
            date: meta.date.map(|d| d.format("%Y-%m-%d").to_string()),
            status: meta.status.map(|s| s.as_str().to_owned()),
            related: meta.related.iter().map(ToString::to_string).collect(),
            sources: meta.sources.iter().map(SourceInput::from).collect(),
            body_markdown: body_markdown.to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn valid() -> EntryInput {
        EntryInput {
            slug: "sanctuary-resolution".into(),
            title: "Sanctuary resolution".into(),
            summary: "The council restated its policy.".into(),
            kind: "ordinance".into(),
            body_markdown: "Body".into(),
            ..EntryInput::default()
        }
    }

    #[test]
    fn a_complete_entry_is_valid() {
        let entry = valid().validate().expect("valid");
        assert_eq!(entry.slug.as_str(), "sanctuary-resolution");
    }

    #[test]
    fn every_bad_field_is_reported() {
        let input = EntryInput {
            slug: "Bad Slug".into(),
            title: " ".into(),
            kind: "decree".into(),
            date: Some("27/01/2026".into()),
            sources: vec![SourceInput {
                url: Some("javascript:alert(1)".into()),
                ..SourceInput::default()
            }],
            ..valid()
        };
        let errors = input.validate().expect_err("invalid");
        for field in [
            "slug",
            "title",
            "kind",
            "date",
            "sources[0].url",
            "sources[0].title",
        ] {
            assert!(errors.get(field).is_some(), "{field}: {errors:?}");
        }
    }
}
