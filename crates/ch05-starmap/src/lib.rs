//! Chapter 05: starmap. A function of several arguments over many
//! argument tuples, on chapter 04's pools, with the results in input
//! order; chunks, and what they do to load balance.
//!
//! * [`tutorial`]: the tutorial's `do_something(a, b)` and its argument list.
//! * [`chunks`]: CPython's default chunk size, and a list cut into chunks.
//! * [`starmap`](mod@starmap): `starmap_async` / `starmap` on chapter 04's
//!   [`ThreadPool`], ordered results, a failed item named by its index ([`MapError`])
//!   or every outcome kept.
//! * [`arity`]: whether a trait for "a function of N arguments" is
//!   worth it (it is not).
//! * [`imap`](mod@imap): [`imap`](fn@imap) (lazy, ordered) and [`imap_unordered`]
//!   (completion order), iterators over a channel.
//! * [`process_starmap`]: the same on chapter 04's `ProcessPool`:
//!   chunks cross a pipe as bytes.
//! * [`balance`]: static chunks, dynamic chunks and rayon on uneven tasks, read
//!   against chapter 01's ideal.
//!
//! [`ThreadPool`]: ch04_pools::ThreadPool

pub mod arity;
pub mod balance;
pub mod chunks;
pub mod imap;
#[cfg(unix)]
pub mod process_starmap;
pub mod starmap;
pub mod tutorial;

pub use chunks::{ChunkSize, default_chunksize};
pub use imap::{Imap, ImapUnordered, imap, imap_unordered};
pub use starmap::{MapError, MapResult, starmap, starmap_async};

/// Tests that make tasks panic on purpose: the panics of chapter 04's pool workers
/// print nothing, the tests' own failures still do.
#[cfg(test)]
pub(crate) fn quiet_worker_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let report = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let name = std::thread::current().name().map(str::to_owned);
            if !name.is_some_and(|n| n.starts_with("pool-worker")) {
                report(info)
            }
        }));
    });
}
