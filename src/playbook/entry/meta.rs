//! An entry's validated front matter. `EntryMeta::parse` is the only way to make one, and the
//! one home of the rules its fields follow, whether they come from a file, the API or a form.

use std::borrow::Cow;

use chrono::NaiveDate;
use serde::Serialize;
use utoipa::ToSchema;

use super::fields::{DateField, EntryFields, SourceFields};
use super::kind::{Kind, Status};
use super::problem::{Broken, FieldPath, FieldProblems};
use crate::playbook::{EntryId, Slug};

/// The longest title accepted, in characters.
pub const MAX_TITLE_CHARS: usize = 200;
/// The longest summary accepted, in characters.
pub const MAX_SUMMARY_CHARS: usize = 600;
/// The most topics an entry may have.
pub const MAX_TOPICS: usize = 20;
/// The most sources an entry may cite.
pub const MAX_SOURCES: usize = 20;
/// The most related ids an entry may list.
pub const MAX_RELATED: usize = 20;

/// A document an entry rests on, with the passage quoted from it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Source {
    /// The document's title.
    pub title: String,
    /// Who published it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub publisher: Option<String>,
    /// When it was published.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<NaiveDate>,
    /// Where to read it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The passage the entry rests on, word for word.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quote: Option<String>,
}

/// An entry's validated front matter; serializes as the API's JSON shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct EntryMeta {
    /// The title.
    title: String,
    /// One or two plain sentences.
    summary: String,
    /// What sort of move it is.
    kind: Kind,
    /// Topic slugs.
    #[schema(value_type = Vec<String>)]
    topics: Vec<Slug>,
    /// When the measure was adopted or the event happened, if known.
    date: Option<NaiveDate>,
    /// Where it stands.
    status: Option<Status>,
    /// Ids (`jurisdiction/slug`) of related entries.
    #[schema(value_type = Vec<String>)]
    related: Vec<EntryId>,
    /// Documents it rests on, each with the passage quoted from it.
    sources: Vec<Source>,
}

impl EntryMeta {
    /// Checks every field, reporting every problem at once.
    pub fn parse(fields: &EntryFields) -> Result<EntryMeta, FieldProblems> {
        let mut problems = FieldProblems::default();
        let p = &mut problems;
        let title = required_text(p, FieldPath::field("title"), &fields.title, MAX_TITLE_CHARS);
        let summary = required_text(
            p,
            FieldPath::field("summary"),
            &fields.summary,
            MAX_SUMMARY_CHARS,
        );
        let kind = one_of(p, FieldPath::field("kind"), &fields.kind, &Kind::ALL, true);
        let mut topics: Vec<Slug> = Vec::new();
        for (i, topic) in fields.topics.0.iter().map(|t| t.trim()).enumerate() {
            if topic.is_empty() {
                continue;
            }
            if i == MAX_TOPICS {
                p.add(
                    FieldPath::item("topics", i),
                    Broken::TooMany {
                        max: MAX_TOPICS,
                        what: "topics",
                    },
                );
            }
            match Slug::parse(topic) {
                Ok(slug) if !topics.contains(&slug) => topics.push(slug),
                Ok(_) => {}
                Err(why) => p.add(FieldPath::item("topics", i), Broken::NotASlug(why)),
            }
        }
        let date = date(p, FieldPath::field("date"), fields.date.as_ref());
        let status = one_of(
            p,
            FieldPath::field("status"),
            &fields.status,
            &Status::ALL,
            false,
        );
        let mut related: Vec<EntryId> = Vec::new();
        for (i, id) in fields.related.0.iter().map(|r| r.trim()).enumerate() {
            if id.is_empty() {
                continue;
            }
            if i == MAX_RELATED {
                p.add(
                    FieldPath::item("related", i),
                    Broken::TooMany {
                        max: MAX_RELATED,
                        what: "related entries",
                    },
                );
            }
            match EntryId::parse(id) {
                Ok(id) if related.contains(&id) => {
                    p.add(FieldPath::item("related", i), Broken::ListedTwice(id))
                }
                Ok(id) => related.push(id),
                Err(why) => p.add(FieldPath::item("related", i), Broken::NotAnId(why)),
            }
        }
        let given: Vec<&SourceFields> = fields.sources.iter().filter(|s| !s.is_blank()).collect();
        if given.len() > MAX_SOURCES {
            p.add(
                FieldPath::item("sources", MAX_SOURCES),
                Broken::TooMany {
                    max: MAX_SOURCES,
                    what: "sources",
                },
            );
        }
        let sources = given
            .into_iter()
            .enumerate()
            .map(|(i, source)| Source::parse(p, i, source))
            .collect();
        problems.or_ok(|| {
            Some(EntryMeta {
                title,
                summary,
                kind: kind?,
                topics,
                date,
                status,
                related,
                sources,
            })
        })
    }

    /// The title.
    pub fn title(&self) -> &str {
        &self.title
    }

    /// One or two plain sentences.
    pub fn summary(&self) -> &str {
        &self.summary
    }

    /// What sort of move it is.
    pub fn kind(&self) -> Kind {
        self.kind
    }

