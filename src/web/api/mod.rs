//! The JSON API: search and entries for programs, described by an OpenAPI document.

pub mod compare;
pub mod entries;
pub mod openapi;
pub mod preconditions;
pub mod search;
pub mod suggest;
pub mod write;
