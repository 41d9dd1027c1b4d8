//! An entry's validated front matter. `EntryMeta::parse` is the only way to make one, and the
//! one home of the rules its fields follow, whether they come from a file, the API or a form.

use std::borrow::Cow;

use chrono::NaiveDate;
use serde::Serialize;
use utoipa::ToSchema;

use super::fields::{DateField, EntryFields, SourceFields};
use super::kind::{Kind, Status};
use super::problem::{Broken, FieldPath, FieldProblems};
use super::visibility::Visibility;
use crate::playbook::{EntryId, Slug, SourceId};

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
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    /// The document: a declared source, by id, or one described where it is cited.
    pub cites: Cited,
    /// The passage the entry rests on, word for word.
    pub quote: Option<String>,
}

/// The document a source item names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cited {
    /// A source declared once in `playbook/_sources/<id>.md`, which describes it.
    Declared(SourceId),
    /// A source described in place (title, publisher, date, web address), shown as given.
    Inline(SourceDetails),
}

impl Source {
    /// The declared source's id, when the item names one.
    pub fn declared_id(&self) -> Option<&SourceId> {
        match &self.cites {
            Cited::Declared(id) => Some(id),
            Cited::Inline(_) => None,
        }
    }
}

/// What describes a document: the fields a declaration gives once, or an entry gives inline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceDetails {
    /// The document's title.
    pub title: String,
    /// Who published it.
    pub publisher: Option<String>,
    /// When it was published.
    pub date: Option<NaiveDate>,
    /// Where to read it.
    pub url: Option<String>,
}

impl SourceDetails {
    /// Details with only a title (for an id that names no declaration).
    pub fn titled(title: impl Into<String>) -> SourceDetails {
        SourceDetails {
            title: title.into(),
            publisher: None,
            date: None,
            url: None,
        }
    }

