//! Snippets: the passage of a text that best shows why it matched, as plain text with the
//! matched words' places (`Snippet`). Turning one into HTML is the web layer's job.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::ops::Range;
use std::sync::RwLock;

use tantivy::tokenizer::{TextAnalyzer, TokenStream};

use super::highlight::{Highlighter, QueryWordId};

/// The longest snippet, in bytes of source text (about two lines on a phone).
pub const SNIPPET_LEN: usize = 220;
/// How much text to show before the first match.
const LEAD_IN: usize = 40;
/// How far past its first match a passage's matches may reach.
const WINDOW: usize = SNIPPET_LEN - LEAD_IN;

type FnvMap<V> = HashMap<Box<str>, V, BuildHasherDefault<Fnv>>;

/// A passage of an entry shown under its title: plain text (each run of white space one
/// space, `…` where the passage was cut from a longer text) and the words the query matched.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Snippet {
    text: String,
    marks: Vec<Range<usize>>,
}

impl Snippet {
    /// A snippet of `text` marking `marks`: byte ranges of `text`. Ranges out of order,
    /// overlapping, empty, past the end or not on character boundaries are left out.
    pub fn new(text: String, mut marks: Vec<Range<usize>>) -> Snippet {
        let mut end = 0;
        marks.retain(|mark| {
            let valid =
                mark.start >= end && mark.start < mark.end && text.get(mark.clone()).is_some();
            if valid {
                end = mark.end;
            }
            valid
        });
        Snippet { text, marks }
    }

    /// The passage as plain text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The matched words: byte ranges of `text()`, in order, not overlapping, on character
    /// boundaries.
    pub fn marks(&self) -> &[Range<usize>] {
        &self.marks
    }

    /// The passage in order as (text, whether it is a matched word) parts, none empty.
    pub fn parts(&self) -> impl Iterator<Item = (&str, bool)> {
        let mut at = 0;
        let mut marks = self.marks.iter().peekable();
        std::iter::from_fn(move || match marks.peek() {
            Some(mark) if at < mark.start => {
                let before = self.text.get(at..mark.start).unwrap_or_default();
                at = mark.start;
                Some((before, false))
            }
            Some(_) => {
                let mark = marks.next()?;
                at = mark.end;
                Some((self.text.get(mark.clone()).unwrap_or_default(), true))
            }
            None if at < self.text.len() => {
                let rest = self.text.get(at..).unwrap_or_default();
                at = self.text.len();
                Some((rest, false))
            }
            None => None,
        })
    }
}

/// The analyzed term of every word snippets have met, for one analysis, shared by all
/// searches: stemming a word costs more than scanning a page of text, and the same few
/// thousand words make up most bodies, so each is stemmed once, not once per search.
#[derive(Default)]
pub struct WordTerms {
    /// Word as written → its term (None: analysis leaves no term, e.g. an overlong word).
    terms: RwLock<FnvMap<Option<Box<str>>>>,
}

/// Distinct words `WordTerms` remembers before it forgets them all and starts again; bounds
/// its memory to a few megabytes.
const REMEMBERED_WORDS: usize = 200_000;

/// Words a finder meets for the first time in one text (and so analyzes: stems, compares
/// with typo terms) before it stops reading that text. A real body repeats its words; one of
/// endless distinct words would otherwise cost a stemming per word at every search.
const NEW_WORDS_PER_TEXT: usize = 1_500;
/// Words a finder analyzes for one search, all its texts together; past it, the remaining
/// hits show a passage of their summary.
const NEW_WORDS_PER_SEARCH: usize = 15_000;

impl WordTerms {
    /// How many words are remembered.
    #[cfg(test)]
    fn len(&self) -> usize {
        self.terms
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .len()
    }

    fn get(&self, word: &str) -> Option<Option<Box<str>>> {
        let terms = self
            .terms
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        terms.get(word).cloned()
    }

