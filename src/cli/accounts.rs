//! `playbook jurisdiction add`, `playbook user add`, `playbook token create|revoke`.

use std::process::ExitCode;

use crate::accounts::Accounts;
use crate::config::Dirs;
use crate::playbook::{Jurisdiction, JurisdictionFields, Slug, load_playbook};
use crate::store::{Role, Stores};

/// Opens the store with the curated jurisdictions in it.
pub fn open_store(dirs: &Dirs) -> Result<Stores, String> {
    let loaded = load_playbook(&dirs.playbook.path);
    if !loaded.problems.is_empty() {
        return Err(format!(
            "the playbook has problems (run `playbook check`): {}",
            loaded.problems[0]
        ));
    }
    let stores = Stores::open(&dirs.data_dir, dirs.database_url()).map_err(|e| e.to_string())?;
    let curated: Vec<&Jurisdiction> = loaded.playbook.jurisdictions.values().collect();
    stores
        .entries
        .sync_curated_jurisdictions(&curated)
        .map_err(|e| e.to_string())?;
    Ok(stores)
}

/// The accounts service over the store of `dirs`.
fn accounts(dirs: &Dirs) -> Result<Accounts, String> {
    Ok(Accounts::new(open_store(dirs)?.accounts))
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
    let stores = open_store(dirs)?;
    stores
        .entries
        .add_jurisdiction(&jurisdiction, None)
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
    let jurisdiction = Slug::parse(jurisdiction)?;
    let role = Role::parse(role).ok_or("--role must be editor or admin")?;
    let (id, password) = accounts(dirs)?
        .add_user(email, &jurisdiction, role)
        .map_err(|e| format!("--email {}: {e}", email.trim()))?;
    Ok(format!(
        "added {} {} (user {id}) for {jurisdiction}\none-time password (hand it over; it is not shown again, and must be changed at first sign-in):\n{password}",
        role.as_str(),
        email.trim()
    ))
}

/// Disables a user.
pub fn disable_user(dirs: &Dirs, email: &str) -> Result<String, String> {
    let user = accounts(dirs)?.disable(email).map_err(|e| e.to_string())?;
    Ok(format!(
        "disabled {}: signed out everywhere, every API token revoked",
        user.email
    ))
}

/// Enables a user again.
pub fn enable_user(dirs: &Dirs, email: &str) -> Result<String, String> {
    let user = accounts(dirs)?.enable(email).map_err(|e| e.to_string())?;
    Ok(format!(
        "enabled {} (tokens revoked when disabled stay revoked)",
        user.email
    ))
}

/// Gives a user a new one-time password and returns it, to hand over.
pub fn reset_password(dirs: &Dirs, email: &str) -> Result<String, String> {
    let password = accounts(dirs)?
        .reset_password(email)
        .map_err(|e| e.to_string())?;
    Ok(format!(
        "new one-time password for {} (hand it over; it is not shown again, and must be changed at the next sign-in; every session was ended):\n{password}",
        email.trim()
    ))
}

/// Lists the users, one a line: email, jurisdiction, role, state.
pub fn list_users(dirs: &Dirs) -> Result<String, String> {
    let users = accounts(dirs)?.users().map_err(|e| e.to_string())?;
    let lines: Vec<String> = users
        .iter()
        .map(|u| {
            let state = if u.disabled {
                "disabled"
            } else if u.must_change_password {
                "one-time password"
            } else {
                "active"
            };
            format!(
                "{}\t{}\t{}\t{state}",
                u.email,
                u.jurisdiction,
                u.role.as_str()
            )
        })
        .collect();
    if lines.is_empty() {
        return Ok("no users".into());
    }
    Ok(lines.join("\n"))
}

/// Creates an API token and returns it (shown once).
pub fn create_token(dirs: &Dirs, email: &str, label: Option<&str>) -> Result<String, String> {
    let accounts = accounts(dirs)?;
    let user = accounts
        .user_by_email(email)
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("no user {email}"))?;
    accounts
        .create_token(user.id, label.unwrap_or(""))
        .map_err(|e| e.to_string())
}

/// Revokes a token by id or prefix.
pub fn revoke_token(dirs: &Dirs, id_or_prefix: &str) -> Result<String, String> {
    if accounts(dirs)?
        .revoke_token(None, id_or_prefix)
        .map_err(|e| e.to_string())?
    {
        Ok(format!("revoked {id_or_prefix}"))
    } else {
        Err(format!("no live token {id_or_prefix}"))
    }
}
