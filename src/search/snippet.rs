//! Snippets: the passage of a text that best shows why it matched, HTML-escaped, with the
//! matched words in `<mark>`.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use tantivy::tokenizer::{TextAnalyzer, TokenStream};

use super::highlight::Highlighter;

/// The longest snippet, in bytes of source text (about two lines on a phone).
pub const SNIPPET_LEN: usize = 220;
/// How much text to show before the first match.
const LEAD_IN: usize = 40;

/// A marked passage, or None when nothing in `text` matched.
pub fn best_passage(
    analyzer: &mut TextAnalyzer,
    highlighter: &Highlighter,
    text: &str,
) -> Option<String> {
    PassageFinder::new(analyzer.clone(), highlighter).best_passage(text)
}

/// Finds the best passages of many texts for one query. Each distinct word is analyzed
/// (stemmed, compared with typo terms) once per finder rather than at every occurrence:
/// analysis, not scanning, is what makes snippets of long bodies slow.
pub struct PassageFinder<'a> {
    analyzer: TextAnalyzer,
    highlighter: &'a Highlighter,
    /// Each word as written → its analyzed term when it matches the query, else None.
    seen: HashMap<Box<str>, Option<Box<str>>, BuildHasherDefault<Fnv>>,
}

impl<'a> PassageFinder<'a> {
    /// A finder marking what `highlighter` matches, with the analysis the index uses.
    pub fn new(analyzer: TextAnalyzer, highlighter: &'a Highlighter) -> Self {
        PassageFinder {
            analyzer,
            highlighter,
            seen: HashMap::default(),
        }
    }

    /// A marked passage, or None when nothing in `text` matched.
    pub fn best_passage(&mut self, text: &str) -> Option<String> {
        if self.highlighter.is_empty() {
            return None;
        }
        let matched = self.matches(text);
        if matched.is_empty() {
            return None;
        }
        Some(passage(text, &matched))
    }

    /// The words of `text` that match the query, with their byte offsets and terms.
    fn matches<'t>(&'t mut self, text: &str) -> Vec<(usize, usize, &'t str)> {
        // Words are split exactly as the index's tokenizer splits them: maximal runs of
        // alphanumeric characters; one word alone analyzes to the term it has in context.
        let mut found: Vec<(usize, usize)> = Vec::new();
        let mut start = None;
        for (at, c) in text
            .char_indices()
            .chain(std::iter::once((text.len(), ' ')))
        {
            match (c.is_alphanumeric(), start) {
                (true, None) => start = Some(at),
                (false, Some(from)) => {
                    start = None;
                    let word = &text[from..at];
                    // Most words start with a letter no query term starts with: ruled out
                    // before any lookup.
                    if !word
                        .chars()
                        .next()
                        .is_some_and(|first| self.highlighter.may_match_word_starting_with(first))
                    {
                        continue;
                    }
                    let matched = match self.seen.get(word) {
                        Some(term) => term.is_some(),
                        None => {
                            let term = self.analyze(word);
                            let matched = term.is_some();
                            self.seen.insert(word.into(), term);
                            matched
                        }
                    };
                    if matched {
                        found.push((from, at));
                    }
                }
                _ => {}
            }
        }
        found
            .into_iter()
            .filter_map(|(from, to)| {
                let term = self.seen.get(&text[from..to])?.as_deref()?;
                Some((from, to, term))
            })
            .collect()
    }

    /// The analyzed term of one word when the query matches it.
    fn analyze(&mut self, word: &str) -> Option<Box<str>> {
        let mut stream = self.analyzer.token_stream(word);
        if !stream.advance() {
            return None;
        }
        let term = &stream.token().text;
        self.highlighter.matches(term).then(|| term.as_str().into())
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

/// The passage around the window of matches that covers the most distinct terms.
fn passage(text: &str, matched: &[(usize, usize, &str)]) -> String {
    // The window of matches that covers the most distinct terms, then the most matches.
    let mut best = (0usize, 0usize, 0usize); // (distinct, count, start index)
    for start in 0..matched.len() {
        let window_end = matched[start].0 + SNIPPET_LEN - LEAD_IN;
        let mut distinct: Vec<&str> = Vec::new();
        let mut count = 0;
        for m in matched[start..].iter().take_while(|m| m.1 <= window_end) {
            count += 1;
            if !distinct.contains(&m.2) {
                distinct.push(m.2);
            }
        }
        if (distinct.len(), count) > (best.0, best.1) {
            best = (distinct.len(), count, start);
        }
    }
    let first = matched[best.2].0;
    let start = word_start_before(text, first.saturating_sub(LEAD_IN));
    let end = word_end_before(text, start + SNIPPET_LEN).max(start);
    let marks = matched
        .iter()
        .filter(|m| m.0 >= start && m.1 <= end)
        .map(|m| (m.0, m.1));
    render(text, start, end, marks)
}

/// The start of `text`, escaped, without marks.
pub fn plain_passage(text: &str) -> String {
    let end = word_end_before(text, SNIPPET_LEN);
    render(text, 0, end, std::iter::empty())
}

fn render(
    text: &str,
    start: usize,
    end: usize,
    marks: impl Iterator<Item = (usize, usize)>,
) -> String {
    let mut html = String::with_capacity(end - start + 64);
    if start > 0 {
        html.push('…');
    }
    let mut at = start;
    for (from, to) in marks {
        push_escaped(&text[at..from], &mut html);
        html.push_str("<mark>");
        push_escaped(&text[from..to], &mut html);
        html.push_str("</mark>");
        at = to;
    }
    push_escaped(&text[at..end], &mut html);
    if end < text.trim_end().len() {
        html.push('…');
    }
    html
}

/// Appends `text` HTML-escaped, with each run of white space (line breaks too) as one space.
fn push_escaped(text: &str, html: &mut String) {
    let mut in_space = false;
    for c in text.chars() {
        if c.is_whitespace() {
            if !in_space {
                html.push(' ');
            }
            in_space = true;
            continue;
        }
        in_space = false;
        match c {
            '<' => html.push_str("&lt;"),
            '>' => html.push_str("&gt;"),
            '&' => html.push_str("&amp;"),
            '"' => html.push_str("&quot;"),
            '\'' => html.push_str("&#x27;"),
            _ => html.push(c),
        }
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

    fn highlighter(exact: &[&str]) -> Highlighter {
        let mut h = Highlighter::default();
        for term in exact {
            h.add_exact(term);
        }
        h
    }

    #[test]
    fn marks_stemmed_matches_and_escapes_the_rest() {
        let text = "Mayors <b>asked</b> & the ordinances were kept.";
        let html =
            best_passage(&mut stemmed_analyzer(), &highlighter(&["ordin"]), text).expect("matches");
        assert_eq!(
            html,
            "Mayors &lt;b&gt;asked&lt;/b&gt; &amp; the <mark>ordinances</mark> were kept."
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
    fn handles_multibyte_text_at_the_edges() {
        let text = "é".repeat(400) + " guard " + &"ü".repeat(400);
        let html = best_passage(&mut stemmed_analyzer(), &highlighter(&["guard"]), &text)
            .expect("matches");
        assert!(html.contains("<mark>guard</mark>"));
        assert!(!plain_passage(&text).is_empty());
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
