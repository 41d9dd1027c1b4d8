//! Declared sources and the quotes that cite them, as readers ask for them: each source of an
//! entry resolved and its quote's state, and a source's page of the entries citing it. The
//! check of every curated quote against the stored texts that start-up runs lives here too.

use std::collections::BTreeMap;
use std::path::Path;

use super::{Catalog, CatalogError};
use crate::playbook::provenance::default_sources_dir;
use crate::playbook::{
    Cited, CitedSource, DeclaredSource, EntryId, EntryMeta, PlaybookQuotes, Provenance, QuoteCheck,
    SourceId, SourceTexts, Verification,
};
use crate::store::{User, reader_of};

/// A declared source's page: the declaration, whether its text is stored here, and a page of
/// the live entries citing it with their quotes.
#[derive(Debug, Clone)]
pub struct SourceView {
    /// The declaration.
    pub source: DeclaredSource,
    /// Whether its text is stored here (so quotes are checked against it).
    pub has_text: bool,
    /// How many entries cite it, as far as the index knows.
    pub total: usize,
    /// This page's entries, newest first.
    pub citing: Vec<CitingView>,
}

/// An entry citing a source, with what it quotes of it.
#[derive(Debug, Clone)]
pub struct CitingView {
    /// The entry's id.
    pub id: EntryId,
    /// Its title.
    pub title: String,
    /// Its quotes of the source.
    pub quotes: Vec<QuoteView>,
}

/// A quote of a declared source, its state, and its context when that may be shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuoteView {
    /// The quote as the entry gives it.
    pub quote: String,
    /// Its state.
    pub verification: Verification,
    /// The quote within a few sentences of the stored text, when the text is stored, may be
    /// shown, and holds the quote.
    pub context: Option<QuoteInContext>,
}

/// A quote as the stored text has it, with the sentences around it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuoteInContext {
    /// The text before the quote.
    pub before: String,
    /// The quoted passage as stored.
    pub quote: String,
    /// The text after it.
    pub after: String,
}

/// The provenance of `declared` with the texts of `sources_dir` (`None`: the playbook's
/// `_sources` folder); a text that does not read is logged and counts as not stored.
pub fn provenance_of(
    declared: BTreeMap<SourceId, DeclaredSource>,
    playbook_dir: &Path,
    sources_dir: Option<&Path>,
) -> Provenance {
    let dir = sources_dir.map_or_else(|| default_sources_dir(playbook_dir), Path::to_owned);
    let (texts, problems) = SourceTexts::read(&dir, declared.keys());
    for problem in &problems {
        tracing::warn!(%problem, "a source's stored text does not read; its quotes are not checked");
    }
    Provenance::new(declared, texts)
}

/// Checks every curated quote of a declared source against the stored texts and logs the
/// outcome: each quote not found, and how many were checked and not.
pub fn check_quotes_at_start(
    provenance: &Provenance,
    quotes: &PlaybookQuotes,
    playbook_dir: &Path,
) -> QuoteCheck {
    let check = provenance.check_declared(quotes, playbook_dir);
    for problem in &check.not_found {
        tracing::warn!(%problem, "a quote is not in its source's stored text");
    }
    tracing::info!(
        verified = check.verified,
        not_found = check.not_found.len(),
        no_stored_text = check.no_text.len(),
        inline = check.inline,
        texts = provenance.texts().len(),
        "checked the playbook's quotes against the sources' stored texts"
    );
    check
}

impl Catalog {
    /// The declared sources and their stored texts.
    pub fn provenance(&self) -> &Provenance {
        &self.provenance
    }

    /// How the curated quotes came out against the stored texts when the catalog opened.
    pub fn quote_check(&self) -> &QuoteCheck {
        &self.quote_check
    }

    /// Every source of `meta` as readers see it: resolved against its declaration, its quote
    /// checked against the stored text.
    pub fn cited_sources(&self, meta: &EntryMeta) -> Vec<CitedSource> {
        meta.sources()
            .iter()
            .map(|source| self.provenance.cite(source))
            .collect()
    }

    /// The page of the declared source `id`: up to `limit` live entries `viewer` may read
    /// citing it (after `offset`), with their quotes. Not found when no source `id` is
    /// declared.
    pub fn source_view(
        &self,
        viewer: Option<&User>,
        id: &str,
        offset: usize,
        limit: usize,
    ) -> Result<SourceView, CatalogError> {
        let reader = reader_of(viewer);
        let source = self
            .provenance
            .source(id)
            .ok_or_else(|| CatalogError::NotFound("There is no source at this address.".into()))?
            .clone();
        let page = self
            .index
            .citing(source.id.as_str(), offset, limit, &reader)?;
        let mut citing = Vec::with_capacity(page.entries.len());
        for found in page.entries {
            let Ok(entry_id) = EntryId::parse(&found.id) else {
                continue;
            };
            // The index may be behind a curated file edited since start-up: the file rules.
            let Some(view) = self.entry(&entry_id)?.filter(|v| {
                !v.retired && reader.may_read(v.jurisdiction.slug.as_str(), v.entry.meta.access())
            }) else {
                continue;
            };
            let cites: Vec<_> = view
                .entry
                .meta
                .sources()
                .iter()
                .filter(|s| s.declared_id() == Some(&source.id))
                .collect();
            if cites.is_empty() {
                continue;
            }
            let quotes = cites
                .into_iter()
                .filter_map(|s| s.quote.as_deref())
                .map(|quote| QuoteView {
                    quote: quote.to_owned(),
                    verification: self
                        .provenance
                        .verify(&Cited::Declared(source.id.clone()), quote),
                    context: self
                        .provenance
                        .context(&source.id, quote)
                        .map(|c| QuoteInContext {
                            before: c.before.to_owned(),
                            quote: c.quote.to_owned(),
                            after: c.after.to_owned(),
                        }),
                })
                .collect();
            citing.push(CitingView {
                id: entry_id,
                title: view.entry.meta.title().to_owned(),
                quotes,
            });
        }
        Ok(SourceView {
            has_text: self.provenance.has_text(&source.id),
            source,
            total: page.total,
            citing,
        })
    }
}
