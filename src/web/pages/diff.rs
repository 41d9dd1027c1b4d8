//! The changes between two revisions of an entry, line by line, for the revision page.
//!
//! Comparing lines costs time in proportion to the lines times the lines that differ, so two
//! 50,000-line revisions took seconds. Revisions over `MAX_DIFF_LINES` together are not
//! compared (the page says so, with their sizes), and a comparison still running after
//! `DIFF_TIMEOUT` stops looking for the shortest list of changes: what is left is shown
//! removed and added whole, which is still a true account of the change.

use std::time::Duration;

use similar::{Algorithm, ChangeTag, TextDiff};

/// The most lines, both revisions together, compared line by line.
pub const MAX_DIFF_LINES: usize = 10_000;

/// How long a comparison may look for the fewest changes.
pub const DIFF_TIMEOUT: Duration = Duration::from_millis(200);

/// A line of a diff.
pub struct DiffLine {
    /// `added`, `removed` or `same`, the line's CSS class.
    pub class: &'static str,
    /// `+`, `-` or a space.
    pub sign: &'static str,
    /// The line, without its line break.
    pub text: String,
}

/// The changes between two texts: their lines, or why they are not shown.
pub enum Changes {
    /// Every line of both, marked.
    Lines(Vec<DiffLine>),
    /// Too large to compare line by line: what the page says instead, with the sizes.
    TooLarge(String),
}

/// The lines and size of a text, in words.
fn size(text: &str) -> String {
    let lines = text.lines().count();
    let kib = text.len().div_ceil(1024);
    format!(
        "{lines} line{} ({kib} KiB)",
        if lines == 1 { "" } else { "s" }
    )
}

/// Compares `old` with `new` line by line, within `MAX_DIFF_LINES` and `DIFF_TIMEOUT`.
/// Takes up to the timeout: call it on a blocking thread.
pub fn changes(old: &str, new: &str) -> Changes {
    let lines = old.lines().count() + new.lines().count();
    if lines > MAX_DIFF_LINES {
        return Changes::TooLarge(format!(
            "This change is too large to show line by line: the revision before had {}, this one has {}, and changes are shown for {MAX_DIFF_LINES} lines at most, both together.",
            size(old),
            size(new)
        ));
    }
    let diff = TextDiff::configure()
        .algorithm(Algorithm::Myers)
        .timeout(DIFF_TIMEOUT)
        .diff_lines(old, new);
    Changes::Lines(
        diff.iter_all_changes()
            .map(|change| {
                let (class, sign) = match change.tag() {
                    ChangeTag::Delete => ("removed", "-"),
                    ChangeTag::Insert => ("added", "+"),
                    ChangeTag::Equal => ("same", " "),
                };
                DiffLine {
                    class,
                    sign,
                    text: change.value().trim_end_matches('\n').to_owned(),
                }
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn numbered(lines: std::ops::Range<usize>) -> String {
        lines.map(|n| format!("line {n}\n")).collect()
    }

    #[test]
    fn an_ordinary_change_is_shown_line_by_line() {
        let Changes::Lines(lines) = changes("a\nb\nc\n", "a\nB\nc\n") else {
            panic!("compared");
        };
        let marked: Vec<String> = lines
            .iter()
            .map(|l| format!("{}{}", l.sign, l.text))
            .collect();
        assert_eq!(marked, [" a", "-b", "+B", " c"]);
    }

    #[test]
    fn a_change_too_large_says_so_with_its_sizes() {
        let Changes::TooLarge(why) = changes("short\n", &numbered(0..50_000)) else {
            panic!("not compared");
        };
        assert!(why.contains("too large"), "{why}");
        assert!(why.contains("1 line (1 KiB)"), "{why}");
        assert!(why.contains("50000 lines"), "{why}");
    }

    #[test]
    fn a_comparison_past_its_timeout_still_accounts_for_every_line() {
        // Every line differs: the slowest case for the lines under the cap.
        let old = numbered(0..MAX_DIFF_LINES / 2);
        let new = numbered(MAX_DIFF_LINES..MAX_DIFF_LINES + MAX_DIFF_LINES / 2);
        let started = std::time::Instant::now();
        let Changes::Lines(lines) = changes(&old, &new) else {
            panic!("compared");
        };
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "{:?}",
            started.elapsed()
        );
        let removed = lines.iter().filter(|l| l.sign == "-").count();
        let added = lines.iter().filter(|l| l.sign == "+").count();
        assert_eq!((removed, added), (MAX_DIFF_LINES / 2, MAX_DIFF_LINES / 2));
    }
}
