//! Text analysis shared by indexing, querying and snippets, so all three agree on what a
//! word is: split on non-alphanumerics, lowercase, fold accents, English stemming.

use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer,
    TextAnalyzer, TokenStream,
};

use super::joined_phrases::JoinedPhrases;
use super::stem_cache::CachedStemmer;

/// The tokenizer name registered on the index for every text field.
pub const STEMMED: &str = "playbook_en";
/// The tokenizer name for fields searched as typed (no stemming).
pub const PLAIN: &str = "playbook_plain";

/// Words too common to decide a search: dropped from queries unless nothing else is left.
const STOP_WORDS: &[&str] = &[
    "a", "about", "an", "and", "are", "as", "at", "be", "but", "by", "can", "could", "do", "does",
    "for", "from", "how", "i", "if", "in", "into", "is", "it", "its", "me", "my", "of", "on", "or",
    "our", "should", "so", "such", "that", "the", "their", "them", "then", "there", "these",
    "they", "this", "to", "us", "was", "we", "were", "what", "when", "where", "which", "who",
    "why", "will", "with", "would", "you", "your",
];

/// The stop words.
pub fn stop_words() -> &'static [&'static str] {
    STOP_WORDS
}

/// Whether a lowercase word is a stop word.
pub fn is_stop_word(word: &str) -> bool {
    STOP_WORDS.contains(&word)
}

/// The analyzer used for every text field.
pub fn stemmed_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(Stemmer::new(Language::English))
        .build()
}

/// `stemmed_analyzer` for building the index: the same terms, with stems remembered per
/// tokenizer (see `stem_cache`), plus one joined term per occurrence of each of `phrases`
/// (see `joined_phrases`). Registered on the index under `STEMMED`.
pub fn indexing_analyzer(phrases: JoinedPhrases) -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(CachedStemmer)
        .filter(phrases)
        .build()
}

/// The same analysis without stemming: the words as a person typed them, lowercased.
pub fn plain_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

/// A word found in a text: its analyzed form and where it stands (byte offsets).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnalyzedToken {
    /// The analyzed term.
    pub term: String,
    /// Byte offset where the word starts in the text.
    pub from: usize,
    /// Byte offset where the word ends.
    pub to: usize,
}

/// Runs `analyzer` over `text`.
pub fn tokens(analyzer: &mut TextAnalyzer, text: &str) -> Vec<AnalyzedToken> {
    let mut stream = analyzer.token_stream(text);
    let mut out = Vec::new();
    while stream.advance() {
        let token = stream.token();
        out.push(AnalyzedToken {
            term: token.text.clone(),
            from: token.offset_from,
            to: token.offset_to,
        });
    }
    out
}

/// The terms of `text` under `analyzer`, without offsets.
pub fn terms(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
    tokens(analyzer, text).into_iter().map(|t| t.term).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems_plurals_and_folds_accents() {
        let mut analyzer = stemmed_analyzer();
        assert_eq!(
            terms(&mut analyzer, "Ordinances"),
            terms(&mut analyzer, "ordinance")
        );
        assert_eq!(
            terms(&mut analyzer, "activating"),
            terms(&mut analyzer, "activation")
        );
        assert_eq!(terms(&mut analyzer, "Renée"), vec!["rene".to_owned()]);
    }

    /// The index is built with `indexing_analyzer` and searched with `stemmed_analyzer`.
    #[test]
    fn indexing_and_searching_analyze_the_whole_seeded_playbook_alike() {
        let mut files = Vec::new();
        let mut folders = vec![std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("playbook")];
        while let Some(folder) = folders.pop() {
            for item in std::fs::read_dir(&folder).expect("playbook folder") {
                let path = item.expect("folder item").path();
                if path.is_dir() {
                    folders.push(path);
                } else if path.extension().is_some_and(|e| e == "md") {
                    files.push(path);
                }
            }
        }
        assert!(files.len() > 5, "the seeded playbook has entries");
        let mut searching = stemmed_analyzer();
        let mut indexing = indexing_analyzer(JoinedPhrases::default());
        for file in files {
            let text = std::fs::read_to_string(&file).expect("entry");
            assert_eq!(
                tokens(&mut indexing, &text),
                tokens(&mut searching, &text),
                "{file:?}"
            );
        }
    }
}
