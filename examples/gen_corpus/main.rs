//! Writes a synthetic playbook for benchmarks: N valid entries across a few hundred
//! jurisdictions, deterministic for a seed.
//!
//! ```sh
//! cargo run --release --example gen_corpus -- --entries 100000 --out /tmp/corpus --seed 42 \
//!     [--queries /tmp/queries.txt]
//! ```
//!
//! `playbook check --playbook-dir /tmp/corpus` passes on the result. With `--queries`, the
//! benchmark's query mix is also written for HTTP load tests: one `label<TAB>query string`
//! per line.

mod corpus;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::Parser;

use corpus::{BenchQuery, CorpusSpec};

/// Generate a synthetic benchmark playbook.
#[derive(Debug, Parser)]
struct Args {
    /// How many entries to write.
    #[arg(long, default_value_t = 1_000)]
    entries: usize,
    /// The folder to write (created; a corpus written there before is replaced).
    #[arg(long)]
    out: PathBuf,
    /// The seed of every random choice.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// How many jurisdictions (at most one per entry).
    #[arg(long, default_value_t = 300)]
    jurisdictions: usize,
    /// The real playbook whose vocabulary the text is drawn from.
    #[arg(long, default_value = "playbook")]
    source: PathBuf,
    /// The share of entries, in percent, that not everyone may read (member cities only,
    /// their own city only, or drafts).
    #[arg(long, default_value_t = 0)]
    hidden_percent: u32,
    /// Also write the benchmark query mix here: `label<TAB>URL query string` per line.
    #[arg(long)]
    queries: Option<PathBuf>,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let spec = CorpusSpec {
        entries: args.entries,
        jurisdictions: args.jurisdictions.clamp(1, args.entries.max(1)),
        seed: args.seed,
        source: args.source,
        hidden_percent: args.hidden_percent.min(100),
    };
    let started = Instant::now();
    let summary = match corpus::generate(&spec, &args.out) {
        Ok(summary) => summary,
        Err(e) => {
            eprintln!("gen_corpus: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!(
        "wrote {} entries in {} jurisdictions to {} ({} body words, {:.1} MB) in {:.1} s",
        summary.entries,
        summary.jurisdictions,
        args.out.display(),
        summary.body_words,
        summary.bytes as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );
    if let Some(path) = args.queries {
        let lines = match corpus::query_mix(&spec) {
            Ok(mix) => mix.iter().map(url_query).collect::<Vec<_>>().join("\n"),
            Err(e) => {
                eprintln!("gen_corpus: {e}");
                return ExitCode::FAILURE;
            }
        };
        if let Err(e) = std::fs::write(&path, lines + "\n") {
            eprintln!("gen_corpus: cannot write {}: {e}", path.display());
            return ExitCode::FAILURE;
        }
        println!("wrote the query mix to {}", path.display());
    }
    ExitCode::SUCCESS
}

/// `label<TAB>q=...&kind=...`: the query string as the search page and API take it.
fn url_query(query: &BenchQuery) -> String {
    let mut out = form_urlencoded::Serializer::new(String::new());
    out.append_pair("q", &query.q);
    for (name, value) in [
        ("kind", &query.kind),
        ("topic", &query.topic),
        ("jurisdiction", &query.jurisdiction),
    ] {
        if let Some(value) = value {
            out.append_pair(name, value);
        }
    }
    format!("{}\t{}", query.label, out.finish())
}
