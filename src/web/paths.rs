//! Every URL of the app that code links to or redirects to, built in one place. Handlers and
//! API wire types call these functions; nothing else writes a path with `format!`. The route
//! table (`routes.rs`) says what answers each path; this module says how to write one.
//!
//! Entry functions take the entry's id as anything that displays as `jurisdiction/slug`: an
//! `EntryId`, or a search hit's id. Slugs are lowercase letters, digits and hyphens, so ids
//! and filter values need no escaping; search parameters are form-encoded.

use std::fmt::Display;

use super::matrix::CompareBy;
use super::params::SearchParams;
use crate::playbook::Kind;
use crate::search::Filter;

/// The home page.
pub const HOME: &str = "/";
/// The search page with no parameters: every entry.
pub const SEARCH: &str = "/search";
/// What the playbook is and how to contribute.
pub const ABOUT: &str = "/about";
/// The Atom feed of new and changed entries.
pub const FEED: &str = "/feed.atom";
/// The search page's Atom feed with no parameters.
pub const SEARCH_FEED: &str = "/search.atom";
/// The entries changed most recently, as a page (the feed is linked from it).
pub const WHATS_NEW: &str = "/whats-new";
/// The OpenSearch description.
pub const OPENSEARCH: &str = "/opensearch.xml";
/// The site's icon.
pub const FAVICON: &str = "/favicon.ico";
/// The sign-in page (`login_then` to come back somewhere).
pub const LOGIN: &str = "/login";
/// Signing out (POST).
pub const LOGOUT: &str = "/logout";
/// The signed-in user's account page.
pub const ACCOUNT: &str = "/account";
/// Changing one's password (POST).
pub const ACCOUNT_PASSWORD: &str = "/account/password";
/// Creating an API token (POST).
pub const ACCOUNT_TOKENS: &str = "/account/tokens";
/// Revoking every API token of the signed-in user (POST).
pub const ACCOUNT_TOKENS_REVOKE_ALL: &str = "/account/tokens/revoke-all";
/// Making (or replacing) the signed-in user's private feed address (POST).
pub const ACCOUNT_FEED: &str = "/account/feed";
/// Stopping the signed-in user's private feed address (POST).
pub const ACCOUNT_FEED_REVOKE: &str = "/account/feed/revoke";
/// Where private feeds are: `/feeds/<feed token>`.
pub const PRIVATE_FEEDS: &str = "/feeds";
/// The form for a new entry.
pub const NEW_ENTRY: &str = "/entries/new";
/// The JSON API's listing of entries, and where new entries are POSTed.
pub const API_ENTRIES: &str = "/api/entries";
/// The OpenAPI document.
pub const API_OPENAPI: &str = "/api/openapi.json";
/// The comparison matrix: jurisdictions by topic or kind.
pub const COMPARE: &str = "/compare";
/// The comparison matrix as CSV.
pub const COMPARE_CSV: &str = "/compare.csv";
/// The comparison matrix in the JSON API.
pub const API_COMPARE: &str = "/api/compare";
/// Entries side by side (`?ids=`).
pub const COMPARE_ENTRIES: &str = "/compare/entries";
/// A brief of entries (`?ids=`), as a page.
pub const BRIEF: &str = "/brief";
/// A brief as Markdown.
pub const BRIEF_MARKDOWN: &str = "/brief.md";
/// A brief as a Word document.
pub const BRIEF_DOCX: &str = "/brief.docx";
/// The signed-in user's saved briefs (GET); saving a new one (POST).
pub const BRIEFS: &str = "/briefs";
/// Adding an entry to a saved brief (POST, from an entry's page).
pub const BRIEFS_ADD: &str = "/briefs/add";

/// An entry's page: `/entries/minneapolis-mn/separation-ordinance`.
pub fn entry(id: impl Display) -> String {
    format!("/entries/{id}")
}

/// The form editing an entry.
pub fn entry_edit(id: impl Display) -> String {
    format!("/entries/{id}/edit")
}

