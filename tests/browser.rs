//! End-to-end tests in a real browser: headless Chromium driven over WebDriver against the real
//! `playbook serve`. Search as you type with the keyboard; search, filter, page and open an
//! entry; sign in, preview, save, find, edit and see the history; the same without
//! JavaScript; axe-core's WCAG 2.1 A/AA rules on the main pages at desktop and phone widths;
//! printing; and the README's screenshots. Without Chromium they skip, unless `CI` is set.

mod support;

use fantoccini::key::Key;
use fantoccini::wd::PrintSize;
use serde_json::json;
use support::browser::{DESKTOP, Js, PHONE, Session, Viewport, axe_source, pdf_page_count};

const CHECKLIST: &str = "/entries/minneapolis-mn/national-guard-request-checklist";

/// The numbers in a result count like "11–20 of 21 entries": (first, last, total).
fn parse_count(text: &str) -> (usize, usize, usize) {
    let numbers: Vec<usize> = text
        .split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty())
        .map(|s| s.parse().unwrap())
        .collect();
    match numbers[..] {
        [first, last, total] => (first, last, total),
        _ => panic!("not a result count: {text:?}"),
    }
}

async fn hit_titles(s: &Session) -> Vec<String> {
    let mut titles = Vec::new();
    for link in s.find_all(".hits .hit-title a").await {
        titles.push(link.text().await.unwrap());
    }
    titles
}

#[tokio::test]
async fn suggestions_are_a_keyboard_combobox() {
    let Some(s) = Session::start(Js::On).await else {
        return;
    };
    s.goto("/").await;
    let input = s.find("#q").await;
    // The script enhanced the box into an ARIA 1.2 combobox, closed.
    assert_eq!(
        input.attr("role").await.unwrap().as_deref(),
        Some("combobox")
    );
    assert_eq!(
        input.attr("aria-controls").await.unwrap().as_deref(),
        Some("q-suggestions")
    );
    s.wait_attr("#q", "aria-expanded", Some("false")).await;
    s.wait_displayed("#q-suggestions", false).await;

    input.send_keys("national gu").await.unwrap();
    s.wait_displayed("#q-suggestions", true).await;
    s.wait_attr("#q", "aria-expanded", Some("true")).await;
    let options = s.find_all("#q-suggestions li[role=option]").await;
    assert!(
        (1..=8).contains(&options.len()),
        "1 to 8 suggestions, got {}",
        options.len()
    );
    let status = s.find("#q ~ [role=status]").await;
    let announced = status
        .prop("textContent")
        .await
        .unwrap()
        .unwrap_or_default();
    assert!(
        announced.contains("suggestion"),
        "the polite status region announces the suggestions: {announced:?}"
    );

    // ArrowDown highlights the first option; ArrowUp wraps to the last and back.
    input.send_keys(&Key::Down).await.unwrap();
    let first_id = options[0]
        .attr("id")
        .await
        .unwrap()
        .expect("options have ids");
    s.wait_attr("#q", "aria-activedescendant", Some(&first_id))
        .await;
    assert_eq!(
        options[0].attr("aria-selected").await.unwrap().as_deref(),
        Some("true")
    );
    // The open combobox is valid ARIA (when axe-core is at hand; CI always has it).
    if let Some(axe) = axe_source() {
        let violations = s.axe_violations(axe).await;
        assert!(violations.is_empty(), "{}", violations.join("\n"));
    }
    input.send_keys(&Key::Up).await.unwrap();
    let last_id = options.last().unwrap().attr("id").await.unwrap().unwrap();
    s.wait_attr("#q", "aria-activedescendant", Some(&last_id))
        .await;
    input.send_keys(&Key::Down).await.unwrap();
    s.wait_attr("#q", "aria-activedescendant", Some(&first_id))
        .await;

    // Escape closes the list and keeps what was typed.
    input.send_keys(&Key::Escape).await.unwrap();
    s.wait_displayed("#q-suggestions", false).await;
    s.wait_attr("#q", "aria-expanded", Some("false")).await;
    s.wait_attr("#q", "aria-activedescendant", None).await;
    assert_eq!(
        input.prop("value").await.unwrap().as_deref(),
        Some("national gu")
    );
    // ArrowDown shows it again, on its first suggestion; Escape hides it once more.
    input.send_keys(&Key::Down).await.unwrap();
    s.wait_displayed("#q-suggestions", true).await;
    s.wait_attr("#q", "aria-activedescendant", Some(&first_id))
        .await;
    input.send_keys(&Key::Escape).await.unwrap();
    s.wait_displayed("#q-suggestions", false).await;

    // Typing again reopens it; typing on past every title keeps the best suggestions in view;
    // ArrowDown + Enter opens the chosen entry.
    input.send_keys("ard").await.unwrap();
    s.wait_attr("#q", "aria-expanded", Some("true")).await;
    let before = s.find_all("#q-suggestions li").await.len();
    input.send_keys(" zzqx").await.unwrap();
    s.wait_attr("#q", "data-answered", Some("national guard zzqx"))
        .await;
    s.wait_displayed("#q-suggestions", true).await;
    assert_eq!(s.find_all("#q-suggestions li").await.len(), before);
    input.send_keys(&Key::Down).await.unwrap();
    let chosen = s.find("#q-suggestions li[aria-selected=true] span").await;
    let title = chosen.text().await.unwrap();
    assert!(!title.is_empty());
    input.send_keys(&Key::Enter).await.unwrap();
    let path = s
        .wait_path("the suggested entry's page", |p| p.starts_with("/entries/"))
        .await;
    assert_eq!(s.text("h1").await, title, "landed on {path}");
    s.finish().await;
}

