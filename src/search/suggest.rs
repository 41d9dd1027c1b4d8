//! Search as you type: entry titles that match the words typed so far, the last word as a
//! prefix, forgiving typos.
//!
//! Every word before the last must be in the title (from five letters a typo is forgiven,
//! from nine two), stop words aside; the last word is a prefix of a title word (from four
//! letters with one typo forgiven), or a whole word when a space follows it. As in search, a
//! typo keeps the first letter (see `typo`).
//!
//! Ranking, strongest rule first:
//! 1. titles holding every word before the last as typed, above those holding a typo of one;
//! 2. a title holding the last word as a whole word, then one completing it, then one holding
//!    a typo of it;
//! 3. a completion found in more titles first, then a shorter one;
//! 4. a title of fewer words first.
//!
//! This is answered from in-memory tables of the title words (`tables`), not with a tantivy
//! query: a one-letter prefix completes to thousands of words held by much of the index,
//! which a query would gather and score in full to keep eight. Here completions are walked
//! best first and the walk stops once eight entries are found; when the other words leave few
//! candidates, those candidates' own title words are checked instead. Either way the work is
//! bounded by what the answer needs, and the entries' id, title and jurisdiction come from
//! the tables, not the document store.

mod finder;
mod tables;

use tantivy::tokenizer::TextAnalyzer;

use self::finder::Finder;
pub use self::tables::SuggestTables;
use super::analyzer::{is_stop_word, terms};
use super::index::SearchIndex;
use super::request::{MAX_QUERY_CHARS, SearchError};
use super::synonyms::AnalyzedSynonyms;
use crate::playbook::Reader;

/// The most suggestions returned.
pub const MAX_SUGGESTIONS: usize = 8;

/// The most words before the last that are matched; the rest are ignored.
const MAX_WORDS: usize = 16;

/// One suggestion.
#[derive(Debug, Clone, PartialEq)]
pub struct Suggestion {
    /// The entry id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Its jurisdiction's name.
    pub jurisdiction: String,
}

impl SearchIndex {
    /// Titles of entries `reader` may read matching what has been typed; the last word may
    /// be unfinished.
    ///
    /// Cheap once the index's tables are built; the first call after start-up or a write
    /// builds them from the new segments' title words, which costs more (see
    /// `suggest_if_ready`; `suggest("")` does only that; figures in BENCHMARKS.md, change 10).
    pub fn suggest(&self, typed: &str, reader: &Reader) -> Result<Vec<Suggestion>, SearchError> {
        self.suggest_in_tables(typed, reader, true)
            .map(Option::unwrap_or_default)
    }

    /// `suggest`, or None (having done nothing) if its tables are not built yet for the
    /// current reader: an answer is then bounded and cheap enough to give on an async thread.
    pub fn suggest_if_ready(
        &self,
        typed: &str,
        reader: &Reader,
    ) -> Option<Result<Vec<Suggestion>, SearchError>> {
        self.suggest_in_tables(typed, reader, false).transpose()
    }

    /// The suggestions, building the tables if they are not (`build`), or None.
    fn suggest_in_tables(
        &self,
        typed: &str,
        reader: &Reader,
        build: bool,
    ) -> Result<Option<Vec<Suggestion>>, SearchError> {
        if typed.chars().count() > MAX_QUERY_CHARS {
            return Err(SearchError::QueryTooLong {
                max: MAX_QUERY_CHARS,
            });
        }
        let searcher = self.reader.searcher();
        let table = match self.suggest_tables.cached(&searcher) {
            Some(table) => table,
            None if build => self.suggest_tables.of(&searcher, &self.fields)?,
            None => return Ok(None),
        };
        let mut plain = self.plain.clone();
        let Some(typed) = Typed::parse(&mut plain, typed) else {
            return Ok(Some(Vec::new()));
        };
        let find = |typed: &Typed| {
            Finder::new(&searcher, &table, self.fields.title_plain, reader)?.find(typed)
        };
        let mut found = find(&typed)?;
        // A word the synonyms name: titles saying it another way follow those saying it.
        if found.len() < MAX_SUGGESTIONS {
            for alternative in typed.alternatives(&self.synonyms) {
                for more in find(&alternative)? {
                    if found.len() < MAX_SUGGESTIONS && !found.contains(&more) {
                        found.push(more);
                    }
                }
            }
        }
        // Questions carry words no title holds ("how do we get the guard"): left out, first
        // word first, until titles match the rest, as long as the last word says enough on
        // its own (a letter or two would suggest anything).
        let mut fewer = typed;
        while found.is_empty() && !fewer.words.is_empty() && fewer.last.says_enough() {
            fewer.words.remove(0);
            found = find(&fewer)?;
        }
        let suggestions = found
            .into_iter()
            .map(|(s, doc)| {
                let segment = &table.segments[s];
                Suggestion {
                    id: segment.id(doc).to_owned(),
                    title: segment.title(doc).to_owned(),
                    jurisdiction: segment.jurisdiction_name(doc).to_owned(),
                }
            })
            .collect();
        Ok(Some(suggestions))
    }
}

/// What was typed, analyzed.
struct Typed {
    /// The words before the last, stop words left out.
    words: Vec<String>,
    /// The last word.
    last: Last,
}

enum Last {
    /// Still being typed: a prefix.
    Prefix(String),
    /// Followed by a space: a whole word.
    Word(String),
}

/// The fewest letters a last word needs to be suggested from once the words before it are
/// passed over.
const LAST_WORD_ALONE: usize = 4;

impl Last {
    /// Whether it is long enough to suggest titles from without the words before it.
    fn says_enough(&self) -> bool {
        let (Last::Prefix(word) | Last::Word(word)) = self;
        word.chars().count() >= LAST_WORD_ALONE
    }
}

impl Typed {
    /// What was typed with its last word replaced by each of its synonyms' other terms
    /// (a term of several words adds its first words to the words before the last).
    fn alternatives(&self, synonyms: &AnalyzedSynonyms) -> Vec<Typed> {
        let (word, whole) = match &self.last {
            Last::Prefix(prefix) => (prefix, false),
            Last::Word(word) => (word, true),
        };
        synonyms
            .typed_alternatives(word, whole)
            .into_iter()
            .filter_map(|mut term| {
                let last = term.pop()?;
                let mut words = self.words.clone();
                words.extend(term);
                Some(Typed {
                    words,
                    last: Last::Word(last),
                })
            })
            .collect()
    }

    /// None when nothing searchable was typed.
    fn parse(analyzer: &mut TextAnalyzer, typed: &str) -> Option<Typed> {
        let mut words = terms(analyzer, typed);
        let partial = if typed.ends_with(char::is_whitespace) {
            None
        } else {
            words.pop()
        };
        let mut words: Vec<String> = words
            .into_iter()
            .filter(|w| !is_stop_word(w))
            .take(MAX_WORDS)
            .collect();
        let last = match partial {
            Some(prefix) => Last::Prefix(prefix),
            None => Last::Word(words.pop()?),
        };
        Some(Typed { words, last })
    }
}
