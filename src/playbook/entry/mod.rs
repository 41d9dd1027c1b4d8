//! A playbook entry: its front matter, as given (`EntryFields`) and as validated
//! (`EntryMeta`), and its Markdown body. Every rule an entry's fields follow lives here, said
//! once for files, the API and the editor; what a problem is called depends on where it is
//! shown (`problem`).

pub mod fields;
pub mod input;
pub mod kind;
pub mod meta;
pub mod problem;
pub mod visibility;

use chrono::{DateTime, Utc};
use serde::Serialize;

pub use fields::{DateField, EntryFields, ListField, SourceFields};
pub use input::{EntryInput, JurisdictionInput, MAX_BODY_BYTES, ValidEntry};
pub use kind::{Kind, Status};
pub use meta::{Cited, EntryMeta, MAX_SOURCES, Source, SourceDetails};
pub use problem::{Broken, FieldErrors, FieldPath, FieldProblem, FieldProblems};
pub use visibility::{Access, Reader, Visibility};

use super::slug::{EntryId, Slug};

/// Where an entry comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
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
