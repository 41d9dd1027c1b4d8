//! The app's configuration: one struct, read from flags or environment variables; each flag,
//! its variable and its default are declared once, here, and shared by every subcommand.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::{CommandFactory, FromArgMatches};

/// `--addr`'s default.
pub const DEFAULT_ADDR: &str = "127.0.0.1:8080";
/// `--playbook-dir`'s default.
pub const DEFAULT_PLAYBOOK_DIR: &str = "playbook";
/// `--data-dir`'s default.
pub const DEFAULT_DATA_DIR: &str = "data";
/// `--request-timeout-secs`'s default.
pub const DEFAULT_REQUEST_TIMEOUT_SECS: u64 = 10;
/// `--idle-timeout-secs`'s default.
pub const DEFAULT_IDLE_TIMEOUT_SECS: u64 = 15;
/// `--max-body-bytes`'s default.
pub const DEFAULT_MAX_BODY_BYTES: usize = 256 * 1024;
/// `--login-attempts-per-minute`'s default.
pub const DEFAULT_LOGIN_ATTEMPTS_PER_MINUTE: usize = 10;
/// `--writes-per-minute`'s default.
pub const DEFAULT_WRITES_PER_MINUTE: usize = 60;
/// `--session-hours`'s default.
pub const DEFAULT_SESSION_HOURS: i64 = 12;

/// How `playbook serve` runs.
#[derive(Debug, Clone, clap::Args)]
pub struct Config {
    /// Where the server listens.
    #[command(flatten)]
    pub server: ServerAddr,
    /// The playbook folder and the data folder.
    #[command(flatten)]
    pub dirs: Dirs,
    /// Where the sources' stored texts are.
    #[command(flatten)]
    pub sources: SourcesDir,
    /// Seconds a request may take before it is answered with 408.
    #[arg(long, env = "PLAYBOOK_REQUEST_TIMEOUT_SECS", default_value_t = DEFAULT_REQUEST_TIMEOUT_SECS)]
    pub request_timeout_secs: u64,
    /// Seconds a connection may take to send a request's headers, or stay idle between
    /// requests, before it is closed.
    #[arg(long, env = "PLAYBOOK_IDLE_TIMEOUT_SECS", default_value_t = DEFAULT_IDLE_TIMEOUT_SECS)]
    pub idle_timeout_secs: u64,
    /// Largest request body accepted, in bytes.
    #[arg(long, env = "PLAYBOOK_MAX_BODY_BYTES", default_value_t = DEFAULT_MAX_BODY_BYTES)]
    pub max_body_bytes: usize,
    /// The public base URL, used in permalinks (defaults to http://ADDR).
    #[arg(long, env = "PLAYBOOK_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Mark session cookies `Secure` (set it when serving over HTTPS).
    #[arg(long, env = "PLAYBOOK_SECURE_COOKIES")]
    pub secure_cookies: bool,
    /// The address the about page gives for questions and corrections (none: it says to
    /// contact the instance's maintainers).
    #[arg(long, env = "PLAYBOOK_CONTACT_EMAIL")]
    pub contact_email: Option<String>,
    /// Take the client address from `X-Forwarded-For` (only behind a trusted proxy).
    #[arg(long, env = "PLAYBOOK_TRUST_FORWARDED_FOR")]
    pub trust_forwarded_for: bool,
    /// Sign-in attempts allowed per client per minute.
    #[arg(long, env = "PLAYBOOK_LOGIN_ATTEMPTS_PER_MINUTE", default_value_t = DEFAULT_LOGIN_ATTEMPTS_PER_MINUTE)]
    pub login_attempts_per_minute: usize,
    /// Entry writes (saves, retirements) allowed per user per minute, through the browser and
    /// the API together.
    #[arg(long, env = "PLAYBOOK_WRITES_PER_MINUTE", default_value_t = DEFAULT_WRITES_PER_MINUTE)]
    pub writes_per_minute: usize,
    /// Hours a browser session lasts.
    #[arg(long, env = "PLAYBOOK_SESSION_HOURS", default_value_t = DEFAULT_SESSION_HOURS)]
    pub session_hours: i64,
    /// The sentence-embedding model for question search.
    #[command(flatten)]
    pub model: ModelDir,
}

