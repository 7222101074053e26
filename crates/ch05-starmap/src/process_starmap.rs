//! `starmap` on chapter 04's process pool: each chunk crosses a pipe as bytes.
//!
//! CPython pickles each chunk, function name and arguments, into one message per
//! chunk, and the results back into one message. Here a chunk is one
//! `ProcessPool::apply_async` of a generic `run_chunk::<A, R>` whose argument is the
//! address of `f` and the chunk's items, `(u64, Vec<A>)`, sent with [`Wire`]. So the
//! items must be `Wire` (CPython: picklable), and `f` a plain `fn` (CPython: a
//! function with an importable name, no lambda).

use std::panic::{AssertUnwindSafe, catch_unwind};

use ch03_processes::frame::panic_message;
use ch03_processes::{Wire, WireError};
use ch04_pools::{ProcessPool, ProcessTaskHandle, TaskError};

use crate::chunks::{ChunkSize, split};
use crate::starmap::{MapError, Outcome, in_order};

/// One item's outcome as it crosses back from the worker.
enum Sent<R> {
    Value(R),
    Panicked(String),
}

impl<R: Wire> Wire for Sent<R> {
    fn encode(&self, out: &mut Vec<u8>) {
        match self {
            Sent::Value(value) => {
                0u8.encode(out);
                value.encode(out);
            }
            Sent::Panicked(message) => {
                1u8.encode(out);
                message.encode(out);
            }
        }
    }

    fn decode(input: &mut &[u8]) -> Result<Self, WireError> {
        match u8::decode(input)? {
            0 => Ok(Sent::Value(R::decode(input)?)),
            1 => Ok(Sent::Panicked(String::decode(input)?)),
            _ => Err(WireError("an item's outcome must be tagged 0 or 1")),
        }
    }
}

// ANCHOR: run_chunk
/// A chunk's work, in a worker: call `f` on every item, each panic caught on its own.
fn run_chunk<A: Wire, R: Wire>((function, chunk): (u64, Vec<A>)) -> Vec<Sent<R>> {
    // SAFETY: `function` is the address of an `fn(A) -> R`, written by
    // `starmap_async::<A, R>`, which also chose this instantiation of
    // `run_chunk`. The worker is a fork of the process that took the
    // address, so the same code sits at the same address (chapter 04's
    // `process_pool` sends its own functions the same way).
    let f = unsafe { std::mem::transmute::<usize, fn(A) -> R>(function as usize) };
    chunk
        .into_iter()
        .map(|item| match catch_unwind(AssertUnwindSafe(|| f(item))) {
            Ok(value) => Sent::Value(value),
            Err(payload) => Sent::Panicked(panic_message(&*payload)),
        })
        .collect()
}
// ANCHOR_END: run_chunk

/// The pending results of a process-pool [`starmap_async`]: one pool task per chunk.
#[must_use = "the results, and any failure, are only seen through \
              get() or get_each()"]
pub struct ProcessMapResult<R> {
    chunks: Vec<(usize, ProcessTaskHandle<Vec<Sent<R>>>)>,
}

impl<R: Wire> ProcessMapResult<R> {
    /// How many tasks crossed to the workers: `ceil(len / chunksize)`.
    pub fn jobs(&self) -> usize {
        self.chunks.len()
    }

    /// Every result in input order, or the first failed item with its index.
    pub fn get(self) -> Result<Vec<R>, MapError> {
        in_order(
            self.chunks
                .into_iter()
                .flat_map(|(len, handle)| outcomes(len, handle)),
        )
    }

    /// Every item's own outcome, in input order.
    pub fn get_each(self) -> Vec<Outcome<R>> {
        self.chunks
            .into_iter()
            .flat_map(|(len, handle)| outcomes(len, handle))
            .collect()
    }
}

fn outcomes<R: Wire>(
    len: usize,
    handle: ProcessTaskHandle<Vec<Sent<R>>>,
) -> Vec<Outcome<R>> {
    match handle.get() {
        Ok(sent) => sent
            .into_iter()
            .map(|s| match s {
                Sent::Value(value) => Ok(value),
                Sent::Panicked(message) => Err(TaskError::Panicked { message }),
            })
            .collect(),
        // The whole chunk is lost (its worker died): each of its items
        // fails with the reason.
        Err(error) => (0..len).map(|_| Err(error.clone())).collect(),
    }
}

// ANCHOR: starmap_async
/// Cuts `items` into chunks and sends each to a worker process as one message.
pub fn starmap_async<A: Wire, R: Wire>(
    pool: &ProcessPool,
    f: fn(A) -> R,
    items: impl IntoIterator<Item = A>,
    chunksize: ChunkSize,
) -> Result<ProcessMapResult<R>, MapError> {
    let items: Vec<A> = items.into_iter().collect();
    let size = chunksize.resolve(items.len(), pool.size())?;
    let mut chunks = Vec::new();
    for (_, chunk) in split(items, size) {
        let len = chunk.len();
        let message = (f as usize as u64, chunk);
        chunks.push((len, pool.apply_async(run_chunk::<A, R>, message)?));
    }
    Ok(ProcessMapResult { chunks })
}

/// [`starmap_async`], then [`get`](ProcessMapResult::get).
pub fn starmap<A: Wire, R: Wire>(
    pool: &ProcessPool,
    f: fn(A) -> R,
    items: impl IntoIterator<Item = A>,
    chunksize: ChunkSize,
) -> Result<Vec<R>, MapError> {
    starmap_async(pool, f, items, chunksize)?.get()
}
// ANCHOR_END: starmap_async
