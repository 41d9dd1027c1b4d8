//! A source's stored text, and whether a quote stands in it word for word. The quote and the
//! text are compared after normalising whitespace, typographic quotes, apostrophes and
//! dashes, and nothing else: a different word, letter case or punctuation mark is a different
//! quote. A quote found can be shown within a few sentences of its context.

use std::ops::Range;

/// The character a typographic quote, apostrophe or dash stands for, and `' '` for any
/// whitespace; every other character is itself.
fn plain_char(c: char) -> char {
    match c {
        c if c.is_whitespace() => ' ',
        // “ ” „ ‟ « »
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{00AB}' | '\u{00BB}' => '"',
        // ‘ ’ ‚ ‛ ‹ › and the modifier letter apostrophe ʼ
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2039}' | '\u{203A}'
        | '\u{02BC}' => '\'',
        // hyphen, non-breaking hyphen, figure dash, en dash, em dash, horizontal bar, minus
        '\u{2010}'..='\u{2015}' | '\u{2212}' => '-',
        c => c,
    }
}

/// `text` normalised as quotes are compared: typographic quotes, apostrophes and dashes made
/// plain, every run of whitespace one space, none at either end.
pub fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false;
    for c in text.chars().map(plain_char) {
        if c == ' ' {
            pending_space = !out.is_empty();
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        out.push(c);
    }
    out
}

/// A source's text as stored, ready to have quotes looked up in it.
#[derive(Debug, Clone)]
pub struct SourceText {
    /// The text as stored.
    original: String,
    /// The text normalised (see `normalise`).
    normalised: String,
    /// For each byte of `normalised` (and one past its end), the byte of `original` where
    /// the character it came from starts.
    origin: Vec<u32>,
}

/// A quote in its context: the sentences around it, as the stored text has them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuoteContext<'a> {
    /// The text before the quote, from the start of a sentence.
    pub before: &'a str,
    /// The quoted passage as the stored text has it.
    pub quote: &'a str,
    /// The text after the quote, to the end of a sentence.
    pub after: &'a str,
}

impl SourceText {
    /// The text, indexed for lookups. Texts over 4 GiB are cut there.
    pub fn new(text: impl Into<String>) -> SourceText {
        let mut original: String = text.into();
        if original.len() > u32::MAX as usize {
            let mut cut = u32::MAX as usize;
            while !original.is_char_boundary(cut) {
                cut -= 1;
            }
            original.truncate(cut);
        }
        let mut normalised = String::with_capacity(original.len());
        let mut origin = Vec::with_capacity(original.len() + 1);
        let mut pending_space: Option<usize> = None;
        for (at, c) in original.char_indices() {
            let c = plain_char(c);
            if c == ' ' {
                if !normalised.is_empty() && pending_space.is_none() {
                    pending_space = Some(at);
                }
                continue;
            }
            if let Some(space_at) = pending_space.take() {
                normalised.push(' ');
                origin.push(space_at as u32);
            }
            let before = normalised.len();
            normalised.push(c);
            origin.extend(std::iter::repeat_n(at as u32, normalised.len() - before));
        }
        // A match ending at the end of the normalised text ends where the last character
        // did, before any trailing whitespace.
        let end = pending_space.unwrap_or(original.len());
        origin.push(end as u32);
        SourceText {
            original,
            normalised,
            origin,
        }
    }

    /// The text as stored.
    pub fn as_str(&self) -> &str {
        &self.original
    }

    /// Where `quote` first stands in the text word for word (after normalising), as a byte
    /// range of the stored text; None when it does not, or is blank.
    pub fn find(&self, quote: &str) -> Option<Range<usize>> {
        let quote = normalise(quote);
        if quote.is_empty() {
            return None;
        }
        let start = self.normalised.find(&quote)?;
        let end = start + quote.len();
        Some(self.origin[start] as usize..self.origin[end] as usize)
    }

    /// Whether `quote` stands in the text word for word (after normalising).
    pub fn contains(&self, quote: &str) -> bool {
        self.find(quote).is_some()
    }

    /// The passage at `found` (from `find`) with `sentences` sentences before and after the
    /// sentences it stands in, never crossing a line break (a paragraph). A range that is not
    /// one `find` gives (outside the text, or not on character boundaries) has no context.
    pub fn context(&self, found: Range<usize>, sentences: usize) -> QuoteContext<'_> {
        let text = self.original.as_str();
        let in_text = found.start <= found.end
            && text.is_char_boundary(found.start)
            && text.is_char_boundary(found.end);
        if !in_text {
            return QuoteContext {
                before: "",
                quote: "",
                after: "",
            };
        }
        let paragraph_start = text[..found.start].rfind('\n').map_or(0, |at| at + 1);
        let paragraph_end = text[found.end..]
            .find('\n')
            .map_or(text.len(), |at| found.end + at);
        let ends = sentence_ends(text, paragraph_start..paragraph_end);
        // A sentence starts at the paragraph's start or after a sentence's end and its spaces.
        let starts: Vec<usize> = std::iter::once(paragraph_start)
            .chain(ends.iter().map(|&end| {
                end + text[end..paragraph_end].len() - text[end..paragraph_end].trim_start().len()
            }))
            .filter(|&start| start < paragraph_end)
            .collect();
        let own_start = starts
            .iter()
            .rposition(|&start| start <= found.start)
            .unwrap_or(0);
        let start = starts
            .get(own_start.saturating_sub(sentences))
            .copied()
            .unwrap_or(paragraph_start)
            .min(found.start);
        let end = match ends.iter().position(|&end| end >= found.end) {
            Some(own_end) => ends
                .get(own_end + sentences)
                .or(ends.last())
                .copied()
                .unwrap_or(paragraph_end),
            None => paragraph_end,
        }
        .max(found.end);
        QuoteContext {
            before: &text[start..found.start],
            quote: &text[found.clone()],
            after: text[found.end..end].trim_end(),
        }
    }
}