    /// Checks a document's description, the same rules wherever it is given: `path` names
    /// each field (`title`, `publisher`, `date`, `url`) where the problem is reported.
    pub fn parse(
        p: &mut FieldProblems,
        path: impl Fn(&'static str) -> FieldPath,
        title: &Option<String>,
        publisher: &Option<String>,
        date_given: Option<&DateField>,
        url: &Option<String>,
    ) -> SourceDetails {
        let url = optional_text(p, path("url"), url);
        if let Some(url) = &url
            && !(url.starts_with("https://") || url.starts_with("http://"))
        {
            p.add(path("url"), Broken::NotAWebAddress);
        }
        SourceDetails {
            title: required_text(p, path("title"), title, MAX_TITLE_CHARS),
            publisher: optional_text(p, path("publisher"), publisher),
            date: date(p, path("date"), date_given),
            url,
        }
    }
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
    /// When the entry itself was last reviewed or revised in substance, if said.
    reviewed: Option<NaiveDate>,
    /// Where it stands.
    status: Option<Status>,
    /// Ids (`jurisdiction/slug`) of related entries.
    #[schema(value_type = Vec<String>)]
    related: Vec<EntryId>,
    /// Who may read it.
    visibility: Visibility,
    /// Whether it is a draft, read only by its own city's staff.
    draft: bool,
    /// Documents it rests on, each with the passage quoted from it. Not serialized here:
    /// the API shows each resolved against its declaration and verified (`web::api`).
    #[serde(skip)]
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
        let reviewed = self::date(p, FieldPath::field("reviewed"), fields.reviewed.as_ref());
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
        let visibility = one_of(
            p,
            FieldPath::field("visibility"),
            &fields.visibility,
            &Visibility::ALL,
            false,
        )
        .unwrap_or_default();
        let draft = fields.draft.unwrap_or(false);
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
            .filter_map(|(i, source)| Source::parse(p, i, source))
            .collect();
        problems.or_ok(|| {
            Some(EntryMeta {
                title,
                summary,
                kind: kind?,
                topics,
                date,
                reviewed,
                status,
                related,
                visibility,
                draft,
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

    /// When the entry itself was last reviewed or revised in substance, if said.
    pub fn reviewed(&self) -> Option<NaiveDate> {
        self.reviewed
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

    /// Who may read it once published.
    pub fn visibility(&self) -> Visibility {
        self.visibility
    }

    /// Whether it is a draft, read only by its own city's staff.
    pub fn is_draft(&self) -> bool {
        self.draft
    }

    /// Who may read it, all told (its visibility, or its own city alone while a draft).
    pub fn access(&self) -> super::Access {
        super::Access::of(self.visibility, self.draft)
    }

    /// The same metadata as a draft (`true`) or published (`false`).
    pub fn with_draft(&self, draft: bool) -> EntryMeta {
        EntryMeta {
            draft,
            ..self.clone()
        }
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

    /// The rule its declared sources follow that needs the rest of the playbook (see
    /// `check_sources`).
    pub fn check_sources(&self, declared: impl FnMut(&SourceId) -> bool) -> FieldProblems {
        check_sources(&self.sources, declared)
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
    /// A source item: a declared source's id and the quote, or a description and the quote.
    /// With `source`, the declaration describes the document, so a description given too is
    /// a problem (it could only drift from the declaration). None when the id is not one.
    fn parse(p: &mut FieldProblems, i: usize, fields: &SourceFields) -> Option<Source> {
        let path = |name| FieldPath::item_field("sources", i, name);
        let quote = optional_text(p, path("quote"), &fields.quote);
        let Some(id) = given(&fields.source) else {
            let details = SourceDetails::parse(
                p,
                path,
                &fields.title,
                &fields.publisher,
                fields.date.as_ref(),
                &fields.url,
            );
            return Some(Source {
                cites: Cited::Inline(details),
                quote,
            });
        };
        let id = SourceId::parse(id)
            .map_err(|why| p.add(path("source"), Broken::NotASlug(why)))
            .ok()?;
        let described = [
            ("title", given(&fields.title).is_some()),
            ("publisher", given(&fields.publisher).is_some()),
            ("date", fields.date.as_ref().is_some_and(|d| !d.is_blank())),
            ("url", given(&fields.url).is_some()),
        ];
        for (name, _) in described.into_iter().filter(|(_, given)| *given) {
            p.add(path(name), Broken::DescribedByDeclaration(id.clone()));
        }
        Some(Source {
            cites: Cited::Declared(id),
            quote,
        })
    }
}

/// The text of an optional field, unless blank.
fn given(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

/// The rule an entry's declared sources follow that needs the rest of the playbook: each id
/// names a declared source (`declared`).
pub fn check_sources(
    sources: &[Source],
    mut declared: impl FnMut(&SourceId) -> bool,
) -> FieldProblems {
    let mut problems = FieldProblems::default();
    for (i, source) in sources.iter().enumerate() {
        if let Some(id) = source.declared_id()
            && !declared(id)
        {
            problems.add(
                FieldPath::item_field("sources", i, "source"),
                Broken::NoSuchSource(id.clone()),
            );
        }
    }
    problems
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

pub(crate) fn required_text(
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
pub(crate) fn optional_text(
    p: &mut FieldProblems,
    path: FieldPath,
    value: &Option<String>,
) -> Option<String> {
    let value = value.as_deref().filter(|v| !v.trim().is_empty())?;
    Some(text(p, path, value, None))
}

/// A value of a closed list, by its slug.
pub(crate) fn one_of<T: Copy + Into<&'static str>>(
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
pub(crate) fn date(
    p: &mut FieldProblems,
    path: FieldPath,
    value: Option<&DateField>,
) -> Option<NaiveDate> {
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
    fn a_source_names_a_declared_source_or_describes_one_not_both() {
        let declared = |more: SourceFields| SourceFields {
            source: Some("council-minutes".into()),
            ..more
        };
        let fields = EntryFields {
            sources: vec![
                declared(SourceFields {
                    quote: Some("We met.".into()),
                    ..SourceFields::default()
                }),
                declared(SourceFields {
                    title: Some("Minutes".into()),
                    date: Some(DateField::Text("2026-01-01".into())),
                    ..SourceFields::default()
                }),
                SourceFields {
                    source: Some("Not An Id".into()),
                    ..SourceFields::default()
                },
            ],
            ..valid()
        };
        let errors = EntryMeta::parse(&fields).expect_err("invalid").by_field();
        assert!(errors.get("sources[0].title").is_none(), "{errors:?}");
        assert!(errors.get("sources[0].source").is_none(), "{errors:?}");
        for field in ["sources[1].title", "sources[1].date", "sources[2].source"] {
            assert!(errors.get(field).is_some(), "{field}: {errors:?}");
        }
    }

    #[test]
    fn a_declared_source_must_be_declared() {
        let fields = EntryFields {
            sources: vec![
                SourceFields {
                    source: Some("council-minutes".into()),
                    quote: Some("We met.".into()),
                    ..SourceFields::default()
                },
                SourceFields {
                    source: Some("gone".into()),
                    ..SourceFields::default()
                },
            ],
            ..valid()
        };
        let meta = EntryMeta::parse(&fields).expect("valid on its own");
        assert_eq!(
            meta.sources()[0].cites,
            Cited::Declared(SourceId::parse("council-minutes").expect("id"))
        );
        let problems = meta.check_sources(|id| id.as_str() == "council-minutes");
        let errors = problems.by_field();
        assert_eq!(
            errors.get("sources[1].source"),
            Some("no declared source `gone`")
        );
        assert_eq!(errors.0.len(), 1, "{errors:?}");
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
