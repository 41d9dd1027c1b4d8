//! The `playbook` command line: one subcommand per job, each a thin call into the library.

mod accounts;
mod check;
mod model;
mod search;
mod transfer;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::config::{Config, Dirs, ModelDir, PlaybookDir, ServerAddr, SourcesDir};
use crate::search::{Filter, SearchRequest};

/// City Playbook: search and serve the playbook of moves cities made under a federal surge.
#[derive(Debug, Parser)]
#[command(name = "playbook", version, about)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Validate every playbook file and check every quote of a declared source against its
    /// stored text; list every problem as path:line: message.
    Check {
        #[command(flatten)]
        playbook: PlaybookDir,
        #[command(flatten)]
        sources: SourcesDir,
        /// Also fail on a quote of a declared source that has no stored text to check it
        /// against.
        #[arg(long)]
        require_verified: bool,
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
    /// The sentence-embedding model behind question search.
    Model {
        #[command(subcommand)]
        command: ModelCommand,
    },
    /// Probe a running server's /healthz (for container health checks).
    Healthcheck {
        #[command(flatten)]
        server: ServerAddr,
    },
    /// Manage jurisdictions that contribute entries.
    Jurisdiction {
        #[command(subcommand)]
        command: JurisdictionCommand,
    },
    /// Manage accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Manage API tokens.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// Write the playbook with its contributed entries to DIR as playbook files: those anyone
    /// may read, or (with --as) those that account may read, or (with --all and an admin's
    /// --as) every live entry, drafts and city-only ones included.
    Export {
        /// Where to write (created if needed).
        dir: PathBuf,
        /// Export what this account may read (drafts and city-only entries of its city,
        /// entries for member cities).
        #[arg(long = "as", value_name = "EMAIL")]
        as_email: Option<String>,
        /// Export every live entry; --as must name an admin.
        #[arg(long)]
        all: bool,
        #[command(flatten)]
        dirs: Dirs,
    },
    /// Load the entries of DIR (playbook files) as contributions.
    Import {
        /// The folder to read, in the playbook layout.
        dir: PathBuf,
        /// The user the contributions are recorded under.
        #[arg(long = "as", value_name = "EMAIL")]
        as_email: String,
        #[command(flatten)]
        dirs: Dirs,
    },
    /// Apply the store's schema migrations and exit (PostgreSQL with --database-url, else
    /// SQLite under --data-dir). A rolling deploy runs it before replacing replicas; a server
    /// refuses to start on a schema newer than it knows.
    Migrate {
        #[command(flatten)]
        dirs: Dirs,
    },
    /// Copy this instance's SQLite store (under --data-dir) into an empty PostgreSQL
    /// database: every jurisdiction, user (password hashes as they are), token, session,
    /// entry and revision, the audit log and saved briefs; then check every table's row count.
    MigrateStore {
        /// The PostgreSQL database to copy into (`postgres://…`); it must hold no data yet.
        #[arg(long, value_name = "URL")]
        to: String,
        /// The data dir whose SQLite store is copied.
        #[arg(long, env = "PLAYBOOK_DATA_DIR", default_value = crate::config::DEFAULT_DATA_DIR)]
        data_dir: PathBuf,
    },
    /// Rebuild the search index from the playbook.
    Reindex {
        #[command(flatten)]
        dirs: Dirs,
    },
}

#[derive(Debug, Subcommand)]
enum JurisdictionCommand {
    /// Add a jurisdiction.
    Add {
        /// Its slug, like `portland-or`.
        slug: String,
        /// Its name, like `Portland`.
        #[arg(long)]
        name: String,
        /// Two-letter state code.
        #[arg(long)]
        state: Option<String>,
        /// city, county or state.
        #[arg(long)]
        level: String,
        #[command(flatten)]
        dirs: Dirs,
    },
}

#[derive(Debug, Subcommand)]
enum UserCommand {
    /// Add a user; prints a one-time password to hand over.
    Add {
        /// Sign-in email.
        #[arg(long)]
        email: String,
        /// The jurisdiction whose entries the user edits.
        #[arg(long)]
        jurisdiction: String,
        /// editor or admin.
        #[arg(long, default_value = "editor")]
        role: String,
        #[command(flatten)]
        dirs: Dirs,
    },
    /// Disable a user: no sign-in, every session ended, every API token revoked.
    Disable {
        /// The user's email.
        #[arg(long)]
        email: String,
        #[command(flatten)]
        dirs: Dirs,
    },
    /// Enable a disabled user again (revoked tokens stay revoked).
    Enable {
        /// The user's email.
        #[arg(long)]
        email: String,
        #[command(flatten)]
        dirs: Dirs,
    },
    /// Give a user a new one-time password (prints it) and end their sessions.
    ResetPassword {
        /// The user's email.
        #[arg(long)]
        email: String,
        #[command(flatten)]
        dirs: Dirs,
    },
    /// List the users: email, jurisdiction, role and state.
    List {
        #[command(flatten)]
        dirs: Dirs,
    },
}

