//! A body cut at its top headings (to line up entries' sections side by side), and a body with
//! its headings moved down a level or more (to sit under a title in a brief). Both read the
//! Markdown once, in time linear in its size, and keep the author's text as written.

use pulldown_cmark::{Event, HeadingLevel, Parser, Tag, TagEnd};

use super::nesting::capped_lines;
use super::{MAX_NESTING_DEPTH, options};

/// A part of a body: the words of the heading it starts with (None for what comes before the
/// first heading) and its Markdown without that heading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    /// The heading's words, as plain text.
    pub heading: Option<String>,
    /// The section's Markdown, its heading left out.
    pub markdown: String,
}

/// A heading outside any container (list, quote, footnote): its level, where its Markdown
/// starts and ends, and its words.
struct TopHeading {
    level: HeadingLevel,
    start: usize,
    end: usize,
    words: String,
}

fn top_headings(markdown: &str) -> Vec<TopHeading> {
    let mut found = Vec::new();
    let mut depth = 0usize;
    let mut open: Option<TopHeading> = None;
    for (event, range) in Parser::new_ext(markdown, options()).into_offset_iter() {
        match event {
            Event::Start(Tag::Heading { level, .. }) if depth == 0 => {
                open = Some(TopHeading {
                    level,
                    start: range.start,
                    end: range.end,
                    words: String::new(),
                });
            }
            Event::End(TagEnd::Heading(_)) if open.is_some() => {
                if let Some(heading) = open.take() {
                    found.push(heading);
                }
            }
            Event::Text(text) | Event::Code(text) => {
                if let Some(heading) = open.as_mut() {
                    heading.words.push_str(&text);
                }
            }
            Event::Start(
                Tag::BlockQuote(_) | Tag::List(_) | Tag::FootnoteDefinition(_) | Tag::Table(_),
            ) => depth += 1,
            Event::End(
                TagEnd::BlockQuote(_)
                | TagEnd::List(_)
                | TagEnd::FootnoteDefinition
                | TagEnd::Table,
            ) => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    found
}

/// The body cut before each heading of its highest level (outside lists and quotes); text
/// before the first such heading, if any, is a section without a heading.
pub fn sections(markdown: &str) -> Vec<Section> {
    let markdown = capped_lines(markdown, MAX_NESTING_DEPTH);
    let headings = top_headings(&markdown);
    let Some(top) = headings.iter().map(|h| h.level).min() else {
        return if markdown.trim().is_empty() {
            Vec::new()
        } else {
            vec![Section {
                heading: None,
                markdown: markdown.trim().to_owned(),
            }]
        };
    };
    let cuts: Vec<&TopHeading> = headings.iter().filter(|h| h.level == top).collect();
    let mut sections = Vec::with_capacity(cuts.len() + 1);
    let intro = markdown[..cuts[0].start].trim();
    if !intro.is_empty() {
        sections.push(Section {
            heading: None,
            markdown: intro.to_owned(),
        });
    }
    for (i, heading) in cuts.iter().enumerate() {
        let end = cuts.get(i + 1).map_or(markdown.len(), |next| next.start);
        sections.push(Section {
            heading: Some(heading.words.trim().to_owned()),
            markdown: markdown[heading.end.min(end)..end].trim().to_owned(),
        });
    }
    sections
}

/// The body with its headings moved down so the highest is at `level` (2 for `##`); headings
/// already that low or lower stay. Headings written with `#` get more `#`s, at most six;
/// underlined ones are rewritten with `#`s.
pub fn with_headings_from(markdown: &str, level: usize) -> String {
    let markdown = capped_lines(markdown, MAX_NESTING_DEPTH);
    let mut headings = Vec::new();
    for (event, range) in Parser::new_ext(&markdown, options()).into_offset_iter() {
        if let Event::Start(Tag::Heading { level, .. }) = event {
            headings.push((level as usize, range));
        }
    }
    let Some(top) = headings.iter().map(|(l, _)| *l).min() else {
        return markdown.into_owned();
    };
    let shift = level.saturating_sub(top);
    if shift == 0 {
        return markdown.into_owned();
    }
    let mut out = String::with_capacity(markdown.len() + headings.len() * shift);
    let mut at = 0;
    for (heading_level, range) in headings {
        if range.start < at {
            continue;
        }
        out.push_str(&markdown[at..range.start]);
        let new_level = (heading_level + shift).min(6);
        let text = &markdown[range.clone()];
        if text.starts_with('#') {
            out.push_str(&"#".repeat(new_level - heading_level));
            out.push_str(text);
        } else {
            // Underlined (setext): its words on one line, after `#`s.
            let words = text.lines().next().unwrap_or("").trim();
            out.push_str(&"#".repeat(new_level));
            out.push(' ');
            out.push_str(words);
            out.push('\n');
        }
        at = range.end;
    }
    out.push_str(&markdown[at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_body_is_cut_at_its_top_headings() {
        let body = "Intro line.\n\n## What the article says\n\nText.\n\n### Detail\n\nMore.\n\n## Steps\n\n- [ ] one\n";
        let parts = sections(body);
        assert_eq!(parts.len(), 3, "{parts:?}");
        assert_eq!(parts[0].heading, None);
        assert_eq!(parts[0].markdown, "Intro line.");
        assert_eq!(parts[1].heading.as_deref(), Some("What the article says"));
        assert_eq!(parts[1].markdown, "Text.\n\n### Detail\n\nMore.");
        assert_eq!(parts[2].heading.as_deref(), Some("Steps"));
        assert_eq!(parts[2].markdown, "- [ ] one");
        assert_eq!(sections("Just text.")[0].heading, None);
        assert!(sections("  \n").is_empty());
        // A heading inside a quote does not cut.
        assert_eq!(sections("> ## quoted\n\ntext").len(), 1);
    }

    #[test]
    fn headings_move_down_to_the_level_asked() {
        let body = "## One\n\ntext `##` kept\n\n### Two\n\nUnder\n-----\n";
        assert_eq!(
            with_headings_from(body, 3),
            "### One\n\ntext `##` kept\n\n#### Two\n\n### Under\n"
        );
        assert_eq!(with_headings_from("###### six", 3), "###### six");
        assert_eq!(with_headings_from("no headings", 3), "no headings");
    }
}
