//! Markdown: the one place that turns an entry body into safe HTML and into plain text.
//!
//! Raw HTML is dropped from the Markdown before rendering, and the result still goes through
//! ammonia: scripts, event attributes, `javascript:` links, iframes, SVG and MathML never reach a page.
//! Elements nested deeper than `MAX_NESTING_DEPTH` are flattened first (`nesting`), so rendering
//! costs time in proportion to the body's size, whatever the body.

pub mod headings;
pub mod nesting;
pub mod sections;

use std::collections::HashSet;
use std::sync::LazyLock;

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

use headings::Anchored;
pub use nesting::MAX_NESTING_DEPTH;
use nesting::{Flatten, capped_lines, first_crowded_line, first_too_deep};

/// The Markdown extensions entries may use: the one place pulldown-cmark's options are set.
pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
}

static SANITIZER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut builder = ammonia::Builder::default();
    builder
        .add_tags(["input"])
        // Tick boxes can be ticked on screen (a checklist's page remembers them in the browser).
        .add_tag_attributes("input", ["type", "checked"])
        // Headings carry their anchors (`headings::ID_PREFIX`…).
        .add_tag_attributes("h1", ["id"])
        .add_tag_attributes("h2", ["id"])
        .add_tag_attributes("h3", ["id"])
        .add_tag_attributes("h4", ["id"])
        .add_tag_attributes("h5", ["id"])
        .add_tag_attributes("h6", ["id"])
        // Task-list boxes have no text of their own; screen readers need a name for them.
        .set_tag_attribute_value("input", "aria-label", "Checklist step")
        .add_tag_attributes("div", ["id", "class"])
        .add_tag_attributes("sup", ["id", "class"])
        .add_tag_attributes("th", ["style"])
        .add_tag_attributes("td", ["style"])
        .attribute_filter(|element, attribute, value| match (element, attribute) {
            // Task-list boxes only: no other form control may appear in a body.
            ("input", "type") if value != "checkbox" => None,
            // Table alignment is the only inline style pulldown-cmark writes.
            ("th" | "td", "style") if !value.starts_with("text-align:") => None,
            _ => Some(value.into()),
        })
        .link_rel(Some("noopener noreferrer nofollow"))
        .url_schemes(HashSet::from(["http", "https", "mailto"]));
    builder
});

/// Renders Markdown to sanitized HTML, safe to place in a page.
pub fn render_html(markdown: &str) -> String {
    render_html_within(markdown, "")
}

/// Renders Markdown to sanitized HTML whose heading ids start `{page_part}section-`: for a
/// page holding several bodies (a brief), each with its own `page_part`.
pub fn render_html_within(markdown: &str, page_part: &str) -> String {
    let markdown = capped_lines(markdown, MAX_NESTING_DEPTH);
    // Raw HTML is dropped, not only sanitized: an unclosed `<style>` or `<textarea>` would
    // swallow the rest of the body, and an `<input>` stripped of its type becomes a text box.
    let events = Parser::new_ext(&markdown, options())
        .filter(|event| !matches!(event, Event::Html(_) | Event::InlineHtml(_)));
    let events = Anchored::within(Flatten::new(events, MAX_NESTING_DEPTH), page_part);
    let mut unsafe_html = String::with_capacity(markdown.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut unsafe_html, events);
    SANITIZER.clean(&unsafe_html).to_string()
}

/// Where `markdown` first nests deeper than `MAX_NESTING_DEPTH`, as a byte offset, if it does.
pub fn too_deep_at(markdown: &str) -> Option<usize> {
    first_crowded_line(markdown, MAX_NESTING_DEPTH).or_else(|| {
        first_too_deep(
            Parser::new_ext(markdown, options()).into_offset_iter(),
            MAX_NESTING_DEPTH,
        )
    })
}

/// The words of a Markdown body without markup, for indexing and snippets.
///
/// Raw HTML is dropped (it never renders either); block ends become line breaks.
pub fn plain_text(markdown: &str) -> String {
    let markdown = capped_lines(markdown, MAX_NESTING_DEPTH);
    let mut text = String::with_capacity(markdown.len());
    for event in Parser::new_ext(&markdown, options()) {
        match event {
            Event::Text(t) | Event::Code(t) => text.push_str(&t),
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            Event::Start(Tag::Item) | Event::End(TagEnd::TableCell) => text.push(' '),
            Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::Item
                | TagEnd::CodeBlock
                | TagEnd::TableRow
                | TagEnd::TableHead
                | TagEnd::BlockQuote(_),
            ) => text.push('\n'),
            _ => {}
        }
    }
    text.trim().to_owned()
}

/// The id of the heading just before the body's first checklist step, for a "jump to the
/// checklist" link.
pub fn checklist_anchor(markdown: &str) -> Option<String> {
    let markdown = capped_lines(markdown, MAX_NESTING_DEPTH);
    let events = Parser::new_ext(&markdown, options())
        .filter(|event| !matches!(event, Event::Html(_) | Event::InlineHtml(_)));
    headings::checklist_heading(Flatten::new(events, MAX_NESTING_DEPTH))
}

