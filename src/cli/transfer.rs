//! `playbook export DIR` and `playbook import DIR --as EMAIL`: contributed entries as
//! playbook files, and back.

use std::fs;
use std::path::Path;

use crate::accounts::Accounts;
use crate::catalog::{Catalog, CatalogError};
use crate::config::Dirs;
use crate::playbook::Reader;
use crate::playbook::entry::{EntryInput, JurisdictionInput};
use crate::playbook::load::JURISDICTION_INDEX;
use crate::playbook::source::{DECLARATION_ENDING, SOURCES_FOLDER};
use crate::playbook::write::{entry_file, jurisdiction_file, source_declaration_file};
use crate::playbook::{Playbook, load_playbook};
use crate::store::{Role, reader_of};

/// The catalog over `playbook`, read from the playbook folder of `dirs`, and the accounts.
fn open_catalog(dirs: &Dirs, playbook: &Playbook) -> Result<(Catalog, Accounts), String> {
    let stores = super::accounts::open_store(dirs)?;
    let (catalog, _) = Catalog::open(
        &dirs.playbook.path,
        playbook,
        &dirs.data_dir,
        stores.entries,
    )
    .map_err(|e| e.to_string())?;
    Ok((catalog, Accounts::new(stores.accounts)))
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
    }
    fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}

/// Who an export reads as: anyone (no account), the account `as_email`, or with `all` every
/// entry, which needs an admin's account.
fn export_reader(accounts: &Accounts, as_email: Option<&str>, all: bool) -> Result<Reader, String> {
    let user = match as_email {
        Some(email) => Some(
            accounts
                .user_by_email(email)
                .map_err(|e| e.to_string())?
                .ok_or_else(|| format!("no user {email}"))?,
        ),
        None => None,
    };
    match (all, &user) {
        (true, Some(user)) if user.role == Role::Admin => Ok(Reader::Admin),
        (true, _) => {
            Err("--all exports drafts and city-only entries: name an admin with --as".into())
        }
        (false, _) => Ok(reader_of(user.as_ref())),
    }
}

/// Writes the curated playbook (its source declarations too, not their stored texts) and the
/// live contributed entries to `out` as playbook files, so `playbook check --playbook-dir OUT`
/// passes and the files can go into a pull request: those entries anyone may read, or those
/// the account `as_email` may read, or with `all` (an admin's `as_email`) every one.
pub fn export(
    dirs: &Dirs,
    out: &Path,
    as_email: Option<&str>,
    all: bool,
) -> Result<String, String> {
    // The catalog reads curated entries on demand; an export wants them all at once.
    let loaded = load_playbook(&dirs.playbook.path);
    let (catalog, accounts) = open_catalog(dirs, &loaded.playbook)?;
    let reader = export_reader(&accounts, as_email, all)?;
    let readable = |entry: &crate::playbook::Entry| {
        reader.may_read(entry.id.jurisdiction.as_str(), entry.meta.access())
    };
    let playbook = &loaded.playbook;
    for j in playbook.jurisdictions.values() {
        write(
            &out.join(j.slug.as_str()).join(JURISDICTION_INDEX),
            &jurisdiction_file(j),
        )?;
    }
    // Declarations only: stored texts stay with the instance that may keep them.
    for source in playbook.sources.values() {
        let path = out
            .join(SOURCES_FOLDER)
            .join(format!("{}{DECLARATION_ENDING}", source.id));
        write(&path, &source_declaration_file(source))?;
    }
    let contributed = catalog.contributed_entries().map_err(|e| e.to_string())?;
    // What goes out: links to anything else stay behind (as on the entry's page), or
    // `playbook check` would fail on an unknown related id.
    let exported: std::collections::BTreeSet<_> = playbook
        .entries
        .values()
        .filter(|e| readable(e))
        .chain(
            contributed
                .iter()
                .filter(|c| !c.retired && readable(&c.entry))
                .map(|c| &c.entry),
        )
        .map(|e| e.id.clone())
        .collect();
    let mut curated = 0;
    for entry in playbook.entries.values().filter(|e| readable(e)) {
        let path = out
            .join(entry.id.jurisdiction.as_str())
            .join(format!("{}.md", entry.id.slug));
        let meta = entry.meta.keeping_related(|id| exported.contains(id));
        write(&path, &entry_file(&meta, &entry.body_markdown))?;
        curated += 1;
    }
    // The maintainers' files beside the jurisdiction folders go along as they are.
    for name in [
        crate::playbook::synonyms::SYNONYMS_FILE,
        crate::playbook::topics::TOPICS_FILE,
    ] {
        let file = dirs.playbook.path.join(name);
        if file.is_file() {
            fs::copy(&file, out.join(name)).map_err(|e| e.to_string())?;
        }
    }
    let mut count = 0;
    for c in contributed
        .iter()
        .filter(|c| !c.retired && readable(&c.entry))
    {
        let slug = c.entry.jurisdiction().as_str();
        let index = out.join(slug).join(JURISDICTION_INDEX);
        if !index.is_file() {
            let j = catalog
                .jurisdiction(slug)
                .map_err(|e| e.to_string())?
                .ok_or_else(|| format!("no jurisdiction {slug}"))?;
            write(&index, &jurisdiction_file(&j))?;
        }
        let meta = c.entry.meta.keeping_related(|id| exported.contains(id));
        let path = out.join(slug).join(format!("{}.md", c.entry.id.slug));
        write(&path, &entry_file(&meta, &c.entry.body_markdown))?;
        count += 1;
    }
    Ok(format!(
        "exported {count} contributed entries (and {curated} curated) to {}",
        out.display()
    ))
}

