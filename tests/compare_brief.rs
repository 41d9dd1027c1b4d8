//! Across cities (issue 15), through the real router: the comparison matrix as a page, JSON and
//! CSV (they agree, counts add up, filters narrow it, a bad `by` is 400), entries side by side
//! lined up by section, and briefs as a page, Markdown and a Word document that each carry every
//! chosen entry's title and every source quote (the Word document unzipped, and converted to
//! PDF by LibreOffice to prove Word-compatible tools open it). "Add to brief" works without
//! JavaScript.

mod support;

use std::collections::{BTreeMap, BTreeSet};

use axum::http::StatusCode;
use scraper::Html;
use serde_json::Value;
use support::app::{TestApp, assert_content_type, assert_error_page, assert_json_error};
use support::docx::{docx_paragraphs, docx_styles};
use support::html::{attr, attrs, count, one_text, select, text_of, texts};

const CHECKLIST: &str = "minneapolis-mn/national-guard-request-checklist";
const PARKING: &str = "minneapolis-mn/parking-lot-executive-order";
const ORDINANCE: &str = "minneapolis-mn/separation-ordinance";
const ADVICE: &str = "minneapolis-mn/frey-three-points";

/// The four named seed entries a brief for a mayor would start from.
const FOUR: [&str; 4] = [ORDINANCE, PARKING, CHECKLIST, ADVICE];

