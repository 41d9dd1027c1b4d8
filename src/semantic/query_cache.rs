//! `QueryVectors`: the vectors of recent questions, so a question asked again (the next page,
//! a filter clicked) is not embedded again.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

/// Questions remembered.
pub const CACHED_QUERIES: usize = 512;

/// Each remembered question's vector, and the questions oldest first.
type Remembered = (HashMap<String, Arc<[f32]>>, VecDeque<String>);

/// Recent questions' vectors, oldest forgotten first.
#[derive(Debug, Default)]
pub struct QueryVectors {
    inner: Mutex<Remembered>,
}

impl QueryVectors {
    /// The vector of `text` if remembered.
    pub fn get(&self, text: &str) -> Option<Arc<[f32]>> {
        let guard = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        guard.0.get(text).cloned()
    }

    /// Remembers the vector of `text`.
    pub fn put(&self, text: &str, vector: Arc<[f32]>) {
        let mut guard = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        let (map, order) = &mut *guard;
        if map.insert(text.to_owned(), vector).is_none() {
            order.push_back(text.to_owned());
            while order.len() > CACHED_QUERIES {
                if let Some(old) = order.pop_front() {
                    map.remove(&old);
                }
            }
        }
    }
}
