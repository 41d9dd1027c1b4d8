//! Search engine benchmarks on a synthetic playbook of 100,000 entries (set
//! `PLAYBOOK_BENCH_ENTRIES` for another size): criterion timings of `SearchIndex::search` per
//! query of the fixed mix and of `SearchIndex::suggest`, then the whole mix measured query by
//! query for its median and p99 on one thread, and its throughput on two threads.
//!
//! ```sh
//! cargo bench --bench search                               # everything
//! PLAYBOOK_BENCH_MODE=mix cargo bench --bench search       # only the mix report
//! PLAYBOOK_BENCH_MODE=criterion cargo bench --bench search # only criterion
//! PLAYBOOK_BENCH_QUERY=typo PLAYBOOK_BENCH_MODE=mix cargo bench --bench search  # some queries
//! ```
//!
//! The mix report also measures the floor: tantivy alone on the same index, parsing the same
//! text with its `QueryParser` over the same four fields (no typos, synonyms, filters or
//! snippets), top 10 and count, then with facets, then with the ten stored documents.
//! `PLAYBOOK_BENCH_FLOOR=0` skips the floor. `PLAYBOOK_BENCH_HIDDEN_PERCENT=15` makes that share
//! of the corpus entries not everyone may read, and `PLAYBOOK_BENCH_READER` (`anonymous`,
//! `admin`, `member:<slug>`) says who searches: the cost of the audience filter. `PLAYBOOK_BENCH_MERGE=1` measures a copy of the index merged into one segment instead.
//!
//! The corpus (`gen_corpus`'s generator, seed `PLAYBOOK_BENCH_SEED`, default 42) and its index
//! are built once into `target/bench-corpus/<entries>-seed<seed>/` and reused by later runs.
//! The mix report is also written as JSON to `target/bench-results/engine-<entries>.json`.

#[path = "../examples/gen_corpus/corpus.rs"]
mod corpus;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use city_playbook::playbook::{Reader, load_playbook};
use city_playbook::search::{Filter, SearchIndex, SearchRequest, register_query_analyzer};
use criterion::Criterion;
use tantivy::collector::{Count, FacetCollector, TopDocs};
use tantivy::query::{AllQuery, Query, QueryParser};
use tantivy::{Searcher, TantivyDocument};

use corpus::{BenchQuery, CorpusSpec};

/// Prefixes typed into the search box, for suggestions.
const SUGGEST_PREFIXES: &[&str] = &[
    "n",
    "nat",
    "national gu",
    "sep",
    "parking l",
    "mayo",
    "zz",
    "chekclist c",
    "legal readiness for s",
];

/// The index and the mix, ready to search.
struct Setup {
    index: SearchIndex,
    mix: Vec<(BenchQuery, SearchRequest)>,
    entries: usize,
}

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.trim().replace('_', "").parse().ok())
        .unwrap_or(default)
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"))
}

fn request(query: &BenchQuery, reader: &Reader) -> SearchRequest {
    SearchRequest::query(query.q.clone())
        .with_filter(Filter::Kind, query.kind.clone())
        .with_filter(Filter::Topic, query.topic.clone())
        .with_filter(Filter::Jurisdiction, query.jurisdiction.clone())
        .for_reader(reader.clone())
}

/// Who searches: `PLAYBOOK_BENCH_READER` = `anonymous` (the default), `admin`, or
/// `member:<jurisdiction slug>`.
fn bench_reader() -> Reader {
    match std::env::var("PLAYBOOK_BENCH_READER")
        .unwrap_or_default()
        .as_str()
    {
        "" | "anonymous" => Reader::Anonymous,
        "admin" => Reader::Admin,
        other => match other.strip_prefix("member:") {
            Some(jurisdiction) => Reader::Member {
                jurisdiction: jurisdiction.to_owned(),
            },
            None => panic!("PLAYBOOK_BENCH_READER: anonymous, admin or member:<slug>, not {other}"),
        },
    }
}

