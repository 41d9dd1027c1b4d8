//! Hostile Markdown renders inert: whatever an entry body holds, `render_html` output parsed the
//! way a browser parses it has no element, attribute or URL that could run code or load a page.

use std::path::Path;

use city_playbook::playbook::load_playbook;
use city_playbook::playbook::markdown::render_html;
use scraper::{Html, Selector};

/// Elements that run code, embed other documents, submit data, or restyle the page.
const FORBIDDEN_ELEMENTS: &[&str] = &[
    "script", "iframe", "frame", "frameset", "svg", "math", "object", "embed", "style", "form",
    "meta", "link", "base", "button", "textarea", "select", "video", "audio", "source", "template",
    "noscript", "applet",
];

/// Attributes whose value is a URL the browser may follow or load.
const URL_ATTRIBUTES: &[&str] = &[
    "href",
    "src",
    "action",
    "formaction",
    "data",
    "poster",
    "srcset",
    "xlink:href",
    "background",
    "cite",
];

/// The scheme of a URL as a browser reads it (tabs and newlines dropped), or None when relative.
fn url_scheme(url: &str) -> Option<String> {
    let cleaned: String = url
        .trim_start_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    let (scheme, _) = cleaned.split_once(':')?;
    let mut chars = scheme.chars();
    let is_scheme = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    is_scheme.then(|| scheme.to_ascii_lowercase())
}

/// Panics with the offending HTML unless it is inert.
fn assert_inert(html: &str) {
    let fragment = Html::parse_fragment(html);
    let everything = Selector::parse("*").expect("valid selector");
    for element in fragment.select(&everything) {
        let tag = element.value().name();
        assert!(
            !FORBIDDEN_ELEMENTS.contains(&tag),
            "<{tag}> survived sanitizing:\n{html}"
        );
        for (name, value) in element.value().attrs() {
            let name = name.to_ascii_lowercase();
            assert!(
                !name.starts_with("on"),
                "event attribute {name} on <{tag}>:\n{html}"
            );
            if name == "style" {
                let alignment = matches!(tag, "th" | "td") && value.starts_with("text-align:");
                assert!(alignment, "style attribute on <{tag}>:\n{html}");
            }
            if URL_ATTRIBUTES.contains(&name.as_str())
                && let Some(scheme) = url_scheme(value)
            {
                assert!(
                    matches!(scheme.as_str(), "http" | "https" | "mailto"),
                    "{name}={value:?} on <{tag}>:\n{html}"
                );
            }
        }
        if tag == "input" {
            // Tick boxes only (they can be ticked on screen: issue 19).
            let checkbox = element.value().attr("type") == Some("checkbox");
            assert!(checkbox, "an input other than a checkbox:\n{html}");
        }
    }
}

/// Renders `payload` as its own block and inline inside a paragraph, and checks both are inert.
fn assert_payload_inert(payload: &str) -> String {
    let block = render_html(payload);
    assert_inert(&block);
    let inline = render_html(&format!("Before {payload} after."));
    assert_inert(&inline);
    assert!(
        inline.contains("Before"),
        "the words around it vanished: {inline}"
    );
    block
}

fn select_count(html: &str, selector: &str) -> usize {
    let selector = Selector::parse(selector).expect("valid selector");
    Html::parse_fragment(html).select(&selector).count()
}

#[test]
fn script_tags_are_removed() {
    let html = assert_payload_inert("<script>alert(1)</script>");
    assert!(!html.contains("alert"), "script contents kept: {html}");
}

