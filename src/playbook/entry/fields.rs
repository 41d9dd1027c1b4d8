//! An entry's front matter as written, before any rule is checked: the one shape that a file's
//! TOML, the API's JSON and the editor's form are all read into, and that files are written
//! from. `EntryMeta::parse` turns it into validated metadata.

use std::fmt;

use serde::de::{self, Deserializer, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};
use toml::value::{Date, Datetime};
use utoipa::ToSchema;

use super::kind::{Kind, Status};
use super::visibility::Visibility;

use super::meta::{Cited, EntryMeta, Source};

/// The front matter fields as given; every one may be absent or wrong.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EntryFields {
    /// The title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// One or two plain sentences.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// The kind's slug.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Kind>)]
    pub kind: Option<String>,
    /// Topic slugs.
    #[serde(default, skip_serializing_if = "ListField::is_empty")]
    #[schema(value_type = Vec<String>)]
    pub topics: ListField,
    /// `YYYY-MM-DD`: a TOML date in files, a string in JSON and forms.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, format = Date)]
    pub date: Option<DateField>,
    /// `YYYY-MM-DD`: when the entry itself was last reviewed or revised in substance (a
    /// curated entry's "changed" date in feeds and sorting; a file's own time is not used).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, format = Date)]
    pub reviewed: Option<DateField>,
    /// The status's slug.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Status>)]
    pub status: Option<String>,
    /// Related entry ids (`jurisdiction/slug`).
    #[serde(default, skip_serializing_if = "ListField::is_empty")]
    #[schema(value_type = Vec<String>)]
    pub related: ListField,
    /// Who may read it: `public` (the default), `network` or `jurisdiction`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Visibility>)]
    pub visibility: Option<String>,
    /// Whether it is a draft, read only by its own city's staff (default false).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub draft: Option<bool>,
    /// Sources, each with the passage quoted from it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<SourceFields>,
}

/// A source's fields as given: a declared source's id (`source`) and the quote, or, for a
/// source not declared, its description (`title`, `publisher`, `date`, `url`) and the quote.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SourceFields {
    /// The id of a source declared in `playbook/_sources/<id>.md`; its declaration gives the
    /// title, publisher, date and web address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// The document's title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Who published it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publisher: Option<String>,
    /// When it was published.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, format = Date)]
    pub date: Option<DateField>,
    /// Where to read it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The passage, word for word.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quote: Option<String>,
}

impl SourceFields {
    /// Whether every field is blank (an unused group of form fields).
    pub fn is_blank(&self) -> bool {
        let blank = |v: &Option<String>| v.as_deref().is_none_or(|s| s.trim().is_empty());
        blank(&self.source)
            && blank(&self.title)
            && blank(&self.publisher)
            && self.date.as_ref().is_none_or(DateField::is_blank)
            && blank(&self.url)
            && blank(&self.quote)
    }
}

/// A date as given: a TOML date in a file, text anywhere else.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum DateField {
    /// `"2026-01-27"`
    Text(String),
    /// `2026-01-27` in TOML (or a TOML date-time, which is refused).
    Toml(Datetime),
}

impl DateField {
    /// The date as a TOML date, as files write it.
    pub fn of(date: chrono::NaiveDate) -> DateField {
        use chrono::Datelike;
        DateField::Toml(Datetime {
            date: Some(Date {
                year: u16::try_from(date.year()).unwrap_or(0),
                month: u8::try_from(date.month()).unwrap_or(1),
                day: u8::try_from(date.day()).unwrap_or(1),
            }),
            time: None,
            offset: None,
        })
    }

    /// Whether it is blank text.
    pub fn is_blank(&self) -> bool {
        matches!(self, DateField::Text(text) if text.trim().is_empty())
    }
}

impl fmt::Display for DateField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DateField::Text(text) => f.write_str(text),
            DateField::Toml(datetime) => write!(f, "{datetime}"),
        }
    }
}

/// A list of short texts: a list in TOML and JSON, or one text of items separated by commas
/// or line breaks (as typed in one form box).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct ListField(pub Vec<String>);

impl ListField {
    /// Whether it holds no item.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The items, one per line: how a form box shows a list of ids.
    pub fn lines(&self) -> String {
        self.0.join("\n")
    }

