//! `GET /brief.docx`: a brief as a Word document: the cover, the contents, then each entry on
//! a new page under a Word heading, its body's headings as Word headings, checklist steps with
//! tick boxes, and its sources as numbered citations with their quotes word for word.

use std::io::Cursor;

use axum::extract::{Path, RawQuery, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use docx_rs::{
    AlignmentType, BreakType, Docx, Paragraph, Run, RunFonts, SpecialIndentType, Style, StyleType,
};
use pulldown_cmark::{Event, Parser, Tag, TagEnd};

use super::{BODY_HEADING_LEVEL, Brief, BriefEntry, TEMPLATE_MARK};
use crate::web::auth::Viewer;
use crate::web::error::{AppError, PageError};
use crate::web::state::AppState;

/// The Word document's media type.
const DOCX_TYPE: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

/// `GET /brief.docx?ids=&title=&for=`
pub async fn brief_docx(
    State(state): State<AppState>,
    Viewer(viewer): Viewer,
    RawQuery(raw): RawQuery,
) -> Result<Response, PageError> {
    let request = super::BriefRequest::parse(raw.as_deref())?;
    let brief = super::load(&state, viewer, request).await?;
    Ok(docx_response(&state, brief).await?)
}

/// `GET /briefs/{id}/brief.docx`: a saved brief as its viewer may see it.
pub async fn saved_brief_docx(
    State(state): State<AppState>,
    Viewer(viewer): Viewer,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let (brief, _) = super::load_saved(&state, viewer, id).await?;
    Ok(docx_response(&state, brief).await?)
}

/// The brief as a Word download, written off the async threads.
async fn docx_response(state: &AppState, brief: Brief) -> Result<Response, AppError> {
    let disposition = format!("attachment; filename=\"{}\"", brief.file_name("docx"));
    let bytes = state.run_blocking(move |_| docx(&brief)).await??;
    Ok((
        [
            (header::CONTENT_TYPE, DOCX_TYPE.to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response())
}

/// The brief as a `.docx` file's bytes. CPU work in proportion to the bodies: call it off the
/// async threads.
pub fn docx(brief: &Brief) -> Result<Vec<u8>, AppError> {
    let mut doc = with_styles(Docx::new());
    doc = doc.add_paragraph(text_paragraph(&brief.title).style("Title"));
    doc = doc.add_paragraph(text_paragraph(&format!("Date: {}", brief.date_words())));
    if let Some(reader) = &brief.prepared_for {
        doc = doc.add_paragraph(text_paragraph(&format!("Prepared for: {reader}")));
    }
    doc = doc.add_paragraph(text_paragraph("From the City Playbook"));
    for paragraph in &brief.intro {
        doc = doc.add_paragraph(text_paragraph(paragraph));
    }
    doc = doc.add_paragraph(text_paragraph("Contents").style("Heading1"));
    for entry in &brief.entries {
        doc = doc.add_paragraph(text_paragraph(&format!(
            "{}. {} ({})",
            entry.number, entry.title, entry.jurisdiction
        )));
    }
    for entry in &brief.entries {
        doc = add_entry(doc, entry);
    }
    let mut bytes = Cursor::new(Vec::new());
    doc.build()
        .pack(&mut bytes)
        .map_err(|e| AppError::internal(format!("could not write the Word document: {e}")))?;
    Ok(bytes.into_inner())
}

/// Word's own style ids and names for the title and headings, so Word lists them in its
/// navigation pane and tables of contents.
fn with_styles(doc: Docx) -> Docx {
    let heading = |level: usize, size: usize| {
        Style::new(format!("Heading{level}"), StyleType::Paragraph)
            .name(format!("heading {level}"))
            .based_on("Normal")
            .next("Normal")
            .q_format(true)
            .outline_lvl(level - 1)
            .size(size)
            .bold()
    };
    doc.default_fonts(RunFonts::new().ascii("Calibri").hi_ansi("Calibri"))
        .default_size(22)
        .add_style(
            Style::new("Title", StyleType::Paragraph)
                .name("Title")
                .based_on("Normal")
                .next("Normal")
                .q_format(true)
                .size(48)
                .bold(),
        )
        .add_style(heading(1, 36))
        .add_style(heading(2, 30))
        .add_style(heading(3, 26))
        .add_style(heading(4, 24))
        .add_style(heading(5, 22))
        .add_style(heading(6, 22))
}

fn text_paragraph(text: &str) -> Paragraph {
    Paragraph::new().add_run(Run::new().add_text(text))
}

/// One entry: its title on a new page, facts, template mark, summary, body and citations.
fn add_entry(mut doc: Docx, entry: &BriefEntry) -> Docx {
    doc = doc.add_paragraph(
        text_paragraph(&format!("{}. {}", entry.number, entry.title))
            .style("Heading1")
            .page_break_before(true),
    );
    doc = doc.add_paragraph(Paragraph::new().add_run(Run::new().add_text(entry.facts()).italic()));
    if entry.is_template {
        doc =
            doc.add_paragraph(Paragraph::new().add_run(Run::new().add_text(TEMPLATE_MARK).bold()));
    }
    for (i, paragraph) in entry.note.iter().enumerate() {
        let mut note = Paragraph::new();
        if i == 0 {
            note = note.add_run(Run::new().add_text("Note: ").bold());
        }
        doc = doc.add_paragraph(note.add_run(Run::new().add_text(paragraph).italic()));
    }
    doc = doc.add_paragraph(text_paragraph(&entry.summary));
    for paragraph in body_paragraphs(&entry.body_markdown) {
        doc = doc.add_paragraph(paragraph);
    }
    if !entry.citations.is_empty() {
        let level = (BODY_HEADING_LEVEL - 1).min(6);
        doc = doc.add_paragraph(text_paragraph("Sources").style(&format!("Heading{level}")));
        for citation in &entry.citations {
            let mut paragraph = Paragraph::new()
                .indent(Some(360), Some(SpecialIndentType::Hanging(360)), None, None)
                .add_run(
                    Run::new()
                        .add_text(format!("[{}] ", citation.number))
                        .bold(),
                );
            if let Some(quote) = &citation.quote {
                paragraph = paragraph.add_run(Run::new().add_text(format!("“{quote}” — ")));
            }
            paragraph = paragraph.add_run(Run::new().add_text(citation.reference()));
            doc = doc.add_paragraph(paragraph);
        }
    }
    doc
}

/// Inline formatting in force.
#[derive(Default, Clone, Copy)]
struct Marks {
    bold: bool,
    italic: bool,
    code: bool,
}

/// A body's Markdown as Word paragraphs: headings as Word headings, paragraphs, list items
/// with bullets, numbers or tick boxes, quotes indented, tables a row per line; emphasis kept.
/// Raw HTML is left out, as on the page.
fn body_paragraphs(markdown: &str) -> Vec<Paragraph> {
    let markdown = crate::playbook::markdown::nesting::capped_lines(
        markdown,
        crate::playbook::markdown::MAX_NESTING_DEPTH,
    );
    let mut out = Vec::new();
    let mut current: Option<Paragraph> = None;
    let mut marks = Marks::default();
    let mut quote_depth = 0usize;
    // Per open list: the next number, or None for bullets.
    let mut lists: Vec<Option<u64>> = Vec::new();
    let mut link: Option<String> = None;
    let indent = |lists: usize, quotes: usize| ((lists + quotes) * 360) as i32;
    let start = |current: &mut Option<Paragraph>, out: &mut Vec<Paragraph>, p: Paragraph| {
        if let Some(done) = current.replace(p) {
            out.push(done);
        }
    };
    let finish = |current: &mut Option<Paragraph>, out: &mut Vec<Paragraph>| {
        if let Some(done) = current.take() {
            out.push(done);
        }
    };
    for event in Parser::new_ext(&markdown, crate::playbook::markdown::options()) {
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                let style = format!("Heading{}", (level as usize).clamp(2, 6));
                start(&mut current, &mut out, Paragraph::new().style(&style));
            }
            Event::End(TagEnd::Heading(_)) => {
                finish(&mut current, &mut out);
            }
            Event::Start(Tag::Paragraph) => {
                // A list item's first paragraph continues the item's line.
                let continues =
                    current.as_ref().is_some_and(|p| p.children().len() <= 1) && !lists.is_empty();
                if !continues {
                    let p = Paragraph::new().indent(
                        Some(indent(lists.len(), quote_depth)),
                        None,
                        None,
                        None,
                    );
                    start(&mut current, &mut out, p);
                }
            }
            // Inside a list the item's end closes its paragraph.
            Event::End(TagEnd::Paragraph) if lists.is_empty() => {
                finish(&mut current, &mut out);
            }
            Event::Start(Tag::BlockQuote(_)) => quote_depth += 1,
            Event::End(TagEnd::BlockQuote(_)) => {
                finish(&mut current, &mut out);
                quote_depth = quote_depth.saturating_sub(1);
            }
            Event::Start(Tag::List(first)) => {
                finish(&mut current, &mut out);
                lists.push(first);
            }
            Event::End(TagEnd::List(_)) => {
                finish(&mut current, &mut out);
                lists.pop();
            }
            Event::Start(Tag::Item) => {
                let marker = match lists.last_mut() {
                    Some(Some(number)) => {
                        let text = format!("{number}. ");
                        *number += 1;
                        text
                    }
                    _ => "• ".to_owned(),
                };
                let p = Paragraph::new()
                    .indent(
                        Some(indent(lists.len(), quote_depth)),
                        Some(SpecialIndentType::Hanging(360)),
                        None,
                        None,
                    )
                    .add_run(Run::new().add_text(marker));
                start(&mut current, &mut out, p);
            }
            Event::End(TagEnd::Item) => finish(&mut current, &mut out),
            Event::TaskListMarker(done) => {
                // The bullet becomes a tick box: ☐ to tick on paper, ☒ when ticked.
                let p = Paragraph::new()
                    .indent(
                        Some(indent(lists.len(), quote_depth)),
                        Some(SpecialIndentType::Hanging(360)),
                        None,
                        None,
                    )
                    .add_run(Run::new().add_text(if done { "☒ " } else { "☐ " }));
                current = Some(p);
            }
            Event::Start(Tag::Emphasis) => marks.italic = true,
            Event::End(TagEnd::Emphasis) => marks.italic = false,
            Event::Start(Tag::Strong) => marks.bold = true,
            Event::End(TagEnd::Strong) => marks.bold = false,
            Event::Start(Tag::Link { dest_url, .. }) => link = Some(dest_url.to_string()),
            Event::End(TagEnd::Link) => {
                if let Some(url) = link.take().filter(|u| u.starts_with("http")) {
                    push_run(&mut current, &format!(" ({url})"), Marks::default());
                }
            }
            Event::Start(Tag::CodeBlock(_)) => {
                marks.code = true;
                start(
                    &mut current,
                    &mut out,
                    Paragraph::new().indent(
                        Some(indent(lists.len(), quote_depth) + 360),
                        None,
                        None,
                        None,
                    ),
                );
            }
            Event::End(TagEnd::CodeBlock) => {
                marks.code = false;
                finish(&mut current, &mut out);
            }
            Event::Start(Tag::TableRow | Tag::TableHead) => {
                start(&mut current, &mut out, Paragraph::new());
            }
            Event::End(TagEnd::TableRow | TagEnd::TableHead) => finish(&mut current, &mut out),
            Event::End(TagEnd::TableCell) => push_run(&mut current, " | ", Marks::default()),
            Event::Text(text) => {
                let mut run_marks = marks;
                run_marks.italic |= quote_depth > 0;
                push_run(&mut current, &text, run_marks);
            }
            Event::Code(text) => {
                let run_marks = Marks {
                    code: true,
                    ..marks
                };
                push_run(&mut current, &text, run_marks);
            }
            Event::SoftBreak => push_run(&mut current, " ", marks),
            Event::HardBreak => {
                if let Some(p) = current.take() {
                    current = Some(p.add_run(Run::new().add_break(BreakType::TextWrapping)));
                }
            }
            Event::Rule => {
                finish(&mut current, &mut out);
                out.push(text_paragraph("* * *").align(AlignmentType::Center));
            }
            _ => {}
        }
    }
    finish(&mut current, &mut out);
    out
}

/// Adds text to the paragraph being written (a new one when none is open).
fn push_run(current: &mut Option<Paragraph>, text: &str, marks: Marks) {
    let mut run = Run::new().add_text(text);
    if marks.bold {
        run = run.bold();
    }
    if marks.italic {
        run = run.italic();
    }
    if marks.code {
        run = run.fonts(RunFonts::new().ascii("Consolas").hi_ansi("Consolas"));
    }
    let paragraph = current.take().unwrap_or_default();
    *current = Some(paragraph.add_run(run));
}
