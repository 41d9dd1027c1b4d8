//! The JSON API: search, entries and the filters' values for programs, described by an OpenAPI document.

pub mod compare;
pub mod entries;
pub mod filter_values;
pub mod openapi;
pub mod preconditions;
pub mod search;
pub mod suggest;
pub mod write;
