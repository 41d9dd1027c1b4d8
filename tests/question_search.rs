//! Question search (issue 17) on the real playbook with the real model: the judged questions
//! in plain words find their entry (hit@3 ≥ 90%, MRR ≥ 0.85), no query of the exact-word
//! suite loses its rank, entries found by meaning obey filters, facet counts and visibility
//! exactly as word matches do, and stored vectors are reused so a restart or a reindex
//! embeds nothing it embedded before. Needs `PLAYBOOK_TEST_MODEL_DIR` (see support::model).

mod support;

use std::path::Path;

use city_playbook::playbook::{Access, EntryId, Playbook, Reader};
use city_playbook::search::{
    Filter, IndexedEntry, Matched, SearchIndex, SearchMode, SearchRequest, SearchResults,
};
use city_playbook::semantic::{GRAPH_BREADTH, VectorFile, passage_key, passages};
use support::exact_words::CASES;
use support::paraphrases::PARAPHRASES;
use tempfile::TempDir;

/// Results asked for per query (the ranks looked at).
const DEPTH: usize = 20;

fn real_playbook() -> Playbook {
    support::playbook::load_valid(&support::playbook::real_playbook_dir())
}

/// The index of `playbook` under `data`, with question search on and its vectors built.
fn open_with_vectors(data: &Path, playbook: &Playbook) -> Option<SearchIndex> {
    open_with_graph_from(data, playbook, None)
}

/// As `open_with_vectors`, questions going through a graph of the passages from
/// `graph_from` passages on (`GRAPH_FROM` when none).
fn open_with_graph_from(
    data: &Path,
    playbook: &Playbook,
    graph_from: Option<usize>,
) -> Option<SearchIndex> {
    let embedder = support::model::embedder()?;
    let (index, _) = SearchIndex::open(data, playbook).expect("index opens");
    if let Some(passages) = graph_from {
        index.use_graph_from(passages);
    }
    index.enable_question_search(embedder, data.join("vectors.bin"));
    index.build_vectors().expect("vectors build");
    Some(index)
}

/// The judged questions' hybrid ranks of their entries.
fn paraphrase_ranks(index: &SearchIndex) -> Vec<Option<usize>> {
    PARAPHRASES
        .iter()
        .map(|(question, expected)| {
            rank_of(
                &search(index, request(question, SearchMode::Hybrid)),
                expected,
            )
        })
        .collect()
}

fn search(index: &SearchIndex, request: SearchRequest) -> SearchResults {
    index
        .search(&request)
        .unwrap_or_else(|e| panic!("search {:?} failed: {e}", request.query))
}

fn request(query: &str, mode: SearchMode) -> SearchRequest {
    SearchRequest {
        limit: DEPTH,
        mode,
        ..SearchRequest::query(query)
    }
}

/// The 0-based rank of `id` in `results`, if there.
fn rank_of(results: &SearchResults, id: &str) -> Option<usize> {
    results.hits.iter().position(|hit| hit.id == id)
}

fn top_five(results: &SearchResults) -> String {
    results
        .hits
        .iter()
        .take(5)
        .enumerate()
        .map(|(i, hit)| format!("      {}. {} ({:?})", i + 1, hit.id, hit.matched))
        .collect::<Vec<_>>()
        .join("\n")
}

/// hit@1, hit@3 and mean reciprocal rank (within `DEPTH`) of the ranks found.
fn measures(ranks: &[Option<usize>]) -> (f64, f64, f64) {
    let n = ranks.len() as f64;
    let within = |k: usize| ranks.iter().filter(|r| r.is_some_and(|r| r < k)).count() as f64 / n;
    let mrr = ranks
        .iter()
        .map(|r| r.map_or(0.0, |r| 1.0 / (r as f64 + 1.0)))
        .sum::<f64>()
        / n;
    (within(1), within(3), mrr)
}

