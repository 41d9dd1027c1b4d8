//! The comparison matrix: every entry a search matches, jurisdictions by topic (or by kind),
//! built from the search engine's own results so it narrows, ranks and hides exactly as search
//! does. The page, the JSON API and the CSV download all show this one value.

use std::collections::{BTreeMap, HashSet};

use crate::playbook::Kind;
use crate::playbook::Reader;
use crate::search::{Filter, Hit, JurisdictionRef, MAX_LIMIT, SearchRequest, SearchResults};
use crate::web::entry_ids::query_value;
use crate::web::error::AppError;
use crate::web::params::SearchParams;
use crate::web::state::AppState;

/// The most entries one matrix covers; a search matching more is refused (400) with a request
/// to narrow it, rather than shown in part.
pub const MAX_MATRIX_ENTRIES: usize = 2_000;

/// The column of entries that have no topic (never a slug, so never a topic's column).
pub const NO_TOPIC: &str = "(none)";

/// What the matrix's columns are: `?by=topic` (the default) or `?by=kind`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum CompareBy {
    /// One column per topic; an entry with several topics is in each of their columns.
    #[default]
    Topic,
    /// One column per kind.
    Kind,
}

impl CompareBy {
    /// Every choice, the default first.
    pub const ALL: [CompareBy; 2] = [CompareBy::Topic, CompareBy::Kind];

    /// The value of `by` that asks for it.
    pub fn as_str(self) -> &'static str {
        self.filter().as_str()
    }

    /// The search filter whose values are the columns.
    pub fn filter(self) -> Filter {
        match self {
            CompareBy::Topic => Filter::Topic,
            CompareBy::Kind => Filter::Kind,
        }
    }

    /// Parses `by`: `topic` (or nothing) or `kind`; anything else is a bad request.
    pub fn parse(text: Option<&str>) -> Result<CompareBy, AppError> {
        let text = text.map(str::trim).unwrap_or("");
        if text.is_empty() {
            return Ok(CompareBy::default());
        }
        CompareBy::ALL
            .into_iter()
            .find(|by| by.as_str() == text)
            .ok_or_else(|| {
                AppError::BadRequest(format!(
                    "`by` must be `topic` or `kind`, not `{}`",
                    text.escape_debug()
                ))
            })
    }
}

/// The parameters of a comparison: `by` and the search's own (`q`, `jurisdiction`, `kind`,
/// `topic`, `sort`); a page or limit, if sent, is ignored: a matrix has every match.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CompareParams {
    /// The columns.
    pub by: CompareBy,
    /// The search whose matches are compared.
    pub search: SearchParams,
}

impl CompareParams {
    /// Parses a raw query string: the search's parameters, read by `SearchParams::parse`,
    /// and `by`.
    pub fn parse(raw: Option<&str>) -> Result<CompareParams, AppError> {
        let search = SearchParams::parse(raw)?;
        let by = query_value(raw, "by");
        Ok(CompareParams {
            by: CompareBy::parse(by.as_deref())?,
            search,
        })
    }
}

/// One entry in a cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatrixEntry {
    /// `jurisdiction/slug`.
    pub id: String,
    /// Title.
    pub title: String,
    /// Whether it is a template to adapt.
    pub is_template: bool,
}

/// One jurisdiction's row.
#[derive(Debug, Clone)]
pub struct MatrixRow {
    /// The jurisdiction.
    pub jurisdiction: JurisdictionRef,
    /// Its entries per column, in the search's order; columns without any are left out.
    pub cells: BTreeMap<String, Vec<MatrixEntry>>,
    /// How many of its entries match (each once, whatever its columns).
    pub entries: usize,
}

/// The matrix of a search's matches.
#[derive(Debug, Clone)]
pub struct Matrix {
    /// What the columns are.
    pub by: CompareBy,
    /// The columns' values (topic or kind slugs, or `NO_TOPIC`), in reading order: kinds in
    /// their own order, topics alphabetically.
    pub columns: Vec<String>,
    /// One row per jurisdiction with a match, by name.
    pub rows: Vec<MatrixRow>,
    /// How many entries match in all.
    pub total: usize,
    /// What the search says beside its results (words or filter values no entry has).
    pub results: SearchResults,
}

impl Matrix {
    /// How many entries of a column there are, over every row.
    pub fn column_count(&self, column: &str) -> usize {
        self.rows
            .iter()
            .map(|row| row.cells.get(column).map_or(0, Vec::len))
            .sum()
    }