/// Search from the home page box, filter by a facet, page through everything, open an entry:
/// the same clicks with and without JavaScript.
async fn search_filter_page_and_open_entry(s: &Session) {
    s.goto("/").await;
    let input = s.find("#q").await;
    input.send_keys("guard").await.unwrap();
    input.send_keys(&Key::Enter).await.unwrap();
    s.wait_path("the search results", |p| p.starts_with("/search?"))
        .await;
    assert_eq!(
        s.find("#q").await.prop("value").await.unwrap().as_deref(),
        Some("guard"),
        "the results page keeps the query"
    );
    let (_, _, all) = parse_count(&s.text(".result-count").await);
    assert!(all >= 2, "several entries mention the Guard");

    // Filter by a facet link.
    s.link_in("aside.facets", "Minnesota")
        .await
        .click()
        .await
        .unwrap();
    s.wait_path("the filtered results", |p| {
        p.contains("q=guard") && p.contains("jurisdiction=minnesota")
    })
    .await;
    let (_, _, filtered) = parse_count(&s.text(".result-count").await);
    assert!(filtered >= 1 && filtered < all, "{filtered} of {all}");
    assert!(s.text(".active-filters").await.contains("Minnesota"));
    for meta in s.find_all(".hits .meta").await {
        assert!(meta.text().await.unwrap().contains("Minnesota"));
    }

    // An empty query lists everything, ten a page; page 2 shows the next ones.
    s.goto("/search").await;
    let (first, last, total) = parse_count(&s.text(".result-count").await);
    assert_eq!((first, last), (1, 10));
    assert!(total > 10, "the playbook fills two pages, got {total}");
    let page_one = hit_titles(s).await;
    s.click_and_load(".pagination a[rel=next]").await;
    s.wait_path("page 2", |p| p.contains("page=2")).await;
    let (first, last, _) = parse_count(&s.text(".result-count").await);
    assert_eq!((first, last), (11, total.min(20)));
    assert!(s.text(".pagination").await.contains("Page 2 of"));
    let page_two = hit_titles(s).await;
    assert_eq!(page_two.len(), total.min(20) - 10);
    assert!(page_two.iter().all(|t| !page_one.contains(t)));

    // Open an entry from the results.
    let link = s.find(".hits .hit-title a").await;
    let title = link.text().await.unwrap();
    link.click().await.unwrap();
    s.wait_path("an entry page", |p| p.starts_with("/entries/"))
        .await;
    assert_eq!(s.text("h1").await, title);
    assert!(s.text(".sources").await.contains("Sources"));
    assert!(s.text(".permalink").await.contains(&s.path().await));
}

