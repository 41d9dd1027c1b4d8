//! The sentence-embedding model run in Rust matches the real all-MiniLM-L6-v2: unit vectors of
//! 384 numbers whose cosines agree with the similarities sentence-transformers publishes for
//! it, padding in a batch changes nothing, and a text past the token limit still embeds.

mod support;

use city_playbook::semantic::{Embedder, dot};

/// The similarity matrix of sentence-transformers' quickstart (its README, model
/// `all-MiniLM-L6-v2`): `model.similarity(embeddings, embeddings)` printed to four places.
const QUICKSTART: [&str; 3] = [
    "The weather is lovely today.",
    "It's so sunny outside!",
    "He drove to the stadium.",
];
const QUICKSTART_SIMILARITIES: [(usize, usize, f32); 3] =
    [(0, 1, 0.6660), (0, 2, 0.1046), (1, 2, 0.1411)];

fn model() -> Option<std::sync::Arc<Embedder>> {
    support::model::embedder()
}

#[test]
fn cosines_match_the_published_similarities_of_the_real_model() {
    let Some(model) = model() else { return };
    assert_eq!(model.dims(), 384);
    let vectors = model.embed(&QUICKSTART).expect("embeds");
    for vector in &vectors {
        assert_eq!(vector.len(), 384);
        let norm = dot(vector, vector).sqrt();
        assert!((norm - 1.0).abs() < 1e-4, "not unit length: {norm}");
    }
    let mut wrong = Vec::new();
    for (a, b, expected) in QUICKSTART_SIMILARITIES {
        let cosine = dot(&vectors[a], &vectors[b]);
        if (cosine - expected).abs() > 0.002 {
            wrong.push(format!(
                "{:?} / {:?}: {cosine:.4}, published {expected:.4}",
                QUICKSTART[a], QUICKSTART[b]
            ));
        }
    }
    assert!(wrong.is_empty(), "cosines off:\n{}", wrong.join("\n"));
}

#[test]
fn paraphrases_are_near_and_unrelated_sentences_far() {
    let Some(model) = model() else { return };
    let cat = model.embed_one("The cat sits on the mat").expect("embeds");
    let cat_again = model
        .embed_one("A cat is sitting on a mat")
        .expect("embeds");
    let other = model
        .embed_one("The city council passed the budget")
        .expect("embeds");
    let near = dot(&cat, &cat_again);
    let far = dot(&cat, &other);
    eprintln!("cat/mat paraphrase: {near:.4}; unrelated: {far:.4}");
    assert!(near > 0.8, "a paraphrase should be near: {near}");
    assert!(far < 0.2, "an unrelated sentence should be far: {far}");
}

#[test]
fn a_batch_embeds_each_text_as_it_would_alone() {
    let Some(model) = model() else { return };
    let short = "Keep ICE off city parking lots";
    let long = "The executive order closes city-owned parking lots and garages to federal \
                immigration agents staging operations, while leaving them open to the public.";
    let together = model.embed(&[short, long]).expect("embeds");
    let alone = model.embed_one(short).expect("embeds");
    let cosine = dot(&together[0], &alone);
    assert!(cosine > 0.9999, "padding moved the vector: {cosine}");
}

#[test]
fn a_text_past_the_token_limit_embeds() {
    let Some(model) = model() else { return };
    let long = "guard ".repeat(5_000);
    let vector = model.embed_one(&long).expect("embeds");
    assert_eq!(vector.len(), 384);
}