#[test]
fn paraphrased_questions_find_their_entry() {
    let playbook = real_playbook();
    let data = TempDir::new().expect("temp dir");
    let Some(index) = open_with_vectors(data.path(), &playbook) else {
        return;
    };
    let mut lexical_ranks = Vec::new();
    let mut hybrid_ranks = Vec::new();
    let mut failures = Vec::new();
    for (question, expected) in PARAPHRASES {
        let lexical = search(&index, request(question, SearchMode::Lexical));
        let hybrid = search(&index, request(question, SearchMode::Hybrid));
        assert_eq!(hybrid.mode, Some(SearchMode::Hybrid), "{question}");
        let rank = rank_of(&hybrid, expected);
        lexical_ranks.push(rank_of(&lexical, expected));
        hybrid_ranks.push(rank);
        if rank.is_none_or(|r| r >= 3) {
            let found = rank.map_or_else(
                || format!("not in the first {DEPTH}"),
                |r| format!("ranked {}", r + 1),
            );
            failures.push(format!(
                "{question:?}: wanted {expected} in the top 3, {found}; top 5:\n{}",
                top_five(&hybrid)
            ));
        }
    }
    let (l1, l3, lmrr) = measures(&lexical_ranks);
    let (h1, h3, hmrr) = measures(&hybrid_ranks);
    eprintln!(
        "{} paraphrased questions\n  lexical: hit@1 {:.3}, hit@3 {:.3}, MRR {:.3}\n  \
         hybrid:  hit@1 {:.3}, hit@3 {:.3}, MRR {:.3}",
        PARAPHRASES.len(),
        l1,
        l3,
        lmrr,
        h1,
        h3,
        hmrr
    );
    // The fusion's settings were chosen on the questions at even positions; the odd ones
    // were held out (BENCHMARKS.md reports both).
    for (half, first) in [("tuning half (even)", 0), ("held-out half (odd)", 1)] {
        let ranks: Vec<Option<usize>> = hybrid_ranks
            .iter()
            .skip(first)
            .step_by(2)
            .copied()
            .collect();
        let (h1, h3, mrr) = measures(&ranks);
        eprintln!("  hybrid, {half}: hit@1 {h1:.3}, hit@3 {h3:.3}, MRR {mrr:.3}");
    }
    if !failures.is_empty() {
        eprintln!("not in the top 3:\n  {}", failures.join("\n  "));
    }
    assert!(PARAPHRASES.len() >= 40);
    assert!(
        h1 > l1 && h3 > l3 && hmrr > lmrr,
        "question search should beat words alone on every measure"
    );
    assert!(
        h3 >= 0.9 && hmrr >= 0.85,
        "hybrid hit@3 {h3:.3} (needs 0.9), MRR {hmrr:.3} (needs 0.85); {} of {} not in the \
         top 3:\n  {}",
        failures.len(),
        PARAPHRASES.len(),
        failures.join("\n  ")
    );
}

#[test]
fn through_the_graph_of_passages_questions_find_what_the_exact_scan_finds() {
    let playbook = real_playbook();
    let (scanned, graphed) = (
        TempDir::new().expect("temp dir"),
        TempDir::new().expect("temp dir"),
    );
    let Some(exact) = open_with_vectors(scanned.path(), &playbook) else {
        return;
    };
    let Some(index) = open_with_graph_from(graphed.path(), &playbook, Some(0)) else {
        return;
    };
    // The real playbook is below GRAPH_FROM: the first index scans, the second has a graph.
    assert!(!exact.build_vectors().expect("builds").graph);
    assert!(index.build_vectors().expect("builds").graph);
    // The graph's ten nearest entries of every judged question are the exact scan's.
    let (mut found, mut wanted) = (0, 0);
    for (question, _) in PARAPHRASES {
        let vector = index
            .question_vector(question)
            .expect("embeds")
            .expect("question search on");
        let by_graph = index
            .nearest_entries(&vector, 10, GRAPH_BREADTH)
            .expect("vectors built");
        let by_scan = index.nearest_exact(&vector, 10).expect("vectors built");
        wanted += by_scan.len();
        found += by_scan
            .iter()
            .filter(|n| by_graph.iter().any(|g| g.id == n.id))
            .count();
    }
    let recall = found as f64 / wanted as f64;
    eprintln!("graph recall@10 against the exact scan: {recall:.3}");
    assert!(recall >= 0.95, "recall@10 {recall:.3}");
    // And so the judged questions rank as well.
    let (_, h3, mrr) = measures(&paraphrase_ranks(&index));
    let (_, _, exact_mrr) = measures(&paraphrase_ranks(&exact));
    eprintln!("through the graph: hit@3 {h3:.3}, MRR {mrr:.3} (exact scan: MRR {exact_mrr:.3})");
    assert!(h3 >= 0.9 && mrr >= 0.85, "hit@3 {h3:.3}, MRR {mrr:.3}");
}

