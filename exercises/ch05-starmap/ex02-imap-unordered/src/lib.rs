//! Exercise 2: a lazy `imap_unordered` with a window.
#![allow(unused_variables, dead_code, unused_imports)]

use std::fmt;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, Sender};

#[path = "../../pool.rs"]
mod pool;
pub use pool::{TaskHandle, ThreadPool, panic_message};

/// One result: the item's index in the input, and its value or panic message.
pub type Indexed<T> = (usize, Result<T, String>);

/// A window of 0 would never send anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ZeroWindow;

impl fmt::Display for ZeroWindow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the window must be at least 1")
    }
}

// ANCHOR: starter
/// Results in completion order, with at most `window` items in flight.
pub struct Unordered<'a, I, T> {
    pool: &'a ThreadPool,
    f: Arc<dyn Fn(I) -> T + Send + Sync>,
    /// The input, with each item's index, read only as needed.
    items: Box<dyn Iterator<Item = (usize, I)> + 'a>,
    /// Every task sends its result here (keep a `Sender` to clone for each task).
    tx: Sender<Indexed<T>>,
    rx: Receiver<Indexed<T>>,
    /// Items sent to the pool whose results `next` has not handed out yet.
    in_flight: usize,
    window: usize,
}

/// CPython's `imap_unordered`, lazy on its input too.
pub fn imap_unordered<'a, I, T, F>(
    pool: &'a ThreadPool,
    f: F,
    items: impl IntoIterator<Item = I> + 'a,
    window: usize,
) -> Result<Unordered<'a, I, T>, ZeroWindow>
where
    F: Fn(I) -> T + Send + Sync + 'static,
    I: Send + 'static,
    T: Send + 'static,
{
    // TODO: refuse a window of 0; build the iterator (read nothing from `items` yet).
    todo!()
}

impl<I, T> Iterator for Unordered<'_, I, T>
where
    I: Send + 'static,
    T: Send + 'static,
{
    type Item = Indexed<T>;

    fn next(&mut self) -> Option<Indexed<T>> {
        // TODO: top the window up from `items`, then hand out the next
        // result to arrive.
        todo!()
    }
}
// ANCHOR_END: starter
