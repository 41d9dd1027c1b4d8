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
    /// Mark session cookies `Secure` (set it when serving over HTTPS).
    #[arg(long, env = "PLAYBOOK_SECURE_COOKIES")]
    pub secure_cookies: bool,
    /// Take the client address from `X-Forwarded-For` (only behind a trusted proxy).
    #[arg(long, env = "PLAYBOOK_TRUST_FORWARDED_FOR")]
    pub trust_forwarded_for: bool,
    /// Sign-in attempts allowed per client per minute.
    #[arg(long, env = "PLAYBOOK_LOGIN_ATTEMPTS_PER_MINUTE", default_value_t = 10)]
    pub login_attempts_per_minute: usize,
    /// Hours a browser session lasts.
    #[arg(long, env = "PLAYBOOK_SESSION_HOURS", default_value_t = 12)]
    pub session_hours: i64,
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
            secure_cookies: false,
            trust_forwarded_for: false,
            login_attempts_per_minute: 10,
            session_hours: 12,
        }
    }

    /// The request timeout.
    pub fn request_timeout(&self) -> Duration {
        Duration::from_secs(self.request_timeout_secs.max(1))
    }

    /// Whether cookies must be `Secure`: asked for, or the public URL is HTTPS.
    pub fn cookies_secure(&self) -> bool {
        self.secure_cookies
            || self
                .public_url
                .as_deref()
                .is_some_and(|u| u.starts_with("https://"))
    }

    /// The base URL for permalinks, without a trailing slash.
    pub fn public_url(&self) -> String {
        match &self.public_url {
            Some(url) => url.trim_end_matches('/').to_owned(),
            None => format!("http://{}", self.addr),
        }
    }
}
