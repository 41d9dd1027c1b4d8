//! `/about`: what the playbook is and how a city contributes.

use askama::Template;
use axum::extract::State;
use axum::response::Html;

use super::render;
use crate::web::assets::Layout;
use crate::web::error::PageError;
use crate::web::state::AppState;

#[derive(Template)]
#[template(path = "about.html")]
struct AboutPage {
    layout: Layout,
    /// Where to write (`--contact-email`), when the instance gives one.
    contact_email: Option<String>,
}

/// `GET /about`
pub async fn about(State(state): State<AppState>) -> Result<Html<String>, PageError> {
    let contact_email = state
        .config
        .contact_email
        .as_deref()
        .map(str::trim)
        .filter(|email| !email.is_empty())
        .map(str::to_owned);
    render(&AboutPage {
        layout: Layout::new("About"),
        contact_email,
    })
}