#[test]
fn an_edit_links_its_new_passage_into_the_graph_it_keeps() {
    let playbook = real_playbook();
    let data = TempDir::new().expect("temp dir");
    let Some(index) = open_with_graph_from(data.path(), &playbook, Some(0)) else {
        return;
    };
    let entry = playbook.entries.values().next().expect("an entry");
    let jurisdiction = playbook
        .jurisdictions
        .get(entry.jurisdiction())
        .expect("jurisdiction");
    let mut edited = IndexedEntry::new(entry, jurisdiction);
    edited.summary = "Snow ploughs and salt trucks were parked across the bridge ramps so \
                      convoys could not cross the river at night."
        .into();
    index.upsert(&edited, None).expect("indexed");
    let edit = index.build_vectors().expect("builds");
    assert_eq!(edit.embedded, 1, "{edit:?}");
    // The graph was kept (not built again) and the new passage linked in.
    assert!(edit.graph && edit.graph_took.is_zero(), "{edit:?}");
    let vector = index
        .question_vector("trucks blocking bridges to stop convoys crossing the river")
        .expect("embeds")
        .expect("on");
    let near = index
        .nearest_entries(&vector, 3, GRAPH_BREADTH)
        .expect("built");
    assert_eq!(near[0].id, edited.id.to_string(), "{near:?}");
    assert_eq!(near, index.nearest_exact(&vector, 3).expect("built"));
    // A restart reads the graph saved before the edit, links in the edit's passage, and
    // finds the same entries: nothing is embedded and no graph is built.
    drop(index);
    let restarted = || {
        let (index, _) = SearchIndex::open(data.path(), &playbook).expect("opens");
        index.use_graph_from(0);
        let embedder = support::model::embedder().expect("the model loaded above");
        index.enable_question_search(embedder, data.path().join("vectors.bin"));
        index
    };
    let index = restarted();
    let restart = index.build_vectors().expect("builds");
    assert!(
        restart.graph_read && restart.graph && restart.graph_took.is_zero(),
        "{restart:?}"
    );
    assert_eq!(restart.embedded, 0, "{restart:?}");
    let again = index
        .nearest_entries(&vector, 3, GRAPH_BREADTH)
        .expect("built");
    assert_eq!(again, near);
    // A damaged graph file is built again, not trusted.
    drop(index);
    let graph = data.path().join("vectors.graph");
    let bytes = std::fs::read(&graph).expect("the graph was saved");
    std::fs::write(&graph, &bytes[..bytes.len() / 2]).expect("writes");
    let index = restarted();
    let rebuilt = index.build_vectors().expect("builds");
    assert!(
        !rebuilt.graph_read && rebuilt.graph && !rebuilt.graph_took.is_zero(),
        "{rebuilt:?}"
    );
    assert_eq!(
        index
            .nearest_entries(&vector, 3, GRAPH_BREADTH)
            .expect("built"),
        near
    );
}

#[test]
fn every_paraphrase_target_exists() {
    let playbook = real_playbook();
    let missing: Vec<&str> = PARAPHRASES
        .iter()
        .map(|(_, id)| *id)
        .filter(|id| !playbook.entries.keys().any(|key| key.to_string() == *id))
        .collect();
    assert!(missing.is_empty(), "unknown entry ids: {missing:?}");
}