/// The folder of the sentence-embedding model (`config.json`, `tokenizer.json`,
/// `model.safetensors`), for `serve` and `model fetch`.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct ModelDir {
    /// The sentence-embedding model's folder, for question search (default:
    /// `<data-dir>/model`; `playbook model fetch` fills it). Without it, search matches words
    /// only.
    #[arg(
        id = "model_dir",
        long = "model-dir",
        value_name = "DIR",
        env = "PLAYBOOK_MODEL_DIR"
    )]
    pub path: Option<PathBuf>,
}

impl ModelDir {
    /// The folder given, or `<data_dir>/model`.
    pub fn resolve(&self, data_dir: &std::path::Path) -> PathBuf {
        self.path.clone().unwrap_or_else(|| data_dir.join("model"))
    }
}

/// The server's address: `serve` listens there and `healthcheck` probes it.
#[derive(Debug, Clone, clap::Args)]
pub struct ServerAddr {
    /// Address the server listens on.
    #[arg(long, env = "PLAYBOOK_ADDR", default_value = DEFAULT_ADDR)]
    pub addr: SocketAddr,
}

/// Where the playbook and the app's data live (every subcommand that reads them).
#[derive(Debug, Clone, clap::Args)]
pub struct Dirs {
    /// The playbook folder.
    #[command(flatten)]
    pub playbook: PlaybookDir,
    /// Where the index (and the store) live.
    #[arg(long, env = "PLAYBOOK_DATA_DIR", default_value = DEFAULT_DATA_DIR)]
    pub data_dir: PathBuf,
    /// The store in PostgreSQL (`postgres://user:password@host/database`, `?sslmode=require`
    /// for TLS) instead of SQLite under the data dir; the index stays in the data dir.
    #[arg(long, env = "PLAYBOOK_DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<DatabaseUrl>,
}

impl Dirs {
    /// The database URL, if one is given.
    pub fn database_url(&self) -> Option<&str> {
        self.database_url.as_ref().map(|url| url.0.as_str())
    }
}

/// A database URL as given; printed for debugging without its password.
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseUrl(String);

impl std::str::FromStr for DatabaseUrl {
    type Err = std::convert::Infallible;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Ok(DatabaseUrl(text.to_owned()))
    }
}

impl std::fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // `scheme://user:password@host/db` shows as `scheme://…@host/db`.
        match (self.0.split_once("://"), self.0.rsplit_once('@')) {
            (Some((scheme, _)), Some((_, rest))) => write!(f, "\"{scheme}://…@{rest}\""),
            _ => write!(f, "\"{}\"", self.0),
        }
    }
}

/// The curated playbook folder (alone for `check`, which needs no data folder).
#[derive(Debug, Clone, clap::Args)]
pub struct PlaybookDir {
    /// The playbook folder (curated entries).
    #[arg(
        id = "playbook_dir",
        long = "playbook-dir",
        value_name = "PLAYBOOK_DIR",
        env = "PLAYBOOK_DIR",
        default_value = DEFAULT_PLAYBOOK_DIR
    )]
    pub path: PathBuf,
}

/// The folder of the declared sources' stored texts (`<source-id>.txt`), for `serve` and
/// `check`.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct SourcesDir {
    /// The folder of the sources' stored texts, one `<source-id>.txt` per declared source
    /// (default: `<playbook-dir>/_sources`).
    #[arg(
        id = "sources_dir",
        long = "sources-dir",
        value_name = "DIR",
        env = "PLAYBOOK_SOURCES_DIR"
    )]
    pub path: Option<PathBuf>,
}

impl SourcesDir {
    /// The folder given, or `<playbook_dir>/_sources`.
    pub fn resolve(&self, playbook_dir: &std::path::Path) -> PathBuf {
        self.path
            .clone()
            .unwrap_or_else(|| crate::playbook::provenance::default_sources_dir(playbook_dir))
    }
}

/// `Config` as a command line of its own, so clap itself fills in the defaults.
#[derive(clap::Parser)]
#[command(no_binary_name = true)]
struct DefaultsOnly {
    #[command(flatten)]
    config: Config,
}

