//! Exercise 3: a memo whose lock is not held while it computes.
//!
//! Replace the `todo!()` by your code; `cargo test` in this folder
//! tells you when you are done.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

/// Remembers `compute(key)` for every key it has seen, for any number of threads.
#[derive(Debug, Default)]
pub struct Memo {
    values: Mutex<HashMap<u64, u64>>,
}

impl Memo {
    /// An empty memo.
    pub fn new() -> Self {
        Self::default()
    }

    // ANCHOR: starter
    /// The version under review: right answers, but the lock is held while `compute`
    /// runs. Every other caller, whatever its key, waits for that computation; a
    /// `compute` that uses the memo deadlocks; a `compute` that panics poisons the
    /// lock for everybody.
    pub fn get_or_compute_locked(
        &self,
        key: u64,
        compute: impl FnOnce(u64) -> u64,
    ) -> u64 {
        let mut values = self.values.lock().unwrap();
        *values.entry(key).or_insert_with(|| compute(key))
    }

    /// The value for `key`: the remembered one, or `compute(key)`,
    /// remembered from now on.
    ///
    /// `compute` runs with the lock released, so calls for other keys
    /// proceed meanwhile. If two calls compute the same key at once,
    /// both return the value stored first.
    pub fn get_or_compute(&self, key: u64, compute: impl FnOnce(u64) -> u64) -> u64 {
        // TODO: look the key up under the lock and return a hit. Otherwise release
        // the lock, run `compute`, then lock again and insert, keeping a value
        // another thread may have stored in the meantime
        // (`entry(key).or_insert(...)`).
        todo!()
    }
    // ANCHOR_END: starter

    /// How many keys are remembered.
    pub fn len(&self) -> usize {
        self.values
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }

    /// `true` if nothing is remembered yet.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
