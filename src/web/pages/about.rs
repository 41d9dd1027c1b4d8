//! `/about`: what the playbook is and how a city contributes.

use askama::Template;
use axum::response::Html;

use super::render;
use crate::web::assets::Layout;
use crate::web::error::PageError;

#[derive(Template)]
#[template(path = "about.html")]
struct AboutPage {
    layout: Layout,
}

/// `GET /about`
pub async fn about() -> Result<Html<String>, PageError> {
    render(&AboutPage {
        layout: Layout::new("About"),
    })
}