/// Generates the corpus and builds its index unless an earlier run did.
fn setup() -> Setup {
    let entries = env_number("PLAYBOOK_BENCH_ENTRIES", 100_000) as usize;
    let seed = env_number("PLAYBOOK_BENCH_SEED", 42);
    let spec = CorpusSpec {
        entries,
        jurisdictions: 300.min(entries.max(1)),
        seed,
        source: Path::new(env!("CARGO_MANIFEST_DIR")).join("playbook"),
        hidden_percent: env_number("PLAYBOOK_BENCH_HIDDEN_PERCENT", 0).min(100) as u32,
    };
    let hidden = match spec.hidden_percent {
        0 => String::new(),
        share => format!("-hidden{share}"),
    };
    let root = std::env::var_os("PLAYBOOK_BENCH_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| target_dir().join(format!("bench-corpus/{entries}-seed{seed}{hidden}")));
    let playbook_dir = root.join("playbook");
    let stamp = root.join("corpus-complete");
    if !stamp.exists() {
        eprintln!(
            "generating {entries} entries into {}",
            playbook_dir.display()
        );
        let summary = corpus::generate(&spec, &playbook_dir).expect("generate the corpus");
        eprintln!(
            "generated {} entries, {} jurisdictions, {} body words, {:.0} MB",
            summary.entries,
            summary.jurisdictions,
            summary.body_words,
            summary.bytes as f64 / 1e6
        );
        std::fs::write(&stamp, format!("{entries} {seed}\n")).expect("write the stamp");
    }
    let started = Instant::now();
    let loaded = load_playbook(&playbook_dir);
    assert!(
        loaded.problems.is_empty(),
        "the corpus has problems: {:?}",
        loaded.problems.first()
    );
    eprintln!(
        "loaded the corpus in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let started = Instant::now();
    let (index, outcome) =
        SearchIndex::open(&root.join("engine-data"), &loaded.playbook).expect("open the index");
    eprintln!(
        "index {outcome:?} in {:.1} s: {} entries",
        started.elapsed().as_secs_f64(),
        index.num_entries()
    );
    drop(loaded);
    // PLAYBOOK_BENCH_QUERY=label keeps only the queries whose label contains it (to profile one).
    let only = std::env::var("PLAYBOOK_BENCH_QUERY").unwrap_or_default();
    let reader = bench_reader();
    eprintln!("searching as {reader:?}");
    let mix = corpus::query_mix(&spec)
        .expect("the query mix")
        .into_iter()
        .filter(|q| q.label.contains(only.as_str()))
        .map(|q| {
            let r = request(&q, &reader);
            (q, r)
        })
        .collect();
    Setup {
        index,
        mix,
        entries,
    }
}

fn criterion_benches(c: &mut Criterion, setup: &Setup) {
    let mut group = c.benchmark_group(format!("search_{}", setup.entries));
    for (query, request) in &setup.mix {
        group.bench_function(query.label, |b| {
            b.iter(|| setup.index.search(request).expect("search"))
        });
    }
    group.finish();
    let mut group = c.benchmark_group(format!("suggest_{}", setup.entries));
    for prefix in SUGGEST_PREFIXES {
        group.bench_function(*prefix, |b| {
            b.iter(|| {
                setup
                    .index
                    .suggest(prefix, &Reader::Anonymous)
                    .expect("suggest")
            })
        });
    }
    group.finish();
}

/// Latency figures of a set of measurements, in milliseconds.
struct Figures {
    count: usize,
    mean: f64,
    median: f64,
    p90: f64,
    p99: f64,
    max: f64,
}

impl Figures {
    fn of(samples: &mut [Duration]) -> Figures {
        samples.sort_unstable();
        let ms = |d: Duration| d.as_secs_f64() * 1e3;
        let at = |q: f64| {
            let rank = ((samples.len() as f64 * q).ceil() as usize).clamp(1, samples.len());
            ms(samples[rank - 1])
        };
        Figures {
            count: samples.len(),
            mean: samples.iter().map(|d| ms(*d)).sum::<f64>() / samples.len().max(1) as f64,
            median: at(0.5),
            p90: at(0.9),
            p99: at(0.99),
            max: samples.last().map_or(0.0, |d| ms(*d)),
        }
    }

    fn json(&self) -> serde_json::Value {
        serde_json::json!({
            "count": self.count,
            "mean_ms": self.mean,
            "median_ms": self.median,
            "p90_ms": self.p90,
            "p99_ms": self.p99,
            "max_ms": self.max,
        })
    }
}

/// The whole mix, query by query: median and p99 on one thread, throughput on two.
fn mix_report(setup: &Setup) {
    let rounds = env_number("PLAYBOOK_BENCH_ROUNDS", 100) as usize;
    let seconds = env_number("PLAYBOOK_BENCH_SECONDS", 10);
    for _ in 0..2 {
        for (_, request) in &setup.mix {
            setup.index.search(request).expect("search");
        }
    }
    let mut all = Vec::with_capacity(rounds * setup.mix.len());
    let mut per_query: Vec<Vec<Duration>> = vec![Vec::with_capacity(rounds); setup.mix.len()];
    let mut totals = vec![0usize; setup.mix.len()];
    for _ in 0..rounds {
        for (i, (_, request)) in setup.mix.iter().enumerate() {
            let started = Instant::now();
            let results = setup.index.search(request).expect("search");
            let took = started.elapsed();
            totals[i] = results.total;
            all.push(took);
            per_query[i].push(took);
        }
    }
    let mut suggest_times = Vec::with_capacity(rounds * SUGGEST_PREFIXES.len());
    for _ in 0..rounds {
        for prefix in SUGGEST_PREFIXES {
            let started = Instant::now();
            setup
                .index
                .suggest(prefix, &Reader::Anonymous)
                .expect("suggest");
            suggest_times.push(started.elapsed());
        }
    }
    let whole = Figures::of(&mut all);
    let suggest = Figures::of(&mut suggest_times);
    let two_threads = throughput(setup, 2, Duration::from_secs(seconds));
    // PLAYBOOK_BENCH_FLOOR=0 skips the floor (to profile the engine alone).
    let floor = if env_number("PLAYBOOK_BENCH_FLOOR", 1) == 1 {
        floor_report(setup, rounds)
    } else {
        serde_json::Value::Null
    };
    println!();
    println!(
        "== whole mix, one thread, {} entries: {} searches ({} rounds of {} queries)",
        setup.entries,
        whole.count,
        rounds,
        setup.mix.len()
    );
    println!(
        "   mean {:.3} ms, median {:.3} ms, p90 {:.3} ms, p99 {:.3} ms, max {:.3} ms",
        whole.mean, whole.median, whole.p90, whole.p99, whole.max
    );
    println!(
        "   suggest: median {:.3} ms, p99 {:.3} ms ({} calls)",
        suggest.median, suggest.p99, suggest.count
    );
    println!("   two threads: {two_threads:.0} searches/s over {seconds} s");
    println!(
        "   {:<26} {:>9} {:>10} {:>10}  query",
        "label", "matches", "median ms", "p99 ms"
    );
    let mut queries = Vec::new();
    for (i, (query, _)) in setup.mix.iter().enumerate() {
        let figures = Figures::of(&mut per_query[i]);
        println!(
            "   {:<26} {:>9} {:>10.3} {:>10.3}  {}",
            query.label, totals[i], figures.median, figures.p99, query.q
        );
        queries.push(serde_json::json!({
            "label": query.label,
            "q": query.q,
            "kind": query.kind,
            "topic": query.topic,
            "jurisdiction": query.jurisdiction,
            "matches": totals[i],
            "latency": figures.json(),
        }));
    }
    let report = serde_json::json!({
        "entries": setup.entries,
        "rounds": rounds,
        "whole_mix": whole.json(),
        "suggest": suggest.json(),
        "two_threads_searches_per_s": two_threads,
        "one_thread_searches_per_s": 1e3 / whole.mean,
        "queries": queries,
        "floor": floor,
    });
    let dir = target_dir().join("bench-results");
    let path = dir.join(format!("engine-{}.json", setup.entries));
    let written = std::fs::create_dir_all(&dir).and_then(|()| {
        std::fs::write(
            &path,
            serde_json::to_string_pretty(&report).unwrap_or_default(),
        )
    });
    match written {
        Ok(()) => println!("   written to {}", path.display()),
        Err(e) => eprintln!("cannot write {}: {e}", path.display()),
    }
}

/// A named way of running a query with tantivy alone.
type FloorVariant = (&'static str, fn(&Searcher, &dyn Query));

/// What tantivy alone costs on the same index and text: top 10 with a count; with facets
/// too; and with the ten stored documents read. Filters are left out.
fn floor_report(setup: &Setup, rounds: usize) -> serde_json::Value {
    let index = tantivy::Index::open_in_dir(setup.index.path()).expect("open the index");
    register_query_analyzer(&index);
    let schema = index.schema();
    let fields = ["title", "topics_text", "summary", "body"]
        .iter()
        .map(|name| schema.get_field(name).expect("field"))
        .collect();
    let parser = QueryParser::for_index(&index, fields);
    let searcher = index.reader().expect("reader").searcher();
    let queries: Vec<Box<dyn Query>> = setup
        .mix
        .iter()
        .map(|(q, _)| {
            if q.q.trim().is_empty() {
                Box::new(AllQuery) as Box<dyn Query>
            } else {
                parser.parse_query_lenient(&q.q).0
            }
        })
        .collect();
    let variants: [FloorVariant; 3] = [
        ("top10_count", |s, q| {
            s.search(q, &(TopDocs::with_limit(10).order_by_score(), Count))
                .expect("search");
        }),
        ("top10_count_facets", |s, q| {
            s.search(
                q,
                &(TopDocs::with_limit(10).order_by_score(), Count, facets()),
            )
            .expect("search");
        }),
        ("top10_count_facets_docs", |s, q| {
            let (top, _, _) = s
                .search(
                    q,
                    &(TopDocs::with_limit(10).order_by_score(), Count, facets()),
                )
                .expect("search");
            for (_, address) in top {
                s.doc::<TantivyDocument>(address).expect("doc");
            }
        }),
    ];
    let mut report = serde_json::Map::new();
    println!("   floor (tantivy alone, same text and index, no filters):");
    for (name, run) in variants {
        let mut all = Vec::new();
        let mut medians = Vec::new();
        let mut per_query: Vec<Vec<Duration>> = vec![Vec::new(); queries.len()];
        for _ in 0..rounds {
            for (i, query) in queries.iter().enumerate() {
                let started = Instant::now();
                run(&searcher, query.as_ref());
                let took = started.elapsed();
                all.push(took);
                per_query[i].push(took);
            }
        }
        for (i, (q, _)) in setup.mix.iter().enumerate() {
            medians.push(serde_json::json!({
                "label": q.label,
                "median_ms": Figures::of(&mut per_query[i]).median,
            }));
        }
        let whole = Figures::of(&mut all);
        println!(
            "   {name:<24} median {:.3} ms, p99 {:.3} ms, mean {:.3} ms",
            whole.median, whole.p99, whole.mean
        );
        report.insert(
            name.to_owned(),
            serde_json::json!({"whole_mix": whole.json(), "queries": medians}),
        );
    }
    serde_json::Value::Object(report)
}

fn facets() -> FacetCollector {
    let mut collector = FacetCollector::for_field("facets");
    for root in ["/jurisdiction", "/kind", "/topic"] {
        collector.add_facet(root);
    }
    collector
}

/// Searches per second of `threads` threads each cycling through the mix for `duration`.
fn throughput(setup: &Setup, threads: usize, duration: Duration) -> f64 {
    let done = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let started = Instant::now();
    std::thread::scope(|scope| {
        for t in 0..threads {
            let (done, stop) = (&done, &stop);
            scope.spawn(move || {
                let mut i = t * setup.mix.len() / threads.max(1);
                while !stop.load(Ordering::Relaxed) {
                    setup
                        .index
                        .search(&setup.mix[i % setup.mix.len()].1)
                        .expect("search");
                    done.fetch_add(1, Ordering::Relaxed);
                    i += 1;
                }
            });
        }
        std::thread::sleep(duration);
        stop.store(true, Ordering::Relaxed);
    });
    done.load(Ordering::Relaxed) as f64 / started.elapsed().as_secs_f64()
}

fn main() {
    let mode = std::env::var("PLAYBOOK_BENCH_MODE").unwrap_or_else(|_| "all".into());
    let setup = setup();
    if mode == "all" || mode == "criterion" {
        let mut c = Criterion::default()
            .sample_size(20)
            .warm_up_time(Duration::from_secs(1))
            .measurement_time(Duration::from_secs(3))
            .configure_from_args();
        criterion_benches(&mut c, &setup);
        c.final_summary();
    }
    if mode == "all" || mode == "mix" {
        mix_report(&setup);
    }
}
