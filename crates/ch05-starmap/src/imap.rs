//! `imap` and `imap_unordered`: results as an iterator, while the pool still works.
//!
//! Both send every chunk to the pool at once (CPython's task handler does
//! the same, in a thread of its own) and get the results back on one
//! channel, in the order the chunks finish. [`Imap`] hands them out in
//! input order: a slow item holds back every later one that is already
//! done (head-of-line blocking). [`ImapUnordered`] hands each out as it
//! arrives, with its index. CPython's default chunk size for both is 1.

use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;
use std::sync::mpsc::{self, Receiver};

use ch04_pools::{TaskError, ThreadPool};

use crate::chunks::{ChunkSize, split};
use crate::starmap::{MapError, Outcome, run_chunk};

/// A finished chunk: the index of its first item, and its items' outcomes.
type Done<T> = (usize, Vec<Outcome<T>>);

// ANCHOR: submit
/// Sends one pool task per chunk; each sends its outcomes, with its
/// first index, on `tx`.
fn submit<I, T, F>(
    pool: &ThreadPool,
    f: F,
    items: impl IntoIterator<Item = I>,
    chunksize: ChunkSize,
) -> Result<(Receiver<Done<T>>, usize), MapError>
where
    F: Fn(I) -> T + Send + Sync + 'static,
    I: Send + 'static,
    T: Send + 'static,
{
    let items: Vec<I> = items.into_iter().collect();
    let len = items.len();
    let size = match chunksize {
        ChunkSize::Default => 1, // CPython's imap default
        fixed => fixed.resolve(len, pool.size())?,
    };
    let f = Arc::new(f);
    let (tx, rx) = mpsc::channel();
    for (start, chunk) in split(items, size) {
        let (f, tx) = (Arc::clone(&f), tx.clone());
        // The result travels on the shared channel, not through the
        // task's own handle.
        drop(pool.apply_async(move || {
            let _ = tx.send((start, run_chunk(&*f, chunk)));
        })?);
    }
    Ok((rx, len))
}
// ANCHOR_END: submit

fn lost<T>() -> Outcome<T> {
    Err(TaskError::Lost {
        reason: "its chunk never came back".into(),
    })
}

// ANCHOR: imap
/// Results in input order, each as soon as it and every item before it are done.
pub struct Imap<T> {
    done: Receiver<Done<T>>,
    /// Chunks that came back early, by their first index.
    early: BTreeMap<usize, Vec<Outcome<T>>>,
    /// The current chunk's outcomes not handed out yet.
    ready: VecDeque<Outcome<T>>,
    /// The index of the next item to hand out.
    next: usize,
    len: usize,
}

impl<T> Iterator for Imap<T> {
    type Item = Outcome<T>;

    fn next(&mut self) -> Option<Outcome<T>> {
        loop {
            if let Some(outcome) = self.ready.pop_front() {
                self.next += 1;
                return Some(outcome);
            }
            if self.next >= self.len {
                return None;
            }
            if let Some(chunk) = self.early.remove(&self.next) {
                self.ready.extend(chunk);
                continue;
            }
            // Item `next` is not back: wait, whatever else finishes meanwhile.
            match self.done.recv() {
                Ok((start, chunk)) => {
                    self.early.insert(start, chunk);
                }
                Err(_) => {
                    self.next += 1;
                    return Some(lost());
                }
            }
        }
    }
}

/// CPython's `pool.imap(f, items, chunksize)`: lazy results in input order.
pub fn imap<I, T, F>(
    pool: &ThreadPool,
    f: F,
    items: impl IntoIterator<Item = I>,
    chunksize: ChunkSize,
) -> Result<Imap<T>, MapError>
where
    F: Fn(I) -> T + Send + Sync + 'static,
    I: Send + 'static,
    T: Send + 'static,
{
    let (done, len) = submit(pool, f, items, chunksize)?;
    Ok(Imap {
        done,
        early: BTreeMap::new(),
        ready: VecDeque::new(),
        next: 0,
        len,
    })
}
// ANCHOR_END: imap

// ANCHOR: imap_unordered
/// Results in the order they finish, each with its index in the input.
pub struct ImapUnordered<T> {
    done: Receiver<Done<T>>,
    ready: VecDeque<(usize, Outcome<T>)>,
    /// Which items were handed out, to name the missing ones if a chunk
    /// never comes back.
    seen: Vec<bool>,
    left: usize,
}

impl<T> Iterator for ImapUnordered<T> {
    type Item = (usize, Outcome<T>);

    fn next(&mut self) -> Option<(usize, Outcome<T>)> {
        if self.ready.is_empty() && self.left > 0 {
            match self.done.recv() {
                Ok((start, chunk)) => self.ready.extend(
                    chunk.into_iter().enumerate().map(|(k, o)| (start + k, o)),
                ),
                Err(_) => {
                    let missing = self.seen.iter().position(|seen| !seen)?;
                    self.ready.push_back((missing, lost()));
                }
            }
        }
        let (index, outcome) = self.ready.pop_front()?;
        self.seen[index] = true;
        self.left -= 1;
        Some((index, outcome))
    }
}