#[tokio::test]
async fn search_filter_page_and_open_entry_with_javascript() {
    let Some(s) = Session::start(Js::On).await else {
        return;
    };
    search_filter_page_and_open_entry(&s).await;
    s.finish().await;
}

#[tokio::test]
async fn without_javascript_search_filter_entry_and_sign_in_work() {
    let Some(s) = Session::start(Js::Off).await else {
        return;
    };
    s.goto("/").await;
    // The enhancement never ran: a plain search box.
    let input = s.find("#q").await;
    assert_eq!(input.attr("role").await.unwrap(), None, "JavaScript is off");
    assert!(s.find_all("ul.suggestions").await.is_empty());
    input.send_keys("natinal gaurd").await.unwrap();
    input.send_keys(&Key::Enter).await.unwrap();
    s.wait_path("the results of the plain form", |p| {
        p.starts_with("/search?q=natinal+gaurd")
    })
    .await;
    assert_eq!(
        s.text(".hits .hit-title a").await,
        "One-page checklist for requesting National Guard activation",
        "typos are forgiven"
    );

    search_filter_page_and_open_entry(&s).await;

    // Without JavaScript an entry offers its link by email; the buttons that need a script
    // stay hidden.
    s.goto(CHECKLIST).await;
    s.assert_displayed(".entry-actions a[href^='mailto:?subject=']", true)
        .await;
    for button in ["[data-copy-link]", "[data-print]", "[data-share]"] {
        s.assert_displayed(button, false).await;
    }

    let email = "nojs@minneapolis.example";
    let one_time = s.server.add_editor(email);
    s.first_sign_in(email, &one_time, "a long new password 1")
        .await;
    // The editor works without JavaScript too: a preview renders the Markdown.
    s.goto("/entries/new").await;
    s.fill("#title", "Plain form preview").await;
    s.fill("#body_markdown", "## Step one\n\n- [ ] Call the office")
        .await;
    s.click_and_load("button[value=preview]").await;
    assert_eq!(s.text(".preview .body h2").await, "Step one");
    assert_eq!(
        s.text(".preview .preview-title").await,
        "Plain form preview"
    );
    assert_eq!(
        s.find("#title")
            .await
            .prop("value")
            .await
            .unwrap()
            .as_deref(),
        Some("Plain form preview"),
        "the form keeps what was typed"
    );
    s.finish().await;
}

/// Fills the new-entry form (a checklist with one source) without submitting it.
async fn fill_new_entry(s: &Session, slug: &str, title: &str, word: &str) {
    s.goto("/entries/new").await;
    s.fill("#slug", slug).await;
    s.fill("#title", title).await;
    s.fill(
        "#summary",
        &format!("A {word} drill for front-desk staff when federal agents arrive."),
    )
    .await;
    s.find("#kind")
        .await
        .select_by_value("checklist")
        .await
        .unwrap();
    s.fill("#topics", "policing").await;
    s.fill("#source_title_0", "Front desk memo").await;
    s.fill("#source_publisher_0", "City of Minneapolis").await;
    s.fill("#source_quote_0", "Call the city attorney first.")
        .await;
    s.fill(
        "#body_markdown",
        &format!("## The {word} drill\n\n- [ ] Call the city attorney\n- [ ] Log the visit"),
    )
    .await;
    s.fill("#message", "first draft").await;
}

