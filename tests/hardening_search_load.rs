//! Entries planted to make searches slow cannot stall searching for everyone (issue 18,
//! finding 2): snippets read a bounded number of new words per hit and per search, and
//! searches for many hits run in a lane of their own. Its own test binary, so no other
//! test's work shares the cores while it measures.

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use support::accounts::*;
use support::cli::*;
use support::http::http;
use support::server::Server;

/// Entries planted, and the size of each body.
const PLANTED: usize = 50;
const BODY_BYTES: usize = 95 * 1024;
/// The word every planted entry shares, at the very end of its body.
const PLANTED_WORD: &str = "quagmireword";

/// A body of `BODY_BYTES` of words no other body has, all starting with the planted word's
/// letter (so none is ruled out cheaply), then the planted word.
fn planted_body(entry: usize) -> String {
    let mut body = String::with_capacity(BODY_BYTES + 32);
    let mut n = 0usize;
    while body.len() < BODY_BYTES {
        body.push_str(&format!("q{entry}x{n:x}v "));
        n += 1;
    }
    body.push_str(PLANTED_WORD);
    body
}

#[test]
fn planted_entries_leave_ordinary_searches_fast() {
    let data = DataDir::new();
    let editor = "planter@minneapolis.example";
    cli_add_user(data.path(), editor, CITY_A, "editor");
    let token = cli_create_token(data.path(), editor);
    let log = data.path().join("server.log");
    let server = Server::start_with(data.path(), &log, &["--writes-per-minute", "1000"]);
    let addr = server.addr;
    for n in 0..PLANTED {
        let mut body = entry(&format!("planted-{n}"), "plantedfiller");
        body["body_markdown"] = planted_body(n).into();
        let (status, reply) = http(
            addr,
            "POST",
            "/api/entries",
            Some(&token),
            Some(&body.to_string()),
        )
        .expect("posts");
        assert_eq!(status, 201, "{reply}");
    }
    let planted = format!("/api/search?q={PLANTED_WORD}&limit=100");
    let (status, reply) = http(addr, "GET", &planted, None, None).expect("searches");
    assert_eq!(status, 200, "{reply}");
    assert!(
        reply.contains(&format!("\"total\":{PLANTED}")),
        "every planted entry matches: {}",
        &reply[..reply.len().min(300)]
    );

    // Eight connections ask for the planted word, again and again.
    let stop = Arc::new(AtomicBool::new(false));
    let answered = Arc::new(AtomicUsize::new(0));
    let hammers: Vec<_> = (0..8)
        .map(|n| {
            let (stop, answered, planted) = (stop.clone(), answered.clone(), planted.clone());
            // Half ask for a page of 100, half for an ordinary page of 10.
            let path = if n % 2 == 0 {
                planted
            } else {
                format!("/api/search?q={PLANTED_WORD}")
            };
            std::thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    if let Ok((200, _)) = http(addr, "GET", &path, None, None) {
                        answered.fetch_add(1, Ordering::Relaxed);
                    }
                }
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(500));
    // Meanwhile, ordinary searches.
    let mut took = Vec::new();
    for _ in 0..60 {
        let asked = Instant::now();
        let (status, reply) =
            http(addr, "GET", "/api/search?q=national+guard", None, None).expect("searches");
        took.push(asked.elapsed());
        assert_eq!(status, 200, "{reply}");
        std::thread::sleep(Duration::from_millis(20));
    }
    stop.store(true, Ordering::Relaxed);
    for hammer in hammers {
        hammer.join().expect("joins");
    }
    assert!(
        answered.load(Ordering::Relaxed) > 0,
        "the planted searches were answered too"
    );
    took.sort_unstable();
    let median = took[took.len() / 2];
    let p90 = took[took.len() * 9 / 10];
    eprintln!(
        "ordinary searches under load: median {median:?}, p90 {p90:?}, worst {:?}; {} planted searches answered",
        took[took.len() - 1],
        answered.load(Ordering::Relaxed)
    );
    assert!(
        median < Duration::from_millis(50) && p90 < Duration::from_millis(250),
        "ordinary searches: median {median:?}, p90 {p90:?}"
    );
    drop(server);
}
