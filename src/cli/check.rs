//! `playbook check`: validates the playbook folder, and checks every quote of a declared source
//! against the sources' stored texts where they are there.

use std::path::Path;
use std::process::ExitCode;

use crate::playbook::{Provenance, SourceTexts, load_playbook};

/// Prints every problem (exit 1) or a one-line summary (exit 0), with a note when quotes were
/// not checked. Quotes not found in their source's stored text are problems; with
/// `require_verified`, so are quotes of a declared source with no stored text.
pub fn run(playbook_dir: &Path, sources_dir: &Path, require_verified: bool) -> ExitCode {
    let loaded = load_playbook(playbook_dir);
    let playbook = &loaded.playbook;
    let (texts, text_problems) = SourceTexts::read(sources_dir, playbook.sources.keys());
    let provenance = Provenance::new(playbook.sources.clone(), texts);
    let check = provenance.check(&playbook.quotes, playbook_dir);
    let mut problems = loaded.problems.clone();
    problems.extend(text_problems);
    problems.extend(check.problems(require_verified));
    problems.sort();
    if !problems.is_empty() {
        for problem in &problems {
            eprintln!("{problem}");
        }
        eprintln!("{} problem(s) found", problems.len());
        return ExitCode::FAILURE;
    }
    let mut summary = format!(
        "ok: {} entries in {} jurisdictions ({} synonym groups)",
        playbook.entries.len(),
        playbook.jurisdictions.len(),
        playbook.synonyms.groups.len()
    );
    if !playbook.sources.is_empty() {
        let quotes = playbook.quotes.of_declared.len();
        summary.push_str(&format!(
            ", {} declared source(s), {} of {quotes} quote(s) of them checked word for word",
            playbook.sources.len(),
            check.verified,
        ));
    }
    println!("{summary}");
    if let Some(note) = check.note(sources_dir) {
        println!("note: {note}");
    }
    ExitCode::SUCCESS
}
