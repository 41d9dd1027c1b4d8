//! Across cities in a real browser (headless Chromium against the real `playbook serve`): a
//! brief built with the keyboard from a search, reordered and printed; axe-core's WCAG 2.1
//! A/AA rules on the matrix, entries side by side and a brief at desktop and phone widths
//! (light and dark); nothing sticking out sideways on a phone; screenshots for the README;
//! with JavaScript, the tray that remembers the brief being collected across pages.
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

/// Waits until the first element matching `css` reads `expected` somewhere in its text.
async fn wait_text(s: &Session, css: &str, expected: &str) {
    for _ in 0..100 {
        if s.text(css).await.contains(expected) {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!(
        "{css} never read {expected:?}; it reads {:?}",
        s.text(css).await
    );
}

#[tokio::test]
async fn with_javascript_a_tray_remembers_the_brief_across_pages() {
    let Some(s) = Session::start(Js::On).await else {
        return;
    };
    let tray = ".brief-tray-stored";
    let entry_page = format!("/entries/{ADVICE}");
    s.goto(&entry_page).await;
    s.wait_displayed(tray, false).await;
    // Enter on "Add to brief" adds the entry where the reader is: no page change.
    s.find("a[data-brief-add]")
        .await
        .send_keys(&Key::Enter.to_string())
        .await
        .unwrap();
    wait_text(&s, tray, "Brief: 1 entry.").await;
    assert_eq!(s.path().await, entry_page, "stayed on the entry");
    assert_eq!(s.text("a[data-brief-add]").await, "In the brief");

    // A search elsewhere shows the tray and adds to the same brief.
    s.goto("/search?q=parking").await;
    wait_text(&s, tray, "Brief: 1 entry.").await;
    s.click("li.hit a[data-brief-add]:not([aria-disabled])")
        .await;
    wait_text(&s, tray, "Brief: 2 entries.").await;

    // Any page shows it; its link opens the brief in its address.
    s.goto("/about").await;
    wait_text(&s, tray, "Brief: 2 entries.").await;
    if let Some(axe) = axe_source() {
        let violations = s.axe_violations(axe).await;
        assert!(violations.is_empty(), "with the tray: {violations:?}");
    }
    press_enter_on(&s, &format!("{tray} a")).await;
    assert!(s.path().await.starts_with("/brief?ids="));
    assert_eq!(titles(&s).await.len(), 2);
    // Removing an entry on the brief's page (a link, as without JavaScript) is remembered.
    press_enter_on(&s, "article.brief-entry a.remove").await;
    assert_eq!(titles(&s).await.len(), 1);
    s.goto("/about").await;
    wait_text(&s, tray, "Brief: 1 entry.").await;
    s.click(&format!("{tray} button")).await;
    wait_text(&s, tray, "The brief is empty.").await;
    s.goto("/about").await;
    s.find("main").await;
    for element in s.find_all(tray).await {
        assert!(
            !element.is_displayed().await.unwrap(),
            "an empty brief shows no tray"
        );
    }
    assert!(
        s.text("main").await.contains("About"),
        "the page itself is there"
    );
    s.finish().await;
}

#[tokio::test]
async fn a_saved_brief_is_made_noted_and_shared_in_the_browser_without_wcag_violations() {
    let Some(s) = Session::start(Js::On).await else {
        return;
    };
    let email = "briefs@minneapolis.example";
    let one_time = s.server.add_editor(email);
    s.first_sign_in(email, &one_time, "a long new password 1")
        .await;
    s.goto(&format!(
        "/brief?ids={ORDINANCE},{CHECKLIST}&title=For+the+council"
    ))
    .await;
    s.click_and_load("form.brief-save-form button[type=submit]")
        .await;
    let edit = s
        .wait_path("the new brief's edit page", |p| {
            p.starts_with("/briefs/") && p.ends_with("/edit")
        })
        .await;
    s.fill("#brief-intro", "Two measures to discuss on Monday.")
        .await;
    s.fill("#note-1", "Print this one for the wall.").await;
    s.click("input[name=sharing][value=city]").await;
    s.click_and_load("form.brief-edit button[type=submit]")
        .await;
    let shown = s
        .wait_path("the saved brief", |p| !p.ends_with("/edit"))
        .await;
    assert_eq!(format!("{shown}/edit"), edit);
    assert!(s.text(".brief-intro").await.contains("Monday"));
    assert!(s.text(".brief-note").await.contains("for the wall"));

    let Some(axe) = axe_source() else {
        s.finish().await;
        return;
    };
    let mut failures = Vec::new();
    for viewport in [DESKTOP, PHONE] {
        s.viewport(viewport).await;
        for path in [shown.as_str(), edit.as_str(), "/briefs"] {
            s.goto(path).await;
            let violations = s.axe_violations(axe).await;
            if !violations.is_empty() {
                failures.push(format!("{path} at {}: {violations:?}", viewport.name));
            }
            if viewport.name == "phone" && s.sideways_overflow().await > 0 {
                failures.push(format!("{path} sticks out sideways on a phone"));
            }
        }
        if viewport.name == "phone" {
            s.goto(&edit).await;
            s.screenshot("saved-brief-edit-phone").await;
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    s.finish().await;
}