/// Retiring an entry (POST).
pub fn entry_retire(id: impl Display) -> String {
    format!("/entries/{id}/retire")
}

/// Restoring a retired entry (POST).
pub fn entry_restore(id: impl Display) -> String {
    format!("/entries/{id}/restore")
}

/// An entry's list of revisions.
pub fn entry_history(id: impl Display) -> String {
    format!("/entries/{id}/history")
}

/// One revision of an entry, numbered from 1.
pub fn entry_revision(id: impl Display, number: u32) -> String {
    format!("/entries/{id}/history/{number}")
}

/// An entry in the JSON API (also where it is PUT and DELETEd).
pub fn entry_api(id: impl Display) -> String {
    format!("/api/entries/{id}")
}

/// An entry's revisions in the JSON API.
pub fn entry_api_revisions(id: impl Display) -> String {
    format!("/api/entries/{id}/revisions")
}

/// A declared source's page, listing the entries that cite it: `/sources/council-minutes`.
pub fn source(id: impl Display) -> String {
    format!("/sources/{id}")
}

/// Page `page` (from 1) of a source's page.
pub fn source_page(id: impl Display, page: usize) -> String {
    format!("{}?page={page}", source(id))
}

/// The page listing every entry with one value of a filter: `/jurisdictions/minnesota`,
/// `/kinds/checklist`, `/topics/policing`.
pub fn listing(filter: Filter, value: impl Display) -> String {
    let folder = match filter {
        Filter::Jurisdiction => "jurisdictions",
        Filter::Kind => "kinds",
        Filter::Topic => "topics",
        // States and levels have no page of their own: their listing is a search.
        Filter::State | Filter::Level => {
            return search(&SearchParams::default().toggled(filter, &value.to_string()));
        }
    };
    format!("/{folder}/{value}")
}

/// Page `page` (from 1) of a listing.
pub fn listing_page(filter: Filter, value: impl Display, page: usize) -> String {
    format!("{}?page={page}", listing(filter, value))
}

/// A jurisdiction's listing.
pub fn jurisdiction(slug: impl Display) -> String {
    listing(Filter::Jurisdiction, slug)
}

/// A kind's listing.
pub fn kind(kind: Kind) -> String {
    listing(Filter::Kind, kind.as_str())
}

/// A topic's listing.
pub fn topic(slug: impl Display) -> String {
    listing(Filter::Topic, slug)
}

/// The search page for these parameters: `/search?q=guard&kind=checklist&page=2`.
pub fn search(params: &SearchParams) -> String {
    with_query(SEARCH, &search_query(params))
}

/// The Atom feed of the search with these parameters: `/search.atom?q=guard`.
pub fn search_feed(params: &SearchParams) -> String {
    with_query(SEARCH_FEED, &search_query(params))
}

/// The comparison matrix of the search with these parameters, with `by`'s columns:
/// `/compare?by=kind&q=guard`.
pub fn compare(by: CompareBy, params: &SearchParams) -> String {
    with_query(COMPARE, &compare_query(by, params))
}

/// The comparison matrix as CSV.
pub fn compare_csv(by: CompareBy, params: &SearchParams) -> String {
    with_query(COMPARE_CSV, &compare_query(by, params))
}

/// The comparison matrix in the JSON API.
pub fn api_compare(by: CompareBy, params: &SearchParams) -> String {
    with_query(API_COMPARE, &compare_query(by, params))
}

/// These entries side by side: `/compare/entries?ids=minnesota/a,minneapolis-mn/b`.
pub fn compare_entries<T: Display>(ids: &[T]) -> String {
    format!("{COMPARE_ENTRIES}?ids={}", joined_ids(ids))
}

/// A brief of these entries, in order, as a page; `title` and `prepared_for` (the cover's)
/// are left out when empty.
pub fn brief<T: Display>(ids: &[T], title: &str, prepared_for: &str) -> String {
    format!("{BRIEF}?{}", brief_query(ids, title, prepared_for))
}

