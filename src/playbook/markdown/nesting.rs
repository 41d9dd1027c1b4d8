//! How deeply Markdown nests (blockquotes in blockquotes, lists in lists, emphasis in links…):
//! the limit a body keeps to, where a body first breaks it, and the flattening applied to
//! anything deeper, so that parsing and rendering stay linear in a body's size whatever was
//! stored before the limit existed.
//!
//! Two costs grow with the square of the depth: the HTML sanitizer's (per element, with the
//! elements open around it), and pulldown-cmark's when many containers open on one line
//! (`>>>>…`, `- - - …`) and later lines continue them (per line, with the containers open).
//! So lines opening too many containers are cut down in the text, before parsing
//! (`capped_lines`), and elements still too deep are left out of the events (`Flatten`).

use std::borrow::Cow;

use pulldown_cmark::{Event, TagEnd};

/// The deepest a body's elements may nest: blockquotes, lists and their items, emphasis,
/// links, tables and their parts each count one level. Ordinary writing stays under ten.
pub const MAX_NESTING_DEPTH: usize = 32;

/// Where the container markers opening a line stand: how many there are, the end of the
/// first `max` of them (with the blanks after the last), and the end of them all.
struct LinePrefix {
    markers: usize,
    kept_end: usize,
    end: usize,
}

/// Reads the container markers opening `line`: `>`, a bullet (`-`, `+`, `*`) or an ordered
/// list's number (`1.`, `2)`), each after optional blanks and a bullet or number followed by
/// a blank or the line's end. A thematic break (`- - -`) reads as bullets too, which only
/// matters for one of more than `max` dashes.
fn line_prefix(line: &[u8], max: usize) -> LinePrefix {
    let is_blank = |at: usize| line.get(at).is_none_or(|b| matches!(b, b' ' | b'\t'));
    let skip_blanks = |mut at: usize| {
        while matches!(line.get(at), Some(b' ' | b'\t')) {
            at += 1;
        }
        at
    };
    let mut prefix = LinePrefix {
        markers: 0,
        kept_end: 0,
        end: 0,
    };
    let mut at = skip_blanks(0);
    loop {
        let marker_end = match line.get(at) {
            Some(b'>') => at + 1,
            Some(b'-' | b'+' | b'*') if is_blank(at + 1) => at + 1,
            Some(b'0'..=b'9') => {
                let digits = line[at..].iter().take_while(|b| b.is_ascii_digit()).count();
                let after = at + digits;
                if digits > 9
                    || !matches!(line.get(after), Some(b'.' | b')'))
                    || !is_blank(after + 1)
                {
                    break;
                }
                after + 1
            }
            _ => break,
        };
        prefix.markers += 1;
        at = skip_blanks(marker_end);
        prefix.end = at;
        if prefix.markers == max {
            prefix.kept_end = at;
        }
    }
    prefix
}

/// The byte offset of the first line of `markdown` that opens more than `max` containers
/// (`>`, bullets, list numbers), if one does. Linear in the text; it bounds what
/// `first_too_deep` and the renderer hand to pulldown-cmark.
pub fn first_crowded_line(markdown: &str, max: usize) -> Option<usize> {
    let mut offset = 0;
    for line in markdown.split_inclusive('\n') {
        if line_prefix(line.as_bytes(), max).markers > max {
            return Some(offset);
        }
        offset += line.len();
    }
    None
}

/// `markdown` with each line opening more than `max` containers cut down to its first `max`
/// (`>>>>>>text` becomes `>>text` for two); the text itself when no line does.
pub fn capped_lines(markdown: &str, max: usize) -> Cow<'_, str> {
    if first_crowded_line(markdown, max).is_none() {
        return Cow::Borrowed(markdown);
    }
    let mut capped = String::with_capacity(markdown.len());
    for line in markdown.split_inclusive('\n') {
        let prefix = line_prefix(line.as_bytes(), max);
        if prefix.markers > max {
            // Both ends follow ASCII markers and blanks, so they are character boundaries.
            capped.push_str(&line[..prefix.kept_end]);
            capped.push_str(&line[prefix.end..]);
        } else {
            capped.push_str(line);
        }
    }
    Cow::Owned(capped)
}

/// The byte offset of the element where `events` (with their offsets, from
/// `Parser::into_offset_iter`) first nest deeper than `max`, if they ever do.
pub fn first_too_deep<'a>(
    events: impl Iterator<Item = (Event<'a>, std::ops::Range<usize>)>,
    max: usize,
) -> Option<usize> {
    let mut depth = 0usize;
    for (event, range) in events {
        match event {
            Event::Start(_) => {
                depth += 1;
                if depth > max {
                    return Some(range.start);
                }
            }
            Event::End(_) => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

/// Events with every element nested deeper than `max` left out and its content kept in place:
/// the text of a blockquote 100,000 deep is shown `max` deep. A block left out ends with a
/// line break, so its words do not run into the next block's (one break for many blocks
/// ending together).
pub struct Flatten<I> {
    events: I,
    max: usize,
    /// Elements open in the source, whether kept or left out.
    depth: usize,
    /// Whether the last event given was a break standing for blocks left out.
    after_break: bool,
}

impl<I> Flatten<I> {
    /// Flattens `events` below `max` levels.
    pub fn new(events: I, max: usize) -> Self {
        Flatten {
            events,
            max,
            depth: 0,
            after_break: false,
        }
    }
}

impl<'a, I: Iterator<Item = Event<'a>>> Iterator for Flatten<I> {
    type Item = Event<'a>;

    fn next(&mut self) -> Option<Event<'a>> {
        loop {
            let event = self.events.next()?;
            let given = match event {
                Event::Start(_) => {
                    // Once an element is left out, so is everything inside it: what is kept
                    // is always a well-formed tree `max` deep at most.
                    self.depth += 1;
                    (self.depth <= self.max).then_some(event)
                }
                Event::End(end) => {
                    let kept = self.depth <= self.max;
                    self.depth = self.depth.saturating_sub(1);
                    if kept {
                        Some(Event::End(end))
                    } else if is_block(end) && !self.after_break {
                        self.after_break = true;
                        return Some(Event::SoftBreak);
                    } else {
                        None
                    }
                }
                other => Some(other),
            };
            if given.is_some() {
                self.after_break = false;
                return given;
            }
        }
    }
}

/// Whether an element is a block, whose end separates words.
fn is_block(end: TagEnd) -> bool {
    !matches!(
        end,
        TagEnd::Emphasis
            | TagEnd::Strong
            | TagEnd::Strikethrough
            | TagEnd::Superscript
            | TagEnd::Subscript
            | TagEnd::Link
            | TagEnd::Image
    )
}