#[tokio::test]
async fn an_editor_previews_saves_finds_edits_and_sees_the_history() {
    let Some(s) = Session::start(Js::On).await else {
        return;
    };
    let email = "editor@minneapolis.example";
    let one_time = s.server.add_editor(email);
    s.first_sign_in(email, &one_time, "correct horse battery staple")
        .await;

    // The address follows the title until it is typed by hand.
    s.goto("/entries/new").await;
    s.fill("#title", "Night Patrol: Café plan").await;
    let slug = s
        .client
        .execute("return document.getElementById('slug').value;", vec![])
        .await
        .unwrap();
    assert_eq!(slug.as_str(), Some("night-patrol-cafe-plan"));

    let word = "zephyrquill";
    let title = "Zephyrquill drill for the front desk";
    fill_new_entry(&s, "zephyrquill-drill", title, word).await;
    s.click_and_load("button[value=preview]").await;
    let preview = s.text(".preview").await;
    assert!(preview.contains("The zephyrquill drill"), "{preview}");
    assert_eq!(
        s.find_all(".preview input[type=checkbox]").await.len(),
        2,
        "the preview renders the task list"
    );

    // A preview saves nothing: a search in another tab does not find it.
    let editor_tab = s.client.window().await.unwrap();
    let tab = s.client.new_window(true).await.unwrap();
    s.client.switch_to_window(tab.handle).await.unwrap();
    s.goto(&format!("/search?q={word}")).await;
    assert_eq!(s.text(".result-count").await, "No entries found");
    s.client.close_window().await.unwrap();
    s.client.switch_to_window(editor_tab).await.unwrap();

    s.click_and_load("button[value=save]").await;
    s.wait_path("the saved entry", |p| {
        p == "/entries/minneapolis-mn/zephyrquill-drill"
    })
    .await;
    assert_eq!(s.text("h1").await, title);
    assert_eq!(s.text("p.notice-success").await, "Saved.");
    assert!(
        s.text(".sources")
            .await
            .contains("Call the city attorney first.")
    );

    // Saved, it is found by search.
    s.goto("/").await;
    let input = s.find("#q").await;
    input.send_keys(word).await.unwrap();
    input.send_keys(&Key::Enter).await.unwrap();
    s.wait_path("the search results", |p| p.starts_with("/search?"))
        .await;
    assert_eq!(parse_count(&s.text(".result-count").await).2, 1);
    s.link_in(".hits", title).await.click().await.unwrap();

    // Edit it.
    s.link_in(".edit-bar", "Edit").await.click().await.unwrap();
    s.wait_path("the edit form", |p| p.ends_with("/edit")).await;
    s.fill("#summary", "A shorter zephyrquill drill, revised.")
        .await;
    s.fill("#message", "tighten the summary").await;
    s.click_and_load("button[value=save]").await;
    s.wait_path("the entry after editing", |p| {
        p == "/entries/minneapolis-mn/zephyrquill-drill"
    })
    .await;
    assert_eq!(
        s.text(".summary").await,
        "A shorter zephyrquill drill, revised."
    );

    // Two revisions in the history, newest first.
    s.link_in(".edit-bar", "History")
        .await
        .click()
        .await
        .unwrap();
    s.wait_path("the history", |p| p.ends_with("/history"))
        .await;
    let rows = s.find_all("table tbody tr").await;
    assert_eq!(rows.len(), 2);
    assert!(
        rows[0]
            .text()
            .await
            .unwrap()
            .contains("tighten the summary")
    );
    assert!(rows[1].text().await.unwrap().contains("first draft"));

    // On a phone the history table scrolls in its own box: the page does not widen.
    s.viewport(PHONE).await;
    s.goto("/entries/minneapolis-mn/zephyrquill-drill/history")
        .await;
    assert_eq!(
        s.sideways_overflow().await,
        0,
        "the history page at phone width"
    );
    // And results offer a jump to their filters, which come after them there.
    s.goto("/search?q=guard").await;
    let jump = s.find("a.filters-jump").await;
    assert!(jump.is_displayed().await.unwrap(), "the Filters link shows");
    assert_eq!(
        jump.attr("href").await.unwrap().as_deref(),
        Some("#filters")
    );
    s.assert_displayed("#filters", true).await;
    s.viewport(DESKTOP).await;
    s.goto("/search?q=guard").await;
    let jump = s.find("a.filters-jump").await;
    assert!(
        !jump.is_displayed().await.unwrap(),
        "beside the results, no jump"
    );
    s.finish().await;
}

/// Colour schemes and widths every page is checked at.
const AUDITS: [(&str, &[Viewport]); 2] = [("light", &[DESKTOP, PHONE]), ("dark", &[DESKTOP])];