impl Default for Config {
    /// Every setting at the default its flag declares; environment variables are not read.
    fn default() -> Self {
        let matches = DefaultsOnly::command()
            .mut_args(|arg| arg.env(None))
            .try_get_matches_from(std::iter::empty::<&str>())
            .and_then(|matches| DefaultsOnly::from_arg_matches(&matches));
        // Only a default that does not parse as its type can fail here: a bug in this file.
        matches.expect("every flag's default parses").config
    }
}

impl Config {
    /// A configuration for the given folders with every other setting at its default.
    pub fn new(playbook_dir: impl Into<PathBuf>, data_dir: impl Into<PathBuf>) -> Self {
        Config {
            dirs: Dirs {
                playbook: PlaybookDir {
                    path: playbook_dir.into(),
                },
                data_dir: data_dir.into(),
                database_url: None,
            },
            ..Config::default()
        }
    }

    /// The folder of the sources' stored texts.
    pub fn sources_dir(&self) -> PathBuf {
        self.sources.resolve(&self.dirs.playbook.path)
    }

    /// The folder of the sentence-embedding model.
    pub fn model_dir(&self) -> PathBuf {
        self.model.resolve(&self.dirs.data_dir)
    }

    /// The request timeout.
    pub fn request_timeout(&self) -> Duration {
        Duration::from_secs(self.request_timeout_secs.max(1))
    }

    /// How long a connection may take to send a request's headers or stay idle (at least 1 s).
    pub fn idle_timeout(&self) -> Duration {
        Duration::from_secs(self.idle_timeout_secs.max(1))
    }

    /// Whether the public URL is HTTPS (then cookies are `Secure` and HSTS is sent).
    pub fn is_https(&self) -> bool {
        self.public_url
            .as_deref()
            .is_some_and(|u| u.starts_with("https://"))
    }

    /// Whether cookies must be `Secure`: asked for, or the public URL is HTTPS.
    pub fn cookies_secure(&self) -> bool {
        self.secure_cookies || self.is_https()
    }

    /// The base URL for permalinks, without a trailing slash.
    pub fn public_url(&self) -> String {
        match &self.public_url {
            Some(url) => url.trim_end_matches('/').to_owned(),
            None => format!("http://{}", self.server.addr),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    #[test]
    fn new_takes_every_default_from_the_flags() {
        let config = Config::new("cities", "state");
        assert_eq!(config.dirs.playbook.path, Path::new("cities"));
        assert_eq!(config.dirs.data_dir, Path::new("state"));
        assert_eq!(config.server.addr.to_string(), DEFAULT_ADDR);
        assert_eq!(config.request_timeout_secs, DEFAULT_REQUEST_TIMEOUT_SECS);
        assert_eq!(config.idle_timeout_secs, DEFAULT_IDLE_TIMEOUT_SECS);
        assert_eq!(config.max_body_bytes, DEFAULT_MAX_BODY_BYTES);
        assert_eq!(config.public_url, None);
        assert_eq!(config.contact_email, None);
        assert!(!config.secure_cookies && !config.trust_forwarded_for);
        assert_eq!(
            config.login_attempts_per_minute,
            DEFAULT_LOGIN_ATTEMPTS_PER_MINUTE
        );
        assert_eq!(config.session_hours, DEFAULT_SESSION_HOURS);
        assert_eq!(config.sources.path, None);
        assert_eq!(config.sources_dir(), Path::new("cities").join("_sources"));
        assert_eq!(config.model_dir(), Path::new("state").join("model"));
        let defaults = Config::default();
        assert_eq!(defaults.dirs.playbook.path, Path::new(DEFAULT_PLAYBOOK_DIR));
        assert_eq!(defaults.dirs.data_dir, Path::new(DEFAULT_DATA_DIR));
    }

    #[test]
    fn a_database_url_is_printed_without_its_password() {
        let url: DatabaseUrl = "postgres://playbook:s3cret@db.example:5432/playbook"
            .parse()
            .expect("parses");
        let shown = format!("{url:?}");
        assert!(!shown.contains("s3cret"), "{shown}");
        assert!(shown.contains("db.example:5432/playbook"), "{shown}");
    }
}
