//! City Playbook: a searchable knowledge base of the moves cities and states made when a
//! federal enforcement surge hit them.

pub mod accounts;
pub mod briefs;
pub mod catalog;
pub mod cli;
pub mod config;
pub mod playbook;
pub mod search;
pub mod semantic;
pub mod store;
pub mod web;
