//! `GET /brief.md`: a brief as Markdown, to paste into an email or an editor: the cover, the
//! contents, then each entry with its facts, summary, body and numbered citations.

use axum::extract::{Path, RawQuery, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};

use super::{Brief, TEMPLATE_MARK};
use crate::web::auth::Viewer;
use crate::web::error::PageError;
use crate::web::state::AppState;

/// `GET /brief.md?ids=&title=&for=`
pub async fn brief_markdown(
    State(state): State<AppState>,
    Viewer(viewer): Viewer,
    RawQuery(raw): RawQuery,
) -> Result<Response, PageError> {
    let request = super::BriefRequest::parse(raw.as_deref())?;
    let brief = super::load(&state, viewer, request).await?;
    Ok(markdown_response(&brief))
}

/// `GET /briefs/{id}/brief.md`: a saved brief as its viewer may see it.
pub async fn saved_brief_markdown(
    State(state): State<AppState>,
    Viewer(viewer): Viewer,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let (brief, _) = super::load_saved(&state, viewer, id).await?;
    Ok(markdown_response(&brief))
}

/// The brief as a Markdown download.
fn markdown_response(brief: &Brief) -> Response {
    let disposition = format!("inline; filename=\"{}\"", brief.file_name("md"));
    (
        [
            (
                header::CONTENT_TYPE,
                "text/markdown; charset=utf-8".to_owned(),
            ),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        markdown(brief),
    )
        .into_response()
}

/// The brief as Markdown. Titles and quotes are the entries' own words; the bodies are their
/// Markdown, headings moved under each entry's title.
pub fn markdown(brief: &Brief) -> String {
    let mut out = String::new();
    out.push_str(&format!("# {}\n\n", one_line(&brief.title)));
    out.push_str(&format!("Date: {}  \n", brief.date_words()));
    if let Some(reader) = &brief.prepared_for {
        out.push_str(&format!("Prepared for: {}  \n", one_line(reader)));
    }
    out.push_str("From the City Playbook\n\n");
    for paragraph in &brief.intro {
        out.push_str(paragraph);
        out.push_str("\n\n");
    }
    out.push_str("## Contents\n\n");
    for entry in &brief.entries {
        out.push_str(&format!(
            "{}. {} ({})\n",
            entry.number,
            one_line(&entry.title),
            entry.jurisdiction
        ));
    }
    for entry in &brief.entries {
        out.push_str("\n---\n\n");
        out.push_str(&format!(
            "## {}. {}\n\n",
            entry.number,
            one_line(&entry.title)
        ));
        out.push_str(&format!("*{}*\n\n", entry.facts()));
        if entry.is_template {
            out.push_str(&format!("> **{TEMPLATE_MARK}**\n\n"));
        }
        for (i, paragraph) in entry.note.iter().enumerate() {
            let label = if i == 0 { "**Note:** " } else { "" };
            out.push_str(&format!("> {label}{paragraph}\n>\n"));
        }
        if !entry.note.is_empty() {
            out.push('\n');
        }
        out.push_str(&format!("{}\n\n", entry.summary));
        let body = entry.body_markdown.trim();
        if !body.is_empty() {
            out.push_str(body);
            out.push_str("\n\n");
        }
        if !entry.citations.is_empty() {
            out.push_str("### Sources\n\n");
            for citation in &entry.citations {
                out.push_str(&format!("{}. ", citation.number));
                if let Some(quote) = &citation.quote {
                    out.push_str(&format!("“{}” — ", one_line(quote)));
                }
                out.push_str(&citation.reference());
                out.push('\n');
            }
            out.push('\n');
        }
    }
    out
}

/// Text on one line (a heading or list item must not break).
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
