//! The server-rendered pages, driven through the real router: home, search (facets, active
//! filters, pages, sort, empty and bad requests), entries, listings, errors, path traversal,
//! security headers, compression, the stylesheet, and a real socket with `playbook healthcheck`.

mod support;

use axum::http::{Method, StatusCode};
use scraper::Html;
use support::app::{
    TestApp, assert_content_type, assert_error_page, assert_security_headers, request, serve,
};
use support::html::{attrs, count, hit_ids, one_text, select, text_of, texts};
use support::http::raw_get;

const CHECKLIST: &str = "minneapolis-mn/national-guard-request-checklist";

/// The total from a results page's count line ("1–10 of 23 entries"); 0 for "No entries found".
fn total(page: &Html) -> usize {
    let line = one_text(page, "p.result-count");
    if line == "No entries found" {
        return 0;
    }
    line.split(" of ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no total in {line:?}"))
}

/// The filter-adding links of a results page as (href, label, count).
fn facet_links(page: &Html) -> Vec<(String, String, usize)> {
    select(page, "aside.facets li")
        .into_iter()
        .map(|li| {
            let a = li
                .select(&support::html::selector("a"))
                .next()
                .expect("a facet link");
            let count = li
                .select(&support::html::selector("span.count"))
                .next()
                .map(text_of)
                .and_then(|c| c.trim_matches(|ch| ch == '(' || ch == ')').parse().ok())
                .expect("a facet count");
            let href = a.value().attr("href").expect("href").to_owned();
            (href, text_of(a), count)
        })
        .collect()
}

#[tokio::test]
async fn home_has_a_labelled_search_form() {
    let page = TestApp::new().page("/").await;
    let form = r#"form[action="/search"][method="get"]"#;
    assert_eq!(count(&page, &format!("{form} label[for=q]")), 1);
    assert_eq!(count(&page, &format!("{form} input#q[name=q]")), 1);
    assert_eq!(count(&page, &format!("{form} button[type=submit]")), 1);
    assert_eq!(one_text(&page, "main h1"), "Search the playbook");
}

#[tokio::test]
async fn home_links_to_browse_by_jurisdiction_kind_and_topic_with_counts() {
    let page = TestApp::new().page("/").await;
    for base in ["/jurisdictions/", "/kinds/", "/topics/"] {
        let items: Vec<String> = select(&page, "nav.facet li")
            .into_iter()
            .filter(|li| {
                li.select(&support::html::selector(&format!("a[href^='{base}']")))
                    .next()
                    .is_some()
            })
            .map(text_of)
            .collect();
        assert!(!items.is_empty(), "no browse links to {base}");
        for item in &items {
            assert!(
                item.ends_with(')') && item.contains(" ("),
                "no count: {item}"
            );
        }
    }
    let minnesota = texts(&page, "nav.facet li a[href='/jurisdictions/minnesota']");
    assert_eq!(minnesota, ["Minnesota"]);
}

#[tokio::test]
async fn home_lists_the_newest_entries() {
    let page = TestApp::new().page("/").await;
    let newest = hit_ids(&page);
    assert!(
        (3..=10).contains(&newest.len()),
        "newest entries: {newest:?}"
    );
    let dates = texts(&page, "li.hit time");
    let mut sorted = dates.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(dates, sorted, "newest first");
}

