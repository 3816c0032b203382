//! Parallel work, ordered output: jobs run on a rayon pool, results come back to the
//! calling thread in input order.
//!
//! At most `window` jobs are in flight or waiting to be emitted, so memory is bounded by
//! the window, not by the number of inputs; the caller's iterator is pulled lazily (it may
//! read standard input). Results are emitted strictly by input index, never by completion
//! order, which is why the output bytes do not depend on the number of threads.

use std::collections::BTreeMap;
use std::ops::ControlFlow;
use std::sync::{Arc, mpsc};

/// Run `work` on every item of `jobs` on `pool`, and call `emit` with the results in the
/// order of `jobs`. `emit` may stop the run (a closed standard output); jobs in flight
/// then finish unobserved. `work` must not panic (rayon would abort the process).
pub(crate) fn ordered<T, R, W>(
    pool: &rayon::ThreadPool,
    window: usize,
    jobs: impl Iterator<Item = T>,
    work: &Arc<W>,
    mut emit: impl FnMut(R) -> ControlFlow<()>,
) where
    T: Send + 'static,
    R: Send + 'static,
    W: Fn(T) -> R + Send + Sync + 'static,
{
    let window = window.max(1);
    let (tx, rx) = mpsc::channel::<(usize, R)>();
    let mut jobs = jobs.enumerate().fuse();
    let mut next_in = 0usize; // jobs started
    let mut next_out = 0usize; // results emitted
    let mut waiting: BTreeMap<usize, R> = BTreeMap::new();
    let mut exhausted = false;
    loop {
        while !exhausted && next_in - next_out < window {
            match jobs.next() {
                Some((index, job)) => {
                    let (tx, work) = (tx.clone(), Arc::clone(work));
                    pool.spawn(move || {
                        // The receiver is gone only when the run was stopped.
                        let _ = tx.send((index, work(job)));
                    });
                    next_in += 1;
                }
                None => exhausted = true,
            }
        }
        if next_out == next_in {
            return;
        }
        let Ok((index, result)) = rx.recv() else {
            return;
        };
        waiting.insert(index, result);
        while let Some(result) = waiting.remove(&next_out) {
            next_out += 1;
            if emit(result).is_break() {
                return;
            }
        }
    }
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
        ordered(&pool, 8, 0..200u64, &work, |r| {
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
        ordered(&pool, 4, 0..1000u32, &Arc::new(|n: u32| n), |r| {
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
