//! Turning entries into index documents and stored documents back into result fields.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use tantivy::TantivyDocument;
use tantivy::schema::{Facet, Value};

use super::filter::Filter;
use super::schema::{PlaybookFields, UNDATED};
use crate::playbook::jurisdiction::display_name;
use crate::playbook::markdown::plain_text;
use crate::playbook::{Access, Entry, EntryId, Jurisdiction, Kind, Level, Status};

/// A jurisdiction as it appears in search results.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct JurisdictionRef {
    /// Its slug.
    pub slug: String,
    /// Its name.
    pub name: String,
    /// Its two-letter state code, if any.
    pub state: Option<String>,
    /// `city`, `county` or `state`.
    pub level: String,
}

impl JurisdictionRef {
    /// The name people read, like `Minneapolis, MN`: the same rule as
    /// `Jurisdiction::display_name`.
    pub fn display_name(&self) -> String {
        match Level::parse(&self.level) {
            Some(level) => display_name(&self.name, self.state.as_deref(), level),
            None => self.name.clone(),
        }
    }
}

impl From<&Jurisdiction> for JurisdictionRef {
    fn from(j: &Jurisdiction) -> Self {
        JurisdictionRef {
            slug: j.slug.to_string(),
            name: j.name.clone(),
            state: j.state.clone(),
            level: j.level.as_str().to_owned(),
        }
    }
}

/// What the index holds of one entry.
#[derive(Debug, Clone)]
pub struct IndexedEntry {
    /// The entry id.
    pub id: EntryId,
    /// Title.
    pub title: String,
    /// Summary.
    pub summary: String,
    /// Body as plain text.
    pub body_text: String,
    /// Kind.
    pub kind: Kind,
    /// Topic slugs.
    pub topics: Vec<String>,
    /// Date, if any.
    pub date: Option<NaiveDate>,
    /// Status, if any.
    pub status: Option<Status>,
    /// Its jurisdiction.
    pub jurisdiction: JurisdictionRef,
    /// When it last changed.
    pub updated: Option<DateTime<Utc>>,
    /// The ids of the declared sources it cites.
    pub cites: Vec<String>,
    /// Who may read it.
    pub access: Access,
}

impl IndexedEntry {
    /// The indexed view of an entry of `jurisdiction`.
    pub fn new(entry: &Entry, jurisdiction: &Jurisdiction) -> Self {
        IndexedEntry {
            id: entry.id.clone(),
            title: entry.meta.title().to_owned(),
            summary: entry.meta.summary().to_owned(),
            body_text: plain_text(&entry.body_markdown),
            kind: entry.meta.kind(),
            topics: entry.meta.topics().iter().map(|t| t.to_string()).collect(),
            date: entry.meta.date(),
            status: entry.meta.status(),
            jurisdiction: JurisdictionRef::from(jurisdiction),
            updated: entry.updated,
            cites: entry
                .meta
                .sources()
                .iter()
                .filter_map(|s| s.declared_id().map(ToString::to_string))
                .collect(),
            access: entry.meta.access(),
        }
    }

    /// Calls `each` with every value the entry has of every filter, filter by filter: what
    /// filters match and facets count.
    pub fn filter_values(&self, mut each: impl FnMut(Filter, &str)) {
        for filter in Filter::ALL {
            match filter {
                Filter::Jurisdiction => each(filter, &self.jurisdiction.slug),
                Filter::Kind => each(filter, self.kind.as_str()),
                Filter::Topic => self.topics.iter().for_each(|topic| each(filter, topic)),
                Filter::State => {
                    if let Some(state) = &self.jurisdiction.state {
                        each(filter, &state.to_ascii_lowercase());
                    }
                }
                Filter::Level => each(filter, &self.jurisdiction.level),
            }
        }
    }

    /// The tantivy document for this entry.
    pub fn to_document(&self, f: &PlaybookFields) -> TantivyDocument {
        let mut doc = TantivyDocument::default();
        doc.add_text(f.id, self.id.to_string());
        doc.add_text(f.title, &self.title);
        doc.add_text(f.title_plain, &self.title);
        doc.add_text(f.summary, &self.summary);
        doc.add_text(f.body, &self.body_text);
        doc.add_text(f.topics_text, self.topics.join(" "));
        self.filter_values(|filter, value| {
            doc.add_facet(f.facets, Facet::from_path([filter.as_str(), value]));
        });
        for topic in &self.topics {
            doc.add_text(f.topic, topic);
        }
        doc.add_i64(f.date_sort, self.date.map_or(UNDATED, days_since_epoch));
        doc.add_text(f.kind, self.kind.as_str());
        if let Some(date) = self.date {
            doc.add_text(f.date, date.format("%Y-%m-%d").to_string());
        }
        if let Some(status) = self.status {
            doc.add_text(f.status, status.as_str());
        }
        doc.add_text(f.jurisdiction, &self.jurisdiction.slug);
        doc.add_text(f.jurisdiction_name, &self.jurisdiction.name);
        if let Some(state) = &self.jurisdiction.state {
            doc.add_text(f.jurisdiction_state, state);
        }
        doc.add_text(f.jurisdiction_level, &self.jurisdiction.level);
        doc.add_i64(
            f.updated_sort,
            self.updated.map_or(UNDATED, |t| t.timestamp()),
        );
        if let Some(updated) = self.updated {
            doc.add_text(f.updated, updated.to_rfc3339());
        }
        for source in &self.cites {
            doc.add_text(f.cites, source);
        }
        for key in self.access.keys(self.id.jurisdiction.as_str()) {
            doc.add_text(f.audience, key);
        }
        doc.add_text(f.access, self.access.as_str());
        doc
    }
}

fn days_since_epoch(date: NaiveDate) -> i64 {
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default();
    (date - epoch).num_days()
}

/// Reads the stored fields of a result document.
pub struct StoredEntry<'a> {
    doc: &'a TantivyDocument,
    fields: &'a PlaybookFields,
}

impl<'a> StoredEntry<'a> {
    /// Wraps a stored document.
    pub fn new(doc: &'a TantivyDocument, fields: &'a PlaybookFields) -> Self {
        StoredEntry { doc, fields }
    }

    /// The first value of a stored text field, or "".
    pub fn text(&self, field: tantivy::schema::Field) -> &'a str {
        self.doc
            .get_first(field)
            .and_then(|v| v.as_str())
            .unwrap_or("")
    }

    /// Every value of a stored text field.
    pub fn texts(&self, field: tantivy::schema::Field) -> Vec<String> {
        self.doc
            .get_all(field)
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect()
    }

    /// The stored jurisdiction.
    pub fn jurisdiction(&self) -> JurisdictionRef {
        let f = self.fields;
        let state = self.text(f.jurisdiction_state);
        JurisdictionRef {
            slug: self.text(f.jurisdiction).to_owned(),
            name: self.text(f.jurisdiction_name).to_owned(),
            state: (!state.is_empty()).then(|| state.to_owned()),
            level: self.text(f.jurisdiction_level).to_owned(),
        }
    }

    /// The stored time of the last change.
    pub fn updated(&self) -> Option<DateTime<Utc>> {
        DateTime::parse_from_rfc3339(self.text(self.fields.updated))
            .ok()
            .map(|t| t.with_timezone(&Utc))
    }

    /// The stored date.
    pub fn date(&self) -> Option<NaiveDate> {
        NaiveDate::parse_from_str(self.text(self.fields.date), "%Y-%m-%d").ok()
    }
}
