//! Provenance: the declared sources with their stored texts, each quote's verification state,
//! and the check that `playbook check` and start-up run over every quote of a declared source.
//! How a quote is compared with a text is `source_text`'s business; what a state means for an
//! entry's source, and which quotes are problems, is this module's.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::entry::meta::{Cited, Source, SourceDetails};
use super::problem::Problem;
use super::read::decode_utf8;
use super::slug::SourceId;
use super::source::{DeclaredSource, SOURCES_FOLDER, TEXT_ENDING};
use super::source_text::{QuoteContext, SourceText};

/// How many sentences around a quote its context shows, on each side.
pub const CONTEXT_SENTENCES: usize = 1;

/// Whether a quote was checked against its source's stored text, and how that came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Verification {
    /// Found word for word in the stored text of its declared source.
    Verified,
    /// Not found in the stored text of its declared source.
    NotFound,
    /// Not checked: its declared source has no stored text here.
    NoText,
    /// Not checked: its source is described where it is cited, not declared, so there is no
    /// text to check it against.
    Undeclared,
}

impl Verification {
    /// The state's slug, as the API writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Verification::Verified => "verified",
            Verification::NotFound => "not-found",
            Verification::NoText => "no-text",
            Verification::Undeclared => "undeclared",
        }
    }
}

/// A quote of a declared source, where the playbook gives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CitedQuote {
    /// The entry's file, relative to the playbook folder.
    pub file: PathBuf,
    /// The line of the quote in that file.
    pub line: usize,
    /// The declared source it quotes.
    pub source: SourceId,
    /// The quote as written.
    pub quote: String,
}

/// Where a quote stands in the playbook.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuotePlace {
    /// The entry's file, relative to the playbook folder.
    pub file: PathBuf,
    /// The line of the quote in that file.
    pub line: usize,
}

/// Every quote the playbook's entries make: those of declared sources, each with its place,
/// and those of sources described inline (which have no text to be checked against).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlaybookQuotes {
    /// Quotes of declared sources, in the order read.
    pub of_declared: Vec<CitedQuote>,
    /// How many quotes cite a source described inline.
    pub inline: usize,
    /// Where each of those stands, when the files were just read. Not recorded with the
    /// start-up stamp, which needs only the count (a synthetic playbook of 100,000 entries
    /// has as many).
    #[serde(skip)]
    pub inline_places: Vec<QuotePlace>,
}

/// The stored texts of declared sources, read from a sources folder.
#[derive(Debug, Clone, Default)]
pub struct SourceTexts {
    dir: PathBuf,
    texts: BTreeMap<SourceId, SourceText>,
}

impl SourceTexts {
    /// Reads `<dir>/<id>.txt` for each of `ids`. A missing file (or folder) means no stored
    /// text; a file that does not read as UTF-8 text is a problem, and no text.
    pub fn read<'a>(
        dir: &Path,
        ids: impl IntoIterator<Item = &'a SourceId>,
    ) -> (SourceTexts, Vec<Problem>) {
        let mut texts = BTreeMap::new();
        let mut problems = Vec::new();
        for id in ids {
            let path = text_path(dir, id);
            let bytes = match fs::read(&path) {
                Ok(bytes) => bytes,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                Err(e) => {
                    problems.push(Problem::new(&path, 1, format!("cannot read file: {e}")));
                    continue;
                }
            };
            match decode_utf8(&path, bytes) {
                Ok(text) => {
                    texts.insert(id.clone(), SourceText::new(text));
                }
                Err(problem) => problems.push(problem),
            }
        }
        let texts = SourceTexts {
            dir: dir.to_owned(),
            texts,
        };
        (texts, problems)
    }

    /// The folder the texts were looked for in.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The stored text of `id`, if there is one.
    pub fn get(&self, id: &SourceId) -> Option<&SourceText> {
        self.texts.get(id)
    }

    /// How many texts are stored.
    pub fn len(&self) -> usize {
        self.texts.len()
    }

    /// Whether no text is stored.
    pub fn is_empty(&self) -> bool {
        self.texts.is_empty()
    }
}