#[test]
fn event_handler_attributes_are_removed() {
    assert_payload_inert("<img src=x onerror=alert(1)>");
    assert_payload_inert("<video src=x onerror=alert(1)></video>");
    assert_payload_inert("<details open ontoggle=alert(1)>x</details>");
    let html = assert_payload_inert(r#"<b onclick="alert(1)">bold</b>"#);
    assert!(
        html.contains("bold"),
        "the words inside should stay: {html}"
    );
}

#[test]
fn javascript_links_lose_their_href() {
    for markdown in [
        "[x](javascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        "[x](&#106;avascript:alert(1))",
        "[x](&#x6A;avascript&#x3A;alert(1))",
        "<javascript:alert(1)>",
        "![x](javascript:alert(1))",
        "[x][evil]\n\n[evil]: javascript:alert(1)",
        r#"<a href="javascript:alert(1)">x</a>"#,
        r#"<a href=" java	script:alert(1)">x</a>"#,
        "[x](vbscript:msgbox(1))",
    ] {
        let html = render_html(markdown);
        assert_inert(&html);
        assert_eq!(
            select_count(&html, "[href], [src]"),
            0,
            "{markdown:?} gave {html}"
        );
    }
}

#[test]
fn data_urls_are_removed() {
    for markdown in [
        r#"<a href="data:text/html,<script>alert(1)</script>">x</a>"#,
        "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    ] {
        let html = render_html(markdown);
        assert_inert(&html);
        assert_eq!(
            select_count(&html, "[href], [src]"),
            0,
            "{markdown:?} gave {html}"
        );
    }
}

#[test]
fn embedded_documents_are_removed() {
    assert_payload_inert(r#"<iframe src="https://example.org/"></iframe>"#);
    assert_payload_inert(r#"<object data="javascript:alert(1)"></object>"#);
    assert_payload_inert(r#"<embed src="javascript:alert(1)">"#);
    assert_payload_inert(r#"<base href="javascript:alert(1)//">"#);
    assert_payload_inert(r#"<meta http-equiv="refresh" content="0;url=javascript:alert(1)">"#);
}

#[test]
fn svg_payloads_are_removed() {
    assert_payload_inert("<svg><script>alert(1)</script></svg>");
    assert_payload_inert("<svg onload=alert(1)><circle r=1 /></svg>");
    assert_payload_inert(r#"<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>"#);
}

#[test]
fn mathml_payloads_are_removed() {
    assert_payload_inert("<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>");
    assert_payload_inert(r#"<math href="javascript:alert(1)">CLICK</math>"#);
    assert_payload_inert(
        "<math><mtext><h1><a><h6></a></h6><mglyph><svg><mtext><style><a title=\"</style><img src onerror=alert(1)>\"></style></h1>",
    );
}

#[test]
fn an_unclosed_raw_text_element_does_not_swallow_the_rest_of_the_body() {
    // A line that starts with `<style>`, `<script>`, `<pre>` or `<textarea>` opens a CommonMark
    // HTML block that only its closing tag ends, so those are left out: the spec swallows them.
    for opener in [
        "A sentence with <style> inside it.",
        "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
        "A sentence with <textarea> inside it.",
        "<xmp>",
        "<noembed>",
    ] {
        let html = render_html(&format!("{opener}\n\n## Next step\n\nWords after."));
        assert_inert(&html);
        assert_eq!(select_count(&html, "h2"), 1, "{opener:?} gave {html}");
        assert!(html.contains("Words after."), "{opener:?} gave {html}");
    }
}

#[test]
fn forms_and_text_inputs_are_removed() {
    let html = assert_payload_inert(
        r#"<form action="https://example.org/steal"><input type=text name=password><button formaction="javascript:alert(1)">Go</button></form>"#,
    );
    assert_eq!(select_count(&html, "input"), 0, "{html}");
    assert_payload_inert(r#"<input value="a text box">"#);
    assert_payload_inert("<input type=checkbox>");
    assert_payload_inert("<textarea>x</textarea><select><option>x</option></select>");
}

#[test]
fn style_elements_and_attributes_are_removed() {
    assert_payload_inert("<style>body { display: none }</style>");
    assert_payload_inert(r#"<p style="background:url(javascript:alert(1))">x</p>"#);
    assert_payload_inert(r#"<b style="position:fixed;top:0">x</b>"#);
    assert_payload_inert(r#"<td style="position:fixed">x</td>"#);
    assert_payload_inert(r#"<link rel="stylesheet" href="https://example.org/evil.css">"#);
}

#[test]
fn ordinary_links_survive_with_a_safe_rel() {
    let html = render_html("[site](https://example.org/) and [mail](mailto:clerk@example.org)");
    assert_inert(&html);
    assert_eq!(
        select_count(&html, "a[href='https://example.org/']"),
        1,
        "{html}"
    );
    assert_eq!(select_count(&html, "a[href^='mailto:']"), 1, "{html}");
    assert_eq!(
        select_count(&html, "a[rel~='noopener'][rel~='nofollow']"),
        2,
        "{html}"
    );
}

#[test]
fn task_lists_render_as_checkboxes_that_can_be_ticked() {
    let html = render_html("- [ ] call the governor\n- [x] brief the council\n");
    assert_inert(&html);
    assert_eq!(select_count(&html, "input[type=checkbox]"), 2, "{html}");
    assert_eq!(select_count(&html, "input[disabled]"), 0, "{html}");
    assert_eq!(
        select_count(&html, "input[type=checkbox][checked]"),
        1,
        "{html}"
    );
}

#[test]
fn tables_render_with_alignment() {
    let html = render_html("| who | when |\n| :-- | --: |\n| mayor | first hour |\n");
    assert_inert(&html);
    assert_eq!(select_count(&html, "table thead th"), 2, "{html}");
    assert_eq!(select_count(&html, "table tbody td"), 2, "{html}");
    assert_eq!(
        select_count(&html, "td[style='text-align: right']"),
        1,
        "{html}"
    );
}

#[test]
fn footnotes_render_with_their_links() {
    let html = render_html("A claim.[^src]\n\n[^src]: The source.\n");
    assert_inert(&html);
    assert_eq!(
        select_count(&html, "sup.footnote-reference a[href='#src']"),
        1,
        "{html}"
    );
    assert_eq!(
        select_count(&html, "div.footnote-definition#src"),
        1,
        "{html}"
    );
}

#[test]
fn strikethrough_renders() {
    let html = render_html("~~retired~~ rule");
    assert_eq!(select_count(&html, "del"), 1, "{html}");
}

#[test]
fn the_hostile_fixture_entry_loads_and_renders_inert() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hostile");
    let loaded = load_playbook(&dir);
    assert!(loaded.problems.is_empty(), "{:#?}", loaded.problems);
    let entry = loaded
        .playbook
        .entries
        .values()
        .find(|e| e.id.to_string() == "hostile-city/raw-html-everywhere")
        .expect("the hostile fixture entry loads");
    let html = render_html(&entry.body_markdown);
    assert_inert(&html);
    assert!(html.contains("Plain words stay"), "{html}");
    assert_eq!(
        select_count(&html, "table td"),
        2,
        "the last block was swallowed: {html}"
    );
    assert!(!html.contains("alert(1)</script>"), "{html}");
    let jurisdiction = loaded
        .playbook
        .jurisdiction("hostile-city")
        .expect("the hostile fixture jurisdiction loads");
    assert_inert(&render_html(&jurisdiction.body_markdown));
}