    fn remember(&self, learned: impl ExactSizeIterator<Item = (Box<str>, Option<Box<str>>)>) {
        if learned.len() == 0 {
            return;
        }
        let mut terms = self
            .terms
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if terms.len() + learned.len() > REMEMBERED_WORDS {
            terms.clear();
        }
        // Never past the bound, however much one search learned.
        terms.extend(learned.take(REMEMBERED_WORDS));
    }
}

/// Finds the best passages of many texts for one query. Each distinct word is analyzed
/// (stemmed, compared with typo terms) once, not at every occurrence; its term is
/// remembered in `WordTerms` for later searches.
pub struct PassageFinder<'a> {
    analyzer: TextAnalyzer,
    highlighter: &'a Highlighter,
    word_terms: &'a WordTerms,
    /// Each word as written → the query word it matches, if any.
    seen: FnvMap<Option<QueryWordId>>,
    /// Words analyzed by this finder, for `word_terms` when it is dropped.
    learned: Vec<(Box<str>, Option<Box<str>>)>,
    /// The matches of the latest text (see `matches`), kept to reuse its memory.
    found: Vec<(usize, usize, QueryWordId)>,
    /// Words analyzed so far, all texts together (see `NEW_WORDS_PER_SEARCH`).
    analyzed: usize,
}

impl Drop for PassageFinder<'_> {
    fn drop(&mut self) {
        self.word_terms.remember(self.learned.drain(..));
    }
}

impl<'a> PassageFinder<'a> {
    /// A finder marking what `highlighter` matches, with the analysis the index uses, whose
    /// results `word_terms` remembers.
    pub fn new(
        analyzer: TextAnalyzer,
        highlighter: &'a Highlighter,
        word_terms: &'a WordTerms,
    ) -> Self {
        PassageFinder {
            analyzer,
            highlighter,
            word_terms,
            seen: HashMap::default(),
            learned: Vec::new(),
            found: Vec::new(),
            analyzed: 0,
        }
    }

    /// A marked passage, or None when nothing in `text` matched.
    pub fn best_passage(&mut self, text: &str) -> Option<Snippet> {
        if self.highlighter.is_empty() {
            return None;
        }
        self.find_matches(text);
        if self.found.is_empty() {
            return None;
        }
        Some(passage(text, &self.found))
    }

    /// Finds the words of `text` that match the query, with their byte offsets and query
    /// words (into `found`), up to the end of the first passage that shows every query word:
    /// no later passage can be better, and reading long bodies to their end was most of a
    /// snippet's cost. Reading also stops once the text, or the search, has used its budget
    /// of words met for the first time (`NEW_WORDS_PER_TEXT`, `NEW_WORDS_PER_SEARCH`).
    fn find_matches(&mut self, text: &str) {
        let every_word = self.highlighter.words();
        let mut found = std::mem::take(&mut self.found);
        found.clear();
        // Where the passage ends at the latest, once one shows every word.
        let mut passage_end = usize::MAX;
        let mut analyzed_here = 0;
        for (from, to) in Words::of(text) {
            if from >= passage_end {
                break;
            }
            let word = &text[from..to];
            // Most words start with a letter no query term starts with: ruled out before
            // any lookup.
            if !word
                .chars()
                .next()
                .is_some_and(|first| self.highlighter.may_match_word_starting_with(first))
            {
                continue;
            }
            let matched = match self.seen.get(word) {
                Some(&matched) => matched,
                None => {
                    if analyzed_here == NEW_WORDS_PER_TEXT || self.analyzed == NEW_WORDS_PER_SEARCH
                    {
                        // Out of budget: the matches found so far make the passage.
                        break;
                    }
                    analyzed_here += 1;
                    self.analyzed += 1;
                    let matched = self.analyze(word);
                    self.seen.insert(word.into(), matched);
                    matched
                }
            };
            if let Some(query_word) = matched {
                found.push((from, to, query_word));
                if passage_end == usize::MAX
                    && let Some(first) = window_showing(&found, every_word)
                {
                    // A passage starts at or before its first match and is at most
                    // `SNIPPET_LEN` long; words in it but past the window are marked too.
                    passage_end = first + SNIPPET_LEN;
                }
            }
        }
        self.found = found;
    }