#[tokio::test]
async fn every_page_has_a_skip_link_to_main() {
    let app = TestApp::new();
    for uri in [
        "/",
        "/search?q=guard",
        "/about",
        &format!("/entries/{CHECKLIST}"),
    ] {
        let page = app.page(uri).await;
        assert_eq!(count(&page, r##"a.skip-link[href="#main"]"##), 1, "{uri}");
        assert_eq!(count(&page, "main#main"), 1, "{uri}");
        assert_eq!(count(&page, "html[lang=en]"), 1, "{uri}");
    }
}

#[tokio::test]
async fn the_stylesheet_has_a_content_name_and_is_cached_forever() {
    let app = TestApp::new();
    let page = app.page("/").await;
    let hrefs = attrs(&page, "link[rel=stylesheet]", "href");
    assert_eq!(hrefs.len(), 1, "{hrefs:?}");
    let href = &hrefs[0];
    let hash = href
        .strip_prefix("/static/style-")
        .and_then(|rest| rest.strip_suffix(".css"))
        .unwrap_or_else(|| panic!("stylesheet href {href:?}"));
    assert!(
        hash.len() >= 8 && hash.chars().all(|c| c.is_ascii_hexdigit()),
        "{href}"
    );

    let css = app.get(href).await;
    assert_eq!(css.status, StatusCode::OK);
    assert_content_type(&css, "text/css");
    let cache = css.header("cache-control");
    assert!(cache.contains("immutable"), "{cache}");
    assert!(cache.contains("max-age=31536000"), "{cache}");
    assert!(css.body.contains("skip-link"), "the real stylesheet");

    for wrong in [
        "/static/style.css",
        "/static/style-000000000000.css",
        "/static/nope",
    ] {
        assert_error_page(&app.get(wrong).await, StatusCode::NOT_FOUND, wrong);
    }
}

#[tokio::test]
async fn search_shows_a_count_and_marked_snippets() {
    let page = TestApp::new().page("/search?q=guard").await;
    let line = one_text(&page, "p.result-count");
    assert!(line.starts_with("1–"), "{line}");
    assert!(total(&page) >= 3, "{line}");
    let hits = count(&page, "ol.hits li.hit");
    assert!((1..=10).contains(&hits), "{hits} hits");
    assert!(count(&page, "li.hit p.snippet mark") >= 1);
    assert_eq!(attrs(&page, "input#q", "value"), ["guard"]);
}

#[tokio::test]
async fn a_misspelled_query_finds_the_checklist_first() {
    let page = TestApp::new()
        .page("/search?q=natinal+gaurd+checklst")
        .await;
    let ids = hit_ids(&page);
    assert_eq!(ids.first().map(String::as_str), Some(CHECKLIST), "{ids:?}");
}

#[tokio::test]
async fn a_facet_link_adds_a_filter_that_its_chip_removes() {
    let app = TestApp::new();
    let page = app.page("/search?q=guard").await;
    let unfiltered = total(&page);
    assert_eq!(count(&page, ".active-filters a.chip"), 0);
    let (href, label, facet_count) = facet_links(&page)
        .into_iter()
        .find(|(href, _, _)| href.contains("kind=checklist"))
        .expect("a checklist facet");
    assert_eq!(label, "Checklist");
    assert!(facet_count < unfiltered, "the facet narrows the results");

    let filtered = app.page(&href).await;
    assert_eq!(total(&filtered), facet_count);
    let kinds = attrs(&filtered, "li.hit p.meta a[href^='/kinds/']", "href");
    assert!(!kinds.is_empty());
    assert!(kinds.iter().all(|k| k == "/kinds/checklist"), "{kinds:?}");
    assert_eq!(attrs(&filtered, "input#q", "value"), ["guard"]);
    let chips = select(&filtered, ".active-filters a.chip");
    assert_eq!(chips.len(), 1);
    assert!(
        text_of(chips[0]).contains("Checklist"),
        "{}",
        text_of(chips[0])
    );
    assert_eq!(
        attrs(
            &filtered,
            "aside.facets a.active[aria-current=true]",
            "href"
        )
        .len(),
        1
    );

    let chip_href = chips[0].value().attr("href").expect("chip href");
    let removed = app.page(chip_href).await;
    assert_eq!(count(&removed, ".active-filters a.chip"), 0);
    assert_eq!(total(&removed), unfiltered);
}

#[tokio::test]
async fn jurisdiction_facets_and_chips_show_display_names() {
    let app = TestApp::new();
    let page = app.page("/search?q=guard").await;
    let labels: Vec<(String, String)> = facet_links(&page)
        .into_iter()
        .filter(|(href, _, _)| href.contains("jurisdiction="))
        .map(|(href, label, _)| (href, label))
        .collect();
    assert!(
        labels.iter().any(
            |(href, label)| href.ends_with("jurisdiction=minneapolis-mn")
                && label == "Minneapolis, MN"
        ),
        "{labels:?}"
    );
    assert!(
        labels.iter().any(|(_, label)| label == "Minnesota"),
        "{labels:?}"
    );
    // The chip names the jurisdiction even when nothing matches.
    for uri in [
        "/search?jurisdiction=minneapolis-mn",
        "/search?q=zzzzqqqq&jurisdiction=minneapolis-mn",
    ] {
        let page = app.page(uri).await;
        assert_eq!(
            texts(&page, ".active-filters a.chip"),
            ["jurisdiction: Minneapolis, MN ×"],
            "{uri}"
        );
    }
}

#[tokio::test]
async fn browsing_everything_pages_by_ten() {
    let app = TestApp::new();
    let first = app.page("/search").await;
    assert!(total(&first) >= 19, "{}", total(&first));
    let first_ids = hit_ids(&first);
    assert_eq!(first_ids.len(), 10);
    assert_eq!(count(&first, "nav.pagination a[rel=prev]"), 0);
    let next = attrs(&first, "nav.pagination a[rel=next]", "href");
    assert_eq!(next.len(), 1);

    let second = app.page(&next[0]).await;
    assert!(one_text(&second, "p.result-count").starts_with("11–"));
    let second_ids = hit_ids(&second);
    assert!(!second_ids.is_empty());
    assert!(
        second_ids.iter().all(|id| !first_ids.contains(id)),
        "{first_ids:?} / {second_ids:?}"
    );
    assert_eq!(count(&second, "nav.pagination a[rel=prev]"), 1);
}

/// Each hit's date on a results page (`None` for an undated entry), in order.
fn hit_dates(page: &Html) -> Vec<Option<String>> {
    select(page, "li.hit")
        .into_iter()
        .map(|li| {
            li.select(&support::html::selector("p.meta time"))
                .next()
                .and_then(|t| t.value().attr("datetime").map(str::to_owned))
        })
        .collect()
}

#[tokio::test]
async fn a_page_past_the_end_says_so() {
    let page = TestApp::new().page("/search?q=guard&page=50").await;
    assert_eq!(count(&page, "li.hit"), 0);
    let line = one_text(&page, "p.result-count");
    assert!(line.starts_with("No entries on this page"), "{line}");
    assert!(line.ends_with("in all") && !line.contains('–'), "{line}");
}

#[tokio::test]
async fn results_sort_by_date() {
    let app = TestApp::new();
    let by_relevance = app.page("/search?q=city").await;
    let by_date = app.page("/search?q=city&sort=date").await;
    assert_eq!(
        one_text(&by_date, "nav.sort strong[aria-current]"),
        "Newest"
    );
    assert_eq!(total(&by_date), total(&by_relevance));
    let dates = hit_dates(&by_date);
    assert!(
        dates.iter().filter(|d| d.is_some()).count() >= 3,
        "{dates:?}"
    );
    // Newest first, undated entries last (`None` sorts below every date).
    let mut sorted = dates.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(dates, sorted);
    assert_ne!(hit_dates(&by_relevance), dates, "the sort changed nothing");
}

#[tokio::test]
async fn no_results_shows_an_empty_state_with_ways_out() {
    let page = TestApp::new().page("/search?q=qqqzzzvvv").await;
    assert_eq!(one_text(&page, "p.result-count"), "No entries found");
    assert_eq!(count(&page, "li.hit"), 0);
    assert_eq!(count(&page, ".empty-state"), 1);
    let links = attrs(&page, ".empty-state a", "href");
    assert!(links.contains(&"/search".to_owned()), "{links:?}");
    assert!(
        links.contains(&"/jurisdictions/minnesota".to_owned()),
        "{links:?}"
    );
}

#[tokio::test]
async fn hostile_search_parameters_are_400_pages_in_the_layout() {
    let app = TestApp::new();
    let long = format!("/search?q={}", "a".repeat(600));
    let huge = format!("/search?q=guard&x={}", "a".repeat(9000));
    for uri in [huge.as_str(), "/kinds/checklist?page=0"] {
        let reply = app.get(uri).await;
        assert_error_page(&reply, StatusCode::BAD_REQUEST, uri);
        assert_security_headers(&reply, uri);
    }
    // A search that cannot run is still the results page: the query kept in the box, the
    // reason beside it (issue 19).
    for (uri, kept) in [
        (long.as_str(), "a".repeat(600)),
        ("/search?kind=Not%20a%20kind", String::new()),
        ("/search?page=1002", String::new()),
        ("/search?q=-only", "-only".to_owned()),
        ("/search?q=kind:Bad_Kind!", "kind:Bad_Kind!".to_owned()),
        ("/search?page=0", String::new()),
        ("/search?q=guard&page=abc", "guard".to_owned()),
        ("/search?sort=bogus", String::new()),
        ("/search?page=99999999999999999999999", String::new()),
    ] {
        let reply = app.get(uri).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{uri}");
        assert_content_type(&reply, "text/html");
        assert_security_headers(&reply, uri);
        let page = reply.html();
        assert_eq!(attrs(&page, "main input[name=q]", "value"), [kept], "{uri}");
        let problem = one_text(&page, "p.search-problem[role=alert]");
        assert!(!problem.is_empty(), "{uri}");
        assert_eq!(count(&page, ".empty-state"), 0, "{uri}");
    }
}

#[tokio::test]
async fn filter_values_no_entry_has_match_nothing_and_say_so() {
    let app = TestApp::new();
    for (uri, said) in [
        ("/search?kind=memo", "`memo` is not a kind"),
        ("/search?q=kind:memo", "`memo` is not a kind"),
        ("/search?topic=curfews", "no entry has the topic `curfews`"),
        (
            "/search?jurisdiction=atlantis-xx",
            "no jurisdiction `atlantis-xx`",
        ),
    ] {
        let page = app.page(uri).await;
        assert_eq!(count(&page, "li.hit"), 0, "{uri}");
        let notes = texts(&page, "p.search-note[role=status]").join(" ");
        assert!(notes.contains(said), "{uri}: {notes}");
    }
    // A known value with hits says nothing more.
    let page = app.page("/search?kind=checklist").await;
    assert_eq!(count(&page, "p.search-note"), 0);
}

#[tokio::test]
async fn odd_but_harmless_queries_never_fail() {
    let app = TestApp::new();
    for uri in [
        "/search?q=%22unclosed",
        "/search?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        "/search?q=((((",
        "/search?q=guard&q=",
        "/search?q=%F0%9F%98%80",
        "/search?q=a%00b",
        "/search?kind=",
        "/search?q=*",
        "/search?q=title:guard",
    ] {
        let reply = app.get(uri).await;
        assert!(
            reply.status == StatusCode::OK || reply.status == StatusCode::BAD_REQUEST,
            "{uri}: {}",
            reply.status
        );
        assert!(
            !reply.body.contains("<script>"),
            "{uri} echoed a script tag"
        );
    }
}

#[tokio::test]
async fn the_checklist_entry_page_has_everything() {
    let app = TestApp::new();
    let page = app.page(&format!("/entries/{CHECKLIST}")).await;
    assert_eq!(
        one_text(&page, "article h1"),
        "One-page checklist for requesting National Guard activation"
    );
    assert_eq!(
        texts(&page, "article header .eyebrow a[href='/kinds/checklist']"),
        ["Checklist"]
    );
    let facts: Vec<(String, String)> = select(&page, "dl.facts > div")
        .into_iter()
        .map(|div| {
            let parts: Vec<String> = div.child_elements().map(text_of).collect();
            (parts[0].clone(), parts[1].clone())
        })
        .collect();
    let status = facts.iter().find(|(dt, _)| dt == "Status").map(|f| &f.1);
    assert!(
        status.is_some_and(|s| s.starts_with("Template")),
        "{facts:?}"
    );
    assert!(one_text(&page, "p.template-notice").contains("adapt to local law"));
    assert!(count(&page, "article.checklist .body input[type=checkbox]") >= 10);
    // The boxes can be ticked on screen (issue 19).
    assert_eq!(
        count(
            &page,
            "article.checklist .body input[type=checkbox][disabled]"
        ),
        0
    );
    let quotes = texts(&page, "section.sources blockquote");
    assert_eq!(quotes.len(), 2);
    assert!(quotes[0].contains("one-page checklist for requesting National Guard activation"));

    let related = attrs(&page, "nav.related a", "href");
    let curated = "/entries/minneapolis-mn/fema-emmitsburg-exercise";
    assert!(
        related.len() >= 4 && related.contains(&curated.to_owned()),
        "{related:?}"
    );
    for href in &related {
        assert!(href.starts_with("/entries/"), "{href}");
        assert_eq!(app.get(href).await.status, StatusCode::OK, "{href}");
    }
    let permalink = attrs(&page, "footer.permalink a", "href");
    assert!(
        permalink[0].starts_with("http")
            && permalink[0].ends_with(&format!("/entries/{CHECKLIST}")),
        "{permalink:?}"
    );
    assert!(permalink.contains(&format!("/api/entries/{CHECKLIST}")));
}

#[tokio::test]
async fn the_separation_ordinance_renders() {
    let page = TestApp::new()
        .page("/entries/minneapolis-mn/separation-ordinance")
        .await;
    assert!(one_text(&page, "article h1").contains("separation ordinance"));
    // The article gives no adoption date for the ordinance (Jan. 27 is the day of a post on X
    // restating it), so the entry shows no date.
    assert_eq!(count(&page, "dl.facts time"), 0);
    assert_eq!(count(&page, "p.template-notice"), 0);
    assert_eq!(count(&page, "article.checklist"), 0);
    assert_eq!(count(&page, "section.sources blockquote"), 3);
    assert_eq!(
        texts(
            &page,
            "article header .eyebrow a[href='/jurisdictions/minneapolis-mn']"
        ),
        ["Minneapolis, MN"]
    );
}

#[tokio::test]
async fn listing_pages_have_their_heading() {
    let app = TestApp::new();
    for (uri, heading) in [
        ("/jurisdictions/minnesota", "Minnesota"),
        ("/jurisdictions/minneapolis-mn", "Minneapolis, MN"),
        ("/kinds/checklist", "Checklist"),
        ("/topics/national-guard", "National Guard"),
        ("/about", "About City Playbook"),
    ] {
        let page = app.page(uri).await;
        assert_eq!(one_text(&page, "main h1"), heading, "{uri}");
    }
}

#[tokio::test]
async fn a_listing_holds_only_its_entries() {
    let app = TestApp::new();
    let page = app.page("/jurisdictions/minnesota").await;
    let ids = hit_ids(&page);
    assert!(!ids.is_empty());
    assert!(ids.iter().all(|id| id.starts_with("minnesota/")), "{ids:?}");
    assert_eq!(count(&page, ".description p"), 2);

    let page = app.page("/kinds/checklist").await;
    assert!(hit_ids(&page).contains(&CHECKLIST.to_owned()));
    let kinds = attrs(&page, "li.hit p.meta a[href^='/kinds/']", "href");
    assert!(kinds.iter().all(|k| k == "/kinds/checklist"), "{kinds:?}");
}

#[tokio::test]
async fn unknown_things_are_404_pages() {
    let app = TestApp::new();
    for uri in [
        "/jurisdictions/atlantis",
        "/kinds/recipe",
        "/topics/no-such-topic",
        "/topics/NOT_A_SLUG",
        "/entries/minneapolis-mn/no-such-entry",
        "/entries/atlantis/separation-ordinance",
        "/entries/minneapolis-mn",
        "/entries/minneapolis-mn/separation-ordinance/extra",
        "/nope",
        // Not UTF-8 once decoded: still a page in the layout, not axum's plain-text 400.
        "/entries/%FF/x",
        "/jurisdictions/%FF",
        "/kinds/%C3%28",
        "/topics/%FF",
        "/static/%FF",
    ] {
        let reply = app.get(uri).await;
        assert_error_page(&reply, StatusCode::NOT_FOUND, uri);
        assert_security_headers(&reply, uri);
    }
}

#[tokio::test]
async fn path_traversal_is_not_found() {
    let app = TestApp::new();
    for uri in [
        "/entries/../../etc/passwd",
        "/entries/%2e%2e/%2e%2e/etc/passwd",
        "/entries/..%2f..%2fetc/passwd",
        "/entries/minneapolis-mn/..%2f..%2fCargo.toml",
        "/entries/minneapolis-mn/..%2fseparation-ordinance",
        "/entries/..%2fminneapolis-mn/separation-ordinance",
        "/static/..%2fCargo.toml",
        "/static/..%2f..%2fCargo.toml",
        "/static/%2e%2e%2fstyle.css",
        "/jurisdictions/..%2fminnesota",
        "/api/entries/..%2f..%2fetc/passwd",
    ] {
        let reply = app.get(uri).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{uri}");
        assert!(!reply.body.contains("[package]"), "{uri} leaked Cargo.toml");
        assert!(!reply.body.contains("root:"), "{uri} leaked /etc/passwd");
    }
}

#[tokio::test]
async fn other_methods_on_pages_are_405_pages() {
    let app = TestApp::new();
    let reply = app
        .send(request(Method::POST, "/search?q=guard", &[]))
        .await;
    assert_eq!(reply.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_content_type(&reply, "text/html");
    assert_eq!(count(&reply.html(), "header.site-header"), 1);
    assert_security_headers(&reply, "405 page");
}

#[tokio::test]
async fn every_kind_of_response_has_the_security_headers() {
    let app = TestApp::new();
    let page = app.page("/").await;
    let stylesheet = attrs(&page, "link[rel=stylesheet]", "href").remove(0);
    for (uri, status) in [
        ("/", StatusCode::OK),
        (&format!("/entries/{CHECKLIST}") as &str, StatusCode::OK),
        ("/api/search?q=guard", StatusCode::OK),
        ("/api/openapi.json", StatusCode::OK),
        ("/nope", StatusCode::NOT_FOUND),
        ("/api/nope", StatusCode::NOT_FOUND),
        ("/search?page=0", StatusCode::BAD_REQUEST),
        ("/api/search?limit=0", StatusCode::BAD_REQUEST),
        (&stylesheet, StatusCode::OK),
        ("/healthz", StatusCode::OK),
    ] {
        let reply = app.get(uri).await;
        assert_eq!(reply.status, status, "{uri}");
        assert_security_headers(&reply, uri);
    }
}

#[tokio::test]
async fn pages_are_gzipped_when_asked() {
    let app = TestApp::new();
    let reply = app
        .send(request(Method::GET, "/", &[("accept-encoding", "gzip")]))
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.header("content-encoding"), "gzip");
    assert_eq!(reply.bytes.get(..2), Some(&[0x1f, 0x8b][..]), "gzip magic");
    assert_security_headers(&reply, "gzipped page");

    let plain = app.get("/").await;
    assert_eq!(plain.header("content-encoding"), "");
}

#[tokio::test]
async fn healthz_says_ok() {
    let reply = TestApp::new().get("/healthz").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.body, "ok");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_real_socket_serves_pages_and_passes_the_healthcheck() {
    let app = TestApp::new();
    let addr = serve(&app).await;

    let (status, response) = raw_get(addr, "/").await;
    assert_eq!(status, 200, "{response}");
    let lower = response.to_ascii_lowercase();
    assert!(lower.contains("\r\ncontent-security-policy: default-src 'none'"));
    assert!(response.contains(r#"<main id="main""#));

    let (status, response) = raw_get(addr, "/healthz").await;
    assert_eq!(status, 200);
    assert!(response.ends_with("\r\n\r\nok"), "{response:?}");

    // Sent raw, so no client library tidies the dots away first.
    for path in [
        "/entries/../../etc/passwd",
        "/../../etc/passwd",
        "/static/../Cargo.toml",
        "/static/..%2fCargo.toml",
        "/entries/minneapolis-mn/..%2f..%2fCargo.toml",
    ] {
        let (status, response) = raw_get(addr, path).await;
        assert!(status == 404 || status == 400, "{path}: {status}");
        assert!(
            !response.contains("[package]") && !response.contains("root:"),
            "{path}"
        );
    }

    let healthy = healthcheck(addr.to_string()).await;
    assert!(healthy.status.success(), "{healthy:?}");
    assert_eq!(String::from_utf8_lossy(&healthy.stdout).trim(), "ok");

    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.local_addr().expect("addr")
    };
    let unhealthy = healthcheck(closed.to_string()).await;
    assert!(!unhealthy.status.success(), "{unhealthy:?}");
}

/// Runs `playbook healthcheck --addr addr` off the async threads (the server runs on them).
async fn healthcheck(addr: String) -> std::process::Output {
    tokio::task::spawn_blocking(move || {
        std::process::Command::new(env!("CARGO_BIN_EXE_playbook"))
            .args(["healthcheck", "--addr", &addr])
            .env_remove("PLAYBOOK_ADDR")
            .output()
            .expect("run playbook healthcheck")
    })
    .await
    .expect("the healthcheck task")
}

#[tokio::test]
async fn the_sort_bar_names_the_order_shown() {
    let app = TestApp::new();
    for (sort, label) in [
        ("", "Best match"),
        ("relevance", "Best match"),
        ("date", "Newest"),
        ("updated", "Recently changed"),
    ] {
        let page = app.page(&format!("/search?q=city&sort={sort}")).await;
        assert_eq!(
            one_text(&page, "nav.sort strong[aria-current]"),
            label,
            "sort={sort}"
        );
        assert_eq!(
            count(&page, "nav.sort a"),
            2,
            "the other two orders are links"
        );
    }
}

#[tokio::test]
async fn the_site_icon_is_served() {
    let reply = TestApp::new().get("/favicon.ico").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_content_type(&reply, "image/x-icon");
    assert!(reply.bytes.starts_with(&[0, 0, 1, 0]), "an ICO file");
    let page = TestApp::new().page("/").await;
    assert_eq!(attrs(&page, "link[rel=icon]", "href"), ["/favicon.ico"]);
}

#[tokio::test]
async fn the_results_page_says_which_words_no_entry_mentions() {
    let page = TestApp::new().page("/search?q=curfewzzq+protesters").await;
    assert!(count(&page, "li.hit") > 0);
    let notes = texts(&page, "p.search-note[role=status]").join(" ");
    assert!(notes.contains("no entry mentions `curfewzzq`"), "{notes}");
}

#[tokio::test]
async fn whats_new_lists_entries_by_their_reviewed_date_not_their_files_time() {
    let dir = tempfile::TempDir::new().expect("temp dir");
    support::playbook::copy_dir(&support::playbook::real_playbook_dir(), dir.path());
    let reviewed = dir
        .path()
        .join("minneapolis-mn/parking-lot-executive-order.md");
    let text = std::fs::read_to_string(&reviewed).expect("reads");
    let text = text.replacen("+++\n", "+++\nreviewed = 2026-02-14\n", 1);
    std::fs::write(&reviewed, text).expect("writes");
    let app = TestApp::over(dir.path());

    // The nav's "What's new" leads to it, and it links the feed.
    let home = app.page("/").await;
    assert_eq!(
        attrs(&home, "nav[aria-label=Site] a[href='/whats-new']", "href").len(),
        1
    );
    let page = app.page("/whats-new").await;
    assert_eq!(attrs(&page, "main a[href='/feed.atom']", "href").len(), 1);
    // Only the reviewed entry has a change date: every other file was just copied, and a
    // file's time is not a change.
    let listed = attrs(&page, "ol.changes li > p:first-child a", "href");
    assert_eq!(
        listed,
        ["/entries/minneapolis-mn/parking-lot-executive-order"]
    );
    assert_eq!(attrs(&page, "ol.changes time", "datetime"), ["2026-02-14"]);

    let entry = app
        .json(
            "/api/entries/minneapolis-mn/parking-lot-executive-order",
            StatusCode::OK,
        )
        .await;
    assert_eq!(entry["updated"], "2026-02-14T00:00:00Z");
    assert_eq!(entry["reviewed"], "2026-02-14");
    let other = app
        .json(
            "/api/entries/minneapolis-mn/separation-ordinance",
            StatusCode::OK,
        )
        .await;
    assert_eq!(other["updated"], serde_json::Value::Null);
    let page = app
        .page("/entries/minneapolis-mn/parking-lot-executive-order")
        .await;
    let facts = texts(&page, "dl.facts div");
    assert!(
        facts
            .iter()
            .any(|f| f.starts_with("Reviewed") && f.ends_with("2026-02-14")),
        "{facts:?}"
    );
}

#[tokio::test]
async fn topics_read_as_their_labels_in_filters_results_entries_and_listings() {
    let app = TestApp::new();
    let results = app.page("/search?q=guard").await;
    let filter_labels = texts(&results, ".facets a");
    assert!(
        filter_labels
            .iter()
            .any(|l| l.starts_with("National Guard")),
        "{filter_labels:?}"
    );
    assert!(
        !filter_labels
            .iter()
            .any(|l| l.starts_with("National guard")),
        "{filter_labels:?}"
    );
    let entry = app
        .page("/entries/minneapolis-mn/national-guard-request-checklist")
        .await;
    let topic_links = texts(&entry, "a[href^=\"/topics/\"]");
    assert!(
        topic_links.iter().any(|l| l == "National Guard"),
        "{topic_links:?}"
    );
    let listing = app.page("/topics/de-escalation").await;
    assert_eq!(texts(&listing, "h1"), vec!["De-escalation".to_owned()]);
    let filtered = app.page("/search?q=&topic=national-guard").await;
    let active = texts(&filtered, ".active-filters a");
    assert!(
        active.iter().any(|l| l.contains("National Guard")),
        "{active:?}"
    );
}