/// CPython's `pool.imap_unordered(f, items, chunksize)`, with each result's index.
pub fn imap_unordered<I, T, F>(
    pool: &ThreadPool,
    f: F,
    items: impl IntoIterator<Item = I>,
    chunksize: ChunkSize,
) -> Result<ImapUnordered<T>, MapError>
where
    F: Fn(I) -> T + Send + Sync + 'static,
    I: Send + 'static,
    T: Send + 'static,
{
    let (done, len) = submit(pool, f, items, chunksize)?;
    Ok(ImapUnordered {
        done,
        ready: VecDeque::new(),
        seen: vec![false; len],
        left: len,
    })
}
// ANCHOR_END: imap_unordered

#[cfg(test)]
mod tests {
    use super::*;
    use support::{Gate, within_patience};

    fn gates(n: usize) -> Arc<Vec<Gate>> {
        Arc::new((0..n).map(|_| Gate::new()).collect())
    }

    // ANCHOR: test_head_of_line
    #[test]
    fn imap_holds_back_finished_results_behind_a_slow_first_item() {
        within_patience(|| {
            let pool = ThreadPool::new(2).unwrap();
            let gates = gates(1);
            let (g, (tx, finished)) = (Arc::clone(&gates), mpsc::channel());
            let mut results = imap(
                &pool,
                move |i: usize| {
                    if i == 0 {
                        g[0].wait_or_panic(); // the first item is the slow one
                    }
                    tx.send(i).unwrap();
                    i * 10
                },
                0..6,
                ChunkSize::Default,
            )
            .unwrap();
            // The other worker finishes items 1..6 while item 0 waits...
            let mut early: Vec<usize> =
                (0..5).map(|_| finished.recv().unwrap()).collect();
            early.sort();
            assert_eq!(early, [1, 2, 3, 4, 5]);
            // ...yet imap can hand out nothing before item 0: head-of-line blocking.
            gates[0].open();
            assert_eq!(results.next(), Some(Ok(0)));
            let rest: Vec<_> = results.map(Result::unwrap).collect();
            assert_eq!(rest, [10, 20, 30, 40, 50]);
        });
    }
    // ANCHOR_END: test_head_of_line

    // ANCHOR: test_unordered
    #[test]
    fn imap_unordered_hands_out_results_as_they_finish() {
        within_patience(|| {
            let pool = ThreadPool::new(3).unwrap();
            let gates = gates(3);
            let g = Arc::clone(&gates);
            let mut results = imap_unordered(
                &pool,
                move |i: usize| {
                    g[i].wait_or_panic();
                    i * 10
                },
                0..3,
                ChunkSize::Default,
            )
            .unwrap();
            // Open the gates in the order 2, 0, 1: the results must follow it.
            for i in [2, 0, 1] {
                gates[i].open();
                assert_eq!(results.next(), Some((i, Ok(i * 10))));
            }
            assert_eq!(results.next(), None);
        });
    }
    // ANCHOR_END: test_unordered

    #[test]
    fn every_item_comes_back_once_with_chunks() {
        within_patience(|| {
            let pool = ThreadPool::new(3).unwrap();
            for size in [1, 4, 100] {
                let mut got: Vec<(usize, u64)> = imap_unordered(
                    &pool,
                    |x: u64| x * x,
                    0..50,
                    ChunkSize::Fixed(size),
                )
                .unwrap()
                .map(|(i, r)| (i, r.unwrap()))
                .collect();
                got.sort();
                let want: Vec<(usize, u64)> =
                    (0..50).map(|x| (x as usize, x * x)).collect();
                assert_eq!(got, want, "chunks of {size}");
                let ordered: Vec<u64> =
                    imap(&pool, |x: u64| x * x, 0..50, ChunkSize::Fixed(size))
                        .unwrap()
                        .map(Result::unwrap)
                        .collect();
                assert_eq!(ordered, (0..50).map(|x| x * x).collect::<Vec<_>>());
            }
        });
    }

    #[test]
    fn a_failed_item_is_an_error_in_its_place_and_the_rest_follow() {
        within_patience(|| {
            crate::quiet_worker_panics();
            let pool = ThreadPool::new(2).unwrap();
            let check = |x: u64| {
                assert!(x != 3, "bad item {x}");
                x
            };
            let out: Vec<Result<u64, TaskError>> =
                imap(&pool, check, 0..6, ChunkSize::Fixed(2))
                    .unwrap()
                    .collect();
            assert_eq!(out[..3], [Ok(0), Ok(1), Ok(2)]);
            assert!(
                matches!(&out[3], Err(TaskError::Panicked { message }) if message == "bad item 3")
            );
            assert_eq!(out[4..], [Ok(4), Ok(5)]);
        });
    }

    #[test]
    fn nothing_to_map_is_an_empty_iterator() {
        let pool = ThreadPool::new(1).unwrap();
        assert_eq!(
            imap(&pool, |x: u8| x, [], ChunkSize::Default)
                .unwrap()
                .count(),
            0
        );
        assert_eq!(
            imap_unordered(&pool, |x: u8| x, [], ChunkSize::Default)
                .unwrap()
                .count(),
            0
        );
        assert!(imap(&pool, |x: u8| x, [1], ChunkSize::Fixed(0)).is_err());
    }
}
