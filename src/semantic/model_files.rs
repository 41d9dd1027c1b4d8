//! The model folder's layout and where it comes from: sentence-transformers'
//! `all-MiniLM-L6-v2` at a pinned revision of the Hugging Face hub, each file with its size
//! and sha256, and `fetch_model`, which downloads them into a folder (`playbook model fetch`).

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

/// The hub the model is fetched from unless told otherwise (`--hub-url`).
pub const HF_HUB_URL: &str = "https://huggingface.co";
/// The model's repository on the hub.
pub const MODEL_REPO: &str = "sentence-transformers/all-MiniLM-L6-v2";
/// The pinned revision (a commit of `MODEL_REPO` whose files are the ones below).
pub const MODEL_REVISION: &str = "e4ce9877abf3edfe10b0d82785e83bdcb973e22e";

/// One file of the model folder.
#[derive(Debug, Clone, Copy)]
pub struct ModelFile {
    /// Its path in the folder (and in the repository).
    pub path: &'static str,
    /// Its size in bytes.
    pub size: u64,
    /// Its sha256, in lowercase hex.
    pub sha256: &'static str,
}

/// The files the app reads (`config.json`, `tokenizer.json`, `model.safetensors`) and those
/// that make the folder a sentence-transformers model (the pooling it was trained with).
pub const MODEL_FILES: &[ModelFile] = &[
    ModelFile {
        path: "config.json",
        size: 612,
        sha256: "953f9c0d463486b10a6871cc2fd59f223b2c70184f49815e7efbcab5d8908b41",
    },
    ModelFile {
        path: "tokenizer.json",
        size: 466_247,
        sha256: "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037",
    },
    ModelFile {
        path: "model.safetensors",
        size: 90_868_376,
        sha256: "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db",
    },
    ModelFile {
        path: "modules.json",
        size: 349,
        sha256: "84e40c8e006c9b1d6c122e02cba9b02458120b5fb0c87b746c41e0207cf642cf",
    },
    ModelFile {
        path: "sentence_bert_config.json",
        size: 53,
        sha256: "fc1993fde0a95c24ec6c022539d41cf6e2f7c9721e5415d6fb6897472a9cd4b7",
    },
    ModelFile {
        path: "1_Pooling/config.json",
        size: 190,
        sha256: "4be450dde3b0273bb9787637cfbd28fe04a7ba6ab9d36ac48e92b11e350ffc23",
    },
];

/// Whether `folder` holds the files the app reads (not whether they are intact: loading
/// says that).
pub fn model_present(folder: &Path) -> bool {
    ["config.json", "tokenizer.json", "model.safetensors"]
        .iter()
        .all(|file| folder.join(file).is_file())
}

/// Why the model could not be fetched.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    /// The hub could not be reached or answered with an error.
    #[error("cannot download {url}: {message}")]
    Download {
        /// What was asked for.
        url: String,
        /// What went wrong.
        message: String,
    },
    /// A downloaded file is not the pinned one.
    #[error("{path} is not the pinned file: {found}, expected {expected}")]
    Mismatch {
        /// Which file.
        path: String,
        /// What was expected (size or sha256).
        expected: String,
        /// What arrived.
        found: String,
    },
    /// The folder could not be written.
    #[error("cannot write {path}: {source}")]
    Write {
        /// Where.
        path: PathBuf,
        /// What happened.
        source: std::io::Error,
    },
}

fn write_error(path: &Path) -> impl FnOnce(std::io::Error) -> FetchError + '_ {
    move |source| FetchError::Write {
        path: path.to_owned(),
        source,
    }
}

/// Whether the file at `path` is `file` (size, then sha256).
fn intact(path: &Path, file: &ModelFile) -> bool {
    let Ok(meta) = std::fs::metadata(path) else {
        return false;
    };
    if meta.len() != file.size {
        return false;
    }
    let Ok(mut reader) = std::fs::File::open(path) else {
        return false;
    };
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 1 << 16];
    loop {
        match reader.read(&mut buffer) {
            Ok(0) => break,
            Ok(n) => hasher.update(&buffer[..n]),
            Err(_) => return false,
        }
    }
    hex(&hasher.finalize()) == file.sha256
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Downloads every file of `MODEL_FILES` at `MODEL_REVISION` from `hub_url` into `folder`,
/// checking each one's size and sha256; a file already there and intact is kept. Each file
/// is written aside and renamed into place once checked, so a failed or interrupted fetch
/// never leaves a file that looks like the model. Returns how many files were downloaded.
pub fn fetch_model(hub_url: &str, folder: &Path) -> Result<usize, FetchError> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_connect(Some(std::time::Duration::from_secs(30)))
        .build()
        .into();
    let mut downloaded = 0;
    for file in MODEL_FILES {
        let target = folder.join(file.path);
        if intact(&target, file) {
            continue;
        }
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(write_error(parent))?;
        }
        let url = format!(
            "{}/{MODEL_REPO}/resolve/{MODEL_REVISION}/{}",
            hub_url.trim_end_matches('/'),
            file.path
        );
        let download_error = |message: String| FetchError::Download {
            url: url.clone(),
            message,
        };
        let response = agent
            .get(&url)
            .call()
            .map_err(|e| download_error(e.to_string()))?;
        let partial = target.with_extension("partial");
        let mut out = std::fs::File::create(&partial).map_err(write_error(&partial))?;
        let mut reader = response.into_body().into_reader();
        let mut hasher = Sha256::new();
        let mut size: u64 = 0;
        let mut buffer = vec![0u8; 1 << 16];
        loop {
            let n = reader
                .read(&mut buffer)
                .map_err(|e| download_error(e.to_string()))?;
            if n == 0 {
                break;
            }
            size += n as u64;
            // A file larger than the pinned one is not it; stop before filling the disk.
            if size > file.size {
                break;
            }
            hasher.update(&buffer[..n]);
            out.write_all(&buffer[..n]).map_err(write_error(&partial))?;
        }
        out.sync_all().map_err(write_error(&partial))?;
        drop(out);
        let digest = hex(&hasher.finalize());
        let mismatch = if size != file.size {
            Some((file.size.to_string() + " bytes", format!("{size}+ bytes")))
        } else if digest != file.sha256 {
            Some((
                format!("sha256 {}", file.sha256),
                format!("sha256 {digest}"),
            ))
        } else {
            None
        };
        if let Some((expected, found)) = mismatch {
            // Best effort: the partial file is not the model either way.
            let _ = std::fs::remove_file(&partial);
            return Err(FetchError::Mismatch {
                path: file.path.to_owned(),
                expected,
                found,
            });
        }
        std::fs::rename(&partial, &target).map_err(write_error(&target))?;
        downloaded += 1;
    }
    Ok(downloaded)
}