    /// The query word one word of a text matches, if any.
    fn analyze(&mut self, word: &str) -> Option<QueryWordId> {
        let term = match self.word_terms.get(word) {
            Some(term) => term,
            None => {
                let mut stream = self.analyzer.token_stream(word);
                let term: Option<Box<str>> = stream
                    .advance()
                    .then(|| stream.token().text.as_str().into());
                self.learned.push((word.into(), term.clone()));
                term
            }
        };
        self.highlighter.matches(&term?)
    }
}

/// Where the window of matches ending with the last of `found` starts, if it shows every
/// one of `words`.
fn window_showing(found: &[(usize, usize, QueryWordId)], words: u64) -> Option<usize> {
    let &(_, end, _) = found.last()?;
    let mut shown = 0u64;
    let mut first = end;
    for m in found.iter().rev().take_while(|m| m.0 + WINDOW >= end) {
        shown |= 1 << m.2;
        first = m.0;
    }
    (shown == words).then_some(first)
}

/// The words of a text as byte ranges, split as the index's tokenizer splits them: maximal
/// runs of alphanumeric characters. Bytes are read one at a time and only non-ASCII ones are
/// decoded: scanning long bodies is most of a snippet's cost.
struct Words<'t> {
    text: &'t str,
    at: usize,
}

impl<'t> Words<'t> {
    fn of(text: &'t str) -> Self {
        Words { text, at: 0 }
    }

    /// Whether the character at `at` (a char boundary) is part of a word, and its length.
    fn class_at(&self, at: usize) -> (bool, usize) {
        let byte = self.text.as_bytes()[at];
        if byte.is_ascii() {
            return (byte.is_ascii_alphanumeric(), 1);
        }
        match self.text[at..].chars().next() {
            Some(c) => (c.is_alphanumeric(), c.len_utf8()),
            None => (false, 1),
        }
    }
}

impl Iterator for Words<'_> {
    type Item = (usize, usize);

    fn next(&mut self) -> Option<(usize, usize)> {
        let len = self.text.len();
        let start = loop {
            if self.at >= len {
                return None;
            }
            let (in_word, width) = self.class_at(self.at);
            if in_word {
                break self.at;
            }
            self.at += width;
        };
        while self.at < len {
            let (in_word, width) = self.class_at(self.at);
            if !in_word {
                break;
            }
            self.at += width;
        }
        Some((start, self.at))
    }
}

/// FNV-1a: a fast hash for short words (the standard SipHash dominates lookups this small).
#[derive(Default)]
struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut hash = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for &byte in bytes {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = hash;
    }
}

/// The passage around the first window of matches that shows the most query words.
fn passage(text: &str, matched: &[(usize, usize, QueryWordId)]) -> Snippet {
    let mut best = (0u32, 0usize); // (query words shown, start index)
    for start in 0..matched.len() {
        let window_end = matched[start].0 + WINDOW;
        let words = matched[start..]
            .iter()
            .take_while(|m| m.1 <= window_end)
            .fold(0u64, |words, m| words | 1 << m.2)
            .count_ones();
        if words > best.0 {
            best = (words, start);
        }
    }
    let first = matched[best.1].0;
    let start = word_start_before(text, first.saturating_sub(LEAD_IN));
    let end = word_end_before(text, start + SNIPPET_LEN).max(start);
    let marks = matched
        .iter()
        .filter(|m| m.0 >= start && m.1 <= end)
        .map(|m| (m.0, m.1));
    cut(text, start, end, marks)
}

/// The start of `text`, without marks.
pub fn plain_passage(text: &str) -> Snippet {
    let end = word_end_before(text, SNIPPET_LEN);
    cut(text, 0, end, std::iter::empty())
}

