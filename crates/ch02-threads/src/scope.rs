//! Step 2: scoped threads borrow the input, and the even split over the cores.
//!
//! `thread::scope` guarantees that every thread spawned inside it has
//! finished when the scope ends, so those threads may borrow local
//! data: no `'static`, no `Arc`, no clones.

use std::num::NonZeroUsize;
use std::ops::Range;
use std::thread;

use workloads::{Scale, split_range, sum_range};

use crate::ThreadsError;
use crate::error::collect_joined;

// ANCHOR: scoped_each
/// Runs `task(n)` for every number on a scoped thread of its own;
/// results in input order.
///
/// The threads borrow `numbers` and `task`: the scope joins them all
/// before it returns.
pub fn scoped_each<T, F>(numbers: &[u64], task: &F) -> Result<Vec<T>, ThreadsError>
where
    T: Send,
    F: Fn(u64) -> T + Sync,
{
    thread::scope(|s| {
        let handles: Vec<_> =
            numbers.iter().map(|&n| s.spawn(move || task(n))).collect();
        let joined: Vec<_> = handles.into_iter().map(|h| h.join()).collect();
        collect_joined(joined)
    })
}
// ANCHOR_END: scoped_each

// ANCHOR: scoped_workers
/// Starts `threads` scoped threads; worker `w` runs `work(w)`. Results
/// in worker order.
///
/// Zero threads is an error: nobody would do the work.
pub fn scoped_workers<T, F>(threads: usize, work: &F) -> Result<Vec<T>, ThreadsError>
where
    T: Send,
    F: Fn(usize) -> T + Sync,
{
    if threads == 0 {
        return Err(ThreadsError::ZeroThreads);
    }
    thread::scope(|s| {
        let handles: Vec<_> =
            (0..threads).map(|w| s.spawn(move || work(w))).collect();
        let joined: Vec<_> = handles.into_iter().map(|h| h.join()).collect();
        collect_joined(joined)
    })
}
// ANCHOR_END: scoped_workers

/// Splits `range` into `threads` near-equal chunks and runs
/// `work(w, chunk_w)` on worker `w`.
pub fn for_each_chunk<T, F>(
    range: Range<u64>,
    threads: usize,
    work: &F,
) -> Result<Vec<T>, ThreadsError>
where
    T: Send,
    F: Fn(usize, Range<u64>) -> T + Sync,
{
    let chunks = split_range(range, threads).ok_or(ThreadsError::ZeroThreads)?;
    scoped_workers(threads, &|w| work(w, chunks[w].clone()))
}

// ANCHOR: even_split
/// The whole workload, split evenly over `threads` threads.
///
/// Worker `w` takes the `w`-th chunk of *every* number's range `0..n * unit`, so each
/// worker does the same amount of work, whatever the numbers. The partial sums are
/// added up per number at the end: the results are exactly those of
/// `cpu_bound_at(n, scale)`.
pub fn even_split(
    numbers: &[u64],
    scale: Scale,
    threads: usize,
) -> Result<Vec<u64>, ThreadsError> {
    let chunks: Vec<Vec<Range<u64>>> = numbers
        .iter()
        .map(|&n| {
            split_range(0..n * scale.unit, threads).ok_or(ThreadsError::ZeroThreads)
        })
        .collect::<Result<_, _>>()?;
    let partials: Vec<Vec<u64>> = scoped_workers(threads, &|w| {
        chunks
            .iter()
            .map(|of_n| sum_range(of_n[w].clone()))
            .collect()
    })?;
    let mut totals = vec![0u64; numbers.len()];
    for partial in &partials {
        for (total, p) in totals.iter_mut().zip(partial) {
            *total = total.wrapping_add(*p);
        }
    }
    Ok(totals)
}
// ANCHOR_END: even_split

// ANCHOR: cores
/// How many threads can run at once here: `available_parallelism`, or 1
/// if it is unknown.
pub fn cores() -> usize {
    thread::available_parallelism().map_or(1, NonZeroUsize::get)
}
// ANCHOR_END: cores

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;
    use support::{Rendezvous, within_patience};
    use workloads::{TUTORIAL_NUMBERS, cpu_bound_expected, sum_range_expected};

    #[test]
    fn scoped_threads_borrow_the_input_and_run_at_once() {
        within_patience(|| {
            // `labels` is a local Vec: the threads borrow it, nothing
            // is cloned or moved.
            let labels: Vec<String> = (0..4).map(|i| format!("task {i}")).collect();
            let here = Rendezvous::new(4);
            let got = scoped_each(&[0, 1, 2, 3], &|n| {
                here.arrive_or_panic();
                (labels[n as usize].len(), thread::current().id())
            })
            .unwrap();
            assert!(got.iter().all(|(len, _)| *len == 6));
            let ids: HashSet<_> = got.iter().map(|(_, id)| *id).collect();
            assert_eq!(ids.len(), 4);
            assert!(!ids.contains(&thread::current().id()));
        });
    }

    #[test]
    fn workers_are_distinct_threads_running_at_once() {
        within_patience(|| {
            for threads in [1, 2, 3, 8] {
                let here = Rendezvous::new(threads);
                let ids = scoped_workers(threads, &|_| {
                    here.arrive_or_panic();
                    thread::current().id()
                })
                .unwrap();
                assert_eq!(ids.iter().collect::<HashSet<_>>().len(), threads);
            }
        });
    }

    #[test]
    fn zero_threads_is_an_error_not_a_panic() {
        assert_eq!(scoped_workers(0, &|w| w), Err(ThreadsError::ZeroThreads));
        assert_eq!(
            for_each_chunk(0..10, 0, &|_, _| ()),
            Err(ThreadsError::ZeroThreads)
        );
        assert_eq!(
            even_split(&TUTORIAL_NUMBERS, Scale::TEST, 0),
            Err(ThreadsError::ZeroThreads)
        );
        assert_eq!(
            ThreadsError::ZeroThreads.to_string(),
            "cannot split work over zero threads"
        );
    }

    #[test]
    fn a_panicking_worker_is_an_error() {
        let err =
            scoped_workers(3, &|w| assert_ne!(w, 2, "worker two fails")).unwrap_err();
        assert!(
            matches!(err, ThreadsError::Panicked { index: 2, .. }),
            "{err:?}"
        );
    }

    #[test]
    fn chunks_cover_the_range_once() {
        for threads in [1, 2, 3, 7, 50] {
            let sums =
                for_each_chunk(5..1234, threads, &|_, c| sum_range(c)).unwrap();
            assert_eq!(sums.len(), threads);
            let total = sums.iter().fold(0u64, |a, &b| a.wrapping_add(b));
            assert_eq!(total, sum_range_expected(5..1234));
        }
    }

    #[test]
    fn even_split_gives_the_sequential_results_for_any_thread_count() {
        let want: Vec<u64> = TUTORIAL_NUMBERS
            .iter()
            .map(|&n| cpu_bound_expected(n, Scale::TEST))
            .collect();
        for threads in [1, 2, 3, 4, 16, cores()] {
            assert_eq!(
                even_split(&TUTORIAL_NUMBERS, Scale::TEST, threads).unwrap(),
                want
            );
        }
        // More threads than additions: the extra workers get empty chunks.
        let tiny = Scale {
            unit: 1,
            ..Scale::TEST
        };
        assert_eq!(even_split(&[3, 0, 2], tiny, 8).unwrap(), vec![3, 0, 1]);
    }

    #[test]
    fn cores_is_at_least_one() {
        assert!(cores() >= 1);
    }
}
