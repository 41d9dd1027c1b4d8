//! Server-rendered pages: one module per page, views built here from search results.

pub mod about;
pub mod account;
pub mod brief;
pub mod compare;
pub mod diff;
pub mod editor;
pub mod entry;
pub mod history;
pub mod home;
pub mod listing;
pub mod saved_briefs;
pub mod search;
pub mod side_by_side;
pub mod source;
pub mod whats_new;

use askama::Template;
use axum::response::Html;

use super::error::PageError;
use super::params::SearchParams;
use super::paths;
use crate::playbook::{Access, EntryMeta, Kind, Level, TopicLabels, Verification, Visibility};
use crate::search::{FacetNames, Facets, Filter, Hit, Snippet};

/// Renders a page template.
pub fn render(page: &impl Template) -> Result<Html<String>, PageError> {
    Ok(Html(page.render()?))
}

/// A link with an optional count, for lists of filters and topics.
#[derive(Debug, Clone)]
pub struct Link {
    /// Where it goes.
    pub href: String,
    /// What it says.
    pub label: String,
    /// How many results it leads to, if known.
    pub count: Option<u64>,
    /// Whether the filter it toggles is on.
    pub active: bool,
}

impl Link {
    /// A plain link.
    pub fn new(href: impl Into<String>, label: impl Into<String>) -> Self {
        Link {
            href: href.into(),
            label: label.into(),
            count: None,
            active: false,
        }
    }
}

/// Who may read an entry with `visibility`, as the editor offers it: "Everyone", "Staff of
/// member cities", "Portland staff only" (for `city_name` Portland).
pub fn visibility_words(visibility: Visibility, city_name: &str) -> String {
    match visibility {
        Visibility::Public => "Everyone".to_owned(),
        Visibility::Network => "Staff of member cities".to_owned(),
        Visibility::Jurisdiction => format!("{city_name} staff only"),
    }
}

/// What a page says of who may read an entry of `city_name`, or None for a public,
/// published entry (most entries: nothing to say).
pub fn readers_notice(meta: &EntryMeta, city_name: &str) -> Option<String> {
    if meta.is_draft() {
        return Some(format!(
            "Draft: only {city_name} staff can see it until it is published."
        ));
    }
    match meta.visibility() {
        Visibility::Public => None,
        Visibility::Network => Some("Visible to staff of member cities.".to_owned()),
        Visibility::Jurisdiction => Some(format!("Visible to {city_name} staff only.")),
    }
}

/// A kind slug's label, or the slug itself.
pub fn kind_label(slug: &str) -> String {
    Kind::parse(slug).map_or_else(|| slug.to_owned(), |k| k.label().to_owned())
}

/// A quote's state in plain words, for a source titled `source_title`.
pub fn verification_words(verification: Verification, source_title: &str) -> String {
    match verification {
        Verification::Verified => {
            format!("Checked word for word against the stored text of {source_title}")
        }
        Verification::NotFound => format!("Not found in the stored text of {source_title}"),
        Verification::NoText => "Not checked: no stored text".to_owned(),
        Verification::Undeclared => "Not checked: no declared source".to_owned(),
    }
}

/// A quote's state as a page shows it: in words, with its slug for styling.
#[derive(Debug, Clone)]
pub struct VerificationView {
    /// The state's slug (`verified`, `not-found`, `no-text`, `undeclared`).
    pub slug: &'static str,
    /// The state in plain words.
    pub words: String,
}

impl VerificationView {
    /// The view of `verification` for a source titled `source_title`.
    pub fn new(verification: Verification, source_title: &str) -> Self {
        VerificationView {
            slug: verification.as_str(),
            words: verification_words(verification, source_title),
        }
    }
}

/// A result as the pages show it.
#[derive(Debug, Clone)]
pub struct HitView {
    /// The entry's id.
    pub id: String,
    /// The entry's page.
    pub href: String,
    /// Title.
    pub title: String,
    /// Jurisdiction link.
    pub jurisdiction: Link,
    /// Kind link.
    pub kind: Link,
    /// Date, `YYYY-MM-DD`.
    pub date: Option<String>,
    /// The passage shown, its matched words marked (the template escapes it and writes the
    /// marks as `<mark>`).
    pub snippet: Snippet,
    /// Topic links.
    pub topics: Vec<Link>,
    /// Whether it is a template to adapt.
    pub is_template: bool,
    /// Who may read it, when not everyone: "Draft", "Member cities", "City staff only".
    pub readers: Option<&'static str>,
    /// "Add to brief": the search page with this entry added to the brief being collected.
    pub brief_href: String,
    /// Whether the brief being collected holds it already.
    pub in_brief: bool,
    /// Whether question search found it by meaning alone (none of the query's words): its
    /// snippet is then the passage closest to the question.
    pub by_meaning: bool,
}

