//! `starmap` on chapter 04's thread pool: many argument tuples, one function, results
//! in input order.
//!
//! | CPython | here |
//! |---|---|
//! | `pool.starmap(f, [(a, b), ...])` | `starmap(&pool, \|(a, b)\| f(a, b), args, ChunkSize::Default)?` |
//! | `r = pool.starmap_async(f, args, chunksize=10)` | `let r = starmap_async(&pool, \|(a, b)\| f(a, b), args, ChunkSize::Fixed(10))?;` |
//! | `r.get()`: the results, or the first exception raised | [`r.get()`](MapResult::get): `Ok(results)`, or the first failed item *with its index* |
//! | (no equivalent) | [`r.get_each()`](MapResult::get_each): every item's own `Result` |
//!
//! Rust has no `*args`: an argument tuple is one value, and the closure's parameter
//! pattern `|(a, b)|` takes it apart. So `starmap` here is `map` over tuples; there
//! is no second function to write (module [`arity`](crate::arity) shows what a second
//! one would cost).

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use thiserror::Error;

use ch04_pools::error::panic_message;
use ch04_pools::{PoolError, TaskError, TaskHandle, ThreadPool};

use crate::chunks::{ChunkSize, ZeroChunkSize, split};

/// One item's outcome: its value, or why it has none.
pub type Outcome<T> = Result<T, TaskError>;

// ANCHOR: map_error
/// Why a map gave no list of results.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum MapError {
    /// The pool refused the work (closed, or no worker).
    #[error("the pool refused the work: {0}")]
    Pool(#[from] PoolError),
    /// A chunk size of zero was asked for.
    #[error("{}", ZeroChunkSize)]
    ZeroChunkSize,
    /// The item at `index` (its position in the input) failed; it is the first failed
    /// item in input order.
    #[error("item {index} failed: {error}")]
    Item {
        /// The failed item's position in the input.
        index: usize,
        /// What happened to it.
        #[source]
        error: TaskError,
    },
}
// ANCHOR_END: map_error

impl From<ZeroChunkSize> for MapError {
    fn from(_: ZeroChunkSize) -> Self {
        MapError::ZeroChunkSize
    }
}

// ANCHOR: run_chunk
/// Runs `f` on every item of a chunk, in order, catching each item's
/// panic on its own: a bad item costs one result, not the chunk's, and
/// its position in the chunk survives.
pub fn run_chunk<I, T>(f: &impl Fn(I) -> T, chunk: Vec<I>) -> Vec<Outcome<T>> {
    chunk
        .into_iter()
        .map(|item| {
            catch_unwind(AssertUnwindSafe(|| f(item))).map_err(|payload| {
                TaskError::Panicked {
                    message: panic_message(&*payload),
                }
            })
        })
        .collect()
}
// ANCHOR_END: run_chunk

// ANCHOR: map_result
/// The pending results of a [`starmap_async`] (CPython's `MapResult`):
/// one pool task per chunk.
#[must_use = "the results, and any failure, are only seen through \
              get() or get_each()"]
pub struct MapResult<T> {
    /// Each chunk's length and the handle of the pool task that runs
    /// it, in input order.
    chunks: Vec<(usize, TaskHandle<Vec<Outcome<T>>>)>,
}

impl<T> MapResult<T> {
    /// How many tasks were sent to the pool: one per chunk, `ceil(len / chunksize)`.
    pub fn jobs(&self) -> usize {
        self.chunks.len()
    }

    /// Every result in input order, or the first failed item in input
    /// order, with its index. Returns as soon as that item's chunk is
    /// back; later chunks still run, unseen.
    pub fn get(self) -> Result<Vec<T>, MapError> {
        in_order(
            self.chunks
                .into_iter()
                .flat_map(|(len, handle)| outcomes(len, handle)),
        )
    }

    /// Every item's own outcome, in input order: the failures do not
    /// hide the successes.
    pub fn get_each(self) -> Vec<Outcome<T>> {
        self.chunks
            .into_iter()
            .flat_map(|(len, handle)| outcomes(len, handle))
            .collect()
    }
}

