//! What the integration tests share, one module per job: playbooks to test against, the app
//! in-process, the real `playbook` binary as a command and as a server, one HTTP client, the
//! OpenAPI document replies are checked against, and the real-browser harness.
//!
//! Every test file includes this module with `mod support;` and imports what it uses.

// Each test binary compiles all of this and uses only a part, so the rest would warn as unused.
#![allow(dead_code)]

pub mod accounts;
pub mod api_document;
pub mod app;
pub mod browser;
pub mod cli;
pub mod docx;
pub mod exact_words;
pub mod html;
pub mod http;
pub mod model;
pub mod paraphrases;
pub mod playbook;
pub mod postgres;
pub mod proxy;
pub mod search;
pub mod server;
