//! Synonym phrases indexed as single terms.
//!
//! A synonym group's terms of several words ("immigration enforcement", "list of steps") are
//! searched for every query that names another term of the group, and a phrase query over
//! long bodies reads the positions of every entry holding all its words: with common words
//! that was most of a search's cost. While indexing, `JoinedPhrases` adds one extra term at
//! each place such a phrase occurs (its stemmed words joined by a space, which no tokenizer
//! output contains), so the query for the phrase is one term's postings. Other phrases are
//! still answered with positions; the synonym groups are part of the playbook's fingerprint,
//! so an index is rebuilt whenever they change.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::Arc;

use tantivy::tokenizer::{Token, TokenFilter, TokenStream, Tokenizer};

/// Joins the words of an indexed phrase term.
const JOINER: &str = " ";

/// The phrases indexed as single terms, as sequences of stemmed tokens. Cheap to clone.
#[derive(Clone, Debug, Default)]
pub struct JoinedPhrases(Arc<Phrases>);

#[derive(Debug, Default)]
struct Phrases {
    /// Every phrase.
    all: HashSet<Vec<String>>,
    /// The phrases by their first token: the tokens after it.
    by_first: HashMap<String, Vec<Vec<String>>>,
    /// The most tokens after a first token.
    longest_rest: usize,
}

impl JoinedPhrases {
    /// The phrases among `sequences` (those of two tokens or more).
    pub fn new(sequences: impl IntoIterator<Item = Vec<String>>) -> Self {
        let mut phrases = Phrases::default();
        for sequence in sequences {
            if sequence.len() < 2 || phrases.all.contains(&sequence) {
                continue;
            }
            let rest = sequence[1..].to_vec();
            phrases.longest_rest = phrases.longest_rest.max(rest.len());
            phrases
                .by_first
                .entry(sequence[0].clone())
                .or_default()
                .push(rest);
            phrases.all.insert(sequence);
        }
        JoinedPhrases(Arc::new(phrases))
    }

    /// The single term indexed for `tokens`, if they are one of the phrases.
    pub fn joined_term(&self, tokens: &[String]) -> Option<String> {
        self.0.all.contains(tokens).then(|| tokens.join(JOINER))
    }
}

impl TokenFilter for JoinedPhrases {
    type Tokenizer<T: Tokenizer> = JoinedPhrasesFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> JoinedPhrasesFilter<T> {
        JoinedPhrasesFilter {
            inner: tokenizer,
            phrases: self,
        }
    }
}

/// The tokenizer made by `JoinedPhrases`: every token of the inner one, each phrase
/// occurrence followed by its joined term at the phrase's first position.
#[derive(Clone)]
pub struct JoinedPhrasesFilter<T> {
    inner: T,
    phrases: JoinedPhrases,
}

impl<T: Tokenizer> Tokenizer for JoinedPhrasesFilter<T> {
    type TokenStream<'a> = JoinedPhrasesStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        JoinedPhrasesStream {
            tail: self.inner.token_stream(text),
            phrases: &self.phrases.0,
            from_tail: true,
            current: Token::default(),
            ahead: VecDeque::new(),
            joined: VecDeque::new(),
        }
    }
}

/// The token stream of `JoinedPhrasesFilter`.
pub struct JoinedPhrasesStream<'a, T> {
    tail: T,
    phrases: &'a Phrases,
    /// Whether the token to give is the tail's own (the common case, no copy) or `current`.
    from_tail: bool,
    current: Token,
    /// Tokens read from the tail to look for a phrase, not given yet.
    ahead: VecDeque<Token>,
    /// Joined terms to give before the next token.
    joined: VecDeque<Token>,
}