/// The values of `outcomes`, or the first failure with its index. Lazy: it stops
/// pulling (and waiting for chunks) at the first failure.
pub(crate) fn in_order<T>(
    outcomes: impl Iterator<Item = Outcome<T>>,
) -> Result<Vec<T>, MapError> {
    outcomes
        .enumerate()
        .map(|(index, outcome)| {
            outcome.map_err(|error| MapError::Item { index, error })
        })
        .collect()
}

/// A chunk's outcomes; if the chunk's pool task itself gave no result,
/// that error for each item.
fn outcomes<T>(len: usize, handle: TaskHandle<Vec<Outcome<T>>>) -> Vec<Outcome<T>> {
    match handle.get() {
        Ok(outcomes) => outcomes,
        Err(error) => (0..len).map(|_| Err(error.clone())).collect(),
    }
}
// ANCHOR_END: map_result

// ANCHOR: starmap_async
/// Cuts `items` into chunks and sends one pool task per chunk; `get` puts the results
/// back in input order. `f` takes one item: for argument tuples, destructure them in
/// its parameters, `|(a, b)| do_something(a, b)`.
pub fn starmap_async<I, T, F>(
    pool: &ThreadPool,
    f: F,
    items: impl IntoIterator<Item = I>,
    chunksize: ChunkSize,
) -> Result<MapResult<T>, MapError>
where
    F: Fn(I) -> T + Send + Sync + 'static,
    I: Send + 'static,
    T: Send + 'static,
{
    let items: Vec<I> = items.into_iter().collect();
    let size = chunksize.resolve(items.len(), pool.size())?;
    let f = Arc::new(f);
    let mut chunks = Vec::new();
    for (_, chunk) in split(items, size) {
        let f = Arc::clone(&f);
        let len = chunk.len();
        chunks.push((len, pool.apply_async(move || run_chunk(&*f, chunk))?));
    }
    Ok(MapResult { chunks })
}