/// The snippet of `text[start..end]` marking `marks` (byte ranges of `text` within it, in
/// order), with `…` where the text goes on before or after.
fn cut(
    text: &str,
    start: usize,
    end: usize,
    marks: impl Iterator<Item = (usize, usize)>,
) -> Snippet {
    let mut passage = String::with_capacity(end - start + 8);
    let mut ranges = Vec::new();
    if start > 0 {
        passage.push('…');
    }
    let mut at = start;
    for (from, to) in marks {
        push_spaced(&text[at..from], &mut passage);
        let mark_start = passage.len();
        push_spaced(&text[from..to], &mut passage);
        ranges.push(mark_start..passage.len());
        at = to;
    }
    push_spaced(&text[at..end], &mut passage);
    if end < text.trim_end().len() {
        passage.push('…');
    }
    Snippet {
        text: passage,
        marks: ranges,
    }
}

/// Appends `text` with each run of white space (line breaks too) as one space.
fn push_spaced(text: &str, passage: &mut String) {
    let mut in_space = false;
    for c in text.chars() {
        if c.is_whitespace() {
            if !in_space {
                passage.push(' ');
            }
            in_space = true;
            continue;
        }
        in_space = false;
        passage.push(c);
    }
}

/// A char boundary at or after `at`, moved forward to the start of the next word when `at`
/// falls inside one.
fn word_start_before(text: &str, at: usize) -> usize {
    if at == 0 {
        return 0;
    }
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at += 1;
    }
    match text[at..].find(char::is_whitespace) {
        Some(space) if space < LEAD_IN => {
            let after = at + space;
            after + text[after..].len() - text[after..].trim_start().len()
        }
        _ => at,
    }
}