/// The same brief as Markdown.
pub fn brief_markdown<T: Display>(ids: &[T], title: &str, prepared_for: &str) -> String {
    format!("{BRIEF_MARKDOWN}?{}", brief_query(ids, title, prepared_for))
}

/// The same brief as a Word document.
pub fn brief_docx<T: Display>(ids: &[T], title: &str, prepared_for: &str) -> String {
    format!("{BRIEF_DOCX}?{}", brief_query(ids, title, prepared_for))
}

/// A saved brief's page: `/briefs/<id>`.
pub fn saved_brief(id: &str) -> String {
    format!("{BRIEFS}/{id}")
}

/// A saved brief's edit page (GET) and where its changes are sent (POST).
pub fn saved_brief_edit(id: &str) -> String {
    format!("{BRIEFS}/{id}/edit")
}

/// Deleting a saved brief (POST).
pub fn saved_brief_delete(id: &str) -> String {
    format!("{BRIEFS}/{id}/delete")
}

/// A saved brief as Markdown.
pub fn saved_brief_markdown(id: &str) -> String {
    format!("{BRIEFS}/{id}/brief.md")
}

/// A saved brief as a Word document.
pub fn saved_brief_docx(id: &str) -> String {
    format!("{BRIEFS}/{id}/brief.docx")
}

/// The sign-in page, returning to `next` (a local path) once signed in.
pub fn login_then(next: &str) -> String {
    let next: String = form_urlencoded::byte_serialize(next.as_bytes()).collect();
    format!("{LOGIN}?next={next}")
}

/// The private feed of the holder of `token`: what they may read, latest changes first.
pub fn private_feed(token: &str) -> String {
    format!("{PRIVATE_FEEDS}/{token}")
}

/// Revoking one of the signed-in user's API tokens (POST).
pub fn revoke_token(id: impl Display) -> String {
    format!("{ACCOUNT_TOKENS}/{id}/revoke")
}

/// A path of the app as an absolute URL under `public_url` (the configured base, without a
/// trailing slash): for permalinks and feeds read outside the app.
pub fn absolute(public_url: &str, path: &str) -> String {
    format!("{public_url}{path}")
}

/// The query string of search parameters: `q`, each filter's values in `Filter::ALL` order,
/// `sort`, `page`, `brief`; empty ones left out.
fn search_query(params: &SearchParams) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    if !params.q.is_empty() {
        query.append_pair("q", &params.q);
    }
    for (filter, values) in params.filters.iter() {
        for value in values {
            query.append_pair(filter.as_str(), value);
        }
    }
    if !params.sort.is_empty() {
        query.append_pair("sort", &params.sort);
    }
    if let Some(page) = &params.page {
        query.append_pair("page", page);
    }
    if !params.brief.is_empty() {
        query.append_pair("brief", &params.brief);
    }
    query.finish()
}

/// `by` (left out when it is the default, `topic`), then the search's query and filters
/// (a matrix has no page or order of its own).
fn compare_query(by: CompareBy, params: &SearchParams) -> String {
    let search = SearchParams {
        q: params.q.clone(),
        filters: params.filters.clone(),
        ..SearchParams::default()
    };
    let rest = search_query(&search);
    let by = by.as_str();
    match (by == CompareBy::default().as_str(), rest.is_empty()) {
        (true, _) => rest,
        (false, true) => format!("by={by}"),
        (false, false) => format!("by={by}&{rest}"),
    }
}