    /// Topic slugs.
    pub fn topics(&self) -> &[Slug] {
        &self.topics
    }

    /// When it was adopted or happened.
    pub fn date(&self) -> Option<NaiveDate> {
        self.date
    }

    /// Where it stands.
    pub fn status(&self) -> Option<Status> {
        self.status
    }

    /// Whether it is a template to adapt to local law.
    pub fn is_template(&self) -> bool {
        self.status == Some(Status::Template)
    }

    /// Ids of related entries.
    pub fn related(&self) -> &[EntryId] {
        &self.related
    }

    /// Documents it rests on.
    pub fn sources(&self) -> &[Source] {
        &self.sources
    }

    /// The rules `related` follows that need the rest of the playbook (see `check_related`).
    pub fn check_related(
        &self,
        id: Option<&EntryId>,
        exists: impl FnMut(&EntryId) -> bool,
    ) -> FieldProblems {
        check_related(&self.related, id, exists)
    }

    /// The same metadata, keeping only the related ids `keep` accepts (an export leaves
    /// links to entries it does not write behind).
    pub fn keeping_related(&self, mut keep: impl FnMut(&EntryId) -> bool) -> EntryMeta {
        let mut meta = self.clone();
        meta.related.retain(|id| keep(id));
        meta
    }
}

impl Source {
    fn parse(p: &mut FieldProblems, i: usize, fields: &SourceFields) -> Source {
        let path = |name| FieldPath::item_field("sources", i, name);
        let url = optional_text(p, path("url"), &fields.url);
        if let Some(url) = &url
            && !(url.starts_with("https://") || url.starts_with("http://"))
        {
            p.add(path("url"), Broken::NotAWebAddress);
        }
        Source {
            title: required_text(p, path("title"), &fields.title, MAX_TITLE_CHARS),
            publisher: optional_text(p, path("publisher"), &fields.publisher),
            date: date(p, path("date"), fields.date.as_ref()),
            url,
            quote: optional_text(p, path("quote"), &fields.quote),
        }
    }
}

/// The rules a list of related ids follows that need the rest of the playbook: no id of the
/// entry's own (`id`, when it has one yet), and no id of an entry that does not exist.
pub fn check_related(
    related: &[EntryId],
    id: Option<&EntryId>,
    mut exists: impl FnMut(&EntryId) -> bool,
) -> FieldProblems {
    let mut problems = FieldProblems::default();
    for (i, related) in related.iter().enumerate() {
        let path = FieldPath::item("related", i);
        if Some(related) == id {
            problems.add(path, Broken::RelatedToItself);
        } else if !exists(related) {
            problems.add(path, Broken::NoSuchEntry(related.clone()));
        }
    }
    problems
}

/// The text with every line break as `\n`: browsers send `\r\n`, and a carriage return is a
/// control character the file format refuses.
pub fn plain_line_breaks(text: &str) -> Cow<'_, str> {
    if text.contains('\r') {
        Cow::Owned(text.replace("\r\n", "\n").replace('\r', "\n"))
    } else {
        Cow::Borrowed(text)
    }
}

/// Whether a text has a line that is exactly `+++`, which would end a file's front matter.
fn has_fence_line(text: &str) -> bool {
    text.lines().any(|line| line.trim() == "+++")
}

/// A text's problems, if any; the text as kept (line breaks made plain, trimmed).
fn text(p: &mut FieldProblems, path: FieldPath, value: &str, max: Option<usize>) -> String {
    let value = plain_line_breaks(value).trim().to_owned();
    if max.is_some_and(|max| value.chars().count() > max) {
        p.add(
            path,
            Broken::TooLong {
                max: max.unwrap_or(0),
            },
        );
    } else if value
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        p.add(path, Broken::ControlCharacters);
    } else if has_fence_line(&value) {
        p.add(path, Broken::FenceLine);
    }
    value
}

fn required_text(
    p: &mut FieldProblems,
    path: FieldPath,
    value: &Option<String>,
    max: usize,
) -> String {
    match value {
        None => {
            p.add(path, Broken::Missing);
            String::new()
        }
        Some(value) if value.trim().is_empty() => {
            p.add(path, Broken::Empty);
            String::new()
        }
        Some(value) => {
            let kept = text(p, path, value, Some(max));
            if kept.chars().any(is_invisible_format) {
                p.add(path, Broken::FormatCharacters);
            }
            kept
        }
    }
}

/// Whether `c` formats text invisibly: direction controls and zero-width characters, which
/// let a title read as something it is not. Quotes keep them (they are quoted as found).
pub fn is_invisible_format(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{061C}'
            | '\u{180E}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{206F}'
            | '\u{FEFF}'
            | '\u{FFF9}'..='\u{FFFB}'
    )
}

/// An optional text: blank counts as absent.
fn optional_text(p: &mut FieldProblems, path: FieldPath, value: &Option<String>) -> Option<String> {
    let value = value.as_deref().filter(|v| !v.trim().is_empty())?;
    Some(text(p, path, value, None))
}

