//! A small in-memory rate limiter: at most N attempts per client per minute.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

const WINDOW: Duration = Duration::from_secs(60);
/// Clients tracked at most; the oldest are forgotten first.
const MAX_CLIENTS: usize = 10_000;

/// Counts attempts per client address over a sliding minute.
pub struct RateLimiter {
    per_minute: usize,
    attempts: Mutex<HashMap<IpAddr, Vec<Instant>>>,
}

impl RateLimiter {
    /// A limiter allowing `per_minute` attempts per client per minute.
    pub fn new(per_minute: usize) -> Self {
        RateLimiter {
            per_minute: per_minute.max(1),
            attempts: Mutex::new(HashMap::new()),
        }
    }

    /// Records an attempt; false when the client is over its limit.
    pub fn allow(&self, client: IpAddr) -> bool {
        let now = Instant::now();
        let mut attempts = self.attempts.lock().unwrap_or_else(|e| e.into_inner());
        if attempts.len() >= MAX_CLIENTS && !attempts.contains_key(&client) {
            attempts.retain(|_, times| {
                times
                    .last()
                    .is_some_and(|t| now.duration_since(*t) < WINDOW)
            });
            if attempts.len() >= MAX_CLIENTS {
                return false;
            }
        }
        let times = attempts.entry(client).or_default();
        times.retain(|t| now.duration_since(*t) < WINDOW);
        if times.len() >= self.per_minute {
            return false;
        }
        times.push(now);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_each_client_separately() {
        let limiter = RateLimiter::new(2);
        let a: IpAddr = [10, 0, 0, 1].into();
        let b: IpAddr = [10, 0, 0, 2].into();
        assert!(limiter.allow(a));
        assert!(limiter.allow(a));
        assert!(!limiter.allow(a));
        assert!(limiter.allow(b));
    }
}
