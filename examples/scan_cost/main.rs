//! What question search's exact scan costs at a corpus size: a passage space of `--passages`
//! random unit vectors (384 numbers, as all-MiniLM-L6-v2's) in entries of `--per-entry`, and
//! the median time of `PassageSpace::nearest` over `--queries` random questions. No model is
//! needed: the scan's cost depends on the number of passages only.
//!
//! cargo run --release --example scan_cost -- --passages 150000

use std::time::Instant;

use city_playbook::semantic::{PassageKey, PassageSpace, Quantized, VectorView, passage_key};
use clap::Parser;

/// Times the nearest-passage scan.
#[derive(Parser)]
struct Args {
    /// Passages in the space.
    #[arg(long, default_value_t = 150_000)]
    passages: usize,
    /// Passages per entry.
    #[arg(long, default_value_t = 15)]
    per_entry: usize,
    /// Questions timed.
    #[arg(long, default_value_t = 50)]
    queries: usize,
}

const DIMS: usize = 384;

/// A small, seeded generator (xorshift), so runs compare.
struct Random(u64);

impl Random {
    fn unit_vector(&mut self) -> Vec<f32> {
        let mut v: Vec<f32> = (0..DIMS)
            .map(|_| {
                self.0 ^= self.0 << 13;
                self.0 ^= self.0 >> 7;
                self.0 ^= self.0 << 17;
                (self.0 % 2_000) as f32 / 1_000.0 - 1.0
            })
            .collect();
        let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt().max(1e-6);
        v.iter_mut().for_each(|x| *x /= norm);
        v
    }
}

fn main() {
    let args = Args::parse();
    let mut random = Random(42);
    let mut space = PassageSpace::builder(DIMS, 0, args.passages);
    let per_entry = args.per_entry.max(1);
    let mut made = 0;
    let mut entry = 0;
    while made < args.passages {
        let count = per_entry.min(args.passages - made);
        let vectors: Vec<Quantized> = (0..count)
            .map(|_| Quantized::new(&random.unit_vector()))
            .collect();
        let rows: Vec<(PassageKey, Option<VectorView<'_>>)> = vectors
            .iter()
            .enumerate()
            .map(|(i, v)| (passage_key(&format!("{entry} {i}")), Some(v.view())))
            .collect();
        space.add_entry(format!("synthetic/entry-{entry}"), &rows);
        made += count;
        entry += 1;
    }
    let space = space.finish();
    let mut times: Vec<f64> = (0..args.queries.max(1))
        .map(|_| {
            let question = random.unit_vector();
            let started = Instant::now();
            let near = space.nearest_exact(&question, 50, 0.0);
            std::hint::black_box(near);
            started.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    times.sort_by(f64::total_cmp);
    println!(
        "{} passages ({} entries, {:.0} MB of vectors): nearest_exact() median {:.2} ms, p90 {:.2} ms",
        space.num_passages(),
        space.num_entries(),
        space.vector_bytes() as f64 / 1e6,
        times[times.len() / 2],
        times[times.len() * 9 / 10]
    );
}