/// The byte offsets just after each sentence's end within `paragraph` of `text`: a `.`, `!`,
/// `?` or `…`, with any closing quotes or brackets, followed by whitespace or the paragraph's
/// end. A full stop after a short capitalised word (`Gov.`, `Jan.`, `Minn.`) is taken as an
/// abbreviation's.
fn sentence_ends(text: &str, paragraph: Range<usize>) -> Vec<usize> {
    let part = &text[paragraph.clone()];
    let mut ends = Vec::new();
    let mut chars = part.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        if !matches!(c, '.' | '!' | '?' | '…') {
            continue;
        }
        if c == '.' && is_abbreviation(&part[..at]) {
            continue;
        }
        let mut end = at + c.len_utf8();
        while let Some(&(next_at, next)) = chars.peek() {
            if matches!(next, '"' | '\'' | '”' | '’' | ')' | ']') {
                end = next_at + next.len_utf8();
                chars.next();
            } else {
                break;
            }
        }
        let followed_by_space = part[end..].chars().next().is_none_or(char::is_whitespace);
        if followed_by_space {
            ends.push(paragraph.start + end);
        }
    }
    ends
}

/// Whether the word ending `before` (just before a full stop) reads as an abbreviation: a
/// single letter (`p.m.`, `U.S.`), or two to four letters, the first a capital (`Gov.`).
fn is_abbreviation(before: &str) -> bool {
    let word: Vec<char> = before
        .chars()
        .rev()
        .take_while(|c| c.is_alphabetic())
        .collect();
    word.len() == 1 || (word.len() <= 4 && word.last().is_some_and(|c| c.is_uppercase()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const ARTICLE: &str = "Walz was furious. \u{201C}You didn\u{2019}t kill anyone there,\u{201D} he fired back \u{2014} two days later.\nSen. Amy Klobuchar   urged\tcalm. She called twice. Then she waited.\n";

    #[test]
    fn straight_and_curly_quotes_and_apostrophes_match() {
        let text = SourceText::new(ARTICLE);
        assert!(text.contains("\"You didn't kill anyone there,\" he fired back"));
        assert!(text.contains("\u{201C}You didn\u{2019}t kill anyone there,\u{201D}"));
        assert!(
            !text.contains("\u{2018}You didn\u{2019}t"),
            "a single quote mark is not a double one"
        );
    }

    #[test]
    fn en_and_em_dashes_match_a_hyphen_and_each_other() {
        let text = SourceText::new(ARTICLE);
        assert!(text.contains("he fired back - two days later."));
        assert!(text.contains("he fired back \u{2013} two days later."));
        assert!(text.contains("he fired back \u{2014} two days later."));
        assert!(!text.contains("he fired back -- two days later."));
    }

    #[test]
    fn runs_of_whitespace_and_line_breaks_match_one_space() {
        let text = SourceText::new(ARTICLE);
        assert!(text.contains("Amy Klobuchar urged calm."));
        assert!(text.contains("  Amy   Klobuchar\nurged  calm.  "));
        assert!(text.contains("two days later. Sen. Amy"));
    }

    #[test]
    fn a_quote_that_differs_by_one_word_is_not_found() {
        let text = SourceText::new(ARTICLE);
        assert!(!text.contains("Walz was livid."));
        assert!(!text.contains("Amy Klobuchar urged quiet."));
        assert!(!text.contains("walz was furious."), "letter case counts");
        assert!(!text.contains("Walz was furious!"), "punctuation counts");
        assert!(!text.contains("   "), "a blank quote is never found");
    }

    #[test]
    fn a_found_quote_maps_back_to_the_stored_text() {
        let text = SourceText::new(ARTICLE);
        let found = text.find("Klobuchar urged calm").expect("found");
        assert_eq!(&ARTICLE[found], "Klobuchar   urged\tcalm");
        let found = text.find("Then she waited.").expect("found");
        assert_eq!(&ARTICLE[found], "Then she waited.");
    }

    #[test]
    fn context_is_whole_sentences_around_the_quote_within_its_paragraph() {
        let text = SourceText::new(ARTICLE);
        let found = text.find("She called twice.").expect("found");
        let one = text.context(found.clone(), 1);
        assert_eq!(one.before, "Sen. Amy Klobuchar   urged\tcalm. ");
        assert_eq!(one.quote, "She called twice.");
        assert_eq!(one.after, " Then she waited.");
        let none = text.context(found, 0);
        assert_eq!((none.before, none.after), ("", ""));
        let minutes =
            SourceText::new("They met at 7 p.m. in the U.S. capital. Gov. Walz spoke. He left.");
        let found = minutes.find("Walz spoke.").expect("found");
        let around = minutes.context(found, 1);
        assert_eq!(
            around.before,
            "They met at 7 p.m. in the U.S. capital. Gov. "
        );
        assert_eq!(around.after, " He left.");
        let mid = text.find("fired back").expect("found");
        let around = text.context(mid, 0);
        assert_eq!(
            around.before,
            "\u{201C}You didn\u{2019}t kill anyone there,\u{201D} he "
        );
        assert_eq!(around.after, " \u{2014} two days later.");
    }

    #[test]
    fn normalising_touches_nothing_else() {
        assert_eq!(
            normalise("  \u{201C}A\u{201D} \u{2014}\u{00A0}b\u{2019}s\u{2026}  "),
            "\"A\" - b's\u{2026}"
        );
    }
}
