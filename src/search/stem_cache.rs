//! English stemming that remembers its answers, for indexing.
//!
//! Building the index stems every word of every body; in a playbook the same few thousand
//! words make up most of the text, and Snowball stemming was a third of a rebuild's time.
//! `CachedStemmer` gives exactly what tantivy's `Stemmer` gives (it calls the same
//! algorithm on a miss), so indexes built with it answer the same queries.

use std::collections::HashMap;

use frostem::{Algorithm, Stemmer};
use tantivy::tokenizer::{Token, TokenFilter, TokenStream, Tokenizer};

/// Distinct words remembered by one tokenizer before it forgets them all and starts again;
/// bounds its memory to a few megabytes.
const REMEMBERED_WORDS: usize = 100_000;

/// A token filter stemming English like tantivy's `Stemmer::new(Language::English)`, with a
/// memo of the words it has stemmed. Each clone of the tokenizer keeps its own memo, so
/// indexing threads never wait on one another.
#[derive(Clone, Copy, Debug, Default)]
pub struct CachedStemmer;

impl TokenFilter for CachedStemmer {
    type Tokenizer<T: Tokenizer> = CachedStemmerFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> CachedStemmerFilter<T> {
        CachedStemmerFilter {
            inner: tokenizer,
            stems: HashMap::new(),
        }
    }
}

/// The tokenizer made by `CachedStemmer`.
#[derive(Clone)]
pub struct CachedStemmerFilter<T> {
    inner: T,
    /// Word → its stem, for the words whose stem differs from the word (`None`: unchanged).
    stems: HashMap<String, Option<String>>,
}

impl<T: Tokenizer> Tokenizer for CachedStemmerFilter<T> {
    type TokenStream<'a> = CachedStemmerStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        CachedStemmerStream {
            tail: self.inner.token_stream(text),
            stems: &mut self.stems,
            stemmer: Stemmer::new(Algorithm::English),
        }
    }
}

/// The token stream of `CachedStemmerFilter`.
pub struct CachedStemmerStream<'a, T> {
    tail: T,
    stems: &'a mut HashMap<String, Option<String>>,
    stemmer: Stemmer,
}

impl<T: TokenStream> TokenStream for CachedStemmerStream<'_, T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let token = self.tail.token_mut();
        if let Some(known) = self.stems.get(&token.text) {
            if let Some(stem) = known {
                token.text.clear();
                token.text.push_str(stem);
            }
            return true;
        }
        let stem = match self.stemmer.stem(&token.text) {
            stem if stem == token.text.as_str() => None,
            stem => Some(stem.into_owned()),
        };
        if self.stems.len() >= REMEMBERED_WORDS {
            self.stems.clear();
        }
        self.stems.insert(token.text.clone(), stem.clone());
        if let Some(stem) = stem {
            token.text = stem;
        }
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

#[cfg(test)]
mod tests {
    use tantivy::tokenizer::{Language, LowerCaser, SimpleTokenizer, TextAnalyzer};

    use super::*;

    fn stems(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
        let mut stream = analyzer.token_stream(text);
        let mut out = Vec::new();
        while stream.advance() {
            out.push(stream.token().text.clone());
        }
        out
    }

    #[test]
    fn stems_exactly_like_tantivys_stemmer_on_first_sight_and_from_memory() {
        let text = "Ordinances ordered; the ordinance orders running runners ran \
                    readiness agents agent's checklists checklist operations";
        let mut plain = TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(LowerCaser)
            .filter(tantivy::tokenizer::Stemmer::new(Language::English))
            .build();
        let mut cached = TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(LowerCaser)
            .filter(CachedStemmer)
            .build();
        let expected = stems(&mut plain, text);
        assert!(expected.contains(&"ordin".to_owned()), "{expected:?}");
        // Twice: the second pass answers every word from the memo.
        assert_eq!(stems(&mut cached, text), expected);
        assert_eq!(stems(&mut cached, text), expected);
    }
}
