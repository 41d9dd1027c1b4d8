//! Markdown: the one place that turns an entry body into safe HTML and into plain text.
//!
//! Raw HTML is dropped from the Markdown before rendering, and the result still goes through
//! ammonia: scripts, event attributes, `javascript:` links, iframes, SVG and MathML never reach a page.

use std::collections::HashSet;
use std::sync::LazyLock;

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

/// The Markdown extensions entries may use.
fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
}

static SANITIZER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut builder = ammonia::Builder::default();
    builder
        .add_tags(["input"])
        .add_tag_attributes("input", ["type", "checked", "disabled"])
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
    // Raw HTML is dropped, not only sanitized: an unclosed `<style>` or `<textarea>` would
    // swallow the rest of the body, and an `<input>` stripped of its type becomes a text box.
    let events = Parser::new_ext(markdown, options())
        .filter(|event| !matches!(event, Event::Html(_) | Event::InlineHtml(_)));
    let mut unsafe_html = String::with_capacity(markdown.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut unsafe_html, events);
    SANITIZER.clean(&unsafe_html).to_string()
}

/// The words of a Markdown body without markup, for indexing and snippets.
///
/// Raw HTML is dropped (it never renders either); block ends become line breaks.
pub fn plain_text(markdown: &str) -> String {
    let mut text = String::with_capacity(markdown.len());
    for event in Parser::new_ext(markdown, options()) {
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

/// Whether the body contains a task list (`- [ ]`), so pages can style it as a checklist.
pub fn has_task_list(markdown: &str) -> bool {
    Parser::new_ext(markdown, options()).any(|event| matches!(event, Event::TaskListMarker(_)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn task_lists_keep_their_checkboxes() {
        let html = render_html("- [ ] call the governor\n- [x] done\n");
        assert!(
            html.contains(r#"<input disabled="" type="checkbox" aria-label="Checklist step">"#),
            "{html}"
        );
        assert!(html.contains("checked"), "{html}");
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