/// Runs axe-core on each page at each scheme and width; collects readable failures.
async fn audit(s: &Session, axe: &str, pages: &[(&str, &str)], failures: &mut Vec<String>) {
    for (scheme, viewports) in AUDITS {
        let features = json!([{ "name": "prefers-color-scheme", "value": scheme }]);
        s.emulate_media("", features).await;
        for &viewport in viewports {
            s.viewport(viewport).await;
            for &(name, path) in pages {
                s.goto(path).await;
                let violations = s.axe_violations(axe).await;
                if !violations.is_empty() {
                    failures.push(format!(
                        "{name} ({path}) at {} width, {scheme} scheme:\n  {}",
                        viewport.name,
                        violations.join("\n  ")
                    ));
                }
            }
        }
    }
    s.emulate_media("", json!([])).await;
    s.viewport(DESKTOP).await;
}

#[tokio::test]
async fn main_pages_have_no_wcag_violations_on_desktop_and_phone() {
    let Some(axe) = axe_source() else {
        return;
    };
    let Some(s) = Session::start(Js::On).await else {
        return;
    };
    let email = "a11y@minneapolis.example";
    let one_time = s.server.add_editor(email);
    s.first_sign_in(email, &one_time, "an accessible password")
        .await;
    fill_new_entry(&s, "a11y-drill", "Accessible drill", "accessible").await;
    s.click_and_load("button[value=save]").await;
    s.wait_path("the saved entry", |p| {
        p == "/entries/minneapolis-mn/a11y-drill"
    })
    .await;

    let mut failures = Vec::new();
    let signed_in = [
        ("home", "/"),
        ("search results", "/search?q=guard"),
        ("search, no results", "/search?q=zzqqxx&kind=checklist"),
        ("entry", CHECKLIST),
        ("jurisdiction", "/jurisdictions/minneapolis-mn"),
        ("contributed entry", "/entries/minneapolis-mn/a11y-drill"),
        ("edit", "/entries/minneapolis-mn/a11y-drill/edit"),
        ("history", "/entries/minneapolis-mn/a11y-drill/history"),
        ("not found", "/entries/minneapolis-mn/no-such-entry"),
    ];
    audit(&s, axe, &signed_in, &mut failures).await;
    // The sign-in page is what signed-out staff see.
    s.goto("/account").await;
    s.click_and_load("form[action='/logout'] button").await;
    s.wait_path("home after signing out", |p| p == "/").await;
    audit(&s, axe, &[("sign-in", "/login")], &mut failures).await;
    assert!(
        failures.is_empty(),
        "axe-core found WCAG 2.1 A/AA violations:\n{}",
        failures.join("\n")
    );
    s.finish().await;
}

#[tokio::test]
async fn a_checklists_steps_are_numbered_tickable_and_remembered() {
    let Some(s) = Session::start(Js::On).await else {
        return;
    };
    s.goto(CHECKLIST).await;
    // With JavaScript, Copy link and Print appear beside Email; copying says how it went.
    s.assert_displayed("[data-print]", true).await;
    s.assert_displayed("[data-copy-link]", true).await;
    s.click("[data-copy-link]").await;
    let said = s
        .client
        .wait()
        .at_most(std::time::Duration::from_secs(10))
        .for_element(fantoccini::Locator::XPath(
            "//span[contains(@class,'entry-actions-status') and normalize-space(.) != '']",
        ))
        .await
        .expect("copying says how it went");
    let said = said.text().await.unwrap();
    assert!(
        said == "Link copied." || said.starts_with("Could not copy"),
        "{said}"
    );
    // "Jump to the checklist" leads to the heading just before the steps.
    let jump = s.find(".jump-to-steps a").await;
    let target = jump.attr("href").await.unwrap().unwrap_or_default();
    assert!(
        target.starts_with("#section-template-checklist"),
        "{target}"
    );
    s.assert_displayed(&format!("h2{target}"), true).await;
    jump.click().await.unwrap();
    let at = s.client.current_url().await.unwrap();
    assert_eq!(
        at.fragment(),
        target.strip_prefix('#'),
        "the page is at the steps"
    );

    // Steps are numbered, and their boxes can be ticked.
    let marker = s
        .client
        .execute(
            "return getComputedStyle(document.querySelector('.checklist .body li:has(> input)'), '::marker').content;",
            vec![],
        )
        .await
        .unwrap();
    assert!(
        marker.as_str().unwrap_or("").contains("counter(step)"),
        "{marker}"
    );
    let boxes = s.find_all(".body input[type=checkbox]").await;
    assert_eq!(boxes.len(), 13);
    assert_eq!(boxes[0].attr("disabled").await.unwrap(), None);
    boxes[0].click().await.unwrap();
    boxes[2].click().await.unwrap();

    // This browser remembers them.
    s.goto(CHECKLIST).await;
    let boxes = s.find_all(".body input[type=checkbox]").await;
    let mut ticked = Vec::new();
    for (n, b) in boxes.iter().enumerate() {
        if b.is_selected().await.unwrap() {
            ticked.push(n);
        }
    }
    assert_eq!(ticked, [0, 2], "remembered after a reload");

    // Ticked, it still prints on one page.
    let pdf = s.print_pdf(PrintSize::US_LETTER).await;
    assert_eq!(pdf_page_count(&pdf), 1);
    s.finish().await;
}

