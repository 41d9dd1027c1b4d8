//! The app's configuration: one struct, read from flags or environment variables.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

/// How `playbook serve` runs.
#[derive(Debug, Clone, clap::Args)]
pub struct Config {
    /// Address to listen on.
    #[arg(long, env = "PLAYBOOK_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// The playbook folder (curated entries).
    #[arg(long, env = "PLAYBOOK_DIR", default_value = "playbook")]
    pub playbook_dir: PathBuf,
    /// Where the index (and the store) live.
    #[arg(long, env = "PLAYBOOK_DATA_DIR", default_value = "data")]
    pub data_dir: PathBuf,
    /// Seconds a request may take before it is answered with 408.
    #[arg(long, env = "PLAYBOOK_REQUEST_TIMEOUT_SECS", default_value_t = 10)]
    pub request_timeout_secs: u64,
    /// Largest request body accepted, in bytes.
    #[arg(long, env = "PLAYBOOK_MAX_BODY_BYTES", default_value_t = 256 * 1024)]
    pub max_body_bytes: usize,
    /// The public base URL, used in permalinks (defaults to http://ADDR).
    #[arg(long, env = "PLAYBOOK_PUBLIC_URL")]
    pub public_url: Option<String>,
}

impl Config {
    /// A configuration for the given folders with every other setting at its default.
    pub fn new(playbook_dir: impl Into<PathBuf>, data_dir: impl Into<PathBuf>) -> Self {
        Config {
            addr: SocketAddr::from(([127, 0, 0, 1], 8080)),
            playbook_dir: playbook_dir.into(),
            data_dir: data_dir.into(),
            request_timeout_secs: 10,
            max_body_bytes: 256 * 1024,
            public_url: None,
        }
    }

    /// The request timeout.
    pub fn request_timeout(&self) -> Duration {
        Duration::from_secs(self.request_timeout_secs.max(1))
    }

    /// The base URL for permalinks, without a trailing slash.
    pub fn public_url(&self) -> String {
        match &self.public_url {
            Some(url) => url.trim_end_matches('/').to_owned(),
            None => format!("http://{}", self.addr),
        }
    }
}