impl<T: TokenStream> JoinedPhrasesStream<'_, T> {
    /// Queues the joined term of each phrase starting at `current`.
    fn find_phrases_at_current(&mut self) {
        let Some(rests) = self.phrases.by_first.get(&self.current.text) else {
            return;
        };
        while self.ahead.len() < self.phrases.longest_rest && self.tail.advance() {
            self.ahead.push_back(self.tail.token().clone());
        }
        for rest in rests {
            let matches = rest.len() <= self.ahead.len()
                && rest
                    .iter()
                    .zip(&self.ahead)
                    .all(|(word, token)| *word == token.text);
            if !matches {
                continue;
            }
            let mut text = self.current.text.clone();
            for word in rest {
                text.push_str(JOINER);
                text.push_str(word);
            }
            self.joined.push_back(Token {
                text,
                position: self.current.position,
                position_length: rest.len() + 1,
                offset_from: self.current.offset_from,
                offset_to: self.ahead[rest.len() - 1].offset_to,
            });
        }
    }
}

impl<T: TokenStream> TokenStream for JoinedPhrasesStream<'_, T> {
    fn advance(&mut self) -> bool {
        if let Some(joined) = self.joined.pop_front() {
            self.current = joined;
            self.from_tail = false;
            return true;
        }
        if let Some(next) = self.ahead.pop_front() {
            self.current = next;
            self.from_tail = false;
        } else if self.tail.advance() {
            if !self.phrases.by_first.contains_key(&self.tail.token().text) {
                self.from_tail = true;
                return true;
            }
            self.current = self.tail.token().clone();
            self.from_tail = false;
        } else {
            return false;
        }
        self.find_phrases_at_current();
        true
    }

    fn token(&self) -> &Token {
        if self.from_tail {
            self.tail.token()
        } else {
            &self.current
        }
    }

    fn token_mut(&mut self) -> &mut Token {
        if self.from_tail {
            self.tail.token_mut()
        } else {
            &mut self.current
        }
    }
}

#[cfg(test)]
mod tests {
    use tantivy::tokenizer::{LowerCaser, SimpleTokenizer, TextAnalyzer};

    use super::*;

    fn words(text: &str) -> Vec<String> {
        text.split(' ').map(str::to_owned).collect()
    }

    fn analyzer() -> TextAnalyzer {
        let phrases = JoinedPhrases::new([
            words("list of steps"),
            words("check list"),
            words("list of"),
            words("ice"),
        ]);
        TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(LowerCaser)
            .filter(phrases)
            .build()
    }

    /// (text, position, position length, offsets) of every token.
    fn tokens(text: &str) -> Vec<(String, usize, usize, usize, usize)> {
        let mut analyzer = analyzer();
        let mut stream = analyzer.token_stream(text);
        let mut out = Vec::new();
        while stream.advance() {
            let t = stream.token();
            out.push((
                t.text.clone(),
                t.position,
                t.position_length,
                t.offset_from,
                t.offset_to,
            ));
        }
        out
    }

    #[test]
    fn each_phrase_occurrence_adds_its_joined_term_at_its_first_position() {
        let found = tokens("A check list of steps; list of");
        let expected = [
            ("a", 0, 1, 0, 1),
            ("check", 1, 1, 2, 7),
            ("check list", 1, 2, 2, 12),
            ("list", 2, 1, 8, 12),
            ("list of steps", 2, 3, 8, 21),
            ("list of", 2, 2, 8, 15),
            ("of", 3, 1, 13, 15),
            ("steps", 4, 1, 16, 21),
            ("list", 5, 1, 23, 27),
            ("list of", 5, 2, 23, 30),
            ("of", 6, 1, 28, 30),
        ];
        let expected: Vec<_> = expected
            .iter()
            .map(|(t, p, l, f, o)| (t.to_string(), *p, *l, *f, *o))
            .collect();
        assert_eq!(found, expected);
    }

    #[test]
    fn text_without_phrases_passes_unchanged_and_a_cut_off_phrase_adds_nothing() {
        let texts: Vec<String> = tokens("Checklists, lists, and a check")
            .into_iter()
            .map(|t| t.0)
            .collect();
        assert_eq!(texts, words("checklists lists and a check"));
        assert_eq!(tokens("").len(), 0);
    }

    #[test]
    fn names_the_joined_term_of_phrases_only() {
        let phrases = JoinedPhrases::new([words("check list"), words("ice")]);
        assert_eq!(
            phrases.joined_term(&words("check list")).as_deref(),
            Some("check list")
        );
        assert_eq!(phrases.joined_term(&words("ice")), None);
        assert_eq!(phrases.joined_term(&words("list check")), None);
    }
}
