//! Load balance: the same uneven tasks cut into chunks of different sizes.
//!
//! A pool hands a chunk to whichever worker is free, so a chunked map is chapter 01's
//! list schedule applied to the chunks' total sizes. *Static* chunks, one per worker
//! (`chunksize = ceil(len / workers)`), fix the assignment in advance; *dynamic*
//! chunks, many small ones from the shared queue, let a worker that finishes early
//! take more. Rayon splits the slice in halves and lets idle threads steal halves;
//! `with_min_len(n)` stops splitting at `n` items, so it plays the chunk size's part.

use ch01_sequential::ideal::{self, IdealError};
use ch04_pools::ThreadPool;
use rayon::prelude::*;
use workloads::{Scale, cpu_bound_at};

use crate::chunks::{ChunkSize, ranges};
use crate::starmap::{MapError, starmap};

// ANCHOR: long_tail
/// A long tail at the end: 56 tasks of size 1, then 4 of size 16. Input sorted by
/// size, as a list of files sorted by name often is by accident.
pub fn long_tail() -> Vec<u64> {
    let mut tasks = vec![1; 56];
    tasks.extend([16; 4]);
    tasks
}
// ANCHOR_END: long_tail

// ANCHOR: chunked_makespan
/// The sizes of the chunks of `size` items.
pub fn chunk_sums(tasks: &[u64], size: usize) -> Vec<f64> {
    ranges(tasks.len(), size)
        .into_iter()
        .map(|r| tasks[r].iter().sum::<u64>() as f64)
        .collect()
}

/// The makespan of a pool of `workers` fed chunks of `size`: each chunk, in order,
/// goes to the worker free first (chapter 01's list schedule, on the chunks).
pub fn chunked_makespan(
    tasks: &[u64],
    workers: usize,
    size: usize,
) -> Result<f64, IdealError> {
    ideal::list_makespan(&chunk_sums(tasks, size), workers)
}

/// Static chunks: one per worker, `ceil(len / workers)` items each.
pub fn static_chunksize(len: usize, workers: usize) -> usize {
    len.div_ceil(workers.max(1)).max(1)
}
// ANCHOR_END: chunked_makespan

/// The tasks as `f64` sizes, for chapter 01's functions.
pub fn sizes(tasks: &[u64]) -> Vec<f64> {
    tasks.iter().map(|&n| n as f64).collect()
}

// ANCHOR: runners
/// `cpu_bound` on every task, through our pool, in chunks of `size`.
pub fn run_chunked(
    pool: &ThreadPool,
    tasks: &[u64],
    size: usize,
    scale: Scale,
) -> Result<Vec<u64>, MapError> {
    starmap(
        pool,
        move |n| cpu_bound_at(n, scale),
        tasks.to_vec(),
        ChunkSize::Fixed(size),
    )
}

/// The same with rayon: a parallel iterator over the slice, split no
/// finer than `min_len`.
pub fn run_rayon(
    pool: &rayon::ThreadPool,
    tasks: &[u64],
    min_len: usize,
    scale: Scale,
) -> Vec<u64> {
    pool.install(|| {
        tasks
            .par_iter()
            .with_min_len(min_len)
            .map(|&n| cpu_bound_at(n, scale))
            .collect()
    })
}

