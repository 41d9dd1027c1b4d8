//! Writing an entry back to the playbook file format, so contributed entries can be stored,
//! exported and read again without loss.

use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use toml::value::{Date, Datetime};

use super::entry::{EntryMeta, Source};

#[derive(Serialize)]
struct FrontMatterOut<'a> {
    title: &'a str,
    summary: &'a str,
    kind: &'a str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    topics: Vec<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    date: Option<Datetime>,
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    sources: Vec<SourceOut<'a>>,
}

#[derive(Serialize)]
struct SourceOut<'a> {
    title: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    publisher: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    date: Option<Datetime>,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    quote: Option<&'a str>,
}

fn toml_date(date: NaiveDate) -> Datetime {
    Datetime {
        date: Some(Date {
            year: u16::try_from(date.year()).unwrap_or(0),
            month: u8::try_from(date.month()).unwrap_or(1),
            day: u8::try_from(date.day()).unwrap_or(1),
        }),
        time: None,
        offset: None,
    }
}

fn source_out(source: &Source) -> SourceOut<'_> {
    SourceOut {
        title: &source.title,
        publisher: source.publisher.as_deref(),
        date: source.date.map(toml_date),
        url: source.url.as_deref(),
        quote: source.quote.as_deref(),
    }
}

/// The front matter of `meta` as TOML.
pub fn front_matter_toml(meta: &EntryMeta) -> String {
    let out = FrontMatterOut {
        title: &meta.title,
        summary: &meta.summary,
        kind: meta.kind.as_str(),
        topics: meta.topics.iter().map(|t| t.as_str()).collect(),
        date: meta.date.map(toml_date),
        status: meta.status.map(|s| s.as_str()),
        related: meta.related.iter().map(ToString::to_string).collect(),
        sources: meta.sources.iter().map(source_out).collect(),
    };
    // Serializing plain strings, lists and tables cannot fail.
    toml::to_string(&out).unwrap_or_default()
}

/// A whole entry file: `+++`, the front matter, `+++`, the body.
pub fn entry_file(meta: &EntryMeta, body_markdown: &str) -> String {
    format!(
        "+++\n{}+++\n{}\n",
        front_matter_toml(meta),
        body_markdown.trim_end()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::playbook::front_matter::{parse_entry_meta, split_front_matter};
    use crate::playbook::{EntryId, Kind, Slug, Status};

    #[test]
    fn an_entry_survives_a_round_trip_through_its_file() {
        let meta = EntryMeta {
            title: "Title with \"quotes\" and \\ backslash".into(),
            summary: "One line.\nAnother line.".into(),
            kind: Kind::ExecutiveOrder,
            topics: vec![Slug::parse("city-property").expect("slug")],
            date: NaiveDate::from_ymd_opt(2026, 1, 27),
            status: Some(Status::Template),
            related: vec![EntryId::parse("a-b/c").expect("id")],
            sources: vec![Source {
                title: "Source".into(),
                publisher: Some("POLITICO".into()),
                date: NaiveDate::from_ymd_opt(2026, 2, 1),
                url: Some("https://example.org/x".into()),
                quote: Some("“Curly” quotes — and ’apostrophes’".into()),
            }],
        };
        let text = entry_file(&meta, "Body\n\n- [ ] step");
        let split = split_front_matter(&text).expect("splits");
        let parsed = parse_entry_meta(split).expect("parses");
        assert_eq!(parsed.meta, meta);
        assert_eq!(split.body.trim(), "Body\n\n- [ ] step");
    }
}