/// Loads the entries of `dir` as contributions by `email`; curated ids are skipped, and an
/// entry that exists already gets a new revision only when it changed.
pub fn import(dirs: &Dirs, dir: &Path, email: &str) -> Result<String, String> {
    let loaded = load_playbook(dir);
    if !loaded.problems.is_empty() {
        let list: Vec<String> = loaded.problems.iter().map(ToString::to_string).collect();
        return Err(format!(
            "{} has problems:\n{}",
            dir.display(),
            list.join("\n")
        ));
    }
    let (catalog, accounts) = open_catalog(dirs, &load_playbook(&dirs.playbook.path).playbook)?;
    let user = accounts
        .user_by_email(email)
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("no user {email}"))?;
    let mut created = std::collections::BTreeSet::new();
    let (mut updated, mut unchanged, mut skipped) = (0, 0, Vec::new());
    let input_of = |entry: &crate::playbook::Entry| {
        let mut input = EntryInput::of_entry(&entry.id.slug, &entry.meta, &entry.body_markdown);
        input.jurisdiction = Some(JurisdictionInput::Slug(entry.id.jurisdiction.to_string()));
        input
    };
    let contributions: Vec<_> = loaded
        .playbook
        .entries
        .values()
        .filter(|entry| {
            let curated = catalog.is_curated(&entry.id);
            if curated {
                skipped.push(format!("{} (curated)", entry.id));
            }
            !curated
        })
        .collect();
    // First create what is new, without related ids (they may point at entries created later).
    for entry in &contributions {
        let id = &entry.id;
        if catalog.entry(id).map_err(|e| e.to_string())?.is_some() {
            continue;
        }
        // Only an admin may write another jurisdiction's entries, so only an admin's import
        // adds the jurisdictions they belong to.
        if user.role == Role::Admin
            && catalog
                .jurisdiction(id.jurisdiction.as_str())
                .map_err(|e| e.to_string())?
                .is_none()
            && let Some(j) = loaded.playbook.jurisdictions.get(&id.jurisdiction)
        {
            catalog
                .add_jurisdiction(j, Some(user.id))
                .map_err(|e| e.to_string())?;
        }
        let mut input = input_of(entry);
        input.fields.related.0.clear();
        match catalog.create(&user, &input, "imported") {
            Ok(_) => {
                created.insert(id.clone());
            }
            Err(CatalogError::Forbidden(m)) => skipped.push(format!("{id} ({m})")),
            Err(e) => return Err(format!("{id}: {e}")),
        }
    }
    // Then bring every entry to the file's content.
    for entry in &contributions {
        let id = &entry.id;
        let Some(current) = catalog.entry(id).map_err(|e| e.to_string())? else {
            continue;
        };
        if current.entry.meta == entry.meta && current.entry.body_markdown == entry.body_markdown {
            if !created.contains(id) {
                unchanged += 1;
            }
            continue;
        }
        match catalog.update(&user, id, &input_of(entry), "imported", None) {
            Ok(_) if created.contains(id) => {}
            Ok(_) => updated += 1,
            Err(CatalogError::Forbidden(m)) => skipped.push(format!("{id} ({m})")),
            Err(e) => return Err(format!("{id}: {e}")),
        }
    }
    let created = created.len();
    let mut report =
        format!("imported {created} new entries; {updated} revised, {unchanged} unchanged");
    if !skipped.is_empty() {
        report.push_str(&format!(
            "\nskipped {}:\n  {}",
            skipped.len(),
            skipped.join("\n  ")
        ));
    }
    Ok(report)
}
