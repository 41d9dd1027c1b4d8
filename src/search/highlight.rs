//! Which words of a text a query matched: exact stems, typo matches and synonyms alike.

use std::collections::HashSet;

/// The terms a query looks for, to mark them in snippets.
#[derive(Debug, Clone, Default)]
pub struct Highlighter {
    exact: HashSet<String>,
    fuzzy: Vec<(String, u8)>,
}

impl Highlighter {
    /// Marks `term` wherever it appears.
    pub fn add_exact(&mut self, term: &str) {
        self.exact.insert(term.to_owned());
    }

    /// Marks any term within `distance` edits of `term`.
    pub fn add_fuzzy(&mut self, term: &str, distance: u8) {
        if distance > 0 {
            self.fuzzy.push((term.to_owned(), distance));
        }
    }

    /// Whether nothing would ever be marked.
    pub fn is_empty(&self) -> bool {
        self.exact.is_empty() && self.fuzzy.is_empty()
    }

    /// Whether an analyzed term of the text matches the query.
    pub fn matches(&self, term: &str) -> bool {
        self.exact.contains(term)
            || self
                .fuzzy
                .iter()
                .any(|(wanted, distance)| within_edits(wanted, term, *distance))
    }
}

/// Whether `a` and `b` are within `max` edits (insert, delete, substitute, swap two neighbours),
/// the same measure the index's typo matching uses.
pub fn within_edits(a: &str, b: &str, max: u8) -> bool {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let max = usize::from(max);
    if a.len().abs_diff(b.len()) > max {
        return false;
    }
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
    fn matches_exact_and_fuzzy_terms() {
        let mut h = Highlighter::default();
        h.add_exact("guard");
        h.add_fuzzy("checklst", 1);
        assert!(h.matches("guard"));
        assert!(h.matches("checklist"));
        assert!(!h.matches("check"));
    }
}
