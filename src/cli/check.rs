//! `playbook check`: validates the playbook folder.

use std::path::Path;
use std::process::ExitCode;

use crate::playbook::load_playbook;

/// Prints every problem (exit 1) or a one-line summary (exit 0).
pub fn run(playbook_dir: &Path) -> ExitCode {
    let loaded = load_playbook(playbook_dir);
    if loaded.problems.is_empty() {
        println!(
            "ok: {} entries in {} jurisdictions ({} synonym groups)",
            loaded.playbook.entries.len(),
            loaded.playbook.jurisdictions.len(),
            loaded.playbook.synonyms.groups.len()
        );
        ExitCode::SUCCESS
    } else {
        for problem in &loaded.problems {
            eprintln!("{problem}");
        }
        eprintln!("{} problem(s) found", loaded.problems.len());
        ExitCode::FAILURE
    }
}
