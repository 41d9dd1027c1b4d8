//! Password checks run a few at a time, on their own threads. An argon2 hash takes about
//! 19 MiB and tens of milliseconds; hundreds of sign-ins at once (from as many addresses, so
//! the per-address limit does not stop them) would take gigabytes and every core. A fixed
//! set of threads runs them, a bounded queue waits its turn, and past the queue the answer is
//! "busy, try again". Fixed threads also bound what the allocator keeps: each thread that
//! ever hashed keeps its 19 MiB arena, so hashing on the general blocking pool (hundreds of
//! threads) would grow memory with every new thread.

use std::sync::Arc;
use std::sync::Mutex;
use std::sync::mpsc::{Receiver, SyncSender, TrySendError, sync_channel};

use tokio::sync::oneshot;

/// Password checks that may wait for a turn, per core; more are turned away.
const WAITING_PER_CORE: usize = 16;

type Job = Box<dyn FnOnce() + Send>;

/// Runs password work on a few dedicated threads, with a bounded queue.
pub struct PasswordGate {
    jobs: SyncSender<Job>,
}

impl PasswordGate {
    /// A gate sized for this machine's cores: hashing is CPU-bound, so one thread per core
    /// but one (at least one), leaving a core for everything else the server answers.
    pub fn for_this_machine() -> Self {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        PasswordGate::new(cores.saturating_sub(1).max(1), WAITING_PER_CORE * cores)
    }

    /// A gate running `threads` checks at once, with room for `waiting` more.
    pub fn new(threads: usize, waiting: usize) -> Self {
        let (jobs, queue) = sync_channel::<Job>(waiting);
        let queue = Arc::new(Mutex::new(queue));
        for n in 0..threads.max(1) {
            let queue = Arc::clone(&queue);
            let spawned = std::thread::Builder::new()
                .name(format!("password-{n}"))
                .spawn(move || work(&queue));
            if let Err(e) = spawned {
                tracing::error!(error = %e, "could not start a password thread");
            }
        }
        PasswordGate { jobs }
    }

    /// Runs `job` on a password thread and waits for its result; None at once when the queue
    /// is full (or no password thread runs).
    pub async fn run<T: Send + 'static>(
        &self,
        job: impl FnOnce() -> T + Send + 'static,
    ) -> Option<T> {
        let (done, result) = oneshot::channel();
        let job: Job = Box::new(move || {
            // The caller may have gone (the request timed out); the work is done anyway.
            let _ = done.send(job());
        });
        match self.jobs.try_send(job) {
            Ok(()) => result.await.ok(),
            Err(TrySendError::Full(_) | TrySendError::Disconnected(_)) => None,
        }
    }
}

/// A password thread: runs queued jobs until the gate is dropped.
fn work(queue: &Mutex<Receiver<Job>>) {
    loop {
        let job = {
            let queue = queue.lock().unwrap_or_else(|e| e.into_inner());
            queue.recv()
        };
        match job {
            Ok(job) => job(),
            Err(_) => return,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Barrier;
    use std::sync::atomic::{AtomicBool, Ordering};

    use super::*;

    #[tokio::test]
    async fn work_runs_on_the_gate_threads_and_the_queue_is_bounded() {
        let gate = Arc::new(PasswordGate::new(1, 1));
        let hold = Arc::new(Barrier::new(2));
        let started = Arc::new(AtomicBool::new(false));
        // One job runs, held at the barrier.
        let running = {
            let (gate, hold, started) =
                (Arc::clone(&gate), Arc::clone(&hold), Arc::clone(&started));
            tokio::spawn(async move {
                gate.run(move || {
                    started.store(true, Ordering::Release);
                    hold.wait();
                    std::thread::current().name().map(str::to_owned)
                })
                .await
            })
        };
        while !started.load(Ordering::Acquire) {
            tokio::task::yield_now().await;
        }
        // One waits in the queue; a third is turned away at once.
        assert!(gate.jobs.try_send(Box::new(|| ())).is_ok());
        assert!(
            gate.run(|| ()).await.is_none(),
            "a full queue turns work away"
        );
        hold.wait();
        let name = running.await.expect("joins").expect("ran").expect("named");
        assert!(name.starts_with("password-"), "{name}");
        assert_eq!(gate.run(|| 7).await, Some(7), "the queue drains");
    }
}
