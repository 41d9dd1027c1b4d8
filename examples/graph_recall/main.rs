//! How well question search's graph of passages (`PassageGraph`) answers, against the exact
//! scan of every passage, on a corpus whose vectors are built (`scripts/bench-question.sh`
//! prepares one). For each question of `--questions` (one a line) and each breadth of
//! `--breadths` (how many nearest passages the graph proposes; a search uses
//! `GRAPH_BREADTH`):
//!
//! - passages: the share of the exact ten nearest passages the graph finds (the graph alone);
//! - entries: the share of the exact scan's ten nearest entries that question search returns
//!   (an entry is as near as the mean of its two nearest passages, so an entry can be near
//!   without its nearest passage being among the graph's proposals);
//!
//! - the similarity lost: how much less similar, on average over the ten ranks, the graph's
//!   passages and entries are than the exact ones at the same rank (near-identical passages,
//!   which templated text has many of, make a miss cost almost nothing);
//!
//! and the median time of each. Prints JSON, one line per breadth.
//!
//! cargo run --release --example graph_recall -- --playbook-dir CORPUS --data-dir DATA \
//!     --model-dir target/model/all-MiniLM-L6-v2 --questions questions.txt

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use city_playbook::playbook::load_playbook;
use city_playbook::search::SearchIndex;
use city_playbook::semantic::{
    Embedder, GRAPH_BREADTH, Nearby, PassageSpace, VectorFile, vectors_path,
};
use clap::Parser;

/// Measures the graph's recall and speed.
#[derive(Parser)]
struct Args {
    /// The corpus.
    #[arg(long)]
    playbook_dir: PathBuf,
    /// The data folder (its index and vector file).
    #[arg(long)]
    data_dir: PathBuf,
    /// The model folder.
    #[arg(long)]
    model_dir: PathBuf,
    /// Questions, one a line.
    #[arg(long)]
    questions: PathBuf,
    /// Breadths to measure, comma-separated (default: the search's).
    #[arg(long, value_delimiter = ',')]
    breadths: Vec<usize>,
    /// Times each question is asked at each breadth, for the medians.
    #[arg(long, default_value_t = 20)]
    repeat: usize,
}

const TOP: usize = 10;

fn median(mut times: Vec<f64>) -> f64 {
    times.sort_by(f64::total_cmp);
    times.get(times.len() / 2).copied().unwrap_or(0.0)
}

/// The share of `exact`'s ids that `found` holds too.
fn overlap(exact: &[Nearby], found: &[Nearby]) -> (usize, usize) {
    let hits = exact
        .iter()
        .filter(|e| found.iter().any(|f| f.id == e.id))
        .count();
    (hits, exact.len())
}

/// How much less similar `found` is than `exact`, rank by rank (a missing rank counts as 0).
fn similarity_lost(exact: &[Nearby], found: &[Nearby]) -> f64 {
    exact
        .iter()
        .enumerate()
        .map(|(rank, e)| {
            let f = found.get(rank).map_or(0.0, |f| f.similarity);
            f64::from(e.similarity - f)
        })
        .sum::<f64>()
        / exact.len().max(1) as f64
}

/// Runs `ask` `repeat` times; the times in milliseconds.
fn timed(repeat: usize, mut ask: impl FnMut()) -> Vec<f64> {
    (0..repeat.max(1))
        .map(|_| {
            let started = Instant::now();
            ask();
            started.elapsed().as_secs_f64() * 1e3
        })
        .collect()
}

fn main() -> ExitCode {
    match run(&Args::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: &Args) -> Result<(), Box<dyn std::error::Error>> {
    let questions: Vec<String> = std::fs::read_to_string(&args.questions)?
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .map(str::to_owned)
        .collect();
    let playbook = load_playbook(&args.playbook_dir).playbook;
    let (index, _) = SearchIndex::open(&args.data_dir, &playbook)?;
    let embedder = Arc::new(Embedder::load(&args.model_dir)?);
    let vectors = vectors_path(&args.data_dir);
    index.enable_question_search(Arc::clone(&embedder), vectors.clone());
    let build = index.build_vectors()?;
    if !build.graph {
        return Err(format!("{} passages: too few for a graph", build.passages).into());
    }
    // Every passage an entry of its own: the graph's nearest passages against the exact ones.
    let stored = VectorFile::new(vectors, *embedder.fingerprint(), embedder.dims()).read();
    let mut single = PassageSpace::builder(embedder.dims(), 0, stored.len());
    for node in 0..stored.len() as u32 {
        if let Some(key) = stored.key(node) {
            single.add_entry(node.to_string(), &[(*key, Some(stored.vector(node)))]);
        }
    }
    let single = single.finish();
    single.build_graph();
    let mut asked = Vec::with_capacity(questions.len());
    for question in &questions {
        match index.question_vector(question)? {
            Some(vector) => asked.push(vector),
            None => return Err("question search is off".into()),
        }
    }
    let breadths = if args.breadths.is_empty() {
        vec![GRAPH_BREADTH]
    } else {
        args.breadths.clone()
    };
    let exact_times: Vec<f64> = asked
        .iter()
        .flat_map(|vector| {
            timed(args.repeat, || {
                std::hint::black_box(index.nearest_exact(vector, 50));
            })
        })
        .collect();
    for breadth in breadths {
        let (mut entries, mut passages) = ((0, 0), (0, 0));
        let (mut entries_lost, mut passages_lost) = (0.0, 0.0);
        let mut times = Vec::new();
        for vector in &asked {
            let exact = index.nearest_exact(vector, TOP).unwrap_or_default();
            let graph = index
                .nearest_entries(vector, TOP, breadth)
                .unwrap_or_default();
            let (hits, of) = overlap(&exact, &graph);
            entries = (entries.0 + hits, entries.1 + of);
            entries_lost += similarity_lost(&exact, &graph);
            let exact = single.nearest_exact(vector, TOP, -1.0);
            let graph = single.nearest_through(vector, TOP, -1.0, f32::INFINITY, breadth);
            let (hits, of) = overlap(&exact, &graph);
            passages = (passages.0 + hits, passages.1 + of);
            passages_lost += similarity_lost(&exact, &graph);
            times.extend(timed(args.repeat, || {
                std::hint::black_box(index.nearest_entries(vector, 50, breadth));
            }));
        }
        println!(
            "{{\"passages\": {}, \"graph_build_s\": {:.1}, \"questions\": {}, \"breadth\": {}, \
             \"passage_recall_at_10\": {:.3}, \"recall_at_10\": {:.3}, \
             \"passage_similarity_lost\": {:.4}, \"similarity_lost\": {:.4}, \
             \"graph_median_ms\": {:.3}, \"exact_median_ms\": {:.3}}}",
            build.passages,
            build.graph_took.as_secs_f64(),
            questions.len(),
            breadth,
            passages.0 as f64 / passages.1.max(1) as f64,
            entries.0 as f64 / entries.1.max(1) as f64,
            passages_lost / asked.len().max(1) as f64,
            entries_lost / asked.len().max(1) as f64,
            median(times),
            median(exact_times.clone())
        );
    }
    Ok(())
}