    /// The items separated by commas: how a form box shows a list of words.
    pub fn joined(&self) -> String {
        self.0.join(", ")
    }
}

impl<'de> Deserialize<'de> for ListField {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ListVisitor;
        impl<'de> Visitor<'de> for ListVisitor {
            type Value = ListField;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a list of texts, or one text of items separated by commas")
            }
            fn visit_str<E: de::Error>(self, text: &str) -> Result<ListField, E> {
                Ok(ListField(
                    text.split([',', '\n'])
                        .map(str::trim)
                        .filter(|item| !item.is_empty())
                        .map(str::to_owned)
                        .collect(),
                ))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<ListField, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element::<String>()? {
                    items.push(item);
                }
                Ok(ListField(items))
            }
        }
        deserializer.deserialize_any(ListVisitor)
    }
}

impl From<&EntryMeta> for EntryFields {
    fn from(meta: &EntryMeta) -> Self {
        EntryFields {
            title: Some(meta.title().to_owned()),
            summary: Some(meta.summary().to_owned()),
            kind: Some(meta.kind().as_str().to_owned()),
            topics: ListField(meta.topics().iter().map(ToString::to_string).collect()),
            date: meta.date().map(DateField::of),
            reviewed: meta.reviewed().map(DateField::of),
            status: meta.status().map(|s| s.as_str().to_owned()),
            related: ListField(meta.related().iter().map(ToString::to_string).collect()),
            // Written only when not the default, so a public, published entry's file says
            // nothing of either.
            visibility: (meta.visibility() != Visibility::Public)
                .then(|| meta.visibility().as_str().to_owned()),
            draft: meta.is_draft().then_some(true),
            sources: meta.sources().iter().map(SourceFields::from).collect(),
        }
    }
}

impl From<&Source> for SourceFields {
    fn from(source: &Source) -> Self {
        let quote = source.quote.clone();
        match &source.cites {
            Cited::Declared(id) => SourceFields {
                source: Some(id.to_string()),
                quote,
                ..SourceFields::default()
            },
            Cited::Inline(details) => SourceFields {
                source: None,
                title: Some(details.title.clone()),
                publisher: details.publisher.clone(),
                date: details.date.map(DateField::of),
                url: details.url.clone(),
                quote,
            },
        }
    }
}

/// The field names serde reads for `T` (a struct deriving `Deserialize`), so input can be
/// narrowed to them without a list kept by hand.
pub fn field_names<'de, T: Deserialize<'de>>() -> &'static [&'static str] {
    struct Names(Option<&'static [&'static str]>);
    #[derive(Debug)]
    struct Stop;
    impl fmt::Display for Stop {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("field names read")
        }
    }
    impl std::error::Error for Stop {}
    impl de::Error for Stop {
        fn custom<M: fmt::Display>(_: M) -> Self {
            Stop
        }
    }
    impl<'de> Deserializer<'de> for &mut Names {
        type Error = Stop;
        fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Stop> {
            Err(Stop)
        }
        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _: &'static str,
            fields: &'static [&'static str],
            _: V,
        ) -> Result<V::Value, Stop> {
            self.0 = Some(fields);
            Err(Stop)
        }
        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes
            byte_buf option unit unit_struct newtype_struct seq tuple tuple_struct map enum
            identifier ignored_any
        }
    }
    let mut names = Names(None);
    let _ = T::deserialize(&mut names);
    names.0.unwrap_or(&[])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_names_come_from_serde() {
        assert_eq!(
            field_names::<SourceFields>(),
            ["source", "title", "publisher", "date", "url", "quote"]
        );
        assert!(field_names::<EntryFields>().contains(&"sources"));
    }

    #[test]
    fn a_list_reads_from_a_list_or_from_one_text() {
        let from_list: ListField = serde_json::from_str(r#"["a", "b"]"#).expect("list");
        let from_text: ListField = serde_json::from_str(r#"" a, b\nc ""#).expect("text");
        assert_eq!(from_list.0, ["a", "b"]);
        assert_eq!(from_text.0, ["a", "b", "c"]);
    }
}
