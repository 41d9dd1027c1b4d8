//! `playbook search` and `playbook reindex`: the search engine from the command line.

use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use crate::catalog::{Catalog, StampRecord, StartError};
use crate::config::Dirs;
use crate::playbook::{Playbook, Problem, load_playbook, scan_playbook};
use crate::search::{SearchIndex, SearchRequest, Snippet};
use crate::store::Stores;
use crate::web::api::search::SearchResponse;
use crate::web::search_notes::notes;

fn print_problems(problems: &[Problem]) {
    for problem in problems {
        eprintln!("{problem}");
    }
    eprintln!("the playbook has problems: fix them (see `playbook check`)");
}

/// Loads the playbook, or prints its problems.
fn load_valid_playbook(playbook_dir: &Path) -> Option<Playbook> {
    let loaded = load_playbook(playbook_dir);
    if loaded.problems.is_empty() {
        return Some(loaded.playbook);
    }
    print_problems(&loaded.problems);
    None
}

/// Searches and prints the results as text or as the API's JSON.
pub fn run_search(dirs: &Dirs, request: &SearchRequest, json: bool) -> ExitCode {
    let (playbook_dir, data_dir) = (dirs.playbook.path.as_path(), dirs.data_dir.as_path());
    let stores = match Stores::open(data_dir, dirs.database_url()) {
        Ok(stores) => stores,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let catalog = match Catalog::start(playbook_dir, data_dir, stores.entries) {
        Ok((catalog, _)) => catalog,
        Err(StartError::Playbook(problems)) => {
            print_problems(&problems);
            return ExitCode::FAILURE;
        }
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let started = Instant::now();
    let results = match catalog.search(request) {
        Ok(results) => results,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    if json {
        let took = started.elapsed();
        let warnings = match notes(&catalog, &results) {
            Ok(warnings) => warnings,
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::FAILURE;
            }
        };
        let response = SearchResponse::new(results, took, warnings);
        match serde_json::to_string_pretty(&response) {
            Ok(text) => println!("{text}"),
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::FAILURE;
            }
        }
        return ExitCode::SUCCESS;
    }
    match notes(&catalog, &results) {
        Ok(warnings) => {
            for warning in warnings {
                println!("Note: {warning}.");
            }
        }
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    }
    if results.hits.is_empty() {
        println!("No entries match. Try fewer words, other words, or check the spelling.");
    }
    for (rank, hit) in results.hits.iter().enumerate() {
        println!("{}. {}  [{}]", rank + 1 + results.offset, hit.title, hit.id);
        println!("   {}", snippet_text(&hit.snippet));
    }
    println!("{} of {} entries", results.hits.len(), results.total);
    ExitCode::SUCCESS
}

/// Rebuilds the index from scratch.
pub fn run_reindex(dirs: &Dirs) -> ExitCode {
    let (playbook_dir, data_dir) = (dirs.playbook.path.as_path(), dirs.data_dir.as_path());
    // Taken before reading, so a file changed meanwhile shows as changed next time.
    let scan = scan_playbook(playbook_dir).ok();
    let Some(playbook) = load_valid_playbook(playbook_dir) else {
        return ExitCode::FAILURE;
    };
    let started = Instant::now();
    let rebuilt = SearchIndex::rebuild(data_dir, &playbook)
        .map_err(crate::catalog::CatalogError::from)
        .and_then(|index| {
            drop(index);
            // Contributed entries live in the store: apply them to the fresh index.
            let stores = Stores::open(data_dir, dirs.database_url())?;
            Catalog::open(playbook_dir, &playbook, data_dir, stores.entries)
        });
    match rebuilt {
        Ok((catalog, _)) => {
            if let Some(scan) = &scan {
                StampRecord::save_after_full_load(
                    data_dir,
                    scan,
                    &playbook.fingerprint,
                    &playbook.quotes,
                );
            }
            println!(
                "indexed {} entries in {:.2}s into {}",
                catalog.num_entries(),
                started.elapsed().as_secs_f64(),
                catalog.index_path().display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// A snippet as terminal text: marked words between *stars*.
fn snippet_text(snippet: &Snippet) -> String {
    let mut text = String::with_capacity(snippet.text().len() + 2 * snippet.marks().len());
    for (part, marked) in snippet.parts() {
        if marked {
            text.push('*');
            text.push_str(part);
            text.push('*');
        } else {
            text.push_str(part);
        }
    }
    text
}
