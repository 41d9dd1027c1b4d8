//! The seeded Minneapolis and Minnesota playbook stays faithful to its source: every quote is
//! word for word from the POLITICO article, the required entries exist, and guidance that goes
//! beyond the article is marked as a template.

use std::path::{Path, PathBuf};

use city_playbook::playbook::markdown::has_task_list;
use city_playbook::playbook::{Cited, Entry, EntryId, Kind, Playbook, Status, load_playbook};

fn crate_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The real playbook; panics if it has any problem.
fn seeded_playbook() -> Playbook {
    let loaded = load_playbook(&crate_root().join("playbook"));
    assert!(loaded.problems.is_empty(), "{:#?}", loaded.problems);
    loaded.playbook
}

fn id(text: &str) -> EntryId {
    EntryId::parse(text).expect("a valid id")
}

/// The reference copy of the article; it lives beside the repository, not in it.
fn article_path() -> PathBuf {
    crate_root().join("../shared/sources/article.txt")
}

/// The body's `## ` sections whose heading speaks of adapting, each with its text.
fn adapt_sections(entry: &Entry) -> Vec<String> {
    let mut sections = Vec::new();
    let mut current: Option<String> = None;
    for line in entry.body_markdown.lines() {
        if line.starts_with("## ") {
            sections.extend(current.take());
            if line.to_lowercase().contains("adapt") {
                current = Some(String::new());
            }
        }
        if let Some(section) = current.as_mut() {
            section.push_str(line);
            section.push('\n');
        }
    }
    sections.extend(current);
    sections
}

#[test]
fn every_quote_is_word_for_word_from_the_article() {
    let path = article_path();
    if !path.exists() {
        eprintln!(
            "note: {} is absent (a reference copy, not shipped); quotes not checked",
            path.display()
        );
        return;
    }
    let article = std::fs::read_to_string(&path).expect("the article is UTF-8 text");
    let playbook = seeded_playbook();
    let mut checked = 0;
    let mut missing = Vec::new();
    for entry in playbook.entries.values() {
        for quote in entry
            .meta
            .sources()
            .iter()
            .filter_map(|s| s.quote.as_deref())
        {
            checked += 1;
            if !article.contains(quote) {
                missing.push(format!("{}: {quote}", entry.id));
            }
        }
    }
    assert!(checked > 0, "no quotes were checked");
    assert!(
        missing.is_empty(),
        "quotes not found word for word:\n{}",
        missing.join("\n")
    );
}

#[test]
fn the_required_entries_exist() {
    let playbook = seeded_playbook();
    for required in [
        "minneapolis-mn/separation-ordinance",
        "minneapolis-mn/parking-lot-executive-order",
        "minneapolis-mn/national-guard-request-checklist",
        "minneapolis-mn/frey-three-points",
    ] {
        assert!(
            playbook.entry(&id(required)).is_some(),
            "{required} is missing"
        );
    }
    assert!(
        playbook.entries.len() >= 12,
        "only {} entries",
        playbook.entries.len()
    );
}

#[test]
fn the_guard_checklist_is_a_template_task_list() {
    let playbook = seeded_playbook();
    let checklist = playbook
        .entry(&id("minneapolis-mn/national-guard-request-checklist"))
        .expect("the checklist exists");
    assert_eq!(checklist.meta.status(), Some(Status::Template));
    assert_eq!(checklist.meta.kind(), Kind::Checklist);
    assert!(has_task_list(&checklist.body_markdown));
}

#[test]
fn every_entry_cites_politico_with_a_quote() {
    let playbook = seeded_playbook();
    for entry in playbook.entries.values() {
        let cited = entry.meta.sources().iter().any(|source| {
            let publisher = match &source.cites {
                Cited::Declared(id) => playbook
                    .source(id.as_str())
                    .and_then(|declared| declared.details.publisher.as_deref()),
                Cited::Inline(details) => details.publisher.as_deref(),
            };
            publisher == Some("POLITICO") && source.quote.as_deref().is_some_and(|q| !q.is_empty())
        });
        assert!(cited, "{} has no quoted POLITICO source", entry.id);
    }
}

#[test]
fn guidance_beyond_the_article_is_marked_as_a_template() {
    let playbook = seeded_playbook();
    let mut marked = 0;
    for entry in playbook.entries.values() {
        for section in adapt_sections(entry) {
            let lower = section.to_lowercase();
            assert!(lower.contains("template"), "{}: {section}", entry.id);
            assert!(
                lower.contains("not from the article"),
                "{}: {section}",
                entry.id
            );
            marked += 1;
        }
    }
    assert!(marked > 0, "no entry has a section about adapting it");
}

#[test]
fn links_to_entries_in_bodies_name_existing_entries() {
    let playbook = seeded_playbook();
    let mut links = 0;
    for entry in playbook.entries.values() {
        for (start, _) in entry.body_markdown.match_indices("](/entries/") {
            links += 1;
            let rest = &entry.body_markdown[start + "](/entries/".len()..];
            let target = rest.split([')', '#', ' ']).next().unwrap_or_default();
            assert!(
                playbook.entry(&id(target)).is_some(),
                "{} links to missing entry {target}",
                entry.id
            );
        }
    }
    assert!(links > 0, "no links between entries were found");
}
