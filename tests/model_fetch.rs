//! `playbook model fetch` downloads the pinned model from a hub laid out as Hugging Face's
//! (`/<repo>/resolve/<revision>/<file>`), here a local server on port 0: every file arrives
//! intact in the sentence-transformers layout, a second fetch downloads nothing, and a file
//! whose sha256 is not the pinned one is refused and never left where the model is read from.

mod support;

use std::path::{Path, PathBuf};
use std::process::Output;

use axum::Router;
use axum::extract::{Path as UrlPath, State};
use axum::http::StatusCode;
use axum::routing::get;
use city_playbook::semantic::{MODEL_FILES, MODEL_REPO, MODEL_REVISION, model_present};
use tempfile::TempDir;

/// What the hub serves: the files of `folder`, with `config.json` replaced when `tampered`.
#[derive(Clone)]
struct Hub {
    folder: PathBuf,
    tampered: bool,
}

async fn serve_file(
    State(hub): State<Hub>,
    UrlPath(rest): UrlPath<String>,
) -> Result<Vec<u8>, StatusCode> {
    let prefix = format!("{MODEL_REPO}/resolve/{MODEL_REVISION}/");
    let file = rest.strip_prefix(&prefix).ok_or(StatusCode::NOT_FOUND)?;
    if file.contains("..") {
        return Err(StatusCode::NOT_FOUND);
    }
    if hub.tampered && file == "config.json" {
        return Ok(b"{\"hidden_size\": 1}".to_vec());
    }
    let path = hub.folder.join(file);
    tokio::task::spawn_blocking(move || std::fs::read(path))
        .await
        .map_err(|_| StatusCode::INTERNAL_SERVER_ERROR)?
        .map_err(|_| StatusCode::NOT_FOUND)
}

/// Starts a hub on port 0 in a thread of its own; its base URL.
fn start_hub(hub: Hub) -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("binds");
    let addr = listener.local_addr().expect("address");
    listener.set_nonblocking(true).expect("nonblocking");
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Runtime::new().expect("runtime");
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).expect("listener");
            let app = Router::new()
                .route("/{*rest}", get(serve_file))
                .with_state(hub);
            axum::serve(listener, app).await.expect("serves");
        });
    });
    format!("http://{addr}")
}

fn fetch(hub_url: &str, folder: &Path) -> Output {
    std::process::Command::new(support::cli::binary())
        .args(["model", "fetch", "--hub-url", hub_url, "--model-dir"])
        .arg(folder)
        .env_remove("PLAYBOOK_MODEL_DIR")
        .output()
        .expect("runs playbook")
}

#[test]
fn fetches_the_pinned_files_and_a_second_fetch_downloads_nothing() {
    let Some(source) = support::model::dir() else {
        return;
    };
    let hub = start_hub(Hub {
        folder: source.clone(),
        tampered: false,
    });
    let target = TempDir::new().expect("temp dir");
    let folder = target.path().join("model");
    let first = fetch(&hub, &folder);
    assert!(
        first.status.success(),
        "fetch failed: {}",
        support::cli::stderr(&first)
    );
    assert!(model_present(&folder));
    for file in MODEL_FILES {
        let fetched = std::fs::read(folder.join(file.path)).expect("fetched file");
        let original = std::fs::read(source.join(file.path)).expect("source file");
        assert!(fetched == original, "{} differs from the hub's", file.path);
    }
    assert!(
        support::cli::stdout(&first).contains(&format!("{} downloaded", MODEL_FILES.len())),
        "{}",
        support::cli::stdout(&first)
    );
    let second = fetch(&hub, &folder);
    assert!(second.status.success());
    assert!(
        support::cli::stdout(&second).contains("(0 downloaded"),
        "{}",
        support::cli::stdout(&second)
    );
}

#[test]
fn a_file_that_is_not_the_pinned_one_is_refused() {
    // config.json is the first file fetched and the one tampered with, so the real model
    // files are not needed: the hub has nothing else to serve.
    let empty = TempDir::new().expect("temp dir");
    let hub = start_hub(Hub {
        folder: empty.path().to_owned(),
        tampered: true,
    });
    let target = TempDir::new().expect("temp dir");
    let folder = target.path().join("model");
    let output = fetch(&hub, &folder);
    assert!(!output.status.success(), "a tampered file was accepted");
    let stderr = support::cli::stderr(&output);
    assert!(
        stderr.contains("config.json is not the pinned file"),
        "{stderr}"
    );
    assert!(
        !folder.join("config.json").exists(),
        "the bad file was kept"
    );
    assert!(!model_present(&folder));
}

#[test]
fn a_hub_without_the_model_fails_naming_the_url() {
    let empty = TempDir::new().expect("temp dir");
    let hub = start_hub(Hub {
        folder: empty.path().to_owned(),
        tampered: false,
    });
    let target = TempDir::new().expect("temp dir");
    let output = fetch(&hub, &target.path().join("model"));
    assert!(!output.status.success());
    let stderr = support::cli::stderr(&output);
    assert!(
        stderr.contains("cannot download") && stderr.contains("/resolve/"),
        "{stderr}"
    );
}