/// Where the text of source `id` is looked for in the sources folder `dir`.
pub fn text_path(dir: &Path, id: &SourceId) -> PathBuf {
    dir.join(format!("{id}{TEXT_ENDING}"))
}

/// The sources folder used when none is given: `<playbook-dir>/_sources`.
pub fn default_sources_dir(playbook_dir: &Path) -> PathBuf {
    playbook_dir.join(SOURCES_FOLDER)
}

/// A source as an entry cites it: resolved against its declaration, its quote verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CitedSource {
    /// The declared source's id, when the entry names one.
    pub source: Option<SourceId>,
    /// Its title, publisher, date and web address: the declaration's, or as given inline
    /// (an id that names no declaration shows as its title).
    pub details: SourceDetails,
    /// Whether the source is declared (so it has a page).
    pub declared: bool,
    /// The passage quoted, word for word.
    pub quote: Option<String>,
    /// The quote's state; None when there is no quote.
    pub verification: Option<Verification>,
}

/// The declared sources with their stored texts: what quotes are checked against.
#[derive(Debug, Clone, Default)]
pub struct Provenance {
    declared: BTreeMap<SourceId, DeclaredSource>,
    texts: SourceTexts,
}

impl Provenance {
    /// The provenance of these declarations and texts.
    pub fn new(declared: BTreeMap<SourceId, DeclaredSource>, texts: SourceTexts) -> Self {
        Provenance { declared, texts }
    }

    /// Every declared source, by id.
    pub fn declared(&self) -> &BTreeMap<SourceId, DeclaredSource> {
        &self.declared
    }

    /// The declared source `id`, if any.
    pub fn source(&self, id: &str) -> Option<&DeclaredSource> {
        self.declared.get(id)
    }

    /// The stored texts.
    pub fn texts(&self) -> &SourceTexts {
        &self.texts
    }

    /// Whether the declared source `id` has a stored text here.
    pub fn has_text(&self, id: &SourceId) -> bool {
        self.texts.get(id).is_some()
    }

    /// The state of `quote` of the source `cites`.
    pub fn verify(&self, cites: &Cited, quote: &str) -> Verification {
        let Cited::Declared(id) = cites else {
            return Verification::Undeclared;
        };
        if !self.declared.contains_key(id) {
            return Verification::Undeclared;
        }
        match self.texts.get(id) {
            Some(text) if text.contains(quote) => Verification::Verified,
            Some(_) => Verification::NotFound,
            None => Verification::NoText,
        }
    }

    /// `source` as readers see it: its declaration's details and its quote's state.
    pub fn cite(&self, source: &Source) -> CitedSource {
        let verification = source
            .quote
            .as_deref()
            .map(|quote| self.verify(&source.cites, quote));
        let (id, details, declared) = match &source.cites {
            Cited::Declared(id) => match self.declared.get(id) {
                Some(declaration) => (Some(id.clone()), declaration.details.clone(), true),
                None => (Some(id.clone()), SourceDetails::titled(id.as_str()), false),
            },
            Cited::Inline(details) => (None, details.clone(), false),
        };
        CitedSource {
            source: id,
            details,
            declared,
            quote: source.quote.clone(),
            verification,
        }
    }