#[tokio::test]
async fn the_checklist_prints_on_one_page_and_entries_print_without_chrome() {
    let Some(s) = Session::start(Js::On).await else {
        return;
    };
    s.goto(CHECKLIST).await;
    for (name, size) in [("Letter", PrintSize::US_LETTER), ("A4", PrintSize::A4)] {
        let pdf = s.print_pdf(size).await;
        let pages = pdf_page_count(&pdf);
        assert_eq!(
            pages, 1,
            "the checklist prints on one {name} page, not {pages}"
        );
    }

    // What is on the paper: under print media, the steps with tick boxes, the sources' quotes
    // and the address stay, in type that can still be read; the site's chrome goes.
    s.emulate_media("print", json!([])).await;
    s.assert_displayed(".body input[type=checkbox]", true).await;
    s.assert_displayed(".sources blockquote", true).await;
    s.assert_displayed(".permalink a[href^='http']", true).await;
    assert_eq!(s.find_all(".body input[type=checkbox]").await.len(), 13);
    let permalink = s.text(".permalink a[href^='http']").await;
    assert!(permalink.ends_with(CHECKLIST), "{permalink}");
    for (css, min_px) in [(".body li", 12.0), (".sources blockquote", 12.0)] {
        let size = s.find(css).await.css_value("font-size").await.unwrap();
        let px: f64 = size.trim_end_matches("px").parse().unwrap();
        assert!(px >= min_px, "{css} prints at {size}, too small to read");
    }
    let chrome = [
        ".site-header",
        "nav[aria-label=Site]",
        ".site-footer",
        ".skip-link",
    ];
    for css in chrome {
        s.assert_displayed(css, false).await;
    }

    // An ordinary entry: no header, navigation or footer on paper; sources and address stay.
    s.emulate_media("", json!([])).await;
    s.goto("/entries/minneapolis-mn/separation-ordinance").await;
    s.emulate_media("print", json!([])).await;
    for css in chrome {
        s.assert_displayed(css, false).await;
    }
    s.assert_displayed(".sources blockquote", true).await;
    s.assert_displayed(".permalink a[href^='http']", true).await;
    s.emulate_media("", json!([])).await;
    let pdf = s.print_pdf(PrintSize::US_LETTER).await;
    assert!(pdf_page_count(&pdf) >= 1);
    s.finish().await;
}

#[tokio::test]
async fn screenshots_of_the_main_pages_for_the_readme() {
    let Some(s) = Session::start(Js::On).await else {
        return;
    };
    let pages = [
        ("home", "/"),
        ("search", "/search?q=national+guard"),
        ("entry-checklist", CHECKLIST),
        ("sign-in", "/login"),
    ];
    for viewport in [DESKTOP, PHONE] {
        s.viewport(viewport).await;
        for (name, path) in pages {
            s.goto(path).await;
            // Nothing may stick out sideways on a phone.
            let overflow = s
                .client
                .execute(
                    "return document.documentElement.scrollWidth - document.documentElement.clientWidth;",
                    vec![],
                )
                .await
                .unwrap();
            assert!(
                overflow.as_i64().unwrap_or(0) <= 0,
                "{path} scrolls sideways at {} width",
                viewport.name
            );
            s.screenshot(&format!("{name}-{}", viewport.name)).await;
        }
    }
    s.finish().await;
}

