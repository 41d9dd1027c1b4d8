//! The index schema: one struct holding every field, built in one place.

use tantivy::schema::{
    FAST, FacetOptions, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema,
    TextFieldIndexing, TextOptions,
};

use super::analyzer::{PLAIN, STEMMED};

/// Bumped whenever the schema or analysis changes, so older indexes are rebuilt.
pub const SCHEMA_VERSION: u32 = 8;

/// Every field of a playbook index.
#[derive(Debug, Clone)]
pub struct PlaybookFields {
    /// `jurisdiction/slug`, untokenized: the key for updates and deletes. Also a fast field,
    /// so suggestions read it without the document store.
    pub id: Field,
    /// The title (weighted most). Also a fast field (untokenized), for suggestions.
    pub title: Field,
    /// The title without stemming, for search-as-you-type prefixes.
    pub title_plain: Field,
    /// The summary (weighted more than the body).
    pub summary: Field,
    /// The body as plain text.
    pub body: Field,
    /// Topics as words, so `topic` slugs are searchable text too.
    pub topics_text: Field,
    /// One facet per filter value, `/<filter>/<value>` (see `Filter`): filters and facet counts.
    pub facets: Field,
    /// Days since 1970-01-01, or `UNDATED`: sorts by date.
    pub date_sort: Field,
    /// Seconds since 1970 of the last change, or `UNDATED`: sorts feeds.
    pub updated_sort: Field,
    /// Stored only: the last change, RFC 3339.
    pub updated: Field,
    /// Stored only: the kind slug.
    pub kind: Field,
    /// Stored only: each topic slug.
    pub topic: Field,
    /// Stored only: `YYYY-MM-DD`.
    pub date: Field,
    /// Stored only: the status slug.
    pub status: Field,
    /// Stored only: the jurisdiction slug.
    pub jurisdiction: Field,
    /// Stored, and a fast field for suggestions: the jurisdiction's name.
    pub jurisdiction_name: Field,
    /// Stored only: the jurisdiction's state code.
    pub jurisdiction_state: Field,
    /// Stored only: the jurisdiction's level.
    pub jurisdiction_level: Field,
    /// The ids of the declared sources the entry cites, untokenized: a source's page lists
    /// the entries citing it.
    pub cites: Field,
    /// The keys of the readers who may read it (`Access::keys`), untokenized: every search
    /// requires one the reader holds, so what a reader may not read is never matched or counted.
    pub audience: Field,
    /// Stored, and a fast field for suggestions: its access (`Access::as_str`).
    pub access: Field,
}

/// The `date_sort` value of an entry without a date: sorts after every dated entry.
pub const UNDATED: i64 = i64::MIN / 2;

/// Name of the `date_sort` fast field.
pub const DATE_SORT_FIELD: &str = "date_sort";
/// Name of the `updated_sort` fast field.
pub const UPDATED_SORT_FIELD: &str = "updated_sort";
/// The tokenizer of untokenized fast text fields (tantivy's own).
const RAW_TOKENIZER: &str = "raw";

/// Name of the facet field.
pub const FACETS_FIELD: &str = "facets";

impl PlaybookFields {
    /// Builds the schema and the struct of its fields.
    pub fn build() -> (Schema, PlaybookFields) {
        let mut builder = Schema::builder();
        let text = |stored: bool| {
            let indexing = TextFieldIndexing::default()
                .set_tokenizer(STEMMED)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions);
            let options = TextOptions::default().set_indexing_options(indexing);
            if stored {
                options.set_stored()
            } else {
                options
            }
        };
        let fields = PlaybookFields {
            id: builder.add_text_field("id", STRING | STORED | FAST),
            title: builder.add_text_field("title", text(true).set_fast(RAW_TOKENIZER)),
            title_plain: builder.add_text_field(
                "title_plain",
                TextOptions::default().set_indexing_options(
                    TextFieldIndexing::default()
                        .set_tokenizer(PLAIN)
                        .set_index_option(IndexRecordOption::WithFreqs),
                ),
            ),
            summary: builder.add_text_field("summary", text(true)),
            body: builder.add_text_field("body", text(true)),
            topics_text: builder.add_text_field("topics_text", text(false)),
            facets: builder.add_facet_field(FACETS_FIELD, FacetOptions::default()),
            date_sort: builder.add_i64_field(DATE_SORT_FIELD, FAST | INDEXED),
            updated_sort: builder.add_i64_field(UPDATED_SORT_FIELD, FAST),
            updated: builder.add_text_field("updated", STORED),
            kind: builder.add_text_field("kind", STORED),
            topic: builder.add_text_field("topic", STORED),
            date: builder.add_text_field("date", STORED),
            status: builder.add_text_field("status", STORED),
            jurisdiction: builder.add_text_field("jurisdiction", STORED),
            jurisdiction_name: builder.add_text_field("jurisdiction_name", STORED | FAST),
            jurisdiction_state: builder.add_text_field("jurisdiction_state", STORED),
            jurisdiction_level: builder.add_text_field("jurisdiction_level", STORED),
            cites: builder.add_text_field("cites", STRING),
            audience: builder.add_text_field("audience", STRING),
            access: builder.add_text_field("access", STRING | STORED | FAST),
        };
        (builder.build(), fields)
    }

    /// Rebuilds the struct from an opened index's schema.
    pub fn from_schema(schema: &Schema) -> tantivy::Result<PlaybookFields> {
        let get = |name: &str| schema.get_field(name);
        Ok(PlaybookFields {
            id: get("id")?,
            title: get("title")?,
            title_plain: get("title_plain")?,
            summary: get("summary")?,
            body: get("body")?,
            topics_text: get("topics_text")?,
            facets: get(FACETS_FIELD)?,
            date_sort: get(DATE_SORT_FIELD)?,
            updated_sort: get(UPDATED_SORT_FIELD)?,
            updated: get("updated")?,
            kind: get("kind")?,
            topic: get("topic")?,
            date: get("date")?,
            status: get("status")?,
            jurisdiction: get("jurisdiction")?,
            jurisdiction_name: get("jurisdiction_name")?,
            jurisdiction_state: get("jurisdiction_state")?,
            jurisdiction_level: get("jurisdiction_level")?,
            cites: get("cites")?,
            audience: get("audience")?,
            access: get("access")?,
        })
    }

    /// The searchable text fields with their weights: title over summary over body.
    pub fn weighted_text_fields(&self) -> [(Field, f32); 4] {
        [
            (self.title, 3.0),
            (self.topics_text, 2.0),
            (self.summary, 2.0),
            (self.body, 1.0),
        ]
    }
}