/// Entry ids joined by commas: ids need no escaping (slugs and one `/`).
fn joined_ids<T: Display>(ids: &[T]) -> String {
    ids.iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

/// `ids=…`, then `title` and `for` when given.
fn brief_query<T: Display>(ids: &[T], title: &str, prepared_for: &str) -> String {
    let mut query = format!("ids={}", joined_ids(ids));
    let mut cover = form_urlencoded::Serializer::new(String::new());
    if !title.trim().is_empty() {
        cover.append_pair("title", title);
    }
    if !prepared_for.trim().is_empty() {
        cover.append_pair("for", prepared_for);
    }
    let cover = cover.finish();
    if !cover.is_empty() {
        query.push('&');
        query.push_str(&cover);
    }
    query
}

fn with_query(path: &str, query: &str) -> String {
    if query.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{query}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::playbook::EntryId;

    #[test]
    fn entry_paths_take_an_id_or_its_text() {
        let id = EntryId::parse("minneapolis-mn/separation-ordinance").expect("id");
        let text = "minneapolis-mn/separation-ordinance";
        assert_eq!(entry(&id), "/entries/minneapolis-mn/separation-ordinance");
        assert_eq!(entry(&id), entry(text));
        assert_eq!(
            entry_edit(text),
            "/entries/minneapolis-mn/separation-ordinance/edit"
        );
        assert_eq!(
            entry_retire(text),
            "/entries/minneapolis-mn/separation-ordinance/retire"
        );
        assert_eq!(
            entry_restore(text),
            "/entries/minneapolis-mn/separation-ordinance/restore"
        );
        assert_eq!(
            entry_history(text),
            "/entries/minneapolis-mn/separation-ordinance/history"
        );
        assert_eq!(
            entry_revision(&id, 3),
            "/entries/minneapolis-mn/separation-ordinance/history/3"
        );
        assert_eq!(
            entry_api(&id),
            "/api/entries/minneapolis-mn/separation-ordinance"
        );
        assert_eq!(
            entry_api_revisions(&id),
            "/api/entries/minneapolis-mn/separation-ordinance/revisions"
        );
    }

    #[test]
    fn a_source_has_a_page() {
        let id = crate::playbook::SourceId::parse("politico-operation-metro-surge").expect("id");
        assert_eq!(source(&id), "/sources/politico-operation-metro-surge");
        assert_eq!(
            source_page(&id, 2),
            "/sources/politico-operation-metro-surge?page=2"
        );
    }

    #[test]
    fn every_filter_has_a_listing() {
        assert_eq!(jurisdiction("minnesota"), "/jurisdictions/minnesota");
        assert_eq!(kind(Kind::ExecutiveOrder), "/kinds/executive-order");
        assert_eq!(topic("policing"), "/topics/policing");
        for filter in [Filter::Jurisdiction, Filter::Kind, Filter::Topic] {
            assert!(listing(filter, "x").ends_with("s/x"), "{filter}");
        }
        // States and levels are listed by a search.
        assert_eq!(listing(Filter::State, "mn"), "/search?state=mn");
        assert_eq!(listing(Filter::Level, "city"), "/search?level=city");
        assert_eq!(
            listing_page(Filter::Kind, "checklist", 2),
            "/kinds/checklist?page=2"
        );
    }

    #[test]
    fn search_paths_carry_every_parameter_encoded() {
        assert_eq!(search(&SearchParams::default()), "/search");
        assert_eq!(search_feed(&SearchParams::default()), "/search.atom");
        let params = SearchParams::parse(Some(
            "q=keep+ICE+%26+off&topic=policing&kind=checklist&kind=guidance&sort=date&page=2",
        ))
        .expect("parses");
        assert_eq!(
            search(&params),
            "/search?q=keep+ICE+%26+off&kind=checklist&kind=guidance&topic=policing&sort=date&page=2"
        );
        assert_eq!(
            search_feed(&params),
            search(&params).replacen("/search", "/search.atom", 1)
        );
    }

    #[test]
    fn sign_in_and_account_paths() {
        assert_eq!(
            login_then("/entries/new?x=1&y=2"),
            "/login?next=%2Fentries%2Fnew%3Fx%3D1%26y%3D2"
        );
        assert_eq!(revoke_token("cpb_1a2b"), "/account/tokens/cpb_1a2b/revoke");
        assert_eq!(
            absolute("https://playbook.example", &entry("a/b")),
            "https://playbook.example/entries/a/b"
        );
    }
}