#[derive(Debug, Subcommand)]
enum ModelCommand {
    /// Download the pinned all-MiniLM-L6-v2 from the Hugging Face hub into the model folder
    /// (default `<data-dir>/model`), checking each file's sha256.
    Fetch {
        #[command(flatten)]
        model: ModelDir,
        /// Where the data live (the model folder's default is inside).
        #[arg(long, env = "PLAYBOOK_DATA_DIR", default_value = crate::config::DEFAULT_DATA_DIR)]
        data_dir: PathBuf,
        /// The hub to download from.
        #[arg(long, env = "PLAYBOOK_HUB_URL", default_value = crate::semantic::HF_HUB_URL)]
        hub_url: String,
    },
}

#[derive(Debug, Subcommand)]
enum TokenCommand {
    /// Create an API token for a user; prints it once.
    Create {
        /// The user's email.
        #[arg(long)]
        email: String,
        /// A label to recognise it by.
        #[arg(long)]
        name: Option<String>,
        #[command(flatten)]
        dirs: Dirs,
    },
    /// Revoke an API token by its id or prefix (as shown on the account page).
    Revoke {
        /// The token's id or prefix, like `cpb_1a2b3c4d`.
        token: String,
        #[command(flatten)]
        dirs: Dirs,
    },
}

/// Runs the command line; the exit code says whether it succeeded.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Check {
            playbook,
            sources,
            require_verified,
        } => check::run(
            &playbook.path,
            &sources.resolve(&playbook.path),
            require_verified,
        ),
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
                limit,
                ..SearchRequest::default()
            }
            .with_filter(Filter::Kind, kind)
            .with_filter(Filter::Jurisdiction, jurisdiction)
            .with_filter(Filter::Topic, topic);
            search::run_search(&dirs, &request, json)
        }
        Command::Serve { config } => serve(config),
        Command::Model {
            command:
                ModelCommand::Fetch {
                    model: folder,
                    data_dir,
                    hub_url,
                },
        } => model::run_fetch(&hub_url, &folder.resolve(&data_dir)),
        Command::Healthcheck { server } => match crate::web::serve::healthcheck(server.addr) {
            Ok(()) => {
                println!("ok");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("unhealthy: {e}");
                ExitCode::FAILURE
            }
        },
        Command::Jurisdiction {
            command:
                JurisdictionCommand::Add {
                    slug,
                    name,
                    state,
                    level,
                    dirs,
                },
        } => accounts::finish(accounts::add_jurisdiction(
            &dirs,
            &slug,
            &name,
            state.as_deref(),
            &level,
        )),
        Command::User {
            command:
                UserCommand::Add {
                    email,
                    jurisdiction,
                    role,
                    dirs,
                },
        } => accounts::finish(accounts::add_user(&dirs, &email, &jurisdiction, &role)),
        Command::User {
            command: UserCommand::Disable { email, dirs },
        } => accounts::finish(accounts::disable_user(&dirs, &email)),
        Command::User {
            command: UserCommand::Enable { email, dirs },
        } => accounts::finish(accounts::enable_user(&dirs, &email)),
        Command::User {
            command: UserCommand::ResetPassword { email, dirs },
        } => accounts::finish(accounts::reset_password(&dirs, &email)),
        Command::User {
            command: UserCommand::List { dirs },
        } => accounts::finish(accounts::list_users(&dirs)),
        Command::Token {
            command: TokenCommand::Create { email, name, dirs },
        } => accounts::finish(accounts::create_token(&dirs, &email, name.as_deref())),
        Command::Token {
            command: TokenCommand::Revoke { token, dirs },
        } => accounts::finish(accounts::revoke_token(&dirs, &token)),
        Command::Export {
            dir,
            as_email,
            all,
            dirs,
        } => accounts::finish(transfer::export(&dirs, &dir, as_email.as_deref(), all)),
        Command::Import {
            dir,
            as_email,
            dirs,
        } => accounts::finish(transfer::import(&dirs, &dir, &as_email)),
        Command::Reindex { dirs } => search::run_reindex(&dirs),
        Command::Migrate { dirs } => accounts::finish(
            crate::store::Stores::open(&dirs.data_dir, dirs.database_url())
                .map(|_| "the store's schema is up to date".to_owned())
                .map_err(|e| e.to_string()),
        ),
        Command::MigrateStore { to, data_dir } => accounts::finish(
            crate::store::copy_sqlite_to_postgres(&data_dir, &to)
                .map(|report| {
                    let counts: Vec<String> = report
                        .tables
                        .iter()
                        .map(|(table, rows)| format!("{table}: {rows}"))
                        .collect();
                    format!(
                        "copied the store into PostgreSQL; rows per table (the same on both sides): {}",
                        counts.join(", ")
                    )
                })
                .map_err(|e| e.to_string()),
        ),
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

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::Cli;

    #[test]
    fn the_command_line_is_well_formed() {
        Cli::command().debug_assert();
    }
}
