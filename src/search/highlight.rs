//! Which words of a text a query matched: exact stems, typo matches and synonyms alike.

use std::collections::HashMap;

use super::typo::is_typo_of;

/// The terms a query looks for, to mark them in snippets, grouped by the query word they
/// stand for (its stem and typos; a synonym's terms; each word of a phrase).
#[derive(Debug, Clone, Default)]
pub struct Highlighter {
    /// Exact term → its query word.
    exact: HashMap<String, QueryWordId>,
    /// (term, typo distance, its query word).
    fuzzy: Vec<(String, u8, QueryWordId)>,
    /// The query word that terms are added to: the latest `next_word`.
    current: QueryWordId,
    /// One bit per query word that has at least one term.
    words: u64,
    /// The first character of every exact and typo term that is ASCII, one bit each.
    ascii_first_chars: u128,
}

/// Which query word a term stands for: 0 to 63 (later words share 63, which only makes
/// snippets of very long queries settle for fewer distinct words).
pub type QueryWordId = u8;

impl Highlighter {
    /// Starts the next query word: terms added from now on stand for it.
    pub fn next_word(&mut self) {
        if self.words != 0 {
            self.current = (self.current + 1).min(63);
        }
    }

    /// Marks `term` wherever it appears, as the current query word.
    pub fn add_exact(&mut self, term: &str) {
        self.note_first_char(term);
        self.words |= 1 << self.current;
        self.exact.entry(term.to_owned()).or_insert(self.current);
    }

    /// Marks any term within `distance` edits of `term` that keeps its first letter, as the
    /// current query word.
    pub fn add_fuzzy(&mut self, term: &str, distance: u8) {
        if distance > 0 {
            self.note_first_char(term);
            self.words |= 1 << self.current;
            self.fuzzy.push((term.to_owned(), distance, self.current));
        }
    }

    /// One bit per query word that can be marked: a passage showing every one of them is
    /// as good as a passage gets.
    pub fn words(&self) -> u64 {
        self.words
    }

    fn note_first_char(&mut self, term: &str) {
        if let Some(c) = term.chars().next().filter(char::is_ascii) {
            self.ascii_first_chars |= 1 << (c as u32);
        }
    }

    /// Whether a word written with this first character could match. Analysis keeps a word's
    /// first letter (lowercased; stemming only rewrites endings, typo matching keeps it), so
    /// an ASCII letter or digit no term starts with rules the word out without analysing it.
    /// Other characters may be folded (`é` to `e`), so they are never ruled out.
    pub fn may_match_word_starting_with(&self, first: char) -> bool {
        !first.is_ascii_alphanumeric()
            || self.ascii_first_chars & (1 << (first.to_ascii_lowercase() as u32 & 127)) != 0
    }

    /// Whether nothing would ever be marked.
    pub fn is_empty(&self) -> bool {
        self.words == 0
    }

    /// The query word an analyzed term of the text matches, if any.
    pub fn matches(&self, term: &str) -> Option<QueryWordId> {
        self.exact.get(term).copied().or_else(|| {
            self.fuzzy
                .iter()
                .find(|(wanted, distance, _)| is_typo_of(wanted, term, *distance))
                .map(|(_, _, word)| *word)
        })
    }
}

/// Whether `a` and `b` are within `max` edits (insert, delete, substitute, swap two neighbours),
/// the same measure the index's typo matching uses.
pub fn within_edits(a: &str, b: &str, max: u8) -> bool {
    let max = usize::from(max);
    // Most words compared differ in length by more than the distance: ruled out unallocated.
    if a.chars().count().abs_diff(b.chars().count()) > max {
        return false;
    }
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    // Optimal string alignment distance, three rolling rows.
    let width = b.len() + 1;
    let mut before: Vec<usize> = vec![0; width];
    let mut previous: Vec<usize> = (0..width).collect();
    let mut current: Vec<usize> = vec![0; width];
    for i in 1..=a.len() {
        current[0] = i;
        let mut row_min = current[0];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut value = (previous[j] + 1)
                .min(current[j - 1] + 1)
                .min(previous[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                value = value.min(before[j - 2] + 1);
            }
            current[j] = value;
            row_min = row_min.min(value);
        }
        if row_min > max {
            return false;
        }
        std::mem::swap(&mut before, &mut previous);
        std::mem::swap(&mut previous, &mut current);
    }
    previous[b.len()] <= max
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_edits_like_the_index_does() {
        assert!(within_edits("guard", "gaurd", 1));
        assert!(within_edits("checklist", "checklst", 1));
        assert!(within_edits("nation", "natin", 1));
        assert!(!within_edits("nation", "nat", 2));
        assert!(within_edits("separation", "seperatoin", 2));
        assert!(!within_edits("ordinance", "orange", 2));
        assert!(within_edits("same", "same", 0));
    }

    #[test]
    fn matches_exact_and_fuzzy_terms_as_their_query_word() {
        let mut h = Highlighter::default();
        assert!(h.is_empty());
        h.next_word();
        h.add_exact("guard");
        h.add_fuzzy("guard", 1);
        h.next_word();
        h.add_fuzzy("checklst", 1);
        h.next_word();
        h.add_exact("guard");
        assert_eq!(h.matches("guard"), Some(0));
        assert_eq!(h.matches("gaurd"), Some(0));
        assert_eq!(h.matches("checklist"), Some(1));
        assert_eq!(h.matches("check"), None);
        assert_eq!(h.words(), 0b111);
    }

    #[test]
    fn rules_out_words_by_their_first_letter() {
        let mut h = Highlighter::default();
        h.add_exact("guard");
        h.add_fuzzy("checklst", 1);
        assert!(h.may_match_word_starting_with('G'));
        assert!(h.may_match_word_starting_with('c'));
        assert!(!h.may_match_word_starting_with('p'));
        assert!(!h.may_match_word_starting_with('7'));
        assert!(
            h.may_match_word_starting_with('É'),
            "may fold to a letter a term starts with"
        );
    }
}