    /// Every entry of the matrix, each once, row by row.
    pub fn entry_ids(&self) -> Vec<String> {
        let mut seen = HashSet::new();
        let mut ids = Vec::new();
        for row in &self.rows {
            for column in &self.columns {
                for entry in row.cells.get(column).into_iter().flatten() {
                    if seen.insert(entry.id.as_str()) {
                        ids.push(entry.id.clone());
                    }
                }
            }
        }
        ids
    }
}

/// Builds the matrix of `params`, of what `reader` may read: runs the search page after page (the largest the engine
/// gives) until every match is read. Too many matches is a bad request, checked on the
/// first page before any other is read.
pub async fn build(
    state: &AppState,
    params: &CompareParams,
    reader: Reader,
) -> Result<Matrix, AppError> {
    let mut request = SearchRequest {
        limit: MAX_LIMIT,
        offset: 0,
        reader,
        ..params.search.base_request()?
    };
    let mut first = state.search(request.clone()).await?;
    if first.total > MAX_MATRIX_ENTRIES {
        return Err(AppError::BadRequest(format!(
            "a comparison covers at most {MAX_MATRIX_ENTRIES} entries and this search matches {}: \
             narrow it with words or filters",
            first.total
        )));
    }
    let mut hits = std::mem::take(&mut first.hits);
    while hits.len() < first.total {
        request.offset = hits.len();
        let next = state.search(request.clone()).await?;
        if next.hits.is_empty() {
            break;
        }
        hits.extend(next.hits);
    }
    Ok(arrange(params, hits, first))
}

/// The hits in rows and columns.
fn arrange(params: &CompareParams, hits: Vec<Hit>, results: SearchResults) -> Matrix {
    let by = params.by;
    // Filtered by the columns' own filter: only the values asked for are columns.
    let wanted = params.search.values(by.filter());
    let mut seen = HashSet::new();
    let mut rows: BTreeMap<String, MatrixRow> = BTreeMap::new();
    let mut columns: HashSet<String> = HashSet::new();
    for hit in hits {
        // Pages of a changing index may overlap: each entry counts once.
        if !seen.insert(hit.id.clone()) {
            continue;
        }
        let values: Vec<String> = match by {
            CompareBy::Kind => vec![hit.kind.as_str().to_owned()],
            CompareBy::Topic if hit.topics.is_empty() => vec![NO_TOPIC.to_owned()],
            CompareBy::Topic => hit.topics.clone(),
        };
        let entry = MatrixEntry {
            id: hit.id,
            title: hit.title,
            is_template: hit.status == Some(crate::playbook::Status::Template),
        };
        let row = rows
            .entry(hit.jurisdiction.slug.clone())
            .or_insert_with(|| MatrixRow {
                jurisdiction: hit.jurisdiction,
                cells: BTreeMap::new(),
                entries: 0,
            });
        row.entries += 1;
        for value in values {
            if !wanted.is_empty() && !wanted.contains(&value) {
                continue;
            }
            columns.insert(value.clone());
            row.cells.entry(value).or_default().push(entry.clone());
        }
    }
    let mut columns: Vec<String> = columns.into_iter().collect();
    match by {
        CompareBy::Kind => columns.sort_by_key(|c| Kind::parse(c)),
        CompareBy::Topic => columns.sort_by_key(|c| (c == NO_TOPIC, c.clone())),
    }
    let mut rows: Vec<MatrixRow> = rows.into_values().collect();
    rows.sort_by_cached_key(|row| {
        (
            row.jurisdiction.display_name().to_lowercase(),
            row.jurisdiction.slug.clone(),
        )
    });
    Matrix {
        by,
        columns,
        rows,
        total: seen.len(),
        results,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn by_is_topic_by_default_kind_when_asked_and_nothing_else() {
        assert_eq!(CompareBy::parse(None).expect("default"), CompareBy::Topic);
        assert_eq!(
            CompareBy::parse(Some("")).expect("default"),
            CompareBy::Topic
        );
        assert_eq!(
            CompareBy::parse(Some("kind")).expect("kind"),
            CompareBy::Kind
        );
        for bad in ["jurisdiction", "Topic", "x"] {
            assert!(CompareBy::parse(Some(bad)).is_err(), "{bad}");
        }
        let params = CompareParams::parse(Some("q=guard&by=kind&topic=policing")).expect("parses");
        assert_eq!(params.by, CompareBy::Kind);
        assert_eq!(params.search.q, "guard");
        assert_eq!(params.search.values(Filter::Topic), ["policing"]);
    }
}
