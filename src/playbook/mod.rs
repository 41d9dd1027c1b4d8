//! The playbook domain: entries, jurisdictions, declared sources, their file format, the
//! loaded playbook, and checking quotes against the sources' stored texts.

pub mod entry;
pub mod front_matter;
pub mod jurisdiction;
pub mod load;
pub mod markdown;
pub mod problem;
pub mod provenance;
pub mod read;
pub mod scan;
pub mod slug;
pub mod source;
pub mod source_text;
pub mod synonyms;
pub mod topics;
pub mod write;

use std::collections::BTreeMap;

pub use entry::{
    Access, Cited, Entry, EntryFields, EntryInput, EntryMeta, Kind, Origin, Reader, Source,
    SourceDetails, Status, Visibility,
};
pub use jurisdiction::{Jurisdiction, JurisdictionFields, Level};
pub use load::{CheckedPlaybook, LoadedPlaybook, check_playbook, load_playbook};
pub use problem::Problem;
pub use provenance::{
    CitedQuote, CitedSource, PlaybookQuotes, Provenance, QuoteCheck, QuotePlace, SourceTexts,
    Verification,
};
pub use read::{
    read_entry_file, read_jurisdiction_file, read_source_declaration_file, read_synonyms_file,
    read_topics_file,
};
pub use scan::{EntryFile, PlaybookScan, scan_playbook};
pub use slug::{EntryId, Slug, SourceId};
pub use source::{DeclaredSource, SourceDeclarationFields, SourceKind};
pub use synonyms::Synonyms;
pub use topics::TopicLabels;

/// A validated playbook: every jurisdiction and entry, plus the maintainers' synonyms and topic labels.
#[derive(Debug, Clone, Default)]
pub struct Playbook {
    /// Jurisdictions by slug.
    pub jurisdictions: BTreeMap<Slug, Jurisdiction>,
    /// Entries by id.
    pub entries: BTreeMap<EntryId, Entry>,
    /// Synonym groups from `synonyms.toml` (empty when the file is absent).
    pub synonyms: Synonyms,
    /// How topics read on pages, from `topics.toml` (no labels when the file is absent).
    pub topic_labels: TopicLabels,
    /// Declared sources by id, from `_sources/<id>.md`.
    pub sources: BTreeMap<SourceId, DeclaredSource>,
    /// Every quote the entries make, those of declared sources with their file and line.
    pub quotes: PlaybookQuotes,
    /// A digest of every file the playbook was read from, to tell whether an index is current.
    pub fingerprint: String,
}

impl Playbook {
    /// The entry with this id, if any.
    pub fn entry(&self, id: &EntryId) -> Option<&Entry> {
        self.entries.get(id)
    }

    /// The jurisdiction with this slug, if any.
    pub fn jurisdiction(&self, slug: &str) -> Option<&Jurisdiction> {
        self.jurisdictions.get(slug)
    }

    /// The declared source with this id, if any.
    pub fn source(&self, id: &str) -> Option<&DeclaredSource> {
        self.sources.get(id)
    }
}
