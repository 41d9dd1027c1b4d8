//! An entry cut into the passages it is embedded as: its title with its summary, then its body
//! in runs of about `PASSAGE_WORDS` words. An entry's closeness to a question is that of its
//! closest passages (`PassageSpace`), and a passage is what a hit found by meaning shows as its
//! snippet.

/// Words per body passage: a paragraph or two, well inside the model's token limit.
pub const PASSAGE_WORDS: usize = 100;
/// The most passages an entry is embedded as (the head passage included): an entry's cost
/// is bounded, and a body past it is found by its words only.
pub const MAX_PASSAGES: usize = 40;

/// The passages of an entry, in order: `title. summary`, then the body's. (The title alone
/// was once a passage too; on the judged questions it did not help, and it cost a passage per
/// entry.)
pub fn passages(title: &str, summary: &str, body: &str) -> Vec<String> {
    let mut out = Vec::new();
    let head = match (title.trim(), summary.trim()) {
        (title, "") => title.to_owned(),
        ("", summary) => summary.to_owned(),
        (title, summary) if title.ends_with(['.', '?', '!']) => format!("{title} {summary}"),
        (title, summary) => format!("{title}. {summary}"),
    };
    if !head.is_empty() {
        out.push(head);
    }

    let words: Vec<&str> = body.split_whitespace().collect();
    // Even runs: the last passage is not a stub of a few words.
    let runs = words.len().div_ceil(PASSAGE_WORDS).max(1);
    let per_run = words.len().div_ceil(runs).max(1);
    for run in words.chunks(per_run) {
        if out.len() >= MAX_PASSAGES {
            break;
        }
        out.push(run.join(" "));
    }
    out
}

/// The `number`th passage of an entry (as `passages` cuts it), if it has one.
pub fn passage(title: &str, summary: &str, body: &str, number: usize) -> Option<String> {
    passages(title, summary, body).into_iter().nth(number)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn head_then_even_body_runs() {
        let body = (0..250)
            .map(|i| format!("w{i}"))
            .collect::<Vec<_>>()
            .join(" ");
        let cut = passages("Title", "The summary.", &body);
        assert_eq!(cut[0], "Title. The summary.");
        assert_eq!(cut.len(), 4);
        let sizes: Vec<usize> = cut[1..]
            .iter()
            .map(|p| p.split_whitespace().count())
            .collect();
        assert_eq!(sizes, vec![84, 84, 82]);
        assert_eq!(
            passage("Title", "The summary.", &body, 1),
            Some(cut[1].clone())
        );
    }

    #[test]
    fn an_empty_body_is_the_head_alone_and_long_bodies_are_capped() {
        assert_eq!(passages("Why?", "Because.", ""), vec!["Why? Because."]);
        assert_eq!(passages("", "Only a summary.", ""), vec!["Only a summary."]);
        let long = "word ".repeat(PASSAGE_WORDS * (MAX_PASSAGES + 10));
        assert_eq!(passages("T", "S", &long).len(), MAX_PASSAGES);
    }
}