#[test]
fn no_exact_word_query_loses_its_rank() {
    let playbook = real_playbook();
    let data = TempDir::new().expect("temp dir");
    let Some(index) = open_with_vectors(data.path(), &playbook) else {
        return;
    };
    let mut failures = Vec::new();
    for (query, expected, rank) in CASES {
        let lexical = search(&index, request(query, SearchMode::Lexical));
        let hybrid = search(&index, request(query, SearchMode::Hybrid));
        let before = rank_of(&lexical, expected);
        let after = rank_of(&hybrid, expected);
        let kept = match (before, after) {
            (Some(b), Some(a)) => a <= b && a < rank.within(),
            (None, _) => true,
            (Some(_), None) => false,
        };
        if !kept {
            failures.push(format!(
                "{query:?}: {expected} was {}, is {} in hybrid mode; top 5:\n{}",
                before.map_or("absent".to_owned(), |b| format!("#{}", b + 1)),
                after.map_or("absent".to_owned(), |a| format!("#{}", a + 1)),
                top_five(&hybrid)
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} exact-word queries lost rank:\n  {}",
        failures.len(),
        CASES.len(),
        failures.join("\n  ")
    );
}

#[test]
fn entries_found_by_meaning_obey_filters_and_are_counted_in_facets() {
    let playbook = real_playbook();
    let data = TempDir::new().expect("temp dir");
    let Some(index) = open_with_vectors(data.path(), &playbook) else {
        return;
    };
    let question = "can we bar agents from the city's car parks";
    let all = search(&index, request(question, SearchMode::Hybrid));
    assert!(all.hits.iter().any(|h| h.matched == Matched::Both));
    // Facet counts cover every match, by words or by meaning.
    let by_kind: u64 = all.facets[Filter::Kind].values().sum();
    assert_eq!(
        by_kind as usize,
        all.total,
        "{:?}",
        all.facets[Filter::Kind]
    );
    let lexical = search(&index, request(question, SearchMode::Lexical));
    assert!(all.total >= lexical.total);
    assert!(lexical.hits.iter().all(|h| h.matched == Matched::Words));
    // A filter narrows entries found by meaning too; its count matches the facet's.
    let checklists = search(
        &index,
        request(question, SearchMode::Hybrid).with_filter(Filter::Jurisdiction, ["minnesota"]),
    );
    assert!(!checklists.hits.is_empty());
    assert!(
        checklists
            .hits
            .iter()
            .all(|h| h.jurisdiction.slug == "minnesota"),
        "{:?}",
        checklists.hits.iter().map(|h| &h.id).collect::<Vec<_>>()
    );
    assert_eq!(
        all.facets[Filter::Jurisdiction].get("minnesota").copied(),
        Some(checklists.total as u64)
    );
    // An exclusion removes entries found by meaning that hold the word.
    let excluded = search(
        &index,
        request(&format!("{question} -parking"), SearchMode::Hybrid),
    );
    assert!(
        excluded
            .hits
            .iter()
            .all(|h| h.id != "minneapolis-mn/parking-lot-executive-order")
    );
    // A hit found by meaning alone shows its closest passage, without marks.
    let meaning = PARAPHRASES
        .iter()
        .flat_map(|(q, _)| search(&index, request(q, SearchMode::Hybrid)).hits)
        .find(|h| h.matched == Matched::Meaning)
        .expect("some question finds an entry by meaning alone");
    assert!(!meaning.snippet.text().is_empty());
    assert!(meaning.snippet.marks().is_empty());
}

#[test]
fn queries_of_only_filters_phrases_or_exclusions_and_sorted_ones_stay_lexical() {
    let playbook = real_playbook();
    let data = TempDir::new().expect("temp dir");
    let Some(index) = open_with_vectors(data.path(), &playbook) else {
        return;
    };
    for query in ["kind:checklist", "\"orange vests\"", "", "-masks guard"] {
        let results = search(&index, request(query, SearchMode::Hybrid));
        let expected = if query == "-masks guard" {
            SearchMode::Hybrid
        } else {
            SearchMode::Lexical
        };
        assert_eq!(results.mode, Some(expected), "{query:?}");
    }
    let sorted = search(
        &index,
        SearchRequest {
            sort: city_playbook::search::Sort::Date,
            ..request("who do we call to get the guard out", SearchMode::Hybrid)
        },
    );
    assert_eq!(sorted.mode, Some(SearchMode::Lexical));
}

#[test]
fn an_entry_hidden_from_the_reader_is_never_found_or_counted_by_meaning() {
    let mut playbook = real_playbook();
    // A copy of the parking-lot order that only its own city may read.
    let source = playbook
        .entries
        .values()
        .find(|e| e.id.to_string() == "minneapolis-mn/parking-lot-executive-order")
        .expect("the entry")
        .clone();
    let jurisdiction = playbook
        .jurisdictions
        .get(source.jurisdiction())
        .expect("its jurisdiction")
        .clone();
    let data = TempDir::new().expect("temp dir");
    let Some(index) = open_with_vectors(data.path(), &playbook) else {
        return;
    };
    let mut hidden = IndexedEntry::new(&source, &jurisdiction);
    hidden.id = EntryId::parse("minneapolis-mn/garage-order-draft").expect("id");
    hidden.title = "Draft: keep federal vehicles out of municipal garages".into();
    hidden.access = Access::OwnCity;
    index.upsert(&hidden, None).expect("indexed");
    index.build_vectors().expect("vectors build");
    playbook.entries.clear();
    let question = "can we bar agents from the city's car parks";
    let hidden_id = hidden.id.to_string();
    let admin = search(
        &index,
        request(question, SearchMode::Hybrid).for_reader(Reader::Admin),
    );
    assert!(
        rank_of(&admin, &hidden_id).is_some(),
        "the admin should find the draft by meaning"
    );
    for reader in [
        Reader::Anonymous,
        Reader::Member {
            jurisdiction: "minnesota".into(),
        },
    ] {
        let results = search(
            &index,
            request(question, SearchMode::Hybrid).for_reader(reader.clone()),
        );
        assert!(
            rank_of(&results, &hidden_id).is_none(),
            "{reader:?} sees it"
        );
        assert_eq!(results.total + 1, admin.total, "{reader:?}: counted");
        let counted: u64 = results.facets[Filter::Kind].values().sum();
        assert_eq!(
            counted as usize, results.total,
            "{reader:?}: facets count it"
        );
    }
}

#[test]
fn a_restart_or_reindex_embeds_nothing_and_an_edit_only_what_changed() {
    let playbook = real_playbook();
    let data = TempDir::new().expect("temp dir");
    let Some(embedder) = support::model::embedder() else {
        return;
    };
    let vectors = data.path().join("vectors.bin");
    let first = {
        let (index, _) = SearchIndex::open(data.path(), &playbook).expect("opens");
        index.enable_question_search(embedder.clone(), vectors.clone());
        index.build_vectors().expect("builds")
    };
    assert!(
        first.embedded > 0 && first.embedded == first.passages,
        "{first:?}"
    );
    // A restart: the same index, a new process's memory.
    let (index, _) = SearchIndex::open(data.path(), &playbook).expect("opens");
    index.enable_question_search(embedder.clone(), vectors.clone());
    let restart = index.build_vectors().expect("builds");
    assert_eq!(restart.embedded, 0, "{restart:?}");
    assert_eq!(restart.reused, first.passages);
    drop(index);
    // A reindex: a new generation of the index, the same texts.
    let index = SearchIndex::rebuild(data.path(), &playbook).expect("rebuilds");
    index.enable_question_search(embedder.clone(), vectors.clone());
    let reindex = index.build_vectors().expect("builds");
    assert_eq!(reindex.embedded, 0, "{reindex:?}");
    // Nothing changed since: a second build does nothing.
    assert!(index.build_vectors().expect("builds").unchanged);
    // An edit of one summary: only its head passage is new.
    let entry = playbook.entries.values().next().expect("an entry");
    let jurisdiction = playbook
        .jurisdictions
        .get(entry.jurisdiction())
        .expect("jurisdiction");
    let original = IndexedEntry::new(entry, jurisdiction);
    let mut edited = original.clone();
    edited.summary.push_str(" Updated after review.");
    index.upsert(&edited, None).expect("indexed");
    let edit = index.build_vectors().expect("builds");
    assert_eq!(edit.embedded, 1, "{edit:?}");
    // The file gained the new head passage, appended after what it held: it grows by what
    // an edit adds, not by the corpus (the old head stays until the space is compacted).
    let file = VectorFile::new(vectors.clone(), *embedder.fingerprint(), embedder.dims());
    let stored = file.read();
    let head = |e: &IndexedEntry| passage_key(&passages(&e.title, &e.summary, &e.body_text)[0]);
    assert_eq!(stored.len(), first.passages + 1);
    assert_eq!(stored.key(first.passages as u32), Some(&head(&edited)));
    assert!((0..first.passages as u32).any(|node| stored.key(node) == Some(&head(&original))));
    // A restart after the edit reads the file as it is: nothing to embed.
    drop(index);
    let (index, _) = SearchIndex::open(data.path(), &playbook).expect("opens");
    index.enable_question_search(embedder.clone(), vectors.clone());
    let after_edit = index.build_vectors().expect("builds");
    assert_eq!(after_edit.embedded, 0, "{after_edit:?}");
    assert_eq!(after_edit.passages, edit.passages);
}
