//! Across cities in a real browser (headless Chromium against the real `playbook serve`): a
//! brief built with the keyboard from a search, reordered and printed; axe-core's WCAG 2.1
//! A/AA rules on the matrix, entries side by side and a brief at desktop and phone widths
//! (light and dark); nothing sticking out sideways on a phone; screenshots for the README.
//! Without Chromium they skip, unless `CI` is set.

mod support;

use fantoccini::key::Key;
use fantoccini::wd::PrintSize;
use serde_json::json;
use support::browser::{DESKTOP, Js, PHONE, Session, axe_source, pdf_page_count};

const CHECKLIST: &str = "minneapolis-mn/national-guard-request-checklist";
const PARKING: &str = "minneapolis-mn/parking-lot-executive-order";
const ORDINANCE: &str = "minneapolis-mn/separation-ordinance";
const ADVICE: &str = "minneapolis-mn/frey-three-points";

/// Presses Enter on the element `css` (the first one), as a keyboard user follows a link, and
/// waits for the page it leads to.
async fn press_enter_on(s: &Session, css: &str) {
    let before = s.client.current_url().await.unwrap().to_string();
    s.find(css)
        .await
        .send_keys(&Key::Enter.to_string())
        .await
        .unwrap();
    wait_url_change(s, &before).await;
}

#[tokio::test]
async fn a_brief_is_built_with_the_keyboard_reordered_and_printed() {
    let Some(s) = Session::start(Js::Off).await else {
        return;
    };
    s.goto("/search?q=parking+ordinance").await;
    press_enter_on(&s, "li.hit a.add-to-brief").await;
    s.wait_displayed(".brief-tray", true).await;
    press_enter_on(&s, "li.hit a.add-to-brief").await;
    assert!(s.text(".brief-tray").await.contains("2 entries"));
    press_enter_on(&s, ".brief-tray a").await;
    assert!(s.path().await.starts_with("/brief?ids="));
    let before: Vec<String> = titles(&s).await;
    assert_eq!(before.len(), 2);
    press_enter_on(&s, "article.brief-entry a.move-down").await;
    let after = titles(&s).await;
    assert_eq!(after, [before[1].clone(), before[0].clone()], "reordered");

    // The four named entries print on a sane number of pages: a cover, then each entry.
    s.goto(&format!(
        "/brief?ids={ORDINANCE},{PARKING},{CHECKLIST},{ADVICE}&for=The+mayor"
    ))
    .await;
    s.emulate_media("print", json!([])).await;
    for css in [
        ".site-header",
        ".site-footer",
        ".brief-tools",
        ".brief-entry-tools",
    ] {
        s.assert_displayed(css, false).await;
    }
    s.assert_displayed(".brief-entry .body input[type=checkbox]", true)
        .await;
    s.emulate_media("", json!([])).await;
    let pdf = s.print_pdf(PrintSize::US_LETTER).await;
    let pages = pdf_page_count(&pdf);
    assert!(
        (5..=14).contains(&pages),
        "a cover and four entries, each from a new page: {pages} pages"
    );
    s.finish().await;
}

/// The brief's entry titles, in order, without their numbers.
async fn titles(s: &Session) -> Vec<String> {
    let mut out = Vec::new();
    for heading in s.find_all("article.brief-entry h2").await {
        let text = heading.text().await.unwrap();
        // Without its number ("2. "), which follows the order.
        let title = text.split_once(". ").map_or(text.as_str(), |(_, t)| t);
        out.push(title.to_owned());
    }
    out
}

/// Waits until the address is no longer `before`.
async fn wait_url_change(s: &Session, before: &str) {
    for _ in 0..100 {
        let now = s.client.current_url().await.unwrap().to_string();
        if now != before {
            s.wait_displayed("main", true).await;
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("the page stayed at {before}");
}

#[tokio::test]
async fn compare_and_brief_pages_have_no_wcag_violations_and_fit_a_phone() {
    let Some(axe) = axe_source() else {
        return;
    };
    let Some(s) = Session::start(Js::On).await else {
        return;
    };
    let side_by_side = format!("/compare/entries?ids={CHECKLIST},{ORDINANCE},{PARKING}");
    let brief = format!("/brief?ids={ORDINANCE},{CHECKLIST}&title=Across+cities");
    let pages = [
        ("matrix by topic", "/compare"),
        ("matrix by kind", "/compare?by=kind&q=guard"),
        ("side by side", side_by_side.as_str()),
        ("brief", brief.as_str()),
    ];
    let mut failures = Vec::new();
    for (scheme, viewports) in [("light", vec![DESKTOP, PHONE]), ("dark", vec![DESKTOP])] {
        let features = json!([{ "name": "prefers-color-scheme", "value": scheme }]);
        s.emulate_media("", features).await;
        for viewport in viewports {
            s.viewport(viewport).await;
            for (name, path) in pages {
                s.goto(path).await;
                let violations = s.axe_violations(axe).await;
                if !violations.is_empty() {
                    failures.push(format!(
                        "{name} ({path}) at {} width, {scheme} scheme:\n  {}",
                        viewport.name,
                        violations.join("\n  ")
                    ));
                }
                if viewport.name == "phone" {
                    let overflow = s.sideways_overflow().await;
                    if overflow > 0 {
                        failures.push(format!("{name} sticks out {overflow}px on a phone"));
                    }
                }
                if scheme == "light" {
                    let shot = name.replace(' ', "-");
                    s.screenshot(&format!("{shot}-{}", viewport.name)).await;
                }
            }
        }
    }
    s.emulate_media("", json!([])).await;
    assert!(
        failures.is_empty(),
        "axe-core found WCAG 2.1 A/AA violations:\n{}",
        failures.join("\n")
    );
    s.finish().await;
}