/// LPT by hand: submit the longest first, one item per chunk, then put the results
/// back in input order. A failed item is named by its position in `tasks` (the first
/// failure in the order the items were submitted, longest first).
pub fn run_longest_first(
    pool: &ThreadPool,
    tasks: &[u64],
    scale: Scale,
) -> Result<Vec<u64>, MapError> {
    let mut order: Vec<usize> = (0..tasks.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(tasks[i]));
    let sorted: Vec<u64> = order.iter().map(|&i| tasks[i]).collect();
    let results = run_chunked(pool, &sorted, 1, scale).map_err(|e| match e {
        MapError::Item { index, error } => MapError::Item {
            index: order[index],
            error,
        },
        other => other,
    })?;
    let mut in_input_order = vec![0; tasks.len()];
    for (&i, result) in order.iter().zip(results) {
        in_input_order[i] = result;
    }
    Ok(in_input_order)
}
// ANCHOR_END: runners

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::thread;
    use support::within_patience;
    use workloads::{TUTORIAL_NUMBERS, cpu_bound_expected};

    // ANCHOR: test_against_ideal
    #[test]
    fn chunk_sizes_read_against_chapter_01s_ideal() {
        let tutorial = TUTORIAL_NUMBERS;
        let ideal = ideal::Ideal::new(&sizes(&tutorial), 2).unwrap();
        assert_eq!((ideal.lpt, ideal.lower_bound), (64.0, 60.5));
        // Static: [11, 23] and [53, 34]. Dynamic: 11, 23, then 53 and
        // 34 to whoever is free.
        assert_eq!(static_chunksize(4, 2), 2);
        assert_eq!(chunked_makespan(&tutorial, 2, 2), Ok(87.0));
        assert_eq!(chunked_makespan(&tutorial, 2, 1), Ok(64.0));

        let tail = long_tail();
        let ideal = ideal::Ideal::new(&sizes(&tail), 2).unwrap();
        assert_eq!((ideal.lpt, ideal.lower_bound), (60.0, 60.0));
        let default = crate::default_chunksize(tail.len(), 2);
        assert_eq!(default, 8);
        assert_eq!(
            chunked_makespan(&tail, 2, 30),
            Ok(90.0),
            "static: 30 ones | 26 ones + 64"
        );
        assert_eq!(
            chunked_makespan(&tail, 2, default),
            Ok(88.0),
            "all four long tasks in one chunk"
        );
        assert_eq!(
            chunked_makespan(&tail, 2, 4),
            Ok(92.0),
            "4 long tasks, 4 per chunk: one chunk"
        );
        assert_eq!(
            chunked_makespan(&tail, 2, 2),
            Ok(60.0),
            "small chunks reach the ideal"
        );
        assert_eq!(chunked_makespan(&tail, 2, 1), Ok(60.0));
    }
    // ANCHOR_END: test_against_ideal

    // ANCHOR: test_one_worker_gets_the_tail
    #[test]
    fn a_big_chunk_puts_every_long_task_on_one_worker() {
        within_patience(|| {
            let pool = ThreadPool::new(2).unwrap();
            let tail = long_tail();
            let ran_on = |size: usize| {
                let threads = starmap(
                    &pool,
                    |n: u64| (n, thread::current().id()),
                    tail.clone(),
                    ChunkSize::Fixed(size),
                )
                .unwrap();
                threads
                    .into_iter()
                    .filter(|&(n, _)| n == 16)
                    .map(|(_, t)| t)
                    .collect::<HashSet<_>>()
                    .len()
            };
            // CPython's default here, 8 items per chunk: the last chunk holds all
            // four long tasks.
            assert_eq!(ran_on(crate::default_chunksize(tail.len(), 2)), 1);
            assert_eq!(ran_on(30), 1, "static chunks: the same");
        });
    }
    // ANCHOR_END: test_one_worker_gets_the_tail

    #[test]
    fn every_runner_computes_the_same_results() {
        within_patience(|| {
            let pool = ThreadPool::new(2).unwrap();
            let rayon = ch04_pools::rayon_pools::build(2).unwrap();
            let tasks = TUTORIAL_NUMBERS;
            let want: Vec<u64> = tasks
                .iter()
                .map(|&n| cpu_bound_expected(n, Scale::TEST))
                .collect();
            for size in [1, 2, 4] {
                assert_eq!(
                    run_chunked(&pool, &tasks, size, Scale::TEST).unwrap(),
                    want
                );
                assert_eq!(run_rayon(&rayon, &tasks, size, Scale::TEST), want);
            }
            assert_eq!(run_longest_first(&pool, &tasks, Scale::TEST).unwrap(), want);
        });
    }

    // ANCHOR: test_rayon_min_len
    #[test]
    fn rayon_keeps_order_and_never_splits_below_min_len() {
        let rayon = ch04_pools::rayon_pools::build(2).unwrap();
        let tasks: Vec<(u64, u64)> = (0..64).map(|i| (i, i + 1)).collect();
        let pieces = AtomicUsize::new(0);
        let out: Vec<u64> = rayon.install(|| {
            tasks
                .par_iter()
                .with_min_len(16)
                .map_init(
                    // Called once per piece rayon cuts: count them.
                    || pieces.fetch_add(1, Ordering::SeqCst),
                    |_, &(a, b)| a * b,
                )
                .collect()
        });
        assert_eq!(out, tasks.iter().map(|&(a, b)| a * b).collect::<Vec<_>>());
        let pieces = pieces.load(Ordering::SeqCst);
        assert!(
            (1..=64 / 16).contains(&pieces),
            "{pieces} pieces: at most 4 of at least 16"
        );
    }
    // ANCHOR_END: test_rayon_min_len
}