/// A char boundary at or before `at`, moved back to the end of a word.
fn word_end_before(text: &str, at: usize) -> usize {
    if at >= text.len() {
        return text.len();
    }
    let mut at = at;
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    match text[..at].rfind(char::is_whitespace) {
        Some(space) if at - space < 30 => text[..space].trim_end().len(),
        _ => at,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::analyzer::stemmed_analyzer;

    /// The snippet of one text, by a finder of its own.
    fn snippet(
        analyzer: &mut TextAnalyzer,
        highlighter: &Highlighter,
        text: &str,
    ) -> Option<Snippet> {
        PassageFinder::new(analyzer.clone(), highlighter, &WordTerms::default()).best_passage(text)
    }

    /// A snippet's text with its marks in `<mark>` (nothing escaped: that is the web layer's).
    fn marked(snippet: &Snippet) -> String {
        snippet
            .parts()
            .map(|(text, mark)| {
                if mark {
                    format!("<mark>{text}</mark>")
                } else {
                    text.to_owned()
                }
            })
            .collect()
    }

    /// The marked passage of one text, by a finder of its own.
    fn best_passage(
        analyzer: &mut TextAnalyzer,
        highlighter: &Highlighter,
        text: &str,
    ) -> Option<String> {
        snippet(analyzer, highlighter, text).map(|s| marked(&s))
    }

    fn highlighter(exact: &[&str]) -> Highlighter {
        let mut h = Highlighter::default();
        for term in exact {
            h.next_word();
            h.add_exact(term);
        }
        h
    }

    #[test]
    fn marks_stemmed_matches_and_keeps_the_rest_as_written() {
        let text = "Mayors <b>asked</b> & the ordinances were kept.";
        let found =
            snippet(&mut stemmed_analyzer(), &highlighter(&["ordin"]), text).expect("matches");
        assert_eq!(
            found.text(),
            text,
            "plain text: escaping is the web layer's"
        );
        let ordinances = found.marks().first().cloned().expect("a mark");
        assert_eq!((ordinances.clone(), found.marks().len()), (26..36, 1));
        assert_eq!(&found.text()[ordinances], "ordinances");
        assert_eq!(
            marked(&found),
            "Mayors <b>asked</b> & the <mark>ordinances</mark> were kept."
        );
    }

    #[test]
    fn white_space_runs_become_one_space_and_marks_follow() {
        let text = "Keep\n\n  ICE   off\tcity  parking.";
        let found =
            snippet(&mut stemmed_analyzer(), &highlighter(&["citi"]), text).expect("matches");
        assert_eq!(found.text(), "Keep ICE off city parking.");
        assert_eq!(marked(&found), "Keep ICE off <mark>city</mark> parking.");
        let cut = plain_passage(&format!("{}end", "word ".repeat(100)));
        assert!(cut.text().ends_with('…') && cut.marks().is_empty());
    }

    /// `count` distinct made-up words, each starting with `first` (so none is ruled out by
    /// its first letter).
    fn distinct_words(first: char, count: usize) -> String {
        (0..count)
            .map(|n| format!("{first}{n:x}q "))
            .collect::<String>()
    }

    #[test]
    fn a_text_of_endless_distinct_words_is_read_only_up_to_its_budget() {
        let terms = WordTerms::default();
        let highlighter = highlighter(&["guard"]);
        let mut finder = PassageFinder::new(stemmed_analyzer(), &highlighter, &terms);
        // The word comes after more new words than a text may cost: not found, not read.
        let planted = format!("{}guard", distinct_words('g', NEW_WORDS_PER_TEXT));
        assert_eq!(finder.best_passage(&planted), None);
        assert_eq!(finder.analyzed, NEW_WORDS_PER_TEXT);
        // Within the budget it is found as ever.
        let ordinary = format!("{}guard", distinct_words('g', 100));
        assert!(finder.best_passage(&ordinary).is_some());
        // And a search as a whole stops analyzing at its own budget.
        for text in 0..NEW_WORDS_PER_SEARCH / NEW_WORDS_PER_TEXT + 2 {
            // Words no earlier text had.
            let fresh = distinct_words('g', NEW_WORDS_PER_TEXT).replace('q', &format!("t{text}"));
            finder.best_passage(&fresh);
        }
        assert_eq!(finder.analyzed, NEW_WORDS_PER_SEARCH);
        drop(finder);
        assert_eq!(
            terms.len(),
            NEW_WORDS_PER_SEARCH,
            "what was learned is kept"
        );
    }

    #[test]
    fn remembered_words_never_pass_their_bound() {
        let terms = WordTerms::default();
        let many = (0..REMEMBERED_WORDS + 10).map(|n| (format!("w{n}").into(), None));
        terms.remember(many.collect::<Vec<_>>().into_iter());
        assert_eq!(terms.len(), REMEMBERED_WORDS);
        terms.remember(std::iter::once(("one".into(), None)));
        assert_eq!(terms.len(), 1, "full: forgotten, then the new word");
    }

    #[test]
    fn parts_alternate_text_and_marks_without_empty_ones() {
        let found = Snippet::new("guard the guard".into(), vec![0..5, 10..15]);
        let parts: Vec<(&str, bool)> = found.parts().collect();
        assert_eq!(parts, [("guard", true), (" the ", false), ("guard", true)]);
        let plain = Snippet::new("no marks".into(), Vec::new());
        assert_eq!(plain.parts().collect::<Vec<_>>(), [("no marks", false)]);
        assert_eq!(Snippet::default().parts().count(), 0);
    }

    #[test]
    fn invalid_marks_are_left_out() {
        let text = "é guard guard";
        let found = Snippet::new(
            text.into(),
            vec![1..2, 3..8, 4..6, 9..9, 9..14, 13..20, 30..31],
        );
        assert_eq!(
            found.marks(),
            [3..8, 9..14],
            "inside a character, overlapping, empty and past the end are dropped"
        );
    }

    #[test]
    fn picks_the_window_with_most_distinct_matches() {
        let filler = "word ".repeat(100);
        let text = format!("guard alone. {filler} the national guard checklist is here. {filler}");
        let html = best_passage(
            &mut stemmed_analyzer(),
            &highlighter(&["nation", "guard", "checklist"]),
            &text,
        )
        .expect("matches");
        assert!(
            html.contains("<mark>national</mark> <mark>guard</mark> <mark>checklist</mark>"),
            "{html}"
        );
        assert!(html.starts_with('…') && html.ends_with('…'), "{html}");
    }

    #[test]
    fn takes_the_first_passage_that_shows_every_query_word() {
        let filler = "word ".repeat(100);
        let text = format!(
            "intro. {filler} guard checklist once. {filler} guard checklist guard checklist."
        );
        let html = best_passage(
            &mut stemmed_analyzer(),
            &highlighter(&["guard", "checklist"]),
            &text,
        )
        .expect("matches");
        assert!(
            html.contains("<mark>guard</mark> <mark>checklist</mark> once"),
            "{html}"
        );
        let mut synonym = Highlighter::default();
        synonym.next_word();
        synonym.add_exact("separ");
        synonym.add_exact("ordin");
        let html = best_passage(
            &mut stemmed_analyzer(),
            &synonym,
            "The separation ordinance.",
        )
        .expect("matches");
        assert_eq!(
            html, "The <mark>separation</mark> <mark>ordinance</mark>.",
            "words after the first full window are still marked within the passage"
        );
    }

    #[test]
    fn counts_a_query_word_once_however_many_of_its_terms_show() {
        let mut words = Highlighter::default();
        words.next_word();
        words.add_exact("guard");
        words.add_exact("troop");
        words.next_word();
        words.add_exact("checklist");
        let filler = "word ".repeat(100);
        let text = format!("guard troops here. {filler} the guard checklist. {filler}");
        let html = best_passage(&mut stemmed_analyzer(), &words, &text).expect("matches");
        assert!(
            html.contains("<mark>guard</mark> <mark>checklist</mark>"),
            "{html}"
        );
    }

    #[test]
    fn handles_multibyte_text_at_the_edges() {
        let text = "é".repeat(400) + " guard " + &"ü".repeat(400);
        let html = best_passage(&mut stemmed_analyzer(), &highlighter(&["guard"]), &text)
            .expect("matches");
        assert!(html.contains("<mark>guard</mark>"));
        assert!(!plain_passage(&text).text().is_empty());
    }

    #[test]
    fn splits_words_like_the_tokenizer() {
        let text = "Keep ICE off-city lots—2026, café’s «naïve» 日本 x";
        let words: Vec<&str> = Words::of(text).map(|(from, to)| &text[from..to]).collect();
        let mut analyzer =
            tantivy::tokenizer::TextAnalyzer::from(tantivy::tokenizer::SimpleTokenizer::default());
        let mut stream = analyzer.token_stream(text);
        let mut expected = Vec::new();
        while stream.advance() {
            let token = stream.token();
            expected.push(&text[token.offset_from..token.offset_to]);
        }
        assert_eq!(words, expected);
        assert_eq!(Words::of("").count(), 0);
        assert_eq!(Words::of(" ,; ").count(), 0);
    }

    #[test]
    fn remembers_each_words_term_for_later_searches() {
        let word_terms = WordTerms::default();
        let words = highlighter(&["ordin"]);
        let mut finder = PassageFinder::new(stemmed_analyzer(), &words, &word_terms);
        assert!(finder.best_passage("The ordinances, kept.").is_some());
        drop(finder);
        assert_eq!(word_terms.get("ordinances"), Some(Some("ordin".into())));
        assert_eq!(
            word_terms.get("kept"),
            None,
            "ruled out by its first letter"
        );
        let mut later = PassageFinder::new(stemmed_analyzer(), &words, &word_terms);
        assert!(later.best_passage("ordinances").is_some());
        assert!(later.learned.is_empty(), "nothing analyzed twice");
    }

    #[test]
    fn no_match_means_no_passage() {
        assert!(
            best_passage(
                &mut stemmed_analyzer(),
                &highlighter(&["zebra"]),
                "nothing here"
            )
            .is_none()
        );
    }
}