/// [`starmap_async`], then [`get`](MapResult::get): CPython's blocking `starmap`.
pub fn starmap<I, T, F>(
    pool: &ThreadPool,
    f: F,
    items: impl IntoIterator<Item = I>,
    chunksize: ChunkSize,
) -> Result<Vec<T>, MapError>
where
    F: Fn(I) -> T + Send + Sync + 'static,
    I: Send + 'static,
    T: Send + 'static,
{
    starmap_async(pool, f, items, chunksize)?.get()
}
// ANCHOR_END: starmap_async

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;
    use std::sync::Mutex;
    use std::sync::mpsc;
    use std::thread;
    use std::time::Duration;
    use support::{Gate, InFlight, PATIENCE, Rendezvous, within_patience};
    use workloads::Scale;

    use crate::tutorial::{do_something, tutorial_args};

    // ANCHOR: test_tutorial
    #[test]
    fn the_tutorial_row_comes_back_in_input_order() {
        within_patience(|| {
            let pool = ThreadPool::new(5).unwrap();
            let scale = Scale::TEST;
            let result = starmap_async(
                &pool,
                move |(a, b)| do_something(a, b, scale),
                tutorial_args(),
                ChunkSize::Default,
            )
            .unwrap();
            assert_eq!(result.jobs(), 5, "5 items, 5 workers: chunks of 1");
            assert_eq!(
                result.get().unwrap(),
                [1, 3, 5, 7, 9].map(|s| format!("Done sleeping {s} seconds"))
            );
        });
    }
    // ANCHOR_END: test_tutorial

    #[test]
    fn order_is_input_order_whatever_the_finishing_order() {
        within_patience(|| {
            // Item i waits for gate i; the gates open last-first, so the items finish
            // in reverse order, and the results must still come back in input order.
            let n = 6;
            let gates: Arc<Vec<Gate>> =
                Arc::new((0..n).map(|_| Gate::new()).collect());
            let finished = Arc::new(Mutex::new(Vec::new()));
            let pool = ThreadPool::new(n).unwrap();
            let (g, fin) = (Arc::clone(&gates), Arc::clone(&finished));
            let result = starmap_async(
                &pool,
                move |(i, tag): (usize, char)| {
                    g[i].wait_or_panic();
                    fin.lock().unwrap().push(i);
                    format!("{tag}{i}")
                },
                (0..n).map(|i| (i, 'x')),
                ChunkSize::Fixed(1),
            )
            .unwrap();
            for i in (0..n).rev() {
                gates[i].open();
                while !finished.lock().unwrap().contains(&i) {
                    thread::yield_now();
                }
            }
            assert_eq!(*finished.lock().unwrap(), [5, 4, 3, 2, 1, 0]);
            assert_eq!(result.get().unwrap(), ["x0", "x1", "x2", "x3", "x4", "x5"]);
        });
    }

    // ANCHOR: test_jobs
    #[test]
    fn one_job_per_chunk_and_a_chunk_runs_on_one_worker() {
        within_patience(|| {
            let pool = ThreadPool::new(3).unwrap();
            for (n, size) in [(0, 4), (1, 4), (10, 1), (10, 3), (10, 10), (10, 100)] {
                let result = starmap_async(
                    &pool,
                    |(i, _): (usize, ())| (i, thread::current().id()),
                    (0..n).map(|i| (i, ())),
                    ChunkSize::Fixed(size),
                )
                .unwrap();
                assert_eq!(
                    result.jobs(),
                    n.div_ceil(size),
                    "{n} items, chunks of {size}"
                );
                let ran = result.get().unwrap();
                for chunk in ran.chunks(size) {
                    assert!(
                        chunk.iter().all(|(_, t)| *t == chunk[0].1),
                        "one worker per chunk"
                    );
                }
                assert_eq!(
                    ran.iter().map(|(i, _)| *i).collect::<Vec<_>>(),
                    (0..n).collect::<Vec<_>>()
                );
            }
            let default =
                starmap_async(&pool, |x: u32| x, 0..10_000, ChunkSize::Default)
                    .unwrap();
            // ceil(10_000 / (4 * 3)) = 834 per chunk, 12 chunks: about
            // four per worker.
            assert_eq!(default.jobs(), 12);
            assert!(matches!(
                starmap_async(&pool, |x: u32| x, 0..1, ChunkSize::Fixed(0)),
                Err(MapError::ZeroChunkSize)
            ));
        });
    }
    // ANCHOR_END: test_jobs

    #[test]
    fn chunks_run_in_parallel_on_every_worker() {
        within_patience(|| {
            let workers = 3;
            let pool = ThreadPool::new(workers).unwrap();
            let all_in = Arc::new(Rendezvous::new(workers));
            let in_flight = Arc::new(InFlight::new());
            let (meet, inside) = (Arc::clone(&all_in), Arc::clone(&in_flight));
            let result = starmap(
                &pool,
                move |_: ((), ())| {
                    let _inside = inside.enter();
                    meet.arrive(PATIENCE).is_ok()
                },
                (0..12).map(|_| ((), ())),
                ChunkSize::Fixed(2),
            )
            .unwrap();
            assert!(result.iter().all(|&met| met), "three chunks met at once");
            assert_eq!(in_flight.max(), workers);
        });
    }

    // ANCHOR: test_failed_index
    #[test]
    fn a_failed_item_is_named_by_its_index_and_the_others_survive() {
        within_patience(|| {
            crate::quiet_worker_panics();
            {
                let pool = ThreadPool::new(2).unwrap();
                let check = |x: u64| {
                    assert!(x != 13 && x != 27, "bad item {x}");
                    x * 10
                };
                let err =
                    starmap(&pool, check, 0..40, ChunkSize::Fixed(10)).unwrap_err();
                let MapError::Item { index, error } = err else {
                    panic!("expected an item error, got {err}")
                };
                assert_eq!(index, 13, "the first failed item in input order");
                assert_eq!(
                    error,
                    TaskError::Panicked {
                        message: "bad item 13".into()
                    }
                );

                let each = starmap_async(&pool, check, 0..40, ChunkSize::Fixed(10))
                    .unwrap()
                    .get_each();
                let failed: Vec<usize> =
                    (0..40).filter(|&i| each[i].is_err()).collect();
                assert_eq!(failed, [13, 27]);
                assert_eq!(each[14], Ok(140), "the rest of item 13's chunk survives");
            }
        });
    }
    // ANCHOR_END: test_failed_index

    // ANCHOR: test_chunk_loses_index
    #[test]
    fn a_panic_caught_per_chunk_loses_the_index_and_the_chunk() {
        within_patience(|| {
            crate::quiet_worker_panics();
            {
                let pool = ThreadPool::new(2).unwrap();
                // The pitfall: one pool task per chunk, with the chunk's loop inside
                // it. Chapter 04's pool catches the panic, but for the whole chunk.
                let chunk: Vec<u64> = (10..20).collect();
                let whole = pool
                    .apply_async(move || {
                        chunk
                            .into_iter()
                            .map(|x| {
                                assert!(x != 13, "bad item {x}");
                                x * 10
                            })
                            .collect::<Vec<_>>()
                    })
                    .unwrap();
                let error = whole.get().unwrap_err();
                // All we learn: something in 10..20 failed; nine good
                // results are gone.
                assert_eq!(
                    error,
                    TaskError::Panicked {
                        message: "bad item 13".into()
                    }
                );
            }
        });
    }
    // ANCHOR_END: test_chunk_loses_index

    // ANCHOR: test_collect_all
    #[test]
    fn get_waits_for_every_chunk() {
        within_patience(|| {
            let pool = ThreadPool::new(2).unwrap();
            let gate = Arc::new(Gate::new());
            let g = Arc::clone(&gate);
            let (done_tx, done) = mpsc::channel();
            let result = starmap_async(
                &pool,
                move |i: usize| {
                    if i == 9 {
                        g.wait_or_panic(); // the last item is slow
                    } else {
                        done_tx.send(i).unwrap();
                    }
                    i
                },
                0..10,
                ChunkSize::Fixed(1),
            )
            .unwrap();
            let (tx, rx) = mpsc::channel();
            let waiter =
                thread::spawn(move || tx.send(result.get().map(|v| v.len())));
            for _ in 0..9 {
                done.recv_timeout(PATIENCE).unwrap();
            }
            // Nine results are ready, but get() holds them all until
            // the tenth: nothing yet.
            assert!(rx.recv_timeout(Duration::from_millis(50)).is_err());
            gate.open();
            assert_eq!(rx.recv_timeout(PATIENCE).unwrap().unwrap(), 10);
            waiter.join().unwrap().unwrap();
        });
    }
    // ANCHOR_END: test_collect_all

    #[test]
    fn a_closed_pool_refuses_the_map() {
        let pool = ThreadPool::new(1).unwrap();
        pool.close();
        let err = starmap(&pool, |x: u8| x, [1, 2], ChunkSize::Default).unwrap_err();
        assert!(matches!(err, MapError::Pool(PoolError::Closed)), "{err}");
        assert!(err.to_string().contains("closed"));
    }

    #[test]
    fn results_are_the_sequential_ones_for_many_sizes() {
        within_patience(|| {
            let pool = ThreadPool::new(2).unwrap();
            let args: Vec<(u64, u64)> = (0..97).map(|i| (i, i % 7)).collect();
            let expected: Vec<u64> = args.iter().map(|&(a, b)| a * b + 1).collect();
            let mut seen = HashMap::new();
            for size in [1, 2, 7, 96, 97, 98] {
                let got = starmap(
                    &pool,
                    |(a, b)| a * b + 1,
                    args.clone(),
                    ChunkSize::Fixed(size),
                );
                seen.insert(size, got.unwrap() == expected);
            }
            assert!(seen.values().all(|&ok| ok), "{seen:?}");
        });
    }
}
