//! Attempts per key (sign-ins per client address, password changes and writes per user): at
//! most N in any minute, kept by governor.

use std::hash::Hash;
use std::net::IpAddr;
use std::num::NonZeroU32;

use governor::clock::{Clock, DefaultClock};
use governor::middleware::NoOpMiddleware;
use governor::state::keyed::DefaultKeyedStateStore;
use governor::{Quota, RateLimiter};

/// Keys tracked at most: past this, keys whose allowance is back to full are forgotten, and
/// while every tracked key is still recent, attempts are refused rather than tracked.
const MAX_CLIENTS: usize = 10_000;

/// Limits attempts per key: sign-ins per client address (`SignInLimiter`), password changes
/// and writes per user.
///
/// The quota is a burst of N with one attempt coming back every minute: a key makes at most
/// N attempts in any minute (the N+1th is refused), and refused attempts do not count.
pub struct AttemptLimiter<K: Hash + Eq + Clone, C: Clock = DefaultClock> {
    limiter: RateLimiter<K, DefaultKeyedStateStore<K>, C, NoOpMiddleware<C::Instant>>,
}

/// Sign-in attempts per client address.
pub type SignInLimiter = AttemptLimiter<IpAddr>;

impl<K: Hash + Eq + Clone> AttemptLimiter<K> {
    /// A limiter allowing `per_minute` attempts per key per minute (at least one).
    pub fn new(per_minute: usize) -> Self {
        AttemptLimiter {
            limiter: RateLimiter::keyed(quota(per_minute)),
        }
    }
}

impl<K: Hash + Eq + Clone, C: Clock> AttemptLimiter<K, C> {
    /// A limiter reading the time from `clock` (tests move a fake clock on).
    pub fn with_clock(per_minute: usize, clock: C) -> Self {
        AttemptLimiter {
            limiter: RateLimiter::new(quota(per_minute), DefaultKeyedStateStore::default(), clock),
        }
    }

    /// Records an attempt; false when the client is over its limit. When `MAX_CLIENTS` are
    /// tracked, those back to a full allowance are forgotten first; if every one of them is
    /// still recent, the attempt is refused (the limiter cannot look a client up without
    /// tracking it), so memory stays bounded however many addresses try.
    pub fn allow(&self, client: K) -> bool {
        if self.limiter.len() >= MAX_CLIENTS {
            self.limiter.retain_recent();
            self.limiter.shrink_to_fit();
            if self.limiter.len() >= MAX_CLIENTS {
                return false;
            }
        }
        self.limiter.check_key(&client).is_ok()
    }

    /// How many clients are tracked now.
    pub fn clients(&self) -> usize {
        self.limiter.len()
    }
}

/// A burst of `per_minute`, one attempt back each minute: never more than `per_minute` in a
/// minute. (`Quota::per_minute(n)` would give one back every 60/n seconds, so up to 2n-1 in
/// the first minute.)
fn quota(per_minute: usize) -> Quota {
    let burst =
        NonZeroU32::new(u32::try_from(per_minute).unwrap_or(u32::MAX)).unwrap_or(NonZeroU32::MIN);
    Quota::per_minute(NonZeroU32::MIN).allow_burst(burst)
}

#[cfg(test)]
mod tests {
    use std::net::Ipv6Addr;
    use std::time::Duration;

    use governor::clock::FakeRelativeClock;

    use super::*;

    const MINUTE: Duration = Duration::from_secs(60);

    #[test]
    fn limits_each_client_separately() {
        let limiter = SignInLimiter::new(2);
        let a: IpAddr = [10, 0, 0, 1].into();
        let b: IpAddr = [10, 0, 0, 2].into();
        assert!(limiter.allow(a));
        assert!(limiter.allow(a));
        assert!(!limiter.allow(a), "a third attempt within the minute");
        assert!(limiter.allow(b), "another client has its own allowance");
    }

    #[test]
    fn never_more_than_n_attempts_in_a_minute() {
        let clock = FakeRelativeClock::default();
        let limiter = AttemptLimiter::<IpAddr, _>::with_clock(3, clock.clone());
        let client: IpAddr = [10, 0, 0, 1].into();
        assert!((0..3).all(|_| limiter.allow(client)));
        assert!(!limiter.allow(client));
        clock.advance(MINUTE - Duration::from_millis(1));
        assert!(!limiter.allow(client), "still within the minute");
        clock.advance(Duration::from_millis(1));
        assert!(limiter.allow(client), "a minute on, one attempt is back");
        assert!(!limiter.allow(client));
    }

    #[test]
    fn tracks_at_most_max_clients() {
        let clock = FakeRelativeClock::default();
        let limiter = AttemptLimiter::<IpAddr, _>::with_clock(10, clock.clone());
        let client = |n: usize| IpAddr::V6(Ipv6Addr::from(n as u128 + 1));
        for n in 0..MAX_CLIENTS {
            assert!(limiter.allow(client(n)));
        }
        assert_eq!(limiter.clients(), MAX_CLIENTS);
        // Every tracked client is recent: a new one is refused, and not tracked.
        assert!(!limiter.allow(client(MAX_CLIENTS)));
        assert_eq!(limiter.clients(), MAX_CLIENTS);
        // Once their allowances are full again, they are forgotten to make room.
        clock.advance(2 * MINUTE);
        assert!(limiter.allow(client(MAX_CLIENTS)));
        assert_eq!(limiter.clients(), 1);
    }
}