impl HitView {
    /// The view of a search hit, its topics read by `topic_labels`.
    pub fn new(hit: Hit, topic_labels: &TopicLabels) -> Self {
        HitView {
            href: paths::entry(&hit.id),
            jurisdiction: Link::new(
                paths::jurisdiction(&hit.jurisdiction.slug),
                hit.jurisdiction.name,
            ),
            kind: Link::new(paths::kind(hit.kind), hit.kind.label()),
            date: hit.date.map(|d| d.format("%Y-%m-%d").to_string()),
            by_meaning: hit.matched == crate::search::Matched::Meaning,
            snippet: hit.snippet,
            topics: hit
                .topics
                .iter()
                .map(|t| Link::new(paths::topic(t), topic_labels.label(t)))
                .collect(),
            is_template: hit.status == Some(crate::playbook::Status::Template),
            readers: match hit.access {
                Access::Public => None,
                Access::Network => Some("Member cities"),
                Access::OwnCity => Some("City staff only"),
            },
            brief_href: paths::search(&SearchParams::default().with_in_brief(&hit.id)),
            in_brief: false,
            title: hit.title,
            id: hit.id,
        }
    }

    /// The view on a search page collecting a brief (`params.brief`): "Add to brief" keeps
    /// the search and adds the entry.
    pub fn collecting(mut self, params: &SearchParams, id: &str) -> Self {
        self.in_brief = params.brief_ids().iter().any(|i| i == id);
        self.brief_href = paths::search(&params.with_in_brief(id));
        self
    }
}

/// A group of filter links with counts.
#[derive(Debug, Clone)]
pub struct FacetGroup {
    /// The group's heading.
    pub heading: &'static str,
    /// Its links.
    pub links: Vec<Link>,
}

/// A filter's heading over its group of links.
pub fn filter_heading(filter: Filter) -> &'static str {
    match filter {
        Filter::Jurisdiction => "Jurisdiction",
        Filter::Kind => "Kind",
        Filter::Topic => "Topic",
        Filter::State => "State",
        Filter::Level => "Level",
    }
}

/// Where the links of facet groups lead.
#[derive(Debug, Clone, Copy)]
pub enum FacetLinks<'a> {
    /// Each value's listing page (`/kinds/checklist`); none is active.
    Listings,
    /// These search parameters with the value's filter toggled on or off; active if on.
    Toggles(&'a SearchParams),
}

impl FacetLinks<'_> {
    fn href(self, filter: Filter, value: &str) -> String {
        match self {
            FacetLinks::Listings => paths::listing(filter, value),
            FacetLinks::Toggles(params) => paths::search(&params.toggled(filter, value)),
        }
    }

    fn active(self, filter: Filter, value: &str) -> bool {
        match self {
            FacetLinks::Listings => false,
            FacetLinks::Toggles(params) => params.has(filter, value),
        }
    }
}

/// Facet counts as groups of links, labelled by `labels`: the `max_per_group` most frequent
/// values of each filter, and every active one.
pub fn facet_groups(
    facets: &Facets,
    labels: ValueLabels<'_>,
    max_per_group: usize,
    links: FacetLinks<'_>,
) -> Vec<FacetGroup> {
    facets
        .iter()
        .map(|(filter, counts)| {
            // A long tail helps nobody scanning a sidebar; links are made for the values shown.
            let mut values: Vec<(&String, u64)> = counts
                .iter()
                .map(|(value, count)| (value, *count))
                .collect();
            values.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
            let links = values
                .into_iter()
                .enumerate()
                .map(|(rank, (value, count))| (rank, value, count, links.active(filter, value)))
                .filter(|&(rank, _, _, active)| rank < max_per_group || active)
                .map(|(_, value, count, active)| Link {
                    href: links.href(filter, value),
                    label: labels.label(filter, value),
                    count: Some(count),
                    active,
                })
                .collect();
            FacetGroup {
                heading: filter_heading(filter),
                links,
            }
        })
        .filter(|g| !g.links.is_empty())
        .collect()
}

/// How filter values read on pages.
#[derive(Debug, Clone, Copy)]
pub struct ValueLabels<'a> {
    /// Jurisdictions' display names, as a search found them.
    pub names: &'a FacetNames,
    /// The playbook's topic labels.
    pub topics: &'a TopicLabels,
}

impl ValueLabels<'_> {
    /// The words for a filter value: a jurisdiction's display name (else its slug), a kind's
    /// label, a topic's label.
    pub fn label(self, filter: Filter, value: &str) -> String {
        match filter {
            Filter::Jurisdiction => self
                .names
                .get(filter, value)
                .map_or_else(|| value.to_owned(), str::to_owned),
            Filter::Kind => kind_label(value),
            Filter::Topic => self.topics.label(value),
            Filter::State => value.to_ascii_uppercase(),
            Filter::Level => {
                Level::parse(value).map_or_else(|| value.to_owned(), |l| l.label().to_owned())
            }
        }
    }
}

/// Previous and next page links.
#[derive(Debug, Clone, Default)]
pub struct Pagination {
    /// This page, from 1.
    pub page: usize,
    /// How many pages.
    pub pages: usize,
    /// The previous page's link.
    pub prev: Option<String>,
    /// The next page's link.
    pub next: Option<String>,
}

impl Pagination {
    /// Links for `page` of `total` results at `per_page`, each made by `href`.
    pub fn new(page: usize, per_page: usize, total: usize, href: impl Fn(usize) -> String) -> Self {
        let pages = total.div_ceil(per_page).max(1);
        Pagination {
            page,
            pages,
            prev: (page > 1).then(|| href(page - 1)),
            next: (page < pages).then(|| href(page + 1)),
        }
    }
}
