//! The web app: server-rendered pages for staff and a JSON API for programs.

pub mod api;
pub mod assets;
pub mod auth;
pub mod brief;
mod connections;
pub mod entry_ids;
pub mod error;
pub mod feeds;
pub mod form;
pub mod matrix;
pub mod matrix_csv;
pub mod pages;
pub mod params;
pub mod password_gate;
pub mod paths;
mod question_search;
pub mod rate_limit;
pub mod rendered;
pub mod replica;
pub mod routes;
pub mod search_notes;
pub mod security;
pub mod serve;
pub mod state;

pub use error::AppError;
pub use routes::build_router;
pub use state::{AppState, StartupError};

use axum::Router;

use crate::config::Config;

/// Loads the playbook and index for `config` and returns the app's router.
pub fn build_app(config: &Config) -> Result<Router, StartupError> {
    let state = AppState::load(config.clone())?;
    Ok(build_router(state))
}
