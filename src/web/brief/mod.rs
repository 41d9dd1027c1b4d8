//! A brief: entries collected for a reader (a mayor, a council), in the order chosen, with a
//! cover and their sources' quotes as numbered citations. A brief lives in its address
//! (`?ids=…&title=…&for=…`) or, saved by a signed-in user, in the store with an introduction
//! and a note per entry (`crate::briefs`); this module makes it once from the entries, and
//! `markdown` and `docx` (and the pages, `pages::brief` and `pages::saved_briefs`) write that
//! one value in their formats.

pub mod docx;
pub mod markdown;

use chrono::NaiveDate;

use crate::catalog::{CatalogError, EntryView};
use crate::playbook::markdown::has_task_list;
use crate::playbook::markdown::sections::with_headings_from;
use crate::playbook::{EntryId, Kind, Status};
use crate::store::{StoredBrief, User};
use crate::web::entry_ids::{EntryIds, MAX_BRIEF_ENTRIES, query_value};
use crate::web::error::AppError;
use crate::web::state::AppState;

pub use crate::briefs::MAX_COVER_CHARS;

/// The heading level an entry's own headings start at in a brief: under the brief's title
/// (1) and the entry's (2).
pub const BODY_HEADING_LEVEL: usize = 3;

/// What a request asks for: the entries and the cover's words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BriefRequest {
    /// The entries, in order, each once (at most `MAX_BRIEF_ENTRIES`).
    pub ids: EntryIds,
    /// The cover's title as given (empty: the default).
    pub title: String,
    /// Who it is prepared for (empty: not said).
    pub prepared_for: String,
}

impl BriefRequest {
    /// Parses `ids`, `title` and `for` from a raw query string.
    pub fn parse(raw: Option<&str>) -> Result<BriefRequest, AppError> {
        let ids = EntryIds::from_query(raw, MAX_BRIEF_ENTRIES)?;
        let text = |name: &str| -> Result<String, AppError> {
            let value = query_value(raw, name).unwrap_or_default();
            let value = value.trim();
            if value.chars().count() > MAX_COVER_CHARS {
                return Err(AppError::BadRequest(format!(
                    "`{name}` is too long: at most {MAX_COVER_CHARS} characters"
                )));
            }
            Ok(value.to_owned())
        };
        Ok(BriefRequest {
            ids,
            title: text("title")?,
            prepared_for: text("for")?,
        })
    }
}

impl BriefRequest {
    /// The cover this request asks for (a brief in an address has no introduction).
    pub fn cover(&self) -> Cover {
        Cover {
            title: self.title.clone(),
            prepared_for: self.prepared_for.clone(),
            intro: String::new(),
        }
    }
}

/// What a brief's cover says.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Cover {
    /// The title (empty: the default).
    pub title: String,
    /// Who it is prepared for (empty: not said).
    pub prepared_for: String,
    /// An introduction, plain text (empty: none).
    pub intro: String,
}

/// An entry to put in a brief, with its note (empty: none).
pub struct NotedEntry {
    /// The entry as its reader may see it.
    pub view: EntryView,
    /// The note on it, plain text.
    pub note: String,
}

/// Plain text as paragraphs: blank lines part them, and each paragraph's lines are joined.
pub fn paragraphs(text: &str) -> Vec<String> {
    text.replace("\r\n", "\n")
        .split("\n\n")
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|p| !p.is_empty())
        .collect()
}

/// A source as a numbered citation.
#[derive(Debug, Clone)]
pub struct Citation {
    /// Its number in the brief, from 1, counting every entry's sources in order.
    pub number: usize,
    /// The passage quoted, word for word, if any.
    pub quote: Option<String>,
    /// The document's title.
    pub title: String,
    /// Who published it.
    pub publisher: Option<String>,
    /// When.
    pub date: Option<NaiveDate>,
    /// Where to read it.
    pub url: Option<String>,
}

impl Citation {
    /// Title, publisher, date and address, as one line: `Title, Publisher, 2026-01-20, https://…`.
    pub fn reference(&self) -> String {
        let mut parts = vec![self.title.clone()];
        parts.extend(self.publisher.clone());
        parts.extend(self.date.map(|d| d.to_string()));
        parts.extend(self.url.clone());
        parts.join(", ")
    }
}

/// One entry of a brief.
#[derive(Debug, Clone)]
pub struct BriefEntry {
    /// Its id.
    pub id: EntryId,
    /// Its number in the brief, from 1.
    pub number: usize,
    /// Title.
    pub title: String,
    /// Its jurisdiction's name (`Minneapolis, MN`).
    pub jurisdiction: String,
    /// Its kind.
    pub kind: Kind,
    /// Its status, if any.
    pub status: Option<Status>,
    /// Its date, if any.
    pub date: Option<NaiveDate>,
    /// Summary.
    pub summary: String,
    /// Whether it is a template to adapt (keeps its mark in every format).
    pub is_template: bool,
    /// Whether it is a checklist (its tick boxes are kept).
    pub is_checklist: bool,
    /// The note of the brief's author on it, as paragraphs (none: no note).
    pub note: Vec<String>,
    /// The body, its headings moved under the entry's title (`BODY_HEADING_LEVEL`).
    pub body_markdown: String,
    /// Its sources, numbered.
    pub citations: Vec<Citation>,
}