/// A value of a closed list, by its slug.
fn one_of<T: Copy + Into<&'static str>>(
    p: &mut FieldProblems,
    path: FieldPath,
    value: &Option<String>,
    all: &[T],
    required: bool,
) -> Option<T> {
    let Some(value) = value.as_deref().map(str::trim).filter(|v| !v.is_empty()) else {
        if required {
            let broken = if value.is_none() {
                Broken::Missing
            } else {
                Broken::Empty
            };
            p.add(path, broken);
        }
        return None;
    };
    let found = all.iter().copied().find(|item| (*item).into() == value);
    if found.is_none() {
        p.add(
            path,
            Broken::NotOneOf {
                value: value.to_owned(),
                allowed: all.iter().map(|item| (*item).into()).collect(),
            },
        );
    }
    found
}

/// A plain date, `YYYY-MM-DD` with four digits of year; blank counts as absent.
fn date(p: &mut FieldProblems, path: FieldPath, value: Option<&DateField>) -> Option<NaiveDate> {
    let parsed = match value? {
        DateField::Text(text) => {
            let text = text.trim();
            if text.is_empty() {
                return None;
            }
            let shaped = text.len() == 10
                && text.bytes().enumerate().all(|(i, b)| match i {
                    4 | 7 => b == b'-',
                    _ => b.is_ascii_digit(),
                });
            shaped
                .then(|| NaiveDate::parse_from_str(text, "%Y-%m-%d").ok())
                .flatten()
        }
        DateField::Toml(datetime) => match (datetime.date, datetime.time, datetime.offset) {
            (Some(date), None, None) => {
                NaiveDate::from_ymd_opt(date.year.into(), date.month.into(), date.day.into())
            }
            _ => None,
        },
    };
    if parsed.is_none()
        && let Some(value) = value
    {
        p.add(
            path,
            Broken::NotADate {
                value: value.to_string(),
            },
        );
    }
    parsed
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::playbook::entry::fields::ListField;

    fn valid() -> EntryFields {
        EntryFields {
            title: Some("Sanctuary resolution".into()),
            summary: Some("The council restated its policy.".into()),
            kind: Some("ordinance".into()),
            ..EntryFields::default()
        }
    }

    #[test]
    fn complete_fields_are_valid() {
        let meta = EntryMeta::parse(&valid()).expect("valid");
        assert_eq!(meta.title(), "Sanctuary resolution");
        assert_eq!(meta.kind(), Kind::Ordinance);
    }

    #[test]
    fn every_bad_field_is_reported_under_its_own_key() {
        let fields = EntryFields {
            title: Some(" ".into()),
            kind: Some("decree".into()),
            date: Some(DateField::Text("27/01/2026".into())),
            topics: ListField(vec!["Bad Topic".into()]),
            related: ListField(vec!["a/b".into(), "a/b".into()]),
            sources: vec![SourceFields {
                url: Some("javascript:alert(1)".into()),
                ..SourceFields::default()
            }],
            ..valid()
        };
        let errors = EntryMeta::parse(&fields).expect_err("invalid").by_field();
        for field in [
            "title",
            "kind",
            "date",
            "topics",
            "related",
            "sources[0].url",
            "sources[0].title",
        ] {
            assert!(errors.get(field).is_some(), "{field}: {errors:?}");
        }
    }

    #[test]
    fn line_breaks_are_made_plain_once() {
        let fields = EntryFields {
            summary: Some("One.\r\nTwo.\rThree.".into()),
            ..valid()
        };
        let meta = EntryMeta::parse(&fields).expect("valid");
        assert_eq!(meta.summary(), "One.\nTwo.\nThree.");
    }

    #[test]
    fn titles_with_invisible_formatting_are_refused() {
        for title in [
            "Ordinance\u{202E}txt.exe",
            "Zero\u{200B}width",
            "\u{FEFF}BOM",
        ] {
            let fields = EntryFields {
                title: Some(title.into()),
                ..valid()
            };
            let errors = EntryMeta::parse(&fields).expect_err(title).by_field();
            assert!(errors.get("title").is_some(), "{title:?}");
        }
    }

    #[test]
    fn only_plain_four_digit_dates_are_dates() {
        for bad in [
            "+10000-01-01",
            "2026-1-27",
            "2026-02-30",
            "2026-01-27T10:00",
        ] {
            let fields = EntryFields {
                date: Some(DateField::Text(bad.into())),
                ..valid()
            };
            assert!(EntryMeta::parse(&fields).is_err(), "{bad}");
        }
    }

    #[test]
    fn related_ids_must_exist_and_not_be_the_entry_itself() {
        let fields = EntryFields {
            related: ListField(vec!["a/self".into(), "a/gone".into(), "a/here".into()]),
            ..valid()
        };
        let meta = EntryMeta::parse(&fields).expect("valid");
        let own = EntryId::parse("a/self").expect("id");
        let problems = meta.check_related(Some(&own), |id| id.slug.as_str() == "here");
        let broken: Vec<_> = problems.iter().map(|p| p.broken.clone()).collect();
        assert_eq!(
            broken,
            [
                Broken::RelatedToItself,
                Broken::NoSuchEntry(EntryId::parse("a/gone").expect("id"))
            ]
        );
    }
}