#[tokio::test]
async fn on_a_phone_a_stale_second_window_is_refused_and_everyday_pages_read_right() {
    let Some(s) = Session::start(Js::On).await else {
        return;
    };
    let email = "phone@minneapolis.example";
    let one_time = s.server.add_editor(email);
    s.first_sign_in(email, &one_time, "correct horse battery staple")
        .await;
    s.viewport(PHONE).await;
    fill_new_entry(&s, "quillwick-drill", "Quillwick drill", "quillwick").await;
    s.click_and_load("button[value=save]").await;
    let entry = "/entries/minneapolis-mn/quillwick-drill";
    s.wait_path("the saved entry", |p| p == entry).await;

    // Two windows open the same entry's form; the first saves a new title.
    let edit = format!("{entry}/edit");
    let first = s.client.window().await.unwrap();
    s.goto(&edit).await;
    let second = s.client.new_window(true).await.unwrap();
    s.client
        .switch_to_window(second.handle.clone())
        .await
        .unwrap();
    s.goto(&edit).await;
    s.client.switch_to_window(first.clone()).await.unwrap();
    s.fill("#title", "Quillwick drill, first window").await;
    s.fill("#message", "first window").await;
    s.click_and_load("button[value=save]").await;
    s.wait_path("the first save", |p| p == entry).await;

    // The second window's form is stale: its save is refused, its text kept, nothing lost.
    s.client.switch_to_window(second.handle).await.unwrap();
    s.fill(
        "#summary",
        "The second window's summary of the quillwick drill.",
    )
    .await;
    s.fill("#message", "second window").await;
    s.click_and_load("button[value=save]").await;
    let alert = s.text("[role=alert]").await;
    assert!(alert.contains("Not saved"), "{alert}");
    assert!(
        s.text(".changed-since").await.contains("Revision 2"),
        "what changed since is shown"
    );
    let kept = s
        .find("#summary")
        .await
        .prop("value")
        .await
        .unwrap()
        .unwrap_or_default();
    assert_eq!(kept, "The second window's summary of the quillwick drill.");
    s.goto(entry).await;
    assert_eq!(s.text("h1").await, "Quillwick drill, first window");
    assert!(
        s.text(".summary").await.starts_with("A quillwick drill"),
        "the refused save changed nothing"
    );
    s.client.close_window().await.unwrap();
    s.client.switch_to_window(first).await.unwrap();

    // The entry offers Copy link and Print beside its title on a phone too.
    s.goto(entry).await;
    s.assert_displayed("[data-copy-link]", true).await;
    s.assert_displayed("[data-print]", true).await;

    // Sorting by recent changes says so in the sort bar.
    s.goto("/search?q=drill&sort=updated").await;
    assert_eq!(
        s.text(".sort [aria-current]").await,
        "Recently changed",
        "the sort bar names the order shown"
    );
    assert_eq!(
        hit_titles(&s).await.first().map(String::as_str),
        Some("Quillwick drill, first window")
    );

    // What's new is in the navigation, the latest change first, with the feed linked.
    s.link_in("header nav", "What's new")
        .await
        .click()
        .await
        .unwrap();
    s.wait_path("What's new", |p| p == "/whats-new").await;
    assert_eq!(s.text("main h1").await, "What's new");
    let listed = s.text("main").await;
    assert!(listed.contains("Quillwick drill, first window"), "{listed}");
    assert!(!s.find_all("main a[href='/feed.atom']").await.is_empty());

    // A filter typed wrong in the box keeps the results page, the query and the reason.
    s.goto("/").await;
    let input = s.find("#q").await;
    input.send_keys("-guard").await.unwrap();
    input.send_keys(&Key::Enter).await.unwrap();
    s.wait_path("the results page", |p| p.starts_with("/search?"))
        .await;
    s.assert_displayed(".search-problem", true).await;
    let typed = s
        .find("main input[name=q]")
        .await
        .prop("value")
        .await
        .unwrap()
        .unwrap_or_default();
    assert_eq!(typed, "-guard");
    assert_eq!(s.sideways_overflow().await, 0, "results at phone width");
    s.finish().await;
}