    /// `quote` of the declared source `id` within a few sentences of its stored text, when
    /// the text is stored, may be shown, and holds the quote.
    pub fn context(&self, id: &SourceId, quote: &str) -> Option<QuoteContext<'_>> {
        let declared = self.declared.get(id)?;
        if !declared.text_may_be_shown {
            return None;
        }
        let text = self.texts.get(id)?;
        let found = text.find(quote)?;
        Some(text.context(found, CONTEXT_SENTENCES))
    }

    /// Checks every quote of `quotes` (whose files are relative to the playbook folder
    /// `playbook_dir`) against the stored texts, and lists each quote of a source described
    /// inline, which cannot be checked (`playbook check`).
    pub fn check(&self, quotes: &PlaybookQuotes, playbook_dir: &Path) -> QuoteCheck {
        let mut check = self.check_declared(quotes, playbook_dir);
        check.undeclared = quotes
            .inline_places
            .iter()
            .map(|place| {
                Problem::new(
                    playbook_dir.join(&place.file),
                    place.line,
                    "quote not checked: no declared source",
                )
            })
            .collect();
        check
    }

    /// Checks every quote of a declared source of `quotes` against the stored texts, and
    /// only counts the quotes of sources described inline (what a server keeps: a synthetic
    /// playbook of 100,000 entries has as many).
    pub fn check_declared(&self, quotes: &PlaybookQuotes, playbook_dir: &Path) -> QuoteCheck {
        let mut check = QuoteCheck {
            inline: quotes.inline,
            ..QuoteCheck::default()
        };
        for cited in &quotes.of_declared {
            let path = playbook_dir.join(&cited.file);
            let id = &cited.source;
            match self.verify(&Cited::Declared(id.clone()), &cited.quote) {
                Verification::Verified => check.verified += 1,
                Verification::NotFound => check.not_found.push(Problem::new(
                    path,
                    cited.line,
                    format!("quote not found in {id}"),
                )),
                Verification::NoText | Verification::Undeclared => {
                    check.without_text.insert(id.clone());
                    check.no_text.push(Problem::new(
                        path,
                        cited.line,
                        format!("quote of {id} not checked: no stored text"),
                    ));
                }
            }
        }
        check
    }
}

/// How the quotes of a playbook came out against the stored texts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QuoteCheck {
    /// How many quotes were found word for word.
    pub verified: usize,
    /// Each quote not found in its source's stored text.
    pub not_found: Vec<Problem>,
    /// Each quote of a declared source that has no stored text.
    pub no_text: Vec<Problem>,
    /// The declared sources quoted that have no stored text.
    pub without_text: BTreeSet<SourceId>,
    /// How many quotes cite a source described inline.
    pub inline: usize,
    /// Each quote of a source described inline, where its place is known.
    pub undeclared: Vec<Problem>,
}

impl QuoteCheck {
    /// The problems: quotes not found, and, when every quote must be verified, quotes with
    /// no stored text to check them against (of a declared source, or of one described
    /// inline, which has none).
    pub fn problems(&self, require_verified: bool) -> Vec<Problem> {
        let mut problems = self.not_found.clone();
        if require_verified {
            problems.extend(self.no_text.iter().cloned());
            problems.extend(self.undeclared.iter().cloned());
        }
        problems.sort();
        problems
    }

    /// How many quotes were not checked, for either reason.
    pub fn not_checked(&self) -> usize {
        self.no_text.len() + self.inline
    }