/// A brief, ready to write in any format.
#[derive(Debug, Clone)]
pub struct Brief {
    /// The cover's title.
    pub title: String,
    /// Who it is prepared for, if said.
    pub prepared_for: Option<String>,
    /// The introduction, as paragraphs (none: no introduction).
    pub intro: Vec<String>,
    /// The day it was made.
    pub date: NaiveDate,
    /// The entries, in order.
    pub entries: Vec<BriefEntry>,
}

/// What the template mark says, the same in every format.
pub const TEMPLATE_MARK: &str = "Template — adapt to local law. Steps marked as template go beyond the sources: check them with your counsel and staff.";

impl Brief {
    /// The brief of `entries` (in the order given) with `cover`, made on `date`. Moves each
    /// body's headings: CPU work in proportion to the bodies' size, so call it off the async
    /// threads.
    pub fn new(cover: &Cover, entries: Vec<NotedEntry>, date: NaiveDate) -> Brief {
        let mut next_citation = 1;
        let entries = entries
            .into_iter()
            .enumerate()
            .map(|(i, NotedEntry { view, note })| {
                let meta = &view.entry.meta;
                let citations = view
                    .sources
                    .iter()
                    .map(|cited| {
                        let citation = Citation {
                            number: next_citation,
                            quote: cited.quote.clone(),
                            title: cited.details.title.clone(),
                            publisher: cited.details.publisher.clone(),
                            date: cited.details.date,
                            url: cited.details.url.clone(),
                        };
                        next_citation += 1;
                        citation
                    })
                    .collect();
                BriefEntry {
                    id: view.entry.id.clone(),
                    number: i + 1,
                    title: meta.title().to_owned(),
                    jurisdiction: view.jurisdiction.display_name(),
                    kind: meta.kind(),
                    status: meta.status(),
                    date: meta.date(),
                    summary: meta.summary().to_owned(),
                    is_template: meta.is_template(),
                    is_checklist: meta.kind() == Kind::Checklist
                        || has_task_list(&view.entry.body_markdown),
                    body_markdown: with_headings_from(
                        &view.entry.body_markdown,
                        BODY_HEADING_LEVEL,
                    ),
                    citations,
                    note: paragraphs(&note),
                }
            })
            .collect();
        Brief {
            title: if cover.title.is_empty() {
                crate::briefs::DEFAULT_TITLE.to_owned()
            } else {
                cover.title.clone()
            },
            prepared_for: (!cover.prepared_for.is_empty()).then(|| cover.prepared_for.clone()),
            intro: paragraphs(&cover.intro),
            date,
            entries,
        }
    }

    /// The date as the cover writes it: `30 November 2026`.
    pub fn date_words(&self) -> String {
        self.date.format("%-d %B %Y").to_string()
    }

    /// A file name for downloads: `brief-2026-11-30.md`.
    pub fn file_name(&self, extension: &str) -> String {
        format!("brief-{}.{extension}", self.date)
    }
}

impl BriefEntry {
    /// Kind, jurisdiction, status and date, as one line.
    pub fn facts(&self) -> String {
        let mut parts = vec![self.kind.label().to_owned(), self.jurisdiction.clone()];
        parts.extend(self.status.map(|s| s.label().to_owned()));
        parts.extend(self.date.map(|d| d.to_string()));
        parts.join(" · ")
    }
}

/// The brief `request` asks for, read as `viewer` may see its entries: 404 naming an entry
/// that is not there.
pub async fn load(
    state: &AppState,
    viewer: Option<User>,
    request: BriefRequest,
) -> Result<Brief, AppError> {
    let entries = request.ids.read(state, viewer).await?;
    let cover = request.cover();
    let today = chrono::Utc::now().date_naive();
    let noted = entries
        .into_iter()
        .map(|view| NotedEntry {
            view,
            note: String::new(),
        })
        .collect();
    state
        .run_blocking(move |_| Brief::new(&cover, noted, today))
        .await
}

/// The saved brief `id` as `viewer` may see it: 404 unless they may open it; entries they may
/// not read (hidden, retired, gone) are left out, neither shown nor counted. With it, the
/// stored brief.
pub async fn load_saved(
    state: &AppState,
    viewer: Option<User>,
    id: String,
) -> Result<(Brief, StoredBrief), AppError> {
    let reader = viewer.clone();
    let stored = state
        .with_briefs(move |briefs| briefs.readable(reader.as_ref(), &id))
        .await?;
    let items = stored.content.items.clone();
    let noted = state
        .with_catalog(move |catalog| {
            let mut noted = Vec::with_capacity(items.len());
            for item in items {
                match catalog.entry_for(viewer.as_ref(), &item.entry) {
                    Ok(view) => noted.push(NotedEntry {
                        view,
                        note: item.note,
                    }),
                    Err(CatalogError::NotFound(_)) => {}
                    Err(other) => return Err(other),
                }
            }
            Ok(noted)
        })
        .await?;
    let cover = Cover {
        title: stored.content.title.clone(),
        prepared_for: stored.content.prepared_for.clone(),
        intro: stored.content.intro.clone(),
    };
    let today = chrono::Utc::now().date_naive();
    let brief = state
        .run_blocking(move |_| Brief::new(&cover, noted, today))
        .await?;
    Ok((brief, stored))
}
