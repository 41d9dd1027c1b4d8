//! `/compare/entries?ids=A,B[,C,D]`: up to four entries in columns (kind, status, date,
//! jurisdiction, summary, sources) and their bodies lined up by section: sections with the same
//! heading share a row.

use std::collections::HashMap;
use std::sync::Arc;

use askama::Template;
use axum::extract::{RawQuery, State};
use axum::response::{IntoResponse, Response};

use super::{VerificationView, render};
use crate::playbook::markdown::sections::{Section, sections};
use crate::playbook::{CitedSource, Status};
use crate::web::assets::Layout;
use crate::web::auth::MaybeSession;
use crate::web::entry_ids::{EntryIds, MAX_SIDE_BY_SIDE};
use crate::web::error::PageError;
use crate::web::paths;
use crate::web::state::AppState;

/// An entry's column heading and facts.
struct Column {
    title: String,
    href: String,
    kind: String,
    status: Option<&'static str>,
    is_template: bool,
    date: Option<String>,
    jurisdiction: String,
    jurisdiction_href: String,
    summary: String,
    sources: Vec<SourceLine>,
}

/// A source in a column.
struct SourceLine {
    title: String,
    href: Option<String>,
    quote: Option<String>,
    verification: Option<VerificationView>,
}

/// One row of the bodies: a heading and each entry's section of that name (None: it has none).
struct SectionRow {
    heading: String,
    cells: Vec<Option<Arc<str>>>,
}

#[derive(Template)]
#[template(path = "side_by_side.html")]
struct SideBySidePage {
    layout: Layout,
    columns: Vec<Column>,
    sections: Vec<SectionRow>,
    brief_href: String,
}

/// `GET /compare/entries?ids=`: 400 for none, a malformed id or more than four; 404 naming an
/// entry that is not there.
pub async fn side_by_side(
    State(state): State<AppState>,
    MaybeSession(session): MaybeSession,
    RawQuery(raw): RawQuery,
) -> Result<Response, PageError> {
    let ids = EntryIds::from_query(raw.as_deref(), MAX_SIDE_BY_SIDE)?;
    let views = ids.read(&state, session.map(|s| s.user)).await?;
    let bodies: Vec<String> = views
        .iter()
        .map(|v| v.entry.body_markdown.clone())
        .collect();
    let cut = state
        .run_blocking(move |_| bodies.iter().map(|b| sections(b)).collect::<Vec<_>>())
        .await?;
    let aligned = align(cut);
    let mut rows = Vec::with_capacity(aligned.len());
    for (heading, cells) in aligned {
        let mut rendered = Vec::with_capacity(cells.len());
        for cell in cells {
            rendered.push(match cell {
                Some(markdown) => Some(state.html_of(markdown).await?),
                None => None,
            });
        }
        rows.push(SectionRow {
            heading,
            cells: rendered,
        });
    }
    let columns = views
        .iter()
        .map(|view| {
            let meta = &view.entry.meta;
            Column {
                title: meta.title().to_owned(),
                href: paths::entry(&view.entry.id),
                kind: meta.kind().label().to_owned(),
                status: meta.status().map(Status::label),
                is_template: meta.is_template(),
                date: meta.date().map(|d| d.to_string()),
                jurisdiction: view.jurisdiction.display_name(),
                jurisdiction_href: paths::jurisdiction(&view.jurisdiction.slug),
                summary: meta.summary().to_owned(),
                sources: view.sources.iter().cloned().map(SourceLine::new).collect(),
            }
        })
        .collect();
    let page = SideBySidePage {
        layout: Layout::new("Entries side by side"),
        columns,
        sections: rows,
        brief_href: paths::brief(ids.ids(), "", ""),
    };
    Ok(render(&page)?.into_response())
}

impl SourceLine {
    fn new(cited: CitedSource) -> Self {
        let href = match &cited.source {
            Some(id) if cited.declared => Some(paths::source(id)),
            _ => cited.details.url.clone(),
        };
        SourceLine {
            verification: cited
                .verification
                .map(|v| VerificationView::new(v, &cited.details.title)),
            title: cited.details.title,
            href,
            quote: cited.quote,
        }
    }
}

/// The sections of every entry in rows: a row per heading, in the order headings first
/// appear (the first entry's order, then headings only later entries have); sections with the
/// same heading (ignoring case and spacing) share a row, the second of one name in an entry
/// its own row. Text before any heading is the first row, "Introduction".
fn align(entries: Vec<Vec<Section>>) -> Vec<(String, Vec<Option<String>>)> {
    let count = entries.len();
    let mut rows: Vec<(String, Vec<Option<String>>)> = Vec::new();
    let mut by_key: HashMap<(String, usize), usize> = HashMap::new();
    for (column, parts) in entries.into_iter().enumerate() {
        let mut seen: HashMap<String, usize> = HashMap::new();
        for part in parts {
            let heading = part
                .heading
                .clone()
                .unwrap_or_else(|| "Introduction".to_owned());
            let name = heading
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .to_lowercase();
            let nth = seen.entry(name.clone()).or_insert(0);
            let key = (name, *nth);
            *nth += 1;
            let row = *by_key.entry(key).or_insert_with(|| {
                rows.push((heading, vec![None; count]));
                rows.len() - 1
            });
            rows[row].1[column] = Some(part.markdown);
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    fn section(heading: Option<&str>, markdown: &str) -> Section {
        Section {
            heading: heading.map(str::to_owned),
            markdown: markdown.to_owned(),
        }
    }

    #[test]
    fn sections_of_one_name_share_a_row() {
        let rows = align(vec![
            vec![
                section(Some("What the article says"), "a1"),
                section(Some("Steps"), "a2"),
            ],
            vec![
                section(None, "intro"),
                section(Some("what the  article says"), "b1"),
            ],
        ]);
        let headings: Vec<&str> = rows.iter().map(|(h, _)| h.as_str()).collect();
        assert_eq!(headings, ["What the article says", "Steps", "Introduction"]);
        assert_eq!(rows[0].1, [Some("a1".to_owned()), Some("b1".to_owned())]);
        assert_eq!(rows[1].1, [Some("a2".to_owned()), None]);
        assert_eq!(rows[2].1, [None, Some("intro".to_owned())]);
    }
}
