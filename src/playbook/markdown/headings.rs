//! Headings with anchors: each heading of a body gets an id made from its words
//! (`section-what-the-article-says`), unique within the body, so a section can be linked to
//! and a checklist's page can jump to its steps.

use std::collections::HashSet;

use pulldown_cmark::{CowStr, Event, Tag, TagEnd};

/// What every heading id starts with, so no body's heading can take an id the page uses.
pub const ID_PREFIX: &str = "section-";
/// The longest id made from a heading's words, in bytes of slug.
const MAX_SLUG: usize = 60;

/// The id of a heading reading `text`, before it is made unique.
fn slug_of(text: &str) -> String {
    let mut slug = String::new();
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            slug.push(c);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
        if slug.len() >= MAX_SLUG {
            break;
        }
    }
    let slug = slug.trim_end_matches('-');
    if slug.is_empty() {
        "part".to_owned()
    } else {
        slug.to_owned()
    }
}

/// Gives each heading of a stream of events an id; the rest passes through. Holds one
/// heading's events at a time.
pub struct Anchored<'a, I: Iterator<Item = Event<'a>>> {
    events: I,
    held: std::collections::VecDeque<Event<'a>>,
    used: HashSet<String>,
    prefix: String,
}

impl<'a, I: Iterator<Item = Event<'a>>> Anchored<'a, I> {
    /// Anchors the headings of `events`.
    pub fn new(events: I) -> Self {
        Anchored::within(events, "")
    }

    /// Anchors the headings of `events` with ids starting `{page_part}section-`, so that
    /// several bodies on one page (a brief's entries) keep their ids apart.
    pub fn within(events: I, page_part: &str) -> Self {
        Anchored {
            events,
            held: std::collections::VecDeque::new(),
            used: HashSet::new(),
            prefix: format!("{page_part}{ID_PREFIX}"),
        }
    }

    /// A unique id for a heading reading `text`.
    fn id_for(&mut self, text: &str) -> String {
        let base = format!("{}{}", self.prefix, slug_of(text));
        let mut id = base.clone();
        let mut n = 2;
        while !self.used.insert(id.clone()) {
            id = format!("{base}-{n}");
            n += 1;
        }
        id
    }
}

impl<'a, I: Iterator<Item = Event<'a>>> Iterator for Anchored<'a, I> {
    type Item = Event<'a>;

    fn next(&mut self) -> Option<Event<'a>> {
        if let Some(event) = self.held.pop_front() {
            return Some(event);
        }
        match self.events.next()? {
            Event::Start(Tag::Heading {
                level,
                classes,
                attrs,
                ..
            }) => {
                let mut text = String::new();
                let mut inner = Vec::new();
                for event in self.events.by_ref() {
                    let end = matches!(event, Event::End(TagEnd::Heading(_)));
                    if let Event::Text(t) | Event::Code(t) = &event {
                        text.push_str(t);
                    }
                    inner.push(event);
                    if end {
                        break;
                    }
                }
                let id = self.id_for(&text);
                self.held.extend(inner);
                Some(Event::Start(Tag::Heading {
                    level,
                    id: Some(CowStr::from(id)),
                    classes,
                    attrs,
                }))
            }
            other => Some(other),
        }
    }
}

/// The id of the heading just before a body's first checklist step (`- [ ]`), so a page can
/// link to the steps; None when there is no step, or no heading before it.
pub fn checklist_heading<'a>(events: impl Iterator<Item = Event<'a>>) -> Option<String> {
    let mut last_heading = None;
    for event in Anchored::new(events) {
        match event {
            Event::Start(Tag::Heading { id, .. }) => last_heading = id.map(|id| id.to_string()),
            Event::TaskListMarker(_) => return last_heading,
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heading_words_make_short_unique_ids() {
        assert_eq!(slug_of("What the article says"), "what-the-article-says");
        assert_eq!(
            slug_of("Template checklist — adapt to your state's law"),
            "template-checklist-adapt-to-your-state-s-law"
        );
        assert_eq!(slug_of("¿?"), "part");
        assert!(slug_of(&"word ".repeat(40)).len() <= MAX_SLUG);
        let mut anchored = Anchored::new(std::iter::empty());
        assert_eq!(anchored.id_for("Steps"), "section-steps");
        assert_eq!(anchored.id_for("Steps"), "section-steps-2");
        assert_eq!(anchored.id_for("Steps"), "section-steps-3");
        let mut within = Anchored::within(std::iter::empty(), "entry-2-");
        assert_eq!(within.id_for("Steps"), "entry-2-section-steps");
    }
}
