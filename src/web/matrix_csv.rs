//! `GET /compare.csv`: the comparison matrix as a spreadsheet, the same rows and columns as
//! the page: a jurisdiction per row, its entries' titles in each column's cell, one per line.

use axum::extract::{RawQuery, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};

use super::auth::Viewer;
use super::error::PageError;
use super::matrix::{self, CompareParams, Matrix};
use super::pages::ValueLabels;
use super::pages::compare::column_label;
use super::state::AppState;
use crate::playbook::TopicLabels;

/// `GET /compare.csv?by=&q=&jurisdiction=&kind=&topic=`
pub async fn compare_csv(
    State(state): State<AppState>,
    viewer: Viewer,
    RawQuery(raw): RawQuery,
) -> Result<Response, PageError> {
    let params = CompareParams::parse(raw.as_deref())?;
    let matrix = matrix::build(&state, &params, viewer.reader()).await?;
    let filename = format!(
        "attachment; filename=\"playbook-by-{}.csv\"",
        params.by.as_str()
    );
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, filename),
        ],
        csv(&matrix, state.catalog.curated().topic_labels()),
    )
        .into_response())
}

/// The matrix as CSV (RFC 4180, CRLF line ends), with a byte-order mark so spreadsheets read
/// it as UTF-8: `Jurisdiction, State, Level`, then one column per matrix column.
pub fn csv(matrix: &Matrix, topic_labels: &TopicLabels) -> String {
    let labels = ValueLabels {
        names: &matrix.results.facet_names,
        topics: topic_labels,
    };
    let mut out = String::from("\u{feff}");
    let mut header = vec!["Jurisdiction".to_owned(), "State".into(), "Level".into()];
    header.extend(
        matrix
            .columns
            .iter()
            .map(|c| column_label(matrix.by, c, labels)),
    );
    push_record(&mut out, &header);
    for row in &matrix.rows {
        let j = &row.jurisdiction;
        let mut record = vec![
            j.name.clone(),
            j.state.clone().unwrap_or_default(),
            j.level.clone(),
        ];
        for column in &matrix.columns {
            let titles: Vec<&str> = row
                .cells
                .get(column)
                .into_iter()
                .flatten()
                .map(|e| e.title.as_str())
                .collect();
            record.push(titles.join("\n"));
        }
        push_record(&mut out, &record);
    }
    out
}

fn push_record(out: &mut String, fields: &[String]) {
    for (i, field) in fields.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_field(out, field);
    }
    out.push_str("\r\n");
}

/// One field, quoted when it holds a comma, quote or line break; a field a spreadsheet would
/// take for a formula (`=`, `+`, `-`, `@` first) is led by an apostrophe so it stays text.
fn push_field(out: &mut String, field: &str) {
    let formula = field.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let quoted = formula || field.contains([',', '"', '\n', '\r']);
    if quoted {
        out.push('"');
    }
    if formula {
        out.push('\'');
    }
    out.push_str(&field.replace('"', "\"\""));
    if quoted {
        out.push('"');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_quoted_when_needed_and_formulas_stay_text() {
        let mut out = String::new();
        push_record(
            &mut out,
            &[
                "plain".into(),
                "a, b".into(),
                "say \"hi\"".into(),
                "=1+1".into(),
                "one\ntwo".into(),
            ],
        );
        assert_eq!(
            out,
            "plain,\"a, b\",\"say \"\"hi\"\"\",\"'=1+1\",\"one\ntwo\"\r\n"
        );
    }
}