/// Whether the body contains a task list (`- [ ]`), so pages can style it as a checklist.
pub fn has_task_list(markdown: &str) -> bool {
    let markdown = capped_lines(markdown, MAX_NESTING_DEPTH);
    Parser::new_ext(&markdown, options()).any(|event| matches!(event, Event::TaskListMarker(_)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn task_lists_keep_their_checkboxes() {
        let html = render_html("- [ ] call the governor\n- [x] done\n");
        assert!(
            html.contains(r#"<input type="checkbox" aria-label="Checklist step">"#),
            "tickable: {html}"
        );
        assert!(!html.contains("disabled"), "{html}");
        assert!(html.contains("checked"), "{html}");
    }

    #[test]
    fn headings_get_anchors_and_a_checklist_its_jump_target() {
        let body = "## What the article says\n\nText.\n\n## Steps\n\n- [ ] call\n\n## Steps\n";
        let html = render_html(body);
        assert!(
            html.contains(r#"<h2 id="section-what-the-article-says">"#),
            "{html}"
        );
        assert!(html.contains(r#"<h2 id="section-steps">"#), "{html}");
        assert!(html.contains(r#"<h2 id="section-steps-2">"#), "{html}");
        assert_eq!(checklist_anchor(body).as_deref(), Some("section-steps"));
        assert_eq!(checklist_anchor("- [ ] no heading first"), None);
        assert_eq!(checklist_anchor("## No steps\n\nText."), None);
    }

    #[test]
    fn raw_html_and_script_links_are_removed() {
        let html = render_html(
            "<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n[x](javascript:alert(1))\n\n<input type=text value=x>",
        );
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("onerror"), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
        assert!(!html.contains(r#"type="text""#), "{html}");
    }

    /// The deepest the elements of `html` nest (it is well-formed: ammonia wrote it).
    fn html_depth(html: &str) -> usize {
        let (mut depth, mut deepest) = (0usize, 0usize);
        let mut rest = html;
        while let Some(at) = rest.find('<') {
            rest = &rest[at + 1..];
            let tag_end = rest.find('>').unwrap_or(rest.len());
            let tag = &rest[..tag_end];
            if tag.starts_with('/') {
                depth = depth.saturating_sub(1);
            } else if !tag.ends_with('/')
                && !["br", "hr", "input"].iter().any(|v| tag.starts_with(v))
            {
                depth += 1;
                deepest = deepest.max(depth);
            }
        }
        deepest
    }

    fn deep_bodies() -> Vec<(&'static str, String)> {
        vec![
            ("`>` x 100,000", ">".repeat(100_000)),
            ("`> ` x 50,000", "> ".repeat(50_000)),
            ("`+ ` x 50,000", "+ ".repeat(50_000) + "x"),
            ("`1. ` x 30,000", "1. ".repeat(30_000) + "x"),
            (
                "`*a ` x 30,000",
                format!("{}x{}", "*a ".repeat(30_000), " a*".repeat(30_000)),
            ),
            (
                "a deep quote, then lazy lines",
                format!("{}a\n{}", ">".repeat(50_000), "b\n".repeat(25_000)),
            ),
            (
                "lists nested by indentation",
                (0..60)
                    .map(|n| format!("{}- item {n}\n", "  ".repeat(n)))
                    .collect(),
            ),
            (
                "a quote deepening line by line",
                (1..300).map(|n| format!("{} q\n", ">".repeat(n))).collect(),
            ),
        ]
    }

    #[test]
    fn deep_nesting_is_found_and_flattened_in_linear_time() {
        for (name, body) in deep_bodies() {
            let started = std::time::Instant::now();
            assert!(too_deep_at(&body).is_some(), "{name}: not found too deep");
            let html = render_html(&body);
            plain_text(&body);
            has_task_list(&body);
            let took = started.elapsed();
            // Each used to take from seconds to a minute; linear work takes milliseconds,
            // even unoptimised on a busy machine.
            assert!(took.as_secs() < 2, "{name}: took {took:?}");
            let depth = html_depth(&html);
            assert!(depth <= MAX_NESTING_DEPTH, "{name}: depth {depth}");
        }
    }

    #[test]
    fn flattening_keeps_the_words_of_what_is_too_deep() {
        let body = format!("{}deep words\n\n{}more", "> ".repeat(40), "> ".repeat(40));
        let html = render_html(&body);
        assert!(html.contains("deep words"), "{html}");
        assert!(html.contains("more"), "{html}");
        assert_eq!(html_depth(&html), MAX_NESTING_DEPTH);
        let nested: String = (0..40)
            .map(|n| format!("{}- item{n}\n", "  ".repeat(n)))
            .collect();
        let html = render_html(&nested);
        assert!(html.contains("item20") && html.contains("item39"), "{html}");
        assert!(html_depth(&html) <= MAX_NESTING_DEPTH, "{html}");
        let shallow = format!("{}ok", "> ".repeat(MAX_NESTING_DEPTH - 1));
        assert_eq!(too_deep_at(&shallow), None);
        assert_eq!(html_depth(&render_html(&shallow)), MAX_NESTING_DEPTH);
    }

    #[test]
    fn plain_text_drops_markup_but_keeps_words() {
        let text = plain_text(
            "## Steps\n\n- [ ] **Call** the [governor](https://example.org)\n\n<b>raw</b>",
        );
        assert!(text.contains("Steps"));
        assert!(text.contains("Call the governor"));
        assert!(!text.contains("**"));
        assert!(!text.contains("https://"));
    }
}
