//! Reading pages with CSS selectors: elements, their text and attributes, the hits on a
//! results page, a form's CSRF token.

use scraper::{ElementRef, Html, Selector};

/// Parses a CSS selector (the tests' own, so a bad one is a test bug).
pub fn selector(css: &str) -> Selector {
    Selector::parse(css).unwrap_or_else(|e| panic!("bad selector {css:?}: {e}"))
}

/// The elements matching `css`.
pub fn select<'a>(page: &'a Html, css: &str) -> Vec<ElementRef<'a>> {
    page.select(&selector(css)).collect()
}

/// How many elements match `css`.
pub fn count(page: &Html, css: &str) -> usize {
    page.select(&selector(css)).count()
}

/// An element's text with whitespace collapsed.
pub fn text_of(element: ElementRef<'_>) -> String {
    element
        .text()
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The text of each element matching `css`, whitespace collapsed.
pub fn texts(page: &Html, css: &str) -> Vec<String> {
    select(page, css).into_iter().map(text_of).collect()
}

/// The text of the one element matching `css`.
pub fn one_text(page: &Html, css: &str) -> String {
    let found = texts(page, css);
    assert_eq!(found.len(), 1, "expected one {css:?}, found {found:?}");
    found.into_iter().next().unwrap_or_default()
}

/// The attribute `attr` of each element matching `css` that has it.
pub fn attrs(page: &Html, css: &str, attr: &str) -> Vec<String> {
    select(page, css)
        .into_iter()
        .filter_map(|e| e.value().attr(attr).map(str::to_owned))
        .collect()
}

/// An attribute of the first element matching `css` ("" when none).
pub fn attr(page: &Html, css: &str, name: &str) -> String {
    page.select(&selector(css))
        .next()
        .and_then(|e| e.value().attr(name))
        .unwrap_or("")
        .to_owned()
}

/// The entry ids (`jurisdiction/slug`) of the hits on a results page, in order.
pub fn hit_ids(page: &Html) -> Vec<String> {
    attrs(page, "li.hit h3.hit-title a", "href")
        .into_iter()
        .map(|href| {
            href.strip_prefix("/entries/")
                .unwrap_or_else(|| panic!("hit link {href:?} is not an entry"))
                .to_owned()
        })
        .collect()
}

/// The hidden `csrf_token` of the first form on a page.
pub fn csrf_token(page: &Html) -> String {
    let token = attr(page, "input[name=csrf_token]", "value");
    assert!(!token.is_empty(), "no csrf_token on the page");
    token
}
