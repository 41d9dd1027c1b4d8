//! Prepares the passage vectors of a large benchmark corpus without embedding all of it, and
//! measures the embedding rate. On a small machine a first build of every passage of 10,000
//! or 100,000 entries takes hours; the cost of *searching* the vectors depends on how many
//! there are, not on which passage each came from. So this embeds a sample of the corpus's
//! passages with the real model (shortest first, in the build's batches, as a build does),
//! times it, and writes a vector file in which every passage has the vector of a sampled
//! passage (the sample repeated; each repeat moved by a little random noise, to a cosine of
//! about 0.9 with its original, so no two rows are the same: copies would give the graph of
//! passages a corpus no playbook has). It prints the sample's rate and the time a full build would
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
    Embedder, PassageNodes, Quantized, VectorFile, passage_key, passages, vectors_path,
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

/// A small, seeded generator (xorshift), so runs compare.
struct Noise(u64);

impl Noise {
    /// Roughly normal, mean 0 and spread 1 (a sum of four uniforms).
    fn normal(&mut self) -> f32 {
        let mut sum = 0.0;
        for _ in 0..4 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            sum += (self.0 >> 40) as f32 / (1u64 << 24) as f32;
        }
        (sum - 2.0) / (1.0f32 / 3.0).sqrt()
    }

    /// `vector` plus noise of spread 0.025 a number, back to unit length: about 0.9 cosine
    /// with `vector` at 384 numbers.
    fn moved(&mut self, vector: &Quantized) -> Quantized {
        let moved: Vec<f32> = vector
            .values
            .iter()
            .map(|&step| f32::from(step) * vector.scale + 0.025 * self.normal())
            .collect();
        let norm = moved.iter().map(|x| x * x).sum::<f32>().sqrt().max(1e-6);
        let unit: Vec<f32> = moved.iter().map(|x| x / norm).collect();
        Quantized::new(&unit)
    }
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
    let mut nodes = PassageNodes::with_capacity(embedder.dims(), texts.len());
    let mut noise = Noise(0x9e37_79b9_7f4a_7c15);
    for (i, text) in texts.iter().enumerate() {
        let original = &vectors[i % vectors.len()];
        let vector = if i < vectors.len() {
            original.clone()
        } else {
            noise.moved(original)
        };
        nodes.push(passage_key(text), vector.view());
    }
    let path = vectors_path(&args.data_dir);
    let file = VectorFile::new(path.clone(), *embedder.fingerprint(), embedder.dims());
    if let Err(e) = file.write(&nodes) {
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
