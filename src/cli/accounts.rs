//! `playbook jurisdiction add`, `playbook user add`, `playbook token create|revoke`.

use std::process::ExitCode;

use super::Dirs;
use crate::accounts::{hash_password, new_api_token, new_one_time_password};
use crate::playbook::{Jurisdiction, JurisdictionFields, Slug, load_playbook};
use crate::store::{Role, SqliteStore, Store};

/// Opens the store with the curated jurisdictions in it.
pub fn open_store(dirs: &Dirs) -> Result<SqliteStore, String> {
    let loaded = load_playbook(&dirs.playbook_dir);
    if !loaded.problems.is_empty() {
        return Err(format!(
            "the playbook has problems (run `playbook check`): {}",
            loaded.problems[0]
        ));
    }
    let store = SqliteStore::open(&dirs.data_dir).map_err(|e| e.to_string())?;
    let curated: Vec<&Jurisdiction> = loaded.playbook.jurisdictions.values().collect();
    store
        .sync_curated_jurisdictions(&curated)
        .map_err(|e| e.to_string())?;
    Ok(store)
}

/// Prints the outcome of a command: its output, or the error.
pub fn finish(result: Result<String, String>) -> ExitCode {
    match result {
        Ok(output) => {
            println!("{output}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Adds a jurisdiction.
pub fn add_jurisdiction(
    dirs: &Dirs,
    slug: &str,
    name: &str,
    state: Option<&str>,
    level: &str,
) -> Result<String, String> {
    let slug = Slug::parse(slug)?;
    let fields = JurisdictionFields {
        name: Some(name.to_owned()),
        state: state.map(str::to_owned),
        level: Some(level.to_owned()),
    };
    let jurisdiction = Jurisdiction::parse(slug.clone(), &fields, "").map_err(|problems| {
        let all: Vec<String> = problems.iter().map(ToString::to_string).collect();
        all.join("; ")
    })?;
    let store = open_store(dirs)?;
    store
        .add_jurisdiction(&jurisdiction)
        .map_err(|e| e.to_string())?;
    store
        .audit(None, "jurisdiction.add", slug.as_str())
        .map_err(|e| e.to_string())?;
    Ok(format!(
        "added jurisdiction {slug} ({})",
        jurisdiction.display_name()
    ))
}

/// Adds a user and returns the one-time password to hand over.
pub fn add_user(
    dirs: &Dirs,
    email: &str,
    jurisdiction: &str,
    role: &str,
) -> Result<String, String> {
    let email = email.trim();
    if !email.contains('@') || email.len() > 254 || email.chars().any(char::is_whitespace) {
        return Err("--email must be an email address".into());
    }
    let jurisdiction = Slug::parse(jurisdiction)?;
    let role = Role::parse(role).ok_or("--role must be editor or admin")?;
    let store = open_store(dirs)?;
    let password = new_one_time_password().map_err(|e| e.to_string())?;
    let hash = hash_password(&password).map_err(|e| e.to_string())?;
    let id = store
        .add_user(email, &jurisdiction, role, &hash)
        .map_err(|e| e.to_string())?;
    store
        .audit(None, "user.add", email)
        .map_err(|e| e.to_string())?;
    Ok(format!(
        "added {} {email} (user {id}) for {jurisdiction}\none-time password (hand it over; it is not shown again, and must be changed at first sign-in):\n{password}",
        role.as_str()
    ))
}

/// Creates an API token and returns it (shown once).
pub fn create_token(dirs: &Dirs, email: &str, label: Option<&str>) -> Result<String, String> {
    let store = open_store(dirs)?;
    let user = store
        .user_by_email(email.trim())
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("no user {email}"))?;
    let (token, prefix, hash) = new_api_token().map_err(|e| e.to_string())?;
    let label = label.unwrap_or("API token");
    store
        .add_token(user.id, label, &prefix, &hash)
        .map_err(|e| e.to_string())?;
    store
        .audit(Some(user.id), "token.create", &prefix)
        .map_err(|e| e.to_string())?;
    Ok(token)
}

/// Revokes a token by id or prefix.
pub fn revoke_token(dirs: &Dirs, id_or_prefix: &str) -> Result<String, String> {
    let store = open_store(dirs)?;
    if store
        .revoke_token(None, id_or_prefix.trim())
        .map_err(|e| e.to_string())?
    {
        store
            .audit(None, "token.revoke", id_or_prefix)
            .map_err(|e| e.to_string())?;
        Ok(format!("revoked {id_or_prefix}"))
    } else {
        Err(format!("no live token {id_or_prefix}"))
    }
}
