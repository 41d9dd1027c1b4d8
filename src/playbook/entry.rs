//! A playbook entry: its validated front matter (`EntryMeta`) and its Markdown body.

use std::fmt;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::slug::{EntryId, Slug};

/// What sort of move an entry describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// A law passed by a council or legislature.
    Ordinance,
    /// An order signed by a mayor or governor.
    ExecutiveOrder,
    /// Steps to follow, printable.
    Checklist,
    /// Advice.
    Guidance,
    /// Something staff did.
    Practice,
    /// Exercises and drills.
    Training,
    /// Work with other governments and partners.
    Coordination,
    /// Courts, attorneys general, legal readiness.
    Legal,
    /// Public statements and messaging.
    Communication,
}

impl Kind {
    /// Every kind, in the order shown to people.
    pub const ALL: [Kind; 9] = [
        Kind::Ordinance,
        Kind::ExecutiveOrder,
        Kind::Checklist,
        Kind::Guidance,
        Kind::Practice,
        Kind::Training,
        Kind::Coordination,
        Kind::Legal,
        Kind::Communication,
    ];

    /// The kind's slug as written in front matter and URLs.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Ordinance => "ordinance",
            Kind::ExecutiveOrder => "executive-order",
            Kind::Checklist => "checklist",
            Kind::Guidance => "guidance",
            Kind::Practice => "practice",
            Kind::Training => "training",
            Kind::Coordination => "coordination",
            Kind::Legal => "legal",
            Kind::Communication => "communication",
        }
    }

    /// The kind's name for people.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Ordinance => "Ordinance",
            Kind::ExecutiveOrder => "Executive order",
            Kind::Checklist => "Checklist",
            Kind::Guidance => "Guidance",
            Kind::Practice => "Practice",
            Kind::Training => "Training",
            Kind::Coordination => "Coordination",
            Kind::Legal => "Legal",
            Kind::Communication => "Communication",
        }
    }

    /// Parses a kind's slug.
    pub fn parse(text: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|kind| kind.as_str() == text)
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where an entry stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// Put forward, not adopted.
    Proposed,
    /// Adopted and in force.
    InEffect,
    /// No longer in force.
    Retired,
    /// A template to adapt to local law.
    Template,
}

impl Status {
    /// Every status.
    pub const ALL: [Status; 4] = [
        Status::Proposed,
        Status::InEffect,
        Status::Retired,
        Status::Template,
    ];

    /// The status's slug as written in front matter.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Proposed => "proposed",
            Status::InEffect => "in-effect",
            Status::Retired => "retired",
            Status::Template => "template",
        }
    }

    /// The status's name for people.
    pub fn label(self) -> &'static str {
        match self {
            Status::Proposed => "Proposed",
            Status::InEffect => "In effect",
            Status::Retired => "Retired",
            Status::Template => "Template — adapt to local law",
        }
    }

    /// Parses a status's slug.
    pub fn parse(text: &str) -> Option<Status> {
        Status::ALL
            .into_iter()
            .find(|status| status.as_str() == text)
    }
}

/// A document an entry rests on, with the passage quoted from it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Source {
    /// The document's title.
    pub title: String,
    /// Who published it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publisher: Option<String>,
    /// When it was published.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<NaiveDate>,
    /// Where to read it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The passage the entry rests on, word for word.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quote: Option<String>,
}

/// An entry's validated front matter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryMeta {
    /// The entry's title.
    pub title: String,
    /// One or two plain sentences.
    pub summary: String,
    /// What sort of move it is.
    pub kind: Kind,
    /// Topic slugs.
    pub topics: Vec<Slug>,
    /// When it was adopted or happened.
    pub date: Option<NaiveDate>,
    /// Where it stands.
    pub status: Option<Status>,
    /// Ids of related entries.
    pub related: Vec<EntryId>,
    /// Documents it rests on.
    pub sources: Vec<Source>,
}

/// Where an entry comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Origin {
    /// A file under `playbook/`, changed through the repository.
    Curated,
    /// Added by a city through the app.
    Contributed,
}

/// A playbook entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// `jurisdiction/slug`.
    pub id: EntryId,
    /// The front matter.
    pub meta: EntryMeta,
    /// The Markdown body, as written.
    pub body_markdown: String,
    /// Where the entry comes from.
    pub origin: Origin,
    /// When it last changed: the file's modification time, or the revision's time.
    pub updated: Option<DateTime<Utc>>,
}

impl Entry {
    /// The entry's jurisdiction slug.
    pub fn jurisdiction(&self) -> &Slug {
        &self.id.jurisdiction
    }
}
