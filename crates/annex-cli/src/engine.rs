//! Parallel work, ordered output: jobs run on a rayon pool, results come back to the
//! calling thread in input order.
//!
//! At most `window` jobs are in flight or waiting to be emitted, so memory is bounded by
//! the window, not by the number of inputs; the caller's iterator is pulled lazily (it may
//! read standard input). Results are emitted strictly by input index, never by completion
//! order, which is why the output bytes do not depend on the number of threads.

use std::collections::BTreeMap;
use std::ops::ControlFlow;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};

/// Results handed from the workers to the calling thread.
struct Handoff<R> {
    /// Finished jobs not yet taken, by input index, in completion order.
    ready: Vec<(usize, R)>,
    /// The calling thread sleeps until `ready` holds this many.
    wake_at: usize,
    /// Whether the calling thread sleeps (only then is it worth a wake-up call).
    asleep: bool,
}

/// Run `work` on every item of `jobs` on `pool`, and call `emit` with the results in the
/// order of `jobs`. `emit` may stop the run (a closed standard output); jobs in flight
/// then finish unobserved. `work` must not panic (rayon would abort the process).
///
/// The calling thread sleeps until `batch` results (at least one) are ready, or all the
/// jobs started are: with a batch of several it is woken (a futex call and a context
/// switch each) once per batch rather than once per input, while the rest of the window
/// keeps the workers busy.
pub(crate) fn ordered<T, R, W>(
    pool: &rayon::ThreadPool,
    window: usize,
    batch: usize,
    jobs: impl Iterator<Item = T>,
    work: &Arc<W>,
    mut emit: impl FnMut(R) -> ControlFlow<()>,
) where
    T: Send + 'static,
    R: Send + 'static,
    W: Fn(T) -> R + Send + Sync + 'static,
{
    let window = window.max(1);
    let batch = batch.clamp(1, window);
    let shared = Arc::new((
        Mutex::new(Handoff {
            ready: Vec::with_capacity(window),
            wake_at: 1,
            asleep: false,
        }),
        Condvar::new(),
    ));
    let mut jobs = jobs.enumerate().fuse();
    let mut next_in = 0usize; // jobs started
    let mut next_out = 0usize; // results emitted
    let mut waiting: BTreeMap<usize, R> = BTreeMap::new();
    let mut taken: Vec<(usize, R)> = Vec::with_capacity(window);
    let mut exhausted = false;
    loop {
        while !exhausted && next_in - next_out < window {
            match jobs.next() {
                Some((index, job)) => {
                    let (shared, work) = (Arc::clone(&shared), Arc::clone(work));
                    pool.spawn(move || {
                        let result = work(job);
                        let (handoff, wake) = &*shared;
                        let mut h = lock(handoff);
                        h.ready.push((index, result));
                        let due = h.asleep && h.ready.len() >= h.wake_at;
                        // Woken after the lock is let go, the thread finds it free.
                        drop(h);
                        if due {
                            wake.notify_one();
                        }
                    });
                    next_in += 1;
                }
                None => exhausted = true,
            }
        }
        if next_out == next_in {
            return;
        }
        {
            let (handoff, wake) = &*shared;
            let mut h = lock(handoff);
            // Jobs started and not yet taken: all of them when fewer than a batch.
            let pending = next_in - next_out - waiting.len();
            h.wake_at = pending.min(batch);
            while h.ready.len() < h.wake_at {
                h.asleep = true;
                h = wake.wait(h).unwrap_or_else(PoisonError::into_inner);
            }
            h.asleep = false;
            std::mem::swap(&mut h.ready, &mut taken);
        }
        waiting.extend(taken.drain(..));
        while let Some(result) = waiting.remove(&next_out) {
            next_out += 1;
            if emit(result).is_break() {
                return;
            }
        }
    }
}

/// The hand-off, whether or not a thread panicked holding it (none does: `work` runs
/// outside the lock, and pushing a result cannot panic but for lack of memory).
fn lock<R>(handoff: &Mutex<Handoff<R>>) -> MutexGuard<'_, Handoff<R>> {
    handoff.lock().unwrap_or_else(PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_come_in_input_order_whatever_the_timing() {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(4)
            .build()
            .unwrap_or_else(|e| panic!("{e}"));
        let work = Arc::new(|n: u64| {
            // Later inputs finish first.
            std::thread::sleep(std::time::Duration::from_micros((50 - n % 50) * 20));
            n * 2
        });
        let mut got = Vec::new();
        ordered(&pool, 8, 3, 0..200u64, &work, |r| {
            got.push(r);
            ControlFlow::Continue(())
        });
        assert_eq!(got, (0..200).map(|n| n * 2).collect::<Vec<_>>());
    }

    #[test]
    fn emit_can_stop_the_run() {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build()
            .unwrap_or_else(|e| panic!("{e}"));
        let mut got = Vec::new();
        ordered(&pool, 4, 1, 0..1000u32, &Arc::new(|n: u32| n), |r| {
            got.push(r);
            if r == 9 {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        });
        assert_eq!(got, (0..10).collect::<Vec<_>>());
    }
}
