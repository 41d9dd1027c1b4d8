//! The sanitized HTML of stored Markdown (entry bodies, revisions, jurisdictions' and sources'
//! descriptions), rendered once and kept: a bounded cache keyed by the SHA-256 of the Markdown,
//! so any revision of any entry, curated or contributed, renders once however often it is read.
//!
//! Keyed by content rather than by entry and revision, it needs no invalidation: an edit is
//! new Markdown, and the renderer gives the same HTML for the same Markdown. The oldest kept
//! body is dropped first once the cache holds `max_bytes`.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

use sha2::{Digest, Sha256};

use crate::playbook::markdown::render_html_within;

/// How much rendered HTML the app keeps: every body of a large playbook, at a few KiB each.
pub const RENDERED_CACHE_BYTES: usize = 32 * 1024 * 1024;

/// What a kept body costs beyond its HTML: its key, twice, and the map's own bookkeeping.
const OVERHEAD_BYTES: usize = 128;

type Key = [u8; 32];

/// Rendered bodies, oldest first.
#[derive(Default)]
struct Kept {
    html: HashMap<Key, Arc<str>>,
    order: VecDeque<Key>,
    bytes: usize,
}

/// Sanitized HTML of Markdown rendered before, up to a size.
pub struct RenderedBodies {
    kept: Mutex<Kept>,
    max_bytes: usize,
}

impl RenderedBodies {
    /// An empty cache holding at most `max_bytes` of HTML.
    pub fn new(max_bytes: usize) -> Self {
        RenderedBodies {
            kept: Mutex::new(Kept::default()),
            max_bytes,
        }
    }

    /// The sanitized HTML of `markdown`, rendered now unless kept from before. Hashes and may
    /// render: call it on a blocking thread.
    pub fn html(&self, markdown: &str) -> Arc<str> {
        self.html_within(markdown, "")
    }

    /// The sanitized HTML of `markdown` with heading ids starting `{page_part}section-`
    /// (`render_html_within`), rendered now unless kept from before. Call it on a blocking
    /// thread.
    pub fn html_within(&self, markdown: &str, page_part: &str) -> Arc<str> {
        // The part is hashed first, ended by a byte no part holds, so no two pairs share a key.
        let key: Key = Sha256::new()
            .chain_update(page_part.as_bytes())
            .chain_update([0u8])
            .chain_update(markdown.as_bytes())
            .finalize()
            .into();
        if let Some(html) = self.lock().html.get(&key) {
            return Arc::clone(html);
        }
        // Rendered unlocked: readers of other bodies do not wait for this one.
        let html: Arc<str> = render_html_within(markdown, page_part).into();
        self.keep(key, Arc::clone(&html));
        html
    }

    /// How many bodies are kept.
    pub fn len(&self) -> usize {
        self.lock().html.len()
    }

    /// Whether none is.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn keep(&self, key: Key, html: Arc<str>) {
        let cost = html.len() + OVERHEAD_BYTES;
        if cost > self.max_bytes {
            return;
        }
        let mut kept = self.lock();
        if kept.html.contains_key(&key) {
            return;
        }
        while kept.bytes + cost > self.max_bytes {
            let Some(oldest) = kept.order.pop_front() else {
                break;
            };
            if let Some(dropped) = kept.html.remove(&oldest) {
                kept.bytes -= dropped.len() + OVERHEAD_BYTES;
            }
        }
        kept.html.insert(key, html);
        kept.order.push_back(key);
        kept.bytes += cost;
    }

    /// The kept bodies; a panic while holding them left them consistent (each change is made
    /// whole before the next), so a poisoned lock is used as it is.
    fn lock(&self) -> std::sync::MutexGuard<'_, Kept> {
        self.kept
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_body_is_rendered_once_and_the_cache_stays_within_its_bound() {
        // Room for four bodies like `<p>body 10</p>\n`, 15 bytes each.
        let bodies = RenderedBodies::new(4 * (OVERHEAD_BYTES + 16));
        let first = bodies.html("**one**");
        assert_eq!(&*first, "<p><strong>one</strong></p>\n");
        assert!(Arc::ptr_eq(&first, &bodies.html("**one**")), "kept");
        for n in 10..30 {
            bodies.html(&format!("body {n}"));
        }
        assert_eq!(bodies.len(), 4);
        assert!(bodies.lock().bytes <= 4 * (OVERHEAD_BYTES + 16));
        assert_eq!(&*bodies.html("body 29"), "<p>body 29</p>\n");
        assert!(
            !Arc::ptr_eq(&first, &bodies.html("**one**")),
            "dropped first"
        );
    }
}
