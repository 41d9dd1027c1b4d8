//! The `playbook` command line: one subcommand per job, each a thin call into the library.

mod check;
mod search;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::config::Config;
use crate::search::SearchRequest;

/// City Playbook: search and serve the playbook of moves cities made under a federal surge.
#[derive(Debug, Parser)]
#[command(name = "playbook", version, about)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Validate every playbook file and list every problem as path:line: message.
    Check {
        /// The playbook folder.
        #[arg(long, env = "PLAYBOOK_DIR", default_value = "playbook")]
        playbook_dir: PathBuf,
    },
    /// Search the playbook and print ranked results.
    Search {
        /// What to look for (words, "phrases", -exclusions, kind:/jurisdiction:/topic: filters).
        #[arg(allow_hyphen_values = true)]
        query: String,
        /// Only entries of this kind (repeatable).
        #[arg(long)]
        kind: Vec<String>,
        /// Only entries of this jurisdiction (repeatable).
        #[arg(long)]
        jurisdiction: Vec<String>,
        /// Only entries with this topic (repeatable).
        #[arg(long)]
        topic: Vec<String>,
        /// How many results.
        #[arg(long, default_value_t = 10)]
        limit: usize,
        /// Print the JSON the web API serves.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        dirs: Dirs,
    },
    /// Serve the web app and the JSON API.
    Serve {
        #[command(flatten)]
        config: Config,
    },
    /// Probe a running server's /healthz (for container health checks).
    Healthcheck {
        /// The server's address.
        #[arg(long, env = "PLAYBOOK_ADDR", default_value = "127.0.0.1:8080")]
        addr: std::net::SocketAddr,
    },
    /// Rebuild the search index from the playbook.
    Reindex {
        #[command(flatten)]
        dirs: Dirs,
    },
}

/// Where the playbook and the app's data live.
#[derive(Debug, Clone, clap::Args)]
pub struct Dirs {
    /// The playbook folder.
    #[arg(long, env = "PLAYBOOK_DIR", default_value = "playbook")]
    pub playbook_dir: PathBuf,
    /// Where the index (and the store) live.
    #[arg(long, env = "PLAYBOOK_DATA_DIR", default_value = "data")]
    pub data_dir: PathBuf,
}

/// Runs the command line; the exit code says whether it succeeded.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Check { playbook_dir } => check::run(&playbook_dir),
        Command::Search {
            query,
            kind,
            jurisdiction,
            topic,
            limit,
            json,
            dirs,
        } => {
            let request = SearchRequest {
                query,
                kinds: kind,
                jurisdictions: jurisdiction,
                topics: topic,
                limit,
                ..SearchRequest::default()
            };
            search::run_search(&dirs.playbook_dir, &dirs.data_dir, &request, json)
        }
        Command::Serve { config } => serve(config),
        Command::Healthcheck { addr } => match crate::web::serve::healthcheck(addr) {
            Ok(()) => {
                println!("ok");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("unhealthy: {e}");
                ExitCode::FAILURE
            }
        },
        Command::Reindex { dirs } => search::run_reindex(&dirs.playbook_dir, &dirs.data_dir),
    }
}

fn serve(config: Config) -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,tantivy=warn".into()),
        )
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stdout()))
        .init();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(crate::web::serve::serve(config)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!("{e:#}");
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