    /// A note saying how many quotes were not checked and why (`texts_dir`: where texts were
    /// looked for); None when every quote was checked.
    pub fn note(&self, texts_dir: &Path) -> Option<String> {
        if self.not_checked() == 0 {
            return None;
        }
        let mut reasons = Vec::new();
        if !self.no_text.is_empty() {
            let files: Vec<String> = self
                .without_text
                .iter()
                .map(|id| format!("{id}{TEXT_ENDING}"))
                .collect();
            reasons.push(format!(
                "{} cite a declared source with no stored text here (no {} in {}; --sources-dir names another folder)",
                self.no_text.len(),
                files.join(", "),
                texts_dir.display()
            ));
        }
        if self.inline > 0 {
            reasons.push(format!(
                "{} cite a source described inline, not declared in {SOURCES_FOLDER}/",
                self.inline
            ));
        }
        Some(format!(
            "{} quote(s) not checked word for word: {}",
            self.not_checked(),
            reasons.join("; ")
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::playbook::source::{SourceDeclarationFields, SourceKind};

    fn id(text: &str) -> SourceId {
        SourceId::parse(text).expect("id")
    }

    /// `minutes` declared with a stored text, `memo` declared without one.
    fn provenance() -> Provenance {
        let declare = |name: &str, title: &str| {
            let fields = SourceDeclarationFields {
                title: Some(title.into()),
                kind: Some(SourceKind::Report.as_str().into()),
                ..SourceDeclarationFields::default()
            };
            let declared = DeclaredSource::parse(id(name), &fields, "").expect("valid");
            (declared.id.clone(), declared)
        };
        let declared = BTreeMap::from([declare("minutes", "Minutes"), declare("memo", "Memo")]);
        let texts = SourceTexts {
            dir: PathBuf::from("texts"),
            texts: BTreeMap::from([(
                id("minutes"),
                SourceText::new("The council met. It voted \u{201C}yes\u{201D}. It rose."),
            )]),
        };
        Provenance::new(declared, texts)
    }

    fn quote_of(source: &str, quote: &str, line: usize) -> CitedQuote {
        CitedQuote {
            file: PathBuf::from("city/entry.md"),
            line,
            source: id(source),
            quote: quote.into(),
        }
    }

    #[test]
    fn each_quote_gets_the_state_its_source_and_text_give() {
        let p = provenance();
        let declared = |name: &str| Cited::Declared(id(name));
        assert_eq!(
            p.verify(&declared("minutes"), "It voted \"yes\"."),
            Verification::Verified
        );
        assert_eq!(
            p.verify(&declared("minutes"), "It voted no."),
            Verification::NotFound
        );
        assert_eq!(p.verify(&declared("memo"), "x"), Verification::NoText);
        assert_eq!(p.verify(&declared("gone"), "x"), Verification::Undeclared);
        let inline = Cited::Inline(SourceDetails::titled("A letter"));
        assert_eq!(p.verify(&inline, "x"), Verification::Undeclared);
    }

    #[test]
    fn a_cited_source_takes_its_declarations_details() {
        let p = provenance();
        let cite = |cites: Cited, quote: Option<&str>| {
            p.cite(&Source {
                cites,
                quote: quote.map(str::to_owned),
            })
        };
        let minutes = cite(Cited::Declared(id("minutes")), Some("The council met."));
        assert_eq!(minutes.details.title, "Minutes");
        assert!(minutes.declared);
        assert_eq!(minutes.verification, Some(Verification::Verified));
        let gone = cite(Cited::Declared(id("gone")), None);
        assert_eq!(
            (gone.details.title.as_str(), gone.declared),
            ("gone", false)
        );
        assert_eq!(gone.verification, None, "no quote, no state");
        assert_eq!(
            p.context(&id("minutes"), "It voted"),
            None,
            "not to be shown"
        );
    }

    #[test]
    fn the_check_reports_each_quote_at_its_line() {
        let p = provenance();
        let quotes = PlaybookQuotes {
            of_declared: vec![
                quote_of("minutes", "The council met.", 7),
                quote_of("minutes", "The council slept.", 9),
                quote_of("memo", "Anything.", 11),
            ],
            inline: 1,
            inline_places: vec![QuotePlace {
                file: PathBuf::from("city/other.md"),
                line: 5,
            }],
        };
        let check = p.check(&quotes, Path::new("playbook"));
        assert_eq!(check.verified, 1);
        let lines = |problems: Vec<Problem>| -> Vec<String> {
            problems.iter().map(ToString::to_string).collect()
        };
        assert_eq!(
            lines(check.problems(false)),
            ["playbook/city/entry.md:9: quote not found in minutes"]
        );
        assert_eq!(
            lines(check.problems(true)),
            [
                "playbook/city/entry.md:9: quote not found in minutes",
                "playbook/city/entry.md:11: quote of memo not checked: no stored text",
                "playbook/city/other.md:5: quote not checked: no declared source",
            ]
        );
        assert_eq!(
            check.note(Path::new("texts")).as_deref(),
            Some(
                "2 quote(s) not checked word for word: 1 cite a declared source with no stored text here (no memo.txt in texts; --sources-dir names another folder); 1 cite a source described inline, not declared in _sources/"
            )
        );
        let declared_only = p.check_declared(&quotes, Path::new("playbook"));
        assert!(declared_only.undeclared.is_empty());
        assert_eq!(declared_only.inline, 1);
    }
}
