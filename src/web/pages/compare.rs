//! `/compare`: the comparison matrix as a page: jurisdictions as rows, topics (or kinds) as
//! columns, each cell the entries of that jurisdiction and column, linked, with counts.

use askama::Template;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

use super::{Link, ValueLabels, render};
use crate::playbook::TopicLabels;
use crate::web::assets::Layout;
use crate::web::auth::Viewer;
use crate::web::entry_ids::MAX_BRIEF_ENTRIES;
use crate::web::error::{AppError, PageError};
use crate::web::matrix::{self, CompareBy, CompareParams, Matrix, NO_TOPIC};
use crate::web::paths;
use crate::web::state::AppState;

/// A column's heading.
struct ColumnView {
    label: String,
    count: usize,
}

/// An entry in a cell.
struct CellEntry {
    href: String,
    title: String,
    is_template: bool,
    /// A brief of this one entry.
    brief_href: String,
    /// Its id, for the brief tray.
    id: String,
}

/// One cell: its column's label (shown beside each cell on a phone) and its entries.
struct CellView {
    column: String,
    entries: Vec<CellEntry>,
}

/// One jurisdiction's row.
struct RowView {
    name: String,
    href: String,
    count: usize,
    cells: Vec<CellView>,
}

#[derive(Template)]
#[template(path = "compare.html")]
struct ComparePage {
    layout: Layout,
    q: String,
    by: &'static str,
    /// Topic and Kind, as links to this matrix with those columns.
    by_links: Vec<Link>,
    /// The search's filters, each as a link removing it.
    active_filters: Vec<(String, String)>,
    caption: String,
    corner: &'static str,
    columns: Vec<ColumnView>,
    rows: Vec<RowView>,
    total: usize,
    notes: Vec<String>,
    problem: Option<String>,
    search_href: String,
    csv_href: String,
    api_href: String,
    /// A brief of every entry in the matrix, when there are few enough.
    brief_href: Option<String>,
}

/// `GET /compare?by=topic|kind&q=&jurisdiction=&kind=&topic=`. A bad `by` is a 400 page; a
/// search that cannot run keeps the page, with the reason.
pub async fn compare(
    State(state): State<AppState>,
    viewer: Viewer,
    RawQuery(raw): RawQuery,
) -> Result<Response, PageError> {
    let params = CompareParams::parse(raw.as_deref())?;
    match matrix::build(&state, &params, viewer.reader()).await {
        Ok(matrix) => {
            let notes = crate::web::search_notes::search_notes(&state, &matrix.results).await?;
            Ok(page(
                state.catalog.curated().topic_labels(),
                &params,
                Some(matrix),
                notes,
                None,
            )?
            .into_response())
        }
        Err(AppError::BadRequest(problem)) => {
            let html = page(
                state.catalog.curated().topic_labels(),
                &params,
                None,
                Vec::new(),
                Some(problem),
            )?;
            Ok((StatusCode::BAD_REQUEST, html).into_response())
        }
        Err(other) => Err(other.into()),
    }
}

/// A column's words: a topic's or kind's label, or "No topic".
pub fn column_label(matrix_by: CompareBy, column: &str, labels: ValueLabels<'_>) -> String {
    if column == NO_TOPIC {
        return "No topic".to_owned();
    }
    labels.label(matrix_by.filter(), column)
}

fn page(
    topic_labels: &TopicLabels,
    params: &CompareParams,
    matrix: Option<Matrix>,
    notes: Vec<String>,
    problem: Option<String>,
) -> Result<Html<String>, PageError> {
    let by = params.by;
    let search = &params.search;
    let by_links = CompareBy::ALL
        .into_iter()
        .map(|choice| Link {
            active: choice == by,
            ..Link::new(paths::compare(choice, search), by_heading(choice))
        })
        .collect();
    let names = matrix
        .as_ref()
        .map(|m| m.results.facet_names.clone())
        .unwrap_or_default();
    let labels = ValueLabels {
        names: &names,
        topics: topic_labels,
    };
    let mut active_filters = Vec::new();
    for (filter, values) in search.filters.iter() {
        for value in values {
            active_filters.push((
                paths::compare(by, &search.toggled(filter, value)),
                format!("{}: {}", filter.as_str(), labels.label(filter, value)),
            ));
        }
    }
    let (columns, rows, total, brief_href) = match &matrix {
        Some(matrix) => {
            let columns = matrix
                .columns
                .iter()
                .map(|c| ColumnView {
                    label: column_label(by, c, labels),
                    count: matrix.column_count(c),
                })
                .collect();
            let rows = matrix
                .rows
                .iter()
                .map(|row| RowView {
                    name: row.jurisdiction.display_name(),
                    href: paths::jurisdiction(&row.jurisdiction.slug),
                    count: row.entries,
                    cells: matrix
                        .columns
                        .iter()
                        .map(|c| CellView {
                            column: column_label(by, c, labels),
                            entries: row
                                .cells
                                .get(c)
                                .into_iter()
                                .flatten()
                                .map(|e| CellEntry {
                                    href: paths::entry(&e.id),
                                    title: e.title.clone(),
                                    is_template: e.is_template,
                                    brief_href: paths::brief(&[&e.id], "", ""),
                                    id: e.id.to_string(),
                                })
                                .collect(),
                        })
                        .collect(),
                })
                .collect();
            let ids = matrix.entry_ids();
            let brief_href = (!ids.is_empty() && ids.len() <= MAX_BRIEF_ENTRIES)
                .then(|| paths::brief(&ids, "", ""));
            (columns, rows, matrix.total, brief_href)
        }
        None => (Vec::new(), Vec::new(), 0, None),
    };
    let title = if search.q.trim().is_empty() {
        format!("Compare jurisdictions by {}", by.as_str())
    } else {
        format!("Compare “{}” by {}", search.q.trim(), by.as_str())
    };
    render(&ComparePage {
        layout: Layout::new(title),
        q: search.q.clone(),
        by: by.as_str(),
        by_links,
        active_filters,
        caption: format!(
            "Entries by jurisdiction (rows) and {} (columns); each cell lists its entries",
            by.as_str()
        ),
        corner: "Jurisdiction",
        columns,
        rows,
        total,
        notes,
        problem,
        search_href: paths::search(search),
        csv_href: paths::compare_csv(by, search),
        api_href: paths::api_compare(by, search),
        brief_href,
    })
}

/// What the switch between column choices calls each.
fn by_heading(by: CompareBy) -> &'static str {
    match by {
        CompareBy::Topic => "By topic",
        CompareBy::Kind => "By kind",
    }
}
