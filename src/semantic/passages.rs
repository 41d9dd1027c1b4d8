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
    let head = head(title, summary);
    if !head.is_empty() {
        out.push(head);
    }
    let words: Vec<&str> = body.split_whitespace().collect();
    for run in words.chunks(run_length(words.len())) {
        if out.len() >= MAX_PASSAGES {
            break;
        }
        out.push(run.join(" "));
    }
    out
}

/// The `number`th passage of an entry (as `passages` cuts it), if it has one. Only that
/// passage is put together (it is a hit's snippet: the rest of a long body is not copied).
pub fn passage(title: &str, summary: &str, body: &str, number: usize) -> Option<String> {
    let has_head = !title.trim().is_empty() || !summary.trim().is_empty();
    let run = match (has_head, number) {
        (true, 0) => return Some(head(title, summary)),
        (true, number) => number - 1,
        (false, number) => number,
    };
    if number >= MAX_PASSAGES {
        return None;
    }
    let per_run = run_length(body.split_whitespace().count());
    let words: Vec<&str> = body
        .split_whitespace()
        .skip(run.checked_mul(per_run)?)
        .take(per_run)
        .collect();
    (!words.is_empty()).then(|| words.join(" "))
}

/// The head passage: `title. summary` (either alone when the other is empty).
fn head(title: &str, summary: &str) -> String {
    match (title.trim(), summary.trim()) {
        (title, "") => title.to_owned(),
        ("", summary) => summary.to_owned(),
        (title, summary) if title.ends_with(['.', '?', '!']) => format!("{title} {summary}"),
        (title, summary) => format!("{title}. {summary}"),
    }
}

/// How many words each body passage of a body of `words` words takes: even runs, so the last
/// passage is not a stub of a few words.
fn run_length(words: usize) -> usize {
    let runs = words.div_ceil(PASSAGE_WORDS).max(1);
    words.div_ceil(runs).max(1)
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

    #[test]
    fn each_passage_alone_is_the_one_passages_cuts() {
        let body = (0..1_000)
            .map(|i| format!("w{i}"))
            .collect::<Vec<_>>()
            .join("  \n");
        let long = "word ".repeat(PASSAGE_WORDS * (MAX_PASSAGES + 3));
        for (title, summary, body) in [
            ("Title", "The summary.", body.as_str()),
            ("", "", body.as_str()),
            ("Title", "", ""),
            ("", "", ""),
            ("T", "S", long.as_str()),
        ] {
            let all = passages(title, summary, body);
            for number in 0..all.len() + 3 {
                assert_eq!(
                    passage(title, summary, body, number).as_ref(),
                    all.get(number),
                    "{title:?}/{summary:?}, passage {number}"
                );
            }
        }
    }
}