/// Text with every run of whitespace made one space, for comparing words across formats.
fn words(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// An entry's title and its sources' quotes, from the API.
async fn title_and_quotes(app: &TestApp, id: &str) -> (String, Vec<String>) {
    let entry = app
        .json(&format!("/api/entries/{id}"), StatusCode::OK)
        .await;
    let title = entry["title"].as_str().expect("a title").to_owned();
    let quotes = entry["sources"]
        .as_array()
        .expect("sources")
        .iter()
        .filter_map(|s| s["quote"].as_str())
        .map(words)
        .collect();
    (title, quotes)
}

/// The matrix's cells as the page shows them: row's jurisdiction link → column label → titles.
fn page_cells(page: &Html) -> BTreeMap<String, BTreeMap<String, Vec<String>>> {
    let mut rows = BTreeMap::new();
    for row in select(page, "table.matrix tbody tr") {
        let th = row
            .select(&support::html::selector("th[scope=row] a"))
            .next()
            .expect("a row heading");
        let slug = th
            .value()
            .attr("href")
            .and_then(|h| h.strip_prefix("/jurisdictions/"))
            .expect("a jurisdiction link")
            .to_owned();
        let mut cells = BTreeMap::new();
        for td in row.select(&support::html::selector("td")) {
            let titles: Vec<String> = td
                .select(&support::html::selector("li > a:first-child"))
                .map(text_of)
                .collect();
            if !titles.is_empty() {
                let label = td.value().attr("data-label").expect("a label").to_owned();
                cells.insert(label, titles);
            }
        }
        rows.insert(slug, cells);
    }
    rows
}

/// Every entry id of a matrix's JSON, each once.
fn json_ids(matrix: &Value) -> BTreeSet<String> {
    matrix["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .flat_map(|row| row["cells"].as_object().expect("cells").values())
        .flat_map(|ids| ids.as_array().expect("ids").iter())
        .map(|id| id.as_str().expect("an id").to_owned())
        .collect()
}

/// How many entries a search finds.
async fn search_total(app: &TestApp, query: &str) -> u64 {
    let body = app
        .json(&format!("/api/search?{query}&limit=1"), StatusCode::OK)
        .await;
    body["total"].as_u64().expect("a total")
}

#[tokio::test]
async fn the_matrix_page_and_json_agree_and_count_every_match() {
    let app = TestApp::new();
    for by in ["topic", "kind"] {
        let json = app
            .json(&format!("/api/compare?by={by}"), StatusCode::OK)
            .await;
        assert_eq!(json["by"], by);
        let keys: BTreeSet<&str> = json
            .as_object()
            .expect("an object")
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(keys, BTreeSet::from(["by", "columns", "rows"]));
        let ids = json_ids(&json);
        assert_eq!(
            ids.len() as u64,
            search_total(&app, "q=").await,
            "every entry is in the matrix"
        );
        let page = app.page(&format!("/compare?by={by}")).await;
        assert_eq!(count(&page, "table.matrix caption"), 1);
        assert!(count(&page, "table.matrix thead th[scope=col]") >= 2);
        let columns = json["columns"].as_array().expect("columns");
        assert_eq!(
            count(&page, "table.matrix thead th[scope=col]"),
            columns.len() + 1,
            "one heading per column and the corner"
        );
        let cells = page_cells(&page);
        let rows = json["rows"].as_array().expect("rows");
        assert_eq!(cells.len(), rows.len());
        let mut cell_total = 0;
        for row in rows {
            let slug = row["jurisdiction"]["slug"].as_str().expect("a slug");
            for key in ["slug", "name", "state", "level"] {
                assert!(row["jurisdiction"].get(key).is_some(), "{key} in {row}");
            }
            let shown = &cells[slug];
            let json_cells = row["cells"].as_object().expect("cells");
            assert_eq!(shown.len(), json_cells.len(), "{slug}: the same cells");
            let shown_counts: BTreeSet<usize> = shown.values().map(Vec::len).collect();
            let json_counts: BTreeSet<usize> = json_cells
                .values()
                .map(|ids| ids.as_array().expect("ids").len())
                .collect();
            assert_eq!(shown_counts, json_counts, "{slug}: the same counts");
            cell_total += shown.values().map(Vec::len).sum::<usize>();
            for column in json_cells.keys() {
                assert!(columns.iter().any(|c| c == column), "{column} is a column");
            }
        }
        if by == "kind" {
            // One kind per entry: the cells add up to the entries.
            let sum: usize = rows
                .iter()
                .flat_map(|r| r["cells"].as_object().expect("cells").values())
                .map(|ids| ids.as_array().expect("ids").len())
                .sum();
            assert_eq!(sum, ids.len());
        }
        assert!(cell_total > 0);
        let status = one_text(&page, "p.result-count");
        assert!(
            status.starts_with(&format!("{} entries", ids.len())),
            "{status}"
        );
    }
}

#[tokio::test]
async fn filters_and_words_narrow_the_matrix_like_search() {
    let app = TestApp::new();
    let all = json_ids(&app.json("/api/compare", StatusCode::OK).await);
    let state = app
        .json("/api/compare?jurisdiction=minnesota", StatusCode::OK)
        .await;
    let rows = state["rows"].as_array().expect("rows");
    assert_eq!(rows.len(), 1, "{state}");
    assert_eq!(rows[0]["jurisdiction"]["slug"], "minnesota");
    assert!(json_ids(&state).len() < all.len());

    let guard = app
        .json("/api/compare?topic=national-guard", StatusCode::OK)
        .await;
    assert_eq!(guard["columns"], serde_json::json!(["national-guard"]));
    assert_eq!(
        json_ids(&guard).len() as u64,
        search_total(&app, "topic=national-guard").await
    );

    let words = app
        .json("/api/compare?by=kind&q=parking", StatusCode::OK)
        .await;
    let found = json_ids(&words);
    assert_eq!(found.len() as u64, search_total(&app, "q=parking").await);
    assert!(found.contains(PARKING), "{found:?}");
    assert!(found.len() < all.len());

    let page = app.page("/compare?by=kind&q=parking").await;
    let titles: usize = page_cells(&page)
        .values()
        .flat_map(|cells| cells.values())
        .map(Vec::len)
        .sum();
    assert_eq!(titles, found.len(), "the page shows the same entries");
    assert!(count(&page, ".active-filters a.chip") == 0);
    let filtered = app.page("/compare?kind=checklist").await;
    assert_eq!(count(&filtered, ".active-filters a.chip"), 1);
}

#[tokio::test]
async fn a_bad_by_is_a_bad_request_everywhere() {
    let app = TestApp::new();
    let reply = app.get("/api/compare?by=jurisdiction").await;
    assert_json_error(&reply, StatusCode::BAD_REQUEST, "bad_request", "bad by");
    assert!(reply.body.contains("`by` must be"), "{}", reply.body);
    let page = app.get("/compare?by=colour").await;
    assert_error_page(&page, StatusCode::BAD_REQUEST, "bad by page");
    let csv = app.get("/compare.csv?by=colour").await;
    assert_eq!(csv.status, StatusCode::BAD_REQUEST);
    let malformed = app.get("/api/compare?kind=Not%20a%20slug").await;
    assert_json_error(
        &malformed,
        StatusCode::BAD_REQUEST,
        "bad_request",
        "malformed filter",
    );
}

#[tokio::test]
async fn the_csv_is_the_same_matrix() {
    let app = TestApp::new();
    let json = app.json("/api/compare?by=kind", StatusCode::OK).await;
    let reply = app.get("/compare.csv?by=kind").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_content_type(&reply, "text/csv");
    assert!(reply.header("content-disposition").contains("attachment"));
    let text = reply.body.trim_start_matches('\u{feff}');
    let header = text.lines().next().expect("a header");
    assert!(header.starts_with("Jurisdiction,State,Level,"), "{header}");
    assert!(header.contains("Checklist"), "{header}");
    let columns = json["columns"].as_array().expect("columns").len();
    assert_eq!(header.split(',').count(), 3 + columns, "{header}");
    let (title, _) = title_and_quotes(&app, CHECKLIST).await;
    assert!(
        text.contains(&title),
        "the checklist's title is in its cell"
    );
    for row in json["rows"].as_array().expect("rows") {
        let name = row["jurisdiction"]["name"].as_str().expect("a name");
        assert!(text.contains(&format!("\r\n{name},")), "{name} has a row");
    }
}

#[tokio::test]
async fn entries_side_by_side_line_up_their_sections() {
    let app = TestApp::new();
    let page = app
        .page(&format!("/compare/entries?ids={CHECKLIST},{ORDINANCE}"))
        .await;
    assert_eq!(count(&page, "table.side-by-side thead th[scope=col]"), 2);
    let (checklist, _) = title_and_quotes(&app, CHECKLIST).await;
    let (ordinance, _) = title_and_quotes(&app, ORDINANCE).await;
    let headings = texts(&page, "table.side-by-side thead th[scope=col]");
    assert_eq!(headings, [checklist, ordinance]);
    let rows = texts(&page, "table.side-by-side tbody th[scope=row]");
    for fact in [
        "Jurisdiction",
        "Kind",
        "Status",
        "Date",
        "Summary",
        "Sources",
    ] {
        assert!(rows.iter().any(|r| r == fact), "{fact} in {rows:?}");
    }
    // Both bodies say what the article says: one row, both cells filled; only the ordinance
    // says why it mattered.
    let shared = select(&page, "table.side-by-side tbody tr")
        .into_iter()
        .find(|tr| {
            tr.select(&support::html::selector("th"))
                .next()
                .is_some_and(|th| text_of(th) == "What the article says")
        })
        .expect("a shared section row");
    assert_eq!(
        shared.select(&support::html::selector("td.body")).count(),
        2
    );
    assert!(rows.iter().any(|r| r == "Why it mattered"), "{rows:?}");
    // The checklist has no "Why it mattered" nor "How to adapt it"; the ordinance no template checklist.
    assert_eq!(count(&page, "td.empty"), 3);
    assert!(attr(&page, ".compare-links a", "href").starts_with("/brief?ids="));

    let five = format!("{CHECKLIST},{PARKING},{ORDINANCE},{ADVICE},minnesota/document-on-video");
    let reply = app.get(&format!("/compare/entries?ids={five}")).await;
    assert_error_page(&reply, StatusCode::BAD_REQUEST, "five entries");
    let reply = app
        .get("/compare/entries?ids=minnesota/no-such-entry")
        .await;
    assert_error_page(&reply, StatusCode::NOT_FOUND, "unknown entry");
    assert!(
        reply.body.contains("minnesota/no-such-entry"),
        "names the id"
    );
    let reply = app.get("/compare/entries?ids=Not..an/id").await;
    assert_error_page(&reply, StatusCode::BAD_REQUEST, "malformed id");
    let reply = app.get("/compare/entries").await;
    assert_error_page(&reply, StatusCode::BAD_REQUEST, "no ids");
}

#[tokio::test]
async fn a_brief_in_every_format_has_every_title_and_quote() {
    let app = TestApp::new();
    let ids = FOUR.join(",");
    let mut expected = Vec::new();
    for id in FOUR {
        expected.push(title_and_quotes(&app, id).await);
    }
    assert!(expected.iter().all(|(_, quotes)| !quotes.is_empty()));

    let cover = "title=Across%20cities&for=Mayor%20Smith";
    let page = app.page(&format!("/brief?ids={ids}&{cover}")).await;
    assert_eq!(one_text(&page, "h1"), "Across cities");
    assert!(texts(&page, ".brief-cover dd").contains(&"Mayor Smith".to_owned()));
    assert_eq!(count(&page, "nav.brief-contents li"), 4);
    assert_eq!(count(&page, "article.brief-entry"), 4);
    let page_text = words(&text_of(page.root_element()));
    for (title, quotes) in &expected {
        assert!(page_text.contains(title.as_str()), "page: {title}");
        for quote in quotes {
            assert!(page_text.contains(quote.as_str()), "page: {quote}");
        }
    }
    // Citations are numbered across the brief: the second entry's list goes on from the first's.
    let starts = attrs(&page, ".brief-citations ol", "start");
    assert_eq!(starts.first().map(String::as_str), Some("1"));
    assert!(
        starts
            .windows(2)
            .all(|w| w[0] < w[1] || w[0].len() < w[1].len())
    );
    assert!(
        page_text.contains("Template — adapt to local law"),
        "the checklist keeps its mark"
    );
    assert!(
        count(&page, "article.checklist .body input[type=checkbox]") > 0,
        "tick boxes"
    );

    let markdown = app.get(&format!("/brief.md?ids={ids}&{cover}")).await;
    assert_eq!(markdown.status, StatusCode::OK);
    assert_content_type(&markdown, "text/markdown");
    let md = words(&markdown.body);
    assert!(markdown.body.starts_with("# Across cities\n"));
    assert!(md.contains("Prepared for: Mayor Smith"));
    for (title, quotes) in &expected {
        assert!(md.contains(title.as_str()), "markdown: {title}");
        for quote in quotes {
            assert!(md.contains(quote.as_str()), "markdown: {quote}");
        }
    }
    assert!(
        md.contains("- [ ]"),
        "the checklist's steps keep their boxes"
    );

    let docx = app.get(&format!("/brief.docx?ids={ids}&{cover}")).await;
    assert_eq!(docx.status, StatusCode::OK);
    assert_content_type(
        &docx,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    );
    let paragraphs = docx_paragraphs(&docx.bytes);
    let all = words(&paragraphs.join("\n"));
    assert!(paragraphs.iter().any(|p| p == "Across cities"));
    for (title, quotes) in &expected {
        assert!(all.contains(title.as_str()), "docx: {title}");
        for quote in quotes {
            assert!(all.contains(quote.as_str()), "docx: {quote}");
        }
    }
    assert!(
        paragraphs.iter().any(|p| p.starts_with("[1] “")),
        "numbered citations"
    );
    assert!(paragraphs.iter().any(|p| p.starts_with("☐ ")), "tick boxes");
    let styles = docx_styles(&docx.bytes);
    for style in ["Title", "Heading1", "Heading2", "Heading3"] {
        assert!(styles.contains(style), "{style} in {styles:?}");
    }
}

#[tokio::test]
async fn brief_ids_are_checked_capped_and_kept_once_in_order() {
    let app = TestApp::new();
    let page = app
        .page(&format!("/brief?ids={PARKING},{CHECKLIST},{PARKING}"))
        .await;
    let contents = texts(&page, "nav.brief-contents li a");
    assert_eq!(contents.len(), 2, "{contents:?}");
    let (parking, _) = title_and_quotes(&app, PARKING).await;
    assert_eq!(contents[0], parking, "the order asked for");
    // Reordering without JavaScript: "Move down" on the first swaps the two.
    let down = attr(&page, "article.brief-entry a.move-down", "href");
    assert_eq!(down, format!("/brief?ids={CHECKLIST},{PARKING}"));

    let many: Vec<String> = (0..51).map(|n| format!("minnesota/entry-{n}")).collect();
    for path in ["/brief", "/brief.md", "/brief.docx"] {
        let reply = app.get(&format!("{path}?ids={}", many.join(","))).await;
        assert_eq!(
            reply.status,
            StatusCode::BAD_REQUEST,
            "{path}: over the cap"
        );
        assert!(reply.body.contains("at most 50"), "{path}: {}", reply.body);
        let reply = app
            .get(&format!("{path}?ids={PARKING},minnesota/nope"))
            .await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{path}: unknown");
        assert!(reply.body.contains("minnesota/nope"), "{path}: names it");
        let reply = app.get(&format!("{path}?ids=..%2F..%2Fetc")).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{path}: malformed");
        let reply = app.get(path).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{path}: no ids");
    }
}

#[tokio::test]
async fn entries_are_added_to_a_brief_from_search_results_without_javascript() {
    let app = TestApp::new();
    let page = app.page("/search?q=parking").await;
    let add = attrs(&page, "li.hit a.add-to-brief", "href");
    assert!(!add.is_empty(), "every hit has Add to brief");
    let first = app.page(&add[0]).await;
    assert_eq!(count(&first, "li.hit .in-brief"), 1);
    assert!(one_text(&first, ".brief-tray").contains("1 entry"));
    let second_add = attrs(&first, "li.hit a.add-to-brief", "href");
    let both = app.page(&second_add[0]).await;
    assert_eq!(count(&both, "li.hit .in-brief"), 2);
    let brief_href = attr(&both, ".brief-tray a", "href");
    assert!(brief_href.starts_with("/brief?ids="), "{brief_href}");
    let brief = app.page(&brief_href).await;
    assert_eq!(count(&brief, "article.brief-entry"), 2);
    // Paging and filter links keep the brief being collected.
    let kept = attrs(&both, "aside.facets a", "href");
    assert!(kept.iter().all(|href| href.contains("brief=")), "{kept:?}");
    // So does a new search typed in the box: it carries the brief's ids along.
    let carried = attr(&both, "form.big-search input[name=brief]", "value");
    assert_eq!(carried.split(',').count(), 2, "{carried}");
    let next = app
        .page(&format!(
            "/search?q=guard&brief={}",
            carried.replace(',', "%2C")
        ))
        .await;
    assert!(one_text(&next, ".brief-tray").contains("2 entries"));
    assert_eq!(
        count(
            &app.page("/search?q=parking").await,
            "form.big-search input[name=brief]"
        ),
        0
    );

    let entry = app.page(&format!("/entries/{CHECKLIST}")).await;
    let from_entry = attrs(&entry, ".entry-actions a", "href")
        .into_iter()
        .find(|href| href.contains("brief="))
        .expect("Add to brief on an entry page");
    let tray = app.page(&from_entry).await;
    assert!(one_text(&tray, ".brief-tray").contains("1 entry"));
    let matrix = app.page("/compare?kind=checklist").await;
    assert!(count(&matrix, "table.matrix a.add-to-brief") >= 1);
    assert!(attr(&matrix, ".compare-links a[href^='/brief']", "href").contains(CHECKLIST));
}

/// Whether this run is CI, where a missing LibreOffice fails the test instead of skipping it.
fn in_ci() -> bool {
    std::env::var_os("CI").is_some_and(|v| !v.is_empty())
}

#[tokio::test]
async fn libreoffice_opens_the_word_brief() {
    let found = std::process::Command::new("libreoffice")
        .arg("--version")
        .output()
        .is_ok_and(|out| out.status.success());
    if !found {
        assert!(
            !in_ci(),
            "CI is set but libreoffice is missing: apt-get install libreoffice-writer"
        );
        eprintln!("skipped: libreoffice is missing (apt-get install libreoffice-writer)");
        return;
    }
    let app = TestApp::new();
    let docx = app
        .get(&format!("/brief.docx?ids={}", FOUR.join(",")))
        .await
        .expect(StatusCode::OK, "the brief");
    let dir = tempfile::TempDir::new().expect("temp dir");
    let input = dir.path().join("brief.docx");
    std::fs::write(&input, &docx.bytes).expect("writes");
    let profile = dir.path().join("profile");
    let out = std::process::Command::new("libreoffice")
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.display()
        ))
        .args(["--headless", "--convert-to", "pdf", "--outdir"])
        .arg(dir.path())
        .arg(&input)
        .output()
        .expect("libreoffice runs");
    let pdf = dir.path().join("brief.pdf");
    assert!(
        pdf.exists(),
        "no PDF: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let bytes = std::fs::read(&pdf).expect("reads the PDF");
    assert!(bytes.starts_with(b"%PDF"), "a PDF");
    let pages = bytes
        .windows(11)
        .filter(|w| w.starts_with(b"/Type/Page") && w[10] != b's')
        .count();
    assert!(pages >= 5, "a cover and a page per entry at least: {pages}");
}
