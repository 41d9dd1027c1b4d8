//! Prepares the passage vectors of a large benchmark corpus without embedding all of it, and
//! measures the embedding rate. On a small machine a first build of every passage of 10,000
//! or 100,000 entries takes hours; the cost of *searching* the vectors depends on how many
//! there are, not on which passage each came from. So this embeds a sample of the corpus's
//! passages with the real model (shortest first, in the build's batches, as a build does),
//! times it, and writes a vector file in which every passage has the vector of a sampled
//! passage (the sample repeated). It prints the sample's rate and the time a full build would
//! take at that rate, as JSON. `scripts/bench-question.sh` uses it with `BENCH_VECTORS=sample`.
//!
//! cargo run --release --example sample_vectors -- --playbook-dir CORPUS --data-dir DATA \
//!     --model-dir target/model/all-MiniLM-L6-v2 --sample 2000

use std::collections::HashSet;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use city_playbook::playbook::load_playbook;
use city_playbook::search::{BUILD_BATCH, IndexedEntry};
use city_playbook::semantic::{
    Embedder, Quantized, VectorFile, passage_key, passages, vectors_path,
};
use clap::Parser;

/// Sample the corpus's passage vectors.
#[derive(Parser)]
struct Args {
    /// The corpus.
    #[arg(long)]
    playbook_dir: PathBuf,
    /// The data folder the server will use (the vector file is written under it).
    #[arg(long)]
    data_dir: PathBuf,
    /// The model folder.
    #[arg(long)]
    model_dir: PathBuf,
    /// How many distinct passages to embed.
    #[arg(long, default_value_t = 2_000)]
    sample: usize,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let loaded = load_playbook(&args.playbook_dir);
    let playbook = loaded.playbook;
    let mut texts: Vec<String> = Vec::new();
    let mut seen = HashSet::new();
    for entry in playbook.entries.values() {
        let Some(jurisdiction) = playbook.jurisdictions.get(entry.jurisdiction()) else {
            continue;
        };
        let indexed = IndexedEntry::new(entry, jurisdiction);
        for text in passages(&indexed.title, &indexed.summary, &indexed.body_text) {
            if seen.insert(passage_key(&text)) {
                texts.push(text);
            }
        }
    }
    if texts.is_empty() {
        eprintln!("no passages in {}", args.playbook_dir.display());
        return ExitCode::FAILURE;
    }
    let embedder = match Embedder::load(&args.model_dir) {
        Ok(embedder) => embedder,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    // An even spread of the corpus, heads and bodies alike, embedded as a build would.
    let every = (texts.len() / args.sample.max(1)).max(1);
    let mut sample: Vec<&str> = texts.iter().step_by(every).map(String::as_str).collect();
    sample.truncate(args.sample.max(1));
    sample.sort_by_key(|text| text.len());
    let started = Instant::now();
    let mut vectors = Vec::with_capacity(sample.len());
    for batch in sample.chunks(BUILD_BATCH) {
        match embedder.embed(batch) {
            Ok(batch) => vectors.extend(batch.iter().map(|v| Quantized::new(v))),
            Err(e) => {
                eprintln!("{e}");
                return ExitCode::FAILURE;
            }
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    let mut file = VectorFile::default();
    for (i, text) in texts.iter().enumerate() {
        file.vectors
            .insert(passage_key(text), vectors[i % vectors.len()].clone());
    }
    let path = vectors_path(&args.data_dir);
    if let Err(e) = file.write(&path, embedder.fingerprint(), embedder.dims()) {
        eprintln!("writing {}: {e}", path.display());
        return ExitCode::FAILURE;
    }
    let rate = sample.len() as f64 / seconds;
    println!(
        "{{\"passages\": {}, \"sampled\": {}, \"sample_seconds\": {:.1}, \"passages_per_s\": {:.1}, \
         \"projected_build_s\": {:.0}, \"file_bytes\": {}}}",
        texts.len(),
        sample.len(),
        seconds,
        rate,
        texts.len() as f64 / rate,
        std::fs::metadata(&path).map_or(0, |m| m.len())
    );
    ExitCode::SUCCESS
}
