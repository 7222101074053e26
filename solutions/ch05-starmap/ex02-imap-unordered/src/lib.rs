//! Exercise 2: a lazy `imap_unordered` with a window (solution).

use std::fmt;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, Sender};

#[path = "../../../../exercises/ch05-starmap/pool.rs"]
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
    if window == 0 {
        return Err(ZeroWindow);
    }
    let (tx, rx) = mpsc::channel();
    Ok(Unordered {
        pool,
        f: Arc::new(f),
        items: Box::new(items.into_iter().enumerate()),
        tx,
        rx,
        in_flight: 0,
        window,
    })
}

impl<I, T> Iterator for Unordered<'_, I, T>
where
    I: Send + 'static,
    T: Send + 'static,
{
    type Item = Indexed<T>;

    fn next(&mut self) -> Option<Indexed<T>> {
        while self.in_flight < self.window {
            let Some((index, item)) = self.items.next() else {
                break;
            };
            let (f, tx) = (Arc::clone(&self.f), self.tx.clone());
            // The result comes back on the shared channel, not through the handle.
            drop(self.pool.apply_async(move || {
                let outcome = catch_unwind(AssertUnwindSafe(|| f(item)))
                    .map_err(|p| panic_message(&*p));
                let _ = tx.send((index, outcome));
            }));
            self.in_flight += 1;
        }
        if self.in_flight == 0 {
            return None;
        }
        let result = self.rx.recv().ok()?;
        self.in_flight -= 1;
        Some(result)
    }
}
